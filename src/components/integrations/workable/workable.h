/* workable: the Workable ATS integration (api-contract O3, O4, W1, S12;
 * platform-integrations §6): the OAuth connection of an organisation, the
 * webhook that creates assessments when a candidate reaches a configured
 * stage, and the posting of assessment results to the candidate's
 * activity feed in Workable (on demand through S12, automatically after
 * submit through a job).
 *
 * Everything answers 503 "Workable integration is disabled for MVP" while
 * MVP_DISABLE_WORKABLE is on (the default).  The OAuth token endpoint is
 * cfg->workable_oauth_base + "/oauth/token"; the SPI API is
 * cfg->workable_api_base with "{subdomain}" replaced by the
 * organisation's subdomain.  This component owns no table: it reaches
 * organisations, candidates, tasks and assessments through their public
 * headers, and none of them calls it back: assessments publishes an
 * ASSESSMENTS_COMPLETED_JOB event this component subscribes to. */
#ifndef TALI_COMPONENTS_WORKABLE_H
#define TALI_COMPONENTS_WORKABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "platform/db.h"
#include "platform/err.h"
#include "platform/http.h"
#include "platform/jobs.h"
#include "platform/mem.h"

/* The job kind that posts one assessment's results. */
#define WORKABLE_POST_JOB "workable.post_results"
/* The original's Celery task: 3 retries (4 attempts), 120 s apart. */
#define WORKABLE_POST_ATTEMPTS 4
#define WORKABLE_POST_RETRY_DELAY_S 120
/* Workable-created assessments expire after this many days, whatever
 * ASSESSMENT_EXPIRY_DAYS says (the original hard-coded it). */
#define WORKABLE_EXPIRY_DAYS 7
/* Duration of a Workable-created assessment whose task has none. */
#define WORKABLE_DEFAULT_DURATION_MINUTES 30

/* ---- webhook (signature.c, webhook.c) ---- */

/* True when header (X-Workable-Signature; may be NULL) is exactly the
 * lower-case hex HMAC-SHA256 of body[0..len) keyed with secret, compared
 * in constant time.  A NULL or empty secret matches nothing.  Allocates
 * nothing that outlives the call. */
bool workable_signature_valid(const char *header, const char *body, size_t len, const char *secret);

/* What one verified webhook event led to (for logs and tests). */
typedef enum {
    WORKABLE_EVENT_IGNORED,        /* not candidate_stage_changed */
    WORKABLE_EVENT_NO_ORG,         /* no organisation has account.subdomain */
    WORKABLE_EVENT_NOT_CONFIGURED, /* the org's config does not ask for this stage */
    WORKABLE_EVENT_NO_EMAIL,       /* candidate.email missing or empty */
    WORKABLE_EVENT_NO_TASK,        /* the org has no active task: nothing created */
    WORKABLE_EVENT_CREATED,        /* a pending assessment was created */
} workable_event_outcome_t;

/* W1 after the signature check: applies event (a JSON object, borrowed)
 * as platform-integrations §6.3 says.  For candidate_stage_changed whose
 * account.subdomain names an organisation whose workable_config has
 * auto_send_on_stage truthy and auto_send_stage equal to the event's
 * stage, with a candidate.email: in one transaction, finds or creates
 * the candidate (name from candidate.name or candidate.firstname; a new
 * one also gets the Workable id and the raw payload), takes the
 * organisation's first active task and creates a pending assessment
 * linked to the Workable candidate (no e-mail).  *outcome says what
 * happened; *assessment_id (may be NULL) is set when one was created.
 * Returns the database error, if any (then nothing is created). */
err_t workable_handle_event(db_t *db, const json_t *event, workable_event_outcome_t *outcome, int64_t *assessment_id);

/* A short English name of an outcome, for logs.  Never NULL. */
const char *workable_event_outcome_name(workable_event_outcome_t o);

/* ---- Workable API client (client.c) ---- */

/* The authorize URL of O3 for client_id, with the redirect URI
 * frontend_url + "/settings/workable/callback" inserted as it is (not
 * URL-encoded), as the February original did; scope is space-separated
 * tokens (NULL: r_jobs r_candidates w_candidates), written joined by "+";
 * state (URL-safe; NULL: none) is appended as &state= (spec v2 D23).
 * Owned by arena a. */
char *workable_authorize_url(mem_arena_t *a, const char *client_id, const char *frontend_url, const char *scope,
                             const char *state);

/* The redirect URI the authorize URL and the token exchange both send.
 * Owned by arena a. */
char *workable_redirect_uri(mem_arena_t *a, const char *frontend_url);

