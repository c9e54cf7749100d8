#include "platform/json.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- Python's repr(float) ----
 * repr picks the shortest decimal that reads back as d, and of those the
 * closest to d.  Three facts let us find it without trying every
 * precision:
 * - a normal double is identified by its 15-digit rounding whenever any
 *   decimal of at most 15 digits reads back as it (DBL_DIG): so when the
 *   15-digit rounding round-trips, it is the answer once its trailing
 *   zeros are gone, and no shorter decimal exists otherwise;
 * - at 16 digits the correctly rounded decimal may miss while a neighbour
 *   one unit away hits (at powers of two, whose lower gap is half the
 *   upper one), so both neighbours are tried;
 * - the 17-digit rounding always round-trips.
 * Values that are short decimals (k/10^j, as rounded scores are) are
 * found with integer arithmetic first; subnormals, whose precision is
 * below 15 digits, take the precision-by-precision search. */

static const double JSON_POW10[23] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                                      1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

/* Significant digits of a positive value as an integer mantissa and the
 * decimal exponent of its first digit. */
typedef struct {
    char digits[24];
    int nd;
    int exp10;
    char text[48]; /* the candidate as strtod read it (neighbours only) */
} json_dec_t;

/* Fills *out from a "%.Ne" rendering ("d.ddde[+-]XX"), trailing zeros dropped. */
static void json_dec_from_e(const char *tmp, json_dec_t *out)
{
    out->nd = 0;
    const char *p = tmp;
    for (; *p && *p != 'e'; p++)
        if (*p >= '0' && *p <= '9')
            out->digits[out->nd++] = *p;
    out->exp10 = atoi(p + 1);
    while (out->nd > 1 && out->digits[out->nd - 1] == '0')
        out->nd--;
}

/* p significant digits of x (x > 0, finite), correctly rounded; true when
 * they read back as x. */
static bool json_try_prec(double x, int p, char tmp[40])
{
    snprintf(tmp, 40, "%.*e", p - 1, x);
    return strtod(tmp, NULL) == x;
}

/* The 16-digit decimal one unit above (dir 1) or below (dir -1) the one
 * in tmp ("d.ddddddddddddddde[+-]XX"); true, with *out filled, when it
 * reads back as x. */
static bool json_try_neighbour(double x, const char tmp[40], int dir, json_dec_t *out)
{
    unsigned long long m = 0;
    const char *p = tmp;
    for (; *p && *p != 'e'; p++)
        if (*p >= '0' && *p <= '9')
            m = m * 10 + (unsigned long long)(*p - '0');
    int e = atoi(p + 1);
    m = dir > 0 ? m + 1 : m - 1;
    if (m >= 10000000000000000ULL) { /* 9999999999999999 + 1 */
        m /= 10;
        e++;
    } else if (m < 1000000000000000ULL) { /* 1000000000000000 - 1 */
        m = m * 10 + 9;
        e--;
    }
    snprintf(out->text, sizeof out->text, "%llue%d", m, e - 15);
    if (strtod(out->text, NULL) != x)
        return false;
    snprintf(out->digits, sizeof out->digits, "%llu", m);
    out->nd = 16;
    out->exp10 = e;
    while (out->nd > 1 && out->digits[out->nd - 1] == '0')
        out->nd--;
    return true;
}

/* Short decimals by integer arithmetic: the smallest j with x*10^j an
 * integer m below 10^15 such that m/10^j (one correctly rounded division,
 * as strtod would round the decimal) is x.  With at most 15 digits, such
 * an m is the unique shortest decimal (first fact above). */
