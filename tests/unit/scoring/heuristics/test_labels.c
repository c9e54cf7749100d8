/* labels: §13 recommendation boundaries and breakdown, §12 builders'
 * key order and column mapping. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "components/scoring/heuristics.h"
#include "jsoncmp.h"

static json_t *parse(const char *s)
{
    json_error_t je;
    json_t *v = json_loads(s, 0, &je);
    if (!v)
        fail_msg("bad test JSON: %s", je.text);
    return v;
}

static void test_label_boundaries(void **state)
{
    static const struct {
        double s;
        const char *label, *color;
    } cases[] = {
        {100.0, "STRONG HIRE", "green"},   {80.0, "STRONG HIRE", "green"},
        {79.99, "HIRE", "blue"},           {65.0, "HIRE", "blue"},
        {64.99, "CONSIDER", "amber"},      {50.0, "CONSIDER", "amber"},
        {49.99, "NOT RECOMMENDED", "red"}, {0.01, "NOT RECOMMENDED", "red"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        assert_string_equal(scoring_recommendation_label(cases[i].s), cases[i].label);
        assert_string_equal(scoring_recommendation_color(cases[i].s), cases[i].color);
    }
}

static void test_recommendation_nulls(void **state)
{
    const char *label = "unset", *color = "unset";
    double zero = 0.0, seven = 7.0, fifty = 50.0;
    assert_false(scoring_recommendation(NULL, NULL, &label, &color));
    /* a final_score of 0.0 is falsy: falls back to score, and 0 there too
     * means no recommendation */
    assert_false(scoring_recommendation(&zero, &zero, &label, &color));
    assert_string_equal(label, "unset");
    assert_true(scoring_recommendation(&zero, &seven, &label, &color));
    assert_string_equal(label, "HIRE");
    assert_string_equal(color, "blue");
    assert_true(scoring_recommendation(&fifty, &seven, &label, &color));
    assert_string_equal(label, "CONSIDER");
    assert_true(scoring_recommendation(NULL, &seven, &label, &color));
    assert_string_equal(label, "HIRE");
}

static void test_breakdown_fresh(void **state)
{
    scoring_breakdown_input_t in = {0};
    json_t *b = scoring_breakdown_build(&in);
    json_t *want = parse("{\"bugsFixed\":\"\xe2\x80\x94\"}");
    assert_true(jsoncmp_equal(b, want, NULL, 0));
    json_decref(want);
    json_decref(b);

    /* no ai_usage_score but prompts: 8 / 7 / 6 */
    long long counts[] = {5, 10, 11};
    long long want_usage[] = {8, 7, 6};
    for (int i = 0; i < 3; i++) {
        in.prompt_count = counts[i];
        b = scoring_breakdown_build(&in);
        assert_int_equal(json_integer_value(json_object_get(b, "aiUsage")), want_usage[i]);
        json_decref(b);
    }
}

