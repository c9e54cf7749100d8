/* SQL of roles, role_tasks, job_hiring_team, role_change_events and
 * role_feedback_notes (repo.h).  The role row's columns come from
 * roles_cols (row.c); statements that name columns from it build their
 * column lists from that fixed table only, values always travel as
 * parameters. */
#include "components/roles/repo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "platform/json.h"

json_t *roles_repo_value(const db_res_t *r, int row, int col, roles_coltype_t t)
{
    if (db_res_isnull(r, row, col))
        return json_null();
    json_t *v = NULL;
    switch (t) {
    case ROLES_COL_INT: v = json_integer(db_res_int(r, row, col)); break;
    case ROLES_COL_REAL: v = json_real(db_res_real(r, row, col)); break;
    case ROLES_COL_TEXT: v = json_string(db_res_text(r, row, col)); break;
    case ROLES_COL_BOOL: v = json_boolean(db_res_bool(r, row, col)); break;
    case ROLES_COL_TIME: v = json_integer(db_res_time(r, row, col)); break;
    case ROLES_COL_JSON: v = json_loads(db_res_text(r, row, col), JSON_DECODE_ANY, NULL); break;
    }
    return v ? v : json_null();
}

db_value_t roles_repo_param(mem_arena_t *a, roles_coltype_t t, const json_t *v)
{
    if (!v || json_is_null(v))
        return DB_V_NULL;
    switch (t) {
    case ROLES_COL_INT: return DB_V_INT(json_integer_value(v));
    case ROLES_COL_REAL: return DB_V_REAL(json_number_value(v));
    case ROLES_COL_TEXT: return DB_V_TEXT(json_string_value(v));
    case ROLES_COL_BOOL: return DB_V_BOOL(json_is_true(v));
    case ROLES_COL_TIME: return DB_V_TIME(json_integer_value(v));
    case ROLES_COL_JSON: return DB_V_JSON(json_encode_arena(a, v));
    }
    return DB_V_NULL;
}

/* "c1, c2, ..." of roles_cols into the arena. */
static const char *roles_repo_columns(mem_arena_t *a)
{
    mem_buf_t b = {0};
    for (size_t i = 0; i < roles_ncols; i++) {
        if (i)
            mem_buf_puts(&b, ", ");
        mem_buf_puts(&b, roles_cols[i].name);
    }
    char *s = mem_strdup(a, b.data);
    mem_buf_free(&b);
    return s;
}

static json_t *roles_repo_read_row(const db_res_t *r, int row)
{
    json_t *o = json_object();
    for (size_t i = 0; i < roles_ncols; i++)
        json_object_set_new(o, roles_cols[i].name, roles_repo_value(r, row, (int)i, roles_cols[i].type));
    return o;
}

err_t roles_repo_row(db_t *db, mem_arena_t *a, int64_t org, int64_t id, bool lock, json_t **row)
{
    *row = NULL;
    const char *sql =
        mem_printf(a, "SELECT %s FROM roles WHERE id = $1 AND organization_id = $2 AND deleted_at IS NULL%s",
                   roles_repo_columns(a), lock ? db_sql_for_update(db) : "");
    db_value_t p[] = {DB_V_INT(id), DB_V_INT(org)};
    db_res_t *r = NULL;
    err_t e = db_query(db, sql, p, 2, &r);
    if (e != ERR_OK)
        return e;
    if (db_res_rows(r) > 0)
        *row = roles_keep(a, roles_repo_read_row(r, 0));
    db_res_free(r);
    return ERR_OK;
}

err_t roles_repo_rows(db_t *db, mem_arena_t *a, int64_t org, json_t **rows)
{
    const char *sql = mem_printf(
        a, "SELECT %s FROM roles WHERE organization_id = $1 AND deleted_at IS NULL ORDER BY id", roles_repo_columns(a));
    db_value_t p[] = {DB_V_INT(org)};
    db_res_t *r = NULL;
    err_t e = db_query(db, sql, p, 1, &r);
    if (e != ERR_OK)
        return e;
    *rows = roles_keep(a, json_array());
    for (int i = 0; i < db_res_rows(r); i++)
        json_array_append_new(*rows, roles_repo_read_row(r, i));
    db_res_free(r);
    return ERR_OK;
}

