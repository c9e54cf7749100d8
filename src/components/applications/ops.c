/* The route operations of the applications component (its service layer
 * for A1, A7-A11, EV1, EV2).  Every mutation runs in one transaction: the
 * permission check of §1.2 (which locks the role on PostgreSQL), the
 * application row locked FOR UPDATE, the change and its events, then
 * COMMIT; a refusal rolls all of it back. */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "components/applications/repo.h"
#include "platform/api.h"
#include "platform/validate.h"

#define APP_NOT_FOUND "Application not found"

/* ---- loading and answering ---- */

/* The live application id of the caller's organisation (§1.6), person
 * live too; ERR_NOT_FOUND otherwise. */
static err_t app_api_load(api_ctx_t *ctx, db_t *db, int64_t id, bool lock, bool with_deleted, bool with_cv_text,
                          app_t *app, app_view_t *view)
{
    const auth_user_t *u = ctx->principal;
    if (!u->has_organization)
        return ERR_NOT_FOUND;
    return app_load_live(db, ctx->arena, u->organization_id, id, lock, with_deleted, with_cv_text, app, view);
}

static err_t app_api_answer(api_ctx_t *ctx, api_out_t *out, const app_view_t *v, app_shape_t shape, bool cv)
{
    jsonw_t w;
    jsonw_init(&w);
    app_write(&w, ctx->arena, v, shape, cv);
    return api_jsonw(ctx, out, &w);
}

/* Opens the transaction of a mutation on application id: 404, then 403
 * (perm on its role), then the row locked.  On error the transaction is
 * rolled back and out is filled. */
static err_t app_api_begin(api_ctx_t *ctx, api_out_t *out, db_t *db, int64_t id, roles_perm_t perm, app_t *app,
                           const char *fail)
{
    app_view_t view;
    err_t e = db_begin(db);
    if (e != ERR_OK)
        return api_fail_db(out, e, fail);
    e = app_api_load(ctx, db, id, false, false, false, app, &view);
    if (e == ERR_OK) {
        roles_ref_t role;
        e = roles_authorize(db, ctx->arena, ctx->principal, app_int(app, APP_ROLE), perm, &role);
        if (e == ERR_FORBIDDEN) {
            db_rollback(db);
            return api_fail(out, e, "Forbidden");
        }
    }
    if (e == ERR_OK) {
        bool found = false;
        e = app_repo_get(db, ctx->arena, app_int(app, APP_ORG), id, true, false, false, app, &found);
        if (e == ERR_OK && !found)
            e = ERR_NOT_FOUND;
    }
    if (e == ERR_OK)
        return ERR_OK;
    db_rollback(db);
    if (e == ERR_NOT_FOUND)
        return api_fail(out, e, APP_NOT_FOUND);
    return api_fail_db(out, e, fail);
}

/* Ends a mutation: on ERR_OK commits and answers the application; else
 * rolls back and answers op's refusal (or fail for a database error). */
static err_t app_api_finish(api_ctx_t *ctx, api_out_t *out, db_t *db, app_op_t *op, err_t e, app_t *app,
                            const char *fail)
{
    if (e == ERR_OK)
        e = db_commit(db);
    else
        db_rollback(db);
    if (e == ERR_CONFLICT && op->detail_json)
        return api_fail_json(out, e, op->detail_json);
    json_decref(op->detail_json);
    if ((e == ERR_CONFLICT || e == ERR_BAD_REQUEST || e == ERR_VALIDATION) && op->detail)
        return api_fail(out, e, op->detail);
    if (e != ERR_OK)
        return api_fail_db(out, e, fail);
    bool found = false;
    app_view_t view;
    e = app_repo_get(db, ctx->arena, app_int(app, APP_ORG), app_int(app, APP_ID), false, true, false, app, &found);
    if (e == ERR_OK)
        e = app_view_of(db, ctx->arena, app, false, &view);
    if (e != ERR_OK)
        return api_fail_db(out, e, fail);
    return app_api_answer(ctx, out, &view, APP_SHAPE_BASE, false);
}

/* ---- A1 POST /roles/{role_id}/applications ---- */

