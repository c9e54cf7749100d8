/* The server over a real socket on an ephemeral port: responses on the
 * wire, HEAD, body limits, a slow handler not delaying a fast one, and
 * graceful shutdown (directly and on SIGTERM). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "platform/http.h"
#include "platform/log.h"

static config_t conf;

/* A hand-assembled config owns the origin list config_cors_origins built
 * for it (config.h). */
static void free_conf_cors(config_t *c)
{
    for (size_t i = 0; i < c->n_cors_origins; i++)
        free(c->cors_origins[i]);
    free(c->cors_origins);
    c->cors_origins = NULL;
    c->n_cors_origins = 0;
}

static void h_health(http_req_t *req)
{
    http_reply_json(req, 200, json_pack("{ss}", "status", "healthy"));
}

static void h_echo(http_req_t *req)
{
    const http_file_t *f = http_file(req, "file");
    http_reply_json(
        req, 200, json_pack("{sIsI}", "body_len", (json_int_t)req->body_len, "file_len", (json_int_t)(f ? f->len : 0)));
}

static http_server_t *start_server(void)
{
    memset(&conf, 0, sizeof(conf));
    conf.frontend_url = "http://localhost:5173";
    conf.trust_forwarded_for = true;
    conf.max_connections = 32;
    http_server_t *s = http_server_new(&conf, NULL);
    http_route(s, "GET", "/health", h_health, NULL);
    http_route(s, "POST", "/echo", h_echo, NULL);
    http_register_test_hooks(s);
    char err[256] = "";
    assert_int_equal(http_server_start(s, "127.0.0.1", 0, err, sizeof(err)), 0);
    assert_true(http_server_port(s) > 0);
    return s;
}

