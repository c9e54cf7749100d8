/* Routes of the Workable integration: O3 GET
 * /api/v1/organizations/workable/authorize-url, O4 POST
 * /api/v1/organizations/workable/connect and W1 POST
 * /api/v1/webhooks/workable, with the contract's status ladders. */
#include "components/auth/auth.h"
#include "components/integrations/workable/workable.h"
#include "components/organizations/organizations.h"
#include "platform/json.h"
#include "platform/log.h"
#include "platform/validate.h"

#define WORKABLE_LOGGER "tali.workable"
#define WORKABLE_DISABLED "Workable integration is disabled for MVP"

/* O3: 401 (JWT ladder), 503 MVP flag, 503 no client id, 200 {"url"}. */
static void workable_api_authorize_url(http_req_t *req)
{
    if (!auth_require_user(req))
        return;
    const config_t *c = http_config(req);
    if (c->mvp_disable_workable) {
        http_reply_detail(req, 503, WORKABLE_DISABLED);
        return;
    }
    if (!c->workable_client_id || !*c->workable_client_id) {
        http_reply_detail(req, 503, "Workable integration is not configured");
        return;
    }
    json_t *out = json_object();
    json_object_set_new(out, "url",
                        json_string(workable_authorize_url(req->arena, c->workable_client_id, c->frontend_url)));
    http_reply_json(req, 200, out);
}

/* O4: 422 for a body that is not JSON, 401 (JWT ladder), 422 (body),
 * 503 MVP flag, 404 no organisation, 400 exchange failed, 500 not
 * stored, 200 {"success":true,"subdomain":...}. */
static void workable_api_connect(http_req_t *req)
{
    static const vld_str_rule_t code_rule = {VLD_REQUIRED, 0, 0, NULL};
    http_verr_t *hv = http_verr_new(req);
    json_t *body = NULL;
    const auth_user_t *u = auth_require_user_json(req, hv, &body);
    if (!u)
        return;
    vld_t v;
    vld_init(&v, req->arena);
    vld_str_t code = {0};
    if (vld_body_object(&v, body))
        vld_str(&v, "body", body, "code", &code_rule, &code);
    if (vld_reply_if_invalid(req, hv, &v))
        return;
    if (http_config(req)->mvp_disable_workable) {
        http_reply_detail(req, 503, WORKABLE_DISABLED);
        return;
    }
    db_t *db = http_db(req);
    if (!db) {
        http_reply_err(req, ERR_UNAVAILABLE, "Database unavailable");
        return;
    }
    organizations_org_t org;
    err_t e = u->has_organization ? organizations_get(db, req->arena, u->organization_id, &org) : ERR_NOT_FOUND;
    if (e == ERR_NOT_FOUND) {
        http_reply_detail(req, 404, "Organization not found");
        return;
    }
    if (e != ERR_OK) {
        http_reply_err(req, e == ERR_UNAVAILABLE ? ERR_UNAVAILABLE : ERR_INTERNAL, "Internal Server Error");
        return;
    }
    workable_tokens_t tokens;
    if (workable_exchange_code(req->arena, mem_strndup(req->arena, code.value, code.len), &tokens) != ERR_OK) {
        http_reply_detail(req, 400, "Workable OAuth failed. Please try again.");
        return;
    }
    e = organizations_workable_connect(db, org.id, tokens.access_token, tokens.refresh_token, tokens.subdomain);
    if (e != ERR_OK) {
        log_error(WORKABLE_LOGGER, "organisation %lld: Workable connection not stored (%s)", (long long)org.id,
                  err_name(e));
        http_reply_detail(req, 500, "Failed to store Workable connection");
        return;
    }
    log_info(WORKABLE_LOGGER, "organisation %lld connected to Workable", (long long)org.id);
    json_t *out = json_object();
    json_object_set_new(out, "success", json_true());
    json_object_set_new(out, "subdomain", json_string(tokens.subdomain));
    http_reply_json(req, 200, out);
}

static void workable_api_json_decref(void *p)
{
    json_decref((json_t *)p);
}

/* W1: 503 MVP flag and 503 no secret (before the body is looked at), 401
 * bad or missing signature, 500 for a verified body that is not a JSON
 * object (the original failed there too; the answer is JSON, policy fix
 * 1), then 200 {"status":"received"} for every event. */
static void workable_api_webhook(http_req_t *req)
{
    const config_t *c = http_config(req);
    if (c->mvp_disable_workable) {
        http_reply_detail(req, 503, WORKABLE_DISABLED);
        return;
    }
    const char *secret = c->workable_webhook_secret;
    if (!secret || !*secret) {
        http_reply_detail(req, 503, "Workable webhook secret is not configured");
        return;
    }
    if (!workable_signature_valid(http_header(req, "X-Workable-Signature"), req->body, req->body_len, secret)) {
        log_warn(WORKABLE_LOGGER, "webhook refused: invalid signature");
        http_reply_detail(req, 401, "Invalid webhook signature");
        return;
    }
    json_t *event = json_parse(req->body, req->body_len, JSON_MAX_DEPTH_DEFAULT, NULL);
    if (!json_is_object(event)) {
        json_decref(event);
        log_warn(WORKABLE_LOGGER, "webhook body is not a JSON object");
        http_reply_detail(req, 500, "Internal Server Error");
        return;
    }
    mem_defer(req->arena, workable_api_json_decref, event);
    db_t *db = http_db(req);
    if (!db) {
        http_reply_err(req, ERR_UNAVAILABLE, "Database unavailable");
        return;
    }
    workable_event_outcome_t outcome;
    int64_t assessment_id = 0;
    err_t e = workable_handle_event(db, event, &outcome, &assessment_id);
    if (e != ERR_OK) {
        /* Not acknowledged: Workable delivers the event again later. */
        http_reply_err(req, e == ERR_UNAVAILABLE ? ERR_UNAVAILABLE : ERR_INTERNAL, "Internal Server Error");
        return;
    }
    const char *type = json_get_str(event, "type");
    if (outcome == WORKABLE_EVENT_CREATED)
        log_info(WORKABLE_LOGGER, "webhook %s: assessment %lld created", type ? type : "(no type)",
                 (long long)assessment_id);
    else
        log_info(WORKABLE_LOGGER, "webhook %s: %s", type ? type : "(no type)", workable_event_outcome_name(outcome));
    json_t *out = json_object();
    json_object_set_new(out, "status", json_string("received"));
    http_reply_json(req, 200, out);
}

void workable_register(http_server_t *s)
{
    static const http_route_doc_t d_url = {"Workable OAuth authorize URL", "organizations", "bearer", 200};
    static const http_route_doc_t d_connect = {"Connect Workable with an OAuth code", "organizations", "bearer",
                                               200};
    static const http_route_doc_t d_webhook = {"Workable webhook (candidate stage changes)", "webhooks",
                                               "signature", 200};
    http_route(s, "GET", "/api/v1/organizations/workable/authorize-url", workable_api_authorize_url, &d_url);
    http_route(s, "POST", "/api/v1/organizations/workable/connect", workable_api_connect, &d_connect);
    http_route(s, "POST", "/api/v1/webhooks/workable", workable_api_webhook, &d_webhook);
}
