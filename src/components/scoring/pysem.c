/* pysem: Python 3.11 semantics for the scoring engine (see pysem.h). */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "components/scoring/pysem.h"

#include <math.h>
#include <pcre2.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "platform/json.h"
#include "platform/mem.h"

/* ---------------------------------------------------------------------
 * Numbers
 * ------------------------------------------------------------------- */

double pysem_round(double x, int ndigits)
{
    if (!isfinite(x))
        return x;
    if (ndigits < 0)
        ndigits = 0;
    if (ndigits > 30)
        ndigits = 30;
    /* Fast path: scale, and when the scaled value is clearly away from a
     * tie, the integer it rounds to is certain; k / 10^n is then the
     * correctly rounded quotient, the same double strtod would give for
     * the decimal string "k/10^n". */
    static const double pow10[] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8};
    if (ndigits <= 8) {
        double p = pow10[ndigits];
        double y = x * p;
        if (fabs(y) < 4503599627370496.0) { /* 2^52: y - floor(y) is exact */
            double fl = floor(y);
            double frac = y - fl;
            /* the product's rounding error is below |y| * 2^-53 */
            if (fabs(frac - 0.5) > fabs(y) * 1e-15) {
                double k = frac < 0.5 ? fl : fl + 1.0;
                double r = k / p;
                /* keep the sign of a negative value rounding to zero */
                return (r == 0.0 && x < 0) ? -0.0 : r;
            }
        }
    }
    /* glibc prints the exact binary value rounded half-even, which is what
     * Python's correctly rounded round() does; strtod brings it back. */
    char buf[400];
    snprintf(buf, sizeof buf, "%.*f", ndigits, x);
    return strtod(buf, NULL);
}

double pysem_round0(double x)
{
    if (!isfinite(x))
        return x;
    return nearbyint(x);
}

bool pysem_round_int(double x, long long *out)
{
    if (!isfinite(x))
        return false;
    double r = nearbyint(x);
    if (r < -9223372036854775808.0 || r >= 9223372036854775808.0)
        return false;
    *out = (long long)r;
    return true;
}

char *pysem_fmt_fixed(char *buf, size_t n, double x, int prec)
{
    if (n == 0)
        return buf;
    if (isnan(x)) {
        snprintf(buf, n, "nan");
        return buf;
    }
    if (prec < 0)
        prec = 0;
    if (prec == 0 && fabs(x) < 1e15 && n >= 24) {
        /* x is exact, so rounding it half to even (the default rounding
         * mode) is what printf's %.0f does; its sign survives on -0.4 */
        double r = nearbyint(x);
        unsigned long long v = (unsigned long long)fabs(r);
        char tmp[24];
        size_t k = sizeof tmp;
        do {
            tmp[--k] = (char)('0' + v % 10);
            v /= 10;
        } while (v);
        char *o = buf;
        if (signbit(r))
            *o++ = '-';
        memcpy(o, tmp + k, sizeof tmp - k);
        o[sizeof tmp - k] = '\0';
        return buf;
    }
    snprintf(buf, n, "%.*f", prec, x);
    return buf;
}

char *pysem_repr_float(double x, char buf[32])
{
    return json_fmt_double(x, buf);
}

long long pysem_floordiv(long long a, long long b)
{
    long long q = a / b;
    long long r = a % b;
    if (r != 0 && ((r < 0) != (b < 0)))
        q--;
    return q;
}

long long pysem_mod(long long a, long long b)
{
    long long r = a % b;
    if (r != 0 && ((r < 0) != (b < 0)))
        r += b;
    return r;
}

