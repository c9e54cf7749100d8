/* The pipeline rules of §6.1 (stage guard, legacy status mapping, the
 * `status` mirror), the transitions that apply them with their events
 * (§7.1, always in the caller's transaction), and the roles hooks. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "components/applications/repo.h"

/* ---- rules ---- */

static const char *const app_outcomes[] = {"open", "rejected", "withdrawn", "hired", NULL};

bool app_stage_known(const char *s)
{
    return app_stage_index(s) >= 0;
}

bool app_outcome_known(const char *s)
{
    for (int i = 0; s && app_outcomes[i]; i++)
        if (strcmp(app_outcomes[i], s) == 0)
            return true;
    return false;
}

const char *app_legacy_status(const char *stage, const char *outcome)
{
    if (strcmp(outcome, "open") != 0)
        return outcome;
    if (strcmp(stage, "in_assessment") == 0)
        return "in_progress";
    return stage;
}

/* Lower-case with '-' and ' ' as '_' (the key of both mappings). */
static const char *app_norm_key(mem_arena_t *a, const char *s)
{
    char *k = mem_strdup(a, s ? s : "");
    for (char *c = k; *c; c++)
        *c = (*c == '-' || *c == ' ') ? '_' : (char)tolower((unsigned char)*c);
    return k;
}

static bool app_in(const char *key, const char *const *set)
{
    for (int i = 0; set[i]; i++)
        if (strcmp(set[i], key) == 0)
            return true;
    return false;
}

static const char *const app_handover[] = {"phone_screen",    "phone_interview", "first_stage",
                                           "interview",       "technical",       "technical_interview",
                                           "final_interview", "onsite",          "presentation",
                                           "assessment",      "offer",           "offer_extended",
                                           "offer_accepted",  "hired",           NULL};

bool app_post_handover(mem_arena_t *a, const char *workable_stage)
{
    if (!workable_stage)
        return false;
    const char *k = app_norm_key(a, workable_stage);
    size_t n = strlen(k);
    while (n > 0 && k[n - 1] == '_') /* trailing blanks of the original strip() */
        n--;
    return app_in(mem_strndup(a, k, n), app_handover);
}

void app_map_legacy(mem_arena_t *a, const char *status, const char **stage, const char **outcome)
{
    static const char *const invited[] = {"invited", "pending", "assessment_sent", NULL};
    static const char *const started[] = {"in_progress", "started", NULL};
    static const char *const review[] = {"review", "completed", "completed_due_to_timeout", "scored", NULL};
    static const char *const rejected[] = {"rejected", "declined", "disqualified", NULL};
    static const char *const hired[] = {"hired", "offer_accepted", NULL};
    const char *k = app_norm_key(a, status);
    *outcome = "open";
    if (app_in(k, invited))
        *stage = "invited";
    else if (app_in(k, started))
        *stage = "in_assessment";
    else if (app_in(k, review))
        *stage = "review";
    else if (app_in(k, rejected))
        *stage = "review", *outcome = "rejected";
    else if (strcmp(k, "withdrawn") == 0)
        *stage = "review", *outcome = "withdrawn";
    else if (app_in(k, hired))
        *stage = "advanced", *outcome = "hired";
    else if (app_in(k, app_handover))
        *stage = "advanced";
    else
        *stage = "applied";
}

typedef struct {
    const char *from, *to;
} app_edge_t;

static const app_edge_t app_recruiter_edges[] = {
    {"sourced", "applied"},  {"applied", "invited"},  {"review", "invited"},
    {"applied", "advanced"}, {"invited", "advanced"}, {"in_assessment", "advanced"},
    {"review", "advanced"},  {"advanced", "review"},  {NULL, NULL}};
static const app_edge_t app_system_edges[] = {{"sourced", "applied"},
                                              {"invited", "in_assessment"},
                                              {"in_assessment", "review"},
                                              {"review", "in_assessment"},
                                              {NULL, NULL}};

static bool app_edge(const app_edge_t *edges, const char *from, const char *to)
{
    for (int i = 0; edges[i].from; i++)
        if (strcmp(edges[i].from, from) == 0 && strcmp(edges[i].to, to) == 0)
            return true;
    return false;
}

