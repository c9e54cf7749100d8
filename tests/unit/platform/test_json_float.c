/* Tests of json_fmt_double against the definition of Python's repr(float)
 * rather than against any implementation: the text must read back as the
 * double, no decimal with fewer significant digits may read back as it,
 * of the decimals with as many digits it must be the correctly rounded
 * one when that one reads back, and the layout must follow repr's rules
 * (scientific below 1e-4 and from 1e16 on, "e+XX"/"e-XX" with two digits
 * at least, ".0" on integral values).  Doubles come from a seeded
 * generator (random bit patterns, random short decimals, every power of
 * two), so every run checks the same values. */
#include <float.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "platform/json.h"

static uint64_t rng_state = 0x5eed5eed12345678ULL;

static uint64_t rng_next(void)
{
    /* splitmix64 */
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* The significant digits of repr text s (sign, point and exponent gone,
 * leading and trailing zeros dropped) and the decimal exponent of the
 * first of them. */
static void sig_digits(const char *s, char *digits, int *nd, int *exp10)
{
    const char *p = s;
    if (*p == '-')
        p++;
    int point = -1, count = 0, first = -1, n = 0;
    for (; *p && *p != 'e'; p++) {
        if (*p == '.') {
            point = count;
            continue;
        }
        if (first < 0 && *p == '0') {
            count++;
            continue;
        }
        if (first < 0)
            first = count;
        digits[n++] = *p;
        count++;
    }
    if (point < 0)
        point = count;
    int e = *p == 'e' ? atoi(p + 1) : 0;
    while (n > 1 && digits[n - 1] == '0')
        n--;
    digits[n] = '\0';
    *nd = n;
    *exp10 = point - first - 1 + e;
}

/* True when the p-digit decimal digits[0..p) (as an integer), shifted by
 * delta units in its last place, times 10^(exp10 - p + 1), reads back as x. */
static bool decimal_reads_back(const char *digits, int p, int exp10, long long delta, double x)
{
    unsigned long long m = 0;
    for (int i = 0; i < p; i++)
        m = m * 10 + (unsigned long long)(digits[i] - '0');
    if (delta < 0 && m == 0)
        return false;
    m = (unsigned long long)((long long)m + delta);
    char t[64];
    snprintf(t, sizeof t, "%llue%d", m, exp10 - p + 1);
    return strtod(t, NULL) == x;
}

/* The correctly rounded p-digit decimal of x (x > 0) as digits/exp10. */
static void rounded(double x, int p, char *digits, int *exp10)
{
    char t[48];
    snprintf(t, sizeof t, "%.*e", p - 1, x);
    int n = 0;
    const char *q = t;
    for (; *q && *q != 'e'; q++)
        if (*q >= '0' && *q <= '9')
            digits[n++] = *q;
    digits[n] = '\0';
    *exp10 = atoi(q + 1);
}

static void check_layout(const char *s, int exp10, double d)
{
    const char *p = s;
    if (*p == '-')
        p++;
    const char *e = strchr(p, 'e');
    if (exp10 < -4 || exp10 >= 16) {
        if (!e)
            fail_msg("%.17g: %s should be scientific", d, s);
        /* D or D.DDD with a non-zero last digit, then e[+-]XX */
        if (!(p[0] >= '1' && p[0] <= '9'))
            fail_msg("%.17g: %s: bad leading digit", d, s);
        if (p[1] == '.' && (e - p < 3 || e[-1] == '0'))
            fail_msg("%.17g: %s: bad fraction", d, s);
        if (p[1] != '.' && p + 1 != e)
            fail_msg("%.17g: %s: one digit before the point", d, s);
        if (!(e[1] == '+' || e[1] == '-') || strlen(e + 2) < 2 || (strlen(e + 2) > 2 && e[2] == '0'))
            fail_msg("%.17g: %s: bad exponent", d, s);
        if ((e[1] == '-') != (exp10 < 0))
            fail_msg("%.17g: %s: exponent sign", d, s);
    } else {
        if (e)
            fail_msg("%.17g: %s should be positional", d, s);
        const char *dot = strchr(p, '.');
        if (!dot || dot[1] == '\0')
            fail_msg("%.17g: %s: needs digits after the point", d, s);
        if (dot - p > 1 && p[0] == '0')
            fail_msg("%.17g: %s: leading zero", d, s);
        size_t frac = strlen(dot + 1);
        if (frac > 1 && dot[frac] == '0')
            fail_msg("%.17g: %s: trailing zero", d, s);
    }
}

/* Every property of repr(d) for one finite d. */
static void check_repr(double d)
{
    char s[32];
    json_fmt_double(d, s);
    char *end = NULL;
    double back = strtod(s, &end);
    if (*end != '\0' || back != d || signbit(back) != signbit(d))
        fail_msg("%.17g: %s does not read back", d, s);
    if (d == 0.0)
        return;
    double x = fabs(d);
    char digits[32];
    int nd, exp10;
    sig_digits(s, digits, &nd, &exp10);
    check_layout(s, exp10, d);
    if (nd > 1) {
        /* nothing shorter reads back: the (nd-1)-digit rounding and its
         * neighbours are the only candidates that could */
        char r[32];
        int re;
        rounded(x, nd - 1, r, &re);
        for (long long delta = -1; delta <= 1; delta++)
            if (decimal_reads_back(r, nd - 1, re, delta, x))
                fail_msg("%.17g: %s is not the shortest (%s%+lld e%d)", d, s, r, delta, re);
    }
    /* of the nd-digit decimals, the correctly rounded one when it reads back */
    char r[32];
    int re;
    rounded(x, nd, r, &re);
    if (decimal_reads_back(r, nd, re, 0, x)) {
        int rn = nd;
        while (rn > 1 && r[rn - 1] == '0')
            rn--;
        r[rn] = '\0';
        if (strcmp(r, digits) != 0 || re != exp10)
            fail_msg("%.17g: %s, but the rounding %se%d reads back", d, s, r, re);
    }
}

static void test_known_values(void **state)
{
    (void)state;
    /* values printed by CPython's repr */
    static const struct {
        double d;
        const char *repr;
    } cases[] = {
        {1e16, "1e+16"},
        {1e15, "1000000000000000.0"},
        {0.1, "0.1"},
        {1.0, "1.0"},
        {100.0, "100.0"},
        {4.35, "4.35"},
        {0.001, "0.001"},
        {5e-5, "5e-05"},
        {1e22, "1e+22"},
        {1e23, "1e+23"},
        {1.0 / 3.0, "0.3333333333333333"},
        {2.0 / 3.0, "0.6666666666666666"},
        {123456789012345680.0, "1.2345678901234568e+17"},
        {9007199254740993.0, "9007199254740992.0"},
        {2.2250738585072014e-308, "2.2250738585072014e-308"},
        {7.41691286169067e-309, "7.41691286169067e-309"},
        {5e-324, "5e-324"},
        /* powers of two whose 16-digit rounding misses but a neighbour hits */
        {0x1p-1017, "7.120236347223045e-307"},
        {0x1p-1007, "7.291122019556398e-304"},
        {0x1p-957, "8.209073602596753e-289"},
        {0x1p-808, "5.858190679279809e-244"},
    };
    char buf[32];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        json_fmt_double(cases[i].d, buf);
        if (strcmp(buf, cases[i].repr) != 0)
            fail_msg("repr(%a): got %s, want %s", cases[i].d, buf, cases[i].repr);
        json_fmt_double(-cases[i].d, buf);
        if (buf[0] != '-' || strcmp(buf + 1, cases[i].repr) != 0)
            fail_msg("repr(-%a): got %s, want -%s", cases[i].d, buf, cases[i].repr);
    }
}

