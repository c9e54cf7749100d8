/* Routes of /api/v1/assessments (api-contract S1-S14): request ->
 * validation -> service -> response (S13 hands the S3 object to the
 * report renderer).  Recruiter routes check the JWT
 * before validating (a body that is not JSON at all comes first, as in
 * the original); candidate routes validate path, header and body together
 * and then apply the token rules of each endpoint. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "components/assessments/internal.h"
#include "components/assessments_report/report.h"
#include "components/auth/auth.h"
#include "components/integrations/workable/workable.h"
#include "components/organizations/organizations.h"
#include "platform/http.h"
#include "platform/log.h"
#include "platform/validate.h"

#define ASSESS_BASE "/api/v1/assessments"

static db_t *api_db(http_req_t *req)
{
    db_t *db = http_db(req);
    if (!db)
        http_reply_err(req, ERR_UNAVAILABLE, "Database unavailable");
    return db;
}

static db_t *api_conn_take(void *ctx)
{
    return http_db(ctx);
}

static void api_conn_give_back(void *ctx)
{
    http_db_release(ctx);
}

/* The request's connection for services that give it back while they
 * wait on a sandbox or the model. */
static assessments_conn_t api_conn(http_req_t *req)
{
    assessments_conn_t c = {api_conn_take, api_conn_give_back, req};
    return c;
}

static assessments_owner_t api_owner(const auth_user_t *u)
{
    assessments_owner_t o = {u->has_organization, u->organization_id};
    return o;
}

static void api_done(http_req_t *req, err_t e, const char *detail, int status, json_t *out)
{
    if (e != ERR_OK)
        http_reply_err(req, e, detail);
    else
        http_reply_json(req, status, out);
}

/* A recruiter route with an id in the path and no body: JWT, then the
 * id.  Returns the user or NULL after replying. */
static const auth_user_t *api_recruiter_id(http_req_t *req, int64_t *id)
{
    const auth_user_t *u = auth_require_user(req);
    if (!u)
        return NULL;
    http_verr_t *hv = http_verr_new(req);
    vld_t v;
    vld_init(&v, req->arena);
    assessments_schema_path_id(&v, "assessment_id", http_path_param(req, "assessment_id"), id);
    if (vld_reply_if_invalid(req, hv, &v))
        return NULL;
    return u;
}

/* S1 POST /api/v1/assessments/ */
static void api_create(http_req_t *req)
{
    http_verr_t *probe = http_verr_new(req);
    json_t *body = NULL;
    const auth_user_t *u = auth_require_user_json(req, probe, &body);
    if (!u)
        return;
    http_verr_t *hv = http_verr_new(req);
    body = http_json_body(req, hv);
    vld_t v;
    vld_init(&v, req->arena);
    assessments_create_in_t in;
    if (body)
        assessments_schema_create(&v, body, &in);
    if (vld_reply_if_invalid(req, hv, &v))
        return;
    db_t *db = api_db(req);
    if (!db)
        return;
    json_t *out = NULL;
    const char *detail = NULL;
    err_t e = assessments_svc_create(db, req->arena, api_owner(u), &in, &out, &detail);
    api_done(req, e, detail, 201, out);
}

/* S2 GET /api/v1/assessments/ */
static void api_list(http_req_t *req)
{
    const auth_user_t *u = auth_require_user(req);
    if (!u)
        return;
    http_verr_t *hv = http_verr_new(req);
    vld_t v;
    vld_init(&v, req->arena);
    assessments_list_in_t in;
    assessments_schema_list(&v, http_query(req, "status"), http_query(req, "task_id"),
                            http_query(req, "candidate_id"), http_query(req, "limit"), http_query(req, "offset"),
                            &in);
    if (vld_reply_if_invalid(req, hv, &v))
        return;
    db_t *db = api_db(req);
    if (!db)
        return;
    json_t *out = NULL;
    const char *detail = NULL;
    err_t e = assessments_svc_list(db, req->arena, api_owner(u), &in, &out, &detail);
    api_done(req, e, detail, 200, out);
}

/* S3 GET /api/v1/assessments/{assessment_id} */
static void api_get(http_req_t *req)
{
    int64_t id = 0;
    const auth_user_t *u = api_recruiter_id(req, &id);
    if (!u)
        return;
    db_t *db = api_db(req);
    if (!db)
        return;
    assessments_row_t r;
    assessments_names_t n;
    const char *detail = NULL;
    err_t e = assessments_svc_get_for_org(db, req->arena, api_owner(u), id, &r, &n, &detail);
    api_done(req, e, detail, 200, e == ERR_OK ? assessments_schema_model(&r, &n) : NULL);
}

/* S13 GET /api/v1/assessments/{assessment_id}/report.pdf: the S3 object
 * drawn by the report renderer. */
static void api_report(http_req_t *req)
{
    int64_t id = 0;
    const auth_user_t *u = api_recruiter_id(req, &id);
    if (!u)
        return;
    db_t *db = api_db(req);
    if (!db)
        return;
    assessments_row_t r;
    assessments_names_t n;
    const char *detail = NULL;
    err_t e = assessments_svc_get_for_org(db, req->arena, api_owner(u), id, &r, &n, &detail);
    if (e != ERR_OK) {
        http_reply_err(req, e, detail);
        return;
    }
    const char *org_name = NULL;
    organizations_org_t org;
    if (r.organization_id.set && organizations_get(db, req->arena, r.organization_id.v, &org) == ERR_OK)
        org_name = org.name;
    json_t *obj = assessments_schema_model(&r, &n);
    unsigned char *pdf = NULL;
    size_t len = 0;
    e = assessments_report_pdf(obj, n.candidate_name, n.candidate_email, org_name, &pdf, &len);
    json_decref(obj);
    if (e != ERR_OK) {
        http_reply_err(req, ERR_INTERNAL, "Failed to generate report");
        return;
    }
    char disp[96];
    snprintf(disp, sizeof disp, "attachment; filename=\"assessment-%lld.pdf\"", (long long)id);
    http_set_header(req, "Content-Disposition", disp);
    http_reply_bytes(req, 200, "application/pdf", pdf, len);
    free(pdf);
}

/* S10 DELETE /api/v1/assessments/{assessment_id} */
static void api_delete(http_req_t *req)
{
    int64_t id = 0;
    const auth_user_t *u = api_recruiter_id(req, &id);
    if (!u)
        return;
    db_t *db = api_db(req);
    if (!db)
        return;
    const char *detail = NULL;
    err_t e = assessments_svc_delete(db, req->arena, api_owner(u), id, &detail);
    if (e != ERR_OK)
        http_reply_err(req, e, detail);
    else
        http_reply_empty(req, 204);
}

