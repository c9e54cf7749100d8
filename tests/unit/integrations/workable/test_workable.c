/* workable: the webhook signature check (api-contract W1,
 * platform-integrations §6.3) against vectors computed independently with
 * `printf '%s' "<body>" | openssl dgst -sha256 -hmac "$SECRET"`, and the
 * client's pure helpers: the authorize URL (O3), the SPI base built from
 * the {subdomain} template, and the activity text (§6.2). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "components/integrations/workable/workable.h"
#include "platform/mem.h"

#define SECRET "wk_secret"
#define BODY "{\"type\":\"candidate_stage_changed\"}"
/* HMAC-SHA256 hex with key SECRET of ... */
#define SIG_BODY "2b6f9bdbd5afa1784c3541c54a7a58f2d224f8e8feb060d03ee397dfe6acf6be"  /* BODY */
#define SIG_EMPTY "dfd5d98511ba3b9c530beacddbdacef396fbbae5f55900bcb01b4c4756c07a22" /* "" */
#define SIG_UTF8 "5d10a36cfb1ae7c1e3acab5da267752bdbc0743c59a17be41d659e039640900d"  /* "héllo" */
/* key "other", "{}" */
#define SIG_OTHER_KEY "32df24e34f0e9ecb137fa4320ab0d50bcc30843d88000f1360748b6144b4e8e5"

static bool valid(const char *header, const char *body, const char *secret)
{
    return workable_signature_valid(header, body, strlen(body), secret);
}

static void test_signature_valid(void **state)
{
    (void)state;
    assert_true(valid(SIG_BODY, BODY, SECRET));
    assert_true(valid(SIG_UTF8, "h\xc3\xa9llo", SECRET));
    /* an empty body has a signature too (the JSON parse fails later) */
    assert_true(valid(SIG_EMPTY, "", SECRET));
    assert_true(workable_signature_valid(SIG_EMPTY, NULL, 0, SECRET));
    /* only len bytes are signed */
    assert_true(workable_signature_valid(SIG_BODY, BODY "trailing", strlen(BODY), SECRET));
}

static void test_signature_refused(void **state)
{
    (void)state;
    /* missing header, empty header */
    assert_false(valid(NULL, BODY, SECRET));
    assert_false(valid("", BODY, SECRET));
    /* wrong secret, and a signature made with another key */
    assert_false(valid(SIG_BODY, BODY, "wk_secreT"));
    assert_false(valid(SIG_OTHER_KEY, "{}", SECRET));
    /* tampered body, or the signature of another body */
    assert_false(valid(SIG_BODY, "{\"type\":\"candidate_stage_changeD\"}", SECRET));
    assert_false(valid(SIG_EMPTY, BODY, SECRET));
    assert_false(valid(SIG_BODY, "", SECRET));
    /* exact string: no upper case, no prefix, no blanks, no truncation or extension */
    assert_false(valid("2B6F9BDBD5AFA1784C3541C54A7A58F2D224F8E8FEB060D03EE397DFE6ACF6BE", BODY, SECRET));
    assert_false(valid("sha256=" SIG_BODY, BODY, SECRET));
    assert_false(valid(" " SIG_BODY, BODY, SECRET));
    assert_false(valid(SIG_BODY " ", BODY, SECRET));
    assert_false(valid("2b6f9bdbd5afa1784c3541c54a7a58f2d224f8e8feb060d03ee397dfe6acf6b", BODY, SECRET));
    assert_false(valid(SIG_BODY "0", BODY, SECRET));
    /* one flipped character at either end */
    assert_false(valid("3b6f9bdbd5afa1784c3541c54a7a58f2d224f8e8feb060d03ee397dfe6acf6be", BODY, SECRET));
    assert_false(valid("2b6f9bdbd5afa1784c3541c54a7a58f2d224f8e8feb060d03ee397dfe6acf6bf", BODY, SECRET));
    /* no secret matches nothing, not even the HMAC under an empty key */
    assert_false(valid("b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad", "", ""));
    assert_false(valid(SIG_BODY, BODY, NULL));
}

