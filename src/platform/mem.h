/* mem: allocation wrappers that abort on exhaustion, and the per-request
 * arena.  Everything a request allocates lives in its arena and is released
 * in one go when the response has been sent. */
#ifndef TALI_PLATFORM_MEM_H
#define TALI_PLATFORM_MEM_H

#include <stdarg.h>
#include <stddef.h>

/* Allocation failure is the one thing that aborts: the process prints a
 * line on stderr and calls abort().  These never return NULL. */
void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t n);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* printf into a fresh heap string; the caller frees it. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

typedef struct mem_arena mem_arena_t;

/* A new empty arena.  Free it with mem_arena_free. */
mem_arena_t *mem_arena_new(void);

/* Runs every deferred destructor (latest first), then releases every block.
 * NULL is accepted. */
void mem_arena_free(mem_arena_t *a);

/* n zeroed bytes aligned for any type, owned by the arena. */
void *mem_alloc(mem_arena_t *a, size_t n);

/* Copies of strings, owned by the arena.  NULL in gives NULL out. */
char *mem_strdup(mem_arena_t *a, const char *s);
char *mem_strndup(mem_arena_t *a, const char *s, size_t n);
char *mem_printf(mem_arena_t *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
char *mem_vprintf(mem_arena_t *a, const char *fmt, va_list ap);

/* Calls fn(p) when the arena is freed: for objects with their own
 * destructor (json_decref, db results, heap buffers).  Returns p. */
void *mem_defer(mem_arena_t *a, void (*fn)(void *), void *p);

/* A growable byte buffer on the heap (not in an arena). */
typedef struct {
    char *data; /* always NUL-terminated when non-NULL */
    size_t len;
    size_t cap;
} mem_buf_t;

void mem_buf_append(mem_buf_t *b, const void *p, size_t n);
void mem_buf_puts(mem_buf_t *b, const char *s);
void mem_buf_printf(mem_buf_t *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void mem_buf_free(mem_buf_t *b);
/* Hands over the data (caller frees); the buffer is left empty.  Never NULL. */
char *mem_buf_take(mem_buf_t *b);

#endif
