/* Routes of Stripe billing as route-table entries: B2 POST
 * /api/v1/billing/checkout-session (a recruiter's) and W2 POST
 * /api/v1/webhooks/stripe (a raw body the handler checks against the
 * Stripe signature), with the contract's status ladders. */
#include "components/auth/auth.h"
#include "components/integrations/stripe/internal.h"
#include "platform/api.h"
#include "platform/log.h"
#include "platform/validate.h"

#define STRIPE_API_LOGGER "tali.stripe"

/* ---- B2 POST /api/v1/billing/checkout-session ---- */

typedef struct {
    vld_str_t success, cancel;
} stripe_checkout_in_t;

static void stripe_parse_checkout(api_ctx_t *ctx, void *in_)
{
    static const vld_str_rule_t url_rule = {VLD_REQUIRED, 0, 0, NULL};
    stripe_checkout_in_t *in = in_;
    if (!vld_body_object(&ctx->v, ctx->body))
        return;
    vld_str(&ctx->v, "body", ctx->body, "success_url", &url_rule, &in->success);
    vld_str(&ctx->v, "body", ctx->body, "cancel_url", &url_rule, &in->cancel);
}

/* After the table's 401 (JWT ladder) and 422 (body): 503 MVP flag, 503
 * no sk_ key, then the service's 404 / 500 / 502, or 200 {"url": ...}. */
static err_t stripe_api_checkout(api_ctx_t *ctx, const void *in_, api_out_t *out)
{
    const stripe_checkout_in_t *in = in_;
    const config_t *c = http_config(ctx->req);
    if (c->mvp_disable_stripe)
        return api_fail(out, ERR_UNAVAILABLE, "Billing is disabled for MVP pilot");
    if (!stripe_svc_api_configured(c))
        return api_fail(out, ERR_UNAVAILABLE, "Stripe is not configured");
    db_t *db;
    err_t e = api_db(ctx, out, &db);
    if (e != ERR_OK)
        return e;
    const char *url = NULL, *detail = NULL;
    e = stripe_svc_checkout(db, ctx->arena, ctx->principal, mem_strndup(ctx->arena, in->success.value, in->success.len),
                            mem_strndup(ctx->arena, in->cancel.value, in->cancel.len), &url, &detail);
    if (e != ERR_OK)
        return api_fail(out, e, detail ? detail : "Internal Server Error");
    json_t *body = json_object();
    json_object_set_new(body, "url", url ? json_string(url) : json_null());
    return api_json(out, body);
}

/* ---- W2 POST /api/v1/webhooks/stripe ---- */

static void stripe_api_json_decref(void *p)
{
    json_decref((json_t *)p);
}

/* The raw body, checked against the Stripe-Signature header: 503 MVP flag
 * and 503 no secret (before the body is looked at), 400 "Invalid
 * payload" for a body that is not UTF-8 (stripe-python decoded it first),
 * 400 "Invalid signature", 400 "Invalid payload" for a verified body that
 * is not a JSON object, then 200 {"status": "received"} whether the event
 * was applied, ignored or seen before. */
static err_t stripe_api_webhook(api_ctx_t *ctx, const void *in, api_out_t *out)
{
    http_req_t *req = ctx->req;
    const config_t *c = http_config(req);
    if (c->mvp_disable_stripe)
        return api_fail(out, ERR_UNAVAILABLE, "Stripe integration is disabled for MVP");
    const char *secret = c->stripe_webhook_secret;
    if (!secret || !*secret)
        return api_fail(out, ERR_UNAVAILABLE, "Stripe webhook secret is not configured");
    if (!vld_utf8_valid(req->body, req->body_len))
        return api_fail(out, ERR_BAD_REQUEST, "Invalid payload");
    stripe_sig_status_t sig = stripe_verify_signature(http_header(req, "Stripe-Signature"), req->body, req->body_len,
                                                      secret, db_now_us(), STRIPE_TOLERANCE_S);
    if (sig != STRIPE_SIG_OK) {
        log_warn(STRIPE_API_LOGGER, "webhook refused: %s", stripe_sig_status_name(sig));
        return api_fail(out, ERR_BAD_REQUEST, "Invalid signature");
    }
    json_t *event = NULL;
    if (stripe_parse_event(req->body, req->body_len, &event) != ERR_OK)
        return api_fail(out, ERR_BAD_REQUEST, "Invalid payload");
    mem_defer(ctx->arena, stripe_api_json_decref, event);
    db_t *db;
    err_t e = api_db(ctx, out, &db);
    if (e != ERR_OK)
        return e;
    stripe_event_outcome_t outcome;
    e = stripe_svc_handle_event(db, event, &outcome);
    if (e != ERR_OK) {
        /* Not acknowledged: Stripe delivers the event again later. */
        log_error(STRIPE_API_LOGGER, "webhook event not applied (%s)", err_name(e));
        return api_fail(out, e == ERR_UNAVAILABLE ? ERR_UNAVAILABLE : ERR_INTERNAL, "Internal Server Error");
    }
    const char *type = json_string_value(json_object_get(event, "type"));
    log_info(STRIPE_API_LOGGER, "webhook event %s %s", type ? type : "(no type)",
             outcome == STRIPE_EVENT_REPLAY    ? "already processed"
             : outcome == STRIPE_EVENT_APPLIED ? "applied"
                                               : "ignored");
    json_t *body = json_object();
    json_object_set_new(body, "status", json_string("received"));
    return api_json(out, body);
}

static const api_route_t stripe_routes[] = {
    {"POST", "/api/v1/billing/checkout-session", API_AUTH_RECRUITER, API_BODY_JSON, API_RL_NONE, stripe_parse_checkout,
     sizeof(stripe_checkout_in_t), stripe_api_checkout, 200, "Stripe Checkout session for one assessment", "billing"},
    {"POST", "/api/v1/webhooks/stripe", API_AUTH_SIGNATURE, API_BODY_RAW, API_RL_NONE, NULL, 0, stripe_api_webhook, 200,
     "Stripe webhook (payment and subscription events)", "webhooks"},
};

void stripe_register(http_server_t *s)
{
    api_routes(s, stripe_routes, sizeof stripe_routes / sizeof stripe_routes[0]);
}