static const char *roles_repo_dup(mem_arena_t *a, const db_res_t *r, int row, int col)
{
    const char *s = db_res_text(r, row, col);
    return s ? mem_strdup(a, s) : NULL;
}

/* The lower-cased "state" of a workable_job_data JSON text, or NULL. */
static const char *roles_repo_state(mem_arena_t *a, const char *data)
{
    if (!data)
        return NULL;
    json_t *j = json_loads(data, JSON_DECODE_ANY, NULL);
    const char *st = json_string_value(json_object_get(j, "state"));
    char *out = NULL;
    if (st && *st) {
        out = mem_strdup(a, st);
        for (char *p = out; *p; p++)
            if (*p >= 'A' && *p <= 'Z')
                *p = (char)(*p - 'A' + 'a');
    }
    json_decref(j);
    return out;
}

err_t roles_repo_lights(db_t *db, mem_arena_t *a, int64_t org, roles_light_t **out, size_t *n)
{
    db_value_t p[] = {DB_V_INT(org)};
    db_res_t *r = NULL;
    err_t e = db_query(db,
                       "SELECT id, name, role_kind, ats_owner_role_id, related_source_role_id, workable_job_id, "
                       "workable_job_data, deleted_at FROM roles WHERE organization_id = $1 ORDER BY id",
                       p, 1, &r);
    if (e != ERR_OK)
        return e;
    *n = (size_t)db_res_rows(r);
    *out = mem_alloc(a, (*n ? *n : 1) * sizeof **out);
    for (size_t i = 0; i < *n; i++) {
        int row = (int)i;
        roles_light_t *l = &(*out)[i];
        l->id = db_res_int(r, row, 0);
        l->name = roles_repo_dup(a, r, row, 1);
        l->role_kind = roles_repo_dup(a, r, row, 2);
        l->ats_owner_role_id = db_res_int(r, row, 3);
        l->related_source_role_id = db_res_int(r, row, 4);
        l->workable_job_id = roles_repo_dup(a, r, row, 5);
        l->workable_state = roles_repo_state(a, db_res_text(r, row, 6));
        l->live = db_res_isnull(r, row, 7);
    }
    db_res_free(r);
    return ERR_OK;
}

/* Parameters for the known columns of set, in set's order: names and
 * values into the arrays (capacity roles_ncols). */
static int roles_repo_set_params(mem_arena_t *a, const json_t *set, const char **names, db_value_t *vals)
{
    int n = 0;
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)set, k, v)
    {
        const roles_col_t *c = roles_col(k);
        if (!c || n >= (int)roles_ncols)
            continue;
        names[n] = c->name;
        vals[n] = roles_repo_param(a, c->type, v);
        n++;
    }
    return n;
}

err_t roles_repo_insert(db_t *db, mem_arena_t *a, int64_t org, const json_t *set, int64_t *id)
{
    const char **names = mem_alloc(a, roles_ncols * sizeof *names);
    db_value_t *vals = mem_alloc(a, (roles_ncols + 1) * sizeof *vals);
    int n = roles_repo_set_params(a, set, names, vals);
    mem_buf_t cols = {0}, ph = {0};
    mem_buf_puts(&cols, "organization_id");
    mem_buf_puts(&ph, "$1");
    db_value_t *p = mem_alloc(a, (size_t)(n + 1) * sizeof *p);
    p[0] = DB_V_INT(org);
    for (int i = 0; i < n; i++) {
        mem_buf_printf(&cols, ", %s", names[i]);
        mem_buf_printf(&ph, ", $%d", i + 2);
        p[i + 1] = vals[i];
    }
    const char *sql = mem_printf(a, "INSERT INTO roles (%s) VALUES (%s) RETURNING id", cols.data, ph.data);
    mem_buf_free(&cols);
    mem_buf_free(&ph);
    db_res_t *r = NULL;
    err_t e = db_query(db, sql, p, n + 1, &r);
    if (e != ERR_OK)
        return e;
    *id = db_res_rows(r) > 0 ? db_res_int(r, 0, 0) : 0;
    db_res_free(r);
    return *id ? ERR_OK : ERR_INTERNAL;
}