static int connect_to(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(fd >= 0);
    struct timeval tv = {10, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
    if (connect(fd, (struct sockaddr *)&a, sizeof(a)) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

static void send_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
        if (w <= 0)
            return; /* the server may close early (413); the reply tells */
        p += w;
        n -= (size_t)w;
    }
}

/* Sends head (and body) and reads until the server closes; the reply is a
 * heap string (caller frees) or NULL when no connection could be made. */
static char *exchange(int port, const char *head, const char *body, size_t blen)
{
    int fd = connect_to(port);
    if (fd < 0)
        return NULL;
    send_all(fd, head, strlen(head));
    if (body)
        send_all(fd, body, blen);
    size_t cap = 65536, len = 0;
    char *buf = malloc(cap);
    for (;;) {
        if (len + 1 >= cap)
            buf = realloc(buf, cap *= 2);
        ssize_t r = recv(fd, buf + len, cap - len - 1, 0);
        if (r <= 0)
            break;
        len += (size_t)r;
    }
    buf[len] = '\0';
    close(fd);
    return buf;
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

static const char *body_start(const char *resp)
{
    const char *b = strstr(resp, "\r\n\r\n");
    return b ? b + 4 : "";
}

static void test_get_and_head(void **state)
{
    (void)state;
    http_server_t *s = start_server();
    int port = http_server_port(s);
    char *r = exchange(port, "GET /health HTTP/1.1\r\nHost: x\r\nX-Request-Id: smoke-1\r\nConnection: close\r\n\r\n",
                       NULL, 0);
    assert_non_null(r);
    assert_memory_equal(r, "HTTP/1.1 200", 12);
    assert_non_null(strcasestr(r, "\r\nContent-Type: application/json\r\n"));
    assert_non_null(strcasestr(r, "\r\nX-Request-Id: smoke-1\r\n"));
    assert_non_null(strcasestr(r, "\r\nX-Process-Time-Ms: "));
    assert_non_null(strcasestr(r, "\r\nContent-Length: 20\r\n"));
    assert_string_equal(body_start(r), "{\"status\":\"healthy\"}");
    free(r);

    r = exchange(port, "HEAD /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", NULL, 0);
    assert_memory_equal(r, "HTTP/1.1 200", 12);
    assert_non_null(strcasestr(r, "\r\nContent-Length: 20\r\n"));
    assert_string_equal(body_start(r), "");
    free(r);

    r = exchange(port, "DELETE /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", NULL, 0);
    assert_memory_equal(r, "HTTP/1.1 405", 12);
    assert_non_null(strcasestr(r, "\r\nAllow: GET, HEAD\r\n"));
    free(r);
    http_server_free(s);
    free_conf_cors(&conf);
}

static void test_body_limits(void **state)
{
    (void)state;
    http_server_t *s = start_server();
    int port = http_server_port(s);
    /* declared too large: refused before the body is read */
    char *r = exchange(port,
                       "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                       "Content-Length: 2000000\r\nConnection: close\r\n\r\n",
                       NULL, 0);
    assert_memory_equal(r, "HTTP/1.1 413", 12);
    assert_string_equal(body_start(r), "{\"detail\":\"Request body too large\"}");
    free(r);

    /* multipart gets the larger limit: a 2 MB file passes */
    size_t flen = 2 * 1000 * 1000;
    const char *pre = "--B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.pdf\"\r\n\r\n";
    const char *post = "\r\n--B--\r\n";
    size_t blen = strlen(pre) + flen + strlen(post);
    char *body = malloc(blen);
    memcpy(body, pre, strlen(pre));
    memset(body + strlen(pre), 'x', flen);
    memcpy(body + strlen(pre) + flen, post, strlen(post));
    char head[256];
    snprintf(head, sizeof(head),
             "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=B\r\n"
             "Content-Length: %zu\r\nConnection: close\r\n\r\n",
             blen);
    r = exchange(port, head, body, blen);
    assert_memory_equal(r, "HTTP/1.1 200", 12);
    char expect[128];
    snprintf(expect, sizeof(expect), "{\"body_len\":%zu,\"file_len\":%zu}", blen, flen);
    assert_string_equal(body_start(r), expect);
    free(r);

    /* chunked bodies have no declared length: the limit applies as they
     * arrive */
    size_t clen = 1100 * 1000;
    snprintf(head, sizeof(head), "%zx\r\n", clen);
    char *chunked = malloc(clen + 64);
    size_t n = 0;
    memcpy(chunked, head, strlen(head));
    n += strlen(head);
    memset(chunked + n, 'y', clen);
    n += clen;
    memcpy(chunked + n, "\r\n0\r\n\r\n", 7);
    n += 7;
    r = exchange(port,
                 "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                 "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n",
                 chunked, n);
    assert_memory_equal(r, "HTTP/1.1 413", 12);
    free(r);
    free(chunked);
    free(body);
    http_server_free(s);
    free_conf_cors(&conf);
}

struct slow_call {
    int port;
    int ms;
    char *reply;
};

static void *slow_thread(void *arg)
{
    struct slow_call *c = arg;
    char head[128];
    snprintf(head, sizeof(head), "GET /__test__/sleep?ms=%d HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", c->ms);
    c->reply = exchange(c->port, head, NULL, 0);
    return NULL;
}

static void test_slow_handler_does_not_block(void **state)
{
    (void)state;
    http_server_t *s = start_server();
    struct slow_call c = {.port = http_server_port(s), .ms = 1500};
    pthread_t t;
    pthread_create(&t, NULL, slow_thread, &c);
    struct timespec pause = {0, 200 * 1000 * 1000};
    nanosleep(&pause, NULL);
    double t0 = now_ms();
    char *r = exchange(c.port, "GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", NULL, 0);
    double took = now_ms() - t0;
    assert_memory_equal(r, "HTTP/1.1 200", 12);
    assert_true(took < 500.0);
    free(r);
    pthread_join(t, NULL);
    assert_non_null(c.reply);
    assert_memory_equal(c.reply, "HTTP/1.1 200", 12);
    assert_string_equal(body_start(c.reply), "{\"slept_ms\":1500}");
    free(c.reply);
    http_server_free(s);
    free_conf_cors(&conf);
}

static void test_shutdown_lets_requests_finish(void **state)
{
    (void)state;
    http_server_t *s = start_server();
    struct slow_call c = {.port = http_server_port(s), .ms = 800};
    pthread_t t;
    pthread_create(&t, NULL, slow_thread, &c);
    struct timespec pause = {0, 200 * 1000 * 1000};
    nanosleep(&pause, NULL);
    double t0 = now_ms();
    http_server_shutdown(s);
    double took = now_ms() - t0;
    assert_true(took >= 400.0); /* it waited for the sleeper */
    pthread_join(t, NULL);
    assert_non_null(c.reply);
    assert_memory_equal(c.reply, "HTTP/1.1 200", 12);
    free(c.reply);
    /* no longer listening */
    assert_int_equal(connect_to(c.port), -1);
    assert_int_equal(http_server_port(s), -1);
    http_server_free(s);
    free_conf_cors(&conf);
}

static void *run_thread(void *arg)
{
    http_server_run_until_signal(arg);
    return NULL;
}

static atomic_bool bystander_stop;

static void *bystander(void *arg)
{
    (void)arg;
    struct timespec ts = {0, 20 * 1000 * 1000};
    while (!atomic_load(&bystander_stop))
        nanosleep(&ts, NULL);
    return NULL;
}

static void test_sigterm_stops(void **state)
{
    (void)state;
    /* a thread that does not block the signals, like a job worker started
     * before the server: SIGTERM may land there and must still lead to a
     * graceful stop, not kill the process */
    atomic_store(&bystander_stop, false);
    pthread_t by;
    pthread_create(&by, NULL, bystander, NULL);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    http_server_t *s = start_server();
    int port = http_server_port(s);
    pthread_t t;
    pthread_create(&t, NULL, run_thread, s);
    char *r = exchange(port, "GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", NULL, 0);
    assert_memory_equal(r, "HTTP/1.1 200", 12);
    free(r);
    struct timespec pause = {0, 100 * 1000 * 1000};
    nanosleep(&pause, NULL); /* let run_until_signal install its handler */
    kill(getpid(), SIGTERM);
    pthread_join(t, NULL);
    assert_int_equal(connect_to(port), -1);
    http_server_free(s);
    free_conf_cors(&conf);
    atomic_store(&bystander_stop, true);
    pthread_join(by, NULL);
}

static void test_ipv6_literal(void **state)
{
    (void)state;
    int probe = socket(AF_INET6, SOCK_STREAM, 0);
    if (probe < 0)
        skip(); /* no IPv6 in this sandbox */
    close(probe);
    memset(&conf, 0, sizeof(conf));
    conf.frontend_url = "http://localhost:5173";
    http_server_t *s = http_server_new(&conf, NULL);
    http_route(s, "GET", "/health", h_health, NULL);
    char err[256] = "";
    if (http_server_start(s, "[::1]", 0, err, sizeof(err)) != 0) {
        http_server_free(s);
        free_conf_cors(&conf);
        skip(); /* ::1 not configured */
    }
    int fd = socket(AF_INET6, SOCK_STREAM, 0);
    struct timeval tv = {10, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    struct sockaddr_in6 a = {.sin6_family = AF_INET6, .sin6_port = htons((uint16_t)http_server_port(s))};
    inet_pton(AF_INET6, "::1", &a.sin6_addr);
    assert_int_equal(connect(fd, (struct sockaddr *)&a, sizeof(a)), 0);
    const char *req = "GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    send_all(fd, req, strlen(req));
    char buf[2048];
    ssize_t n = recv(fd, buf, sizeof(buf) - 1, 0);
    close(fd);
    assert_true(n > 12);
    assert_memory_equal(buf, "HTTP/1.1 200", 12);
    http_server_free(s);
    free_conf_cors(&conf);
}

static void test_bad_listen_address(void **state)
{
    (void)state;
    memset(&conf, 0, sizeof(conf));
    conf.frontend_url = "http://localhost:5173";
    http_server_t *s = http_server_new(&conf, NULL);
    char err[256] = "";
    assert_int_equal(http_server_start(s, "no such host.invalid", 0, err, sizeof(err)), -1);
    assert_true(strlen(err) > 0);
    assert_int_equal(http_server_start(s, "127.0.0.1", 70000, err, sizeof(err)), -1);
    http_server_free(s);
    free_conf_cors(&conf);
}

int main(void)
{
    /* keep the test output readable: access lines go nowhere */
    FILE *devnull = fopen("/dev/null", "w");
    log_set_stream(devnull);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_get_and_head),
        cmocka_unit_test(test_body_limits),
        cmocka_unit_test(test_slow_handler_does_not_block),
        cmocka_unit_test(test_shutdown_lets_requests_finish),
        cmocka_unit_test(test_sigterm_stops),
        cmocka_unit_test(test_ipv6_literal),
        cmocka_unit_test(test_bad_listen_address),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    log_set_stream(NULL);
    if (devnull)
        fclose(devnull);
    return rc;
}
