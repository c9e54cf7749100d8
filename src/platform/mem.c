#include "platform/mem.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void mem_oom(size_t n)
{
    fprintf(stderr, "tali: out of memory allocating %zu bytes\n", n);
    abort();
}

void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        mem_oom(n);
    return p;
}

void *xcalloc(size_t count, size_t n)
{
    void *p = calloc(count ? count : 1, n ? n : 1);
    if (!p)
        mem_oom(count * n);
    return p;
}

void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q)
        mem_oom(n);
    return q;
}

char *xstrdup(const char *s)
{
    return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
    char *p = xmalloc(n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *xasprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = NULL;
    if (vasprintf(&s, fmt, ap) < 0)
        mem_oom(strlen(fmt));
    va_end(ap);
    return s;
}

/* ---- arena ---- */

#define MEM_BLOCK_SIZE 8192

struct mem_block {
    struct mem_block *next;
    size_t used, cap;
    max_align_t data[];
};

struct mem_defer {
    struct mem_defer *next;
    void (*fn)(void *);
    void *p;
};

struct mem_arena {
    struct mem_block *blocks;
    struct mem_defer *defers;
};

mem_arena_t *mem_arena_new(void)
{
    return xcalloc(1, sizeof(mem_arena_t));
}

void mem_arena_free(mem_arena_t *a)
{
    if (!a)
        return;
    /* destructors may allocate from nothing here; they run before blocks go */
    while (a->defers) {
        struct mem_defer *d = a->defers;
        a->defers = d->next;
        d->fn(d->p);
    }
    struct mem_block *b = a->blocks;
    while (b) {
        struct mem_block *next = b->next;
        free(b);
        b = next;
    }
    free(a);
}

void *mem_alloc(mem_arena_t *a, size_t n)
{
    const size_t align = sizeof(max_align_t);
    n = (n + align - 1) / align * align;
    if (n == 0)
        n = align;
    struct mem_block *b = a->blocks;
    if (!b || b->cap - b->used < n) {
        size_t cap = n > MEM_BLOCK_SIZE ? n : MEM_BLOCK_SIZE;
        b = xmalloc(sizeof(struct mem_block) + cap);
        b->used = 0;
        b->cap = cap;
        /* an oversized block goes behind the current one so the current
         * block's free space stays usable */
        if (n > MEM_BLOCK_SIZE && a->blocks) {
            b->next = a->blocks->next;
            a->blocks->next = b;
        } else {
            b->next = a->blocks;
            a->blocks = b;
        }
    }
    void *p = (char *)b->data + b->used;
    b->used += n;
    memset(p, 0, n);
    return p;
}

char *mem_strdup(mem_arena_t *a, const char *s)
{
    return s ? mem_strndup(a, s, strlen(s)) : NULL;
}

char *mem_strndup(mem_arena_t *a, const char *s, size_t n)
{
    if (!s)
        return NULL;
    char *p = mem_alloc(a, n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *mem_vprintf(mem_arena_t *a, const char *fmt, va_list ap)
{
    /* vasprintf rather than a sizing vsnprintf(NULL, 0, ...): GCC's
     * sanitizer builds misreport the latter as a null format string */
    char *tmp = NULL;
    if (vasprintf(&tmp, fmt, ap) < 0)
        mem_oom(strlen(fmt));
    char *p = mem_strdup(a, tmp);
    free(tmp);
    return p;
}

char *mem_printf(mem_arena_t *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *p = mem_vprintf(a, fmt, ap);
    va_end(ap);
    return p;
}

void *mem_defer(mem_arena_t *a, void (*fn)(void *), void *p)
{
    if (!p)
        return p;
    struct mem_defer *d = mem_alloc(a, sizeof(*d));
    d->fn = fn;
    d->p = p;
    d->next = a->defers;
    a->defers = d;
    return p;
}

/* ---- growable buffer ---- */

void mem_buf_append(mem_buf_t *b, const void *p, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n + 1)
            cap *= 2;
        b->data = xrealloc(b->data, cap);
        b->cap = cap;
    }
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void mem_buf_puts(mem_buf_t *b, const char *s)
{
    mem_buf_append(b, s, strlen(s));
}

void mem_buf_printf(mem_buf_t *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *tmp = NULL;
    if (vasprintf(&tmp, fmt, ap) < 0)
        mem_oom(strlen(fmt));
    va_end(ap);
    mem_buf_append(b, tmp, strlen(tmp));
    free(tmp);
}

void mem_buf_free(mem_buf_t *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

char *mem_buf_take(mem_buf_t *b)
{
    if (!b->data)
        mem_buf_append(b, "", 0);
    char *p = b->data;
    b->data = NULL;
    b->len = b->cap = 0;
    return p;
}
