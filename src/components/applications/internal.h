/* What the files of the applications component share: the application
 * row (one typed column table, so repo, service and schema agree on it),
 * the event row, the service operations and the JSON writers.  Only this
 * component's files include it. */
#ifndef TALI_COMPONENTS_APPLICATIONS_INTERNAL_H
#define TALI_COMPONENTS_APPLICATIONS_INTERNAL_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "components/applications/applications.h"
#include "components/auth/auth.h"
#include "components/candidates/candidates.h"
#include "components/roles/roles.h"
#include "platform/db.h"
#include "platform/jsonw.h"
#include "platform/mem.h"
#include "platform/api.h"
#include "platform/validate.h"

typedef enum { APP_T_INT, APP_T_REAL, APP_T_TEXT, APP_T_TIME, APP_T_BOOL, APP_T_JSON } app_type_t;

/* The columns of candidate_applications the component reads, in SELECT
 * order: X(enum suffix, column, type). */
#define APP_COLUMNS(X)                                                                                                 \
    X(ID, "id", INT)                                                                                                   \
    X(ORG, "organization_id", INT)                                                                                     \
    X(CANDIDATE, "candidate_id", INT)                                                                                  \
    X(ROLE, "role_id", INT)                                                                                            \
    X(STATUS, "status", TEXT)                                                                                          \
    X(STAGE, "pipeline_stage", TEXT)                                                                                   \
    X(STAGE_AT, "pipeline_stage_updated_at", TIME)                                                                     \
    X(STAGE_SOURCE, "pipeline_stage_source", TEXT)                                                                     \
    X(OUTCOME, "application_outcome", TEXT)                                                                            \
    X(OUTCOME_AT, "application_outcome_updated_at", TIME)                                                              \
    X(EXTERNAL_REFS, "external_refs", JSON)                                                                            \
    X(SYNC_STATE, "integration_sync_state", JSON)                                                                      \
    X(EXT_RAW, "external_stage_raw", TEXT)                                                                             \
    X(EXT_NORM, "external_stage_normalized", TEXT)                                                                     \
    X(VERSION, "version", INT)                                                                                         \
    X(NOTES, "notes", TEXT)                                                                                            \
    X(MANUAL_DECISION, "manual_decision", JSON)                                                                        \
    X(CV_FILENAME, "cv_filename", TEXT)                                                                                \
    X(CV_UPLOADED_AT, "cv_uploaded_at", TIME)                                                                          \
    X(HAS_CV_TEXT, "(cv_text IS NOT NULL AND cv_text <> '')", BOOL)                                                    \
    X(CV_MATCH_SCORE, "cv_match_score", REAL)                                                                          \
    X(CV_MATCH_DETAILS, "cv_match_details", JSON)                                                                      \
    X(CV_MATCH_SCORED_AT, "cv_match_scored_at", TIME)                                                                  \
    X(SOURCE, "source", TEXT)                                                                                          \
    X(WK_CANDIDATE, "workable_candidate_id", TEXT)                                                                     \
    X(WK_STAGE, "workable_stage", TEXT)                                                                                \
    X(WK_SCORE_RAW, "workable_score_raw", REAL)                                                                        \
    X(WK_SCORE, "workable_score", REAL)                                                                                \
    X(WK_SCORE_SOURCE, "workable_score_source", TEXT)                                                                  \
    X(WK_DISQUALIFIED, "workable_disqualified", BOOL)                                                                  \
    X(WK_DISQUALIFIED_AT, "workable_disqualified_at", TIME)                                                            \
    X(WK_SOURCED, "workable_sourced", BOOL)                                                                            \
    X(WK_PROFILE_URL, "workable_profile_url", TEXT)                                                                    \
    X(RANK_SCORE, "rank_score", REAL)                                                                                  \
    X(WK_CREATED_AT, "workable_created_at", TIME)                                                                      \
    X(PRE_SCREEN, "pre_screen_score_100", REAL)                                                                        \
    X(REQ_FIT, "requirements_fit_score_100", REAL)                                                                     \
    X(PRE_SCREEN_REC, "pre_screen_recommendation", TEXT)                                                               \
    X(PRE_SCREEN_EVIDENCE, "pre_screen_evidence", JSON)                                                                \
    X(PRE_SCREEN_RUN_AT, "pre_screen_run_at", TIME)                                                                    \
    X(AUTO_REJECT_STATE, "auto_reject_state", TEXT)                                                                    \
    X(AUTO_REJECT_REASON, "auto_reject_reason", TEXT)                                                                  \
    X(AUTO_REJECT_AT, "auto_reject_triggered_at", TIME)                                                                \
    X(SCREENING_PACK, "screening_pack", JSON)                                                                          \
    X(TECH_PACK, "tech_interview_pack", JSON)                                                                          \
    X(SCREENING_SUMMARY, "screening_interview_summary", JSON)                                                          \
    X(TECH_SUMMARY, "tech_interview_summary", JSON)                                                                    \
    X(EVIDENCE_SUMMARY, "interview_evidence_summary", JSON)                                                            \
    X(TAALI_CACHE, "taali_score_cache_100", REAL)                                                                      \
    X(ASSESSMENT_CACHE, "assessment_score_cache_100", REAL)                                                            \
    X(ROLE_FIT_CACHE, "role_fit_score_cache_100", REAL)                                                                \
    X(SCORE_MODE_CACHE, "score_mode_cache", TEXT)                                                                      \
    X(SCORE_CACHED_AT, "score_cached_at", TIME)                                                                        \
    X(CREATED_AT, "created_at", TIME)                                                                                  \
    X(UPDATED_AT, "updated_at", TIME)                                                                                  \
    X(DELETED_AT, "deleted_at", TIME)                                                                                  \
    X(CV_SECTIONS, "cv_sections", JSON)                                                                                \
    X(WK_COMMENTS, "workable_comments", JSON)                                                                          \
    X(WK_ANSWERS, "workable_answers", JSON)                                                                            \
    X(WK_ACTIVITIES, "workable_activities", JSON)

