/* SQL on `organizations` (this component's table only). */
#include "components/organizations/repo.h"

#include <string.h>

#define ORG_COLS                                                                                                       \
    "id, name, slug, workable_connected, workable_subdomain, plan, assessments_used, assessments_limit, "              \
    "created_at"

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

err_t org_repo_update(db_t *db, int64_t id, const char *name, const char *workable_config_json, int64_t now_us)
{
    /* Only the columns given are set ("applied only when non-null", O2).
     * The statement is one of four fixed texts, parameters numbered in
     * order. */
    static const char *const sql[4] = {
        "UPDATE organizations SET updated_at = $1 WHERE id = $2",
        "UPDATE organizations SET name = $3, updated_at = $1 WHERE id = $2",
        "UPDATE organizations SET workable_config = $3, updated_at = $1 WHERE id = $2",
        "UPDATE organizations SET name = $3, workable_config = $4, updated_at = $1 WHERE id = $2",
    };
    db_value_t p[4] = {DB_V_TIME(now_us), DB_V_INT(id)};
    int np = 2, which = 0;
    if (name) {
        p[np++] = DB_V_TEXT(name);
        which |= 1;
    }
    if (workable_config_json) {
        p[np++] = DB_V_JSON(workable_config_json);
        which |= 2;
    }
    int64_t n = 0;
    err_t e = db_exec(db, sql[which], p, np, &n);
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
