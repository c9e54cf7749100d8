/* mem: arena allocation, deferred destructors, growable buffers, and err's
 * status mapping. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "platform/err.h"
#include "platform/mem.h"

static void test_x_wrappers(void **state)
{
    char *s = xstrdup("hello");
    assert_string_equal(s, "hello");
    free(s);
    s = xstrndup("hello world", 5);
    assert_string_equal(s, "hello");
    free(s);
    s = xasprintf("%d-%s", 42, "x");
    assert_string_equal(s, "42-x");
    free(s);
    int *z = xcalloc(16, sizeof(int));
    for (int i = 0; i < 16; i++)
        assert_int_equal(z[i], 0);
    z = xrealloc(z, 1000 * sizeof(int));
    z[999] = 7;
    assert_int_equal(z[999], 7);
    free(z);
}

static void test_arena_alloc(void **state)
{
    mem_arena_t *a = mem_arena_new();
    /* many small and a few large allocations: each zeroed, aligned, distinct */
    char *prev = NULL;
    for (int i = 0; i < 2000; i++) {
        size_t n = (i % 100 == 0) ? 20000 : (size_t)(i % 37) + 1;
        unsigned char *p = mem_alloc(a, n);
        assert_non_null(p);
        assert_int_equal((uintptr_t)p % _Alignof(max_align_t), 0);
        for (size_t k = 0; k < n; k++)
            assert_int_equal(p[k], 0);
        memset(p, 0xAB, n);
        assert_ptr_not_equal(p, prev);
        prev = (char *)p;
    }
    char *s = mem_strdup(a, "abc");
    assert_string_equal(s, "abc");
    assert_null(mem_strdup(a, NULL));
    assert_string_equal(mem_strndup(a, "abcdef", 3), "abc");
    assert_string_equal(mem_printf(a, "%s=%d", "n", 5), "n=5");
    char big[10000];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    assert_string_equal(mem_printf(a, "%s", big), big);
    mem_arena_free(a);
    mem_arena_free(NULL);
}

static int order[4];
static int norder;

static void record(void *p)
{
    order[norder++] = *(int *)p;
}

static void test_arena_defer_order(void **state)
{
    static int one = 1, two = 2, three = 3;
    norder = 0;
    mem_arena_t *a = mem_arena_new();
    assert_ptr_equal(mem_defer(a, record, &one), &one);
    mem_defer(a, record, &two);
    mem_defer(a, record, &three);
    assert_null(mem_defer(a, record, NULL)); /* NULL is not deferred */
    mem_arena_free(a);
    assert_int_equal(norder, 3);
    assert_int_equal(order[0], 3);
    assert_int_equal(order[1], 2);
    assert_int_equal(order[2], 1);

    /* the usual pattern: heap memory handed to the arena is released */
    a = mem_arena_new();
    mem_defer(a, free, xstrdup("owned by arena"));
    mem_arena_free(a);
}

static void test_buf(void **state)
{
    mem_buf_t b = {0};
    mem_buf_puts(&b, "abc");
    mem_buf_append(&b, "\0def", 4);
    assert_int_equal(b.len, 7);
    assert_memory_equal(b.data, "abc\0def", 7);
    assert_int_equal(b.data[7], '\0');
    for (int i = 0; i < 1000; i++)
        mem_buf_printf(&b, "%04d", i);
    assert_int_equal(b.len, 7 + 4000);
    assert_memory_equal(b.data + 7 + 4 * 999, "0999", 4);
    char *taken = mem_buf_take(&b);
    assert_null(b.data);
    assert_int_equal(b.len, 0);
    assert_memory_equal(taken, "abc", 3);
    free(taken);

    /* take of an empty buffer gives "" not NULL */
    taken = mem_buf_take(&b);
    assert_non_null(taken);
    assert_string_equal(taken, "");
    free(taken);

    mem_buf_printf(&b, "%s", "");
    mem_buf_printf(&b, "x%dy", 1);
    assert_string_equal(b.data, "x1y");
    mem_buf_free(&b);
    assert_null(b.data);
}

static void test_err_status(void **state)
{
    static const struct {
        err_t e;
        int status;
    } map[] = {
        {ERR_OK, 200},          {ERR_BAD_REQUEST, 400}, {ERR_UNAUTHORIZED, 401}, {ERR_PAYMENT_REQUIRED, 402},
        {ERR_FORBIDDEN, 403},   {ERR_NOT_FOUND, 404},   {ERR_CONFLICT, 409},     {ERR_GONE, 410},
        {ERR_TOO_LARGE, 413},   {ERR_VALIDATION, 422},  {ERR_RATE_LIMITED, 429}, {ERR_INTERNAL, 500},
        {ERR_BAD_GATEWAY, 502}, {ERR_UNAVAILABLE, 503}, {ERR_TIMEOUT, 504},
    };
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++) {
        assert_int_equal(err_http_status(map[i].e), map[i].status);
        assert_non_null(err_name(map[i].e));
        assert_true(strlen(err_name(map[i].e)) > 0);
    }
    assert_string_equal(err_name(ERR_NOT_FOUND), "not found");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_x_wrappers), cmocka_unit_test(test_arena_alloc), cmocka_unit_test(test_arena_defer_order),
        cmocka_unit_test(test_buf),        cmocka_unit_test(test_err_status),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
