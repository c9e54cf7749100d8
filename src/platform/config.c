#include "platform/config.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "platform/mem.h"

extern char **environ;

const config_t *cfg;

typedef enum { CFG_STR, CFG_OPT_STR, CFG_INT, CFG_BOOL } cfg_type_t;

/* One setting.  names[0] is the canonical name; later names are aliases
 * (the SDK variable names the original honoured implicitly).  min/max bound
 * ints when min < max. */
typedef struct {
    const char *names[4];
    cfg_type_t type;
    size_t offset;
    const char *def; /* default as text; NULL for an unset optional string */
    long min, max;
} cfg_setting_t;

#define CFG_OFF(f) offsetof(config_t, f)

static const cfg_setting_t cfg_settings[] = {
    {{"DATABASE_URL"}, CFG_STR, CFG_OFF(database_url), "sqlite:///tali.db", 0, 0},
    {{"SECRET_KEY"}, CFG_STR, CFG_OFF(secret_key), "dev-secret-key-change-in-production", 0, 0},
    {{"ALGORITHM"}, CFG_STR, CFG_OFF(algorithm), "HS256", 0, 0},
    {{"ACCESS_TOKEN_EXPIRE_MINUTES"}, CFG_INT, CFG_OFF(access_token_expire_minutes), "30", 0, 0},
    {{"E2B_API_KEY"}, CFG_STR, CFG_OFF(e2b_api_key), "", 0, 0},
    {{"ANTHROPIC_API_KEY"}, CFG_STR, CFG_OFF(anthropic_api_key), "", 0, 0},
    {{"CLAUDE_MODEL"}, CFG_STR, CFG_OFF(claude_model), "claude-3-haiku-20240307", 0, 0},
    {{"MAX_TOKENS_PER_RESPONSE"}, CFG_INT, CFG_OFF(max_tokens_per_response), "1024", 0, 0},
    {{"WORKABLE_CLIENT_ID"}, CFG_STR, CFG_OFF(workable_client_id), "", 0, 0},
    {{"WORKABLE_CLIENT_SECRET"}, CFG_STR, CFG_OFF(workable_client_secret), "", 0, 0},
    {{"WORKABLE_WEBHOOK_SECRET"}, CFG_STR, CFG_OFF(workable_webhook_secret), "", 0, 0},
    {{"STRIPE_API_KEY"}, CFG_STR, CFG_OFF(stripe_api_key), "", 0, 0},
    {{"STRIPE_WEBHOOK_SECRET"}, CFG_STR, CFG_OFF(stripe_webhook_secret), "", 0, 0},
    {{"RESEND_API_KEY"}, CFG_STR, CFG_OFF(resend_api_key), "", 0, 0},
    {{"REDIS_URL"}, CFG_STR, CFG_OFF(redis_url), "redis://localhost:6379", 0, 0},
    {{"FRONTEND_URL"}, CFG_STR, CFG_OFF(frontend_url), "http://localhost:5173", 0, 0},
    {{"BACKEND_URL"}, CFG_STR, CFG_OFF(backend_url), "http://localhost:8000", 0, 0},
    {{"CORS_EXTRA_ORIGINS"}, CFG_OPT_STR, CFG_OFF(cors_extra_origins), NULL, 0, 0},
    {{"AWS_ACCESS_KEY_ID"}, CFG_OPT_STR, CFG_OFF(aws_access_key_id), NULL, 0, 0},
    {{"AWS_SECRET_ACCESS_KEY"}, CFG_OPT_STR, CFG_OFF(aws_secret_access_key), NULL, 0, 0},
    {{"AWS_S3_BUCKET"}, CFG_OPT_STR, CFG_OFF(aws_s3_bucket), "tali-assessments", 0, 0},
    {{"AWS_REGION"}, CFG_STR, CFG_OFF(aws_region), "us-east-1", 0, 0},
    {{"SENTRY_DSN"}, CFG_OPT_STR, CFG_OFF(sentry_dsn), NULL, 0, 0},
    {{"ASSESSMENT_PRICE_PENCE"}, CFG_INT, CFG_OFF(assessment_price_pence), "2500", 0, 0},
    {{"ASSESSMENT_EXPIRY_DAYS"}, CFG_INT, CFG_OFF(assessment_expiry_days), "7", 0, 0},
    {{"EMAIL_FROM"}, CFG_STR, CFG_OFF(email_from), "TALI <noreply@tali.dev>", 0, 0},
    {{"SCORE_WEIGHTS"},
     CFG_STR,
     CFG_OFF(score_weights),
     "{\"tests\":0.30,\"code_quality\":0.15,\"prompt_quality\":0.15,\"prompt_efficiency\":0.10,"
     "\"independence\":0.10,\"context_utilization\":0.05,\"design_thinking\":0.05,"
     "\"debugging_strategy\":0.05,\"written_communication\":0.05}",
     0,
     0},
    {{"DEFAULT_CALIBRATION_PROMPT"},
     CFG_STR,
     CFG_OFF(default_calibration_prompt),
     "Ask Claude to help you write a Python function that reverses a string. "
     "Show your approach to working with AI assistance.",
     0,
     0},
    {{"MVP_DISABLE_STRIPE"}, CFG_BOOL, CFG_OFF(mvp_disable_stripe), "true", 0, 0},
    {{"MVP_DISABLE_WORKABLE"}, CFG_BOOL, CFG_OFF(mvp_disable_workable), "true", 0, 0},
    {{"MVP_DISABLE_CELERY"}, CFG_BOOL, CFG_OFF(mvp_disable_celery), "true", 0, 0},
    {{"MVP_DISABLE_CLAUDE_SCORING"}, CFG_BOOL, CFG_OFF(mvp_disable_claude_scoring), "true", 0, 0},
    {{"TASK_AUTHORING_API_ENABLED"}, CFG_BOOL, CFG_OFF(task_authoring_api_enabled), "true", 0, 0},
    {{"MVP_DISABLE_CALIBRATION"}, CFG_BOOL, CFG_OFF(mvp_disable_calibration), "true", 0, 0},
    {{"MVP_DISABLE_PROCTORING"}, CFG_BOOL, CFG_OFF(mvp_disable_proctoring), "true", 0, 0},
    {{"SCORING_V2_ENABLED"}, CFG_BOOL, CFG_OFF(scoring_v2_enabled), "false", 0, 0},
    {{"CANDIDATE_PROOF_REQUIRED"}, CFG_BOOL, CFG_OFF(candidate_proof_required), "false", 0, 0},
    {{"WORKABLE_OAUTH_LEGACY_NO_STATE"}, CFG_BOOL, CFG_OFF(workable_oauth_legacy_no_state), "false", 0, 0},

    /* port-only */
    {{"HOST"}, CFG_STR, CFG_OFF(host), "127.0.0.1", 0, 0},
    {{"PORT"}, CFG_INT, CFG_OFF(port), "8000", 1, 65535},
    {{"WORKER_THREADS"}, CFG_INT, CFG_OFF(worker_threads), "16", 1, 1024},
    {{"MAX_CONNECTIONS"}, CFG_INT, CFG_OFF(max_connections), "1024", 1, 1000000},
    {{"MAX_CONNECTIONS_PER_IP"}, CFG_INT, CFG_OFF(max_connections_per_ip), "256", 0, 1000000},
    {{"CONNECTION_IDLE_TIMEOUT"}, CFG_INT, CFG_OFF(connection_idle_timeout_s), "30", 1, 86400},
    {{"MAX_CONCURRENT_EXTRACTIONS"}, CFG_INT, CFG_OFF(max_concurrent_extractions), "4", 1, 1024},
    {{"AUTH_LOCKOUT_THRESHOLD"}, CFG_INT, CFG_OFF(auth_lockout_threshold), "5", 1, 1000000},
    {{"AUTH_LOCKOUT_MINUTES"}, CFG_INT, CFG_OFF(auth_lockout_minutes), "15", 1, 525600},
    {{"AUTH_REQUIRE_VERIFIED_LOGIN"}, CFG_BOOL, CFG_OFF(auth_require_verified_login), "true", 0, 0},
    {{"DB_POOL_TIMEOUT"}, CFG_INT, CFG_OFF(db_pool_timeout_s), "30", 1, 3600},
    {{"TRUST_X_FORWARDED_FOR"}, CFG_BOOL, CFG_OFF(trust_forwarded_for), "true", 0, 0},
    {{"RUN_WORKER"}, CFG_BOOL, CFG_OFF(run_worker), "true", 0, 0},
    {{"ANTHROPIC_BASE_URL"}, CFG_STR, CFG_OFF(anthropic_base_url), "https://api.anthropic.com", 0, 0},
    {{"E2B_API_URL"}, CFG_STR, CFG_OFF(e2b_api_url), "https://api.e2b.app", 0, 0},
    {{"E2B_DOMAIN"}, CFG_STR, CFG_OFF(e2b_domain), "e2b.app", 0, 0},
    {{"RESEND_BASE_URL", "RESEND_API_URL"}, CFG_STR, CFG_OFF(resend_base_url), "https://api.resend.com", 0, 0},
    {{"SMTP_URL"}, CFG_STR, CFG_OFF(smtp_url), "", 0, 0},
    {{"STRIPE_API_BASE"}, CFG_STR, CFG_OFF(stripe_api_base), "https://api.stripe.com", 0, 0},
    {{"WORKABLE_API_BASE", "WORKABLE_API_BASE_TEMPLATE"},
     CFG_STR,
     CFG_OFF(workable_api_base),
     "https://{subdomain}.workable.com/spi/v3",
     0,
     0},
    {{"WORKABLE_OAUTH_BASE"}, CFG_STR, CFG_OFF(workable_oauth_base), "https://www.workable.com", 0, 0},
    {{"AWS_S3_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL"},
     CFG_OPT_STR,
     CFG_OFF(aws_s3_endpoint_url),
     NULL,
     0,
     0},
    {{"UPLOAD_DIR"}, CFG_STR, CFG_OFF(upload_dir), "uploads", 0, 0},
    {{"SANDBOX_PROVIDER"}, CFG_STR, CFG_OFF(sandbox_provider), "", 0, 0},
    {{"TEAM_INVITE_STYLE"}, CFG_STR, CFG_OFF(team_invite_style), "legacy", 0, 0},
    {{"SANDBOX_ROOT"}, CFG_STR, CFG_OFF(sandbox_root), "./sandboxes", 0, 0},
    {{"SANDBOX_BWRAP"}, CFG_STR, CFG_OFF(sandbox_bwrap), "/usr/bin/bwrap", 0, 0},
    {{"TALI_TEST_HOOKS"}, CFG_BOOL, CFG_OFF(enable_test_hooks), "false", 0, 0},
};

