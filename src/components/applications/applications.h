/* applications: candidate applications to roles (spec v2/hiring-loop.md
 * §6) and their event ledger (§7).  The component owns
 * `candidate_applications` and `candidate_application_events`, serves
 * A1, A2, A4-A11, P1, EV1 and EV2, and offers the roles component the two
 * hooks it needs (counts and stage buckets of §2.2, "role has
 * applications").  It reaches roles, candidates and auth through their
 * public headers; none of them includes this one (main.c installs the
 * hooks). */
#ifndef TALI_COMPONENTS_APPLICATIONS_H
#define TALI_COMPONENTS_APPLICATIONS_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "components/roles/roles.h"
#include "platform/db.h"
#include "platform/err.h"
#include "platform/http.h"

/* roles_stats_fn: applications_count, active_count, last activity and the
 * stage buckets of §2.2 of each role (live applications only). */
err_t applications_role_stats(db_t *db, int64_t org, const int64_t *role_ids, size_t n, bool with_stages,
                              roles_pipeline_stats_t *out);

/* roles_usage_fn: *used when any application of organisation org names
 * role_id, soft-deleted ones included (R5 "Cannot delete role with
 * applications").  task_id is ignored. */
err_t applications_role_used(db_t *db, int64_t org, int64_t role_id, int64_t task_id, bool *used);

/* ---- what other components read of an application (reads.c) ---- */

/* An application as a link points at it (strings in the caller's arena). */
typedef struct {
    int64_t id, organization_id, candidate_id, role_id;
    const char *candidate_name; /* the person's full_name, else email */
} applications_ref_t;

/* The live application id of organisation org (§1.6: not soft-deleted,
 * its person live too) into *out.  ERR_NOT_FOUND otherwise; else the
 * database error. */
err_t applications_find(db_t *db, mem_arena_t *a, int64_t org, int64_t id, applications_ref_t *out);

/* The A7 payload (ApplicationDetailResponse, without cv_text) of the live
 * application id of org, as a new JSON object in *out.  ERR_NOT_FOUND as
 * applications_find. */
err_t applications_detail_json(db_t *db, mem_arena_t *a, int64_t org, int64_t id, json_t **out);

/* The newest limit events (EV1 items) of application app_id on role
 * role_id, as a new JSON array in *out. */
err_t applications_events_json(db_t *db, mem_arena_t *a, int64_t org, int64_t app_id, int64_t role_id, int64_t limit,
                               json_t **out);

/* ---- deleting a person's applications ---- */

/* What another component does when an application is deleted: drop or
 * unlink its rows naming application_id, on db inside the caller's
 * transaction.  A non-OK return rolls the whole delete back. */
typedef err_t (*applications_delete_hook_fn)(db_t *db, int64_t application_id);

/* Adds fn to the hooks run for each deleted application (at most
 * APPLICATIONS_DELETE_HOOKS; start-up only, read without locking). */
#define APPLICATIONS_DELETE_HOOKS 4
void applications_add_delete_hook(applications_delete_hook_fn fn);

/* The candidates component's delete hook: deletes every application of
 * candidate_id (soft-deleted ones too) with its events, after running the
 * application delete hooks for each, on db inside the caller's
 * transaction.  Returns the first error. */
err_t applications_forget_candidate(db_t *db, int64_t candidate_id);

/* Registers the routes of §6 and §7 on s. */
void applications_register(http_server_t *s);

#endif
