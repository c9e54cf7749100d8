/* The libmicrohttpd transport: one thread per connection (a handler that
 * blocks on an upstream never holds back another request), bodies buffered
 * up to a limit, the pipeline run once the body is complete, graceful
 * shutdown on SIGTERM/SIGINT. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "platform/http/internal.h"
#include "platform/json.h"
#include "platform/log.h"

#define HTTP_LOGGER "tali.http"
#define HTTP_CONNECTION_TIMEOUT_S 30
#define HTTP_SHUTDOWN_GRACE_MS 30000
/* libmicrohttpd holds a connection's whole request head, and one record
 * per query parameter and header, in this pool, and answers with its own
 * HTML page (or just closes the connection, when the records do not fit)
 * once it overflows.  The pool is therefore far larger than the limits
 * below, which the server enforces itself with JSON answers: a head
 * within HTTP_URI_LIMIT and HTTP_HEADERS_LIMIT always fits, whatever the
 * number of parameters (a record costs ~56 bytes, a parameter as little
 * as 2).  Pages are only touched as a request fills them. */
#define HTTP_CONNECTION_MEMORY (1024 * 1024)

/* ---- server object ---- */

http_server_t *http_server_new(const config_t *c, db_pool_t *pool)
{
    http_server_t *s = xcalloc(1, sizeof(*s));
    s->cfg = c;
    s->pool = pool;
    s->router = http_router_new();
    s->rl = ratelimit_new(RATELIMIT_WINDOW_MS, NULL, NULL);
    s->listen_fd = -1;
    if (c)
        s->origins = config_cors_origins(c, &s->norigins);
    atomic_init(&s->inflight, 0);
    atomic_init(&s->stopping, false);
    return s;
}

void http_server_set_cors_origins(http_server_t *s, const char *const *origins, size_t n)
{
    s->origins = origins;
    s->norigins = n;
}

void http_server_set_ratelimit(http_server_t *s, ratelimit_t *rl)
{
    ratelimit_free(s->rl);
    s->rl = rl;
}

static char *srv_dup(const char *s)
{
    return s ? xstrdup(s) : NULL;
}

void http_route(http_server_t *s, const char *method, const char *pattern, http_handler_fn fn,
                const http_route_doc_t *doc)
{
    http_route_with(s, method, pattern, fn, doc, NULL);
}

void http_route_with(http_server_t *s, const char *method, const char *pattern, http_handler_fn fn,
                     const http_route_doc_t *doc, const void *data)
{
    if (s->nroutes == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 64;
        s->routes = xrealloc(s->routes, s->cap * sizeof(*s->routes));
    }
    http_route_t *r = &s->routes[s->nroutes];
    memset(r, 0, sizeof(*r));
    r->method = xstrdup(method);
    r->pattern = xstrdup(pattern);
    r->fn = fn;
    r->data = data;
    if (doc) {
        r->doc = *doc;
        r->doc.summary = srv_dup(doc->summary);
        r->doc.tag = srv_dup(doc->tag);
        r->doc.auth = srv_dup(doc->auth);
    }
    http_router_add(s->router, method, pattern, s->nroutes);
    s->nroutes++;
}

int http_route_describe(http_server_t *s, const char *method, const char *pattern, const char *operation_json)
{
    json_t *v = json_loads(operation_json, 0, NULL);
    bool ok = json_is_object(v);
    json_decref(v);
    if (!ok)
        return -1;
    for (size_t i = 0; i < s->nroutes; i++) {
        http_route_t *r = &s->routes[i];
        if (strcmp(r->method, method) == 0 && strcmp(r->pattern, pattern) == 0) {
            free(r->openapi);
            r->openapi = xstrdup(operation_json);
            return 0;
        }
    }
    return -1;
}

int http_routes_describe(http_server_t *s, const http_route_openapi_t *ops, size_t n)
{
    int rejected = 0;
    for (size_t i = 0; i < n; i++) {
        if (http_route_describe(s, ops[i].method, ops[i].pattern, ops[i].operation_json) != 0) {
            log_msg(LOG_ERROR, HTTP_LOGGER, "OpenAPI description of %s %s rejected: not a JSON object or no such route",
                    ops[i].method, ops[i].pattern);
            rejected++;
        }
    }
    return rejected;
}

