/* httpclient: outbound HTTP(S) and SMTP through libcurl, for every external
 * service (Anthropic, E2B, Resend, Stripe, Workable, S3).  Blocking calls
 * with hard timeouts; a response of any status is a success at this level,
 * callers decide what a status means. */
#ifndef TALI_PLATFORM_HTTPCLIENT_H
#define TALI_PLATFORM_HTTPCLIENT_H

#include <stddef.h>

#include "platform/err.h"

typedef struct {
    const char *method; /* "GET", "POST", "PUT", "DELETE"...; NULL = GET, or POST with a body */
    const char *url;
    const char *const *headers; /* NULL-terminated "Name: value" lines, or NULL */
    const char *body;           /* may be NULL */
    size_t body_len;
    long timeout_ms;           /* whole request; 0 = 30 s */
    long connect_timeout_ms;   /* 0 = 5 s */
    size_t max_response_bytes; /* 0 = 16 MiB; a larger body fails with ERR_BAD_GATEWAY */
    /* Called for each chunk as it arrives (streaming, e.g. E2B's execute);
     * return non-zero to abort.  When set, the body is still collected. */
    int (*on_data)(void *ctx, const char *data, size_t len);
    void *on_data_ctx;
} httpc_request_t;

typedef struct {
    long status; /* HTTP status, 0 when no response */
    char *body;  /* NUL-terminated, heap; NULL when none */
    size_t body_len;
    char *content_type; /* heap or NULL */
    char error[256];    /* transport error text when the call failed */
} httpc_response_t;

/* Once per process, before threads start. */
void httpc_global_init(void);

/* Performs req.  ERR_OK when a response arrived (whatever its status);
 * ERR_TIMEOUT when it timed out; ERR_BAD_GATEWAY when the connection
 * failed or the response was too large.  *resp is always initialised and
 * must be released with httpc_response_free. */
err_t httpc_perform(const httpc_request_t *req, httpc_response_t *resp);

void httpc_response_free(httpc_response_t *resp);

/* Sends one message over SMTP (smtp:// or smtps:// URL with optional
 * user:password@).  message is the full RFC 5322 text with headers.
 * ERR_OK when the server accepted it. */
err_t httpc_smtp_send(const char *url, const char *from, const char *to, const char *message, char *err, size_t errlen);

/* Percent-encodes s for a URL query or form value (heap string). */
char *httpc_urlencode(const char *s);

#endif
