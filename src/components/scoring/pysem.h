/* pysem: the pieces of Python 3.11 semantics the scoring engine depends on
 * (scoring-spec §1): exact rounding and float formatting, Unicode-aware
 * split/strip/splitlines/lower on UTF-8 text, code-point lengths and
 * slices, floor division and modulo, truthiness and equality of JSON
 * values, Python numbers (int or float), and a PCRE2 wrapper with the
 * flavour of Python's `re` on str.
 *
 * Text arguments are (pointer, byte length) pairs of UTF-8, so embedded
 * NULs and non-terminated slices work.  Invalid UTF-8 bytes are treated as
 * one code point each (U+FFFD-like, never whitespace, never a letter).
 * Nothing here keeps global mutable state; compiled regexes are immutable
 * after pysem_re_compile and may be shared between threads. */
#ifndef TALI_COMPONENTS_SCORING_PYSEM_H
#define TALI_COMPONENTS_SCORING_PYSEM_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---------------------------------------------------------------------
 * Numbers (§1.1-1.4)
 * ------------------------------------------------------------------- */

/* round(x, ndigits) of Python: rounds the exact binary value of x to
 * ndigits decimals (0 <= ndigits <= 30), ties to even.  Non-finite x is
 * returned unchanged.  Never fails. */
double pysem_round(double x, int ndigits);

/* round(x) of Python without ndigits, as a double holding an integral
 * value (ties to even: 2.5 -> 2.0).  Non-finite x is returned unchanged
 * (Python would raise; callers that need the int use pysem_round_int). */
double pysem_round0(double x);

/* round(x) as an int.  Returns false (and leaves *out alone) when x is
 * NaN, infinite or outside the long long range, where Python raises or
 * would need a big int. */
bool pysem_round_int(double x, long long *out);

/* f"{x:.{prec}f}" into buf (size n): correctly rounded, ties to even on
 * the exact binary value; "nan", "inf", "-inf" for non-finite values;
 * "-0" for small negatives as Python prints them.  Returns buf.  The
 * output is truncated (still NUL-terminated) if n is too small; 400 bytes
 * hold any double with prec <= 20. */
char *pysem_fmt_fixed(char *buf, size_t n, double x, int prec);

/* str(x) / repr(x) of a Python float: shortest round-trip digits, always
 * with a decimal point or exponent ("8.0", "0.1", "1e+16", "inf").
 * buf must hold 32 bytes.  Returns buf. */
char *pysem_repr_float(double x, char buf[32]);

/* Floor division and modulo of Python ints: the quotient rounds toward
 * negative infinity and the remainder takes the sign of b.  b must not be
 * 0 (the caller checks; Python raises ZeroDivisionError). */
long long pysem_floordiv(long long a, long long b);
long long pysem_mod(long long a, long long b);

/* The same for floats (Python's float // and %).  b == 0 gives NaN
 * (Python raises; the caller checks first). */
double pysem_floordiv_d(double a, double b);
double pysem_mod_d(double a, double b);

/* A Python number as JSON carries it: int (bool counts as int, as in
 * Python) or float. */
typedef struct {
    bool is_float;
    long long i; /* valid when !is_float */
    double f;    /* valid when is_float */
} pysem_num_t;

/* Reads a JSON integer, real, true or false into *out.  Returns false for
 * any other type (null, string, array, object): where Python arithmetic
 * would raise TypeError. */
bool pysem_num_from_json(const json_t *v, pysem_num_t *out);

/* The value as a double (int converted as Python's float(int)). */
double pysem_num_d(pysem_num_t n);

/* int or float constructors. */
pysem_num_t pysem_num_int(long long i);
pysem_num_t pysem_num_float(double f);

/* a + b with Python typing: int + int stays int, anything with a float is
 * a float.  Int overflow wraps to float (Python would keep a big int;
 * values that large never occur in scoring input). */
pysem_num_t pysem_num_add(pysem_num_t a, pysem_num_t b);

/* abs(a), keeping the type. */
pysem_num_t pysem_num_abs(pysem_num_t a);

