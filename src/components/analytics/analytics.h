/* analytics: GET /api/v1/analytics/ (api-contract N1, domain-model §5,
 * and today's shape, v2 spec §2.11, D27), the organisation's completion
 * and score figures.  The assessment rows come from the assessments
 * component; this component parses today's filters, aggregates with the
 * original's rounding and shapes the answer: February's keys and
 * today's, one object. */
#ifndef TALI_COMPONENTS_ANALYTICS_H
#define TALI_COMPONENTS_ANALYTICS_H

#include <jansson.h>
#include <stdbool.h>

#include "components/assessments/assessments.h"
#include "platform/http.h"

/* The N1 object from the selected rows at now_us (new reference; scratch
 * memory from arena a); has_org false gives the fixed answer for a user
 * without an organisation. */
json_t *analytics_json(mem_arena_t *a, bool has_org, const assessments_stats_row_t *rows, size_t n, int64_t now_us);

/* Parses a date_from/date_to value as the original did: ISO date or
 * date-time (a "Z" or an offset; none means UTC); end_of_day moves a bare
 * date to 23:59:59.999999.  *blank when the value is empty or spaces (no
 * filter).  Returns false for anything else. */
bool analytics_parse_date(const char *value, bool end_of_day, int64_t *us, bool *blank);

/* Registers GET /api/v1/analytics/. */
void analytics_register(http_server_t *s);

#endif
