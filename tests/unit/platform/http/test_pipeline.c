/* The middleware stack without a socket: request ids, timing header,
 * 404/405/HEAD, the JSON 500 fallback, CORS on actual and preflight
 * requests, security headers, rate limiting with Retry-After, body
 * parsing and the 422 shapes, and the access log line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "platform/http/internal.h"
#include "platform/json.h"
#include "platform/log.h"

static config_t conf;
static http_server_t *srv;
static int64_t fake_now;
static const char *const origins[] = {"http://localhost:5173", "http://localhost:3000"};

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

static int64_t fake_clock(void *ctx)
{
    (void)ctx;
    return fake_now;
}

/* ---- handlers ---- */

static bool seen_head;
static const char *seen_method;

static void h_tasks(http_req_t *req)
{
    seen_head = req->is_head;
    seen_method = req->method;
    const char *q = http_query(req, "q");
    http_reply_json(req, 200, json_pack("{sbss?}", "ok", 1, "q", q));
}

static void h_task(http_req_t *req)
{
    http_reply_json(req, 200, json_pack("{ss}", "task_id", http_path_param(req, "task_id")));
}

static void h_login(http_req_t *req)
{
    const char *u = http_form(req, "username");
    http_reply_json(req, 200, json_pack("{ss?}", "username", u));
}

static void h_items(http_req_t *req)
{
    http_verr_t *v = http_verr_new(req);
    json_t *body = http_json_body(req, v);
    if (!body) {
        http_reply_verr(req, v);
        return;
    }
    http_reply_json(req, 201, json_incref(body));
}

static void h_silent(http_req_t *req)
{
    (void)req;
}

static void h_bearer(http_req_t *req)
{
    const char *t = http_bearer_token(req);
    if (!t) {
        http_set_header(req, "WWW-Authenticate", "Bearer");
        http_reply_err(req, ERR_UNAUTHORIZED, "Not authenticated");
        return;
    }
    http_reply_json(req, 200, json_pack("{ss}", "token", t));
}

static void h_upload(http_req_t *req)
{
    const http_file_t *f = http_file(req, "file");
    if (!f) {
        http_verr_t *v = http_verr_new(req);
        http_verr_add(v, "missing", json_pack("[ss]", "body", "file"), "Field required", NULL, NULL);
        http_reply_verr(req, v);
        return;
    }
    http_reply_json(
        req, 200,
        json_pack("{sssIss?}", "filename", f->filename, "size", (json_int_t)f->len, "token", http_form(req, "token")));
}

static void h_health(http_req_t *req)
{
    http_reply_json(req, 200, json_pack("{ss}", "status", "healthy"));
}

static void h_pdf(http_req_t *req)
{
    http_reply_bytes(req, 200, "application/pdf", "%PDF-1.4", 8);
}

/* ---- harness ---- */

static int setup(void **state)
{
    (void)state;
    memset(&conf, 0, sizeof(conf));
    conf.frontend_url = "http://localhost:5173";
    conf.trust_forwarded_for = true;
    conf.max_connections = 16;
    srv = http_server_new(&conf, NULL);
    http_server_set_cors_origins(srv, origins, 2);
    fake_now = 1000000;
    http_server_set_ratelimit(srv, ratelimit_new(RATELIMIT_WINDOW_MS, fake_clock, NULL));
    http_route(srv, "GET", "/api/v1/tasks/", h_tasks, NULL);
    http_route(srv, "POST", "/api/v1/tasks/", h_tasks, NULL);
    http_route(srv, "GET", "/api/v1/tasks/{task_id}", h_task, NULL);
    http_route(srv, "PATCH", "/api/v1/tasks/{task_id}", h_task, NULL);
    http_route(srv, "POST", "/api/v1/auth/login", h_login, NULL);
    http_route(srv, "POST", "/api/v1/items", h_items, NULL);
    http_route(srv, "GET", "/silent", h_silent, NULL);
    http_route(srv, "GET", "/api/v1/auth/me", h_bearer, NULL);
    http_route(srv, "POST", "/api/v1/assessments/{id}/upload-cv", h_upload, NULL);
    http_route(srv, "GET", "/health", h_health, NULL);
    http_route(srv, "GET", "/report.pdf", h_pdf, NULL);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    http_server_free(srv);
    free_conf_cors(&conf);
    return 0;
}

