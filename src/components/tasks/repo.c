/* SQL on `tasks` (this component's table only).  Every value travels as a
 * parameter; the only text spliced into statements is column names from
 * the fixed list of schema.c. */
#include "components/tasks/repo.h"

#include <stdio.h>
#include <string.h>

#define TASKS_COLS                                                                                                     \
    "id, organization_id, name, description, task_type, difficulty, duration_minutes, starter_code, "                  \
    "test_code, sample_data, dependencies, success_criteria, test_weights, is_template, is_active, "                   \
    "calibration_prompt, score_weights, recruiter_weight_preset, proctoring_enabled, created_at, "                     \
    "claude_budget_limit_usd, task_key, role, scenario, repo_structure, evaluation_rubric, extra_data"

static void tasks_repo_row(const db_res_t *r, int i, mem_arena_t *a, task_t *t)
{
    memset(t, 0, sizeof *t);
    t->id = db_res_int(r, i, 0);
    t->has_organization = !db_res_isnull(r, i, 1);
    t->organization_id = db_res_int(r, i, 1);
    t->name = mem_strdup(a, db_res_text(r, i, 2));
    t->description = mem_strdup(a, db_res_text(r, i, 3));
    t->task_type = mem_strdup(a, db_res_text(r, i, 4));
    t->difficulty = mem_strdup(a, db_res_text(r, i, 5));
    t->duration_minutes = db_res_isnull(r, i, 6) ? 30 : db_res_int(r, i, 6);
    t->starter_code = mem_strdup(a, db_res_text(r, i, 7));
    t->test_code = mem_strdup(a, db_res_text(r, i, 8));
    t->sample_data = mem_strdup(a, db_res_text(r, i, 9));
    t->dependencies = mem_strdup(a, db_res_text(r, i, 10));
    t->success_criteria = mem_strdup(a, db_res_text(r, i, 11));
    t->test_weights = mem_strdup(a, db_res_text(r, i, 12));
    t->is_template = db_res_isnull(r, i, 13) ? false : db_res_bool(r, i, 13);
    t->is_active = db_res_isnull(r, i, 14) ? true : db_res_bool(r, i, 14);
    t->calibration_prompt = mem_strdup(a, db_res_text(r, i, 15));
    t->score_weights = mem_strdup(a, db_res_text(r, i, 16));
    t->recruiter_weight_preset = mem_strdup(a, db_res_text(r, i, 17));
    t->proctoring_enabled = db_res_isnull(r, i, 18) ? false : db_res_bool(r, i, 18);
    t->has_created_at = !db_res_isnull(r, i, 19);
    t->created_at = db_res_time(r, i, 19);
    t->has_claude_budget_limit_usd = !db_res_isnull(r, i, 20);
    t->claude_budget_limit_usd = db_res_real(r, i, 20);
    t->task_key = mem_strdup(a, db_res_text(r, i, 21));
    t->role = mem_strdup(a, db_res_text(r, i, 22));
    t->scenario = mem_strdup(a, db_res_text(r, i, 23));
    t->repo_structure = mem_strdup(a, db_res_text(r, i, 24));
    t->evaluation_rubric = mem_strdup(a, db_res_text(r, i, 25));
    t->extra_data = mem_strdup(a, db_res_text(r, i, 26));
}

