/* config: every setting of platform-integrations §1.2 plus the port's own
 * (base URLs of external services, listen address, threads, sandbox).
 * Loaded once at start-up: defaults, then a .env file in the working
 * directory, then the process environment (environment wins); names match
 * case-insensitively.  After config_load the struct is read-only. */
#ifndef TALI_PLATFORM_CONFIG_H
#define TALI_PLATFORM_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

typedef struct config {
    /* original settings (names and defaults as the original) */
    char *database_url;              /* DATABASE_URL; "" → sqlite:///tali.db */
    char *secret_key;                /* SECRET_KEY */
    char *algorithm;                 /* ALGORITHM (HS256) */
    int access_token_expire_minutes; /* ACCESS_TOKEN_EXPIRE_MINUTES (30) */
    char *e2b_api_key;               /* E2B_API_KEY */
    char *anthropic_api_key;         /* ANTHROPIC_API_KEY */
    char *claude_model;              /* CLAUDE_MODEL */
    int max_tokens_per_response;     /* MAX_TOKENS_PER_RESPONSE (1024) */
    char *workable_client_id;
    char *workable_client_secret;
    char *workable_webhook_secret;
    char *stripe_api_key;
    char *stripe_webhook_secret;
    char *resend_api_key;
    char *redis_url;          /* accepted, unused: no Redis here */
    char *frontend_url;       /* FRONTEND_URL */
    char *backend_url;        /* BACKEND_URL (declared, unused) */
    char *cors_extra_origins; /* CORS_EXTRA_ORIGINS, NULL when unset */
    char *aws_access_key_id;  /* NULL when unset */
    char *aws_secret_access_key;
    char *aws_s3_bucket;        /* tali-assessments */
    char *aws_region;           /* us-east-1 */
    char *sentry_dsn;           /* NULL when unset */
    int assessment_price_pence; /* 2500 */
    int assessment_expiry_days; /* 7 */
    char *email_from;           /* TALI <noreply@tali.dev> */
    char *score_weights;        /* JSON text, declared, unused */
    char *default_calibration_prompt;
    bool mvp_disable_stripe;
    bool mvp_disable_workable;
    bool mvp_disable_celery;
    bool mvp_disable_claude_scoring;
    bool mvp_disable_calibration;
    bool mvp_disable_proctoring;
    bool scoring_v2_enabled;
    bool task_authoring_api_enabled;     /* TASK_AUTHORING_API_ENABLED (D24: default true) */
    bool candidate_proof_required;       /* CANDIDATE_PROOF_REQUIRED: refuse the legacy candidate start (false; D31) */
    bool workable_oauth_legacy_no_state; /* WORKABLE_OAUTH_LEGACY_NO_STATE: O4 without state (false; D23) */

    /* port-only settings */
    char *host;                     /* HOST (127.0.0.1) */
    int port;                       /* PORT (8000) */
    int worker_threads;             /* WORKER_THREADS: DB pool size (16) */
    int max_connections;            /* MAX_CONNECTIONS (1024) */
    int max_connections_per_ip;     /* MAX_CONNECTIONS_PER_IP (256; 0 = no cap) */
    int connection_idle_timeout_s;  /* CONNECTION_IDLE_TIMEOUT: seconds a silent connection is kept (30) */
    int max_concurrent_extractions; /* MAX_CONCURRENT_EXTRACTIONS: document text extractions at once (4) */
    int auth_lockout_threshold;     /* AUTH_LOCKOUT_THRESHOLD: failed logins that lock an account (5) */
    int auth_lockout_minutes;       /* AUTH_LOCKOUT_MINUTES: how long the lock lasts (15) */
    /* AUTH_REQUIRE_VERIFIED_LOGIN: unverified users refused at login (true) */
    bool auth_require_verified_login;

    int db_pool_timeout_s;     /* DB_POOL_TIMEOUT: seconds a request waits for a free DB connection (30) */
    bool trust_forwarded_for;  /* TRUST_X_FORWARDED_FOR (true, as the original) */
    bool run_worker;           /* RUN_WORKER: in-process job worker in serve (true) */
    char *anthropic_base_url;  /* ANTHROPIC_BASE_URL (https://api.anthropic.com) */
    char *e2b_api_url;         /* E2B_API_URL (https://api.e2b.app) */
    char *e2b_domain;          /* E2B_DOMAIN (e2b.app) */
    char *resend_base_url;     /* RESEND_BASE_URL (https://api.resend.com); RESEND_API_URL is an alias */
    char *smtp_url;            /* SMTP_URL (smtp://host:port), "" = off */
    char *stripe_api_base;     /* STRIPE_API_BASE (https://api.stripe.com) */
    char *workable_api_base;   /* WORKABLE_API_BASE (https://{subdomain}.workable.com/spi/v3) */
    char *workable_oauth_base; /* WORKABLE_OAUTH_BASE (https://www.workable.com) */
    char *aws_s3_endpoint_url; /* AWS_S3_ENDPOINT_URL; AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL are aliases */
    char *upload_dir;          /* UPLOAD_DIR (uploads) */
    char *sandbox_provider;    /* SANDBOX_PROVIDER: "", "local" or "e2b" */
    char *sandbox_root;        /* SANDBOX_ROOT: per-assessment work dirs (./sandboxes) */
    char *sandbox_bwrap;       /* SANDBOX_BWRAP: the bubblewrap binary (/usr/bin/bwrap) */
    bool enable_test_hooks;    /* TALI_TEST_HOOKS: test-only routes (false) */
    char *team_invite_style;   /* TEAM_INVITE_STYLE: "legacy" (February invite e-mail) or "v2" (D17) */

    /* derived */
    bool production;     /* SENTRY_DSN set or "localhost" not in FRONTEND_URL */
    char **cors_origins; /* see config_cors_origins; NULL-terminated */
    size_t n_cors_origins;
} config_t;

/* The loaded configuration.  Valid after config_load succeeded; read-only. */
extern const config_t *cfg;

/* Fills *out from defaults, then `env_file` (a dotenv file; NULL means
 * ".env" in the working directory; a missing file is fine), then the
 * process environment.  Also derives `production` and refuses an insecure
 * SECRET_KEY in production mode.  On failure returns -1 and writes a
 * message naming the setting into err.  Strings in *out are heap copies
 * released by config_free. */
int config_load(config_t *out, const char *env_file, char *err, size_t errlen);

/* Installs c as the global `cfg`.  c must outlive every reader. */
void config_install(const config_t *c);

/* Releases the strings of c. */
void config_free(config_t *c);

/* Parses a boolean the way pydantic does (true/false/1/0/yes/no/on/off/
 * t/f/y/n, any case, surrounding blanks ignored).  Returns -1 when the text
 * is none of these. */
int config_parse_bool(const char *s, bool *out);

/* The allowed CORS origins (FRONTEND_URL, the two localhost dev origins and
 * each trimmed entry of CORS_EXTRA_ORIGINS, duplicates dropped); *n
 * receives the count.  The array and strings live as long as the
 * configuration.  config_load builds the list; a config_t filled by hand
 * gets it on the first call (not thread-safe for that first call), and the
 * caller then frees cors_origins and its strings itself. */
const char *const *config_cors_origins(const config_t *c, size_t *n);

#endif
