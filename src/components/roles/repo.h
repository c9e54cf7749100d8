/* SQL of the roles component's own tables (roles, role_tasks,
 * job_hiring_team, role_change_events, role_feedback_notes in repo.c;
 * role_criteria and org_criteria in criteria_repo.c).  Rows come back as
 * JSON objects (internal.h) owned by the arena given. */
#ifndef TALI_COMPONENTS_ROLES_REPO_H
#define TALI_COMPONENTS_ROLES_REPO_H

#include "components/roles/internal.h"

/* ---- generic column reading and binding (repo.c) ---- */

/* The value of result column col of row as the row objects hold it. */
json_t *roles_repo_value(const db_res_t *r, int row, int col, roles_coltype_t t);
/* A db parameter for v of type t (JSON text in arena a). */
db_value_t roles_repo_param(mem_arena_t *a, roles_coltype_t t, const json_t *v);

/* ---- roles ---- */

/* The live role (org, id) as a row, locked FOR UPDATE when lock (on
 * PostgreSQL); *row NULL when there is none. */
err_t roles_repo_row(db_t *db, mem_arena_t *a, int64_t org, int64_t id, bool lock, json_t **row);
/* Every live role of org (array of rows). */
err_t roles_repo_rows(db_t *db, mem_arena_t *a, int64_t org, json_t **rows);
/* Every role of org, live or not, light. */
err_t roles_repo_lights(db_t *db, mem_arena_t *a, int64_t org, roles_light_t **out, size_t *n);
/* Inserts a role of org with the columns of set; *id the new id. */
err_t roles_repo_insert(db_t *db, mem_arena_t *a, int64_t org, const json_t *set, int64_t *id);
/* Writes the columns of set to role (org, id). */
err_t roles_repo_update(db_t *db, mem_arena_t *a, int64_t org, int64_t id, const json_t *set);
/* Hard-deletes the role and the rows of this component that hang off it;
 * ERR_CONFLICT when another component's row still references it. */
err_t roles_repo_delete(db_t *db, int64_t org, int64_t id);

/* ---- role_tasks ---- */

/* Linked task counts of org's roles: (*counts)[i] for ids[i]. */
err_t roles_repo_task_counts(db_t *db, mem_arena_t *a, int64_t org, const int64_t *ids, size_t n, int64_t **counts);
/* The task ids linked to role, link order. */
err_t roles_repo_task_ids(db_t *db, mem_arena_t *a, int64_t role_id, int64_t **ids, size_t *n);
err_t roles_repo_task_link(db_t *db, int64_t role_id, int64_t task_id);
err_t roles_repo_task_unlink(db_t *db, int64_t role_id, int64_t task_id, bool *removed);

/* ---- job_hiring_team ---- */

typedef struct {
    int64_t user_id;
    const char *team_role;
} roles_member_t;

err_t roles_repo_team(db_t *db, mem_arena_t *a, int64_t org, int64_t role_id, roles_member_t **out, size_t *n);
/* Inserts or updates (org, role, user) with team_role. */
err_t roles_repo_team_set(db_t *db, int64_t org, int64_t role_id, int64_t user_id, const char *team_role);
err_t roles_repo_team_remove(db_t *db, int64_t org, int64_t role_id, int64_t user_id, bool *removed);

/* ---- role_change_events ---- */

typedef struct {
    int64_t org, role_id;
    bool has_actor;
    int64_t actor;
    const char *action;
    int64_t from_version, to_version;
    const char *changes; /* JSON text */
    const char *reason, *request_id;
    int64_t created_at;
} roles_event_t;

err_t roles_repo_event_add(db_t *db, const roles_event_t *ev);
/* Newest first, id < before_id when before_id > 0. */
err_t roles_repo_events(db_t *db, mem_arena_t *a, int64_t org, int64_t role_id, long long limit, long long before_id,
                        roles_event_t **out, size_t *n, int64_t **ids);
/* The newest event of (org, role): *found, then *ev. */
err_t roles_repo_event_last(db_t *db, mem_arena_t *a, int64_t org, int64_t role_id, roles_event_t *ev, bool *found);

/* ---- role_feedback_notes ---- */

typedef struct {
    int64_t id, role_id;
    bool has_author;
    int64_t author;
    const char *note;
    int64_t created_at;
} roles_note_t;

/* Newest first, at most 200. */
err_t roles_repo_notes(db_t *db, mem_arena_t *a, int64_t org, int64_t role_id, roles_note_t **out, size_t *n);
err_t roles_repo_note_add(db_t *db, int64_t org, roles_note_t *note);

/* ---- role_criteria / org_criteria (criteria_repo.c) ---- */

/* Criteria rows are objects {id, role_id|organization_id, source,
 * ordering, weight, must_have, bucket, org_criterion_id, customized_at,
 * text, created_at, updated_at} (times µs or null). */
err_t roles_repo_criteria(db_t *db, mem_arena_t *a, int64_t role_id, json_t **rows);
err_t roles_repo_criterion_add(db_t *db, mem_arena_t *a, int64_t role_id, const json_t *c, int64_t *id);
err_t roles_repo_criterion_update(db_t *db, mem_arena_t *a, int64_t role_id, int64_t id, const json_t *set);
err_t roles_repo_criterion_delete(db_t *db, int64_t role_id, int64_t id);
/* Hard-deletes every live non-derived chip of the role. */
err_t roles_repo_criteria_clear(db_t *db, int64_t role_id);

err_t roles_repo_org_criteria(db_t *db, mem_arena_t *a, int64_t org, json_t **rows);
err_t roles_repo_org_criterion(db_t *db, mem_arena_t *a, int64_t org, int64_t id, json_t **row);
err_t roles_repo_org_criterion_add(db_t *db, mem_arena_t *a, int64_t org, const json_t *c, int64_t *id);
err_t roles_repo_org_criterion_update(db_t *db, mem_arena_t *a, int64_t org, int64_t id, const json_t *set);
err_t roles_repo_org_criterion_delete(db_t *db, int64_t org, int64_t id, int64_t now);

#endif