err_t app_op_create(api_ctx_t *ctx, const void *in_, api_out_t *out)
{
    const app_create_in_t *in = in_;
    const char *fail = "Failed to create application";
    db_t *db;
    err_t e = api_db(ctx, out, &db);
    if (e != ERR_OK)
        return e;
    if ((e = db_begin(db)) != ERR_OK)
        return api_fail_db(out, e, fail);
    roles_ref_t role;
    app_op_t op = {.db = db, .arena = ctx->arena, .user = ctx->principal};
    app_t app;
    e = roles_authorize(db, ctx->arena, ctx->principal, api_path_int(ctx, "role_id"), ROLES_PERM_EDIT_ROLE, &role);
    if (e == ERR_FORBIDDEN) {
        db_rollback(db);
        return api_fail(out, e, "Forbidden");
    }
    if (e == ERR_OK && !role.job_spec_present)
        e = ERR_BAD_REQUEST, op.detail = "Upload job spec before adding applications";
    int64_t cid = 0;
    bool created = false, exists = false;
    if (e == ERR_OK)
        e = candidates_find_or_create_person(db, role.organization_id, in->email.value, in->name, in->position, &cid,
                                             &created);
    if (e == ERR_OK)
        e = app_repo_pair_exists(db, cid, role.id, &exists);
    if (e == ERR_OK && exists)
        e = ERR_BAD_REQUEST, op.detail = "Candidate already has an application for this role";
    if (e == ERR_OK) {
        const char *status = in->status ? in->status : "applied";
        const char *stage, *outcome;
        app_map_legacy(ctx->arena, status, &stage, &outcome);
        if (in->stage)
            stage = in->stage;
        if (in->outcome)
            outcome = in->outcome;
        app_new_row_t row = {.org = role.organization_id,
                             .candidate_id = cid,
                             .role_id = role.id,
                             .stage = stage,
                             .outcome = outcome,
                             .status = app_legacy_status(stage, outcome),
                             .source = "manual",
                             .notes = in->notes,
                             .now = db_now_us()};
        int64_t id = 0;
        bool found = false;
        e = app_repo_insert(db, &row, &id);
        if (e == ERR_OK)
            e = app_repo_get(db, ctx->arena, role.organization_id, id, false, true, false, &app, &found);
        if (e == ERR_OK) {
            json_t *meta = json_pack("{s:s}", "legacy_status", status);
            app_event_t ev = {.application_id = id,
                              .organization_id = role.organization_id,
                              .role_id = role.id,
                              .event_type = "pipeline_initialized",
                              .to_stage = stage,
                              .to_outcome = outcome,
                              .actor_type = "recruiter",
                              .actor_id = ((const auth_user_t *)ctx->principal)->id,
                              .reason = "Application created",
                              .metadata = meta};
            e = app_event_append(db, ctx->arena, &ev, NULL);
            json_decref(meta);
        }
        if (e == ERR_CONFLICT) /* the unique pair lost a race */
            e = ERR_BAD_REQUEST, op.detail = "Candidate already has an application for this role";
    }
    return app_api_finish(ctx, out, db, &op, e, &app, fail);
}

/* ---- A7 GET /applications/{id} ---- */

err_t app_op_get(api_ctx_t *ctx, const void *in_, api_out_t *out)
{
    const app_get_in_t *in = in_;
    bool cv = in->cv.presence == VLD_SET && in->cv.value;
    db_t *db;
    err_t e = api_db(ctx, out, &db);
    if (e != ERR_OK)
        return e;
    app_t app;
    app_view_t view;
    e = app_api_load(ctx, db, api_path_int(ctx, "application_id"), false, false, cv, &app, &view);
    if (e == ERR_OK && in->view_role_id.presence == VLD_SET && in->view_role_id.value != app_int(&app, APP_ROLE))
        e = ERR_NOT_FOUND; /* no related roles here: only the application's own role */
    if (e == ERR_NOT_FOUND)
        return api_fail(out, e, APP_NOT_FOUND);
    if (e != ERR_OK)
        return api_fail_db(out, e, "Failed to load application");
    return app_api_answer(ctx, out, &view, APP_SHAPE_DETAIL, cv);
}

/* ---- A9 PATCH /applications/{id}/stage ---- */

static bool app_resolved(const app_t *a)
{
    return strcmp(app_str(a, APP_OUTCOME), "open") != 0 || strcmp(app_str(a, APP_STAGE), "advanced") == 0;
}

