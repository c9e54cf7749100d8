/* heuristics.c: the 10 heuristic signals of the original analytics module
 * (scoring-spec §11.1) and the MVP prompt scores derived from them (§11.3).
 *
 * The signals read the raw stored prompt records, not the engine's
 * interactions, and follow Python's semantics: `x or default` versus
 * `d.get(k, default)`, code-point lengths, Unicode whitespace, round() to
 * the exact binary value, int vs float results.  Where the original raises
 * (a null message, a null word_count, ...) we return ERR_VALIDATION. */
#include "components/scoring/heuristics.h"

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "components/scoring/keywords.h"
#include "components/scoring/pysem.h"
#include "platform/mem.h"

/* ------------------------------------------------------------------ */
/* small helpers                                                       */
/* ------------------------------------------------------------------ */

static void set_err(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
    if (!err || errlen == 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

/* A JSON number (bools count, as Python's bool is an int) as a double. */
static bool num_value(const json_t *v, double *out, bool *is_real)
{
    if (json_is_integer(v)) {
        *out = (double)json_integer_value(v);
        if (is_real)
            *is_real = false;
        return true;
    }
    if (json_is_real(v)) {
        *out = json_real_value(v);
        if (is_real)
            *is_real = true;
        return true;
    }
    if (json_is_boolean(v)) {
        *out = json_is_true(v) ? 1.0 : 0.0;
        if (is_real)
            *is_real = false;
        return true;
    }
    return false;
}

/* int(x) of Python for a float, when the result fits a long long (Python
 * would make a big int, or raise for NaN and infinities). */
static bool py_int(double x, long long *out)
{
    if (!(x > -9.2e18 && x < 9.2e18))
        return false;
    *out = (long long)x;
    return true;
}

static json_t *json_num(double d, bool is_real)
{
    long long i;
    if (!is_real && py_int(d, &i))
        return json_integer(i);
    return json_real(d);
}

/* `s or ""` for a JSON value that must be a string when truthy.  Returns
 * false when the value is truthy but not a string. */
static bool str_or_empty(const json_t *v, const char **out, size_t *len)
{
    if (!pysem_truthy(v)) {
        *out = "";
        *len = 0;
        return true;
    }
    if (!json_is_string(v))
        return false;
    *out = json_string_value(v);
    *len = json_string_length(v);
    return true;
}

static json_t *new_signal(const char *name)
{
    json_t *o = json_object();
    json_object_set_new(o, "signal", json_string(name));
    return o;
}

static void set_flag(json_t *o, const char *flag)
{
    json_object_set_new(o, "flag", flag ? json_string(flag) : json_null());
}

/* ------------------------------------------------------------------ */
/* datetime.fromisoformat (Python 3.11) and timedelta arithmetic       */
/* ------------------------------------------------------------------ */

typedef struct {
    long long wall_us; /* the wall-clock time, microseconds from 1970-01-01 */
    bool aware;
    long long offset_us; /* UTC offset when aware */
} py_datetime_t;

static long long days_from_civil(long long y, unsigned m, unsigned d)
{
    y -= m <= 2;
    const long long era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = (unsigned)(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (long long)doe - 719468;
}

static bool is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int y, int m)
{
    static const int dm[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : dm[m - 1];
}

/* Reads exactly n ASCII digits. */
static bool read_digits(const char **p, const char *end, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (*p >= end || **p < '0' || **p > '9')
            return false;
        v = v * 10 + (**p - '0');
        (*p)++;
    }
    *out = v;
    return true;
}

/* HH[:MM[:SS[(.|,)f+]]] or HH[MM[SS[(.|,)f+]]]; fills hour..us.  Stops at
 * the end or at a time-zone designator. */
static bool parse_time_part(const char **pp, const char *end, int *h, int *mi, int *s, int *us)
{
    const char *p = *pp;
    *h = *mi = *s = *us = 0;
    if (!read_digits(&p, end, 2, h))
        return false;
    bool ext = p < end && *p == ':';
    if (p < end && (ext || (*p >= '0' && *p <= '9'))) {
        if (ext)
            p++;
        if (!read_digits(&p, end, 2, mi))
            return false;
        if (p < end && ((ext && *p == ':') || (!ext && *p >= '0' && *p <= '9'))) {
            if (ext)
                p++;
            if (!read_digits(&p, end, 2, s))
                return false;
        }
    }
    /* CPython 3.11 takes a fraction after the seconds, and also right
     * after the hours or minutes (still as fractional seconds) */
    if (p < end && (*p == '.' || *p == ',')) {
        p++;
        int nd = 0, v = 0;
        while (p < end && *p >= '0' && *p <= '9') {
            if (nd < 6)
                v = v * 10 + (*p - '0');
            nd++;
            p++;
        }
        /* an empty fraction is accepted before an offset */
        if (nd == 0 && !(p < end && (*p == '+' || *p == '-' || *p == 'Z')))
            return false;
        for (int k = nd; k < 6; k++)
            v *= 10;
        *us = v;
    }
    if (*h > 23 || *mi > 59 || *s > 59)
        return false;
    *pp = p;
    return true;
}

/* Parses the subset of ISO 8601 that Python 3.11's datetime.fromisoformat
 * accepts for calendar dates: YYYY-MM-DD or YYYYMMDD, optionally followed
 * by one separator character, a time and a UTC offset (Z, ±HH, ±HHMM,
 * ±HH:MM, ±HH:MM:SS[.f]). */
static bool py_fromisoformat(const json_t *v, py_datetime_t *out)
{
    if (!json_is_string(v))
        return false;
    const char *p = json_string_value(v);
    const char *end = p + json_string_length(v);
    int y, mo, d;
    if (!read_digits(&p, end, 4, &y))
        return false;
    bool ext = p < end && *p == '-';
    if (ext)
        p++;
    if (!read_digits(&p, end, 2, &mo))
        return false;
    if (ext) {
        if (p >= end || *p != '-')
            return false;
        p++;
    }
    if (!read_digits(&p, end, 2, &d))
        return false;
    if (y < 1 || mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo))
        return false;
    int h = 0, mi = 0, s = 0, us = 0;
    bool aware = false;
    long long off_us = 0;
    if (p < end) {
        /* one separator code point */
        unsigned char c = (unsigned char)*p;
        size_t n = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
        if ((size_t)(end - p) < n)
            return false;
        p += n;
        if (!parse_time_part(&p, end, &h, &mi, &s, &us))
            return false;
        if (p < end) {
            if (*p == 'Z' && p + 1 == end) {
                aware = true;
                p++;
            } else if (*p == '+' || *p == '-') {
                int sign = *p == '-' ? -1 : 1;
                p++;
                int oh, om, os, ous;
                if (!parse_time_part(&p, end, &oh, &om, &os, &ous) || p != end)
                    return false;
                aware = true;
                off_us = sign * ((((long long)oh * 60 + om) * 60 + os) * 1000000LL + ous);
            } else {
                return false;
            }
        }
    }
    out->wall_us =
        ((days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400LL + h * 3600LL + mi * 60LL + s) * 1000000LL) + us;
    out->aware = aware;
    out->offset_us = off_us;
    return true;
}

/* a − b in microseconds.  With strict, mixing naive and aware fails as
 * Python's subtraction does; otherwise naive values are read as UTC. */
static bool dt_sub(const py_datetime_t *a, const py_datetime_t *b, bool strict, long long *us)
{
    if (strict && a->aware != b->aware)
        return false;
    long long ua = a->wall_us - (a->aware ? a->offset_us : 0);
    long long ub = b->wall_us - (b->aware ? b->offset_us : 0);
    *us = ua - ub;
    return true;
}

/* timedelta.total_seconds(): the exact microsecond count over 10**6,
 * correctly rounded (an IEEE division of two exactly represented values). */
static double td_seconds(long long us)
{
    return (double)us / 1e6;
}

/* ------------------------------------------------------------------ */
/* the signals                                                         */
/* ------------------------------------------------------------------ */

typedef struct {
    const json_t *prompts; /* array */
    size_t n;
    bool has_started;
    py_datetime_t started;
    bool has_duration;
    long long duration; /* int((completed - started).total_seconds()) */
    const json_t *tests_passed;
    const json_t *tests_total;
    const json_t *tab_switch_count;
} hctx_t;

static json_t *sig_time_to_first_prompt(const hctx_t *c)
{
    json_t *o = new_signal("time_to_first_prompt");
    bool has = false;
    long long value = 0;
    if (c->n > 0 && c->has_started) {
        py_datetime_t ts0;
        const json_t *t = json_object_get(json_array_get(c->prompts, 0), "timestamp");
        long long us;
        if (pysem_truthy(t) && py_fromisoformat(t, &ts0) && dt_sub(&ts0, &c->started, false, &us)) {
            value = (long long)td_seconds(us);
            has = true;
        }
    }
    json_object_set_new(o, "value", has ? json_integer(value) : json_null());
    const char *flag = NULL;
    if (has) {
        if (value < 30)
            flag = "rushed";
        else if (value > 300)
            flag = "deliberate";
    }
    set_flag(o, flag);
    return o;
}

static err_t sig_prompt_speed(const hctx_t *c, json_t **out, char *err, size_t errlen)
{
    json_t *o = new_signal("prompt_speed");
    if (c->n < 2) {
        json_object_set_new(o, "value", json_null());
        json_object_set_new(o, "avg_ms", json_null());
        set_flag(o, NULL);
        *out = o;
        return ERR_OK;
    }
    double sum = 0.0;
    size_t count = 0;
    for (size_t i = 1; i < c->n; i++) {
        const json_t *g = json_object_get(json_array_get(c->prompts, i), "time_since_last_prompt_ms");
        if (!g || json_is_null(g))
            continue;
        double d;
        if (!num_value(g, &d, NULL)) {
            json_decref(o);
            set_err(err, errlen, "prompt_speed: time_since_last_prompt_ms is not a number");
            return ERR_VALIDATION;
        }
        sum += d;
        count++;
    }
    if (count == 0) {
        for (size_t i = 1; i < c->n; i++) {
            py_datetime_t a, b;
            long long us;
            const json_t *ta = json_object_get(json_array_get(c->prompts, i), "timestamp");
            const json_t *tb = json_object_get(json_array_get(c->prompts, i - 1), "timestamp");
            if (!py_fromisoformat(ta, &a) || !py_fromisoformat(tb, &b) || !dt_sub(&a, &b, true, &us))
                continue;
            sum += (double)(long long)(td_seconds(us) * 1000.0);
            count++;
        }
    }
    if (count == 0) {
        json_object_set_new(o, "value", json_null());
        json_object_set_new(o, "avg_ms", json_null());
        set_flag(o, NULL);
    } else {
        long long avg;
        if (!py_int(sum / (double)count, &avg)) {
            json_decref(o);
            set_err(err, errlen, "prompt_speed: average gap out of range");
            return ERR_VALIDATION;
        }
        json_object_set_new(o, "value", json_integer((json_int_t)count));
        json_object_set_new(o, "avg_ms", json_integer(avg));
        set_flag(o, avg < 15000 ? "rapid_fire" : NULL);
    }
    *out = o;
    return ERR_OK;
}

/* One 10-minute window per started period of the session.  The original
 * built the list for any duration; a session longer than a year (which
 * the expiry sweep never lets happen, but the score CLI may be handed)
 * would mean tens of millions of windows, so it is refused instead. */
#define SIG_MAX_DURATION_S (366LL * 24 * 3600)

static err_t sig_prompt_frequency(const hctx_t *c, json_t **out, char *err, size_t errlen)
{
    if (c->has_duration && c->duration > SIG_MAX_DURATION_S) {
        set_err(err, errlen, "prompt_frequency: session longer than a year");
        return ERR_VALIDATION;
    }
    json_t *o = new_signal("prompt_frequency");
    json_object_set_new(o, "total", json_integer((json_int_t)c->n));
    json_t *windows = json_array();
    if (c->has_duration && c->duration > 0) {
        long long w = pysem_floordiv(c->duration, 600) + 1;
        if (w < 1)
            w = 1;
        long long *counts = xcalloc((size_t)w, sizeof *counts);
        py_datetime_t first;
        bool has_first =
            c->n > 0 && py_fromisoformat(json_object_get(json_array_get(c->prompts, 0), "timestamp"), &first);
        for (size_t i = 0; has_first && i < c->n; i++) {
            py_datetime_t ts;
            long long us;
            if (!py_fromisoformat(json_object_get(json_array_get(c->prompts, i), "timestamp"), &ts) ||
                !dt_sub(&ts, &first, true, &us))
                continue;
            double q = pysem_floordiv_d(td_seconds(us), 600.0);
            long long idx = (long long)q;
            if (idx > w - 1)
                idx = w - 1;
            /* Python's negative indexing: -1 is the last window */
            if (idx < 0)
                idx += w;
            if (idx < 0)
                continue;
            counts[idx]++;
        }
        for (long long i = 0; i < w; i++) {
            json_t *e = json_object();
            json_object_set_new(e, "window", json_integer((json_int_t)i));
            json_object_set_new(e, "count", json_integer((json_int_t)counts[i]));
            json_array_append_new(windows, e);
        }
        free(counts);
    }
    json_object_set_new(o, "windows", windows);
    set_flag(o, c->n > 30 ? "excessive" : NULL);
    *out = o;
    return ERR_OK;
}

/* The message of a prompt as Python's p.get("message", "") gives it; a
 * present non-string (null included) is an error. */
static bool prompt_message(const json_t *p, const char **msg, size_t *len)
{
    const json_t *m = json_object_get(p, "message");
    if (!m) {
        *msg = "";
        *len = 0;
        return true;
    }
    if (!json_is_string(m))
        return false;
    *msg = json_string_value(m);
    *len = json_string_length(m);
    return true;
}

static err_t sig_prompt_length_stats(const hctx_t *c, json_t **out, char *err, size_t errlen)
{
    json_t *o = new_signal("prompt_length_stats");
    if (c->n == 0) {
        json_object_set_new(o, "avg_words", json_integer(0));
        json_object_set_new(o, "min_words", json_integer(0));
        json_object_set_new(o, "max_words", json_integer(0));
        json_object_set_new(o, "very_short_count", json_integer(0));
        json_object_set_new(o, "very_long_count", json_integer(0));
        set_flag(o, NULL);
        *out = o;
        return ERR_OK;
    }
    double sum = 0.0, mn = 0.0, mx = 0.0;
    bool mn_real = false, mx_real = false;
    long long very_short = 0, very_long = 0;
    for (size_t i = 0; i < c->n; i++) {
        const json_t *p = json_array_get(c->prompts, i);
        const json_t *wc = json_object_get(p, "word_count");
        double w;
        bool real = false;
        if (wc) {
            if (!num_value(wc, &w, &real)) {
                json_decref(o);
                set_err(err, errlen, "prompt_length_stats: word_count of prompt %zu is not a number", i);
                return ERR_VALIDATION;
            }
        } else {
            const char *msg;
            size_t len;
            if (!prompt_message(p, &msg, &len)) {
                json_decref(o);
                set_err(err, errlen, "prompt_length_stats: message of prompt %zu is not a string", i);
                return ERR_VALIDATION;
            }
            w = (double)pysem_word_count(msg, len);
        }
        sum += w;
        if (i == 0 || w < mn) {
            mn = w;
            mn_real = real;
        }
        if (i == 0 || w > mx) {
            mx = w;
            mx_real = real;
        }
        if (w < 10)
            very_short++;
        if (w > 500)
            very_long++;
    }
    long long avg;
    if (!py_int(sum / (double)c->n, &avg)) {
        json_decref(o);
        set_err(err, errlen, "prompt_length_stats: average word count out of range");
        return ERR_VALIDATION;
    }
    json_object_set_new(o, "avg_words", json_integer(avg));
    json_object_set_new(o, "min_words", json_num(mn, mn_real));
    json_object_set_new(o, "max_words", json_num(mx, mx_real));
    json_object_set_new(o, "very_short_count", json_integer(very_short));
    json_object_set_new(o, "very_long_count", json_integer(very_long));
    const char *flag = NULL;
    if ((double)very_short > (double)c->n * 0.5)
        flag = "mostly_very_short";
    else if ((double)very_long > (double)c->n * 0.3)
        flag = "many_very_long";
    set_flag(o, flag);
    *out = o;
    return ERR_OK;
}

/* --- the COPYPASTE patterns (scoring-spec §4.3), hand-coded --------- */

/* Python's IGNORECASE equality of code point cp with the lowercase ASCII
 * letter or symbol want: simple case folding plus re's extra equivalences
 * for i (U+0130, U+0131), s (U+017F) and k (U+212A). */
static bool ci_eq(uint32_t cp, char want)
{
    if (cp == (uint32_t)(unsigned char)want)
        return true;
    if (want >= 'a' && want <= 'z' && cp == (uint32_t)(want - 'a' + 'A'))
        return true;
    switch (want) {
    case 'i': return cp == 0x130 || cp == 0x131;
    case 's': return cp == 0x17F;
    case 'k': return cp == 0x212A;
    default: return false;
    }
}

/* Case-insensitively matches the ASCII text word at byte offset pos of s.
 * Returns the offset after it, or (size_t)-1. */
static size_t ci_match_at(const char *s, size_t len, size_t pos, const char *word)
{
    for (const char *w = word; *w; w++) {
        if (pos >= len)
            return (size_t)-1;
        uint32_t cp;
        pos = pysem_utf8_next(s, len, pos, &cp);
        if (!ci_eq(cp, *w))
            return (size_t)-1;
    }
    return pos;
}

/* The regex (w1|w2|...) at pos with backtracking: the end offsets of every
 * alternative that matches go to after[] (room for n); returns how many. */
static size_t ci_alts(const char *s, size_t len, size_t pos, const char *const *words, size_t n, size_t *after)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        size_t e = ci_match_at(s, len, pos, words[i]);
        if (e != (size_t)-1)
            after[k++] = e;
    }
    return k;
}

