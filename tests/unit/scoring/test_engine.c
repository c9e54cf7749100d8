/* Unit tests of the engine on hand-made edge cases, the interaction
 * builder (§2 with policy fix 12) and the `tali score` line protocol. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "components/scoring/scoring.h"
#include "platform/json.h"
#include "platform/mem.h"

static json_t *load(const char *text)
{
    json_error_t e;
    json_t *v = json_loads(text, JSON_DECODE_ANY, &e);
    if (!v)
        fail_msg("bad test JSON: %s", e.text);
    return v;
}

/* Runs the engine on args and returns the result (must succeed). */
static json_t *run_ok(json_t *args)
{
    json_t *res = NULL;
    char msg[256] = "";
    err_t e = scoring_engine_run(args, &res, msg, sizeof msg);
    if (e != ERR_OK)
        fail_msg("engine rejected: %s", msg);
    return res;
}

static json_t *path(const json_t *v, const char *a, const char *b)
{
    const json_t *x = json_object_get(v, a);
    return b ? json_object_get(x, b) : (json_t *)x;
}

static double real_at(const json_t *v, const char *a, const char *b)
{
    json_t *x = path(v, a, b);
    assert_true(json_is_real(x));
    return json_real_value(x);
}

static json_t *base_args(void)
{
    return load("{\"interactions\":[],\"tests_passed\":0,\"tests_total\":0,"
                "\"total_duration_seconds\":0,\"time_limit_minutes\":30,"
                "\"v2_enabled\":false,\"weights\":null,\"cv_match_result\":null}");
}

static void test_no_prompts(void **state)
{
    (void)state;
    json_t *args = base_args();
    json_t *res = run_ok(args);
    /* the worked example of §6 */
    assert_true(real_at(res, "final_score", NULL) == 37.05);
    assert_true(real_at(res, "category_scores", "task_completion") == 3.3);
    assert_true(real_at(res, "category_scores", "prompt_clarity") == 5.2);
    assert_true(real_at(res, "category_scores", "context_provision") == 0.0);
    assert_true(real_at(res, "category_scores", "independence") == 4.6);
    assert_true(real_at(res, "category_scores", "utilization") == 3.3);
    assert_true(real_at(res, "category_scores", "communication") == 8.3);
    assert_true(real_at(res, "category_scores", "approach") == 0.0);
    assert_true(json_is_null(path(res, "category_scores", "cv_match")));
    /* int 0 where Python has int 0 (§15) */
    assert_true(json_is_integer(path(res, "soft_signals", "time_to_first_prompt_sec")));
    assert_true(json_is_integer(path(res, "soft_signals", "avg_time_between_prompts_sec")));
    assert_true(json_is_integer(path(res, "metric_details", "word_count_avg")));
    assert_string_equal(
        json_string_value(path(path(res, "explanations", "prompt_clarity"), "prompt_specificity", NULL)),
        "1/1 prompts were specific and targeted.");
    assert_int_equal(json_array_size(path(path(res, "fraud", NULL), "flags", NULL)), 0);
    /* key order of §9.6 */
    const char *expect[] = {"final_score",
                            "category_scores",
                            "detailed_scores",
                            "explanations",
                            "per_prompt_scores",
                            "component_scores",
                            "weights_used",
                            "metric_details",
                            "fraud",
                            "soft_signals",
                            "v2"};
    size_t i = 0;
    const char *k;
    json_t *v;
    json_object_foreach(res, k, v)
    {
        assert_true(i < 11);
        assert_string_equal(k, expect[i]);
        i++;
    }
    assert_int_equal(i, 11);
    json_decref(res);
    json_decref(args);
}