err_t app_op_stage(api_ctx_t *ctx, const void *in_, api_out_t *out)
{
    const app_stage_in_t *in = in_;
    const char *fail = "Failed to update application stage";
    db_t *db;
    err_t e = api_db(ctx, out, &db);
    if (e != ERR_OK)
        return e;
    app_t app;
    if ((e = app_api_begin(ctx, out, db, api_path_int(ctx, "application_id"), ROLES_PERM_EDIT_ROLE, &app, fail)) !=
        ERR_OK)
        return e;
    app_op_t op = {.db = db, .arena = ctx->arena, .user = ctx->principal};
    if (app_resolved(&app)) {
        op.detail_json = json_pack("{s:s,s:s}", "code", "application_resolved", "message",
                                   "This candidate has already left Tali's active flow and cannot be advanced again.");
        return app_api_finish(ctx, out, db, &op, ERR_CONFLICT, &app, fail);
    }
    e = app_ensure_initialized(&op, &app, "Pipeline initialized before stage patch");
    bool replayed = false;
    app_move_t m = {.to = in->stage,
                    .source = "recruiter",
                    .reason = in->reason && *in->reason ? in->reason : "Recruiter stage update",
                    .idempotency_key = in->key,
                    .has_expected_version = in->has_version,
                    .expected_version = in->version};
    if (e == ERR_OK)
        e = app_transition_stage(&op, &app, &m, &replayed);
    return app_api_finish(ctx, out, db, &op, e, &app, fail);
}

/* ---- A10 PATCH /applications/{id}/outcome ---- */

err_t app_op_outcome(api_ctx_t *ctx, const void *in_, api_out_t *out)
{
    const app_outcome_in_t *in = in_;
    const char *fail = "Failed to update application outcome";
    db_t *db;
    err_t e = api_db(ctx, out, &db);
    if (e != ERR_OK)
        return e;
    app_t app;
    if ((e = app_api_begin(ctx, out, db, api_path_int(ctx, "application_id"), ROLES_PERM_EDIT_ROLE, &app, fail)) !=
        ERR_OK)
        return e;
    app_op_t op = {.db = db, .arena = ctx->arena, .user = ctx->principal};
    if (in->has_acting && in->acting != app_int(&app, APP_ROLE)) {
        op.detail = "Related-role membership is unavailable";
        return app_api_finish(ctx, out, db, &op, ERR_CONFLICT, &app, fail);
    }
    app_move_t m = {.to = in->outcome,
                    .source = "recruiter",
                    .reason = in->reason && *in->reason ? in->reason : "Recruiter outcome update",
                    .idempotency_key = in->key,
                    .has_expected_version = in->has_version,
                    .expected_version = in->version};
    bool replayed = false;
    /* version, then idempotency, then initialise and transition */
    e = ERR_OK;
    if (in->has_version && in->version != app_int(&app, APP_VERSION)) {
        op.detail = mem_printf(ctx->arena, "Version mismatch: expected=%lld, current=%lld", (long long)in->version,
                               (long long)app_int(&app, APP_VERSION));
        e = ERR_CONFLICT;
    }
    if (e == ERR_OK && in->key && *in->key)
        e = app_repo_event_key_used(db, app_int(&app, APP_ID), app_int(&app, APP_ROLE), in->key, &replayed);
    if (e == ERR_OK && !replayed)
        e = app_ensure_initialized(&op, &app, "Pipeline initialized before outcome patch");
    if (e == ERR_OK && !replayed)
        e = app_transition_outcome(&op, &app, &m, &replayed);
    return app_api_finish(ctx, out, db, &op, e, &app, fail);
}

/* ---- A8 PATCH /applications/{id} ---- */

