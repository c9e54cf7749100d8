/* auth members: the users-table side of team management (identity spec
 * §1.5, §1.7 I9, I12-I21) for the team component, which owns the routes.
 * The owner guard and the write it protects share one transaction, with
 * the organisation's active owner rows locked on PostgreSQL. */
#include <stdlib.h>
#include <string.h>

#include "components/auth/internal.h"
#include "components/auth/members_repo.h"
#include "components/auth/repo.h"
#include "platform/log.h"
#include "platform/security.h"

/* ---- JSON ---- */

static json_t *auth_member_time(const auth_user_t *u)
{
    char buf[40];
    return u->has_created_at ? json_string(db_format_time(u->created_at, "Z", buf)) : json_null();
}

static json_t *auth_member_org(const auth_user_t *u)
{
    return u->has_organization ? json_integer((json_int_t)u->organization_id) : json_null();
}

static json_t *auth_member_name(const auth_user_t *u)
{
    return u->full_name ? json_string(u->full_name) : json_null();
}

json_t *auth_user_read_json(const auth_user_t *u)
{
    json_t *j = json_object();
    json_object_set_new(j, "id", json_integer((json_int_t)u->id));
    json_object_set_new(j, "email", json_string(u->email ? u->email : ""));
    json_object_set_new(j, "is_active", json_boolean(u->is_active));
    json_object_set_new(j, "is_superuser", json_boolean(u->is_superuser));
    json_object_set_new(j, "is_verified", json_boolean(u->is_email_verified));
    json_object_set_new(j, "full_name", auth_member_name(u));
    json_object_set_new(j, "organization_id", auth_member_org(u));
    json_object_set_new(j, "role", json_string(u->is_owner ? AUTH_ROLE_OWNER : AUTH_ROLE_MEMBER));
    json_object_set_new(j, "created_at", auth_member_time(u));
    return j;
}

json_t *auth_user_response_json(const auth_user_t *u, bool with_email_sent, bool email_sent)
{
    json_t *j = json_object();
    json_object_set_new(j, "id", json_integer((json_int_t)u->id));
    json_object_set_new(j, "email", json_string(u->email ? u->email : ""));
    json_object_set_new(j, "full_name", auth_member_name(u));
    json_object_set_new(j, "is_active", json_boolean(u->is_active));
    json_object_set_new(j, "is_email_verified", json_boolean(u->is_email_verified));
    json_object_set_new(j, "is_verified", json_boolean(u->is_email_verified));
    json_object_set_new(j, "organization_id", auth_member_org(u));
    json_object_set_new(j, "role", json_string(u->is_owner ? AUTH_ROLE_OWNER : AUTH_ROLE_MEMBER));
    json_object_set_new(j, "created_at", auth_member_time(u));
    if (with_email_sent)
        json_object_set_new(j, "email_sent", json_boolean(email_sent));
    /* pending status is derived, never stored (§1.5) */
    json_object_set_new(j, "status", json_string(u->is_email_verified || u->is_owner ? "active" : "invited"));
    return j;
}

/* ---- reads ---- */

/* The public part of the user with id: *found, *u written only then. */
static err_t auth_member_by_id(db_t *db, mem_arena_t *a, int64_t id, auth_user_t *u, bool *found)
{
    auth_row_t row;
    err_t e = auth_repo_by_id(db, a, id, &row, found);
    if (e == ERR_OK && *found)
        *u = row.user;
    return e;
}

err_t auth_member_get(db_t *db, mem_arena_t *a, int64_t id, auth_user_t *out)
{
    bool found = false;
    err_t e = auth_member_by_id(db, a, id, out, &found);
    if (e != ERR_OK)
        return e;
    return found ? ERR_OK : ERR_NOT_FOUND;
}

err_t auth_member_list_active(db_t *db, mem_arena_t *a, int64_t org_id, auth_user_t **users, size_t *n)
{
    return auth_repo_list_active(db, a, org_id, users, n);
}

err_t auth_member_find_email(db_t *db, mem_arena_t *a, const char *email, auth_user_t *out, bool *found)
{
    auth_row_t row;
    err_t e = auth_repo_by_email(db, a, email, &row, found);
    if (e == ERR_OK && *found)
        *out = row.user;
    return e;
}

/* ---- guarded writes ---- */

/* Inside an open transaction: member id of org_id into *u (ERR_NOT_FOUND
 * when it is not in org_id). */