typedef struct {
    const char *name, *value;
} hdr_t;

static http_req_t *run(const char *method, const char *target, const hdr_t *hdrs, const char *body, size_t blen)
{
    http_req_t *req = http_req_create(srv, target);
    http_req_set_method(req, method);
    req->priv->peer_ip = "127.0.0.1";
    for (const hdr_t *h = hdrs; h && h->name; h++)
        http_req_add_header(req, h->name, h->value);
    if (body)
        http_req_set_body(req, body, blen);
    http_pipeline_handle(srv, req);
    return req;
}

static const char *body_of(http_req_t *req)
{
    return req->priv->resp_body;
}

/* ---- tests ---- */

static void test_not_found_and_common_headers(void **state)
{
    (void)state;
    http_req_t *r = run("GET", "/nope?x=1", NULL, NULL, 0);
    assert_int_equal(r->priv->status, 404);
    assert_string_equal(r->priv->ctype, "application/json");
    assert_string_equal(body_of(r), "{\"detail\":\"Not Found\"}");
    assert_string_equal(http_resp_header(r, "X-Content-Type-Options"), "nosniff");
    assert_string_equal(http_resp_header(r, "X-Frame-Options"), "DENY");
    assert_string_equal(http_resp_header(r, "Referrer-Policy"), "strict-origin-when-cross-origin");
    assert_string_equal(http_resp_header(r, "Permissions-Policy"), "camera=(), microphone=(), geolocation=()");
    assert_null(http_resp_header(r, "Strict-Transport-Security"));
    const char *rid = http_resp_header(r, "X-Request-Id");
    assert_non_null(rid);
    assert_int_equal(strlen(rid), 32);
    for (const char *c = rid; *c; c++)
        assert_true(isxdigit((unsigned char)*c));
    const char *t = http_resp_header(r, "X-Process-Time-Ms");
    assert_non_null(t);
    const char *dot = strchr(t, '.');
    assert_non_null(dot);
    assert_int_equal(strlen(dot), 2); /* one decimal */
    http_req_destroy(r);
}

static void test_request_id_passthrough(void **state)
{
    (void)state;
    hdr_t ok[] = {{"x-request-id", "abc.DEF-123_4"}, {NULL, NULL}};
    http_req_t *r = run("GET", "/api/v1/tasks/", ok, NULL, 0);
    assert_string_equal(http_resp_header(r, "X-Request-Id"), "abc.DEF-123_4");
    http_req_destroy(r);
    hdr_t bad[] = {{"X-Request-Id", "has space"}, {NULL, NULL}};
    r = run("GET", "/api/v1/tasks/", bad, NULL, 0);
    assert_string_not_equal(http_resp_header(r, "X-Request-Id"), "has space");
    assert_int_equal(strlen(http_resp_header(r, "X-Request-Id")), 32);
    http_req_destroy(r);
}

static void test_decoded_path(void **state)
{
    (void)state;
    http_req_t *r = run("GET", "/api/v1/tasks/a%20b", NULL, NULL, 0);
    assert_string_equal(body_of(r), "{\"task_id\":\"a b\"}");
    http_req_destroy(r);
    r = run("GET", "/health%00junk", NULL, NULL, 0);
    assert_int_equal(r->priv->status, 404);
    http_req_destroy(r);
}

static void test_method_not_allowed(void **state)
{
    (void)state;
    http_req_t *r = run("PUT", "/api/v1/tasks/1", NULL, NULL, 0);
    assert_int_equal(r->priv->status, 405);
    assert_string_equal(body_of(r), "{\"detail\":\"Method Not Allowed\"}");
    assert_string_equal(http_resp_header(r, "Allow"), "GET, HEAD, PATCH");
    assert_string_equal(http_resp_header(r, "X-Frame-Options"), "DENY");
    http_req_destroy(r);
    /* OPTIONS without preflight headers is a 405 too */
    r = run("OPTIONS", "/api/v1/tasks", NULL, NULL, 0);
    assert_int_equal(r->priv->status, 405);
    assert_string_equal(http_resp_header(r, "Allow"), "GET, HEAD, POST");
    http_req_destroy(r);
}