static bool cp_pattern1(const char *s, size_t len)
{
    /* (?i)^(here is|here's) (the|a|my) (solution|code|answer|implementation) */
    static const char *const a[] = {"here is ", "here's "};
    static const char *const b[] = {"the ", "a ", "my "};
    static const char *const c[] = {"solution", "code", "answer", "implementation"};
    size_t pa[2], pb[3], pc[4];
    size_t na = ci_alts(s, len, 0, a, 2, pa);
    for (size_t i = 0; i < na; i++) {
        size_t nb = ci_alts(s, len, pa[i], b, 3, pb);
        for (size_t j = 0; j < nb; j++)
            if (ci_alts(s, len, pb[j], c, 4, pc) > 0)
                return true;
    }
    return false;
}

static bool cp_pattern2(const char *s, size_t len)
{
    /* (?i)^(write|create|implement|build|make) (a |an |the )?(complete|full|entire) */
    static const char *const verbs[] = {"write ", "create ", "implement ", "build ", "make "};
    static const char *const arts[] = {"a ", "an ", "the ", ""};
    static const char *const nouns[] = {"complete", "full", "entire"};
    size_t pv[5], pa[4], pn[3];
    size_t nv = ci_alts(s, len, 0, verbs, 5, pv);
    for (size_t i = 0; i < nv; i++) {
        size_t na = ci_alts(s, len, pv[i], arts, 4, pa);
        for (size_t j = 0; j < na; j++)
            if (ci_alts(s, len, pa[j], nouns, 3, pn) > 0)
                return true;
    }
    return false;
}

