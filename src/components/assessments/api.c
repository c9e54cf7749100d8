/* Routes of /api/v1/assessments (api-contract S1-S14) as route-table
 * entries: parse functions fill the input structs, handlers call the
 * service and return err_t (S13 hands the S3 object to the report
 * renderer and answers its bytes).  The table does the prelude: recruiter
 * routes check the JWT before validating (a body that is not JSON at all
 * comes first), candidate routes validate path, header and body together
 * (in that order) and then apply the token rules of each endpoint in the
 * service.  No status is written here. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "components/assessments/internal.h"
#include "components/assessments_report/assessments_report.h"
#include "components/auth/auth.h"
#include "components/organizations/organizations.h"
#include "platform/api.h"
#include "platform/http.h"
#include "platform/json.h"
#include "platform/validate.h"

#define ASSESS_BASE "/api/v1/assessments"
#define ASSESS_NOT_FOUND "Assessment not found"

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
static assessments_conn_t api_conn(api_ctx_t *ctx)
{
    assessments_conn_t c = {api_conn_take, api_conn_give_back, ctx->req};
    return c;
}

static assessments_owner_t api_owner(const api_ctx_t *ctx)
{
    const auth_user_t *u = ctx->principal;
    assessments_owner_t o = {u->has_organization, u->organization_id};
    return o;
}

static int64_t api_id(const api_ctx_t *ctx)
{
    return api_path_int(ctx, "assessment_id");
}

/* A service's answer: out on success, else e with the service's detail
 * ("" when it gave none, as the answer always carried a string). */
static err_t api_done(api_out_t *out, err_t e, const char *detail, json_t *body)
{
    if (e != ERR_OK) {
        json_decref(body);
        return api_fail(out, e, detail ? detail : "");
    }
    return api_json(out, body);
}

/* ---- S1 POST /assessments/, S2 GET /assessments/ ---- */

static void api_parse_create(api_ctx_t *ctx, void *in)
{
    if (ctx->body)
        assessments_schema_create(&ctx->v, ctx->body, in);
}

static err_t api_create(api_ctx_t *ctx, const void *in, api_out_t *out)
{
    db_t *db;
    err_t e = api_db(ctx, out, &db);
    if (e != ERR_OK)
        return e;
    json_t *body = NULL;
    const char *detail = NULL;
    e = assessments_svc_create(db, ctx->arena, api_owner(ctx), in, &body, &detail);
    return api_done(out, e, detail, body);
}

static void api_parse_list(api_ctx_t *ctx, void *in)
{
    http_req_t *req = ctx->req;
    assessments_list_query_t q = {
        .status = http_query(req, "status"),
        .task_id = http_query(req, "task_id"),
        .candidate_id = http_query(req, "candidate_id"),
        .role_id = http_query(req, "role_id"),
        .application_id = http_query(req, "application_id"),
        .include_voided = http_query(req, "include_voided"),
        .limit = http_query(req, "limit"),
        .offset = http_query(req, "offset"),
    };
    assessments_schema_list(&ctx->v, &q, in);
}

static err_t api_list(api_ctx_t *ctx, const void *in, api_out_t *out)
{
    db_t *db;
    err_t e = api_db(ctx, out, &db);
    if (e != ERR_OK)
        return e;
    json_t *body = NULL;
    const char *detail = NULL;
    e = assessments_svc_list(db, ctx->arena, api_owner(ctx), in, &body, &detail);
    return api_done(out, e, detail, body);
}

/* ---- S3 GET, S10 DELETE /{id}, S11 /resend, S13 /report.pdf ---- */

static err_t api_get(api_ctx_t *ctx, const void *in, api_out_t *out)
{
    (void)in;
    db_t *db;
    err_t e = api_db(ctx, out, &db);
    if (e != ERR_OK)
        return e;
    assessments_row_t r;
    assessments_names_t n;
    const char *detail = NULL;
    e = assessments_svc_get_for_org(db, ctx->arena, api_owner(ctx), api_id(ctx), &r, &n, &detail);
    return api_done(out, e, detail, e == ERR_OK ? assessments_schema_model(&r, &n) : NULL);
}

