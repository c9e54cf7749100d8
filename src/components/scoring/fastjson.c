/* fastjson: a recursive-descent reader over the bytes of one line.
 * Strings without escapes go to jansson straight from the input (one
 * copy); strings with escapes are decoded into the caller's scratch
 * buffer first.  UTF-8 is validated here (ASCII runs take a fast path),
 * so jansson's unchecked constructors get only what its checked ones
 * would accept. */
#include "components/scoring/fastjson.h"

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    const char *s;
    size_t n, i;
    int depth, max_depth;
    mem_buf_t *scratch;
} fj_t;

static void fj_ws(fj_t *p)
{
    while (p->i < p->n) {
        char c = p->s[p->i];
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
            break;
        p->i++;
    }
}

/* Length of the valid UTF-8 sequence (2-4 bytes) at s[0..avail), or 0. */
static size_t fj_utf8_len(const unsigned char *s, size_t avail)
{
    unsigned char c = s[0];
    size_t len;
    uint32_t cp;
    if (c >= 0xC2 && c <= 0xDF) {
        len = 2;
        cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        cp = c & 0x07;
    } else {
        return 0;
    }
    if (avail < len)
        return 0;
    for (size_t k = 1; k < len; k++) {
        if ((s[k] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[k] & 0x3F);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return len;
}

static int fj_hex4(const char *h)
{
    int v = 0;
    for (int k = 0; k < 4; k++) {
        char c = h[k];
        int d;
        if (c >= '0' && c <= '9')
            d = c - '0';
        else if (c >= 'a' && c <= 'f')
            d = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F')
            d = c - 'A' + 10;
        else
            return -1;
        v = v * 16 + d;
    }
    return v;
}

/* Writes cp as UTF-8 at o; returns the end. */
static char *fj_put_utf8(char *o, uint32_t cp)
{
    if (cp < 0x80) {
        *o++ = (char)cp;
    } else if (cp < 0x800) {
        *o++ = (char)(0xC0 | (cp >> 6));
        *o++ = (char)(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        *o++ = (char)(0xE0 | (cp >> 12));
        *o++ = (char)(0x80 | ((cp >> 6) & 0x3F));
        *o++ = (char)(0x80 | (cp & 0x3F));
    } else {
        *o++ = (char)(0xF0 | (cp >> 18));
        *o++ = (char)(0x80 | ((cp >> 12) & 0x3F));
        *o++ = (char)(0x80 | ((cp >> 6) & 0x3F));
        *o++ = (char)(0x80 | (cp & 0x3F));
    }
    return o;
}

/* Decodes the escape at s[p->i] (the backslash) to o, never longer than
 * the escape itself; returns the end, or NULL to give up.  *nul is set
 * when it was \u0000. */
static char *fj_escape(fj_t *p, char *o, bool *nul)
{
    if (p->i + 1 >= p->n)
        return NULL;
    char e = p->s[p->i + 1], c;
    switch (e) {
    case '"': c = '"'; break;
    case '\\': c = '\\'; break;
    case '/': c = '/'; break;
    case 'b': c = '\b'; break;
    case 'f': c = '\f'; break;
    case 'n': c = '\n'; break;
    case 'r': c = '\r'; break;
    case 't': c = '\t'; break;
    default: c = 0; break;
    }
    if (c) {
        *o++ = c;
        p->i += 2;
        return o;
    }
    if (e != 'u' || p->i + 6 > p->n)
        return NULL;
    int v = fj_hex4(p->s + p->i + 2);
    if (v < 0 || (v >= 0xDC00 && v <= 0xDFFF))
        return NULL;
    p->i += 6;
    uint32_t cp = (uint32_t)v;
    if (v >= 0xD800 && v <= 0xDBFF) {
        if (p->i + 6 > p->n || p->s[p->i] != '\\' || p->s[p->i + 1] != 'u')
            return NULL;
        int lo = fj_hex4(p->s + p->i + 2);
        if (lo < 0xDC00 || lo > 0xDFFF)
            return NULL;
        p->i += 6;
        cp = 0x10000 + (((uint32_t)v - 0xD800) << 10) + ((uint32_t)lo - 0xDC00);
    }
    if (cp == 0)
        *nul = true;
    return fj_put_utf8(o, cp);
}

/* Offset of the first byte at or after i that is '"', '\\', a control
 * character or non-ASCII: eight bytes at a time while none is. */
static size_t fj_plain_run(const unsigned char *s, size_t i, size_t n)
{
    const uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
    while (i + 8 <= n) {
        uint64_t w;
        memcpy(&w, s + i, 8);
        uint64_t quote = w ^ (ones * '"'), back = w ^ (ones * '\\');
        /* a byte is flagged when it is zero (after the xor), below 0x20, or >= 0x80 */
        uint64_t t = ((quote - ones) & ~quote) | ((back - ones) & ~back) | (w - ones * 0x20) | w;
        if (t & highs)
            break;
        i += 8;
    }
    return i;
}

/* The string at s[p->i] (the opening quote): its bytes in out and len, either
 * in the input or in the scratch buffer.  *has_nul when it holds a NUL. */
static bool fj_string(fj_t *p, const char **out, size_t *len, bool *has_nul)
{
    const unsigned char *s = (const unsigned char *)p->s;
    size_t i = p->i + 1, start = i;
    *has_nul = false;
    char *o = NULL; /* the decoded text so far, in scratch, once an escape is met */
    mem_buf_t *b = p->scratch;
    for (;;) {
        i = fj_plain_run(s, i, p->n);
        if (i >= p->n)
            return false;
        unsigned char c = s[i];
        if (c == '"')
            break;
        if (c == '\\') {
            if (!o) {
                /* decoding never makes the rest of the line longer */
                size_t need = p->n - start + 1;
                if (b->cap < need) {
                    b->data = xrealloc(b->data, need);
                    b->cap = need;
                }
                o = b->data;
            }
            memcpy(o, p->s + start, i - start);
            o += i - start;
            p->i = i;
            o = fj_escape(p, o, has_nul);
            if (!o)
                return false;
            i = start = p->i;
            continue;
        }
        if (c < 0x20)
            return false;
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t l = fj_utf8_len(s + i, p->n - i);
        if (!l)
            return false;
        i += l;
    }
    if (o) {
        memcpy(o, p->s + start, i - start);
        o += i - start;
        *out = b->data;
        *len = (size_t)(o - b->data);
    } else {
        *out = p->s + start;
        *len = i - start;
    }
    p->i = i + 1;
    return true;
}

static json_t *fj_number(fj_t *p)
{
    size_t i = p->i, start = i;
    const char *s = p->s;
    bool real = false;
    if (i < p->n && s[i] == '-')
        i++;
    if (i >= p->n || s[i] < '0' || s[i] > '9')
        return NULL;
    if (s[i] == '0') {
        i++;
        if (i < p->n && s[i] >= '0' && s[i] <= '9')
            return NULL;
    } else {
        while (i < p->n && s[i] >= '0' && s[i] <= '9')
            i++;
    }
    if (i < p->n && s[i] == '.') {
        real = true;
        i++;
        if (i >= p->n || s[i] < '0' || s[i] > '9')
            return NULL;
        while (i < p->n && s[i] >= '0' && s[i] <= '9')
            i++;
    }
    if (i < p->n && (s[i] == 'e' || s[i] == 'E')) {
        real = true;
        i++;
        if (i < p->n && (s[i] == '+' || s[i] == '-'))
            i++;
        if (i >= p->n || s[i] < '0' || s[i] > '9')
            return NULL;
        while (i < p->n && s[i] >= '0' && s[i] <= '9')
            i++;
    }
    if (!real && i - start <= 18) {
        /* at most 18 digits: no overflow, no strtoll */
        size_t k = start;
        bool neg = s[k] == '-';
        if (neg)
            k++;
        long long v = 0;
        for (; k < i; k++)
            v = v * 10 + (s[k] - '0');
        p->i = i;
        return json_integer((json_int_t)(neg ? -v : v));
    }
    char buf[64];
    if (i - start >= sizeof buf)
        return NULL;
    memcpy(buf, s + start, i - start);
    buf[i - start] = '\0';
    p->i = i;
    errno = 0;
    if (!real) {
        long long v = strtoll(buf, NULL, 10);
        if (errno == ERANGE)
            return NULL;
        return json_integer((json_int_t)v);
    }
    double d = strtod(buf, NULL);
    if (isinf(d))
        return NULL;
    return json_real(d);
}

static json_t *fj_value(fj_t *p);

static json_t *fj_object(fj_t *p)
{
    json_t *o = json_object();
    p->i++;
    fj_ws(p);
    if (p->i < p->n && p->s[p->i] == '}') {
        p->i++;
        return o;
    }
    for (;;) {
        if (p->i >= p->n || p->s[p->i] != '"')
            goto fail;
        const char *k;
        size_t klen;
        bool nul;
        if (!fj_string(p, &k, &klen, &nul) || nul)
            goto fail;
        /* the key may live in scratch, which the value can reuse */
        char kbuf[128];
        char *kheap = NULL;
        const char *key = k;
        if (k == p->scratch->data) {
            if (klen < sizeof kbuf) {
                memcpy(kbuf, k, klen);
                key = kbuf;
            } else {
                key = kheap = xstrndup(k, klen);
            }
        }
        fj_ws(p);
        if (p->i >= p->n || p->s[p->i] != ':') {
            free(kheap);
            goto fail;
        }
        p->i++;
        fj_ws(p);
        json_t *v = fj_value(p);
        if (!v) {
            free(kheap);
            goto fail;
        }
        json_object_setn_new_nocheck(o, key, klen, v);
        free(kheap);
        fj_ws(p);
        if (p->i >= p->n)
            goto fail;
        if (p->s[p->i] == '}') {
            p->i++;
            return o;
        }
        if (p->s[p->i] != ',')
            goto fail;
        p->i++;
        fj_ws(p);
    }
fail:
    json_decref(o);
    return NULL;
}

static json_t *fj_array(fj_t *p)
{
    json_t *a = json_array();
    p->i++;
    fj_ws(p);
    if (p->i < p->n && p->s[p->i] == ']') {
        p->i++;
        return a;
    }
    for (;;) {
        json_t *v = fj_value(p);
        if (!v)
            goto fail;
        json_array_append_new(a, v);
        fj_ws(p);
        if (p->i >= p->n)
            goto fail;
        if (p->s[p->i] == ']') {
            p->i++;
            return a;
        }
        if (p->s[p->i] != ',')
            goto fail;
        p->i++;
        fj_ws(p);
    }
fail:
    json_decref(a);
    return NULL;
}

static bool fj_literal(fj_t *p, const char *word, size_t len)
{
    if (p->n - p->i < len || memcmp(p->s + p->i, word, len) != 0)
        return false;
    p->i += len;
    return true;
}

static json_t *fj_value(fj_t *p)
{
    /* json_parse's depth counts values: the top one is at depth 1, the
     * items of a container one deeper than it */
    if (p->i >= p->n || p->depth + 1 > p->max_depth)
        return NULL;
    json_t *v = NULL;
    switch (p->s[p->i]) {
    case '{':
    case '[':
        p->depth++;
        v = p->s[p->i] == '{' ? fj_object(p) : fj_array(p);
        p->depth--;
        return v;
    case '"': {
        const char *str;
        size_t len;
        bool nul;
        if (!fj_string(p, &str, &len, &nul))
            return NULL;
        return json_stringn_nocheck(str, len);
    }
    case 't': return fj_literal(p, "true", 4) ? json_true() : NULL;
    case 'f': return fj_literal(p, "false", 5) ? json_false() : NULL;
    case 'n': return fj_literal(p, "null", 4) ? json_null() : NULL;
    default: return fj_number(p);
    }
}

json_t *scoring_fastjson_parse(const char *s, size_t n, int max_depth, mem_buf_t *scratch)
{
    fj_t p = {s, n, 0, 0, max_depth, scratch};
    fj_ws(&p);
    json_t *v = fj_value(&p);
    if (!v)
        return NULL;
    fj_ws(&p);
    if (p.i != n) {
        json_decref(v);
        return NULL;
    }
    return v;
}
