/* auth: recruiter accounts (table `users`): registration, e-mail
 * verification, login with JWTs, password reset (api-contract A1-A7), and
 * the bearer-token check every recruiter endpoint starts with (§1.4).
 *
 * Other components reach users only through this header: they never name
 * the `users` table.  Policy fix 5 applies throughout: e-mail addresses are
 * matched case-insensitively (login normalises the name as registration
 * does), an inactive user's correct login gets 403 {"detail":"Account is
 * disabled"} (a wrong password still gets the 401), and a password reset
 * stores users.password_changed_at and voids every token issued before it
 * (401 "Invalid or expired token"; tokens without iat, as the original
 * issued them, count as issued at exp - ACCESS_TOKEN_EXPIRE_MINUTES; the
 * comparison has one-second granularity). */
#ifndef TALI_COMPONENTS_AUTH_H
#define TALI_COMPONENTS_AUTH_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "platform/api.h"
#include "platform/db.h"
#include "platform/err.h"
#include "platform/http.h"
#include "platform/mem.h"

/* Creates the organisation a registration names (A1 with a non-empty
 * organization_name), on db as it is (inside the registration's
 * transaction); *id receives its id.  Returns the database error, if any. */
typedef err_t (*auth_org_create_fn)(db_t *db, const char *name, int64_t *id);

/* Installs the organisation creator A1 calls.  Auth knows no organisation
 * component: main hands it organizations_create once at start-up, before
 * any request is served (not thread-safe).  Until one is installed, a
 * registration that names an organisation fails with ERR_INTERNAL. */
void auth_set_org_creator(auth_org_create_fn fn);

/* A recruiter as other components see it.  Strings are owned by whatever
 * arena the call that produced the struct was given. */
typedef struct {
    int64_t id;
    const char *email;
    const char *full_name; /* NULL when unset */
    bool is_active;
    bool is_email_verified;
    bool has_organization; /* false: organization_id is NULL */
    int64_t organization_id;
    bool has_created_at;
    int64_t created_at; /* µs since the epoch, UTC */
    bool is_superuser;  /* users.is_superuser (only ever set in the database) */
    bool is_owner;      /* users.role = 'owner' (identity spec §1.5); else 'member' */
} auth_user_t;

/* users.role values (identity spec §1.5). */
#define AUTH_ROLE_OWNER "owner"
#define AUTH_ROLE_MEMBER "member"

/* The organisation SSO policy (spec v2 D14): *enforced when password
 * sign-in is forbidden for email; holder is the user with that address
 * (NULL when none).  Returns the database error. */
typedef err_t (*auth_sso_policy_fn)(db_t *db, mem_arena_t *a, const char *email, const auth_user_t *holder,
                                    bool *enforced);

/* Installs the policy A4/I1 login and A6/I7 forgot-password check first:
 * an address it forbids gets 403 "Organization enforces SSO. Use
 * enterprise sign-in.".  As auth_set_org_creator: main installs
 * organizations_sso_enforced once at start-up; until then nothing is
 * forbidden. */
void auth_set_sso_policy(auth_sso_policy_fn fn);

/* The recruiter-JWT check, the route table's recruiter resolver
 * (api_set_recruiter_resolver).  The token's shape picks the ladder (spec
 * v2 D3/D4):
 *  - a token naming an audience (today's original): audience
 *    "fastapi-users:auth", sub a user id string; every failure, an
 *    inactive user and a token older than the last password change
 *    included, is 401 "Unauthorized";
 *  - else the February ladder of api-contract §1.4: 401 "Not
 *    authenticated" (no Bearer header), 401 "Invalid or expired token"
 *    (bad or expired JWT, or one issued before the user's last password
 *    reset), 401 "Invalid token payload" (no user_id claim), 404 "User not
 *    found", 400 "Inactive user" (its 401s add WWW-Authenticate: Bearer).
 * Then the role need asks for (§1.5): API_AUTH_OWNER → 403 "Only a
 * workspace owner can do this", API_AUTH_SUPERUSER → 403 "Forbidden".
 * ERR_OK with *principal the user (an auth_user_t owned by req->arena,
 * also stored in req->principal), or the error with *detail. */