static void test_breakdown_scored(void **state)
{
    long long tp = 3, tt = 4;
    double cq = 5.0, ai = 4.256, te = 0.75, fin = 48.5, sc = 4.8;
    json_t *sb = parse("{\"tests_passed_ratio\":75.0,\"category_scores\":{\"task_completion\":7.0,"
                       "\"prompt_clarity\":5.2,\"context_provision\":1.0,\"independence\":4.6,"
                       "\"utilization\":3.3,\"communication\":8.3,\"approach\":0.0,\"cv_match\":null},"
                       "\"detailed_scores\":{\"approach\":{\"debugging_score\":0.0}},"
                       "\"explanations\":{\"approach\":{\"debugging_score\":\"x\"}},"
                       "\"cv_job_match\":{\"overall\":null,\"skills\":null,\"experience\":null},\"errors\":[]}");
    scoring_breakdown_input_t in = {
        .tests_passed = &tp,
        .tests_total = &tt,
        .code_quality_score = &cq,
        .ai_usage_score = &ai,
        .time_efficiency_score = &te,
        .final_score = &fin,
        .score = &sc,
        .prompt_count = 3,
        .score_breakdown = sb,
    };
    json_t *b = scoring_breakdown_build(&in);
    static const char *const keys[] = {"testsPassed",      "codeQuality",         "aiUsage",
                                       "timeEfficiency",   "bugsFixed",           "categoryScores",
                                       "communication",    "independence",        "promptClarity",
                                       "contextProvision", "taskCompletion",      "utilization",
                                       "approach",         "efficiency",          "cvMatch",
                                       "detailedScores",   "explanations",        "cvJobMatch",
                                       "recommendation",   "recommendationColor", NULL};
    assert_true(jsoncmp_key_order(b, keys));
    assert_string_equal(json_string_value(json_object_get(b, "testsPassed")), "3/4");
    assert_string_equal(json_string_value(json_object_get(b, "bugsFixed")), "3/4");
    assert_true(json_real_value(json_object_get(b, "aiUsage")) == 4.3);
    assert_true(json_real_value(json_object_get(b, "timeEfficiency")) == 0.8);
    assert_true(json_is_null(json_object_get(b, "efficiency")));
    assert_true(json_is_null(json_object_get(b, "cvMatch")));
    assert_true(json_real_value(json_object_get(b, "communication")) == 8.3);
    assert_string_equal(json_string_value(json_object_get(b, "recommendation")), "NOT RECOMMENDED");
    assert_string_equal(json_string_value(json_object_get(b, "recommendationColor")), "red");
    json_decref(b);
    json_decref(sb);
}

/* A small engine result with every part the mapping reads. */
static const char engine_json[] =
    "{\"final_score\":47.25,"
    "\"category_scores\":{\"task_completion\":7.0,\"prompt_clarity\":5.2,\"context_provision\":1.5,"
    "\"independence\":4.6,\"utilization\":3.3,\"communication\":8.3,\"approach\":2.5,\"cv_match\":null},"
    "\"detailed_scores\":{\"task_completion\":{\"tests_passed_ratio\":7.5}},"
    "\"explanations\":{\"task_completion\":{\"tests_passed_ratio\":\"Passed 3/4 tests (75%).\"}},"
    "\"per_prompt_scores\":[{\"clarity\":6.0,\"specificity\":2.0,\"efficiency\":7.0,\"word_count\":12,"
    "\"has_context\":false,\"is_vague\":false}],"
    "\"component_scores\":{\"tests_passed_ratio\":75.0,\"time_efficiency\":90.0,\"completion_time\":100.0,"
    "\"clarity_score\":10.0,\"context_score\":0.0,\"specificity_score\":100.0,\"independence_score\":10.0,"
    "\"efficiency_score\":70.0,\"iteration_score\":0.0,\"response_utilization_score\":100.0,"
    "\"decomposition_score\":33.3,\"code_quality_score\":86.7},"
    "\"weights_used\":{\"tests_passed_ratio\":0.15,\"cv_match\":0.2},"
    "\"metric_details\":{\"prompt_quality_trend\":1.0,\"error_recovery_score\":45.5},"
    "\"fraud\":{\"flags\":[\"first_prompt_within_30_seconds\"],\"paste_ratio\":0.0,"
    "\"external_paste_detected\":false,\"solution_dump_detected\":false,\"injection_attempt\":false,"
    "\"suspiciously_fast\":false},"
    "\"soft_signals\":{\"prompt_count_total\":1},"
    "\"v2\":{\"enabled\":false}}";

