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

#endif
