/* billing: GET /api/v1/billing/usage (api-contract B1): the organisation's
 * completed assessments at £25 each.  Not gated by MVP_DISABLE_STRIPE (as
 * the original).  Checkout and the Stripe webhook live in
 * integrations/stripe. */
#ifndef TALI_COMPONENTS_BILLING_H
#define TALI_COMPONENTS_BILLING_H

#include <stdint.h>

#include "platform/http.h"

/* "Feb 11, 2026" for a UTC time in µs (English month abbreviation, 2-digit
 * day), as the original's strftime("%b %d, %Y"); buf holds 24 bytes. */
char *billing_format_date(int64_t us, char buf[24]);

/* Registers GET /api/v1/billing/usage. */
void billing_register(http_server_t *s);

#endif
