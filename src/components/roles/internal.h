/* Private to the roles component: the hooks main.c installed, the role
 * row as its files pass it around, and the service layer the route files
 * call (service.c, criteria.c, parts.c; SQL in repo.c / access_repo.c;
 * JSON in schema.c; the change-event diff in audit.c).
 *
 * A role row is a JSON object keyed by column name (roles_cols): ints,
 * strings and booleans as themselves, timestamps as integer µs UTC, JSON
 * columns parsed, SQL NULL as JSON null.  One shape serves the response
 * writer, the change-event diff (before/after over the same keys) and the
 * generic UPDATE of repo.c. */
#ifndef TALI_COMPONENTS_ROLES_INTERNAL_H
#define TALI_COMPONENTS_ROLES_INTERNAL_H

#include <jansson.h>

#include "components/roles/roles.h"
#include "platform/api.h"

extern roles_stats_fn roles_stats_hook;
extern roles_usage_fn roles_applications_hook;
extern roles_usage_fn roles_assessments_hook;

/* ---- the role row ---- */

typedef enum {
    ROLES_COL_INT,
    ROLES_COL_REAL,
    ROLES_COL_TEXT,
    ROLES_COL_BOOL,
    ROLES_COL_TIME,
    ROLES_COL_JSON
} roles_coltype_t;

/* How the change-event diff shows a column's values (§4.4). */
typedef enum {
    ROLES_AUDIT_NO,    /* not on the allow-list */
    ROLES_AUDIT_PLAIN, /* the value (long strings previewed, times isoformat) */
    ROLES_AUDIT_HASH,  /* {"sha256","length","present"} */
    ROLES_AUDIT_JSON,  /* {"sha256","serialized_length","present":true} */
} roles_audit_t;

typedef struct {
    const char *name;
    roles_coltype_t type;
    roles_audit_t audit;
} roles_col_t;

extern const roles_col_t roles_cols[];
extern const size_t roles_ncols;

/* The column named name, or NULL. */
const roles_col_t *roles_col(const char *name);

/* Row accessors (NULL-safe on absent keys): */
int64_t roles_row_int(const json_t *row, const char *col);
const char *roles_row_str(const json_t *row, const char *col);
bool roles_row_bool(const json_t *row, const char *col);
bool roles_row_null(const json_t *row, const char *col);

/* ---- change events (audit.c) ---- */

/* The §4.4 diff of before -> after over the allow-list: {field:
 * {"before","after"}} (new reference, possibly empty). */
json_t *roles_audit_diff(const json_t *before, const json_t *after);

/* ---- responses (schema.c) ---- */

typedef enum {
    ROLES_VIEW_PLAIN,   /* R1, R4, R6, R7, C4, C5: true counts, no stage buckets */
    ROLES_VIEW_DETAIL,  /* R3, R8, R9, 409 current_role */
    ROLES_VIEW_SUMMARY, /* R2, R3 shell=true */
} roles_view_mode_t;

/* A role's light row, what the family fields of §2.1 need. */
typedef struct {
    int64_t id;
    const char *name;
    const char *role_kind;
    int64_t ats_owner_role_id; /* 0 when none */
    int64_t related_source_role_id;
    const char *workable_job_id;
    const char *workable_state; /* lower-cased workable_job_data.state, NULL when none */
    bool live;
} roles_light_t;

/* Everything a RoleResponse shows besides the row. */
typedef struct {
    roles_view_mode_t mode;
    json_t *criteria; /* array of RoleCriterion (borrowed), NULL = [] */
    int64_t tasks_count;
    int64_t applications_count;
    bool with_stages;   /* stage_counts computed (else {}) */
    bool with_activity; /* active_candidates_count / last_candidate_activity_at computed */
    roles_pipeline_stats_t stats;
    const roles_light_t *lights; /* the organisation's roles (family fields) */
    size_t nlights;
} roles_view_t;

/* RoleResponse of §2.1 in its field order (new reference). */
json_t *roles_role_json(const json_t *row, const roles_view_t *view);

/* RoleCriterion (role_version < 1: null).  crit is a role_criteria row
 * object as repo.c reads it. */
