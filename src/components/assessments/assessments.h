/* assessments: the central table `assessments` (and the unused
 * `assessment_sessions`), the recruiter endpoints S1-S3, S10-S12, S14 and
 * the candidate-token flow S4-S9 and the report download S13 of
 * api-contract §3 (domain-model §4):
 * create, list, read, CV upload, start/resume with a sandbox, code
 * execution, AI chat, submit with scoring, delete, resend, notes.
 *
 * Compatibility fixes applied here (spec/README.md): 2 (chat answers carry
 * `response`), 7 (every recruiter note is kept, also across submit), 8
 * (resume restores the latest code), 10 (the time limit is enforced: after
 * started_at + duration_minutes + 2 minutes, execute and chat answer 409
 * {"detail":"Assessment time limit has been exceeded"}; submit is still
 * accepted and records a "Time limit exceeded" timeline event), 11 (the
 * sandbox is re-created when gone, its new id stored), 12 (prompt records
 * carry time_since_assessment_start_ms and paste_length; heuristics see
 * the final test results), 13 (datetimes RFC 3339 UTC "Z").
 *
 * Other components reach assessments only through this header. */
#ifndef TALI_COMPONENTS_ASSESSMENTS_H
#define TALI_COMPONENTS_ASSESSMENTS_H

#include <stdbool.h>
#include <jansson.h>
#include <stdint.h>

#include "platform/db.h"
#include "platform/err.h"
#include "platform/http.h"
#include "platform/jobs.h"

/* The job kind of the expiry sweep. */
#define ASSESSMENTS_EXPIRE_JOB "assessments.expire"

/* The event a submit publishes through the job queue when background jobs
 * are on (MVP_DISABLE_CELERY off, as the original's Celery tasks needed):
 * one job of this kind per completed assessment, payload
 * {"assessment_id": int, "organization_id": int or null}, enqueued in the
 * submit's transaction.  Assessments knows none of its subscribers: an
 * integration that reacts to completed assessments registers the handler
 * of this kind with the job runner (integrations/workable does, to post
 * the results). */
#define ASSESSMENTS_COMPLETED_JOB "assessment.completed"

/* Registers S1-S14 (/api/v1/assessments/...) on s; S13's PDF is drawn by
 * components/assessments_report. */
void assessments_register(http_server_t *s);

/* The tasks component's in-use check (tasks_set_in_use_check): *in_use
 * when any assessment references task_id.  Returns the database error. */
err_t assessments_task_in_use(db_t *db, int64_t task_id, bool *in_use);

/* The roles component's usage probe (roles_set_usage_hooks, a
 * roles_usage_fn): *used when an assessment of organisation org is tied
 * to role_id (and uses task_id, when task_id > 0).  The database error. */
err_t assessments_role_usage(db_t *db, int64_t org, int64_t role_id, int64_t task_id, bool *used);

/* The recruiter notes of assessment id of organisation org (hiring loop
 * §11.2 recruiter_notes_timeline): the timeline entries whose event_type
 * or type is "note" or "recruiter_note" and whose text is not blank, in
 * timeline order.  *out is a new array ([] for another organisation's
 * or a missing assessment).  The database error. */
err_t assessments_note_timeline(db_t *db, mem_arena_t *a, int64_t org, int64_t id, json_t **out);

/* The candidates component's delete hook (candidates_add_delete_hook):
 * detaches the candidate's assessments (candidate_id and application_id
 * := NULL) on db, inside the caller's transaction.  Returns the database
 * error. */
err_t assessments_detach_candidate(db_t *db, int64_t candidate_id);

/* The applications component's delete hook (applications_add_delete_hook):
 * unlinks the assessments of application_id (application_id := NULL),
 * inside the caller's transaction.  Returns the database error. */
err_t assessments_detach_application(db_t *db, int64_t application_id);

/* Registers the ASSESSMENTS_EXPIRE_JOB handler (assessments_expire_sweep
 * on a connection of the runner's pool). */
void assessments_register_jobs(jobs_runner_t *r);