static void test_head_and_trailing_slash(void **state)
{
    (void)state;
    seen_head = false;
    http_req_t *r = run("HEAD", "/api/v1/tasks", NULL, NULL, 0);
    assert_int_equal(r->priv->status, 200);
    assert_true(seen_head);
    assert_string_equal(seen_method, "GET");
    http_req_destroy(r);
    r = run("GET", "/api/v1/tasks/7/", NULL, NULL, 0);
    assert_int_equal(r->priv->status, 200);
    assert_string_equal(body_of(r), "{\"task_id\":\"7\"}");
    http_req_destroy(r);
    r = run("GET", "/api/v1/tasks/?q=a+b%21", NULL, NULL, 0);
    assert_string_equal(body_of(r), "{\"ok\":true,\"q\":\"a b!\"}");
    http_req_destroy(r);
}

static void test_no_response_is_json_500(void **state)
{
    (void)state;
    http_req_t *r = run("GET", "/silent", NULL, NULL, 0);
    assert_int_equal(r->priv->status, 500);
    assert_string_equal(r->priv->ctype, "application/json");
    assert_string_equal(body_of(r), "{\"detail\":\"Internal Server Error\"}");
    http_req_destroy(r);
}

static void test_cors_actual_requests(void **state)
{
    (void)state;
    hdr_t good[] = {{"Origin", "http://localhost:5173"}, {NULL, NULL}};
    http_req_t *r = run("GET", "/api/v1/tasks/", good, NULL, 0);
    assert_string_equal(http_resp_header(r, "Access-Control-Allow-Origin"), "http://localhost:5173");
    assert_string_equal(http_resp_header(r, "Access-Control-Allow-Credentials"), "true");
    assert_string_equal(http_resp_header(r, "Vary"), "Origin");
    http_req_destroy(r);

    hdr_t bad[] = {{"Origin", "https://evil.example"}, {NULL, NULL}};
    r = run("GET", "/api/v1/tasks/", bad, NULL, 0);
    assert_int_equal(r->priv->status, 200);
    assert_null(http_resp_header(r, "Access-Control-Allow-Origin"));
    assert_string_equal(http_resp_header(r, "Access-Control-Allow-Credentials"), "true");
    http_req_destroy(r);

    r = run("GET", "/api/v1/tasks/", NULL, NULL, 0);
    assert_null(http_resp_header(r, "Access-Control-Allow-Credentials"));
    http_req_destroy(r);
}

static void test_preflight(void **state)
{
    (void)state;
    hdr_t h[] = {{"Origin", "http://localhost:3000"},
                 {"Access-Control-Request-Method", "POST"},
                 {"Access-Control-Request-Headers", "content-type,authorization"},
                 {NULL, NULL}};
    http_req_t *r = run("OPTIONS", "/api/v1/anything/at/all", h, NULL, 0);
    assert_int_equal(r->priv->status, 200);
    assert_string_equal(r->priv->ctype, "text/plain; charset=utf-8");
    assert_string_equal(body_of(r), "OK");
    assert_string_equal(http_resp_header(r, "Access-Control-Allow-Origin"), "http://localhost:3000");
    assert_string_equal(http_resp_header(r, "Access-Control-Allow-Methods"), "GET, POST, PUT, PATCH, DELETE, OPTIONS");
    assert_string_equal(http_resp_header(r, "Access-Control-Allow-Headers"),
                        "Accept, Accept-Language, Authorization, Content-Language, Content-Type, X-Assessment-Token, "
                        "X-Requested-With");
    assert_string_equal(http_resp_header(r, "Access-Control-Max-Age"), "600");
    assert_string_equal(http_resp_header(r, "Access-Control-Allow-Credentials"), "true");
    assert_string_equal(http_resp_header(r, "Vary"), "Origin");
    assert_null(http_resp_header(r, "X-Content-Type-Options"));
    assert_non_null(http_resp_header(r, "X-Process-Time-Ms"));
    assert_non_null(http_resp_header(r, "X-Request-Id"));
    http_req_destroy(r);

    hdr_t bad[] = {{"Origin", "https://evil.example"}, {"Access-Control-Request-Method", "DELETE"}, {NULL, NULL}};
    r = run("OPTIONS", "/api/v1/tasks/", bad, NULL, 0);
    assert_int_equal(r->priv->status, 400);
    assert_string_equal(body_of(r), "Disallowed CORS origin");
    assert_null(http_resp_header(r, "Access-Control-Allow-Origin"));
    http_req_destroy(r);
}

