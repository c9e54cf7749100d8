/* organizations: the tenant of every recruiter (table `organizations`):
 * creation at registration with a unique slug (policy fix 6), and the
 * organisation endpoints O1 and O2 of api-contract §3.  Other components
 * reach organisations only through this header. */
#ifndef TALI_COMPONENTS_ORGANIZATIONS_H
#define TALI_COMPONENTS_ORGANIZATIONS_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "components/auth/auth.h"
#include "platform/db.h"
#include "platform/err.h"
#include "platform/http.h"
#include "platform/mem.h"

/* An organisation as the API shows it (api-contract §2.2).  Strings are
 * owned by the arena given to the read. */
typedef struct {
    int64_t id;
    const char *name;
    const char *slug; /* NULL when unset */
    bool workable_connected;
    const char *workable_subdomain; /* NULL when unset */
    const char *plan;               /* NULL reads as "pay_per_use" in JSON */
    int64_t assessments_used;
    bool has_assessments_limit;
    int64_t assessments_limit;
    bool has_created_at;
    int64_t created_at; /* µs since the epoch, UTC */
    /* today's settings (migration 010, v2 spec §2.8); JSON columns as JSON
     * text, NULL when SQL NULL */
    bool has_workable_token;     /* workable_access_token is set */
    const char *workable_config; /* stored dict, unknown keys kept (D22) */
    bool has_workable_last_sync_at;
    int64_t workable_last_sync_at;
    const char *workable_last_sync_status;
    const char *workable_last_sync_summary;
    bool bullhorn_connected;
    bool has_bullhorn_last_sync_at;
    int64_t bullhorn_last_sync_at;
    const char *bullhorn_last_sync_status;
    const char *sync_mode;
    const char *fireflies_api_key_encrypted;
    const char *fireflies_webhook_secret;
    const char *fireflies_owner_email;
    const char *fireflies_invite_email;
    bool fireflies_single_account_mode;
    bool has_stripe_customer;
    const char *billing_provider;
    int64_t credits_balance;
    int64_t default_assessment_duration_minutes;
    const char *invite_email_template;
    bool has_default_role_budget_cents, has_default_score_threshold, has_monthly_spend_cap_cents;
    int64_t default_role_budget_cents, default_score_threshold, monthly_spend_cap_cents;
    const char *workspace_settings;
    const char *scoring_policy;
    const char *ai_tooling_config;
    const char *notification_preferences;
    const char *allowed_email_domains; /* JSON list of str */
    bool sso_enforced, saml_enabled, two_factor_required;
    const char *saml_metadata_url;
} organizations_org_t;

/* Reads organisation id into *out (strings in arena a).  ERR_NOT_FOUND
 * when there is none; otherwise the database error. */
err_t organizations_get(db_t *db, mem_arena_t *a, int64_t id, organizations_org_t *out);

/* Creates an organisation named name (plan pay_per_use, nothing used) on
 * db as it is, so inside the caller's transaction.  Its slug is the name
 * lower-cased with spaces turned into "-"; when that slug is taken, the
 * first free of slug-2, slug-3, ... is used.  *id receives the new id.
 * ERR_CONFLICT when a concurrent insert took the slug first (the caller
 * may retry its transaction); otherwise the database error. */
err_t organizations_create(db_t *db, const char *name, int64_t *id);

/* The Organization object both clients read (D21): the February fields
 * (api-contract §2.2, assessments_used and assessments_limit kept) and
 * today's 29 more in today's order (v2 spec §2.8), the sub-objects with
 * today's defaults filled in; datetimes RFC 3339 UTC with "Z".  Returns a
 * new reference. */
json_t *organizations_json(const organizations_org_t *o);

/* The slug the original derived from name: lower-cased (Unicode) with
 * every " " replaced by "-".  Owned by arena a. */
char *organizations_slugify(mem_arena_t *a, const char *name);

/* ---- Stripe billing (called by integrations/stripe) ---- */

/* The organisation's Stripe customer id into *customer_id (copied into
 * arena a; NULL when it has none).  ERR_NOT_FOUND when the organisation
 * does not exist; otherwise the database error. */
err_t organizations_stripe_customer(db_t *db, mem_arena_t *a, int64_t id, const char **customer_id);

/* Stores customer_id as the organisation's Stripe customer unless it
 * already has one (so two concurrent checkouts keep one customer), and
 * sets updated_at.  *stored (arena a) receives the id in force afterwards:
 * customer_id, or the one stored earlier.  ERR_NOT_FOUND when the
 * organisation does not exist; otherwise the database error. */
err_t organizations_claim_stripe_customer(db_t *db, mem_arena_t *a, int64_t id, const char *customer_id,
                                          const char **stored);

/* The organisation whose stripe_customer_id equals customer_id (the
 * lowest id when several do): *found says whether there is one, *id is
 * written only then.  Returns the database error, if any. */