int http_openapi_schema(http_server_t *s, const char *name, const char *schema_json)
{
    json_t *v = json_loads(schema_json, 0, NULL);
    bool ok = json_is_object(v) && name && *name;
    json_decref(v);
    if (!ok) {
        log_msg(LOG_ERROR, HTTP_LOGGER, "OpenAPI schema %s rejected: not a JSON object", name ? name : "(null)");
        return -1;
    }
    for (size_t i = 0; i < s->nschemas; i++) {
        if (strcmp(s->schemas[i].name, name) == 0) {
            free(s->schemas[i].json);
            s->schemas[i].json = xstrdup(schema_json);
            return 0;
        }
    }
    s->schemas = xrealloc(s->schemas, (s->nschemas + 1) * sizeof(*s->schemas));
    s->schemas[s->nschemas].name = xstrdup(name);
    s->schemas[s->nschemas].json = xstrdup(schema_json);
    s->nschemas++;
    return 0;
}

const http_openapi_schema_t *http_openapi_schemas(const http_server_t *s, size_t *n)
{
    *n = s->nschemas;
    return s->schemas;
}

const http_route_t *http_routes(const http_server_t *s, size_t *n)
{
    *n = s->nroutes;
    return s->routes;
}

/* ---- MHD callbacks ---- */

static void *srv_on_uri(void *cls, const char *uri, struct MHD_Connection *conn)
{
    (void)conn;
    http_server_t *s = cls;
    atomic_fetch_add(&s->inflight, 1);
    if (strlen(uri) > HTTP_URI_LIMIT) {
        /* the target itself is never parsed: the pipeline answers 414 */
        http_req_t *req = http_req_create(s, "/");
        req->priv->head_problem = 414;
        return req;
    }
    return http_req_create(s, uri);
}

static enum MHD_Result srv_collect_header(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
    (void)kind;
    http_req_t *req = cls;
    struct http_req_priv *p = req->priv;
    size_t vlen = value ? strlen(value) : 0;
    /* "Name: value\r\n" as it came on the wire */
    p->header_bytes += strlen(key) + vlen + 4;
    if (p->header_bytes > HTTP_HEADERS_LIMIT) {
        if (!p->head_problem)
            p->head_problem = 431;
        return MHD_NO;
    }
    http_req_add_header(req, key, value ? value : "");
    return MHD_YES;
}

static const char *srv_peer_ip(http_req_t *req, struct MHD_Connection *conn)
{
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    if (!ci || !ci->client_addr)
        return NULL;
    char buf[INET6_ADDRSTRLEN];
    const struct sockaddr *sa = ci->client_addr;
    const char *r = NULL;
    if (sa->sa_family == AF_INET)
        r = inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, buf, sizeof(buf));
    else if (sa->sa_family == AF_INET6)
        r = inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, buf, sizeof(buf));
    return r ? mem_strdup(req->arena, buf) : NULL;
}

static enum MHD_Result srv_respond(http_server_t *s, struct MHD_Connection *conn, http_req_t *req)
{
    struct http_req_priv *p = req->priv;
    http_pipeline_handle(s, req);
    /* the arena (and so the body) lives until the completion callback */
    struct MHD_Response *resp =
        MHD_create_response_from_buffer(p->resp_len, (void *)p->resp_body, MHD_RESPMEM_PERSISTENT);
    if (!resp)
        return MHD_NO;
    if (p->ctype)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, p->ctype);
    for (size_t i = 0; i < p->resp_headers.n; i++)
        MHD_add_response_header(resp, p->resp_headers.v[i].name, p->resp_headers.v[i].value);
    if (atomic_load(&s->stopping))
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CONNECTION, "close");
    enum MHD_Result ret = MHD_queue_response(conn, (unsigned int)p->status, resp);
    MHD_destroy_response(resp);
    return ret;
}

