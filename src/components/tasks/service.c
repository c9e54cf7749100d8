/* Business logic of tasks: tenancy, the authoring switch (D24), the
 * delete guard, today's repository default, the drafts list, and AI task
 * generation through the LLM interface (claude.h). */
#include <string.h>

#include "components/integrations/claude/claude.h"
#include "components/tasks/internal.h"
#include "components/tasks/repo.h"
#include "platform/config.h"
#include "platform/log.h"

/* Set once at start-up (tasks_set_in_use_check), read-only afterwards. */
static tasks_in_use_fn tasks_in_use_check;

void tasks_set_in_use_check(tasks_in_use_fn fn)
{
    tasks_in_use_check = fn;
}

/* ---- reads for other components ---- */

static err_t tasks_read(db_t *db, mem_arena_t *a, tasks_scope_t scope, tasks_owner_t owner, int64_t id, task_t *out)
{
    bool found = false;
    err_t e = tasks_repo_get(db, a, scope, owner, id, out, &found);
    if (e != ERR_OK)
        return e;
    return found ? ERR_OK : ERR_NOT_FOUND;
}

err_t tasks_get_visible(db_t *db, mem_arena_t *a, bool has_org, int64_t org_id, int64_t task_id, task_t *out)
{
    tasks_owner_t owner = {has_org, org_id};
    return tasks_read(db, a, TASKS_SCOPE_VISIBLE, owner, task_id, out);
}

err_t tasks_get_for_org(db_t *db, mem_arena_t *a, bool has_org, int64_t org_id, int64_t task_id, task_t *out)
{
    tasks_owner_t owner = {has_org, org_id};
    return tasks_read(db, a, TASKS_SCOPE_OWN, owner, task_id, out);
}

err_t tasks_get(db_t *db, mem_arena_t *a, int64_t task_id, task_t *out)
{
    tasks_owner_t none = {false, 0};
    return tasks_read(db, a, TASKS_SCOPE_ANY, none, task_id, out);
}

/* ---- T2-T6 ---- */

/* T2, T5 and T6 answer 501 when authoring is switched off (D24: on by
 * default here, since the February UI creates and edits tasks). */
static bool tasks_authoring_off(const char **detail)
{
    if (cfg && !cfg->task_authoring_api_enabled) {
        *detail = "Task authoring via API is disabled. Tasks are backend-managed only.";
        return true;
    }
    return false;
}

err_t tasks_svc_create(db_t *db, mem_arena_t *a, tasks_owner_t owner, const tasks_new_t *in, task_t *out,
                       const char **detail)
{
    if (tasks_authoring_off(detail))
        return ERR_NOT_IMPLEMENTED;
    *detail = "Failed to create task";
    int64_t id = 0;
    err_t e = tasks_repo_insert(db, owner, in, db_now_us(), &id);
    if (e == ERR_OK)
        e = tasks_read(db, a, TASKS_SCOPE_ANY, owner, id, out);
    if (e != ERR_OK) {
        log_error("tali.tasks", "creating a task failed: %s", err_name(e));
        return e == ERR_UNAVAILABLE ? ERR_UNAVAILABLE : ERR_INTERNAL;
    }
    return ERR_OK;
}

err_t tasks_svc_list(db_t *db, mem_arena_t *a, tasks_owner_t owner, task_t **out, size_t *n, const char **detail)
{
    *detail = "Failed to load tasks";
    err_t e = tasks_repo_list_visible(db, a, owner, out, n);
    if (e != ERR_OK)
        return e == ERR_UNAVAILABLE ? ERR_UNAVAILABLE : ERR_INTERNAL;
    return ERR_OK;
}

static bool tasks_is_generated(const task_t *t)
{
    json_t *x = tasks_json_column(t->extra_data);
    json_t *g = json_is_object(x) ? json_object_get(x, "generated") : NULL;
    bool yes = g && !json_is_null(g) && !json_is_false(g) && !(json_is_integer(g) && json_integer_value(g) == 0) &&
               !(json_is_real(g) && json_real_value(g) == 0) && !(json_is_string(g) && json_string_length(g) == 0) &&
               !(json_is_array(g) && json_array_size(g) == 0) && !(json_is_object(g) && json_object_size(g) == 0);
    json_decref(x);
    return yes;
}