static void test_rate_limit_429(void **state)
{
    (void)state;
    hdr_t h[] = {{"X-Forwarded-For", "198.51.100.4, 10.0.0.1"},
                 {"Origin", "http://localhost:5173"},
                 {"Content-Type", "application/x-www-form-urlencoded"},
                 {NULL, NULL}};
    hdr_t pre[] = {{"X-Forwarded-For", "198.51.100.4"},
                   {"Origin", "http://localhost:5173"},
                   {"Access-Control-Request-Method", "POST"},
                   {NULL, NULL}};
    /* preflights first: they must not use up the budget */
    for (int i = 0; i < 12; i++) {
        http_req_t *r = run("OPTIONS", "/api/v1/auth/login", pre, NULL, 0);
        assert_int_equal(r->priv->status, 200);
        http_req_destroy(r);
    }
    for (int i = 0; i < 10; i++) {
        http_req_t *r = run("POST", "/api/v1/auth/login", h, "username=a", 10);
        assert_int_equal(r->priv->status, 200);
        http_req_destroy(r);
        fake_now += 100;
    }
    http_req_t *r = run("POST", "/api/v1/auth/login", h, "username=a", 10);
    assert_int_equal(r->priv->status, 429);
    assert_string_equal(r->priv->ctype, "application/json");
    assert_string_equal(body_of(r), "{\"detail\":\"Too many requests. Please try again later.\"}");
    assert_string_equal(http_resp_header(r, "Retry-After"), "59"); /* the oldest (t0) leaves at t0+60 s; now t0+1 s */
    assert_string_equal(http_resp_header(r, "Access-Control-Allow-Origin"), "http://localhost:5173");
    assert_string_equal(http_resp_header(r, "Access-Control-Allow-Credentials"), "true");
    assert_null(http_resp_header(r, "X-Content-Type-Options"));
    assert_non_null(http_resp_header(r, "X-Process-Time-Ms"));
    assert_non_null(http_resp_header(r, "X-Request-Id"));
    http_req_destroy(r);

    /* a different first hop is a different client */
    hdr_t other[] = {{"X-Forwarded-For", "198.51.100.5"}, {NULL, NULL}};
    r = run("POST", "/api/v1/auth/login", other, "", 0);
    assert_int_equal(r->priv->status, 200);
    http_req_destroy(r);

    /* without trusting X-Forwarded-For both share the peer address */
    conf.trust_forwarded_for = false;
    for (int i = 0; i < 10; i++) {
        hdr_t spoof[] = {{"X-Forwarded-For", i % 2 ? "1.1.1.1" : "2.2.2.2"}, {NULL, NULL}};
        r = run("POST", "/api/v1/auth/register", spoof, NULL, 0);
        assert_int_equal(r->priv->status, 404); /* no route, but admitted */
        assert_string_equal(r->client_ip, "127.0.0.1");
        http_req_destroy(r);
    }
    r = run("POST", "/api/v1/auth/forgot-password", NULL, NULL, 0);
    assert_int_equal(r->priv->status, 429);
    http_req_destroy(r);
    conf.trust_forwarded_for = true;
}

static void test_production_hsts(void **state)
{
    (void)state;
    conf.production = true;
    http_req_t *r = run("GET", "/api/v1/tasks/", NULL, NULL, 0);
    assert_string_equal(http_resp_header(r, "Strict-Transport-Security"), "max-age=63072000; includeSubDomains");
    http_req_destroy(r);
    conf.production = false;
}

