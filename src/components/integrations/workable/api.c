/* Routes of the Workable integration as route-table entries: O3 GET
 * /api/v1/organizations/workable/authorize-url and O4 POST
 * /api/v1/organizations/workable/connect (a recruiter's), and W1 POST
 * /api/v1/webhooks/workable (a raw body the handler checks against the
 * HMAC signature), with the contract's status ladders. */
#include <stdlib.h>
#include <string.h>

#include "components/auth/auth.h"
#include "components/integrations/workable/oauth_state.h"
#include "components/integrations/workable/workable.h"
#include "components/organizations/organizations.h"
#include "platform/api.h"
#include "platform/json.h"
#include "platform/log.h"
#include "platform/validate.h"

#define WORKABLE_LOGGER "tali.workable"
#define WORKABLE_DISABLED "Workable integration is disabled for MVP"

/* ---- O3 GET /organizations/workable/authorize-url ---- */

#define WORKABLE_STORE_DOWN "Workable connection is temporarily unavailable. Please try again."
#define WORKABLE_BAD_STATE "Invalid, expired, or already used Workable OAuth state. Start the connection again."

/* The February default, which today's client also gets without `scopes`:
 * this server posts results back (S12), which needs w_candidates. */
static const char *workable_default_scopes[] = {"r_jobs", "r_candidates", "w_candidates"};

static json_t *workable_api_str_array(const char *const *v, size_t n)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(arr, json_string(v[i]));
    return arr;
}

static const char *workable_api_join(mem_arena_t *a, const char *const *v, size_t n)
{
    mem_buf_t b = {0};
    for (size_t i = 0; i < n; i++) {
        if (i)
            mem_buf_puts(&b, " ");
        mem_buf_puts(&b, v[i]);
    }
    char *s = mem_buf_take(&b);
    char *out = mem_strdup(a, s ? s : "");
    free(s);
    return out;
}

/* After the table's 401 (JWT ladder): 503 MVP flag, 503 no client id,
 * 404 no organisation, 400 bad `scopes`, 503 state not stored, then 200
 * {url, scope, scope_tokens, redirect_uri} (spec v2 D23: B's {url} with
 * today's keys; the URL carries the state). */
static err_t workable_api_authorize_url(api_ctx_t *ctx, const void *in, api_out_t *out)
{
    (void)in;
    const config_t *c = http_config(ctx->req);
    const auth_user_t *u = ctx->principal;
    if (c->mvp_disable_workable)
        return api_fail(out, ERR_UNAVAILABLE, WORKABLE_DISABLED);
    if (!c->workable_client_id || !*c->workable_client_id)
        return api_fail(out, ERR_UNAVAILABLE, "Workable integration is not configured");
    if (!u->has_organization)
        return api_fail(out, ERR_NOT_FOUND, "Organization not found");
    const char **tokens = workable_default_scopes;
    size_t n = sizeof workable_default_scopes / sizeof *workable_default_scopes;
    const char *raw = http_query(ctx->req, "scopes");
    if (raw) {
        const char *bad = workable_scopes_parse(ctx->arena, raw, &tokens, &n);
        if (bad)
            return api_fail(out, ERR_BAD_REQUEST, bad);
    }
    db_t *db;
    err_t e = api_db(ctx, out, &db);
    if (e != ERR_OK)
        return e;
    const char *state = NULL;
    e = workable_state_mint(db, ctx->arena, c->secret_key, u->id, u->organization_id, &state);
    if (e != ERR_OK) {
        log_error(WORKABLE_LOGGER, "Workable OAuth state not stored (%s)", err_name(e));
        return api_fail(out, ERR_UNAVAILABLE, WORKABLE_STORE_DOWN);
    }
    const char *scope = workable_api_join(ctx->arena, tokens, n);
    json_t *body = json_object();
    json_object_set_new(
        body, "url",
        json_string(workable_authorize_url(ctx->arena, c->workable_client_id, c->frontend_url, scope, state)));
    json_object_set_new(body, "scope", json_string(scope));
    json_object_set_new(body, "scope_tokens", workable_api_str_array(tokens, n));
    json_object_set_new(body, "redirect_uri", json_string(workable_redirect_uri(ctx->arena, c->frontend_url)));
    return api_json(out, body);
}

/* ---- O4 POST /organizations/workable/connect ---- */

