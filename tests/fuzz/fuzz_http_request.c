/* fuzz_http_request: feeds a whole request to the middleware pipeline of
 * platform/http (pipeline.c, request.c), as libmicrohttpd would hand it
 * over: "METHOD TARGET\n", then "Name: value" header lines, an empty line
 * and the body.  The server has no database and routes shaped like the
 * real ones whose handlers read what handlers read: query parameters,
 * path parameters, the bearer token, urlencoded and multipart forms and
 * files, the JSON body.  So one input runs the request id check, the
 * forwarded-for parsing, CORS (preflight or not), the rate-limit class,
 * percent-decoding of the path, the router and the body parsers.  Checks
 * http.h: every request gets exactly one response with a status of 200 to
 * 599, an X-Request-Id, and a JSON body whenever the type says JSON. */
#include "fuzz.h"

#include "platform/http/internal.h"
#include "platform/json.h"
#include "platform/log.h"
#include "platform/validate.h"

static config_t fz_conf;
static http_server_t *fz_srv;
static ratelimit_t *fz_rl;

static int64_t fz_clock(void *ctx)
{
    (void)ctx;
    return 1000000;
}

static void h_list(http_req_t *req)
{
    vld_t v;
    vld_init(&v, req->arena);
    long long limit, offset;
    vld_page(&v, http_query(req, "limit"), http_query(req, "offset"), &limit, &offset);
    /* a decoded query value is raw bytes: it must pass as a str before it
     * goes into JSON */
    static const vld_str_rule_t q_rule = {VLD_OPTIONAL, 0, 0, NULL};
    vld_str_t q = {0};
    vld_raw_str(&v, "query", "q", http_query(req, "q"), &q_rule, &q);
    http_verr_t *hv = http_verr_new(req);
    if (vld_reply_if_invalid(req, hv, &v))
        return;
    http_reply_json(req, 200,
                    json_pack("{sIsIss?}", "limit", (json_int_t)limit, "offset", (json_int_t)offset, "q",
                              q.presence == VLD_SET ? q.value : NULL));
}

static void h_task(http_req_t *req)
{
    vld_t v;
    vld_init(&v, req->arena);
    static const vld_int_rule_t id_rule = {.need = VLD_REQUIRED};
    vld_int_t id;
    vld_raw_int(&v, "path", "task_id", http_path_param(req, "task_id"), &id_rule, &id);
    http_verr_t *hv = http_verr_new(req);
    if (vld_reply_if_invalid(req, hv, &v))
        return;
    http_reply_json(req, 200, json_pack("{sI}", "id", (json_int_t)id.value));
}

static void h_login(http_req_t *req)
{
    static const vld_str_rule_t req_rule = {VLD_REQUIRED, 0, 0, NULL};
    vld_t v;
    vld_init(&v, req->arena);
    vld_str_t user, pass;
    vld_raw_str(&v, "body", "username", http_form(req, "username"), &req_rule, &user);
    vld_raw_str(&v, "body", "password", http_form(req, "password"), &req_rule, &pass);
    http_verr_t *hv = http_verr_new(req);
    if (vld_reply_if_invalid(req, hv, &v))
        return;
    http_reply_detail(req, 401, "Incorrect email or password");
}

static void h_json(http_req_t *req)
{
    http_verr_t *hv = http_verr_new(req);
    json_t *body = http_json_body(req, hv);
    vld_t v;
    vld_init(&v, req->arena);
    static const vld_str_rule_t name_rule = {VLD_REQUIRED, 1, 200, NULL};
    vld_str_t name;
    vld_str_t email;
    if (vld_body_object(&v, body)) {
        vld_str(&v, "body", body, "name", &name_rule, &name);
        vld_email(&v, "body", body, "email", VLD_OPTIONAL, &email);
    }
    if (vld_reply_if_invalid(req, hv, &v))
        return;
    http_reply_json(req, 201, json_incref(body));
}

static void h_upload(http_req_t *req)
{
    const http_file_t *f = http_file(req, "file");
    if (!f) {
        http_reply_detail(req, 400, "No file");
        return;
    }
    static const vld_str_rule_t opt = {VLD_OPTIONAL, 0, 0, NULL};
    vld_t v;
    vld_init(&v, req->arena);
    vld_str_t token = {0};
    vld_raw_str(&v, "body", "token", http_form(req, "token"), &opt, &token);
    http_verr_t *hv = http_verr_new(req);
    if (vld_reply_if_invalid(req, hv, &v))
        return;
    http_reply_json(
        req, 200,
        json_pack("{sIss?}", "size", (json_int_t)f->len, "token", token.presence == VLD_SET ? token.value : NULL));
}

