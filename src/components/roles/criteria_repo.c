/* SQL of role_criteria and org_criteria (repo.h).  Rows are JSON objects
 * over the fixed column tables below; writes take an object of those
 * columns and bind every value as a parameter. */
#include <string.h>

#include "components/roles/repo.h"

static const roles_col_t roles_crit_cols[] = {
    {"id", ROLES_COL_INT, ROLES_AUDIT_NO},
    {"role_id", ROLES_COL_INT, ROLES_AUDIT_NO},
    {"source", ROLES_COL_TEXT, ROLES_AUDIT_NO},
    {"ordering", ROLES_COL_INT, ROLES_AUDIT_NO},
    {"weight", ROLES_COL_REAL, ROLES_AUDIT_NO},
    {"must_have", ROLES_COL_BOOL, ROLES_AUDIT_NO},
    {"text", ROLES_COL_TEXT, ROLES_AUDIT_NO},
    {"deleted_at", ROLES_COL_TIME, ROLES_AUDIT_NO},
    {"created_at", ROLES_COL_TIME, ROLES_AUDIT_NO},
    {"updated_at", ROLES_COL_TIME, ROLES_AUDIT_NO},
    {"bucket", ROLES_COL_TEXT, ROLES_AUDIT_NO},
    {"org_criterion_id", ROLES_COL_INT, ROLES_AUDIT_NO},
    {"customized_at", ROLES_COL_TIME, ROLES_AUDIT_NO},
};
#define ROLES_CRIT_NCOLS (sizeof roles_crit_cols / sizeof roles_crit_cols[0])
#define ROLES_CRIT_SELECT                                                                                              \
    "SELECT id, role_id, source, ordering, weight, must_have, text, deleted_at, created_at, updated_at, bucket, "      \
    "org_criterion_id, customized_at FROM role_criteria "

static const roles_col_t roles_org_cols[] = {
    {"id", ROLES_COL_INT, ROLES_AUDIT_NO},          {"organization_id", ROLES_COL_INT, ROLES_AUDIT_NO},
    {"ordering", ROLES_COL_INT, ROLES_AUDIT_NO},    {"weight", ROLES_COL_REAL, ROLES_AUDIT_NO},
    {"bucket", ROLES_COL_TEXT, ROLES_AUDIT_NO},     {"text", ROLES_COL_TEXT, ROLES_AUDIT_NO},
    {"deleted_at", ROLES_COL_TIME, ROLES_AUDIT_NO}, {"created_at", ROLES_COL_TIME, ROLES_AUDIT_NO},
    {"updated_at", ROLES_COL_TIME, ROLES_AUDIT_NO},
};
#define ROLES_ORG_NCOLS (sizeof roles_org_cols / sizeof roles_org_cols[0])
#define ROLES_ORG_SELECT                                                                                               \
    "SELECT id, organization_id, ordering, weight, bucket, text, deleted_at, created_at, updated_at FROM "             \
    "org_criteria "

static const roles_col_t *roles_crit_col(const roles_col_t *cols, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(cols[i].name, name) == 0)
            return &cols[i];
    return NULL;
}

static err_t roles_crit_read(db_t *db, mem_arena_t *a, const char *sql, const db_value_t *p, int np,
                             const roles_col_t *cols, size_t ncols, json_t **rows)
{
    db_res_t *r = NULL;
    err_t e = db_query(db, sql, p, np, &r);
    if (e != ERR_OK)
        return e;
    *rows = roles_keep(a, json_array());
    for (int i = 0; i < db_res_rows(r); i++) {
        json_t *o = json_object();
        for (size_t c = 0; c < ncols; c++)
            json_object_set_new(o, cols[c].name, roles_repo_value(r, i, (int)c, cols[c].type));
        json_array_append_new(*rows, o);
    }
    db_res_free(r);
    return ERR_OK;
}

/* "a = $k, b = $k+1" for the known columns of set; values into p from
 * index first.  Returns how many. */
static int roles_crit_assign(mem_arena_t *a, const json_t *set, const roles_col_t *cols, size_t ncols, mem_buf_t *b,
                             db_value_t *p, int first)
{
    int n = 0;
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)set, k, v)
    {
        const roles_col_t *c = roles_crit_col(cols, ncols, k);
        if (!c || strcmp(c->name, "id") == 0)
            continue;
        mem_buf_printf(b, "%s%s = $%d", n ? ", " : "", c->name, first + n);
        p[first - 1 + n] = roles_repo_param(a, c->type, v);
        n++;
    }
    return n;
}

/* INSERT of the known columns of set plus the scope column. */
static err_t roles_crit_insert(db_t *db, mem_arena_t *a, const char *table, const char *scope, int64_t scope_id,
                               const json_t *set, const roles_col_t *cols, size_t ncols, int64_t *id)
{
    mem_buf_t names = {0}, ph = {0};
    db_value_t *p = mem_alloc(a, (ncols + 1) * sizeof *p);
    p[0] = DB_V_INT(scope_id);
    mem_buf_puts(&names, scope);
    mem_buf_puts(&ph, "$1");
    int n = 1;
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)set, k, v)
    {
        const roles_col_t *c = roles_crit_col(cols, ncols, k);
        if (!c || strcmp(c->name, "id") == 0 || strcmp(c->name, scope) == 0)
            continue;
        mem_buf_printf(&names, ", %s", c->name);
        mem_buf_printf(&ph, ", $%d", n + 1);
        p[n++] = roles_repo_param(a, c->type, v);
    }
    const char *sql =
        strcmp(table, "org_criteria") == 0
            ? mem_printf(a, "INSERT INTO org_criteria (%s) VALUES (%s) RETURNING id", names.data, ph.data)
            : mem_printf(a, "INSERT INTO role_criteria (%s) VALUES (%s) RETURNING id", names.data, ph.data);
    mem_buf_free(&names);
    mem_buf_free(&ph);
    db_res_t *r = NULL;
    err_t e = db_query(db, sql, p, n, &r);
    if (e != ERR_OK)
        return e;
    *id = db_res_rows(r) > 0 ? db_res_int(r, 0, 0) : 0;
    db_res_free(r);
    return ERR_OK;
}

