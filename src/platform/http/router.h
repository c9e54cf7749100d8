/* router: maps (method, path) to a registered route.  Pure data structure,
 * no I/O, so it is unit-tested on its own.
 *
 * Patterns are "/"-separated; a segment "{name}" captures one non-empty
 * path segment.  Matching is exact and case-sensitive.  A trailing slash is
 * not significant on either side (policy fix 3), but only one: "/a/" and
 * "/a" are the same route, "/a//" is not.  When several patterns match a
 * path, the one with a literal segment where the other has a parameter
 * (leftmost difference) wins.  HEAD is answered by GET routes. */
#ifndef TALI_PLATFORM_HTTP_ROUTER_H
#define TALI_PLATFORM_HTTP_ROUTER_H

#include <stddef.h>

#include "platform/http/kv.h"
#include "platform/mem.h"

typedef struct http_router http_router_t;

typedef enum {
    HTTP_MATCH_FOUND,
    HTTP_MATCH_NOT_FOUND,  /* no pattern matches the path: 404 */
    HTTP_MATCH_BAD_METHOD, /* the path exists with other methods: 405 */
} http_match_kind_t;

typedef struct {
    http_match_kind_t kind;
    size_t id;            /* the id given to http_router_add (FOUND only) */
    http_kvlist_t params; /* captured {name} values (FOUND only), arena-owned */
    char allow[160];      /* every method the path answers, "GET, HEAD, POST"
                            * (FOUND and BAD_METHOD) */
} http_match_t;

/* An empty router; free with http_router_free. */
http_router_t *http_router_new(void);
void http_router_free(http_router_t *r);

/* Adds a route carrying the caller's id.  method and pattern are copied.
 * A second route with the same method and equivalent pattern never wins
 * over the first. */
void http_router_add(http_router_t *r, const char *method, const char *pattern, size_t id);

/* Looks up method and path (decoded, without query string).  Captured
 * parameters are allocated in arena a.  Never fails. */
void http_router_match(const http_router_t *r, const char *method, const char *path, mem_arena_t *a, http_match_t *out);

#endif
