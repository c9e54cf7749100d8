/* Routes of /api/v1/candidates (api-contract C1-C7).  Every route starts
 * with the recruiter-JWT check (401 beats 422), then validation, then the
 * organisation scope: another organisation's candidate is a 404
 * "Candidate not found", exactly like a missing one. */
#include <string.h>

#include "components/auth/auth.h"
#include "components/candidates/internal.h"
#include "platform/json.h"
#include "platform/validate.h"
#include "shared/documents.h"

#define CAND_NOT_FOUND "Candidate not found"

/* Replies 422 when hv holds problems.  Returns true when it replied. */
static bool cand_api_invalid(http_req_t *req, http_verr_t *hv)
{
    if (!http_verr_any(hv))
        return false;
    http_reply_verr(req, hv);
    return true;
}

static candidates_scope_t cand_api_scope(const auth_user_t *u)
{
    return (candidates_scope_t){u->has_organization, u->organization_id};
}

/* The path parameter candidate_id into v. */
static bool cand_api_path_id(http_req_t *req, vld_t *v, int64_t *id)
{
    static const vld_int_rule_t rule = {.need = VLD_REQUIRED};
    vld_int_t out = {0};
    if (!vld_raw_int(v, "path", "candidate_id", http_path_param(req, "candidate_id"), &rule, &out))
        return false;
    *id = out.value;
    return true;
}

static db_t *cand_api_db(http_req_t *req)
{
    db_t *db = http_db(req);
    if (!db)
        http_reply_err(req, ERR_UNAVAILABLE, "Database unavailable");
    return db;
}

/* A database failure as the endpoint's JSON 500 (503 when the database
 * cannot be reached). */
static void cand_api_fail(http_req_t *req, err_t e, const char *detail)
{
    if (e == ERR_UNAVAILABLE)
        http_reply_err(req, ERR_UNAVAILABLE, "Database unavailable");
    else
        http_reply_detail(req, 500, detail);
}

/* ---- C1 ---- */

static void cand_api_list(http_req_t *req)
{
    const auth_user_t *u = auth_require_user(req);
    if (!u)
        return;
    vld_t v;
    vld_init(&v, req->arena);
    long long limit = 50, offset = 0;
    vld_page(&v, http_query(req, "limit"), http_query(req, "offset"), &limit, &offset);
    http_verr_t *hv = http_verr_new(req);
    vld_move_to(&v, hv);
    vld_free(&v);
    if (cand_api_invalid(req, hv))
        return;
    db_t *db = cand_api_db(req);
    if (!db)
        return;
    candidates_candidate_t *items = NULL;
    size_t n = 0;
    int64_t total = 0;
    err_t e = cand_svc_list(db, req->arena, cand_api_scope(u), http_query(req, "q"), limit, offset, &items, &n,
                            &total);
    if (e != ERR_OK) {
        cand_api_fail(req, e, "Failed to list candidates");
        return;
    }
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(arr, candidates_json(req->arena, &items[i], false));
    json_t *out = json_object();
    json_object_set_new(out, "items", arr);
    json_object_set_new(out, "total", json_integer((json_int_t)total));
    json_object_set_new(out, "limit", json_integer((json_int_t)limit));
    json_object_set_new(out, "offset", json_integer((json_int_t)offset));
    http_reply_json(req, 200, out);
}

/* ---- C2 ---- */

static void cand_api_create(http_req_t *req)
{
    static const vld_str_rule_t text_rule = {VLD_OPTIONAL, 0, 200, NULL};
    http_verr_t *hv = http_verr_new(req);
    json_t *body = NULL;
    const auth_user_t *u = auth_require_user_json(req, hv, &body);
    if (!u)
        return;
    vld_t v;
    vld_init(&v, req->arena);
    vld_str_t email = {0}, full_name = {0}, position = {0};
    if (vld_body_object(&v, body)) {
        vld_email(&v, "body", body, "email", VLD_REQUIRED, &email);
        vld_str(&v, "body", body, "full_name", &text_rule, &full_name);
        vld_str(&v, "body", body, "position", &text_rule, &position);
    }
    vld_move_to(&v, hv);
    vld_free(&v);
    if (cand_api_invalid(req, hv))
        return;
    db_t *db = cand_api_db(req);
    if (!db)
        return;
    candidates_candidate_t c;
    err_t e = cand_svc_create(db, req->arena, cand_api_scope(u), email.value,
                              full_name.presence == VLD_SET ? mem_strndup(req->arena, full_name.value, full_name.len)
                                                            : NULL,
                              position.presence == VLD_SET ? mem_strndup(req->arena, position.value, position.len)
                                                           : NULL,
                              &c);
    if (e == ERR_CONFLICT) {
        http_reply_detail(req, 400, "Candidate email already exists");
        return;
    }
    if (e != ERR_OK) {
        cand_api_fail(req, e, "Failed to create candidate");
        return;
    }
    http_reply_json(req, 201, candidates_json(req->arena, &c, true));
}

