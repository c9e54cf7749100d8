#include "components/integrations/e2b/e2b.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "platform/httpclient.h"
#include "platform/json.h"
#include "platform/log.h"
#include "platform/mem.h"

#define E2B_LOGGER "tali.e2b"
#define E2B_TEMPLATE "code-interpreter-v1"
#define E2B_DEFAULT_API_URL "https://api.e2b.app"
#define E2B_DEFAULT_DOMAIN "e2b.app"
#define E2B_USER_AGENT "User-Agent: tali-e2b/1.0 (e2b-python-sdk 1.x protocol)"
#define E2B_PORT_CODE 49999
#define E2B_PORT_ENVD 49983
#define E2B_ID_MAX 128
#define E2B_DOMAIN_CACHE 64
#define E2B_TESTS_PATH "/tmp/test_assessment.py"

/* The code-interpreter's messages for transport failures, as the SDK words
 * them (the original returned str(exception) as the error). */
#define E2B_MSG_EXEC_TIMEOUT "Execution timed out \xe2\x80\x94 the 'timeout' option can be used to increase the timeout"
#define E2B_MSG_SANDBOX_TIMEOUT                                                                                        \
    ": This error is likely due to sandbox timeout. You can modify the sandbox timeout by passing 'timeout' "          \
    "when starting the sandbox or calling '.set_timeout' on the sandbox with the desired timeout."

/* The pytest run of run_tests: a separate interpreter (the kernel's own, so
 * pytest is the sandbox's), output printed stdout first, then stderr. */
static const char e2b_tests_snippet[] =
    "import subprocess, sys\n"
    "_tali_pytest = subprocess.run([sys.executable, \"-m\", \"pytest\", \"" E2B_TESTS_PATH "\", \"-v\"],\n"
    "                              capture_output=True, text=True)\n"
    "print(_tali_pytest.stdout)\n"
    "print(_tali_pytest.stderr)\n";

typedef struct {
    char id[E2B_ID_MAX];
    char *domain; /* heap */
} e2b_domain_entry_t;

typedef struct {
    sandbox_provider_t prov; /* first: prov.self points at the whole struct */
    char *api_key;
    char *api_url;     /* no trailing slash */
    char *domain;      /* the configured sandbox domain */
    char *sandbox_url; /* template, or NULL */
    bool debug;
    int lifetime_s;
    long request_timeout_ms;
    long execute_timeout_ms;
    char key_header[512];
    /* Sandboxes whose API answer named a domain other than the configured
     * one (self-hosted clusters); a miss falls back to `domain`. */
    pthread_mutex_t mu;
    e2b_domain_entry_t domains[E2B_DOMAIN_CACHE];
    size_t next_domain;
} e2b_t;

/* ---- helpers ---- */

static bool e2b_valid_id(const char *id)
{
    size_t n = id ? strlen(id) : 0;
    if (n == 0 || n >= E2B_ID_MAX)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = id[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_'))
            return false;
    }
    return true;
}

static char *e2b_strip_slash(const char *s)
{
    char *out = xstrdup(s);
    size_t n = strlen(out);
    while (n > 0 && out[n - 1] == '/')
        out[--n] = '\0';
    return out;
}

/* The upstream's explanation of a non-2xx answer: `message` of an E2B
 * error body, else the body itself (bounded), else "". Heap string. */
static char *e2b_upstream_message(const httpc_response_t *r)
{
    if (!r->body || r->body_len == 0)
        return xstrdup("");
    json_t *j = json_loadb(r->body, r->body_len, 0, NULL);
    const char *msg = j ? json_get_str(j, "message") : NULL;
    char *out = msg ? xstrdup(msg) : xstrndup(r->body, r->body_len > 500 ? 500 : r->body_len);
    json_decref(j);
    return out;
}

/* A host name (with an optional port) fit to be spliced into a URL. */
static bool e2b_valid_domain(const char *d)
{
    size_t n = d ? strlen(d) : 0;
    if (n == 0 || n > 253)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = d[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
              c == ':'))
            return false;
    }
    return true;
}

