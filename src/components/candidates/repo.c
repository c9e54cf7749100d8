/* SQL on `candidates` (this component's table only). */
#include "components/candidates/repo.h"

#include <string.h>

#define CAND_COLS_HEAD "id, organization_id, email, full_name, position, cv_filename, "
#define CAND_COLS_TAIL                                                                                                 \
    ", cv_uploaded_at, job_spec_filename, %s, job_spec_uploaded_at, created_at, work_email, company_name, "            \
    "company_size, lead_source, marketing_consent"
/* The preview needs 501 characters at most; substr counts characters in
 * both dialects. */
#define CAND_TEXT_CUT "substr(%s, 1, 501)"

static const char *cand_cols(mem_arena_t *a, bool full_texts)
{
    const char *cv = full_texts ? "cv_text" : mem_printf(a, CAND_TEXT_CUT, "cv_text");
    const char *js = full_texts ? "job_spec_text" : mem_printf(a, CAND_TEXT_CUT, "job_spec_text");
    return mem_printf(a, CAND_COLS_HEAD "%s" CAND_COLS_TAIL, cv, js);
}

static void cand_row(mem_arena_t *a, const db_res_t *r, int i, candidates_candidate_t *c)
{
    memset(c, 0, sizeof *c);
    c->id = db_res_int(r, i, 0);
    c->has_organization = !db_res_isnull(r, i, 1);
    c->organization_id = db_res_int(r, i, 1);
    c->email = mem_strdup(a, db_res_text(r, i, 2));
    c->full_name = mem_strdup(a, db_res_text(r, i, 3));
    c->position = mem_strdup(a, db_res_text(r, i, 4));
    c->cv_filename = mem_strdup(a, db_res_text(r, i, 5));
    c->cv_text = mem_strdup(a, db_res_text(r, i, 6));
    c->has_cv_uploaded_at = !db_res_isnull(r, i, 7);
    c->cv_uploaded_at = db_res_time(r, i, 7);
    c->job_spec_filename = mem_strdup(a, db_res_text(r, i, 8));
    c->job_spec_text = mem_strdup(a, db_res_text(r, i, 9));
    c->has_job_spec_uploaded_at = !db_res_isnull(r, i, 10);
    c->job_spec_uploaded_at = db_res_time(r, i, 10);
    c->has_created_at = !db_res_isnull(r, i, 11);
    c->created_at = db_res_time(r, i, 11);
    c->work_email = mem_strdup(a, db_res_text(r, i, 12));
    c->company_name = mem_strdup(a, db_res_text(r, i, 13));
    c->company_size = mem_strdup(a, db_res_text(r, i, 14));
    c->lead_source = mem_strdup(a, db_res_text(r, i, 15));
    c->marketing_consent = db_res_isnull(r, i, 16) ? true : db_res_bool(r, i, 16);
}

/* The organisation condition of a scope as SQL text with its parameter
 * number n (no parameter for "no organisation"). */
static const char *cand_scope_sql(mem_arena_t *a, candidates_scope_t s, int n)
{
    return s.has_organization ? mem_printf(a, "organization_id = $%d", n) : "organization_id IS NULL";
}

err_t cand_repo_get(db_t *db, mem_arena_t *a, const candidates_scope_t *scope, int64_t id, bool full_texts,
                    candidates_candidate_t *out, bool *found)
{
    db_value_t p[2] = {DB_V_INT(id), DB_V_NULL};
    int np = 1;
    const char *where = "";
    if (scope) {
        where = mem_printf(a, " AND %s", cand_scope_sql(a, *scope, 2));
        if (scope->has_organization)
            p[np++] = DB_V_INT(scope->organization_id);
    }
    const char *sql = mem_printf(a, "SELECT %s FROM candidates WHERE id = $1%s", cand_cols(a, full_texts), where);
    db_res_t *r = NULL;
    err_t e = db_query(db, sql, p, np, &r);
    if (e != ERR_OK)
        return e;
    *found = db_res_rows(r) > 0;
    if (*found)
        cand_row(a, r, 0, out);
    db_res_free(r);
    return ERR_OK;
}