/* CPython's float_divmod, which both // and % use. */
static void float_divmod(double vx, double wx, double *floordiv, double *modulo)
{
    double mod = fmod(vx, wx);
    double div = (vx - mod) / wx;
    if (mod != 0.0) {
        if ((wx < 0) != (mod < 0)) {
            mod += wx;
            div -= 1.0;
        }
    } else {
        mod = copysign(0.0, wx);
    }
    double fd;
    if (div != 0.0) {
        fd = floor(div);
        if (div - fd > 0.5)
            fd += 1.0;
    } else {
        fd = copysign(0.0, vx / wx);
    }
    *floordiv = fd;
    *modulo = mod;
}

double pysem_floordiv_d(double a, double b)
{
    if (b == 0.0)
        return NAN;
    double q, r;
    float_divmod(a, b, &q, &r);
    return q;
}

double pysem_mod_d(double a, double b)
{
    if (b == 0.0)
        return NAN;
    double q, r;
    float_divmod(a, b, &q, &r);
    return r;
}

bool pysem_num_from_json(const json_t *v, pysem_num_t *out)
{
    if (!v)
        return false;
    switch (json_typeof(v)) {
    case JSON_INTEGER: *out = pysem_num_int((long long)json_integer_value(v)); return true;
    case JSON_REAL: *out = pysem_num_float(json_real_value(v)); return true;
    case JSON_TRUE: *out = pysem_num_int(1); return true;
    case JSON_FALSE: *out = pysem_num_int(0); return true;
    default: return false;
    }
}

pysem_num_t pysem_num_int(long long i)
{
    pysem_num_t n = {.is_float = false, .i = i, .f = 0.0};
    return n;
}

pysem_num_t pysem_num_float(double f)
{
    pysem_num_t n = {.is_float = true, .i = 0, .f = f};
    return n;
}

double pysem_num_d(pysem_num_t n)
{
    return n.is_float ? n.f : (double)n.i;
}

pysem_num_t pysem_num_add(pysem_num_t a, pysem_num_t b)
{
    if (!a.is_float && !b.is_float) {
        long long r;
        if (!__builtin_add_overflow(a.i, b.i, &r))
            return pysem_num_int(r);
    }
    return pysem_num_float(pysem_num_d(a) + pysem_num_d(b));
}

pysem_num_t pysem_num_abs(pysem_num_t a)
{
    if (a.is_float)
        return pysem_num_float(fabs(a.f));
    if (a.i == (-9223372036854775807LL - 1))
        return pysem_num_float(9223372036854775808.0);
    return pysem_num_int(a.i < 0 ? -a.i : a.i);
}

/* Python compares int and float exactly; long double holds both exactly
 * on the platforms we build for (x86-64 extended, aarch64 quad). */
static long double num_ld(pysem_num_t n)
{
    return n.is_float ? (long double)n.f : (long double)n.i;
}

bool pysem_num_lt(pysem_num_t a, pysem_num_t b)
{
    if (!a.is_float && !b.is_float)
        return a.i < b.i;
    return num_ld(a) < num_ld(b);
}

bool pysem_num_le(pysem_num_t a, pysem_num_t b)
{
    if (!a.is_float && !b.is_float)
        return a.i <= b.i;
    return num_ld(a) <= num_ld(b);
}

bool pysem_num_eq(pysem_num_t a, pysem_num_t b)
{
    if (!a.is_float && !b.is_float)
        return a.i == b.i;
    return num_ld(a) == num_ld(b);
}

bool pysem_num_truthy(pysem_num_t a)
{
    return a.is_float ? a.f != 0.0 : a.i != 0;
}

json_t *pysem_num_to_json(pysem_num_t n)
{
    return n.is_float ? json_real(n.f) : json_integer((json_int_t)n.i);
}

char *pysem_num_str(pysem_num_t n, char buf[32])
{
    if (n.is_float)
        return json_fmt_double(n.f, buf);
    snprintf(buf, 32, "%lld", n.i);
    return buf;
}

double pysem_max_d(double a, double b)
{
    return b > a ? b : a;
}

double pysem_min_d(double a, double b)
{
    return b < a ? b : a;
}

/* ---------------------------------------------------------------------
 * JSON values as Python objects
 * ------------------------------------------------------------------- */