#define CFG_N (sizeof cfg_settings / sizeof cfg_settings[0])

/* Secrets the original refused in production (platform-integrations §2.6). */
static const char *const cfg_insecure_secrets[] = {
    "dev-secret-key-change-in-production",
    "changeme",
    "secret",
    "",
};

/* ---- dotenv ---- */

/* A parsed dotenv file: names and values in file order, later entries
 * override earlier ones on lookup. */
typedef struct {
    char **keys;
    char **vals;
    size_t n, cap;
} cfg_kv_t;

static void cfg_kv_free(cfg_kv_t *kv)
{
    for (size_t i = 0; i < kv->n; i++) {
        free(kv->keys[i]);
        free(kv->vals[i]);
    }
    free(kv->keys);
    free(kv->vals);
    memset(kv, 0, sizeof *kv);
}

/* Latest value for name (case-insensitive), or NULL. */
static const char *cfg_kv_get(const cfg_kv_t *kv, const char *name)
{
    for (size_t i = kv->n; i-- > 0;)
        if (strcasecmp(kv->keys[i], name) == 0)
            return kv->vals[i];
    return NULL;
}

static void cfg_kv_put(cfg_kv_t *kv, char *key, char *val)
{
    if (kv->n == kv->cap) {
        kv->cap = kv->cap ? kv->cap * 2 : 32;
        kv->keys = xrealloc(kv->keys, kv->cap * sizeof *kv->keys);
        kv->vals = xrealloc(kv->vals, kv->cap * sizeof *kv->vals);
    }
    kv->keys[kv->n] = key;
    kv->vals[kv->n] = val;
    kv->n++;
}

