/* Routes of health: GET /health (api-contract H1) and the test hook POST
 * /__test__/echo, as route-table entries. */
#include "components/health/health.h"

#include "platform/api.h"
#include "platform/jobs.h"
#include "platform/log.h"

/* H1: always 200; "degraded" when the database (reading and writing) or
 * the job queue does not answer (health_check). */
static err_t health_get(api_ctx_t *ctx, const void *in, api_out_t *out)
{
    health_status_t st;
    health_check(http_db(ctx->req), &st);
    json_t *jobs = json_pack("{s:b,s:I,s:I,s:I}", "ok", st.jobs, "queued", (json_int_t)st.stats.queued, "running",
                             (json_int_t)st.stats.running, "failed", (json_int_t)st.stats.failed);
    return api_json(out, json_pack("{s:s,s:s,s:b,s:b,s:o}", "status", health_status_name(&st), "service", "tali-api",
                                   "database", st.database, "redis", st.jobs, "jobs", jobs));
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