bool pysem_truthy(const json_t *v)
{
    return json_truthy(v);
}

bool pysem_json_eq(const json_t *a, const json_t *b)
{
    if (!a || !b)
        return a == b;
    pysem_num_t na, nb;
    bool an = pysem_num_from_json(a, &na), bn = pysem_num_from_json(b, &nb);
    if (an || bn)
        return an && bn && pysem_num_eq(na, nb);
    if (json_typeof(a) != json_typeof(b))
        return false;
    switch (json_typeof(a)) {
    case JSON_NULL: return true;
    case JSON_STRING:
        return json_string_length(a) == json_string_length(b) &&
               memcmp(json_string_value(a), json_string_value(b), json_string_length(a)) == 0;
    case JSON_ARRAY: {
        size_t n = json_array_size(a);
        if (n != json_array_size(b))
            return false;
        for (size_t i = 0; i < n; i++)
            if (!pysem_json_eq(json_array_get(a, i), json_array_get(b, i)))
                return false;
        return true;
    }
    case JSON_OBJECT: {
        if (json_object_size(a) != json_object_size(b))
            return false;
        const char *k;
        json_t *va;
        json_object_foreach((json_t *)a, k, va)
        {
            json_t *vb = json_object_get(b, k);
            if (!vb || !pysem_json_eq(va, vb))
                return false;
        }
        return true;
    }
    default: return false;
    }
}

char *pysem_json_str(const json_t *v)
{
    char buf[32];
    if (!v)
        return xstrdup("None");
    switch (json_typeof(v)) {
    case JSON_NULL: return xstrdup("None");
    case JSON_TRUE: return xstrdup("True");
    case JSON_FALSE: return xstrdup("False");
    case JSON_INTEGER: snprintf(buf, sizeof buf, "%lld", (long long)json_integer_value(v)); return xstrdup(buf);
    case JSON_REAL: return xstrdup(json_fmt_double(json_real_value(v), buf));
    case JSON_STRING: return xstrndup(json_string_value(v), json_string_length(v));
    default: return NULL;
    }
}

/* ---------------------------------------------------------------------
 * UTF-8
 * ------------------------------------------------------------------- */

#define BAD_BYTE 0x80000000u

size_t pysem_utf8_next(const char *s, size_t n, size_t i, uint32_t *cp)
{
    const unsigned char *u = (const unsigned char *)s;
    unsigned char c = u[i];
    if (c < 0x80) {
        *cp = c;
        return i + 1;
    }
    size_t need;
    uint32_t v, min;
    if (c >= 0xC2 && c <= 0xDF) {
        need = 1;
        v = c & 0x1F;
        min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
        need = 2;
        v = c & 0x0F;
        min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
        need = 3;
        v = c & 0x07;
        min = 0x10000;
    } else {
        *cp = BAD_BYTE | c;
        return i + 1;
    }
    if (n - i <= need) {
        *cp = BAD_BYTE | c;
        return i + 1;
    }
    for (size_t k = 1; k <= need; k++) {
        unsigned char d = u[i + k];
        if ((d & 0xC0) != 0x80) {
            *cp = BAD_BYTE | c;
            return i + 1;
        }
        v = (v << 6) | (d & 0x3F);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) {
        *cp = BAD_BYTE | c;
        return i + 1;
    }
    *cp = v;
    return i + need + 1;
}

size_t pysem_utf8_prev(const char *s, size_t i)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t j = i - 1;
    size_t steps = 0;
    while (j > 0 && (u[j] & 0xC0) == 0x80 && steps < 3) {
        j--;
        steps++;
    }
    /* confirm that the lead byte really spans up to i; otherwise the byte
     * just before i stands alone */
    uint32_t cp;
    if (pysem_utf8_next(s, i, j, &cp) == i)
        return j;
    return i - 1;
}