static void e2b_domain_remember(e2b_t *e, const char *id, const char *domain)
{
    if (!e2b_valid_domain(domain) || strcmp(domain, e->domain) == 0 || !e2b_valid_id(id))
        return;
    pthread_mutex_lock(&e->mu);
    e2b_domain_entry_t *slot = NULL;
    for (size_t i = 0; i < E2B_DOMAIN_CACHE; i++)
        if (strcmp(e->domains[i].id, id) == 0)
            slot = &e->domains[i];
    if (!slot) {
        slot = &e->domains[e->next_domain];
        e->next_domain = (e->next_domain + 1) % E2B_DOMAIN_CACHE;
    }
    snprintf(slot->id, sizeof slot->id, "%s", id);
    free(slot->domain);
    slot->domain = xstrdup(domain);
    pthread_mutex_unlock(&e->mu);
}

static void e2b_domain_forget(e2b_t *e, const char *id)
{
    pthread_mutex_lock(&e->mu);
    for (size_t i = 0; i < E2B_DOMAIN_CACHE; i++)
        if (e->domains[i].id[0] && strcmp(e->domains[i].id, id) == 0) {
            e->domains[i].id[0] = '\0';
            free(e->domains[i].domain);
            e->domains[i].domain = NULL;
        }
    pthread_mutex_unlock(&e->mu);
}

/* The domain for a sandbox's hosts (heap). */
static char *e2b_domain_for(e2b_t *e, const char *id)
{
    char *out = NULL;
    pthread_mutex_lock(&e->mu);
    for (size_t i = 0; i < E2B_DOMAIN_CACHE && !out; i++)
        if (e->domains[i].id[0] && strcmp(e->domains[i].id, id) == 0)
            out = xstrdup(e->domains[i].domain);
    pthread_mutex_unlock(&e->mu);
    return out ? out : xstrdup(e->domain);
}

/* The base URL of a sandbox port, without trailing slash (heap). */
static char *e2b_sandbox_base(e2b_t *e, const char *id, int port)
{
    char *domain = e2b_domain_for(e, id);
    char portbuf[16];
    snprintf(portbuf, sizeof portbuf, "%d", port);
    mem_buf_t b = {0};
    if (e->sandbox_url) {
        const char *p = e->sandbox_url;
        while (*p) {
            if (strncmp(p, "{port}", 6) == 0) {
                mem_buf_puts(&b, portbuf);
                p += 6;
            } else if (strncmp(p, "{sandbox_id}", 12) == 0) {
                mem_buf_puts(&b, id);
                p += 12;
            } else if (strncmp(p, "{domain}", 8) == 0) {
                mem_buf_puts(&b, domain);
                p += 8;
            } else {
                mem_buf_append(&b, p, 1);
                p++;
            }
        }
    } else if (e->debug) {
        mem_buf_printf(&b, "http://localhost:%s", portbuf);
    } else {
        mem_buf_printf(&b, "https://%s-%s.%s", portbuf, id, domain);
    }
    free(domain);
    char *raw = mem_buf_take(&b);
    char *out = e2b_strip_slash(raw);
    free(raw);
    return out;
}

/* A control-API call: path is appended to the API URL; body is JSON text
 * or NULL.  The transport result of httpc_perform; *resp always set. */
static err_t e2b_api(e2b_t *e, const char *method, const char *path, const char *body, httpc_response_t *resp)
{
    char *url = xasprintf("%s%s", e->api_url, path);
    const char *headers[] = {e->key_header, E2B_USER_AGENT, "Accept: application/json",
                             body ? "Content-Type: application/json" : NULL, NULL};
    httpc_request_t req = {
        .method = method,
        .url = url,
        .headers = headers,
        .body = body,
        .body_len = body ? strlen(body) : 0,
        .timeout_ms = e->request_timeout_ms,
        .connect_timeout_ms = e->request_timeout_ms,
        .max_response_bytes = 1u << 20,
    };
    err_t rc = httpc_perform(&req, resp);
    free(url);
    return rc;
}

