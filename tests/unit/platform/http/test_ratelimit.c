/* Rate limiter: buckets and limits, sliding window on a fake clock,
 * Retry-After, client identity, eviction of idle keys. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "platform/ratelimit.h"

static int64_t fake_now;

static int64_t fake_clock(void *ctx)
{
    (void)ctx;
    return fake_now;
}

static void test_classify(void **state)
{
    (void)state;
    const ratelimit_class_t *c = ratelimit_classify("/api/v1/auth/login");
    assert_non_null(c);
    assert_string_equal(c->name, "auth");
    assert_int_equal(c->limit, 10);
    assert_string_equal(ratelimit_classify("/api/v1/auth/register")->name, "auth");
    assert_string_equal(ratelimit_classify("/api/v1/auth/forgot-password")->name, "auth");
    assert_string_equal(ratelimit_classify("/api/v1/auth/jwt/login")->name, "auth");
    assert_string_equal(ratelimit_classify("/api/v1/auth/accept-invite")->name, "auth");
    /* today's unlimited identity routes (identity spec §1.1) */
    assert_null(ratelimit_classify("/api/v1/auth/jwt/refresh"));
    assert_null(ratelimit_classify("/api/v1/auth/jwt/logout"));
    assert_null(ratelimit_classify("/api/v1/auth/sso-check"));
    assert_null(ratelimit_classify("/api/v1/auth/request-verify-token"));
    assert_null(ratelimit_classify("/api/v1/users/me"));
    assert_null(ratelimit_classify("/api/v1/api-keys"));
    c = ratelimit_classify("/api/v1/assessments/token/abc/start");
    assert_string_equal(c->name, "candidate_token");
    assert_int_equal(c->limit, 15);
    c = ratelimit_classify("/api/v1/assessments/12/claude");
    assert_string_equal(c->name, "assessment");
    assert_int_equal(c->limit, 30);
    assert_string_equal(ratelimit_classify("/api/v1/assessments/12/upload-cv")->name, "assessment");
    assert_string_equal(ratelimit_classify("/api/v1/assessments/12/execute")->name, "assessment");
    assert_string_equal(ratelimit_classify("/api/v1/assessments/12/submit")->name, "assessment");
    assert_null(ratelimit_classify("/api/v1/assessments/12"));
    assert_null(ratelimit_classify("/api/v1/auth/reset-password"));
    assert_null(ratelimit_classify("/api/v1/auth/verify-email"));
    assert_null(ratelimit_classify("/api/v1/auth/me"));
    assert_null(ratelimit_classify("/health"));
}

static void test_limit_and_sliding_window(void **state)
{
    (void)state;
    fake_now = 1000000;
    ratelimit_t *rl = ratelimit_new(RATELIMIT_WINDOW_MS, fake_clock, NULL);
    int retry = 0;
    for (int i = 0; i < 10; i++) {
        assert_true(ratelimit_admit(rl, "auth:1.2.3.4", 10, &retry));
        fake_now += 1000; /* requests at t = 0, 1, ..., 9 s */
    }
    /* t = 10 s: full; the oldest (t = 0) leaves at t = 60 s */
    assert_false(ratelimit_admit(rl, "auth:1.2.3.4", 10, &retry));
    assert_int_equal(retry, 50);
    /* another client is independent */
    assert_true(ratelimit_admit(rl, "auth:5.6.7.8", 10, NULL));

    fake_now = 1000000 + 59500;
    assert_false(ratelimit_admit(rl, "auth:1.2.3.4", 10, &retry));
    assert_int_equal(retry, 1); /* 0.5 s rounds up to 1 */

    /* refused requests were not recorded: exactly one slot frees per second */
    fake_now = 1000000 + 60000;
    assert_true(ratelimit_admit(rl, "auth:1.2.3.4", 10, NULL));
    assert_false(ratelimit_admit(rl, "auth:1.2.3.4", 10, &retry));
    assert_int_equal(retry, 1);
    fake_now += 1000;
    assert_true(ratelimit_admit(rl, "auth:1.2.3.4", 10, NULL));
    ratelimit_free(rl);
}

static void test_limits_differ_per_bucket(void **state)
{
    (void)state;
    fake_now = 0;
    ratelimit_t *rl = ratelimit_new(RATELIMIT_WINDOW_MS, fake_clock, NULL);
    const char *paths[] = {"/api/v1/auth/login", "/api/v1/assessments/token/t/start", "/api/v1/assessments/1/execute"};
    const int expect[] = {10, 15, 30};
    for (int k = 0; k < 3; k++) {
        const ratelimit_class_t *c = ratelimit_classify(paths[k]);
        char key[64];
        snprintf(key, sizeof(key), "%s:9.9.9.9", c->name);
        int admitted = 0;
        for (int i = 0; i < 40; i++)
            admitted += ratelimit_admit(rl, key, c->limit, NULL);
        assert_int_equal(admitted, expect[k]);
    }
    ratelimit_free(rl);
}

static void test_idle_keys_evicted(void **state)
{
    (void)state;
    fake_now = 0;
    ratelimit_t *rl = ratelimit_new(RATELIMIT_WINDOW_MS, fake_clock, NULL);
    for (int i = 0; i < 500; i++) {
        char key[64];
        snprintf(key, sizeof(key), "auth:10.0.%d.%d", i / 256, i % 256);
        assert_true(ratelimit_admit(rl, key, 10, NULL));
    }
    assert_int_equal(ratelimit_size(rl), 500);
    fake_now = 2 * RATELIMIT_WINDOW_MS;
    assert_true(ratelimit_admit(rl, "auth:fresh", 10, NULL));
    assert_int_equal(ratelimit_size(rl), 1);
    ratelimit_clear(rl);
    assert_int_equal(ratelimit_size(rl), 0);
    ratelimit_free(rl);
}

static void test_client_ip(void **state)
{
    (void)state;
    char buf[64];
    assert_string_equal(ratelimit_client_ip(" 203.0.113.7 , 10.0.0.1", "127.0.0.1", true, buf, sizeof(buf)),
                        "203.0.113.7");
    assert_string_equal(ratelimit_client_ip("203.0.113.7", "127.0.0.1", false, buf, sizeof(buf)), "127.0.0.1");
    assert_string_equal(ratelimit_client_ip(NULL, "::1", true, buf, sizeof(buf)), "::1");
    assert_string_equal(ratelimit_client_ip(" , 1.1.1.1", "127.0.0.1", true, buf, sizeof(buf)), "127.0.0.1");
    assert_string_equal(ratelimit_client_ip(NULL, NULL, true, buf, sizeof(buf)), "unknown");
    char small[4];
    assert_string_equal(ratelimit_client_ip("203.0.113.7", NULL, true, small, sizeof(small)), "203");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_classify),
        cmocka_unit_test(test_limit_and_sliding_window),
        cmocka_unit_test(test_limits_differ_per_bucket),
        cmocka_unit_test(test_idle_keys_evicted),
        cmocka_unit_test(test_client_ip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
