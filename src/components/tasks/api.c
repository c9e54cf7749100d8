/* Routes of /api/v1/tasks (api-contract T1-T6) as route-table entries.
 * Order of checks as in the original, which the table runs: a body that
 * is not JSON, then the JWT ladder, then path and body validation
 * together (path first), then the service. */
#include "components/auth/auth.h"
#include "components/tasks/internal.h"
#include "components/tasks/tasks.h"
#include "platform/api.h"
#include "platform/validate.h"

#define TASKS_BASE "/api/v1/tasks"

static tasks_owner_t tasks_api_owner(const api_ctx_t *ctx)
{
    const auth_user_t *u = ctx->principal;
    return (tasks_owner_t){u->has_organization, u->organization_id};
}

/* ---- T1 POST /tasks/generate ---- */

static void tasks_parse_generate(api_ctx_t *ctx, void *in)
{
    tasks_schema_generate(&ctx->v, ctx->body, in);
}

static err_t tasks_api_generate(api_ctx_t *ctx, const void *in, api_out_t *out)
{
    json_t *answer = NULL;
    const char *detail = NULL;
    err_t e = tasks_svc_generate(ctx->arena, in, &answer, &detail);
    if (e != ERR_OK)
        return api_fail(out, e, detail);
    return api_json(out, answer);
}

/* ---- T2 POST /tasks/ ---- */

static void tasks_parse_create(api_ctx_t *ctx, void *in)
{
    tasks_schema_new(&ctx->v, ctx->arena, ctx->body, in);
}

static err_t tasks_api_create(api_ctx_t *ctx, const void *in, api_out_t *out)
{
    db_t *db;
    err_t e = api_db(ctx, out, &db);
    if (e != ERR_OK)
        return e;
    task_t t;
    const char *detail = NULL;
    e = tasks_svc_create(db, ctx->arena, tasks_api_owner(ctx), in, &t, &detail);
    if (e != ERR_OK)
        return api_fail(out, e, detail);
    return api_json(out, tasks_json(&t));
}

/* ---- T3 GET /tasks/ ---- */

static err_t tasks_api_list(api_ctx_t *ctx, const void *in, api_out_t *out)
{
    db_t *db;
    err_t e = api_db(ctx, out, &db);
    if (e != ERR_OK)
        return e;
    task_t *list = NULL;
    size_t n = 0;
    const char *detail = NULL;
    e = tasks_svc_list(db, ctx->arena, tasks_api_owner(ctx), &list, &n, &detail);
    if (e != ERR_OK)
        return api_fail(out, e, detail);
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(arr, tasks_json(&list[i]));
    return api_json(out, arr);
}

/* ---- GET /tasks/drafts (today's; the literal wins over {task_id}) ---- */

static err_t tasks_api_drafts(api_ctx_t *ctx, const void *in, api_out_t *out)
{
    db_t *db;
    err_t e = api_db(ctx, out, &db);
    if (e != ERR_OK)
        return e;
    task_t *list = NULL;
    size_t n = 0;
    const char *detail = NULL;
    e = tasks_svc_drafts(db, ctx->arena, tasks_api_owner(ctx), &list, &n, &detail);
    if (e != ERR_OK)
        return api_fail(out, e, detail);
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(arr, tasks_json(&list[i]));
    return api_json(out, arr);
}

/* ---- T4 GET /tasks/{task_id} ---- */

static err_t tasks_api_get(api_ctx_t *ctx, const void *in, api_out_t *out)
{
    db_t *db;
    err_t e = api_db(ctx, out, &db);
    if (e != ERR_OK)
        return e;
    task_t t;
    const char *detail = NULL;
    e = tasks_svc_get(db, ctx->arena, tasks_api_owner(ctx), api_path_int(ctx, "task_id"), &t, &detail);
    if (e != ERR_OK)
        return api_fail(out, e, detail);
    return api_json(out, tasks_json(&t));
}

/* ---- T5 PATCH /tasks/{task_id} ---- */

static void tasks_parse_patch(api_ctx_t *ctx, void *in)
{
    if (ctx->body)
        tasks_schema_patch(&ctx->v, ctx->arena, ctx->body, in);
}

static err_t tasks_api_update(api_ctx_t *ctx, const void *in, api_out_t *out)
{
    db_t *db;
    err_t e = api_db(ctx, out, &db);
    if (e != ERR_OK)
        return e;
    task_t t;
    const char *detail = NULL;
    e = tasks_svc_update(db, ctx->arena, tasks_api_owner(ctx), api_path_int(ctx, "task_id"), in, &t, &detail);
    if (e != ERR_OK)
        return api_fail(out, e, detail);
    return api_json(out, tasks_json(&t));
}

/* ---- T6 DELETE /tasks/{task_id} ---- */

static err_t tasks_api_delete(api_ctx_t *ctx, const void *in, api_out_t *out)
{
    db_t *db;
    err_t e = api_db(ctx, out, &db);
    if (e != ERR_OK)
        return e;
    const char *detail = NULL;
    e = tasks_svc_delete(db, tasks_api_owner(ctx), api_path_int(ctx, "task_id"), &detail);
    if (e != ERR_OK)
        return api_fail(out, e, detail);
    /* The original's 204 here carried content-type application/json. */
    out->ctype = "application/json";
    return ERR_OK;
}

static const api_route_t tasks_routes[] = {
    {"POST", TASKS_BASE "/generate", API_AUTH_RECRUITER, API_BODY_JSON, API_RL_NONE, tasks_parse_generate,
     sizeof(tasks_generate_in_t), tasks_api_generate, 200, "Generate a task with Claude (not saved)", "tasks"},
    {"POST", TASKS_BASE "/", API_AUTH_RECRUITER, API_BODY_JSON, API_RL_NONE, tasks_parse_create, sizeof(tasks_new_t),
     tasks_api_create, 201, "Create a task", "tasks"},
    {"GET", TASKS_BASE "/", API_AUTH_RECRUITER, API_BODY_NONE, API_RL_NONE, NULL, 0, tasks_api_list, 200,
     "List own active tasks and active templates", "tasks"},
    {"GET", TASKS_BASE "/drafts", API_AUTH_RECRUITER, API_BODY_NONE, API_RL_NONE, NULL, 0, tasks_api_drafts, 200,
     "List generated task drafts awaiting review", "tasks"},
    {"GET", TASKS_BASE "/{task_id:int}", API_AUTH_RECRUITER, API_BODY_NONE, API_RL_NONE, NULL, 0, tasks_api_get, 200,
     "Get a task", "tasks"},
    {"PATCH", TASKS_BASE "/{task_id:int}", API_AUTH_RECRUITER, API_BODY_JSON, API_RL_NONE, tasks_parse_patch,
     sizeof(tasks_patch_t), tasks_api_update, 200, "Update a task", "tasks"},
    {"DELETE", TASKS_BASE "/{task_id:int}", API_AUTH_RECRUITER, API_BODY_NONE, API_RL_NONE, NULL, 0, tasks_api_delete,
     204, "Delete a task", "tasks"},
};

void tasks_register(http_server_t *s)
{
    api_routes(s, tasks_routes, sizeof tasks_routes / sizeof tasks_routes[0]);
}