static void e2b_result_init(sandbox_result_t *r)
{
    memset(r, 0, sizeof *r);
    r->stdout_text = xstrdup("");
    r->stderr_text = xstrdup("");
    r->results = json_array();
    if (!r->results) {
        fprintf(stderr, "e2b: out of memory\n");
        abort();
    }
}

/* Marks r as failed with message (replacing any output, as the original's
 * wrapper returned empty outputs when the SDK raised). */
static void e2b_result_fail(sandbox_result_t *r, const char *message)
{
    free(r->stdout_text);
    free(r->stderr_text);
    free(r->error);
    r->stdout_text = xstrdup("");
    r->stderr_text = xstrdup("");
    json_array_clear(r->results);
    r->error = xstrdup(message);
    r->success = false;
}

/* ---- sandbox life cycle ---- */

/* Parses "a.b.c" and compares with 0.1.0. Unknown formats pass. */
static bool e2b_envd_too_old(const char *v)
{
    int major = 0, minor = 0;
    if (!v || sscanf(v, "%d.%d", &major, &minor) != 2)
        return false;
    return major == 0 && minor < 1;
}

static err_t e2b_kill(e2b_t *e, const char *id, bool quiet)
{
    char *path = xasprintf("/sandboxes/%s", id);
    httpc_response_t resp;
    err_t rc = e2b_api(e, "DELETE", path, NULL, &resp);
    free(path);
    e2b_domain_forget(e, id);
    if (rc != ERR_OK) {
        log_warn(E2B_LOGGER, "killing sandbox %s failed: %s", id, resp.error);
    } else if (resp.status == 404) {
        if (!quiet)
            log_info(E2B_LOGGER, "sandbox %s was already gone", id);
    } else if (resp.status < 200 || resp.status >= 300) {
        char *msg = e2b_upstream_message(&resp);
        log_warn(E2B_LOGGER, "killing sandbox %s failed: %ld: %s", id, resp.status, msg);
        free(msg);
        rc = ERR_BAD_GATEWAY;
    }
    httpc_response_free(&resp);
    return rc;
}

static err_t e2b_create(e2b_t *e, int64_t assessment_id, char **id_out, char *err, size_t errlen)
{
    char aid[32];
    snprintf(aid, sizeof aid, "%lld", (long long)assessment_id);
    json_t *body =
        json_pack("{s:s, s:i, s:{s:s}, s:{}, s:b, s:b}", "templateID", E2B_TEMPLATE, "timeout", e->lifetime_s,
                  "metadata", "assessment_id", aid, "envVars", "secure", 0, "allow_internet_access", 1);
    char *text = json_encode(body);
    json_decref(body);
    httpc_response_t resp;
    err_t rc = e2b_api(e, "POST", "/sandboxes", text, &resp);
    free(text);
    if (rc != ERR_OK) {
        snprintf(err, errlen, "E2B create sandbox: %s", resp.error);
        httpc_response_free(&resp);
        return rc;
    }
    if (resp.status < 200 || resp.status >= 300) {
        char *msg = e2b_upstream_message(&resp);
        snprintf(err, errlen, "E2B create sandbox: %ld: %s", resp.status, msg);
        free(msg);
        httpc_response_free(&resp);
        return ERR_BAD_GATEWAY;
    }
    json_t *j = resp.body ? json_loadb(resp.body, resp.body_len, 0, NULL) : NULL;
    httpc_response_free(&resp);
    const char *id = j ? json_get_str(j, "sandboxID") : NULL;
    if (!e2b_valid_id(id)) {
        snprintf(err, errlen, "E2B create sandbox: the answer holds no usable sandboxID");
        json_decref(j);
        return ERR_BAD_GATEWAY;
    }
    const char *envd = json_get_str(j, "envdVersion");
    if (e2b_envd_too_old(envd)) {
        snprintf(err, errlen, "E2B create sandbox: envd %s is older than 0.1.0; rebuild the template", envd);
        e2b_kill(e, id, true);
        json_decref(j);
        return ERR_BAD_GATEWAY;
    }
    e2b_domain_remember(e, id, json_get_str(j, "domain"));
    *id_out = xstrdup(id);
    log_info(E2B_LOGGER, "created sandbox %s for assessment %lld", id, (long long)assessment_id);
    json_decref(j);
    return ERR_OK;
}

