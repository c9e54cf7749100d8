/* tasks: the coding tasks recruiters assess candidates on (table `tasks`,
 * domain-model §2.4) and the endpoints T1-T6 of api-contract §3: AI task
 * generation, create, list, get, patch, delete.  Other components reach
 * tasks only through this header.
 *
 * Tenancy: a recruiter sees the tasks of their organisation plus every
 * template (is_template) of any organisation; they may change or delete
 * only their organisation's tasks.  A recruiter without an organisation
 * owns the tasks that have none, as in the original.
 *
 * Deleting a task that assessments use is refused (T6 400).  The tasks
 * component knows nothing about assessments: the assessments component
 * hands it a check through tasks_set_in_use_check(), which main calls once
 * at start-up before the server starts.  Until a check is installed every
 * task counts as unused; a foreign-key violation on delete is reported
 * with the same 400 either way. */
#ifndef TALI_COMPONENTS_TASKS_H
#define TALI_COMPONENTS_TASKS_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "platform/db.h"
#include "platform/err.h"
#include "platform/http.h"
#include "platform/mem.h"

/* A task row.  Strings (JSON columns as JSON text) are owned by the arena
 * given to the read; NULL means SQL NULL. */
typedef struct {
    int64_t id;
    bool has_organization; /* false: organization_id is NULL */
    int64_t organization_id;
    const char *name;
    const char *description;
    const char *task_type;
    const char *difficulty;
    int64_t duration_minutes; /* NULL in the database reads as 30 (the column default) */
    const char *starter_code;
    const char *test_code;
    const char *sample_data;      /* JSON text */
    const char *dependencies;     /* JSON text */
    const char *success_criteria; /* JSON text */
    const char *test_weights;     /* JSON text */
    bool is_template;             /* NULL reads as false */
    bool is_active;               /* NULL reads as true */
    const char *calibration_prompt;
    const char *score_weights; /* JSON text */
    const char *recruiter_weight_preset;
    bool proctoring_enabled; /* NULL reads as false */
    bool has_created_at;
    int64_t created_at; /* µs since the epoch, UTC */
    /* today's fields (migration 010, v2 spec §2.10) */
    bool has_claude_budget_limit_usd;
    double claude_budget_limit_usd;
    const char *task_key;
    const char *role;
    const char *scenario;
    const char *repo_structure;    /* JSON text */
    const char *evaluation_rubric; /* JSON text */
    const char *extra_data;        /* JSON text */
} task_t;

/* Answers whether any assessment uses task_id (*in_use).  Returns
 * ERR_OK or the database error. */
typedef err_t (*tasks_in_use_fn)(db_t *db, int64_t task_id, bool *in_use);

/* Installs the check T6 runs before deleting (NULL removes it).  Call once
 * at start-up, before any request is served; not thread-safe. */
void tasks_set_in_use_check(tasks_in_use_fn fn);

/* Reads task_id as organisation org_id may see it: its own task (for
 * has_org false: a task with no organisation) or a template of any
 * organisation.  *out's strings live in arena a.  ERR_NOT_FOUND when
 * there is no such task or it belongs to another organisation and is not
 * a template; otherwise the database error. */
err_t tasks_get_visible(db_t *db, mem_arena_t *a, bool has_org, int64_t org_id, int64_t task_id, task_t *out);

/* Reads task_id only if it belongs to the organisation (for has_org
 * false: has no organisation), templates of other organisations
 * excluded (what S1 needs: it rejects them).  ERR_NOT_FOUND otherwise;
 * else the database error. */
err_t tasks_get_for_org(db_t *db, mem_arena_t *a, bool has_org, int64_t org_id, int64_t task_id, task_t *out);

/* Reads task_id whoever owns it (assessment flows that already hold a
 * task id).  ERR_NOT_FOUND or the database error. */
err_t tasks_get(db_t *db, mem_arena_t *a, int64_t task_id, task_t *out);

/* The Task object both clients read (D26): the fields of api-contract
 * §2.3 (id, name, description, task_type, difficulty, duration_minutes,
 * starter_code, test_code, is_template, is_active, created_at,
 * calibration_prompt, score_weights, recruiter_weight_preset,
 * proctoring_enabled), then today's claude_budget_limit_usd, task_key,
 * role, scenario, repo_structure, evaluation_rubric, extra_data,
 * main_repo_path (null: no repository snapshot is kept on disk),
 * template_repo_url (always null) and repo_file_count, nulls included,
 * created_at RFC 3339 UTC with "Z".  Stored JSON that does not parse, or
 * is not an object where one is expected, shows as null.  Returns a new
 * reference. */
json_t *tasks_json(const task_t *t);

/* A task's JSON column parsed (a new reference), or NULL when the column
 * is NULL or not JSON; for callers that need score_weights and the like
 * as values. */
json_t *tasks_json_column(const char *text);

/* The Workable webhook's task (repo.c): the first (lowest id)
 * task of organisation org_id with is_active true.  *found says whether
 * there is one; then *task_id and *duration_minutes (the task's, or 30
 * when it has none) are written.  Returns the database error, if any. */
err_t tasks_first_active_for_org(db_t *db, int64_t org_id, int64_t *task_id, int64_t *duration_minutes, bool *found);

/* Files in a repo_structure (JSON text): the distinct non-blank paths of
 * its "files" object, or of the path/name of each entry of its "files"
 * list; 0 for anything else. */
int64_t tasks_repo_file_count(const char *repo_structure);

/* Registers T1-T6 (/api/v1/tasks/...) and GET /tasks/drafts on s;
 * collection and generate routes answer with and without the trailing
 * slash. */
void tasks_register(http_server_t *s);

#endif