err_t roles_repo_update(db_t *db, mem_arena_t *a, int64_t org, int64_t id, const json_t *set)
{
    const char **names = mem_alloc(a, roles_ncols * sizeof *names);
    db_value_t *vals = mem_alloc(a, (roles_ncols + 2) * sizeof *vals);
    int n = roles_repo_set_params(a, set, names, vals);
    if (n == 0)
        return ERR_OK;
    mem_buf_t b = {0};
    for (int i = 0; i < n; i++)
        mem_buf_printf(&b, "%s%s = $%d", i ? ", " : "", names[i], i + 1);
    vals[n] = DB_V_INT(id);
    vals[n + 1] = DB_V_INT(org);
    const char *sql =
        mem_printf(a, "UPDATE roles SET %s WHERE id = $%d AND organization_id = $%d", b.data, n + 1, n + 2);
    mem_buf_free(&b);
    return db_exec(db, sql, vals, n + 2, NULL);
}

err_t roles_repo_delete(db_t *db, int64_t org, int64_t id)
{
    static const char *const steps[] = {
        "DELETE FROM role_tasks WHERE role_id = $1 AND EXISTS (SELECT 1 FROM roles WHERE id = $1 AND "
        "organization_id = $2)",
        "DELETE FROM role_criteria WHERE role_id = $1 AND EXISTS (SELECT 1 FROM roles WHERE id = $1 AND "
        "organization_id = $2)",
        "DELETE FROM job_hiring_team WHERE role_id = $1 AND organization_id = $2",
        "DELETE FROM role_feedback_notes WHERE role_id = $1 AND organization_id = $2",
        "UPDATE roles SET ats_owner_role_id = NULL WHERE ats_owner_role_id = $1 AND organization_id = $2",
        "UPDATE roles SET related_source_role_id = NULL WHERE related_source_role_id = $1 AND organization_id = $2",
        "DELETE FROM roles WHERE id = $1 AND organization_id = $2",
    };
    db_value_t p[] = {DB_V_INT(id), DB_V_INT(org)};
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
        err_t e = db_exec(db, steps[i], p, 2, NULL);
        if (e != ERR_OK)
            return e;
    }
    return ERR_OK;
}

/* ---- role_tasks ---- */

err_t roles_repo_task_counts(db_t *db, mem_arena_t *a, int64_t org, const int64_t *ids, size_t n, int64_t **counts)
{
    *counts = mem_alloc(a, (n ? n : 1) * sizeof **counts);
    memset(*counts, 0, (n ? n : 1) * sizeof **counts);
    if (n == 0)
        return ERR_OK;
    db_value_t p[] = {DB_V_INT(org)};
    db_res_t *r = NULL;
    err_t e = db_query(db,
                       "SELECT rt.role_id, COUNT(*) FROM role_tasks rt JOIN roles r ON r.id = rt.role_id "
                       "WHERE r.organization_id = $1 GROUP BY rt.role_id",
                       p, 1, &r);
    if (e != ERR_OK)
        return e;
    for (int i = 0; i < db_res_rows(r); i++) {
        int64_t id = db_res_int(r, i, 0);
        for (size_t k = 0; k < n; k++)
            if (ids[k] == id)
                (*counts)[k] = db_res_int(r, i, 1);
    }
    db_res_free(r);
    return ERR_OK;
}

err_t roles_repo_task_ids(db_t *db, mem_arena_t *a, int64_t role_id, int64_t **ids, size_t *n)
{
    db_value_t p[] = {DB_V_INT(role_id)};
    db_res_t *r = NULL;
    err_t e = db_query(db, "SELECT task_id FROM role_tasks WHERE role_id = $1 ORDER BY created_at, task_id", p, 1, &r);
    if (e != ERR_OK)
        return e;
    *n = (size_t)db_res_rows(r);
    *ids = mem_alloc(a, (*n ? *n : 1) * sizeof **ids);
    for (size_t i = 0; i < *n; i++)
        (*ids)[i] = db_res_int(r, (int)i, 0);
    db_res_free(r);
    return ERR_OK;
}

err_t roles_repo_task_link(db_t *db, int64_t role_id, int64_t task_id)
{
    db_value_t p[] = {DB_V_INT(role_id), DB_V_INT(task_id), DB_V_TIME(db_now_us())};
    return db_exec(db, "INSERT INTO role_tasks (role_id, task_id, created_at) VALUES ($1, $2, $3)", p, 3, NULL);
}

err_t roles_repo_task_unlink(db_t *db, int64_t role_id, int64_t task_id, bool *removed)
{
    db_value_t p[] = {DB_V_INT(role_id), DB_V_INT(task_id)};
    int64_t n = 0;
    err_t e = db_exec(db, "DELETE FROM role_tasks WHERE role_id = $1 AND task_id = $2", p, 2, &n);
    *removed = n > 0;
    return e;
}

