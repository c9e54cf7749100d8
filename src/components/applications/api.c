/* Routes of the applications component (spec v2/hiring-loop.md §6, §7)
 * as route-table entries: A1 create, A4/A5/P1 lists (api_list.c), A7
 * read, A8 patch, A9 stage, A10 outcome, A11 manual decision, EV1
 * events, EV2 notes.  This file parses and validates each request into
 * its input struct; the operations of ops.c serve them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "components/applications/internal.h"
#include "platform/api.h"
#include "platform/validate.h"

/* ---- body helpers ---- */

static const char *const app_body_stages[] = {"applied", "invited", "in_assessment", "review", "advanced", NULL};

static const char *const app_body_outcomes[] = {"open", "rejected", "withdrawn", "hired", NULL};

/* "'a', 'b' or 'c'" as pydantic lists the members of an enum. */
static const char *app_expected(mem_arena_t *a, const char *const *vals)
{
    mem_buf_t b = {0};
    int n = 0;
    while (vals[n])
        n++;
    for (int i = 0; i < n; i++)
        mem_buf_printf(&b, "%s'%s'", i == 0 ? "" : i == n - 1 ? " or " : ", ", vals[i]);
    const char *s = mem_strdup(a, b.data);
    mem_buf_free(&b);
    return s;
}

/* An enum field (str Enum of pydantic): *out = the value, or NULL when
 * absent / null (need permitting). */
static void app_enum(api_ctx_t *ctx, const char *field, const char *const *vals, vld_need_t need, const char **out)
{
    vld_str_t s = {0};
    static const vld_str_rule_t any = {VLD_OPTIONAL, 0, 0, NULL};
    vld_str_rule_t rule = any;
    rule.need = need;
    const json_t *raw = json_object_get(ctx->body, field);
    if (raw && !json_is_null(raw) && !json_is_string(raw)) {
        const char *exp = app_expected(ctx->arena, vals);
        vld_add(&ctx->v, "enum", vld_loc("body", field), mem_printf(ctx->arena, "Input should be %s", exp),
                json_deep_copy(raw), json_pack("{s:s}", "expected", exp));
        return;
    }
    if (!vld_str(&ctx->v, "body", ctx->body, field, &rule, &s) || s.presence != VLD_SET)
        return;
    for (int i = 0; vals[i]; i++)
        if (strcmp(vals[i], s.value) == 0) {
            *out = vals[i];
            return;
        }
    const char *exp = app_expected(ctx->arena, vals);
    vld_add(&ctx->v, "enum", vld_loc("body", field), mem_printf(ctx->arena, "Input should be %s", exp),
            json_string(s.value), json_pack("{s:s}", "expected", exp));
}

static const char *app_opt_str(api_ctx_t *ctx, const char *field, size_t min, size_t max, bool *set)
{
    vld_str_rule_t rule = {VLD_OPTIONAL, min, max, NULL};
    vld_str_t s = {0};
    if (vld_str(&ctx->v, "body", ctx->body, field, &rule, &s) && s.presence == VLD_SET) {
        if (set)
            *set = true;
        return s.value;
    }
    if (set)
        *set = s.presence == VLD_NULL;
    return NULL;
}

static bool app_opt_int(api_ctx_t *ctx, const char *field, bool ge1, int64_t *out)
{
    vld_int_rule_t rule = {.need = VLD_OPTIONAL, .has_ge = ge1, .ge = 1};
    vld_int_t i = {0};
    if (vld_int(&ctx->v, "body", ctx->body, field, &rule, &i) && i.presence == VLD_SET) {
        *out = i.value;
        return true;
    }
    return false;
}

/* ---- A1 POST /roles/{role_id}/applications ---- */