#define APP_ENUM(name, col, type) APP_##name,
typedef enum { APP_COLUMNS(APP_ENUM) APP_NCOLS } app_col_t;
#undef APP_ENUM

typedef struct {
    bool null;
    int64_t i;     /* INT, TIME (µs), BOOL */
    double d;      /* REAL */
    const char *s; /* TEXT, JSON (text) */
} app_val_t;

/* One application row (strings in the arena that read it). */
typedef struct {
    app_val_t v[APP_NCOLS];
    const char *cv_text; /* only when read with cv text */
} app_t;

static inline int64_t app_int(const app_t *a, app_col_t c)
{
    return a->v[c].i;
}
static inline const char *app_str(const app_t *a, app_col_t c)
{
    return a->v[c].null ? NULL : a->v[c].s;
}

/* An event to append (§7.1); NULL strings are SQL NULL. */
typedef struct {
    int64_t application_id;
    int64_t organization_id;
    int64_t role_id;
    const char *event_type;
    const char *from_stage, *to_stage, *from_outcome, *to_outcome;
    const char *actor_type; /* recruiter | system | sync | agent */
    int64_t actor_id;       /* 0: none */
    const char *reason;
    json_t *metadata; /* borrowed; NULL or empty: SQL NULL */
    const char *idempotency_key;
} app_event_t;

/* A stored event (EV1 / EV2). */
typedef struct {
    int64_t id, application_id, organization_id;
    bool has_role_id, has_agent_decision_id, has_actor_id;
    int64_t role_id, agent_decision_id, actor_id;
    const char *event_type, *from_stage, *to_stage, *from_outcome, *to_outcome, *actor_type, *reason;
    const char *target_stage, *effect_status, *metadata, *idempotency_key;
    int64_t created_at;
} app_event_row_t;

/* A response row: the application, its person and its role's name. */
typedef struct {
    const app_t *app;
    candidates_card_t card;
    const char *role_name;
} app_view_t;

/* The person and role name of app into *v (reads.c).  Returns the
 * database error. */
err_t app_view_of(db_t *db, mem_arena_t *a, const app_t *app, bool with_cv_text, app_view_t *v);
/* The live application id of org (§1.6) into *app and *view; lock: FOR
 * UPDATE; with_deleted: soft-deleted rows too.  ERR_NOT_FOUND otherwise. */
err_t app_load_live(db_t *db, mem_arena_t *a, int64_t org, int64_t id, bool lock, bool with_deleted, bool with_cv_text,
                    app_t *app, app_view_t *view);

/* ---- stage and outcome rules (service.c) ---- */

/* Whether s is one of the six stages / four outcomes. */
bool app_stage_known(const char *s);
bool app_outcome_known(const char *s);
/* The stored `status` mirror of (stage, outcome) (§6.1). */
const char *app_legacy_status(const char *stage, const char *outcome);
/* map_legacy_status_to_pipeline (§6.1). */
void app_map_legacy(mem_arena_t *a, const char *status, const char **stage, const char **outcome);
/* Whether a Workable stage (normalised here) is post-handover (§2.2). */
bool app_post_handover(mem_arena_t *a, const char *workable_stage);