static bool cp_pattern5(const char *s, size_t len)
{
    /* (?i)^```[\s\S]{200,}```$ : $ also matches before a final "\n" */
    if (len < 3 || memcmp(s, "```", 3) != 0)
        return false;
    size_t cps = pysem_len(s, len);
    if (cps >= 206 && memcmp(s + len - 3, "```", 3) == 0)
        return true;
    if (cps >= 207 && len >= 4 && memcmp(s + len - 4, "```\n", 4) == 0)
        return true;
    return false;
}

/* The COPYPASTE names of keywords.h found in s under IGNORECASE: s is
 * folded (ASCII lowercase; U+0130 and U+0131 to i, U+017F to s, U+212A to
 * k, the only code points re equates with those ASCII letters) a chunk at
 * a time on the stack and fed to the shared matcher.  An ASCII name
 * matches the fold exactly where ci_match_at matches s, because every
 * folded ASCII byte stands for one whole code point of s. */
static uint64_t copypaste_names(const char *s, size_t len)
{
    const scoring_matcher_t *m = scoring_keywords();
    scoring_matcher_run_t run = {0, 0};
    char chunk[1024];
    size_t k = 0;
    for (size_t i = 0; i < len;) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x80) {
            chunk[k++] = (char)(c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
            i++;
        } else if (c == 0xC4 && i + 1 < len && ((unsigned char)s[i + 1] == 0xB0 || (unsigned char)s[i + 1] == 0xB1)) {
            chunk[k++] = 'i';
            i += 2;
        } else if (c == 0xC5 && i + 1 < len && (unsigned char)s[i + 1] == 0xBF) {
            chunk[k++] = 's';
            i += 2;
        } else if (c == 0xE2 && i + 2 < len && (unsigned char)s[i + 1] == 0x84 && (unsigned char)s[i + 2] == 0xAA) {
            chunk[k++] = 'k';
            i += 3;
        } else {
            chunk[k++] = (char)c;
            i++;
        }
        if (k == sizeof chunk) {
            scoring_matcher_feed(m, &run, chunk, k);
            k = 0;
        }
    }
    scoring_matcher_feed(m, &run, chunk, k);
    return run.seen;
}

