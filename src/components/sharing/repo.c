/* SQL of the sharing component. */
#include "components/sharing/repo.h"

#include <stdio.h>
#include <string.h>

#define LINK_COLS                                                                                                      \
    "id, organization_id, application_id, view_role_id, token, mode, expiry_preset, expires_at, revoked_at, "          \
    "view_count, last_viewed_at, created_at"
#define PACK_COLS                                                                                                      \
    "id, organization_id, role_id, token, title, snapshot, expires_at, revoked_at, view_count, last_viewed_at, "       \
    "created_at"
#define REPORT_COLS "id, token, query, snapshot, expires_at, revoked_at, created_at"

static const char *repo_dup(mem_arena_t *a, const db_res_t *r, int row, int col)
{
    const char *s = db_res_text(r, row, col);
    return s ? mem_strdup(a, s) : NULL;
}

static void repo_time(const db_res_t *r, int row, int col, bool *has, int64_t *v)
{
    *has = !db_res_isnull(r, row, col);
    *v = *has ? db_res_time(r, row, col) : 0;
}

static void repo_link(mem_arena_t *a, const db_res_t *r, int i, sharing_link_t *o)
{
    memset(o, 0, sizeof *o);
    o->id = db_res_int(r, i, 0);
    o->organization_id = db_res_int(r, i, 1);
    o->application_id = db_res_int(r, i, 2);
    o->has_view_role_id = !db_res_isnull(r, i, 3);
    o->view_role_id = db_res_int(r, i, 3);
    o->token = repo_dup(a, r, i, 4);
    o->mode = repo_dup(a, r, i, 5);
    o->expiry_preset = repo_dup(a, r, i, 6);
    o->expires_at = db_res_time(r, i, 7);
    repo_time(r, i, 8, &o->has_revoked_at, &o->revoked_at);
    o->view_count = db_res_int(r, i, 9);
    repo_time(r, i, 10, &o->has_last_viewed_at, &o->last_viewed_at);
    repo_time(r, i, 11, &o->has_created_at, &o->created_at);
}

static void repo_pack(mem_arena_t *a, const db_res_t *r, int i, sharing_pack_t *o)
{
    memset(o, 0, sizeof *o);
    o->id = db_res_int(r, i, 0);
    o->organization_id = db_res_int(r, i, 1);
    o->role_id = db_res_int(r, i, 2);
    o->token = repo_dup(a, r, i, 3);
    o->title = repo_dup(a, r, i, 4);
    o->snapshot = repo_dup(a, r, i, 5);
    repo_time(r, i, 6, &o->has_expires_at, &o->expires_at);
    repo_time(r, i, 7, &o->has_revoked_at, &o->revoked_at);
    o->view_count = db_res_int(r, i, 8);
    repo_time(r, i, 9, &o->has_last_viewed_at, &o->last_viewed_at);
    repo_time(r, i, 10, &o->has_created_at, &o->created_at);
}

typedef void (*repo_read_fn)(mem_arena_t *a, const db_res_t *r, int i, void *out);

/* Every row of a query into an arena array of elem-sized items. */
static err_t repo_rows(db_t *db, mem_arena_t *a, const char *sql, const db_value_t *p, int np, size_t elem,
                       repo_read_fn read, void **out, size_t *n)
{
    db_res_t *r = NULL;
    err_t e = db_query(db, sql, p, np, &r);
    if (e != ERR_OK)
        return e;
    int rows = db_res_rows(r);
    *n = (size_t)rows;
    *out = mem_alloc(a, (rows ? (size_t)rows : 1) * elem);
    for (int i = 0; i < rows; i++)
        read(a, r, i, (char *)*out + (size_t)i * elem);
    db_res_free(r);
    return ERR_OK;
}

static void repo_link_any(mem_arena_t *a, const db_res_t *r, int i, void *o)
{
    repo_link(a, r, i, o);
}

static void repo_pack_any(mem_arena_t *a, const db_res_t *r, int i, void *o)
{
    repo_pack(a, r, i, o);
}

static err_t repo_one(db_t *db, mem_arena_t *a, const char *sql, const db_value_t *p, int np, size_t elem,
                      repo_read_fn read, void *out, bool *found)
{
    void *rows = NULL;
    size_t n = 0;
    err_t e = repo_rows(db, a, sql, p, np, elem, read, &rows, &n);
    if (e != ERR_OK)
        return e;
    *found = n > 0;
    if (n > 0)
        memcpy(out, rows, elem);
    return ERR_OK;
}

/* "token = $1 OR token = $2" with the plain spelling only when given. */
static int repo_token_params(const char *stored, const char *plain, db_value_t *p)
{
    p[0] = DB_V_TEXT(stored);
    p[1] = DB_V_TEXT(plain ? plain : stored);
    return 2;
}

/* ---- share links ---- */

