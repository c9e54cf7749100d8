/* Routes of /api/v1/roles (spec v2/hiring-loop.md §2, R1-R8, R12, and E1
 * of §4.4) as route-table entries; the criteria, tasks, hiring-team and
 * feedback-note routes are in api_parts.c.  Job-permission routes answer
 * 403 "Forbidden" for another organisation's role (§1.2); org-member
 * routes 404 "Role not found" (§1.6).  Role writes take expected_version
 * and answer the 409 object of §1.3. */
#include <string.h>
#include <strings.h>

#include "components/roles/internal.h"
#include "platform/api.h"
#include "platform/validate.h"

#define ROLES_BASE "/api/v1/roles"
#define ROLES_ONE ROLES_BASE "/{role_id:int}"

static err_t roles_api_db_fail(api_out_t *out, err_t e)
{
    return api_fail_db(out, e, "Internal Server Error");
}

static int64_t roles_api_role_id(const api_ctx_t *ctx)
{
    return api_path_int(ctx, "role_id");
}

static err_t roles_api_answer(api_ctx_t *ctx, api_out_t *out, db_t *db, const json_t *row, roles_view_mode_t mode)
{
    json_t *j = NULL;
    err_t e = roles_view(db, ctx->arena, row, mode, &j);
    if (e != ERR_OK)
        return roles_api_db_fail(out, e);
    return api_json(out, json_incref(j));
}

/* ---- body fields shared by R1 and R4 ---- */

typedef struct {
    int64_t expected_version;
    json_t *set; /* column -> value */
    bool agent;  /* R4: an agent field is present (control_agent) */
    bool agent_on_request, has_activation;
} roles_write_in_t;

static void roles_api_set(roles_write_in_t *in, const char *col, json_t *v)
{
    json_object_set_new(in->set, col, v);
}

/* A nullable str with "empty -> null", bounded by max. */
static void roles_api_opt_text(api_ctx_t *ctx, roles_write_in_t *in, const char *field, size_t max)
{
    vld_str_rule_t rule = {VLD_OPTIONAL, 0, max, NULL};
    vld_str_t s = {0};
    if (vld_str(&ctx->v, "body", ctx->body, field, &rule, &s) && s.presence != VLD_ABSENT)
        roles_api_set(in, field, s.presence == VLD_SET && s.len ? json_stringn(s.value, s.len) : json_null());
}

/* An Optional[int] with bounds; null sets null when null_sets. */
static void roles_api_opt_int(api_ctx_t *ctx, roles_write_in_t *in, const char *field, long long ge, long long le,
                              bool null_sets)
{
    vld_int_rule_t rule = {.need = VLD_OPTIONAL, .has_ge = true, .ge = ge, .has_le = true, .le = le};
    vld_int_t x = {0};
    if (!vld_int(&ctx->v, "body", ctx->body, field, &rule, &x))
        return;
    if (x.presence == VLD_SET)
        roles_api_set(in, field, json_integer(x.value));
    else if (x.presence == VLD_NULL && null_sets)
        roles_api_set(in, field, json_null());
}

static void roles_api_packs(api_ctx_t *ctx, roles_write_in_t *in)
{
    static const char *const packs[] = {"screening_pack_template", "tech_interview_pack_template"};
    for (size_t i = 0; i < 2; i++) {
        json_t *p = NULL;
        roles_parse_pack(&ctx->v, ctx->body, packs[i], &p, ctx->arena);
        if (p)
            roles_api_set(in, packs[i], json_incref(p));
    }
}

/* name: 1-200 stripped; required (R1) or null ignored (R4). */
static void roles_api_name(api_ctx_t *ctx, roles_write_in_t *in, bool required)
{
    vld_presence_t pr = VLD_ABSENT;
    const char *name = NULL;
    if (roles_parse_text(&ctx->v, ctx->body, "name", required ? VLD_REQUIRED : VLD_OPTIONAL, 1, 200, &pr, &name,
                         ctx->arena) &&
        name)
        roles_api_set(in, "name", json_string(name));
}

/* description: <= 20,000, empty or null -> null. */
static void roles_api_description(api_ctx_t *ctx, roles_write_in_t *in)
{
    roles_api_opt_text(ctx, in, "description", 20000);
}

