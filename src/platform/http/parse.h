/* parse: request parsing that needs no socket: percent-decoding, query
 * strings and urlencoded forms, Content-Type parameters, multipart bodies,
 * request ids.  Everything returned lives in the arena passed in. */
#ifndef TALI_PLATFORM_HTTP_PARSE_H
#define TALI_PLATFORM_HTTP_PARSE_H

#include <stdbool.h>
#include <stddef.h>

#include "platform/http.h"
#include "platform/http/kv.h"
#include "platform/mem.h"

/* Percent-decodes n bytes of src into an arena string; "+" becomes a space
 * when plus_space (query strings and forms, not paths).  A "%" not followed
 * by two hex digits is kept literally, as Python's unquote does.
 * *outlen (may be NULL) receives the decoded length. */
char *http_url_decode(mem_arena_t *a, const char *src, size_t n, bool plus_space, size_t *outlen);

/* Parses "a=1&b=&c" (Python's parse_qsl with keep_blank_values): pairs
 * split on "&", empty pairs skipped, a pair without "=" has value "".
 * Appends to out. */
void http_parse_urlencoded(mem_arena_t *a, const char *s, size_t n, http_kvlist_t *out);

/* True when the media type of a Content-Type value (before any ";",
 * trimmed, case-insensitive) equals type. */
bool http_media_type_is(const char *content_type, const char *type);

/* The value of parameter param of a Content-Type value (name matched
 * case-insensitively, quotes and backslash escapes removed), or NULL. */
char *http_content_type_param(mem_arena_t *a, const char *content_type, const char *param);

typedef struct {
    const char *name;
    http_file_t file;
} http_file_entry_t;

typedef struct {
    http_file_entry_t *v;
    size_t n, cap;
} http_filelist_t;

/* Parses a multipart/form-data body with the given boundary.  Parts with a
 * filename parameter (even an empty one) become files whose data points
 * into body (which must outlive them); other parts become text fields.
 * Accepts CRLF or bare LF line ends and a preamble before the first
 * delimiter.  Returns 0, or -1 when the body is not valid multipart (what
 * was parsed before the error is kept). */
int http_parse_multipart(mem_arena_t *a, const char *body, size_t n, const char *boundary, http_kvlist_t *fields,
                         http_filelist_t *files);

/* True when s is a request id we accept from a client: 1 to 128 characters
 * of [A-Za-z0-9._-]. */
bool http_request_id_ok(const char *s);

#endif
