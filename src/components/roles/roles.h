/* roles: the jobs of the hiring loop (spec v2/hiring-loop.md §2-§4).  The
 * component owns `roles`, `role_tasks`, `job_hiring_team`,
 * `role_change_events`, `role_feedback_notes`, `role_criteria` and
 * `org_criteria`, serves R1-R12, C1-C5, O1-O4, T1-T3, H1-H3, F1-F2 and
 * E1, and offers the other components of the loop (applications,
 * interviews, share links) the two things they need of a role: the
 * per-job permission check of §1.2 and a short description of one role.
 *
 * What a role shows of its applications and assessments (counts, the
 * stage buckets of §2.2, "cannot delete a role with applications") comes
 * from the components that own those rows, through hooks main.c installs:
 * roles never includes them, so they may include this header. */
#ifndef TALI_COMPONENTS_ROLES_H
#define TALI_COMPONENTS_ROLES_H

#include <stdbool.h>
#include <stdint.h>

#include "components/auth/auth.h"
#include "platform/db.h"
#include "platform/err.h"
#include "platform/http.h"
#include "platform/mem.h"

/* The per-job permissions of §1.2. */
typedef enum {
    ROLES_PERM_VIEW,
    ROLES_PERM_EDIT_ROLE,
    ROLES_PERM_CONTROL_AGENT,
    ROLES_PERM_MANAGE_HIRING_TEAM,
    ROLES_PERM_DELETE_ROLE,
} roles_perm_t;

/* What another component may know of one live role (strings in the
 * caller's arena). */
typedef struct {
    int64_t id;
    int64_t organization_id;
    int64_t version;
    const char *name;
    const char *role_kind;       /* "standard" | "sister" */
    const char *source;          /* "manual", "workable", ... */
    const char *workable_job_id; /* NULL when none */
    bool job_spec_present;       /* §2.1: file url, spec text or description non-blank */
} roles_ref_t;

/* require_job_permission (§1.2): ERR_OK with *out filled when u may act
 * with perm on role_id; ERR_FORBIDDEN (detail "Forbidden") when u has no
 * organisation or is inactive, the role is not a live role of u's
 * organisation, or u's membership of the hiring team does not grant perm.
 * For any permission but VIEW the role row is locked FOR UPDATE on
 * PostgreSQL, so call it inside the transaction that writes.  Else the
 * database error. */
err_t roles_authorize(db_t *db, mem_arena_t *a, const auth_user_t *u, int64_t role_id, roles_perm_t perm,
                      roles_ref_t *out);

/* The live role role_id of organisation org into *out; ERR_NOT_FOUND when
 * it is missing, another organisation's or soft-deleted. */
err_t roles_find(db_t *db, mem_arena_t *a, int64_t org, int64_t role_id, roles_ref_t *out);

/* The names of the given roles of organisation org (any state), as
 * (*names)[i] for ids[i], NULL for an id not found.  One query. */
err_t roles_names(db_t *db, mem_arena_t *a, int64_t org, const int64_t *ids, size_t n, const char ***names);

/* Whether task_id is linked to role_id (role_tasks). */
err_t roles_task_linked(db_t *db, int64_t role_id, int64_t task_id, bool *linked);

/* ---- hooks main.c installs ---- */

/* The stage buckets of §2.2, in this order in roles_pipeline_stats_t.stage. */
enum {
    ROLES_STAGE_SOURCED,
    ROLES_STAGE_APPLIED,
    ROLES_STAGE_SCORED,
    ROLES_STAGE_INVITED,
    ROLES_STAGE_COMPLETED,
    ROLES_STAGE_ADVANCED,
    ROLES_STAGE_REJECTED,
    ROLES_STAGE_IN_ASSESSMENT,
    ROLES_STAGE_NOT_YET_DECIDED,
    ROLES_STAGE_INVITED_DELIVERED,
    ROLES_STAGE_INVITED_OPENED,
    ROLES_STAGE_COUNT
};

/* What a role's RoleResponse shows of its applications. */
typedef struct {
    int64_t applications_count; /* live applications (§1.6) */
    int64_t active_count;       /* live applications with outcome open */
    bool has_last_activity;
    int64_t last_activity; /* µs: max(coalesce(stage updated, updated, created)) */
    int64_t stage[ROLES_STAGE_COUNT];
} roles_pipeline_stats_t;

/* Fills out[i] for role_ids[i] (all of organisation org), zeroed first.
 * with_stages false: only applications_count is needed. */
typedef err_t (*roles_stats_fn)(db_t *db, int64_t org, const int64_t *role_ids, size_t n, bool with_stages,
                                roles_pipeline_stats_t *out);

/* Whether any row of organisation org still names role_id (the R5 refusals
 * "Cannot delete role with applications" / "... with assessments"), and,
 * with task_id > 0, whether an assessment of the role uses that task (T3,
 * R9).  Each hook answers for its own table. */
typedef err_t (*roles_usage_fn)(db_t *db, int64_t org, int64_t role_id, int64_t task_id, bool *used);

/* Installs the applications component's statistics (NULL: zeros). */
void roles_set_stats_hook(roles_stats_fn fn);
/* Installs the probes R5/T3/R9 consult: applications of a role, and
 * assessments of a role (optionally of one task).  NULL: never used. */
void roles_set_usage_hooks(roles_usage_fn applications, roles_usage_fn assessments);

/* Registers the routes of §2-§4 on s. */
void roles_register(http_server_t *s);

#endif