static void test_json_body_errors(void **state)
{
    (void)state;
    hdr_t json[] = {{"Content-Type", "application/json"}, {NULL, NULL}};
    /* the offset and message are json_parse's (platform/json owns their
     * parity with Python); this layer must carry them into FastAPI's shape */
    const char *bad = "{\"a\": }";
    json_parse_error_t pe = {0};
    assert_null(json_parse(bad, strlen(bad), JSON_MAX_DEPTH_DEFAULT, &pe));
    char expect[512];
    snprintf(expect, sizeof(expect),
             "{\"detail\":[{\"type\":\"json_invalid\",\"loc\":[\"body\",%zu],\"msg\":\"JSON decode "
             "error\",\"input\":{},\"ctx\":{\"error\":\"%s\"}}]}",
             pe.position, pe.message);
    http_req_t *r = run("POST", "/api/v1/items", json, bad, strlen(bad));
    assert_int_equal(r->priv->status, 422);
    assert_string_equal(body_of(r), expect);
    http_req_destroy(r);

    r = run("POST", "/api/v1/items", json, NULL, 0);
    assert_string_equal(
        body_of(r),
        "{\"detail\":[{\"type\":\"missing\",\"loc\":[\"body\"],\"msg\":\"Field required\",\"input\":null}]}");
    http_req_destroy(r);

    hdr_t text[] = {{"Content-Type", "text/plain"}, {NULL, NULL}};
    r = run("POST", "/api/v1/items", text, "{\"a\":1}", 7);
    assert_string_equal(body_of(r),
                        "{\"detail\":[{\"type\":\"model_attributes_type\",\"loc\":[\"body\"],\"msg\":\"Input "
                        "should be a valid dictionary or object to extract fields "
                        "from\",\"input\":\"{\\\"a\\\":1}\"}]}");
    http_req_destroy(r);
}

static void test_json_body_accepted(void **state)
{
    (void)state;
    /* absent Content-Type, application/json with charset, vendor +json */
    const hdr_t *variants[3];
    hdr_t none[] = {{NULL, NULL}};
    hdr_t charset[] = {{"Content-Type", "Application/JSON; charset=utf-8"}, {NULL, NULL}};
    hdr_t vnd[] = {{"Content-Type", "application/vnd.api+json"}, {NULL, NULL}};
    variants[0] = none;
    variants[1] = charset;
    variants[2] = vnd;
    for (int i = 0; i < 3; i++) {
        const char *b = "{\"name\":\"\xC2\xA3"
                        "25\",\"x\":1.5}";
        http_req_t *r = run("POST", "/api/v1/items", variants[i], b, strlen(b));
        assert_int_equal(r->priv->status, 201);
        assert_string_equal(body_of(r), "{\"name\":\"\xC2\xA3"
                                        "25\",\"x\":1.5}");
        http_req_destroy(r);
    }
}

static void test_verr_shape(void **state)
{
    (void)state;
    http_req_t *r = run("GET", "/nope", NULL, NULL, 0);
    http_verr_t *v = http_verr_new(r);
    assert_false(http_verr_any(v));
    http_verr_add(v, "string_too_short", json_pack("[ss]", "body", "password"),
                  "String should have at least 8 characters", json_string("short"), json_pack("{si}", "min_length", 8));
    http_verr_add(v, "missing", json_pack("[ss]", "body", "full_name"), "Field required",
                  json_pack("{ss}", "email", "bad"), NULL);
    assert_true(http_verr_any(v));
    http_reply_verr(r, v);
    assert_int_equal(r->priv->status, 422);
    assert_string_equal(body_of(r), "{\"detail\":[{\"type\":\"string_too_short\",\"loc\":[\"body\",\"password\"],"
                                    "\"msg\":\"String should have at least 8 characters\",\"input\":\"short\","
                                    "\"ctx\":{\"min_length\":8}},{\"type\":\"missing\",\"loc\":[\"body\",\"full_"
                                    "name\"],\"msg\":\"Field required\",\"input\":{\"email\":\"bad\"}}]}");
    http_req_destroy(r);
}

static void test_body_too_large(void **state)
{
    (void)state;
    http_req_t *r = http_req_create(srv, "/api/v1/items");
    http_req_set_method(r, "POST");
    r->priv->body_too_large = true;
    http_pipeline_handle(srv, r);
    assert_int_equal(r->priv->status, 413);
    assert_string_equal(body_of(r), "{\"detail\":\"Request body too large\"}");
    http_req_destroy(r);
}

static void test_bearer(void **state)
{
    (void)state;
    hdr_t lower[] = {{"authorization", "bearer abc.def"}, {NULL, NULL}};
    http_req_t *r = run("GET", "/api/v1/auth/me", lower, NULL, 0);
    assert_string_equal(body_of(r), "{\"token\":\"abc.def\"}");
    http_req_destroy(r);
    hdr_t basic[] = {{"Authorization", "Basic abc"}, {NULL, NULL}};
    r = run("GET", "/api/v1/auth/me", basic, NULL, 0);
    assert_int_equal(r->priv->status, 401);
    assert_string_equal(http_resp_header(r, "WWW-Authenticate"), "Bearer");
    assert_string_equal(body_of(r), "{\"detail\":\"Not authenticated\"}");
    http_req_destroy(r);
}

