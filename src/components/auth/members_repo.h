/* auth members repo: the SQL on `users` that member management needs
 * (identity spec §1.5, §1.7 I9, I12-I21).  Only members.c includes this. */
#ifndef TALI_COMPONENTS_AUTH_MEMBERS_REPO_H
#define TALI_COMPONENTS_AUTH_MEMBERS_REPO_H

#include <stdbool.h>
#include <stdint.h>

#include "components/auth/auth.h"
#include "platform/db.h"
#include "platform/mem.h"

/* Whether org_id has an active owner other than excluding_id; the active
 * owner rows are locked (FOR UPDATE) on PostgreSQL. */
err_t auth_mrepo_other_active_owner(db_t *db, int64_t org_id, int64_t excluding_id, bool *exists);

/* Writes of one row by id (ERR_NOT_FOUND when none). */
err_t auth_mrepo_set_active(db_t *db, int64_t id, bool active, int64_t now_us);
err_t auth_mrepo_set_role(db_t *db, int64_t id, bool owner, int64_t now_us);
/* is_active, role member, and full_name when not NULL. */
err_t auth_mrepo_restore(db_t *db, int64_t id, const char *full_name, int64_t now_us);
/* The invite accepted: hash, verified, lockout cleared, password_changed_at. */
err_t auth_mrepo_accept(db_t *db, int64_t id, const char *hashed_password, int64_t now_us);
/* The fields of p that are set (hashed_password replaces p->password;
 * NULL = no password change).  Flags only when unsafe. */
err_t auth_mrepo_update(db_t *db, int64_t id, const auth_member_patch_t *p, bool unsafe, const char *hashed_password,
                        bool unverify, int64_t now_us);

#endif