/* The process environment value for name, matched case-insensitively as
 * pydantic-settings does; an exact-case match is preferred when the
 * environment holds several spellings. */
static const char *cfg_env_get(const char *name)
{
    const char *exact = getenv(name);
    if (exact)
        return exact;
    size_t n = strlen(name);
    for (char **e = environ; e && *e; e++)
        if (strncasecmp(*e, name, n) == 0 && (*e)[n] == '=')
            return *e + n + 1;
    return NULL;
}

static bool cfg_is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\f' || c == '\v';
}

/* Expands ${NAME} and ${NAME:-default} as python-dotenv's dotenv_values()
 * does: values defined earlier in the file win over the environment.
 * Returns a heap string. */
static char *cfg_expand(const cfg_kv_t *kv, const char *s)
{
    mem_buf_t b = {0};
    const char *p = s;
    while (*p) {
        if (p[0] == '$' && p[1] == '{') {
            const char *close = strchr(p + 2, '}');
            if (close) {
                const char *name = p + 2;
                const char *colon = NULL;
                for (const char *q = name; q < close; q++)
                    if (*q == ':') {
                        colon = q;
                        break;
                    }
                /* a ':' not followed by '-' makes the whole thing literal */
                if (!colon || colon[1] == '-') {
                    size_t nlen = (size_t)((colon ? colon : close) - name);
                    char *key = xstrndup(name, nlen);
                    const char *v = cfg_kv_get(kv, key);
                    if (!v)
                        v = cfg_env_get(key);
                    free(key);
                    /* as python-dotenv: a defined but empty variable
                     * does not take the default */
                    if (v)
                        mem_buf_puts(&b, v);
                    else if (colon)
                        mem_buf_append(&b, colon + 2, (size_t)(close - colon - 2));
                    p = close + 1;
                    continue;
                }
            }
        }
        mem_buf_append(&b, p, 1);
        p++;
    }
    return mem_buf_take(&b);
}

