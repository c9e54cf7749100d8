/* Unit tests of shared/documents: UTF-8 repair as Python's
 * errors="replace", str.strip() bounds, the preview rule, the isolated
 * runner's limits, and extraction of the fixtures made by
 * make_fixtures.py (argv[1] is the fixture directory). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "shared/documents.h"

static const char *fixture_dir = ".";

static char *read_fixture(const char *name, size_t *len)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", fixture_dir, name);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    mem_buf_t b = {0};
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        mem_buf_append(&b, chunk, n);
    fclose(f);
    *len = b.len;
    return mem_buf_take(&b);
}

static void check_sanitize(const char *in, size_t n, const char *want)
{
    size_t len;
    char *out = documents_utf8_sanitize(in, n, &len);
    assert_string_equal(out, want);
    assert_int_equal(len, strlen(want));
    free(out);
}

#define R "\xEF\xBF\xBD"

static void test_sanitize_like_python(void **state)
{
    (void)state;
    check_sanitize("plain", 5, "plain");
    check_sanitize("caf\xC3\xA9", 5, "caf\xC3\xA9");
    check_sanitize("\xFF", 1, R);
    check_sanitize("a\xE2\x82", 3, "a" R); /* truncated: one maximal subpart */
    check_sanitize("\xE2\x82z", 3, R "z");
    check_sanitize("\xED\xA0\x80", 3, R R R); /* surrogate: each byte */
    check_sanitize("\xC0\x80", 2, R R);       /* overlong */
    check_sanitize("\xE0\x80\x80", 3, R R R);
    check_sanitize("\xF4\x90\x80\x80", 4, R R R R); /* above U+10FFFF */
    check_sanitize("\xF0\x9F\x98", 3, R);
    check_sanitize("\xF0\x9F\x98\x80", 4, "\xF0\x9F\x98\x80");
    check_sanitize("a\0b", 3, "ab"); /* NUL dropped */
    check_sanitize("", 0, "");
}

static void check_strip(const char *s, const char *want)
{
    size_t a, e;
    documents_strip_bounds(s, strlen(s), &a, &e);
    assert_int_equal(e - a, strlen(want));
    assert_memory_equal(s + a, want, e - a);
}

static void test_strip_like_python(void **state)
{
    (void)state;
    check_strip("  x  ", "x");
    check_strip("\t\n\v\f\r\x1c\x1f x y \xC2\x85\xC2\xA0", "x y");
    check_strip("\xE3\x80\x80\xE2\x80\xA8mid\xE2\x80\x83", "mid");         /* U+3000, U+2028, U+2003 */
    check_strip("\xE2\x80\x8Bz\xE2\x80\x8B", "\xE2\x80\x8Bz\xE2\x80\x8B"); /* U+200B is not a space */
    check_strip("   ", "");
    check_strip("", "");
    check_strip("\xC3\xA9", "\xC3\xA9");
}

static void test_preview_rule(void **state)
{
    (void)state;
    mem_arena_t *a = mem_arena_new();
    assert_null(documents_preview(a, NULL));
    assert_string_equal(documents_preview(a, ""), "");
    char s[2000];
    memset(s, 'x', 500);
    s[500] = '\0';
    assert_string_equal(documents_preview(a, s), s);
    s[500] = 'y';
    s[501] = '\0';
    char *p = documents_preview(a, s);
    assert_int_equal(strlen(p), 503);
    assert_memory_equal(p, s, 500);
    assert_string_equal(p + 500, "...");
    /* 501 two-byte characters: 500 characters = 1000 bytes kept */
    for (int i = 0; i < 501; i++) {
        s[2 * i] = (char)0xC3;
        s[2 * i + 1] = (char)0xA9;
    }
    s[1002] = '\0';
    p = documents_preview(a, s);
    assert_int_equal(strlen(p), 1003);
    assert_string_equal(p + 1000, "...");
    mem_arena_free(a);
}

