/* health: GET /health (api-contract H1).  This server has no Redis: the
 * durable job queue took Redis's role, so the "redis" key reports the job
 * queue and a "jobs" object gives its counts. */
#ifndef TALI_COMPONENTS_HEALTH_H
#define TALI_COMPONENTS_HEALTH_H

#include "platform/http.h"

/* Registers GET /health on s. */
void health_register(http_server_t *s);

/* Registers test-only routes (POST /__test__/echo answers the parsed JSON
 * body).  Only called when TALI_TEST_HOOKS is on. */
void health_register_test_hooks(http_server_t *s);

#endif
