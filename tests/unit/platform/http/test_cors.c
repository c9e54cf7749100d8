/* CORS decisions of api-contract §1.7. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "platform/http/cors.h"

static const char *const origins[] = {"https://app.tali.dev", "http://localhost:5173", "http://localhost:3000"};

static void test_origin_allowed(void **state)
{
    (void)state;
    assert_true(http_cors_origin_allowed(origins, 3, "https://app.tali.dev"));
    assert_true(http_cors_origin_allowed(origins, 3, "http://localhost:3000"));
    assert_false(http_cors_origin_allowed(origins, 3, "https://app.tali.dev/"));
    assert_false(http_cors_origin_allowed(origins, 3, "HTTPS://APP.TALI.DEV"));
    assert_false(http_cors_origin_allowed(origins, 3, "https://evil.example"));
    assert_false(http_cors_origin_allowed(origins, 3, NULL));
}

static void test_is_preflight(void **state)
{
    (void)state;
    assert_true(http_cors_is_preflight("OPTIONS", "https://x", "POST"));
    assert_false(http_cors_is_preflight("OPTIONS", NULL, "POST"));
    assert_false(http_cors_is_preflight("OPTIONS", "https://x", NULL));
    assert_false(http_cors_is_preflight("POST", "https://x", "POST"));
}

static void test_preflight_ok(void **state)
{
    (void)state;
    char msg[64];
    bool ok = false;
    assert_int_equal(http_cors_preflight(origins, 3, "http://localhost:5173", "PATCH",
                                         "authorization, Content-Type,X-Assessment-Token", &ok, msg, sizeof(msg)),
                     200);
    assert_true(ok);
    assert_string_equal(msg, "OK");
    assert_int_equal(http_cors_preflight(origins, 3, "http://localhost:5173", "GET", NULL, &ok, msg, sizeof(msg)), 200);
}

static void test_preflight_failures_joined(void **state)
{
    (void)state;
    char msg[64];
    bool ok = true;
    assert_int_equal(http_cors_preflight(origins, 3, "https://evil.example", "GET", NULL, &ok, msg, sizeof(msg)), 400);
    assert_false(ok);
    assert_string_equal(msg, "Disallowed CORS origin");

    assert_int_equal(http_cors_preflight(origins, 3, "http://localhost:5173", "TRACE", NULL, &ok, msg, sizeof(msg)),
                     400);
    assert_true(ok);
    assert_string_equal(msg, "Disallowed CORS method");

    /* methods are compared as sent: lower-case is not allowed */
    http_cors_preflight(origins, 3, "http://localhost:5173", "post", NULL, &ok, msg, sizeof(msg));
    assert_string_equal(msg, "Disallowed CORS method");

    http_cors_preflight(origins, 3, "http://localhost:5173", "GET", "Content-Type, X-Custom", &ok, msg, sizeof(msg));
    assert_string_equal(msg, "Disallowed CORS headers");

    http_cors_preflight(origins, 3, "https://evil.example", "TRACE", "X-Custom", &ok, msg, sizeof(msg));
    assert_string_equal(msg, "Disallowed CORS origin, method, headers");

    http_cors_preflight(origins, 3, "https://evil.example", "GET", "X-Custom", &ok, msg, sizeof(msg));
    assert_string_equal(msg, "Disallowed CORS origin, headers");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_origin_allowed),
        cmocka_unit_test(test_is_preflight),
        cmocka_unit_test(test_preflight_ok),
        cmocka_unit_test(test_preflight_failures_joined),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