/* S11 POST /api/v1/assessments/{assessment_id}/resend */
static void api_resend(http_req_t *req)
{
    int64_t id = 0;
    const auth_user_t *u = api_recruiter_id(req, &id);
    if (!u)
        return;
    db_t *db = api_db(req);
    if (!db)
        return;
    const char *detail = NULL;
    err_t e = assessments_svc_resend(db, req->arena, api_owner(u), id, &detail);
    api_done(req, e, detail, 200, e == ERR_OK ? json_pack("{s:b}", "success", 1) : NULL);
}

/* S12 POST /api/v1/assessments/{assessment_id}/post-to-workable: the MVP
 * 503 after the JWT, then the Workable integration posts now. */
static void api_post_to_workable(http_req_t *req)
{
    const auth_user_t *u = auth_require_user(req);
    if (!u)
        return;
    if (cfg->mvp_disable_workable) {
        http_reply_detail(req, 503, "Workable integration is disabled for MVP");
        return;
    }
    http_verr_t *hv = http_verr_new(req);
    vld_t v;
    vld_init(&v, req->arena);
    int64_t id = 0;
    assessments_schema_path_id(&v, "assessment_id", http_path_param(req, "assessment_id"), &id);
    if (vld_reply_if_invalid(req, hv, &v))
        return;
    if (!u->has_organization) {
        http_reply_detail(req, 404, "Assessment not found");
        return;
    }
    db_t *db = api_db(req);
    if (!db)
        return;
    workable_post_outcome_t outcome;
    if (workable_post_assessment_now(db, u->organization_id, id, &outcome) != ERR_OK) {
        http_reply_err(req, ERR_INTERNAL, "Failed to post to Workable");
        return;
    }
    switch (outcome) {
    case WORKABLE_POST_OK:
        http_reply_json(req, 200, json_pack("{s:b}", "success", 1));
        return;
    case WORKABLE_POST_ALREADY:
        http_reply_json(req, 200, json_pack("{s:b,s:b}", "success", 1, "already_posted", 1));
        return;
    case WORKABLE_POST_NOT_FOUND:
        http_reply_detail(req, 404, "Assessment not found");
        return;
    case WORKABLE_POST_NOT_CONNECTED:
        http_reply_detail(req, 400, "Workable is not connected");
        return;
    case WORKABLE_POST_NOT_LINKED:
        http_reply_detail(req, 400, "Assessment is not linked to a Workable candidate");
        return;
    case WORKABLE_POST_UPSTREAM_FAILED:
    default:
        http_reply_detail(req, 502, "Failed to post to Workable");
        return;
    }
}

/* S14 POST /api/v1/assessments/{assessment_id}/notes */
static void api_notes(http_req_t *req)
{
    http_verr_t *probe = http_verr_new(req);
    json_t *body = NULL;
    const auth_user_t *u = auth_require_user_json(req, probe, &body);
    if (!u)
        return;
    http_verr_t *hv = http_verr_new(req);
    vld_t v;
    vld_init(&v, req->arena);
    int64_t id = 0;
    assessments_schema_path_id(&v, "assessment_id", http_path_param(req, "assessment_id"), &id);
    vld_move_to(&v, hv);
    body = http_json_body(req, hv);
    const char *note = NULL;
    if (body)
        assessments_schema_note(&v, body, &note);
    if (vld_reply_if_invalid(req, hv, &v))
        return;
    /* Blank after trimming: 400 before the lookup, as the original. */
    const char *s = note ? note : "";
    while (*s && isspace((unsigned char)*s))
        s++;
    size_t n = strlen(s);
    while (n > 0 && isspace((unsigned char)s[n - 1]))
        n--;
    if (n == 0) {
        http_reply_detail(req, 400, "note is required");
        return;
    }
    char *trimmed = mem_strndup(req->arena, s, n);
    db_t *db = api_db(req);
    if (!db)
        return;
    json_t *timeline = NULL;
    const char *detail = NULL;
    err_t e = assessments_svc_add_note(db, req->arena, api_owner(u), id, trimmed, &timeline, &detail);
    if (e != ERR_OK) {
        http_reply_err(req, e, detail);
        return;
    }
    json_t *o = json_object();
    json_object_set_new(o, "success", json_true());
    json_object_set_new(o, "timeline", timeline);
    http_reply_json(req, 200, o);
}

/* S4 POST /api/v1/assessments/token/{token}/start (any body ignored) */
static void api_start(http_req_t *req)
{
    assessments_conn_t conn = api_conn(req);
    const char *token = http_path_param(req, "token");
    json_t *out = NULL;
    const char *detail = NULL;
    err_t e = assessments_svc_start(&conn, req->arena, token ? token : "", &out, &detail);
    api_done(req, e, detail, 200, out);
}

/* The multipart "file" part: missing entirely is a 422; a plain field of
 * that name is a file without a filename (400 from the upload rules). */
static bool api_file(http_req_t *req, vld_t *v, const http_file_t **file)
{
    *file = http_file(req, "file");
    if (*file || http_form(req, "file"))
        return true;
    vld_add(v, "missing", vld_loc("body", "file"), "Field required", NULL, NULL);
    return false;
}

/* S5 POST /api/v1/assessments/{assessment_id}/upload-cv (form token) */
static void api_upload_cv_by_id(http_req_t *req)
{
    http_verr_t *hv = http_verr_new(req);
    vld_t v;
    vld_init(&v, req->arena);
    int64_t id = 0;
    assessments_schema_path_id(&v, "assessment_id", http_path_param(req, "assessment_id"), &id);
    const http_file_t *file = NULL;
    api_file(req, &v, &file);
    static const vld_str_rule_t tok_rule = {.need = VLD_REQUIRED};
    vld_str_t tok = {0};
    vld_raw_str(&v, "body", "token", http_form(req, "token"), &tok_rule, &tok);
    if (vld_reply_if_invalid(req, hv, &v))
        return;
    db_t *db = api_db(req);
    if (!db)
        return;
    assessments_cv_in_t in = {.by_token = false, .id = id, .token = tok.value, .file = file};
    json_t *out = NULL;
    const char *detail = NULL;
    err_t e = assessments_svc_upload_cv(db, req->arena, http_config(req), &in, &out, &detail);
    api_done(req, e, detail, 200, out);
}

/* S6 POST /api/v1/assessments/token/{token}/upload-cv */
static void api_upload_cv_by_token(http_req_t *req)
{
    http_verr_t *hv = http_verr_new(req);
    vld_t v;
    vld_init(&v, req->arena);
    const http_file_t *file = NULL;
    api_file(req, &v, &file);
    if (vld_reply_if_invalid(req, hv, &v))
        return;
    db_t *db = api_db(req);
    if (!db)
        return;
    const char *token = http_path_param(req, "token");
    assessments_cv_in_t in = {.by_token = true, .token = token ? token : "", .file = file};
    json_t *out = NULL;
    const char *detail = NULL;
    err_t e = assessments_svc_upload_cv(db, req->arena, http_config(req), &in, &out, &detail);
    api_done(req, e, detail, 200, out);
}

