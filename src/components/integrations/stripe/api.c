/* Routes of Stripe billing: B2 POST /api/v1/billing/checkout-session and
 * W2 POST /api/v1/webhooks/stripe, with the contract's status ladders. */
#include "components/auth/auth.h"
#include "components/integrations/stripe/internal.h"
#include "platform/log.h"
#include "platform/validate.h"

#define STRIPE_API_LOGGER "tali.stripe"

/* B2: 401 (JWT ladder), 422 (body), 503 MVP flag, 503 no sk_ key, then
 * the service's 404 / 500 / 502, or 200 {"url": ...}. */
static void stripe_api_checkout(http_req_t *req)
{
    static const vld_str_rule_t url_rule = {VLD_REQUIRED, 0, 0, NULL};
    http_verr_t *hv = http_verr_new(req);
    json_t *body = NULL;
    const auth_user_t *u = auth_require_user_json(req, hv, &body);
    if (!u)
        return;
    vld_t v;
    vld_init(&v, req->arena);
    vld_str_t success = {0}, cancel = {0};
    if (vld_body_object(&v, body)) {
        vld_str(&v, "body", body, "success_url", &url_rule, &success);
        vld_str(&v, "body", body, "cancel_url", &url_rule, &cancel);
    }
    if (vld_reply_if_invalid(req, hv, &v))
        return;
    const config_t *c = http_config(req);
    if (c->mvp_disable_stripe) {
        http_reply_detail(req, 503, "Billing is disabled for MVP pilot");
        return;
    }
    if (!stripe_svc_api_configured(c)) {
        http_reply_detail(req, 503, "Stripe is not configured");
        return;
    }
    db_t *db = http_db(req);
    if (!db) {
        http_reply_err(req, ERR_UNAVAILABLE, "Database unavailable");
        return;
    }
    const char *url = NULL, *detail = NULL;
    err_t e = stripe_svc_checkout(db, req->arena, u, mem_strndup(req->arena, success.value, success.len),
                                  mem_strndup(req->arena, cancel.value, cancel.len), &url, &detail);
    if (e != ERR_OK) {
        http_reply_err(req, e, detail ? detail : "Internal Server Error");
        return;
    }
    json_t *out = json_object();
    json_object_set_new(out, "url", url ? json_string(url) : json_null());
    http_reply_json(req, 200, out);
}

static void stripe_api_json_decref(void *p)
{
    json_decref((json_t *)p);
}

/* W2: 503 MVP flag and 503 no secret (before the body is looked at),
 * 400 "Invalid payload" for a body that is not UTF-8 (stripe-python
 * decoded it first), 400 "Invalid signature", 400 "Invalid payload" for
 * a verified body that is not a JSON object, then 200 {"status":
 * "received"} whether the event was applied, ignored or seen before. */
static void stripe_api_webhook(http_req_t *req)
{
    const config_t *c = http_config(req);
    if (c->mvp_disable_stripe) {
        http_reply_detail(req, 503, "Stripe integration is disabled for MVP");
        return;
    }
    const char *secret = c->stripe_webhook_secret;
    if (!secret || !*secret) {
        http_reply_detail(req, 503, "Stripe webhook secret is not configured");
        return;
    }
    if (!vld_utf8_valid(req->body, req->body_len)) {
        http_reply_detail(req, 400, "Invalid payload");
        return;
    }
    stripe_sig_status_t sig = stripe_verify_signature(http_header(req, "Stripe-Signature"), req->body,
                                                      req->body_len, secret, db_now_us(), STRIPE_TOLERANCE_S);
    if (sig != STRIPE_SIG_OK) {
        log_warn(STRIPE_API_LOGGER, "webhook refused: %s", stripe_sig_status_name(sig));
        http_reply_detail(req, 400, "Invalid signature");
        return;
    }
    json_t *event = NULL;
    if (stripe_parse_event(req->body, req->body_len, &event) != ERR_OK) {
        http_reply_detail(req, 400, "Invalid payload");
        return;
    }
    mem_defer(req->arena, stripe_api_json_decref, event);
    db_t *db = http_db(req);
    if (!db) {
        http_reply_err(req, ERR_UNAVAILABLE, "Database unavailable");
        return;
    }
    stripe_event_outcome_t outcome;
    err_t e = stripe_svc_handle_event(db, event, &outcome);
    if (e != ERR_OK) {
        /* Not acknowledged: Stripe delivers the event again later. */
        log_error(STRIPE_API_LOGGER, "webhook event not applied (%s)", err_name(e));
        http_reply_err(req, e == ERR_UNAVAILABLE ? ERR_UNAVAILABLE : ERR_INTERNAL, "Internal Server Error");
        return;
    }
    const char *type = json_string_value(json_object_get(event, "type"));
    log_info(STRIPE_API_LOGGER, "webhook event %s %s", type ? type : "(no type)",
             outcome == STRIPE_EVENT_REPLAY ? "already processed" :
             outcome == STRIPE_EVENT_APPLIED ? "applied" : "ignored");
    json_t *out = json_object();
    json_object_set_new(out, "status", json_string("received"));
    http_reply_json(req, 200, out);
}

void stripe_register(http_server_t *s)
{
    static const http_route_doc_t d_checkout = {"Stripe Checkout session for one assessment", "billing", "bearer",
                                                200};
    static const http_route_doc_t d_webhook = {"Stripe webhook (payment and subscription events)", "webhooks",
                                               "signature", 200};
    http_route(s, "POST", "/api/v1/billing/checkout-session", stripe_api_checkout, &d_checkout);
    http_route(s, "POST", "/api/v1/webhooks/stripe", stripe_api_webhook, &d_webhook);
}
