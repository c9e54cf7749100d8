/* The middleware stack of api-contract §1.8 as explicit steps, outermost
 * first: request id and timing/logging -> rate limit -> CORS -> security
 * headers -> router.  Pure with respect to the transport: the request comes
 * in complete and the response leaves in req->priv. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "platform/http/cors.h"
#include "platform/http/internal.h"
#include "platform/json.h"
#include "platform/log.h"

#define HTTP_LOGGER "tali.http"

static void pipe_text(http_req_t *req, int status, const char *text)
{
    http_reply_bytes(req, status, "text/plain; charset=utf-8", text, strlen(text));
}

/* A fresh 32-hex-digit id; falls back to the clock if the kernel refuses
 * randomness, since an id must exist either way. */
static char *pipe_new_request_id(mem_arena_t *a)
{
    unsigned char raw[16];
    if (getrandom(raw, sizeof(raw), 0) != (ssize_t)sizeof(raw)) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        memset(raw, 0, sizeof(raw));
        memcpy(raw, &ts, sizeof(ts) < sizeof(raw) ? sizeof(ts) : sizeof(raw));
    }
    char *out = mem_alloc(a, 33);
    for (size_t i = 0; i < sizeof(raw); i++)
        snprintf(out + 2 * i, 3, "%02x", raw[i]);
    return out;
}

/* CORS on an actual (non-preflight) response: only when Origin was sent. */
static void pipe_cors_simple(http_server_t *s, http_req_t *req, const char *origin)
{
    if (!origin)
        return;
    if (http_cors_origin_allowed(s->origins, s->norigins, origin)) {
        http_set_header(req, "Access-Control-Allow-Origin", origin);
        http_set_header(req, "Vary", "Origin");
    }
    http_set_header(req, "Access-Control-Allow-Credentials", "true");
}

static void pipe_security_headers(http_server_t *s, http_req_t *req)
{
    http_set_header(req, "X-Content-Type-Options", "nosniff");
    http_set_header(req, "X-Frame-Options", "DENY");
    http_set_header(req, "Referrer-Policy", "strict-origin-when-cross-origin");
    http_set_header(req, "Permissions-Policy", "camera=(), microphone=(), geolocation=()");
    if (s->cfg && s->cfg->production)
        http_set_header(req, "Strict-Transport-Security", "max-age=63072000; includeSubDomains");
}

static void pipe_preflight(http_server_t *s, http_req_t *req, const char *origin)
{
    bool origin_ok = false;
    char msg[64];
    int status = http_cors_preflight(s->origins, s->norigins, origin, http_header(req, "Access-Control-Request-Method"),
                                     http_header(req, "Access-Control-Request-Headers"), &origin_ok, msg, sizeof(msg));
    pipe_text(req, status, msg);
    http_set_header(req, "Vary", "Origin");
    http_set_header(req, "Access-Control-Allow-Methods", HTTP_CORS_ALLOW_METHODS);
    http_set_header(req, "Access-Control-Max-Age", HTTP_CORS_MAX_AGE);
    http_set_header(req, "Access-Control-Allow-Headers", HTTP_CORS_ALLOW_HEADERS);
    http_set_header(req, "Access-Control-Allow-Credentials", "true");
    if (origin_ok)
        http_set_header(req, "Access-Control-Allow-Origin", origin);
}

/* Returns false (with the 429 set) when the request is over its limit. */
static bool pipe_rate_limit(http_server_t *s, http_req_t *req)
{
    const ratelimit_class_t *cls = ratelimit_classify(req->path);
    if (!cls || !s->rl)
        return true;
    char *key = mem_printf(req->arena, "%s:%s", cls->name, req->client_ip);
    int retry = 1;
    if (ratelimit_admit(s->rl, key, cls->limit, &retry))
        return true;
    log_msg(LOG_WARNING, HTTP_LOGGER, "Rate limit exceeded key=%s path=%s", key, req->path);
    http_reply_detail(req, 429, "Too many requests. Please try again later.");
    http_set_header(req, "Retry-After", mem_printf(req->arena, "%d", retry));
    return false;
}

/* A 500 or 503 given while the request's database connection reported
 * that the database is unreachable, full or read-only says so, as a 503
 * (the condition is temporary; api-contract has no other code for it),
 * whatever generic text the handler chose. */
static void pipe_db_fault(http_req_t *req)
{
    struct http_req_priv *p = req->priv;
    if ((p->status != 500 && p->status != 503) || !p->db)
        return;
    const char *detail = db_fault_detail(db_fault(p->db));
    if (detail)
        http_reply_detail(req, 503, detail);
}

/* The detail of a JSON {"detail": "..."} body, or NULL when the body is
 * not one. */
static const char *pipe_json_detail(http_req_t *req)
{
    struct http_req_priv *p = req->priv;
    if (!p->ctype || strcmp(p->ctype, "application/json") != 0 || !p->resp_body)
        return NULL;
    json_t *j = json_loadb(p->resp_body, p->resp_len, 0, NULL);
    json_t *d = json_object_get(j, "detail");
    const char *out = NULL;
    if (json_is_string(d))
        out = mem_strdup(req->arena, json_string_value(d));
    else if (d)
        out = "";
    json_decref(j);
    return out;
}