static const char *copypaste_match(const char *s, size_t len)
{
    if (cp_pattern1(s, len))
        return "(?i)^(here is|here's) (the|a|my) (solution|code|an";
    if (cp_pattern2(s, len))
        return "(?i)^(write|create|implement|build|make) (a |an |t";
    uint64_t names = copypaste_names(s, len);
    if (names & KW_BIT(KW_COPYPASTE_SO))
        return "(?i)stackoverflow\\.com";
    if (names & KW_MASK_COPYPASTE_AI)
        return "(?i)chatgpt|openai|gemini|copilot";
    if (cp_pattern5(s, len))
        return "(?i)^```[\\s\\S]{200,}```$";
    return NULL;
}

/* Lines of message.split("\n") whose strip() is non-empty and does not
 * start with '#'. */
static long long code_line_count(const char *s, size_t len)
{
    long long count = 0;
    size_t start = 0;
    for (;;) {
        const char *nl = memchr(s + start, '\n', len - start);
        size_t end = nl ? (size_t)(nl - s) : len;
        pysem_span_t t = pysem_strip(s + start, end - start);
        if (t.len > 0 && s[start + t.off] != '#')
            count++;
        if (!nl)
            break;
        start = end + 1;
    }
    return count;
}

static err_t sig_copy_paste(const hctx_t *c, json_t **out, char *err, size_t errlen)
{
    json_t *o = new_signal("copy_paste_detection");
    json_t *flags = json_array();
    long long paste_events = 0;
    for (size_t i = 0; i < c->n; i++) {
        const json_t *p = json_array_get(c->prompts, i);
        if (pysem_truthy(json_object_get(p, "paste_detected")))
            paste_events++;
    }
    for (size_t i = 0; i < c->n; i++) {
        const json_t *p = json_array_get(c->prompts, i);
        const char *msg;
        size_t len;
        if (!prompt_message(p, &msg, &len)) {
            json_decref(o);
            json_decref(flags);
            set_err(err, errlen, "copy_paste_detection: message of prompt %zu is not a string", i);
            return ERR_VALIDATION;
        }
        const char *pat = copypaste_match(msg, len);
        if (pat) {
            json_t *f = json_object();
            json_object_set_new(f, "prompt_index", json_integer((json_int_t)i));
            json_object_set_new(f, "type", json_string("pattern_match"));
            json_object_set_new(f, "pattern", json_string(pat));
            json_object_set_new(f, "confidence", json_real(0.6));
            json_array_append_new(flags, f);
        }
        size_t cps = pysem_len(msg, len);
        if (pysem_truthy(json_object_get(p, "paste_detected")) && cps > 500) {
            json_t *f = json_object();
            json_object_set_new(f, "prompt_index", json_integer((json_int_t)i));
            json_object_set_new(f, "type", json_string("large_paste"));
            json_object_set_new(f, "char_count", json_integer((json_int_t)cps));
            json_object_set_new(f, "confidence", json_real(0.7));
            json_array_append_new(flags, f);
        }
        long long lines = code_line_count(msg, len);
        if (lines > 20) {
            json_t *f = json_object();
            json_object_set_new(f, "prompt_index", json_integer((json_int_t)i));
            json_object_set_new(f, "type", json_string("possible_solution_dump"));
            json_object_set_new(f, "code_lines", json_integer(lines));
            json_object_set_new(f, "confidence", json_real(0.5));
            json_array_append_new(flags, f);
        }
    }
    size_t nflags = json_array_size(flags);
    json_object_set_new(o, "paste_event_count", json_integer(paste_events));
    json_object_set_new(o, "flags", flags);
    set_flag(o, nflags > 2 ? "suspicious" : NULL);
    *out = o;
    return ERR_OK;
}

