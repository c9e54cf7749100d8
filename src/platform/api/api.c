/* api: the route table of platform/api.h — one trampoline handler that
 * runs every table entry's prelude, parse function and handler, and turns
 * the handler's err_t into the HTTP answer. */
#include "platform/api.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "platform/json.h"
#include "platform/log.h"
#include "platform/ratelimit.h"

#define API_LOGGER "tali.api"

static api_resolver_fn api_recruiter_resolver;

void api_set_recruiter_resolver(api_resolver_fn fn)
{
    api_recruiter_resolver = fn;
}

/* ---- helpers for handlers ---- */

err_t api_fail(api_out_t *out, err_t e, const char *detail)
{
    out->detail = detail;
    return e;
}

err_t api_fail_json(api_out_t *out, err_t e, json_t *detail)
{
    json_decref(out->detail_json);
    out->detail_json = detail;
    return e;
}

err_t api_fail_db(api_out_t *out, err_t e, const char *detail)
{
    if (e == ERR_UNAVAILABLE)
        return api_fail(out, ERR_UNAVAILABLE, "Database unavailable");
    return api_fail(out, ERR_INTERNAL, detail);
}

err_t api_json(api_out_t *out, json_t *body)
{
    out->json = body;
    return ERR_OK;
}

err_t api_jsonw(api_ctx_t *ctx, api_out_t *out, jsonw_t *w)
{
    size_t len = 0;
    char *text = mem_defer(ctx->arena, free, jsonw_take(w, &len));
    out->bytes = text;
    out->len = len;
    out->ctype = "application/json";
    return ERR_OK;
}

err_t api_invalid(api_ctx_t *ctx)
{
    (void)ctx;
    return ERR_VALIDATION;
}

err_t api_db(api_ctx_t *ctx, api_out_t *out, db_t **db)
{
    *db = http_db(ctx->req);
    if (*db)
        return ERR_OK;
    return api_fail(out, ERR_UNAVAILABLE, "Database unavailable");
}

int64_t api_path_int(const api_ctx_t *ctx, const char *name)
{
    for (size_t i = 0; i < ctx->nints; i++)
        if (strcmp(ctx->int_names[i], name) == 0)
            return ctx->ints[i];
    return 0;
}

/* ---- the prelude ---- */

/* Content-Type application/json, application/\*+json, or none: a body the
 * original parsed as JSON. */
static bool api_json_typed(http_req_t *req)
{
    const char *ct = http_header(req, "Content-Type");
    if (!ct)
        return true;
    while (*ct == ' ' || *ct == '\t')
        ct++;
    size_t n = strcspn(ct, ";");
    while (n > 0 && (ct[n - 1] == ' ' || ct[n - 1] == '\t'))
        n--;
    if (n == 16 && strncasecmp(ct, "application/json", 16) == 0)
        return true;
    return n > 17 && strncasecmp(ct, "application/", 12) == 0 && strncasecmp(ct + n - 5, "+json", 5) == 0;
}

/* Step 1: a JSON-typed body that does not parse is answered before
 * authentication (FastAPI reads the body before the dependencies run). */
static bool api_body_unparseable(api_ctx_t *ctx)
{
    http_req_t *req = ctx->req;
    if (req->body_len == 0 || !api_json_typed(req))
        return false;
    json_parse_error_t perr;
    json_t *probe = json_parse(req->body, req->body_len, JSON_MAX_DEPTH_DEFAULT, &perr);
    if (probe) {
        json_decref(probe);
        return false;
    }
    http_json_body(req, ctx->verr);
    return true;
}

/* Copies the name of a "{name}" or "{name:type}" segment starting at p
 * (just after "{") into name; *is_int tells whether the type is int.
 * Returns the character after "}" or NULL. */
static const char *api_param_at(const char *p, char *name, size_t cap, bool *is_int)
{
    const char *e = strchr(p, '}');
    if (!e)
        return NULL;
    const char *colon = memchr(p, ':', (size_t)(e - p));
    size_t n = (size_t)((colon ? colon : e) - p);
    snprintf(name, cap, "%.*s", (int)n, p);
    *is_int = colon && (size_t)(e - colon - 1) == 3 && strncmp(colon + 1, "int", 3) == 0;
    return e + 1;
}

