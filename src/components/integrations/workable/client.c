/* client.c: the two Workable calls the original made (platform-
 * integrations §6.1, §6.2): the OAuth code exchange (a form POST, httpx's
 * default 5 s timeout) and the candidate activity post (JSON, 30 s), plus
 * the URLs and the activity text they use. */
#include "components/integrations/workable/workable.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "platform/config.h"
#include "platform/httpclient.h"
#include "platform/json.h"
#include "platform/log.h"

#define WORKABLE_LOGGER "tali.workable"
#define WORKABLE_OAUTH_TIMEOUT_MS 5000L
#define WORKABLE_API_TIMEOUT_MS 30000L
#define WORKABLE_MAX_RESPONSE_BYTES (1024u * 1024u)
#define WORKABLE_SCOPE "r_jobs+r_candidates+w_candidates"

/* s without its trailing slashes, in arena a. */
static char *workable_trim_slashes(mem_arena_t *a, const char *s)
{
    size_t n = strlen(s);
    while (n > 0 && s[n - 1] == '/')
        n--;
    return mem_strndup(a, s, n);
}

char *workable_redirect_uri(mem_arena_t *a, const char *frontend_url)
{
    return mem_printf(a, "%s/settings/workable/callback", frontend_url ? frontend_url : "");
}

char *workable_authorize_url(mem_arena_t *a, const char *client_id, const char *frontend_url, const char *scope,
                             const char *state)
{
    char *plus = mem_strdup(a, scope ? scope : WORKABLE_SCOPE);
    for (char *p = plus; *p; p++)
        if (*p == ' ')
            *p = '+';
    return mem_printf(a,
                      "https://www.workable.com/oauth/authorize?client_id=%s&redirect_uri=%s&resource=user"
                      "&response_type=code&scope=%s%s%s",
                      client_id ? client_id : "", workable_redirect_uri(a, frontend_url), plus, state ? "&state=" : "",
                      state ? state : "");
}

/* A DNS label: 1-63 of [A-Za-z0-9-]. */
static bool workable_is_label(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 63)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-'))
            return false;
    }
    return true;
}

char *workable_spi_base(mem_arena_t *a, const char *template_url, const char *subdomain)
{
    static const char placeholder[] = "{subdomain}";
    if (!subdomain || !workable_is_label(subdomain))
        return NULL;
    const char *t = template_url && *template_url ? template_url : "https://{subdomain}.workable.com/spi/v3";
    mem_buf_t b = {0};
    for (;;) {
        const char *hit = strstr(t, placeholder);
        if (!hit) {
            mem_buf_puts(&b, t);
            break;
        }
        mem_buf_append(&b, t, (size_t)(hit - t));
        mem_buf_puts(&b, subdomain);
        t = hit + sizeof placeholder - 1;
    }
    char *out = workable_trim_slashes(a, b.data ? b.data : "");
    mem_buf_free(&b);
    return out;
}

char *workable_activity_text(mem_arena_t *a, const char *frontend_url, bool has_score, double score, bool has_tests,
                             int64_t tests_passed, int64_t tests_total, int64_t duration_minutes)
{
    char sbuf[32];
    const char *score_s = has_score ? json_fmt_double(score, sbuf) : "N/A";
    const char *tests_s = has_tests ? mem_printf(a, "%" PRId64 "/%" PRId64, tests_passed, tests_total) : "N/A";
    return mem_printf(a,
                      "TALI Assessment Complete\n"
                      "\n"
                      "Overall score: %s/10\n"
                      "Tests passed: %s\n"
                      "Time taken: %" PRId64 " minutes\n"
                      "Full recruiter report: %s/#/dashboard\n"
                      "\n"
                      "This result was posted automatically by TALI.",
                      score_s, tests_s, duration_minutes, frontend_url ? frontend_url : "");
}