/* ---- what a mutation does (service.c) ----
 * Every function below runs inside the transaction the caller opened on
 * db, writes its event in it, and answers ERR_CONFLICT / ERR_VALIDATION /
 * ERR_BAD_REQUEST with *detail (or *detail_json) for the client. */

typedef struct {
    db_t *db;
    mem_arena_t *arena;
    const auth_user_t *user;
    const char *detail;
    json_t *detail_json;
} app_op_t;

typedef struct {
    const char *to;
    const char *source; /* recruiter | system | sync | agent */
    const char *reason;
    const char *idempotency_key; /* NULL: none */
    bool has_expected_version;
    int64_t expected_version;
    json_t *extra_metadata; /* borrowed; merged into the event's metadata */
} app_move_t;

/* Writes pipeline_initialized (reason) when the application has no event. */
err_t app_ensure_initialized(app_op_t *op, app_t *app, const char *reason);
/* transition_stage: version check, idempotency, guard, no-op, apply.
 * *replayed when an event already carries the idempotency key. */
err_t app_transition_stage(app_op_t *op, app_t *app, const app_move_t *m, bool *replayed);
/* transition_outcome: version check, idempotency, apply when different. */
err_t app_transition_outcome(app_op_t *op, app_t *app, const app_move_t *m, bool *replayed);
/* The legacy status update of A8. */
err_t app_legacy_update(app_op_t *op, app_t *app, const char *status, bool has_expected, int64_t expected);
/* Appends one event with the §7.1 derived columns; *id (may be NULL) gets its id. */
err_t app_event_append(db_t *db, mem_arena_t *a, const app_event_t *ev, int64_t *id);
/* The actor name of notes (full_name, else email, else "Recruiter"). */
const char *app_actor_name(const auth_user_t *u);

/* ---- JSON (schema.c) ---- */

typedef enum { APP_SHAPE_BASE, APP_SHAPE_DETAIL, APP_SHAPE_LIST } app_shape_t;

/* ApplicationResponse (BASE) / ApplicationDetailResponse (DETAIL: A7;
 * LIST: list rows) of §6.2.  with_cv_text: the detail's cv_text. */
void app_write(jsonw_t *w, mem_arena_t *a, const app_view_t *v, app_shape_t shape, bool with_cv_text);
/* ApplicationEventResponse (§7.3). */
void app_write_event(jsonw_t *w, const app_event_row_t *e);

/* ---- route operations (ops.c) ----
 * The parsed input of each route (api.c fills it) and the operation that
 * serves it: the transaction, the checks of §1.2 and §6.1, the change and
 * its events, and the answer in out. */

typedef struct {
    vld_str_t email;
    const char *name, *position, *status, *stage, *outcome, *notes;
} app_create_in_t;

typedef struct {
    vld_bool_t cv;
    vld_int_t view_role_id;
} app_get_in_t;

typedef struct {
    const char *stage, *reason, *key;
    bool has_version;
    int64_t version;
} app_stage_in_t;

typedef struct {
    const char *outcome, *reason, *key;
    bool has_version, has_acting;
    int64_t version, acting;
} app_outcome_in_t;

typedef struct {
    const char *status, *stage, *outcome, *notes, *name, *position;
    bool has_notes, has_name, has_position, has_version;
    int64_t version;
} app_patch_in_t;

typedef struct {
    vld_int_t role_id, limit, offset;
} app_events_in_t;

typedef struct {
    vld_str_t note;
    vld_int_t role_id, ranking;
    vld_bool_t for_agent;
    const char *kind, *link_url, *link_label;
} app_note_in_t;

err_t app_op_create(api_ctx_t *ctx, const void *in, api_out_t *out);  /* A1 */
err_t app_op_get(api_ctx_t *ctx, const void *in, api_out_t *out);     /* A7 */
err_t app_op_patch(api_ctx_t *ctx, const void *in, api_out_t *out);   /* A8 */
err_t app_op_stage(api_ctx_t *ctx, const void *in, api_out_t *out);   /* A9 */
err_t app_op_outcome(api_ctx_t *ctx, const void *in, api_out_t *out); /* A10 */
/* A11: reads ctx->body itself (the original's loose dict body). */
err_t app_op_decision(api_ctx_t *ctx, const void *in, api_out_t *out);
err_t app_op_events(api_ctx_t *ctx, const void *in, api_out_t *out); /* EV1 */
err_t app_op_note(api_ctx_t *ctx, const void *in, api_out_t *out);   /* EV2 */

/* ---- routes ---- */

/* Registers A4, A5 and P1 (api_list.c). */
void app_register_lists(http_server_t *s);

#endif
