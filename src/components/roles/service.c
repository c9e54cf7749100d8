/* The roles service: one role write as a transaction (§1.2 check, lock,
 * version match, audited bump and its change event, §1.3/§4.4), the role
 * reads with their aggregates (R2/R3), create (R1), delete (R5), and the
 * change-event reads (E1, changed_by). */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "components/organizations/organizations.h"
#include "components/roles/repo.h"
#include "platform/json.h"

#define ROLES_CONFLICT_MESSAGE                                                                                         \
    "This job changed after you opened it. Review the latest version before saving your changes."

/* ---- reads ---- */

err_t roles_load(api_ctx_t *ctx, api_out_t *out, db_t *db, int64_t role_id, json_t **row)
{
    const auth_user_t *u = ctx->principal;
    *row = NULL;
    if (!u->has_organization)
        return api_fail(out, ERR_NOT_FOUND, "Role not found");
    err_t e = roles_repo_row(db, ctx->arena, u->organization_id, role_id, false, row);
    if (e != ERR_OK)
        return api_fail_db(out, e, "Internal Server Error");
    return *row ? ERR_OK : api_fail(out, ERR_NOT_FOUND, "Role not found");
}

static err_t roles_stats(db_t *db, int64_t org, const int64_t *ids, size_t n, bool with_stages,
                         roles_pipeline_stats_t *out)
{
    memset(out, 0, (n ? n : 1) * sizeof *out);
    if (!roles_stats_hook || n == 0)
        return ERR_OK;
    return roles_stats_hook(db, org, ids, n, with_stages, out);
}

err_t roles_view(db_t *db, mem_arena_t *a, const json_t *row, roles_view_mode_t mode, json_t **json)
{
    int64_t org = roles_row_int(row, "organization_id"), id = roles_row_int(row, "id");
    roles_view_t v = {.mode = mode};
    err_t e = roles_repo_lights(db, a, org, (roles_light_t **)&v.lights, &v.nlights);
    if (e == ERR_OK && mode != ROLES_VIEW_SUMMARY)
        e = roles_criteria_json(db, a, id, &v.criteria);
    if (e == ERR_OK && mode != ROLES_VIEW_SUMMARY) {
        int64_t *counts = NULL;
        e = roles_repo_task_counts(db, a, org, &id, 1, &counts);
        if (e == ERR_OK)
            v.tasks_count = counts[0];
    }
    if (e == ERR_OK && mode != ROLES_VIEW_SUMMARY) {
        v.with_stages = mode == ROLES_VIEW_DETAIL;
        e = roles_stats(db, org, &id, 1, v.with_stages, &v.stats);
        v.applications_count = v.stats.applications_count;
    }
    if (e != ERR_OK)
        return e;
    *json = roles_keep(a, roles_role_json(row, &v));
    return ERR_OK;
}

/* ---- the write transaction ---- */

json_t *roles_changed_by(db_t *db, mem_arena_t *a, int64_t org, int64_t role_id)
{
    roles_event_t ev;
    bool found = false;
    if (roles_repo_event_last(db, a, org, role_id, &ev, &found) != ERR_OK || !found)
        return json_null();
    auth_user_t user;
    bool known = ev.has_actor && auth_member_get(db, a, ev.actor, &user) == ERR_OK && user.has_organization &&
                 user.organization_id == org;
    json_t *o = json_object();
    json_object_set_new(o, "user_id", known ? json_integer(ev.actor) : json_null());
    json_object_set_new(
        o, "name", known && user.full_name ? json_stringn(user.full_name, strnlen(user.full_name, 200)) : json_null());
    json_object_set_new(o, "email",
                        known && user.email ? json_stringn(user.email, strnlen(user.email, 320)) : json_null());
    json_object_set_new(o, "changed_at", roles_time_json(true, ev.created_at));
    return o;
}

