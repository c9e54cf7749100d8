/* SQL on `assessments` (this component's table only).  Only service.c
 * and rescore.c include this file. */
#ifndef TALI_COMPONENTS_ASSESSMENTS_REPO_H
#define TALI_COMPONENTS_ASSESSMENTS_REPO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "components/assessments/internal.h"

/* What S1 inserts. */
typedef struct {
    assessments_owner_t owner;
    int64_t candidate_id;
    int64_t task_id;
    const char *token;
    int64_t duration_minutes;
    int64_t expires_at;
    int64_t now_us;
    bool allow_external_clipboard;
} assessments_repo_new_t;

err_t assessments_repo_insert(db_t *db, const assessments_repo_new_t *in, int64_t *id);

/* One row by id (owner NULL: any organisation).  for_update locks the row
 * on PostgreSQL (SQLite serialises writers with BEGIN IMMEDIATE).
 * *found tells whether it exists; strings in arena a. */
err_t assessments_repo_get(db_t *db, mem_arena_t *a, const assessments_owner_t *owner, int64_t id, bool for_update,
                           assessments_row_t *out, bool *found);
err_t assessments_repo_get_by_token(db_t *db, mem_arena_t *a, const char *token, bool for_update,
                                    assessments_row_t *out, bool *found);

/* The owner's page of rows, newest first, and the count before paging. */
err_t assessments_repo_list(db_t *db, mem_arena_t *a, assessments_owner_t owner, const assessments_list_in_t *in,
                            assessments_row_t **rows, size_t *n, int64_t *total);

err_t assessments_repo_delete(db_t *db, int64_t id, int64_t *affected);
err_t assessments_repo_set_timeline(db_t *db, int64_t id, const char *timeline_json, int64_t now_us);

/* Start: status IN_PROGRESS, started_at (only when set_started), the
 * sandbox id. */
err_t assessments_repo_start(db_t *db, int64_t id, bool set_started, int64_t started_at, const char *sandbox_id,
                             int64_t now_us);
err_t assessments_repo_set_sandbox(db_t *db, int64_t id, const char *sandbox_id, int64_t now_us);
err_t assessments_repo_set_cv(db_t *db, int64_t id, const char *file_url, const char *filename, int64_t at_us);
err_t assessments_repo_set_latest_code(db_t *db, int64_t id, const char *code, int64_t now_us);

/* Chat: the new prompt log, time_to_first_prompt_seconds when ttfp set,
 * latest_code when code non-NULL. */
err_t assessments_repo_chat(db_t *db, int64_t id, const char *ai_prompts_json, const assessments_opt_int_t *ttfp,
                            const char *code, int64_t now_us);

/* Submit: every column of domain-model §4.6 in one statement that only
 * changes an IN_PROGRESS row (the claim); *claimed tells whether it did. */
/* The columns assessments_repo_submit writes; values[] follow this order
 * and hold exactly ASSESSMENTS_REPO_SUBMIT_N entries. */
enum {
    ASR_STATUS,
    ASR_COMPLETED_AT,
    ASR_SCORE,
    ASR_FINAL_SCORE,
    ASR_TESTS_PASSED,
    ASR_TESTS_TOTAL,
    ASR_TESTS_PASS_COUNT,
    ASR_TESTS_RUN_COUNT,
    ASR_TEST_RESULTS,
    ASR_CODE_SNAPSHOTS,
    ASR_TIMELINE,
    ASR_CODE_QUALITY,
    ASR_PROMPT_QUALITY,
    ASR_PROMPT_EFFICIENCY,
    ASR_INDEPENDENCE,
    ASR_CONTEXT_UTILIZATION,
    ASR_DESIGN_THINKING,
    ASR_DEBUGGING_STRATEGY,
    ASR_WRITTEN_COMMUNICATION,
    ASR_LEARNING_VELOCITY,
    ASR_ERROR_RECOVERY,
    ASR_REQUIREMENT_COMPREHENSION,
    ASR_AI_USAGE,
    ASR_TIME_EFFICIENCY,
    ASR_CALIBRATION,
    ASR_CV_JOB_MATCH_SCORE,
    ASR_CV_JOB_MATCH_DETAILS,
    ASR_SCORE_BREAKDOWN,
    ASR_SCORE_WEIGHTS_USED,
    ASR_FLAGS,
    ASR_PROMPT_FRAUD_FLAGS,
    ASR_PROMPT_ANALYTICS,
    ASR_BROWSER_FOCUS_RATIO,
    ASR_TIME_TO_FIRST_PROMPT,
    ASR_SCORED_AT,
    ASR_TOTAL_DURATION,
    ASR_TOTAL_PROMPTS,
    ASR_TOTAL_INPUT_TOKENS,
    ASR_TOTAL_OUTPUT_TOKENS,
    ASR_AI_PROMPTS,
    ASR_TAB_SWITCH_COUNT,
    ASR_UPDATED_AT,
    ASSESSMENTS_REPO_SUBMIT_N
};
err_t assessments_repo_submit(db_t *db, int64_t id, const db_value_t values[ASSESSMENTS_REPO_SUBMIT_N], bool *claimed);

