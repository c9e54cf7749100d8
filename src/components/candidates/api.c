/* Routes of /api/v1/candidates (api-contract C1-C7) as route-table
 * entries: every route is a recruiter's (the table checks the JWT before
 * validating), and every service call is scoped to the caller's
 * organisation: another organisation's candidate is a 404 "Candidate not
 * found", exactly like a missing one. */
#include <string.h>

#include "components/auth/auth.h"
#include "components/candidates/internal.h"
#include "platform/api.h"
#include "platform/json.h"
#include "shared/documents.h"

#define CAND_NOT_FOUND "Candidate not found"
#define CAND_BASE "/api/v1/candidates"

static candidates_scope_t cand_api_scope(const api_ctx_t *ctx)
{
    const auth_user_t *u = ctx->principal;
    return (candidates_scope_t){u->has_organization, u->organization_id};
}

/* A service error as the endpoint answers it: a missing (or another
 * organisation's) candidate is the 404, the rest the endpoint's 500. */
static err_t cand_api_fail(api_out_t *out, err_t e, const char *fail)
{
    if (e == ERR_NOT_FOUND)
        return api_fail(out, ERR_NOT_FOUND, CAND_NOT_FOUND);
    return api_fail_db(out, e, fail);
}

/* One candidate as the answer. */
static err_t cand_api_one(api_ctx_t *ctx, api_out_t *out, const candidates_candidate_t *c, bool model_path)
{
    jsonw_t w;
    jsonw_init(&w);
    candidates_write(&w, ctx->arena, c, model_path);
    return api_jsonw(ctx, out, &w);
}

/* ---- C1 GET /candidates/ ---- */

typedef struct {
    long long limit, offset;
    const char *q;
} cand_list_in_t;

static void cand_parse_list(api_ctx_t *ctx, void *in_)
{
    cand_list_in_t *in = in_;
    in->limit = 50;
    vld_page(&ctx->v, http_query(ctx->req, "limit"), http_query(ctx->req, "offset"), &in->limit, &in->offset);
    vld_str_t q = {0};
    if (vld_raw_str(&ctx->v, "query", "q", http_query(ctx->req, "q"), &candidates_search_rule, &q))
        in->q = q.value;
}

static err_t cand_api_list(api_ctx_t *ctx, const void *in_, api_out_t *out)
{
    const cand_list_in_t *in = in_;
    db_t *db;
    err_t e = api_db(ctx, out, &db);
    if (e != ERR_OK)
        return e;
    candidates_candidate_t *items = NULL;
    size_t n = 0;
    int64_t total = 0;
    e = cand_svc_list(db, ctx->arena, cand_api_scope(ctx), in->q, in->limit, in->offset, &items, &n, &total);
    if (e != ERR_OK)
        return api_fail_db(out, e, "Failed to list candidates");
    jsonw_t w;
    jsonw_init(&w);
    jsonw_obj(&w);
    jsonw_key(&w, "items");
    jsonw_arr(&w);
    for (size_t i = 0; i < n; i++)
        candidates_write(&w, ctx->arena, &items[i], false);
    jsonw_arr_end(&w);
    jsonw_key(&w, "total");
    jsonw_int(&w, total);
    jsonw_key(&w, "limit");
    jsonw_int(&w, in->limit);
    jsonw_key(&w, "offset");
    jsonw_int(&w, in->offset);
    jsonw_obj_end(&w);
    return api_jsonw(ctx, out, &w);
}

/* ---- C2 POST /candidates/, C4 PATCH /candidates/{id} ---- */

typedef struct {
    vld_str_t email, full_name, position;
    vld_str_t work_email, company_name, company_size, lead_source;
    vld_bool_t marketing_consent;
} cand_fields_in_t;

static const vld_str_rule_t cand_text_rule = {VLD_OPTIONAL, 0, 200, NULL};
static const vld_str_rule_t cand_short_rule = {VLD_OPTIONAL, 0, 100, NULL};

/* Today's lead fields (v2 spec §2.12), the same on C2 and C4. */
static void cand_parse_lead(api_ctx_t *ctx, cand_fields_in_t *in)
{
    vld_email(&ctx->v, "body", ctx->body, "work_email", VLD_OPTIONAL, &in->work_email);
    vld_str(&ctx->v, "body", ctx->body, "company_name", &cand_text_rule, &in->company_name);
    vld_str(&ctx->v, "body", ctx->body, "company_size", &cand_short_rule, &in->company_size);
    vld_str(&ctx->v, "body", ctx->body, "lead_source", &cand_short_rule, &in->lead_source);
    vld_bool(&ctx->v, "body", ctx->body, "marketing_consent", VLD_OPTIONAL, &in->marketing_consent);
}