size_t pysem_utf8_put(uint32_t cp, char *out)
{
    unsigned char *o = (unsigned char *)out;
    if (cp & BAD_BYTE) {
        o[0] = (unsigned char)(cp & 0xFF);
        return 1;
    }
    if (cp < 0x80) {
        o[0] = (unsigned char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (unsigned char)(0xC0 | (cp >> 6));
        o[1] = (unsigned char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (unsigned char)(0xE0 | (cp >> 12));
        o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (unsigned char)(0x80 | (cp & 0x3F));
        return 3;
    }
    o[0] = (unsigned char)(0xF0 | (cp >> 18));
    o[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
    o[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
    o[3] = (unsigned char)(0x80 | (cp & 0x3F));
    return 4;
}

size_t pysem_len(const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t count = 0;
    size_t i = 0;
    while (i < n) {
        if (u[i] < 0x80) {
            i++;
        } else {
            uint32_t cp;
            i = pysem_utf8_next(s, n, i, &cp);
        }
        count++;
    }
    return count;
}

bool pysem_isspace(uint32_t cp)
{
    if (cp <= 0x20)
        return cp == 0x20 || (cp >= 0x09 && cp <= 0x0D) || (cp >= 0x1C && cp <= 0x1F);
    if (cp < 0x85)
        return false;
    switch (cp) {
    case 0x85:
    case 0xA0:
    case 0x1680:
    case 0x2028:
    case 0x2029:
    case 0x202F:
    case 0x205F:
    case 0x3000: return true;
    default: return cp >= 0x2000 && cp <= 0x200A;
    }
}

/* Letters and numbers of the Basic Multilingual Plane as a bitmap, and
 * the compiled class for the planes above; both built once and read-only
 * afterwards. */
static uint8_t bmp_alnum[0x10000 / 8];
static pcre2_code *alnum_class;
static pthread_once_t alnum_once = PTHREAD_ONCE_INIT;

static void alnum_init(void)
{
    int ec;
    PCRE2_SIZE eo;
    alnum_class =
        pcre2_compile((PCRE2_SPTR) "[\\p{L}\\p{N}]+", PCRE2_ZERO_TERMINATED, PCRE2_UTF | PCRE2_UCP, &ec, &eo, NULL);
    pcre2_match_data *md = alnum_class ? pcre2_match_data_create(1, NULL) : NULL;
    if (!md) {
        fputs("pysem: cannot build the alnum table\n", stderr);
        abort();
    }
    /* One UTF-8 buffer with every BMP code point from U+0100 (surrogates
     * left out), scanned once for runs of the class. */
    mem_buf_t b = {0};
    char tmp[4];
    for (uint32_t cp = 0x100; cp < 0x10000; cp++) {
        if (cp >= 0xD800 && cp <= 0xDFFF)
            continue;
        mem_buf_append(&b, tmp, pysem_utf8_put(cp, tmp));
    }
    PCRE2_SIZE pos = 0;
    /* the buffer is valid UTF-8 by construction; checking it on every call
     * would make the scan quadratic */
    while (pcre2_match(alnum_class, (PCRE2_SPTR)b.data, b.len, pos, PCRE2_NO_UTF_CHECK, md, NULL) > 0) {
        PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
        size_t i = ov[0];
        while (i < ov[1]) {
            uint32_t cp;
            i = pysem_utf8_next(b.data, b.len, i, &cp);
            bmp_alnum[cp >> 3] |= (uint8_t)(1u << (cp & 7));
        }
        pos = ov[1];
    }
    pcre2_match_data_free(md);
    mem_buf_free(&b);
}

bool pysem_isalnum(uint32_t cp)
{
    if (cp < 0x80)
        return (cp >= '0' && cp <= '9') || ((cp | 0x20) >= 'a' && (cp | 0x20) <= 'z');
    if (cp & BAD_BYTE)
        return false;
    /* Latin-1 shortcut: letters are C0-FF except D7 and F7, plus AA, B5,
     * BA; numbers B2, B3, B9, BC-BE. */
    if (cp < 0x100) {
        if (cp >= 0xC0)
            return cp != 0xD7 && cp != 0xF7;
        return cp == 0xAA || cp == 0xB5 || cp == 0xBA || cp == 0xB2 || cp == 0xB3 || cp == 0xB9 ||
               (cp >= 0xBC && cp <= 0xBE);
    }
    pthread_once(&alnum_once, alnum_init);
    if (cp < 0x10000)
        return (bmp_alnum[cp >> 3] >> (cp & 7)) & 1;
    char buf[4];
    size_t len = pysem_utf8_put(cp, buf);
    pcre2_match_data *md = pcre2_match_data_create(1, NULL);
    if (!md) {
        fputs("pysem: out of memory\n", stderr);
        abort();
    }
    int rc = pcre2_match(alnum_class, (PCRE2_SPTR)buf, len, 0, PCRE2_ANCHORED, md, NULL);
    pcre2_match_data_free(md);
    return rc > 0;
}

bool pysem_isword(uint32_t cp)
{
    return cp == '_' || pysem_isalnum(cp);
}

static inline size_t next_cp(const char *s, size_t n, size_t i, uint32_t *cp)
{
    unsigned char c = (unsigned char)s[i];
    if (c < 0x80) {
        *cp = c;
        return i + 1;
    }
    return pysem_utf8_next(s, n, i, cp);
}

static inline bool ascii_space(unsigned char c)
{
    return c == ' ' || (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x1F);
}

/* Whether the code point at i is whitespace; *next receives the index
 * after it. */
static inline bool space_at(const char *s, size_t n, size_t i, size_t *next)
{
    unsigned char c = (unsigned char)s[i];
    if (c < 0x80) {
        *next = i + 1;
        return ascii_space(c);
    }
    uint32_t cp;
    *next = pysem_utf8_next(s, n, i, &cp);
    return pysem_isspace(cp);
}

size_t pysem_split(const char *s, size_t n, pysem_span_t **out)
{
    size_t cap = 0, count = 0;
    pysem_span_t *v = NULL;
    size_t i = 0, j;
    while (i < n) {
        if (space_at(s, n, i, &j)) {
            i = j;
            continue;
        }
        size_t start = i;
        i = j;
        while (i < n && !space_at(s, n, i, &j))
            i = j;
        if (out) {
            if (count == cap) {
                cap = cap ? cap * 2 : 16;
                v = xrealloc(v, cap * sizeof *v);
            }
            v[count].off = start;
            v[count].len = i - start;
        }
        count++;
    }
    if (out)
        *out = v;
    return count;
}

size_t pysem_word_count(const char *s, size_t n)
{
    return pysem_split(s, n, NULL);
}

pysem_span_t pysem_strip(const char *s, size_t n)
{
    size_t a = 0;
    while (a < n) {
        uint32_t cp;
        size_t j = next_cp(s, n, a, &cp);
        if (!pysem_isspace(cp))
            break;
        a = j;
    }
    size_t b = n;
    while (b > a) {
        size_t p = pysem_utf8_prev(s, b);
        uint32_t cp;
        next_cp(s, b, p, &cp);
        if (!pysem_isspace(cp))
            break;
        b = p;
    }
    pysem_span_t r = {a, b - a};
    return r;
}

static bool is_line_break(uint32_t cp)
{
    switch (cp) {
    case 0x0A:
    case 0x0B:
    case 0x0C:
    case 0x0D:
    case 0x1C:
    case 0x1D:
    case 0x1E:
    case 0x85:
    case 0x2028:
    case 0x2029: return true;
    default: return false;
    }
}

size_t pysem_splitlines(const char *s, size_t n, pysem_span_t **out)
{
    size_t cap = 0, count = 0;
    pysem_span_t *v = NULL;
    size_t i = 0;
    while (i < n) {
        size_t start = i, end = n, next = n;
        while (i < n) {
            uint32_t cp;
            size_t j = next_cp(s, n, i, &cp);
            if (is_line_break(cp)) {
                end = i;
                next = j;
                if (cp == '\r' && j < n && s[j] == '\n')
                    next = j + 1;
                break;
            }
            i = j;
        }
        if (out) {
            if (count == cap) {
                cap = cap ? cap * 2 : 16;
                v = xrealloc(v, cap * sizeof *v);
            }
            v[count].off = start;
            v[count].len = end - start;
        }
        count++;
        i = next;
    }
    if (out)
        *out = v;
    return count;
}

size_t pysem_splitlines_count(const char *s, size_t n)
{
    return pysem_splitlines(s, n, NULL);
}

size_t pysem_count(const char *s, size_t n, const char *sub, size_t subn)
{
    if (subn == 0)
        return pysem_len(s, n) + 1;
    size_t count = 0, i = 0;
    while (i + subn <= n) {
        const char *p = memmem(s + i, n - i, sub, subn);
        if (!p)
            break;
        count++;
        i = (size_t)(p - s) + subn;
    }
    return count;
}

bool pysem_contains(const char *s, size_t n, const char *sub, size_t subn)
{
    if (subn == 0)
        return true;
    return memmem(s, n, sub, subn) != NULL;
}

/* Simple lowercase mapping for the blocks pysem_lower covers.  Returns the
 * lowercase code point, or cp itself. */
static uint32_t lower_simple(uint32_t cp)
{
    if (cp < 0x80)
        return (cp >= 'A' && cp <= 'Z') ? cp + 32 : cp;
    if (cp < 0x100)
        return (cp >= 0xC0 && cp <= 0xDE && cp != 0xD7) ? cp + 32 : cp;
    if (cp < 0x180) {
        if (cp == 0x130 || cp == 0x131 || cp == 0x138 || cp == 0x149 || cp == 0x17F)
            return cp;
        if (cp == 0x178)
            return 0xFF;
        if ((cp >= 0x100 && cp <= 0x137) || (cp >= 0x14A && cp <= 0x177))
            return (cp % 2 == 0) ? cp + 1 : cp;
        if ((cp >= 0x139 && cp <= 0x148) || (cp >= 0x179 && cp <= 0x17E))
            return (cp % 2 == 1) ? cp + 1 : cp;
        return cp;
    }
    if (cp >= 0x370 && cp < 0x400) {
        if (cp == 0x386)
            return 0x3AC;
        if (cp >= 0x388 && cp <= 0x38A)
            return cp + 37;
        if (cp == 0x38C)
            return 0x3CC;
        if (cp == 0x38E || cp == 0x38F)
            return cp + 63;
        if (cp >= 0x391 && cp <= 0x3AB && cp != 0x3A2)
            return cp + 32;
        if (cp == 0x3CF)
            return 0x3D7;
        if (cp >= 0x3D8 && cp <= 0x3EF)
            return (cp % 2 == 0) ? cp + 1 : cp;
        if (cp == 0x3F4)
            return 0x3B8;
        if (cp == 0x3F7 || cp == 0x3FA)
            return cp + 1;
        if (cp == 0x3F9)
            return 0x3F2;
        if (cp >= 0x3FD && cp <= 0x3FF)
            return cp - 130;
        return cp;
    }
    if (cp >= 0x400 && cp < 0x530) {
        if (cp <= 0x40F)
            return cp + 80;
        if (cp <= 0x42F)
            return cp + 32;
        if ((cp >= 0x460 && cp <= 0x481) || (cp >= 0x48A && cp <= 0x4BF) || (cp >= 0x4D0 && cp <= 0x52F))
            return (cp % 2 == 0) ? cp + 1 : cp;
        if (cp == 0x4C0)
            return 0x4CF;
        if (cp >= 0x4C1 && cp <= 0x4CE)
            return (cp % 2 == 1) ? cp + 1 : cp;
        return cp;
    }
    if (cp >= 0x531 && cp <= 0x556)
        return cp + 48;
    if (cp >= 0x1E00 && cp <= 0x1EFF) {
        if (cp == 0x1E9E)
            return 0xDF;
        if (cp <= 0x1E95 || cp >= 0x1EA0)
            return (cp % 2 == 0) ? cp + 1 : cp;
        return cp;
    }
    switch (cp) {
    case 0x2126: return 0x3C9;
    case 0x212A: return 'k';
    case 0x212B: return 0xE5;
    default: break;
    }
    if (cp >= 0x2160 && cp <= 0x216F)
        return cp + 16;
    if (cp >= 0x24B6 && cp <= 0x24CF)
        return cp + 26;
    if (cp >= 0xFF21 && cp <= 0xFF3A)
        return cp + 32;
    return cp;
}

uint32_t pysem_simple_lower(uint32_t cp)
{
    return cp == 0x130 ? 'i' : lower_simple(cp);
}

/* Whether cp is a letter for the final-sigma rule. */
static bool is_cased_letter(uint32_t cp)
{
    return pysem_isalnum(cp) && !(cp >= '0' && cp <= '9');
}

size_t pysem_lower_to(const char *s, size_t n, char *out)
{
    char *o = out;
    size_t i = 0;
    size_t run = 0; /* start of the pending ASCII run without uppercase */
    while (i < n) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x80) {
            if (c >= 'A' && c <= 'Z') {
                memcpy(o, s + run, i - run);
                o += i - run;
                *o++ = (char)(c + ('a' - 'A'));
                run = ++i;
            } else {
                i++;
            }
            continue;
        }
        memcpy(o, s + run, i - run);
        o += i - run;
        uint32_t cp;
        size_t j = next_cp(s, n, i, &cp);
        if (cp == 0x130) {
            memcpy(o, "i\xcc\x87", 3);
            o += 3;
        } else if (cp == 0x3A3) {
            /* final sigma: after a letter and not before one */
            bool after = false, before = false;
            if (i > 0) {
                uint32_t pc;
                next_cp(s, n, pysem_utf8_prev(s, i), &pc);
                after = is_cased_letter(pc);
            }
            if (j < n) {
                uint32_t nc;
                next_cp(s, n, j, &nc);
                before = is_cased_letter(nc);
            }
            memcpy(o, after && !before ? "\xcf\x82" : "\xcf\x83", 2);
            o += 2;
        } else {
            o += pysem_utf8_put(lower_simple(cp), o);
        }
        i = j;
        run = j;
    }
    memcpy(o, s + run, n - run);
    o += n - run;
    *o = '\0';
    return (size_t)(o - out);
}

char *pysem_lower(const char *s, size_t n, size_t *outlen)
{
    char *out = xmalloc(PYSEM_LOWER_MAX(n));
    size_t len = pysem_lower_to(s, n, out);
    if (outlen)
        *outlen = len;
    return out;
}

pysem_span_t pysem_slice(const char *s, size_t n, long long start, long long stop)
{
    long long len = (long long)pysem_len(s, n);
    if (start < 0) {
        start += len;
        if (start < 0)
            start = 0;
    } else if (start > len) {
        start = len;
    }
    if (stop == PYSEM_SLICE_END || stop > len) {
        stop = len;
    } else if (stop < 0) {
        stop += len;
        if (stop < 0)
            stop = 0;
    }
    pysem_span_t r = {0, 0};
    if (stop <= start) {
        /* an empty slice; point at the start position for callers that
         * care about the offset */
        stop = start;
    }
    size_t i = 0;
    long long k = 0;
    while (i < n && k < start) {
        uint32_t cp;
        i = next_cp(s, n, i, &cp);
        k++;
    }
    r.off = i;
    while (i < n && k < stop) {
        uint32_t cp;
        i = next_cp(s, n, i, &cp);
        k++;
    }
    r.len = i - r.off;
    return r;
}

/* ---------------------------------------------------------------------
 * Regular expressions
 * ------------------------------------------------------------------- */

struct pysem_re {
    pcre2_code *code;
};

pysem_re_t *pysem_re_compile(const char *pattern, unsigned flags, char *err, size_t errlen)
{
    uint32_t opts = PCRE2_UTF | PCRE2_UCP;
    if (flags & PYSEM_RE_IGNORECASE)
        opts |= PCRE2_CASELESS;
    if (flags & PYSEM_RE_MULTILINE)
        opts |= PCRE2_MULTILINE;
    if (flags & PYSEM_RE_DOTALL)
        opts |= PCRE2_DOTALL;
    pcre2_compile_context *cc = pcre2_compile_context_create(NULL);
    if (!cc) {
        fputs("pysem: out of memory\n", stderr);
        abort();
    }
    pcre2_set_newline(cc, PCRE2_NEWLINE_LF);
    pcre2_set_bsr(cc, PCRE2_BSR_UNICODE);
    int ec;
    PCRE2_SIZE eo;
    pcre2_code *code = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED, opts, &ec, &eo, cc);
    pcre2_compile_context_free(cc);
    if (!code) {
        if (err && errlen) {
            PCRE2_UCHAR msg[160];
            pcre2_get_error_message(ec, msg, sizeof msg);
            snprintf(err, errlen, "regex error at %zu: %s", (size_t)eo, (const char *)msg);
        }
        return NULL;
    }
    /* JIT is an optimisation only: a platform without it still matches */
    (void)pcre2_jit_compile(code, PCRE2_JIT_COMPLETE);
    pysem_re_t *re = xmalloc(sizeof *re);
    re->code = code;
    return re;
}

void pysem_re_free(pysem_re_t *re)
{
    if (!re)
        return;
    pcre2_code_free(re->code);
    free(re);
}

static pcre2_match_data *new_match_data(const pysem_re_t *re)
{
    pcre2_match_data *md = pcre2_match_data_create_from_pattern(re->code, NULL);
    if (!md) {
        fputs("pysem: out of memory\n", stderr);
        abort();
    }
    return md;
}

bool pysem_re_search_from(const pysem_re_t *re, const char *s, size_t n, size_t start, pysem_span_t *m)
{
    if (start > n)
        return false;
    pcre2_match_data *md = new_match_data(re);
    /* jansson strings and our own buffers are valid UTF-8; invalid input
     * makes PCRE2 report an error, which counts as no match */
    int rc = pcre2_match(re->code, (PCRE2_SPTR)(s ? s : ""), n, start, 0, md, NULL);
    bool ok = rc > 0;
    if (ok && m) {
        PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
        m->off = ov[0];
        m->len = ov[1] - ov[0];
    }
    pcre2_match_data_free(md);
    return ok;
}

bool pysem_re_search(const pysem_re_t *re, const char *s, size_t n, pysem_span_t *m)
{
    return pysem_re_search_from(re, s, n, 0, m);
}

size_t pysem_re_count(const pysem_re_t *re, const char *s, size_t n)
{
    pcre2_match_data *md = new_match_data(re);
    size_t count = 0;
    size_t pos = 0;
    uint32_t opts = 0;
    const char *subject = s ? s : "";
    while (pos <= n) {
        int rc = pcre2_match(re->code, (PCRE2_SPTR)subject, n, pos, opts, md, NULL);
        if (rc <= 0)
            break;
        PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
        count++;
        /* as Python: after an empty match the next one may not be empty at
         * the same position */
        /* the first call validated the subject; later ones need not */
        opts = PCRE2_NO_UTF_CHECK | ((ov[1] == ov[0]) ? PCRE2_NOTEMPTY_ATSTART : 0);
        pos = ov[1];
    }
    pcre2_match_data_free(md);
    return count;
}