static void app_parse_create(api_ctx_t *ctx, void *in_)
{
    app_create_in_t *in = in_;
    if (!vld_body_object(&ctx->v, ctx->body))
        return;
    vld_email(&ctx->v, "body", ctx->body, "candidate_email", VLD_REQUIRED, &in->email);
    in->name = app_opt_str(ctx, "candidate_name", 1, 200, NULL);
    in->position = app_opt_str(ctx, "candidate_position", 0, 200, NULL);
    in->status = app_opt_str(ctx, "status", 0, 100, NULL);
    app_enum(ctx, "pipeline_stage", app_body_stages, VLD_OPTIONAL, &in->stage);
    app_enum(ctx, "application_outcome", app_body_outcomes, VLD_OPTIONAL, &in->outcome);
    in->notes = app_opt_str(ctx, "notes", 0, 4000, NULL);
}

/* ---- A7 GET /applications/{id} ---- */

static void app_parse_get(api_ctx_t *ctx, void *in_)
{
    app_get_in_t *in = in_;
    static const vld_int_rule_t id_rule = {.need = VLD_OPTIONAL};
    vld_raw_bool(&ctx->v, "query", "include_cv_text", http_query(ctx->req, "include_cv_text"), VLD_DEFAULTED, &in->cv);
    vld_raw_int(&ctx->v, "query", "view_role_id", http_query(ctx->req, "view_role_id"), &id_rule, &in->view_role_id);
}

/* ---- A9 PATCH /applications/{id}/stage ---- */

static void app_parse_stage(api_ctx_t *ctx, void *in_)
{
    app_stage_in_t *in = in_;
    if (!vld_body_object(&ctx->v, ctx->body))
        return;
    app_enum(ctx, "pipeline_stage", app_body_stages, VLD_REQUIRED, &in->stage);
    in->has_version = app_opt_int(ctx, "expected_version", false, &in->version);
    in->reason = app_opt_str(ctx, "reason", 0, 2000, NULL);
    in->key = app_opt_str(ctx, "idempotency_key", 0, 200, NULL);
}

/* ---- A10 PATCH /applications/{id}/outcome ---- */

static void app_parse_outcome(api_ctx_t *ctx, void *in_)
{
    app_outcome_in_t *in = in_;
    if (!vld_body_object(&ctx->v, ctx->body))
        return;
    app_enum(ctx, "application_outcome", app_body_outcomes, VLD_REQUIRED, &in->outcome);
    in->has_acting = app_opt_int(ctx, "acting_role_id", true, &in->acting);
    in->has_version = app_opt_int(ctx, "expected_version", false, &in->version);
    in->reason = app_opt_str(ctx, "reason", 0, 2000, NULL);
    in->key = app_opt_str(ctx, "idempotency_key", 0, 200, NULL);
}

/* ---- A8 PATCH /applications/{id} ---- */

static void app_parse_patch(api_ctx_t *ctx, void *in_)
{
    app_patch_in_t *in = in_;
    if (!vld_body_object(&ctx->v, ctx->body))
        return;
    in->status = app_opt_str(ctx, "status", 0, 100, NULL);
    app_enum(ctx, "pipeline_stage", app_body_stages, VLD_OPTIONAL, &in->stage);
    app_enum(ctx, "application_outcome", app_body_outcomes, VLD_OPTIONAL, &in->outcome);
    in->has_version = app_opt_int(ctx, "expected_version", true, &in->version);
    in->notes = app_opt_str(ctx, "notes", 0, 4000, &in->has_notes);
    in->name = app_opt_str(ctx, "candidate_name", 1, 200, &in->has_name);
    in->position = app_opt_str(ctx, "candidate_position", 0, 200, &in->has_position);
}

/* ---- EV1 GET /applications/{id}/events ---- */

static void app_parse_events(api_ctx_t *ctx, void *in_)
{
    app_events_in_t *in = in_;
    static const vld_int_rule_t role_rule = {.need = VLD_OPTIONAL};
    static const vld_int_rule_t limit_rule = {
        .need = VLD_DEFAULTED, .has_ge = true, .ge = 1, .has_le = true, .le = 200};
    static const vld_int_rule_t offset_rule = {.need = VLD_DEFAULTED, .has_ge = true, .ge = 0};
    vld_raw_int(&ctx->v, "query", "role_id", http_query(ctx->req, "role_id"), &role_rule, &in->role_id);
    vld_raw_int(&ctx->v, "query", "limit", http_query(ctx->req, "limit"), &limit_rule, &in->limit);
    vld_raw_int(&ctx->v, "query", "offset", http_query(ctx->req, "offset"), &offset_rule, &in->offset);
}