/* The common start of S7-S9: path id, X-Assessment-Token and the JSON
 * body, all problems reported together.  Returns the body (or NULL after
 * replying 422). */
static json_t *api_candidate_begin(http_req_t *req, vld_t *v, http_verr_t **hv_out, int64_t *id, const char **token)
{
    http_verr_t *hv = http_verr_new(req);
    vld_init(v, req->arena);
    assessments_schema_path_id(v, "assessment_id", http_path_param(req, "assessment_id"), id);
    static const vld_str_rule_t tok_rule = {.need = VLD_REQUIRED};
    vld_str_t tok = {0};
    if (vld_raw_str(v, "header", "x-assessment-token", http_header(req, "X-Assessment-Token"), &tok_rule, &tok))
        *token = tok.value;
    vld_move_to(v, hv);
    *hv_out = hv;
    return http_json_body(req, hv);
}

/* S7 POST /api/v1/assessments/{assessment_id}/execute */
static void api_execute(http_req_t *req)
{
    vld_t v;
    http_verr_t *hv = NULL;
    int64_t id = 0;
    const char *token = NULL, *code = NULL;
    json_t *body = api_candidate_begin(req, &v, &hv, &id, &token);
    if (body)
        assessments_schema_execute(&v, body, &code);
    if (vld_reply_if_invalid(req, hv, &v))
        return;
    assessments_conn_t conn = api_conn(req);
    json_t *out = NULL;
    const char *detail = NULL;
    err_t e = assessments_svc_execute(&conn, req->arena, id, token, code, &out, &detail);
    api_done(req, e, detail, 200, out);
}

/* S8 POST /api/v1/assessments/{assessment_id}/claude */
static void api_chat(http_req_t *req)
{
    vld_t v;
    http_verr_t *hv = NULL;
    int64_t id = 0;
    const char *token = NULL;
    json_t *body = api_candidate_begin(req, &v, &hv, &id, &token);
    assessments_chat_in_t in;
    if (body)
        assessments_schema_chat(&v, body, &in);
    if (vld_reply_if_invalid(req, hv, &v))
        return;
    assessments_conn_t conn = api_conn(req);
    json_t *out = NULL;
    const char *detail = NULL;
    err_t e = assessments_svc_chat(&conn, req->arena, id, token, &in, &out, &detail);
    api_done(req, e, detail, 200, out);
}

/* S9 POST /api/v1/assessments/{assessment_id}/submit */
static void api_submit(http_req_t *req)
{
    vld_t v;
    http_verr_t *hv = NULL;
    int64_t id = 0, tabs = 0;
    const char *token = NULL, *code = NULL;
    json_t *body = api_candidate_begin(req, &v, &hv, &id, &token);
    if (body)
        assessments_schema_submit(&v, body, &code, &tabs);
    if (vld_reply_if_invalid(req, hv, &v))
        return;
    assessments_conn_t conn = api_conn(req);
    json_t *out = NULL;
    const char *detail = NULL;
    err_t e = assessments_svc_submit(&conn, req->arena, id, token, code, tabs, &out, &detail);
    api_done(req, e, detail, 200, out);
}

/* POST /__test__/assessments/expire-sweep (TALI_TEST_HOOKS only): runs
 * one expiry sweep now and answers {"expired": n}. */
static void api_test_expire(http_req_t *req)
{
    db_t *db = api_db(req);
    if (!db)
        return;
    int64_t n = 0;
    err_t e = assessments_expire_sweep(db, db_now_us(), &n);
    api_done(req, e, "Expiry sweep failed", 200, e == ERR_OK ? json_pack("{s:I}", "expired", (json_int_t)n) : NULL);
}

/* The Assessment fields: variant 0 both, 1 the model variant (S1, S3) only,
 * 2 the list item (S2) only; api_assessment_schema orders them. */
