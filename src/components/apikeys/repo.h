/* apikeys repo: every SQL statement on the `api_keys` table.  Only the
 * apikeys component's service layer includes this. */
#ifndef TALI_COMPONENTS_APIKEYS_REPO_H
#define TALI_COMPONENTS_APIKEYS_REPO_H

#include <stdbool.h>
#include <stdint.h>

#include "components/apikeys/apikeys.h"

/* The row apikeys_repo_insert writes. */
typedef struct {
    int64_t organization_id;
    int64_t created_by_user_id; /* <= 0: NULL */
    const char *name;
    const char *prefix;
    bool is_test;
    const char *hashed_secret; /* SHA-256 hex */
    const char *scopes_json;   /* a JSON array of strings */
    bool has_expires_at;
    int64_t expires_at;
    int64_t created_at;
} apikeys_row_t;

/* Inserts row; *out (arena a) is the stored key.  ERR_CONFLICT when the
 * hash is taken (the unique index); else the database error. */
err_t apikeys_repo_insert(db_t *db, mem_arena_t *a, const apikeys_row_t *row, apikeys_key_t *out);

/* The keys of org_id, newest created_at first (then highest id). */
err_t apikeys_repo_list(db_t *db, mem_arena_t *a, int64_t org_id, apikeys_key_t **keys, size_t *n);

/* Key id of org_id into *out; *found says whether there is one. */
err_t apikeys_repo_get(db_t *db, mem_arena_t *a, int64_t org_id, int64_t id, apikeys_key_t *out, bool *found);

/* The key whose hashed_secret is hash; *found says whether there is one. */
err_t apikeys_repo_by_hash(db_t *db, mem_arena_t *a, const char *hash, apikeys_key_t *out, bool *found);

/* revoked_at = now_us on key id of org_id where it is still NULL. */
err_t apikeys_repo_revoke(db_t *db, int64_t org_id, int64_t id, int64_t now_us);

/* last_used_at = now_us on key id. */
err_t apikeys_repo_touch(db_t *db, int64_t id, int64_t now_us);

#endif
