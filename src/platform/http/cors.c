#include "platform/http/cors.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

/* Lower-case names Starlette compares requested headers against: the
 * configured ones plus the CORS-safelisted ones.  Today's original adds
 * nine to the February list (spec v2 D34): the candidate session and the
 * four proof headers, and the four tracing headers its frontend sends. */
static const char *const CORS_HEADERS_LC[] = {
    "accept",
    "accept-language",
    "authorization",
    "content-language",
    "content-type",
    "x-assessment-token",
    "x-requested-with",
    "x-assessment-session",
    "x-assessment-key-id",
    "x-assessment-proof-timestamp",
    "x-assessment-proof-nonce",
    "x-assessment-proof",
    "baggage",
    "sentry-trace",
    "traceparent",
    "tracestate",
};

static const char *const CORS_METHODS[] = {"GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"};

bool http_cors_origin_allowed(const char *const *origins, size_t n, const char *origin)
{
    if (!origin)
        return false;
    for (size_t i = 0; i < n; i++) {
        if (origins[i] && strcmp(origins[i], origin) == 0)
            return true;
    }
    return false;
}

bool http_cors_is_preflight(const char *method, const char *origin, const char *request_method)
{
    return method && strcmp(method, "OPTIONS") == 0 && origin && request_method;
}

static bool cors_method_ok(const char *m)
{
    for (size_t i = 0; i < sizeof(CORS_METHODS) / sizeof(CORS_METHODS[0]); i++) {
        if (strcmp(CORS_METHODS[i], m) == 0)
            return true;
    }
    return false;
}

static bool cors_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

/* Every comma-separated entry, trimmed, must be an allowed name; an empty
 * entry is not (as in Starlette). */
static bool cors_headers_ok(const char *list)
{
    const char *p = list;
    for (;;) {
        const char *end = strchr(p, ',');
        if (!end)
            end = p + strlen(p);
        const char *s = p, *e = end;
        while (s < e && cors_blank(*s))
            s++;
        while (e > s && cors_blank(e[-1]))
            e--;
        size_t len = (size_t)(e - s);
        bool found = false;
        for (size_t i = 0; i < sizeof(CORS_HEADERS_LC) / sizeof(CORS_HEADERS_LC[0]); i++) {
            if (strlen(CORS_HEADERS_LC[i]) == len && strncasecmp(CORS_HEADERS_LC[i], s, len) == 0) {
                found = true;
                break;
            }
        }
        if (!found)
            return false;
        if (!*end)
            return true;
        p = end + 1;
    }
}

int http_cors_preflight(const char *const *origins, size_t n, const char *origin, const char *request_method,
                        const char *request_headers, bool *origin_ok, char *msg, size_t msglen)
{
    const char *fail[3];
    size_t nfail = 0;
    *origin_ok = http_cors_origin_allowed(origins, n, origin);
    if (!*origin_ok)
        fail[nfail++] = "origin";
    if (!request_method || !cors_method_ok(request_method))
        fail[nfail++] = "method";
    if (request_headers && !cors_headers_ok(request_headers))
        fail[nfail++] = "headers";
    if (nfail == 0) {
        snprintf(msg, msglen, "OK");
        return 200;
    }
    snprintf(msg, msglen, "Disallowed CORS %s%s%s%s%s", fail[0], nfail > 1 ? ", " : "", nfail > 1 ? fail[1] : "",
             nfail > 2 ? ", " : "", nfail > 2 ? fail[2] : "");
    return 400;
}