/* The S3 object drawn by the report renderer, as an attachment. */
static err_t api_report(api_ctx_t *ctx, const void *in, api_out_t *out)
{
    (void)in;
    int64_t id = api_id(ctx);
    db_t *db;
    err_t e = api_db(ctx, out, &db);
    if (e != ERR_OK)
        return e;
    assessments_row_t r;
    assessments_names_t n;
    const char *detail = NULL;
    e = assessments_svc_get_for_org(db, ctx->arena, api_owner(ctx), id, &r, &n, &detail);
    if (e != ERR_OK)
        return api_done(out, e, detail, NULL);
    const char *org_name = NULL;
    organizations_org_t org;
    if (r.organization_id.set && organizations_get(db, ctx->arena, r.organization_id.v, &org) == ERR_OK)
        org_name = org.name;
    json_t *obj = assessments_schema_model(&r, &n);
    unsigned char *pdf = NULL;
    size_t len = 0;
    e = assessments_report_pdf(obj, n.candidate_name, n.candidate_email, org_name, &pdf, &len);
    json_decref(obj);
    if (e != ERR_OK)
        return api_fail(out, ERR_INTERNAL, "Failed to generate report");
    mem_defer(ctx->arena, free, pdf);
    char disp[96];
    snprintf(disp, sizeof disp, "attachment; filename=\"assessment-%lld.pdf\"", (long long)id);
    http_set_header(ctx->req, "Content-Disposition", disp);
    out->bytes = pdf;
    out->len = len;
    out->ctype = "application/pdf";
    return ERR_OK;
}

static err_t api_delete(api_ctx_t *ctx, const void *in, api_out_t *out)
{
    (void)in;
    db_t *db;
    err_t e = api_db(ctx, out, &db);
    if (e != ERR_OK)
        return e;
    const char *detail = NULL;
    e = assessments_svc_delete(db, ctx->arena, api_owner(ctx), api_id(ctx), &detail);
    return e == ERR_OK ? ERR_OK : api_done(out, e, detail, NULL);
}

static err_t api_resend(api_ctx_t *ctx, const void *in, api_out_t *out)
{
    (void)in;
    db_t *db;
    err_t e = api_db(ctx, out, &db);
    if (e != ERR_OK)
        return e;
    const char *detail = NULL;
    e = assessments_svc_resend(db, ctx->arena, api_owner(ctx), api_id(ctx), &detail);
    return api_done(out, e, detail, e == ERR_OK ? json_pack("{s:b}", "success", 1) : NULL);
}

/* ---- S14 POST /{id}/notes ---- */

typedef struct {
    const char *note;
} api_note_in_t;

static void api_parse_note(api_ctx_t *ctx, void *in_)
{
    api_note_in_t *in = in_;
    if (ctx->body)
        assessments_schema_note(&ctx->v, ctx->body, &in->note);
}

static err_t api_notes(api_ctx_t *ctx, const void *in_, api_out_t *out)
{
    const api_note_in_t *in = in_;
    /* Blank after trimming: 400 before the lookup, as the original. */
    const char *s = in->note ? in->note : "";
    while (*s && isspace((unsigned char)*s))
        s++;
    size_t n = strlen(s);
    while (n > 0 && isspace((unsigned char)s[n - 1]))
        n--;
    if (n == 0)
        return api_fail(out, ERR_BAD_REQUEST, "note is required");
    char *trimmed = mem_strndup(ctx->arena, s, n);
    db_t *db;
    err_t e = api_db(ctx, out, &db);
    if (e != ERR_OK)
        return e;
    json_t *timeline = NULL;
    const char *detail = NULL;
    e = assessments_svc_add_note(db, ctx->arena, api_owner(ctx), api_id(ctx), trimmed, &timeline, &detail);
    if (e != ERR_OK)
        return api_done(out, e, detail, NULL);
    json_t *o = json_object();
    json_object_set_new(o, "success", json_true());
    json_object_set_new(o, "timeline", timeline);
    return api_json(out, o);
}

/* ---- S4 POST /token/{token}/start ---- */

/* The session and proof headers of a candidate request and the bytes
 * they sign: the method, the target as sent, the raw body. */
static void api_cand_headers(api_ctx_t *ctx, assessments_cand_in_t *c)
{
    http_req_t *req = ctx->req;
    c->session_header = http_header(req, "X-Assessment-Session");
    c->headers.key_id = http_header(req, "X-Assessment-Key-Id");
    c->headers.timestamp = http_header(req, "X-Assessment-Proof-Timestamp");
    c->headers.nonce = http_header(req, "X-Assessment-Proof-Nonce");
    c->headers.signature = http_header(req, "X-Assessment-Proof");
    c->rq.method = req->method;
    c->rq.target = http_target(req);
    c->rq.body = req->body;
    c->rq.body_len = req->body_len;
}

