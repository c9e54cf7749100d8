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

void health_register(http_server_t *s)
{
    static const http_route_doc_t doc = {"Liveness and dependency status", "health", NULL, 200};
    http_route(s, "GET", "/health", health_get, &doc);
}

void health_register_test_hooks(http_server_t *s)
{
    static const http_route_doc_t doc = {"Test hook: echo the JSON body", "test", NULL, 200};
    http_route(s, "POST", "/__test__/echo", health_echo, &doc);
}