/* Parses dotenv text into kv.  Malformed lines are skipped, as
 * python-dotenv does (it only warns). */
static void cfg_dotenv_parse(const char *text, cfg_kv_t *kv)
{
    const char *p = text;
    while (*p) {
        /* start of a line */
        while (cfg_is_blank(*p))
            p++;
        if (*p == '\n' || *p == '\r') {
            p++;
            continue;
        }
        if (*p == '#')
            goto skip_line;
        if (strncmp(p, "export", 6) == 0 && cfg_is_blank(p[6])) {
            p += 6;
            while (cfg_is_blank(*p))
                p++;
        }
        char *key = NULL;
        if (*p == '\'' || *p == '"') {
            char q = *p++;
            const char *start = p;
            while (*p && *p != q && *p != '\n')
                p++;
            if (*p != q)
                goto skip_line;
            key = xstrndup(start, (size_t)(p - start));
            p++;
        } else {
            const char *start = p;
            while (*p && *p != '=' && *p != '#' && !isspace((unsigned char)*p))
                p++;
            if (p == start)
                goto skip_line;
            key = xstrndup(start, (size_t)(p - start));
        }
        while (cfg_is_blank(*p))
            p++;
        if (*p != '=') {
            /* "KEY" alone has no value: it sets nothing */
            free(key);
            goto skip_line;
        }
        p++;
        while (cfg_is_blank(*p))
            p++;

        mem_buf_t val = {0};
        if (*p == '\'' || *p == '"') {
            char q = *p++;
            /* quoted values may span lines; backslash escapes the quote */
            const char *start = p;
            while (*p && *p != q) {
                if (*p == '\\' && p[1])
                    p++;
                p++;
            }
            if (*p != q) {
                free(key);
                mem_buf_free(&val);
                p = start;
                goto skip_line;
            }
            for (const char *r = start; r < p; r++) {
                if (*r == '\\' && r + 1 < p) {
                    char c = r[1];
                    char out = 0;
                    if (q == '\'') {
                        if (c == '\\' || c == '\'')
                            out = c;
                    } else {
                        switch (c) {
                        case '\\': out = '\\'; break;
                        case '\'': out = '\''; break;
                        case '"': out = '"'; break;
                        case 'a': out = '\a'; break;
                        case 'b': out = '\b'; break;
                        case 'f': out = '\f'; break;
                        case 'n': out = '\n'; break;
                        case 'r': out = '\r'; break;
                        case 't': out = '\t'; break;
                        case 'v': out = '\v'; break;
                        default: break;
                        }
                    }
                    if (out) {
                        mem_buf_append(&val, &out, 1);
                        r++;
                        continue;
                    }
                }
                mem_buf_append(&val, r, 1);
            }
            p++;
            /* anything after the closing quote other than a comment makes
             * the line invalid in python-dotenv */
            while (cfg_is_blank(*p))
                p++;
            if (*p && *p != '\n' && *p != '\r' && *p != '#') {
                free(key);
                mem_buf_free(&val);
                goto skip_line;
            }
        } else {
            const char *start = p;
            while (*p && *p != '\n' && *p != '\r')
                p++;
            size_t len = (size_t)(p - start);
            /* an inline comment starts at blank + '#' */
            for (size_t i = 0; i < len; i++)
                if (start[i] == '#' && i > 0 && isspace((unsigned char)start[i - 1])) {
                    len = i;
                    break;
                }
            while (len > 0 && isspace((unsigned char)start[len - 1]))
                len--;
            mem_buf_append(&val, start, len);
        }
        char *raw = mem_buf_take(&val);
        char *expanded = cfg_expand(kv, raw);
        free(raw);
        cfg_kv_put(kv, key, expanded);

    skip_line:
        while (*p && *p != '\n')
            p++;
        if (*p == '\n')
            p++;
    }
}

