/* Which sandbox provider runs candidates' code: SANDBOX_PROVIDER=local or
 * e2b; when unset, e2b if E2B_API_KEY is set (what the original used),
 * else the embedded localbox.  Made once, on first use, and kept for the
 * life of the process (providers are thread-safe). */
#include <pthread.h>
#include <strings.h>

#include "components/assessments/internal.h"
#include "components/integrations/e2b/e2b.h"
#include "components/integrations/localbox/localbox.h"
#include "platform/log.h"

static pthread_once_t assessments_sandbox_once = PTHREAD_ONCE_INIT;
static sandbox_provider_t *assessments_sandbox_provider;

static void assessments_sandbox_make(void)
{
    const char *want = cfg->sandbox_provider ? cfg->sandbox_provider : "";
    bool e2b;
    if (strcasecmp(want, "e2b") == 0)
        e2b = true;
    else if (strcasecmp(want, "local") == 0)
        e2b = false;
    else
        e2b = cfg->e2b_api_key && *cfg->e2b_api_key;
    assessments_sandbox_provider = e2b ? e2b_provider_new(cfg) : localbox_provider_new(cfg);
    log_info("tali.assessments", "sandbox provider: %s", assessments_sandbox_provider->name);
}

sandbox_provider_t *assessments_sandbox(void)
{
    pthread_once(&assessments_sandbox_once, assessments_sandbox_make);
    return assessments_sandbox_provider;
}