static bool json_short_decimal(double x, json_dec_t *out)
{
    if (!(x >= 1e-15 && x < 1e15))
        return false;
    for (int j = 0; j <= 15; j++) {
        double m = x * JSON_POW10[j];
        if (m >= 1e15)
            return false;
        if (m != (double)(unsigned long long)m)
            continue;
        unsigned long long im = (unsigned long long)m;
        if ((double)im / JSON_POW10[j] != x)
            continue;
        char tmp[24];
        int k = (int)sizeof tmp;
        do {
            tmp[--k] = (char)('0' + im % 10);
            im /= 10;
        } while (im);
        int len = (int)sizeof tmp - k;
        memcpy(out->digits, tmp + k, (size_t)len);
        out->nd = len;
        out->exp10 = len - 1 - j;
        while (out->nd > 1 && out->digits[out->nd - 1] == '0')
            out->nd--;
        return true;
    }
    return false;
}

/* The digits repr would print for x > 0, finite. */
static void json_shortest(double x, json_dec_t *out)
{
    char tmp[40];
    if (json_short_decimal(x, out))
        return;
    if (x < DBL_MIN) {
        /* subnormal: fewer than 15 digits of precision */
        int p = 1;
        while (p < 17 && !json_try_prec(x, p, tmp))
            p++;
        if (p == 17)
            json_try_prec(x, 17, tmp);
        json_dec_from_e(tmp, out);
        return;
    }
    if (json_try_prec(x, 15, tmp) || json_try_prec(x, 16, tmp)) {
        json_dec_from_e(tmp, out);
        return;
    }
    /* tmp holds the 16-digit rounding, which missed */
    json_dec_t up, down;
    bool hit_up = json_try_neighbour(x, tmp, 1, &up);
    bool hit_down = json_try_neighbour(x, tmp, -1, &down);
    if (hit_up && hit_down) {
        /* both read back as x: repr takes the closer (80-bit arithmetic
         * is exact enough to tell 16-digit neighbours apart) */
        long double lx = (long double)x;
        long double vu = strtold(up.text, NULL), vd = strtold(down.text, NULL);
        *out = fabsl(vu - lx) <= fabsl(lx - vd) ? up : down;
        return;
    }
    if (hit_up || hit_down) {
        *out = hit_up ? up : down;
        return;
    }
    json_try_prec(x, 17, tmp);
    json_dec_from_e(tmp, out);
}

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
    json_dec_t dec;
    json_shortest(fabs(d), &dec);
    const char *digits = dec.digits;
    int nd = dec.nd, exp10 = dec.exp10;

    char *o = buf;
    if (d < 0)
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

void json_encode_text(mem_buf_t *b, const char *s, size_t n, bool ascii)
{
    json_encode_string(b, s, n, ascii);
}