static const struct {
    const char *name;
    int variant;
    const char *schema;
} api_oa_fields[] = {
    {"id", 0, "{\"type\":\"integer\"}"},
    {"organization_id", 0, "{\"type\":\"integer\"}"},
    {"candidate_id", 1, "{\"type\":\"integer\"}"},
    {"candidate_id", 2,
        "{\"type\":[\"integer\",\"null\"],\"description\":\"null after the candidate was deleted\"}"},
    {"task_id", 0, "{\"type\":\"integer\"}"},
    {"token", 0,
        "{\"type\":\"string\",\"description\":\"the candidate's secret token (43 characters)\"}"},
    {"status", 0,
        "{\"type\":\"string\",\"enum\":[\"pending\",\"in_progress\",\"completed\",\"expired\"]}"},
    {"duration_minutes", 0, "{\"type\":\"integer\",\"minimum\":15,\"maximum\":180}"},
    {"started_at", 0, "{\"type\":[\"string\",\"null\"],\"format\":\"date-time\"}"},
    {"completed_at", 0, "{\"type\":[\"string\",\"null\"],\"format\":\"date-time\"}"},
    {"expires_at", 0, "{\"type\":[\"string\",\"null\"],\"format\":\"date-time\"}"},
    {"score", 0, "{\"type\":[\"number\",\"null\"],\"minimum\":0,\"maximum\":10}"},
    {"tests_passed", 0, "{\"type\":[\"integer\",\"null\"]}"},
    {"tests_total", 0, "{\"type\":[\"integer\",\"null\"]}"},
    {"code_quality_score", 0, "{\"type\":[\"number\",\"null\"]}"},
    {"time_efficiency_score", 0, "{\"type\":[\"number\",\"null\"]}"},
    {"ai_usage_score", 0, "{\"type\":[\"number\",\"null\"]}"},
    {"prompt_quality_score", 0, "{\"type\":[\"number\",\"null\"]}"},
    {"prompt_efficiency_score", 0, "{\"type\":[\"number\",\"null\"]}"},
    {"independence_score", 0, "{\"type\":[\"number\",\"null\"]}"},
    {"context_utilization_score", 0, "{\"type\":[\"number\",\"null\"]}"},
    {"design_thinking_score", 0, "{\"type\":[\"number\",\"null\"]}"},
    {"debugging_strategy_score", 0, "{\"type\":[\"number\",\"null\"]}"},
    {"written_communication_score", 0, "{\"type\":[\"number\",\"null\"]}"},
    {"learning_velocity_score", 0, "{\"type\":[\"number\",\"null\"]}"},
    {"error_recovery_score", 0, "{\"type\":[\"number\",\"null\"]}"},
    {"requirement_comprehension_score", 0, "{\"type\":[\"number\",\"null\"]}"},
    {"calibration_score", 0, "{\"type\":[\"number\",\"null\"]}"},
    {"prompt_fraud_flags", 0,
        "{\"type\":[\"array\",\"null\"],\"items\":{\"$ref\":\"#/components/schemas/FraudFlag\"}}"},
    {"prompt_analytics", 0,
        "{\"type\":[\"object\",\"null\"],\"description\":\"scoring analytics set at submit (api-contract 2.1"
        "2)\"}"},
    {"browser_focus_ratio", 0, "{\"type\":[\"number\",\"null\"],\"minimum\":0,\"maximum\":1}"},
    {"tab_switch_count", 0, "{\"type\":\"integer\"}"},
    {"time_to_first_prompt_seconds", 0, "{\"type\":[\"integer\",\"null\"]}"},
    {"cv_uploaded", 0, "{\"type\":\"boolean\"}"},
    {"cv_filename", 0, "{\"type\":[\"string\",\"null\"]}"},
    {"cv_uploaded_at", 0, "{\"type\":[\"string\",\"null\"],\"format\":\"date-time\"}"},
    {"cv_job_match_score", 2, "{\"type\":[\"number\",\"null\"],\"minimum\":0,\"maximum\":10}"},
    {"cv_job_match_details", 2, "{\"type\":[\"object\",\"null\"]}"},
    {"final_score", 0, "{\"type\":[\"number\",\"null\"],\"minimum\":0,\"maximum\":100}"},
    {"score_breakdown", 0,
        "{\"type\":[\"object\",\"null\"],\"description\":\"legacy component scores and categories (api-contr"
        "act 2.13)\"}"},
    {"score_weights_used", 0,
        "{\"type\":[\"object\",\"null\"],\"additionalProperties\":{\"type\":\"number\"}}"},
    {"flags", 0, "{\"type\":[\"array\",\"null\"],\"items\":{\"type\":\"string\"}}"},
    {"scored_at", 0, "{\"type\":[\"string\",\"null\"],\"format\":\"date-time\"}"},
    {"total_duration_seconds", 0, "{\"type\":[\"integer\",\"null\"]}"},
    {"total_prompts", 0, "{\"type\":[\"integer\",\"null\"]}"},
    {"total_input_tokens", 0, "{\"type\":[\"integer\",\"null\"]}"},
    {"total_output_tokens", 0, "{\"type\":[\"integer\",\"null\"]}"},
    {"tests_run_count", 0, "{\"type\":[\"integer\",\"null\"]}"},
    {"tests_pass_count", 0, "{\"type\":[\"integer\",\"null\"]}"},
    {"test_results", 0,
        "{\"type\":[\"object\",\"null\"],\"properties\":{\"success\":{\"type\":\"boolean\"},"
        "\"stdout\":{\"type\":\"string\"},\"stderr\":{\"type\":\"string\"},\"error\":{\"type\":[\"string\","
        "\"null\"]},\"passed\":{\"type\":\"integer\"},\"failed\":{\"type\":\"integer\"},"
        "\"total\":{\"type\":\"integer\"}},\"required\":[\"success\",\"stdout\",\"stderr\","
        "\"passed\",\"failed\",\"total\"]}"},
    {"ai_prompts", 0,
        "{\"type\":[\"array\",\"null\"],\"items\":{\"$ref\":\"#/components/schemas/AiPrompt\"}}"},
    {"timeline", 0,
        "{\"type\":\"array\",\"items\":{\"$ref\":\"#/components/schemas/TimelineEntry\"}}"},
    {"created_at", 0, "{\"type\":\"string\",\"format\":\"date-time\"}"},
    {"prompts_list", 0,
        "{\"type\":\"array\",\"items\":{\"$ref\":\"#/components/schemas/PromptListItem\"}}"},
    {"results", 0,
        "{\"type\":\"array\",\"items\":{\"$ref\":\"#/components/schemas/ResultItem\"},\"maxItems\":3}"},
    {"breakdown", 0,
        "{\"type\":\"object\",\"properties\":{\"testsPassed\":{},\"codeQuality\":{},\"aiUsage\":{},"
        "\"timeEfficiency\":{},\"bugsFixed\":{},\"categoryScores\":{},\"communication\":{},"
        "\"independence\":{},\"promptClarity\":{},\"contextProvision\":{},\"taskCompletion\":{},"
        "\"utilization\":{},\"approach\":{},\"efficiency\":{},\"cvMatch\":{},\"detailedScores\":{},"
        "\"explanations\":{},\"cvJobMatch\":{},\"recommendation\":{},\"recommendationColor\":{}},"
        "\"required\":[\"bugsFixed\"],\"description\":\"camelCase summary; keys present conditionally (api-c"
        "ontract 2.10)\"}"},
    {"candidate_name", 0, "{\"type\":\"string\"}"},
    {"candidate_email", 0, "{\"type\":\"string\"}"},
    {"task_name", 0, "{\"type\":\"string\"}"},
};

/* api-contract 2.5: the model variant's 56 fields, in order */
static const char *const api_oa_model_order[] = {
    "id", "organization_id", "candidate_id", "task_id", "token", "status", "duration_minutes", "started_at",
    "completed_at", "expires_at", "score", "tests_passed", "tests_total", "code_quality_score",
    "time_efficiency_score", "ai_usage_score", "test_results", "ai_prompts", "timeline", "created_at",
    "prompts_list", "results", "breakdown", "candidate_name", "candidate_email", "task_name",
    "prompt_quality_score", "prompt_efficiency_score", "independence_score", "context_utilization_score",
    "design_thinking_score", "debugging_strategy_score", "written_communication_score",
    "learning_velocity_score", "error_recovery_score", "requirement_comprehension_score", "calibration_score",
    "prompt_fraud_flags", "prompt_analytics", "browser_focus_ratio", "tab_switch_count",
    "time_to_first_prompt_seconds", "cv_uploaded", "cv_filename", "cv_uploaded_at", "final_score",
    "score_breakdown", "score_weights_used", "flags", "scored_at", "total_duration_seconds", "total_prompts",
    "total_input_tokens", "total_output_tokens", "tests_run_count", "tests_pass_count",
};

/* api-contract 2.5: the list item's 58 keys, in order */
static const char *const api_oa_list_order[] = {
    "id", "organization_id", "candidate_id", "task_id", "token", "status", "duration_minutes", "started_at",
    "completed_at", "expires_at", "score", "tests_passed", "tests_total", "code_quality_score",
    "time_efficiency_score", "ai_usage_score", "prompt_quality_score", "prompt_efficiency_score",
    "independence_score", "context_utilization_score", "design_thinking_score", "debugging_strategy_score",
    "written_communication_score", "learning_velocity_score", "error_recovery_score",
    "requirement_comprehension_score", "calibration_score", "prompt_fraud_flags", "prompt_analytics",
    "browser_focus_ratio", "tab_switch_count", "time_to_first_prompt_seconds", "cv_uploaded", "cv_filename",
    "cv_uploaded_at", "cv_job_match_score", "cv_job_match_details", "final_score", "score_breakdown",
    "score_weights_used", "flags", "scored_at", "total_duration_seconds", "total_prompts", "total_input_tokens",
    "total_output_tokens", "tests_run_count", "tests_pass_count", "test_results", "ai_prompts", "timeline",
    "created_at", "prompts_list", "results", "breakdown", "candidate_name", "candidate_email", "task_name",
};

