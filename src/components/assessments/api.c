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
    assessments_conn_t conn = api_conn(req);
    assessments_cv_in_t in = {.by_token = false, .id = id, .token = tok.value, .file = file};
    json_t *out = NULL;
    const char *detail = NULL;
    err_t e = assessments_svc_upload_cv(&conn, req->arena, http_config(req), &in, &out, &detail);
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
    assessments_conn_t conn = api_conn(req);
    const char *token = http_path_param(req, "token");
    assessments_cv_in_t in = {.by_token = true, .token = token ? token : "", .file = file};
    json_t *out = NULL;
    const char *detail = NULL;
    err_t e = assessments_svc_upload_cv(&conn, req->arena, http_config(req), &in, &out, &detail);
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
    if (cfg->enable_test_hooks) {
        static const http_route_doc_t doc = {"Run the expiry sweep now (tests)", "test", NULL, 200};
        http_route(s, "POST", "/__test__/assessments/expire-sweep", api_test_expire, &doc);
    }
}