err_t auth_resolve(http_req_t *req, api_auth_t need, const void **principal, const char **detail);

/* The User object of api-contract §2.1 ({id, email, full_name, is_active,
 * is_email_verified, organization_id, created_at} in that order, datetimes
 * RFC 3339 UTC with "Z").  Returns a new reference. */
json_t *auth_user_json(const auth_user_t *u);

/* The e-mail of the organisation's first user (lowest id), copied into
 * arena a.  ERR_NOT_FOUND when the organisation has no user; otherwise
 * the database error. */
err_t auth_first_user_email_of_org(db_t *db, mem_arena_t *a, int64_t org_id, const char **email);

/* *exists = whether some user holds email, compared case-insensitively.
 * Returns the database error, if any. */
err_t auth_user_exists_email(db_t *db, const char *email, bool *exists);

/* Every user of an organisation, oldest first.  *users (arena a) receives
 * the array and *n its length (0 and NULL for none). */
err_t auth_list_org_users(db_t *db, mem_arena_t *a, int64_t org_id, auth_user_t **users, size_t *n);

/* What auth_create_user stores. */
typedef struct {
    const char *email;     /* already normalised (validate.h) */
    const char *password;  /* plain text; NULL = a random password nobody knows */
    const char *full_name; /* may be NULL */
    bool has_organization;
    int64_t organization_id;
    bool owner;                     /* role 'owner' (else 'member') */
    const char *verification_token; /* NULL = none (invited users) */
} auth_new_user_t;

/* Inserts an active, unverified user on db as it is (so inside the
 * caller's transaction when there is one).  *out (strings in arena a)
 * receives the stored user.  ERR_CONFLICT when the e-mail is taken
 * (exactly; callers check case-insensitively with auth_user_exists_email
 * first); ERR_INTERNAL when bcrypt is unavailable; else the database
 * error. */
err_t auth_create_user(db_t *db, mem_arena_t *a, const auth_new_user_t *in, auth_user_t *out);

/* An access token in today's format (identity spec §1.2): claims sub =
 * the user id as a string, aud = ["fastapi-users:auth"], iat, exp (now +
 * ACCESS_TOKEN_EXPIRE_MINUTES), HS256 with SECRET_KEY.  *token is in arena
 * a.  ERR_INTERNAL when it cannot be signed. */
err_t auth_issue_token_v2(mem_arena_t *a, const auth_user_t *u, const char **token);

/* One row of the auth_events audit trail (identity spec §1.6), written on
 * db as it is.  Best effort: a failed insert is logged and swallowed.
 * user_id/actor_id/org_id <= 0 are stored as NULL; email is trimmed,
 * lower-cased and cut to 320 characters; req (may be NULL) gives the
 * address (64) and User-Agent (512); metadata (borrowed, may be NULL) is
 * stored as JSON. */
void auth_event(db_t *db, http_req_t *req, const char *type, int64_t user_id, int64_t actor_id, int64_t org_id,
                const char *email, const json_t *metadata);

/* Registers A1-A7 and A5 (/api/v1/auth/...) on s. */
void auth_register(http_server_t *s);

/* ---- members: what the team component needs from users (members.c) ----
 * Identity spec §1.5, §1.7 I9, I12-I21.  users.is_email_verified is what
 * today's original calls is_verified (D36: the February column name is
 * kept). */

/* Today's password policy (identity spec §1.3), rules in order, the first
 * failure wins: fewer than 8 code points; more than 72 UTF-8 bytes; the
 * password, stripped and lower-cased, is a common one (the original's list
 * of 195); the e-mail's local part (lower-cased, 3 characters or more) is
 * in the lower-cased password or contains it.  NULL when password is
 * acceptable, else the reason (a static string).  email may be NULL. */
const char *auth_password_policy(const char *password, const char *email);