err_t app_op_patch(api_ctx_t *ctx, const void *in_, api_out_t *out)
{
    const app_patch_in_t *in = in_;
    const char *fail = "Failed to update application";
    db_t *db;
    err_t e = api_db(ctx, out, &db);
    if (e != ERR_OK)
        return e;
    app_t app;
    if ((e = app_api_begin(ctx, out, db, api_path_int(ctx, "application_id"), ROLES_PERM_EDIT_ROLE, &app, fail)) !=
        ERR_OK)
        return e;
    app_op_t op = {.db = db, .arena = ctx->arena, .user = ctx->principal};
    bool replayed = false;
    e = app_ensure_initialized(&op, &app, "Pipeline initialized before update");
    if (e == ERR_OK && in->status)
        e = app_legacy_update(&op, &app, in->status, in->has_version, in->version);
    if (e == ERR_OK && in->stage) {
        app_move_t m = {.to = in->stage,
                        .source = "recruiter",
                        .reason = "Application stage patch",
                        .has_expected_version = in->has_version,
                        .expected_version = in->version};
        e = app_transition_stage(&op, &app, &m, &replayed);
    }
    if (e == ERR_OK && in->outcome) {
        app_move_t m = {.to = in->outcome,
                        .source = "recruiter",
                        .reason = "Application outcome patch",
                        .has_expected_version = in->has_version,
                        .expected_version = in->version};
        e = app_transition_outcome(&op, &app, &m, &replayed);
    }
    if (e == ERR_OK && in->has_notes)
        e = app_repo_set_notes(db, app_int(&app, APP_ID), in->notes && *in->notes ? in->notes : NULL, db_now_us());
    if (e == ERR_OK && (in->has_name || in->has_position)) {
        e = candidates_set_name_position(db, app_int(&app, APP_CANDIDATE), in->has_name, in->name, in->has_position,
                                         in->position);
        if (e == ERR_OK)
            e = app_repo_touch(db, app_int(&app, APP_ID), db_now_us());
    }
    return app_api_finish(ctx, out, db, &op, e, &app, fail);
}

/* ---- A11 PATCH /applications/{id}/manual-decision ---- */

static bool app_choice(mem_arena_t *a, const json_t *v, const char *const *allowed, const char **out)
{
    *out = NULL;
    if (!v || json_is_null(v))
        return true;
    const char *s = json_is_string(v) ? json_string_value(v) : NULL;
    if (!s)
        return false;
    char *low = mem_strdup(a, s);
    char *p = low;
    while (isspace((unsigned char)*p))
        p++;
    size_t n = strlen(p);
    while (n > 0 && isspace((unsigned char)p[n - 1]))
        p[--n] = '\0';
    for (char *c = p; *c; c++)
        *c = (char)tolower((unsigned char)*c);
    if (!*p)
        return true;
    for (int i = 0; allowed[i]; i++)
        if (strcmp(allowed[i], p) == 0) {
            *out = allowed[i];
            return true;
        }
    return false;
}

static json_t *app_next_steps(const json_t *v)
{
    json_t *arr = json_array();
    if (json_is_array(v)) {
        size_t i;
        json_t *s;
        json_array_foreach(v, i, s) if (json_is_string(s) && *json_string_value(s))
            json_array_append_new(arr, json_string(json_string_value(s)));
    } else if (json_is_string(v)) {
        const char *s = json_string_value(v);
        while (*s) {
            const char *nl = strchr(s, '\n');
            size_t len = nl ? (size_t)(nl - s) : strlen(s);
            while (len > 0 && isspace((unsigned char)*s))
                s++, len--;
            size_t l2 = len;
            while (l2 > 0 && isspace((unsigned char)s[l2 - 1]))
                l2--;
            if (l2 > 0) {
                char *line = strndup(s, l2);
                json_array_append_new(arr, json_string(line));
                free(line);
            }
            s += len;
            if (*s == '\n')
                s++;
        }
    }
    return arr;
}

/* The rationale excerpt of a history entry: ≤ 160 characters, newlines
 * as spaces, "…" when cut. */
static json_t *app_excerpt(const char *s)
{
    if (!s)
        return json_null();
    size_t n = strlen(s), cps = 0, cut = n;
    for (size_t i = 0; i < n; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80 && ++cps == 161) {
            cut = i;
            break;
        }
    char *b = strndup(s, cut);
    for (char *c = b; *c; c++)
        if (*c == '\n' || *c == '\r')
            *c = ' ';
    json_t *out = cut < n ? json_sprintf("%s\xe2\x80\xa6", b) : json_string(b);
    free(b);
    return out;
}