static err_t sig_code_delta(const hctx_t *c, json_t **out, char *err, size_t errlen)
{
    json_t *o = new_signal("code_delta");
    json_t *deltas = json_array();
    long long total = 0, changed_count = 0;
    for (size_t i = 0; i < c->n; i++) {
        const json_t *p = json_array_get(c->prompts, i);
        const char *before, *after;
        size_t lb, la;
        if (!str_or_empty(json_object_get(p, "code_before"), &before, &lb) ||
            !str_or_empty(json_object_get(p, "code_after"), &after, &la)) {
            json_decref(o);
            json_decref(deltas);
            set_err(err, errlen, "code_delta: code of prompt %zu is not a string", i);
            return ERR_VALIDATION;
        }
        json_t *e = json_object();
        json_object_set_new(e, "index", json_integer((json_int_t)i));
        if (lb == 0 && la == 0) {
            json_object_set_new(e, "delta_chars", json_integer(0));
            json_object_set_new(e, "changed", json_false());
        } else {
            long long d = (long long)pysem_len(after, la) - (long long)pysem_len(before, lb);
            if (d < 0)
                d = -d;
            bool changed = la != lb || memcmp(before, after, la) != 0;
            json_object_set_new(e, "delta_chars", json_integer(d));
            json_object_set_new(e, "changed", json_boolean(changed));
            total += d;
            if (changed)
                changed_count++;
        }
        json_array_append_new(deltas, e);
    }
    json_object_set_new(o, "deltas", deltas);
    json_object_set_new(o, "total_change_chars", json_integer(total));
    json_object_set_new(o, "prompts_with_code_change", json_integer(changed_count));
    double rate = 0.0;
    if (c->n > 0) {
        rate = pysem_round((double)changed_count / (double)c->n, 2);
        json_object_set_new(o, "utilization_rate", json_real(rate));
    } else {
        json_object_set_new(o, "utilization_rate", json_integer(0));
    }
    set_flag(o, c->n > 3 && rate < 0.3 ? "low_utilization" : NULL);
    *out = o;
    return ERR_OK;
}

