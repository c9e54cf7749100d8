/* SQL on `api_keys` (this component's table only). */
#include "components/apikeys/repo.h"

#include <jansson.h>
#include <string.h>

#define APIKEYS_COLS                                                                                                   \
    "id, organization_id, name, prefix, is_test, scopes, last_used_at, expires_at, revoked_at, created_at"

/* The scopes column (a JSON array) into arena-owned strings; anything
 * that is not a list of strings reads as no scopes. */
static void apikeys_repo_scopes(mem_arena_t *a, const char *text, apikeys_key_t *k)
{
    k->scopes = NULL;
    k->nscopes = 0;
    json_t *arr = text ? json_loads(text, JSON_DECODE_ANY, NULL) : NULL;
    if (json_is_array(arr) && json_array_size(arr) > 0) {
        k->scopes = mem_alloc(a, json_array_size(arr) * sizeof *k->scopes);
        size_t i;
        json_t *s;
        json_array_foreach(arr, i, s) if (json_is_string(s)) k->scopes[k->nscopes++] =
            mem_strdup(a, json_string_value(s));
    }
    json_decref(arr);
}

static void apikeys_repo_time(const db_res_t *r, int row, int col, bool *has, int64_t *v)
{
    *has = !db_res_isnull(r, row, col);
    *v = *has ? db_res_time(r, row, col) : 0;
}

/* Row `row` of a result selecting APIKEYS_COLS into *k. */
static void apikeys_repo_read(mem_arena_t *a, const db_res_t *r, int row, apikeys_key_t *k)
{
    memset(k, 0, sizeof *k);
    k->id = db_res_int(r, row, 0);
    k->organization_id = db_res_int(r, row, 1);
    k->name = mem_strdup(a, db_res_text(r, row, 2) ? db_res_text(r, row, 2) : "");
    k->prefix = mem_strdup(a, db_res_text(r, row, 3) ? db_res_text(r, row, 3) : "");
    k->is_test = db_res_bool(r, row, 4);
    apikeys_repo_scopes(a, db_res_text(r, row, 5), k);
    apikeys_repo_time(r, row, 6, &k->has_last_used_at, &k->last_used_at);
    apikeys_repo_time(r, row, 7, &k->has_expires_at, &k->expires_at);
    apikeys_repo_time(r, row, 8, &k->has_revoked_at, &k->revoked_at);
    apikeys_repo_time(r, row, 9, &k->has_created_at, &k->created_at);
}

/* One row or none of a query selecting APIKEYS_COLS. */
static err_t apikeys_repo_one(db_t *db, mem_arena_t *a, const char *sql, const db_value_t *p, int np,
                              apikeys_key_t *out, bool *found)
{
    db_res_t *r = NULL;
    err_t e = db_query(db, sql, p, np, &r);
    if (e != ERR_OK)
        return e;
    *found = db_res_rows(r) > 0;
    if (*found)
        apikeys_repo_read(a, r, 0, out);
    db_res_free(r);
    return ERR_OK;
}

err_t apikeys_repo_insert(db_t *db, mem_arena_t *a, const apikeys_row_t *row, apikeys_key_t *out)
{
    db_value_t p[] = {
        DB_V_INT(row->organization_id), row->created_by_user_id > 0 ? DB_V_INT(row->created_by_user_id) : DB_V_NULL,
        DB_V_TEXT(row->name),           DB_V_TEXT(row->prefix),
        DB_V_BOOL(row->is_test),        DB_V_TEXT(row->hashed_secret),
        DB_V_JSON(row->scopes_json),    row->has_expires_at ? DB_V_TIME(row->expires_at) : DB_V_NULL,
        DB_V_TIME(row->created_at)};
    bool found = false;
    err_t e = apikeys_repo_one(db, a,
                               "INSERT INTO api_keys (organization_id, created_by_user_id, name, prefix, is_test, "
                               "hashed_secret, scopes, expires_at, created_at) "
                               "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING " APIKEYS_COLS,
                               p, 9, out, &found);
    if (e == ERR_OK && !found)
        return ERR_INTERNAL;
    return e;
}

err_t apikeys_repo_list(db_t *db, mem_arena_t *a, int64_t org_id, apikeys_key_t **keys, size_t *n)
{
    db_value_t p[] = {DB_V_INT(org_id)};
    db_res_t *r = NULL;
    err_t e = db_query(db,
                       "SELECT " APIKEYS_COLS " FROM api_keys WHERE organization_id = $1 "
                       "ORDER BY created_at DESC, id DESC",
                       p, 1, &r);
    if (e != ERR_OK)
        return e;
    int rows = db_res_rows(r);
    *keys = rows > 0 ? mem_alloc(a, (size_t)rows * sizeof **keys) : NULL;
    for (int i = 0; i < rows; i++)
        apikeys_repo_read(a, r, i, &(*keys)[i]);
    *n = (size_t)rows;
    db_res_free(r);
    return ERR_OK;
}

err_t apikeys_repo_get(db_t *db, mem_arena_t *a, int64_t org_id, int64_t id, apikeys_key_t *out, bool *found)
{
    db_value_t p[] = {DB_V_INT(id), DB_V_INT(org_id)};
    return apikeys_repo_one(db, a, "SELECT " APIKEYS_COLS " FROM api_keys WHERE id = $1 AND organization_id = $2", p, 2,
                            out, found);
}

err_t apikeys_repo_by_hash(db_t *db, mem_arena_t *a, const char *hash, apikeys_key_t *out, bool *found)
{
    db_value_t p[] = {DB_V_TEXT(hash)};
    return apikeys_repo_one(db, a, "SELECT " APIKEYS_COLS " FROM api_keys WHERE hashed_secret = $1", p, 1, out, found);
}

err_t apikeys_repo_revoke(db_t *db, int64_t org_id, int64_t id, int64_t now_us)
{
    db_value_t p[] = {DB_V_TIME(now_us), DB_V_INT(id), DB_V_INT(org_id)};
    return db_exec(db,
                   "UPDATE api_keys SET revoked_at = $1 WHERE id = $2 AND organization_id = $3 "
                   "AND revoked_at IS NULL",
                   p, 3, NULL);
}

err_t apikeys_repo_touch(db_t *db, int64_t id, int64_t now_us)
{
    db_value_t p[] = {DB_V_TIME(now_us), DB_V_INT(id)};
    return db_exec(db, "UPDATE api_keys SET last_used_at = $1 WHERE id = $2", p, 2, NULL);
}
