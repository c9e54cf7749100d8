/* Declarations shared by the files of the tasks component (not part of
 * its interface: other components include tasks.h). */
#ifndef TALI_COMPONENTS_TASKS_INTERNAL_H
#define TALI_COMPONENTS_TASKS_INTERNAL_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "components/tasks/tasks.h"
#include "platform/db.h"
#include "platform/err.h"
#include "platform/mem.h"
#include "platform/validate.h"

/* Who is asking: the recruiter's organisation (has_org false: none). */
typedef struct {
    bool has_org;
    int64_t org_id;
} tasks_owner_t;

/* A validated T2 body.  JSON fields are JSON text (NULL = null). */
typedef struct {
    const char *name;
    const char *description;
    const char *task_type;
    const char *difficulty;
    int64_t duration_minutes;
    const char *starter_code;
    const char *test_code;
    const char *sample_data;
    const char *dependencies;
    const char *success_criteria;
    const char *test_weights;
    bool is_template;
    const char *calibration_prompt;
    const char *score_weights;
    const char *recruiter_weight_preset;
    bool proctoring_enabled;
    bool has_claude_budget_limit_usd;
    double claude_budget_limit_usd;
    const char *task_key; /* body key task_key, or its alias task_id */
    const char *role;
    const char *scenario;
    const char *repo_structure; /* JSON text; the service builds the default */
    const char *evaluation_rubric;
    const char *extra_data; /* JSON text, expected_* folded in */
} tasks_new_t;

/* A validated T5 body: the columns present in the body, in body-schema
 * order, with the values to write (DB_NULL for an explicit null).  column
 * is always one of the literal names in schema.c. */
#define TASKS_PATCH_MAX 32
typedef struct {
    struct {
        const char *column;
        db_value_t value;
    } set[TASKS_PATCH_MAX];
    int n;
} tasks_patch_t;

/* A validated T1 body. */
typedef struct {
    const char *prompt;
    const char *difficulty; /* NULL when absent or null */
    bool has_duration;
    int64_t duration_minutes;
} tasks_generate_in_t;

/* ---- schema.c: validation (problems appended to v) and encoding ---- */

/* Body of T2.  Strings and JSON text live in arena a.  Returns false when
 * v received problems. */
bool tasks_schema_new(vld_t *v, mem_arena_t *a, const json_t *body, tasks_new_t *out);
/* Body of T5. */
bool tasks_schema_patch(vld_t *v, mem_arena_t *a, const json_t *body, tasks_patch_t *out);
/* Body of T1. */
bool tasks_schema_generate(vld_t *v, const json_t *body, tasks_generate_in_t *out);
/* The path parameter task_id (int, loc ["path","task_id"]). */
bool tasks_schema_task_id(vld_t *v, const char *raw, int64_t *id);

/* The user message of the generation call: the prompt, then
 * "\nDifficulty level: X" and "\nTarget duration: N minutes" when given.
 * Owned by a. */
char *tasks_schema_generate_prompt(mem_arena_t *a, const tasks_generate_in_t *in);

/* Outcome of reading the model's answer to a generation call. */
typedef enum {
    TASKS_GEN_OK = 0,
    TASKS_GEN_NOT_JSON,   /* 502 invalid response */
    TASKS_GEN_INCOMPLETE, /* 502 one of the 7 keys missing */
    TASKS_GEN_BAD_TYPES,  /* 500: a value of the wrong type */
} tasks_gen_parse_t;

/* Reads the model's text into the 7-key response object
 * {name, description, task_type, difficulty, duration_minutes,
 * starter_code, test_code} (*out, a new reference, only on TASKS_GEN_OK). */
tasks_gen_parse_t tasks_schema_generated(const char *text, json_t **out);

/* The repository the original built for a task given starter and test
 * code only: {"name": slug of name, "files": {"README.md", "src/task.py",
 * "tests/test_task.py" when test_code}} as JSON text in a. */
const char *tasks_schema_default_repo(mem_arena_t *a, const char *name, const char *scenario, const char *starter,
                                      const char *test);

/* ---- service.c ---- */

/* detail receives the contract's message for every failure. */
err_t tasks_svc_generate(mem_arena_t *a, const tasks_generate_in_t *in, json_t **out, const char **detail);
err_t tasks_svc_create(db_t *db, mem_arena_t *a, tasks_owner_t owner, const tasks_new_t *in, task_t *out,
                       const char **detail);
err_t tasks_svc_list(db_t *db, mem_arena_t *a, tasks_owner_t owner, task_t **out, size_t *n, const char **detail);
/* The owner's inactive generated drafts (extra_data.generated), newest
 * first. */
err_t tasks_svc_drafts(db_t *db, mem_arena_t *a, tasks_owner_t owner, task_t **out, size_t *n, const char **detail);
err_t tasks_svc_get(db_t *db, mem_arena_t *a, tasks_owner_t owner, int64_t id, task_t *out, const char **detail);
err_t tasks_svc_update(db_t *db, mem_arena_t *a, tasks_owner_t owner, int64_t id, const tasks_patch_t *p, task_t *out,
                       const char **detail);
err_t tasks_svc_delete(db_t *db, tasks_owner_t owner, int64_t id, const char **detail);

#endif