void json_encode_buf(mem_buf_t *b, const json_t *v, bool ascii)
{
    char num[40];
    if (!v) {
        mem_buf_puts(b, "null");
        return;
    }
    switch (json_typeof(v)) {
    case JSON_NULL: mem_buf_puts(b, "null"); break;
    case JSON_TRUE: mem_buf_puts(b, "true"); break;
    case JSON_FALSE: mem_buf_puts(b, "false"); break;
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
    case JSON_STRING: json_encode_string(b, json_string_value(v), json_string_length(v), ascii); break;
    case JSON_ARRAY: {
        mem_buf_append(b, "[", 1);
        size_t i;
        json_t *item;
        json_array_foreach((json_t *)v, i, item)
        {
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
        json_object_foreach((json_t *)v, key, item)
        {
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

/* ---- Python-compatible syntax errors ----
 * jansson's messages and offsets differ from Python's json module, whose
 * (msg, pos) FastAPI puts in its 422.  When jansson refuses a body, this
 * small scanner walks it the way CPython's decoder does and reports the
 * first error with Python's words and byte index (converted to a character
 * offset by the caller). */

typedef struct {
    const char *s;
    size_t n;
    const char *msg;
    size_t pos;
} json_py_t;

static size_t json_py_ws(const json_py_t *p, size_t i)
{
    while (i < p->n && (p->s[i] == ' ' || p->s[i] == '\t' || p->s[i] == '\n' || p->s[i] == '\r'))
        i++;
    return i;
}

static bool json_py_fail(json_py_t *p, const char *msg, size_t pos)
{
    p->msg = msg;
    p->pos = pos;
    return false;
}

static bool json_py_value(json_py_t *p, size_t i, size_t *end, int depth);

static bool json_py_string(json_py_t *p, size_t i, size_t *end)
{
    size_t begin = i; /* the opening quote */
    i++;
    while (i < p->n) {
        unsigned char c = (unsigned char)p->s[i];
        if (c == '"') {
            *end = i + 1;
            return true;
        }
        if (c == '\\') {
            if (i + 1 >= p->n)
                break;
            char e = p->s[i + 1];
            if (e == 'u') {
                for (int k = 0; k < 4; k++) {
                    char h = i + 2 + (size_t)k < p->n ? p->s[i + 2 + (size_t)k] : '\0';
                    if (!((h >= '0' && h <= '9') || (h >= 'a' && h <= 'f') || (h >= 'A' && h <= 'F')))
                        return json_py_fail(p, "Invalid \\uXXXX escape", i);
                }
                i += 6;
                continue;
            }
            if (!strchr("\"\\/bfnrt", e) || e == '\0')
                return json_py_fail(p, "Invalid \\escape", i);
            i += 2;
            continue;
        }
        if (c < 0x20)
            return json_py_fail(p, "Invalid control character at", i);
        i++;
    }
    return json_py_fail(p, "Unterminated string starting at", begin);
}

static bool json_py_number(json_py_t *p, size_t i, size_t *end)
{
    size_t j = i;
    if (j < p->n && p->s[j] == '-')
        j++;
    if (j >= p->n || p->s[j] < '0' || p->s[j] > '9')
        return json_py_fail(p, "Expecting value", i);
    if (p->s[j] == '0')
        j++;
    else
        while (j < p->n && p->s[j] >= '0' && p->s[j] <= '9')
            j++;
    if (j + 1 < p->n && p->s[j] == '.' && p->s[j + 1] >= '0' && p->s[j + 1] <= '9') {
        j++;
        while (j < p->n && p->s[j] >= '0' && p->s[j] <= '9')
            j++;
    }
    if (j < p->n && (p->s[j] == 'e' || p->s[j] == 'E')) {
        size_t k = j + 1;
        if (k < p->n && (p->s[k] == '+' || p->s[k] == '-'))
            k++;
        if (k < p->n && p->s[k] >= '0' && p->s[k] <= '9') {
            while (k < p->n && p->s[k] >= '0' && p->s[k] <= '9')
                k++;
            j = k;
        }
    }
    *end = j;
    return true;
}

static bool json_py_literal(json_py_t *p, size_t i, size_t *end, const char *word)
{
    size_t len = strlen(word);
    if (p->n - i >= len && memcmp(p->s + i, word, len) == 0) {
        *end = i + len;
        return true;
    }
    return json_py_fail(p, "Expecting value", i);
}

static bool json_py_object(json_py_t *p, size_t i, size_t *end, int depth)
{
    i = json_py_ws(p, i + 1);
    if (i < p->n && p->s[i] == '}') {
        *end = i + 1;
        return true;
    }
    for (;;) {
        if (i >= p->n || p->s[i] != '"')
            return json_py_fail(p, "Expecting property name enclosed in double quotes", i);
        if (!json_py_string(p, i, &i))
            return false;
        i = json_py_ws(p, i);
        if (i >= p->n || p->s[i] != ':')
            return json_py_fail(p, "Expecting ':' delimiter", i);
        i = json_py_ws(p, i + 1);
        if (!json_py_value(p, i, &i, depth + 1))
            return false;
        i = json_py_ws(p, i);
        if (i < p->n && p->s[i] == '}') {
            *end = i + 1;
            return true;
        }
        if (i >= p->n || p->s[i] != ',')
            return json_py_fail(p, "Expecting ',' delimiter", i);
        i = json_py_ws(p, i + 1);
    }
}

static bool json_py_array(json_py_t *p, size_t i, size_t *end, int depth)
{
    i = json_py_ws(p, i + 1);
    if (i < p->n && p->s[i] == ']') {
        *end = i + 1;
        return true;
    }
    for (;;) {
        if (!json_py_value(p, i, &i, depth + 1))
            return false;
        i = json_py_ws(p, i);
        if (i < p->n && p->s[i] == ']') {
            *end = i + 1;
            return true;
        }
        if (i >= p->n || p->s[i] != ',')
            return json_py_fail(p, "Expecting ',' delimiter", i);
        i = json_py_ws(p, i + 1);
    }
}

static bool json_py_value(json_py_t *p, size_t i, size_t *end, int depth)
{
    if (depth > 512)
        return json_py_fail(p, "JSON nested too deeply", i);
    if (i >= p->n)
        return json_py_fail(p, "Expecting value", i);
    switch (p->s[i]) {
    case '"': return json_py_string(p, i, end);
    case '{': return json_py_object(p, i, end, depth);
    case '[': return json_py_array(p, i, end, depth);
    case 'n': return json_py_literal(p, i, end, "null");
    case 't': return json_py_literal(p, i, end, "true");
    case 'f': return json_py_literal(p, i, end, "false");
    case 'N': return json_py_literal(p, i, end, "NaN");
    case 'I': return json_py_literal(p, i, end, "Infinity");
    default:
        if (p->s[i] == '-' && p->n - i >= 9 && memcmp(p->s + i, "-Infinity", 9) == 0) {
            *end = i + 9;
            return true;
        }
        return json_py_number(p, i, end);
    }
}

/* Python's error for text that jansson refused: false when the scanner
 * finds none (jansson refused something Python accepts, such as NaN or a
 * huge integer). */
static bool json_py_error(const char *s, size_t n, const char **msg, size_t *byte_pos)
{
    json_py_t p = {s, n, NULL, 0};
    size_t i = json_py_ws(&p, 0), end = 0;
    if (json_py_value(&p, i, &end, 0)) {
        end = json_py_ws(&p, end);
        if (end >= n)
            return false;
        p.msg = "Extra data";
        p.pos = end;
    }
    *msg = p.msg;
    *byte_pos = p.pos;
    return true;
}

/* Characters (code points) in the first nbytes of UTF-8 text. */
static size_t json_char_offset(const char *s, size_t nbytes)
{
    size_t chars = 0;
    for (size_t i = 0; i < nbytes; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            chars++;
    return chars;
}

json_t *json_parse(const char *s, size_t n, int max_depth, json_parse_error_t *err)
{
    json_error_t je;
    json_t *v = json_loadb(s, n, JSON_DECODE_ANY | JSON_ALLOW_NUL, &je);
    if (!v) {
        if (err) {
            const char *msg = NULL;
            size_t pos = 0;
            if (json_py_error(s, n, &msg, &pos)) {
                err->position = json_char_offset(s, pos);
                snprintf(err->message, sizeof err->message, "%s", msg);
            } else {
                err->position = 0;
                snprintf(err->message, sizeof err->message, "%s", je.text);
            }
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

bool json_truthy(const json_t *v)
{
    if (!v)
        return false;
    switch (json_typeof(v)) {
    case JSON_NULL:
    case JSON_FALSE: return false;
    case JSON_TRUE: return true;
    case JSON_INTEGER: return json_integer_value(v) != 0;
    case JSON_REAL: return json_real_value(v) != 0.0;
    case JSON_STRING: return json_string_length(v) > 0;
    case JSON_ARRAY: return json_array_size(v) > 0;
    case JSON_OBJECT: return json_object_size(v) > 0;
    }
    return false;
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

void json_use_abort_alloc(void)
{
    json_set_alloc_funcs(xmalloc, free);
}