/* The SPI base URL: template with every "{subdomain}" replaced by
 * subdomain, trailing slashes dropped.  NULL when subdomain is not a
 * plain DNS label (letters, digits, "-"; 1-63 characters), so a value
 * from outside can never move the request, and its bearer token, to
 * another host.  Owned by arena a. */
char *workable_spi_base(mem_arena_t *a, const char *template_url, const char *subdomain);

/* What the token exchange returned; strings in the caller's arena. */
typedef struct {
    const char *access_token;
    const char *refresh_token; /* NULL when absent */
    const char *subdomain;     /* "" when absent, as the original stored it */
    const char *scope;         /* the granted scope string, NULL when absent */
} workable_tokens_t;

/* Exchanges an OAuth code: POST cfg->workable_oauth_base/oauth/token,
 * form-encoded client_id, client_secret, code,
 * grant_type=authorization_code and the redirect URI, 5 s timeout.
 * ERR_BAD_GATEWAY (or ERR_TIMEOUT) for a transport failure, a non-2xx
 * answer, or an answer that is not a JSON object with a string
 * access_token. */
err_t workable_exchange_code(mem_arena_t *a, const char *code, workable_tokens_t *out);

/* The activity text of platform-integrations §6.2 for one assessment.
 * score (0-10) and the test counts are printed as "N/A" when unknown.
 * Owned by arena a. */
char *workable_activity_text(mem_arena_t *a, const char *frontend_url, bool has_score, double score, bool has_tests,
                             int64_t tests_passed, int64_t tests_total, int64_t duration_minutes);

/* POST {spi base}/candidates/{candidate_id}/activities {"body": text}
 * with the access token as a Bearer token, 30 s timeout.  ERR_OK on a 2xx
 * answer; ERR_BAD_REQUEST when the subdomain is unusable; ERR_TIMEOUT or
 * ERR_BAD_GATEWAY otherwise (*status, may be NULL, gets the HTTP status,
 * 0 when none). */
err_t workable_post_activity(const char *access_token, const char *subdomain, const char *candidate_id,
                             const char *text, long *status);

/* ---- posting results (jobs.c) ---- */

typedef enum {
    WORKABLE_POST_OK,             /* posted now, assessment marked posted */
    WORKABLE_POST_ALREADY,        /* it had been posted before: nothing sent */
    WORKABLE_POST_NOT_FOUND,      /* no such assessment in the organisation */
    WORKABLE_POST_NOT_CONNECTED,  /* the organisation has no Workable connection */
    WORKABLE_POST_NOT_LINKED,     /* the assessment has no Workable candidate id */
    WORKABLE_POST_UPSTREAM_FAILED /* Workable refused or did not answer */
} workable_post_outcome_t;

/* S12 after authentication and the MVP check: posts assessment_id of
 * organisation org_id to Workable now and marks it posted.  Checks in
 * the contract's order: not found, already posted, not connected, not
 * linked; then the call (upstream failure).  Map the outcome to HTTP as
 * api-contract S12 does: NOT_FOUND 404 "Assessment not found"; ALREADY
 * 200 {"success":true,"already_posted":true}; NOT_CONNECTED 400
 * "Workable is not connected"; NOT_LINKED 400 "Assessment is not linked
 * to a Workable candidate"; UPSTREAM_FAILED 502 "Failed to post to
 * Workable"; OK 200 {"success":true}.  Returns a database error (outcome
 * then unset), else ERR_OK with *outcome set.  Runs its own short
 * transaction for the mark; call it outside any transaction. */
err_t workable_post_assessment_now(db_t *db, int64_t org_id, int64_t assessment_id, workable_post_outcome_t *outcome);

/* For a completed assessment (the ASSESSMENTS_COMPLETED_JOB event): when
 * Workable and the job queue are both enabled
 * (MVP_DISABLE_WORKABLE and MVP_DISABLE_CELERY off, as the original
 * required) and the assessment is linked to a Workable candidate, not yet
 * posted, and its organisation is connected, enqueues one
 * WORKABLE_POST_JOB for it on db as it is (so it commits with the
 * caller's transaction).  *queued (may be NULL) says whether it did.
 * Returns the database error, if any. */
err_t workable_enqueue_post(db_t *db, int64_t assessment_id, bool *queued);

/* Registers the WORKABLE_POST_JOB handler (4 attempts, 120 s apart) and
 * subscribes to ASSESSMENTS_COMPLETED_JOB (queues the post). */
void workable_register_jobs(jobs_runner_t *r);

/* ---- routes (api.c) ---- */

/* Registers O3 (GET /api/v1/organizations/workable/authorize-url), O4
 * (POST /api/v1/organizations/workable/connect), W1 (POST
 * /api/v1/webhooks/workable) and S12 (POST
 * /api/v1/assessments/{assessment_id}/post-to-workable) on s. */
void workable_register(http_server_t *s);

#endif