err_t tasks_repo_get(db_t *db, mem_arena_t *a, tasks_scope_t scope, tasks_owner_t owner, int64_t id, task_t *out,
                     bool *found)
{
    const char *sql;
    db_value_t p[3] = {DB_V_INT(id)};
    int np = 1;
    switch (scope) {
    case TASKS_SCOPE_OWN:
        if (owner.has_org) {
            sql = "SELECT " TASKS_COLS " FROM tasks WHERE id = $1 AND organization_id = $2";
            p[np++] = DB_V_INT(owner.org_id);
        } else {
            sql = "SELECT " TASKS_COLS " FROM tasks WHERE id = $1 AND organization_id IS NULL";
        }
        break;
    case TASKS_SCOPE_VISIBLE:
        if (owner.has_org) {
            sql = "SELECT " TASKS_COLS " FROM tasks WHERE id = $1 AND (organization_id = $2 OR is_template = $3)";
            p[np++] = DB_V_INT(owner.org_id);
        } else {
            sql = "SELECT " TASKS_COLS " FROM tasks WHERE id = $1 AND (organization_id IS NULL OR is_template = $2)";
        }
        p[np++] = DB_V_BOOL(true);
        break;
    default: sql = "SELECT " TASKS_COLS " FROM tasks WHERE id = $1"; break;
    }
    db_res_t *r = NULL;
    err_t e = db_query(db, sql, p, np, &r);
    if (e != ERR_OK)
        return e;
    *found = db_res_rows(r) > 0;
    if (*found)
        tasks_repo_row(r, 0, a, out);
    db_res_free(r);
    return ERR_OK;
}

/* Runs a list query and reads every row into *out (arena a). */
static err_t tasks_repo_list(db_t *db, mem_arena_t *a, const char *sql, db_value_t *p, int np, task_t **out, size_t *n)
{
    db_res_t *r = NULL;
    err_t e = db_query(db, sql, p, np, &r);
    if (e != ERR_OK)
        return e;
    int rows = db_res_rows(r);
    task_t *v = mem_alloc(a, (size_t)(rows > 0 ? rows : 1) * sizeof *v);
    for (int i = 0; i < rows; i++)
        tasks_repo_row(r, i, a, &v[i]);
    db_res_free(r);
    *out = v;
    *n = (size_t)rows;
    return ERR_OK;
}

err_t tasks_repo_list_visible(db_t *db, mem_arena_t *a, tasks_owner_t owner, task_t **out, size_t *n)
{
    /* active tasks only (D25); NULL is_active reads as true, as in reads */
    db_value_t p[3];
    int np = 0;
    const char *sql;
    if (owner.has_org) {
        sql = "SELECT " TASKS_COLS " FROM tasks WHERE (organization_id = $1 OR is_template = $2) "
              "AND (is_active = $3 OR is_active IS NULL) ORDER BY id";
        p[np++] = DB_V_INT(owner.org_id);
    } else {
        sql = "SELECT " TASKS_COLS " FROM tasks WHERE (organization_id IS NULL OR is_template = $1) "
              "AND (is_active = $2 OR is_active IS NULL) ORDER BY id";
    }
    p[np++] = DB_V_BOOL(true);
    p[np++] = DB_V_BOOL(true);
    return tasks_repo_list(db, a, sql, p, np, out, n);
}

err_t tasks_repo_list_inactive(db_t *db, mem_arena_t *a, tasks_owner_t owner, task_t **out, size_t *n)
{
    db_value_t p[2];
    int np = 0;
    const char *sql;
    if (owner.has_org) {
        sql = "SELECT " TASKS_COLS " FROM tasks WHERE organization_id = $1 AND is_active = $2 ORDER BY id DESC";
        p[np++] = DB_V_INT(owner.org_id);
    } else {
        sql = "SELECT " TASKS_COLS " FROM tasks WHERE organization_id IS NULL AND is_active = $1 ORDER BY id DESC";
    }
    p[np++] = DB_V_BOOL(false);
    return tasks_repo_list(db, a, sql, p, np, out, n);
}