static enum MHD_Result srv_on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
                                      const char *version, const char *upload_data, size_t *upload_data_size,
                                      void **req_cls)
{
    (void)version;
    http_server_t *s = cls;
    http_req_t *req = *req_cls;
    if (!req) {
        /* the URI callback always runs first; this only guards against a
         * library that skipped it */
        atomic_fetch_add(&s->inflight, 1);
        req = http_req_create(s, url);
        *req_cls = req;
    }
    struct http_req_priv *p = req->priv;

    if (!p->started) {
        p->started = true;
        http_req_set_method(req, method);
        MHD_get_connection_values(conn, MHD_HEADER_KIND, srv_collect_header, req);
        p->peer_ip = srv_peer_ip(req, conn);
        if (p->head_problem)
            return srv_respond(s, conn, req);
        const char *ct = http_header(req, "Content-Type");
        p->body_limit = http_media_type_is(ct, "multipart/form-data") ? HTTP_MULTIPART_BODY_LIMIT : HTTP_BODY_LIMIT;
        const char *cl = http_header(req, "Content-Length");
        if (cl) {
            char *end = NULL;
            errno = 0;
            unsigned long long v = strtoull(cl, &end, 10);
            if (errno == 0 && end != cl && v > p->body_limit) {
                /* refuse before reading: MHD then closes the connection */
                p->body_too_large = true;
                return srv_respond(s, conn, req);
            }
        }
        return MHD_YES;
    }

    if (*upload_data_size > 0) {
        if (!p->body_too_large) {
            if (p->body_buf.len + *upload_data_size > p->body_limit) {
                p->body_too_large = true;
                mem_buf_free(&p->body_buf);
            } else {
                mem_buf_append(&p->body_buf, upload_data, *upload_data_size);
            }
        }
        *upload_data_size = 0;
        return MHD_YES;
    }

    if (p->body_buf.len > 0) {
        req->body = p->body_buf.data;
        req->body_len = p->body_buf.len;
    }
    return srv_respond(s, conn, req);
}

static void srv_on_completed(void *cls, struct MHD_Connection *conn, void **req_cls,
                             enum MHD_RequestTerminationCode toe)
{
    (void)conn;
    (void)toe;
    http_server_t *s = cls;
    http_req_t *req = *req_cls;
    if (!req)
        return;
    *req_cls = NULL;
    http_req_destroy(req);
    atomic_fetch_sub(&s->inflight, 1);
}

static void srv_mhd_log(void *cls, const char *fmt, va_list ap)
{
    (void)cls;
    char buf[512];
    vsnprintf(buf, sizeof(buf), fmt, ap);
    size_t n = strlen(buf);
    while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
        buf[--n] = '\0';
    log_msg(LOG_WARNING, "tali.http.mhd", "%s", buf);
}

/* ---- lifecycle ---- */

