/* client.c: the two Stripe REST calls the checkout makes, as stripe-python
 * 10.x sent them: form-encoded POSTs with bracketed keys, a Bearer secret
 * key, the pinned Stripe-Version, no automatic retries. */
#include "components/integrations/stripe/stripe.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "platform/config.h"
#include "platform/httpclient.h"
#include "platform/json.h"
#include "platform/log.h"

#define STRIPE_MAX_RESPONSE_BYTES (1024u * 1024u)
#define STRIPE_TIMEOUT_MS 60000L

char *stripe_form_encode(mem_arena_t *a, const char *const *pairs)
{
    mem_buf_t b = {0};
    for (size_t i = 0; pairs[i]; i += 2) {
        if (!pairs[i + 1])
            continue;
        char *k = httpc_urlencode(pairs[i]);
        char *v = httpc_urlencode(pairs[i + 1]);
        if (b.len)
            mem_buf_puts(&b, "&");
        mem_buf_puts(&b, k);
        mem_buf_puts(&b, "=");
        mem_buf_puts(&b, v);
        free(k);
        free(v);
    }
    char *out = mem_strdup(a, b.data ? b.data : "");
    mem_buf_free(&b);
    return out;
}

static void stripe_set_error(stripe_error_t *err, long status, const char *msg)
{
    if (!err)
        return;
    err->http_status = status;
    snprintf(err->message, sizeof err->message, "%s", msg ? msg : "");
}

/* POSTs the form to cfg->stripe_api_base + path.  On ERR_OK *reply is the
 * parsed 2xx JSON object (a new reference). */
static err_t stripe_post(const char *path, const char *form, json_t **reply, stripe_error_t *err)
{
    *reply = NULL;
    const char *base =
        cfg && cfg->stripe_api_base && *cfg->stripe_api_base ? cfg->stripe_api_base : "https://api.stripe.com";
    size_t blen = strlen(base);
    while (blen > 0 && base[blen - 1] == '/')
        blen--;
    char *url = xasprintf("%.*s%s", (int)blen, base, path);
    char *auth = xasprintf("Authorization: Bearer %s", cfg && cfg->stripe_api_key ? cfg->stripe_api_key : "");
    const char *headers[] = {auth,
                             "Content-Type: application/x-www-form-urlencoded",
                             "Stripe-Version: " STRIPE_API_VERSION,
                             "Accept: application/json",
                             "User-Agent: TALI-backend (Stripe/v1)",
                             NULL};
    httpc_request_t req = {
        .method = "POST",
        .url = url,
        .headers = headers,
        .body = form,
        .body_len = strlen(form),
        .timeout_ms = STRIPE_TIMEOUT_MS,
        .max_response_bytes = STRIPE_MAX_RESPONSE_BYTES,
    };
    httpc_response_t resp;
    err_t e = httpc_perform(&req, &resp);
    free(auth);
    free(url);
    if (e != ERR_OK) {
        stripe_set_error(err, 0, resp.error[0] ? resp.error : err_name(e));
        log_warn("tali.stripe", "POST %s failed: %s", path, resp.error[0] ? resp.error : err_name(e));
        httpc_response_free(&resp);
        return e == ERR_TIMEOUT ? ERR_TIMEOUT : ERR_BAD_GATEWAY;
    }
    json_t *j = resp.body ? json_parse(resp.body, resp.body_len, JSON_MAX_DEPTH_DEFAULT, NULL) : NULL;
    if (resp.status < 200 || resp.status > 299 || !json_is_object(j)) {
        const char *m = json_get_str(json_object_get(j, "error"), "message");
        char msg[256];
        snprintf(msg, sizeof msg, "Stripe answered HTTP %ld%s%s", resp.status, m ? ": " : "", m ? m : "");
        stripe_set_error(err, resp.status, msg);
        log_warn("tali.stripe", "POST %s: %s", path, msg);
        json_decref(j);
        httpc_response_free(&resp);
        return ERR_BAD_GATEWAY;
    }
    httpc_response_free(&resp);
    *reply = j;
    return ERR_OK;
}

err_t stripe_create_customer(mem_arena_t *a, const char *email, const char *name, int64_t org_id,
                             const char **customer_id, stripe_error_t *err)
{
    char org[24];
    snprintf(org, sizeof org, "%" PRId64, org_id);
    const char *pairs[] = {"email", email, "name", name, "metadata[org_id]", org, "metadata[platform]", "tali", NULL};
    json_t *reply = NULL;
    err_t e = stripe_post("/v1/customers", stripe_form_encode(a, pairs), &reply, err);
    if (e != ERR_OK)
        return e;
    const char *id = json_get_str(reply, "id");
    if (!id || !*id) {
        stripe_set_error(err, 200, "Stripe created a customer without an id");
        json_decref(reply);
        return ERR_BAD_GATEWAY;
    }
    *customer_id = mem_strdup(a, id);
    json_decref(reply);
    return ERR_OK;
}

err_t stripe_create_checkout_session(mem_arena_t *a, const char *customer_id, const char *success_url,
                                     const char *cancel_url, int64_t org_id, const char **url, stripe_error_t *err)
{
    char org[24], amount[24];
    snprintf(org, sizeof org, "%" PRId64, org_id);
    snprintf(amount, sizeof amount, "%d", STRIPE_ASSESSMENT_PRICE_PENCE);
    const char *pairs[] = {"customer",
                           customer_id,
                           "payment_method_types[0]",
                           "card",
                           "line_items[0][price_data][currency]",
                           "gbp",
                           "line_items[0][price_data][product_data][name]",
                           "TALI Assessment",
                           "line_items[0][price_data][product_data][description]",
                           "One technical assessment",
                           "line_items[0][price_data][unit_amount]",
                           amount,
                           "line_items[0][quantity]",
                           "1",
                           "mode",
                           "payment",
                           "success_url",
                           success_url,
                           "cancel_url",
                           cancel_url,
                           "metadata[org_id]",
                           org,
                           "metadata[type]",
                           "assessment",
                           NULL};
    json_t *reply = NULL;
    err_t e = stripe_post("/v1/checkout/sessions", stripe_form_encode(a, pairs), &reply, err);
    if (e != ERR_OK)
        return e;
    json_t *u = json_object_get(reply, "url");
    if (!u || (!json_is_null(u) && !json_is_string(u))) {
        /* stripe-python raised on session.url for a reply without it. */
        stripe_set_error(err, 200, "Stripe created a Checkout session without a url");
        json_decref(reply);
        return ERR_BAD_GATEWAY;
    }
    *url = json_is_string(u) ? mem_strdup(a, json_string_value(u)) : NULL;
    json_decref(reply);
    return ERR_OK;
}
