#include "components/health/health.h"

#include "platform/jobs.h"
#include "platform/log.h"

static void health_get(http_req_t *req)
{
    bool db_ok = false, jobs_ok = false;
    jobs_stats_t st = {0};
    db_t *db = http_db(req);
    if (db) {
        db_res_t *r = NULL;
        db_ok = db_query(db, "SELECT 1", NULL, 0, &r) == ERR_OK && db_res_rows(r) == 1;
        db_res_free(r);
        jobs_ok = db_ok && jobs_stats(db, &st) == ERR_OK;
    }
    json_t *jobs = json_pack("{s:b,s:I,s:I,s:I}", "ok", jobs_ok, "queued", (json_int_t)st.queued,
                             "running", (json_int_t)st.running, "failed", (json_int_t)st.failed);
    json_t *body = json_pack("{s:s,s:s,s:b,s:b,s:o}", "status", db_ok && jobs_ok ? "healthy" : "degraded",
                             "service", "tali-api", "database", db_ok, "redis", jobs_ok, "jobs", jobs);
    http_reply_json(req, 200, body);
}

static void health_echo(http_req_t *req)
{
    http_verr_t *v = http_verr_new(req);
    json_t *body = http_json_body(req, v);
    if (!body) {
        http_reply_verr(req, v);
        return;
    }
    http_reply_json(req, 200, json_incref(body));
}

/* ---- OpenAPI description (H1) ---- */

static const http_route_openapi_t health_oa_ops[] = {
    {"GET", "/health",
     "{\"responses\":{\"200\":{\"description\":\"Always 200; `healthy` only when the database and the job qu"
     "eue answer\",\"content\":{\"application/json\":{\"schema\":{\"type\":\"object\",\"properties\":{\"stat"
     "us\":{\"type\":\"string\",\"enum\":[\"healthy\",\"degraded\"]},\"service\":{\"type\":\"string\"},"
     "\"database\":{\"type\":\"boolean\"},\"redis\":{\"type\":\"boolean\",\"description\":\"the job queue is"
     " reachable (the original's Redis PING)\"},\"jobs\":{\"type\":\"object\",\"properties\":{\"ok\":{\"type"
     "\":\"boolean\"},\"queued\":{\"type\":\"integer\"},\"running\":{\"type\":\"integer\"},"
     "\"failed\":{\"type\":\"integer\"}},\"required\":[\"ok\",\"queued\",\"running\",\"failed\"]}},"
     "\"required\":[\"status\",\"service\",\"database\",\"redis\",\"jobs\"]}}}},\"422\":null}}"},
};

/* Attaches the schemas and operation fragments above to the routes just
 * registered; a rejected fragment is logged by http_routes_describe. */
static void health_describe(http_server_t *s)
{
    http_routes_describe(s, health_oa_ops, sizeof health_oa_ops / sizeof health_oa_ops[0]);
}

void health_register(http_server_t *s)
{
    static const http_route_doc_t doc = {"Liveness and dependency status", "health", NULL, 200};
    http_route(s, "GET", "/health", health_get, &doc);
    health_describe(s);
}

void health_register_test_hooks(http_server_t *s)
{
    static const http_route_doc_t doc = {"Test hook: echo the JSON body", "test", NULL, 200};
    http_route(s, "POST", "/__test__/echo", health_echo, &doc);
}
