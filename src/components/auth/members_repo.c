/* SQL on `users` for member management (identity spec §1.5, §1.7).  Every
 * statement is parameterised; times are bound as µs.  A NULL is_active (a
 * February database allows it) reads as inactive, as auth's repo reads it. */
#include "components/auth/members_repo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define AUTH_MREPO_COLS                                                                                                \
    "id, email, full_name, is_active, is_email_verified, organization_id, created_at, is_superuser, role"

static void auth_mrepo_read(const db_res_t *r, int i, mem_arena_t *a, auth_user_t *u)
{
    memset(u, 0, sizeof *u);
    u->id = db_res_int(r, i, 0);
    u->email = mem_strdup(a, db_res_text(r, i, 1));
    u->full_name = mem_strdup(a, db_res_text(r, i, 2));
    u->is_active = db_res_bool(r, i, 3);
    u->is_email_verified = db_res_bool(r, i, 4);
    u->has_organization = !db_res_isnull(r, i, 5);
    u->organization_id = db_res_int(r, i, 5);
    u->has_created_at = !db_res_isnull(r, i, 6);
    u->created_at = db_res_time(r, i, 6);
    u->is_superuser = db_res_bool(r, i, 7);
    u->is_owner = !db_res_isnull(r, i, 8) && strcmp(db_res_text(r, i, 8), AUTH_ROLE_OWNER) == 0;
}

static err_t auth_mrepo_one(db_t *db, mem_arena_t *a, const char *sql, const db_value_t *p, int np, auth_user_t *u,
                            bool *found)
{
    db_res_t *r = NULL;
    err_t e = db_query(db, sql, p, np, &r);
    if (e != ERR_OK)
        return e;
    *found = db_res_rows(r) > 0;
    if (*found)
        auth_mrepo_read(r, 0, a, u);
    db_res_free(r);
    return ERR_OK;
}

err_t auth_mrepo_by_id(db_t *db, mem_arena_t *a, int64_t id, auth_user_t *u, bool *found)
{
    db_value_t p[] = {DB_V_INT(id)};
    return auth_mrepo_one(db, a, "SELECT " AUTH_MREPO_COLS " FROM users WHERE id = $1", p, 1, u, found);
}

err_t auth_mrepo_by_email(db_t *db, mem_arena_t *a, const char *email, auth_user_t *u, bool *found)
{
    db_value_t p[] = {DB_V_TEXT(email), DB_V_TEXT(email)};
    return auth_mrepo_one(db, a,
                          "SELECT " AUTH_MREPO_COLS " FROM users WHERE lower(email) = lower(CAST($1 AS TEXT)) "
                          "ORDER BY CASE WHEN email = $2 THEN 0 ELSE 1 END, id LIMIT 1",
                          p, 2, u, found);
}

err_t auth_mrepo_list_active(db_t *db, mem_arena_t *a, int64_t org_id, auth_user_t **users, size_t *n)
{
    db_value_t p[] = {DB_V_INT(org_id), DB_V_BOOL(true)};
    db_res_t *r = NULL;
    *users = NULL;
    *n = 0;
    err_t e = db_query(db,
                       "SELECT " AUTH_MREPO_COLS " FROM users WHERE organization_id = $1 AND is_active = $2 "
                       "ORDER BY created_at, id",
                       p, 2, &r);
    if (e != ERR_OK)
        return e;
    int rows = db_res_rows(r);
    if (rows > 0) {
        *users = mem_alloc(a, (size_t)rows * sizeof **users);
        for (int i = 0; i < rows; i++)
            auth_mrepo_read(r, i, a, &(*users)[i]);
        *n = (size_t)rows;
    }
    db_res_free(r);
    return ERR_OK;
}

err_t auth_mrepo_other_active_owner(db_t *db, int64_t org_id, int64_t excluding_id, bool *exists)
{
    db_value_t p[] = {DB_V_INT(org_id), DB_V_TEXT(AUTH_ROLE_OWNER), DB_V_BOOL(true)};
    char sql[256];
    snprintf(sql, sizeof sql, "SELECT id FROM users WHERE organization_id = $1 AND role = $2 AND is_active = $3%s",
             db_sql_for_update(db));
    db_res_t *r = NULL;
    err_t e = db_query(db, sql, p, 3, &r);
    if (e != ERR_OK)
        return e;
    *exists = false;
    for (int i = 0; i < db_res_rows(r); i++)
        if (db_res_int(r, i, 0) != excluding_id)
            *exists = true;
    db_res_free(r);
    return ERR_OK;
}

