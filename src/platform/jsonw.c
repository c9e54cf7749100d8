/* jsonw: the streaming writer of platform/jsonw.h. */
#include "platform/jsonw.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "platform/json.h"

void jsonw_init(jsonw_t *w)
{
    memset(w, 0, sizeof *w);
}

void jsonw_free(jsonw_t *w)
{
    mem_buf_free(&w->buf);
    jsonw_init(w);
}

/* The separator before a value (or a key) at the current depth. */
static void jsonw_sep(jsonw_t *w)
{
    if (w->after_key) {
        w->after_key = false;
        return;
    }
    uint64_t bit = 1ull << w->depth;
    if (w->nonempty & bit)
        mem_buf_append(&w->buf, ",", 1);
    w->nonempty |= bit;
}

static void jsonw_open(jsonw_t *w, const char *c)
{
    jsonw_sep(w);
    if (w->depth + 1 >= JSONW_MAX_DEPTH)
        abort();
    mem_buf_append(&w->buf, c, 1);
    w->depth++;
    w->nonempty &= ~(1ull << w->depth);
}

static void jsonw_close(jsonw_t *w, const char *c)
{
    mem_buf_append(&w->buf, c, 1);
    w->depth--;
}

void jsonw_obj(jsonw_t *w)
{
    jsonw_open(w, "{");
}

void jsonw_obj_end(jsonw_t *w)
{
    jsonw_close(w, "}");
}

void jsonw_arr(jsonw_t *w)
{
    jsonw_open(w, "[");
}

void jsonw_arr_end(jsonw_t *w)
{
    jsonw_close(w, "]");
}

void jsonw_key(jsonw_t *w, const char *key)
{
    jsonw_sep(w);
    json_encode_text(&w->buf, key, strlen(key), false);
    mem_buf_append(&w->buf, ":", 1);
    w->after_key = true;
}

void jsonw_str(jsonw_t *w, const char *s)
{
    jsonw_sep(w);
    if (s)
        json_encode_text(&w->buf, s, strlen(s), false);
    else
        mem_buf_append(&w->buf, "null", 4);
}

void jsonw_int(jsonw_t *w, int64_t v)
{
    char num[24];
    jsonw_sep(w);
    int n = snprintf(num, sizeof num, "%" PRId64, v);
    mem_buf_append(&w->buf, num, (size_t)n);
}

void jsonw_real(jsonw_t *w, double d)
{
    char num[32];
    jsonw_sep(w);
    mem_buf_puts(&w->buf, isfinite(d) ? json_fmt_double(d, num) : "null");
}

void jsonw_bool(jsonw_t *w, bool b)
{
    jsonw_sep(w);
    mem_buf_puts(&w->buf, b ? "true" : "false");
}

void jsonw_null(jsonw_t *w)
{
    jsonw_sep(w);
    mem_buf_append(&w->buf, "null", 4);
}

void jsonw_value(jsonw_t *w, const json_t *v)
{
    jsonw_sep(w);
    json_encode_buf(&w->buf, v, false);
}

char *jsonw_take(jsonw_t *w, size_t *len)
{
    *len = w->buf.len;
    char *s = mem_buf_take(&w->buf);
    jsonw_init(w);
    return s;
}