err_t tasks_svc_drafts(db_t *db, mem_arena_t *a, tasks_owner_t owner, task_t **out, size_t *n, const char **detail)
{
    *detail = "Failed to load tasks";
    task_t *all = NULL;
    size_t total = 0;
    err_t e = tasks_repo_list_inactive(db, a, owner, &all, &total);
    if (e != ERR_OK)
        return e == ERR_UNAVAILABLE ? ERR_UNAVAILABLE : ERR_INTERNAL;
    size_t k = 0;
    for (size_t i = 0; i < total; i++)
        if (tasks_is_generated(&all[i]))
            all[k++] = all[i];
    *out = all;
    *n = k;
    return ERR_OK;
}

err_t tasks_svc_get(db_t *db, mem_arena_t *a, tasks_owner_t owner, int64_t id, task_t *out, const char **detail)
{
    err_t e = tasks_read(db, a, TASKS_SCOPE_VISIBLE, owner, id, out);
    if (e == ERR_NOT_FOUND) {
        *detail = "Task not found";
        return e;
    }
    *detail = "Failed to load task";
    return e == ERR_OK || e == ERR_UNAVAILABLE ? e : ERR_INTERNAL;
}

/* The patch's entry for column, or -1. */
static int tasks_patch_find(const tasks_patch_t *p, const char *column)
{
    for (int i = 0; i < p->n; i++)
        if (strcmp(p->set[i].column, column) == 0)
            return i;
    return -1;
}

/* The patch's text for column when it sets one, else fallback. */
static const char *tasks_patch_text(const tasks_patch_t *p, const char *column, const char *fallback)
{
    int i = tasks_patch_find(p, column);
    return i >= 0 && p->set[i].value.type != DB_NULL ? p->set[i].value.s : fallback;
}

static bool tasks_nonempty_object(const char *json_text)
{
    json_t *j = tasks_json_column(json_text);
    bool yes = json_is_object(j) && json_object_size(j) > 0;
    json_decref(j);
    return yes;
}

/* The original's repository default on update: unless the patch gives a
 * non-empty repo_structure, or the task has one and the patch names
 * neither starter_code nor test_code, the default repository of the
 * resulting starter and test code is written (when there is any code). */
static void tasks_patch_default_repo(mem_arena_t *a, const task_t *cur, tasks_patch_t *p)
{
    int ri = tasks_patch_find(p, "repo_structure");
    if (ri >= 0 && p->set[ri].value.type != DB_NULL && tasks_nonempty_object(p->set[ri].value.s))
        return;
    bool code_named = tasks_patch_find(p, "starter_code") >= 0 || tasks_patch_find(p, "test_code") >= 0;
    if (tasks_nonempty_object(cur->repo_structure) && !code_named)
        return;
    const char *starter = tasks_patch_text(p, "starter_code", cur->starter_code);
    const char *test = tasks_patch_text(p, "test_code", cur->test_code);
    if (!(starter && *starter) && !(test && *test))
        return;
    const char *name = tasks_patch_text(p, "name", cur->name);
    const char *scenario = tasks_patch_text(p, "scenario", NULL);
    if (!scenario || !*scenario)
        scenario = tasks_patch_text(p, "description", NULL);
    if (!scenario || !*scenario)
        scenario = cur->scenario;
    db_value_t v = DB_V_JSON(tasks_schema_default_repo(a, name, scenario, starter, test));
    if (ri >= 0) {
        p->set[ri].value = v;
    } else if (p->n < TASKS_PATCH_MAX) {
        p->set[p->n].column = "repo_structure";
        p->set[p->n].value = v;
        p->n++;
    }
}

err_t tasks_svc_update(db_t *db, mem_arena_t *a, tasks_owner_t owner, int64_t id, const tasks_patch_t *in, task_t *out,
                       const char **detail)
{
    if (tasks_authoring_off(detail))
        return ERR_NOT_IMPLEMENTED;
    tasks_patch_t patch = *in, *p = &patch;
    task_t cur;
    err_t e = tasks_read(db, a, TASKS_SCOPE_OWN, owner, id, &cur);
    if (e == ERR_NOT_FOUND) {
        *detail = "Task not found";
        return e;
    }
    *detail = "Failed to update task";
    if (e != ERR_OK)
        return e == ERR_UNAVAILABLE ? e : ERR_INTERNAL;
    /* name is NOT NULL: the original's commit failed on a null name and
     * answered this 500; refuse it before touching the row. */
    for (int i = 0; i < p->n; i++)
        if (strcmp(p->set[i].column, "name") == 0 && p->set[i].value.type == DB_NULL)
            return ERR_INTERNAL;
    tasks_patch_default_repo(a, &cur, p);
    e = tasks_repo_update(db, id, p, db_now_us());
    if (e == ERR_OK)
        e = tasks_read(db, a, TASKS_SCOPE_ANY, owner, id, out);
    if (e != ERR_OK) {
        log_error("tali.tasks", "updating task %lld failed: %s", (long long)id, err_name(e));
        return e == ERR_UNAVAILABLE ? e : ERR_INTERNAL;
    }
    return ERR_OK;
}