typedef struct {
    vld_str_t code;
    vld_str_t state; /* today's client; VLD_ABSENT from February's */
} workable_connect_in_t;

static void workable_parse_connect(api_ctx_t *ctx, void *in_)
{
    static const vld_str_rule_t code_rule = {VLD_REQUIRED, 0, 0, NULL};
    static const vld_str_rule_t state_rule = {VLD_OPTIONAL, 20, 4096, NULL};
    workable_connect_in_t *in = in_;
    if (!vld_body_object(&ctx->v, ctx->body))
        return;
    vld_str(&ctx->v, "body", ctx->body, "code", &code_rule, &in->code);
    vld_str(&ctx->v, "body", ctx->body, "state", &state_rule, &in->state);
}

/* D23: a state is checked and used up; a body without one is February's,
 * taken only under WORKABLE_OAUTH_LEGACY_NO_STATE, else today's 422
 * (after the MVP 503, which February's client got first).  NULL when the
 * connection may go on; else what the handler returns. */
static bool workable_api_state_ok(api_ctx_t *ctx, db_t *db, const workable_connect_in_t *in, api_out_t *out, err_t *ret)
{
    const config_t *c = http_config(ctx->req);
    const auth_user_t *u = ctx->principal;
    if (in->state.presence != VLD_SET) {
        if (c->workable_oauth_legacy_no_state)
            return true;
        static const vld_str_rule_t need = {VLD_REQUIRED, 20, 4096, NULL};
        vld_str_t ignored = {0};
        vld_str(&ctx->v, "body", ctx->body, "state", &need, &ignored);
        *ret = api_invalid(ctx);
        return false;
    }
    const char *state = mem_strndup(ctx->arena, in->state.value, in->state.len);
    err_t e = workable_state_consume(db, c->secret_key, state, u->id, u->organization_id);
    if (e == ERR_OK)
        return true;
    *ret = e == ERR_BAD_REQUEST ? api_fail(out, ERR_BAD_REQUEST, WORKABLE_BAD_STATE)
                                : api_fail(out, ERR_UNAVAILABLE, WORKABLE_STORE_DOWN);
    return false;
}

/* Today's O4 also records the connection in workable_config: the hybrid
 * workflow, the scopes granted, write-back when w_candidates was. */
static err_t workable_api_store_config(db_t *db, mem_arena_t *a, int64_t org_id, const char *granted)
{
    organizations_workable_t w;
    err_t e = organizations_workable_get(db, a, org_id, &w);
    if (e != ERR_OK)
        return e;
    const char **tokens = NULL;
    size_t n = workable_scopes_granted(a, granted, workable_default_scopes,
                                       sizeof workable_default_scopes / sizeof *workable_default_scopes, &tokens);
    json_t *conf =
        w.config_json ? json_parse(w.config_json, strlen(w.config_json), JSON_MAX_DEPTH_DEFAULT, NULL) : NULL;
    if (!json_is_object(conf)) {
        json_decref(conf);
        conf = json_object();
    }
    bool write = false;
    for (size_t i = 0; i < n; i++)
        write = write || strcmp(tokens[i], "w_candidates") == 0;
    json_object_set_new(conf, "workflow_mode", json_string("workable_hybrid"));
    json_object_set_new(conf, "sync_model", json_string("scheduled_pull_only"));
    json_object_set_new(conf, "sync_scope", json_string("open_jobs_active_candidates"));
    json_object_set_new(conf, "granted_scopes", workable_api_str_array(tokens, n));
    json_object_set_new(conf, "workable_writeback", json_boolean(write));
    char *text = json_dumps(conf, JSON_COMPACT);
    json_decref(conf);
    e = text ? organizations_workable_set_config(db, org_id, text) : ERR_INTERNAL;
    free(text);
    return e;
}

/* The exchanged tokens, and today's config, in one transaction. */
static err_t workable_api_store(db_t *db, mem_arena_t *a, int64_t org_id, const workable_tokens_t *t, bool today)
{
    err_t e = db_begin(db);
    if (e != ERR_OK)
        return e;
    e = organizations_workable_connect(db, org_id, t->access_token, t->refresh_token, t->subdomain);
    if (e == ERR_OK && today)
        e = workable_api_store_config(db, a, org_id, t->scope);
    if (e == ERR_OK)
        e = db_commit(db);
    if (e != ERR_OK)
        db_rollback(db);
    return e;
}