err_t workable_exchange_code(mem_arena_t *a, const char *code, workable_tokens_t *out)
{
    memset(out, 0, sizeof *out);
    const char *base =
        cfg->workable_oauth_base && *cfg->workable_oauth_base ? cfg->workable_oauth_base : "https://www.workable.com";
    const char *url = mem_printf(a, "%s/oauth/token", workable_trim_slashes(a, base));
    const char *pairs[][2] = {
        {"client_id", cfg->workable_client_id ? cfg->workable_client_id : ""},
        {"client_secret", cfg->workable_client_secret ? cfg->workable_client_secret : ""},
        {"code", code ? code : ""},
        {"grant_type", "authorization_code"},
        {"redirect_uri", workable_redirect_uri(a, cfg->frontend_url)},
    };
    mem_buf_t form = {0};
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
        char *v = httpc_urlencode(pairs[i][1]);
        mem_buf_printf(&form, "%s%s=%s", i ? "&" : "", pairs[i][0], v);
        free(v);
    }
    const char *headers[] = {"Content-Type: application/x-www-form-urlencoded", "Accept: application/json", NULL};
    httpc_request_t req = {
        .method = "POST",
        .url = url,
        .headers = headers,
        .body = form.data,
        .body_len = form.len,
        .timeout_ms = WORKABLE_OAUTH_TIMEOUT_MS,
        .max_response_bytes = WORKABLE_MAX_RESPONSE_BYTES,
    };
    httpc_response_t resp;
    err_t e = httpc_perform(&req, &resp);
    mem_buf_free(&form);
    if (e != ERR_OK) {
        log_warn(WORKABLE_LOGGER, "OAuth token exchange failed: %s", resp.error);
        httpc_response_free(&resp);
        return e;
    }
    json_t *j = NULL;
    if (resp.status >= 200 && resp.status < 300 && resp.body)
        j = json_parse(resp.body, resp.body_len, JSON_MAX_DEPTH_DEFAULT, NULL);
    const char *access = json_is_object(j) ? json_get_str(j, "access_token") : NULL;
    if (!access || !*access) {
        log_warn(WORKABLE_LOGGER, "OAuth token exchange refused (HTTP %ld)", resp.status);
        json_decref(j);
        httpc_response_free(&resp);
        return ERR_BAD_GATEWAY;
    }
    out->access_token = mem_strdup(a, access);
    out->refresh_token = mem_strdup(a, json_get_str(j, "refresh_token"));
    const char *sub = json_get_str(j, "subdomain");
    out->subdomain = mem_strdup(a, sub ? sub : "");
    out->scope = mem_strdup(a, json_get_str(j, "scope"));
    json_decref(j);
    httpc_response_free(&resp);
    return ERR_OK;
}

err_t workable_post_activity(const char *access_token, const char *subdomain, const char *candidate_id,
                             const char *text, long *status)
{
    if (status)
        *status = 0;
    mem_arena_t *a = mem_arena_new();
    const char *base = workable_spi_base(a, cfg->workable_api_base, subdomain);
    if (!base || !candidate_id || !*candidate_id) {
        log_warn(WORKABLE_LOGGER, "activity not posted: unusable subdomain or candidate id");
        mem_arena_free(a);
        return ERR_BAD_REQUEST;
    }
    char *cid = httpc_urlencode(candidate_id);
    const char *url = mem_printf(a, "%s/candidates/%s/activities", base, cid);
    free(cid);
    const char *auth = mem_printf(a, "Authorization: Bearer %s", access_token ? access_token : "");
    const char *headers[] = {auth, "Content-Type: application/json", "Accept: application/json", NULL};
    json_t *body = json_object();
    json_object_set_new(body, "body", json_string(text ? text : ""));
    char *body_s = json_encode(body);
    json_decref(body);
    httpc_request_t req = {
        .method = "POST",
        .url = url,
        .headers = headers,
        .body = body_s,
        .body_len = strlen(body_s),
        .timeout_ms = WORKABLE_API_TIMEOUT_MS,
        .max_response_bytes = WORKABLE_MAX_RESPONSE_BYTES,
    };
    httpc_response_t resp;
    err_t e = httpc_perform(&req, &resp);
    free(body_s);
    if (status)
        *status = resp.status;
    if (e != ERR_OK) {
        log_warn(WORKABLE_LOGGER, "activity post failed: %s", resp.error);
    } else if (resp.status < 200 || resp.status >= 300) {
        log_warn(WORKABLE_LOGGER, "activity post refused (HTTP %ld)", resp.status);
        e = ERR_BAD_GATEWAY;
    }
    httpc_response_free(&resp);
    mem_arena_free(a);
    return e;
}
