/* The list routes: A4 GET /roles/{role_id}/applications (bare array),
 * A5 GET /applications (page with stage counts) and P1 GET
 * /roles/{role_id}/pipeline (open applications of one role).  Query
 * parameters are validated FastAPI's way (422 lists), CSV filters with the
 * spec's string details; the statements themselves are in repo.c. */
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "components/applications/repo.h"
#include "platform/api.h"
#include "platform/validate.h"

typedef struct {
    app_filter_t f;
    bool cv, counts;
    const char *search;
    const char *stage_label; /* P1: the "stage" field */
    const char *csv_error;   /* a CSV filter's 422 text */
} app_list_in_t;

/* ---- query helpers ---- */

static void app_q_pattern(api_ctx_t *ctx, const char *name, const char *pattern, const char **out)
{
    vld_str_rule_t rule = {VLD_OPTIONAL, 0, 0, pattern};
    vld_str_t s = {0};
    if (vld_raw_str(&ctx->v, "query", name, http_query(ctx->req, name), &rule, &s) && s.presence == VLD_SET)
        *out = s.value;
}

/* A float query parameter with optional bounds (ge/le: NAN = none). */
static void app_q_float(api_ctx_t *ctx, const char *name, double ge, double le, app_min_t *out)
{
    const char *raw = http_query(ctx->req, name);
    if (!raw)
        return;
    char *end = NULL;
    double d = strtod(raw, &end);
    while (end && isspace((unsigned char)*end))
        end++;
    if (!*raw || !end || *end || isnan(d)) {
        vld_add(&ctx->v, "float_parsing", vld_loc("query", name),
                "Input should be a valid number, unable to parse string as a number", json_string(raw), NULL);
        return;
    }
    if (!isnan(ge) && d < ge) {
        vld_add(&ctx->v, "greater_than_equal", vld_loc("query", name),
                mem_printf(ctx->arena, "Input should be greater than or equal to %g", ge), json_string(raw),
                json_pack("{s:f}", "ge", ge));
        return;
    }
    if (!isnan(le) && d > le) {
        vld_add(&ctx->v, "less_than_equal", vld_loc("query", name),
                mem_printf(ctx->arena, "Input should be less than or equal to %g", le), json_string(raw),
                json_pack("{s:f}", "le", le));
        return;
    }
    out->set = true;
    out->v = d;
}

static bool app_q_bool(api_ctx_t *ctx, const char *name, bool dflt)
{
    vld_bool_t b = {0};
    vld_raw_bool(&ctx->v, "query", name, http_query(ctx->req, name), VLD_DEFAULTED, &b);
    return b.presence == VLD_SET ? b.value : dflt;
}

static void app_q_page(api_ctx_t *ctx, long long max, long long dflt, app_filter_t *f)
{
    vld_int_rule_t lr = {.need = VLD_DEFAULTED, .has_ge = true, .ge = 1, .has_le = true, .le = max};
    vld_int_rule_t orl = {.need = VLD_DEFAULTED, .has_ge = true, .ge = 0};
    vld_int_t l = {0}, o = {0};
    vld_raw_int(&ctx->v, "query", "limit", http_query(ctx->req, "limit"), &lr, &l);
    vld_raw_int(&ctx->v, "query", "offset", http_query(ctx->req, "offset"), &orl, &o);
    f->limit = l.presence == VLD_SET ? l.value : dflt;
    f->offset = o.presence == VLD_SET ? o.value : 0;
}