/* ---- R1 POST /roles ---- */

static const char *const roles_create_fields[] = {"name",
                                                  "description",
                                                  "screening_pack_template",
                                                  "tech_interview_pack_template",
                                                  "workable_actor_member_id",
                                                  "monthly_usd_budget_cents",
                                                  "score_threshold",
                                                  NULL};

static void roles_parse_create(api_ctx_t *ctx, void *in_)
{
    roles_write_in_t *in = in_;
    in->set = roles_keep(ctx->arena, json_object());
    if (!vld_body_object(&ctx->v, ctx->body))
        return;
    roles_api_name(ctx, in, true);
    roles_api_description(ctx, in);
    roles_api_packs(ctx, in);
    roles_api_opt_text(ctx, in, "workable_actor_member_id", 200);
    roles_api_opt_int(ctx, in, "monthly_usd_budget_cents", 1, 10000000, false);
    roles_api_opt_int(ctx, in, "score_threshold", 0, 100, false);
    roles_parse_extra(&ctx->v, ctx->body, roles_create_fields);
}

static err_t roles_api_create(api_ctx_t *ctx, const void *in_, api_out_t *out)
{
    const roles_write_in_t *in = in_;
    const auth_user_t *u = ctx->principal;
    if (!u->has_organization)
        return api_fail(out, ERR_NOT_FOUND, "Organization not found");
    db_t *db;
    err_t e = api_db(ctx, out, &db);
    if (e != ERR_OK)
        return e;
    json_t *row = NULL;
    e = roles_create(db, ctx->arena, u, in->set, &row);
    if (e != ERR_OK || !row)
        return api_fail_db(out, e == ERR_OK ? ERR_INTERNAL : e, "Failed to create role");
    return roles_api_answer(ctx, out, db, row, ROLES_VIEW_PLAIN);
}

/* ---- R2 GET /roles ---- */

typedef struct {
    bool with_stats;
    roles_sort_t sort;
    long long limit;
} roles_list_in_t;

static void roles_parse_list(api_ctx_t *ctx, void *in_)
{
    static const vld_str_rule_t sort_rule = {VLD_OPTIONAL, 0, 0, "^(activity|name|agent_on_name)$"};
    static const vld_int_rule_t limit_rule = {.need = VLD_OPTIONAL, .has_ge = true, .ge = 1, .has_le = true, .le = 500};
    roles_list_in_t *in = in_;
    vld_bool_t stats = {0};
    if (vld_raw_bool(&ctx->v, "query", "include_pipeline_stats", http_query(ctx->req, "include_pipeline_stats"),
                     VLD_OPTIONAL, &stats))
        in->with_stats = stats.presence == VLD_SET && stats.value;
    vld_str_t sort = {0};
    if (vld_raw_str(&ctx->v, "query", "sort_by", http_query(ctx->req, "sort_by"), &sort_rule, &sort) &&
        sort.presence == VLD_SET)
        in->sort = strcmp(sort.value, "name") == 0            ? ROLES_SORT_NAME
                   : strcmp(sort.value, "agent_on_name") == 0 ? ROLES_SORT_AGENT_ON_NAME
                                                              : ROLES_SORT_ACTIVITY;
    vld_int_t limit = {0};
    if (vld_raw_int(&ctx->v, "query", "limit", http_query(ctx->req, "limit"), &limit_rule, &limit) &&
        limit.presence == VLD_SET)
        in->limit = limit.value;
}

static err_t roles_api_list(api_ctx_t *ctx, const void *in_, api_out_t *out)
{
    const roles_list_in_t *in = in_;
    const auth_user_t *u = ctx->principal;
    if (!u->has_organization)
        return api_json(out, json_array());
    db_t *db;
    err_t e = api_db(ctx, out, &db);
    if (e != ERR_OK)
        return e;
    json_t *list = NULL;
    e = roles_list(db, ctx->arena, u->organization_id, in->sort, in->limit, in->with_stats, &list);
    if (e != ERR_OK)
        return roles_api_db_fail(out, e);
    return api_json(out, json_incref(list));
}

/* ---- R3 GET /roles/{role_id} ---- */

typedef struct {
    bool shell;
} roles_get_in_t;

