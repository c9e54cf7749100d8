/* claude: the LLM interface that candidate chat, task generation and CV-job
 * fit matching call (platform-integrations §4).  The one provider behind it
 * is Anthropic's Messages API (anthropic.c): POST {ANTHROPIC_BASE_URL}/v1/messages
 * with the headers the Python SDK sent (x-api-key, anthropic-version
 * 2023-06-01, content-type application/json), no streaming, no tools.
 *
 * Transport follows the SDK's defaults (§4.4): a 600 s timeout per attempt
 * (connect 5 s) and up to 2 automatic retries on connection errors,
 * timeouts, 408, 409, 429 and every status >= 500, with the SDK's
 * exponential back-off (0.5 s doubling up to 8 s, minus up to 25 % jitter).
 * The SDK also honoured retry-after headers; platform/httpclient does not
 * expose response headers, so the back-off is used on every retry.
 *
 * The error codes returned here describe what went wrong upstream; they
 * are not HTTP answers for our clients.  Every caller maps them to its own
 * contract (chat answers 200 success:false, task generation 502, fit
 * matching records an error), so never hand them to http_reply_err as
 * they are. */
#ifndef TALI_COMPONENTS_CLAUDE_H
#define TALI_COMPONENTS_CLAUDE_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "platform/err.h"

/* The SDK's transport defaults. */
#define CLAUDE_DEFAULT_TIMEOUT_MS 600000L
#define CLAUDE_DEFAULT_MAX_RETRIES 2

/* One Messages API call.  Pointers are borrowed for the duration of the
 * call. */
typedef struct {
    const char *model;  /* NULL: cfg->claude_model */
    int max_tokens;     /* <= 0: cfg->max_tokens_per_response */
    const char *system; /* system prompt; NULL: none sent */
    /* The conversation: a JSON array of message objects ({role, content},
     * sent as they are, so chat can pass the client's history verbatim).
     * When NULL, user_message is sent as the only message. */
    const json_t *messages;
    const char *user_message;
    long timeout_ms; /* per attempt; <= 0: CLAUDE_DEFAULT_TIMEOUT_MS */
    int max_retries; /* < 0: CLAUDE_DEFAULT_MAX_RETRIES; 0: one attempt */
} claude_request_t;

/* Why a call failed (finer than err_t, for logs and callers that care). */
typedef enum {
    CLAUDE_FAIL_NONE = 0,
    CLAUDE_FAIL_NO_KEY,       /* ANTHROPIC_API_KEY empty or "skip": nothing was sent */
    CLAUDE_FAIL_CONNECTION,   /* no connection, or it broke before an answer */
    CLAUDE_FAIL_TIMEOUT,      /* no answer within timeout_ms */
    CLAUDE_FAIL_RATE_LIMITED, /* 429 (rate_limit_error) after the retries */
    CLAUDE_FAIL_OVERLOADED,   /* 529 or an overloaded_error body */
    CLAUDE_FAIL_SERVER,       /* other status >= 500 */
    CLAUDE_FAIL_REJECTED,     /* other 4xx: bad request, authentication, permission, not found... */
    CLAUDE_FAIL_BAD_RESPONSE, /* 2xx that is not a Messages reply, or whose first block is not text */
} claude_fail_t;

/* The outcome of claude_messages.  Release with claude_reply_free. */
typedef struct {
    char *text;            /* heap: content[0].text; NULL on failure */
    int64_t input_tokens;  /* usage.input_tokens (0 when absent) */
    int64_t output_tokens; /* usage.output_tokens (0 when absent) */
    char stop_reason[32];  /* "end_turn", "max_tokens", ... or "" */
    long http_status;      /* status of the last attempt; 0 when none arrived */
    int attempts;          /* requests actually sent */
    claude_fail_t fail;
    char error_type[64]; /* Anthropic's error.type ("overloaded_error", ...) or "" */
    char message[512];   /* why it failed, for logs; "" on success */
} claude_reply_t;

/* true when an API key is configured: ANTHROPIC_API_KEY non-empty and not
 * the literal "skip" (the original's test for task generation). */
bool claude_configured(void);

/* Sends req and waits for the answer (blocking; retries as described
 * above).  *out is always initialised and must be released with
 * claude_reply_free, also on failure.  Returns ERR_OK with out->text set
 * when the first content block is text.  Failures:
 *   ERR_UNAVAILABLE    no key (CLAUDE_FAIL_NO_KEY) or overloaded (529)
 *   ERR_TIMEOUT        the last attempt timed out
 *   ERR_RATE_LIMITED   429 after the retries
 *   ERR_BAD_GATEWAY    connection failure, any other error status, or an
 *                      answer that is not a usable Messages reply
 * out->fail, out->error_type and out->message say more. */
err_t claude_messages(const claude_request_t *req, claude_reply_t *out);

/* Frees the reply's heap parts; safe on a zeroed or freed reply. */
void claude_reply_free(claude_reply_t *r);

/* The request body claude_messages sends for req (a new reference):
 * {"model","max_tokens","system"?,"messages"} in that order.  Exposed for
 * tests and logs. */
json_t *claude_request_body(const claude_request_t *req);

/* Interprets a Messages API answer (status and body) into *out the way
 * claude_messages does for its last attempt; exposed for unit tests.
 * Returns the err_t claude_messages would return. */
err_t claude_parse_response(long status, const char *body, claude_reply_t *out);

/* The JSON object in a model's answer, as the original's JSON-returning
 * calls read it (platform-integrations §4.3): the whole text (surrounding
 * whitespace allowed) when it is JSON, otherwise the greedy span from the
 * first '{' to the last '}'.  Returns a new reference to whatever value
 * parsed (callers check it is an object), or NULL when neither parses. */
json_t *claude_extract_json(const char *text);

/* Task generation's reading (§4.3): surrounding whitespace trimmed, a
 * leading ``` fence line (with or without a language tag) and a trailing
 * ``` removed, the rest parsed as JSON.  Returns a new reference or NULL
 * when it is not JSON. */
json_t *claude_parse_fenced_json(const char *text);

#endif
