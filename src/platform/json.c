#include "platform/json.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *json_fmt_double(double d, char buf[32])
{
    if (isnan(d)) {
        snprintf(buf, 32, "nan");
        return buf;
    }
    if (isinf(d)) {
        snprintf(buf, 32, d < 0 ? "-inf" : "inf");
        return buf;
    }
    if (d == 0.0) {
        snprintf(buf, 32, signbit(d) ? "-0.0" : "0.0");
        return buf;
    }
    /* shortest precision that round-trips, as repr() picks it */
    char tmp[40];
    int prec;
    for (prec = 1; prec <= 17; prec++) {
        snprintf(tmp, sizeof tmp, "%.*e", prec - 1, d);
        if (strtod(tmp, NULL) == d)
            break;
    }
    /* tmp holds d.ddddde[+-]XX: split digits and exponent */
    char digits[24];
    int nd = 0;
    const char *p = tmp;
    bool neg = false;
    if (*p == '-') {
        neg = true;
        p++;
    }
    for (; *p && *p != 'e'; p++)
        if (*p >= '0' && *p <= '9')
            digits[nd++] = *p;
    int exp10 = atoi(p + 1);
    while (nd > 1 && digits[nd - 1] == '0')
        nd--;
    digits[nd] = '\0';

    char *o = buf;
    if (neg)
        *o++ = '-';
    /* Python's float_repr_style 'short': scientific when exp < -4 or >= 16 */
    if (exp10 < -4 || exp10 >= 16) {
        *o++ = digits[0];
        if (nd > 1) {
            *o++ = '.';
            memcpy(o, digits + 1, (size_t)nd - 1);
            o += nd - 1;
        }
        snprintf(o, 32 - (size_t)(o - buf), "e%c%02d", exp10 < 0 ? '-' : '+', abs(exp10));
        return buf;
    }
    if (exp10 < 0) {
        *o++ = '0';
        *o++ = '.';
        for (int i = 0; i < -exp10 - 1; i++)
            *o++ = '0';
        memcpy(o, digits, (size_t)nd);
        o += nd;
    } else {
        for (int i = 0; i <= exp10; i++)
            *o++ = i < nd ? digits[i] : '0';
        *o++ = '.';
        if (nd > exp10 + 1) {
            memcpy(o, digits + exp10 + 1, (size_t)(nd - exp10 - 1));
            o += nd - exp10 - 1;
        } else {
            *o++ = '0';
        }
    }
    *o = '\0';
    return buf;
}

static void json_encode_string(mem_buf_t *b, const char *s, size_t n, bool ascii)
{
    mem_buf_append(b, "\"", 1);
    size_t i = 0;
    while (i < n) {
        unsigned char c = (unsigned char)s[i];
        char esc[16];
        if (c == '"' || c == '\\') {
            esc[0] = '\\';
            esc[1] = (char)c;
            mem_buf_append(b, esc, 2);
            i++;
        } else if (c < 0x20) {
            const char *e = NULL;
            switch (c) {
            case '\n': e = "\\n"; break;
            case '\r': e = "\\r"; break;
            case '\t': e = "\\t"; break;
            case '\b': e = "\\b"; break;
            case '\f': e = "\\f"; break;
            default: break;
            }
            if (e) {
                mem_buf_puts(b, e);
            } else {
                snprintf(esc, sizeof esc, "\\u%04x", c);
                mem_buf_puts(b, esc);
            }
            i++;
        } else if (c < 0x80 || !ascii) {
            /* copy a run of plain bytes at once */
            size_t j = i + 1;
            while (j < n) {
                unsigned char d = (unsigned char)s[j];
                if (d == '"' || d == '\\' || d < 0x20 || (ascii && d >= 0x80))
                    break;
                j++;
            }
            mem_buf_append(b, s + i, j - i);
            i = j;
        } else {
            /* decode one UTF-8 sequence (jansson guarantees validity) */
            unsigned cp;
            int len;
            if (c >= 0xF0) {
                cp = c & 0x07;
                len = 4;
            } else if (c >= 0xE0) {
                cp = c & 0x0F;
                len = 3;
            } else {
                cp = c & 0x1F;
                len = 2;
            }
            for (int k = 1; k < len && i + (size_t)k < n; k++)
                cp = (cp << 6) | ((unsigned char)s[i + (size_t)k] & 0x3F);
            i += (size_t)len;
            if (cp >= 0x10000) {
                cp -= 0x10000;
                snprintf(esc, sizeof esc, "\\u%04x\\u%04x", 0xD800 + (cp >> 10), 0xDC00 + (cp & 0x3FF));
            } else {
                snprintf(esc, sizeof esc, "\\u%04x", cp);
            }
            mem_buf_puts(b, esc);
        }
    }
    mem_buf_append(b, "\"", 1);
}