err_t roles_repo_criteria(db_t *db, mem_arena_t *a, int64_t role_id, json_t **rows)
{
    db_value_t p[] = {DB_V_INT(role_id)};
    return roles_crit_read(db, a, ROLES_CRIT_SELECT "WHERE role_id = $1 AND deleted_at IS NULL ORDER BY ordering, id",
                           p, 1, roles_crit_cols, ROLES_CRIT_NCOLS, rows);
}

err_t roles_repo_criterion_add(db_t *db, mem_arena_t *a, int64_t role_id, const json_t *c, int64_t *id)
{
    return roles_crit_insert(db, a, "role_criteria", "role_id", role_id, c, roles_crit_cols, ROLES_CRIT_NCOLS, id);
}

err_t roles_repo_criterion_update(db_t *db, mem_arena_t *a, int64_t role_id, int64_t id, const json_t *set)
{
    mem_buf_t b = {0};
    db_value_t *p = mem_alloc(a, (ROLES_CRIT_NCOLS + 2) * sizeof *p);
    int n = roles_crit_assign(a, set, roles_crit_cols, ROLES_CRIT_NCOLS, &b, p, 1);
    if (n == 0) {
        mem_buf_free(&b);
        return ERR_OK;
    }
    p[n] = DB_V_INT(id);
    p[n + 1] = DB_V_INT(role_id);
    const char *sql =
        mem_printf(a, "UPDATE role_criteria SET %s WHERE id = $%d AND role_id = $%d", b.data, n + 1, n + 2);
    mem_buf_free(&b);
    return db_exec(db, sql, p, n + 2, NULL);
}

err_t roles_repo_criterion_delete(db_t *db, int64_t role_id, int64_t id)
{
    db_value_t p[] = {DB_V_INT(id), DB_V_INT(role_id)};
    return db_exec(db, "DELETE FROM role_criteria WHERE id = $1 AND role_id = $2", p, 2, NULL);
}

err_t roles_repo_criteria_clear(db_t *db, int64_t role_id)
{
    db_value_t p[] = {DB_V_INT(role_id)};
    return db_exec(db,
                   "DELETE FROM role_criteria WHERE role_id = $1 AND deleted_at IS NULL AND source <> "
                   "'derived_from_spec'",
                   p, 1, NULL);
}

err_t roles_repo_org_criteria(db_t *db, mem_arena_t *a, int64_t org, json_t **rows)
{
    db_value_t p[] = {DB_V_INT(org)};
    return roles_crit_read(db, a,
                           ROLES_ORG_SELECT "WHERE organization_id = $1 AND deleted_at IS NULL ORDER BY ordering, id",
                           p, 1, roles_org_cols, ROLES_ORG_NCOLS, rows);
}

err_t roles_repo_org_criterion(db_t *db, mem_arena_t *a, int64_t org, int64_t id, json_t **row)
{
    db_value_t p[] = {DB_V_INT(org), DB_V_INT(id)};
    json_t *rows = NULL;
    err_t e = roles_crit_read(db, a, ROLES_ORG_SELECT "WHERE organization_id = $1 AND id = $2 AND deleted_at IS NULL",
                              p, 2, roles_org_cols, ROLES_ORG_NCOLS, &rows);
    if (e != ERR_OK)
        return e;
    *row = json_array_size(rows) ? json_array_get(rows, 0) : NULL;
    return ERR_OK;
}

err_t roles_repo_org_criterion_add(db_t *db, mem_arena_t *a, int64_t org, const json_t *c, int64_t *id)
{
    return roles_crit_insert(db, a, "org_criteria", "organization_id", org, c, roles_org_cols, ROLES_ORG_NCOLS, id);
}

err_t roles_repo_org_criterion_update(db_t *db, mem_arena_t *a, int64_t org, int64_t id, const json_t *set)
{
    mem_buf_t b = {0};
    db_value_t *p = mem_alloc(a, (ROLES_ORG_NCOLS + 2) * sizeof *p);
    int n = roles_crit_assign(a, set, roles_org_cols, ROLES_ORG_NCOLS, &b, p, 1);
    if (n == 0) {
        mem_buf_free(&b);
        return ERR_OK;
    }
    p[n] = DB_V_INT(id);
    p[n + 1] = DB_V_INT(org);
    const char *sql =
        mem_printf(a, "UPDATE org_criteria SET %s WHERE id = $%d AND organization_id = $%d", b.data, n + 1, n + 2);
    mem_buf_free(&b);
    return db_exec(db, sql, p, n + 2, NULL);
}

err_t roles_repo_org_criterion_delete(db_t *db, int64_t org, int64_t id, int64_t now)
{
    db_value_t p[] = {DB_V_TIME(now), DB_V_INT(id), DB_V_INT(org)};
    return db_exec(db, "UPDATE org_criteria SET deleted_at = $1 WHERE id = $2 AND organization_id = $3", p, 3, NULL);
}
