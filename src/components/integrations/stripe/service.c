/* Stripe billing: the checkout of one assessment (B2) and the effects of
 * webhook events on organisations (W2).  Organisations are reached only
 * through organizations.h; this component's own table is stripe_events. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "components/integrations/stripe/internal.h"
#include "components/integrations/stripe/repo.h"
#include "components/organizations/organizations.h"
#include "platform/config.h"
#include "platform/log.h"

#define STRIPE_LOGGER "tali.stripe"

bool stripe_svc_api_configured(const config_t *c)
{
    const char *k = c ? c->stripe_api_key : NULL;
    return k && strncmp(k, "sk_", 3) == 0;
}

err_t stripe_svc_checkout(db_t *db, mem_arena_t *a, const auth_user_t *user, const char *success_url,
                          const char *cancel_url, const char **url, const char **detail)
{
    *url = NULL;
    *detail = NULL;
    if (!user->has_organization) {
        *detail = "Organization not found";
        return ERR_NOT_FOUND;
    }
    const int64_t org_id = user->organization_id;
    const char *customer = NULL;
    err_t e = organizations_stripe_customer(db, a, org_id, &customer);
    if (e == ERR_NOT_FOUND) {
        *detail = "Organization not found";
        return ERR_NOT_FOUND;
    }
    if (e != ERR_OK) {
        *detail = e == ERR_UNAVAILABLE ? "Database unavailable" : "Internal Server Error";
        return e == ERR_UNAVAILABLE ? ERR_UNAVAILABLE : ERR_INTERNAL;
    }
    if (!customer || !*customer) {
        const char *name = user->full_name && *user->full_name ? user->full_name : user->email;
        stripe_error_t serr = {0};
        const char *created = NULL;
        e = stripe_create_customer(a, user->email, name, org_id, &created, &serr);
        if (e != ERR_OK) {
            /* The original let this exception escape (a plain 500); policy
             * fix 1 keeps the status with a JSON body. */
            log_error(STRIPE_LOGGER, "creating the Stripe customer of organisation %lld failed: %s", (long long)org_id,
                      serr.message);
            *detail = "Internal Server Error";
            return ERR_INTERNAL;
        }
        e = organizations_claim_stripe_customer(db, a, org_id, created, &customer);
        if (e == ERR_NOT_FOUND) {
            *detail = "Organization not found";
            return ERR_NOT_FOUND;
        }
        if (e != ERR_OK) {
            log_error(STRIPE_LOGGER, "storing Stripe customer %s for organisation %lld failed", created,
                      (long long)org_id);
            *detail = "Failed to store Stripe customer";
            return ERR_INTERNAL;
        }
        if (strcmp(customer, created) != 0)
            log_warn(STRIPE_LOGGER, "organisation %lld got Stripe customer %s concurrently; %s is unused",
                     (long long)org_id, customer, created);
    }
    stripe_error_t serr = {0};
    e = stripe_create_checkout_session(a, customer, success_url, cancel_url, org_id, url, &serr);
    if (e != ERR_OK) {
        log_error(STRIPE_LOGGER, "creating a Checkout session for organisation %lld failed: %s", (long long)org_id,
                  serr.message);
        *detail = "Payment service error. Please try again.";
        return ERR_BAD_GATEWAY;
    }
    return ERR_OK;
}

/* int(org_id) as Python read a metadata value: a JSON integer, or a
 * string of decimal digits with optional blanks around and a sign. */
static bool stripe_svc_org_id(const json_t *v, int64_t *out)
{
    if (json_is_integer(v)) {
        *out = (int64_t)json_integer_value(v);
        return true;
    }
    const char *s = json_string_value(v);
    if (!s)
        return false;
    while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r' || *s == '\f' || *s == '\v')
        s++;
    const char *p = s;
    if (*p == '+' || *p == '-')
        p++;
    if (*p < '0' || *p > '9')
        return false;
    errno = 0;
    char *end = NULL;
    long long n = strtoll(s, &end, 10);
    if (errno == ERANGE)
        return false;
    while (*end == ' ' || *end == '\t' || *end == '\n' || *end == '\r' || *end == '\f' || *end == '\v')
        end++;
    if (*end != '\0')
        return false;
    *out = (int64_t)n;
    return true;
}