/* ---- C3 ---- */

static void cand_api_get(http_req_t *req)
{
    const auth_user_t *u = auth_require_user(req);
    if (!u)
        return;
    vld_t v;
    vld_init(&v, req->arena);
    int64_t id = 0;
    cand_api_path_id(req, &v, &id);
    http_verr_t *hv = http_verr_new(req);
    vld_move_to(&v, hv);
    vld_free(&v);
    if (cand_api_invalid(req, hv))
        return;
    db_t *db = cand_api_db(req);
    if (!db)
        return;
    candidates_candidate_t c;
    err_t e = candidates_get(db, req->arena, cand_api_scope(u), id, &c);
    if (e == ERR_NOT_FOUND) {
        http_reply_detail(req, 404, CAND_NOT_FOUND);
        return;
    }
    if (e != ERR_OK) {
        cand_api_fail(req, e, "Failed to load candidate");
        return;
    }
    http_reply_json(req, 200, candidates_json(req->arena, &c, false));
}

/* ---- C4 ---- */

static void cand_api_patch(http_req_t *req)
{
    static const vld_str_rule_t text_rule = {VLD_OPTIONAL, 0, 200, NULL};
    /* the JSON-syntax check and authentication; body problems are
     * reported again below, after the path's (FastAPI's order) */
    http_verr_t *scratch = http_verr_new(req);
    json_t *body = NULL;
    const auth_user_t *u = auth_require_user_json(req, scratch, &body);
    if (!u)
        return;
    vld_t v;
    vld_init(&v, req->arena);
    int64_t id = 0;
    cand_api_path_id(req, &v, &id);
    http_verr_t *hv = http_verr_new(req);
    vld_move_to(&v, hv);
    body = http_json_body(req, hv);
    vld_str_t full_name = {0}, position = {0};
    if (vld_body_object(&v, body)) {
        vld_str(&v, "body", body, "full_name", &text_rule, &full_name);
        vld_str(&v, "body", body, "position", &text_rule, &position);
    }
    vld_move_to(&v, hv);
    vld_free(&v);
    if (cand_api_invalid(req, hv))
        return;
    db_t *db = cand_api_db(req);
    if (!db)
        return;
    candidates_candidate_t c;
    err_t e = cand_svc_update(
        db, req->arena, cand_api_scope(u), id, full_name.presence != VLD_ABSENT,
        full_name.presence == VLD_SET ? mem_strndup(req->arena, full_name.value, full_name.len) : NULL,
        position.presence != VLD_ABSENT,
        position.presence == VLD_SET ? mem_strndup(req->arena, position.value, position.len) : NULL, &c);
    if (e == ERR_NOT_FOUND) {
        http_reply_detail(req, 404, CAND_NOT_FOUND);
        return;
    }
    if (e != ERR_OK) {
        cand_api_fail(req, e, "Failed to update candidate");
        return;
    }
    http_reply_json(req, 200, candidates_json(req->arena, &c, false));
}

/* ---- C5 ---- */

static void cand_api_delete(http_req_t *req)
{
    const auth_user_t *u = auth_require_user(req);
    if (!u)
        return;
    vld_t v;
    vld_init(&v, req->arena);
    int64_t id = 0;
    cand_api_path_id(req, &v, &id);
    http_verr_t *hv = http_verr_new(req);
    vld_move_to(&v, hv);
    vld_free(&v);
    if (cand_api_invalid(req, hv))
        return;
    db_t *db = cand_api_db(req);
    if (!db)
        return;
    err_t e = candidates_delete(db, req->arena, cand_api_scope(u), id);
    if (e == ERR_NOT_FOUND) {
        http_reply_detail(req, 404, CAND_NOT_FOUND);
        return;
    }
    if (e != ERR_OK) {
        cand_api_fail(req, e, "Failed to delete candidate");
        return;
    }
    http_reply_empty(req, 204);
}