static err_t roles_conflict(roles_tx_t *t, api_out_t *out, json_t *row, roles_conflict_t kind)
{
    json_t *current = json_null(), *changed_by = json_null();
    if (kind == ROLES_CONFLICT_FULL) {
        json_t *role = NULL;
        if (roles_view(t->db, t->a, row, ROLES_VIEW_DETAIL, &role) == ERR_OK) {
            json_decref(current);
            current = json_incref(role);
        }
        json_decref(changed_by);
        changed_by = roles_changed_by(t->db, t->a, t->org, t->role_id);
    }
    db_rollback(t->db);
    return api_fail_json(out, ERR_CONFLICT,
                         json_pack("{sssssIsoso}", "code", "ROLE_VERSION_CONFLICT", "message", ROLES_CONFLICT_MESSAGE,
                                   "current_version", (json_int_t)roles_row_int(row, "version"), "current_role",
                                   current, "changed_by", changed_by));
}

err_t roles_tx_open(roles_tx_t *t, api_ctx_t *ctx, api_out_t *out, int64_t role_id, roles_perm_t perm,
                    int64_t expected_version, roles_conflict_t conflict)
{
    const auth_user_t *u = ctx->principal;
    db_t *db;
    err_t e = api_db(ctx, out, &db);
    if (e != ERR_OK)
        return e;
    *t = (roles_tx_t){.db = db,
                      .a = ctx->arena,
                      .u = u,
                      .request_id = ctx->req->request_id,
                      .org = u->organization_id,
                      .role_id = role_id};
    e = db_begin(db);
    if (e != ERR_OK)
        return api_fail_db(out, e, "Internal Server Error");
    roles_ref_t ref;
    e = roles_authorize(db, ctx->arena, u, role_id, perm, &ref);
    if (e == ERR_FORBIDDEN)
        return roles_tx_fail(t, out, e, "Forbidden");
    if (e == ERR_OK)
        e = roles_repo_row(db, ctx->arena, t->org, role_id, true, &t->row);
    if (e != ERR_OK)
        return roles_tx_fail(t, out, e, "Internal Server Error");
    if (!t->row)
        return roles_tx_fail(t, out, ERR_NOT_FOUND, "Role not found");
    if (roles_row_int(t->row, "version") != expected_version)
        return roles_conflict(t, out, t->row, conflict);
    return ERR_OK;
}

err_t roles_tx_fail(roles_tx_t *t, api_out_t *out, err_t e, const char *detail)
{
    db_rollback(t->db);
    if (e == ERR_INTERNAL || e == ERR_UNAVAILABLE || e == ERR_TIMEOUT || e == ERR_CONFLICT)
        return api_fail_db(out, e, detail);
    return api_fail(out, e, detail);
}

err_t roles_tx_commit(roles_tx_t *t, api_out_t *out, const char *detail)
{
    err_t e = db_commit(t->db);
    if (e != ERR_OK)
        return roles_tx_fail(t, out, e, detail);
    return ERR_OK;
}

err_t roles_tx_write(roles_tx_t *t, json_t *set, const char *action, const char *reason, bool force, bool *bumped)
{
    if (bumped)
        *bumped = false;
    json_t *after = roles_keep(t->a, json_deep_copy(t->row));
    if (set)
        json_object_update(after, set);
    json_t *diff = roles_keep(t->a, roles_audit_diff(t->row, after));
    if (json_object_size(diff) == 0 && !force)
        return ERR_OK;
    int64_t from = roles_row_int(t->row, "version"), now = db_now_us();
    json_t *w = roles_keep(t->a, set ? json_deep_copy(set) : json_object());
    json_object_set_new(w, "version", json_integer(from + 1));
    json_object_set_new(w, "updated_at", json_integer(now));
    err_t e = roles_repo_update(t->db, t->a, t->org, t->role_id, w);
    if (e != ERR_OK)
        return e;
    roles_event_t ev = {.org = t->org,
                        .role_id = t->role_id,
                        .has_actor = true,
                        .actor = t->u->id,
                        .action = action,
                        .from_version = from,
                        .to_version = from + 1,
                        .changes = json_encode_arena(t->a, diff),
                        .reason = reason,
                        .request_id = t->request_id && strlen(t->request_id) <= 128 ? t->request_id : NULL,
                        .created_at = now};
    e = roles_repo_event_add(t->db, &ev);
    if (e != ERR_OK)
        return e;
    json_object_update(after, w);
    t->row = after;
    if (bumped)
        *bumped = true;
    return ERR_OK;
}