/* payment_intent.succeeded: one assessment credited to metadata.org_id. */
static err_t stripe_svc_payment_succeeded(db_t *db, const json_t *obj)
{
    const json_t *org = json_object_get(json_object_get(obj, "metadata"), "org_id");
    /* Python's truthiness: a missing, null or empty value means "no org". */
    if (!org || json_is_null(org) || (json_is_string(org) && json_string_length(org) == 0))
        return ERR_OK;
    int64_t org_id = 0;
    if (!stripe_svc_org_id(org, &org_id)) {
        log_warn(STRIPE_LOGGER, "payment_intent.succeeded with a metadata org_id that is not an integer; ignored");
        return ERR_OK;
    }
    bool found = false;
    err_t e = organizations_credit_assessment(db, org_id, &found);
    if (e == ERR_OK && found)
        log_info(STRIPE_LOGGER, "organisation %lld credited one assessment", (long long)org_id);
    return e;
}

/* customer.subscription.deleted / .updated: the plan of the organisation
 * whose Stripe customer the subscription belongs to. */
static err_t stripe_svc_subscription(db_t *db, const json_t *obj, bool deleted)
{
    const char *customer = json_string_value(json_object_get(obj, "customer"));
    if (!customer)
        return ERR_OK;
    int64_t org_id = 0;
    bool found = false;
    err_t e = organizations_find_by_stripe_customer(db, customer, &org_id, &found);
    if (e != ERR_OK || !found)
        return e;
    const char *plan = "pay_per_use";
    const char *subscription = NULL;
    if (!deleted) {
        subscription = json_string_value(json_object_get(obj, "id"));
        const char *status = json_string_value(json_object_get(obj, "status"));
        if (status && strcmp(status, "active") == 0)
            plan = "monthly";
    }
    e = organizations_set_subscription(db, org_id, plan, subscription);
    if (e == ERR_NOT_FOUND)
        return ERR_OK;
    if (e == ERR_OK)
        log_info(STRIPE_LOGGER, "organisation %lld now on plan %s", (long long)org_id, plan);
    return e;
}

err_t stripe_svc_handle_event(db_t *db, const json_t *event, stripe_event_outcome_t *outcome)
{
    const char *id = json_string_value(json_object_get(event, "id"));
    const char *type = json_string_value(json_object_get(event, "type"));
    const json_t *obj = json_object_get(json_object_get(event, "data"), "object");
    *outcome = STRIPE_EVENT_IGNORED;
    err_t e = db_begin(db);
    if (e != ERR_OK)
        return e;
    if (id) {
        bool fresh = false;
        e = stripe_repo_record_event(db, id, type, db_now_us(), &fresh);
        if (e != ERR_OK || !fresh) {
            db_rollback(db);
            if (e == ERR_OK)
                *outcome = STRIPE_EVENT_REPLAY;
            return e;
        }
    }
    bool handled = true;
    if (type && json_is_object(obj) && strcmp(type, "payment_intent.succeeded") == 0)
        e = stripe_svc_payment_succeeded(db, obj);
    else if (type && json_is_object(obj) && strcmp(type, "customer.subscription.deleted") == 0)
        e = stripe_svc_subscription(db, obj, true);
    else if (type && json_is_object(obj) && strcmp(type, "customer.subscription.updated") == 0)
        e = stripe_svc_subscription(db, obj, false);
    else
        handled = false;
    if (e == ERR_OK)
        e = db_commit(db);
    if (e != ERR_OK) {
        db_rollback(db);
        return e;
    }
    *outcome = handled ? STRIPE_EVENT_APPLIED : STRIPE_EVENT_IGNORED;
    return ERR_OK;
}
