/* SQL on `organizations` (this component's table only). */
#include "components/organizations/repo.h"

#include <string.h>

#define ORG_COLS                                                                                                       \
    "id, name, slug, workable_connected, workable_subdomain, plan, assessments_used, assessments_limit, "              \
    "created_at, workable_access_token IS NOT NULL, workable_config, workable_last_sync_at, "                          \
    "workable_last_sync_status, workable_last_sync_summary, bullhorn_connected, bullhorn_last_sync_at, "               \
    "bullhorn_last_sync_status, sync_mode, fireflies_api_key_encrypted, fireflies_webhook_secret, "                    \
    "fireflies_owner_email, fireflies_invite_email, fireflies_single_account_mode, stripe_customer_id IS NOT NULL, "   \
    "billing_provider, credits_balance, default_assessment_duration_minutes, invite_email_template, "                  \
    "default_role_budget_cents, default_score_threshold, monthly_spend_cap_cents, workspace_settings, "                \
    "scoring_policy, ai_tooling_config, notification_preferences, allowed_email_domains, sso_enforced, "               \
    "saml_enabled, saml_metadata_url, two_factor_required"

static bool org_repo_opt_int(const db_res_t *r, int col, int64_t *v)
{
    bool has = !db_res_isnull(r, 0, col);
    *v = has ? db_res_int(r, 0, col) : 0;
    return has;
}

/* Today's columns (index 9 on) of the row. */
static void org_repo_row_v2(const db_res_t *r, mem_arena_t *a, organizations_org_t *o)
{
    o->has_workable_token = db_res_bool(r, 0, 9);
    o->workable_config = mem_strdup(a, db_res_text(r, 0, 10));
    o->has_workable_last_sync_at = !db_res_isnull(r, 0, 11);
    o->workable_last_sync_at = db_res_time(r, 0, 11);
    o->workable_last_sync_status = mem_strdup(a, db_res_text(r, 0, 12));
    o->workable_last_sync_summary = mem_strdup(a, db_res_text(r, 0, 13));
    o->bullhorn_connected = db_res_bool(r, 0, 14);
    o->has_bullhorn_last_sync_at = !db_res_isnull(r, 0, 15);
    o->bullhorn_last_sync_at = db_res_time(r, 0, 15);
    o->bullhorn_last_sync_status = mem_strdup(a, db_res_text(r, 0, 16));
    o->sync_mode = mem_strdup(a, db_res_text(r, 0, 17));
    o->fireflies_api_key_encrypted = mem_strdup(a, db_res_text(r, 0, 18));
    o->fireflies_webhook_secret = mem_strdup(a, db_res_text(r, 0, 19));
    o->fireflies_owner_email = mem_strdup(a, db_res_text(r, 0, 20));
    o->fireflies_invite_email = mem_strdup(a, db_res_text(r, 0, 21));
    o->fireflies_single_account_mode = db_res_isnull(r, 0, 22) ? true : db_res_bool(r, 0, 22);
    o->has_stripe_customer = db_res_bool(r, 0, 23);
    o->billing_provider = mem_strdup(a, db_res_text(r, 0, 24));
    o->credits_balance = db_res_int(r, 0, 25);
    o->default_assessment_duration_minutes = db_res_isnull(r, 0, 26) ? 30 : db_res_int(r, 0, 26);
    o->invite_email_template = mem_strdup(a, db_res_text(r, 0, 27));
    o->has_default_role_budget_cents = org_repo_opt_int(r, 28, &o->default_role_budget_cents);
    o->has_default_score_threshold = org_repo_opt_int(r, 29, &o->default_score_threshold);
    o->has_monthly_spend_cap_cents = org_repo_opt_int(r, 30, &o->monthly_spend_cap_cents);
    o->workspace_settings = mem_strdup(a, db_res_text(r, 0, 31));
    o->scoring_policy = mem_strdup(a, db_res_text(r, 0, 32));
    o->ai_tooling_config = mem_strdup(a, db_res_text(r, 0, 33));
    o->notification_preferences = mem_strdup(a, db_res_text(r, 0, 34));
    o->allowed_email_domains = mem_strdup(a, db_res_text(r, 0, 35));
    o->sso_enforced = db_res_bool(r, 0, 36);
    o->saml_enabled = db_res_bool(r, 0, 37);
    o->saml_metadata_url = mem_strdup(a, db_res_text(r, 0, 38));
    o->two_factor_required = db_res_bool(r, 0, 39);
}

