/* SQL on `candidate_applications` and `candidate_application_events`
 * (this component's tables only).  List statements are built from a
 * filter whose every shape leads with organization_id (and deleted_at /
 * role_id), the prefix of the migration's indexes; tests EXPLAIN the
 * logged text. */
#include "components/applications/repo.h"

#include <stdio.h>
#include <string.h>

#include "platform/log.h"

#define APP_LOGGER "tali.applications"

const char *const app_stages[6] = {"sourced", "applied", "invited", "in_assessment", "review", "advanced"};

int app_stage_index(const char *stage)
{
    for (int i = 0; stage && i < 6; i++)
        if (strcmp(app_stages[i], stage) == 0)
            return i;
    return -1;
}

#define APP_COLNAME(name, col, type) col,
static const char *const app_colnames[APP_NCOLS] = {APP_COLUMNS(APP_COLNAME)};
#undef APP_COLNAME
#define APP_COLTYPE(name, col, type) APP_T_##type,
static const app_type_t app_coltypes[APP_NCOLS] = {APP_COLUMNS(APP_COLTYPE)};
#undef APP_COLTYPE

/* "col, col, ..." of the column table, built once per call in arena a. */
static const char *app_repo_cols(mem_arena_t *a, bool with_cv_text)
{
    mem_buf_t b = {0};
    for (int i = 0; i < APP_NCOLS; i++)
        mem_buf_printf(&b, "%s%s", i ? ", " : "", app_colnames[i]);
    mem_buf_puts(&b, with_cv_text ? ", cv_text" : ", NULL");
    const char *s = mem_strdup(a, b.data);
    mem_buf_free(&b);
    return s;
}

static void app_repo_read(mem_arena_t *a, const db_res_t *r, int row, app_t *out)
{
    memset(out, 0, sizeof *out);
    for (int c = 0; c < APP_NCOLS; c++) {
        app_val_t *v = &out->v[c];
        v->null = db_res_isnull(r, row, c);
        if (v->null)
            continue;
        switch (app_coltypes[c]) {
        case APP_T_INT: v->i = db_res_int(r, row, c); break;
        case APP_T_BOOL: v->i = db_res_bool(r, row, c); break;
        case APP_T_TIME: v->i = db_res_time(r, row, c); break;
        case APP_T_REAL: v->d = db_res_real(r, row, c); break;
        case APP_T_TEXT:
        case APP_T_JSON: v->s = mem_strdup(a, db_res_text(r, row, c)); break;
        }
    }
    out->cv_text = mem_strdup(a, db_res_text(r, row, APP_NCOLS));
}

err_t app_repo_get(db_t *db, mem_arena_t *a, int64_t org, int64_t id, bool lock, bool with_deleted, bool with_cv_text,
                   app_t *out, bool *found)
{
    const char *sql = mem_printf(a, "SELECT %s FROM candidate_applications WHERE id = $1 AND organization_id = $2%s%s",
                                 app_repo_cols(a, with_cv_text), with_deleted ? "" : " AND deleted_at IS NULL",
                                 lock ? db_sql_for_update(db) : "");
    db_value_t p[] = {DB_V_INT(id), DB_V_INT(org)};
    db_res_t *r = NULL;
    err_t e = db_query(db, sql, p, 2, &r);
    if (e != ERR_OK)
        return e;
    *found = db_res_rows(r) > 0;
    if (*found)
        app_repo_read(a, r, 0, out);
    db_res_free(r);
    return ERR_OK;
}

static err_t app_repo_exists(db_t *db, const char *sql, const db_value_t *p, int np, bool *exists)
{
    db_res_t *r = NULL;
    err_t e = db_query(db, sql, p, np, &r);
    if (e != ERR_OK)
        return e;
    *exists = db_res_rows(r) > 0;
    db_res_free(r);
    return ERR_OK;
}

err_t app_repo_pair_exists(db_t *db, int64_t candidate_id, int64_t role_id, bool *exists)
{
    db_value_t p[] = {DB_V_INT(candidate_id), DB_V_INT(role_id)};
    return app_repo_exists(db, "SELECT 1 FROM candidate_applications WHERE candidate_id = $1 AND role_id = $2", p, 2,
                           exists);
}