int http_server_start(http_server_t *s, const char *host, int port, char *err, size_t errlen)
{
    if (port < 0 || port > 65535) {
        snprintf(err, errlen, "invalid port %d", port);
        return -1;
    }
    char hostbuf[256];
    snprintf(hostbuf, sizeof(hostbuf), "%s", host && *host ? host : "127.0.0.1");
    /* "[::1]" is how IPv6 literals are often written in settings */
    char *h = hostbuf;
    size_t hl = strlen(h);
    if (hl >= 2 && h[0] == '[' && h[hl - 1] == ']') {
        h[hl - 1] = '\0';
        h++;
    }
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM, .ai_flags = AI_PASSIVE};
    struct addrinfo *ai = NULL;
    char portstr[16];
    snprintf(portstr, sizeof(portstr), "%d", port);
    int gai = getaddrinfo(h, portstr, &hints, &ai);
    if (gai != 0 || !ai) {
        snprintf(err, errlen, "cannot resolve listen address %s: %s", h, gai_strerror(gai));
        return -1;
    }
    struct sockaddr_storage addr;
    memset(&addr, 0, sizeof(addr));
    memcpy(&addr, ai->ai_addr, ai->ai_addrlen < sizeof(addr) ? ai->ai_addrlen : sizeof(addr));
    freeaddrinfo(ai);

    unsigned int flags =
        MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG | MHD_USE_ITC;
    if (addr.ss_family == AF_INET6) {
        const struct sockaddr_in6 *a6 = (const struct sockaddr_in6 *)(const void *)&addr;
        flags |= IN6_IS_ADDR_UNSPECIFIED(&a6->sin6_addr) ? MHD_USE_DUAL_STACK : MHD_USE_IPv6;
    }

    /* MHD's threads (and so every handler) inherit the mask of this
     * thread: keep SIGTERM/SIGINT away from them so a shutdown signal never
     * interrupts a request; the caller's mask is restored below */
    sigset_t set, old;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    pthread_sigmask(SIG_BLOCK, &set, &old);

    unsigned int limit = s->cfg && s->cfg->max_connections > 0 ? (unsigned int)s->cfg->max_connections : 1024;
    /* One address may hold only part of the connections, so a flood of
     * slow clients from one place cannot starve everyone else (0: no cap,
     * for a load balancer whose address every client shares); and a
     * connection that sends nothing for the idle timeout is closed. */
    unsigned int per_ip = s->cfg ? (unsigned int)s->cfg->max_connections_per_ip : 0;
    unsigned int idle_s = s->cfg && s->cfg->connection_idle_timeout_s > 0
                              ? (unsigned int)s->cfg->connection_idle_timeout_s
                              : HTTP_CONNECTION_TIMEOUT_S;
    /* the external logger first: options before it would log through
     * libmicrohttpd's own stderr logger (and it warns about exactly that) */
    s->daemon = MHD_start_daemon(flags, (uint16_t)port, NULL, NULL, srv_on_request, s, MHD_OPTION_EXTERNAL_LOGGER,
                                 srv_mhd_log, NULL, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
                                 MHD_OPTION_CONNECTION_LIMIT, limit, MHD_OPTION_PER_IP_CONNECTION_LIMIT, per_ip,
                                 MHD_OPTION_CONNECTION_TIMEOUT, idle_s, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
                                 (size_t)HTTP_CONNECTION_MEMORY, MHD_OPTION_URI_LOG_CALLBACK, srv_on_uri, s,
                                 MHD_OPTION_NOTIFY_COMPLETED, srv_on_completed, s, MHD_OPTION_END);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (!s->daemon) {
        snprintf(err, errlen, "cannot listen on %s port %d", h, port);
        return -1;
    }
    const union MHD_DaemonInfo *di = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
    s->port = di ? di->port : port;
    log_msg(LOG_INFO, HTTP_LOGGER, "listening on %s port %d", h, s->port);
    return 0;
}

int http_server_port(const http_server_t *s)
{
    return s->daemon ? s->port : -1;
}

void http_server_shutdown(http_server_t *s)
{
    if (!s->daemon)
        return;
    atomic_store(&s->stopping, true);
    MHD_socket fd = MHD_quiesce_daemon(s->daemon);
    int waited = 0;
    while (atomic_load(&s->inflight) > 0 && waited < HTTP_SHUTDOWN_GRACE_MS) {
        struct timespec ts = {0, 20 * 1000 * 1000};
        nanosleep(&ts, NULL);
        waited += 20;
    }
    int left = atomic_load(&s->inflight);
    if (left > 0)
        log_msg(LOG_WARNING, HTTP_LOGGER, "stopping with %d requests still running", left);
    MHD_stop_daemon(s->daemon);
    s->daemon = NULL;
    if (fd != MHD_INVALID_SOCKET)
        close(fd);
}

/* The write end of the shutdown pipe.  A signal handler can reach nothing
 * else, so this one process-wide value is unavoidable; it is set before the
 * handler is installed and only read by it. */
static volatile int srv_signal_fd = -1;

static void srv_on_signal(int sig)
{
    int saved = errno;
    unsigned char b = (unsigned char)sig;
    if (write(srv_signal_fd, &b, 1) < 0) {
        /* the pipe is full or gone: a signal is already pending there */
    }
    errno = saved;
}