err_t sharing_repo_link_insert(db_t *db, mem_arena_t *a, const sharing_link_t *in, int64_t created_by,
                               sharing_link_t *out)
{
    db_value_t p[] = {DB_V_INT(in->organization_id),
                      DB_V_INT(in->application_id),
                      in->has_view_role_id ? DB_V_INT(in->view_role_id) : DB_V_NULL,
                      created_by > 0 ? DB_V_INT(created_by) : DB_V_NULL,
                      DB_V_TEXT(in->token),
                      DB_V_TEXT(in->mode),
                      DB_V_TEXT(in->expiry_preset),
                      DB_V_TIME(in->expires_at),
                      DB_V_TIME(in->created_at)};
    bool found = false;
    err_t e = repo_one(db, a,
                       "INSERT INTO share_links (organization_id, application_id, view_role_id, created_by_user_id, "
                       "token, mode, expiry_preset, expires_at, created_at, view_count) "
                       "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 0) RETURNING " LINK_COLS,
                       p, 9, sizeof *out, repo_link_any, out, &found);
    return e == ERR_OK && !found ? ERR_INTERNAL : e;
}

err_t sharing_repo_link_list(db_t *db, mem_arena_t *a, int64_t org, int64_t application_id, bool has_view_role,
                             int64_t view_role_id, sharing_link_t **out, size_t *n)
{
    db_value_t p[] = {DB_V_INT(org), DB_V_INT(application_id), DB_V_INT(view_role_id)};
    const char *sql = has_view_role ? "SELECT " LINK_COLS " FROM share_links WHERE organization_id = $1 "
                                      "AND application_id = $2 AND view_role_id = $3 ORDER BY created_at DESC, id DESC"
                                    : "SELECT " LINK_COLS " FROM share_links WHERE organization_id = $1 "
                                      "AND application_id = $2 AND view_role_id IS NULL "
                                      "ORDER BY created_at DESC, id DESC";
    return repo_rows(db, a, sql, p, has_view_role ? 3 : 2, sizeof **out, repo_link_any, (void **)out, n);
}

err_t sharing_repo_link_get(db_t *db, mem_arena_t *a, int64_t org, int64_t id, sharing_link_t *out, bool *found)
{
    db_value_t p[] = {DB_V_INT(id), DB_V_INT(org)};
    return repo_one(db, a, "SELECT " LINK_COLS " FROM share_links WHERE id = $1 AND organization_id = $2", p, 2,
                    sizeof *out, repo_link_any, out, found);
}

err_t sharing_repo_link_by_token(db_t *db, mem_arena_t *a, const char *stored, const char *plain, bool lock,
                                 sharing_link_t *out, bool *found)
{
    db_value_t p[2];
    int np = repo_token_params(stored, plain, p);
    char sql[320];
    snprintf(sql, sizeof sql, "SELECT " LINK_COLS " FROM share_links WHERE token = $1 OR token = $2%s",
             lock ? db_sql_for_update(db) : "");
    return repo_one(db, a, sql, p, np, sizeof *out, repo_link_any, out, found);
}

err_t sharing_repo_link_revoke(db_t *db, int64_t id, int64_t now_us)
{
    db_value_t p[] = {DB_V_TIME(now_us), DB_V_INT(id)};
    return db_exec(db, "UPDATE share_links SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL", p, 2, NULL);
}

err_t sharing_repo_link_viewed(db_t *db, int64_t id, int64_t now_us)
{
    db_value_t p[] = {DB_V_TIME(now_us), DB_V_INT(id)};
    return db_exec(db, "UPDATE share_links SET view_count = view_count + 1, last_viewed_at = $1 WHERE id = $2", p, 2,
                   NULL);
}

err_t sharing_repo_forget_application(db_t *db, int64_t application_id)
{
    db_value_t p[] = {DB_V_INT(application_id)};
    return db_exec(db, "DELETE FROM share_links WHERE application_id = $1", p, 1, NULL);
}

/* ---- submittal packs ---- */

err_t sharing_repo_pack_insert(db_t *db, mem_arena_t *a, const sharing_pack_t *in, int64_t created_by,
                               sharing_pack_t *out)
{
    db_value_t p[] = {
        DB_V_INT(in->organization_id), DB_V_INT(in->role_id),    created_by > 0 ? DB_V_INT(created_by) : DB_V_NULL,
        DB_V_TEXT(in->token),          DB_V_TEXT(in->title),     DB_V_JSON(in->snapshot),
        DB_V_TIME(in->expires_at),     DB_V_TIME(in->created_at)};
    bool found = false;
    err_t e = repo_one(db, a,
                       "INSERT INTO submittal_packs (organization_id, role_id, created_by_user_id, token, title, "
                       "snapshot, expires_at, created_at, view_count) "
                       "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 0) RETURNING " PACK_COLS,
                       p, 8, sizeof *out, repo_pack_any, out, &found);
    return e == ERR_OK && !found ? ERR_INTERNAL : e;
}

