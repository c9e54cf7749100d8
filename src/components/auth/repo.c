/* SQL on `users` (auth's table only).  Every statement is parameterised;
 * times are bound as µs and stored by the db layer in each dialect's
 * format. */
#include "components/auth/repo.h"

#include <string.h>

/* Only the public part, for lists. */
#define AUTH_PUBLIC_COLS                                                                                               \
    "id, email, full_name, is_active, is_email_verified, organization_id, created_at, is_superuser, role"

#define AUTH_PUBLIC_NCOLS 9

#define AUTH_COLS                                                                                                      \
    AUTH_PUBLIC_COLS ", hashed_password, email_verification_token, email_verification_sent_at, "                       \
                     "password_reset_token, password_reset_expires, password_changed_at, failed_login_attempts, "      \
                     "locked_until"

static void auth_repo_read_public(const db_res_t *r, int i, mem_arena_t *a, auth_user_t *u)
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
    u->is_superuser = !db_res_isnull(r, i, 7) && db_res_bool(r, i, 7);
    u->is_owner = !db_res_isnull(r, i, 8) && strcmp(db_res_text(r, i, 8), AUTH_ROLE_OWNER) == 0;
}

static void auth_repo_read_row(const db_res_t *r, int i, mem_arena_t *a, auth_row_t *row)
{
    memset(row, 0, sizeof *row);
    auth_repo_read_public(r, i, a, &row->user);
    int c = AUTH_PUBLIC_NCOLS;
    row->hashed_password = mem_strdup(a, db_res_text(r, i, c));
    row->verification_token = mem_strdup(a, db_res_text(r, i, c + 1));
    row->has_verification_sent_at = !db_res_isnull(r, i, c + 2);
    row->verification_sent_at = db_res_time(r, i, c + 2);
    row->reset_token = mem_strdup(a, db_res_text(r, i, c + 3));
    row->has_reset_expires = !db_res_isnull(r, i, c + 4);
    row->reset_expires = db_res_time(r, i, c + 4);
    row->has_password_changed_at = !db_res_isnull(r, i, c + 5);
    row->password_changed_at = db_res_time(r, i, c + 5);
    row->failed_login_attempts = db_res_int(r, i, c + 6);
    row->has_locked_until = !db_res_isnull(r, i, c + 7);
    row->locked_until = db_res_time(r, i, c + 7);
}

/* Runs a query expected to give zero or one row of AUTH_COLS. */
static err_t auth_repo_one(db_t *db, mem_arena_t *a, const char *sql, const db_value_t *p, int np, auth_row_t *row,
                           bool *found)
{
    db_res_t *r = NULL;
    err_t e = db_query(db, sql, p, np, &r);
    if (e != ERR_OK)
        return e;
    *found = db_res_rows(r) > 0;
    if (*found)
        auth_repo_read_row(r, 0, a, row);
    db_res_free(r);
    return ERR_OK;
}

err_t auth_repo_by_id(db_t *db, mem_arena_t *a, int64_t id, auth_row_t *row, bool *found)
{
    db_value_t p[] = {DB_V_INT(id)};
    return auth_repo_one(db, a, "SELECT " AUTH_COLS " FROM users WHERE id = $1", p, 1, row, found);
}

err_t auth_repo_by_email(db_t *db, mem_arena_t *a, const char *email, auth_row_t *row, bool *found)
{
    /* lower() on both sides so the comparison folds case the same way
     * whatever the dialect's lower() covers; the CAST gives PostgreSQL a
     * type for the parameter. */
    db_value_t p[] = {DB_V_TEXT(email), DB_V_TEXT(email)};
    return auth_repo_one(db, a,
                         "SELECT " AUTH_COLS " FROM users WHERE lower(email) = lower(CAST($1 AS TEXT)) "
                         "ORDER BY CASE WHEN email = $2 THEN 0 ELSE 1 END, id LIMIT 1",
                         p, 2, row, found);
}

err_t auth_repo_by_verification_token(db_t *db, mem_arena_t *a, const char *token, auth_row_t *row, bool *found)
{
    db_value_t p[] = {DB_V_TEXT(token), DB_V_BOOL(false)};
    return auth_repo_one(db, a,
                         "SELECT " AUTH_COLS " FROM users WHERE email_verification_token = $1 "
                         "AND is_email_verified = $2 ORDER BY id LIMIT 1",
                         p, 2, row, found);
}

err_t auth_repo_by_reset_token(db_t *db, mem_arena_t *a, const char *token, auth_row_t *row, bool *found)
{
    db_value_t p[] = {DB_V_TEXT(token)};
    return auth_repo_one(db, a, "SELECT " AUTH_COLS " FROM users WHERE password_reset_token = $1 ORDER BY id LIMIT 1",
                         p, 1, row, found);
}