err_t app_op_decision(api_ctx_t *ctx, const void *in_, api_out_t *out)
{
    (void)in_;
    const char *fail = "Failed to save manual decision";
    const json_t *body = ctx->body;
    if (!json_is_object(body)) {
        vld_body_object(&ctx->v, body);
        return api_invalid(ctx);
    }
    static const char *const decisions[] = {"advance", "hold", "reject", NULL};
    static const char *const confidences[] = {"low", "medium", "high", NULL};
    const char *decision, *confidence;
    const json_t *ev = json_object_get(body, "expected_version");
    bool has_ev = ev && !json_is_null(ev);
    int64_t expected = 0;
    if (has_ev) {
        if (json_is_integer(ev))
            expected = json_integer_value(ev);
        else if (json_is_string(ev) && *json_string_value(ev)) {
            char *end;
            expected = strtoll(json_string_value(ev), &end, 10);
            if (*end)
                return api_fail(out, ERR_BAD_REQUEST, "expected_version must be an integer");
        } else
            return api_fail(out, ERR_BAD_REQUEST, "expected_version must be an integer");
    }
    db_t *db;
    err_t e = api_db(ctx, out, &db);
    if (e != ERR_OK)
        return e;
    app_t app;
    if ((e = app_api_begin(ctx, out, db, api_path_int(ctx, "application_id"), ROLES_PERM_EDIT_ROLE, &app, fail)) !=
        ERR_OK)
        return e;
    app_op_t op = {.db = db, .arena = ctx->arena, .user = ctx->principal};
    const char *view_role = http_query(ctx->req, "view_role_id");
    if (view_role && atoll(view_role) != app_int(&app, APP_ROLE)) {
        db_rollback(db);
        return api_fail(out, ERR_NOT_FOUND, "Candidate does not belong to this role");
    }
    json_t *prior = app_str(&app, APP_MANUAL_DECISION)
                        ? json_loads(app_str(&app, APP_MANUAL_DECISION), JSON_DECODE_ANY, NULL)
                        : NULL;
    if (!json_is_object(prior)) {
        json_decref(prior);
        prior = json_object();
    }
    int64_t prior_version = json_integer_value(json_object_get(prior, "version"));
    if (has_ev && expected != prior_version)
        e = ERR_CONFLICT,
        op.detail = "This decision was updated by someone else. Reload to see the latest before saving again.";
    else if (!app_choice(ctx->arena, json_object_get(body, "decision"), decisions, &decision))
        e = ERR_BAD_REQUEST, op.detail = "decision must be one of advance, hold, reject";
    else if (!app_choice(ctx->arena, json_object_get(body, "confidence"), confidences, &confidence))
        e = ERR_BAD_REQUEST, op.detail = "confidence must be one of high, low, medium";
    json_t *stored = NULL;
    if (e == ERR_OK) {
        const char *st = json_string_value(json_object_get(body, "status"));
        const char *status = st && strcmp(st, "draft") == 0 ? "draft" : "submitted";
        const char *prior_status = json_string_value(json_object_get(prior, "status"));
        const char *rationale = json_string_value(json_object_get(body, "rationale"));
        char now_s[40];
        db_format_time(db_now_us(), "+00:00", now_s);
        const auth_user_t *u = ctx->principal;
        json_t *by = json_pack("{s:I,s:s}", "id", (json_int_t)u->id, "name", app_actor_name(u));
        json_t *history = json_object_get(prior, "history");
        history = json_is_array(history) ? json_deep_copy(history) : json_array();
        const char *action = prior_status && strcmp(prior_status, "submitted") == 0 ? "updated"
                             : strcmp(status, "submitted") == 0                     ? "submitted"
                                                                                    : "saved_draft";
        json_array_append_new(history, json_pack("{s:I,s:s,s:s,s:o,s:o,s:o,s:s,s:O}", "version",
                                                 (json_int_t)(prior_version + 1), "action", action, "status", status,
                                                 "decision", decision ? json_string(decision) : json_null(),
                                                 "confidence", confidence ? json_string(confidence) : json_null(),
                                                 "rationale_excerpt", app_excerpt(rationale), "at", now_s, "by", by));
        while (json_array_size(history) > 20)
            json_array_remove(history, 0);
        const json_t *prior_sub = json_object_get(prior, "submitted_at");
        stored = json_pack("{s:o,s:o,s:o,s:o,s:s,s:I,s:s,s:o,s:o,s:o}", "decision",
                           decision ? json_string(decision) : json_null(), "rationale",
                           rationale ? json_string(rationale) : json_null(), "confidence",
                           confidence ? json_string(confidence) : json_null(), "next_steps",
                           app_next_steps(json_object_get(body, "next_steps")), "status", status, "version",
                           (json_int_t)(prior_version + 1), "updated_at", now_s, "updated_by", by, "submitted_at",
                           strcmp(status, "submitted") == 0 ? json_string(now_s)
                           : prior_sub                      ? json_deep_copy(prior_sub)
                                                            : json_null(),
                           "history", history);
        char *text = json_dumps(stored, JSON_COMPACT);
        e = app_repo_set_manual_decision(db, app_int(&app, APP_ID), text, db_now_us());
        free(text);
        if (e == ERR_OK && strcmp(status, "submitted") == 0) {
            json_t *meta = json_pack("{s:o,s:o,s:I}", "decision", decision ? json_string(decision) : json_null(),
                                     "confidence", confidence ? json_string(confidence) : json_null(), "version",
                                     (json_int_t)(prior_version + 1));
            app_event_t event = {.application_id = app_int(&app, APP_ID),
                                 .organization_id = app_int(&app, APP_ORG),
                                 .role_id = app_int(&app, APP_ROLE),
                                 .event_type = "manual_decision_recorded",
                                 .actor_type = "recruiter",
                                 .actor_id = u->id,
                                 .reason = rationale,
                                 .metadata = meta};
            e = app_event_append(db, ctx->arena, &event, NULL);
            json_decref(meta);
        }
    }
    json_decref(prior);
    if (e == ERR_OK)
        e = db_commit(db);
    else
        db_rollback(db);
    if (e != ERR_OK) {
        json_decref(stored);
        if ((e == ERR_CONFLICT || e == ERR_BAD_REQUEST) && op.detail)
            return api_fail(out, e, op.detail);
        return api_fail_db(out, e, fail);
    }
    json_int_t version = json_integer_value(json_object_get(stored, "version"));
    return api_json(out, json_pack("{s:b,s:o,s:I}", "success", 1, "manual_decision", stored, "version", version));
}