err_t tasks_repo_insert(db_t *db, tasks_owner_t owner, const tasks_new_t *in, int64_t now_us, int64_t *id)
{
    db_value_t p[] = {
        owner.has_org ? DB_V_INT(owner.org_id) : DB_V_NULL,
        DB_V_TEXT(in->name),
        DB_V_TEXT(in->description),
        DB_V_TEXT(in->task_type),
        DB_V_TEXT(in->difficulty),
        DB_V_INT(in->duration_minutes),
        DB_V_TEXT(in->starter_code),
        DB_V_TEXT(in->test_code),
        DB_V_JSON(in->sample_data),
        DB_V_JSON(in->dependencies),
        DB_V_JSON(in->success_criteria),
        DB_V_JSON(in->test_weights),
        DB_V_BOOL(in->is_template),
        DB_V_BOOL(true),
        DB_V_TEXT(in->calibration_prompt),
        DB_V_JSON(in->score_weights),
        DB_V_TEXT(in->recruiter_weight_preset),
        DB_V_BOOL(in->proctoring_enabled),
        DB_V_TIME(now_us),
        in->has_claude_budget_limit_usd ? DB_V_REAL(in->claude_budget_limit_usd) : DB_V_NULL,
        DB_V_TEXT(in->task_key),
        DB_V_TEXT(in->role),
        DB_V_TEXT(in->scenario),
        DB_V_JSON(in->repo_structure),
        DB_V_JSON(in->evaluation_rubric),
        DB_V_JSON(in->extra_data),
    };
    db_res_t *r = NULL;
    err_t e = db_query(db,
                       "INSERT INTO tasks (organization_id, name, description, task_type, difficulty, "
                       "duration_minutes, starter_code, test_code, sample_data, dependencies, success_criteria, "
                       "test_weights, is_template, is_active, calibration_prompt, score_weights, "
                       "recruiter_weight_preset, proctoring_enabled, created_at, claude_budget_limit_usd, task_key, "
                       "role, scenario, repo_structure, evaluation_rubric, extra_data) VALUES ($1, $2, $3, $4, $5, "
                       "$6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, "
                       "$25, $26) RETURNING id",
                       p, (int)(sizeof p / sizeof p[0]), &r);
    if (e != ERR_OK)
        return e;
    if (db_res_rows(r) != 1) {
        db_res_free(r);
        return ERR_INTERNAL;
    }
    *id = db_res_int(r, 0, 0);
    db_res_free(r);
    return ERR_OK;
}

err_t tasks_repo_update(db_t *db, int64_t id, const tasks_patch_t *p, int64_t now_us)
{
    db_value_t params[TASKS_PATCH_MAX + 2];
    mem_buf_t sql = {0};
    mem_buf_puts(&sql, "UPDATE tasks SET ");
    int np = 0;
    for (int i = 0; i < p->n && i < TASKS_PATCH_MAX; i++) {
        params[np] = p->set[i].value;
        np++;
        mem_buf_printf(&sql, "%s = $%d, ", p->set[i].column, np);
    }
    params[np++] = DB_V_TIME(now_us);
    mem_buf_printf(&sql, "updated_at = $%d", np);
    params[np++] = DB_V_INT(id);
    mem_buf_printf(&sql, " WHERE id = $%d", np);
    err_t e = db_exec(db, sql.data, params, np, NULL);
    mem_buf_free(&sql);
    return e;
}

err_t tasks_repo_delete(db_t *db, int64_t id, int64_t *affected)
{
    db_value_t p[] = {DB_V_INT(id)};
    return db_exec(db, "DELETE FROM tasks WHERE id = $1", p, 1, affected);
}

err_t tasks_first_active_for_org(db_t *db, int64_t org_id, int64_t *task_id, int64_t *duration_minutes, bool *found)
{
    *found = false;
    db_value_t p[] = {DB_V_INT(org_id), DB_V_BOOL(true)};
    db_res_t *r = NULL;
    err_t e = db_query(db,
                       "SELECT id, duration_minutes FROM tasks WHERE organization_id = $1 AND is_active = $2 "
                       "ORDER BY id LIMIT 1",
                       p, 2, &r);
    if (e != ERR_OK)
        return e;
    if (db_res_rows(r) > 0) {
        *found = true;
        *task_id = db_res_int(r, 0, 0);
        /* "task.duration_minutes or 30": NULL and 0 both give 30 */
        int64_t d = db_res_isnull(r, 0, 1) ? 0 : db_res_int(r, 0, 1);
        *duration_minutes = d ? d : 30;
    }
    db_res_free(r);
    return ERR_OK;
}