/* ---- R1 ---- */

/* The workspace defaults of R1 (budget, threshold, threshold mode). */
static err_t roles_create_defaults(db_t *db, mem_arena_t *a, int64_t org, json_t *set)
{
    organizations_org_t o;
    err_t e = organizations_get(db, a, org, &o);
    if (e != ERR_OK)
        return e;
    if (!json_object_get(set, "monthly_usd_budget_cents"))
        json_object_set_new(set, "monthly_usd_budget_cents",
                            json_integer(o.has_default_role_budget_cents && o.default_role_budget_cents >= 1
                                             ? o.default_role_budget_cents
                                             : 5000));
    bool body_threshold = !roles_row_null(set, "score_threshold");
    if (!body_threshold && o.has_default_score_threshold) {
        int64_t th = o.default_score_threshold < 0     ? 0
                     : o.default_score_threshold > 100 ? 100
                                                       : o.default_score_threshold;
        json_object_set_new(set, "score_threshold", json_integer(th));
    }
    json_object_set_new(set, "auto_reject_threshold_mode",
                        json_string(body_threshold || o.has_default_score_threshold ? "manual" : "auto"));
    return ERR_OK;
}

err_t roles_create(db_t *db, mem_arena_t *a, const auth_user_t *u, json_t *set, json_t **row)
{
    int64_t org = u->organization_id, id = 0;
    json_object_set_new(set, "source", json_string("manual"));
    json_object_set_new(set, "role_kind", json_string("standard"));
    json_object_set_new(set, "version", json_integer(1));
    json_object_set_new(set, "auto_skip_assessment", json_true());
    json_object_set_new(set, "created_at", json_integer(db_now_us()));
    err_t e = db_begin(db);
    if (e != ERR_OK)
        return e;
    e = roles_create_defaults(db, a, org, set);
    if (e == ERR_OK)
        e = roles_repo_insert(db, a, org, set, &id);
    if (e == ERR_OK)
        e = roles_repo_team_set(db, org, id, u->id, "hiring_manager");
    if (e == ERR_OK)
        e = roles_criteria_snapshot(db, a, org, id);
    if (e == ERR_OK)
        e = roles_repo_row(db, a, org, id, false, row);
    if (e == ERR_OK)
        e = db_commit(db);
    if (e != ERR_OK)
        db_rollback(db);
    return e;
}

/* ---- R2 ---- */

typedef struct {
    json_t *row;
    int64_t id, family_id, updated_at, created_at;
    bool starred, has_updated, related, family_on;
    const char *family_name, *name;
    int64_t tasks_count;
    roles_pipeline_stats_t stats;
} roles_item_t;

static int roles_cmp_i64_desc(int64_t a, int64_t b)
{
    return a > b ? -1 : a < b;
}

static int roles_item_cmp(const void *pa, const void *pb, void *kind)
{
    const roles_item_t *a = pa, *b = pb;
    roles_sort_t roles_sort_kind = *(const roles_sort_t *)kind;
    int c;
    if (roles_sort_kind == ROLES_SORT_ACTIVITY) {
        if (a->starred != b->starred)
            return a->starred ? -1 : 1;
        if (a->has_updated != b->has_updated)
            return a->has_updated ? -1 : 1;
        if ((c = roles_cmp_i64_desc(a->updated_at, b->updated_at)))
            return c;
        if ((c = roles_cmp_i64_desc(a->created_at, b->created_at)))
            return c;
        return roles_cmp_i64_desc(a->id, b->id);
    }
    if (roles_sort_kind == ROLES_SORT_AGENT_ON_NAME && a->family_on != b->family_on)
        return a->family_on ? -1 : 1;
    if ((c = strcasecmp(a->family_name ? a->family_name : "", b->family_name ? b->family_name : "")))
        return c;
    if (a->family_id != b->family_id)
        return a->family_id < b->family_id ? -1 : 1;
    if (a->related != b->related)
        return a->related ? 1 : -1;
    if ((c = strcasecmp(a->name ? a->name : "", b->name ? b->name : "")))
        return c;
    return a->id < b->id ? -1 : a->id > b->id;
}

