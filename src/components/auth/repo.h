/* auth repo: every SQL statement on the `users` table.  Only the auth
 * component's own files include this. */
#ifndef TALI_COMPONENTS_AUTH_REPO_H
#define TALI_COMPONENTS_AUTH_REPO_H

#include <stdbool.h>
#include <stdint.h>

#include "components/auth/auth.h"
#include "platform/db.h"
#include "platform/mem.h"

/* A users row with the secrets the service needs.  Strings live in the
 * arena given to the read. */
typedef struct {
    auth_user_t user;
    const char *hashed_password;
    const char *verification_token; /* NULL when none */
    bool has_verification_sent_at;
    int64_t verification_sent_at;
    const char *reset_token; /* NULL when none */
    bool has_reset_expires;
    int64_t reset_expires;
    bool has_password_changed_at;
    int64_t password_changed_at;
    int64_t failed_login_attempts; /* consecutive failed logins */
    bool has_locked_until;
    int64_t locked_until; /* logins refused before this */
} auth_row_t;

/* Reads: *found says whether a row matched; *row is written only then. */
err_t auth_repo_by_id(db_t *db, mem_arena_t *a, int64_t id, auth_row_t *row, bool *found);
/* Case-insensitive; when several rows match, the exact spelling wins, then
 * the oldest. */
err_t auth_repo_by_email(db_t *db, mem_arena_t *a, const char *email, auth_row_t *row, bool *found);
/* The unverified user holding this verification token. */
err_t auth_repo_by_verification_token(db_t *db, mem_arena_t *a, const char *token, auth_row_t *row, bool *found);
err_t auth_repo_by_reset_token(db_t *db, mem_arena_t *a, const char *token, auth_row_t *row, bool *found);

err_t auth_repo_email_taken(db_t *db, const char *email, bool *taken);
err_t auth_repo_list_org(db_t *db, mem_arena_t *a, int64_t org_id, auth_user_t **users, size_t *n);

/* Active users of org_id, oldest created_at first (I20). */
err_t auth_repo_list_active(db_t *db, mem_arena_t *a, int64_t org_id, auth_user_t **users, size_t *n);
err_t auth_repo_first_email_of_org(db_t *db, mem_arena_t *a, int64_t org_id, const char **email, bool *found);

/* Inserts a user; *out receives the stored row's public part. */
err_t auth_repo_insert(db_t *db, mem_arena_t *a, const char *email, const char *hashed_password, const char *full_name,
                       bool has_org, int64_t org_id, bool owner, const char *verification_token, int64_t now_us,
                       auth_user_t *out);

/* Writes; each touches exactly one row by id (ERR_NOT_FOUND when none). */
err_t auth_repo_mark_verified(db_t *db, int64_t id, int64_t now_us);
err_t auth_repo_set_verification(db_t *db, int64_t id, const char *token, int64_t now_us);
err_t auth_repo_set_reset(db_t *db, int64_t id, const char *token, int64_t expires_us, int64_t now_us);
err_t auth_repo_set_password(db_t *db, int64_t id, const char *hashed_password, int64_t now_us);

/* The login lockout (identity spec §1.4).  A failed login: the count
 * restarts at 1 when a lock has run out, else grows by one, and the lock
 * is set to lock_until_us when the count reaches threshold; *attempts
 * receives the new count.  One statement.  ERR_NOT_FOUND without the row. */
err_t auth_repo_login_failed(db_t *db, int64_t id, int64_t now_us, int threshold, int64_t lock_until_us,
                             int64_t *attempts);
/* A successful login: count 0, no lock. */
err_t auth_repo_login_succeeded(db_t *db, int64_t id);

/* One auth_events row (identity spec §4.3); ids <= 0 are stored as NULL. */
typedef struct {
    const char *type;
    int64_t user_id, actor_id, org_id;
    const char *email, *ip, *user_agent;
    const char *metadata; /* JSON text or NULL */
} auth_event_row_t;

err_t auth_repo_insert_event(db_t *db, const auth_event_row_t *ev, int64_t now_us);

#endif