json_t *roles_criterion_json(const json_t *crit, int64_t role_version);

/* OrgCriterion {id, ordering, weight, bucket, text, created_at, updated_at}. */
json_t *roles_org_criterion_json(const json_t *crit);

/* An RFC 3339 "Z" string of µs (new reference); json null for has false. */
json_t *roles_time_json(bool has, int64_t us);

/* ---- the service layer (service.c) ---- */

/* A role write in progress: the transaction is open, the permission is
 * checked, the role row is locked and its version matched. */
typedef struct {
    db_t *db;
    mem_arena_t *a;
    const auth_user_t *u;
    const char *request_id;
    int64_t org;
    int64_t role_id;
    json_t *row; /* before the write (borrowed from the arena) */
} roles_tx_t;

/* Which 409 body a version conflict carries (§1.3). */
typedef enum { ROLES_CONFLICT_BARE, ROLES_CONFLICT_FULL } roles_conflict_t;

/* Opens t: BEGIN, the §1.2 check for perm (403 "Forbidden"), the row
 * (404 "Role not found"), then expected_version (409 object detail;
 * ROLES_CONFLICT_FULL fills current_role and changed_by).  On failure the
 * transaction is rolled back and out holds the answer. */
err_t roles_tx_open(roles_tx_t *t, api_ctx_t *ctx, api_out_t *out, int64_t role_id, roles_perm_t perm,
                    int64_t expected_version, roles_conflict_t conflict);

/* Applies set (column -> value, may be NULL or empty) to the role and,
 * when the audited diff is not empty or force is set, bumps the version,
 * stamps updated_at and appends one role_change_events row with action
 * and reason (NULL: none).  *bumped (may be NULL) says whether it did.
 * Leaves t->row as the new row.  Returns the database error. */
err_t roles_tx_write(roles_tx_t *t, json_t *set, const char *action, const char *reason, bool force, bool *bumped);

/* Commits (then ERR_OK) or answers 500 detail; rollback is implied. */
err_t roles_tx_commit(roles_tx_t *t, api_out_t *out, const char *detail);

/* Rolls back and answers e with detail (a db error: api_fail_db). */
err_t roles_tx_fail(roles_tx_t *t, api_out_t *out, err_t e, const char *detail);

/* The live role of the caller's organisation as a row (404 "Role not
 * found" when it is missing, another organisation's or the caller has
 * none).  Read outside any transaction. */
err_t roles_load(api_ctx_t *ctx, api_out_t *out, db_t *db, int64_t role_id, json_t **row);

/* RoleResponse of row for mode, with the aggregates mode calls for. */
err_t roles_view(db_t *db, mem_arena_t *a, const json_t *row, roles_view_mode_t mode, json_t **json);

/* R1: inserts the role (set = the body's columns), the creator as
 * hiring_manager and the workspace criteria snapshot. */
err_t roles_create(db_t *db, mem_arena_t *a, const auth_user_t *u, json_t *set, json_t **row);

/* R2. */
typedef enum { ROLES_SORT_ACTIVITY, ROLES_SORT_NAME, ROLES_SORT_AGENT_ON_NAME } roles_sort_t;
err_t roles_list(db_t *db, mem_arena_t *a, int64_t org, roles_sort_t sort, long long limit, bool with_stats,
                 json_t **array);

/* R5 refusals and delete inside t (400 texts in out). */
err_t roles_delete(roles_tx_t *t, api_out_t *out);

/* The actor of the organisation's latest change event of the role
 * (changed_by of §1.3; json null when none).  New reference. */
json_t *roles_changed_by(db_t *db, mem_arena_t *a, int64_t org, int64_t role_id);

/* E1: the events (newest first) as JSON. */
err_t roles_events(db_t *db, mem_arena_t *a, int64_t org, int64_t role_id, long long limit, long long before_id,
                   json_t **array);
/* Whether (org, role_id) has any change event (the E1 owner fallback). */
err_t roles_events_exist(db_t *db, int64_t org, int64_t role_id, bool *exist);

/* ---- criteria (criteria.c) ---- */