/* ---- EV2 POST /applications/{id}/notes ---- */

static void app_parse_note(api_ctx_t *ctx, void *in_)
{
    app_note_in_t *in = in_;
    static const vld_str_rule_t note_rule = {VLD_REQUIRED, 1, 5000, NULL};
    static const vld_int_rule_t role_rule = {.need = VLD_OPTIONAL, .has_gt = true, .gt = 0};
    static const vld_int_rule_t rank_rule = {.need = VLD_OPTIONAL, .has_ge = true, .ge = 1, .has_le = true, .le = 5};
    static const char *const kinds[] = {"note", "ranking", "link", NULL};
    if (!vld_body_object(&ctx->v, ctx->body))
        return;
    vld_str(&ctx->v, "body", ctx->body, "note", &note_rule, &in->note);
    vld_int(&ctx->v, "body", ctx->body, "role_id", &role_rule, &in->role_id);
    vld_bool(&ctx->v, "body", ctx->body, "for_agent", VLD_DEFAULTED, &in->for_agent);
    app_enum(ctx, "kind", kinds, VLD_DEFAULTED, &in->kind);
    vld_int(&ctx->v, "body", ctx->body, "ranking", &rank_rule, &in->ranking);
    in->link_url = app_opt_str(ctx, "link_url", 0, 2000, NULL);
    in->link_label = app_opt_str(ctx, "link_label", 0, 200, NULL);
}

static const api_route_t app_routes[] = {
    {"POST", "/api/v1/roles/{role_id:int}/applications", API_AUTH_RECRUITER, API_BODY_JSON, API_RL_NONE,
     app_parse_create, sizeof(app_create_in_t), app_op_create, 201, "Add a candidate application to a role",
     "applications"},
    {"GET", "/api/v1/applications/{application_id:int}", API_AUTH_RECRUITER, API_BODY_NONE, API_RL_NONE, app_parse_get,
     sizeof(app_get_in_t), app_op_get, 200, "One application in detail", "applications"},
    {"PATCH", "/api/v1/applications/{application_id:int}", API_AUTH_RECRUITER, API_BODY_JSON, API_RL_NONE,
     app_parse_patch, sizeof(app_patch_in_t), app_op_patch, 200,
     "Edit an application (legacy status, stage, "
     "outcome, notes, the person's name)",
     "applications"},
    {"PATCH", "/api/v1/applications/{application_id:int}/stage", API_AUTH_RECRUITER, API_BODY_JSON, API_RL_NONE,
     app_parse_stage, sizeof(app_stage_in_t), app_op_stage, 200, "Move an application to a pipeline stage",
     "applications"},
    {"PATCH", "/api/v1/applications/{application_id:int}/outcome", API_AUTH_RECRUITER, API_BODY_JSON, API_RL_NONE,
     app_parse_outcome, sizeof(app_outcome_in_t), app_op_outcome, 200, "Set an application's outcome", "applications"},
    {"PATCH", "/api/v1/applications/{application_id:int}/manual-decision", API_AUTH_RECRUITER, API_BODY_JSON,
     API_RL_NONE, NULL, 0, app_op_decision, 200, "Save the recruiter's manual decision", "applications"},
    {"GET", "/api/v1/applications/{application_id:int}/events", API_AUTH_RECRUITER, API_BODY_NONE, API_RL_NONE,
     app_parse_events, sizeof(app_events_in_t), app_op_events, 200, "The event ledger of an application",
     "applications"},
    {"POST", "/api/v1/applications/{application_id:int}/notes", API_AUTH_RECRUITER, API_BODY_JSON, API_RL_NONE,
     app_parse_note, sizeof(app_note_in_t), app_op_note, 200, "Add a recruiter note to an application", "applications"},
};

void applications_register(http_server_t *s)
{
    api_routes(s, app_routes, sizeof app_routes / sizeof app_routes[0]);
    app_register_lists(s);
}