void json_encode_buf(mem_buf_t *b, const json_t *v, bool ascii)
{
    char num[40];
    if (!v) {
        mem_buf_puts(b, "null");
        return;
    }
    switch (json_typeof(v)) {
    case JSON_NULL:
        mem_buf_puts(b, "null");
        break;
    case JSON_TRUE:
        mem_buf_puts(b, "true");
        break;
    case JSON_FALSE:
        mem_buf_puts(b, "false");
        break;
    case JSON_INTEGER:
        snprintf(num, sizeof num, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
        mem_buf_puts(b, num);
        break;
    case JSON_REAL: {
        double d = json_real_value(v);
        if (!isfinite(d))
            mem_buf_puts(b, "null");
        else
            mem_buf_puts(b, json_fmt_double(d, num));
        break;
    }
    case JSON_STRING:
        json_encode_string(b, json_string_value(v), json_string_length(v), ascii);
        break;
    case JSON_ARRAY: {
        mem_buf_append(b, "[", 1);
        size_t i;
        json_t *item;
        json_array_foreach((json_t *)v, i, item) {
            if (i)
                mem_buf_append(b, ",", 1);
            json_encode_buf(b, item, ascii);
        }
        mem_buf_append(b, "]", 1);
        break;
    }
    case JSON_OBJECT: {
        mem_buf_append(b, "{", 1);
        const char *key;
        json_t *item;
        bool first = true;
        json_object_foreach((json_t *)v, key, item) {
            if (!first)
                mem_buf_append(b, ",", 1);
            first = false;
            json_encode_string(b, key, strlen(key), ascii);
            mem_buf_append(b, ":", 1);
            json_encode_buf(b, item, ascii);
        }
        mem_buf_append(b, "}", 1);
        break;
    }
    }
}

char *json_encode(const json_t *v)
{
    mem_buf_t b = {0};
    json_encode_buf(&b, v, false);
    return mem_buf_take(&b);
}

char *json_encode_arena(mem_arena_t *a, const json_t *v)
{
    return mem_defer(a, free, json_encode(v));
}

static int json_depth_ok(const json_t *v, int depth, int max_depth)
{
    if (depth > max_depth)
        return 0;
    if (json_is_array(v)) {
        size_t i;
        json_t *item;
        json_array_foreach((json_t *)v, i, item) if (!json_depth_ok(item, depth + 1, max_depth)) return 0;
    } else if (json_is_object(v)) {
        const char *k;
        json_t *item;
        json_object_foreach((json_t *)v, k, item) if (!json_depth_ok(item, depth + 1, max_depth)) return 0;
    }
    return 1;
}

json_t *json_parse(const char *s, size_t n, int max_depth, json_parse_error_t *err)
{
    json_error_t je;
    json_t *v = json_loadb(s, n, JSON_DECODE_ANY, &je);
    if (!v) {
        if (err) {
            err->position = je.position > 0 ? (size_t)je.position : 0;
            /* jansson's texts differ from Python's; FastAPI clients only read
             * the type, so give the common Python message where it applies */
            if (n == 0 || strstr(je.text, "end of file") || strstr(je.text, "unexpected token") ||
                strstr(je.text, "invalid token") || strstr(je.text, "'[' or '{' expected"))
                snprintf(err->message, sizeof err->message, "Expecting value");
            else
                snprintf(err->message, sizeof err->message, "%s", je.text);
            /* jansson reports the offset after the bad token; Python the
             * start of it.  Either is a character offset into the body. */
            if (err->position > n)
                err->position = n;
        }
        return NULL;
    }
    if (!json_depth_ok(v, 1, max_depth > 0 ? max_depth : JSON_MAX_DEPTH_DEFAULT)) {
        json_decref(v);
        if (err) {
            err->position = 0;
            snprintf(err->message, sizeof err->message, "JSON nested too deeply");
        }
        return NULL;
    }
    return v;
}

const char *json_get_str(const json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

bool json_get_int(const json_t *obj, const char *key, long long *out)
{
    json_t *v = json_object_get(obj, key);
    if (!json_is_integer(v))
        return false;
    *out = json_integer_value(v);
    return true;
}
