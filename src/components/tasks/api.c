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

/* ---- OpenAPI description (api-contract 2.3, T1-T6) ---- */

static const char tasks_oa_task[] =
    "{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"integer\"},\"name\":{\"type\":\"string\"},"
    "\"description\":{\"type\":[\"string\",\"null\"]},\"task_type\":{\"type\":[\"string\","
    "\"null\"]},\"difficulty\":{\"type\":[\"string\",\"null\"]},\"duration_minutes\":{\"type\":\"integer\"},"
    "\"starter_code\":{\"type\":[\"string\",\"null\"]},\"test_code\":{\"type\":[\"string\","
    "\"null\"]},\"is_template\":{\"type\":\"boolean\"},\"is_active\":{\"type\":\"boolean\"},"
    "\"created_at\":{\"type\":\"string\",\"format\":\"date-time\"},\"calibration_prompt\":{\"type\":[\"strin"
    "g\",\"null\"]},\"score_weights\":{\"type\":[\"object\",\"null\"]},\"recruiter_weight_preset\":{\"type\""
    ":[\"string\",\"null\"]},\"proctoring_enabled\":{\"type\":\"boolean\"}},\"required\":[\"id\","
    "\"name\",\"description\",\"task_type\",\"difficulty\",\"duration_minutes\",\"starter_code\","
    "\"test_code\",\"is_template\",\"is_active\",\"created_at\",\"calibration_prompt\","
    "\"score_weights\",\"recruiter_weight_preset\",\"proctoring_enabled\"],\"description\":\"An assessment t"
    "ask (api-contract 2.3)\"}";

static const char tasks_oa_generatedtask[] =
    "{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\"},\"description\":{\"type\":\"string\""
    "},\"task_type\":{\"type\":\"string\"},\"difficulty\":{\"type\":\"string\"},\"duration_minutes\":{\"type"
    "\":\"integer\"},\"starter_code\":{\"type\":\"string\"},\"test_code\":{\"type\":\"string\"}},"
    "\"required\":[\"name\",\"description\",\"task_type\",\"difficulty\",\"duration_minutes\","
    "\"starter_code\",\"test_code\"],\"description\":\"A task drafted by the model, not saved\"}";

