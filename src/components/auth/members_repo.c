/* SQL on `users` for member management (identity spec §1.5, §1.7).  Every
 * statement is parameterised; times are bound as µs.  A NULL is_active (a
 * February database allows it) reads as inactive, as auth's repo reads it. */
#include "components/auth/members_repo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
