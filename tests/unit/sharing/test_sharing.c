/* sharing: the report scrubber of §11.4 (keys dropped by their
 * normalised form, each redaction kind, nothing else touched), the client
 * view's scrubbing and the verdict bands of the client share summary. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "components/sharing/scrub.h"
#include "components/sharing/view.h"

static void expect_text(const char *in, const char *want)
{
    char *got = sharing_scrub_text(in);
    if (strcmp(got, want) != 0)
        fail_msg("scrub(%s) = %s, want %s", in, got, want);
    free(got);
}

static void test_text_redactions(void **state)
{
    (void)state;
    expect_text("see https://evil.example/x?y=1 now", "see [link redacted] now");
    expect_text("www.example.org/profile", "[link redacted]");
    expect_text("mail jane.doe+tali@example.co.uk today", "mail [email redacted] today");
    expect_text("call +44 20 7946 0958 or 020-7946-0958", "call [phone redacted] or [phone redacted]");
    expect_text("Authorization: Bearer abc.def.ghi", "Authorization: Bearer [credential redacted]");
    expect_text("key sk-abcdefghijklmnopqrst end", "key [credential redacted] end");
    expect_text("ghp_abcdefghijklmnopqrstuvwxyz0123", "[credential redacted]");
    expect_text("jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl", "jwt [credential redacted]");
    expect_text("aws AKIAABCDEFGHIJKLMNOP", "aws [credential redacted]");
    expect_text("password=hunter2 and token: xyz", "password=[credential redacted] and token: [credential redacted]");
}

static void test_text_left_alone(void **state)
{
    (void)state;
    expect_text("5 years of Python, scored 87 in 2024", "5 years of Python, scored 87 in 2024");
    expect_text("sk-short", "sk-short");
    expect_text("", "");
    expect_text("user@localhost", "user@localhost");
}

static void test_keys(void **state)
{
    (void)state;
    const char *dropped[] = {"email",      "Work_Email", "profileUrl", "linkedin_href", "phone_number", "DOB",
                             "set-cookie", "api_key",    "session",    "home address",  "resume_link"};
    for (size_t i = 0; i < sizeof dropped / sizeof dropped[0]; i++)
        assert_true(sharing_scrub_key_dropped(dropped[i]));
    const char *kept[] = {"candidate_name", "score", "skills", "role_name", "sessions_count_total", "summary"};
    for (size_t i = 0; i < sizeof kept / sizeof kept[0]; i++)
        assert_false(sharing_scrub_key_dropped(kept[i]));
}

static void test_json_deep(void **state)
{
    (void)state;
    json_t *in = json_loads("{\"role_name\":\"Backend\",\"candidates\":[{\"name\":\"Ada\",\"email\":\"a@b.co\","
                            "\"evidence\":[\"reach me at ada@example.com\"],\"profile_url\":\"x\"}],"
                            "\"spec\":{\"echo\":\"python\"},\"n\":3}",
                            0, NULL);
    json_t *out = sharing_scrub_json(in);
    json_t *want =
        json_loads("{\"role_name\":\"Backend\",\"candidates\":[{\"name\":\"Ada\","
                   "\"evidence\":[\"reach me at [email redacted]\"]}],\"spec\":{\"echo\":\"python\"},\"n\":3}",
                   0, NULL);
    assert_true(json_equal(out, want));
    json_decref(in);
    json_decref(out);
    json_decref(want);
}

static void test_client_view(void **state)
{
    (void)state;
    json_t *p = json_loads("{\"notes\":\"internal\",\"candidate_email\":\"a@b.co\",\"interviews\":[{\"id\":1}],"
                           "\"score_summary\":{\"taali_score\":72.5,\"integrity\":{\"band\":\"x\"}},"
                           "\"cv_match_details\":{\"claims_to_verify\":[1],\"summary\":\"ok\"},"
                           "\"application_events\":[],\"candidate_name\":\"Ada\"}",
                           0, NULL);
    sharing_view_scrub_client(p);
    assert_true(json_is_null(json_object_get(p, "notes")));
    assert_true(json_is_null(json_object_get(p, "candidate_email")));
    assert_int_equal(json_array_size(json_object_get(p, "interviews")), 0);
    assert_null(json_object_get(json_object_get(p, "score_summary"), "integrity"));
    assert_null(json_object_get(json_object_get(p, "cv_match_details"), "claims_to_verify"));
    assert_string_equal(json_string_value(json_object_get(json_object_get(p, "cv_match_details"), "summary")), "ok");
    assert_null(json_object_get(p, "application_events"));
    assert_string_equal(json_string_value(json_object_get(p, "candidate_name")), "Ada");
    json_t *sum = sharing_view_summary(p, "Backend", 0);
    assert_string_equal(json_string_value(json_object_get(sum, "verdict")), "Good fit — recommended");
    assert_string_equal(json_string_value(json_object_get(sum, "verdict_band")), "good");
    assert_string_equal(json_string_value(json_object_get(sum, "role")), "Backend");
    json_decref(sum);
    json_decref(p);
}

static void test_bands(void **state)
{
    (void)state;
    struct {
        const char *payload, *verdict, *band;
    } cases[] = {
        {"{\"score_summary\":{\"taali_score\":85}}", "Strong match — recommended", "strong"},
        {"{\"score_summary\":{\"taali_score\":null},\"cv_match_score\":55}", "Standard fit — worth a conversation",
         "standard"},
        {"{\"pre_screen_score\":54.9}", "Recommended for review", "standard"},
        {"{}", "Recommended for review", "na"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        json_t *p = json_loads(cases[i].payload, 0, NULL);
        json_t *sum = sharing_view_summary(p, NULL, 0);
        assert_string_equal(json_string_value(json_object_get(sum, "verdict")), cases[i].verdict);
        assert_string_equal(json_string_value(json_object_get(sum, "verdict_band")), cases[i].band);
        assert_string_equal(json_string_value(json_object_get(sum, "role")), "this role");
        json_decref(sum);
        json_decref(p);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_text_redactions), cmocka_unit_test(test_text_left_alone), cmocka_unit_test(test_keys),
        cmocka_unit_test(test_json_deep),       cmocka_unit_test(test_client_view),     cmocka_unit_test(test_bands),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
