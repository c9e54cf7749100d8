/* Declarations shared by the sharing component's own files: the service
 * functions api.c calls.  Every function returns ERR_OK with *out (a new
 * JSON reference), or an error with *detail (static text). */
#ifndef TALI_COMPONENTS_SHARING_INTERNAL_H
#define TALI_COMPONENTS_SHARING_INTERNAL_H

#include <jansson.h>

#include "components/auth/auth.h"
#include "components/sharing/sharing.h"

typedef struct {
    const char *mode;   /* recruiter | client | single-view */
    const char *expiry; /* 24h | 7d | 30d | single-view */
    bool has_view_role_id;
    int64_t view_role_id;
} sharing_link_in_t;

err_t sharing_svc_link_mint(db_t *db, mem_arena_t *a, const auth_user_t *u, int64_t application_id,
                            const sharing_link_in_t *in, json_t **out, const char **detail);
err_t sharing_svc_link_list(db_t *db, mem_arena_t *a, const auth_user_t *u, int64_t application_id,
                            bool has_view_role_id, int64_t view_role_id, json_t **out, const char **detail);
err_t sharing_svc_link_revoke(db_t *db, mem_arena_t *a, const auth_user_t *u, int64_t link_id, bool has_view_role_id,
                              int64_t view_role_id, json_t **out, const char **detail);
err_t sharing_svc_link_view(db_t *db, mem_arena_t *a, const char *token, json_t **out, const char **detail);

typedef struct {
    const int64_t *application_ids;
    size_t n;
    const char *title;   /* NULL: the role's name */
    const json_t *notes; /* {"<application id>": str} or NULL (borrowed) */
    const char *expires_in;
} sharing_pack_in_t;

err_t sharing_svc_pack_mint(db_t *db, mem_arena_t *a, const auth_user_t *u, int64_t role_id,
                            const sharing_pack_in_t *in, json_t **out, const char **detail);
err_t sharing_svc_pack_list(db_t *db, mem_arena_t *a, const auth_user_t *u, int64_t role_id, json_t **out,
                            const char **detail);
err_t sharing_svc_pack_revoke(db_t *db, mem_arena_t *a, const auth_user_t *u, int64_t pack_id, json_t **out,
                              const char **detail);
err_t sharing_svc_pack_view(db_t *db, mem_arena_t *a, const char *token, json_t **out, const char **detail);

err_t sharing_svc_report_view(db_t *db, mem_arena_t *a, const char *token, json_t **out, const char **detail);

#endif