/* UserRead of identity spec §1.7 (I12-I15): {id, email, is_active,
 * is_superuser, is_verified, full_name, organization_id, role,
 * created_at}.  Returns a new reference. */
json_t *auth_user_read_json(const auth_user_t *u);

/* UserResponse of identity spec §1.7 (I17, I20; D15, D19): B's User plus
 * is_verified, role and the derived status ("active" when verified or an
 * owner, else "invited"), in the original's order.  With_email_sent adds
 * TeamInviteResponse's email_sent just before status.  New reference. */
json_t *auth_user_response_json(const auth_user_t *u, bool with_email_sent, bool email_sent);

/* User id (any organisation) into *out (arena a).  ERR_NOT_FOUND when
 * there is none; otherwise the database error. */
err_t auth_member_get(db_t *db, mem_arena_t *a, int64_t id, auth_user_t *out);

/* The ACTIVE users of organisation org_id, oldest created_at first (I20).
 * *users (arena a) and *n as auth_list_org_users. */
err_t auth_member_list_active(db_t *db, mem_arena_t *a, int64_t org_id, auth_user_t **users, size_t *n);

/* The user whose e-mail equals email case-insensitively (the exact
 * spelling first, then the oldest): *found says whether there is one,
 * *out (arena a) is written only then.  Returns the database error. */
err_t auth_member_find_email(db_t *db, mem_arena_t *a, const char *email, auth_user_t *out, bool *found);

/* Soft-removes member id of organisation org_id (I16): is_active = false,
 * in one transaction that first locks the organisation's active owners,
 * so two concurrent removals cannot leave it without one.  ERR_CONFLICT
 * when the member is an owner and no other active owner exists;
 * ERR_NOT_FOUND when id is not in org_id; else the database error. */
err_t auth_member_remove(db_t *db, int64_t org_id, int64_t id);

/* Sets member id's role (I17) with the same owner guard as
 * auth_member_remove (ERR_CONFLICT when an owner would be demoted with no
 * other active owner).  A role it already has changes nothing. */
err_t auth_member_set_role(db_t *db, int64_t org_id, int64_t id, bool owner);

/* Restores a removed member on db as it is (I21): is_active = true, role
 * member, and full_name replaced when not NULL.  ERR_NOT_FOUND without
 * the row. */
err_t auth_member_restore(db_t *db, int64_t id, const char *full_name);

/* Accepts an invite (I9): a bcrypt hash of password, verified, the
 * lockout cleared and password_changed_at stamped (now_us).  ERR_INTERNAL
 * when bcrypt is unavailable; ERR_NOT_FOUND without the row. */
err_t auth_member_accept(db_t *db, int64_t id, const char *password, int64_t now_us);

/* A PATCH of /users/me or /users/{id} (I13, I15): only fields whose has_
 * flag is set are applied.  Flags are applied only when unsafe is true
 * (I15, the superuser route). */
typedef struct {
    bool has_email, has_full_name, has_password;
    const char *email;     /* normalised */
    const char *full_name; /* NULL: set to NULL */
    const char *password;  /* NULL: no change (the key was null) */
    bool has_is_active, has_is_superuser, has_is_verified;
    bool is_active, is_superuser, is_verified;
} auth_member_patch_t;

/* Applies p to user id and reads it back into *out (arena a).  A new
 * e-mail that differs from the current one (exactly) and is taken
 * (case-insensitively) → ERR_BAD_REQUEST "UPDATE_USER_EMAIL_ALREADY_EXISTS"
 * in *detail; a new e-mail un-verifies the user.  A password failing
 * auth_password_policy → ERR_VALIDATION with the reason in *detail; a
 * non-null password is stored as bcrypt and stamps password_changed_at
 * (which ends the user's older sessions).  ERR_NOT_FOUND without the row;
 * else the database error. */
err_t auth_member_update(db_t *db, mem_arena_t *a, int64_t id, const auth_member_patch_t *p, bool unsafe,
                         auth_user_t *out, const char **detail);

#endif