/* Runs one sweep on db: PENDING assessments whose expires_at has passed
 * become EXPIRED; IN_PROGRESS ones whose time limit (started_at +
 * duration_minutes + 2 min grace) ended more than an hour before now_us
 * (the candidate left without submitting) become EXPIRED and their
 * sandbox is released.  *expired (may be NULL) receives the number of rows
 * changed.  Returns the database error. */
err_t assessments_expire_sweep(db_t *db, int64_t now_us, int64_t *expired);

/* A thread that enqueues one ASSESSMENTS_EXPIRE_JOB now and then every
 * interval_s seconds (the sweep is idempotent, so several servers doing
 * this is harmless).  NULL when the thread cannot start (logged). */
typedef struct assessments_ticker assessments_ticker_t;
assessments_ticker_t *assessments_expiry_ticker_start(db_pool_t *pool, int interval_s);
/* Stops and joins the thread; NULL is accepted. */
void assessments_expiry_ticker_stop(assessments_ticker_t *t);

/* ---- re-scoring ---- (rescore.c; `tali rescore`) */

/* What re-scoring one assessment did. */
typedef struct {
    int64_t id;
    bool rescored; /* the recomputed scores were stored */
    bool skipped;  /* not COMPLETED: left alone (reason says why) */
    bool has_before;
    double before;    /* final_score as stored before (when has_before) */
    double after;     /* the recomputed final_score (when rescored) */
    bool changed;     /* a stored score, breakdown, analytics or flag value differs now */
    char reason[256]; /* why it was not re-scored; "" when it was */
} assessments_rescore_outcome_t;

/* Re-scores COMPLETED assessment id from what is stored, without any
 * sandbox or model call (scoring-spec §0 with the stored tests, prompts,
 * completed_at, CV-job match and model results; the task's current
 * score_weights): the scores, score_breakdown (its errors kept),
 * prompt_analytics, prompt_fraud_flags, flags, score_weights_used and
 * scored_at = now are written in one transaction; status, timeline,
 * notes, ai_prompts and test_results are left as they are.  *out is
 * always filled.  ERR_NOT_FOUND for an unknown id, ERR_CONFLICT for one
 * that is not COMPLETED, ERR_VALIDATION when the stored values cannot be
 * scored (reason says why), otherwise the database error. */
err_t assessments_rescore_one(db_t *db, int64_t id, assessments_rescore_outcome_t *out);

/* assessments_rescore_one with only *changed (may be NULL) reported. */
err_t assessments_rescore(db_t *db, int64_t id, bool *changed);

/* Called once per assessment of an organisation re-score: e is the
 * result of assessments_rescore_one (ERR_OK for a skipped one). */
typedef void (*assessments_rescore_cb_t)(const assessments_rescore_outcome_t *o, err_t e, void *ctx);

/* Re-scores every COMPLETED assessment of organisation org_id, by id, each
 * in its own transaction; the others are skipped with a reason.  cb (may
 * be NULL) hears of each one.  *count receives the number re-scored and
 * *failed the number that failed (either may be NULL).  ERR_NOT_FOUND when
 * there is no such organisation, otherwise the database error of the
 * listing (a failing assessment does not stop the others). */
err_t assessments_rescore_org_each(db_t *db, int64_t org_id, assessments_rescore_cb_t cb, void *ctx, int *count,
                                   int *failed);

/* assessments_rescore_org_each without a callback. */
err_t assessments_rescore_org(db_t *db, int64_t org_id, int *count, int *failed);

/* ---- Workable columns (repo.c; called by integrations/workable) ---- */

/* Inserts a PENDING assessment of organisation org_id for candidate_id on
 * task_id, created by the Workable webhook: a new 43-character token,
 * duration_minutes, expires_at_us, workable_candidate_id (may be NULL),
 * tab_switch_count 0, not posted.  No e-mail.  Runs on db as it is (so
 * inside the caller's transaction).  *id receives the new id.  Returns
 * the database error, if any. */