/* ---- EV1 GET /applications/{id}/events ---- */

err_t app_op_events(api_ctx_t *ctx, const void *in_, api_out_t *out)
{
    const app_events_in_t *in = in_;
    const auth_user_t *u = ctx->principal;
    const char *fail = "Failed to load application events";
    db_t *db;
    err_t e = api_db(ctx, out, &db);
    if (e != ERR_OK)
        return e;
    app_t app;
    bool found = false;
    if (u->has_organization)
        e = app_repo_get(db, ctx->arena, u->organization_id, api_path_int(ctx, "application_id"), false, true, false,
                         &app, &found);
    if (e != ERR_OK)
        return api_fail_db(out, e, fail);
    if (!found)
        return api_fail(out, ERR_NOT_FOUND, APP_NOT_FOUND);
    int64_t role_id = in->role_id.presence == VLD_SET ? in->role_id.value : app_int(&app, APP_ROLE);
    roles_ref_t role;
    e = roles_authorize(db, ctx->arena, u, role_id, ROLES_PERM_VIEW, &role);
    if (e == ERR_FORBIDDEN)
        return api_fail(out, e, "Forbidden");
    if (e != ERR_OK)
        return api_fail_db(out, e, fail);
    app_view_t view;
    e = app_view_of(db, ctx->arena, &app, false, &view);
    if (e != ERR_OK)
        return api_fail_db(out, e, fail);
    if (!view.card.live || role_id != app_int(&app, APP_ROLE))
        return api_fail(out, ERR_NOT_FOUND, "Application history is unavailable for this role");
    app_event_row_t *rows = NULL;
    size_t n = 0;
    e = app_repo_events(db, ctx->arena, u->organization_id, app_int(&app, APP_ID), role_id,
                        in->limit.presence == VLD_SET ? in->limit.value : 100,
                        in->offset.presence == VLD_SET ? in->offset.value : 0, &rows, &n);
    if (e != ERR_OK)
        return api_fail_db(out, e, fail);
    jsonw_t w;
    jsonw_init(&w);
    jsonw_arr(&w);
    for (size_t i = 0; i < n; i++)
        app_write_event(&w, &rows[i]);
    jsonw_arr_end(&w);
    return api_jsonw(ctx, out, &w);
}

/* ---- EV2 POST /applications/{id}/notes ---- */

static const char *app_trim(mem_arena_t *a, const char *s)
{
    if (!s)
        return NULL;
    while (isspace((unsigned char)*s))
        s++;
    size_t n = strlen(s);
    while (n > 0 && isspace((unsigned char)s[n - 1]))
        n--;
    return mem_strndup(a, s, n);
}