err_t app_repo_insert(db_t *db, const app_new_row_t *row, int64_t *id)
{
    db_value_t p[] = {DB_V_INT(row->org),     DB_V_INT(row->candidate_id),     DB_V_INT(row->role_id),
                      DB_V_TEXT(row->status), DB_V_TEXT(row->stage),           DB_V_TEXT(row->outcome),
                      DB_V_TEXT(row->source), DB_V_TEXT(row->source_strategy), DB_V_TEXT(row->notes),
                      DB_V_TIME(row->now)};
    db_res_t *r = NULL;
    err_t e = db_query(db,
                       "INSERT INTO candidate_applications (organization_id, candidate_id, role_id, status, "
                       "pipeline_stage, application_outcome, source, source_strategy, notes, created_at, updated_at, "
                       "pipeline_stage_updated_at, application_outcome_updated_at, pipeline_stage_source, version) "
                       "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10, $10, $10, 'recruiter', 1) RETURNING id",
                       p, 10, &r);
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

err_t app_repo_set_stage(db_t *db, int64_t id, const char *stage, const char *source, const char *status,
                         int64_t old_version, int64_t now, bool *ok)
{
    db_value_t p[] = {DB_V_TEXT(stage), DB_V_TEXT(source), DB_V_TEXT(status),
                      DB_V_TIME(now),   DB_V_INT(id),      DB_V_INT(old_version)};
    int64_t n = 0;
    err_t e = db_exec(db,
                      "UPDATE candidate_applications SET pipeline_stage = $1, pipeline_stage_source = $2, status = $3, "
                      "pipeline_stage_updated_at = $4, updated_at = $4, version = version + 1 "
                      "WHERE id = $5 AND version = $6",
                      p, 6, &n);
    *ok = n == 1;
    return e;
}

err_t app_repo_set_outcome(db_t *db, int64_t id, const char *outcome, const char *status, int64_t old_version,
                           int64_t now, bool *ok)
{
    db_value_t p[] = {DB_V_TEXT(outcome), DB_V_TEXT(status), DB_V_TIME(now), DB_V_INT(id), DB_V_INT(old_version)};
    int64_t n = 0;
    err_t e = db_exec(db,
                      "UPDATE candidate_applications SET application_outcome = $1, status = $2, "
                      "application_outcome_updated_at = $3, updated_at = $3, version = version + 1 "
                      "WHERE id = $4 AND version = $5",
                      p, 5, &n);
    *ok = n == 1;
    return e;
}

err_t app_repo_set_notes(db_t *db, int64_t id, const char *notes, int64_t now)
{
    db_value_t p[] = {DB_V_TEXT(notes), DB_V_TIME(now), DB_V_INT(id)};
    return db_exec(db, "UPDATE candidate_applications SET notes = $1, updated_at = $2 WHERE id = $3", p, 3, NULL);
}

err_t app_repo_touch(db_t *db, int64_t id, int64_t now)
{
    db_value_t p[] = {DB_V_TIME(now), DB_V_INT(id)};
    return db_exec(db, "UPDATE candidate_applications SET updated_at = $1 WHERE id = $2", p, 2, NULL);
}

err_t app_repo_set_manual_decision(db_t *db, int64_t id, const char *json_text, int64_t now)
{
    db_value_t p[] = {DB_V_JSON(json_text), DB_V_TIME(now), DB_V_INT(id)};
    return db_exec(db, "UPDATE candidate_applications SET manual_decision = $1, updated_at = $2 WHERE id = $3", p, 3,
                   NULL);
}

/* ---- events ---- */

#define APP_EVENT_COLS                                                                                                 \
    "id, application_id, organization_id, role_id, agent_decision_id, event_type, from_stage, to_stage, "              \
    "from_outcome, to_outcome, actor_type, actor_id, reason, target_stage, effect_status, metadata, "                  \
    "idempotency_key, created_at"

static void app_repo_event_read(mem_arena_t *a, const db_res_t *r, int row, app_event_row_t *e)
{
    memset(e, 0, sizeof *e);
    e->id = db_res_int(r, row, 0);
    e->application_id = db_res_int(r, row, 1);
    e->organization_id = db_res_int(r, row, 2);
    e->has_role_id = !db_res_isnull(r, row, 3);
    e->role_id = db_res_int(r, row, 3);
    e->has_agent_decision_id = !db_res_isnull(r, row, 4);
    e->agent_decision_id = db_res_int(r, row, 4);
    e->event_type = mem_strdup(a, db_res_text(r, row, 5));
    e->from_stage = mem_strdup(a, db_res_text(r, row, 6));
    e->to_stage = mem_strdup(a, db_res_text(r, row, 7));
    e->from_outcome = mem_strdup(a, db_res_text(r, row, 8));
    e->to_outcome = mem_strdup(a, db_res_text(r, row, 9));
    e->actor_type = mem_strdup(a, db_res_text(r, row, 10));
    e->has_actor_id = !db_res_isnull(r, row, 11);
    e->actor_id = db_res_int(r, row, 11);
    e->reason = mem_strdup(a, db_res_text(r, row, 12));
    e->target_stage = mem_strdup(a, db_res_text(r, row, 13));
    e->effect_status = mem_strdup(a, db_res_text(r, row, 14));
    e->metadata = mem_strdup(a, db_res_text(r, row, 15));
    e->idempotency_key = mem_strdup(a, db_res_text(r, row, 16));
    e->created_at = db_res_time(r, row, 17);
}

err_t app_repo_event_insert(db_t *db, const app_event_t *ev, const char *target_stage, const char *effect_status,
                            const char *metadata_json, int64_t now, int64_t *id)
{
    db_value_t p[] = {DB_V_INT(ev->application_id),
                      DB_V_INT(ev->organization_id),
                      ev->role_id > 0 ? DB_V_INT(ev->role_id) : DB_V_NULL,
                      DB_V_TEXT(ev->event_type),
                      DB_V_TEXT(ev->from_stage),
                      DB_V_TEXT(ev->to_stage),
                      DB_V_TEXT(ev->from_outcome),
                      DB_V_TEXT(ev->to_outcome),
                      DB_V_TEXT(ev->actor_type),
                      ev->actor_id > 0 ? DB_V_INT(ev->actor_id) : DB_V_NULL,
                      DB_V_TEXT(ev->reason),
                      DB_V_JSON(metadata_json),
                      DB_V_TEXT(ev->idempotency_key),
                      DB_V_TIME(now),
                      DB_V_TEXT(target_stage),
                      DB_V_TEXT(effect_status)};
    db_res_t *r = NULL;
    err_t e = db_query(db,
                       "INSERT INTO candidate_application_events (application_id, organization_id, role_id, "
                       "event_type, from_stage, to_stage, from_outcome, to_outcome, actor_type, actor_id, reason, "
                       "metadata, idempotency_key, created_at, target_stage, effect_status) "
                       "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) RETURNING id",
                       p, 16, &r);
    if (e != ERR_OK)
        return e;
    if (id)
        *id = db_res_rows(r) > 0 ? db_res_int(r, 0, 0) : 0;
    db_res_free(r);
    return ERR_OK;
}

err_t app_repo_event_any(db_t *db, int64_t application_id, bool *any)
{
    db_value_t p[] = {DB_V_INT(application_id)};
    return app_repo_exists(db, "SELECT 1 FROM candidate_application_events WHERE application_id = $1 LIMIT 1", p, 1,
                           any);
}

err_t app_repo_event_key_used(db_t *db, int64_t application_id, int64_t role_id, const char *key, bool *used)
{
    db_value_t p[] = {DB_V_INT(application_id), DB_V_TEXT(key), DB_V_INT(role_id)};
    return app_repo_exists(db,
                           "SELECT 1 FROM candidate_application_events WHERE application_id = $1 "
                           "AND idempotency_key = $2 AND (role_id = $3 OR role_id IS NULL)",
                           p, 3, used);
}

err_t app_repo_event_get(db_t *db, mem_arena_t *a, int64_t id, app_event_row_t *out, bool *found)
{
    db_value_t p[] = {DB_V_INT(id)};
    db_res_t *r = NULL;
    err_t e = db_query(db, "SELECT " APP_EVENT_COLS " FROM candidate_application_events WHERE id = $1", p, 1, &r);
    if (e != ERR_OK)
        return e;
    *found = db_res_rows(r) > 0;
    if (*found)
        app_repo_event_read(a, r, 0, out);
    db_res_free(r);
    return ERR_OK;
}

err_t app_repo_events(db_t *db, mem_arena_t *a, int64_t org, int64_t application_id, int64_t role_id, int64_t limit,
                      int64_t offset, app_event_row_t **rows, size_t *n)
{
    const char *sql = "SELECT " APP_EVENT_COLS " FROM candidate_application_events WHERE organization_id = $1 "
                      "AND application_id = $2 AND (role_id = $3 OR role_id IS NULL) "
                      "ORDER BY created_at DESC, id DESC LIMIT $4 OFFSET $5";
    log_msg(LOG_DEBUG, APP_LOGGER, "list sql: %s", sql);
    db_value_t p[] = {DB_V_INT(org), DB_V_INT(application_id), DB_V_INT(role_id), DB_V_INT(limit), DB_V_INT(offset)};
    db_res_t *r = NULL;
    err_t e = db_query(db, sql, p, 5, &r);
    if (e != ERR_OK)
        return e;
    *n = (size_t)db_res_rows(r);
    *rows = mem_alloc(a, (*n ? *n : 1) * sizeof **rows);
    for (size_t i = 0; i < *n; i++)
        app_repo_event_read(a, r, (int)i, &(*rows)[i]);
    db_res_free(r);
    return ERR_OK;
}

/* ---- lists ---- */

static void app_repo_in_ints(mem_buf_t *b, const int64_t *ids, size_t n)
{
    mem_buf_puts(b, "(");
    if (n == 0)
        mem_buf_puts(b, "0"); /* ids are positive: matches nothing */
    for (size_t i = 0; i < n; i++)
        mem_buf_printf(b, "%s%lld", i ? ", " : "", (long long)ids[i]);
    mem_buf_puts(b, ")");
}

/* Appends " AND col IN ($k, ...)" for texts, binding them into p. */
static void app_repo_in_texts(mem_buf_t *b, const char *col, const char **vals, size_t n, db_value_t *p, int *np)
{
    mem_buf_printf(b, " AND %s IN (", col);
    for (size_t i = 0; i < n; i++) {
        p[*np] = DB_V_TEXT(vals[i]);
        mem_buf_printf(b, "%s$%d", i ? ", " : "", ++*np);
    }
    mem_buf_puts(b, ")");
}

static void app_repo_min(mem_buf_t *b, const char *expr, app_min_t m, db_value_t *p, int *np)
{
    if (!m.set)
        return;
    p[*np] = DB_V_REAL(m.v);
    mem_buf_printf(b, " AND %s IS NOT NULL AND %s >= $%d", expr, expr, ++*np);
}

#define APP_TAALI_FALLBACK "COALESCE(taali_score_cache_100, pre_screen_score_100)"

/* The WHERE clause of f (with_stage false: without its stage part). */
static void app_repo_where(const app_filter_t *f, bool with_stage, mem_buf_t *b, db_value_t *p, int *np)
{
    p[(*np)++] = DB_V_INT(f->org);
    mem_buf_puts(b, " WHERE organization_id = $1 AND deleted_at IS NULL");
    if (f->nroles == 1) {
        p[*np] = DB_V_INT(f->role_ids[0]);
        mem_buf_printf(b, " AND role_id = $%d", ++*np);
    } else if (f->nroles > 1) {
        mem_buf_puts(b, " AND role_id IN ");
        app_repo_in_ints(b, f->role_ids, f->nroles);
    }
    if (f->noutcomes)
        app_repo_in_texts(b, "application_outcome", f->outcomes, f->noutcomes, p, np);
    if (with_stage && f->nstages)
        app_repo_in_texts(b, "pipeline_stage", f->stages, f->nstages, p, np);
    if (f->status_lower) {
        p[*np] = DB_V_TEXT(f->status_lower);
        mem_buf_printf(b, " AND lower(status) = $%d", ++*np);
    }
    if (f->source) {
        p[*np] = DB_V_TEXT(f->source);
        mem_buf_printf(b, " AND source = $%d", ++*np);
    }
    if (f->source_kind == 1)
        mem_buf_puts(b, " AND (source = 'workable' OR workable_sourced = TRUE)");
    else if (f->source_kind == 2)
        mem_buf_puts(b, " AND source <> 'workable' AND (workable_sourced IS NULL OR workable_sourced = FALSE)");
    if (f->nhidden) {
        mem_buf_puts(b, " AND candidate_id NOT IN ");
        app_repo_in_ints(b, f->hidden, f->nhidden);
    }
    if (f->search) {
        mem_buf_puts(b, " AND (candidate_id IN ");
        app_repo_in_ints(b, f->search_cands, f->nsearch_cands);
        mem_buf_puts(b, " OR role_id IN ");
        app_repo_in_ints(b, f->search_roles, f->nsearch_roles);
        mem_buf_puts(b, ")");
    }
    app_repo_min(b, "pre_screen_score_100", f->min_pre_screen, p, np);
    app_repo_min(b, "rank_score", f->min_rank, p, np);
    app_repo_min(b, "workable_score", f->min_workable, p, np);
    app_repo_min(b, "cv_match_score", f->min_cv_match, p, np);
    app_repo_min(b, f->taali_fallback ? APP_TAALI_FALLBACK : "taali_score_cache_100", f->min_taali, p, np);
}

static const char *app_repo_sort_expr(const app_filter_t *f)
{
    switch (f->sort) {
    case APP_SORT_RANK: return "rank_score";
    case APP_SORT_WORKABLE: return "workable_score";
    case APP_SORT_CV_MATCH: return "cv_match_score";
    case APP_SORT_CV_SCORED_AT: return "cv_match_scored_at";
    case APP_SORT_TAALI: return f->taali_fallback ? APP_TAALI_FALLBACK : "taali_score_cache_100";
    case APP_SORT_CREATED_AT: return "created_at";
    case APP_SORT_STAGE_UPDATED_AT: return "COALESCE(pipeline_stage_updated_at, updated_at)";
    case APP_SORT_PRE_SCREEN:
    default: return "pre_screen_score_100";
    }
}

static err_t app_repo_query(db_t *db, const char *sql, const db_value_t *p, int np, db_res_t **r)
{
    log_msg(LOG_DEBUG, APP_LOGGER, "list sql: %s", sql);
    return db_query(db, sql, p, np, r);
}

static err_t app_repo_list_rows(db_t *db, mem_arena_t *a, const app_filter_t *f, app_page_t *out)
{
    mem_buf_t b = {0};
    db_value_t p[64];
    int np = 0;
    mem_buf_printf(&b, "SELECT %s FROM candidate_applications", app_repo_cols(a, f->with_cv_text));
    app_repo_where(f, true, &b, p, &np);
    const char *dir = f->asc ? "ASC" : "DESC";
    const char *col = app_repo_sort_expr(f);
    /* nulls last in both directions, then created_at and id the same way */
    mem_buf_printf(&b, " ORDER BY (%s IS NULL) ASC, %s %s, (created_at IS NULL) ASC, created_at %s, id %s", col, col,
                   dir, dir, dir);
    p[np] = DB_V_INT(f->limit);
    p[np + 1] = DB_V_INT(f->offset);
    mem_buf_printf(&b, " LIMIT $%d OFFSET $%d", np + 1, np + 2);
    np += 2;
    db_res_t *r = NULL;
    err_t e = app_repo_query(db, b.data, p, np, &r);
    mem_buf_free(&b);
    if (e != ERR_OK)
        return e;
    out->n = (size_t)db_res_rows(r);
    out->items = mem_alloc(a, (out->n ? out->n : 1) * sizeof *out->items);
    for (size_t i = 0; i < out->n; i++)
        app_repo_read(a, r, (int)i, &out->items[i]);
    db_res_free(r);
    return ERR_OK;
}

static err_t app_repo_list_total(db_t *db, const app_filter_t *f, app_page_t *out)
{
    mem_buf_t b = {0};
    db_value_t p[64];
    int np = 0;
    mem_buf_puts(&b, "SELECT COUNT(*), MAX(COALESCE(pipeline_stage_updated_at, updated_at, created_at)) "
                     "FROM candidate_applications");
    app_repo_where(f, true, &b, p, &np);
    db_res_t *r = NULL;
    err_t e = app_repo_query(db, b.data, p, np, &r);
    mem_buf_free(&b);
    if (e != ERR_OK)
        return e;
    out->total = db_res_rows(r) > 0 ? db_res_int(r, 0, 0) : 0;
    out->has_last_activity = db_res_rows(r) > 0 && !db_res_isnull(r, 0, 1);
    out->last_activity = out->has_last_activity ? db_res_time(r, 0, 1) : 0;
    db_res_free(r);
    return ERR_OK;
}

static err_t app_repo_list_counts(db_t *db, const app_filter_t *f, app_page_t *out)
{
    mem_buf_t b = {0};
    db_value_t p[64];
    int np = 0;
    mem_buf_puts(&b, "SELECT pipeline_stage, COUNT(*) FROM candidate_applications");
    app_repo_where(f, false, &b, p, &np);
    mem_buf_puts(&b, " GROUP BY pipeline_stage");
    db_res_t *r = NULL;
    err_t e = app_repo_query(db, b.data, p, np, &r);
    mem_buf_free(&b);
    if (e != ERR_OK)
        return e;
    for (int i = 0; i < db_res_rows(r); i++) {
        int k = app_stage_index(db_res_text(r, i, 0));
        if (k >= 0)
            out->stage_counts[k] += db_res_int(r, i, 1);
    }
    db_res_free(r);
    return ERR_OK;
}

err_t app_repo_list(db_t *db, mem_arena_t *a, const app_filter_t *f, app_page_t *out)
{
    memset(out, 0, sizeof *out);
    err_t e = app_repo_list_rows(db, a, f, out);
    if (e == ERR_OK && f->want_total)
        e = app_repo_list_total(db, f, out);
    if (e == ERR_OK && f->want_stage_counts)
        e = app_repo_list_counts(db, f, out);
    return e;
}

err_t app_repo_role_ids(db_t *db, mem_arena_t *a, int64_t org, int64_t **ids, size_t *n)
{
    db_value_t p[] = {DB_V_INT(org)};
    db_res_t *r = NULL;
    err_t e =
        app_repo_query(db, "SELECT DISTINCT role_id FROM candidate_applications WHERE organization_id = $1", p, 1, &r);
    if (e != ERR_OK)
        return e;
    *n = (size_t)db_res_rows(r);
    *ids = mem_alloc(a, (*n ? *n : 1) * sizeof **ids);
    for (size_t i = 0; i < *n; i++)
        (*ids)[i] = db_res_int(r, (int)i, 0);
    db_res_free(r);
    return ERR_OK;
}

/* ---- the roles hooks ---- */

err_t app_repo_stat_rows(db_t *db, mem_arena_t *a, int64_t org, const int64_t *role_ids, size_t n,
                         app_stat_row_t **rows, size_t *nrows)
{
    mem_buf_t b = {0};
    mem_buf_puts(&b, "SELECT role_id, candidate_id, pipeline_stage, application_outcome, workable_stage, "
                     "(cv_match_score IS NOT NULL OR (pre_screen_score_100 IS NOT NULL AND pre_screen_run_at IS NOT "
                     "NULL)), COALESCE(pipeline_stage_updated_at, updated_at, created_at) "
                     "FROM candidate_applications WHERE organization_id = $1 AND deleted_at IS NULL AND role_id IN ");
    app_repo_in_ints(&b, role_ids, n);
    db_value_t p[] = {DB_V_INT(org)};
    db_res_t *r = NULL;
    err_t e = app_repo_query(db, b.data, p, 1, &r);
    mem_buf_free(&b);
    if (e != ERR_OK)
        return e;
    *nrows = (size_t)db_res_rows(r);
    *rows = mem_alloc(a, (*nrows ? *nrows : 1) * sizeof **rows);
    for (size_t i = 0; i < *nrows; i++) {
        app_stat_row_t *s = &(*rows)[i];
        int k = (int)i;
        s->role_id = db_res_int(r, k, 0);
        s->candidate_id = db_res_int(r, k, 1);
        s->stage = mem_strdup(a, db_res_text(r, k, 2));
        s->outcome = mem_strdup(a, db_res_text(r, k, 3));
        s->workable_stage = mem_strdup(a, db_res_text(r, k, 4));
        s->evaluated = db_res_bool(r, k, 5);
        s->activity = db_res_time(r, k, 6);
    }
    db_res_free(r);
    return ERR_OK;
}

err_t app_repo_role_used(db_t *db, int64_t org, int64_t role_id, bool *used)
{
    db_value_t p[] = {DB_V_INT(org), DB_V_INT(role_id)};
    return app_repo_exists(
        db, "SELECT 1 FROM candidate_applications WHERE organization_id = $1 AND role_id = $2 LIMIT 1", p, 2, used);
}

err_t app_repo_candidate_apps(db_t *db, mem_arena_t *a, int64_t candidate_id, int64_t **ids, size_t *n)
{
    db_value_t p[] = {DB_V_INT(candidate_id)};
    db_res_t *r = NULL;
    err_t e = db_query(db, "SELECT id FROM candidate_applications WHERE candidate_id = $1 ORDER BY id", p, 1, &r);
    if (e != ERR_OK)
        return e;
    *n = (size_t)db_res_rows(r);
    *ids = mem_alloc(a, (*n ? *n : 1) * sizeof **ids);
    for (size_t i = 0; i < *n; i++)
        (*ids)[i] = db_res_int(r, (int)i, 0);
    db_res_free(r);
    return ERR_OK;
}

err_t app_repo_delete(db_t *db, int64_t id)
{
    db_value_t p[] = {DB_V_INT(id)};
    err_t e = db_exec(db, "DELETE FROM candidate_application_events WHERE application_id = $1", p, 1, NULL);
    if (e == ERR_OK)
        e = db_exec(db, "DELETE FROM candidate_applications WHERE id = $1", p, 1, NULL);
    return e;
}
