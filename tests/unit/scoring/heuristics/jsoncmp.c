#include "jsoncmp.h"

#include <stdio.h>
#include <string.h>

static bool cmp(const json_t *a, const json_t *b, char *path, size_t cap, size_t used)
{
    if (!a || !b || json_typeof(a) != json_typeof(b)) {
        /* true/false are distinct jansson types; report either way */
        return false;
    }
    switch (json_typeof(a)) {
    case JSON_NULL:
    case JSON_TRUE:
    case JSON_FALSE: return true;
    case JSON_INTEGER: return json_integer_value(a) == json_integer_value(b);
    case JSON_REAL: return json_real_value(a) == json_real_value(b);
    case JSON_STRING:
        return json_string_length(a) == json_string_length(b) &&
               memcmp(json_string_value(a), json_string_value(b), json_string_length(a)) == 0;
    case JSON_ARRAY: {
        if (json_array_size(a) != json_array_size(b))
            return false;
        for (size_t i = 0; i < json_array_size(a); i++) {
            int w = snprintf(path + used, cap - used, "[%zu]", i);
            size_t nu = used + (w > 0 && (size_t)w < cap - used ? (size_t)w : 0);
            if (!cmp(json_array_get(a, i), json_array_get(b, i), path, cap, nu))
                return false;
            path[used] = '\0';
        }
        return true;
    }
    case JSON_OBJECT: {
        if (json_object_size(a) != json_object_size(b)) {
            snprintf(path + used, cap - used, " (key count %zu vs %zu)", json_object_size(a), json_object_size(b));
            return false;
        }
        void *ia = json_object_iter((json_t *)a);
        void *ib = json_object_iter((json_t *)b);
        while (ia && ib) {
            const char *ka = json_object_iter_key(ia);
            const char *kb = json_object_iter_key(ib);
            int w = snprintf(path + used, cap - used, ".%s", ka);
            size_t nu = used + (w > 0 && (size_t)w < cap - used ? (size_t)w : 0);
            if (strcmp(ka, kb) != 0) {
                snprintf(path + nu, cap - nu, " (key order: %s vs %s)", ka, kb);
                return false;
            }
            if (!cmp(json_object_iter_value(ia), json_object_iter_value(ib), path, cap, nu))
                return false;
            path[used] = '\0';
            ia = json_object_iter_next((json_t *)a, ia);
            ib = json_object_iter_next((json_t *)b, ib);
        }
        return true;
    }
    }
    return false;
}

bool jsoncmp_equal(const json_t *a, const json_t *b, char *path, size_t pathlen)
{
    char local[512];
    if (!path || pathlen < 2) {
        path = local;
        pathlen = sizeof local;
    }
    snprintf(path, pathlen, "$");
    return cmp(a, b, path, pathlen, 1);
}

bool jsoncmp_key_order(const json_t *obj, const char *const *keys)
{
    if (!json_is_object(obj))
        return false;
    void *it = json_object_iter((json_t *)obj);
    size_t i = 0;
    for (; it; it = json_object_iter_next((json_t *)obj, it), i++) {
        if (!keys[i] || strcmp(keys[i], json_object_iter_key(it)) != 0)
            return false;
    }
    return keys[i] == NULL;
}
