/* Unit tests of pysem: the Python semantics of scoring-spec §1. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "components/scoring/pysem.h"

#define S(lit) (lit), (sizeof(lit) - 1)

static void test_round_table(void **state)
{
    (void)state;
    /* §1.1 */
    assert_true(pysem_round(2.675, 2) == 2.67);
    assert_true(pysem_round(0.125, 2) == 0.12);
    assert_true(pysem_round(5.25, 1) == 5.2);
    assert_true(pysem_round(3.35, 1) == 3.4);
    assert_true(pysem_round(7.45, 1) == 7.5);
    assert_true(pysem_round(0.375, 2) == 0.38);
    assert_true(pysem_round(-0.04, 1) == 0.0);
    assert_true(pysem_round(1e300, 2) == 1e300);
    assert_true(pysem_round(2.0 / 3.0, 3) == 0.667);
    /* round() without digits: ties to even */
    assert_true(pysem_round0(2.5) == 2.0);
    assert_true(pysem_round0(3.5) == 4.0);
    assert_true(pysem_round0(-2.5) == -2.0);
    long long v = 0;
    assert_true(pysem_round_int(12.5, &v));
    assert_int_equal(v, 12);
    assert_false(pysem_round_int(1.0 / 0.0, &v));
}

static void test_fixed_format(void **state)
{
    (void)state;
    char b[64];
    /* §1.2 */
    assert_string_equal(pysem_fmt_fixed(b, sizeof b, 0.5, 0), "0");
    assert_string_equal(pysem_fmt_fixed(b, sizeof b, 2.5, 0), "2");
    assert_string_equal(pysem_fmt_fixed(b, sizeof b, 12.5, 0), "12");
    assert_string_equal(pysem_fmt_fixed(b, sizeof b, 0.25, 1), "0.2");
    assert_string_equal(pysem_fmt_fixed(b, sizeof b, 0.05, 1), "0.1");
    assert_string_equal(pysem_fmt_fixed(b, sizeof b, -0.4, 0), "-0");
    assert_string_equal(pysem_fmt_fixed(b, sizeof b, 0.0 / 0.0, 1), "nan");
    assert_string_equal(pysem_fmt_fixed(b, sizeof b, 1.0 / 0.0, 0), "inf");
}

/* The integer fast path of .0f against printf's correctly rounded %.0f
 * (half to even on the exact binary value) on seeded random doubles:
 * ties, values near 10^15, tiny and huge magnitudes. */
static void test_fixed_zero_digits_random(void **state)
{
    (void)state;
    static const double ties[] = {
        0.5,        1.5, 2.5, -0.5, -1.5, -2.5, -0.0, 0.49999999999999994, 4503599627370495.5, 999999999999999.4,
        1e15 - 0.5, 1e15};
    char a[400], b[400];
    for (size_t i = 0; i < sizeof ties / sizeof ties[0]; i++) {
        snprintf(b, sizeof b, "%.0f", ties[i]);
        assert_string_equal(pysem_fmt_fixed(a, sizeof a, ties[i], 0), b);
    }
    uint64_t st = 7;
    for (long i = 0; i < 400000; i++) {
        st = st * 6364136223846793005ULL + 1442695040888963407ULL;
        double d;
        switch (i % 4) {
        case 0: d = (double)(int64_t)(st >> 20) / (double)(1 + (st & 1023)); break;
        case 1: d = ((double)(st >> 11) / 9007199254740992.0 - 0.5) * 2e3; break;
        case 2: d = (double)((int64_t)(st >> 40) - 8000000) / 2.0; break;
        default: {
            uint64_t z = st ^ (st >> 29);
            memcpy(&d, &z, sizeof d);
            if (d != d || d - d != 0)
                continue;
        }
        }
        snprintf(b, sizeof b, "%.0f", d);
        pysem_fmt_fixed(a, sizeof a, d, 0);
        if (strcmp(a, b) != 0)
            fail_msg("%.17g: got %s, printf %s", d, a, b);
    }
}

static void test_repr(void **state)
{
    (void)state;
    char b[32];
    /* §1.3 */
    assert_string_equal(pysem_repr_float(7.5, b), "7.5");
    assert_string_equal(pysem_repr_float(8.0, b), "8.0");
    assert_string_equal(pysem_repr_float(10.0, b), "10.0");
    assert_string_equal(pysem_repr_float(0.1, b), "0.1");
    assert_string_equal(pysem_repr_float(1e16, b), "1e+16");
    assert_string_equal(pysem_repr_float(1e-7, b), "1e-07");
    assert_string_equal(pysem_repr_float(0.1 + 0.2, b), "0.30000000000000004");
    pysem_num_t n = pysem_num_int(30);
    assert_string_equal(pysem_num_str(n, b), "30");
    n = pysem_num_float(30.0);
    assert_string_equal(pysem_num_str(n, b), "30.0");
}

