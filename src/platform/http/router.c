#include "platform/http/router.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct rt_seg {
    char *text; /* literal text, or the parameter name */
    bool param;
};

struct rt_route {
    char *method;
    struct rt_seg *segs;
    size_t nseg;
    size_t id;
};

struct http_router {
    struct rt_route *v;
    size_t n, cap;
};

http_router_t *http_router_new(void)
{
    return xcalloc(1, sizeof(http_router_t));
}

void http_router_free(http_router_t *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n; i++) {
        for (size_t j = 0; j < r->v[i].nseg; j++)
            free(r->v[i].segs[j].text);
        free(r->v[i].segs);
        free(r->v[i].method);
    }
    free(r->v);
    free(r);
}

/* The part of a path that carries segments: without the leading "/" and
 * without one trailing "/", so "/a/" and "/a" compare equal. */
static void rt_trim(const char *path, const char **start, size_t *len)
{
    const char *s = path;
    size_t n = strlen(s);
    if (n > 0 && s[0] == '/') {
        s++;
        n--;
    }
    if (n > 0 && s[n - 1] == '/')
        n--;
    *start = s;
    *len = n;
}

static size_t rt_count_segs(const char *s, size_t n)
{
    if (n == 0)
        return 0;
    size_t k = 1;
    for (size_t i = 0; i < n; i++)
        k += s[i] == '/';
    return k;
}

void http_router_add(http_router_t *r, const char *method, const char *pattern, size_t id)
{
    if (r->n == r->cap) {
        r->cap = r->cap ? r->cap * 2 : 32;
        r->v = xrealloc(r->v, r->cap * sizeof(*r->v));
    }
    struct rt_route *rt = &r->v[r->n++];
    rt->method = xstrdup(method);
    rt->id = id;
    const char *s;
    size_t n;
    rt_trim(pattern, &s, &n);
    rt->nseg = rt_count_segs(s, n);
    rt->segs = xcalloc(rt->nseg ? rt->nseg : 1, sizeof(*rt->segs));
    for (size_t k = 0; k < rt->nseg; k++) {
        const char *end = memchr(s, '/', n);
        size_t len = end ? (size_t)(end - s) : n;
        if (len >= 2 && s[0] == '{' && s[len - 1] == '}') {
            rt->segs[k].param = true;
            rt->segs[k].text = xstrndup(s + 1, len - 2);
        } else {
            rt->segs[k].text = xstrndup(s, len);
        }
        if (end) {
            n -= len + 1;
            s = end + 1;
        }
    }
}

struct rt_span {
    const char *p;
    size_t len;
};

static bool rt_matches(const struct rt_route *rt, const struct rt_span *segs, size_t nseg)
{
    if (rt->nseg != nseg)
        return false;
    for (size_t i = 0; i < nseg; i++) {
        if (rt->segs[i].param) {
            /* an empty segment ("/a//b") never binds a parameter */
            if (segs[i].len == 0)
                return false;
        } else if (strlen(rt->segs[i].text) != segs[i].len || memcmp(rt->segs[i].text, segs[i].p, segs[i].len) != 0) {
            return false;
        }
    }
    return true;
}

/* True when a beats b: at the leftmost position where one has a literal
 * and the other a parameter, the literal wins. */
static bool rt_more_specific(const struct rt_route *a, const struct rt_route *b)
{
    for (size_t i = 0; i < a->nseg && i < b->nseg; i++) {
        if (a->segs[i].param != b->segs[i].param)
            return !a->segs[i].param;
    }
    return false;
}

static int rt_method_rank(const char *m)
{
    static const char *const order[] = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"};
    for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
        if (strcmp(order[i], m) == 0)
            return (int)i;
    }
    return 100;
}

static void rt_build_allow(const char **methods, size_t n, char *out, size_t outlen)
{
    /* insertion sort by canonical rank; unknown methods keep their order */
    for (size_t i = 1; i < n; i++) {
        const char *m = methods[i];
        size_t j = i;
        while (j > 0 && rt_method_rank(methods[j - 1]) > rt_method_rank(m)) {
            methods[j] = methods[j - 1];
            j--;
        }
        methods[j] = m;
    }
    size_t used = 0;
    out[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        int w = snprintf(out + used, outlen - used, "%s%s", used ? ", " : "", methods[i]);
        if (w < 0 || (size_t)w >= outlen - used)
            break;
        used += (size_t)w;
    }
}

#define RT_MAX_METHODS 16

static void rt_add_method(const char **methods, size_t *n, const char *m)
{
    for (size_t j = 0; j < *n; j++) {
        if (strcmp(methods[j], m) == 0)
            return;
    }
    if (*n < RT_MAX_METHODS)
        methods[(*n)++] = m;
}

void http_router_match(const http_router_t *r, const char *method, const char *path, mem_arena_t *a, http_match_t *out)
{
    memset(out, 0, sizeof(*out));
    out->kind = HTTP_MATCH_NOT_FOUND;
    const char *want = strcmp(method, "HEAD") == 0 ? "GET" : method;

    const char *s;
    size_t n;
    rt_trim(path && *path ? path : "/", &s, &n);
    size_t nseg = rt_count_segs(s, n);
    struct rt_span *segs = mem_alloc(a, (nseg ? nseg : 1) * sizeof(*segs));
    for (size_t k = 0; k < nseg; k++) {
        const char *end = memchr(s, '/', n);
        size_t len = end ? (size_t)(end - s) : n;
        segs[k].p = s;
        segs[k].len = len;
        if (end) {
            n -= len + 1;
            s = end + 1;
        }
    }

    const struct rt_route *best = NULL;
    const char *methods[RT_MAX_METHODS];
    size_t nmethods = 0;
    bool any = false;
    for (size_t i = 0; i < r->n; i++) {
        const struct rt_route *rt = &r->v[i];
        if (!rt_matches(rt, segs, nseg))
            continue;
        any = true;
        rt_add_method(methods, &nmethods, rt->method);
        if (strcmp(rt->method, "GET") == 0)
            rt_add_method(methods, &nmethods, "HEAD");
        if (strcmp(rt->method, want) == 0 && (!best || rt_more_specific(rt, best)))
            best = rt;
    }
    if (!any)
        return;
    rt_build_allow(methods, nmethods, out->allow, sizeof(out->allow));
    if (!best) {
        out->kind = HTTP_MATCH_BAD_METHOD;
        return;
    }
    out->kind = HTTP_MATCH_FOUND;
    out->id = best->id;
    for (size_t k = 0; k < nseg; k++) {
        if (best->segs[k].param)
            http_kv_add(a, &out->params, best->segs[k].text, segs[k].p, segs[k].len);
    }
}
