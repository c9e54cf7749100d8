/* shared/text: the one UTF-8 decoder/encoder, the lower-casing table and
 * the string helpers.  Expected values are Python 3.11's (bytes.decode
 * with errors="replace" per byte, str.lower() per character). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "shared/text.h"

static void test_decode_well_formed(void **state)
{
    static const struct {
        const char *bytes;
        uint32_t cp;
    } cases[] = {
        {"A", 0x41},
        {"\x7f", 0x7F},
        {"\xc2\x80", 0x80},
        {"\xc3\xa9", 0xE9},
        {"\xdf\xbf", 0x7FF},
        {"\xe0\xa0\x80", 0x800},
        {"\xe2\x82\xac", 0x20AC},
        {"\xed\x9f\xbf", 0xD7FF},
        {"\xee\x80\x80", 0xE000},
        {"\xef\xbf\xbd", 0xFFFD},
        {"\xf0\x90\x80\x80", 0x10000},
        {"\xf0\x9f\x98\x80", 0x1F600},
        {"\xf4\x8f\xbf\xbf", 0x10FFFF},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        uint32_t cp = 0;
        size_t n = strlen(cases[i].bytes);
        assert_int_equal(utf8_decode(cases[i].bytes, n, 0, &cp), n);
        assert_int_equal(cp, cases[i].cp);
        char out[4];
        assert_int_equal(utf8_encode(cp, out), n);
        assert_memory_equal(out, cases[i].bytes, n);
    }
}

static void test_decode_malformed(void **state)
{
    static const char *const bad[] = {
        "\x80",             /* lone continuation */
        "\xc0\x80",         /* overlong NUL */
        "\xc1\xbf",         /* overlong */
        "\xe0\x9f\xbf",     /* overlong 3-byte */
        "\xed\xa0\x80",     /* surrogate D800 */
        "\xed\xbf\xbf",     /* surrogate DFFF */
        "\xf0\x8f\xbf\xbf", /* overlong 4-byte */
        "\xf4\x90\x80\x80", /* above U+10FFFF */
        "\xf5\x80\x80\x80", /* lead byte never valid */
        "\xff",
        "\xe2\x82",     /* truncated */
        "\xe2\x28\xa1", /* bad continuation */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        uint32_t cp = 0;
        size_t n = strlen(bad[i]);
        assert_int_equal(utf8_decode(bad[i], n, 0, &cp), 0);
        assert_int_equal(cp, TEXT_REPLACEMENT);
        assert_int_equal(utf8_next(bad[i], n, 0, &cp), 1);
        assert_false(utf8_valid(bad[i], n));
    }
    /* a sequence cut by n even though more bytes follow in memory */
    uint32_t cp;
    assert_int_equal(utf8_decode("\xe2\x82\xac", 2, 0, &cp), 0);
}

static void test_valid_count_prefix(void **state)
{
    const char *s = "h\xc3\xa9llo \xf0\x9f\x98\x80!";
    size_t n = strlen(s);
    assert_true(utf8_valid(s, n));
    assert_true(utf8_valid("", 0));
    assert_int_equal(utf8_count(s, n), 8); /* len("héllo 😀!") */
    assert_int_equal(utf8_prefix(s, n, 0), 0);
    assert_int_equal(utf8_prefix(s, n, 2), 3); /* "hé" */
    assert_int_equal(utf8_prefix(s, n, 7), n - 1);
    assert_int_equal(utf8_prefix(s, n, 100), n);
    /* b"a\xffb\xe2\x82".decode(errors="replace") has 5 characters here:
     * every byte that starts nothing counts one */
    assert_int_equal(utf8_count("a\xff"
                                "b\xe2\x82",
                                5),
                     5);
}

static void test_scrub(void **state)
{
    char out[UTF8_SCRUB_MAX(16)];
    assert_int_equal(utf8_scrub("a\xff"
                                "b",
                                3, out),
                     5);
    assert_string_equal(out, "a\xef\xbf\xbd"
                             "b");
    assert_int_equal(utf8_scrub("\xc3\xa9\xed\xa0\x80", 5, out), 2 + 9);
    assert_string_equal(out, "\xc3\xa9\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
    assert_int_equal(utf8_scrub("", 0, out), 0);
    assert_string_equal(out, "");
}

static void test_lower_cp(void **state)
{
    static const struct {
        uint32_t in, out;
    } cases[] = {
        {'A', 'a'},         {'z', 'z'},
        {'0', '0'},         {0xC9, 0xE9},            /* É */
        {0xD7, 0xD7},       /* × */ {0xDF, 0xDF},    /* ß stays */
        {0x178, 0xFF},      /* Ÿ */ {0x3A3, 0x3C3},  /* Σ */
        {0x414, 0x434},     /* Д */ {0x531, 0x561},  /* Armenian Ա */
        {0x130, 'i'},                                /* İ: the simple mapping (full lower adds U+0307) */
        {0x1E9E, 0xDF},     /* ẞ */ {0x23A, 0x2C65}, /* grows a byte */
        {0x1F88, 0x1F80},   {0x2C6F, 0x250},
        {0x10400, 0x10428}, /* Deseret */
        {0x4E2D, 0x4E2D},   /* 中 has no case */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        assert_int_equal(text_lower_cp(cases[i].in), cases[i].out);
}

static void test_lower_string(void **state)
{
    const char *s = "Hello \xc3\x89T\xc3\x89 \xce\xa3\xce\xa9 \xc8\xba!";
    size_t n = strlen(s);
    char out[TEXT_LOWER_MAX(64)];
    size_t len = text_lower(s, n, out);
    /* "Hello ÉTÉ ΣΩ Ⱥ!".lower() == "hello été σω ⱥ!" */
    assert_string_equal(out, "hello \xc3\xa9t\xc3\xa9 \xcf\x83\xcf\x89 \xe2\xb1\xa5!");
    assert_int_equal(len, strlen(out));
    /* malformed bytes are kept as they are */
    len = text_lower("A\xff"
                     "B",
                     3, out);
    assert_int_equal(len, 3);
    assert_memory_equal(out,
                        "a\xff"
                        "b",
                        4);
}

static void test_strings(void **state)
{
    size_t len = 0;
    const char *t = text_trim_ascii(" \t abc d\r\n", 10, &len);
    assert_int_equal(len, 5);
    assert_memory_equal(t, "abc d", 5);
    text_trim_ascii("   ", 3, &len);
    assert_int_equal(len, 0);
    char buf[] = "MiXeD \xc3\x89";
    assert_string_equal(text_ascii_lower(buf), "mixed \xc3\x89");
    assert_true(text_starts_with("assessment.completed", "assessment."));
    assert_false(text_starts_with("assess", "assessment"));
    assert_true(text_starts_with("x", ""));
    assert_true(text_is_ascii_space('\v'));
    assert_false(text_is_ascii_space('\xa0'));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_decode_well_formed),
        cmocka_unit_test(test_decode_malformed),
        cmocka_unit_test(test_valid_count_prefix),
        cmocka_unit_test(test_scrub),
        cmocka_unit_test(test_lower_cp),
        cmocka_unit_test(test_lower_string),
        cmocka_unit_test(test_strings),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