err_t cand_repo_list(db_t *db, mem_arena_t *a, candidates_scope_t scope, const char *q, int64_t limit, int64_t offset,
                     candidates_candidate_t **items, size_t *n, int64_t *total)
{
    db_value_t p[4];
    int np = 0;
    if (scope.has_organization)
        p[np++] = DB_V_INT(scope.organization_id);
    const char *where = cand_scope_sql(a, scope, 1);
    if (q) {
        p[np++] = DB_V_TEXT(mem_printf(a, "%%%s%%", q));
        const char *like = db_sql_ilike(db);
        where = mem_printf(a, "%s AND (full_name %s $%d OR email %s $%d)", where, like, np, like, np);
    }
    db_res_t *r = NULL;
    err_t e = db_query(db, mem_printf(a, "SELECT count(*) FROM candidates WHERE %s", where), p, np, &r);
    if (e != ERR_OK)
        return e;
    *total = db_res_int(r, 0, 0);
    db_res_free(r);

    int nbase = np;
    p[np++] = DB_V_INT(limit);
    p[np++] = DB_V_INT(offset);
    const char *sql = mem_printf(a,
                                 "SELECT %s FROM candidates WHERE %s ORDER BY created_at DESC, id DESC "
                                 "LIMIT $%d OFFSET $%d",
                                 cand_cols(a, false), where, nbase + 1, nbase + 2);
    e = db_query(db, sql, p, np, &r);
    if (e != ERR_OK)
        return e;
    int rows = db_res_rows(r);
    candidates_candidate_t *v = mem_alloc(a, (size_t)(rows ? rows : 1) * sizeof *v);
    for (int i = 0; i < rows; i++)
        cand_row(a, r, i, &v[i]);
    db_res_free(r);
    *items = v;
    *n = (size_t)rows;
    return ERR_OK;
}

err_t cand_repo_find_email(db_t *db, candidates_scope_t scope, const char *email, int64_t *id, bool *found)
{
    db_value_t p[2] = {DB_V_TEXT(email), DB_V_INT(scope.organization_id)};
    const char *sql =
        scope.has_organization
            ? "SELECT id FROM candidates WHERE email = $1 AND organization_id = $2 ORDER BY id LIMIT 1"
            : "SELECT id FROM candidates WHERE email = $1 AND organization_id IS NULL ORDER BY id LIMIT 1";
    db_res_t *r = NULL;
    err_t e = db_query(db, sql, p, scope.has_organization ? 2 : 1, &r);
    if (e != ERR_OK)
        return e;
    *found = db_res_rows(r) > 0;
    if (*found)
        *id = db_res_int(r, 0, 0);
    db_res_free(r);
    return ERR_OK;
}