/* Reads path into kv.  A missing file is not an error. */
static int cfg_dotenv_read(const char *path, cfg_kv_t *kv, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        if (errno == ENOENT)
            return 0;
        snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
        return -1;
    }
    mem_buf_t b = {0};
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        mem_buf_append(&b, chunk, n);
    bool failed = ferror(f) != 0;
    fclose(f);
    if (failed) {
        mem_buf_free(&b);
        snprintf(err, errlen, "cannot read %s", path);
        return -1;
    }
    char *text = mem_buf_take(&b);
    /* a UTF-8 byte order mark is not part of the first name */
    const char *start = text;
    if ((unsigned char)start[0] == 0xEF && (unsigned char)start[1] == 0xBB && (unsigned char)start[2] == 0xBF)
        start += 3;
    cfg_dotenv_parse(start, kv);
    free(text);
    return 0;
}

/* ---- value parsing ---- */

int config_parse_bool(const char *s, bool *out)
{
    static const char *const yes[] = {"true", "1", "yes", "on", "t", "y"};
    static const char *const no[] = {"false", "0", "no", "off", "f", "n"};
    if (!s)
        return -1;
    while (isspace((unsigned char)*s))
        s++;
    size_t len = strlen(s);
    while (len > 0 && isspace((unsigned char)s[len - 1]))
        len--;
    for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++) {
        if (strlen(yes[i]) == len && strncasecmp(s, yes[i], len) == 0) {
            *out = true;
            return 0;
        }
        if (strlen(no[i]) == len && strncasecmp(s, no[i], len) == 0) {
            *out = false;
            return 0;
        }
    }
    return -1;
}