/* February's start ignores any body; today's (D31) is chosen by the body's
 * session or proof fields or by a proof header, and then validated as
 * AssessmentStartRequest. */
static void api_parse_start(api_ctx_t *ctx, void *in_)
{
    assessments_cand_in_t *in = in_;
    http_req_t *req = ctx->req;
    api_cand_headers(ctx, in);
    json_t *body = NULL;
    if (req->body_len > 0) {
        json_parse_error_t perr;
        body = json_parse(req->body, req->body_len, JSON_MAX_DEPTH_DEFAULT, &perr);
        if (body)
            mem_defer(ctx->arena, (void (*)(void *))json_decref, body);
    }
    if (!assessments_cand_wants_v2(body, in->headers.signature))
        return;
    if (req->body_len > 0 && !body) {
        http_json_body(req, ctx->verr); /* the json_invalid 422 */
        in->v2 = true;
        return;
    }
    assessments_schema_start(&ctx->v, body, in);
}

static err_t api_start(api_ctx_t *ctx, const void *in, api_out_t *out)
{
    assessments_conn_t conn = api_conn(ctx);
    json_t *body = NULL;
    const char *detail = NULL;
    err_t e = assessments_svc_start(&conn, ctx->arena, ctx->token ? ctx->token : "", in, &body, &detail);
    return api_done(out, e, detail, body);
}

/* ---- S5 POST /{id}/upload-cv (form token), S6 POST /token/{token}/upload-cv ---- */

typedef struct {
    const http_file_t *file;
    const char *token; /* S5: the form field */
} api_cv_in_t;

/* The multipart "file" part: missing entirely is a 422; a plain field of
 * that name is a file without a filename (400 from the upload rules). */
static void api_parse_file(api_ctx_t *ctx, api_cv_in_t *in)
{
    in->file = http_file(ctx->req, "file");
    if (!in->file && !http_form(ctx->req, "file"))
        vld_add(&ctx->v, "missing", vld_loc("body", "file"), "Field required", NULL, NULL);
}

/* S5: the file, then the form's token (FastAPI's declaration order). */
static void api_parse_cv_by_id(api_ctx_t *ctx, void *in_)
{
    api_cv_in_t *in = in_;
    api_parse_file(ctx, in);
    static const vld_str_rule_t tok_rule = {.need = VLD_REQUIRED};
    vld_str_t tok = {0};
    if (vld_raw_str(&ctx->v, "body", "token", http_form(ctx->req, "token"), &tok_rule, &tok))
        in->token = ctx->token = tok.value;
}

static void api_parse_cv_by_token(api_ctx_t *ctx, void *in)
{
    api_parse_file(ctx, in);
}

/* The service gives the connection back while it stores and extracts. */
static err_t api_upload_cv(api_ctx_t *ctx, const assessments_cv_in_t *cv, api_out_t *out)
{
    assessments_conn_t conn = api_conn(ctx);
    json_t *body = NULL;
    const char *detail = NULL;
    err_t e = assessments_svc_upload_cv(&conn, ctx->arena, http_config(ctx->req), cv, &body, &detail);
    return api_done(out, e, detail, body);
}

static err_t api_upload_cv_by_id(api_ctx_t *ctx, const void *in_, api_out_t *out)
{
    const api_cv_in_t *in = in_;
    assessments_cv_in_t cv = {.by_token = false, .id = api_id(ctx), .token = in->token, .file = in->file};
    return api_upload_cv(ctx, &cv, out);
}

static err_t api_upload_cv_by_token(api_ctx_t *ctx, const void *in_, api_out_t *out)
{
    const api_cv_in_t *in = in_;
    assessments_cv_in_t cv = {.by_token = true, .token = ctx->token ? ctx->token : "", .file = in->file};
    return api_upload_cv(ctx, &cv, out);
}

/* ---- S7 /execute, S8 /claude, S9 /submit (X-Assessment-Token) ---- */

typedef struct {
    const char *code;
    int64_t tab_switch_count;
    assessments_cand_in_t cand;
} api_code_in_t;

typedef struct {
    assessments_chat_in_t chat;
    assessments_cand_in_t cand;
} api_chat_in_t;