err_t cand_repo_insert(db_t *db, candidates_scope_t scope, const char *email, const char *full_name,
                       const char *position, int64_t now_us, int64_t *id)
{
    db_value_t p[] = {scope.has_organization ? DB_V_INT(scope.organization_id) : DB_V_NULL, DB_V_TEXT(email),
                      DB_V_TEXT(full_name), DB_V_TEXT(position), DB_V_TIME(now_us)};
    db_res_t *r = NULL;
    err_t e = db_query(db,
                       "INSERT INTO candidates (organization_id, email, full_name, position, created_at) "
                       "VALUES ($1, $2, $3, $4, $5) RETURNING id",
                       p, 5, &r);
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

err_t cand_repo_update(db_t *db, int64_t id, bool set_name, const char *full_name, bool set_position,
                       const char *position, bool *found)
{
    int64_t affected = 0;
    err_t e;
    if (set_name && set_position) {
        db_value_t p[] = {DB_V_TEXT(full_name), DB_V_TEXT(position), DB_V_INT(id)};
        e = db_exec(db, "UPDATE candidates SET full_name = $1, position = $2 WHERE id = $3", p, 3, &affected);
    } else if (set_name) {
        db_value_t p[] = {DB_V_TEXT(full_name), DB_V_INT(id)};
        e = db_exec(db, "UPDATE candidates SET full_name = $1 WHERE id = $2", p, 2, &affected);
    } else if (set_position) {
        db_value_t p[] = {DB_V_TEXT(position), DB_V_INT(id)};
        e = db_exec(db, "UPDATE candidates SET position = $1 WHERE id = $2", p, 2, &affected);
    } else {
        db_value_t p[] = {DB_V_INT(id)};
        db_res_t *r = NULL;
        e = db_query(db, "SELECT id FROM candidates WHERE id = $1", p, 1, &r);
        if (e == ERR_OK)
            affected = db_res_rows(r);
        db_res_free(r);
    }
    if (e != ERR_OK)
        return e;
    *found = affected > 0;
    return ERR_OK;
}

err_t cand_repo_set_doc(db_t *db, int64_t id, cand_doc_t doc, const char *url, const char *filename, const char *text,
                        int64_t at_us, bool *found)
{
    db_value_t p[] = {DB_V_TEXT(url), DB_V_TEXT(filename), DB_V_TEXT(text), DB_V_TIME(at_us), DB_V_INT(id)};
    const char *sql = doc == CAND_DOC_CV ? "UPDATE candidates SET cv_file_url = $1, cv_filename = $2, cv_text = $3, "
                                           "cv_uploaded_at = $4 WHERE id = $5"
                                         : "UPDATE candidates SET job_spec_file_url = $1, job_spec_filename = $2, "
                                           "job_spec_text = $3, job_spec_uploaded_at = $4 WHERE id = $5";
    int64_t affected = 0;
    err_t e = db_exec(db, sql, p, 5, &affected);
    if (e != ERR_OK)
        return e;
    *found = affected > 0;
    return ERR_OK;
}

err_t cand_repo_delete(db_t *db, int64_t id, bool *found)
{
    db_value_t p[] = {DB_V_INT(id)};
    int64_t affected = 0;
    err_t e = db_exec(db, "DELETE FROM candidates WHERE id = $1", p, 1, &affected);
    if (e != ERR_OK)
        return e;
    *found = affected > 0;
    return ERR_OK;
}

err_t cand_repo_contacts(db_t *db, mem_arena_t *a, const int64_t *ids, size_t n, candidates_contact_t *out)
{
    if (n == 0)
        return ERR_OK;
    db_value_t *p = mem_alloc(a, n * sizeof *p);
    mem_buf_t in = {0};
    for (size_t i = 0; i < n; i++) {
        p[i] = DB_V_INT(ids[i]);
        mem_buf_printf(&in, "%s$%zu", i ? ", " : "", i + 1);
        out[i] = (candidates_contact_t){.id = ids[i]};
    }
    const char *sql = mem_printf(a, "SELECT id, full_name, email FROM candidates WHERE id IN (%s)", in.data);
    mem_buf_free(&in);
    db_res_t *r = NULL;
    err_t e = db_query(db, sql, p, (int)n, &r);
    if (e != ERR_OK)
        return e;
    for (int row = 0; row < db_res_rows(r); row++) {
        int64_t id = db_res_int(r, row, 0);
        for (size_t i = 0; i < n; i++) {
            if (ids[i] != id)
                continue;
            out[i].found = true;
            out[i].full_name = mem_strdup(a, db_res_text(r, row, 1));
            out[i].email = mem_strdup(a, db_res_text(r, row, 2));
        }
    }
    db_res_free(r);
    return ERR_OK;
}

err_t candidates_set_workable(db_t *db, int64_t id, const char *workable_candidate_id, const char *workable_data_json)
{
    db_value_t p[] = {DB_V_TEXT(workable_candidate_id), DB_V_JSON(workable_data_json), DB_V_INT(id)};
    int64_t n = 0;
    err_t e =
        db_exec(db, "UPDATE candidates SET workable_candidate_id = $1, workable_data = $2 WHERE id = $3", p, 3, &n);
    if (e != ERR_OK)
        return e;
    return n == 1 ? ERR_OK : ERR_NOT_FOUND;
}

err_t cand_repo_set_lead(db_t *db, mem_arena_t *a, int64_t id, const cand_lead_t *lead, bool *found)
{
    db_value_t p[6];
    int np = 0;
    mem_buf_t sql = {0};
    mem_buf_puts(&sql, "UPDATE candidates SET id = id");
    const struct {
        bool set;
        const char *col, *value;
    } texts[] = {{lead->set_work_email, "work_email", lead->work_email},
                 {lead->set_company_name, "company_name", lead->company_name},
                 {lead->set_company_size, "company_size", lead->company_size},
                 {lead->set_lead_source, "lead_source", lead->lead_source}};
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        if (!texts[i].set)
            continue;
        p[np++] = DB_V_TEXT(texts[i].value);
        mem_buf_printf(&sql, ", %s = $%d", texts[i].col, np);
    }
    if (lead->set_marketing_consent) {
        p[np++] = DB_V_BOOL(lead->marketing_consent);
        mem_buf_printf(&sql, ", marketing_consent = $%d", np);
    }
    p[np++] = DB_V_INT(id);
    mem_buf_printf(&sql, " WHERE id = $%d", np);
    int64_t n = 0;
    const char *text = mem_strdup(a, sql.data);
    mem_buf_free(&sql);
    err_t e = db_exec(db, text, p, np, &n);
    *found = n > 0;
    return e;
}

/* ---- for the applications component (candidates.h) ---- */

