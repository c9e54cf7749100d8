/* health: GET /health (api-contract H1).  This server has no Redis: the
 * durable job queue took Redis's role, so the "redis" key reports the job
 * queue and a "jobs" object gives its counts. */
#ifndef TALI_COMPONENTS_HEALTH_H
#define TALI_COMPONENTS_HEALTH_H

#include "platform/http.h"

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
