/* analytics: GET /api/v1/analytics/ (api-contract N1, domain-model §5),
 * the organisation's completion and score figures.  The figures are
 * computed in SQL by the assessments component; this component applies
 * the original's rounding and shapes the answer. */
#ifndef TALI_COMPONENTS_ANALYTICS_H
#define TALI_COMPONENTS_ANALYTICS_H

#include <jansson.h>
#include <stdbool.h>

#include "components/assessments/assessments.h"
#include "platform/http.h"

/* The N1 object from the figures (new reference); has_org false gives the
 * fixed answer for a user without an organisation. */
json_t *analytics_json(bool has_org, const assessments_org_stats_t *st);

/* Registers GET /api/v1/analytics/. */
void analytics_register(http_server_t *s);

#endif
