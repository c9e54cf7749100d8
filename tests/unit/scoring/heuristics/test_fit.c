/* fit: the §10 request body and the parsing, clamping and failure modes of
 * the model's answer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "components/scoring/heuristics.h"
#include "jsoncmp.h"

static json_t *parse_ok(const char *text)
{
    json_t *r = NULL;
    char err[256] = "";
    err_t rc = scoring_fit_parse_response(text, &r, err, sizeof err);
    if (rc != ERR_OK)
        fail_msg("parse failed: %s", err);
    return r;
}

static void assert_score(const json_t *r, const char *key, double want)
{
    const json_t *v = json_object_get(r, key);
    if (!json_is_real(v) || json_real_value(v) != want)
        fail_msg("%s: got %s, want %g", key, json_dumps(v, JSON_ENCODE_ANY), want);
}

static const char answer[] =
    "{\"overall_match_score\": 7.25, \"skills_match_score\": 8, \"experience_relevance_score\": 6.04,"
    " \"matching_skills\": [\"Python\", \"SQL\"], \"missing_skills\": [\"Go\"],"
    " \"experience_highlights\": [\"5 years ETL\"], \"concerns\": [], \"summary\": \"Good fit.\"}";

static void test_valid_json(void **state)
{
    json_t *r = parse_ok(answer);
    static const char *const keys[] = {"cv_job_match_score", "skills_match", "experience_relevance", "match_details",
                                       NULL};
    assert_true(jsoncmp_key_order(r, keys));
    /* round(7.25, 1) is 7.2: ties to even on the exact binary value */
    assert_score(r, "cv_job_match_score", 7.2);
    assert_score(r, "skills_match", 8.0);
    assert_score(r, "experience_relevance", 6.0);
    json_error_t je;
    json_t *want = json_loads("{\"matching_skills\":[\"Python\",\"SQL\"],\"missing_skills\":[\"Go\"],"
                              "\"experience_highlights\":[\"5 years ETL\"],\"concerns\":[],"
                              "\"summary\":\"Good fit.\"}",
                              0, &je);
    assert_true(jsoncmp_equal(json_object_get(r, "match_details"), want, NULL, 0));
    json_decref(want);
    json_decref(r);
}

static void test_json_in_prose_and_fences(void **state)
{
    char text[1024];
    snprintf(text, sizeof text, "Here is my analysis:\n```json\n%s\n```\nLet me know {if} that helps.", answer);
    /* the greedy span runs to the last '}', which here is in the prose:
     * the fragment is not JSON */
    json_t *r = NULL;
    char err[256] = "";
    assert_int_equal(scoring_fit_parse_response(text, &r, err, sizeof err), ERR_BAD_GATEWAY);
    assert_true(json_is_null(json_object_get(r, "cv_job_match_score")));
    assert_non_null(strstr(json_string_value(json_object_get(json_object_get(r, "match_details"), "error")), "line"));
    json_decref(r);

    snprintf(text, sizeof text, "Here is my analysis:\n```json\n%s\n```\nThanks.", answer);
    r = parse_ok(text);
    assert_score(r, "cv_job_match_score", 7.2);
    json_decref(r);
}

static void test_out_of_range_and_odd_values(void **state)
{
    json_t *r = parse_ok("{\"overall_match_score\": 12, \"skills_match_score\": -3,"
                         " \"experience_relevance_score\": \"8.46\"}");
    assert_score(r, "cv_job_match_score", 10.0);
    assert_score(r, "skills_match", 0.0);
    assert_score(r, "experience_relevance", 8.5);
    /* missing keys default as the original's r.get(k, default) */
    json_error_t je;
    json_t *want = json_loads("{\"matching_skills\":[],\"missing_skills\":[],\"experience_highlights\":[],"
                              "\"concerns\":[],\"summary\":\"\"}",
                              0, &je);
    assert_true(jsoncmp_equal(json_object_get(r, "match_details"), want, NULL, 0));
    json_decref(want);
    json_decref(r);

    r = parse_ok("{\"overall_match_score\": \"excellent\", \"skills_match_score\": true,"
                 " \"experience_relevance_score\": [7], \"summary\": null}");
    assert_true(json_is_null(json_object_get(r, "cv_job_match_score")));
    assert_score(r, "skills_match", 1.0);
    assert_true(json_is_null(json_object_get(r, "experience_relevance")));
    assert_true(json_is_null(json_object_get(json_object_get(r, "match_details"), "summary")));
    json_decref(r);

    /* Python float() strings: underscores, nan (-> 10.0), -inf (-> 0.0) */
    r = parse_ok("{\"overall_match_score\": \" 1_0 \", \"skills_match_score\": \"NaN\","
                 " \"experience_relevance_score\": \"-inf\"}");
    assert_score(r, "cv_job_match_score", 10.0);
    assert_score(r, "skills_match", 10.0);
    assert_score(r, "experience_relevance", 0.0);
    json_decref(r);

    r = parse_ok("{\"overall_match_score\": \"1__0\", \"skills_match_score\": \"0x10\","
                 " \"experience_relevance_score\": null}");
    assert_true(json_is_null(json_object_get(r, "cv_job_match_score")));
    assert_true(json_is_null(json_object_get(r, "skills_match")));
    assert_true(json_is_null(json_object_get(r, "experience_relevance")));
    json_decref(r);
}

static void expect_failure(const char *text, const char *error)
{
    json_t *r = NULL;
    char err[256] = "";
    assert_int_equal(scoring_fit_parse_response(text, &r, err, sizeof err), ERR_BAD_GATEWAY);
    assert_non_null(r);
    assert_true(json_is_null(json_object_get(r, "cv_job_match_score")));
    assert_true(json_is_null(json_object_get(r, "skills_match")));
    assert_true(json_is_null(json_object_get(r, "experience_relevance")));
    const char *got = json_string_value(json_object_get(json_object_get(r, "match_details"), "error"));
    assert_non_null(got);
    if (error)
        assert_string_equal(got, error);
    assert_string_equal(err, got);
    json_decref(r);
}

