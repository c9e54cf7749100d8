/* SQL on `share_links`, `submittal_packs` and `top_candidates_reports`
 * (this component's tables only).  Token columns hold what
 * sharing_token_stored() gives: a hash, or, on rows the original wrote,
 * the token itself. */
#ifndef TALI_COMPONENTS_SHARING_REPO_H
#define TALI_COMPONENTS_SHARING_REPO_H

#include <stdbool.h>
#include <stdint.h>

#include "platform/db.h"
#include "platform/mem.h"

typedef struct {
    int64_t id, organization_id, application_id;
    bool has_view_role_id;
    int64_t view_role_id;
    const char *token; /* the stored column value */
    const char *mode;
    const char *expiry_preset; /* NULL when none */
    int64_t expires_at;
    bool has_revoked_at;
    int64_t revoked_at;
    int64_t view_count;
    bool has_last_viewed_at;
    int64_t last_viewed_at;
    bool has_created_at;
    int64_t created_at;
} sharing_link_t;

typedef struct {
    int64_t id, organization_id, role_id;
    const char *token;
    const char *title;
    const char *snapshot; /* JSON text */
    bool has_expires_at;
    int64_t expires_at;
    bool has_revoked_at;
    int64_t revoked_at;
    int64_t view_count;
    bool has_last_viewed_at;
    int64_t last_viewed_at;
    bool has_created_at;
    int64_t created_at;
} sharing_pack_t;

typedef struct {
    int64_t id;
    const char *token;
    const char *query;
    const char *snapshot;
    bool has_expires_at;
    int64_t expires_at;
    bool has_revoked_at;
    bool has_created_at;
    int64_t created_at;
} sharing_report_t;

/* ---- share links ---- */
err_t sharing_repo_link_insert(db_t *db, mem_arena_t *a, const sharing_link_t *in, int64_t created_by,
                               sharing_link_t *out);
/* Links of (org, application) whose view_role_id equals view_role_id (has
 * false: only links without one), newest first. */
err_t sharing_repo_link_list(db_t *db, mem_arena_t *a, int64_t org, int64_t application_id, bool has_view_role,
                             int64_t view_role_id, sharing_link_t **out, size_t *n);
err_t sharing_repo_link_get(db_t *db, mem_arena_t *a, int64_t org, int64_t id, sharing_link_t *out, bool *found);
/* The link whose token column is stored or plain (plain NULL: none). */
err_t sharing_repo_link_by_token(db_t *db, mem_arena_t *a, const char *stored, const char *plain, bool lock,
                                 sharing_link_t *out, bool *found);
err_t sharing_repo_link_revoke(db_t *db, int64_t id, int64_t now_us);
err_t sharing_repo_link_viewed(db_t *db, int64_t id, int64_t now_us);

/* ---- submittal packs ---- */
err_t sharing_repo_pack_insert(db_t *db, mem_arena_t *a, const sharing_pack_t *in, int64_t created_by,
                               sharing_pack_t *out);
err_t sharing_repo_pack_list(db_t *db, mem_arena_t *a, int64_t org, int64_t role_id, sharing_pack_t **out, size_t *n);
err_t sharing_repo_pack_get(db_t *db, mem_arena_t *a, int64_t org, int64_t id, sharing_pack_t *out, bool *found);
err_t sharing_repo_pack_by_token(db_t *db, mem_arena_t *a, const char *stored, const char *plain, bool lock,
                                 sharing_pack_t *out, bool *found);
err_t sharing_repo_pack_revoke(db_t *db, int64_t id, int64_t now_us);
err_t sharing_repo_pack_viewed(db_t *db, int64_t id, int64_t now_us);

/* ---- top-candidates reports ---- */
err_t sharing_repo_report_insert(db_t *db, int64_t org, int64_t created_by, bool has_role, int64_t role_id,
                                 const char *stored_token, const char *query, const char *snapshot, int64_t expires_at,
                                 int64_t now_us);
err_t sharing_repo_report_by_token(db_t *db, mem_arena_t *a, const char *stored, const char *plain, bool lock,
                                   sharing_report_t *out, bool *found);
err_t sharing_repo_report_viewed(db_t *db, int64_t id, int64_t now_us);

/* Deletes the share links of an application (its delete cascade). */
err_t sharing_repo_forget_application(db_t *db, int64_t application_id);

#endif
