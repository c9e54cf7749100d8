#include "components/health/health.h"

#include <errno.h>
#include <stdlib.h>
#include <time.h>

#include "platform/jobs.h"
#include "platform/log.h"

static void health_get(http_req_t *req)
{
    bool db_ok = false, jobs_ok = false;
    jobs_stats_t st = {0};
    db_t *db = http_db(req);
    if (db) {
        db_res_t *r = NULL;
        bool reads = db_query(db, "SELECT 1", NULL, 0, &r) == ERR_OK && db_res_rows(r) == 1;
        db_res_free(r);
        jobs_ok = reads && jobs_stats(db, &st) == ERR_OK;
        /* a database that answers but cannot store anything is not up */
        db_ok = reads && db_writable(db);
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

/* Test hooks for the platform's 5xx guarantees: a handler that sets no
 * response, one that answers a plain-text 500, and one that keeps a
 * database connection for ?ms= milliseconds (to exhaust the pool). */
static void health_no_response(http_req_t *req)
{
    (void)req;
}

static void health_plain_500(http_req_t *req)
{
    static const char text[] = "plain text failure";
    http_reply_bytes(req, 500, "text/plain; charset=utf-8", text, sizeof text - 1);
}

static void health_hold_db(http_req_t *req)
{
    const char *ms_s = http_query(req, "ms");
    long ms = ms_s ? strtol(ms_s, NULL, 10) : 0;
    if (ms < 0 || ms > 10000)
        ms = 10000;
    if (!http_db(req)) {
        http_reply_err(req, ERR_UNAVAILABLE, "Database unavailable");
        return;
    }
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
    http_reply_json(req, 200, json_pack("{sI}", "held_ms", (json_int_t)ms));
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
    static const http_route_doc_t none = {"Test hook: set no response", "test", NULL, 500};
    http_route(s, "GET", "/__test__/no-response", health_no_response, &none);
    static const http_route_doc_t plain = {"Test hook: a plain-text 500", "test", NULL, 500};
    http_route(s, "GET", "/__test__/plain-500", health_plain_500, &plain);
    static const http_route_doc_t hold = {"Test hook: keep a database connection", "test", NULL, 200};
    http_route(s, "GET", "/__test__/hold-db", health_hold_db, &hold);
}