static void test_one_prompt(void **state)
{
    (void)state;
    json_t *args = base_args();
    json_object_set_new(args, "interactions",
                        load("[{\"message\":\"help\",\"time_since_assessment_start_ms\":5000,"
                             "\"code_diff_lines_added\":2,\"code_diff_lines_removed\":1}]"));
    json_t *res = run_ok(args);
    json_t *pp = json_array_get(path(res, "per_prompt_scores", NULL), 0);
    assert_true(json_is_true(json_object_get(pp, "is_vague")));
    assert_int_equal(json_integer_value(json_object_get(pp, "word_count")), 1);
    /* first prompt after 5 s fires the fraud flag and caps the score */
    json_t *flags = path(path(res, "fraud", NULL), "flags", NULL);
    assert_string_equal(json_string_value(json_array_get(flags, 0)), "first_prompt_within_30_seconds");
    assert_true(real_at(res, "final_score", NULL) <= 50.0);
    json_t *deltas = path(path(res, "metric_details", NULL), "code_delta_after_prompt", NULL);
    assert_int_equal(json_integer_value(json_array_get(deltas, 0)), 3);
    assert_string_equal(json_string_value(path(res, "soft_signals", "peak_prompting_period")), "late");
    json_decref(res);
    json_decref(args);
}

static void test_non_ascii(void **state)
{
    (void)state;
    json_t *args = base_args();
    /* NBSP-separated words, an uppercase I with dot (lowercases to two
     * code points), a Kelvin sign in "wtf"-like context and é word chars */
    json_object_set_new(args, "interactions",
                        load("[{\"message\":\"caf\\u00e9\\u00a0na\\u00efve i \\u0130 lol\\u00e9 \\u212aind of "
                             "LOL!\",\"time_since_assessment_start_ms\":300000}]"));
    json_t *res = run_ok(args);
    json_t *pp = json_array_get(path(res, "per_prompt_scores", NULL), 0);
    assert_int_equal(json_integer_value(json_object_get(pp, "word_count")), 8);
    /* "lolé" is no rant word, "lol" (from LOL) is: one unprofessional message */
    const char *tone = json_string_value(path(path(res, "explanations", "communication"), "tone_score", NULL));
    assert_non_null(strstr(tone, "1 unprofessional pattern(s)"));
    /* the lowercase-i rule fires on the standalone "i" */
    const char *gr = json_string_value(path(path(res, "explanations", "communication"), "grammar_score", NULL));
    assert_non_null(strstr(gr, "lowercase_i"));
    json_decref(res);
    json_decref(args);
}

static void test_megabyte_message(void **state)
{
    (void)state;
    size_t n = 1 << 20;
    char *big = xmalloc(n + 1);
    for (size_t i = 0; i < n; i++)
        big[i] = (i % 6 == 5) ? ' ' : "def ab"[i % 6];
    big[n] = '\0';
    json_t *args = base_args();
    json_t *inter = json_array();
    json_t *p = json_object();
    json_object_set_new(p, "message", json_string(big));
    json_object_set_new(p, "time_since_assessment_start_ms", json_integer(600000));
    json_array_append_new(inter, p);
    json_object_set_new(args, "interactions", inter);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    json_t *res = run_ok(args);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
    /* generous bound: linear work on 1 MB, even under valgrind-free CI */
    assert_true(ms < 2000.0);
    json_t *fraud = path(res, "fraud", NULL);
    assert_true(json_is_true(json_object_get(fraud, "solution_dump_detected")));
    json_t *flags = json_object_get(fraud, "flags");
    int found = 0;
    for (size_t i = 0; i < json_array_size(flags); i++)
        if (strcmp(json_string_value(json_array_get(flags, i)), "single_prompt_above_1000_words") == 0)
            found = 1;
    assert_true(found);
    json_decref(res);
    json_decref(args);
    free(big);
}

static void test_zero_time_limit(void **state)
{
    (void)state;
    json_t *args = base_args();
    json_object_set_new(args, "time_limit_minutes", json_integer(0));
    json_object_set_new(args, "total_duration_seconds", json_integer(1200));
    json_t *res = run_ok(args);
    json_t *ex = path(res, "explanations", "task_completion");
    assert_string_equal(json_string_value(json_object_get(ex, "time_efficiency")), "No time limit set.");
    assert_string_equal(json_string_value(json_object_get(ex, "time_compliance")), "Completed in 20m of 0m limit.");
    assert_true(real_at(path(res, "detailed_scores", NULL), "task_completion", "time_compliance") == 5.0);
    json_decref(res);
    /* a float limit prints as Python's str(float) */
    json_object_set_new(args, "time_limit_minutes", json_real(30.0));
    res = run_ok(args);
    ex = path(res, "explanations", "task_completion");
    assert_string_equal(json_string_value(json_object_get(ex, "time_compliance")), "Completed in 20m of 30.0m limit.");
    json_decref(res);
    json_decref(args);
}