static void test_kinds_and_messages(void **state)
{
    (void)state;
    documents_kind_t k;
    assert_true(documents_kind_from_ext("pdf", &k) && k == DOCUMENTS_PDF);
    assert_true(documents_kind_from_ext("docx", &k) && k == DOCUMENTS_DOCX);
    assert_true(documents_kind_from_ext("txt", &k) && k == DOCUMENTS_TXT);
    assert_false(documents_kind_from_ext("PDF", &k));
    assert_false(documents_kind_from_ext("doc", &k));
    assert_false(documents_kind_from_ext(NULL, &k));
    for (int s = DOCUMENTS_OK; s <= DOCUMENTS_ERR_SYSTEM; s++)
        assert_true(strlen(documents_status_message((documents_status_t)s)) > 5);
}

/* ---- the isolated runner ---- */

static documents_status_t child_spin(void *ctx, mem_buf_t *out)
{
    (void)ctx;
    (void)out;
    volatile unsigned long n = 0;
    for (;;)
        n++;
    return DOCUMENTS_OK;
}

static documents_status_t child_sleep(void *ctx, mem_buf_t *out)
{
    (void)ctx;
    (void)out;
    for (;;)
        pause();
    return DOCUMENTS_OK;
}

static documents_status_t child_abort(void *ctx, mem_buf_t *out)
{
    (void)ctx;
    (void)out;
    abort();
}

static documents_status_t child_status(void *ctx, mem_buf_t *out)
{
    mem_buf_puts(out, "ignored");
    return *(documents_status_t *)ctx;
}

static documents_status_t child_echo(void *ctx, mem_buf_t *out)
{
    mem_buf_puts(out, ctx);
    return DOCUMENTS_OK;
}

static documents_status_t child_big(void *ctx, mem_buf_t *out)
{
    (void)ctx;
    for (int i = 0; i < 100000; i++)
        mem_buf_puts(out, "\xC3\xA9");
    return DOCUMENTS_OK;
}

#if !defined(__SANITIZE_ADDRESS__)
static documents_status_t child_hog(void *ctx, mem_buf_t *out)
{
    (void)ctx;
    (void)out;
    size_t total = 0;
    for (int i = 0; i < 16; i++) {
        char *p = malloc((size_t)16 << 20);
        if (!p)
            return DOCUMENTS_ERR_RESOURCES;
        memset(p, 1, (size_t)16 << 20);
        total += (size_t)16 << 20;
    }
    return total ? DOCUMENTS_OK : DOCUMENTS_ERR_SYSTEM;
}
#endif

static void test_isolated_statuses(void **state)
{
    (void)state;
    char *out = NULL;
    size_t len = 0;
    assert_int_equal(documents_run_isolated(child_echo, "hello \xC3\xA9", NULL, &out, &len), DOCUMENTS_OK);
    assert_string_equal(out, "hello \xC3\xA9");
    assert_int_equal(len, 8);
    free(out);

    documents_status_t want = DOCUMENTS_ERR_ENCRYPTED;
    assert_int_equal(documents_run_isolated(child_status, &want, NULL, &out, &len), DOCUMENTS_ERR_ENCRYPTED);
    assert_null(out);

    assert_int_equal(documents_run_isolated(child_abort, NULL, NULL, &out, &len), DOCUMENTS_ERR_CRASHED);
    assert_null(out);
}

static void test_isolated_timeouts(void **state)
{
    (void)state;
    documents_limits_t lim = {.timeout_ms = 300};
    char *out = NULL;
    assert_int_equal(documents_run_isolated(child_spin, NULL, &lim, &out, NULL), DOCUMENTS_ERR_TIMEOUT);
    assert_null(out);
    assert_int_equal(documents_run_isolated(child_sleep, NULL, &lim, &out, NULL), DOCUMENTS_ERR_TIMEOUT);
    assert_null(out);
}

static void test_isolated_output_is_cut_at_a_character(void **state)
{
    (void)state;
    documents_limits_t lim = {.max_text_bytes = 1001};
    char *out = NULL;
    size_t len = 0;
    assert_int_equal(documents_run_isolated(child_big, NULL, &lim, &out, &len), DOCUMENTS_OK);
    assert_int_equal(len, 1000);
    free(out);
}

static void test_isolated_memory_limit(void **state)
{
    (void)state;
#if defined(__SANITIZE_ADDRESS__)
    skip();
#else
    documents_limits_t lim = {.memory_bytes = (size_t)64 << 20};
    char *out = NULL;
    assert_int_equal(documents_run_isolated(child_hog, NULL, &lim, &out, NULL), DOCUMENTS_ERR_RESOURCES);
    assert_null(out);
    /* with room the same child gets its 256 MiB */
    documents_limits_t roomy = {.memory_bytes = (size_t)1 << 30};
    assert_int_equal(documents_run_isolated(child_hog, NULL, &roomy, &out, NULL), DOCUMENTS_OK);
    free(out);
#endif
}