static void test_garbage(void **state)
{
    expect_failure("I cannot evaluate this CV.", SCORING_FIT_PARSE_FAILED);
    expect_failure("", SCORING_FIT_PARSE_FAILED);
    expect_failure(NULL, SCORING_FIT_PARSE_FAILED);
    expect_failure("} backwards {", SCORING_FIT_PARSE_FAILED);
    expect_failure("[1, 2]", "'list' object has no attribute 'get'");
    expect_failure("\"just a string\"", "'str' object has no attribute 'get'");
    expect_failure("42", "'int' object has no attribute 'get'");
    expect_failure("Result: {overall_match_score: 7}", NULL);
}

static void test_null_and_default_results(void **state)
{
    json_t *n = scoring_fit_null_result(SCORING_FIT_MISSING_INPUT);
    json_error_t je;
    json_t *want = json_loads("{\"cv_job_match_score\":null,\"skills_match\":null,\"experience_relevance\":null,"
                              "\"match_details\":{\"error\":\"Missing CV or job spec text\"}}",
                              0, &je);
    assert_true(jsoncmp_equal(n, want, NULL, 0));
    json_decref(want);
    json_decref(n);

    n = scoring_fit_default_result();
    assert_int_equal(json_object_size(json_object_get(n, "match_details")), 0);
    json_decref(n);

    json_t *e = scoring_fit_error_entry(SCORING_FIT_MISSING_TEXT_ERROR);
    assert_string_equal(json_string_value(json_object_get(e, "component")), "cv_job_match");
    assert_string_equal(json_string_value(json_object_get(e, "error")),
                        "Missing CV or job spec text \xe2\x80\x94 fit scoring skipped");
    json_decref(e);
}

static void test_build_request(void **state)
{
    assert_null(scoring_fit_build_request("", "job"));
    assert_null(scoring_fit_build_request("cv", NULL));
    assert_false(scoring_fit_has_inputs(NULL, "x"));
    assert_true(scoring_fit_has_inputs("a", "b"));

    /* 4001 two-byte code points: the CV is cut at 4000 code points */
    size_t n = 4001;
    char *cv = malloc(n * 2 + 8);
    for (size_t i = 0; i < n; i++)
        memcpy(cv + 2 * i, "\xc3\xa9", 2);
    memcpy(cv + 2 * n, "TAIL", 5);
    json_t *body = scoring_fit_build_request(cv, "Senior data engineer");
    assert_non_null(body);
    static const char *const keys[] = {"model", "max_tokens", "system", "messages", NULL};
    assert_true(jsoncmp_key_order(body, keys));
    assert_string_equal(json_string_value(json_object_get(body, "model")), "claude-3-5-haiku-latest");
    assert_int_equal(json_integer_value(json_object_get(body, "max_tokens")), 1024);
    assert_string_equal(json_string_value(json_object_get(body, "system")),
                        "You are an expert recruiter. Respond ONLY with valid JSON.");
    const json_t *msgs = json_object_get(body, "messages");
    assert_int_equal(json_array_size(msgs), 1);
    const json_t *m = json_array_get(msgs, 0);
    assert_string_equal(json_string_value(json_object_get(m, "role")), "user");
    const char *content = json_string_value(json_object_get(m, "content"));
    cv[2 * 4000] = '\0';
    assert_non_null(strstr(content, cv));
    assert_null(strstr(content, "TAIL"));
    char longer[2 * 4001 + 1];
    memset(longer, 0, sizeof longer);
    for (size_t i = 0; i < 4001; i++)
        memcpy(longer + 2 * i, "\xc3\xa9", 2);
    assert_null(strstr(content, longer));
    assert_non_null(strstr(content, "Senior data engineer"));
    assert_non_null(strstr(content, "overall_match_score"));
    assert_non_null(strstr(content, "experience_relevance_score"));
    assert_non_null(strstr(content, "concerns"));
    free(cv);
    json_decref(body);

    /* invalid UTF-8 is refused rather than sent */
    assert_null(scoring_fit_build_request("\xff\xfe", "job"));
}

static void test_plan(void **state)
{
    json_t *errors = json_array();
    /* no candidate: nothing to do, nothing recorded */
    assert_null(scoring_fit_plan(false, NULL, NULL, true, errors));
    assert_int_equal(json_array_size(errors), 0);
    /* texts present but no key: skipped silently */
    assert_null(scoring_fit_plan(true, "cv", "job", false, errors));
    assert_int_equal(json_array_size(errors), 0);
    /* a text missing: recorded, with or without a key */
    assert_null(scoring_fit_plan(true, "cv", "", true, errors));
    assert_null(scoring_fit_plan(true, NULL, "job", false, errors));
    assert_int_equal(json_array_size(errors), 2);
    assert_string_equal(json_string_value(json_object_get(json_array_get(errors, 0), "error")),
                        SCORING_FIT_MISSING_TEXT_ERROR);
    json_t *req = scoring_fit_plan(true, "cv", "job", true, errors);
    assert_non_null(req);
    assert_int_equal(json_array_size(errors), 2);
    json_decref(req);
    json_decref(errors);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid_json),
        cmocka_unit_test(test_json_in_prose_and_fences),
        cmocka_unit_test(test_out_of_range_and_odd_values),
        cmocka_unit_test(test_garbage),
        cmocka_unit_test(test_null_and_default_results),
        cmocka_unit_test(test_build_request),
        cmocka_unit_test(test_plan),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
