/* SQL of the access module (roles and job_hiring_team, this component's
 * tables). */
#include "components/roles/access_repo.h"

#include <stdio.h>
#include <string.h>

static bool roles_repo_blank(const char *s)
{
    if (!s)
        return true;
    for (; *s; s++)
        if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r' && *s != '\f' && *s != '\v')
            return false;
    return true;
}

static const char *roles_repo_dup(mem_arena_t *a, const db_res_t *r, int col)
{
    const char *s = db_res_text(r, 0, col);
    return s ? mem_strdup(a, s) : NULL;
}

err_t roles_repo_ref(db_t *db, mem_arena_t *a, int64_t org, int64_t id, bool lock, roles_ref_t *out, bool *found)
{
    char sql[512];
    snprintf(sql, sizeof sql,
             "SELECT id, organization_id, version, name, role_kind, source, workable_job_id, job_spec_file_url, "
             "job_spec_text, description FROM roles WHERE id = $1 AND organization_id = $2 AND deleted_at IS NULL%s",
             lock ? db_sql_for_update(db) : "");
    db_value_t p[] = {DB_V_INT(id), DB_V_INT(org)};
    db_res_t *r = NULL;
    err_t e = db_query(db, sql, p, 2, &r);
    if (e != ERR_OK)
        return e;
    *found = db_res_rows(r) > 0;
    if (*found) {
        memset(out, 0, sizeof *out);
        out->id = db_res_int(r, 0, 0);
        out->organization_id = db_res_int(r, 0, 1);
        out->version = db_res_int(r, 0, 2);
        out->name = roles_repo_dup(a, r, 3);
        out->role_kind = roles_repo_dup(a, r, 4);
        out->source = roles_repo_dup(a, r, 5);
        out->workable_job_id = roles_repo_dup(a, r, 6);
        out->job_spec_present = !roles_repo_blank(db_res_text(r, 0, 7)) || !roles_repo_blank(db_res_text(r, 0, 8)) ||
                                !roles_repo_blank(db_res_text(r, 0, 9));
    }
    db_res_free(r);
    return ERR_OK;
}

err_t roles_repo_team_role(db_t *db, mem_arena_t *a, int64_t org, int64_t role_id, int64_t user_id,
                           const char **team_role)
{
    db_value_t p[] = {DB_V_INT(org), DB_V_INT(role_id), DB_V_INT(user_id)};
    db_res_t *r = NULL;
    err_t e = db_query(db,
                       "SELECT team_role FROM job_hiring_team WHERE organization_id = $1 AND role_id = $2 "
                       "AND user_id = $3",
                       p, 3, &r);
    if (e != ERR_OK)
        return e;
    *team_role = db_res_rows(r) > 0 ? roles_repo_dup(a, r, 0) : NULL;
    db_res_free(r);
    return ERR_OK;
}

err_t roles_repo_names(db_t *db, mem_arena_t *a, int64_t org, const int64_t *ids, size_t n, const char ***names)
{
    *names = mem_alloc(a, (n ? n : 1) * sizeof **names);
    memset(*names, 0, (n ? n : 1) * sizeof **names);
    if (n == 0)
        return ERR_OK;
    /* only the ids asked for (integers, so written into the text) */
    mem_buf_t in = {0};
    for (size_t k = 0; k < n; k++)
        mem_buf_printf(&in, "%s%lld", k ? ", " : "", (long long)ids[k]);
    char *sql = mem_printf(a, "SELECT id, name FROM roles WHERE organization_id = $1 AND id IN (%s)", in.data);
    mem_buf_free(&in);
    db_value_t p[] = {DB_V_INT(org)};
    db_res_t *r = NULL;
    err_t e = db_query(db, sql, p, 1, &r);
    if (e != ERR_OK)
        return e;
    for (int i = 0; i < db_res_rows(r); i++) {
        int64_t id = db_res_int(r, i, 0);
        for (size_t k = 0; k < n; k++)
            if (ids[k] == id && db_res_text(r, i, 1))
                (*names)[k] = mem_strdup(a, db_res_text(r, i, 1));
    }
    db_res_free(r);
    return ERR_OK;
}

err_t roles_repo_task_linked(db_t *db, int64_t role_id, int64_t task_id, bool *linked)
{
    db_value_t p[] = {DB_V_INT(role_id), DB_V_INT(task_id)};
    db_res_t *r = NULL;
    err_t e = db_query(db, "SELECT 1 FROM role_tasks WHERE role_id = $1 AND task_id = $2", p, 2, &r);
    if (e != ERR_OK)
        return e;
    *linked = db_res_rows(r) > 0;
    db_res_free(r);
    return ERR_OK;
}
