/* anthropic.c: the claude.h interface over Anthropic's Messages API,
 * through platform/httpclient (libcurl). */
#include "components/integrations/claude/claude.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "platform/config.h"
#include "platform/httpclient.h"
#include "platform/json.h"
#include "platform/log.h"
#include "platform/mem.h"

#define CLAUDE_API_VERSION "2023-06-01"
#define CLAUDE_MAX_RESPONSE_BYTES (8u * 1024u * 1024u)

bool claude_configured(void)
{
    const char *k = cfg ? cfg->anthropic_api_key : NULL;
    return k && *k && strcmp(k, "skip") != 0;
}

void claude_reply_free(claude_reply_t *r)
{
    if (!r)
        return;
    free(r->text);
    r->text = NULL;
}

json_t *claude_request_body(const claude_request_t *req)
{
    const char *model = req->model ? req->model : (cfg && cfg->claude_model ? cfg->claude_model : "");
    int max_tokens = req->max_tokens > 0 ? req->max_tokens : (cfg ? cfg->max_tokens_per_response : 1024);
    json_t *body = json_object();
    json_object_set_new(body, "model", json_string(model));
    json_object_set_new(body, "max_tokens", json_integer(max_tokens));
    if (req->system)
        json_object_set_new(body, "system", json_string(req->system));
    json_t *msgs;
    if (req->messages) {
        msgs = json_deep_copy(req->messages);
    } else {
        msgs = json_array();
        json_array_append_new(
            msgs, json_pack("{s:s,s:s}", "role", "user", "content", req->user_message ? req->user_message : ""));
    }
    json_object_set_new(body, "messages", msgs ? msgs : json_array());
    return body;
}

/* Reads Anthropic's error body {"type":"error","error":{"type","message"}}
 * into out->error_type and an excerpt of its message. */
static void claude_read_error_body(const json_t *j, claude_reply_t *out, char *msg, size_t msglen)
{
    msg[0] = '\0';
    const json_t *err = json_object_get(j, "error");
    const char *type = json_get_str(err, "type");
    const char *m = json_get_str(err, "message");
    if (type)
        snprintf(out->error_type, sizeof out->error_type, "%s", type);
    if (m)
        snprintf(msg, msglen, "%s", m);
}

err_t claude_parse_response(long status, const char *body, claude_reply_t *out)
{
    free(out->text);
    out->text = NULL;
    out->http_status = status;
    out->error_type[0] = '\0';
    out->message[0] = '\0';
    out->stop_reason[0] = '\0';
    out->input_tokens = out->output_tokens = 0;
    json_t *j = body ? json_parse(body, strlen(body), JSON_MAX_DEPTH_DEFAULT, NULL) : NULL;
    char emsg[256];
    emsg[0] = '\0';
    if (j && json_is_object(j) && json_object_get(j, "error"))
        claude_read_error_body(j, out, emsg, sizeof emsg);
    char st[16];
    snprintf(st, sizeof st, "%ld", status);
    err_t e = ERR_OK;
    if (status < 200 || status > 299) {
        if (status == 529 || strcmp(out->error_type, "overloaded_error") == 0) {
            out->fail = CLAUDE_FAIL_OVERLOADED;
            e = ERR_UNAVAILABLE;
        } else if (status == 429) {
            out->fail = CLAUDE_FAIL_RATE_LIMITED;
            e = ERR_RATE_LIMITED;
        } else if (status >= 500) {
            out->fail = CLAUDE_FAIL_SERVER;
            e = ERR_BAD_GATEWAY;
        } else {
            out->fail = CLAUDE_FAIL_REJECTED;
            e = ERR_BAD_GATEWAY;
        }
        snprintf(out->message, sizeof out->message, "Anthropic API answered HTTP %s: %s", st,
                 emsg[0] ? emsg : (out->error_type[0] ? out->error_type : "error"));
        json_decref(j);
        return e;
    }
    if (!j || !json_is_object(j) || json_object_get(j, "error")) {
        out->fail = CLAUDE_FAIL_BAD_RESPONSE;
        snprintf(out->message, sizeof out->message, "Anthropic API answered HTTP %s without a Messages reply%s", st,
                 emsg[0] ? ": error in body" : "");
        json_decref(j);
        return ERR_BAD_GATEWAY;
    }
    const json_t *usage = json_object_get(j, "usage");
    long long n;
    if (json_get_int(usage, "input_tokens", &n))
        out->input_tokens = n;
    if (json_get_int(usage, "output_tokens", &n))
        out->output_tokens = n;
    const char *sr = json_get_str(j, "stop_reason");
    if (sr)
        snprintf(out->stop_reason, sizeof out->stop_reason, "%s", sr);
    const json_t *content = json_object_get(j, "content");
    const json_t *first = json_is_array(content) ? json_array_get(content, 0) : NULL;
    const char *type = json_get_str(first, "type");
    const json_t *text = json_object_get(first, "text");
    if (!first || (type && strcmp(type, "text") != 0) || !json_is_string(text)) {
        out->fail = CLAUDE_FAIL_BAD_RESPONSE;
        snprintf(out->message, sizeof out->message, "Anthropic reply has no text in its first content block%s%s",
                 type ? ": " : "", type ? type : "");
        json_decref(j);
        return ERR_BAD_GATEWAY;
    }
    out->text = xstrndup(json_string_value(text), json_string_length(text));
    out->fail = CLAUDE_FAIL_NONE;
    json_decref(j);
    return ERR_OK;
}