void http_server_run_until_signal(http_server_t *s)
{
    /* A handler plus a pipe, rather than sigwait alone: threads started
     * before the server (the job worker) do not block these signals, and
     * whichever thread the kernel picks must still lead here. */
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) {
        log_msg(LOG_ERROR, HTTP_LOGGER, "cannot create the shutdown pipe: %s", strerror(errno));
        return;
    }
    srv_signal_fd = fds[1];
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = srv_on_signal;
    sa.sa_flags = SA_RESTART;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    /* at least this thread takes them, even if every other one blocks them */
    pthread_sigmask(SIG_UNBLOCK, &set, NULL);

    unsigned char sig = 0;
    ssize_t r;
    do {
        r = read(fds[0], &sig, 1);
    } while (r < 0 && errno == EINTR);

    /* a second signal during the drain stops the process at once, as
     * operators expect from a second Ctrl-C */
    signal(SIGTERM, SIG_DFL);
    signal(SIGINT, SIG_DFL);
    srv_signal_fd = -1;
    close(fds[0]);
    close(fds[1]);
    log_msg(LOG_INFO, HTTP_LOGGER, "received %s, shutting down", sig == SIGINT ? "SIGINT" : "SIGTERM");
    http_server_shutdown(s);
    log_msg(LOG_INFO, HTTP_LOGGER, "stopped");
}

void http_server_free(http_server_t *s)
{
    if (!s)
        return;
    http_server_shutdown(s);
    for (size_t i = 0; i < s->nroutes; i++) {
        free((char *)s->routes[i].method);
        free((char *)s->routes[i].pattern);
        free((char *)s->routes[i].doc.summary);
        free((char *)s->routes[i].doc.tag);
        free((char *)s->routes[i].doc.auth);
        free(s->routes[i].openapi);
    }
    free(s->routes);
    for (size_t i = 0; i < s->nschemas; i++) {
        free(s->schemas[i].name);
        free(s->schemas[i].json);
    }
    free(s->schemas);
    http_router_free(s->router);
    ratelimit_free(s->rl);
    free(s);
}

/* ---- test hooks ---- */

static void srv_test_sleep(http_req_t *req)
{
    const char *ms_s = http_query(req, "ms");
    long ms = 0;
    if (ms_s) {
        char *end = NULL;
        ms = strtol(ms_s, &end, 10);
        if (end == ms_s || *end) {
            http_verr_t *v = http_verr_new(req);
            http_verr_add(v, "int_parsing", json_pack("[ss]", "query", "ms"),
                          "Input should be a valid integer, unable to parse string as an integer", json_string(ms_s),
                          NULL);
            http_reply_verr(req, v);
            return;
        }
    }
    if (ms < 0)
        ms = 0;
    if (ms > 10000)
        ms = 10000;
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
    http_reply_json(req, 200, json_pack("{sI}", "slept_ms", (json_int_t)ms));
}

/* Test hooks for the platform's 5xx guarantees: a handler that sets no
 * response, one that answers a plain-text 500, and one that keeps a
 * database connection for ?ms= milliseconds (to exhaust the pool). */
static void srv_test_no_response(http_req_t *req)
{
    (void)req;
}

static void srv_test_plain_500(http_req_t *req)
{
    static const char text[] = "plain text failure";
    http_reply_bytes(req, 500, "text/plain; charset=utf-8", text, sizeof text - 1);
}

static void srv_test_hold_db(http_req_t *req)
{
    const char *ms_s = http_query(req, "ms");
    long ms = ms_s ? strtol(ms_s, NULL, 10) : 0;
    if (ms < 0 || ms > 10000)
        ms = 10000;
    if (!http_db(req)) {
        http_reply_err(req, ERR_UNAVAILABLE, "Database unavailable");
        return;
    }
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
    http_reply_json(req, 200, json_pack("{sI}", "held_ms", (json_int_t)ms));
}

void http_register_test_hooks(http_server_t *s)
{
    http_route_doc_t doc = {.summary = "Sleep (test hook)", .tag = "test", .auth = NULL, .success_status = 200};
    http_route(s, "GET", "/__test__/sleep", srv_test_sleep, &doc);
    static const http_route_doc_t none = {"Test hook: set no response", "test", NULL, 500};
    http_route(s, "GET", "/__test__/no-response", srv_test_no_response, &none);
    static const http_route_doc_t plain = {"Test hook: a plain-text 500", "test", NULL, 500};
    http_route(s, "GET", "/__test__/plain-500", srv_test_plain_500, &plain);
    static const http_route_doc_t hold = {"Test hook: keep a database connection", "test", NULL, 200};
    http_route(s, "GET", "/__test__/hold-db", srv_test_hold_db, &hold);
}
