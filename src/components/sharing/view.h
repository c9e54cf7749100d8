/* What a share viewer shows of an application (spec v2/hiring-loop.md
 * §11.2): the client view's scrubbing of the recruiter payload, and the
 * client_share_summary that submittal packs freeze too.  Pure functions
 * over jansson values. */
#ifndef TALI_COMPONENTS_SHARING_VIEW_H
#define TALI_COMPONENTS_SHARING_VIEW_H

#include <jansson.h>
#include <stdint.h>

/* Scrubs payload (an A7 detail object, modified in place) for a client:
 * the recruiter-only fields of §11.2 become null or [], score_summary and
 * cv_match_details lose their internal keys, and the candidate's contact
 * details are removed as well (this port scrubs more than the original,
 * which §11.2 allows). */
void sharing_view_scrub_client(json_t *payload);

/* The client_share_summary of §11.2 for payload (read only): role name
 * (role_name NULL: "this role"), verdict and band from the first score
 * found, highlights [] and shared_at = now_us.  New reference. */
json_t *sharing_view_summary(const json_t *payload, const char *role_name, int64_t now_us);

#endif