static const roles_light_t *roles_find_light(const roles_light_t *l, size_t n, int64_t id)
{
    for (size_t i = 0; id && i < n; i++)
        if (l[i].id == id)
            return &l[i];
    return NULL;
}

static bool roles_agent_on(const json_t *row)
{
    return roles_row_bool(row, "agentic_mode_enabled") && roles_row_null(row, "agent_paused_at");
}

/* Families and their agent flag for the name sorts. */
static void roles_items_family(roles_item_t *items, size_t n, const roles_light_t *lights, size_t nl)
{
    for (size_t i = 0; i < n; i++) {
        roles_item_t *it = &items[i];
        const char *kind = roles_row_str(it->row, "role_kind");
        const roles_light_t *owner = roles_find_light(lights, nl, roles_row_int(it->row, "ats_owner_role_id"));
        it->related = kind && strcmp(kind, "sister") == 0 && owner && owner->live;
        it->family_id = it->related ? owner->id : it->id;
        it->family_name = it->related ? owner->name : it->name;
    }
    for (size_t i = 0; i < n; i++)
        if (roles_agent_on(items[i].row))
            for (size_t k = 0; k < n; k++)
                if (items[k].family_id == items[i].family_id)
                    items[k].family_on = true;
}

err_t roles_list(db_t *db, mem_arena_t *a, int64_t org, roles_sort_t sort, long long limit, bool with_stats,
                 json_t **array)
{
    json_t *rows = NULL;
    roles_light_t *lights = NULL;
    size_t nl = 0;
    err_t e = roles_repo_rows(db, a, org, &rows);
    if (e == ERR_OK)
        e = roles_repo_lights(db, a, org, &lights, &nl);
    if (e != ERR_OK)
        return e;
    size_t n = json_array_size(rows);
    roles_item_t *items = mem_alloc(a, (n ? n : 1) * sizeof *items);
    int64_t *ids = mem_alloc(a, (n ? n : 1) * sizeof *ids);
    for (size_t i = 0; i < n; i++) {
        roles_item_t *it = &items[i];
        it->row = json_array_get(rows, i);
        it->id = ids[i] = roles_row_int(it->row, "id");
        it->name = roles_row_str(it->row, "name");
        it->starred = roles_row_bool(it->row, "starred_for_auto_sync");
        it->has_updated = !roles_row_null(it->row, "updated_at");
        it->updated_at = roles_row_int(it->row, "updated_at");
        it->created_at = roles_row_int(it->row, "created_at");
    }
    int64_t *counts = NULL;
    roles_pipeline_stats_t *stats = mem_alloc(a, (n ? n : 1) * sizeof *stats);
    e = roles_repo_task_counts(db, a, org, ids, n, &counts);
    if (e == ERR_OK)
        e = roles_stats(db, org, ids, n, with_stats, stats);
    if (e != ERR_OK)
        return e;
    for (size_t i = 0; i < n; i++) {
        items[i].tasks_count = counts[i];
        items[i].stats = stats[i];
    }
    roles_items_family(items, n, lights, nl);
    qsort_r(items, n, sizeof *items, roles_item_cmp, &sort);
    size_t take = n;
    if (limit > 0 && (size_t)limit < n) {
        take = (size_t)limit;
        if (sort != ROLES_SORT_ACTIVITY)
            while (take < n && items[take].family_id == items[take - 1].family_id)
                take++;
    }
    *array = roles_keep(a, json_array());
    for (size_t i = 0; i < take; i++) {
        roles_view_t v = {.mode = ROLES_VIEW_SUMMARY,
                          .tasks_count = items[i].tasks_count,
                          .applications_count = items[i].stats.applications_count,
                          .with_stages = with_stats,
                          .with_activity = with_stats,
                          .stats = items[i].stats,
                          .lights = lights,
                          .nlights = nl};
        json_array_append_new(*array, roles_role_json(items[i].row, &v));
    }
    return ERR_OK;
}