static json_t *sig_self_correction(const hctx_t *c)
{
    json_t *o = new_signal("self_correction_rate");
    if (c->n < 2) {
        json_object_set_new(o, "rate", json_null());
        set_flag(o, NULL);
        return o;
    }
    long long comparable = 0, modifications = 0;
    for (size_t i = 1; i < c->n; i++) {
        const json_t *cb = json_object_get(json_array_get(c->prompts, i), "code_before");
        const json_t *ca = json_object_get(json_array_get(c->prompts, i - 1), "code_after");
        if (!pysem_truthy(cb) || !pysem_truthy(ca))
            continue;
        comparable++;
        if (!json_equal((json_t *)cb, (json_t *)ca))
            modifications++;
    }
    if (comparable > 0)
        json_object_set_new(o, "rate", json_real(pysem_round((double)modifications / (double)comparable, 2)));
    else
        json_object_set_new(o, "rate", json_null());
    json_object_set_new(o, "modifications", json_integer(modifications));
    json_object_set_new(o, "comparable_pairs", json_integer(comparable));
    set_flag(o, NULL);
    return o;
}

static err_t sig_token_efficiency(const hctx_t *c, json_t **out, char *err, size_t errlen)
{
    double total = 0.0;
    bool total_real = false;
    for (size_t i = 0; i < c->n; i++) {
        const json_t *p = json_array_get(c->prompts, i);
        const json_t *tu = json_object_get(p, "tokens_used");
        double v;
        bool real = false;
        if (pysem_truthy(tu)) {
            if (!num_value(tu, &v, &real)) {
                set_err(err, errlen, "token_efficiency: tokens_used of prompt %zu is not a number", i);
                return ERR_VALIDATION;
            }
        } else {
            const json_t *in = json_object_get(p, "input_tokens");
            const json_t *ou = json_object_get(p, "output_tokens");
            double a = 0.0, b = 0.0;
            bool ra = false, rb = false;
            if ((in && !num_value(in, &a, &ra)) || (ou && !num_value(ou, &b, &rb))) {
                set_err(err, errlen,
                        "token_efficiency: unsupported operand type(s) for +: input_tokens/output_tokens of "
                        "prompt %zu",
                        i);
                return ERR_VALIDATION;
            }
            v = a + b;
            real = ra || rb;
        }
        total += v;
        total_real = total_real || real;
    }
    const json_t *tp = c->tests_passed, *tt = c->tests_total;
    double tpv = 0.0, ttv = 0.0;
    if (pysem_truthy(tp) && !num_value(tp, &tpv, NULL)) {
        set_err(err, errlen, "token_efficiency: tests_passed is not a number");
        return ERR_VALIDATION;
    }
    if (pysem_truthy(tt) && !num_value(tt, &ttv, NULL)) {
        set_err(err, errlen, "token_efficiency: tests_total is not a number");
        return ERR_VALIDATION;
    }
    bool solve_is_real = false;
    double solve_rate = 0.0;
    if (pysem_truthy(tt) && ttv > 0) {
        if (!tp || json_is_null(tp)) {
            set_err(err, errlen, "unsupported operand type(s) for /: 'NoneType' and 'int'");
            return ERR_VALIDATION;
        }
        if (!num_value(tp, &tpv, NULL)) {
            set_err(err, errlen, "token_efficiency: tests_passed is not a number");
            return ERR_VALIDATION;
        }
        solve_rate = tpv / ttv;
        solve_is_real = true;
    }
    json_t *o = new_signal("token_efficiency");
    json_object_set_new(o, "total_tokens", json_num(total, total_real));
    json_object_set_new(o, "tests_passed", tp ? json_deep_copy(tp) : json_null());
    json_object_set_new(o, "tests_total", tt ? json_deep_copy(tt) : json_null());
    json_object_set_new(o, "solve_rate", solve_is_real ? json_real(pysem_round(solve_rate, 2)) : json_integer(0));
    if (pysem_truthy(tp)) {
        double div = tpv > 1.0 ? tpv : 1.0;
        json_object_set_new(o, "tokens_per_solve", json_real(total / div));
    } else {
        json_object_set_new(o, "tokens_per_solve", json_null());
    }
    if (total > 0 && solve_rate > 0)
        json_object_set_new(o, "efficiency_score", json_real(pysem_round(solve_rate / (total / 1000.0), 3)));
    else
        json_object_set_new(o, "efficiency_score", json_null());
    set_flag(o, total > 50000 ? "token_heavy" : NULL);
    *out = o;
    return ERR_OK;
}