/* GET /sandboxes/{id}: ERR_OK when alive, ERR_NOT_FOUND when gone, another
 * error when the API could not say. */
static err_t e2b_lookup(e2b_t *e, const char *id, char *why, size_t whylen)
{
    char *path = xasprintf("/sandboxes/%s", id);
    httpc_response_t resp;
    err_t rc = e2b_api(e, "GET", path, NULL, &resp);
    free(path);
    if (rc != ERR_OK) {
        snprintf(why, whylen, "%s", resp.error);
    } else if (resp.status == 200) {
        json_t *j = resp.body ? json_loadb(resp.body, resp.body_len, 0, NULL) : NULL;
        e2b_domain_remember(e, id, j ? json_get_str(j, "domain") : NULL);
        json_decref(j);
    } else {
        char *msg = e2b_upstream_message(&resp);
        snprintf(why, whylen, "%ld: %s", resp.status, msg);
        free(msg);
        rc = resp.status == 404 ? ERR_NOT_FOUND : ERR_BAD_GATEWAY;
    }
    httpc_response_free(&resp);
    return rc;
}

/* POST /sandboxes/{id}/timeout: the sandbox lives lifetime_s from now. */
static err_t e2b_extend(e2b_t *e, const char *id, char *why, size_t whylen)
{
    char *path = xasprintf("/sandboxes/%s/timeout", id);
    char body[64];
    snprintf(body, sizeof body, "{\"timeout\":%d}", e->lifetime_s);
    httpc_response_t resp;
    err_t rc = e2b_api(e, "POST", path, body, &resp);
    free(path);
    if (rc != ERR_OK) {
        snprintf(why, whylen, "%s", resp.error);
    } else if (resp.status < 200 || resp.status >= 300) {
        char *msg = e2b_upstream_message(&resp);
        snprintf(why, whylen, "%ld: %s", resp.status, msg);
        free(msg);
        rc = resp.status == 404 ? ERR_NOT_FOUND : ERR_BAD_GATEWAY;
    }
    httpc_response_free(&resp);
    return rc;
}

/* ---- provider operations ---- */

static err_t e2b_available(void *self, char *why, size_t whylen)
{
    e2b_t *e = self;
    if (!e->api_key || !*e->api_key) {
        snprintf(why, whylen, "E2B_API_KEY is not set, so the e2b sandbox provider cannot create sandboxes");
        return ERR_UNAVAILABLE;
    }
    for (const unsigned char *p = (const unsigned char *)e->api_key; *p; p++)
        if (*p < 0x20 || *p == 0x7f) {
            snprintf(why, whylen, "E2B_API_KEY holds control characters");
            return ERR_UNAVAILABLE;
        }
    if (strlen(e->api_key) + sizeof "X-API-KEY: " > sizeof e->key_header) {
        snprintf(why, whylen, "E2B_API_KEY is longer than %zu characters", sizeof e->key_header - 12);
        return ERR_UNAVAILABLE;
    }
    return ERR_OK;
}