/* ---- C6, C7 ---- */

static void cand_api_upload(http_req_t *req, candidates_upload_kind_t kind)
{
    const auth_user_t *u = auth_require_user(req);
    if (!u)
        return;
    vld_t v;
    vld_init(&v, req->arena);
    int64_t id = 0;
    cand_api_path_id(req, &v, &id);
    const http_file_t *file = http_file(req, "file");
    /* a "file" part without a filename arrives as a plain field: that is
     * the contract's "absent filename" (400), not a missing field */
    bool plain_field = !file && http_form(req, "file") != NULL;
    if (!file && !plain_field)
        vld_missing(&v, "body", "file", NULL);
    http_verr_t *hv = http_verr_new(req);
    vld_move_to(&v, hv);
    vld_free(&v);
    if (cand_api_invalid(req, hv))
        return;
    db_t *db = cand_api_db(req);
    if (!db)
        return;
    const char *fail = kind == CANDIDATES_UPLOAD_CV ? "Failed to store CV" : "Failed to store job specification";
    candidates_scope_t scope = cand_api_scope(u);
    candidates_candidate_t c;
    err_t e = candidates_get(db, req->arena, scope, id, &c);
    if (e == ERR_NOT_FOUND) {
        http_reply_detail(req, 404, CAND_NOT_FOUND);
        return;
    }
    if (e != ERR_OK) {
        cand_api_fail(req, e, fail);
        return;
    }
    candidates_upload_t up;
    const char *detail = NULL;
    e = candidates_process_upload(req->arena, http_config(req), kind, id, file, &up, &detail);
    if (e == ERR_BAD_REQUEST) {
        http_reply_detail(req, 400, detail);
        return;
    }
    if (e == ERR_OK)
        e = cand_svc_store_document(db, id, kind, &up);
    if (e == ERR_NOT_FOUND) {
        http_reply_detail(req, 404, CAND_NOT_FOUND);
        return;
    }
    if (e != ERR_OK) {
        cand_api_fail(req, e, fail);
        return;
    }
    char buf[40];
    json_t *out = json_object();
    json_object_set_new(out, "success", json_true());
    json_object_set_new(out, "candidate_id", json_integer((json_int_t)id));
    json_object_set_new(out, "doc_type", json_string(up.doc_type));
    json_object_set_new(out, "filename", json_string(up.filename));
    json_object_set_new(out, "text_preview", json_string(documents_preview(req->arena, up.text)));
    json_object_set_new(out, "uploaded_at", json_string(db_format_time(up.uploaded_at, "Z", buf)));
    http_reply_json(req, 200, out);
}

static void cand_api_upload_cv(http_req_t *req)
{
    cand_api_upload(req, CANDIDATES_UPLOAD_CV);
}

static void cand_api_upload_job_spec(http_req_t *req)
{
    cand_api_upload(req, CANDIDATES_UPLOAD_JOB_SPEC);
}

void candidates_register(http_server_t *s)
{
    static const http_route_doc_t list = {"List candidates", "candidates", "bearer", 200};
    static const http_route_doc_t create = {"Create a candidate", "candidates", "bearer", 201};
    static const http_route_doc_t get = {"Get a candidate", "candidates", "bearer", 200};
    static const http_route_doc_t patch = {"Update a candidate", "candidates", "bearer", 200};
    static const http_route_doc_t del = {"Delete a candidate", "candidates", "bearer", 204};
    static const http_route_doc_t cv = {"Upload a candidate's CV", "candidates", "bearer", 200};
    static const http_route_doc_t spec = {"Upload a candidate's job specification", "candidates", "bearer", 200};
    http_route(s, "GET", "/api/v1/candidates/", cand_api_list, &list);
    http_route(s, "POST", "/api/v1/candidates/", cand_api_create, &create);
    http_route(s, "GET", "/api/v1/candidates/{candidate_id}", cand_api_get, &get);
    http_route(s, "PATCH", "/api/v1/candidates/{candidate_id}", cand_api_patch, &patch);
    http_route(s, "DELETE", "/api/v1/candidates/{candidate_id}", cand_api_delete, &del);
    http_route(s, "POST", "/api/v1/candidates/{candidate_id}/upload-cv", cand_api_upload_cv, &cv);
    http_route(s, "POST", "/api/v1/candidates/{candidate_id}/upload-job-spec", cand_api_upload_job_spec, &spec);
}
