/* Routes of health: GET /health (api-contract H1) and the test hook POST
 * /__test__/echo, as route-table entries. */
#include "components/health/health.h"

#include "platform/api.h"
#include "platform/jobs.h"
#include "platform/log.h"

/* H1: always 200; "degraded" when the database or the job queue does not
 * answer. */
static err_t health_get(api_ctx_t *ctx, const void *in, api_out_t *out)
{
    bool db_ok = false, jobs_ok = false;
    jobs_stats_t st = {0};
    db_t *db = http_db(ctx->req);
    if (db) {
        db_res_t *r = NULL;
        bool reads = db_query(db, "SELECT 1", NULL, 0, &r) == ERR_OK && db_res_rows(r) == 1;
        db_res_free(r);
        jobs_ok = reads && jobs_stats(db, &st) == ERR_OK;
        /* a database that answers but cannot store anything is not up */
        db_ok = reads && db_writable(db);
    }
    json_t *jobs = json_pack("{s:b,s:I,s:I,s:I}", "ok", jobs_ok, "queued", (json_int_t)st.queued, "running",
                             (json_int_t)st.running, "failed", (json_int_t)st.failed);
    return api_json(out, json_pack("{s:s,s:s,s:b,s:b,s:o}", "status", db_ok && jobs_ok ? "healthy" : "degraded",
                                   "service", "tali-api", "database", db_ok, "redis", jobs_ok, "jobs", jobs));
}

/* The parsed JSON body as it is (the table answers 422 for a missing or
 * invalid one). */
static err_t health_echo(api_ctx_t *ctx, const void *in, api_out_t *out)
{
    return api_json(out, json_incref(ctx->body));
}

static const api_route_t health_routes[] = {
    {"GET", "/health", API_AUTH_NONE, API_BODY_NONE, API_RL_NONE, NULL, 0, health_get, 200,
     "Liveness and dependency status", "health"},
};

static const api_route_t health_test_routes[] = {
    {"POST", "/__test__/echo", API_AUTH_NONE, API_BODY_JSON, API_RL_NONE, NULL, 0, health_echo, 200,
     "Test hook: echo the JSON body", "test"},
};

void health_register(http_server_t *s)
{
    api_routes(s, health_routes, sizeof health_routes / sizeof health_routes[0]);
}

void health_register_test_hooks(http_server_t *s)
{
    api_routes(s, health_test_routes, sizeof health_test_routes / sizeof health_test_routes[0]);
}