static void test_random_bit_patterns(void **state)
{
    (void)state;
    for (int i = 0; i < 200000; i++) {
        uint64_t bits = rng_next();
        double d;
        memcpy(&d, &bits, sizeof d);
        if (!isfinite(d))
            continue;
        check_repr(d);
    }
}

static void test_random_short_decimals(void **state)
{
    (void)state;
    /* the values scores take: few digits at a moderate scale */
    for (int i = 0; i < 200000; i++) {
        uint64_t r = rng_next();
        int digits = 1 + (int)(r % 17);
        unsigned long long m = rng_next() % 100000000000000000ULL;
        unsigned long long lim = 1;
        for (int k = 0; k < digits; k++)
            lim *= 10;
        m %= lim;
        int e = (int)((r >> 8) % 60) - 30;
        char t[64];
        snprintf(t, sizeof t, "%llue%d", m, e);
        check_repr(strtod(t, NULL));
    }
}

static void test_powers_of_two_and_neighbours(void **state)
{
    (void)state;
    for (int e = -1074; e <= 1023; e++) {
        double d = ldexp(1.0, e);
        check_repr(d);
        check_repr(nextafter(d, 0.0));
        check_repr(nextafter(d, INFINITY));
    }
    check_repr(DBL_MAX);
    check_repr(DBL_MIN);
    check_repr(DBL_TRUE_MIN);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_known_values),
        cmocka_unit_test(test_random_bit_patterns),
        cmocka_unit_test(test_random_short_decimals),
        cmocka_unit_test(test_powers_of_two_and_neighbours),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