static void app_q_sort(api_ctx_t *ctx, const char *pattern, app_filter_t *f)
{
    static const struct {
        const char *name;
        app_sort_t sort;
    } sorts[] = {
        {"pre_screen_score", APP_SORT_PRE_SCREEN},     {"rank_score", APP_SORT_RANK},
        {"workable_score", APP_SORT_WORKABLE},         {"cv_match_score", APP_SORT_CV_MATCH},
        {"cv_match_scored_at", APP_SORT_CV_SCORED_AT}, {"taali_score", APP_SORT_TAALI},
        {"created_at", APP_SORT_CREATED_AT},           {"pipeline_stage_updated_at", APP_SORT_STAGE_UPDATED_AT}};
    const char *by = NULL, *order = NULL;
    app_q_pattern(ctx, "sort_by", pattern, &by);
    app_q_pattern(ctx, "sort_order", "^(asc|desc)$", &order);
    f->sort = APP_SORT_PRE_SCREEN;
    for (size_t i = 0; by && i < sizeof sorts / sizeof sorts[0]; i++)
        if (strcmp(sorts[i].name, by) == 0)
            f->sort = sorts[i].sort;
    f->asc = order && strcmp(order, "asc") == 0;
}

/* Python's repr of a str, as the 422 texts quote values. */
static const char *app_repr(mem_arena_t *a, const char *s)
{
    bool dq = strchr(s, '\'') && !strchr(s, '"');
    mem_buf_t b = {0};
    mem_buf_puts(&b, dq ? "\"" : "'");
    for (const char *c = s; *c; c++) {
        if (*c == '\\' || (!dq && *c == '\''))
            mem_buf_puts(&b, "\\");
        mem_buf_append(&b, c, 1);
    }
    mem_buf_puts(&b, dq ? "\"" : "'");
    const char *r = mem_strdup(a, b.data);
    mem_buf_free(&b);
    return r;
}

