/* Routes of the Workable integration as route-table entries: O3 GET
 * /api/v1/organizations/workable/authorize-url and O4 POST
 * /api/v1/organizations/workable/connect (a recruiter's), and W1 POST
 * /api/v1/webhooks/workable (a raw body the handler checks against the
 * HMAC signature), with the contract's status ladders. */
#include "components/auth/auth.h"
#include "components/integrations/workable/workable.h"
#include "components/organizations/organizations.h"
#include "platform/api.h"
#include "platform/json.h"
#include "platform/log.h"
#include "platform/validate.h"

#define WORKABLE_LOGGER "tali.workable"
#define WORKABLE_DISABLED "Workable integration is disabled for MVP"

/* ---- O3 GET /organizations/workable/authorize-url ---- */

/* After the table's 401 (JWT ladder): 503 MVP flag, 503 no client id,
 * 200 {"url"}. */
static err_t workable_api_authorize_url(api_ctx_t *ctx, const void *in, api_out_t *out)
{
    const config_t *c = http_config(ctx->req);
    if (c->mvp_disable_workable)
        return api_fail(out, ERR_UNAVAILABLE, WORKABLE_DISABLED);
    if (!c->workable_client_id || !*c->workable_client_id)
        return api_fail(out, ERR_UNAVAILABLE, "Workable integration is not configured");
    json_t *body = json_object();
    json_object_set_new(body, "url",
                        json_string(workable_authorize_url(ctx->arena, c->workable_client_id, c->frontend_url)));
    return api_json(out, body);
}

/* ---- O4 POST /organizations/workable/connect ---- */

typedef struct {
    vld_str_t code;
} workable_connect_in_t;

static void workable_parse_connect(api_ctx_t *ctx, void *in_)
{
    static const vld_str_rule_t code_rule = {VLD_REQUIRED, 0, 0, NULL};
    workable_connect_in_t *in = in_;
    if (vld_body_object(&ctx->v, ctx->body))
        vld_str(&ctx->v, "body", ctx->body, "code", &code_rule, &in->code);
}

/* After the table's 422 for a body that is not JSON, 401 (JWT ladder) and
 * 422 (body): 503 MVP flag, 404 no organisation, 400 exchange failed, 500
 * not stored, 200 {"success":true,"subdomain":...}. */
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
    workable_tokens_t tokens;
    if (workable_exchange_code(ctx->arena, mem_strndup(ctx->arena, in->code.value, in->code.len), &tokens) != ERR_OK)
        return api_fail(out, ERR_BAD_REQUEST, "Workable OAuth failed. Please try again.");
    e = organizations_workable_connect(db, org.id, tokens.access_token, tokens.refresh_token, tokens.subdomain);
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