static void roles_parse_get(api_ctx_t *ctx, void *in_)
{
    roles_get_in_t *in = in_;
    vld_bool_t shell = {0};
    if (vld_raw_bool(&ctx->v, "query", "shell", http_query(ctx->req, "shell"), VLD_OPTIONAL, &shell))
        in->shell = shell.presence == VLD_SET && shell.value;
}

static err_t roles_api_get(api_ctx_t *ctx, const void *in_, api_out_t *out)
{
    const roles_get_in_t *in = in_;
    db_t *db;
    err_t e = api_db(ctx, out, &db);
    if (e != ERR_OK)
        return e;
    json_t *row = NULL;
    e = roles_load(ctx, out, db, roles_api_role_id(ctx), &row);
    if (e != ERR_OK)
        return e;
    return roles_api_answer(ctx, out, db, row, in->shell ? ROLES_VIEW_SUMMARY : ROLES_VIEW_DETAIL);
}

/* ---- R4 PATCH /roles/{role_id} ---- */

static const char *const roles_update_fields[] = {"expected_version",
                                                  "name",
                                                  "description",
                                                  "screening_pack_template",
                                                  "tech_interview_pack_template",
                                                  "auto_reject_threshold_mode",
                                                  "workable_actor_member_id",
                                                  "score_threshold",
                                                  "suppressed_org_criterion_ids",
                                                  "agentic_mode_enabled",
                                                  "agent_action_allowlist",
                                                  "agent_token_budget_per_cycle",
                                                  "agent_decision_budget_per_cycle",
                                                  "monthly_usd_budget_cents",
                                                  "auto_reject",
                                                  "auto_reject_pre_screen",
                                                  "auto_promote",
                                                  "auto_send_assessment",
                                                  "auto_resend_assessment",
                                                  "auto_advance",
                                                  "auto_skip_assessment",
                                                  "activation_assessment_action",
                                                  NULL};

/* First agent field of roles_update_fields. */
#define ROLES_FIRST_AGENT_FIELD 9

static void roles_parse_mode(api_ctx_t *ctx, roles_write_in_t *in)
{
    const json_t *m = json_object_get(ctx->body, "auto_reject_threshold_mode");
    if (!m || json_is_null(m))
        return;
    const char *s = json_string_value(m);
    if (s && (strcmp(s, "manual") == 0 || strcmp(s, "auto") == 0))
        roles_api_set(in, "auto_reject_threshold_mode", json_string(s));
    else
        vld_add(&ctx->v, "literal_error", vld_loc("body", "auto_reject_threshold_mode"),
                "Input should be 'manual' or 'auto'", json_deep_copy(m),
                json_pack("{ss}", "expected", "'manual' or 'auto'"));
}

static void roles_parse_suppressed(api_ctx_t *ctx, roles_write_in_t *in)
{
    static const vld_int_rule_t item = {.need = VLD_REQUIRED};
    vld_json_t list = {0};
    if (!vld_list(&ctx->v, "body", ctx->body, "suppressed_org_criterion_ids", VLD_OPTIONAL, &list) ||
        list.presence == VLD_ABSENT)
        return;
    json_t *ids = json_array();
    size_t n = list.presence == VLD_SET ? json_array_size(list.value) : 0;
    bool ok = true;
    for (size_t i = 0; i < n; i++) {
        vld_int_t x = {0};
        if (vld_int_value(&ctx->v, vld_loc_index("body", "suppressed_org_criterion_ids", i),
                          json_array_get(list.value, i), &item, &x))
            json_array_append_new(ids, json_integer(x.value));
        else
            ok = false;
    }
    if (n > 200) {
        vld_add(
            &ctx->v, "too_long", vld_loc("body", "suppressed_org_criterion_ids"),
            "List should have at most 200 items after validation, not 201", json_deep_copy(list.value),
            json_pack("{sssIsI}", "field_type", "List", "max_length", (json_int_t)200, "actual_length", (json_int_t)n));
        ok = false;
    }
    if (ok)
        roles_api_set(in, "suppressed_org_criterion_ids", ids);
    else
        json_decref(ids);
}

