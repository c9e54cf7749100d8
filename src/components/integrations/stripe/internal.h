/* Declarations shared by the stripe component's own files (the service
 * that api.c calls). */
#ifndef TALI_COMPONENTS_STRIPE_INTERNAL_H
#define TALI_COMPONENTS_STRIPE_INTERNAL_H

#include <jansson.h>
#include <stdbool.h>

#include "components/auth/auth.h"
#include "components/integrations/stripe/stripe.h"
#include "platform/config.h"
#include "platform/db.h"

/* True when STRIPE_API_KEY is set and starts with "sk_" (the original's
 * test before any Stripe call). */
bool stripe_svc_api_configured(const config_t *c);

/* B2 after authentication, validation and the configuration checks: finds
 * the user's organisation, creates its Stripe customer on first use
 * (stored once; a concurrent checkout's customer wins), then creates the
 * Checkout session.  On ERR_OK *url (arena a) is the Checkout URL (NULL
 * when Stripe gave none).  Otherwise *detail is the contract's message:
 * ERR_NOT_FOUND "Organization not found"; ERR_INTERNAL "Failed to store
 * Stripe customer" or (customer creation failed, or the database did)
 * "Internal Server Error"; ERR_BAD_GATEWAY "Payment service error. Please
 * try again."; ERR_UNAVAILABLE "Database unavailable". */
err_t stripe_svc_checkout(db_t *db, mem_arena_t *a, const auth_user_t *user, const char *success_url,
                          const char *cancel_url, const char **url, const char **detail);

typedef enum {
    STRIPE_EVENT_APPLIED, /* a handled type, effect applied (or nothing to apply to) */
    STRIPE_EVENT_IGNORED, /* a type the original ignored */
    STRIPE_EVENT_REPLAY,  /* this event id was processed before: nothing done */
} stripe_event_outcome_t;

/* W2 after verification: applies one event (api-contract W2) in one
 * transaction together with the record of its id, so a redelivered event
 * changes nothing twice.  payment_intent.succeeded credits
 * data.object.metadata.org_id one assessment (an org id that is not an
 * integer is ignored: the original crashed on it); customer.subscription.
 * deleted / .updated set the plan and subscription id of the organisation
 * whose Stripe customer is data.object.customer.  An event without an id
 * is applied without being recorded.  Returns the database error, if
 * any (nothing is then applied or recorded). */
err_t stripe_svc_handle_event(db_t *db, const json_t *event, stripe_event_outcome_t *outcome);

#endif
