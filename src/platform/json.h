/* json: jansson values in, bytes out the way the original (Python) wrote
 * them: compact separators, UTF-8 emitted raw, floats in Python's shortest
 * round-trip repr with ".0" on integral values, object keys in insertion
 * order.  Parsing wraps jansson with a size and depth limit. */
#ifndef TALI_PLATFORM_JSON_H
#define TALI_PLATFORM_JSON_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "platform/mem.h"

/* Makes jansson allocate through xmalloc (platform/mem.h), so that an
 * exhausted heap aborts with the one message instead of surfacing as a
 * NULL value far from its cause.  Call once at the start of the process,
 * before any jansson value exists and before threads start (main, and the
 * setup of unit tests).  Memory stays malloc-compatible: libraries that
 * free jansson's output with free() keep working. */
void json_use_abort_alloc(void);

/* Formats d as Python's repr(float) does ("7.5", "8.0", "1e-07", "1e+16",
 * "inf", "nan") into buf, which must hold 32 bytes.  Returns buf. */
char *json_fmt_double(double d, char buf[32]);

/* Appends the encoding of v to b.  ascii=true escapes every non-ASCII code
 * point as a \u escape (log lines); otherwise UTF-8 is written raw.  Non-finite
 * reals (which JSON cannot hold) are written as null. */
void json_encode_buf(mem_buf_t *b, const json_t *v, bool ascii);

/* Appends n bytes of s as a JSON string literal, escaped as
 * json_encode_buf escapes strings. */
void json_encode_text(mem_buf_t *b, const char *s, size_t n, bool ascii);

/* The encoding of v as a fresh heap string (caller frees).  v may be NULL,
 * which encodes as "null". */
char *json_encode(const json_t *v);

/* The encoding of v, owned by arena a. */
char *json_encode_arena(mem_arena_t *a, const json_t *v);

/* Why a parse failed, in the terms FastAPI reports (§1.3 of the contract). */
typedef struct {
    size_t position;   /* character offset of the error in the input */
    char message[160]; /* e.g. "Expecting value" */
} json_parse_error_t;

#define JSON_MAX_DEPTH_DEFAULT 64

/* Parses n bytes of JSON text (any value at top level).  Returns a new
 * reference, or NULL with *err filled when the text is not JSON, is nested
 * deeper than max_depth, or holds a NUL.  err may be NULL. */
json_t *json_parse(const char *s, size_t n, int max_depth, json_parse_error_t *err);

/* Python's truthiness of a JSON value: None, False, 0, 0.0, "", [] and {}
 * (and a missing value, NULL) are false; everything else is true. */
bool json_truthy(const json_t *v);

/* Small accessors that treat a missing key and a wrong type alike.
 * They never fail; the string returned is borrowed from obj. */
const char *json_get_str(const json_t *obj, const char *key);
bool json_get_int(const json_t *obj, const char *key, long long *out);

#endif