/* Re-score: the scoring columns of one row that is still COMPLETED (the
 * status, timeline, notes, prompts and test results are not touched);
 * values[] follow this order.  *updated tells whether a row changed. */
enum {
    ARS_SCORE,
    ARS_FINAL_SCORE,
    ARS_PROMPT_QUALITY,
    ARS_PROMPT_EFFICIENCY,
    ARS_INDEPENDENCE,
    ARS_CONTEXT_UTILIZATION,
    ARS_DESIGN_THINKING,
    ARS_DEBUGGING_STRATEGY,
    ARS_WRITTEN_COMMUNICATION,
    ARS_LEARNING_VELOCITY,
    ARS_ERROR_RECOVERY,
    ARS_REQUIREMENT_COMPREHENSION,
    ARS_AI_USAGE,
    ARS_TIME_EFFICIENCY,
    ARS_SCORE_BREAKDOWN,
    ARS_SCORE_WEIGHTS_USED,
    ARS_FLAGS,
    ARS_PROMPT_FRAUD_FLAGS,
    ARS_PROMPT_ANALYTICS,
    ARS_SCORED_AT,
    ARS_UPDATED_AT,
    ASSESSMENTS_REPO_RESCORE_N
};
err_t assessments_repo_rescore(db_t *db, int64_t id, const db_value_t values[ASSESSMENTS_REPO_RESCORE_N],
                               bool *updated);

/* The ids and statuses of organisation org_id's assessments, by id;
 * arrays and strings in arena a. */
err_t assessments_repo_org_statuses(db_t *db, mem_arena_t *a, int64_t org_id, int64_t **ids, const char ***statuses,
                                    size_t *n);

err_t assessments_repo_task_in_use(db_t *db, int64_t task_id, bool *in_use);

/* Whether an assessment of organisation org names role_id (and task_id,
 * when > 0). */
err_t assessments_repo_role_usage(db_t *db, int64_t org_id, int64_t role_id, int64_t task_id, bool *used);

/* The counts of GET /assessments/stats (hiring loop §8.4) over the
 * organisation's non-voided assessments. */
typedef struct {
    int64_t invited, in_progress, completed, expiring_soon, scoring;
} assessments_repo_stats_t;
err_t assessments_repo_stats(db_t *db, int64_t org_id, int64_t now_us, assessments_repo_stats_t *out);

err_t assessments_repo_set_clipboard(db_t *db, int64_t id, bool allow);
err_t assessments_repo_detach_candidate(db_t *db, int64_t candidate_id);
/* Unlinks every assessment from application_id (the application is being
 * deleted). */
err_t assessments_repo_detach_application(db_t *db, int64_t application_id);

/* Expiry: PENDING rows with expires_at < now become EXPIRED. */
err_t assessments_repo_expire_pending(db_t *db, int64_t now_us, int64_t *affected);
/* IN_PROGRESS rows started before started_before_us (candidates for the
 * abandoned-session check): ids, started_at, duration and sandbox ids. */
typedef struct {
    int64_t id;
    int64_t started_at;
    int64_t duration_minutes;
    const char *sandbox_id;
} assessments_repo_running_t;
err_t assessments_repo_list_running(db_t *db, mem_arena_t *a, int64_t started_before_us,
                                    assessments_repo_running_t **out, size_t *n);
/* Marks one row EXPIRED if it is still IN_PROGRESS. */
err_t assessments_repo_expire_one(db_t *db, int64_t id, int64_t now_us, bool *changed);

/* ---- the candidate proof binding (migration 011) ---- */

/* How long a consumed proof nonce is kept (today's original: 600 s). */
#define ASSESSMENTS_NONCE_KEEP_S 600

/* Binds unbound assessment id to the session (its SHA-256 hex) and the
 * public key (key id, JWK as JSON text), with the new timeline, at
 * now_us.  *bound false when the row was bound meanwhile (or is gone).
 * Returns the database error. */
err_t assessments_repo_bind(db_t *db, int64_t id, const char *session_hash, const char *key_id, const char *jwk_json,
                            const char *timeline_json, int64_t now_us, bool *bound);

/* Records proof nonce for assessment id (dropping its nonces older than
 * ASSESSMENTS_NONCE_KEEP_S first).  *fresh false when the nonce was
 * already used.  Returns the database error. */
err_t assessments_repo_consume_nonce(db_t *db, int64_t id, const char *nonce, const char *key_id, int64_t proof_ts,
                                     int64_t now_us, bool *fresh);

#endif