/* Whether the SDK would have retried after this attempt. */
static bool claude_should_retry(const claude_reply_t *r)
{
    if (r->fail == CLAUDE_FAIL_CONNECTION || r->fail == CLAUDE_FAIL_TIMEOUT)
        return true;
    long s = r->http_status;
    return s == 408 || s == 409 || s == 429 || s >= 500;
}

/* The SDK's back-off before retry number `done + 1`: 0.5 s * 2^done,
 * capped at 8 s, times a jitter factor in (0.75, 1]. */
static void claude_backoff(int done)
{
    double d = 0.5;
    for (int i = 0; i < done && d < 8.0; i++)
        d *= 2.0;
    if (d > 8.0)
        d = 8.0;
    unsigned short rnd = 0;
    if (getrandom(&rnd, sizeof rnd, GRND_NONBLOCK) != (ssize_t)sizeof rnd)
        rnd = 0;
    d *= 1.0 - 0.25 * ((double)rnd / 65536.0);
    struct timespec ts = {(time_t)d, (long)((d - (double)(time_t)d) * 1e9)};
    while (nanosleep(&ts, &ts) != 0)
        ;
}

err_t claude_messages(const claude_request_t *req, claude_reply_t *out)
{
    memset(out, 0, sizeof *out);
    if (!claude_configured()) {
        out->fail = CLAUDE_FAIL_NO_KEY;
        snprintf(out->message, sizeof out->message, "ANTHROPIC_API_KEY is not configured");
        return ERR_UNAVAILABLE;
    }
    json_t *body = claude_request_body(req);
    char *payload = json_encode(body);
    json_decref(body);
    const char *base =
        cfg->anthropic_base_url && *cfg->anthropic_base_url ? cfg->anthropic_base_url : "https://api.anthropic.com";
    size_t blen = strlen(base);
    while (blen > 0 && base[blen - 1] == '/')
        blen--;
    char *url = xasprintf("%.*s/v1/messages", (int)blen, base);
    char *key_header = xasprintf("x-api-key: %s", cfg->anthropic_api_key);
    const char *headers[] = {key_header, "anthropic-version: " CLAUDE_API_VERSION, "content-type: application/json",
                             "accept: application/json", NULL};
    httpc_request_t hr = {
        .method = "POST",
        .url = url,
        .headers = headers,
        .body = payload,
        .body_len = strlen(payload),
        .timeout_ms = req->timeout_ms > 0 ? req->timeout_ms : CLAUDE_DEFAULT_TIMEOUT_MS,
        .connect_timeout_ms = 5000,
        .max_response_bytes = CLAUDE_MAX_RESPONSE_BYTES,
    };
    int retries = req->max_retries < 0 ? CLAUDE_DEFAULT_MAX_RETRIES : req->max_retries;
    err_t e = ERR_BAD_GATEWAY;
    for (int attempt = 0;; attempt++) {
        httpc_response_t resp;
        err_t te = httpc_perform(&hr, &resp);
        out->attempts++;
        if (te == ERR_OK) {
            e = claude_parse_response(resp.status, resp.body, out);
        } else {
            free(out->text);
            out->text = NULL;
            out->http_status = 0;
            out->error_type[0] = '\0';
            if (te == ERR_TIMEOUT) {
                out->fail = CLAUDE_FAIL_TIMEOUT;
                e = ERR_TIMEOUT;
                snprintf(out->message, sizeof out->message, "Anthropic API did not answer within %ld ms",
                         hr.timeout_ms);
            } else {
                out->fail = CLAUDE_FAIL_CONNECTION;
                e = ERR_BAD_GATEWAY;
                snprintf(out->message, sizeof out->message, "Anthropic API connection failed: %s",
                         resp.error[0] ? resp.error : "no response");
            }
        }
        httpc_response_free(&resp);
        if (e == ERR_OK || attempt >= retries || !claude_should_retry(out))
            break;
        log_warn("tali.claude", "Anthropic call failed (%s); retrying (%d of %d)", out->message, attempt + 1, retries);
        claude_backoff(attempt);
    }
    if (e != ERR_OK)
        log_error("tali.claude", "Anthropic call failed after %d attempt(s): %s", out->attempts, out->message);
    free(url);
    free(key_header);
    free(payload);
    return e;
}

/* Python's str.strip() whitespace, close enough for model output. */
static bool claude_is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

json_t *claude_extract_json(const char *text)
{
    if (!text)
        return NULL;
    size_t n = strlen(text);
    json_t *j = json_parse(text, n, JSON_MAX_DEPTH_DEFAULT, NULL);
    if (j)
        return j;
    const char *open = strchr(text, '{');
    const char *close = strrchr(text, '}');
    if (!open || !close || close < open)
        return NULL;
    return json_parse(open, (size_t)(close - open) + 1, JSON_MAX_DEPTH_DEFAULT, NULL);
}

json_t *claude_parse_fenced_json(const char *text)
{
    if (!text)
        return NULL;
    const char *s = text;
    const char *e = text + strlen(text);
    while (s < e && claude_is_space(*s))
        s++;
    while (e > s && claude_is_space(e[-1]))
        e--;
    if (e - s >= 3 && strncmp(s, "```", 3) == 0) {
        const char *nl = memchr(s, '\n', (size_t)(e - s));
        s = nl ? nl + 1 : s + 3;
        while (e > s && claude_is_space(e[-1]))
            e--;
        if (e - s >= 3 && strncmp(e - 3, "```", 3) == 0)
            e -= 3;
    }
    if (e <= s)
        return NULL;
    return json_parse(s, (size_t)(e - s), JSON_MAX_DEPTH_DEFAULT, NULL);
}