static err_t auth_mrepo_update_one(db_t *db, const char *sql, const db_value_t *p, int np)
{
    int64_t n = 0;
    err_t e = db_exec(db, sql, p, np, &n);
    if (e != ERR_OK)
        return e;
    return n == 1 ? ERR_OK : ERR_NOT_FOUND;
}

err_t auth_mrepo_set_active(db_t *db, int64_t id, bool active, int64_t now_us)
{
    db_value_t p[] = {DB_V_BOOL(active), DB_V_TIME(now_us), DB_V_INT(id)};
    return auth_mrepo_update_one(db, "UPDATE users SET is_active = $1, updated_at = $2 WHERE id = $3", p, 3);
}

err_t auth_mrepo_set_role(db_t *db, int64_t id, bool owner, int64_t now_us)
{
    db_value_t p[] = {DB_V_TEXT(owner ? AUTH_ROLE_OWNER : AUTH_ROLE_MEMBER), DB_V_TIME(now_us), DB_V_INT(id)};
    return auth_mrepo_update_one(db, "UPDATE users SET role = $1, updated_at = $2 WHERE id = $3", p, 3);
}

err_t auth_mrepo_restore(db_t *db, int64_t id, const char *full_name, int64_t now_us)
{
    db_value_t p[] = {DB_V_BOOL(true), DB_V_TEXT(AUTH_ROLE_MEMBER), DB_V_TEXT(full_name), DB_V_TIME(now_us),
                      DB_V_INT(id)};
    return auth_mrepo_update_one(db,
                                 "UPDATE users SET is_active = $1, role = $2, "
                                 "full_name = COALESCE(CAST($3 AS TEXT), full_name), updated_at = $4 WHERE id = $5",
                                 p, 5);
}

err_t auth_mrepo_accept(db_t *db, int64_t id, const char *hashed_password, int64_t now_us)
{
    db_value_t p[] = {DB_V_TEXT(hashed_password), DB_V_BOOL(true), DB_V_TIME(now_us), DB_V_INT(id)};
    return auth_mrepo_update_one(db,
                                 "UPDATE users SET hashed_password = $1, is_email_verified = $2, "
                                 "failed_login_attempts = 0, locked_until = NULL, password_changed_at = $3, "
                                 "updated_at = $3 WHERE id = $4",
                                 p, 4);
}

/* Appends "name = $k" to the SET list and binds v as parameter k. */
static void auth_mrepo_set(mem_buf_t *b, db_value_t *p, int *np, const char *name, db_value_t v)
{
    char piece[64];
    p[*np] = v;
    (*np)++;
    snprintf(piece, sizeof piece, "%s%s = $%d", b->len ? ", " : "", name, *np);
    mem_buf_puts(b, piece);
}

err_t auth_mrepo_update(db_t *db, int64_t id, const auth_member_patch_t *pt, bool unsafe, const char *hashed_password,
                        bool unverify, int64_t now_us)
{
    db_value_t p[12];
    int np = 0;
    mem_buf_t set = {0};
    auth_mrepo_set(&set, p, &np, "updated_at", DB_V_TIME(now_us));
    if (pt->has_email)
        auth_mrepo_set(&set, p, &np, "email", DB_V_TEXT(pt->email));
    if (pt->has_full_name)
        auth_mrepo_set(&set, p, &np, "full_name", DB_V_TEXT(pt->full_name));
    if (hashed_password) {
        auth_mrepo_set(&set, p, &np, "hashed_password", DB_V_TEXT(hashed_password));
        auth_mrepo_set(&set, p, &np, "password_changed_at", DB_V_TIME(now_us));
    }
    bool verified_set = unsafe && pt->has_is_verified;
    if (unverify && !verified_set)
        auth_mrepo_set(&set, p, &np, "is_email_verified", DB_V_BOOL(false));
    if (unsafe && pt->has_is_active)
        auth_mrepo_set(&set, p, &np, "is_active", DB_V_BOOL(pt->is_active));
    if (unsafe && pt->has_is_superuser)
        auth_mrepo_set(&set, p, &np, "is_superuser", DB_V_BOOL(pt->is_superuser));
    if (verified_set)
        auth_mrepo_set(&set, p, &np, "is_email_verified", DB_V_BOOL(pt->is_verified && !unverify));
    p[np] = DB_V_INT(id);
    np++;
    char *sql = mem_buf_take(&set);
    char *full = xasprintf("UPDATE users SET %s WHERE id = $%d", sql, np);
    free(sql);
    err_t e = auth_mrepo_update_one(db, full, p, np);
    free(full);
    return e;
}