/* ---- job_hiring_team ---- */

err_t roles_repo_team(db_t *db, mem_arena_t *a, int64_t org, int64_t role_id, roles_member_t **out, size_t *n)
{
    db_value_t p[] = {DB_V_INT(org), DB_V_INT(role_id)};
    db_res_t *r = NULL;
    err_t e = db_query(db,
                       "SELECT user_id, team_role FROM job_hiring_team WHERE organization_id = $1 AND role_id = $2 "
                       "ORDER BY id",
                       p, 2, &r);
    if (e != ERR_OK)
        return e;
    *n = (size_t)db_res_rows(r);
    *out = mem_alloc(a, (*n ? *n : 1) * sizeof **out);
    for (size_t i = 0; i < *n; i++) {
        (*out)[i].user_id = db_res_int(r, (int)i, 0);
        (*out)[i].team_role = roles_repo_dup(a, r, (int)i, 1);
    }
    db_res_free(r);
    return ERR_OK;
}

err_t roles_repo_team_set(db_t *db, int64_t org, int64_t role_id, int64_t user_id, const char *team_role)
{
    db_value_t p[] = {DB_V_INT(org), DB_V_INT(role_id), DB_V_INT(user_id), DB_V_TEXT(team_role),
                      DB_V_TIME(db_now_us())};
    int64_t n = 0;
    err_t e = db_exec(db,
                      "UPDATE job_hiring_team SET team_role = $4 WHERE organization_id = $1 AND role_id = $2 "
                      "AND user_id = $3",
                      p, 4, &n);
    if (e != ERR_OK || n > 0)
        return e;
    return db_exec(db,
                   "INSERT INTO job_hiring_team (organization_id, role_id, user_id, team_role, created_at) "
                   "VALUES ($1, $2, $3, $4, $5)",
                   p, 5, NULL);
}

err_t roles_repo_team_remove(db_t *db, int64_t org, int64_t role_id, int64_t user_id, bool *removed)
{
    db_value_t p[] = {DB_V_INT(org), DB_V_INT(role_id), DB_V_INT(user_id)};
    int64_t n = 0;
    err_t e = db_exec(db, "DELETE FROM job_hiring_team WHERE organization_id = $1 AND role_id = $2 AND user_id = $3", p,
                      3, &n);
    *removed = n > 0;
    return e;
}

/* ---- role_change_events ---- */

err_t roles_repo_event_add(db_t *db, const roles_event_t *ev)
{
    db_value_t p[] = {
        DB_V_INT(ev->org),        DB_V_INT(ev->role_id),      ev->has_actor ? DB_V_INT(ev->actor) : DB_V_NULL,
        DB_V_TEXT(ev->action),    DB_V_INT(ev->from_version), DB_V_INT(ev->to_version),
        DB_V_JSON(ev->changes),   DB_V_TEXT(ev->reason),      DB_V_TEXT(ev->request_id),
        DB_V_TIME(ev->created_at)};
    return db_exec(db,
                   "INSERT INTO role_change_events (organization_id, role_id, actor_user_id, action, from_version, "
                   "to_version, changes, reason, request_id, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, "
                   "$10)",
                   p, 10, NULL);
}

#define ROLES_EVENT_COLS                                                                                               \
    "id, organization_id, role_id, actor_user_id, action, from_version, to_version, changes, reason, request_id, "     \
    "created_at"

static void roles_repo_read_event(mem_arena_t *a, const db_res_t *r, int i, roles_event_t *ev, int64_t *id)
{
    memset(ev, 0, sizeof *ev);
    *id = db_res_int(r, i, 0);
    ev->org = db_res_int(r, i, 1);
    ev->role_id = db_res_int(r, i, 2);
    ev->has_actor = !db_res_isnull(r, i, 3);
    ev->actor = db_res_int(r, i, 3);
    ev->action = roles_repo_dup(a, r, i, 4);
    ev->from_version = db_res_int(r, i, 5);
    ev->to_version = db_res_int(r, i, 6);
    ev->changes = roles_repo_dup(a, r, i, 7);
    ev->reason = roles_repo_dup(a, r, i, 8);
    ev->request_id = roles_repo_dup(a, r, i, 9);
    ev->created_at = db_res_time(r, i, 10);
}

