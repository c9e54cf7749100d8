/* fastjson: a quick JSON reader for `tali score` lines, building the same
 * jansson values jansson's own parser would (same types, same key order,
 * same handling of duplicate keys, since it inserts with the same calls).
 * It knows only well-formed, unremarkable JSON; whatever it is unsure of
 * (any syntax error, a raw control character, invalid UTF-8, a lone
 * surrogate, a NUL in a key, an integer out of range, an overflowing
 * real, nesting deeper than max_depth) makes it give up, and the caller
 * then parses with json_parse, whose result or error stands.  Private to
 * the scoring component. */
#ifndef TALI_COMPONENTS_SCORING_FASTJSON_H
#define TALI_COMPONENTS_SCORING_FASTJSON_H

#include <jansson.h>
#include <stddef.h>

#include "platform/mem.h"

/* Parses s[0..n) (one value, surrounding whitespace allowed).  Returns a
 * new reference, or NULL when it gives up.  scratch is a reusable buffer
 * for strings with escapes (the caller frees it once, at the end). */
json_t *scoring_fastjson_parse(const char *s, size_t n, int max_depth, mem_buf_t *scratch);

#endif