static void test_score_breakdown_order(void **state)
{
    json_t *eng = parse(engine_json);
    json_t *cv = parse("{\"cv_job_match_score\":7.5,\"skills_match\":null,\"experience_relevance\":6.0,"
                       "\"match_details\":{\"summary\":\"ok\"}}");
    json_t *errors = json_array();
    json_array_append_new(errors, scoring_fit_error_entry(SCORING_FIT_MISSING_TEXT_ERROR));
    char err[128];
    json_t *sb = scoring_build_score_breakdown(eng, cv, errors, err, sizeof err);
    assert_non_null(sb);
    static const char *const keys[] = {"tests_passed_ratio",
                                       "time_efficiency",
                                       "completion_time",
                                       "clarity_score",
                                       "context_score",
                                       "specificity_score",
                                       "independence_score",
                                       "efficiency_score",
                                       "iteration_score",
                                       "response_utilization_score",
                                       "decomposition_score",
                                       "code_quality_score",
                                       "category_scores",
                                       "detailed_scores",
                                       "explanations",
                                       "cv_job_match",
                                       "errors",
                                       NULL};
    assert_true(jsoncmp_key_order(sb, keys));
    json_t *want = parse("{\"overall\":7.5,\"skills\":null,\"experience\":6.0}");
    assert_true(jsoncmp_equal(json_object_get(sb, "cv_job_match"), want, NULL, 0));
    json_decref(want);
    assert_int_equal(json_array_size(json_object_get(sb, "errors")), 1);
    json_decref(sb);

    /* no fit result, no errors */
    sb = scoring_build_score_breakdown(eng, NULL, NULL, err, sizeof err);
    want = parse("{\"overall\":null,\"skills\":null,\"experience\":null}");
    assert_true(jsoncmp_equal(json_object_get(sb, "cv_job_match"), want, NULL, 0));
    assert_int_equal(json_array_size(json_object_get(sb, "errors")), 0);
    json_decref(want);
    json_decref(sb);

    /* an engine result without its parts is refused */
    json_t *bad = parse("{\"final_score\":1.0}");
    assert_null(scoring_build_score_breakdown(bad, NULL, NULL, err, sizeof err));
    assert_true(err[0] != '\0');
    json_decref(bad);
    json_decref(errors);
    json_decref(cv);
    json_decref(eng);
}