static void api_parse_execute(api_ctx_t *ctx, void *in_)
{
    api_code_in_t *in = in_;
    api_cand_headers(ctx, &in->cand);
    if (ctx->body)
        assessments_schema_execute(&ctx->v, ctx->body, &in->code);
}

static err_t api_execute(api_ctx_t *ctx, const void *in_, api_out_t *out)
{
    const api_code_in_t *in = in_;
    assessments_conn_t conn = api_conn(ctx);
    json_t *body = NULL;
    const char *detail = NULL;
    err_t e = assessments_svc_execute(&conn, ctx->arena, api_id(ctx), ctx->token, &in->cand, in->code, &body, &detail);
    return api_done(out, e, detail, body);
}

static void api_parse_chat(api_ctx_t *ctx, void *in_)
{
    api_chat_in_t *in = in_;
    api_cand_headers(ctx, &in->cand);
    if (ctx->body)
        assessments_schema_chat(&ctx->v, ctx->body, &in->chat);
}

static err_t api_chat(api_ctx_t *ctx, const void *in_, api_out_t *out)
{
    const api_chat_in_t *in = in_;
    assessments_conn_t conn = api_conn(ctx);
    json_t *body = NULL;
    const char *detail = NULL;
    err_t e = assessments_svc_chat(&conn, ctx->arena, api_id(ctx), ctx->token, &in->cand, &in->chat, &body, &detail);
    return api_done(out, e, detail, body);
}

static void api_parse_submit(api_ctx_t *ctx, void *in_)
{
    api_code_in_t *in = in_;
    api_cand_headers(ctx, &in->cand);
    if (ctx->body)
        assessments_schema_submit(&ctx->v, ctx->body, &in->code, &in->tab_switch_count);
}

static err_t api_submit(api_ctx_t *ctx, const void *in_, api_out_t *out)
{
    const api_code_in_t *in = in_;
    assessments_conn_t conn = api_conn(ctx);
    json_t *body = NULL;
    const char *detail = NULL;
    err_t e = assessments_svc_submit(&conn, ctx->arena, api_id(ctx), ctx->token, &in->cand, in->code,
                                     in->tab_switch_count, &body, &detail);
    return api_done(out, e, detail, body);
}

/* ---- POST /__test__/assessments/expire-sweep (TALI_TEST_HOOKS only) ---- */

/* Runs one expiry sweep now and answers {"expired": n}. */
static err_t api_test_expire(api_ctx_t *ctx, const void *in, api_out_t *out)
{
    (void)in;
    db_t *db;
    err_t e = api_db(ctx, out, &db);
    if (e != ERR_OK)
        return e;
    int64_t n = 0;
    e = assessments_expire_sweep(db, db_now_us(), &n);
    if (e != ERR_OK)
        return api_fail(out, e, "Expiry sweep failed");
    return api_json(out, json_pack("{s:I}", "expired", (json_int_t)n));
}

#define ASSESS_ID ASSESS_BASE "/{assessment_id:int}"

/* ---- hiring loop §8.4: stats, clipboard accommodation ---- */

static err_t api_stats(api_ctx_t *ctx, const void *in, api_out_t *out)
{
    (void)in;
    db_t *db;
    err_t e = api_db(ctx, out, &db);
    if (e != ERR_OK)
        return e;
    json_t *body = NULL;
    const char *detail = NULL;
    e = assessments_svc_stats(db, api_owner(ctx), &body, &detail);
    return api_done(out, e, detail, body);
}

typedef struct {
    vld_bool_t allow;
} api_clipboard_in_t;

static void api_parse_clipboard(api_ctx_t *ctx, void *in_)
{
    api_clipboard_in_t *in = in_;
    if (vld_body_object(&ctx->v, ctx->body))
        vld_bool(&ctx->v, "body", ctx->body, "allow_external_clipboard", VLD_REQUIRED, &in->allow);
}

static err_t api_clipboard(api_ctx_t *ctx, const void *in_, api_out_t *out)
{
    const api_clipboard_in_t *in = in_;
    db_t *db;
    err_t e = api_db(ctx, out, &db);
    if (e != ERR_OK)
        return e;
    json_t *body = NULL;
    const char *detail = NULL;
    e = assessments_svc_clipboard(db, ctx->arena, api_owner(ctx), api_id(ctx), in->allow.value, &body, &detail);
    return api_done(out, e, detail, body);
}