static json_t *sig_browser_focus(const hctx_t *c)
{
    json_t *o = new_signal("browser_focus_ratio");
    if (c->n == 0) {
        json_object_set_new(o, "ratio", json_null());
        set_flag(o, NULL);
        return o;
    }
    long long focused = 0;
    for (size_t i = 0; i < c->n; i++) {
        const json_t *bf = json_object_get(json_array_get(c->prompts, i), "browser_focused");
        if (!bf || pysem_truthy(bf))
            focused++;
    }
    double ratio = (double)focused / (double)c->n;
    const char *flag = NULL;
    if (ratio < 0.8)
        flag = "low_focus";
    if (ratio < 0.5)
        flag = "very_low_focus";
    json_object_set_new(o, "ratio", json_real(pysem_round(ratio, 2)));
    json_object_set_new(o, "focused_prompts", json_integer(focused));
    json_object_set_new(o, "total_prompts", json_integer((json_int_t)c->n));
    set_flag(o, flag);
    return o;
}

static err_t sig_tab_switch(const hctx_t *c, json_t **out, char *err, size_t errlen)
{
    const json_t *t = c->tab_switch_count;
    double v = 0.0;
    bool real = false;
    if (pysem_truthy(t) && !num_value(t, &v, &real)) {
        set_err(err, errlen, "tab_switch_count is not a number");
        return ERR_VALIDATION;
    }
    json_t *o = new_signal("tab_switch_count");
    json_object_set_new(o, "count", pysem_truthy(t) ? json_deep_copy(t) : json_integer(0));
    const char *flag = NULL;
    if (v > 10)
        flag = "excessive_switching";
    else if (v > 5)
        flag = "frequent_switching";
    set_flag(o, flag);
    *out = o;
    return ERR_OK;
}

/* ------------------------------------------------------------------ */
/* entry points                                                        */
/* ------------------------------------------------------------------ */