static void test_columns(void **state)
{
    json_t *eng = parse(engine_json);
    json_t *cv = scoring_fit_default_result();
    json_t *heur = parse("{\"time_to_first_prompt\":{\"signal\":\"time_to_first_prompt\",\"value\":117,"
                         "\"flag\":null},\"browser_focus_ratio\":{\"signal\":\"browser_focus_ratio\","
                         "\"ratio\":0.75,\"focused_prompts\":3,\"total_prompts\":4,\"flag\":\"low_focus\"}}");
    json_t *inter = parse("[{\"input_tokens\":10,\"output_tokens\":4},{\"input_tokens\":null},{}]");
    scoring_columns_t c;
    char err[128] = "";
    assert_int_equal(scoring_columns_build(eng, heur, cv, NULL, inter, 6, &c, err, sizeof err), ERR_OK);
    assert_true(c.final_score == 47.25);
    assert_true(c.score == 4.7); /* round(4.725, 1): the binary value is below the tie */
    assert_true(c.prompt_quality_score == 5.2);
    assert_true(c.prompt_efficiency_score == 7.0);
    assert_true(c.independence_score == 4.6);
    assert_true(c.context_utilization_score == 1.5);
    assert_true(c.design_thinking_score == 3.33);
    assert_true(c.debugging_strategy_score == 0.0);
    assert_true(c.written_communication_score == 8.3);
    assert_true(c.learning_velocity_score == 7.0);
    assert_true(c.error_recovery_score == 4.55);
    assert_true(c.requirement_comprehension_score == 10.0);
    assert_true(c.ai_usage_score == 5.6); /* (5.2 + 4.6 + 7.0) / 3 */
    assert_true(c.time_efficiency_score == 9.0);
    assert_true(c.code_quality_score == 5.0);
    assert_false(c.has_cv_job_match_score);
    assert_true(c.has_browser_focus_ratio && c.browser_focus_ratio == 0.75);
    assert_true(c.has_time_to_first_prompt && c.time_to_first_prompt_seconds == 117);
    assert_int_equal(c.total_prompts, 3);
    assert_int_equal(c.total_input_tokens, 10);
    assert_int_equal(c.total_output_tokens, 4);

    json_t *want = parse("[{\"type\":\"first_prompt_within_30_seconds\",\"confidence\":1.0,"
                         "\"evidence\":\"first_prompt_within_30_seconds\",\"prompt_index\":null},"
                         "{\"type\":\"tab_switching\",\"confidence\":0.8,"
                         "\"evidence\":\"6 tab switches recorded\",\"prompt_index\":null}]");
    assert_true(jsoncmp_equal(c.prompt_fraud_flags, want, NULL, 0));
    json_decref(want);
    assert_int_equal(json_object_size(c.cv_job_match_details), 0);

    static const char *const pa_keys[] = {"ai_scores",
                                          "per_prompt_scores",
                                          "component_scores",
                                          "weights_used",
                                          "category_scores",
                                          "heuristics",
                                          "metric_details",
                                          "soft_signals",
                                          "fraud",
                                          "final_score",
                                          "flags",
                                          "calibration_prompt",
                                          "calibration_score",
                                          "v2",
                                          "cv_job_match",
                                          "detailed_scores",
                                          "explanations",
                                          NULL};
    assert_true(jsoncmp_key_order(c.prompt_analytics, pa_keys));
    static const char *const ai_keys[] = {"prompt_clarity",
                                          "prompt_efficiency",
                                          "independence",
                                          "context_utilization",
                                          "design_thinking",
                                          "debugging_strategy",
                                          "written_communication",
                                          "learning_velocity",
                                          "error_recovery",
                                          "requirement_comprehension",
                                          "prompt_specificity",
                                          "prompt_progression",
                                          NULL};
    const json_t *ai = json_object_get(c.prompt_analytics, "ai_scores");
    assert_true(jsoncmp_key_order(ai, ai_keys));
    assert_true(json_real_value(json_object_get(ai, "prompt_specificity")) == 10.0);
    assert_true(json_real_value(json_object_get(ai, "prompt_progression")) == 7.0);
    const json_t *cs = json_object_get(c.prompt_analytics, "component_scores");
    assert_true(json_real_value(json_object_get(cs, "decomposition_score")) == 3.33);
    assert_true(json_real_value(json_object_get(cs, "code_quality_score")) == 8.67);
    want = parse("{\"overall\":null,\"skills\":null,\"experience\":null,\"details\":{}}");
    assert_true(jsoncmp_equal(json_object_get(c.prompt_analytics, "cv_job_match"), want, NULL, 0));
    json_decref(want);
    static const char *const cvk[] = {"overall", "skills", "experience", "details", NULL};
    assert_true(jsoncmp_key_order(json_object_get(c.prompt_analytics, "cv_job_match"), cvk));
    assert_true(json_is_null(json_object_get(c.prompt_analytics, "calibration_prompt")));
    assert_true(json_is_array(json_object_get(c.prompt_analytics, "flags")));
    assert_non_null(c.score_breakdown);
    scoring_columns_free(&c);
    scoring_columns_free(NULL);

    json_t *bad = parse("{\"final_score\":1.0}");
    assert_int_equal(scoring_columns_build(bad, heur, cv, NULL, inter, 0, &c, err, sizeof err), ERR_VALIDATION);
    assert_null(c.prompt_analytics);
    json_decref(bad);
    json_decref(inter);
    json_decref(heur);
    json_decref(cv);
    json_decref(eng);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_label_boundaries),      cmocka_unit_test(test_recommendation_nulls),
        cmocka_unit_test(test_breakdown_fresh),       cmocka_unit_test(test_breakdown_scored),
        cmocka_unit_test(test_score_breakdown_order), cmocka_unit_test(test_columns),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