/* a < b, a <= b, a == b and bool(a) of Python (NaN compares false). */
bool pysem_num_lt(pysem_num_t a, pysem_num_t b);
bool pysem_num_le(pysem_num_t a, pysem_num_t b);
bool pysem_num_eq(pysem_num_t a, pysem_num_t b);
bool pysem_num_truthy(pysem_num_t a);

/* A new JSON value of the right type (json_integer or json_real). */
json_t *pysem_num_to_json(pysem_num_t n);

/* str(n): "3", "3.0", "1e+16".  buf must hold 32 bytes.  Returns buf. */
char *pysem_num_str(pysem_num_t n, char buf[32]);

/* max(a, b) and min(a, b) of Python for floats: the first argument wins
 * ties and NaN comparisons (max(a, b) is b only when b > a). */
double pysem_max_d(double a, double b);
double pysem_min_d(double a, double b);

/* ---------------------------------------------------------------------
 * JSON values as Python objects (§1.5)
 * ------------------------------------------------------------------- */

/* bool(v): null, false, 0, 0.0, "", [] and {} are false; NULL (an absent
 * key) is false too. */
bool pysem_truthy(const json_t *v);

/* a == b in Python: numbers (and bools) compare by value across int and
 * float, strings by content, lists element-wise, dicts by key set and
 * values regardless of order.  NULL equals only NULL. */
bool pysem_json_eq(const json_t *a, const json_t *b);

/* str(v) for a scalar: "None", "True", "False", ints, float repr, or the
 * string itself.  Returns a new heap string (caller frees), or NULL for
 * arrays and objects (whose Python repr this module does not produce). */
char *pysem_json_str(const json_t *v);

/* ---------------------------------------------------------------------
 * Unicode text (§1.6-1.9)
 * ------------------------------------------------------------------- */

/* A byte range inside a string. */
typedef struct {
    size_t off;
    size_t len;
} pysem_span_t;

/* Decodes the code point starting at byte i (< n) into *cp and returns the
 * index of the next one.  An invalid or truncated sequence yields the
 * single byte value | 0x80000000 and advances one byte. */
size_t pysem_utf8_next(const char *s, size_t n, size_t i, uint32_t *cp);

/* Index of the start of the code point that ends just before byte i
 * (i > 0). */
size_t pysem_utf8_prev(const char *s, size_t i);

/* Appends the UTF-8 encoding of cp (< 0x110000) to out (4 bytes room);
 * returns the number of bytes written. */
size_t pysem_utf8_put(uint32_t cp, char *out);

/* len(s): number of code points. */
size_t pysem_len(const char *s, size_t n);

/* str.isspace() for one code point (§1.6). */
bool pysem_isspace(uint32_t cp);

/* Whether cp is a word character of Python's re (`\w`: isalnum() or
 * '_'), using PCRE2's Unicode tables for letters and numbers. */
bool pysem_isword(uint32_t cp);

/* str.isalnum() for one code point: the same as pysem_isword without '_'. */
bool pysem_isalnum(uint32_t cp);

/* len(s.split()): the number of runs of non-whitespace. */
size_t pysem_word_count(const char *s, size_t n);

/* s.split() (no argument).  *out receives a heap array of spans (caller
 * frees with free; NULL when there are none); returns the count. */
size_t pysem_split(const char *s, size_t n, pysem_span_t **out);

/* s.strip(): the span of s without leading and trailing whitespace. */
pysem_span_t pysem_strip(const char *s, size_t n);

/* s.splitlines(): line spans without their line breaks.  *out as in
 * pysem_split.  "" gives 0 lines; a trailing break adds no empty line. */
size_t pysem_splitlines(const char *s, size_t n, pysem_span_t **out);

/* len(s.splitlines()) without building the spans. */
size_t pysem_splitlines_count(const char *s, size_t n);

/* s.count(sub): non-overlapping occurrences, counted left to right.  An
 * empty sub counts len(s) + 1, as in Python. */
