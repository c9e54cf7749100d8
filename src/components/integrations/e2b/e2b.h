/* e2b: the sandbox provider over E2B's cloud sandboxes (control API plus
 * the per-sandbox envd and code-interpreter ports), speaking the wire
 * protocol of platform-integrations §3.3 through platform/httpclient.
 *
 * Where the original let sandboxes die after 300 s, this provider keeps
 * them alive for the assessment (policy fix 11): sandboxes are created with
 * a one-hour lifetime, every reconnect extends it by another hour, and a
 * reconnect to a sandbox that is gone creates a new one whose id the caller
 * stores.
 *
 * Hosts:
 *   control API   E2B_API_URL (config); when it is left at its default and
 *                 E2B_DOMAIN is changed, https://api.<E2B_DOMAIN>, as the SDK
 *   sandbox ports E2B_SANDBOX_URL (environment), a template in which
 *                 {port}, {sandbox_id} and {domain} are substituted, e.g.
 *                 http://127.0.0.1:9999/{port}/{sandbox_id} for the fake
 *                 server; else http://localhost:{port} when E2B_DEBUG is
 *                 true (as the SDK); else https://{port}-{sandbox_id}.{domain}
 *                 where domain is the one the API reported for the sandbox,
 *                 or E2B_DOMAIN. */
#ifndef TALI_COMPONENTS_INTEGRATIONS_E2B_E2B_H
#define TALI_COMPONENTS_INTEGRATIONS_E2B_E2B_H

#include "components/integrations/sandbox/sandbox.h"
#include "platform/config.h"

typedef struct {
    const char *sandbox_url; /* template as E2B_SANDBOX_URL; NULL = from the environment */
    int sandbox_lifetime_s;  /* create/extend lifetime; 0 = 3600 */
    long request_timeout_ms; /* control API and file writes; 0 = 60 s */
    long execute_timeout_ms; /* one code execution, streamed; 0 = 300 s */
} e2b_options_t;

/* A provider reading its key and hosts from c (which must outlive it) and
 * the environment (E2B_SANDBOX_URL, E2B_DEBUG).  Never NULL; release with
 * p->free(p->self), which also frees p.  Thread-safe: one provider serves
 * every request thread. */
sandbox_provider_t *e2b_provider_new(const config_t *c);

/* As e2b_provider_new with explicit options (tests, tuning); fields left
 * zero/NULL take the defaults above.  opts may be NULL. */
sandbox_provider_t *e2b_provider_new_opts(const config_t *c, const e2b_options_t *opts);

#endif