/* _guard_stage_transition: NULL when allowed, else the 409 text. */
static const char *app_guard(mem_arena_t *a, const char *source, const char *from, const char *to, int64_t version)
{
    if (strcmp(source, "recruiter") == 0)
        return app_edge(app_recruiter_edges, from, to)
                   ? NULL
                   : mem_printf(a, "Recruiter transition %s->%s is not allowed", from, to);
    if (strcmp(source, "system") == 0)
        return app_edge(app_system_edges, from, to)
                   ? NULL
                   : mem_printf(a, "System transition %s->%s is not allowed", from, to);
    if (strcmp(source, "sync") == 0)
        return strcmp(to, "advanced") == 0 || version <= 1
                   ? NULL
                   : "Sync cannot override local pipeline_stage after recruiter/system updates";
    return NULL; /* agent: unguarded (§6.1 quirk) */
}

/* ---- events (§7.1) ---- */

static bool app_blank(const char *s)
{
    if (!s)
        return true;
    for (; *s; s++)
        if (!isspace((unsigned char)*s))
            return false;
    return true;
}

static const char *app_strip(mem_arena_t *a, const char *s)
{
    if (app_blank(s))
        return NULL;
    while (isspace((unsigned char)*s))
        s++;
    size_t n = strlen(s);
    while (n > 0 && isspace((unsigned char)s[n - 1]))
        n--;
    return mem_strndup(a, s, n);
}

static const char *app_meta_str(const json_t *m, const char *key)
{
    const char *s = json_string_value(json_object_get(m, key));
    return app_blank(s) ? NULL : s;
}

static const char *app_event_target(const app_event_t *ev)
{
    const char *t = ev->event_type;
    if (strcmp(t, "pipeline_stage_changed") == 0 || strcmp(t, "role_pipeline_stage_changed") == 0)
        return ev->to_stage;
    if (strcmp(t, "application_outcome_changed") == 0 || strcmp(t, "role_application_outcome_changed") == 0)
        return ev->to_outcome;
    static const char *const keys[] = {"target_stage", "workable_target_stage", "bullhorn_status", NULL};
    for (int i = 0; keys[i]; i++)
        if (app_meta_str(ev->metadata, keys[i]))
            return app_meta_str(ev->metadata, keys[i]);
    if (!app_blank(ev->to_stage))
        return ev->to_stage;
    return app_blank(ev->to_outcome) ? NULL : ev->to_outcome;
}

static const char *app_event_effect(const app_event_t *ev)
{
    static const char *const confirmed[] = {"pipeline_stage_changed",
                                            "application_outcome_changed",
                                            "role_pipeline_stage_changed",
                                            "role_application_outcome_changed",
                                            "workable_moved",
                                            "bullhorn_moved",
                                            "workable_disqualified",
                                            "bullhorn_rejected",
                                            "assessment_invite_sent",
                                            "assessment_invite_resent",
                                            NULL};
    if (strstr(ev->event_type, "failed"))
        return "failed";
    if (strstr(ev->event_type, "skipped"))
        return "skipped";
    return app_in(ev->event_type, confirmed) ? "confirmed" : NULL;
}

err_t app_event_append(db_t *db, mem_arena_t *a, const app_event_t *ev_in, int64_t *id)
{
    app_event_t ev = *ev_in;
    ev.reason = app_strip(a, ev.reason);
    ev.idempotency_key = app_strip(a, ev.idempotency_key);
    const char *meta = NULL;
    if (ev.metadata && json_object_size(ev.metadata) > 0)
        meta = mem_defer(a, free, json_dumps(ev.metadata, JSON_COMPACT));
    return app_repo_event_insert(db, &ev, app_event_target(&ev), app_event_effect(&ev), meta, db_now_us(), id);
}

const char *app_actor_name(const auth_user_t *u)
{
    if (!app_blank(u->full_name))
        return u->full_name;
    if (!app_blank(u->email))
        return u->email;
    return "Recruiter";
}

/* ---- transitions ---- */

static err_t app_conflict(app_op_t *op, const char *detail)
{
    op->detail = detail;
    return ERR_CONFLICT;
}