/* ---- OpenAPI description (api-contract 2.5-2.11, S1-S14) ---- */

static const char api_oa_aiprompt[] =
    "{\"type\":\"object\",\"properties\":{\"message\":{\"type\":\"string\"},\"response\":{\"type\":\"string\""
    "},\"timestamp\":{\"type\":\"string\",\"description\":\"isoformat, +00:00\"},\"input_tokens\":{\"type\":"
    "\"integer\"},\"output_tokens\":{\"type\":\"integer\"},\"tokens_used\":{\"type\":\"integer\"},"
    "\"response_latency_ms\":{\"type\":\"integer\"},\"code_before\":{\"type\":\"string\"},"
    "\"code_after\":{\"type\":\"string\"},\"word_count\":{\"type\":\"integer\"},\"char_count\":{\"type\":\"i"
    "nteger\"},\"time_since_last_prompt_ms\":{\"type\":[\"integer\",\"null\"]},\"paste_detected\":{\"type\":"
    "\"boolean\"},\"browser_focused\":{\"type\":\"boolean\"}},\"required\":[\"message\","
    "\"response\",\"timestamp\",\"input_tokens\",\"output_tokens\",\"tokens_used\",\"response_latency_ms\","
    "\"code_before\",\"code_after\",\"word_count\",\"char_count\",\"time_since_last_prompt_ms\","
    "\"paste_detected\",\"browser_focused\"],\"description\":\"One AI-assistant exchange (api-contract 2.6)\""
    "}";

static const char api_oa_timelineentry[] =
    "{\"type\":\"object\",\"properties\":{\"time\":{\"type\":\"string\",\"description\":\"`MM:SS` offset,"
    " or an isoformat time for recruiter notes\"},\"event\":{\"type\":\"string\"},\"prompt\":{\"type\":\"str"
    "ing\"}},\"required\":[\"time\",\"event\"],\"description\":\"api-contract 2.7\"}";

static const char api_oa_promptlistitem[] =
    "{\"type\":\"object\",\"properties\":{\"text\":{\"type\":\"string\"},\"message\":{\"type\":\"string\"},"
    "\"response\":{\"type\":\"string\"},\"assessment\":{\"type\":\"string\"},\"paste_detected\":{\"type\":\""
    "boolean\"},\"response_latency_ms\":{\"type\":[\"integer\",\"null\"]},\"timestamp\":{\"type\":[\"string\""
    ",\"null\"]}},\"required\":[\"text\",\"message\",\"response\",\"assessment\",\"paste_detected\","
    "\"response_latency_ms\",\"timestamp\"],\"description\":\"api-contract 2.8\"}";

static const char api_oa_resultitem[] =
    "{\"type\":\"object\",\"properties\":{\"title\":{\"type\":\"string\"},\"score\":{\"type\":\"string\"},"
    "\"description\":{\"type\":\"string\"}},\"required\":[\"title\",\"score\",\"description\"],"
    "\"description\":\"api-contract 2.9\"}";

static const char api_oa_fraudflag[] =
    "{\"type\":\"object\",\"properties\":{\"type\":{\"type\":\"string\"},\"confidence\":{\"type\":\"number\""
    "},\"evidence\":{\"type\":\"string\"},\"prompt_index\":{\"type\":[\"integer\",\"null\"]}},"
    "\"required\":[\"type\",\"confidence\",\"evidence\",\"prompt_index\"],\"description\":\"api-contract 2.1"
    "1\"}";

static const char api_oa_assessmentlist[] =
    "{\"type\":\"object\",\"properties\":{\"items\":{\"type\":\"array\",\"items\":{\"$ref\":\"#/components/s"
    "chemas/AssessmentListItem\"}},\"total\":{\"type\":\"integer\"},\"limit\":{\"type\":\"integer\"},"
    "\"offset\":{\"type\":\"integer\"}},\"required\":[\"items\",\"total\",\"limit\",\"offset\"]}";