static int app_cmp_str(const void *x, const void *y)
{
    return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* Splits a CSV query value into trimmed non-empty items (arena). */
static size_t app_csv(mem_arena_t *a, const char *raw, const char ***items)
{
    size_t cap = 1;
    for (const char *c = raw; *c; c++)
        cap += *c == ',';
    *items = mem_alloc(a, cap * sizeof **items);
    size_t n = 0;
    const char *s = raw;
    while (true) {
        const char *e = strchr(s, ',');
        size_t len = e ? (size_t)(e - s) : strlen(s);
        const char *t = s;
        size_t tl = len;
        while (tl > 0 && isspace((unsigned char)*t))
            t++, tl--;
        while (tl > 0 && isspace((unsigned char)t[tl - 1]))
            tl--;
        if (tl > 0) {
            char *item = mem_strndup(a, t, tl);
            for (char *c = item; *c; c++)
                *c = (char)tolower((unsigned char)*c);
            (*items)[n++] = item;
        }
        if (!e)
            break;
        s = e + 1;
    }
    return n;
}

static bool app_member(const char *v, const char *const *allowed)
{
    for (int i = 0; allowed[i]; i++)
        if (strcmp(allowed[i], v) == 0)
            return true;
    return false;
}

/* The single + CSV pair of one filter (pipeline_stage / pipeline_stages
 * and the like): the union of both into *vals, "all" clearing it, or the
 * 422 text in in->csv_error. */
static void app_q_enum_pair(api_ctx_t *ctx, app_list_in_t *in, const char *one, const char *many,
                            const char *const *allowed, const char ***vals, size_t *n, bool *given)
{
    const char *r1 = http_query(ctx->req, one), *r2 = many ? http_query(ctx->req, many) : NULL;
    *given = (r1 && *r1) || (r2 && *r2);
    *n = 0;
    *vals = mem_alloc(ctx->arena, 16 * sizeof **vals);
    bool all = false;
    if (r1 && *r1) {
        const char **items;
        size_t k = app_csv(ctx->arena, r1, &items);
        for (size_t i = 0; i < k && i < 1; i++) {
            if (strcmp(items[0], "all") == 0)
                all = true;
            else if (!app_member(items[0], allowed)) {
                if (!in->csv_error)
                    in->csv_error = mem_printf(ctx->arena, "Invalid %s value %s", one, app_repr(ctx->arena, r1));
                return;
            } else
                (*vals)[(*n)++] = items[0];
        }
    }
    if (r2 && *r2) {
        const char **items;
        size_t k = app_csv(ctx->arena, r2, &items);
        const char **bad = mem_alloc(ctx->arena, (k ? k : 1) * sizeof *bad);
        size_t nbad = 0;
        for (size_t i = 0; i < k; i++) {
            if (strcmp(items[i], "all") == 0)
                all = true;
            else if (!app_member(items[i], allowed))
                bad[nbad++] = items[i];
            else if (*n < 16)
                (*vals)[(*n)++] = items[i];
        }
        if (nbad) {
            qsort(bad, nbad, sizeof *bad, app_cmp_str);
            mem_buf_t b = {0};
            for (size_t i = 0; i < nbad; i++)
                mem_buf_printf(&b, "%s%s", i ? ", " : "", bad[i]);
            if (!in->csv_error)
                in->csv_error = mem_printf(ctx->arena, "Invalid %s value(s): %s", many, b.data);
            mem_buf_free(&b);
            return;
        }
    }
    if (all)
        *n = 0;
}

static const char *const app_list_stages[] = {"sourced", "applied", "invited", "in_assessment", "review", NULL};
static const char *const app_list_outcomes[] = {"open", "rejected", "withdrawn", "hired", NULL};

#define APP_A5_SORTS                                                                                                   \
    "^(pre_screen_score|pipeline_stage_updated_at|created_at|taali_score|cv_match_score|cv_match_scored_at)$"

/* ---- A4 ---- */

static void app_parse_role_list(api_ctx_t *ctx, void *in_)
{
    app_list_in_t *in = in_;
    app_filter_t *f = &in->f;
    app_q_sort(ctx,
               "^(pre_screen_score|rank_score|workable_score|cv_match_score|cv_match_scored_at|taali_score|"
               "created_at)$",
               f);
    app_q_float(ctx, "min_pre_screen_score", NAN, NAN, &f->min_pre_screen);
    app_q_float(ctx, "min_rank_score", NAN, NAN, &f->min_rank);
    app_q_float(ctx, "min_workable_score", NAN, NAN, &f->min_workable);
    app_q_float(ctx, "min_cv_match_score", NAN, NAN, &f->min_cv_match);
    app_q_pattern(ctx, "source", "^(manual|workable)$", &f->source);
    const char *status = NULL, *stage = NULL, *outcome = NULL;
    app_q_pattern(ctx, "status", NULL, &status);
    app_q_pattern(ctx, "pipeline_stage", NULL, &stage);
    app_q_pattern(ctx, "application_outcome", NULL, &outcome);
    if (status && strcasecmp(status, "all") != 0) {
        char *low = mem_strdup(ctx->arena, status);
        for (char *c = low; *c; c++)
            *c = (char)tolower((unsigned char)*c);
        f->status_lower = low;
    }
    if (stage && strcmp(stage, "all") != 0) {
        f->stages = mem_alloc(ctx->arena, sizeof *f->stages);
        f->stages[0] = stage;
        f->nstages = 1;
    }
    if (outcome && strcmp(outcome, "all") != 0) {
        f->outcomes = mem_alloc(ctx->arena, sizeof *f->outcomes);
        f->outcomes[0] = outcome;
        f->noutcomes = 1;
    }
    /* normalisations of §6.4 */
    if (f->min_pre_screen.set && f->min_pre_screen.v < 0)
        f->min_pre_screen.set = false;
    else if (f->min_pre_screen.set && f->min_pre_screen.v > 100)
        f->min_pre_screen.v = 100;
    if (f->min_cv_match.set && f->min_cv_match.v >= 0 && f->min_cv_match.v <= 10)
        f->min_cv_match.v *= 10;
    in->cv = app_q_bool(ctx, "include_cv_text", false);
    app_q_page(ctx, 2000, 500, f);
}

/* Cards and role names of a page, then the rows as list payloads. */
static err_t app_write_items(api_ctx_t *ctx, db_t *db, int64_t org, const app_page_t *page, bool cv, jsonw_t *w)
{
    int64_t *cids = mem_alloc(ctx->arena, (page->n ? page->n : 1) * sizeof *cids);
    int64_t *rids = mem_alloc(ctx->arena, (page->n ? page->n : 1) * sizeof *rids);
    candidates_card_t *cards = mem_alloc(ctx->arena, (page->n ? page->n : 1) * sizeof *cards);
    for (size_t i = 0; i < page->n; i++) {
        cids[i] = app_int(&page->items[i], APP_CANDIDATE);
        rids[i] = app_int(&page->items[i], APP_ROLE);
    }
    const char **names = NULL;
    err_t e = candidates_cards(db, ctx->arena, org, cids, page->n, cv, cards);
    if (e == ERR_OK)
        e = roles_names(db, ctx->arena, org, rids, page->n, &names);
    if (e != ERR_OK)
        return e;
    jsonw_arr(w);
    for (size_t i = 0; i < page->n; i++) {
        app_view_t v = {.app = &page->items[i], .card = cards[i], .role_name = names[i]};
        app_write(w, ctx->arena, &v, APP_SHAPE_LIST, cv);
    }
    jsonw_arr_end(w);
    return ERR_OK;
}

static err_t app_hidden(api_ctx_t *ctx, db_t *db, app_filter_t *f)
{
    int64_t *ids = NULL;
    size_t n = 0;
    err_t e = candidates_hidden_ids(db, ctx->arena, f->org, &ids, &n);
    f->hidden = ids;
    f->nhidden = n;
    return e;
}

static err_t app_api_role_list(api_ctx_t *ctx, const void *in_, api_out_t *out)
{
    app_list_in_t in = *(const app_list_in_t *)in_;
    const auth_user_t *u = ctx->principal;
    db_t *db;
    err_t e = api_db(ctx, out, &db);
    if (e != ERR_OK)
        return e;
    roles_ref_t role;
    int64_t role_id = api_path_int(ctx, "role_id");
    e = u->has_organization ? roles_find(db, ctx->arena, u->organization_id, role_id, &role) : ERR_NOT_FOUND;
    if (e == ERR_NOT_FOUND)
        return api_fail(out, e, "Role not found");
    in.f.org = u->organization_id;
    in.f.role_ids = &role.id;
    in.f.nroles = 1;
    in.f.with_cv_text = in.cv;
    app_page_t page;
    if (e == ERR_OK)
        e = app_hidden(ctx, db, &in.f);
    if (e == ERR_OK)
        e = app_repo_list(db, ctx->arena, &in.f, &page);
    jsonw_t w;
    jsonw_init(&w);
    if (e == ERR_OK)
        e = app_write_items(ctx, db, u->organization_id, &page, in.cv, &w);
    if (e != ERR_OK) {
        jsonw_free(&w);
        return api_fail_db(out, e, "Failed to list applications");
    }
    return api_jsonw(ctx, out, &w);
}

/* ---- A5 ---- */

static void app_parse_global(api_ctx_t *ctx, void *in_)
{
    app_list_in_t *in = in_;
    app_filter_t *f = &in->f;
    static const vld_int_rule_t role_rule = {.need = VLD_OPTIONAL};
    vld_int_t role_id = {0};
    vld_raw_int(&ctx->v, "query", "role_id", http_query(ctx->req, "role_id"), &role_rule, &role_id);
    const char *role_ids = http_query(ctx->req, "role_ids");
    size_t cap = 1 + (role_ids ? strlen(role_ids) : 0);
    int64_t *ids = mem_alloc(ctx->arena, cap * sizeof *ids);
    size_t n = 0;
    if (role_id.presence == VLD_SET)
        ids[n++] = role_id.value;
    if (role_ids && *role_ids) {
        const char **items;
        size_t k = app_csv(ctx->arena, role_ids, &items);
        for (size_t i = 0; i < k && !in->csv_error; i++) {
            char *end;
            long long v = strtoll(items[i], &end, 10);
            if (*end || end == items[i])
                in->csv_error = mem_printf(ctx->arena, "Invalid role_ids value %s. Expected comma-separated integers.",
                                           app_repr(ctx->arena, items[i]));
            else if (v <= 0)
                in->csv_error = mem_printf(ctx->arena, "Invalid role_ids value %s. Expected positive integers.",
                                           app_repr(ctx->arena, items[i]));
            else
                ids[n++] = v;
        }
    }
    f->role_ids = ids;
    f->nroles = n;
    app_q_pattern(ctx, "source", NULL, &f->source);
    bool given = false;
    app_q_enum_pair(ctx, in, "pipeline_stage", "pipeline_stages", app_list_stages, &f->stages, &f->nstages, &given);
    app_q_enum_pair(ctx, in, "application_outcome", "application_outcomes", app_list_outcomes, &f->outcomes,
                    &f->noutcomes, &given);
    if (!given) { /* the default outcome filter is open */
        f->outcomes = mem_alloc(ctx->arena, sizeof *f->outcomes);
        f->outcomes[0] = "open";
        f->noutcomes = 1;
    }
    static const char *const assessment_statuses[] = {"pending", "in_progress", "completed", "expired", NULL};
    const char **unused;
    size_t nunused;
    app_q_enum_pair(ctx, in, "assessment_status", "assessment_status", assessment_statuses, &unused, &nunused, &given);
    app_q_pattern(ctx, "search", NULL, &in->search);
    app_q_sort(ctx, APP_A5_SORTS, f);
    app_q_float(ctx, "min_pre_screen_score", 0, 100, &f->min_pre_screen);
    app_q_float(ctx, "min_taali_score", 0, 100, &f->min_taali);
    in->counts = app_q_bool(ctx, "include_stage_counts", true);
    in->cv = app_q_bool(ctx, "include_cv_text", false);
    app_q_page(ctx, 200, 50, f);
    f->taali_fallback = true;
}

/* Case-insensitive (ASCII) substring test. */
static bool app_contains(const char *hay, const char *needle)
{
    if (!hay)
        return false;
    size_t n = strlen(needle);
    for (const char *h = hay; *h; h++)
        if (strncasecmp(h, needle, n) == 0)
            return true;
    return n == 0;
}

/* The search part of a filter: matching people, and (roles_too) roles
 * whose name contains the term. */
static err_t app_search(api_ctx_t *ctx, db_t *db, const char *term, bool roles_too, app_filter_t *f)
{
    int64_t *cids = NULL;
    size_t nc = 0;
    err_t e = candidates_search_ids(db, ctx->arena, f->org, term, &cids, &nc);
    if (e != ERR_OK)
        return e;
    f->search = true;
    f->search_cands = cids;
    f->nsearch_cands = nc;
    if (!roles_too)
        return ERR_OK;
    int64_t *rids = NULL;
    size_t nr = 0;
    const char **names = NULL;
    e = app_repo_role_ids(db, ctx->arena, f->org, &rids, &nr);
    if (e == ERR_OK)
        e = roles_names(db, ctx->arena, f->org, rids, nr, &names);
    if (e != ERR_OK)
        return e;
    int64_t *match = mem_alloc(ctx->arena, (nr ? nr : 1) * sizeof *match);
    size_t nm = 0;
    for (size_t i = 0; i < nr; i++)
        if (app_contains(names[i], term))
            match[nm++] = rids[i];
    f->search_roles = match;
    f->nsearch_roles = nm;
    return ERR_OK;
}

static void app_write_counts(jsonw_t *w, const app_page_t *page)
{
    static const char *const keys[] = {"applied", "invited", "in_assessment", "review"};
    int64_t all = 0;
    for (int i = 1; i <= 4; i++)
        all += page->stage_counts[i];
    jsonw_key(w, "stage_counts");
    jsonw_obj(w);
    jsonw_key(w, "all");
    jsonw_int(w, all);
    for (int i = 0; i < 4; i++) {
        jsonw_key(w, keys[i]);
        jsonw_int(w, page->stage_counts[i + 1]);
    }
    jsonw_obj_end(w);
}

static err_t app_api_global(api_ctx_t *ctx, const void *in_, api_out_t *out)
{
    app_list_in_t in = *(const app_list_in_t *)in_;
    if (in.csv_error)
        return api_fail(out, ERR_VALIDATION, in.csv_error);
    const auth_user_t *u = ctx->principal;
    jsonw_t w;
    jsonw_init(&w);
    app_page_t page;
    memset(&page, 0, sizeof page);
    err_t e = ERR_OK;
    db_t *db = NULL;
    if (u->has_organization) {
        e = api_db(ctx, out, &db);
        if (e != ERR_OK) {
            jsonw_free(&w);
            return e;
        }
        in.f.org = u->organization_id;
        in.f.with_cv_text = in.cv;
        in.f.want_total = true;
        in.f.want_stage_counts = in.counts;
        e = app_hidden(ctx, db, &in.f);
        if (e == ERR_OK && in.search && *in.search)
            e = app_search(ctx, db, in.search, true, &in.f);
        if (e == ERR_OK)
            e = app_repo_list(db, ctx->arena, &in.f, &page);
    }
    jsonw_obj(&w);
    jsonw_key(&w, "items");
    if (e == ERR_OK && db)
        e = app_write_items(ctx, db, u->organization_id, &page, in.cv, &w);
    else if (e == ERR_OK) {
        jsonw_arr(&w);
        jsonw_arr_end(&w);
    }
    if (e != ERR_OK) {
        jsonw_free(&w);
        return api_fail_db(out, e, "Failed to list applications");
    }
    jsonw_key(&w, "total");
    jsonw_int(&w, page.total);
    jsonw_key(&w, "limit");
    jsonw_int(&w, in.f.limit);
    jsonw_key(&w, "offset");
    jsonw_int(&w, in.f.offset);
    if (in.counts)
        app_write_counts(&w, &page);
    jsonw_obj_end(&w);
    return api_jsonw(ctx, out, &w);
}

/* ---- P1 ---- */

static void app_parse_pipeline(api_ctx_t *ctx, void *in_)
{
    app_list_in_t *in = in_;
    app_filter_t *f = &in->f;
    bool given = false;
    app_q_enum_pair(ctx, in, "stage", "stages", app_list_stages, &f->stages, &f->nstages, &given);
    if (f->nstages) {
        mem_buf_t b = {0};
        for (size_t i = 0; i < f->nstages; i++)
            mem_buf_printf(&b, "%s%s", i ? "," : "", f->stages[i]);
        in->stage_label = mem_strdup(ctx->arena, b.data);
        mem_buf_free(&b);
    } else
        in->stage_label = "all";
    const char *source = NULL;
    app_q_pattern(ctx, "source", NULL, &source);
    if (source && strcmp(source, "workable") == 0)
        f->source_kind = 1;
    else if (source && strcmp(source, "manual") == 0)
        f->source_kind = 2;
    app_q_pattern(ctx, "search", NULL, &in->search);
    app_q_sort(ctx, APP_A5_SORTS, f);
    app_q_float(ctx, "min_pre_screen_score", 0, 100, &f->min_pre_screen);
    app_q_float(ctx, "min_taali_score", 0, 100, &f->min_taali);
    in->counts = app_q_bool(ctx, "include_stage_counts", true);
    in->cv = app_q_bool(ctx, "include_cv_text", false);
    app_q_page(ctx, 200, 50, f);
    f->taali_fallback = true;
    f->outcomes = mem_alloc(ctx->arena, sizeof *f->outcomes);
    f->outcomes[0] = "open";
    f->noutcomes = 1;
}

static err_t app_api_pipeline(api_ctx_t *ctx, const void *in_, api_out_t *out)
{
    app_list_in_t in = *(const app_list_in_t *)in_;
    if (in.csv_error)
        return api_fail(out, ERR_VALIDATION, in.csv_error);
    const auth_user_t *u = ctx->principal;
    db_t *db;
    err_t e = api_db(ctx, out, &db);
    if (e != ERR_OK)
        return e;
    roles_ref_t role;
    e = u->has_organization ? roles_find(db, ctx->arena, u->organization_id, api_path_int(ctx, "role_id"), &role)
                            : ERR_NOT_FOUND;
    if (e == ERR_NOT_FOUND)
        return api_fail(out, e, "Role not found");
    in.f.org = u->organization_id;
    in.f.role_ids = &role.id;
    in.f.nroles = 1;
    in.f.with_cv_text = in.cv;
    in.f.want_total = true;
    in.f.want_stage_counts = in.counts;
    app_page_t page;
    if (e == ERR_OK)
        e = app_hidden(ctx, db, &in.f);
    if (e == ERR_OK && in.search && *in.search)
        e = app_search(ctx, db, in.search, false, &in.f);
    if (e == ERR_OK)
        e = app_repo_list(db, ctx->arena, &in.f, &page);
    /* last activity and the open count are over every open application of the role */
    app_filter_t open = {.org = in.f.org,
                         .role_ids = &role.id,
                         .nroles = 1,
                         .outcomes = in.f.outcomes,
                         .noutcomes = 1,
                         .hidden = in.f.hidden,
                         .nhidden = in.f.nhidden,
                         .limit = 0,
                         .want_total = true};
    app_page_t all;
    if (e == ERR_OK)
        e = app_repo_list(db, ctx->arena, &open, &all);
    jsonw_t w;
    jsonw_init(&w);
    jsonw_obj(&w);
    jsonw_key(&w, "role_id");
    jsonw_int(&w, role.id);
    jsonw_key(&w, "role_name");
    jsonw_str(&w, e == ERR_OK ? role.name : NULL);
    jsonw_key(&w, "stage");
    jsonw_str(&w, in.stage_label);
    jsonw_key(&w, "active_candidates_count");
    int64_t active = 0;
    for (int i = 1; e == ERR_OK && i <= 4; i++)
        active += page.stage_counts[i];
    jsonw_int(&w, e == ERR_OK ? (in.counts ? active : all.total) : 0);
    char buf[40];
    jsonw_key(&w, "last_candidate_activity_at");
    jsonw_str(&w, e == ERR_OK && all.has_last_activity ? db_format_time(all.last_activity, "Z", buf) : NULL);
    jsonw_key(&w, "items");
    if (e == ERR_OK)
        e = app_write_items(ctx, db, u->organization_id, &page, in.cv, &w);
    if (e != ERR_OK) {
        jsonw_free(&w);
        return api_fail_db(out, e, "Failed to load pipeline");
    }
    jsonw_key(&w, "total");
    jsonw_int(&w, page.total);
    jsonw_key(&w, "limit");
    jsonw_int(&w, in.f.limit);
    jsonw_key(&w, "offset");
    jsonw_int(&w, in.f.offset);
    if (in.counts)
        app_write_counts(&w, &page);
    jsonw_obj_end(&w);
    return api_jsonw(ctx, out, &w);
}

static const api_route_t app_list_routes[] = {
    {"GET", "/api/v1/roles/{role_id:int}/applications", API_AUTH_RECRUITER, API_BODY_NONE, API_RL_NONE,
     app_parse_role_list, sizeof(app_list_in_t), app_api_role_list, 200, "The applications of one role",
     "applications"},
    {"GET", "/api/v1/applications", API_AUTH_RECRUITER, API_BODY_NONE, API_RL_NONE, app_parse_global,
     sizeof(app_list_in_t), app_api_global, 200, "Applications across the organisation's roles", "applications"},
    {"GET", "/api/v1/roles/{role_id:int}/pipeline", API_AUTH_RECRUITER, API_BODY_NONE, API_RL_NONE, app_parse_pipeline,
     sizeof(app_list_in_t), app_api_pipeline, 200, "The open pipeline of one role", "applications"},
};

void app_register_lists(http_server_t *s)
{
    api_routes(s, app_list_routes, sizeof app_list_routes / sizeof app_list_routes[0]);
}