static void expect_reject(json_t *args)
{
    json_t *res = NULL;
    char msg[256] = "";
    assert_int_equal(scoring_engine_run(args, &res, msg, sizeof msg), ERR_VALIDATION);
    assert_null(res);
    assert_true(strlen(msg) > 0);
}

static void test_rejections(void **state)
{
    (void)state;
    json_t *args = base_args();
    json_object_set_new(args, "tests_passed", json_null());
    expect_reject(args);
    json_object_set_new(args, "tests_passed", json_integer(1));
    json_object_set_new(args, "interactions", load("[{\"message\":5}]"));
    expect_reject(args);
    json_object_set_new(args, "interactions", load("[{\"message\":\"x\",\"input_tokens\":\"9\"}]"));
    expect_reject(args);
    json_object_set_new(args, "interactions", load("[]"));
    json_object_set_new(args, "weights", load("{\"approach\":\"high\"}"));
    expect_reject(args);
    /* a weight for a skipped category is never used, so never checked */
    json_object_set_new(args, "weights", load("{\"cv_match\":\"high\",\"extra\":[1]}"));
    json_t *res = run_ok(args);
    json_t *wu = path(res, "weights_used", NULL);
    assert_string_equal(json_string_value(json_object_get(wu, "cv_match")), "high");
    json_decref(res);
    json_object_set_new(args, "weights", json_null());
    json_object_set_new(args, "cv_match_result", load("{\"cv_job_match_score\":7.5,\"match_details\":null}"));
    expect_reject(args);
    json_decref(args);
}

static void test_cv_match(void **state)
{
    (void)state;
    json_t *args = base_args();
    json_object_set_new(args, "cv_match_result",
                        load("{\"cv_job_match_score\":\"7.46\",\"skills_match\":null,"
                             "\"experience_relevance\":12}"));
    json_t *res = run_ok(args);
    assert_true(real_at(res, "category_scores", "cv_match") == 7.5);
    json_t *ex = path(res, "explanations", "cv_match");
    assert_string_equal(json_string_value(json_object_get(ex, "cv_job_match_score")), "Overall fit: 7.5/10.");
    assert_string_equal(json_string_value(json_object_get(ex, "skills_match")), "Skills match: 0.0/10.");
    assert_string_equal(json_string_value(json_object_get(ex, "experience_relevance")),
                        "Experience relevance: 10.0/10.");
    json_decref(res);
    json_decref(args);
}