err_t candidates_cards(db_t *db, mem_arena_t *a, int64_t org, const int64_t *ids, size_t n, bool with_cv_text,
                       candidates_card_t *out)
{
    if (n == 0)
        return ERR_OK;
    mem_buf_t in = {0};
    for (size_t i = 0; i < n; i++) {
        mem_buf_printf(&in, "%s%lld", i ? ", " : "", (long long)ids[i]);
        out[i] = (candidates_card_t){.id = ids[i]};
    }
    const char *sql = mem_printf(a,
                                 "SELECT id, organization_id, deleted_at, email, full_name, position, cv_filename, "
                                 "cv_uploaded_at, %s FROM candidates WHERE id IN (%s)",
                                 with_cv_text ? "cv_text" : "NULL", in.data);
    mem_buf_free(&in);
    db_res_t *r = NULL;
    err_t e = db_query(db, sql, NULL, 0, &r);
    if (e != ERR_OK)
        return e;
    for (int row = 0; row < db_res_rows(r); row++) {
        int64_t id = db_res_int(r, row, 0);
        for (size_t i = 0; i < n; i++) {
            if (ids[i] != id)
                continue;
            candidates_card_t *c = &out[i];
            c->found = true;
            c->live = !db_res_isnull(r, row, 1) && db_res_int(r, row, 1) == org && db_res_isnull(r, row, 2);
            c->email = mem_strdup(a, db_res_text(r, row, 3));
            c->full_name = mem_strdup(a, db_res_text(r, row, 4));
            c->position = mem_strdup(a, db_res_text(r, row, 5));
            c->cv_filename = mem_strdup(a, db_res_text(r, row, 6));
            c->has_cv_uploaded_at = !db_res_isnull(r, row, 7);
            c->cv_uploaded_at = db_res_time(r, row, 7);
            c->cv_text = mem_strdup(a, db_res_text(r, row, 8));
        }
    }
    db_res_free(r);
    return ERR_OK;
}

err_t candidates_find_or_create_person(db_t *db, int64_t org, const char *email, const char *full_name,
                                       const char *position, int64_t *id, bool *created)
{
    candidates_scope_t scope = {.has_organization = true, .organization_id = org};
    bool found = false;
    err_t e = cand_repo_find_email(db, scope, email, id, &found);
    if (e != ERR_OK)
        return e;
    *created = !found;
    if (!found)
        return cand_repo_insert(db, scope, email, full_name, position, db_now_us(), id);
    if (!full_name && !position)
        return ERR_OK;
    bool ok = false;
    return cand_repo_update(db, *id, full_name != NULL, full_name, position != NULL, position, &ok);
}

err_t candidates_set_name_position(db_t *db, int64_t id, bool set_name, const char *full_name, bool set_position,
                                   const char *position)
{
    bool found = false;
    err_t e = cand_repo_update(db, id, set_name, full_name, set_position, position, &found);
    if (e != ERR_OK)
        return e;
    return found ? ERR_OK : ERR_NOT_FOUND;
}

/* The ids one query returns (column 0), into arena a. */
static err_t cand_repo_ids(db_t *db, mem_arena_t *a, const char *sql, const db_value_t *p, int np, int64_t **ids,
                           size_t *n)
{
    db_res_t *r = NULL;
    err_t e = db_query(db, sql, p, np, &r);
    if (e != ERR_OK)
        return e;
    *n = (size_t)db_res_rows(r);
    *ids = mem_alloc(a, (*n ? *n : 1) * sizeof **ids);
    for (size_t i = 0; i < *n; i++)
        (*ids)[i] = db_res_int(r, (int)i, 0);
    db_res_free(r);
    return ERR_OK;
}

err_t candidates_hidden_ids(db_t *db, mem_arena_t *a, int64_t org, int64_t **ids, size_t *n)
{
    db_value_t p[] = {DB_V_INT(org)};
    return cand_repo_ids(db, a, "SELECT id FROM candidates WHERE organization_id = $1 AND deleted_at IS NOT NULL", p, 1,
                         ids, n);
}

err_t candidates_search_ids(db_t *db, mem_arena_t *a, int64_t org, const char *term, int64_t **ids, size_t *n)
{
    mem_buf_t pat = {0};
    mem_buf_puts(&pat, "%");
    for (const char *s = term; *s; s++) {
        if (*s == '%' || *s == '_' || *s == '\\')
            mem_buf_puts(&pat, "\\");
        mem_buf_append(&pat, s, 1);
    }
    mem_buf_puts(&pat, "%");
    const char *like = mem_strdup(a, pat.data);
    mem_buf_free(&pat);
    const char *op = db_sql_ilike(db);
    const char *sql = mem_printf(a,
                                 "SELECT id FROM candidates WHERE organization_id = $1 AND deleted_at IS NULL AND "
                                 "(full_name %s $2 ESCAPE '\\' OR email %s $2 ESCAPE '\\' OR position %s $2 "
                                 "ESCAPE '\\')",
                                 op, op, op);
    db_value_t p[] = {DB_V_INT(org), DB_V_TEXT(like)};
    return cand_repo_ids(db, a, sql, p, 2, ids, n);
}