size_t pysem_count(const char *s, size_t n, const char *sub, size_t subn);

/* sub in s. */
bool pysem_contains(const char *s, size_t n, const char *sub, size_t subn);

/* Room pysem_lower_to needs for n bytes of input: a code point's
 * lowercase is at most 1.5 times as long in UTF-8 (U+0130 -> "i\u0307",
 * U+023A -> U+2C65), plus the NUL. */
#define PYSEM_LOWER_MAX(n) ((n) + (n) / 2 + 4)

/* str.lower() of s[0..n) into out (PYSEM_LOWER_MAX(n) bytes), NUL
 * terminated; returns the length. */
size_t pysem_lower_to(const char *s, size_t n, char *out);

/* s.lower(): a new heap string (caller frees), NUL-terminated, its byte
 * length in *outlen (may be NULL).  Covers ASCII, Latin-1, Latin
 * Extended-A and Additional, Greek (with final sigma), Cyrillic,
 * Armenian, fullwidth Latin, U+0130 (-> "i" + U+0307) and the Kelvin,
 * Ohm and Angstrom signs; other code points are copied unchanged. */
char *pysem_lower(const char *s, size_t n, size_t *outlen);

/* The simple (one-to-one) lowercase mapping of cp over the same blocks as
 * pysem_lower, which is what Python's re IGNORECASE compares: U+0130 maps
 * to "i" here.  Other code points are returned unchanged. */
uint32_t pysem_simple_lower(uint32_t cp);

/* s[start:stop] by code points with Python's slice rules (negative
 * indices count from the end, out-of-range indices are clipped).  Use
 * PYSEM_SLICE_END for an omitted stop. */
#define PYSEM_SLICE_END ((long long)0x7fffffffffffffffLL)
pysem_span_t pysem_slice(const char *s, size_t n, long long start, long long stop);

/* ---------------------------------------------------------------------
 * Regular expressions (§1.10)
 *
 * Patterns use PCRE2 syntax, compiled with PCRE2_UTF | PCRE2_UCP and LF as
 * the only newline, so that, as in Python's `re` on str:
 *   `.` matches any code point but "\n";  `$` matches at the end or just
 *   before a final "\n";  `^` is the start of the subject;  \d is \p{Nd}.
 * Differences to keep in mind: PCRE2's \s lacks U+001C-001F, and from
 * PCRE2 10.43 on \w also takes marks (Mn) and connector punctuation; write
 * [\p{L}\p{N}_] where Python's \w must be exact.  IGNORECASE maps to
 * PCRE2_CASELESS (Unicode simple folding; Python also folds i with U+0130
 * and U+0131, which PCRE2 does not).
 * ------------------------------------------------------------------- */

typedef struct pysem_re pysem_re_t;

#define PYSEM_RE_IGNORECASE 1u
#define PYSEM_RE_MULTILINE 2u
#define PYSEM_RE_DOTALL 4u

/* Compiles pattern (NUL-terminated) and JIT-compiles it when the platform
 * allows.  Returns a new regex (free with pysem_re_free), or NULL with a
 * message in err (errlen bytes, may be 0) when the pattern is invalid. */
pysem_re_t *pysem_re_compile(const char *pattern, unsigned flags, char *err, size_t errlen);

/* Releases re.  NULL is accepted. */
void pysem_re_free(pysem_re_t *re);

/* re.search: whether the pattern matches anywhere in s.  When m is not
 * NULL it receives the byte span of the first match.  A match-time error
 * (resource limits) counts as no match. */
bool pysem_re_search(const pysem_re_t *re, const char *s, size_t n, pysem_span_t *m);

/* re.search starting at byte offset start (lookbehind still sees the text
 * before start). */
bool pysem_re_search_from(const pysem_re_t *re, const char *s, size_t n, size_t start, pysem_span_t *m);

/* len(re.findall(...)): the number of non-overlapping matches scanning
 * left to right; after an empty match the scan moves on one code point,
 * as Python does. */
size_t pysem_re_count(const pysem_re_t *re, const char *s, size_t n);

#endif
