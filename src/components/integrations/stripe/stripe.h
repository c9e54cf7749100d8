/* stripe: billing through Stripe (api-contract B2, W2;
 * platform-integrations §7): the Checkout session that sells one
 * assessment (£25), and the webhook that Stripe calls with payment and
 * subscription events.
 *
 * Both routes answer 503 while MVP_DISABLE_STRIPE is on (the default).
 * The client speaks Stripe's form-encoded REST API through
 * platform/httpclient at cfg->stripe_api_base; the webhook checks
 * Stripe's `Stripe-Signature` scheme as stripe-python does and applies
 * each event id once (table `stripe_events`, owned here). */
#ifndef TALI_COMPONENTS_STRIPE_H
#define TALI_COMPONENTS_STRIPE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "platform/err.h"
#include "platform/http.h"
#include "platform/mem.h"

/* The pinned API version stripe-python 10.x sends. */
#define STRIPE_API_VERSION "2024-06-20"
/* Signatures older than this many seconds are refused. */
#define STRIPE_TOLERANCE_S 300
/* Price of one assessment, in pence (GBP). */
#define STRIPE_ASSESSMENT_PRICE_PENCE 2500

/* ---- webhook signatures (webhook.c) ---- */

typedef enum {
    STRIPE_SIG_OK = 0,
    STRIPE_SIG_MALFORMED, /* no header, no or unparsable t=, an item t or v1 without "=" */
    STRIPE_SIG_NO_V1,     /* no v1= item */
    STRIPE_SIG_MISMATCH,  /* no v1 equals the expected signature */
    STRIPE_SIG_TOO_OLD,   /* t < now - tolerance */
} stripe_sig_status_t;

/* Verifies a Stripe-Signature header (may be NULL) for payload[0..len)
 * with secret (the whole string, "whsec_" included) the way stripe-python
 * 10.x does: items split on ",", each on its first two "="; the first
 * "t" item is the timestamp (Python int() syntax: surrounding blanks, a
 * sign, "_" between digits); every "v1" item is a candidate; the expected
 * value is the lower-case hex HMAC-SHA256 of "<t>.<payload>" and any
 * candidate may match (each compared in constant time); then t must not
 * be older than tolerance_s before now_us (µs since the epoch; future
 * timestamps pass).  Allocates nothing that outlives the call. */
stripe_sig_status_t stripe_verify_signature(const char *header, const char *payload, size_t len, const char *secret,
                                            int64_t now_us, int64_t tolerance_s);

/* A short English description of a status, for logs.  Never NULL. */
const char *stripe_sig_status_name(stripe_sig_status_t s);

/* Parses a verified payload as stripe-python then did: it must be UTF-8
 * and JSON, and (unlike the original, which failed later with a plain
 * 500) a JSON object.  On success *event receives a new reference.
 * ERR_BAD_REQUEST otherwise ("Invalid payload"). */
err_t stripe_parse_event(const char *payload, size_t len, json_t **event);

/* ---- Stripe API client (client.c) ---- */

/* The application/x-www-form-urlencoded encoding of pairs (key, value,
 * key, value, ..., NULL) as stripe-python wrote it: keys keep their
 * bracketed form ("metadata[org_id]") percent-encoded like values; pairs
 * whose value is NULL are left out.  Owned by arena a. */
char *stripe_form_encode(mem_arena_t *a, const char *const *pairs);

/* What a failed Stripe call left behind, for logs and tests. */
typedef struct {
    long http_status;  /* 0 when no response arrived */
    char message[256]; /* Stripe's error.message, or the transport error */
} stripe_error_t;

/* POST /v1/customers with email, name and metadata[org_id],
 * metadata[platform]=tali, using cfg's key and base URL.  On success
 * *customer_id (arena a) is the new customer's id.  ERR_TIMEOUT when
 * Stripe did not answer in time; ERR_BAD_GATEWAY for a transport failure,
 * a non-2xx answer or one without an id (details in *err, which may be
 * NULL). */
err_t stripe_create_customer(mem_arena_t *a, const char *email, const char *name, int64_t org_id,
                             const char **customer_id, stripe_error_t *err);

/* POST /v1/checkout/sessions for one "TALI Assessment" (GBP, 2500 pence,
 * quantity 1, card, mode payment) for customer_id, with success_url,
 * cancel_url and metadata[org_id], metadata[type]=assessment.  On success
 * *url (arena a) is the session's Checkout URL, or NULL when Stripe
 * answered null for it.  Errors as stripe_create_customer. */
err_t stripe_create_checkout_session(mem_arena_t *a, const char *customer_id, const char *success_url,
                                     const char *cancel_url, int64_t org_id, const char **url, stripe_error_t *err);

/* ---- routes (api.c) ---- */

/* Registers B2 (POST /api/v1/billing/checkout-session) and W2 (POST
 * /api/v1/webhooks/stripe) on s. */
void stripe_register(http_server_t *s);

#endif
