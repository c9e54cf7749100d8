/* health: GET /health (api-contract H1).  This server has no Redis: the
 * durable job queue took Redis's role, so the "redis" key reports the job
 * queue and a "jobs" object gives its counts. */
#ifndef TALI_COMPONENTS_HEALTH_H
#define TALI_COMPONENTS_HEALTH_H

#include <stdbool.h>

#include "platform/db.h"
#include "platform/http.h"
#include "platform/jobs.h"

/* What GET /health reports about the dependencies. */
typedef struct {
    bool database;      /* the database answered a trivial query and can write */
    bool jobs;          /* the job queue's table could be counted */
    jobs_stats_t stats; /* its counts (zero unless jobs) */
} health_status_t;

/* Probes db (NULL: no connection could be had) into *out; everything
 * false and zero for what did not answer.  Never fails. */
void health_check(db_t *db, health_status_t *out);

/* "healthy" when the database and the job queue both answered, else
 * "degraded".  Static string. */
const char *health_status_name(const health_status_t *st);

/* Registers GET /health on s.  "database" is true when a SELECT 1
 * answers and db_writable() holds: the check costs one round trip plus, on
 * SQLite, one statvfs() of the database file's directory (no write is
 * made); a PostgreSQL server's disk is judged by its last write failure
 * (disk full or read-only), cleared by the next write that succeeds. */
void health_register(http_server_t *s);

/* Registers test-only routes (POST /__test__/echo answers the parsed JSON
 * body; GET /__test__/no-response, /__test__/plain-500 and
 * /__test__/hold-db?ms= exercise the platform's 5xx guarantees).  Only
 * called when TALI_TEST_HOOKS is on. */
void health_register_test_hooks(http_server_t *s);

#endif