/* After the table's 422 for a body that is not JSON, 401 (JWT ladder) and
 * 422 (body): 503 MVP flag, 404 no organisation, the state (D23), 400
 * exchange failed, 500 not stored, 200 {"success":true,"subdomain":...}. */
static err_t workable_api_connect(api_ctx_t *ctx, const void *in_, api_out_t *out)
{
    const workable_connect_in_t *in = in_;
    const auth_user_t *u = ctx->principal;
    if (http_config(ctx->req)->mvp_disable_workable)
        return api_fail(out, ERR_UNAVAILABLE, WORKABLE_DISABLED);
    db_t *db;
    err_t e = api_db(ctx, out, &db);
    if (e != ERR_OK)
        return e;
    organizations_org_t org;
    e = u->has_organization ? organizations_get(db, ctx->arena, u->organization_id, &org) : ERR_NOT_FOUND;
    if (e == ERR_NOT_FOUND)
        return api_fail(out, ERR_NOT_FOUND, "Organization not found");
    if (e != ERR_OK)
        return api_fail(out, e == ERR_UNAVAILABLE ? ERR_UNAVAILABLE : ERR_INTERNAL, "Internal Server Error");
    err_t ret = ERR_OK;
    if (!workable_api_state_ok(ctx, db, in, out, &ret))
        return ret;
    workable_tokens_t tokens;
    if (workable_exchange_code(ctx->arena, mem_strndup(ctx->arena, in->code.value, in->code.len), &tokens) != ERR_OK)
        return api_fail(out, ERR_BAD_REQUEST, "Workable OAuth failed. Please try again.");
    e = workable_api_store(db, ctx->arena, org.id, &tokens, in->state.presence == VLD_SET);
    if (e != ERR_OK) {
        log_error(WORKABLE_LOGGER, "organisation %lld: Workable connection not stored (%s)", (long long)org.id,
                  err_name(e));
        return api_fail(out, ERR_INTERNAL, "Failed to store Workable connection");
    }
    log_info(WORKABLE_LOGGER, "organisation %lld connected to Workable", (long long)org.id);
    json_t *body = json_object();
    json_object_set_new(body, "success", json_true());
    json_object_set_new(body, "subdomain", json_string(tokens.subdomain));
    return api_json(out, body);
}

/* ---- W1 POST /webhooks/workable ---- */

static void workable_api_json_decref(void *p)
{
    json_decref((json_t *)p);
}

/* The raw body, checked against X-Workable-Signature (HMAC): 503 MVP flag
 * and 503 no secret (before the body is looked at), 401 bad or missing
 * signature, 500 for a verified body that is not a JSON object (the
 * original failed there too; the answer is JSON, policy fix 1), then 200
 * {"status":"received"} for every event. */
static err_t workable_api_webhook(api_ctx_t *ctx, const void *in, api_out_t *out)
{
    http_req_t *req = ctx->req;
    const config_t *c = http_config(req);
    if (c->mvp_disable_workable)
        return api_fail(out, ERR_UNAVAILABLE, WORKABLE_DISABLED);
    const char *secret = c->workable_webhook_secret;
    if (!secret || !*secret)
        return api_fail(out, ERR_UNAVAILABLE, "Workable webhook secret is not configured");
    if (!workable_signature_valid(http_header(req, "X-Workable-Signature"), req->body, req->body_len, secret)) {
        log_warn(WORKABLE_LOGGER, "webhook refused: invalid signature");
        return api_fail(out, ERR_UNAUTHORIZED, "Invalid webhook signature");
    }
    json_t *event = json_parse(req->body, req->body_len, JSON_MAX_DEPTH_DEFAULT, NULL);
    if (!json_is_object(event)) {
        json_decref(event);
        log_warn(WORKABLE_LOGGER, "webhook body is not a JSON object");
        return api_fail(out, ERR_INTERNAL, "Internal Server Error");
    }
    mem_defer(ctx->arena, workable_api_json_decref, event);
    db_t *db;
    err_t e = api_db(ctx, out, &db);
    if (e != ERR_OK)
        return e;
    workable_event_outcome_t outcome;
    int64_t assessment_id = 0;
    e = workable_handle_event(db, event, &outcome, &assessment_id);
    if (e != ERR_OK) {
        /* Not acknowledged: Workable delivers the event again later. */
        return api_fail(out, e == ERR_UNAVAILABLE ? ERR_UNAVAILABLE : ERR_INTERNAL, "Internal Server Error");
    }
    const char *type = json_get_str(event, "type");
    if (outcome == WORKABLE_EVENT_CREATED)
        log_info(WORKABLE_LOGGER, "webhook %s: assessment %lld created", type ? type : "(no type)",
                 (long long)assessment_id);
    else
        log_info(WORKABLE_LOGGER, "webhook %s: %s", type ? type : "(no type)", workable_event_outcome_name(outcome));
    json_t *body = json_object();
    json_object_set_new(body, "status", json_string("received"));
    return api_json(out, body);
}