static err_t auth_member_guard(db_t *db, mem_arena_t *a, int64_t org_id, int64_t id, auth_user_t *u)
{
    bool found = false;
    err_t e = auth_member_by_id(db, a, id, u, &found);
    if (e != ERR_OK)
        return e;
    if (!found || !u->has_organization || u->organization_id != org_id)
        return ERR_NOT_FOUND;
    return ERR_OK;
}

/* ERR_CONFLICT unless org_id keeps an active owner other than id. */
static err_t auth_member_owner_left(db_t *db, int64_t org_id, int64_t id)
{
    bool other = false;
    err_t e = auth_mrepo_other_active_owner(db, org_id, id, &other);
    if (e != ERR_OK)
        return e;
    return other ? ERR_OK : ERR_CONFLICT;
}

/* Ends a transaction: commit on success, else roll back; returns e or the
 * commit's error. */
static err_t auth_member_finish(db_t *db, err_t e)
{
    if (e == ERR_OK)
        e = db_commit(db);
    if (e != ERR_OK)
        db_rollback(db);
    return e;
}

err_t auth_member_remove(db_t *db, int64_t org_id, int64_t id)
{
    mem_arena_t *a = mem_arena_new();
    auth_user_t u;
    err_t e = db_begin(db);
    if (e != ERR_OK) {
        mem_arena_free(a);
        return e;
    }
    e = auth_member_guard(db, a, org_id, id, &u);
    if (e == ERR_OK && u.is_owner)
        e = auth_member_owner_left(db, org_id, id);
    if (e == ERR_OK)
        e = auth_mrepo_set_active(db, id, false, db_now_us());
    mem_arena_free(a);
    return auth_member_finish(db, e);
}

err_t auth_member_set_role(db_t *db, int64_t org_id, int64_t id, bool owner)
{
    mem_arena_t *a = mem_arena_new();
    auth_user_t u;
    err_t e = db_begin(db);
    if (e != ERR_OK) {
        mem_arena_free(a);
        return e;
    }
    e = auth_member_guard(db, a, org_id, id, &u);
    bool change = e == ERR_OK && u.is_owner != owner;
    if (change && u.is_owner)
        e = auth_member_owner_left(db, org_id, id);
    if (change && e == ERR_OK)
        e = auth_mrepo_set_role(db, id, owner, db_now_us());
    mem_arena_free(a);
    return auth_member_finish(db, e);
}

err_t auth_member_restore(db_t *db, int64_t id, const char *full_name)
{
    return auth_mrepo_restore(db, id, full_name, db_now_us());
}

err_t auth_member_accept(db_t *db, int64_t id, const char *password, int64_t now_us)
{
    char *hash = sec_password_hash(password);
    if (!hash) {
        log_error(AUTH_LOGGER, "bcrypt is not available");
        return ERR_INTERNAL;
    }
    err_t e = auth_mrepo_accept(db, id, hash, now_us);
    free(hash);
    return e;
}

/* ---- profile PATCH ---- */

err_t auth_member_update(db_t *db, mem_arena_t *a, int64_t id, const auth_member_patch_t *p, bool unsafe,
                         auth_user_t *out, const char **detail)
{
    *detail = NULL;
    err_t e = auth_member_get(db, a, id, out);
    if (e != ERR_OK)
        return e;
    bool new_email = p->has_email && strcmp(p->email, out->email) != 0;
    if (new_email) {
        /* case-insensitive, so a change of case only finds the user itself
         * and is refused, as the original does (§1.7 I13) */
        auth_user_t holder;
        bool taken = false;
        if ((e = auth_member_find_email(db, a, p->email, &holder, &taken)) != ERR_OK)
            return e;
        if (taken) {
            *detail = "UPDATE_USER_EMAIL_ALREADY_EXISTS";
            return ERR_BAD_REQUEST;
        }
    }
    char *hash = NULL;
    if (p->has_password && p->password) {
        const char *reason = auth_password_policy(p->password, out->email);
        if (reason) {
            *detail = reason;
            return ERR_VALIDATION;
        }
        if (!(hash = sec_password_hash(p->password))) {
            log_error(AUTH_LOGGER, "bcrypt is not available");
            return ERR_INTERNAL;
        }
    }
    auth_member_patch_t q = *p;
    q.has_email = new_email;
    e = auth_mrepo_update(db, id, &q, unsafe, hash, new_email, db_now_us());
    free(hash);
    if (e == ERR_CONFLICT) {
        *detail = "UPDATE_USER_EMAIL_ALREADY_EXISTS";
        return ERR_BAD_REQUEST;
    }
    if (e != ERR_OK)
        return e;
    return auth_member_get(db, a, id, out);
}