err_t org_repo_get(db_t *db, mem_arena_t *a, int64_t id, organizations_org_t *out, bool *found)
{
    db_value_t p[] = {DB_V_INT(id)};
    db_res_t *r = NULL;
    err_t e = db_query(db, "SELECT " ORG_COLS " FROM organizations WHERE id = $1", p, 1, &r);
    if (e != ERR_OK)
        return e;
    *found = db_res_rows(r) > 0;
    if (*found) {
        memset(out, 0, sizeof *out);
        out->id = db_res_int(r, 0, 0);
        out->name = mem_strdup(a, db_res_text(r, 0, 1));
        out->slug = mem_strdup(a, db_res_text(r, 0, 2));
        out->workable_connected = db_res_bool(r, 0, 3);
        out->workable_subdomain = mem_strdup(a, db_res_text(r, 0, 4));
        out->plan = mem_strdup(a, db_res_text(r, 0, 5));
        out->assessments_used = db_res_int(r, 0, 6);
        out->has_assessments_limit = !db_res_isnull(r, 0, 7);
        out->assessments_limit = db_res_int(r, 0, 7);
        out->has_created_at = !db_res_isnull(r, 0, 8);
        out->created_at = db_res_time(r, 0, 8);
        org_repo_row_v2(r, a, out);
    }
    db_res_free(r);
    return ERR_OK;
}

err_t org_repo_slugs_like(db_t *db, mem_arena_t *a, const char *base, const char *prefix, const char ***slugs,
                          size_t *n)
{
    /* substr/length count characters in both dialects; no LIKE, so "%" and
     * "_" in a name need no escaping. */
    db_value_t p[] = {DB_V_TEXT(base), DB_V_TEXT(prefix)};
    db_res_t *r = NULL;
    err_t e = db_query(db,
                       "SELECT slug FROM organizations WHERE slug = $1 "
                       "OR substr(slug, 1, length(CAST($2 AS TEXT))) = CAST($2 AS TEXT)",
                       p, 2, &r);
    if (e != ERR_OK)
        return e;
    int rows = db_res_rows(r);
    const char **v = mem_alloc(a, (size_t)(rows + 1) * sizeof *v);
    size_t k = 0;
    for (int i = 0; i < rows; i++)
        if (!db_res_isnull(r, i, 0))
            v[k++] = mem_strdup(a, db_res_text(r, i, 0));
    v[k] = NULL;
    db_res_free(r);
    *slugs = v;
    *n = k;
    return ERR_OK;
}

