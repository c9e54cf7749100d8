/* The Workable columns of `organizations` (workable_subdomain,
 * workable_access_token, workable_refresh_token, workable_connected,
 * workable_config), for the integrations/workable component: reading a
 * connection, storing one after the OAuth exchange, and finding the
 * organisation a webhook event belongs to.  SQL on this component's
 * table only. */
#include <string.h>

#include "components/organizations/organizations.h"

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
    err_t e = db_query(db, "SELECT id FROM organizations WHERE workable_subdomain = $1 ORDER BY id LIMIT 1", p, 1,
                       &r);
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
                      DB_V_BOOL(true), DB_V_TIME(db_now_us()), DB_V_INT(id)};
    int64_t n = 0;
    err_t e = db_exec(db,
                      "UPDATE organizations SET workable_access_token = $1, workable_refresh_token = $2, "
                      "workable_subdomain = $3, workable_connected = $4, updated_at = $5 WHERE id = $6",
                      p, 6, &n);
    if (e != ERR_OK)
        return e;
    return n == 1 ? ERR_OK : ERR_NOT_FOUND;
}
