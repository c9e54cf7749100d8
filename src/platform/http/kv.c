#include "platform/http/kv.h"

#include <string.h>
#include <strings.h>

void http_kv_add(mem_arena_t *a, http_kvlist_t *l, const char *name, const char *value, size_t vlen)
{
    if (l->n == l->cap) {
        /* arena memory is not freed piecemeal; doubling keeps the waste
         * under the final size */
        size_t cap = l->cap ? l->cap * 2 : 8;
        http_kv_t *v = mem_alloc(a, cap * sizeof(*v));
        if (l->n)
            memcpy(v, l->v, l->n * sizeof(*v));
        l->v = v;
        l->cap = cap;
    }
    http_kv_t *kv = &l->v[l->n++];
    kv->name = mem_strdup(a, name);
    kv->value = mem_strndup(a, value ? value : "", value ? vlen : 0);
    kv->value_len = value ? vlen : 0;
}

const char *http_kv_get(const http_kvlist_t *l, const char *name, bool icase)
{
    if (!name)
        return NULL;
    for (size_t i = 0; i < l->n; i++) {
        if (icase ? strcasecmp(l->v[i].name, name) == 0 : strcmp(l->v[i].name, name) == 0)
            return l->v[i].value;
    }
    return NULL;
}