err_t sharing_repo_pack_list(db_t *db, mem_arena_t *a, int64_t org, int64_t role_id, sharing_pack_t **out, size_t *n)
{
    db_value_t p[] = {DB_V_INT(org), DB_V_INT(role_id)};
    return repo_rows(db, a,
                     "SELECT " PACK_COLS " FROM submittal_packs WHERE organization_id = $1 AND role_id = $2 "
                     "ORDER BY created_at DESC, id DESC",
                     p, 2, sizeof **out, repo_pack_any, (void **)out, n);
}

err_t sharing_repo_pack_get(db_t *db, mem_arena_t *a, int64_t org, int64_t id, sharing_pack_t *out, bool *found)
{
    db_value_t p[] = {DB_V_INT(id), DB_V_INT(org)};
    return repo_one(db, a, "SELECT " PACK_COLS " FROM submittal_packs WHERE id = $1 AND organization_id = $2", p, 2,
                    sizeof *out, repo_pack_any, out, found);
}

err_t sharing_repo_pack_by_token(db_t *db, mem_arena_t *a, const char *stored, const char *plain, bool lock,
                                 sharing_pack_t *out, bool *found)
{
    db_value_t p[2];
    int np = repo_token_params(stored, plain, p);
    char sql[320];
    snprintf(sql, sizeof sql, "SELECT " PACK_COLS " FROM submittal_packs WHERE token = $1 OR token = $2%s",
             lock ? db_sql_for_update(db) : "");
    return repo_one(db, a, sql, p, np, sizeof *out, repo_pack_any, out, found);
}

err_t sharing_repo_pack_revoke(db_t *db, int64_t id, int64_t now_us)
{
    db_value_t p[] = {DB_V_TIME(now_us), DB_V_INT(id)};
    return db_exec(db, "UPDATE submittal_packs SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL", p, 2, NULL);
}

err_t sharing_repo_pack_viewed(db_t *db, int64_t id, int64_t now_us)
{
    db_value_t p[] = {DB_V_TIME(now_us), DB_V_INT(id)};
    return db_exec(db, "UPDATE submittal_packs SET view_count = view_count + 1, last_viewed_at = $1 WHERE id = $2", p,
                   2, NULL);
}

/* ---- top-candidates reports ---- */

err_t sharing_repo_report_insert(db_t *db, int64_t org, int64_t created_by, bool has_role, int64_t role_id,
                                 const char *stored_token, const char *query, const char *snapshot, int64_t expires_at,
                                 int64_t now_us)
{
    db_value_t p[] = {DB_V_INT(org),
                      created_by > 0 ? DB_V_INT(created_by) : DB_V_NULL,
                      has_role ? DB_V_INT(role_id) : DB_V_NULL,
                      DB_V_TEXT(stored_token),
                      DB_V_TEXT(query),
                      DB_V_JSON(snapshot),
                      DB_V_TIME(expires_at),
                      DB_V_TIME(now_us)};
    return db_exec(db,
                   "INSERT INTO top_candidates_reports (organization_id, created_by_user_id, role_id, token, query, "
                   "snapshot, expires_at, created_at, view_count) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 0)",
                   p, 8, NULL);
}

static void repo_report_any(mem_arena_t *a, const db_res_t *r, int i, void *out)
{
    sharing_report_t *o = out;
    memset(o, 0, sizeof *o);
    int64_t unused = 0;
    o->id = db_res_int(r, i, 0);
    o->token = repo_dup(a, r, i, 1);
    o->query = repo_dup(a, r, i, 2);
    o->snapshot = repo_dup(a, r, i, 3);
    repo_time(r, i, 4, &o->has_expires_at, &o->expires_at);
    repo_time(r, i, 5, &o->has_revoked_at, &unused);
    repo_time(r, i, 6, &o->has_created_at, &o->created_at);
}

err_t sharing_repo_report_by_token(db_t *db, mem_arena_t *a, const char *stored, const char *plain, bool lock,
                                   sharing_report_t *out, bool *found)
{
    db_value_t p[2];
    int np = repo_token_params(stored, plain, p);
    char sql[320];
    snprintf(sql, sizeof sql, "SELECT " REPORT_COLS " FROM top_candidates_reports WHERE token = $1 OR token = $2%s",
             lock ? db_sql_for_update(db) : "");
    return repo_one(db, a, sql, p, np, sizeof *out, repo_report_any, out, found);
}

err_t sharing_repo_report_viewed(db_t *db, int64_t id, int64_t now_us)
{
    db_value_t p[] = {DB_V_TIME(now_us), DB_V_INT(id)};
    return db_exec(db,
                   "UPDATE top_candidates_reports SET view_count = view_count + 1, last_viewed_at = $1 WHERE id = $2",
                   p, 2, NULL);
}