static void test_authorize_url(void **state)
{
    (void)state;
    mem_arena_t *a = mem_arena_new();
    assert_string_equal(workable_authorize_url(a, "cid", "http://localhost:5173", NULL, NULL),
                        "https://www.workable.com/oauth/authorize?client_id=cid"
                        "&redirect_uri=http://localhost:5173/settings/workable/callback"
                        "&resource=user&response_type=code&scope=r_jobs+r_candidates+w_candidates");
    /* inserted as they are, not URL-encoded (the original's behaviour) */
    assert_string_equal(workable_authorize_url(a, "a b&c", "https://app.example.com/x y", NULL, NULL),
                        "https://www.workable.com/oauth/authorize?client_id=a b&c"
                        "&redirect_uri=https://app.example.com/x y/settings/workable/callback"
                        "&resource=user&response_type=code&scope=r_jobs+r_candidates+w_candidates");
    /* today's: the chosen scopes and the state (spec v2 D23) */
    assert_string_equal(workable_authorize_url(a, "cid", "http://f", "r_jobs r_candidates", "s.t-_u"),
                        "https://www.workable.com/oauth/authorize?client_id=cid"
                        "&redirect_uri=http://f/settings/workable/callback"
                        "&resource=user&response_type=code&scope=r_jobs+r_candidates&state=s.t-_u");
    assert_string_equal(workable_redirect_uri(a, "http://f"), "http://f/settings/workable/callback");
    mem_arena_free(a);
}

static void test_spi_base(void **state)
{
    (void)state;
    mem_arena_t *a = mem_arena_new();
    assert_string_equal(workable_spi_base(a, "https://{subdomain}.workable.com/spi/v3", "acme"),
                        "https://acme.workable.com/spi/v3");
    assert_string_equal(workable_spi_base(a, "http://127.0.0.1:9/{subdomain}/spi/v3/", "Acme-2"),
                        "http://127.0.0.1:9/Acme-2/spi/v3");
    assert_string_equal(workable_spi_base(a, "http://h/{subdomain}/{subdomain}", "x"), "http://h/x/x");
    assert_string_equal(workable_spi_base(a, "http://fixed/spi", "x"), "http://fixed/spi");
    /* the default template when none is configured */
    assert_string_equal(workable_spi_base(a, "", "acme"), "https://acme.workable.com/spi/v3");
    /* a subdomain that is not a DNS label could move the request (and its
     * bearer token) to another host: refused */
    assert_null(workable_spi_base(a, "https://{subdomain}.workable.com/spi/v3", ""));
    assert_null(workable_spi_base(a, "https://{subdomain}.workable.com/spi/v3", NULL));
    assert_null(workable_spi_base(a, "https://{subdomain}.workable.com/spi/v3", "evil.com/x?"));
    assert_null(workable_spi_base(a, "https://{subdomain}.workable.com/spi/v3", "a.b"));
    assert_null(workable_spi_base(a, "https://{subdomain}.workable.com/spi/v3", "a@b"));
    assert_null(workable_spi_base(a, "https://{subdomain}.workable.com/spi/v3", "a b"));
    char long_label[65];
    memset(long_label, 'a', 64);
    long_label[64] = '\0';
    assert_null(workable_spi_base(a, "https://{subdomain}.workable.com/spi/v3", long_label));
    long_label[63] = '\0';
    assert_non_null(workable_spi_base(a, "https://{subdomain}.workable.com/spi/v3", long_label));
    mem_arena_free(a);
}

static void test_activity_text(void **state)
{
    (void)state;
    mem_arena_t *a = mem_arena_new();
    assert_string_equal(workable_activity_text(a, "http://localhost:5173", true, 7.5, true, 3, 4, 45),
                        "TALI Assessment Complete\n\nOverall score: 7.5/10\nTests passed: 3/4\n"
                        "Time taken: 45 minutes\nFull recruiter report: http://localhost:5173/#/dashboard\n\n"
                        "This result was posted automatically by TALI.");
    /* floats as Python printed them: integral values keep ".0" */
    const char *t = workable_activity_text(a, "https://app.tali.dev", true, 8.0, true, 0, 0, 30);
    assert_non_null(strstr(t, "Overall score: 8.0/10\nTests passed: 0/0\nTime taken: 30 minutes\n"));
    assert_non_null(strstr(t, "Full recruiter report: https://app.tali.dev/#/dashboard\n"));
    t = workable_activity_text(a, "http://f", false, 0.0, false, 0, 0, 30);
    assert_non_null(strstr(t, "Overall score: N/A/10\nTests passed: N/A\n"));
    mem_arena_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_signature_valid), cmocka_unit_test(test_signature_refused),
        cmocka_unit_test(test_authorize_url),   cmocka_unit_test(test_spi_base),
        cmocka_unit_test(test_activity_text),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
