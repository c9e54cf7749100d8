/* Routes of /api/v1/tasks (api-contract T1-T6): request -> validation ->
 * service -> response.  Order of checks as in the original: a body that
 * is not JSON, then the JWT ladder, then path and body validation
 * together (path first), then the service. */
#include "components/auth/auth.h"
#include "components/tasks/internal.h"
#include "components/tasks/tasks.h"
#include "platform/http.h"
#include "platform/validate.h"

static tasks_owner_t tasks_api_owner(const auth_user_t *u)
{
    tasks_owner_t o = {u->has_organization, u->organization_id};
    return o;
}

static db_t *tasks_api_db(http_req_t *req)
{
    db_t *db = http_db(req);
    if (!db)
        http_reply_err(req, ERR_UNAVAILABLE, "Database unavailable");
    return db;
}

/* Authenticates a JSON-body request and validates the path's task_id (when
 * with_id) and the body: *body is the parsed body (NULL when it has a
 * problem, which is then in hv).  Returns the user, or NULL after
 * replying (401/404/400 or 422). */
static const auth_user_t *tasks_api_begin(http_req_t *req, bool with_id, int64_t *id, bool with_body,
                                          json_t **body, http_verr_t **hv_out, vld_t *v)
{
    const auth_user_t *u;
    if (with_body) {
        http_verr_t *probe = http_verr_new(req);
        u = auth_require_user_json(req, probe, body);
    } else {
        u = auth_require_user(req);
    }
    if (!u)
        return NULL;
    http_verr_t *hv = http_verr_new(req);
    vld_init(v, req->arena);
    if (with_id)
        tasks_schema_task_id(v, http_path_param(req, "task_id"), id);
    vld_move_to(v, hv);
    if (with_body)
        *body = http_json_body(req, hv);
    *hv_out = hv;
    return u;
}

/* Moves v into hv and replies 422 if anything is wrong.  Frees v.
 * Returns true when it replied. */
static bool tasks_api_invalid(http_req_t *req, http_verr_t *hv, vld_t *v)
{
    vld_move_to(v, hv);
    vld_free(v);
    if (!http_verr_any(hv))
        return false;
    http_reply_verr(req, hv);
    return true;
}

/* T1 POST /api/v1/tasks/generate (and /generate/) */
static void tasks_api_generate(http_req_t *req)
{
    json_t *body = NULL;
    http_verr_t *hv = NULL;
    vld_t v;
    const auth_user_t *u = tasks_api_begin(req, false, NULL, true, &body, &hv, &v);
    if (!u)
        return;
    tasks_generate_in_t in;
    tasks_schema_generate(&v, body, &in);
    if (tasks_api_invalid(req, hv, &v))
        return;
    json_t *out = NULL;
    const char *detail = NULL;
    err_t e = tasks_svc_generate(req->arena, &in, &out, &detail);
    if (e != ERR_OK) {
        http_reply_err(req, e, detail);
        return;
    }
    http_reply_json(req, 200, out);
}

/* T2 POST /api/v1/tasks/ */
static void tasks_api_create(http_req_t *req)
{
    json_t *body = NULL;
    http_verr_t *hv = NULL;
    vld_t v;
    const auth_user_t *u = tasks_api_begin(req, false, NULL, true, &body, &hv, &v);
    if (!u)
        return;
    tasks_new_t in;
    tasks_schema_new(&v, req->arena, body, &in);
    if (tasks_api_invalid(req, hv, &v))
        return;
    db_t *db = tasks_api_db(req);
    if (!db)
        return;
    task_t t;
    const char *detail = NULL;
    err_t e = tasks_svc_create(db, req->arena, tasks_api_owner(u), &in, &t, &detail);
    if (e != ERR_OK) {
        http_reply_err(req, e, detail);
        return;
    }
    http_reply_json(req, 201, tasks_json(&t));
}