/* Step 3a: every ":int" path parameter, validated as FastAPI did
 * (int_parsing, loc ["path", name]). */
static void api_path_ints(api_ctx_t *ctx, const api_route_t *r)
{
    static const vld_int_rule_t rule = {.need = VLD_REQUIRED};
    const char *p = r->pattern;
    while ((p = strchr(p, '{')) != NULL) {
        char name[64];
        bool is_int = false;
        p = api_param_at(p + 1, name, sizeof name, &is_int);
        if (!p)
            return;
        if (!is_int || ctx->nints == API_MAX_PATH_INTS)
            continue;
        vld_int_t out = {0};
        vld_raw_int(&ctx->v, "path", name, http_path_param(ctx->req, name), &rule, &out);
        ctx->int_names[ctx->nints] = mem_strdup(ctx->arena, name);
        ctx->ints[ctx->nints++] = out.value;
    }
}

/* Step 3b: the candidate token the auth kind names. */
static void api_token(api_ctx_t *ctx, const api_route_t *r)
{
    if (r->auth == API_AUTH_TOKEN_PATH) {
        ctx->token = http_path_param(ctx->req, "token");
    } else if (r->auth == API_AUTH_TOKEN_HEADER) {
        static const vld_str_rule_t rule = {.need = VLD_REQUIRED};
        vld_str_t tok = {0};
        if (vld_raw_str(&ctx->v, "header", "x-assessment-token", http_header(ctx->req, "X-Assessment-Token"), &rule,
                        &tok))
            ctx->token = tok.value;
    }
}

/* The auth kinds the recruiter resolver decides. */
static bool api_is_recruiter(api_auth_t a)
{
    return a == API_AUTH_RECRUITER || a == API_AUTH_OWNER || a == API_AUTH_SUPERUSER;
}

/* Steps 1-3 up to the parse function.  Returns ERR_OK to go on, or the
 * error to answer with (out->detail set, or ctx->verr holding the 422). */
static err_t api_prelude(api_ctx_t *ctx, const api_route_t *r, api_out_t *out)
{
    if (api_is_recruiter(r->auth)) {
        if (r->body == API_BODY_JSON && api_body_unparseable(ctx))
            return ERR_VALIDATION;
        if (!api_recruiter_resolver)
            return api_fail(out, ERR_INTERNAL, "Internal Server Error");
        const char *detail = NULL;
        err_t e = api_recruiter_resolver(ctx->req, r->auth, &ctx->principal, &detail);
        if (e != ERR_OK)
            return api_fail(out, e, detail);
    }
    api_path_ints(ctx, r);
    api_token(ctx, r);
    vld_move_to(&ctx->v, ctx->verr);
    if (r->body == API_BODY_JSON)
        ctx->body = http_json_body(ctx->req, ctx->verr);
    return ERR_OK;
}

/* ---- the answer ---- */

static const char *api_reason(int status)
{
    switch (status) {
    case 400: return "Bad Request";
    case 401: return "Not authenticated";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 409: return "Conflict";
    case 413: return "Request body too large";
    case 422: return "Unprocessable Entity";
    case 503: return "Service Unavailable";
    default: return "Internal Server Error";
    }
}

static void api_answer(api_ctx_t *ctx, const api_route_t *r, err_t e, api_out_t *out)
{
    http_req_t *req = ctx->req;
    if (e == ERR_OK) {
        json_decref(out->detail_json);
        int status = out->status ? out->status : r->status ? r->status : 200;
        if (out->json)
            http_reply_json(req, status, out->json);
        else if (out->ctype)
            http_reply_bytes(req, status, out->ctype, out->bytes, out->len);
        else
            http_reply_empty(req, status);
        return;
    }
    json_decref(out->json);
    if (e == ERR_VALIDATION && http_verr_any(ctx->verr)) {
        json_decref(out->detail_json);
        http_reply_verr(req, ctx->verr);
        return;
    }
    int status = out->status ? out->status : err_http_status(e);
    if (out->detail_json) {
        http_reply_json(req, status, json_pack("{so}", "detail", out->detail_json));
        return;
    }
    if (status >= 500)
        log_msg(LOG_ERROR, API_LOGGER, "%s %s answered %d (%s): %s", req->method, r->pattern, status, err_name(e),
                out->detail ? out->detail : "-");
    http_reply_detail(req, status, out->detail ? out->detail : api_reason(status));
}

