/* organizations repo: every SQL statement on the `organizations` table.
 * Only the organizations component's own files include this. */
#ifndef TALI_COMPONENTS_ORGANIZATIONS_REPO_H
#define TALI_COMPONENTS_ORGANIZATIONS_REPO_H

#include <stdbool.h>
#include <stdint.h>

#include "components/organizations/organizations.h"

/* *found says whether the row exists; *out is written only then. */
err_t org_repo_get(db_t *db, mem_arena_t *a, int64_t id, organizations_org_t *out, bool *found);

/* Every slug equal to base or starting with prefix (base + "-"), into a
 * NULL-terminated array in arena a. */
err_t org_repo_slugs_like(db_t *db, mem_arena_t *a, const char *base, const char *prefix, const char ***slugs,
                          size_t *n);

/* Inserts an organisation; *id receives its id.  ERR_CONFLICT on a taken
 * slug. */
err_t org_repo_insert(db_t *db, const char *name, const char *slug, int64_t now_us, int64_t *id);

/* Writes the columns O2 may change (name, the settings objects, fireflies,
 * access settings, defaults) from *o, and updated_at.  ERR_NOT_FOUND when
 * the row does not exist. */
err_t org_repo_save_settings(db_t *db, const organizations_org_t *o, int64_t now_us);

/* stripe_customer_id of organisation id into *customer_id (arena a, NULL
 * when unset); *found says whether the row exists. */
err_t org_repo_stripe_customer(db_t *db, mem_arena_t *a, int64_t id, const char **customer_id, bool *found);

/* Sets stripe_customer_id (and updated_at) only where it is NULL;
 * *affected receives the number of rows changed (0 or 1). */
err_t org_repo_set_stripe_customer_if_unset(db_t *db, int64_t id, const char *customer_id, int64_t now_us,
                                            int64_t *affected);

/* The lowest id whose stripe_customer_id equals customer_id. */
err_t org_repo_find_by_stripe_customer(db_t *db, const char *customer_id, int64_t *id, bool *found);

/* Sets plan, stripe_subscription_id (NULL clears) and updated_at.
 * ERR_NOT_FOUND when the row does not exist. */
err_t org_repo_set_subscription(db_t *db, int64_t id, const char *plan, const char *subscription_id, int64_t now_us);

/* assessments_used = max(coalesce(used, 0) - 1, 0), updated_at = now.
 * *found says whether the row exists. */
err_t org_repo_credit_assessment(db_t *db, int64_t id, int64_t now_us, bool *found);

/* An organisation's id and its allowed_email_domains as stored (JSON
 * text, NULL when unset). */
typedef struct {
    int64_t id;
    const char *domains;
} org_domains_row_t;

/* Every organisation with sso_enforced (saml false) or saml_enabled
 * (saml true) set, lowest id first, into *rows (arena a, *n of them). */
err_t org_repo_domain_lists(db_t *db, mem_arena_t *a, bool saml, org_domains_row_t **rows, size_t *n);

#endif
