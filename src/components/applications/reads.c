/* What other components read of an application: the live row with its
 * person and role name (the §1.6 visibility rule in one place), the A7
 * payload as a JSON object and the EV1 items, for the share links and
 * packs of the sharing component. */
#include <stdlib.h>
#include <string.h>

#include "components/applications/repo.h"

err_t app_view_of(db_t *db, mem_arena_t *a, const app_t *app, bool with_cv_text, app_view_t *v)
{
    memset(v, 0, sizeof *v);
    v->app = app;
    int64_t cid = app_int(app, APP_CANDIDATE), rid = app_int(app, APP_ROLE);
    err_t e = candidates_cards(db, a, app_int(app, APP_ORG), &cid, 1, with_cv_text, &v->card);
    const char **names = NULL;
    if (e == ERR_OK)
        e = roles_names(db, a, app_int(app, APP_ORG), &rid, 1, &names);
    if (e == ERR_OK)
        v->role_name = names[0];
    return e;
}

err_t app_load_live(db_t *db, mem_arena_t *a, int64_t org, int64_t id, bool lock, bool with_deleted, bool with_cv_text,
                    app_t *app, app_view_t *view)
{
    bool found = false;
    err_t e = app_repo_get(db, a, org, id, lock, with_deleted, with_cv_text, app, &found);
    if (e != ERR_OK)
        return e;
    if (!found)
        return ERR_NOT_FOUND;
    e = app_view_of(db, a, app, with_cv_text, view);
    if (e != ERR_OK)
        return e;
    return view->card.live ? ERR_OK : ERR_NOT_FOUND;
}

err_t applications_find(db_t *db, mem_arena_t *a, int64_t org, int64_t id, applications_ref_t *out)
{
    app_t *app = mem_alloc(a, sizeof *app);
    app_view_t view;
    err_t e = app_load_live(db, a, org, id, false, false, false, app, &view);
    if (e != ERR_OK)
        return e;
    out->id = app_int(app, APP_ID);
    out->organization_id = app_int(app, APP_ORG);
    out->candidate_id = app_int(app, APP_CANDIDATE);
    out->role_id = app_int(app, APP_ROLE);
    out->candidate_name = view.card.full_name && *view.card.full_name ? view.card.full_name : view.card.email;
    return ERR_OK;
}

/* Parses the text a jsonw writer produced into a JSON value. */
static err_t app_reads_parse(jsonw_t *w, json_t **out)
{
    size_t len = 0;
    char *text = jsonw_take(w, &len);
    *out = text ? json_loadb(text, len, JSON_DECODE_ANY, NULL) : NULL;
    free(text);
    return *out ? ERR_OK : ERR_INTERNAL;
}

err_t applications_detail_json(db_t *db, mem_arena_t *a, int64_t org, int64_t id, json_t **out)
{
    app_t *app = mem_alloc(a, sizeof *app);
    app_view_t view;
    err_t e = app_load_live(db, a, org, id, false, false, false, app, &view);
    if (e != ERR_OK)
        return e;
    jsonw_t w;
    jsonw_init(&w);
    app_write(&w, a, &view, APP_SHAPE_DETAIL, false);
    return app_reads_parse(&w, out);
}

err_t applications_events_json(db_t *db, mem_arena_t *a, int64_t org, int64_t app_id, int64_t role_id, int64_t limit,
                               json_t **out)
{
    app_event_row_t *rows = NULL;
    size_t n = 0;
    err_t e = app_repo_events(db, a, org, app_id, role_id, limit, 0, &rows, &n);
    if (e != ERR_OK)
        return e;
    jsonw_t w;
    jsonw_init(&w);
    jsonw_arr(&w);
    for (size_t i = 0; i < n; i++)
        app_write_event(&w, &rows[i]);
    jsonw_arr_end(&w);
    return app_reads_parse(&w, out);
}

/* ---- deleting a person's applications ---- */

/* Set at start-up (applications.h), read by request threads. */
static applications_delete_hook_fn app_delete_hooks[APPLICATIONS_DELETE_HOOKS];
static size_t app_delete_nhooks;

void applications_add_delete_hook(applications_delete_hook_fn fn)
{
    if (fn && app_delete_nhooks < APPLICATIONS_DELETE_HOOKS)
        app_delete_hooks[app_delete_nhooks++] = fn;
}

err_t applications_forget_candidate(db_t *db, int64_t candidate_id)
{
    mem_arena_t *a = mem_arena_new();
    int64_t *ids = NULL;
    size_t n = 0;
    err_t e = app_repo_candidate_apps(db, a, candidate_id, &ids, &n);
    for (size_t i = 0; i < n && e == ERR_OK; i++) {
        for (size_t h = 0; h < app_delete_nhooks && e == ERR_OK; h++)
            e = app_delete_hooks[h](db, ids[i]);
        if (e == ERR_OK)
            e = app_repo_delete(db, ids[i]);
    }
    mem_arena_free(a);
    return e;
}