/* Re-reads the row after a write, so the response shows what is stored. */
static err_t app_reload(app_op_t *op, app_t *app)
{
    bool found = false;
    err_t e =
        app_repo_get(op->db, op->arena, app_int(app, APP_ORG), app_int(app, APP_ID), false, true, false, app, &found);
    return e == ERR_OK && !found ? ERR_INTERNAL : e;
}

err_t app_ensure_initialized(app_op_t *op, app_t *app, const char *reason)
{
    bool any = false;
    err_t e = app_repo_event_any(op->db, app_int(app, APP_ID), &any);
    if (e != ERR_OK || any)
        return e;
    json_t *meta = json_pack("{s:s}", "legacy_status", app_str(app, APP_STATUS));
    app_event_t ev = {.application_id = app_int(app, APP_ID),
                      .organization_id = app_int(app, APP_ORG),
                      .role_id = app_int(app, APP_ROLE),
                      .event_type = "pipeline_initialized",
                      .to_stage = app_str(app, APP_STAGE),
                      .to_outcome = app_str(app, APP_OUTCOME),
                      .actor_type = "recruiter",
                      .actor_id = op->user ? op->user->id : 0,
                      .reason = reason,
                      .metadata = meta};
    e = app_event_append(op->db, op->arena, &ev, NULL);
    json_decref(meta);
    return e;
}

/* The version check and the idempotency lookup both transitions start with. */
static err_t app_precheck(app_op_t *op, const app_t *app, const app_move_t *m, bool *replayed)
{
    *replayed = false;
    int64_t v = app_int(app, APP_VERSION);
    if (m->has_expected_version && m->expected_version != v)
        return app_conflict(op, mem_printf(op->arena, "Version mismatch: expected=%lld, current=%lld",
                                           (long long)m->expected_version, (long long)v));
    const char *key = app_strip(op->arena, m->idempotency_key);
    if (!key)
        return ERR_OK;
    return app_repo_event_key_used(op->db, app_int(app, APP_ID), app_int(app, APP_ROLE), key, replayed);
}

static json_t *app_move_meta(const app_move_t *m)
{
    json_t *meta = json_object();
    if (m->extra_metadata)
        json_object_update(meta, m->extra_metadata);
    return meta;
}

err_t app_transition_stage(app_op_t *op, app_t *app, const app_move_t *m, bool *replayed)
{
    err_t e = app_precheck(op, app, m, replayed);
    if (e != ERR_OK || *replayed)
        return e;
    const char *from = app_str(app, APP_STAGE);
    int64_t version = app_int(app, APP_VERSION);
    const char *why = app_guard(op->arena, m->source, from, m->to, version);
    if (strcmp(from, m->to) == 0)
        return ERR_OK; /* same stage: silent no-op */
    if (why)
        return app_conflict(op, why);
    const char *outcome = app_str(app, APP_OUTCOME);
    const char *old_status = app_str(app, APP_STATUS);
    bool ok = false;
    e = app_repo_set_stage(op->db, app_int(app, APP_ID), m->to, m->source, app_legacy_status(m->to, outcome), version,
                           db_now_us(), &ok);
    if (e != ERR_OK)
        return e;
    if (!ok) /* a concurrent writer moved the row between our read and write */
        return app_conflict(op, mem_printf(op->arena, "Version mismatch: expected=%lld, current=%lld",
                                           (long long)version, (long long)version + 1));
    json_t *meta = app_move_meta(m);
    json_object_set_new(meta, "source", json_string(m->source));
    json_object_set_new(meta, "legacy_status_before", json_string(old_status));
    app_event_t ev = {.application_id = app_int(app, APP_ID),
                      .organization_id = app_int(app, APP_ORG),
                      .role_id = app_int(app, APP_ROLE),
                      .event_type = "pipeline_stage_changed",
                      .from_stage = from,
                      .to_stage = m->to,
                      .from_outcome = outcome,
                      .to_outcome = outcome,
                      .actor_type = m->source,
                      .actor_id = op->user ? op->user->id : 0,
                      .reason = m->reason,
                      .metadata = meta,
                      .idempotency_key = m->idempotency_key};
    e = app_event_append(op->db, op->arena, &ev, NULL);
    json_decref(meta);
    return e == ERR_OK ? app_reload(op, app) : e;
}