static void test_floordiv_mod(void **state)
{
    (void)state;
    assert_int_equal(pysem_floordiv(-7, 2), -4);
    assert_int_equal(pysem_mod(-7, 2), 1);
    assert_int_equal(pysem_floordiv(7, -2), -4);
    assert_int_equal(pysem_mod(7, -2), -1);
    assert_int_equal(pysem_floordiv(7, 2), 3);
    assert_true(pysem_floordiv_d(-1.5, 600.0) == -1.0);
    assert_true(pysem_mod_d(-1.5, 600.0) == 598.5);
    assert_true(pysem_floordiv_d(1199.0, 600.0) == 1.0);
}

static void test_numbers_and_truthiness(void **state)
{
    (void)state;
    json_t *t = json_true(), *z = json_real(0.0), *e = json_string(""), *a = json_array();
    json_t *one = json_integer(1), *onef = json_real(1.0), *s = json_string("1");
    pysem_num_t n;
    assert_true(pysem_num_from_json(t, &n));
    assert_false(n.is_float);
    assert_int_equal(n.i, 1);
    assert_false(pysem_num_from_json(s, &n));
    assert_false(pysem_truthy(z));
    assert_false(pysem_truthy(e));
    assert_false(pysem_truthy(a));
    assert_false(pysem_truthy(NULL));
    assert_true(pysem_truthy(one));
    /* 1 == 1.0 == True in Python; "1" is not */
    assert_true(pysem_json_eq(one, onef));
    assert_true(pysem_json_eq(one, t));
    assert_false(pysem_json_eq(one, s));
    pysem_num_t sum = pysem_num_add(pysem_num_int(2), pysem_num_float(0.5));
    assert_true(sum.is_float);
    assert_true(sum.f == 2.5);
    assert_true(pysem_num_lt(pysem_num_int(0), pysem_num_float(0.1)));
    assert_true(pysem_max_d(0.0, -0.0) == 0.0);
    char *str = pysem_json_str(t);
    assert_string_equal(str, "True");
    free(str);
    json_decref(t);
    json_decref(z);
    json_decref(e);
    json_decref(a);
    json_decref(one);
    json_decref(onef);
    json_decref(s);
}

static void test_split_strip(void **state)
{
    (void)state;
    /* §1.6: NBSP, em space, ideographic space and U+001C split; ZWSP does not */
    assert_int_equal(pysem_word_count(S("a\xc2\xa0"
                                        "b\xe2\x80\x83"
                                        "c\xe3\x80\x80"
                                        "d\x1c"
                                        "e")),
                     5);
    assert_int_equal(pysem_word_count(S("a\xe2\x80\x8b"
                                        "b")),
                     1);
    assert_int_equal(pysem_word_count(S("")), 0);
    assert_int_equal(pysem_word_count(S("   \n\t ")), 0);
    assert_int_equal(pysem_word_count(S("  one  two\n")), 2);
    pysem_span_t *sp = NULL;
    size_t n = pysem_split(S(" ab  c\xc3\xa9 "), &sp);
    assert_int_equal(n, 2);
    assert_int_equal(sp[0].off, 1);
    assert_int_equal(sp[0].len, 2);
    assert_int_equal(sp[1].len, 3);
    free(sp);
    const char *txt = "\xe2\x80\xa8  Help. \xc2\x85";
    pysem_span_t st = pysem_strip(txt, strlen(txt));
    assert_int_equal(st.len, 5);
    assert_memory_equal(txt + st.off, "Help.", 5);
    st = pysem_strip(S("   "));
    assert_int_equal(st.len, 0);
}

static void test_splitlines(void **state)
{
    (void)state;
    /* §1.7 */
    assert_int_equal(pysem_splitlines_count(S("")), 0);
    assert_int_equal(pysem_splitlines_count(S("a")), 1);
    assert_int_equal(pysem_splitlines_count(S("a\n")), 1);
    assert_int_equal(pysem_splitlines_count(S("a\r\nb")), 2);
    assert_int_equal(pysem_splitlines_count(S("a\r\rb")), 3);
    assert_int_equal(pysem_splitlines_count(S("a\x0b"
                                              "b\x0c"
                                              "c\x1c"
                                              "d\xc2\x85"
                                              "e\xe2\x80\xa8"
                                              "f")),
                     6);
    assert_int_equal(pysem_splitlines_count(S("\n\n")), 2);
    pysem_span_t *sp = NULL;
    size_t n = pysem_splitlines(S("ab\r\n\ncd"), &sp);
    assert_int_equal(n, 3);
    assert_int_equal(sp[0].len, 2);
    assert_int_equal(sp[1].len, 0);
    assert_int_equal(sp[2].off, 5);
    free(sp);
}