static const api_route_t assess_routes[] = {
    {"GET", ASSESS_BASE "/stats", API_AUTH_RECRUITER, API_BODY_NONE, API_RL_NONE, NULL, 0, api_stats, 200,
     "Counts of the organisation's live assessments", "assessments"},
    {"PATCH", ASSESS_ID "/clipboard-accommodation", API_AUTH_RECRUITER, API_BODY_JSON, API_RL_NONE, api_parse_clipboard,
     sizeof(api_clipboard_in_t), api_clipboard, 200, "Allow or forbid pasting from outside the workspace",
     "assessments"},
    {"POST", ASSESS_BASE "/", API_AUTH_RECRUITER, API_BODY_JSON, API_RL_NONE, api_parse_create,
     sizeof(assessments_create_in_t), api_create, 201, "Create an assessment", "assessments"},
    {"GET", ASSESS_BASE "/", API_AUTH_RECRUITER, API_BODY_NONE, API_RL_NONE, api_parse_list,
     sizeof(assessments_list_in_t), api_list, 200, "List assessments", "assessments"},
    {"GET", ASSESS_ID, API_AUTH_RECRUITER, API_BODY_NONE, API_RL_NONE, NULL, 0, api_get, 200, "Get an assessment",
     "assessments"},
    {"POST", ASSESS_BASE "/token/{token}/start", API_AUTH_TOKEN_PATH, API_BODY_NONE, API_RL_CANDIDATE_TOKEN,
     api_parse_start, sizeof(assessments_cand_in_t), api_start, 200, "Start or resume an assessment", "assessments"},
    {"POST", ASSESS_ID "/upload-cv", API_AUTH_TOKEN_FORM, API_BODY_FORM, API_RL_ASSESSMENT, api_parse_cv_by_id,
     sizeof(api_cv_in_t), api_upload_cv_by_id, 200, "Upload the candidate's CV (form token)", "assessments"},
    {"POST", ASSESS_BASE "/token/{token}/upload-cv", API_AUTH_TOKEN_PATH, API_BODY_FORM, API_RL_CANDIDATE_TOKEN,
     api_parse_cv_by_token, sizeof(api_cv_in_t), api_upload_cv_by_token, 200, "Upload the candidate's CV (path token)",
     "assessments"},
    {"POST", ASSESS_ID "/execute", API_AUTH_TOKEN_HEADER, API_BODY_JSON, API_RL_ASSESSMENT, api_parse_execute,
     sizeof(api_code_in_t), api_execute, 200, "Run code in the sandbox", "assessments"},
    {"POST", ASSESS_ID "/claude", API_AUTH_TOKEN_HEADER, API_BODY_JSON, API_RL_ASSESSMENT, api_parse_chat,
     sizeof(api_chat_in_t), api_chat, 200, "Ask the AI assistant", "assessments"},
    {"POST", ASSESS_ID "/submit", API_AUTH_TOKEN_HEADER, API_BODY_JSON, API_RL_ASSESSMENT, api_parse_submit,
     sizeof(api_code_in_t), api_submit, 200, "Submit and score", "assessments"},
    {"DELETE", ASSESS_ID, API_AUTH_RECRUITER, API_BODY_NONE, API_RL_NONE, NULL, 0, api_delete, 204,
     "Delete an assessment", "assessments"},
    {"POST", ASSESS_ID "/resend", API_AUTH_RECRUITER, API_BODY_NONE, API_RL_NONE, NULL, 0, api_resend, 200,
     "Re-send the invitation", "assessments"},
    {"GET", ASSESS_ID "/report.pdf", API_AUTH_RECRUITER, API_BODY_NONE, API_RL_NONE, NULL, 0, api_report, 200,
     "Download the assessment report (PDF)", "assessments"},
    {"POST", ASSESS_ID "/notes", API_AUTH_RECRUITER, API_BODY_JSON, API_RL_NONE, api_parse_note, sizeof(api_note_in_t),
     api_notes, 200, "Add a recruiter note", "assessments"},
};

static const api_route_t assess_test_routes[] = {
    {"POST", "/__test__/assessments/expire-sweep", API_AUTH_NONE, API_BODY_NONE, API_RL_NONE, NULL, 0, api_test_expire,
     200, "Run the expiry sweep now (tests)", "test"},
};

void assessments_register(http_server_t *s)
{
    api_routes(s, assess_routes, sizeof assess_routes / sizeof assess_routes[0]);
    if (cfg->enable_test_hooks)
        api_routes(s, assess_test_routes, sizeof assess_test_routes / sizeof assess_test_routes[0]);
}