static void h_me(http_req_t *req)
{
    const char *t = http_bearer_token(req);
    if (!t) {
        http_set_header(req, "WWW-Authenticate", "Bearer");
        http_reply_err(req, ERR_UNAUTHORIZED, "Not authenticated");
        return;
    }
    http_reply_json(req, 200, json_pack("{sI}", "token_len", (json_int_t)strlen(t)));
}

static void h_health(http_req_t *req)
{
    http_reply_json(req, 200, json_pack("{ss}", "status", "healthy"));
}

static void h_silent(http_req_t *req)
{
    (void)req;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    /* the access log still runs, into nothing: a line per input would
     * cost more than the request */
    FILE *devnull = fopen("/dev/null", "w");
    if (devnull)
        log_set_stream(devnull);
    fz_conf.frontend_url = "http://localhost:5173";
    fz_conf.trust_forwarded_for = true;
    fz_conf.max_connections = 16;
    fz_srv = http_server_new(&fz_conf, NULL);
    fz_rl = ratelimit_new(RATELIMIT_WINDOW_MS, fz_clock, NULL);
    http_server_set_ratelimit(fz_srv, fz_rl);
    http_route(fz_srv, "GET", "/api/v1/tasks/", h_list, NULL);
    http_route(fz_srv, "GET", "/api/v1/tasks/{task_id}", h_task, NULL);
    http_route(fz_srv, "PATCH", "/api/v1/tasks/{task_id}", h_json, NULL);
    http_route(fz_srv, "POST", "/api/v1/auth/login", h_login, NULL);
    http_route(fz_srv, "POST", "/api/v1/auth/register", h_json, NULL);
    http_route(fz_srv, "GET", "/api/v1/auth/me", h_me, NULL);
    http_route(fz_srv, "POST", "/api/v1/assessments/{id}/upload-cv", h_upload, NULL);
    http_route(fz_srv, "GET", "/health", h_health, NULL);
    http_route(fz_srv, "GET", "/silent", h_silent, NULL);
    return 0;
}

/* One header line "Name: value" (blanks after the colon dropped). */
static void fz_add_header(http_req_t *req, char *line)
{
    char *colon = strchr(line, ':');
    if (!colon || colon == line)
        return;
    *colon = '\0';
    char *v = colon + 1;
    while (*v == ' ' || *v == '\t')
        v++;
    size_t n = strlen(v);
    if (n && v[n - 1] == '\r')
        v[n - 1] = '\0';
    http_req_add_header(req, line, v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!fz_srv)
        LLVMFuzzerInitialize(NULL, NULL);
    ratelimit_clear(fz_rl);
    fuzz_input_t in = {data, size};
    char *line = fuzz_next(&in, '\n', NULL);
    char *sp = strchr(line, ' ');
    const char *method = line;
    const char *target = "/";
    if (sp) {
        *sp = '\0';
        target = sp + 1;
    }
    http_req_t *req = http_req_create(fz_srv, target);
    http_req_set_method(req, method[0] ? method : "GET");
    req->priv->peer_ip = "127.0.0.1";
    for (;;) {
        if (in.n == 0)
            break;
        char *h = fuzz_next(&in, '\n', NULL);
        bool end = h[0] == '\0' || strcmp(h, "\r") == 0;
        if (!end)
            fz_add_header(req, h);
        free(h);
        if (end)
            break;
    }
    if (in.n)
        http_req_set_body(req, in.p, in.n);
    http_pipeline_handle(fz_srv, req);

    struct http_req_priv *p = req->priv;
    FUZZ_CHECK(p->has_response);
    FUZZ_CHECK(p->status >= 200 && p->status <= 599);
    FUZZ_CHECK(http_resp_header(req, "X-Request-Id") != NULL);
    if (p->ctype && strcmp(p->ctype, "application/json") == 0) {
        /* a body echoed into "input" may hold U+0000, which JSON allows */
        json_t *j = json_loadb(p->resp_body, p->resp_len, JSON_ALLOW_NUL, NULL);
        FUZZ_CHECK(json_is_object(j));
        json_decref(j);
    }
    http_req_destroy(req);
    free(line);
    return 0;
}