static void roles_parse_agent(api_ctx_t *ctx, roles_write_in_t *in)
{
    static const char *const bools[] = {"agentic_mode_enabled", "auto_reject",          "auto_reject_pre_screen",
                                        "auto_promote",         "auto_send_assessment", "auto_resend_assessment",
                                        "auto_advance",         "auto_skip_assessment"};
    for (size_t i = 0; i < sizeof bools / sizeof bools[0]; i++) {
        vld_bool_t b = {0};
        if (vld_bool(&ctx->v, "body", ctx->body, bools[i], VLD_OPTIONAL, &b) && b.presence == VLD_SET)
            roles_api_set(in, bools[i], json_boolean(b.value));
    }
    vld_json_t allow = {0};
    if (vld_list_str(&ctx->v, "body", ctx->body, "agent_action_allowlist", VLD_OPTIONAL, &allow) &&
        allow.presence != VLD_ABSENT)
        roles_api_set(in, "agent_action_allowlist",
                      allow.presence == VLD_SET ? json_deep_copy(allow.value) : json_null());
    roles_api_opt_int(ctx, in, "agent_token_budget_per_cycle", 1000, 500000, false);
    roles_api_opt_int(ctx, in, "agent_decision_budget_per_cycle", 1, 200, false);
    roles_api_opt_int(ctx, in, "monthly_usd_budget_cents", 1, 10000000, false);
    const json_t *act = json_object_get(ctx->body, "activation_assessment_action");
    if (act && !json_is_null(act)) {
        const char *s = json_string_value(act);
        if (!s || (strcmp(s, "approve_generated_task") != 0 && strcmp(s, "approve_when_ready") != 0 &&
                   strcmp(s, "skip_assessment") != 0))
            vld_add(
                &ctx->v, "literal_error", vld_loc("body", "activation_assessment_action"),
                "Input should be 'approve_generated_task', 'approve_when_ready' or 'skip_assessment'",
                json_deep_copy(act),
                json_pack("{ss}", "expected", "'approve_generated_task', 'approve_when_ready' or 'skip_assessment'"));
        else
            in->has_activation = true;
    }
    for (size_t i = ROLES_FIRST_AGENT_FIELD; roles_update_fields[i]; i++)
        if (json_object_get(ctx->body, roles_update_fields[i]))
            in->agent = true;
}

static void roles_parse_update(api_ctx_t *ctx, void *in_)
{
    roles_write_in_t *in = in_;
    in->set = roles_keep(ctx->arena, json_object());
    if (!vld_body_object(&ctx->v, ctx->body))
        return;
    roles_parse_version(&ctx->v, ctx->body, &in->expected_version);
    roles_api_name(ctx, in, false);
    if (json_object_get(ctx->body, "description"))
        roles_api_description(ctx, in);
    roles_api_packs(ctx, in);
    roles_parse_mode(ctx, in);
    roles_api_opt_text(ctx, in, "workable_actor_member_id", 200);
    roles_api_opt_int(ctx, in, "score_threshold", 0, 100, true);
    roles_parse_suppressed(ctx, in);
    roles_parse_agent(ctx, in);
    roles_parse_extra(&ctx->v, ctx->body, roles_update_fields);
}

static err_t roles_api_update(api_ctx_t *ctx, const void *in_, api_out_t *out)
{
    const roles_write_in_t *in = in_;
    roles_tx_t t;
    err_t e =
        roles_tx_open(&t, ctx, out, roles_api_role_id(ctx), in->agent ? ROLES_PERM_CONTROL_AGENT : ROLES_PERM_EDIT_ROLE,
                      in->expected_version, ROLES_CONFLICT_FULL);
    if (e != ERR_OK)
        return e;
    const json_t *want = json_object_get(in->set, "agentic_mode_enabled");
    bool was_on = roles_row_bool(t.row, "agentic_mode_enabled");
    bool turning_on = want && json_is_true(want) && !was_on, turning_off = want && json_is_false(want) && was_on;
    if (in->has_activation && !turning_on)
        return roles_tx_fail(&t, out, ERR_VALIDATION,
                             "activation_assessment_action is valid only while turning the agent on");
    if (turning_on && roles_row_null(t.row, "monthly_usd_budget_cents") &&
        !json_object_get(in->set, "monthly_usd_budget_cents"))
        return roles_tx_fail(&t, out, ERR_VALIDATION, "monthly_usd_budget_cents is required to enable agentic mode");
    const char *action = turning_on ? "agent_enabled" : turning_off ? "agent_disabled" : "role_updated";
    e = roles_tx_write(&t, in->set, action, NULL, false, NULL);
    if (e != ERR_OK)
        return roles_tx_fail(&t, out, e, "Failed to update role");
    e = roles_tx_commit(&t, out, "Failed to update role");
    if (e != ERR_OK)
        return e;
    return roles_api_answer(ctx, out, t.db, t.row, ROLES_VIEW_PLAIN);
}