/* ---- extraction ---- */

static char *extract_fixture(const char *name, documents_kind_t kind, documents_status_t want)
{
    size_t len;
    char *data = read_fixture(name, &len);
    char *text = NULL;
    size_t tlen = 0;
    assert_int_equal(documents_extract(kind, data, len, NULL, &text, &tlen), want);
    free(data);
    if (want != DOCUMENTS_OK) {
        assert_null(text);
        return NULL;
    }
    assert_int_equal(strlen(text), tlen);
    return text;
}

static void test_extract_pdf(void **state)
{
    (void)state;
    char *t = extract_fixture("two-pages.pdf", DOCUMENTS_PDF, DOCUMENTS_OK);
    assert_string_equal(t, "Hello PDF\n\nSecond page");
    free(t);
    t = extract_fixture("open-encrypted.pdf", DOCUMENTS_PDF, DOCUMENTS_OK);
    assert_string_equal(t, "Open sesame");
    free(t);
    extract_fixture("locked.pdf", DOCUMENTS_PDF, DOCUMENTS_ERR_ENCRYPTED);
    extract_fixture("hello.docx", DOCUMENTS_PDF, DOCUMENTS_ERR_CORRUPT);
}

static void test_extract_docx(void **state)
{
    (void)state;
    char *t = extract_fixture("hello.docx", DOCUMENTS_DOCX, DOCUMENTS_OK);
    assert_string_equal(t, "Hello DOCX\n\nBye");
    free(t);
    extract_fixture("two-pages.pdf", DOCUMENTS_DOCX, DOCUMENTS_ERR_CORRUPT);
    static const unsigned char ole[16] = {0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1};
    char *text = NULL;
    assert_int_equal(documents_extract(DOCUMENTS_DOCX, ole, sizeof ole, NULL, &text, NULL), DOCUMENTS_ERR_ENCRYPTED);
}

static void test_extract_truncated_inputs_never_crash(void **state)
{
    (void)state;
    const char *names[] = {"two-pages.pdf", "hello.docx"};
    documents_kind_t kinds[] = {DOCUMENTS_PDF, DOCUMENTS_DOCX};
    for (int f = 0; f < 2; f++) {
        size_t len;
        char *data = read_fixture(names[f], &len);
        for (size_t cut = 1; cut < len; cut += len / 7 + 1) {
            char *text = NULL;
            documents_status_t st = documents_extract(kinds[f], data, cut, NULL, &text, NULL);
            assert_true(st == DOCUMENTS_OK || st == DOCUMENTS_ERR_CORRUPT);
            free(text);
        }
        free(data);
    }
}

static void test_extract_txt_and_empty(void **state)
{
    (void)state;
    char *text = NULL;
    size_t len = 0;
    assert_int_equal(documents_extract(DOCUMENTS_TXT, " \xFFok\n", 5, NULL, &text, &len), DOCUMENTS_OK);
    assert_string_equal(text, R "ok");
    free(text);
    assert_int_equal(documents_extract(DOCUMENTS_PDF, "", 0, NULL, &text, &len), DOCUMENTS_ERR_EMPTY);
    assert_null(text);
}

int main(int argc, char **argv)
{
    if (argc > 1)
        fixture_dir = argv[1];
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sanitize_like_python),
        cmocka_unit_test(test_strip_like_python),
        cmocka_unit_test(test_preview_rule),
        cmocka_unit_test(test_kinds_and_messages),
        cmocka_unit_test(test_isolated_statuses),
        cmocka_unit_test(test_isolated_timeouts),
        cmocka_unit_test(test_isolated_output_is_cut_at_a_character),
        cmocka_unit_test(test_isolated_memory_limit),
        cmocka_unit_test(test_extract_pdf),
        cmocka_unit_test(test_extract_docx),
        cmocka_unit_test(test_extract_truncated_inputs_never_crash),
        cmocka_unit_test(test_extract_txt_and_empty),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