static err_t e2b_ensure(void *self, int64_t assessment_id, const char *existing_id, char **id_out, char *err,
                        size_t errlen)
{
    e2b_t *e = self;
    *id_out = NULL;
    if (err && errlen)
        err[0] = '\0';
    if (existing_id && *existing_id) {
        char why[512];
        err_t rc;
        if (!e2b_valid_id(existing_id)) {
            snprintf(why, sizeof why, "the stored id is not a sandbox id");
            rc = ERR_BAD_REQUEST;
        } else {
            rc = e2b_lookup(e, existing_id, why, sizeof why);
        }
        if (rc == ERR_OK) {
            /* extend, so the sandbox outlives the assessment (fix 11) */
            err_t ext = e2b_extend(e, existing_id, why, sizeof why);
            if (ext == ERR_OK) {
                *id_out = xstrdup(existing_id);
                return ERR_OK;
            }
            if (ext != ERR_NOT_FOUND) {
                /* alive now; a failed extension only shortens its life */
                log_warn(E2B_LOGGER, "could not extend sandbox %s: %s", existing_id, why);
                *id_out = xstrdup(existing_id);
                return ERR_OK;
            }
        }
        log_info(E2B_LOGGER, "sandbox %s of assessment %lld cannot be reused (%s); creating a new one",
                 e2b_valid_id(existing_id) ? existing_id : "(invalid)", (long long)assessment_id, why);
    }
    char local[512];
    return e2b_create(e, assessment_id, id_out, err && errlen ? err : local, err && errlen ? errlen : sizeof local);
}

/* Incremental NDJSON parse of the execute stream. */
typedef struct {
    mem_buf_t line;
    mem_buf_t out, errs;
    size_t n_out, n_err;
    json_t *results;
    char *error;
    bool ended;
} e2b_stream_t;

static void e2b_join_chunk(mem_buf_t *b, size_t *n, const char *text)
{
    if ((*n)++ > 0)
        mem_buf_puts(b, "\n");
    mem_buf_puts(b, text);
}

static void e2b_result_string(e2b_stream_t *s, const json_t *ev)
{
    static const char *const formats[] = {"html",  "markdown", "svg",        "png",  "jpeg", "pdf",
                                          "latex", "json",     "javascript", "data", "chart"};
    const char *text = json_get_str(ev, "text");
    char *str;
    if (text && *text) {
        str = xasprintf("Result(%s)", text);
    } else {
        mem_buf_t b = {0};
        size_t n = 0;
        mem_buf_puts(&b, "Result(Formats: ");
        for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++) {
            const json_t *v = json_object_get(ev, formats[i]);
            if (!v || json_is_null(v) || json_is_false(v) || (json_is_string(v) && json_string_length(v) == 0))
                continue;
            mem_buf_printf(&b, "%s%s", n++ ? ", " : "", formats[i]);
        }
        const json_t *extra = json_object_get(ev, "extra");
        if (json_is_object(extra)) {
            const char *k;
            const json_t *v;
            json_object_foreach((json_t *)extra, k, v) mem_buf_printf(&b, "%s%s", n++ ? ", " : "", k);
        }
        mem_buf_puts(&b, ")");
        str = mem_buf_take(&b);
    }
    json_t *v = json_string(str);
    json_array_append_new(s->results, v ? v : json_string("Result()"));
    free(str);
}

static void e2b_stream_line(e2b_stream_t *s, const char *line, size_t len)
{
    while (len > 0 && (line[len - 1] == '\r' || line[len - 1] == ' '))
        len--;
    if (len == 0 || s->ended)
        return;
    json_t *ev = json_loadb(line, len, JSON_ALLOW_NUL, NULL);
    const char *type = ev ? json_get_str(ev, "type") : NULL;
    if (!type) {
        json_decref(ev);
        return;
    }
    if (strcmp(type, "stdout") == 0 || strcmp(type, "stderr") == 0) {
        const char *text = json_get_str(ev, "text");
        if (text) {
            if (strcmp(type, "stdout") == 0)
                e2b_join_chunk(&s->out, &s->n_out, text);
            else
                e2b_join_chunk(&s->errs, &s->n_err, text);
        }
    } else if (strcmp(type, "result") == 0) {
        e2b_result_string(s, ev);
    } else if (strcmp(type, "error") == 0) {
        const char *name = json_get_str(ev, "name");
        const char *value = json_get_str(ev, "value");
        free(s->error);
        s->error = xasprintf("%s: %s", name ? name : "Error", value ? value : "");
    } else if (strcmp(type, "end_of_execution") == 0 || strcmp(type, "unexpected_end_of_execution") == 0) {
        s->ended = true;
    }
    json_decref(ev);
}