static const http_route_openapi_t api_oa_ops[] = {
    {"POST", ASSESS_BASE "/",
     "{\"requestBody\":{\"required\":true,\"content\":{\"application/json\":{\"schema\":{\"type\":\"object\""
     ",\"properties\":{\"candidate_email\":{\"type\":\"string\",\"format\":\"email\",\"description\":\"valid"
     "ated and normalised (domain lower-cased)\"},\"candidate_name\":{\"type\":\"string\","
     "\"minLength\":1,\"maxLength\":200},\"task_id\":{\"type\":\"integer\",\"exclusiveMinimum\":0,"
     "\"description\":\"numeric strings are accepted\"},\"duration_minutes\":{\"type\":\"integer\","
     "\"minimum\":15,\"maximum\":180,\"default\":30}},\"required\":[\"candidate_email\","
     "\"candidate_name\",\"task_id\"]}}}},\"responses\":{\"201\":{\"description\":\"The new pending assessme"
     "nt\",\"content\":{\"application/json\":{\"schema\":{\"$ref\":\"#/components/schemas/Assessment\"}}}},"
     "\"404\":{\"description\":\"`Task not found`; `User not found` (the token's user no longer exists)\"},"
     "\"500\":{\"description\":\"`Failed to create assessment`\"},\"400\":{\"description\":\"`Inactive user`"
     "\"}}}"},
    {"GET", ASSESS_BASE "/",
     "{\"parameters\":[{\"name\":\"status\",\"in\":\"query\",\"required\":false,\"schema\":{\"type\":[\"stri"
     "ng\",\"null\"],\"enum\":[\"\",\"pending\",\"in_progress\",\"completed\",\"expired\"]},"
     "\"description\":\"exact status filter; empty: none\"},{\"name\":\"task_id\",\"in\":\"query\","
     "\"required\":false,\"schema\":{\"type\":[\"integer\",\"null\"]}},{\"name\":\"candidate_id\","
     "\"in\":\"query\",\"required\":false,\"schema\":{\"type\":[\"integer\",\"null\"]}},"
     "{\"name\":\"limit\",\"in\":\"query\",\"required\":false,\"schema\":{\"type\":\"integer\","
     "\"minimum\":1,\"maximum\":100,\"default\":50},\"description\":\"page size\"},{\"name\":\"offset\","
     "\"in\":\"query\",\"required\":false,\"schema\":{\"type\":\"integer\",\"minimum\":0,"
     "\"default\":0},\"description\":\"rows to skip\"}],\"responses\":{\"200\":{\"description\":\"A page of "
     "the organisation's assessments, newest first\",\"content\":{\"application/json\":{\"schema\":{\"$ref\""
     ":\"#/components/schemas/AssessmentList\"}}}},\"400\":{\"description\":\"`Inactive user`\"},"
     "\"404\":{\"description\":\"`User not found` (the token's user no longer exists)\"}}}"},
    {"GET", ASSESS_BASE "/{assessment_id}",
     "{\"responses\":{\"200\":{\"description\":\"The assessment\",\"content\":{\"application/json\":{\"schem"
     "a\":{\"$ref\":\"#/components/schemas/Assessment\"}}}},\"404\":{\"description\":\"`Assessment not found"
     "`; `User not found` (the token's user no longer exists)\"},\"400\":{\"description\":\"`Inactive user`\""
     "}}}"},
    {"POST", ASSESS_BASE "/token/{token}/start",
     "{\"requestBody\":null,\"responses\":{\"200\":{\"description\":\"The session (also on resume)\","
     "\"content\":{\"application/json\":{\"schema\":{\"type\":\"object\",\"properties\":{\"assessment_id\":{"
     "\"type\":\"integer\"},\"token\":{\"type\":\"string\"},\"sandbox_id\":{\"type\":\"string\"},"
     "\"task\":{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\"},\"description\":{\"type\""
     ":[\"string\",\"null\"]},\"starter_code\":{\"type\":\"string\"},\"duration_minutes\":{\"type\":\"intege"
     "r\"},\"calibration_prompt\":{\"type\":[\"string\",\"null\"]},\"proctoring_enabled\":{\"type\":\"boolea"
     "n\"}},\"required\":[\"name\",\"description\",\"starter_code\",\"duration_minutes\","
     "\"calibration_prompt\",\"proctoring_enabled\"]},\"time_remaining\":{\"type\":\"integer\","
     "\"minimum\":0,\"description\":\"seconds\"}},\"required\":[\"assessment_id\",\"token\","
     "\"sandbox_id\",\"task\",\"time_remaining\"]}}}},\"403\":null,\"400\":{\"description\":\"`Assessment ha"
     "s already been submitted`; `Assessment link has expired`; `CV upload is required before starting the a"
     "ssessment`\"},\"404\":{\"description\":\"`Invalid assessment token`; `Task not found`\"},"
     "\"429\":{\"description\":\"`Too many requests. Please try again later.`\"},\"500\":{\"description\":\""
     "`Failed to start assessment session`\"},\"503\":{\"description\":\"`Code environment is not configured"
     ". Please try again later.`; `Could not start code environment. Please try again later.`\"},"
     "\"422\":null}}"},
    {"POST", ASSESS_BASE "/{assessment_id}/upload-cv",
     "{\"requestBody\":{\"required\":true,\"content\":{\"multipart/form-data\":{\"schema\":{\"type\":\"objec"
     "t\",\"properties\":{\"file\":{\"type\":\"string\",\"format\":\"binary\",\"description\":\"the document"
     " (field name `file`)\"},\"token\":{\"type\":\"string\",\"description\":\"the candidate's assessment to"
     "ken\"}},\"required\":[\"file\",\"token\"]}}}},\"responses\":{\"200\":{\"description\":\"The stored CV\""
     ",\"content\":{\"application/json\":{\"schema\":{\"type\":\"object\",\"properties\":{\"success\":{\"typ"
     "e\":\"boolean\"},\"assessment_id\":{\"type\":\"integer\"},\"cv_filename\":{\"type\":\"string\"},"
     "\"cv_uploaded_at\":{\"type\":\"string\",\"format\":\"date-time\"},\"text_extracted\":{\"type\":\"boole"
     "an\"}},\"required\":[\"success\",\"assessment_id\",\"cv_filename\",\"cv_uploaded_at\","
     "\"text_extracted\"]}}}},\"403\":null,\"400\":{\"description\":\"`Assessment already submitted`; `Filen"
     "ame is required`; `Only DOCX, PDF files are allowed` (CV) or `Only DOCX, PDF, TXT files are allowed` ("
     "job spec); `Uploaded file is empty`; `File must be 5MB or smaller`\"},\"401\":{\"description\":\"`Inva"
     "lid assessment token`\"},\"404\":{\"description\":\"`Assessment not found`\"},\"429\":{\"description\""
     ":\"`Too many requests. Please try again later.`\"},\"500\":{\"description\":\"`Failed to store CV meta"
     "data`\"}}}"},
    {"POST", ASSESS_BASE "/token/{token}/upload-cv",
     "{\"requestBody\":{\"required\":true,\"content\":{\"multipart/form-data\":{\"schema\":{\"type\":\"objec"
     "t\",\"properties\":{\"file\":{\"type\":\"string\",\"format\":\"binary\",\"description\":\"the document"
     " (field name `file`)\"}},\"required\":[\"file\"]}}}},\"responses\":{\"200\":{\"description\":\"The sto"
     "red CV\",\"content\":{\"application/json\":{\"schema\":{\"type\":\"object\",\"properties\":{\"success\""
     ":{\"type\":\"boolean\"},\"assessment_id\":{\"type\":\"integer\"},\"cv_filename\":{\"type\":\"string\"}"
     ",\"cv_uploaded_at\":{\"type\":\"string\",\"format\":\"date-time\"},\"text_extracted\":{\"type\":\"bool"
     "ean\"}},\"required\":[\"success\",\"assessment_id\",\"cv_filename\",\"cv_uploaded_at\","
     "\"text_extracted\"]}}}},\"403\":null,\"400\":{\"description\":\"`Assessment already submitted`; `Filen"
     "ame is required`; `Only DOCX, PDF files are allowed` (CV) or `Only DOCX, PDF, TXT files are allowed` ("
     "job spec); `Uploaded file is empty`; `File must be 5MB or smaller`\"},\"404\":{\"description\":\"`Inva"
     "lid assessment token`\"},\"429\":{\"description\":\"`Too many requests. Please try again later.`\"},"
     "\"500\":{\"description\":\"`Failed to store CV metadata`\"}}}"},
    {"POST", ASSESS_BASE "/{assessment_id}/execute",
     "{\"parameters\":[{\"name\":\"X-Assessment-Token\",\"in\":\"header\",\"required\":true,"
     "\"schema\":{\"type\":\"string\"},\"description\":\"the candidate's assessment token\"}],"
     "\"requestBody\":{\"required\":true,\"content\":{\"application/json\":{\"schema\":{\"type\":\"object\","
     "\"properties\":{\"code\":{\"type\":\"string\",\"minLength\":1,\"maxLength\":100000}},"
     "\"required\":[\"code\"]}}}},\"responses\":{\"200\":{\"description\":\"The run's output (sandbox failur"
     "es in-band)\",\"content\":{\"application/json\":{\"schema\":{\"type\":\"object\","
     "\"properties\":{\"success\":{\"type\":\"boolean\"},\"stdout\":{\"type\":\"string\"},"
     "\"stderr\":{\"type\":\"string\"},\"error\":{\"type\":[\"string\",\"null\"]},\"results\":{\"type\":\"ar"
     "ray\",\"items\":{\"type\":\"string\"}}},\"required\":[\"success\",\"stdout\",\"stderr\","
     "\"error\",\"results\"]}}}},\"403\":{\"description\":\"`Invalid assessment token`\"},"
     "\"404\":{\"description\":\"`Active assessment not found`\"},\"429\":{\"description\":\"`Too many reque"
     "sts. Please try again later.`\"}}}"},
    {"POST", ASSESS_BASE "/{assessment_id}/claude",
     "{\"parameters\":[{\"name\":\"X-Assessment-Token\",\"in\":\"header\",\"required\":true,"
     "\"schema\":{\"type\":\"string\"},\"description\":\"the candidate's assessment token\"}],"
     "\"requestBody\":{\"required\":true,\"content\":{\"application/json\":{\"schema\":{\"type\":\"object\","
     "\"properties\":{\"message\":{\"type\":\"string\",\"minLength\":1,\"maxLength\":4000},"
     "\"conversation_history\":{\"type\":\"array\",\"items\":{\"type\":\"object\"},\"default\":[]},"
     "\"code_context\":{\"type\":[\"string\",\"null\"],\"default\":null},\"paste_detected\":{\"type\":\"bool"
     "ean\",\"default\":false},\"browser_focused\":{\"type\":\"boolean\",\"default\":true},"
     "\"time_since_last_prompt_ms\":{\"type\":[\"integer\",\"null\"],\"default\":null}},"
     "\"required\":[\"message\"]}}}},\"responses\":{\"200\":{\"description\":\"The assistant's reply (model "
     "failures in-band, success false)\",\"content\":{\"application/json\":{\"schema\":{\"type\":\"object\","
     "\"properties\":{\"success\":{\"type\":\"boolean\"},\"content\":{\"type\":\"string\"},"
     "\"tokens_used\":{\"type\":\"integer\"},\"input_tokens\":{\"type\":\"integer\"},\"output_tokens\":{\"ty"
     "pe\":\"integer\"},\"response\":{\"type\":\"string\",\"description\":\"same as `content` (the frontend "
     "reads it)\"}},\"required\":[\"success\",\"content\",\"tokens_used\",\"input_tokens\","
     "\"output_tokens\",\"response\"]}}}},\"403\":{\"description\":\"`Invalid assessment token`\"},"
     "\"404\":{\"description\":\"`Active assessment not found`\"},\"429\":{\"description\":\"`Too many reque"
     "sts. Please try again later.`\"},\"500\":{\"description\":\"`Failed to persist AI interaction`\"}}}"},
    {"POST", ASSESS_BASE "/{assessment_id}/submit",
     "{\"parameters\":[{\"name\":\"X-Assessment-Token\",\"in\":\"header\",\"required\":true,"
     "\"schema\":{\"type\":\"string\"},\"description\":\"the candidate's assessment token\"}],"
     "\"requestBody\":{\"required\":true,\"content\":{\"application/json\":{\"schema\":{\"type\":\"object\","
     "\"properties\":{\"final_code\":{\"type\":\"string\",\"minLength\":1,\"maxLength\":100000},"
     "\"tab_switch_count\":{\"type\":\"integer\",\"default\":0}},\"required\":[\"final_code\"]}}}},"
     "\"responses\":{\"200\":{\"description\":\"The score\",\"content\":{\"application/json\":{\"schema\":{\""
     "type\":\"object\",\"properties\":{\"success\":{\"type\":\"boolean\"},\"score\":{\"type\":\"number\","
     "\"minimum\":0,\"maximum\":10},\"tests_passed\":{\"type\":\"integer\"},\"tests_total\":{\"type\":\"inte"
     "ger\"},\"quality_analysis\":{\"type\":[\"string\",\"null\"]},\"prompt_scores\":{\"type\":\"object\","
     "\"additionalProperties\":{\"type\":\"number\"}},\"component_scores\":{\"type\":\"object\","
     "\"additionalProperties\":{\"type\":\"number\"}},\"fraud_flags\":{\"type\":\"array\","
     "\"items\":{\"type\":\"string\"}}},\"required\":[\"success\",\"score\",\"tests_passed\","
     "\"tests_total\",\"quality_analysis\",\"prompt_scores\",\"component_scores\",\"fraud_flags\"]}}}},"
     "\"403\":{\"description\":\"`Invalid assessment token`\"},\"404\":{\"description\":\"`Active assessment"
     " not found`; `Task not found`\"},\"429\":{\"description\":\"`Too many requests. Please try again later"
     ".`\"},\"500\":{\"description\":\"`Failed to submit assessment`\"}}}"},
    {"DELETE", ASSESS_BASE "/{assessment_id}",
     "{\"responses\":{\"204\":{\"description\":\"Deleted\"},\"404\":{\"description\":\"`Assessment not found"
     "`; `User not found` (the token's user no longer exists)\"},\"500\":{\"description\":\"`Failed to delet"
     "e assessment`\"},\"400\":{\"description\":\"`Inactive user`\"}}}"},
    {"POST", ASSESS_BASE "/{assessment_id}/resend",
     "{\"requestBody\":null,\"responses\":{\"200\":{\"description\":\"Invitation re-sent (also when no e-mai"
     "l could be sent)\",\"content\":{\"application/json\":{\"schema\":{\"type\":\"object\","
     "\"properties\":{\"success\":{\"type\":\"boolean\"}},\"required\":[\"success\"]}}}},"
     "\"400\":{\"description\":\"`Assessment has no candidate`; `Inactive user`\"},\"404\":{\"description\":"
     "\"`Assessment not found`; `User not found` (the token's user no longer exists)\"}}}"},
    {"POST", ASSESS_BASE "/{assessment_id}/post-to-workable",
     "{\"requestBody\":null,\"responses\":{\"200\":{\"description\":\"Posted (or posted before)\","
     "\"content\":{\"application/json\":{\"schema\":{\"type\":\"object\",\"properties\":{\"success\":{\"type"
     "\":\"boolean\"},\"already_posted\":{\"type\":\"boolean\"}},\"required\":[\"success\"]}}}},"
     "\"400\":{\"description\":\"`Workable is not connected`; `Assessment is not linked to a Workable candid"
     "ate`; `Inactive user`\"},\"404\":{\"description\":\"`Assessment not found`; `User not found` (the toke"
     "n's user no longer exists)\"},\"502\":{\"description\":\"`Failed to post to Workable`\"},"
     "\"503\":{\"description\":\"`Workable integration is disabled for MVP`\"}}}"},
    {"GET", ASSESS_BASE "/{assessment_id}/report.pdf",
     "{\"responses\":{\"200\":{\"description\":\"The report as an attachment `assessment-<id>.pdf`\","
     "\"content\":{\"application/pdf\":{\"schema\":{\"type\":\"string\",\"format\":\"binary\"}}}},"
     "\"404\":{\"description\":\"`Assessment not found`; `User not found` (the token's user no longer exists"
     ")\"},\"400\":{\"description\":\"`Inactive user`\"}}}"},
    {"POST", ASSESS_BASE "/{assessment_id}/notes",
     "{\"requestBody\":{\"required\":true,\"content\":{\"application/json\":{\"schema\":{\"type\":\"object\""
     ",\"properties\":{\"note\":{\"type\":\"string\"}},\"additionalProperties\":{\"type\":\"string\"},"
     "\"description\":\"an object whose values are all strings; `note` is the note\"}}}},"
     "\"responses\":{\"200\":{\"description\":\"The timeline with the note\",\"content\":{\"application/json"
     "\":{\"schema\":{\"type\":\"object\",\"properties\":{\"success\":{\"type\":\"boolean\"},"
     "\"timeline\":{\"type\":\"array\",\"items\":{\"$ref\":\"#/components/schemas/TimelineEntry\"}}},"
     "\"required\":[\"success\",\"timeline\"]}}}},\"400\":{\"description\":\"`note is required`; `Inactive u"
     "ser`\"},\"404\":{\"description\":\"`Assessment not found`; `User not found` (the token's user no longe"
     "r exists)\"},\"500\":{\"description\":\"`Failed to save note`\"}}}"},
};

