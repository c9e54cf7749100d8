/* sharing: the shareable reports of the hiring loop (spec
 * v2/hiring-loop.md §11).  The component owns `share_links`,
 * `submittal_packs` and `top_candidates_reports`, serves SH1-SH3, SP1-SP3
 * and the three public viewers (/share/{t}, /submittal/{t}, /report/{t}),
 * and reads applications, roles and assessments through their public
 * headers.
 *
 * Tokens are a kind prefix and 32 URL-safe characters of 24 random bytes
 * (192 bits).  Unlike the original, the database keeps only a SHA-256 of
 * each token this server mints (sharing_token_stored), so a copy of the
 * database opens no viewer; rows the original wrote (plain tokens) still
 * open theirs. */
#ifndef TALI_COMPONENTS_SHARING_H
#define TALI_COMPONENTS_SHARING_H

#include <stdbool.h>
#include <stdint.h>

#include "platform/db.h"
#include "platform/err.h"
#include "platform/http.h"
#include "platform/mem.h"

/* What the token column holds for token: "h1:" and the SHA-256 hex of it
 * (in arena a). */
const char *sharing_token_stored(mem_arena_t *a, const char *token);

/* Stores a top-candidates report (§11.4; the copilot's tool is its only
 * minter) for organisation org and returns its token in *token (arena a):
 * "rpt_" + 32 characters, valid for 30 days.  query and snapshot_json are
 * stored as given; the viewer scrubs them on every read. */
err_t sharing_report_mint(db_t *db, mem_arena_t *a, int64_t org, int64_t created_by, bool has_role, int64_t role_id,
                          const char *query, const char *snapshot_json, const char **token);

/* The applications component's delete cascade: removes the share links
 * of application_id on db, inside the caller's transaction. */
err_t sharing_forget_application(db_t *db, int64_t application_id);

/* Registers SH1-SH3, SP1-SP3 and the viewers on s. */
void sharing_register(http_server_t *s);

#endif