static void test_multipart_request(void **state)
{
    (void)state;
    const char body[] = "--BND\r\nContent-Disposition: form-data; name=\"token\"\r\n\r\ntok\r\n"
                        "--BND\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.pdf\"\r\n"
                        "Content-Type: application/pdf\r\n\r\n%PDF\x00\x01\r\n--BND--\r\n";
    hdr_t h[] = {{"Content-Type", "multipart/form-data; boundary=\"BND\""}, {NULL, NULL}};
    http_req_t *r = run("POST", "/api/v1/assessments/3/upload-cv", h, body, sizeof(body) - 1);
    assert_int_equal(r->priv->status, 200);
    assert_string_equal(body_of(r), "{\"filename\":\"a.pdf\",\"size\":6,\"token\":\"tok\"}");
    http_req_destroy(r);

    const char nofile[] = "--BND\r\nContent-Disposition: form-data; name=\"token\"\r\n\r\ntok\r\n--BND--\r\n";
    r = run("POST", "/api/v1/assessments/3/upload-cv", h, nofile, sizeof(nofile) - 1);
    assert_int_equal(r->priv->status, 422);
    assert_string_equal(body_of(r), "{\"detail\":[{\"type\":\"missing\",\"loc\":[\"body\",\"file\"],\"msg\":\"Field "
                                    "required\",\"input\":null}]}");
    http_req_destroy(r);
}

static void test_bytes_reply(void **state)
{
    (void)state;
    http_req_t *r = run("GET", "/report.pdf", NULL, NULL, 0);
    assert_int_equal(r->priv->status, 200);
    assert_string_equal(r->priv->ctype, "application/pdf");
    assert_int_equal(r->priv->resp_len, 8);
    http_req_destroy(r);
}

static void test_access_log(void **state)
{
    (void)state;
    FILE *f = tmpfile();
    assert_non_null(f);
    log_set_stream(f);
    hdr_t h[] = {{"Authorization", "Bearer sekrit"}, {"X-Request-Id", "rid-1"}, {NULL, NULL}};
    http_req_t *r = run("GET", "/api/v1/tasks/?q=private", h, NULL, 0);
    http_req_destroy(r);
    r = run("GET", "/health", NULL, NULL, 0);
    http_req_destroy(r);
    log_set_stream(NULL);
    fflush(f);
    long n = ftell(f);
    rewind(f);
    char *buf = calloc(1, (size_t)n + 1);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    assert_non_null(strstr(buf, "\"logger\":\"tali.http\""));
    assert_non_null(strstr(buf, "method=GET path=/api/v1/tasks/ status=200 duration="));
    assert_non_null(strstr(buf, "\"request_id\":\"rid-1\""));
    assert_non_null(strstr(buf, "\"client_ip\":\"127.0.0.1\""));
    assert_non_null(strstr(buf, "\"status\":200"));
    assert_null(strstr(buf, "private"));
    assert_null(strstr(buf, "sekrit"));
    assert_null(strstr(buf, "/health"));
    /* exactly one line */
    assert_non_null(strchr(buf, '\n'));
    assert_null(strchr(strchr(buf, '\n') + 1, '\n'));
    free(buf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_not_found_and_common_headers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_request_id_passthrough, setup, teardown),
        cmocka_unit_test_setup_teardown(test_decoded_path, setup, teardown),
        cmocka_unit_test_setup_teardown(test_method_not_allowed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_head_and_trailing_slash, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_response_is_json_500, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cors_actual_requests, setup, teardown),
        cmocka_unit_test_setup_teardown(test_preflight, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rate_limit_429, setup, teardown),
        cmocka_unit_test_setup_teardown(test_production_hsts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_json_body_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_json_body_accepted, setup, teardown),
        cmocka_unit_test_setup_teardown(test_verr_shape, setup, teardown),
        cmocka_unit_test_setup_teardown(test_body_too_large, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bearer, setup, teardown),
        cmocka_unit_test_setup_teardown(test_multipart_request, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bytes_reply, setup, teardown),
        cmocka_unit_test_setup_teardown(test_access_log, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