err_t scoring_heuristics_compute(const json_t *in, json_t **out, char *err, size_t errlen)
{
    *out = NULL;
    if (!json_is_object(in)) {
        set_err(err, errlen, "heuristics input is not an object");
        return ERR_VALIDATION;
    }
    hctx_t c = {0};
    const json_t *prompts = json_object_get(in, "ai_prompts");
    json_t *empty = NULL;
    if (!pysem_truthy(prompts)) {
        empty = json_array();
        prompts = empty;
    } else if (!json_is_array(prompts)) {
        set_err(err, errlen, "ai_prompts is not a list");
        return ERR_VALIDATION;
    }
    c.prompts = prompts;
    c.n = json_array_size(prompts);
    for (size_t i = 0; i < c.n; i++) {
        if (!json_is_object(json_array_get(prompts, i))) {
            json_decref(empty);
            set_err(err, errlen, "prompt %zu is not an object", i);
            return ERR_VALIDATION;
        }
    }
    const json_t *started = json_object_get(in, "started_at");
    const json_t *completed = json_object_get(in, "completed_at");
    c.has_started = pysem_truthy(started) && py_fromisoformat(started, &c.started);
    py_datetime_t comp;
    long long us;
    if (c.has_started && pysem_truthy(completed) && py_fromisoformat(completed, &comp) &&
        dt_sub(&comp, &c.started, false, &us)) {
        c.has_duration = true;
        c.duration = (long long)td_seconds(us);
    }
    c.tests_passed = json_object_get(in, "tests_passed");
    c.tests_total = json_object_get(in, "tests_total");
    c.tab_switch_count = json_object_get(in, "tab_switch_count");

    json_t *sig[10] = {0};
    static const char *const names[10] = {"time_to_first_prompt", "prompt_speed",         "prompt_frequency",
                                          "prompt_length_stats",  "copy_paste_detection", "code_delta",
                                          "self_correction_rate", "token_efficiency",     "browser_focus_ratio",
                                          "tab_switch_count"};
    err_t e = ERR_OK;
    sig[0] = sig_time_to_first_prompt(&c);
    if (e == ERR_OK)
        e = sig_prompt_speed(&c, &sig[1], err, errlen);
    if (e == ERR_OK)
        e = sig_prompt_frequency(&c, &sig[2], err, errlen);
    if (e == ERR_OK)
        e = sig_prompt_length_stats(&c, &sig[3], err, errlen);
    if (e == ERR_OK)
        e = sig_copy_paste(&c, &sig[4], err, errlen);
    if (e == ERR_OK)
        e = sig_code_delta(&c, &sig[5], err, errlen);
    if (e == ERR_OK)
        sig[6] = sig_self_correction(&c);
    if (e == ERR_OK)
        e = sig_token_efficiency(&c, &sig[7], err, errlen);
    if (e == ERR_OK)
        sig[8] = sig_browser_focus(&c);
    if (e == ERR_OK)
        e = sig_tab_switch(&c, &sig[9], err, errlen);
    json_decref(empty);
    if (e != ERR_OK) {
        for (int i = 0; i < 10; i++)
            json_decref(sig[i]);
        return e;
    }

    json_t *res = json_object();
    json_t *flags = json_array();
    for (int i = 0; i < 10; i++) {
        const json_t *f = json_object_get(sig[i], "flag");
        if (json_is_string(f))
            json_array_append_new(flags, json_string(json_string_value(f)));
        json_object_set_new(res, names[i], sig[i]);
    }
    json_t *summary = json_object();
    /* the original counts the signals before adding _summary, minus one */
    json_object_set_new(summary, "total_signals", json_integer(9));
    bool warn = json_array_size(flags) > 0;
    json_object_set_new(summary, "flags", flags);
    json_object_set_new(summary, "has_warnings", json_boolean(warn));
    json_object_set_new(res, "_summary", summary);
    *out = res;
    return ERR_OK;
}

/* max(0, min(10, x)) reported as round(x, 2).  The bounds are the ints 0
 * and 10, and Python's min/max keep the first argument on ties, so a
 * clamped value (or x == 0 or 10) comes out as an int. */
static json_t *mvp_score(double x)
{
    if (x >= 10.0)
        return json_integer(10);
    if (x <= 0.0)
        return json_integer(0);
    return json_real(pysem_round(x, 2));
}

json_t *scoring_heuristics_prompt_scores(const json_t *h)
{
    double avg_words = 0.0;
    num_value(json_object_get(json_object_get(h, "prompt_length_stats"), "avg_words"), &avg_words, NULL);
    double q = 10.0 - fabs(avg_words - 80.0) / 12.0;

    double solve_rate = 0.0;
    num_value(json_object_get(json_object_get(h, "token_efficiency"), "solve_rate"), &solve_rate, NULL);

    double independence = 5.0;
    const json_t *ttfp = json_object_get(json_object_get(h, "time_to_first_prompt"), "value");
    double v;
    if (ttfp && !json_is_null(ttfp) && num_value(ttfp, &v, NULL)) {
        double iv = trunc(v);
        if (iv < 0)
            iv = 0;
        if (iv > 600)
            iv = 600;
        independence = iv / 60.0;
    }

    double util = 0.0;
    const json_t *ur = json_object_get(json_object_get(h, "code_delta"), "utilization_rate");
    if (pysem_truthy(ur))
        num_value(ur, &util, NULL);

    double selfc = 0.0;
    const json_t *sr = json_object_get(json_object_get(h, "self_correction_rate"), "rate");
    if (pysem_truthy(sr))
        num_value(sr, &selfc, NULL);

    json_t *o = json_object();
    json_object_set_new(o, "prompt_clarity", mvp_score(q));
    json_object_set_new(o, "prompt_efficiency", mvp_score(solve_rate * 10));
    json_object_set_new(o, "independence", mvp_score(independence));
    json_object_set_new(o, "context_utilization", mvp_score(util * 10));
    json_object_set_new(o, "design_thinking", mvp_score(q));
    json_object_set_new(o, "debugging_strategy", mvp_score(selfc * 10));
    json_object_set_new(o, "written_communication", mvp_score(q));
    json_object_set_new(o, "learning_velocity", mvp_score(q));
    json_object_set_new(o, "error_recovery", mvp_score(selfc * 10));
    json_object_set_new(o, "requirement_comprehension", mvp_score(q));
    return o;
}