/* ---- R5 DELETE /roles/{role_id} ---- */

typedef struct {
    int64_t expected_version;
} roles_version_in_t;

static void roles_parse_query_only(api_ctx_t *ctx, void *in_)
{
    roles_version_in_t *in = in_;
    roles_parse_query_version(ctx, &in->expected_version);
}

static void roles_parse_body_version(api_ctx_t *ctx, void *in_)
{
    roles_version_in_t *in = in_;
    if (!vld_body_object(&ctx->v, ctx->body))
        return;
    roles_parse_version(&ctx->v, ctx->body, &in->expected_version);
}

static err_t roles_api_delete(api_ctx_t *ctx, const void *in_, api_out_t *out)
{
    const roles_version_in_t *in = in_;
    roles_tx_t t;
    err_t e = roles_tx_open(&t, ctx, out, roles_api_role_id(ctx), ROLES_PERM_DELETE_ROLE, in->expected_version,
                            ROLES_CONFLICT_BARE);
    if (e != ERR_OK)
        return e;
    return roles_delete(&t, out);
}

/* ---- R6 POST / R7 DELETE /roles/{role_id}/star ---- */

static err_t roles_api_star_set(api_ctx_t *ctx, api_out_t *out, int64_t expected, bool on)
{
    roles_tx_t t;
    err_t e = roles_tx_open(&t, ctx, out, roles_api_role_id(ctx), ROLES_PERM_EDIT_ROLE, expected, ROLES_CONFLICT_BARE);
    if (e != ERR_OK)
        return e;
    const char *fail = on ? "Failed to star role" : "Failed to unstar role";
    const json_t *data = json_object_get(t.row, "workable_job_data");
    const char *state = json_string_value(json_object_get(data, "state"));
    bool published = state && strcasecmp(state, "published") == 0;
    if (!on && published) { /* a published Workable job stays starred: no-op */
        db_rollback(t.db);
        return roles_api_answer(ctx, out, t.db, t.row, ROLES_VIEW_PLAIN);
    }
    json_t *set = roles_keep(ctx->arena, json_pack("{sbsb}", "starred_for_auto_sync", on, "star_auto_managed", 0));
    e = roles_tx_write(&t, set, on ? "role_starred" : "role_unstarred",
                       on ? "role starred for synchronization" : "role removed from synchronization favorites", false,
                       NULL);
    if (e != ERR_OK)
        return roles_tx_fail(&t, out, e, fail);
    e = roles_tx_commit(&t, out, fail);
    if (e != ERR_OK)
        return e;
    return roles_api_answer(ctx, out, t.db, t.row, ROLES_VIEW_PLAIN);
}

static err_t roles_api_star(api_ctx_t *ctx, const void *in_, api_out_t *out)
{
    return roles_api_star_set(ctx, out, ((const roles_version_in_t *)in_)->expected_version, true);
}

static err_t roles_api_unstar(api_ctx_t *ctx, const void *in_, api_out_t *out)
{
    return roles_api_star_set(ctx, out, ((const roles_version_in_t *)in_)->expected_version, false);
}

/* ---- R8 POST /roles/{role_id}/job-status ---- */

typedef struct {
    int64_t expected_version;
    const char *status;
    const char *reason;
} roles_status_in_t;

