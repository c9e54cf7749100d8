/* billing: GET /api/v1/billing/usage (api-contract B1): the organisation's
 * completed assessments at £25 each.  Not gated by MVP_DISABLE_STRIPE (as
 * the original).  Checkout and the Stripe webhook live in
 * integrations/stripe. */
#ifndef TALI_COMPONENTS_BILLING_H
#define TALI_COMPONENTS_BILLING_H

#include <jansson.h>
#include <stdint.h>

#include "platform/db.h"
#include "platform/err.h"
#include "platform/http.h"
#include "platform/mem.h"

/* "Feb 11, 2026" for a UTC time in µs (English month abbreviation, 2-digit
 * day), as the original's strftime("%b %d, %Y"); buf holds 24 bytes. */
char *billing_format_date(int64_t us, char buf[24]);

/* The "usage" array of B1 for organisation org_id: at most 100 completed
 * assessments (in the order assessments_usage_rows gives), each {date, candidate, task, cost,
 * assessment_id} (a missing name or task is an em dash).  *out receives a
 * new reference.  The database error of the assessment rows; ERR_INTERNAL
 * when the candidates cannot be read. */
err_t billing_usage(db_t *db, mem_arena_t *a, int64_t org_id, json_t **out);

/* The B1 body {"usage": usage, "total_cost": £25 per row}; takes over
 * usage. */
json_t *billing_usage_json(json_t *usage);

/* Registers GET /api/v1/billing/usage. */
void billing_register(http_server_t *s);

#endif