static void api_handle(http_req_t *req)
{
    const api_route_t *r = http_route_data(req);
    api_ctx_t ctx;
    memset(&ctx, 0, sizeof ctx);
    ctx.req = req;
    ctx.arena = req->arena;
    ctx.verr = http_verr_new(req);
    vld_init(&ctx.v, req->arena);
    api_out_t out = {0};
    err_t e = api_prelude(&ctx, r, &out);
    if (e == ERR_OK) {
        void *in = r->in_size ? mem_alloc(req->arena, r->in_size) : NULL; /* zeroed */
        if (r->parse)
            r->parse(&ctx, in);
        vld_move_to(&ctx.v, ctx.verr);
        e = http_verr_any(ctx.verr) ? ERR_VALIDATION : r->fn(&ctx, in, &out);
        /* problems a handler recorded after parsing (service-level checks) */
        if (e == ERR_VALIDATION)
            vld_move_to(&ctx.v, ctx.verr);
    }
    api_answer(&ctx, r, e, &out);
    vld_free(&ctx.v);
}

/* ---- registration ---- */

static const char *api_auth_doc(api_auth_t a)
{
    switch (a) {
    case API_AUTH_RECRUITER:
    case API_AUTH_OWNER:
    case API_AUTH_SUPERUSER: return "bearer";
    case API_AUTH_TOKEN_PATH:
    case API_AUTH_TOKEN_HEADER:
    case API_AUTH_TOKEN_FORM: return "assessment_token";
    case API_AUTH_SIGNATURE: return "signature";
    default: return NULL;
    }
}

static const char *api_rl_name(api_rl_t rl)
{
    switch (rl) {
    case API_RL_AUTH: return "auth";
    case API_RL_CANDIDATE_TOKEN: return "candidate_token";
    case API_RL_ASSESSMENT: return "assessment";
    default: return NULL;
    }
}

/* pattern without ":type" suffixes ("{task_id:int}" -> "{task_id}") into
 * plain; sample receives the pattern with every parameter as "1". */
static void api_plain(const char *pattern, char *plain, size_t cap, char *sample, size_t scap)
{
    size_t n = 0, k = 0;
    for (const char *p = pattern; *p && n + 1 < cap && k + 2 < scap;) {
        if (*p != '{') {
            plain[n++] = *p;
            sample[k++] = *p++;
            continue;
        }
        char name[64];
        bool is_int;
        const char *next = api_param_at(p + 1, name, sizeof name, &is_int);
        if (!next)
            break;
        n += (size_t)snprintf(plain + n, cap - n, "{%s}", name);
        sample[k++] = '1';
        p = next;
    }
    plain[n < cap ? n : cap - 1] = '\0';
    sample[k] = '\0';
}

void api_routes(http_server_t *s, const api_route_t *table, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const api_route_t *r = &table[i];
        char plain[256], sample[256];
        api_plain(r->pattern, plain, sizeof plain, sample, sizeof sample);
        const ratelimit_class_t *cls = ratelimit_classify(sample);
        const char *want = api_rl_name(r->ratelimit), *have = cls ? cls->name : NULL;
        if (!(have == want || (have && want && strcmp(have, want) == 0)))
            log_msg(LOG_ERROR, API_LOGGER, "route %s %s declares rate-limit bucket %s but the limiter applies %s",
                    r->method, plain, want ? want : "none", have ? have : "none");
        http_route_doc_t doc = {r->summary, r->tag, api_auth_doc(r->auth), r->status ? r->status : 200};
        http_route_with(s, r->method, plain, api_handle, &doc, r);
    }
}
