/* workable oauth state: the signed, one-use `state` of today's Workable
 * connection flow (spec v2 D23; identity spec §2.9): O3 mints it, O4
 * consumes it.  Only this component's files include this header. */
#ifndef TALI_COMPONENTS_WORKABLE_OAUTH_STATE_H
#define TALI_COMPONENTS_WORKABLE_OAUTH_STATE_H

#include <stdbool.h>
#include <stdint.h>

#include "platform/db.h"
#include "platform/err.h"
#include "platform/mem.h"

/* The state's lifetime, as at HEAD. */
#define WORKABLE_STATE_TTL_S 600

/* A state for user_id in organisation org_id: a JWT (HS256 with secret,
 * audience "workable-oauth", 10 minutes) holding a fresh nonce, whose
 * receipt replaces the pair's previous one in workable_oauth_states.
 * *state in arena a.  Returns the database error. */
err_t workable_state_mint(db_t *db, mem_arena_t *a, const char *secret, int64_t user_id, int64_t org_id,
                          const char **state);

/* Checks state for user_id in org_id (signature, audience, expiry,
 * purpose, nonce shape, the user and workspace it was minted for) and
 * deletes its receipt.  ERR_BAD_REQUEST when it is not valid, expired,
 * or already used; else the database error or ERR_OK. */
err_t workable_state_consume(db_t *db, const char *secret, const char *state, int64_t user_id, int64_t org_id);

/* ---- scopes ---- */

/* Parses O3's `scopes` query (comma- or white-space-separated): the
 * known tokens (r_jobs, r_candidates, w_candidates) de-duplicated in
 * order into *tokens (arena a, NULL-terminated, *n of them).  NULL with
 * the 400 text when it holds no token, an unknown one, or lacks r_jobs or
 * r_candidates. */
const char *workable_scopes_parse(mem_arena_t *a, const char *raw, const char ***tokens, size_t *n);

/* The scope tokens a token answer granted (its `scope`, read leniently:
 * unknown and repeated tokens dropped), or fallback when none is left. */
size_t workable_scopes_granted(mem_arena_t *a, const char *raw, const char **fallback, size_t nfallback,
                               const char ***tokens);

/* ---- the receipts table (oauth_repo.c) ---- */

/* Stores (replaces) the receipt of key. Also deletes expired receipts. */
err_t workable_repo_put_receipt(db_t *db, const char *key, const char *hash, int64_t expires_us, int64_t now_us);

/* Deletes key's receipt when it holds hash and has not expired: *used
 * says whether one did. */
err_t workable_repo_take_receipt(db_t *db, const char *key, const char *hash, int64_t now_us, bool *used);

#endif