/* Decimal integer with optional sign and surrounding blanks; nothing else. */
static int cfg_parse_int(const char *s, int *out)
{
    while (isspace((unsigned char)*s))
        s++;
    const char *d = s;
    if (*d == '+' || *d == '-')
        d++;
    if (!isdigit((unsigned char)*d))
        return -1;
    errno = 0;
    char *end;
    long v = strtol(s, &end, 10);
    if (errno == ERANGE || v < INT_MIN || v > INT_MAX)
        return -1;
    while (isspace((unsigned char)*end))
        end++;
    if (*end)
        return -1;
    *out = (int)v;
    return 0;
}

static int cfg_apply(config_t *c, const cfg_setting_t *s, const char *text, char *err, size_t errlen)
{
    void *field = (char *)c + s->offset;
    switch (s->type) {
    case CFG_STR:
    case CFG_OPT_STR: {
        char **slot = field;
        free(*slot);
        *slot = text ? xstrdup(text) : NULL;
        return 0;
    }
    case CFG_INT: {
        int v;
        if (cfg_parse_int(text, &v) < 0) {
            snprintf(err, errlen, "invalid value for %s: \"%s\" (expected an integer)", s->names[0], text);
            return -1;
        }
        if (s->min < s->max && (v < s->min || v > s->max)) {
            snprintf(err, errlen, "invalid value for %s: \"%s\" (expected an integer from %ld to %ld)", s->names[0],
                     text, s->min, s->max);
            return -1;
        }
        *(int *)field = v;
        return 0;
    }
    case CFG_BOOL:
        if (config_parse_bool(text, field) < 0) {
            snprintf(err, errlen, "invalid value for %s: \"%s\" (expected a boolean: true/false, 1/0, yes/no, on/off)",
                     s->names[0], text);
            return -1;
        }
        return 0;
    }
    return 0;
}

/* The value a source gives for s: the first of its names present. */
static const char *cfg_lookup(const cfg_setting_t *s, const cfg_kv_t *dotenv)
{
    for (size_t i = 0; i < 4 && s->names[i]; i++) {
        const char *v = dotenv ? cfg_kv_get(dotenv, s->names[i]) : cfg_env_get(s->names[i]);
        if (v)
            return v;
    }
    return NULL;
}

static void cfg_build_cors(config_t *c)
{
    size_t cap = 4, n = 0;
    char **list = xcalloc(cap + 1, sizeof *list);
    const char *fixed[] = {c->frontend_url ? c->frontend_url : "", "http://localhost:5173", "http://localhost:3000"};
    for (size_t i = 0; i < 3; i++) {
        bool dup = false;
        for (size_t j = 0; j < n; j++)
            dup = dup || strcmp(list[j], fixed[i]) == 0;
        if (!dup)
            list[n++] = xstrdup(fixed[i]);
    }
    const char *p = c->cors_extra_origins;
    while (p && *p) {
        const char *comma = strchr(p, ',');
        const char *end = comma ? comma : p + strlen(p);
        const char *a = p, *z = end;
        while (a < z && isspace((unsigned char)*a))
            a++;
        while (z > a && isspace((unsigned char)z[-1]))
            z--;
        if (z > a) {
            char *o = xstrndup(a, (size_t)(z - a));
            bool dup = false;
            for (size_t j = 0; j < n; j++)
                dup = dup || strcmp(list[j], o) == 0;
            if (dup) {
                free(o);
            } else {
                if (n == cap) {
                    cap *= 2;
                    list = xrealloc(list, (cap + 1) * sizeof *list);
                }
                list[n++] = o;
            }
        }
        p = comma ? comma + 1 : end;
    }
    list[n] = NULL;
    c->cors_origins = list;
    c->n_cors_origins = n;
}