/* T3 GET /api/v1/tasks/ */
static void tasks_api_list(http_req_t *req)
{
    const auth_user_t *u = auth_require_user(req);
    if (!u)
        return;
    db_t *db = tasks_api_db(req);
    if (!db)
        return;
    task_t *list = NULL;
    size_t n = 0;
    const char *detail = NULL;
    err_t e = tasks_svc_list(db, req->arena, tasks_api_owner(u), &list, &n, &detail);
    if (e != ERR_OK) {
        http_reply_err(req, e, detail);
        return;
    }
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(arr, tasks_json(&list[i]));
    http_reply_json(req, 200, arr);
}

/* T4 GET /api/v1/tasks/{task_id} */
static void tasks_api_get(http_req_t *req)
{
    http_verr_t *hv = NULL;
    vld_t v;
    int64_t id = 0;
    const auth_user_t *u = tasks_api_begin(req, true, &id, false, NULL, &hv, &v);
    if (!u || tasks_api_invalid(req, hv, &v))
        return;
    db_t *db = tasks_api_db(req);
    if (!db)
        return;
    task_t t;
    const char *detail = NULL;
    err_t e = tasks_svc_get(db, req->arena, tasks_api_owner(u), id, &t, &detail);
    if (e != ERR_OK) {
        http_reply_err(req, e, detail);
        return;
    }
    http_reply_json(req, 200, tasks_json(&t));
}

/* T5 PATCH /api/v1/tasks/{task_id} */
static void tasks_api_update(http_req_t *req)
{
    json_t *body = NULL;
    http_verr_t *hv = NULL;
    vld_t v;
    int64_t id = 0;
    const auth_user_t *u = tasks_api_begin(req, true, &id, true, &body, &hv, &v);
    if (!u)
        return;
    tasks_patch_t patch;
    if (body)
        tasks_schema_patch(&v, req->arena, body, &patch);
    if (tasks_api_invalid(req, hv, &v))
        return;
    db_t *db = tasks_api_db(req);
    if (!db)
        return;
    task_t t;
    const char *detail = NULL;
    err_t e = tasks_svc_update(db, req->arena, tasks_api_owner(u), id, &patch, &t, &detail);
    if (e != ERR_OK) {
        http_reply_err(req, e, detail);
        return;
    }
    http_reply_json(req, 200, tasks_json(&t));
}

/* T6 DELETE /api/v1/tasks/{task_id} */
static void tasks_api_delete(http_req_t *req)
{
    http_verr_t *hv = NULL;
    vld_t v;
    int64_t id = 0;
    const auth_user_t *u = tasks_api_begin(req, true, &id, false, NULL, &hv, &v);
    if (!u || tasks_api_invalid(req, hv, &v))
        return;
    db_t *db = tasks_api_db(req);
    if (!db)
        return;
    const char *detail = NULL;
    err_t e = tasks_svc_delete(db, tasks_api_owner(u), id, &detail);
    if (e != ERR_OK) {
        http_reply_err(req, e, detail);
        return;
    }
    /* The original's 204 here carried content-type application/json. */
    http_reply_bytes(req, 204, "application/json", "", 0);
}

void tasks_register(http_server_t *s)
{
    static const http_route_doc_t gen = {"Generate a task with Claude (not saved)", "tasks", "bearer", 200};
    static const http_route_doc_t create = {"Create a task", "tasks", "bearer", 201};
    static const http_route_doc_t list = {"List own tasks and templates", "tasks", "bearer", 200};
    static const http_route_doc_t get = {"Get a task", "tasks", "bearer", 200};
    static const http_route_doc_t update = {"Update a task", "tasks", "bearer", 200};
    static const http_route_doc_t del = {"Delete a task", "tasks", "bearer", 204};
    http_route(s, "POST", "/api/v1/tasks/generate", tasks_api_generate, &gen);
    http_route(s, "POST", "/api/v1/tasks/", tasks_api_create, &create);
    http_route(s, "GET", "/api/v1/tasks/", tasks_api_list, &list);
    http_route(s, "GET", "/api/v1/tasks/{task_id}", tasks_api_get, &get);
    http_route(s, "PATCH", "/api/v1/tasks/{task_id}", tasks_api_update, &update);
    http_route(s, "DELETE", "/api/v1/tasks/{task_id}", tasks_api_delete, &del);
}
