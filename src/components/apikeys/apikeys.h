/* apikeys: an organisation's API keys (table `api_keys`, identity spec
 * §1.7 I22-I24, §4.2): minting with the secret shown once, listing and
 * revoking, and the key check of §1.8 that machine-to-machine routes
 * (/public/v1, later) start with.
 *
 * A secret is "tali_live_" or "tali_test_" followed by 43 URL-safe
 * characters (32 random bytes); only its SHA-256 (lower-case hex) is
 * stored, under a unique index, and a key is found by that hash.  Other
 * components reach keys only through this header. */
#ifndef TALI_COMPONENTS_APIKEYS_H
#define TALI_COMPONENTS_APIKEYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "platform/db.h"
#include "platform/err.h"
#include "platform/http.h"
#include "platform/mem.h"

#define APIKEYS_LIVE_LABEL "tali_live_"
#define APIKEYS_TEST_LABEL "tali_test_"
/* The stored display prefix: the label and the first 6 random characters. */
#define APIKEYS_PREFIX_LEN 16

/* The scopes a key may carry (§1.7 I22), sorted as available_scopes
 * lists them; NULL-terminated. */
extern const char *const apikeys_scopes[];
/* The read-only scopes a key minted without a scope list carries, in order;
 * NULL-terminated. */
extern const char *const apikeys_default_scopes[];

/* A key as the API shows it.  Strings and the scope array are owned by
 * the arena given to the call that produced it. */
typedef struct {
    int64_t id;
    int64_t organization_id;
    const char *name;
    const char *prefix;
    bool is_test;
    const char **scopes; /* nscopes entries */
    size_t nscopes;
    bool has_last_used_at, has_expires_at, has_revoked_at, has_created_at;
    int64_t last_used_at, expires_at, revoked_at, created_at; /* µs since the epoch, UTC */
} apikeys_key_t;

/* What apikeys_mint stores. */
typedef struct {
    int64_t organization_id;
    int64_t created_by_user_id; /* <= 0: NULL */
    const char *name;
    bool scopes_given;   /* false: apikeys_default_scopes */
    const char **scopes; /* nscopes entries, when scopes_given (an empty list is kept empty) */
    size_t nscopes;
    bool is_test;
    bool has_expires_at;
    int64_t expires_at; /* not checked against now: a past date is stored (§1.7 quirk kept) */
} apikeys_new_t;

/* Mints a key: checks the scopes (duplicates dropped, first order kept),
 * draws the secret and stores the row with its hash.  *out (arena a) is
 * the stored key and *secret (arena a) the whole secret, the only time
 * it exists outside the caller.  ERR_BAD_REQUEST with *detail "Unknown
 * API key scope: <scope>" for a scope outside apikeys_scopes; ERR_INTERNAL
 * when no randomness can be had; else the database error. */
err_t apikeys_mint(db_t *db, mem_arena_t *a, const apikeys_new_t *in, apikeys_key_t *out, const char **secret,
                   const char **detail);

/* Every key of organisation org_id, revoked ones included, newest
 * created_at first.  *keys (arena a) gets the array, *n its length. */
err_t apikeys_list(db_t *db, mem_arena_t *a, int64_t org_id, apikeys_key_t **keys, size_t *n);

/* Revokes key id of organisation org_id: revoked_at = now unless it is
 * already set (idempotent).  *out (arena a) is the key afterwards.
 * ERR_NOT_FOUND when no key id belongs to org_id (another organisation's
 * key stays as it is); else the database error. */
err_t apikeys_revoke(db_t *db, mem_arena_t *a, int64_t org_id, int64_t id, apikeys_key_t *out);

/* The presented token of §1.8: the credentials of "Authorization: Bearer
 * <token>" (scheme any case, split at the first space as Starlette does)
 * when that header has them, else X-API-Key when non-empty, else NULL.
 * A Bearer JWT therefore wins over a valid X-API-Key (a quirk kept).
 * Either argument may be NULL.  Returns a pointer into the arguments. */
const char *apikeys_token_from(const char *authorization, const char *x_api_key);

/* The key check of §1.8 at time now_us:
 *  - token NULL or without a tali_live_/tali_test_ label → ERR_UNAUTHORIZED,
 *    *detail "Missing or malformed API key";
 *  - no key with its SHA-256, revoked, or expires_at <= now →
 *    ERR_UNAUTHORIZED, "Invalid, revoked, or expired API key";
 *  - scope non-NULL and not among the key's → ERR_FORBIDDEN,
 *    "API key missing required scope: <scope>";
 * else ERR_OK with *out the key (arena a).  A live key's last_used_at is
 * rewritten when it is unset or more than 60 s old, so at most once a
 * minute (a failed rewrite is logged and does not refuse the key).
 * A failed read returns the database error. */
err_t apikeys_authenticate(db_t *db, mem_arena_t *a, const char *token, const char *scope, int64_t now_us,
                           apikeys_key_t *out, const char **detail);

/* apikeys_authenticate for a request: the token from its Authorization or
 * X-API-Key header, its database connection and arena, the current time.
 * ERR_UNAVAILABLE with "Database unavailable" when no connection can be
 * had. */
err_t apikeys_authenticate_req(http_req_t *req, const char *scope, apikeys_key_t *out, const char **detail);

/* Registers I22 GET, I23 POST /api/v1/api-keys and I24 DELETE
 * /api/v1/api-keys/{key_id} (owners only). */
void apikeys_register(http_server_t *s);

#endif