err_t auth_repo_email_taken(db_t *db, const char *email, bool *taken)
{
    db_value_t p[] = {DB_V_TEXT(email)};
    db_res_t *r = NULL;
    err_t e = db_query(db, "SELECT 1 FROM users WHERE lower(email) = lower(CAST($1 AS TEXT)) LIMIT 1", p, 1, &r);
    if (e != ERR_OK)
        return e;
    *taken = db_res_rows(r) > 0;
    db_res_free(r);
    return ERR_OK;
}

/* Every row of a query over AUTH_PUBLIC_COLS, into *users (arena a). */
static err_t auth_repo_list(db_t *db, mem_arena_t *a, const char *sql, const db_value_t *p, int np, auth_user_t **users,
                            size_t *n)
{
    db_res_t *r = NULL;
    *users = NULL;
    *n = 0;
    err_t e = db_query(db, sql, p, np, &r);
    if (e != ERR_OK)
        return e;
    int rows = db_res_rows(r);
    if (rows > 0) {
        *users = mem_alloc(a, (size_t)rows * sizeof **users);
        for (int i = 0; i < rows; i++)
            auth_repo_read_public(r, i, a, &(*users)[i]);
        *n = (size_t)rows;
    }
    db_res_free(r);
    return ERR_OK;
}

err_t auth_repo_list_org(db_t *db, mem_arena_t *a, int64_t org_id, auth_user_t **users, size_t *n)
{
    db_value_t p[] = {DB_V_INT(org_id)};
    return auth_repo_list(db, a, "SELECT " AUTH_PUBLIC_COLS " FROM users WHERE organization_id = $1 ORDER BY id", p, 1,
                          users, n);
}

err_t auth_repo_list_active(db_t *db, mem_arena_t *a, int64_t org_id, auth_user_t **users, size_t *n)
{
    db_value_t p[] = {DB_V_INT(org_id), DB_V_BOOL(true)};
    return auth_repo_list(db, a,
                          "SELECT " AUTH_PUBLIC_COLS " FROM users WHERE organization_id = $1 AND is_active = $2 "
                          "ORDER BY created_at, id",
                          p, 2, users, n);
}

err_t auth_repo_first_email_of_org(db_t *db, mem_arena_t *a, int64_t org_id, const char **email, bool *found)
{
    db_value_t p[] = {DB_V_INT(org_id)};
    db_res_t *r = NULL;
    err_t e = db_query(db, "SELECT email FROM users WHERE organization_id = $1 ORDER BY id LIMIT 1", p, 1, &r);
    if (e != ERR_OK)
        return e;
    *found = db_res_rows(r) > 0 && !db_res_isnull(r, 0, 0);
    if (*found)
        *email = mem_strdup(a, db_res_text(r, 0, 0));
    db_res_free(r);
    return ERR_OK;
}

err_t auth_repo_insert(db_t *db, mem_arena_t *a, const char *email, const char *hashed_password, const char *full_name,
                       bool has_org, int64_t org_id, bool owner, const char *verification_token, int64_t now_us,
                       auth_user_t *out)
{
    db_value_t p[] = {
        DB_V_TEXT(email),
        DB_V_TEXT(hashed_password),
        DB_V_TEXT(full_name),
        DB_V_BOOL(true),
        DB_V_BOOL(false),
        has_org ? DB_V_INT(org_id) : DB_V_NULL,
        DB_V_BOOL(false),
        DB_V_TEXT(verification_token),
        verification_token ? DB_V_TIME(now_us) : DB_V_NULL,
        DB_V_TIME(now_us),
        DB_V_TEXT(owner ? AUTH_ROLE_OWNER : AUTH_ROLE_MEMBER),
    };
    db_res_t *r = NULL;
    err_t e = db_query(db,
                       "INSERT INTO users (email, hashed_password, full_name, is_active, is_superuser, "
                       "organization_id, is_email_verified, email_verification_token, email_verification_sent_at, "
                       "created_at, role) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
                       p, 11, &r);
    if (e != ERR_OK)
        return e;
    if (db_res_rows(r) != 1) {
        db_res_free(r);
        return ERR_INTERNAL;
    }
    memset(out, 0, sizeof *out);
    out->id = db_res_int(r, 0, 0);
    db_res_free(r);
    out->email = mem_strdup(a, email);
    out->full_name = mem_strdup(a, full_name);
    out->is_active = true;
    out->is_email_verified = false;
    out->has_organization = has_org;
    out->organization_id = has_org ? org_id : 0;
    out->has_created_at = true;
    out->created_at = now_us;
    out->is_owner = owner;
    return ERR_OK;
}