static void test_len_slice_count(void **state)
{
    (void)state;
    assert_int_equal(pysem_len(S("h\xc3\xa9llo \xf0\x9f\x98\x80")), 7);
    const char *s = "h\xc3\xa9llo";
    pysem_span_t sl = pysem_slice(s, strlen(s), 0, 2);
    assert_int_equal(sl.len, 3);
    sl = pysem_slice(s, strlen(s), -3, PYSEM_SLICE_END);
    assert_int_equal(sl.off, 3);
    assert_int_equal(sl.len, 3);
    sl = pysem_slice(s, strlen(s), 4, 2);
    assert_int_equal(sl.len, 0);
    assert_int_equal(pysem_count(S("aaaa"), S("aa")), 2);
    assert_int_equal(pysem_count(S("abc"), S("")), 4);
    assert_true(pysem_contains(S("x ``` y"), S("```")));
}

static void test_lower(void **state)
{
    (void)state;
    size_t n = 0;
    char *l = pysem_lower(S("HeLLo \xc4\xb0stanbul \xe2\x84\xaa \xc3\x89T\xc3\x89"), &n);
    /* U+0130 -> "i" U+0307; Kelvin -> k; É -> é */
    assert_string_equal(l, "hello i\xcc\x87stanbul k \xc3\xa9t\xc3\xa9");
    assert_int_equal(n, strlen(l));
    free(l);
    l = pysem_lower(S("\xce\xa3\xce\x9f\xce\xa6\xce\x9f\xce\xa3 \xd0\x9f\xd0\xa0\xd0\x98"), &n);
    /* ΣΟΦΟΣ -> σοφος (final sigma); ПРИ -> при */
    assert_string_equal(l, "\xcf\x83\xce\xbf\xcf\x86\xce\xbf\xcf\x82 \xd0\xbf\xd1\x80\xd0\xb8");
    free(l);
    l = pysem_lower(S(""), &n);
    assert_int_equal(n, 0);
    assert_string_equal(l, "");
    free(l);
    assert_int_equal(pysem_simple_lower(0x130), 'i');
}

static void test_word_chars(void **state)
{
    (void)state;
    assert_true(pysem_isword('_'));
    assert_true(pysem_isword(0xE9));   /* é */
    assert_true(pysem_isword(0x4E2D)); /* 中 */
    assert_true(pysem_isword(0x0661)); /* Arabic-Indic one */
    assert_false(pysem_isword(0x2014));
    assert_false(pysem_isword(0x0307)); /* a mark is not \w in Python */
    assert_true(pysem_isspace(0x3000));
    assert_false(pysem_isspace(0x200B));
}

static void test_regex(void **state)
{
    (void)state;
    char err[128];
    pysem_re_t *re = pysem_re_compile("line\\s+\\d+", PYSEM_RE_IGNORECASE, err, sizeof err);
    assert_non_null(re);
    pysem_span_t m;
    assert_true(pysem_re_search(re, S("see LINE  42 here"), &m));
    assert_int_equal(m.off, 4);
    assert_int_equal(m.len, 8);
    assert_false(pysem_re_search(re, S("lines 42"), NULL));
    pysem_re_free(re);

    /* $ also matches before a final newline; . does not match \n */
    re = pysem_re_compile("^a.c$", 0, err, sizeof err);
    assert_true(pysem_re_search(re, S("a\rc\n"), NULL));
    assert_false(pysem_re_search(re, S("a\nc"), NULL));
    pysem_re_free(re);

    re = pysem_re_compile("\\bum\\b", 0, err, sizeof err);
    assert_int_equal(pysem_re_count(re, S("um, um um_ umm \xc3\xa9um um")), 3);
    pysem_re_free(re);

    re = pysem_re_compile("x*", 0, err, sizeof err);
    /* findall("x*", "axxb") == ['', 'xx', '', ''] */
    assert_int_equal(pysem_re_count(re, S("axxb")), 4);
    pysem_re_free(re);

    assert_null(pysem_re_compile("(", 0, err, sizeof err));
    assert_true(strlen(err) > 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_table),
        cmocka_unit_test(test_fixed_format),
        cmocka_unit_test(test_fixed_zero_digits_random),
        cmocka_unit_test(test_repr),
        cmocka_unit_test(test_floordiv_mod),
        cmocka_unit_test(test_numbers_and_truthiness),
        cmocka_unit_test(test_split_strip),
        cmocka_unit_test(test_splitlines),
        cmocka_unit_test(test_len_slice_count),
        cmocka_unit_test(test_lower),
        cmocka_unit_test(test_word_chars),
        cmocka_unit_test(test_regex),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
