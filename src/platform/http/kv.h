/* kv: a small ordered list of name/value pairs living in a request arena
 * (headers, query parameters, path parameters, form fields).  Lists are
 * short, so lookups are linear; order is kept so "first occurrence" means
 * what the client sent first. */
#ifndef TALI_PLATFORM_HTTP_KV_H
#define TALI_PLATFORM_HTTP_KV_H

#include <stdbool.h>
#include <stddef.h>

#include "platform/mem.h"

typedef struct {
    const char *name;
    const char *value; /* NUL-terminated; value_len excludes the NUL */
    size_t value_len;
} http_kv_t;

typedef struct {
    http_kv_t *v;
    size_t n, cap;
} http_kvlist_t;

/* Appends copies of name and value (vlen bytes) made in arena a. */
void http_kv_add(mem_arena_t *a, http_kvlist_t *l, const char *name, const char *value, size_t vlen);

/* The value of the first pair named name (ASCII case-insensitive when
 * icase), or NULL. */
const char *http_kv_get(const http_kvlist_t *l, const char *name, bool icase);

#endif