static void cand_parse_create(api_ctx_t *ctx, void *in_)
{
    cand_fields_in_t *in = in_;
    if (!vld_body_object(&ctx->v, ctx->body))
        return;
    vld_email(&ctx->v, "body", ctx->body, "email", VLD_REQUIRED, &in->email);
    vld_str(&ctx->v, "body", ctx->body, "full_name", &cand_text_rule, &in->full_name);
    vld_str(&ctx->v, "body", ctx->body, "position", &cand_text_rule, &in->position);
    cand_parse_lead(ctx, in);
}

static void cand_parse_patch(api_ctx_t *ctx, void *in_)
{
    cand_fields_in_t *in = in_;
    if (!vld_body_object(&ctx->v, ctx->body))
        return;
    vld_str(&ctx->v, "body", ctx->body, "full_name", &cand_text_rule, &in->full_name);
    vld_str(&ctx->v, "body", ctx->body, "position", &cand_text_rule, &in->position);
    cand_parse_lead(ctx, in);
}

/* A validated optional text field as the services take it: NULL when
 * absent or null. */
static const char *cand_text(mem_arena_t *a, const vld_str_t *f)
{
    return f->presence == VLD_SET ? mem_strndup(a, f->value, f->len) : NULL;
}

/* The lead fields of a body.  create: every field is written (absent is
 * null; marketing_consent absent or null is true, as the original stored
 * it); otherwise only the fields the body names, a null consent again
 * stored as true (the column is NOT NULL). */
static cand_lead_t cand_lead(mem_arena_t *a, const cand_fields_in_t *in, bool create)
{
    cand_lead_t l = {
        .set_work_email = create || in->work_email.presence != VLD_ABSENT,
        .set_company_name = create || in->company_name.presence != VLD_ABSENT,
        .set_company_size = create || in->company_size.presence != VLD_ABSENT,
        .set_lead_source = create || in->lead_source.presence != VLD_ABSENT,
        .set_marketing_consent = create || in->marketing_consent.presence != VLD_ABSENT,
        .work_email = cand_text(a, &in->work_email),
        .company_name = cand_text(a, &in->company_name),
        .company_size = cand_text(a, &in->company_size),
        .lead_source = cand_text(a, &in->lead_source),
        .marketing_consent = in->marketing_consent.presence != VLD_SET || in->marketing_consent.value,
    };
    return l;
}

static err_t cand_api_create(api_ctx_t *ctx, const void *in_, api_out_t *out)
{
    const cand_fields_in_t *in = in_;
    db_t *db;
    err_t e = api_db(ctx, out, &db);
    if (e != ERR_OK)
        return e;
    candidates_candidate_t c;
    cand_lead_t lead = cand_lead(ctx->arena, in, true);
    e = cand_svc_create(db, ctx->arena, cand_api_scope(ctx), in->email.value, cand_text(ctx->arena, &in->full_name),
                        cand_text(ctx->arena, &in->position), &lead, &c);
    if (e == ERR_CONFLICT)
        return api_fail(out, ERR_BAD_REQUEST, "Candidate email already exists");
    if (e != ERR_OK)
        return api_fail_db(out, e, "Failed to create candidate");
    return cand_api_one(ctx, out, &c, true);
}

static err_t cand_api_patch(api_ctx_t *ctx, const void *in_, api_out_t *out)
{
    const cand_fields_in_t *in = in_;
    db_t *db;
    err_t e = api_db(ctx, out, &db);
    if (e != ERR_OK)
        return e;
    candidates_candidate_t c;
    cand_lead_t lead = cand_lead(ctx->arena, in, false);
    e = cand_svc_update(db, ctx->arena, cand_api_scope(ctx), api_path_int(ctx, "candidate_id"),
                        in->full_name.presence != VLD_ABSENT, cand_text(ctx->arena, &in->full_name),
                        in->position.presence != VLD_ABSENT, cand_text(ctx->arena, &in->position), &lead, &c);
    if (e != ERR_OK)
        return cand_api_fail(out, e, "Failed to update candidate");
    return cand_api_one(ctx, out, &c, false);
}

/* ---- C3 GET, C5 DELETE /candidates/{id} ---- */

static err_t cand_api_get(api_ctx_t *ctx, const void *in, api_out_t *out)
{
    db_t *db;
    err_t e = api_db(ctx, out, &db);
    if (e != ERR_OK)
        return e;
    candidates_candidate_t c;
    e = candidates_get(db, ctx->arena, cand_api_scope(ctx), api_path_int(ctx, "candidate_id"), &c);
    if (e != ERR_OK)
        return cand_api_fail(out, e, "Failed to load candidate");
    return cand_api_one(ctx, out, &c, false);
}

static err_t cand_api_delete(api_ctx_t *ctx, const void *in, api_out_t *out)
{
    db_t *db;
    err_t e = api_db(ctx, out, &db);
    if (e != ERR_OK)
        return e;
    e = candidates_delete(db, ctx->arena, cand_api_scope(ctx), api_path_int(ctx, "candidate_id"));
    return e == ERR_OK ? ERR_OK : cand_api_fail(out, e, "Failed to delete candidate");
}