typedef struct {
    const char *text;
    const char *bucket;
    bool has_ordering, has_weight;
    long long ordering;
    double weight;
} roles_crit_in_t;

/* The role's live criteria in (ordering, id) order as RoleCriterion JSON. */
err_t roles_criteria_json(db_t *db, mem_arena_t *a, int64_t role_id, json_t **array);
/* The §3.3 snapshot of the workspace criteria onto role_id. */
err_t roles_criteria_snapshot(db_t *db, mem_arena_t *a, int64_t org, int64_t role_id);
/* C1-C5 inside t; *crit (C1, C2) the chip row. */
err_t roles_criteria_add(roles_tx_t *t, const roles_crit_in_t *in, json_t **crit);
err_t roles_criteria_edit(roles_tx_t *t, api_out_t *out, int64_t id, const roles_crit_in_t *in, json_t **crit);
err_t roles_criteria_remove(roles_tx_t *t, api_out_t *out, int64_t id);
err_t roles_criteria_sync(roles_tx_t *t);
err_t roles_criteria_reset(roles_tx_t *t);
/* O1-O4. */
err_t roles_org_criteria_list(db_t *db, mem_arena_t *a, int64_t org, json_t **array);
err_t roles_org_criteria_add(db_t *db, mem_arena_t *a, int64_t org, const roles_crit_in_t *in, json_t **crit);
err_t roles_org_criteria_edit(db_t *db, mem_arena_t *a, int64_t org, int64_t id, const roles_crit_in_t *in,
                              json_t **crit);
err_t roles_org_criteria_remove(db_t *db, int64_t org, int64_t id);

/* ---- tasks, hiring team, feedback notes (parts.c) ---- */

err_t roles_tasks_json(db_t *db, mem_arena_t *a, int64_t org, int64_t role_id, json_t **array);
err_t roles_task_link(roles_tx_t *t, api_out_t *out, int64_t task_id);
err_t roles_task_unlink(roles_tx_t *t, api_out_t *out, int64_t task_id);
err_t roles_team_json(db_t *db, mem_arena_t *a, int64_t org, int64_t role_id, json_t **array);
err_t roles_team_set(roles_tx_t *t, api_out_t *out, int64_t user_id, const char *team_role, json_t **member);
err_t roles_team_remove(roles_tx_t *t, int64_t user_id);
err_t roles_notes_json(db_t *db, mem_arena_t *a, int64_t org, int64_t role_id, json_t **array);
err_t roles_note_add(roles_tx_t *t, const char *note, json_t **json);

/* ---- request parsing shared by the route files (parse.c) ---- */

/* extra_forbidden for every key of body not in allowed (NULL-terminated). */
void roles_parse_extra(vld_t *v, const json_t *body, const char *const *allowed);
/* expected_version: a required body int >= 1. */
void roles_parse_version(vld_t *v, const json_t *body, int64_t *out);
/* expected_version: a required query int >= 1. */
void roles_parse_query_version(api_ctx_t *ctx, int64_t *out);
/* A str field stripped of surrounding whitespace (stripped empty: *out
 * NULL), with the rule's length bounds applied to the stripped text.
 * Returns false after recording a problem. */
bool roles_parse_text(vld_t *v, const json_t *body, const char *field, vld_need_t need, size_t min, size_t max,
                      vld_presence_t *presence, const char **out, mem_arena_t *a);
/* An InterviewPack? field (a copy into *out; NULL: absent; json null: null). */
void roles_parse_pack(vld_t *v, const json_t *body, const char *field, json_t **out, mem_arena_t *a);
/* A criterion body (C1/C2/O2/O3): text, bucket, ordering, weight.
 * create: text required and bucket defaults to preferred. */
void roles_parse_criterion(vld_t *v, const json_t *body, bool create, roles_crit_in_t *in, mem_arena_t *a);

/* Registers the routes of api_parts.c (criteria, tasks, team, notes). */
void roles_register_parts(http_server_t *s);

/* Arena-owned jansson values. */
json_t *roles_keep(mem_arena_t *a, json_t *v);

#endif
