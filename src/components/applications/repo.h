/* SQL on `candidate_applications` and `candidate_application_events`
 * (this component's tables only).  Only this component includes it. */
#ifndef TALI_COMPONENTS_APPLICATIONS_REPO_H
#define TALI_COMPONENTS_APPLICATIONS_REPO_H

#include "components/applications/internal.h"

/* One application of organisation org.  lock: FOR UPDATE (PostgreSQL).
 * with_deleted: soft-deleted rows too.  with_cv_text: app->cv_text. */
err_t app_repo_get(db_t *db, mem_arena_t *a, int64_t org, int64_t id, bool lock, bool with_deleted, bool with_cv_text,
                   app_t *out, bool *found);

/* Whether any row (soft-deleted included) joins candidate_id to role_id. */
err_t app_repo_pair_exists(db_t *db, int64_t candidate_id, int64_t role_id, bool *exists);

typedef struct {
    int64_t org, candidate_id, role_id;
    const char *stage, *outcome, *status, *source, *source_strategy, *notes;
    int64_t now;
} app_new_row_t;

/* Inserts a new application (version 1, stage source recruiter). */
err_t app_repo_insert(db_t *db, const app_new_row_t *row, int64_t *id);

/* Sets stage (with its time and source), status, version+1 where version
 * is still old_version; *ok = a row changed. */
err_t app_repo_set_stage(db_t *db, int64_t id, const char *stage, const char *source, const char *status,
                         int64_t old_version, int64_t now, bool *ok);
/* The same for the outcome. */
err_t app_repo_set_outcome(db_t *db, int64_t id, const char *outcome, const char *status, int64_t old_version,
                           int64_t now, bool *ok);
/* The notes column (NULL clears) and updated_at. */
err_t app_repo_set_notes(db_t *db, int64_t id, const char *notes, int64_t now);
/* updated_at only (a name/position edit of A8). */
err_t app_repo_touch(db_t *db, int64_t id, int64_t now);
/* The manual_decision JSON and updated_at. */
err_t app_repo_set_manual_decision(db_t *db, int64_t id, const char *json_text, int64_t now);

/* ---- events ---- */

/* Inserts an event whose derived columns (target_stage, effect_status)
 * the caller computed. */
err_t app_repo_event_insert(db_t *db, const app_event_t *ev, const char *target_stage, const char *effect_status,
                            const char *metadata_json, int64_t now, int64_t *id);
/* Whether application_id has any event. */
err_t app_repo_event_any(db_t *db, int64_t application_id, bool *any);
/* Whether an event of application_id (logical role role_id) carries key. */
err_t app_repo_event_key_used(db_t *db, int64_t application_id, int64_t role_id, const char *key, bool *used);
/* One event by id. */
err_t app_repo_event_get(db_t *db, mem_arena_t *a, int64_t id, app_event_row_t *out, bool *found);
/* EV1: events of the application attributed to role_id, newest first. */
err_t app_repo_events(db_t *db, mem_arena_t *a, int64_t org, int64_t application_id, int64_t role_id, int64_t limit,
                      int64_t offset, app_event_row_t **rows, size_t *n);

/* ---- lists ---- */

typedef enum {
    APP_SORT_PRE_SCREEN,
    APP_SORT_RANK,
    APP_SORT_WORKABLE,
    APP_SORT_CV_MATCH,
    APP_SORT_CV_SCORED_AT,
    APP_SORT_TAALI,
    APP_SORT_CREATED_AT,
    APP_SORT_STAGE_UPDATED_AT,
} app_sort_t;

typedef struct {
    bool set;
    double v;
} app_min_t;

typedef struct {
    int64_t org;
    const int64_t *role_ids; /* nroles 0: every role */
    size_t nroles;
    const char **stages; /* nstages 0: every stage */
    size_t nstages;
    const char **outcomes; /* noutcomes 0: every outcome */
    size_t noutcomes;
    const char *status_lower; /* NULL: any */
    const char *source;       /* exact; NULL: any */
    int source_kind;          /* P1: 1 = workable (source or workable_sourced), 2 = manual (neither) */
    const int64_t *hidden;    /* candidate ids to leave out (soft-deleted people) */
    size_t nhidden;
    bool search; /* candidate_id in search_cands or role_id in search_roles */
    const int64_t *search_cands;
    size_t nsearch_cands;
    const int64_t *search_roles;
    size_t nsearch_roles;
    app_min_t min_pre_screen, min_rank, min_workable, min_cv_match, min_taali;
    app_sort_t sort;
    bool asc;
    bool taali_fallback; /* A5/P1: taali sorts fall back to pre_screen_score_100 */
    bool with_cv_text;
    int64_t limit, offset;
    bool want_total, want_stage_counts;
} app_filter_t;

typedef struct {
    app_t *items;
    size_t n;
    int64_t total;
    int64_t stage_counts[6]; /* by app_stage index, over the filter without its stage part */
    bool has_last_activity;
    int64_t last_activity;
} app_page_t;

/* The page of f (and its total and stage counts when asked).  Each
 * statement's text is logged at debug level under "tali.applications"
 * ("list sql: ..."), so the index test can EXPLAIN it. */
err_t app_repo_list(db_t *db, mem_arena_t *a, const app_filter_t *f, app_page_t *out);

/* Distinct role ids of organisation org's applications. */
err_t app_repo_role_ids(db_t *db, mem_arena_t *a, int64_t org, int64_t **ids, size_t *n);

/* ---- the roles hooks ---- */

typedef struct {
    int64_t role_id, candidate_id;
    const char *stage, *outcome, *workable_stage;
    bool evaluated;
    int64_t activity;
} app_stat_row_t;

/* Live applications of the roles (one query). */
err_t app_repo_stat_rows(db_t *db, mem_arena_t *a, int64_t org, const int64_t *role_ids, size_t n,
                         app_stat_row_t **rows, size_t *nrows);
/* Whether any row of org names role_id. */
/* The ids of every application of candidate_id (any deletion state). */
err_t app_repo_candidate_apps(db_t *db, mem_arena_t *a, int64_t candidate_id, int64_t **ids, size_t *n);
/* Deletes application id and its events. */
err_t app_repo_delete(db_t *db, int64_t id);

err_t app_repo_role_used(db_t *db, int64_t org, int64_t role_id, bool *used);

/* Index of a stage in the order sourced, applied, invited, in_assessment,
 * review, advanced; -1 when unknown. */
int app_stage_index(const char *stage);
extern const char *const app_stages[6];

#endif