err_t roles_repo_events(db_t *db, mem_arena_t *a, int64_t org, int64_t role_id, long long limit, long long before_id,
                        roles_event_t **out, size_t *n, int64_t **ids)
{
    db_value_t p[] = {DB_V_INT(org), DB_V_INT(role_id), DB_V_INT(limit), DB_V_INT(before_id)};
    db_res_t *r = NULL;
    err_t e = db_query(db,
                       before_id > 0 ? "SELECT " ROLES_EVENT_COLS " FROM role_change_events WHERE organization_id = $1 "
                                       "AND role_id = $2 AND id < $4 ORDER BY id DESC LIMIT $3"
                                     : "SELECT " ROLES_EVENT_COLS " FROM role_change_events WHERE organization_id = $1 "
                                       "AND role_id = $2 ORDER BY id DESC LIMIT $3",
                       p, before_id > 0 ? 4 : 3, &r);
    if (e != ERR_OK)
        return e;
    *n = (size_t)db_res_rows(r);
    *out = mem_alloc(a, (*n ? *n : 1) * sizeof **out);
    *ids = mem_alloc(a, (*n ? *n : 1) * sizeof **ids);
    for (size_t i = 0; i < *n; i++)
        roles_repo_read_event(a, r, (int)i, &(*out)[i], &(*ids)[i]);
    db_res_free(r);
    return ERR_OK;
}

err_t roles_repo_event_last(db_t *db, mem_arena_t *a, int64_t org, int64_t role_id, roles_event_t *ev, bool *found)
{
    db_value_t p[] = {DB_V_INT(org), DB_V_INT(role_id)};
    db_res_t *r = NULL;
    err_t e =
        db_query(db,
                 "SELECT " ROLES_EVENT_COLS " FROM role_change_events WHERE organization_id = $1 AND role_id = $2 "
                 "ORDER BY id DESC LIMIT 1",
                 p, 2, &r);
    if (e != ERR_OK)
        return e;
    *found = db_res_rows(r) > 0;
    int64_t id;
    if (*found)
        roles_repo_read_event(a, r, 0, ev, &id);
    db_res_free(r);
    return ERR_OK;
}

/* ---- role_feedback_notes ---- */

err_t roles_repo_notes(db_t *db, mem_arena_t *a, int64_t org, int64_t role_id, roles_note_t **out, size_t *n)
{
    db_value_t p[] = {DB_V_INT(org), DB_V_INT(role_id)};
    db_res_t *r = NULL;
    err_t e = db_query(db,
                       "SELECT id, role_id, author_user_id, note, created_at FROM role_feedback_notes "
                       "WHERE organization_id = $1 AND role_id = $2 ORDER BY created_at DESC, id DESC LIMIT 200",
                       p, 2, &r);
    if (e != ERR_OK)
        return e;
    *n = (size_t)db_res_rows(r);
    *out = mem_alloc(a, (*n ? *n : 1) * sizeof **out);
    for (size_t i = 0; i < *n; i++) {
        roles_note_t *x = &(*out)[i];
        int row = (int)i;
        x->id = db_res_int(r, row, 0);
        x->role_id = db_res_int(r, row, 1);
        x->has_author = !db_res_isnull(r, row, 2);
        x->author = db_res_int(r, row, 2);
        x->note = roles_repo_dup(a, r, row, 3);
        x->created_at = db_res_time(r, row, 4);
    }
    db_res_free(r);
    return ERR_OK;
}

err_t roles_repo_note_add(db_t *db, int64_t org, roles_note_t *note)
{
    db_value_t p[] = {DB_V_INT(org), DB_V_INT(note->role_id), note->has_author ? DB_V_INT(note->author) : DB_V_NULL,
                      DB_V_TEXT(note->note), DB_V_TIME(note->created_at)};
    db_res_t *r = NULL;
    err_t e = db_query(db,
                       "INSERT INTO role_feedback_notes (organization_id, role_id, author_user_id, note, created_at) "
                       "VALUES ($1, $2, $3, $4, $5) RETURNING id",
                       p, 5, &r);
    if (e != ERR_OK)
        return e;
    note->id = db_res_rows(r) > 0 ? db_res_int(r, 0, 0) : 0;
    db_res_free(r);
    return ERR_OK;
}