int config_load(config_t *out, const char *env_file, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    if (errlen)
        err[0] = '\0';
    cfg_kv_t dotenv = {0};
    if (cfg_dotenv_read(env_file ? env_file : ".env", &dotenv, err, errlen) < 0)
        goto fail;

    for (size_t i = 0; i < CFG_N; i++) {
        const cfg_setting_t *s = &cfg_settings[i];
        if (cfg_apply(out, s, s->def, err, errlen) < 0)
            goto fail;
        const char *v = cfg_lookup(s, NULL);
        if (!v)
            v = cfg_lookup(s, &dotenv);
        if (v && cfg_apply(out, s, v, err, errlen) < 0)
            goto fail;
    }
    cfg_kv_free(&dotenv);

    /* The port defaults to an embedded database instead of the original's
     * local PostgreSQL, so a bare checkout runs. */
    if (!out->database_url[0]) {
        free(out->database_url);
        out->database_url = xstrdup("sqlite:///tali.db");
    }
    if (strcmp(out->sandbox_provider, "") && strcmp(out->sandbox_provider, "local") &&
        strcmp(out->sandbox_provider, "e2b")) {
        snprintf(err, errlen, "invalid value for SANDBOX_PROVIDER: \"%s\" (expected \"local\" or \"e2b\")",
                 out->sandbox_provider);
        config_free(out);
        return -1;
    }
    if (strcmp(out->team_invite_style, "legacy") && strcmp(out->team_invite_style, "v2")) {
        snprintf(err, errlen, "invalid value for TEAM_INVITE_STYLE: \"%s\" (expected \"legacy\" or \"v2\")",
                 out->team_invite_style);
        config_free(out);
        return -1;
    }

    out->production = (out->sentry_dsn && out->sentry_dsn[0]) || !strstr(out->frontend_url, "localhost");
    if (out->production) {
        for (size_t i = 0; i < sizeof cfg_insecure_secrets / sizeof cfg_insecure_secrets[0]; i++)
            if (strcmp(out->secret_key, cfg_insecure_secrets[i]) == 0) {
                snprintf(err, errlen,
                         "insecure SECRET_KEY in production mode (SENTRY_DSN is set or FRONTEND_URL does not "
                         "contain \"localhost\"): set SECRET_KEY to a random secret, e.g. `openssl rand -hex 32`");
                config_free(out);
                return -1;
            }
    }
    cfg_build_cors(out);
    return 0;

fail:
    cfg_kv_free(&dotenv);
    config_free(out);
    return -1;
}

void config_install(const config_t *c)
{
    cfg = c;
}

void config_free(config_t *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < CFG_N; i++) {
        const cfg_setting_t *s = &cfg_settings[i];
        if (s->type == CFG_STR || s->type == CFG_OPT_STR) {
            char **slot = (char **)((char *)c + s->offset);
            free(*slot);
            *slot = NULL;
        }
    }
    if (c->cors_origins) {
        for (size_t i = 0; i < c->n_cors_origins; i++)
            free(c->cors_origins[i]);
        free(c->cors_origins);
    }
    c->cors_origins = NULL;
    c->n_cors_origins = 0;
}

const char *const *config_cors_origins(const config_t *c, size_t *n)
{
    /* A configuration assembled by hand (tests) gets its list on first use;
     * config_t objects are never defined const, so filling it is sound. */
    if (!c->cors_origins)
        cfg_build_cors((config_t *)c);
    *n = c->n_cors_origins;
    return (const char *const *)c->cors_origins;
}