static int e2b_stream_data(void *ctx, const char *data, size_t len)
{
    e2b_stream_t *s = ctx;
    while (len > 0) {
        const char *nl = memchr(data, '\n', len);
        size_t n = nl ? (size_t)(nl - data) : len;
        if (!nl) {
            mem_buf_append(&s->line, data, n);
            break;
        }
        if (s->line.len > 0) {
            mem_buf_append(&s->line, data, n);
            e2b_stream_line(s, s->line.data, s->line.len);
            s->line.len = 0;
            s->line.data[0] = '\0';
        } else {
            e2b_stream_line(s, data, n);
        }
        data += n + 1;
        len -= n + 1;
    }
    return 0;
}

static err_t e2b_execute(void *self, const char *id, const char *code, sandbox_result_t *out)
{
    e2b_t *e = self;
    e2b_result_init(out);
    if (!e2b_valid_id(id)) {
        e2b_result_fail(out, "invalid sandbox id");
        return ERR_BAD_REQUEST;
    }
    json_t *code_j = json_stringn(code, strlen(code));
    if (!code_j) {
        e2b_result_fail(out, "code is not valid UTF-8");
        return ERR_BAD_REQUEST;
    }
    json_t *body = json_pack("{s:o, s:n, s:n, s:n}", "code", code_j, "context_id", "language", "env_vars");
    char *text = json_encode(body);
    json_decref(body);

    char *base = e2b_sandbox_base(e, id, E2B_PORT_CODE);
    char *url = xasprintf("%s/execute", base);
    free(base);
    const char *headers[] = {E2B_USER_AGENT, "Content-Type: application/json", "Accept: application/x-ndjson", NULL};
    e2b_stream_t s = {.results = out->results};
    httpc_request_t req = {
        .method = "POST",
        .url = url,
        .headers = headers,
        .body = text,
        .body_len = strlen(text),
        .timeout_ms = e->execute_timeout_ms,
        .connect_timeout_ms = e->request_timeout_ms,
        .max_response_bytes = 32u << 20,
        .on_data = e2b_stream_data,
        .on_data_ctx = &s,
    };
    httpc_response_t resp;
    err_t rc = httpc_perform(&req, &resp);
    free(url);
    free(text);
    if (s.line.len > 0)
        e2b_stream_line(&s, s.line.data, s.line.len);

    err_t ret = ERR_OK;
    if (rc == ERR_TIMEOUT) {
        /* most likely the candidate's own endless loop: reported, not an error of the sandbox */
        e2b_result_fail(out, E2B_MSG_EXEC_TIMEOUT);
    } else if (rc != ERR_OK) {
        e2b_result_fail(out, resp.error);
        ret = rc;
    } else if (resp.status < 200 || resp.status >= 300) {
        char *body_text = xstrndup(resp.body ? resp.body : "", resp.body_len > 1000 ? 1000 : resp.body_len);
        char *msg = resp.status == 404   ? xstrdup(body_text)
                    : resp.status == 502 ? xasprintf("%s%s", body_text, E2B_MSG_SANDBOX_TIMEOUT)
                                         : xasprintf("%ld: %s", resp.status, body_text);
        e2b_result_fail(out, msg);
        log_warn(E2B_LOGGER, "execute in sandbox %s answered %ld", id, resp.status);
        free(msg);
        free(body_text);
        ret = resp.status == 404 ? ERR_NOT_FOUND : ERR_BAD_GATEWAY;
    } else {
        free(out->stdout_text);
        free(out->stderr_text);
        out->stdout_text = s.out.data ? mem_buf_take(&s.out) : xstrdup("");
        out->stderr_text = s.errs.data ? mem_buf_take(&s.errs) : xstrdup("");
        out->error = s.error;
        s.error = NULL;
        out->success = out->error == NULL;
    }
    httpc_response_free(&resp);
    mem_buf_free(&s.line);
    mem_buf_free(&s.out);
    mem_buf_free(&s.errs);
    free(s.error);
    return ret;
}