/* ---- C6, C7 POST /candidates/{id}/upload-cv, /upload-job-spec ---- */

typedef struct {
    const http_file_t *file;
} cand_upload_in_t;

static void cand_parse_upload(api_ctx_t *ctx, void *in_)
{
    cand_upload_in_t *in = in_;
    in->file = http_file(ctx->req, "file");
    /* a "file" part without a filename arrives as a plain field: that is
     * the contract's "absent filename" (400), not a missing field */
    if (!in->file && !http_form(ctx->req, "file"))
        vld_missing(&ctx->v, "body", "file", NULL);
}

static json_t *cand_upload_json(mem_arena_t *a, int64_t id, const candidates_upload_t *up)
{
    char buf[40];
    return json_pack("{s:b,s:I,s:s,s:s,s:s,s:s}", "success", 1, "candidate_id", (json_int_t)id, "doc_type",
                     up->doc_type, "filename", up->filename, "text_preview", documents_preview(a, up->text),
                     "uploaded_at", db_format_time(up->uploaded_at, "Z", buf));
}

static err_t cand_api_upload(api_ctx_t *ctx, const cand_upload_in_t *in, candidates_upload_kind_t kind, api_out_t *out)
{
    const char *fail = kind == CANDIDATES_UPLOAD_CV ? "Failed to store CV" : "Failed to store job specification";
    int64_t id = api_path_int(ctx, "candidate_id");
    db_t *db;
    err_t e = api_db(ctx, out, &db);
    if (e != ERR_OK)
        return e;
    candidates_candidate_t c;
    e = candidates_get(db, ctx->arena, cand_api_scope(ctx), id, &c);
    if (e != ERR_OK)
        return cand_api_fail(out, e, fail);
    candidates_upload_t up;
    const char *detail = NULL;
    db_lease_t lease = http_db_lease(ctx->req);
    e = candidates_process_upload(ctx->arena, http_config(ctx->req), kind, id, in->file, &lease, &up, &detail);
    if ((e == ERR_BAD_REQUEST || e == ERR_UNAVAILABLE) && detail)
        return api_fail(out, e, detail);
    if (e == ERR_OK && (e = api_db(ctx, out, &db)) != ERR_OK)
        return e;
    if (e == ERR_OK)
        e = cand_svc_store_document(db, id, kind, &up);
    if (e != ERR_OK)
        return cand_api_fail(out, e, fail);
    return api_json(out, cand_upload_json(ctx->arena, id, &up));
}

static err_t cand_api_upload_cv(api_ctx_t *ctx, const void *in, api_out_t *out)
{
    return cand_api_upload(ctx, in, CANDIDATES_UPLOAD_CV, out);
}

static err_t cand_api_upload_job_spec(api_ctx_t *ctx, const void *in, api_out_t *out)
{
    return cand_api_upload(ctx, in, CANDIDATES_UPLOAD_JOB_SPEC, out);
}

static const api_route_t cand_routes[] = {
    {"GET", CAND_BASE "/", API_AUTH_RECRUITER, API_BODY_NONE, API_RL_NONE, cand_parse_list, sizeof(cand_list_in_t),
     cand_api_list, 200, "List candidates", "candidates"},
    {"POST", CAND_BASE "/", API_AUTH_RECRUITER, API_BODY_JSON, API_RL_NONE, cand_parse_create, sizeof(cand_fields_in_t),
     cand_api_create, 201, "Create a candidate", "candidates"},
    {"GET", CAND_BASE "/{candidate_id:int}", API_AUTH_RECRUITER, API_BODY_NONE, API_RL_NONE, NULL, 0, cand_api_get, 200,
     "Get a candidate", "candidates"},
    {"PATCH", CAND_BASE "/{candidate_id:int}", API_AUTH_RECRUITER, API_BODY_JSON, API_RL_NONE, cand_parse_patch,
     sizeof(cand_fields_in_t), cand_api_patch, 200, "Update a candidate", "candidates"},
    {"DELETE", CAND_BASE "/{candidate_id:int}", API_AUTH_RECRUITER, API_BODY_NONE, API_RL_NONE, NULL, 0,
     cand_api_delete, 204, "Delete a candidate", "candidates"},
    {"POST", CAND_BASE "/{candidate_id:int}/upload-cv", API_AUTH_RECRUITER, API_BODY_FORM, API_RL_NONE,
     cand_parse_upload, sizeof(cand_upload_in_t), cand_api_upload_cv, 200, "Upload a candidate's CV", "candidates"},
    {"POST", CAND_BASE "/{candidate_id:int}/upload-job-spec", API_AUTH_RECRUITER, API_BODY_FORM, API_RL_NONE,
     cand_parse_upload, sizeof(cand_upload_in_t), cand_api_upload_job_spec, 200,
     "Upload a candidate's job specification", "candidates"},
};

void candidates_register(http_server_t *s)
{
    api_routes(s, cand_routes, sizeof cand_routes / sizeof cand_routes[0]);
}