/* ---- S12 POST /api/v1/assessments/{id}/post-to-workable ----
 * Routed here, not by assessments, so that assessments never calls this
 * integration. */

/* The answer of each outcome of the Workable post. */
static err_t workable_api_outcome(api_out_t *out, workable_post_outcome_t outcome)
{
    switch (outcome) {
    case WORKABLE_POST_OK: return api_json(out, json_pack("{s:b}", "success", 1));
    case WORKABLE_POST_ALREADY: return api_json(out, json_pack("{s:b,s:b}", "success", 1, "already_posted", 1));
    case WORKABLE_POST_NOT_FOUND: return api_fail(out, ERR_NOT_FOUND, "Assessment not found");
    case WORKABLE_POST_NOT_CONNECTED: return api_fail(out, ERR_BAD_REQUEST, "Workable is not connected");
    case WORKABLE_POST_NOT_LINKED:
        return api_fail(out, ERR_BAD_REQUEST, "Assessment is not linked to a Workable candidate");
    case WORKABLE_POST_UPSTREAM_FAILED:
    default: return api_fail(out, ERR_BAD_GATEWAY, "Failed to post to Workable");
    }
}

/* The MVP 503 comes after the JWT but before the path id is validated,
 * so this route's id is a plain parameter the handler validates itself
 * (a problem recorded here is answered as the table's 422). */
static err_t workable_api_post_results(api_ctx_t *ctx, const void *in, api_out_t *out)
{
    (void)in;
    if (http_config(ctx->req)->mvp_disable_workable)
        return api_fail(out, ERR_UNAVAILABLE, WORKABLE_DISABLED);
    static const vld_int_rule_t id_rule = {.need = VLD_REQUIRED};
    vld_int_t idv = {0};
    if (!vld_raw_int(&ctx->v, "path", "assessment_id", http_path_param(ctx->req, "assessment_id"), &id_rule, &idv))
        return api_invalid(ctx);
    int64_t id = idv.value;
    const auth_user_t *u = ctx->principal;
    if (!u->has_organization)
        return api_fail(out, ERR_NOT_FOUND, "Assessment not found");
    db_t *db;
    err_t e = api_db(ctx, out, &db);
    if (e != ERR_OK)
        return e;
    workable_post_outcome_t outcome;
    if (workable_post_assessment_now(db, u->organization_id, id, &outcome) != ERR_OK)
        return api_fail(out, ERR_INTERNAL, "Failed to post to Workable");
    return workable_api_outcome(out, outcome);
}

static const api_route_t workable_routes[] = {
    {"GET", "/api/v1/organizations/workable/authorize-url", API_AUTH_RECRUITER, API_BODY_NONE, API_RL_NONE, NULL, 0,
     workable_api_authorize_url, 200, "Workable OAuth authorize URL", "organizations"},
    {"POST", "/api/v1/organizations/workable/connect", API_AUTH_RECRUITER, API_BODY_JSON, API_RL_NONE,
     workable_parse_connect, sizeof(workable_connect_in_t), workable_api_connect, 200,
     "Connect Workable with an OAuth code", "organizations"},
    {"POST", "/api/v1/webhooks/workable", API_AUTH_SIGNATURE, API_BODY_RAW, API_RL_NONE, NULL, 0, workable_api_webhook,
     200, "Workable webhook (candidate stage changes)", "webhooks"},
    /* plain {assessment_id}: validated after the MVP 503 (see the handler) */
    {"POST", "/api/v1/assessments/{assessment_id}/post-to-workable", API_AUTH_RECRUITER, API_BODY_NONE, API_RL_NONE,
     NULL, 0, workable_api_post_results, 200, "Post results to Workable", "assessments"},
};

void workable_register(http_server_t *s)
{
    api_routes(s, workable_routes, sizeof workable_routes / sizeof workable_routes[0]);
}