static void roles_parse_status(api_ctx_t *ctx, void *in_)
{
    static const vld_str_rule_t reason_rule = {VLD_OPTIONAL, 0, 2000, NULL};
    roles_status_in_t *in = in_;
    if (!vld_body_object(&ctx->v, ctx->body))
        return;
    const json_t *st = json_object_get(ctx->body, "status");
    const char *s = json_string_value(st);
    static const char *const ok[] = {"draft", "open", "filled", "filled_external", "cancelled"};
    for (size_t i = 0; s && i < 5; i++)
        if (strcmp(s, ok[i]) == 0)
            in->status = ok[i];
    if (!st)
        vld_missing(&ctx->v, "body", "status", ctx->body);
    else if (!in->status)
        vld_add(&ctx->v, "literal_error", vld_loc("body", "status"),
                "Input should be 'draft', 'open', 'filled', 'filled_external' or 'cancelled'", json_deep_copy(st),
                json_pack("{ss}", "expected", "'draft', 'open', 'filled', 'filled_external' or 'cancelled'"));
    vld_str_t reason = {0};
    if (vld_str(&ctx->v, "body", ctx->body, "reason", &reason_rule, &reason) && reason.presence == VLD_SET)
        in->reason = reason.value;
    roles_parse_version(&ctx->v, ctx->body, &in->expected_version);
}

/* The ATS that manages the role's lifecycle, or NULL. */
static const char *roles_api_provider(const json_t *row)
{
    const char *source = roles_row_str(row, "source");
    if (!roles_row_null(row, "workable_job_id") || (source && strcmp(source, "workable") == 0))
        return "Workable";
    if (!roles_row_null(row, "bullhorn_job_order_id") || (source && strcmp(source, "bullhorn") == 0))
        return "Bullhorn";
    return NULL;
}

static err_t roles_api_job_status(api_ctx_t *ctx, const void *in_, api_out_t *out)
{
    const roles_status_in_t *in = in_;
    roles_tx_t t;
    err_t e = roles_tx_open(&t, ctx, out, roles_api_role_id(ctx), ROLES_PERM_EDIT_ROLE, in->expected_version,
                            ROLES_CONFLICT_BARE);
    if (e != ERR_OK)
        return e;
    const char *provider = roles_api_provider(t.row);
    if (provider)
        return roles_tx_fail(&t, out, ERR_CONFLICT,
                             mem_printf(ctx->arena,
                                        "%s manages this job's lifecycle. Update the job in %s; Taali will reflect "
                                        "the change after the next ATS sync.",
                                        provider, provider));
    const char *source = roles_row_str(t.row, "source");
    if (strcmp(in->status, "open") == 0 && source && strcmp(source, "requisition") == 0) {
        if (!roles_row_bool(t.row, "agentic_mode_enabled"))
            return roles_tx_fail(&t, out, ERR_CONFLICT,
                                 "This native job can open only after its agent is ready. Use Turn on; it will open "
                                 "applications automatically.");
        if (!roles_row_null(t.row, "agent_paused_at"))
            return roles_tx_fail(&t, out, ERR_CONFLICT,
                                 "This native job cannot reopen while its agent is paused. Resume the agent first.");
        return roles_tx_fail(&t, out, ERR_UNAVAILABLE,
                             "Agent runtime is not ready, so applications remain closed: this server runs no agent.");
    }
    const char *old = roles_row_str(t.row, "job_status");
    const char *reason =
        in->reason ? in->reason
                   : mem_printf(ctx->arena, "job status changed from %s to %s", old ? old : "None", in->status);
    json_t *set = roles_keep(ctx->arena, json_pack("{ss}", "job_status", in->status));
    e = roles_tx_write(&t, set, "job_status_updated", reason, false, NULL);
    if (e == ERR_OK)
        e = roles_tx_commit(&t, out, "Internal Server Error");
    else
        return roles_tx_fail(&t, out, e, "Internal Server Error");
    if (e != ERR_OK)
        return e;
    return roles_api_answer(ctx, out, t.db, t.row, ROLES_VIEW_DETAIL);
}

/* ---- E1 GET /roles/{role_id}/change-events ---- */

typedef struct {
    long long limit, before_id;
} roles_events_in_t;