/* A multipart boundary that does not occur in data. */
static void e2b_boundary(char *buf, size_t buflen, const char *data, size_t len)
{
    for (int attempt = 0;; attempt++) {
        unsigned char rnd[16] = {0};
        if (getrandom(rnd, sizeof rnd, 0) != (ssize_t)sizeof rnd) {
            for (size_t i = 0; i < sizeof rnd; i++)
                rnd[i] = (unsigned char)(attempt * 31 + (int)i * 7);
        }
        int off = snprintf(buf, buflen, "tali-e2b-");
        for (size_t i = 0; i < sizeof rnd && (size_t)off + 2 < buflen; i++)
            off += snprintf(buf + off, buflen - (size_t)off, "%02x", rnd[i]);
        if (!memmem(data, len, buf, strlen(buf)) || attempt > 16)
            return;
    }
}

static bool e2b_valid_path(const char *path)
{
    if (!path || path[0] != '/' || strlen(path) > 1024)
        return false;
    for (const unsigned char *p = (const unsigned char *)path; *p; p++)
        if (*p < 0x20 || *p == 0x7f || *p == '"' || *p == '\\')
            return false;
    return true;
}

static err_t e2b_write_file(void *self, const char *id, const char *path, const char *data, size_t len, char *err,
                            size_t errlen)
{
    e2b_t *e = self;
    if (!e2b_valid_id(id)) {
        snprintf(err, errlen, "invalid sandbox id");
        return ERR_BAD_REQUEST;
    }
    if (!e2b_valid_path(path)) {
        snprintf(err, errlen, "invalid sandbox path");
        return ERR_BAD_REQUEST;
    }
    char boundary[64];
    e2b_boundary(boundary, sizeof boundary, data, len);
    mem_buf_t body = {0};
    mem_buf_printf(&body,
                   "--%s\r\nContent-Disposition: form-data; name=\"file\"; filename=\"%s\"\r\n"
                   "Content-Type: application/octet-stream\r\n\r\n",
                   boundary, path);
    mem_buf_append(&body, data, len);
    mem_buf_printf(&body, "\r\n--%s--\r\n", boundary);

    char *base = e2b_sandbox_base(e, id, E2B_PORT_ENVD);
    char *qpath = httpc_urlencode(path);
    char *url = xasprintf("%s/files?path=%s&username=user", base, qpath);
    char *ctype = xasprintf("Content-Type: multipart/form-data; boundary=%s", boundary);
    free(base);
    free(qpath);
    const char *headers[] = {E2B_USER_AGENT, ctype, "Accept: application/json", NULL};
    httpc_request_t req = {
        .method = "POST",
        .url = url,
        .headers = headers,
        .body = body.data,
        .body_len = body.len,
        .timeout_ms = e->request_timeout_ms,
        .connect_timeout_ms = e->request_timeout_ms,
        .max_response_bytes = 1u << 20,
    };
    httpc_response_t resp;
    err_t rc = httpc_perform(&req, &resp);
    free(url);
    free(ctype);
    mem_buf_free(&body);
    if (rc != ERR_OK) {
        snprintf(err, errlen, "writing %s in sandbox %s: %s", path, id, resp.error);
    } else if (resp.status < 200 || resp.status >= 300) {
        char *msg = e2b_upstream_message(&resp);
        snprintf(err, errlen, "writing %s in sandbox %s: %ld: %s", path, id, resp.status, msg);
        free(msg);
        rc = resp.status == 404 ? ERR_NOT_FOUND : ERR_BAD_GATEWAY;
    }
    httpc_response_free(&resp);
    return rc;
}