static const http_route_openapi_t tasks_oa_ops[] = {
    {"POST", "/api/v1/tasks/generate",
     "{\"requestBody\":{\"required\":true,\"content\":{\"application/json\":{\"schema\":{\"type\":\"object\""
     ",\"properties\":{\"prompt\":{\"type\":\"string\",\"description\":\"may be empty\"},"
     "\"difficulty\":{\"type\":[\"string\",\"null\"]},\"duration_minutes\":{\"type\":[\"integer\","
     "\"null\"]}},\"required\":[\"prompt\"]}}}},\"responses\":{\"200\":{\"description\":\"The generated task"
     " (not saved)\",\"content\":{\"application/json\":{\"schema\":{\"$ref\":\"#/components/schemas/Generate"
     "dTask\"}}}},\"400\":{\"description\":\"`Inactive user`\"},\"404\":{\"description\":\"`User not found` "
     "(the token's user no longer exists)\"},\"502\":{\"description\":\"`Failed to generate task \\u2014 Cla"
     "ude API error`; `AI generated an invalid response \\u2014 please try again`; `AI response was incomple"
     "te \\u2014 please try again`\"},\"503\":{\"description\":\"`Anthropic API key not configured`\"}}}"},
    {"POST", "/api/v1/tasks/",
     "{\"requestBody\":{\"required\":true,\"content\":{\"application/json\":{\"schema\":{\"type\":\"object\""
     ",\"properties\":{\"name\":{\"type\":\"string\",\"minLength\":3,\"maxLength\":200},"
     "\"description\":{\"type\":\"string\",\"minLength\":3,\"maxLength\":5000},\"task_type\":{\"type\":\"str"
     "ing\",\"minLength\":2,\"maxLength\":100},\"difficulty\":{\"type\":\"string\",\"minLength\":2,"
     "\"maxLength\":100},\"duration_minutes\":{\"type\":\"integer\",\"minimum\":15,\"maximum\":180,"
     "\"default\":30},\"starter_code\":{\"type\":\"string\",\"minLength\":1,\"maxLength\":100000},"
     "\"test_code\":{\"type\":\"string\",\"minLength\":1,\"maxLength\":100000},\"sample_data\":{\"type\":[\""
     "object\",\"null\"]},\"dependencies\":{\"type\":[\"array\",\"null\"],\"items\":{\"type\":\"string\"}},"
     "\"success_criteria\":{\"type\":[\"object\",\"null\"]},\"test_weights\":{\"type\":[\"object\","
     "\"null\"]},\"is_template\":{\"type\":\"boolean\",\"default\":false},\"calibration_prompt\":{\"type\":["
     "\"string\",\"null\"]},\"score_weights\":{\"type\":[\"object\",\"null\"],\"additionalProperties\":{\"ty"
     "pe\":\"number\"}},\"recruiter_weight_preset\":{\"type\":[\"string\",\"null\"]},\"proctoring_enabled\":"
     "{\"type\":\"boolean\",\"default\":false}},\"required\":[\"name\",\"description\","
     "\"task_type\",\"difficulty\",\"starter_code\",\"test_code\"]}}}},\"responses\":{\"201\":{\"description"
     "\":\"The new task\",\"content\":{\"application/json\":{\"schema\":{\"$ref\":\"#/components/schemas/Tas"
     "k\"}}}},\"500\":{\"description\":\"`Failed to create task`\"},\"400\":{\"description\":\"`Inactive use"
     "r`\"},\"404\":{\"description\":\"`User not found` (the token's user no longer exists)\"}}}"},
    {"GET", "/api/v1/tasks/",
     "{\"responses\":{\"200\":{\"description\":\"Own tasks plus every template\",\"content\":{\"application/"
     "json\":{\"schema\":{\"type\":\"array\",\"items\":{\"$ref\":\"#/components/schemas/Task\"}}}}},"
     "\"400\":{\"description\":\"`Inactive user`\"},\"404\":{\"description\":\"`User not found` (the token's"
     " user no longer exists)\"},\"422\":null}}"},
    {"GET", "/api/v1/tasks/{task_id}",
     "{\"responses\":{\"200\":{\"description\":\"The task\",\"content\":{\"application/json\":{\"schema\":{\""
     "$ref\":\"#/components/schemas/Task\"}}}},\"404\":{\"description\":\"`Task not found`; `User not found`"
     " (the token's user no longer exists)\"},\"400\":{\"description\":\"`Inactive user`\"}}}"},
    {"PATCH", "/api/v1/tasks/{task_id}",
     "{\"requestBody\":{\"required\":true,\"content\":{\"application/json\":{\"schema\":{\"type\":\"object\""
     ",\"properties\":{\"name\":{\"type\":[\"string\",\"null\"],\"minLength\":3,\"maxLength\":200},"
     "\"description\":{\"type\":[\"string\",\"null\"],\"minLength\":3,\"maxLength\":5000},"
     "\"task_type\":{\"type\":[\"string\",\"null\"],\"minLength\":2,\"maxLength\":100},"
     "\"difficulty\":{\"type\":[\"string\",\"null\"],\"minLength\":2,\"maxLength\":100},"
     "\"duration_minutes\":{\"type\":[\"integer\",\"null\"],\"minimum\":15,\"maximum\":180},"
     "\"starter_code\":{\"type\":[\"string\",\"null\"],\"minLength\":1,\"maxLength\":100000},"
     "\"test_code\":{\"type\":[\"string\",\"null\"],\"minLength\":1,\"maxLength\":100000},"
     "\"is_active\":{\"type\":[\"boolean\",\"null\"]},\"calibration_prompt\":{\"type\":[\"string\","
     "\"null\"]},\"score_weights\":{\"type\":[\"object\",\"null\"]},\"recruiter_weight_preset\":{\"type\":[\""
     "string\",\"null\"]},\"proctoring_enabled\":{\"type\":[\"boolean\",\"null\"]}},\"description\":\"Only t"
     "he keys present are applied\"}}}},\"responses\":{\"200\":{\"description\":\"The updated task\","
     "\"content\":{\"application/json\":{\"schema\":{\"$ref\":\"#/components/schemas/Task\"}}}},"
     "\"404\":{\"description\":\"`Task not found`; `User not found` (the token's user no longer exists)\"},"
     "\"500\":{\"description\":\"`Failed to update task`\"},\"400\":{\"description\":\"`Inactive user`\"}}}"},
    {"DELETE", "/api/v1/tasks/{task_id}",
     "{\"responses\":{\"204\":{\"description\":\"Deleted\"},\"400\":{\"description\":\"`Cannot delete task: "
     "it is used by one or more assessments`; `Inactive user`\"},\"404\":{\"description\":\"`Task not found`"
     "; `User not found` (the token's user no longer exists)\"},\"500\":{\"description\":\"`Failed to delete"
     " task`\"}}}"},
};

/* Attaches the schemas and operation fragments above to the routes just
 * registered; a rejected fragment is logged by http_routes_describe. */
static void tasks_describe(http_server_t *s)
{
    http_openapi_schema(s, "Task", tasks_oa_task);
    http_openapi_schema(s, "GeneratedTask", tasks_oa_generatedtask);
    http_routes_describe(s, tasks_oa_ops, sizeof tasks_oa_ops / sizeof tasks_oa_ops[0]);
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
    tasks_describe(s);
}