err_t app_transition_outcome(app_op_t *op, app_t *app, const app_move_t *m, bool *replayed)
{
    err_t e = app_precheck(op, app, m, replayed);
    if (e != ERR_OK || *replayed)
        return e;
    const char *from = app_str(app, APP_OUTCOME);
    if (strcmp(from, m->to) == 0)
        return ERR_OK;
    const char *stage = app_str(app, APP_STAGE);
    const char *old_status = app_str(app, APP_STATUS);
    int64_t version = app_int(app, APP_VERSION);
    bool ok = false;
    e = app_repo_set_outcome(op->db, app_int(app, APP_ID), m->to, app_legacy_status(stage, m->to), version, db_now_us(),
                             &ok);
    if (e != ERR_OK)
        return e;
    if (!ok)
        return app_conflict(op, mem_printf(op->arena, "Version mismatch: expected=%lld, current=%lld",
                                           (long long)version, (long long)version + 1));
    json_t *meta = app_move_meta(m);
    json_object_set_new(meta, "legacy_status_before", json_string(old_status));
    app_event_t ev = {.application_id = app_int(app, APP_ID),
                      .organization_id = app_int(app, APP_ORG),
                      .role_id = app_int(app, APP_ROLE),
                      .event_type = "application_outcome_changed",
                      .from_stage = stage,
                      .to_stage = stage,
                      .from_outcome = from,
                      .to_outcome = m->to,
                      .actor_type = "recruiter",
                      .actor_id = op->user ? op->user->id : 0,
                      .reason = m->reason,
                      .metadata = meta,
                      .idempotency_key = m->idempotency_key};
    e = app_event_append(op->db, op->arena, &ev, NULL);
    json_decref(meta);
    return e == ERR_OK ? app_reload(op, app) : e;
}

/* The edges the legacy path may take, with the source of each (§6.1). */
static const struct {
    const char *from, *to, *source;
} app_legacy_edges[] = {
    {"applied", "invited", "recruiter"},    {"applied", "advanced", "recruiter"},
    {"invited", "in_assessment", "system"}, {"invited", "advanced", "recruiter"},
    {"in_assessment", "review", "system"},  {"in_assessment", "advanced", "recruiter"},
    {"review", "invited", "recruiter"},     {"review", "advanced", "recruiter"},
};
#define APP_NLEGACY (sizeof app_legacy_edges / sizeof app_legacy_edges[0])

/* Breadth-first shortest path from -> to over the legacy edges: the edge
 * indices into path (at most 6), *len = 0 when none. */
static void app_legacy_path(const char *from, const char *to, int path[6], int *len)
{
    int prev_edge[6], seen[6] = {0}, queue[6], qh = 0, qt = 0;
    int s = app_stage_index(from), t = app_stage_index(to);
    *len = 0;
    if (s < 0 || t < 0)
        return;
    seen[s] = 1;
    queue[qt++] = s;
    while (qh < qt && !seen[t]) {
        int cur = queue[qh++];
        for (size_t k = 0; k < APP_NLEGACY; k++) {
            if (app_stage_index(app_legacy_edges[k].from) != cur)
                continue;
            int nx = app_stage_index(app_legacy_edges[k].to);
            if (seen[nx])
                continue;
            seen[nx] = 1;
            prev_edge[nx] = (int)k;
            queue[qt++] = nx;
        }
    }
    if (!seen[t])
        return;
    int rev[6], n = 0;
    for (int cur = t; cur != s; cur = app_stage_index(app_legacy_edges[prev_edge[cur]].from))
        rev[n++] = prev_edge[cur];
    for (int i = 0; i < n; i++)
        path[i] = rev[n - 1 - i];
    *len = n;
}