/* Every 5xx leaves as JSON with a detail, and with an error line in the
 * log that carries the request id: a handler that answered a 5xx some
 * other way (plain text, empty) gets the generic JSON body instead. */
static void pipe_json_5xx(http_req_t *req)
{
    struct http_req_priv *p = req->priv;
    if (p->status < 500)
        return;
    const char *detail = pipe_json_detail(req);
    if (!detail) {
        detail = p->status == 503 ? "Service Unavailable" : "Internal Server Error";
        http_reply_detail(req, p->status, detail);
    }
}

static void pipe_log_5xx(http_req_t *req)
{
    struct http_req_priv *p = req->priv;
    if (p->status < 500)
        return;
    const char *detail = pipe_json_detail(req);
    json_t *fields = json_pack("{ss si ss*}", "path", req->path, "status", p->status, "detail", detail);
    if (fields)
        log_fields(LOG_ERROR, HTTP_LOGGER, fields, "answered %d to %s %s: %s", p->status, p->log_method, req->path,
                   detail ? detail : "");
    else
        log_msg(LOG_ERROR, HTTP_LOGGER, "answered %d to %s: %s", p->status, p->log_method, detail ? detail : "");
    json_decref(fields);
}

static void pipe_route(http_server_t *s, http_req_t *req)
{
    struct http_req_priv *p = req->priv;
    http_match_t m;
    http_router_match(s->router, p->method_raw, req->path, req->arena, &m);
    if (m.kind == HTTP_MATCH_NOT_FOUND) {
        http_reply_detail(req, 404, "Not Found");
        return;
    }
    if (m.kind == HTTP_MATCH_BAD_METHOD) {
        http_reply_detail(req, 405, "Method Not Allowed");
        http_set_header(req, "Allow", m.allow);
        return;
    }
    if (p->body_too_large) {
        http_reply_detail(req, 413, "Request body too large");
        return;
    }
    p->params = m.params;
    if (strcmp(p->method_raw, "HEAD") == 0) {
        req->is_head = true;
        req->method = "GET";
    }
    p->route_data = s->routes[m.id].data;
    s->routes[m.id].fn(req);
    if (!p->has_response) {
        log_msg(LOG_ERROR, HTTP_LOGGER, "handler for %s %s set no response", req->method, s->routes[m.id].pattern);
        http_reply_detail(req, 500, "Internal Server Error");
    }
    pipe_db_fault(req);
    pipe_json_5xx(req);
}

static double pipe_elapsed_ms(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) * 1000.0 + (double)(t1.tv_nsec - t0->tv_nsec) / 1e6;
}

void http_pipeline_handle(http_server_t *s, http_req_t *req)
{
    struct http_req_priv *p = req->priv;

    const char *rid = http_header(req, "X-Request-Id");
    req->request_id = http_request_id_ok(rid) ? rid : pipe_new_request_id(req->arena);
    log_set_request_id(req->request_id);

    char ip[128];
    ratelimit_client_ip(http_header(req, "X-Forwarded-For"), p->peer_ip, s->cfg && s->cfg->trust_forwarded_for, ip,
                        sizeof(ip));
    req->client_ip = mem_strdup(req->arena, ip);

    const char *origin = http_header(req, "Origin");
    if (p->head_problem) {
        /* answered before anything reads the target or the headers */
        http_reply_detail(req, p->head_problem,
                          p->head_problem == 414 ? "URI Too Long" : "Request Header Fields Too Large");
    } else if (http_cors_is_preflight(p->method_raw, origin, http_header(req, "Access-Control-Request-Method"))) {
        /* preflights are answered before the limiter (policy fix 4) */
        pipe_preflight(s, req, origin);
    } else if (!pipe_rate_limit(s, req)) {
        pipe_cors_simple(s, req, origin);
    } else {
        pipe_route(s, req);
        pipe_cors_simple(s, req, origin);
        pipe_security_headers(s, req);
    }

    pipe_log_5xx(req);
    http_set_header(req, "X-Request-Id", req->request_id);
    double ms = pipe_elapsed_ms(&p->t0);
    char tbuf[32];
    snprintf(tbuf, sizeof(tbuf), "%.1f", ms);
    http_set_header(req, "X-Process-Time-Ms", tbuf);

    bool quiet =
        strcmp(req->path, "/health") == 0 && (strcmp(p->log_method, "GET") == 0 || strcmp(p->log_method, "HEAD") == 0);
    if (!quiet) {
        json_t *fields = json_pack("{ss ss si sf ss}", "method", p->log_method, "path", req->path, "status", p->status,
                                   "duration_ms", strtod(tbuf, NULL), "client_ip", req->client_ip);
        /* fields is NULL when the decoded path is not UTF-8 */
        if (fields)
            log_fields(LOG_INFO, HTTP_LOGGER, fields, "method=%s path=%s status=%d duration=%sms", p->log_method,
                       req->path, p->status, tbuf);
        else
            log_msg(LOG_INFO, HTTP_LOGGER, "method=%s path=%s status=%d duration=%sms", p->log_method, req->path,
                    p->status, tbuf);
        json_decref(fields);
    }
}