err_t tasks_svc_delete(db_t *db, tasks_owner_t owner, int64_t id, const char **detail)
{
    static const char in_use[] = "Cannot delete task: it is used by one or more assessments";
    if (tasks_authoring_off(detail))
        return ERR_NOT_IMPLEMENTED;
    mem_arena_t *a = mem_arena_new();
    task_t cur;
    err_t e = tasks_read(db, a, TASKS_SCOPE_OWN, owner, id, &cur);
    mem_arena_free(a);
    if (e == ERR_NOT_FOUND) {
        *detail = "Task not found";
        return e;
    }
    *detail = "Failed to delete task";
    if (e != ERR_OK)
        return e == ERR_UNAVAILABLE ? e : ERR_INTERNAL;
    if (tasks_in_use_check) {
        bool used = false;
        e = tasks_in_use_check(db, id, &used);
        if (e != ERR_OK)
            return e == ERR_UNAVAILABLE ? e : ERR_INTERNAL;
        if (used) {
            *detail = in_use;
            return ERR_BAD_REQUEST;
        }
    }
    int64_t n = 0;
    e = tasks_repo_delete(db, id, &n);
    if (e == ERR_CONFLICT) {
        /* A foreign key from assessments still points at the task. */
        *detail = in_use;
        return ERR_BAD_REQUEST;
    }
    if (e != ERR_OK) {
        log_error("tali.tasks", "deleting task %lld failed: %s", (long long)id, err_name(e));
        return e == ERR_UNAVAILABLE ? e : ERR_INTERNAL;
    }
    return ERR_OK;
}

/* ---- T1: generation ---- */

/* Our wording of the original's instructions (platform-integrations §4.1):
 * an assessment designer that answers with one JSON object holding the
 * seven fields, with the allowed values and sizes. */
static const char tasks_generate_system[] =
    "You are an expert technical assessment designer. You write realistic coding tasks that show how well "
    "an engineer works with an AI coding assistant.\n"
    "\n"
    "Reply with ONLY a JSON object, with no explanation and no markdown, holding exactly these keys:\n"
    "- \"name\": a short, descriptive task title\n"
    "- \"description\": what the candidate must do, the context, and what a good solution achieves\n"
    "- \"task_type\": one of \"debugging\", \"ai_engineering\", \"optimization\", \"build\", \"refactor\"\n"
    "- \"difficulty\": one of \"junior\", \"mid\", \"senior\", \"staff\"\n"
    "- \"duration_minutes\": an integer between 15 and 90\n"
    "- \"starter_code\": Python starter code of 20 to 80 lines that contains deliberate issues for the "
    "candidate to find and fix\n"
    "- \"test_code\": a pytest test file with 3 to 6 tests that pass once the task is solved\n";

err_t tasks_svc_generate(mem_arena_t *a, const tasks_generate_in_t *in, json_t **out, const char **detail)
{
    *out = NULL;
    if (!claude_configured()) {
        *detail = "Anthropic API key not configured";
        return ERR_UNAVAILABLE;
    }
    claude_request_t req = {
        .max_tokens = 1024,
        .system = tasks_generate_system,
        .user_message = tasks_schema_generate_prompt(a, in),
        .max_retries = -1,
    };
    claude_reply_t reply;
    err_t e = claude_messages(&req, &reply);
    if (e != ERR_OK) {
        claude_reply_free(&reply);
        *detail = "Failed to generate task \xE2\x80\x94 Claude API error";
        return ERR_BAD_GATEWAY;
    }
    tasks_gen_parse_t r = tasks_schema_generated(reply.text, out);
    claude_reply_free(&reply);
    switch (r) {
    case TASKS_GEN_OK: return ERR_OK;
    case TASKS_GEN_NOT_JSON:
        *detail = "AI generated an invalid response \xE2\x80\x94 please try again";
        return ERR_BAD_GATEWAY;
    case TASKS_GEN_INCOMPLETE:
        *detail = "AI response was incomplete \xE2\x80\x94 please try again";
        return ERR_BAD_GATEWAY;
    default:
        /* The original failed here with a plain-text 500 (its response
         * model rejected the values); policy fix 1 makes it a JSON 500. */
        log_error("tali.tasks", "generated task has values of the wrong type");
        *detail = "AI generated an invalid response \xE2\x80\x94 please try again";
        return ERR_INTERNAL;
    }
}