err_t organizations_find_by_stripe_customer(db_t *db, const char *customer_id, int64_t *id, bool *found);

/* Sets plan and stripe_subscription_id (NULL clears it) and updated_at.
 * ERR_NOT_FOUND when the organisation does not exist; otherwise the
 * database error. */
err_t organizations_set_subscription(db_t *db, int64_t id, const char *plan, const char *subscription_id);

/* Credits one assessment back: assessments_used = max(used - 1, 0), a
 * NULL count reading as 0; sets updated_at.  *found says whether the
 * organisation exists.  Returns the database error, if any. */
err_t organizations_credit_assessment(db_t *db, int64_t id, bool *found);

/* ---- Workable (called by integrations/workable; workable.c) ---- */

/* An organisation's Workable connection.  Strings in the caller's arena;
 * NULL when the column is NULL. */
typedef struct {
    bool connected; /* workable_connected (NULL reads as false) */
    const char *subdomain;
    const char *access_token;
    const char *config_json; /* workable_config as JSON text */
} organizations_workable_t;

/* Reads organisation id's Workable columns into *out (strings in arena
 * a).  ERR_NOT_FOUND when the organisation does not exist; otherwise the
 * database error. */
err_t organizations_workable_get(db_t *db, mem_arena_t *a, int64_t id, organizations_workable_t *out);

/* The organisation whose workable_subdomain equals subdomain exactly (the
 * lowest id when several do): *found says whether there is one, *id is
 * written only then.  A NULL subdomain finds nothing.  Returns the
 * database error, if any. */
err_t organizations_workable_find_by_subdomain(db_t *db, const char *subdomain, int64_t *id, bool *found);

/* Stores a Workable connection (O4): access and refresh tokens (refresh
 * may be NULL), subdomain (NULL stored as ""), workable_connected = true,
 * updated_at.  ERR_NOT_FOUND when the organisation does not exist;
 * otherwise the database error. */
err_t organizations_workable_connect(db_t *db, int64_t id, const char *access_token, const char *refresh_token,
                                     const char *subdomain);

/* Replaces workable_config with config_json (a JSON object's text; O4 of
 * today's client writes the connection's mode and granted scopes into
 * it, spec v2 D23) and sets updated_at.  ERR_NOT_FOUND when the
 * organisation does not exist; otherwise the database error. */
err_t organizations_workable_set_config(db_t *db, int64_t id, const char *config_json);

/* ---- candidate proof setting (repo.c; read by assessments, D31) ---- */

/* Organisation id's require_candidate_proof column (migration 011):
 * *set false when it is NULL (the deployment's CANDIDATE_PROOF_REQUIRED
 * then decides), else *set true and *required its value.  An unknown
 * organisation reads as NULL.  Returns the database error, if any. */
err_t organizations_candidate_proof_required(db_t *db, int64_t id, bool *set, bool *required);

/* Registers O1 and O2 (/api/v1/organizations/me) on s, and I10/I11
 * (organizations_sso_register). */
void organizations_register(http_server_t *s);

/* ---- access settings (identity spec §4.4; read by team) ---- */

/* The organisation's sso_enforced flag and its allowed_email_domains as
 * stored (JSON text, NULL when unset; the caller normalises it). */
typedef struct {
    bool sso_enforced;
    const char *allowed_email_domains; /* JSON text or NULL, arena-owned */
} organizations_access_t;

/* Reads organisation id's access settings into *out (arena a).
 * ERR_NOT_FOUND when the organisation does not exist; otherwise the
 * database error. */
err_t organizations_access_get(db_t *db, mem_arena_t *a, int64_t id, organizations_access_t *out);

/* ---- enterprise sign-in (sso.c; identity spec §1.7 I10/I11, D14) ---- */

/* The SSO policy auth applies to password sign-in (auth_set_sso_policy):
 * *enforced when holder (the user with that e-mail, NULL when none) is in
 * an organisation with sso_enforced, or, for an address no organisation
 * member holds, when its domain is in the allowed_email_domains of any
 * organisation with sso_enforced.  Returns the database error. */
err_t organizations_sso_enforced(db_t *db, mem_arena_t *a, const char *email, const auth_user_t *holder,
                                 bool *enforced);

/* I21 step 5: whether email may join an organisation whose stored
 * allowed_email_domains is domains_json (JSON text or NULL): an empty or
 * absent list allows every address, else the address's domain must be
 * listed (both normalised as the original did). */
bool organizations_email_allowed(mem_arena_t *a, const char *domains_json, const char *email);

/* Registers I10 POST /api/v1/auth/sso-check and I11 GET
 * /api/v1/auth/sso-redirect on s. */
void organizations_sso_register(http_server_t *s);

#endif