/* ---- R5 ---- */

err_t roles_delete(roles_tx_t *t, api_out_t *out)
{
    bool used = false;
    err_t e = roles_applications_hook ? roles_applications_hook(t->db, t->org, t->role_id, 0, &used) : ERR_OK;
    if (e != ERR_OK)
        return roles_tx_fail(t, out, e, "Failed to delete role");
    if (used)
        return roles_tx_fail(t, out, ERR_BAD_REQUEST, "Cannot delete role with applications");
    e = roles_assessments_hook ? roles_assessments_hook(t->db, t->org, t->role_id, 0, &used) : ERR_OK;
    if (e != ERR_OK)
        return roles_tx_fail(t, out, e, "Failed to delete role");
    if (used)
        return roles_tx_fail(t, out, ERR_BAD_REQUEST, "Cannot delete role with assessments");
    e = roles_tx_write(t, NULL, "role_deleted", "role deleted", true, NULL);
    if (e == ERR_OK)
        e = roles_repo_delete(t->db, t->org, t->role_id);
    if (e == ERR_CONFLICT) /* a row of another component (interview feedback, a pack) still names it */
        return roles_tx_fail(t, out, ERR_BAD_REQUEST, "Cannot delete role with linked records");
    if (e != ERR_OK)
        return roles_tx_fail(t, out, e, "Failed to delete role");
    return roles_tx_commit(t, out, "Failed to delete role");
}

/* ---- E1 ---- */

err_t roles_events_exist(db_t *db, int64_t org, int64_t role_id, bool *exist)
{
    roles_event_t ev;
    mem_arena_t *a = mem_arena_new();
    err_t e = roles_repo_event_last(db, a, org, role_id, &ev, exist);
    mem_arena_free(a);
    return e;
}

err_t roles_events(db_t *db, mem_arena_t *a, int64_t org, int64_t role_id, long long limit, long long before_id,
                   json_t **array)
{
    roles_event_t *evs = NULL;
    int64_t *ids = NULL;
    size_t n = 0, nu = 0;
    auth_user_t *users = NULL;
    err_t e = roles_repo_events(db, a, org, role_id, limit, before_id, &evs, &n, &ids);
    if (e == ERR_OK && n > 0)
        e = auth_list_org_users(db, a, org, &users, &nu);
    if (e != ERR_OK)
        return e;
    *array = roles_keep(a, json_array());
    for (size_t i = 0; i < n; i++) {
        const roles_event_t *ev = &evs[i];
        const auth_user_t *actor = NULL;
        for (size_t k = 0; ev->has_actor && k < nu; k++)
            if (users[k].id == ev->actor)
                actor = &users[k];
        json_t *changes = ev->changes ? json_loads(ev->changes, JSON_DECODE_ANY, NULL) : NULL;
        json_t *o = json_object();
        json_object_set_new(o, "id", json_integer(ids[i]));
        json_object_set_new(o, "organization_id", json_integer(ev->org));
        json_object_set_new(o, "role_id", json_integer(ev->role_id));
        json_object_set_new(o, "actor_user_id", ev->has_actor ? json_integer(ev->actor) : json_null());
        json_object_set_new(o, "action", json_string(ev->action ? ev->action : ""));
        json_object_set_new(o, "from_version", json_integer(ev->from_version));
        json_object_set_new(o, "to_version", json_integer(ev->to_version));
        json_object_set_new(o, "changes", changes ? changes : json_object());
        json_object_set_new(o, "reason", ev->reason ? json_string(ev->reason) : json_null());
        json_object_set_new(o, "request_id", ev->request_id ? json_string(ev->request_id) : json_null());
        json_object_set_new(o, "created_at", roles_time_json(true, ev->created_at));
        json_object_set_new(o, "actor",
                            actor ? json_pack("{sIss?ss?}", "user_id", (json_int_t)actor->id, "name", actor->full_name,
                                              "email", actor->email)
                                  : json_null());
        json_array_append_new(*array, o);
    }
    return ERR_OK;
}