err_t app_op_note(api_ctx_t *ctx, const void *in_, api_out_t *out)
{
    const app_note_in_t *in = in_;
    const auth_user_t *u = ctx->principal;
    const char *fail = "Failed to save note";
    const char *kind = in->kind ? in->kind : "note";
    db_t *db;
    err_t e = api_db(ctx, out, &db);
    if (e != ERR_OK)
        return e;
    app_t app;
    bool found = false;
    if (u->has_organization)
        e = app_repo_get(db, ctx->arena, u->organization_id, api_path_int(ctx, "application_id"), false, true, false,
                         &app, &found);
    if (e != ERR_OK)
        return api_fail_db(out, e, fail);
    if (!found)
        return api_fail(out, ERR_NOT_FOUND, APP_NOT_FOUND);
    int64_t role_id = in->role_id.presence == VLD_SET ? in->role_id.value : app_int(&app, APP_ROLE);
    if ((e = db_begin(db)) != ERR_OK)
        return api_fail_db(out, e, fail);
    roles_ref_t role;
    e = roles_find(db, ctx->arena, u->organization_id, role_id, &role);
    const char *detail = NULL;
    if (e == ERR_NOT_FOUND)
        detail = "Candidate is not a member of this role";
    if (e == ERR_OK) {
        e = roles_authorize(db, ctx->arena, u, role_id, ROLES_PERM_EDIT_ROLE, &role);
        if (e == ERR_FORBIDDEN)
            detail = "Forbidden";
    }
    if (e == ERR_OK && (role_id != app_int(&app, APP_ROLE) || !app.v[APP_DELETED_AT].null))
        e = ERR_NOT_FOUND, detail = "Candidate is not a member of this role";
    const char *note = app_trim(ctx->arena, in->note.value);
    if (e == ERR_OK && strcmp(kind, "link") != 0 && !*note)
        e = ERR_BAD_REQUEST, detail = "note is required";
    const char *url = app_trim(ctx->arena, in->link_url);
    const char *label = app_trim(ctx->arena, in->link_label);
    if (e == ERR_OK && strcmp(kind, "link") == 0 && (!url || !*url))
        e = ERR_BAD_REQUEST, detail = "link_url is required";
    int64_t event_id = 0;
    if (e == ERR_OK) {
        bool for_agent = in->for_agent.presence != VLD_SET || in->for_agent.value;
        const char *reason = note;
        json_t *meta = json_pack("{s:s,s:s,s:b,s:s}", "note", note, "actor_name", app_actor_name(u), "for_agent",
                                 for_agent, "kind", kind);
        if (strcmp(kind, "ranking") == 0) {
            long long r = in->ranking.presence == VLD_SET ? in->ranking.value : 0;
            if (r)
                json_object_set_new(meta, "ranking", json_integer(r));
            reason = r ? (*note ? mem_printf(ctx->arena, "Ranking: %lld/5 \xe2\x80\x94 %s", r, note)
                                : mem_printf(ctx->arena, "Ranking: %lld/5", r))
                       : note;
        } else if (strcmp(kind, "link") == 0) {
            json_object_set_new(meta, "link_url", json_string(url));
            json_object_set_new(meta, "link_label", label && *label ? json_string(label) : json_null());
            reason = label && *label ? mem_printf(ctx->arena, "Link: %s %s", label, url)
                                     : mem_printf(ctx->arena, "Link: %s", url);
        }
        json_object_set_new(meta, "acting_role_id", json_integer(role_id));
        app_event_t ev = {.application_id = app_int(&app, APP_ID),
                          .organization_id = u->organization_id,
                          .role_id = role_id,
                          .event_type = "recruiter_note",
                          .actor_type = "recruiter",
                          .actor_id = u->id,
                          .reason = reason,
                          .metadata = meta};
        e = app_event_append(db, ctx->arena, &ev, &event_id);
        json_decref(meta);
    }
    if (e == ERR_OK)
        e = db_commit(db);
    else
        db_rollback(db);
    if (e != ERR_OK && detail)
        return api_fail(out, e, detail);
    if (e != ERR_OK)
        return api_fail_db(out, e, fail);
    app_event_row_t row;
    e = app_repo_event_get(db, ctx->arena, event_id, &row, &found);
    if (e != ERR_OK || !found)
        return api_fail_db(out, e == ERR_OK ? ERR_INTERNAL : e, fail);
    jsonw_t w;
    jsonw_init(&w);
    app_write_event(&w, &row);
    return api_jsonw(ctx, out, &w);
}