static void roles_parse_events(api_ctx_t *ctx, void *in_)
{
    static const vld_int_rule_t limit_rule = {.need = VLD_OPTIONAL, .has_ge = true, .ge = 1, .has_le = true, .le = 100};
    static const vld_int_rule_t before_rule = {.need = VLD_OPTIONAL, .has_ge = true, .ge = 1};
    roles_events_in_t *in = in_;
    vld_int_t x = {0};
    in->limit = 50;
    if (vld_raw_int(&ctx->v, "query", "limit", http_query(ctx->req, "limit"), &limit_rule, &x) && x.presence == VLD_SET)
        in->limit = x.value;
    vld_int_t b = {0};
    if (vld_raw_int(&ctx->v, "query", "before_id", http_query(ctx->req, "before_id"), &before_rule, &b) &&
        b.presence == VLD_SET)
        in->before_id = b.value;
}

static err_t roles_api_events(api_ctx_t *ctx, const void *in_, api_out_t *out)
{
    const roles_events_in_t *in = in_;
    const auth_user_t *u = ctx->principal;
    db_t *db;
    err_t e = api_db(ctx, out, &db);
    if (e != ERR_OK)
        return e;
    int64_t role_id = roles_api_role_id(ctx);
    roles_ref_t ref;
    e = roles_authorize(db, ctx->arena, u, role_id, ROLES_PERM_VIEW, &ref);
    if (e == ERR_FORBIDDEN && u->is_owner && u->has_organization && u->is_active) {
        bool exist = false; /* an owner may read the history of a deleted role */
        e = roles_events_exist(db, u->organization_id, role_id, &exist);
        if (e == ERR_OK && !exist)
            e = ERR_FORBIDDEN;
    }
    if (e == ERR_FORBIDDEN)
        return api_fail(out, e, "Forbidden");
    if (e != ERR_OK)
        return roles_api_db_fail(out, e);
    json_t *list = NULL;
    e = roles_events(db, ctx->arena, u->organization_id, role_id, in->limit, in->before_id, &list);
    if (e != ERR_OK)
        return roles_api_db_fail(out, e);
    return api_json(out, json_incref(list));
}

/* ---- the table ---- */

#define R(m, p, body, parse, in, fn, st, sum)                                                                          \
    {                                                                                                                  \
        m, p, API_AUTH_RECRUITER, body, API_RL_NONE, parse, in, fn, st, sum, "roles"                                   \
    }

static const api_route_t roles_routes[] = {
    R("POST", ROLES_BASE, API_BODY_JSON, roles_parse_create, sizeof(roles_write_in_t), roles_api_create, 201,
      "Create a role (the creator becomes its hiring manager; workspace criteria are copied)"),
    R("GET", ROLES_BASE, API_BODY_NONE, roles_parse_list, sizeof(roles_list_in_t), roles_api_list, 200,
      "The organisation's live roles (summary serialization)"),
    R("GET", ROLES_ONE, API_BODY_NONE, roles_parse_get, sizeof(roles_get_in_t), roles_api_get, 200,
      "One role (detail serialization; shell=true: summary)"),
    R("PATCH", ROLES_ONE, API_BODY_JSON, roles_parse_update, sizeof(roles_write_in_t), roles_api_update, 200,
      "Edit a role's settings (optimistic concurrency on expected_version)"),
    R("DELETE", ROLES_ONE, API_BODY_NONE, roles_parse_query_only, sizeof(roles_version_in_t), roles_api_delete, 204,
      "Delete a role that has no applications or assessments"),
    R("POST", ROLES_ONE "/star", API_BODY_JSON, roles_parse_body_version, sizeof(roles_version_in_t), roles_api_star,
      200, "Star a role for synchronisation"),
    R("DELETE", ROLES_ONE "/star", API_BODY_NONE, roles_parse_query_only, sizeof(roles_version_in_t), roles_api_unstar,
      200, "Unstar a role"),
    R("POST", ROLES_ONE "/job-status", API_BODY_JSON, roles_parse_status, sizeof(roles_status_in_t),
      roles_api_job_status, 200, "Set a native role's job status"),
    R("GET", ROLES_ONE "/change-events", API_BODY_NONE, roles_parse_events, sizeof(roles_events_in_t), roles_api_events,
      200, "The role's change history, newest first"),
};

void roles_register(http_server_t *s)
{
    api_routes(s, roles_routes, sizeof roles_routes / sizeof roles_routes[0]);
    roles_register_parts(s);
}
