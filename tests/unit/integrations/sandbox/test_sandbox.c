/* sandbox_common: pytest summary parsing with the original's regexes,
 * the result's JSON shape, and freeing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "components/integrations/sandbox/sandbox.h"
#include "platform/mem.h"

static sandbox_result_t parsed(const char *out, const char *err)
{
    sandbox_result_t r;
    memset(&r, 0, sizeof r);
    r.stdout_text = xstrdup(out);
    r.stderr_text = xstrdup(err);
    r.results = json_array();
    sandbox_parse_pytest(&r);
    return r;
}

static void test_passed_and_failed(void **state)
{
    sandbox_result_t r = parsed("===== 3 passed, 1 failed in 0.1s =====\n", "");
    assert_true(r.has_counts);
    assert_int_equal(r.passed, 3);
    assert_int_equal(r.failed, 1);
    assert_int_equal(r.total, 4);
    sandbox_result_free(&r);
    assert_null(r.stdout_text);
    assert_null(r.results);
}

static void test_failed_only(void **state)
{
    sandbox_result_t r = parsed("== 1 failed in 0.02s ==", "");
    assert_int_equal(r.passed, 0);
    assert_int_equal(r.failed, 1);
    assert_int_equal(r.total, 1);
    sandbox_result_free(&r);
}

static void test_no_counts(void **state)
{
    sandbox_result_t r = parsed("ERROR: file not found: /tmp/test_assessment.py\n", "no tests ran");
    assert_true(r.has_counts);
    assert_int_equal(r.passed, 0);
    assert_int_equal(r.failed, 0);
    assert_int_equal(r.total, 0);
    sandbox_result_free(&r);
}

static void test_errors_not_counted(void **state)
{
    /* `N error(s)` is not a count; -v's PASSED/FAILED markers neither
     * (the regexes are case-sensitive) */
    sandbox_result_t r = parsed("test_a.py::test_x PASSED\ntest_a.py::test_y FAILED\n"
                                "==== 1 failed, 2 passed, 3 errors in 0.5s ====\n",
                                "");
    assert_int_equal(r.passed, 2);
    assert_int_equal(r.failed, 1);
    assert_int_equal(r.total, 3);
    sandbox_result_free(&r);
    r = parsed("==== 2 errors in 0.1s ====", "");
    assert_int_equal(r.total, 0);
    sandbox_result_free(&r);
}

static void test_first_match_and_concatenation(void **state)
{
    /* the first match wins; blanks of any kind between number and word;
     * stdout and stderr are searched as one string with no separator */
    sandbox_result_t r = parsed("7\tpassed earlier\n", "later 9 passed");
    assert_int_equal(r.passed, 7);
    sandbox_result_free(&r);
    r = parsed("count: 12", " failed");
    assert_int_equal(r.failed, 12);
    assert_int_equal(r.passed, 0);
    sandbox_result_free(&r);
    r = parsed("passed failed 5passed x 4 passed", "");
    assert_int_equal(r.passed, 4);
    sandbox_result_free(&r);
    r = parsed("99999999999999999999 passed", "");
    assert_true(r.passed > 0);
    sandbox_result_free(&r);
}

static void test_json_shapes(void **state)
{
    sandbox_result_t r;
    memset(&r, 0, sizeof r);
    r.stdout_text = xstrdup("hi\n");
    r.stderr_text = xstrdup("");
    r.results = json_array();
    json_array_append_new(r.results, json_string("Result(1)"));
    r.success = true;
    json_t *j = sandbox_result_json(&r);
    char *s = json_dumps(j, JSON_COMPACT);
    assert_string_equal(s, "{\"success\":true,\"stdout\":\"hi\\n\",\"stderr\":\"\",\"error\":null,"
                           "\"results\":[\"Result(1)\"]}");
    free(s);
    json_decref(j);

    r.success = false;
    r.error = xstrdup("ZeroDivisionError: division by zero");
    r.has_counts = true;
    r.passed = 2;
    r.failed = 1;
    r.total = 3;
    j = sandbox_result_json(&r);
    s = json_dumps(j, JSON_COMPACT);
    assert_string_equal(s, "{\"success\":false,\"stdout\":\"hi\\n\",\"stderr\":\"\","
                           "\"error\":\"ZeroDivisionError: division by zero\",\"passed\":2,\"failed\":1,\"total\":3}");
    free(s);
    json_decref(j);
    sandbox_result_free(&r);
    sandbox_result_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_passed_and_failed),
        cmocka_unit_test(test_failed_only),
        cmocka_unit_test(test_no_counts),
        cmocka_unit_test(test_errors_not_counted),
        cmocka_unit_test(test_first_match_and_concatenation),
        cmocka_unit_test(test_json_shapes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