err_t assessments_create_from_workable(db_t *db, int64_t org_id, int64_t candidate_id, int64_t task_id,
                                       int64_t duration_minutes, int64_t expires_at_us,
                                       const char *workable_candidate_id, int64_t *id);

/* What posting results to Workable reads from an assessment. */
typedef struct {
    int64_t id;
    bool has_organization;
    int64_t organization_id;
    bool has_score;
    double score; /* 0-10 */
    bool has_tests_passed, has_tests_total;
    int64_t tests_passed, tests_total;
    int64_t duration_minutes;          /* the allotted time; NULL reads as 30 */
    const char *workable_candidate_id; /* NULL when not linked */
    bool posted;                       /* posted_to_workable (NULL reads as false) */
} assessments_workable_info_t;

/* Reads assessment id into *out (strings in arena a); when scoped, only
 * if it belongs to organisation org_id.  ERR_NOT_FOUND when there is no
 * such assessment; otherwise the database error. */
err_t assessments_workable_info(db_t *db, mem_arena_t *a, bool scoped, int64_t org_id, int64_t id,
                                assessments_workable_info_t *out);

/* Marks assessment id posted to Workable (posted_to_workable, its time
 * now_us, updated_at) unless it already is.  *changed (may be NULL) says
 * whether this call marked it.  Returns the database error, if any. */
err_t assessments_mark_posted(db_t *db, int64_t id, int64_t now_us, bool *changed);

/* ---- organisation figures (repo.c): analytics N1 and billing B1 ---- */

typedef struct {
    int64_t total;     /* every assessment of the organisation */
    int64_t completed; /* status COMPLETED with completed_at */
    bool has_top_score, has_avg_score, has_avg_minutes, has_avg_calibration;
    double top_score;       /* max score (0-10) of the completed set */
    double avg_score;       /* mean score (unrounded) */
    double avg_minutes;     /* mean completed_at - started_at, minutes (unrounded) */
    double avg_calibration; /* mean calibration_score (unrounded) */
    struct {
        int64_t started;   /* started_at in the window */
        int64_t completed; /* of those, completed with completed_at in the same window */
    } weeks[5];            /* half-open 7-day windows, oldest first, the last ending at now */
} assessments_org_stats_t;

/* The figures of domain-model §5 for organisation org_id at now_us, in two
 * SQL queries.  Returns the database error. */
err_t assessments_org_stats(db_t *db, int64_t org_id, int64_t now_us, assessments_org_stats_t *out);

typedef struct {
    int64_t assessment_id;
    int64_t completed_at_us;
    bool has_candidate, has_task;
    int64_t candidate_id, task_id;
} assessments_usage_row_t;

/* The organisation's completed assessments, newest completed_at first, at
 * most limit; the array lives in arena a.  Returns the database error. */
err_t assessments_usage_rows(db_t *db, mem_arena_t *a, int64_t org_id, int limit, assessments_usage_row_t **rows,
                             size_t *n);

/* ---- rows for today's analytics N1 (repo.c; v2 spec §2.11) ---- */

/* Which assessments N1 counts: the organisation's, of one role and one
 * task when given, created within the bounds when given. */
typedef struct {
    bool has_role_id, has_task_id, has_from, has_to;
    int64_t role_id, task_id;
    int64_t from_us, to_us; /* created_at bounds, both inclusive */
} assessments_stats_filter_t;

/* One assessment as N1 reads it.  Strings in the caller's arena; the two
 * JSON texts only for completed rows (NULL otherwise). */
typedef struct {
    bool has_candidate, has_task;
    int64_t candidate_id, task_id;
    const char *status;
    bool has_started, has_completed;
    int64_t started_at, completed_at;
    bool has_score, has_final_score, has_calibration;
    double score, final_score, calibration_score;
    const char *score_breakdown, *prompt_analytics;
} assessments_stats_row_t;

/* The organisation's assessments that filter f selects, by id (array in
 * arena a).  Returns the database error. */
err_t assessments_stats_rows(db_t *db, mem_arena_t *a, int64_t org_id, const assessments_stats_filter_t *f,
                             assessments_stats_row_t **rows, size_t *n);

#endif
