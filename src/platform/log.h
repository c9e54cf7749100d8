/* log: one JSON object per line on stdout, ASCII only:
 * {"timestamp":"...Z","level":"INFO","logger":"tali.http","request_id":"...",
 *  "message":"..."} plus any extra fields given.  request_id is present when
 * the calling thread is serving a request.  Never log a password, token,
 * key or Authorization header. */
#ifndef TALI_PLATFORM_LOG_H
#define TALI_PLATFORM_LOG_H

#include <jansson.h>

typedef enum { LOG_DEBUG, LOG_INFO, LOG_WARNING, LOG_ERROR } log_level_t;

/* Writes one line.  fmt is printf-style for the message. */
void log_msg(log_level_t level, const char *logger, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Writes one line with extra fields (borrowed object, keys appended after
 * "message" in their order). */
void log_fields(log_level_t level, const char *logger, const json_t *fields, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Sets (or clears with NULL) the request id attached to this thread's
 * lines.  The string must live until cleared. */
void log_set_request_id(const char *rid);
const char *log_request_id(void);

/* Lines below this level are dropped (LOG_LEVEL=debug|info|warning|error). */
void log_set_level(log_level_t level);

/* Parses a LOG_LEVEL value (debug, info, warning/warn, error; any case,
 * surrounding blanks ignored) into *out.  Returns 0, or -1 when the text is
 * none of these (*out untouched). */
int log_parse_level(const char *s, log_level_t *out);

/* Redirects output (tests); NULL restores stdout. */
#include <stdio.h>
void log_set_stream(FILE *f);

#define log_info(logger, ...) log_msg(LOG_INFO, logger, __VA_ARGS__)
#define log_warn(logger, ...) log_msg(LOG_WARNING, logger, __VA_ARGS__)
#define log_error(logger, ...) log_msg(LOG_ERROR, logger, __VA_ARGS__)

#endif