/* Registers one Assessment variant under components/schemas: the
 * api_oa_fields of that variant in the given order, all required (both
 * paths emit every key, nulls included).  A field without a valid schema
 * is a programming error: logged and left out. */
static void api_assessment_schema(http_server_t *s, const char *name, int variant, const char *const *order, size_t n,
                                  const char *description)
{
    json_t *props = json_object(), *required = json_array();
    for (size_t i = 0; i < n; i++) {
        const char *schema = NULL;
        for (size_t j = 0; j < sizeof api_oa_fields / sizeof api_oa_fields[0] && !schema; j++)
            if (strcmp(api_oa_fields[j].name, order[i]) == 0 &&
                (api_oa_fields[j].variant == 0 || api_oa_fields[j].variant == variant))
                schema = api_oa_fields[j].schema;
        json_t *v = schema ? json_loads(schema, 0, NULL) : NULL;
        if (!v) {
            log_msg(LOG_ERROR, "tali.assessments", "OpenAPI: %s field %s has no valid schema", name, order[i]);
            continue;
        }
        json_object_set_new(props, order[i], v);
        json_array_append_new(required, json_string(order[i]));
    }
    json_t *o = json_pack("{s:s,s:s,s:o,s:o}", "type", "object", "description", description, "properties", props,
                          "required", required);
    char *text = json_dumps(o, JSON_COMPACT);
    http_openapi_schema(s, name, text);
    free(text);
    json_decref(o);
}