err_t org_repo_insert(db_t *db, const char *name, const char *slug, int64_t now_us, int64_t *id)
{
    db_value_t p[] = {DB_V_TEXT(name),          DB_V_TEXT(slug), DB_V_BOOL(false),
                      DB_V_TEXT("pay_per_use"), DB_V_INT(0),     DB_V_TIME(now_us)};
    db_res_t *r = NULL;
    err_t e = db_query(db,
                       "INSERT INTO organizations (name, slug, workable_connected, plan, assessments_used, "
                       "created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                       p, 6, &r);
    if (e != ERR_OK)
        return e;
    if (db_res_rows(r) != 1) {
        db_res_free(r);
        return ERR_INTERNAL;
    }
    *id = db_res_int(r, 0, 0);
    db_res_free(r);
    return ERR_OK;
}

static db_value_t org_repo_opt(bool has, int64_t v)
{
    return has ? DB_V_INT(v) : DB_V_NULL;
}

err_t org_repo_save_settings(db_t *db, const organizations_org_t *o, int64_t now_us)
{
    db_value_t p[] = {
        DB_V_TEXT(o->name),
        DB_V_JSON(o->workable_config),
        DB_V_TEXT(o->fireflies_api_key_encrypted),
        DB_V_TEXT(o->fireflies_webhook_secret),
        DB_V_TEXT(o->fireflies_owner_email),
        DB_V_TEXT(o->fireflies_invite_email),
        DB_V_BOOL(o->fireflies_single_account_mode),
        DB_V_JSON(o->workspace_settings),
        DB_V_JSON(o->scoring_policy),
        DB_V_JSON(o->ai_tooling_config),
        DB_V_JSON(o->notification_preferences),
        DB_V_JSON(o->allowed_email_domains),
        DB_V_BOOL(o->sso_enforced),
        DB_V_BOOL(o->saml_enabled),
        DB_V_TEXT(o->saml_metadata_url),
        DB_V_BOOL(o->two_factor_required),
        DB_V_INT(o->default_assessment_duration_minutes),
        DB_V_TEXT(o->invite_email_template),
        org_repo_opt(o->has_default_role_budget_cents, o->default_role_budget_cents),
        org_repo_opt(o->has_default_score_threshold, o->default_score_threshold),
        org_repo_opt(o->has_monthly_spend_cap_cents, o->monthly_spend_cap_cents),
        DB_V_TIME(now_us),
        DB_V_INT(o->id),
    };
    int64_t n = 0;
    err_t e = db_exec(db,
                      "UPDATE organizations SET name = $1, workable_config = $2, fireflies_api_key_encrypted = $3, "
                      "fireflies_webhook_secret = $4, fireflies_owner_email = $5, fireflies_invite_email = $6, "
                      "fireflies_single_account_mode = $7, workspace_settings = $8, scoring_policy = $9, "
                      "ai_tooling_config = $10, notification_preferences = $11, allowed_email_domains = $12, "
                      "sso_enforced = $13, saml_enabled = $14, saml_metadata_url = $15, two_factor_required = $16, "
                      "default_assessment_duration_minutes = $17, invite_email_template = $18, "
                      "default_role_budget_cents = $19, default_score_threshold = $20, "
                      "monthly_spend_cap_cents = $21, updated_at = $22 WHERE id = $23",
                      p, (int)(sizeof p / sizeof p[0]), &n);
    if (e != ERR_OK)
        return e;
    return n == 1 ? ERR_OK : ERR_NOT_FOUND;
}

err_t org_repo_stripe_customer(db_t *db, mem_arena_t *a, int64_t id, const char **customer_id, bool *found)
{
    db_value_t p[] = {DB_V_INT(id)};
    db_res_t *r = NULL;
    err_t e = db_query(db, "SELECT stripe_customer_id FROM organizations WHERE id = $1", p, 1, &r);
    if (e != ERR_OK)
        return e;
    *found = db_res_rows(r) > 0;
    *customer_id = *found ? mem_strdup(a, db_res_text(r, 0, 0)) : NULL;
    db_res_free(r);
    return ERR_OK;
}

err_t org_repo_set_stripe_customer_if_unset(db_t *db, int64_t id, const char *customer_id, int64_t now_us,
                                            int64_t *affected)
{
    db_value_t p[] = {DB_V_TEXT(customer_id), DB_V_TIME(now_us), DB_V_INT(id)};
    return db_exec(db,
                   "UPDATE organizations SET stripe_customer_id = $1, updated_at = $2 "
                   "WHERE id = $3 AND stripe_customer_id IS NULL",
                   p, 3, affected);
}

err_t org_repo_find_by_stripe_customer(db_t *db, const char *customer_id, int64_t *id, bool *found)
{
    db_value_t p[] = {DB_V_TEXT(customer_id)};
    db_res_t *r = NULL;
    err_t e = db_query(db, "SELECT id FROM organizations WHERE stripe_customer_id = $1 ORDER BY id LIMIT 1", p, 1, &r);
    if (e != ERR_OK)
        return e;
    *found = db_res_rows(r) > 0;
    if (*found)
        *id = db_res_int(r, 0, 0);
    db_res_free(r);
    return ERR_OK;
}

err_t org_repo_set_subscription(db_t *db, int64_t id, const char *plan, const char *subscription_id, int64_t now_us)
{
    db_value_t p[] = {DB_V_TEXT(plan), DB_V_TEXT(subscription_id), DB_V_TIME(now_us), DB_V_INT(id)};
    int64_t n = 0;
    err_t e = db_exec(db,
                      "UPDATE organizations SET plan = $1, stripe_subscription_id = $2, updated_at = $3 "
                      "WHERE id = $4",
                      p, 4, &n);
    if (e != ERR_OK)
        return e;
    return n == 1 ? ERR_OK : ERR_NOT_FOUND;
}

err_t org_repo_credit_assessment(db_t *db, int64_t id, int64_t now_us, bool *found)
{
    db_value_t p[] = {DB_V_TIME(now_us), DB_V_INT(id)};
    int64_t n = 0;
    err_t e = db_exec(db,
                      "UPDATE organizations SET assessments_used = CASE WHEN COALESCE(assessments_used, 0) > 1 "
                      "THEN assessments_used - 1 ELSE 0 END, updated_at = $1 WHERE id = $2",
                      p, 2, &n);
    if (e != ERR_OK)
        return e;
    *found = n == 1;
    return ERR_OK;
}

err_t organizations_workable_get(db_t *db, mem_arena_t *a, int64_t id, organizations_workable_t *out)
{
    db_value_t p[] = {DB_V_INT(id)};
    db_res_t *r = NULL;
    err_t e = db_query(db,
                       "SELECT workable_connected, workable_subdomain, workable_access_token, workable_config "
                       "FROM organizations WHERE id = $1",
                       p, 1, &r);
    if (e != ERR_OK)
        return e;
    if (db_res_rows(r) < 1) {
        db_res_free(r);
        return ERR_NOT_FOUND;
    }
    memset(out, 0, sizeof *out);
    out->connected = db_res_bool(r, 0, 0);
    out->subdomain = mem_strdup(a, db_res_text(r, 0, 1));
    out->access_token = mem_strdup(a, db_res_text(r, 0, 2));
    out->config_json = mem_strdup(a, db_res_text(r, 0, 3));
    db_res_free(r);
    return ERR_OK;
}

err_t organizations_workable_find_by_subdomain(db_t *db, const char *subdomain, int64_t *id, bool *found)
{
    *found = false;
    if (!subdomain)
        return ERR_OK;
    db_value_t p[] = {DB_V_TEXT(subdomain)};
    db_res_t *r = NULL;
    err_t e = db_query(db, "SELECT id FROM organizations WHERE workable_subdomain = $1 ORDER BY id LIMIT 1", p, 1, &r);
    if (e != ERR_OK)
        return e;
    *found = db_res_rows(r) > 0;
    if (*found)
        *id = db_res_int(r, 0, 0);
    db_res_free(r);
    return ERR_OK;
}

err_t organizations_workable_connect(db_t *db, int64_t id, const char *access_token, const char *refresh_token,
                                     const char *subdomain)
{
    db_value_t p[] = {DB_V_TEXT(access_token), DB_V_TEXT(refresh_token), DB_V_TEXT(subdomain ? subdomain : ""),
                      DB_V_BOOL(true),         DB_V_TIME(db_now_us()),   DB_V_INT(id)};
    int64_t n = 0;
    err_t e = db_exec(db,
                      "UPDATE organizations SET workable_access_token = $1, workable_refresh_token = $2, "
                      "workable_subdomain = $3, workable_connected = $4, updated_at = $5 WHERE id = $6",
                      p, 6, &n);
    if (e != ERR_OK)
        return e;
    return n == 1 ? ERR_OK : ERR_NOT_FOUND;
}

err_t organizations_workable_set_config(db_t *db, int64_t id, const char *config_json)
{
    db_value_t p[] = {DB_V_JSON(config_json), DB_V_TIME(db_now_us()), DB_V_INT(id)};
    int64_t n = 0;
    err_t e = db_exec(db, "UPDATE organizations SET workable_config = $1, updated_at = $2 WHERE id = $3", p, 3, &n);
    if (e != ERR_OK)
        return e;
    return n == 1 ? ERR_OK : ERR_NOT_FOUND;
}

err_t organizations_access_get(db_t *db, mem_arena_t *a, int64_t id, organizations_access_t *out)
{
    db_value_t p[] = {DB_V_INT(id)};
    db_res_t *r = NULL;
    err_t e = db_query(db, "SELECT sso_enforced, allowed_email_domains FROM organizations WHERE id = $1", p, 1, &r);
    if (e != ERR_OK)
        return e;
    bool found = db_res_rows(r) > 0;
    if (found) {
        out->sso_enforced = db_res_bool(r, 0, 0);
        out->allowed_email_domains = db_res_isnull(r, 0, 1) ? NULL : mem_strdup(a, db_res_text(r, 0, 1));
    }
    db_res_free(r);
    return found ? ERR_OK : ERR_NOT_FOUND;
}

/* The candidate-proof switch (migration 011; organizations.h, D31). */
err_t organizations_candidate_proof_required(db_t *db, int64_t id, bool *set, bool *required)
{
    *set = false;
    *required = false;
    db_value_t p[] = {DB_V_INT(id)};
    db_res_t *r = NULL;
    err_t e = db_query(db, "SELECT require_candidate_proof FROM organizations WHERE id = $1", p, 1, &r);
    if (e == ERR_OK && db_res_rows(r) == 1 && !db_res_isnull(r, 0, 0)) {
        *set = true;
        *required = db_res_bool(r, 0, 0);
    }
    db_res_free(r);
    return e;
}

err_t org_repo_domain_lists(db_t *db, mem_arena_t *a, bool saml, org_domains_row_t **rows, size_t *n)
{
    db_value_t p[] = {DB_V_BOOL(true)};
    db_res_t *r = NULL;
    err_t e = db_query(db,
                       saml ? "SELECT id, allowed_email_domains FROM organizations WHERE saml_enabled = $1 ORDER BY id"
                            : "SELECT id, allowed_email_domains FROM organizations WHERE sso_enforced = $1 ORDER BY id",
                       p, 1, &r);
    if (e != ERR_OK)
        return e;
    int count = db_res_rows(r);
    org_domains_row_t *v = mem_alloc(a, (size_t)(count + 1) * sizeof *v);
    for (int i = 0; i < count; i++) {
        v[i].id = db_res_int(r, i, 0);
        v[i].domains = db_res_isnull(r, i, 1) ? NULL : mem_strdup(a, db_res_text(r, i, 1));
    }
    db_res_free(r);
    *rows = v;
    *n = (size_t)count;
    return ERR_OK;
}