static err_t e2b_run_tests(void *self, const char *id, const char *test_code, sandbox_result_t *out)
{
    char err[512];
    err_t rc = e2b_write_file(self, id, E2B_TESTS_PATH, test_code, strlen(test_code), err, sizeof err);
    if (rc != ERR_OK) {
        e2b_result_init(out);
        e2b_result_fail(out, err);
    } else {
        rc = e2b_execute(self, id, e2b_tests_snippet, out);
    }
    sandbox_parse_pytest(out);
    out->has_counts = true;
    out->success = out->failed == 0 && out->passed > 0;
    return rc;
}

static void e2b_destroy(void *self, const char *id)
{
    e2b_t *e = self;
    if (!e2b_valid_id(id)) {
        log_warn(E2B_LOGGER, "not killing a sandbox with an invalid id");
        return;
    }
    e2b_kill(e, id, false);
}

static void e2b_free(void *self)
{
    e2b_t *e = self;
    if (!e)
        return;
    for (size_t i = 0; i < E2B_DOMAIN_CACHE; i++)
        free(e->domains[i].domain);
    pthread_mutex_destroy(&e->mu);
    free(e->api_key);
    free(e->api_url);
    free(e->domain);
    free(e->sandbox_url);
    free(e);
}

/* ---- construction ---- */

sandbox_provider_t *e2b_provider_new_opts(const config_t *c, const e2b_options_t *opts)
{
    e2b_t *e = xcalloc(1, sizeof *e);
    e2b_options_t o = opts ? *opts : (e2b_options_t){0};
    const char *debug_env = getenv("E2B_DEBUG");
    bool debug = false;
    if (debug_env && config_parse_bool(debug_env, &debug) != 0)
        debug = false;
    e->debug = debug;

    e->api_key = xstrdup(c->e2b_api_key ? c->e2b_api_key : "");
    e->domain = e2b_strip_slash(c->e2b_domain && *c->e2b_domain ? c->e2b_domain : E2B_DEFAULT_DOMAIN);
    const char *api = c->e2b_api_url && *c->e2b_api_url ? c->e2b_api_url : E2B_DEFAULT_API_URL;
    bool api_default = strcmp(api, E2B_DEFAULT_API_URL) == 0;
    if (api_default && debug) {
        e->api_url = xstrdup("http://localhost:3000");
    } else if (api_default && strcmp(e->domain, E2B_DEFAULT_DOMAIN) != 0) {
        e->api_url = xasprintf("https://api.%s", e->domain);
    } else {
        e->api_url = e2b_strip_slash(api);
    }
    const char *tmpl = o.sandbox_url ? o.sandbox_url : getenv("E2B_SANDBOX_URL");
    e->sandbox_url = tmpl && *tmpl ? xstrdup(tmpl) : NULL;
    e->lifetime_s = o.sandbox_lifetime_s > 0 ? o.sandbox_lifetime_s : 3600;
    e->request_timeout_ms = o.request_timeout_ms > 0 ? o.request_timeout_ms : 60000;
    e->execute_timeout_ms = o.execute_timeout_ms > 0 ? o.execute_timeout_ms : 300000;
    snprintf(e->key_header, sizeof e->key_header, "X-API-KEY: %s", e->api_key);
    pthread_mutex_init(&e->mu, NULL);

    e->prov.name = "e2b";
    e->prov.self = e;
    e->prov.available = e2b_available;
    e->prov.ensure = e2b_ensure;
    e->prov.execute = e2b_execute;
    e->prov.write_file = e2b_write_file;
    e->prov.run_tests = e2b_run_tests;
    e->prov.destroy = e2b_destroy;
    e->prov.free = e2b_free;
    return &e->prov;
}

sandbox_provider_t *e2b_provider_new(const config_t *c)
{
    return e2b_provider_new_opts(c, NULL);
}
