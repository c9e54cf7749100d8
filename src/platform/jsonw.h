/* jsonw: a streaming JSON writer for responses.  Values go straight into
 * one growing buffer in the order they are written (so keys come out in
 * the contract's order without building a tree), with the same text as
 * platform/json's encoder: compact separators, UTF-8 written raw, floats
 * in Python's repr, non-finite reals as null.
 *
 *     jsonw_t w; jsonw_init(&w);
 *     jsonw_obj(&w); jsonw_key(&w, "id"); jsonw_int(&w, 7); jsonw_obj_end(&w);
 *
 * Commas are the writer's business: a value after jsonw_key, or the first
 * one in an array, has none.  Nesting deeper than JSONW_MAX_DEPTH is a
 * programming error (abort). */
#ifndef TALI_PLATFORM_JSONW_H
#define TALI_PLATFORM_JSONW_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "platform/mem.h"

#define JSONW_MAX_DEPTH 64

typedef struct {
    mem_buf_t buf;
    uint64_t nonempty; /* bit d: the container at depth d holds an item already */
    int depth;
    bool after_key;
} jsonw_t;

void jsonw_init(jsonw_t *w);
/* Releases the buffer (not needed after jsonw_take). */
void jsonw_free(jsonw_t *w);

void jsonw_obj(jsonw_t *w);
void jsonw_obj_end(jsonw_t *w);
void jsonw_arr(jsonw_t *w);
void jsonw_arr_end(jsonw_t *w);
/* An object key; the next call writes its value. */
void jsonw_key(jsonw_t *w, const char *key);

/* A string, or null when s is NULL. */
void jsonw_str(jsonw_t *w, const char *s);
void jsonw_int(jsonw_t *w, int64_t v);
void jsonw_real(jsonw_t *w, double d);
void jsonw_bool(jsonw_t *w, bool b);
void jsonw_null(jsonw_t *w);
/* A jansson value, encoded as platform/json does (NULL writes null). */
void jsonw_value(jsonw_t *w, const json_t *v);

/* The text written so far (heap, caller frees) and its length; the writer
 * is left empty. */
char *jsonw_take(jsonw_t *w, size_t *len);

#endif