err_t app_legacy_update(app_op_t *op, app_t *app, const char *status, bool has_expected, int64_t expected)
{
    const char *stage, *outcome;
    app_map_legacy(op->arena, status, &stage, &outcome);
    json_t *extra = json_pack("{s:s,s:b}", "legacy_status_input", status, "compatibility_mode", 1);
    err_t e = ERR_OK;
    bool replayed = false;
    const char *cur = app_str(app, APP_STAGE);
    if (strcmp(cur, stage) != 0) {
        int path[6], len = 0;
        app_legacy_path(cur, stage, path, &len);
        if (len == 0) {
            json_decref(extra);
            return app_conflict(op,
                                mem_printf(op->arena, "Legacy status cannot reach stage '%s' from '%s'", stage, cur));
        }
        for (int i = 0; i < len && e == ERR_OK; i++) {
            app_move_t m = {.to = app_legacy_edges[path[i]].to,
                            .source = app_legacy_edges[path[i]].source,
                            .reason = "Legacy status patch",
                            .has_expected_version = i == 0 && has_expected,
                            .expected_version = expected,
                            .extra_metadata = extra};
            e = app_transition_stage(op, app, &m, &replayed);
        }
    }
    if (e == ERR_OK && strcmp(app_str(app, APP_OUTCOME), outcome) != 0) {
        app_move_t m = {.to = outcome, .source = "recruiter", .reason = "Legacy status patch", .extra_metadata = extra};
        e = app_transition_outcome(op, app, &m, &replayed);
    }
    json_decref(extra);
    return e;
}

/* ---- the roles hooks ---- */

err_t applications_role_stats(db_t *db, int64_t org, const int64_t *role_ids, size_t n, bool with_stages,
                              roles_pipeline_stats_t *out)
{
    memset(out, 0, n * sizeof *out);
    if (n == 0)
        return ERR_OK;
    mem_arena_t *a = mem_arena_new();
    int64_t *hidden = NULL;
    size_t nhidden = 0;
    app_stat_row_t *rows = NULL;
    size_t nrows = 0;
    err_t e = candidates_hidden_ids(db, a, org, &hidden, &nhidden);
    if (e == ERR_OK)
        e = app_repo_stat_rows(db, a, org, role_ids, n, &rows, &nrows);
    for (size_t i = 0; e == ERR_OK && i < nrows; i++) {
        const app_stat_row_t *r = &rows[i];
        bool gone = false;
        for (size_t h = 0; h < nhidden && !gone; h++)
            gone = hidden[h] == r->candidate_id;
        for (size_t k = 0; k < n && !gone; k++) {
            if (role_ids[k] != r->role_id)
                continue;
            roles_pipeline_stats_t *s = &out[k];
            s->applications_count++;
            bool open = strcmp(r->outcome, "open") == 0;
            if (!open) {
                if (strcmp(r->outcome, "rejected") == 0)
                    s->stage[ROLES_STAGE_REJECTED]++;
                continue;
            }
            s->active_count++;
            if (!s->has_last_activity || r->activity > s->last_activity)
                s->last_activity = r->activity, s->has_last_activity = true;
            if (!with_stages)
                continue;
            int bucket = -1;
            if (app_post_handover(a, r->workable_stage))
                bucket = ROLES_STAGE_ADVANCED;
            else if (strcmp(r->stage, "sourced") == 0)
                bucket = ROLES_STAGE_SOURCED;
            else if (strcmp(r->stage, "applied") == 0)
                bucket = r->evaluated ? ROLES_STAGE_SCORED : ROLES_STAGE_APPLIED;
            else if (strcmp(r->stage, "invited") == 0 || strcmp(r->stage, "in_assessment") == 0)
                bucket = ROLES_STAGE_INVITED;
            else if (strcmp(r->stage, "review") == 0)
                bucket = ROLES_STAGE_COMPLETED;
            else if (strcmp(r->stage, "advanced") == 0)
                bucket = ROLES_STAGE_ADVANCED;
            if (bucket >= 0)
                s->stage[bucket]++;
            if (strcmp(r->stage, "in_assessment") == 0) {
                s->stage[ROLES_STAGE_IN_ASSESSMENT]++;
                s->stage[ROLES_STAGE_INVITED_DELIVERED]++;
                s->stage[ROLES_STAGE_INVITED_OPENED]++;
            }
        }
    }
    mem_arena_free(a);
    return e;
}

err_t applications_role_used(db_t *db, int64_t org, int64_t role_id, int64_t task_id, bool *used)
{
    (void)task_id;
    return app_repo_role_used(db, org, role_id, used);
}