static void test_build_interactions(void **state)
{
    (void)state;
    json_t *prompts =
        load("[{\"id\":17,\"message\":\"Error on LINE 12 of app.py, see ```x```?\","
             "\"code_before\":\"a\\nb\",\"code_after\":\"a\\nb\\nc\\n\",\"time_since_last_prompt_ms\":null,"
             "\"time_since_assessment_start_ms\":45000,\"paste_length\":20,\"input_tokens\":null},"
             "{\"message\":null,\"paste_detected\":null,\"file_reference\":null,"
             "\"time_since_last_prompt_ms\":3000}]");
    json_t *out = NULL;
    char msg[128];
    assert_int_equal(scoring_build_interactions(prompts, &out, msg, sizeof msg), ERR_OK);
    assert_int_equal(json_array_size(out), 2);
    json_t *a = json_array_get(out, 0), *b = json_array_get(out, 1);
    assert_string_equal(json_string_value(json_object_get(a, "id")), "17");
    assert_int_equal(json_integer_value(json_object_get(a, "code_diff_lines_added")), 1);
    assert_int_equal(json_integer_value(json_object_get(a, "code_diff_lines_removed")), 0);
    assert_int_equal(json_integer_value(json_object_get(a, "question_count")), 1);
    assert_int_equal(json_integer_value(json_object_get(a, "input_tokens")), 0);
    assert_true(json_is_true(json_object_get(a, "code_snippet_included")));
    assert_true(json_is_true(json_object_get(a, "error_message_included")));
    assert_true(json_is_true(json_object_get(a, "line_number_referenced")));
    assert_true(json_is_true(json_object_get(a, "file_reference")));
    assert_int_equal(json_integer_value(json_object_get(a, "time_since_assessment_start_ms")), 45000);
    assert_int_equal(json_integer_value(json_object_get(a, "paste_length")), 20);
    assert_true(json_is_false(json_object_get(a, "paste_detected")));
    assert_string_equal(json_string_value(json_object_get(b, "id")), "2");
    assert_string_equal(json_string_value(json_object_get(b, "message")), "");
    /* a stored null wins over detection (d.get semantics) */
    assert_true(json_is_null(json_object_get(b, "paste_detected")));
    assert_true(json_is_null(json_object_get(b, "file_reference")));
    assert_true(json_is_null(json_object_get(b, "time_since_assessment_start_ms")));
    json_decref(out);
    json_decref(prompts);

    /* the result feeds the engine */
    prompts = load("[{\"message\":\"why does line 3 of x.ts fail?\"}]");
    assert_int_equal(scoring_build_interactions(prompts, &out, msg, sizeof msg), ERR_OK);
    json_t *args = base_args();
    json_object_set(args, "interactions", out);
    json_t *res = run_ok(args);
    assert_true(real_at(path(res, "detailed_scores", NULL), "context_provision", "reference_rate") == 10.0);
    json_decref(res);
    json_decref(args);
    json_decref(out);
    json_decref(prompts);

    prompts = load("[1]");
    assert_int_equal(scoring_build_interactions(prompts, &out, msg, sizeof msg), ERR_VALIDATION);
    assert_null(out);
    json_decref(prompts);
}

static int starts(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

static void test_cli_lines(void **state)
{
    (void)state;
    const char *input = "{\"mode\":\"engine\",\"case_id\":1,\"interactions\":[],\"tests_passed\":0,"
                        "\"tests_total\":0,\"total_duration_seconds\":0,\"time_limit_minutes\":30,"
                        "\"v2_enabled\":false,\"weights\":null,\"cv_match_result\":null}\n"
                        "{not json\n"
                        "\n"
                        "{\"mode\":\"engine\",\"case_id\":3,\"tests_passed\":null}\n";
    FILE *in = fmemopen((void *)input, strlen(input), "r");
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    assert_int_equal(scoring_cli_score(in, out), 0);
    fclose(in);
    fclose(out);
    char *l1 = buf, *l2 = strchr(l1, '\n') + 1, *l3 = strchr(l2, '\n') + 1;
    assert_true(starts(l1, "{\"case_id\":1,\"mode\":\"engine\",\"ok\":true,\"result\":{\"final_score\":37.05,"));
    assert_non_null(strstr(l1, "\"heuristics\":null}\n"));
    assert_true(starts(l2, "{\"case_id\":null,\"mode\":\"engine\",\"ok\":false,\"error\":{\"message\":"));
    assert_true(starts(l3, "{\"case_id\":3,\"mode\":\"engine\",\"ok\":false,"));
    assert_null(strchr(l3, '\n') ? strchr(strchr(l3, '\n') + 1, '\n') : NULL);
    free(buf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_no_prompts),      cmocka_unit_test(test_one_prompt),
        cmocka_unit_test(test_non_ascii),       cmocka_unit_test(test_megabyte_message),
        cmocka_unit_test(test_zero_time_limit), cmocka_unit_test(test_rejections),
        cmocka_unit_test(test_cv_match),        cmocka_unit_test(test_build_interactions),
        cmocka_unit_test(test_cli_lines),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