/* Runs an UPDATE of one row by id. */
static err_t auth_repo_update(db_t *db, const char *sql, const db_value_t *p, int np)
{
    int64_t n = 0;
    err_t e = db_exec(db, sql, p, np, &n);
    if (e != ERR_OK)
        return e;
    return n == 1 ? ERR_OK : ERR_NOT_FOUND;
}

err_t auth_repo_mark_verified(db_t *db, int64_t id, int64_t now_us)
{
    db_value_t p[] = {DB_V_BOOL(true), DB_V_TIME(now_us), DB_V_INT(id)};
    return auth_repo_update(db,
                            "UPDATE users SET is_email_verified = $1, email_verification_token = NULL, "
                            "updated_at = $2 WHERE id = $3",
                            p, 3);
}

err_t auth_repo_set_verification(db_t *db, int64_t id, const char *token, int64_t now_us)
{
    db_value_t p[] = {DB_V_TEXT(token), DB_V_TIME(now_us), DB_V_INT(id)};
    return auth_repo_update(db,
                            "UPDATE users SET email_verification_token = $1, email_verification_sent_at = $2, "
                            "updated_at = $2 WHERE id = $3",
                            p, 3);
}

err_t auth_repo_set_reset(db_t *db, int64_t id, const char *token, int64_t expires_us, int64_t now_us)
{
    db_value_t p[] = {DB_V_TEXT(token), DB_V_TIME(expires_us), DB_V_TIME(now_us), DB_V_INT(id)};
    return auth_repo_update(db,
                            "UPDATE users SET password_reset_token = $1, password_reset_expires = $2, "
                            "updated_at = $3 WHERE id = $4",
                            p, 4);
}

err_t auth_repo_set_password(db_t *db, int64_t id, const char *hashed_password, int64_t now_us)
{
    db_value_t p[] = {DB_V_TEXT(hashed_password), DB_V_TIME(now_us), DB_V_INT(id)};
    return auth_repo_update(db,
                            "UPDATE users SET hashed_password = $1, password_reset_token = NULL, "
                            "password_reset_expires = NULL, password_changed_at = $2, updated_at = $2, "
                            "failed_login_attempts = 0, locked_until = NULL "
                            "WHERE id = $3",
                            p, 3);
}

err_t auth_repo_login_failed(db_t *db, int64_t id, int64_t now_us, int threshold, int64_t lock_until_us,
                             int64_t *attempts)
{
    /* One statement, so concurrent failures all count.  The right-hand
     * sides read the row as it was: a lock that has run out starts the
     * count again at 1; otherwise the count goes up and the attempt that
     * reaches the threshold sets the lock. */
    db_value_t p[] = {DB_V_TIME(now_us), DB_V_INT(threshold), DB_V_TIME(lock_until_us), DB_V_INT(id)};
    db_res_t *r = NULL;
    err_t e = db_query(db,
                       "UPDATE users SET "
                       "failed_login_attempts = CASE WHEN locked_until IS NOT NULL AND locked_until <= $1 THEN 1 "
                       "ELSE failed_login_attempts + 1 END, "
                       "locked_until = CASE WHEN locked_until IS NOT NULL AND locked_until <= $1 THEN NULL "
                       "WHEN failed_login_attempts + 1 >= $2 THEN $3 ELSE locked_until END "
                       "WHERE id = $4 RETURNING failed_login_attempts",
                       p, 4, &r);
    if (e != ERR_OK)
        return e;
    bool found = db_res_rows(r) > 0;
    *attempts = found ? db_res_int(r, 0, 0) : 0;
    db_res_free(r);
    return found ? ERR_OK : ERR_NOT_FOUND;
}

err_t auth_repo_login_succeeded(db_t *db, int64_t id)
{
    db_value_t p[] = {DB_V_INT(id)};
    return auth_repo_update(db, "UPDATE users SET failed_login_attempts = 0, locked_until = NULL WHERE id = $1", p, 1);
}

err_t auth_repo_insert_event(db_t *db, const auth_event_row_t *ev, int64_t now_us)
{
    db_value_t p[] = {
        DB_V_TEXT(ev->type),
        ev->user_id > 0 ? DB_V_INT(ev->user_id) : DB_V_NULL,
        ev->actor_id > 0 ? DB_V_INT(ev->actor_id) : DB_V_NULL,
        ev->org_id > 0 ? DB_V_INT(ev->org_id) : DB_V_NULL,
        DB_V_TEXT(ev->email),
        DB_V_TEXT(ev->ip),
        DB_V_TEXT(ev->user_agent),
        DB_V_JSON(ev->metadata),
        DB_V_TIME(now_us),
    };
    return db_exec(db,
                   "INSERT INTO auth_events (event_type, user_id, actor_user_id, organization_id, email, ip_address, "
                   "user_agent, event_metadata, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                   p, 9, NULL);
}