/* Attaches the schemas and operation fragments above to the routes just
 * registered; a rejected fragment is logged by http_routes_describe. */
static void api_describe(http_server_t *s)
{
    api_assessment_schema(s, "Assessment", 1, api_oa_model_order,
                          sizeof api_oa_model_order / sizeof api_oa_model_order[0],
                          "An assessment as S1 and S3 return it (api-contract 2.5, model variant)");
    api_assessment_schema(s, "AssessmentListItem", 2, api_oa_list_order,
                          sizeof api_oa_list_order / sizeof api_oa_list_order[0],
                          "An assessment as an S2 list item (api-contract 2.5, dict variant)");
    http_openapi_schema(s, "AiPrompt", api_oa_aiprompt);
    http_openapi_schema(s, "TimelineEntry", api_oa_timelineentry);
    http_openapi_schema(s, "PromptListItem", api_oa_promptlistitem);
    http_openapi_schema(s, "ResultItem", api_oa_resultitem);
    http_openapi_schema(s, "FraudFlag", api_oa_fraudflag);
    http_openapi_schema(s, "AssessmentList", api_oa_assessmentlist);
    http_routes_describe(s, api_oa_ops, sizeof api_oa_ops / sizeof api_oa_ops[0]);
}

void assessments_register(http_server_t *s)
{
    static const struct {
        const char *method, *pattern;
        http_handler_fn fn;
        http_route_doc_t doc;
    } routes[] = {
        {"POST", ASSESS_BASE "/", api_create, {"Create an assessment", "assessments", "bearer", 201}},
        {"GET", ASSESS_BASE "/", api_list, {"List assessments", "assessments", "bearer", 200}},
        {"GET", ASSESS_BASE "/{assessment_id}", api_get, {"Get an assessment", "assessments", "bearer", 200}},
        {"POST", ASSESS_BASE "/token/{token}/start", api_start,
         {"Start or resume an assessment", "assessments", "assessment_token", 200}},
        {"POST", ASSESS_BASE "/{assessment_id}/upload-cv", api_upload_cv_by_id,
         {"Upload the candidate's CV (form token)", "assessments", "assessment_token", 200}},
        {"POST", ASSESS_BASE "/token/{token}/upload-cv", api_upload_cv_by_token,
         {"Upload the candidate's CV (path token)", "assessments", "assessment_token", 200}},
        {"POST", ASSESS_BASE "/{assessment_id}/execute", api_execute,
         {"Run code in the sandbox", "assessments", "assessment_token", 200}},
        {"POST", ASSESS_BASE "/{assessment_id}/claude", api_chat,
         {"Ask the AI assistant", "assessments", "assessment_token", 200}},
        {"POST", ASSESS_BASE "/{assessment_id}/submit", api_submit,
         {"Submit and score", "assessments", "assessment_token", 200}},
        {"DELETE", ASSESS_BASE "/{assessment_id}", api_delete, {"Delete an assessment", "assessments", "bearer", 204}},
        {"POST", ASSESS_BASE "/{assessment_id}/resend", api_resend,
         {"Re-send the invitation", "assessments", "bearer", 200}},
        {"POST", ASSESS_BASE "/{assessment_id}/post-to-workable", api_post_to_workable,
         {"Post results to Workable", "assessments", "bearer", 200}},
        {"GET", ASSESS_BASE "/{assessment_id}/report.pdf", api_report,
         {"Download the assessment report (PDF)", "assessments", "bearer", 200}},
        {"POST", ASSESS_BASE "/{assessment_id}/notes", api_notes,
         {"Add a recruiter note", "assessments", "bearer", 200}},
    };
    for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++)
        http_route(s, routes[i].method, routes[i].pattern, routes[i].fn, &routes[i].doc);
    api_describe(s);
    if (cfg->enable_test_hooks) {
        static const http_route_doc_t doc = {"Run the expiry sweep now (tests)", "test", NULL, 200};
        http_route(s, "POST", "/__test__/assessments/expire-sweep", api_test_expire, &doc);
    }
}
