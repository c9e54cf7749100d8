/* heuristics: edge cases of the §11.1 signals and the §11.3 MVP scores
 * (the fixture comparison is test_fixtures.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "components/scoring/heuristics.h"
#include "jsoncmp.h"

static json_t *parse(const char *s)
{
    json_error_t je;
    json_t *v = json_loads(s, 0, &je);
    if (!v)
        fail_msg("bad test JSON: %s (%s)", je.text, s);
    return v;
}

static json_t *run_ok(const char *input)
{
    json_t *in = parse(input);
    json_t *out = NULL;
    char err[256] = "";
    err_t rc = scoring_heuristics_compute(in, &out, err, sizeof err);
    json_decref(in);
    if (rc != ERR_OK)
        fail_msg("compute failed: %s", err);
    return out;
}

static void assert_json(const json_t *got, const char *want_text)
{
    json_t *want = parse(want_text);
    char path[512];
    if (!jsoncmp_equal(got, want, path, sizeof path)) {
        char *g = json_dumps(got, JSON_COMPACT);
        fail_msg("mismatch at %s\n got:  %s\n want: %s", path, g, want_text);
    }
    json_decref(want);
}

static void test_no_prompts_all_null(void **state)
{
    json_t *h = run_ok("{\"ai_prompts\":null,\"started_at\":null,\"completed_at\":null,"
                       "\"tests_passed\":null,\"tests_total\":null,\"tab_switch_count\":null}");
    assert_json(h, "{\"time_to_first_prompt\":{\"signal\":\"time_to_first_prompt\",\"value\":null,\"flag\":null},"
                   "\"prompt_speed\":{\"signal\":\"prompt_speed\",\"value\":null,\"avg_ms\":null,\"flag\":null},"
                   "\"prompt_frequency\":{\"signal\":\"prompt_frequency\",\"total\":0,\"windows\":[],\"flag\":null},"
                   "\"prompt_length_stats\":{\"signal\":\"prompt_length_stats\",\"avg_words\":0,\"min_words\":0,"
                   "\"max_words\":0,\"very_short_count\":0,\"very_long_count\":0,\"flag\":null},"
                   "\"copy_paste_detection\":{\"signal\":\"copy_paste_detection\",\"paste_event_count\":0,"
                   "\"flags\":[],\"flag\":null},"
                   "\"code_delta\":{\"signal\":\"code_delta\",\"deltas\":[],\"total_change_chars\":0,"
                   "\"prompts_with_code_change\":0,\"utilization_rate\":0,\"flag\":null},"
                   "\"self_correction_rate\":{\"signal\":\"self_correction_rate\",\"rate\":null,\"flag\":null},"
                   "\"token_efficiency\":{\"signal\":\"token_efficiency\",\"total_tokens\":0,\"tests_passed\":null,"
                   "\"tests_total\":null,\"solve_rate\":0,\"tokens_per_solve\":null,\"efficiency_score\":null,"
                   "\"flag\":null},"
                   "\"browser_focus_ratio\":{\"signal\":\"browser_focus_ratio\",\"ratio\":null,\"flag\":null},"
                   "\"tab_switch_count\":{\"signal\":\"tab_switch_count\",\"count\":0,\"flag\":null},"
                   "\"_summary\":{\"total_signals\":9,\"flags\":[],\"has_warnings\":false}}");
    json_decref(h);
}

static void test_one_prompt_non_ascii(void **state)
{
    /* NBSP separates words, U+200B does not; lengths are code points */
    json_t *h = run_ok("{\"ai_prompts\":[{\"message\":\"h\\u00e9llo w\\u00f6rld\\u00a0x \\u200by\","
                       "\"timestamp\":\"2026-02-01T09:00:45Z\",\"code_before\":\"\\u00e9\","
                       "\"code_after\":\"\\u00e9\\u00e9\",\"input_tokens\":10,\"output_tokens\":5,"
                       "\"browser_focused\":false}],"
                       "\"started_at\":\"2026-02-01T09:00:00\",\"completed_at\":null,"
                       "\"tests_passed\":0,\"tests_total\":3,\"tab_switch_count\":6}");
    assert_json(json_object_get(h, "time_to_first_prompt"),
                "{\"signal\":\"time_to_first_prompt\",\"value\":45,\"flag\":null}");
    assert_json(json_object_get(h, "prompt_speed"),
                "{\"signal\":\"prompt_speed\",\"value\":null,\"avg_ms\":null,\"flag\":null}");
    assert_json(json_object_get(h, "prompt_length_stats"),
                "{\"signal\":\"prompt_length_stats\",\"avg_words\":4,\"min_words\":4,\"max_words\":4,"
                "\"very_short_count\":1,\"very_long_count\":0,\"flag\":\"mostly_very_short\"}");
    assert_json(json_object_get(h, "code_delta"),
                "{\"signal\":\"code_delta\",\"deltas\":[{\"index\":0,\"delta_chars\":1,\"changed\":true}],"
                "\"total_change_chars\":1,\"prompts_with_code_change\":1,\"utilization_rate\":1.0,\"flag\":null}");
    assert_json(json_object_get(h, "self_correction_rate"),
                "{\"signal\":\"self_correction_rate\",\"rate\":null,\"flag\":null}");
    assert_json(json_object_get(h, "token_efficiency"),
                "{\"signal\":\"token_efficiency\",\"total_tokens\":15,\"tests_passed\":0,\"tests_total\":3,"
                "\"solve_rate\":0.0,\"tokens_per_solve\":null,\"efficiency_score\":null,\"flag\":null}");
    assert_json(json_object_get(h, "browser_focus_ratio"),
                "{\"signal\":\"browser_focus_ratio\",\"ratio\":0.0,\"focused_prompts\":0,\"total_prompts\":1,"
                "\"flag\":\"very_low_focus\"}");
    assert_json(json_object_get(h, "_summary"),
                "{\"total_signals\":9,\"flags\":[\"mostly_very_short\",\"very_low_focus\","
                "\"frequent_switching\"],\"has_warnings\":true}");
    json_decref(h);
}

static void test_null_timestamps(void **state)
{
    /* no first timestamp: no time_to_first_prompt, and the frequency
     * windows have no origin; prompt_speed falls back to timestamps and
     * finds no pair */
    json_t *h = run_ok("{\"ai_prompts\":[{\"message\":\"a\",\"timestamp\":null},"
                       "{\"message\":\"b\",\"timestamp\":\"2026-02-01T09:05:00+00:00\","
                       "\"time_since_last_prompt_ms\":null}],"
                       "\"started_at\":\"2026-02-01T09:00:00+00:00\","
                       "\"completed_at\":\"2026-02-01T09:25:00+00:00\","
                       "\"tests_passed\":null,\"tests_total\":0,\"tab_switch_count\":0}");
    assert_json(json_object_get(h, "time_to_first_prompt"),
                "{\"signal\":\"time_to_first_prompt\",\"value\":null,\"flag\":null}");
    assert_json(json_object_get(h, "prompt_speed"),
                "{\"signal\":\"prompt_speed\",\"value\":null,\"avg_ms\":null,\"flag\":null}");
    assert_json(json_object_get(h, "prompt_frequency"),
                "{\"signal\":\"prompt_frequency\",\"total\":2,\"windows\":[{\"window\":0,\"count\":0},"
                "{\"window\":1,\"count\":0},{\"window\":2,\"count\":0}],\"flag\":null}");
    json_decref(h);
}

static void test_speed_and_negative_window(void **state)
{
    /* gaps include 0 and negatives (kept, unlike the engine); the second
     * prompt lies 300 s before the first: -300 // 600 = -1, the last
     * window */
    json_t *h = run_ok("{\"ai_prompts\":["
                       "{\"message\":\"a\",\"timestamp\":\"2026-02-01T09:10:00+00:00\"},"
                       "{\"message\":\"b\",\"timestamp\":\"2026-02-01T09:05:00+00:00\","
                       "\"time_since_last_prompt_ms\":0},"
                       "{\"message\":\"c\",\"timestamp\":\"2026-02-01T09:30:00.5+00:00\","
                       "\"time_since_last_prompt_ms\":-3}],"
                       "\"started_at\":\"2026-02-01T09:00:00+00:00\","
                       "\"completed_at\":\"2026-02-01T09:25:00+00:00\","
                       "\"tests_passed\":null,\"tests_total\":null,\"tab_switch_count\":11}");
    assert_json(json_object_get(h, "prompt_speed"),
                "{\"signal\":\"prompt_speed\",\"value\":2,\"avg_ms\":-1,\"flag\":\"rapid_fire\"}");
    assert_json(json_object_get(h, "prompt_frequency"),
                "{\"signal\":\"prompt_frequency\",\"total\":3,\"windows\":[{\"window\":0,\"count\":1},"
                "{\"window\":1,\"count\":0},{\"window\":2,\"count\":2}],\"flag\":null}");
    assert_json(json_object_get(h, "time_to_first_prompt"),
                "{\"signal\":\"time_to_first_prompt\",\"value\":600,\"flag\":\"deliberate\"}");
    assert_json(json_object_get(h, "tab_switch_count"),
                "{\"signal\":\"tab_switch_count\",\"count\":11,\"flag\":\"excessive_switching\"}");
    json_decref(h);
}

static void test_speed_timestamp_fallback(void **state)
{
    /* no stored gaps: consecutive timestamps, milliseconds truncated; a
     * naive/aware pair cannot be subtracted and is skipped */
    json_t *h = run_ok("{\"ai_prompts\":["
                       "{\"message\":\"a\",\"timestamp\":\"2026-02-01T09:00:00+00:00\"},"
                       "{\"message\":\"b\",\"timestamp\":\"2026-02-01T09:00:20.0009+00:00\"},"
                       "{\"message\":\"c\",\"timestamp\":\"2026-02-01T09:00:40\"}],"
                       "\"started_at\":null,\"completed_at\":null,"
                       "\"tests_passed\":null,\"tests_total\":null,\"tab_switch_count\":0}");
    assert_json(json_object_get(h, "prompt_speed"),
                "{\"signal\":\"prompt_speed\",\"value\":1,\"avg_ms\":20000,\"flag\":null}");
    json_decref(h);
}

static void test_copy_paste_patterns(void **state)
{
    char fence[400];
    memset(fence, 'x', sizeof fence);
    memcpy(fence, "```", 3);
    memcpy(fence + 203, "```\\n", 5);
    fence[208] = '\0';
    char input[2048];
    snprintf(input, sizeof input,
             "{\"ai_prompts\":["
             "{\"message\":\"Here's the code for it\"},"
             "{\"message\":\"  Here's the code\"},"
             "{\"message\":\"\\u0130MPLEMENT a FULL parser\"},"
             "{\"message\":\"see STACKOVERFLOW.COM/q/1\"},"
             "{\"message\":\"ChatGPT said so\"},"
             "{\"message\":\"%s\"},"
             "{\"message\":\"here is  the code\"},"
             "{\"message\":\"write an complete app\"}],"
             "\"started_at\":null,\"completed_at\":null,"
             "\"tests_passed\":null,\"tests_total\":null,\"tab_switch_count\":0}",
             fence);
    json_t *h = run_ok(input);
    assert_json(json_object_get(h, "copy_paste_detection"),
                "{\"signal\":\"copy_paste_detection\",\"paste_event_count\":0,\"flags\":["
                "{\"prompt_index\":0,\"type\":\"pattern_match\","
                "\"pattern\":\"(?i)^(here is|here's) (the|a|my) (solution|code|an\",\"confidence\":0.6},"
                "{\"prompt_index\":2,\"type\":\"pattern_match\","
                "\"pattern\":\"(?i)^(write|create|implement|build|make) (a |an |t\",\"confidence\":0.6},"
                "{\"prompt_index\":3,\"type\":\"pattern_match\","
                "\"pattern\":\"(?i)stackoverflow\\\\.com\",\"confidence\":0.6},"
                "{\"prompt_index\":4,\"type\":\"pattern_match\","
                "\"pattern\":\"(?i)chatgpt|openai|gemini|copilot\",\"confidence\":0.6},"
                "{\"prompt_index\":5,\"type\":\"pattern_match\","
                "\"pattern\":\"(?i)^```[\\\\s\\\\S]{200,}```$\",\"confidence\":0.6},"
                "{\"prompt_index\":7,\"type\":\"pattern_match\","
                "\"pattern\":\"(?i)^(write|create|implement|build|make) (a |an |t\",\"confidence\":0.6}"
                "],\"flag\":\"suspicious\"}");
    json_decref(h);
}

/* IGNORECASE equates i with U+0130/U+0131, s with U+017F and k with the
 * Kelvin sign U+212A; a name may straddle the matcher's 1 KiB fold chunk. */
static void test_copy_paste_case_folds(void **state)
{
    char longmsg[1100];
    memset(longmsg, 'x', 1020);
    memcpy(longmsg + 1020, "CoPilot", 8);
    char input[4096];
    snprintf(input, sizeof input,
             "{\"ai_prompts\":["
             "{\"message\":\"see stac\\u212aoverflow.com\"},"
             "{\"message\":\"\\u017ftackoverflow.COM\"},"
             "{\"message\":\"gem\\u0130ni wrote it\"},"
             "{\"message\":\"opena\\u0131\"},"
             "{\"message\":\"chat gpt and open ai\"},"
             "{\"message\":\"stackoverflow com\"},"
             "{\"message\":\"%s\"}],"
             "\"started_at\":null,\"completed_at\":null,"
             "\"tests_passed\":null,\"tests_total\":null,\"tab_switch_count\":0}",
             longmsg);
    json_t *h = run_ok(input);
    const json_t *flags = json_object_get(json_object_get(h, "copy_paste_detection"), "flags");
    static const struct {
        long long index;
        const char *pattern;
    } want[] = {
        {0, "(?i)stackoverflow\\.com"},           {1, "(?i)stackoverflow\\.com"},
        {2, "(?i)chatgpt|openai|gemini|copilot"}, {3, "(?i)chatgpt|openai|gemini|copilot"},
        {6, "(?i)chatgpt|openai|gemini|copilot"},
    };
    assert_int_equal(json_array_size(flags), sizeof want / sizeof want[0]);
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        const json_t *f = json_array_get(flags, i);
        assert_int_equal(json_integer_value(json_object_get(f, "prompt_index")), want[i].index);
        assert_string_equal(json_string_value(json_object_get(f, "pattern")), want[i].pattern);
    }
    json_decref(h);
}

static void test_large_paste_and_dump(void **state)
{
    /* 25 code lines plus comment and blank lines; pasted and > 500 chars */
    char msg[4096] = "";
    size_t k = 0;
    for (int i = 0; i < 25; i++)
        k += (size_t)snprintf(msg + k, sizeof msg - k, "    value_%02d = compute(data, index)\\n  # c\\n\\n", i);
    char input[8192];
    snprintf(input, sizeof input,
             "{\"ai_prompts\":[{\"message\":\"%s\",\"paste_detected\":1}],"
             "\"started_at\":null,\"completed_at\":null,"
             "\"tests_passed\":null,\"tests_total\":null,\"tab_switch_count\":0}",
             msg);
    json_t *h = run_ok(input);
    const json_t *cp = json_object_get(h, "copy_paste_detection");
    assert_int_equal(json_integer_value(json_object_get(cp, "paste_event_count")), 1);
    const json_t *flags = json_object_get(cp, "flags");
    assert_int_equal(json_array_size(flags), 2);
    assert_string_equal(json_string_value(json_object_get(json_array_get(flags, 0), "type")), "large_paste");
    assert_int_equal(json_integer_value(json_object_get(json_array_get(flags, 0), "char_count")), 25 * 43);
    assert_string_equal(json_string_value(json_object_get(json_array_get(flags, 1), "type")), "possible_solution_dump");
    assert_int_equal(json_integer_value(json_object_get(json_array_get(flags, 1), "code_lines")), 25);
    json_decref(h);
}

static void expect_error(const char *input)
{
    json_t *in = parse(input);
    json_t *out = (json_t *)1;
    char err[256] = "";
    assert_int_not_equal(scoring_heuristics_compute(in, &out, err, sizeof err), ERR_OK);
    assert_null(out);
    assert_true(err[0] != '\0');
    json_decref(in);
}

static void test_errors_where_python_raises(void **state)
{
    static const char tail[] = "\"started_at\":null,\"completed_at\":null,\"tests_passed\":null,\"tests_total\":null,"
                               "\"tab_switch_count\":0}";
    char buf[512];
    /* a null message */
    snprintf(buf, sizeof buf, "{\"ai_prompts\":[{\"message\":null,\"word_count\":1}],%s", tail);
    expect_error(buf);
    /* a null word_count */
    snprintf(buf, sizeof buf, "{\"ai_prompts\":[{\"message\":\"x\",\"word_count\":null}],%s", tail);
    expect_error(buf);
    /* null tokens with no tokens_used */
    snprintf(buf, sizeof buf, "{\"ai_prompts\":[{\"message\":\"x\",\"input_tokens\":null}],%s", tail);
    expect_error(buf);
    /* tests_passed null with tests_total > 0 */
    expect_error("{\"ai_prompts\":[],\"started_at\":null,\"completed_at\":null,"
                 "\"tests_passed\":null,\"tests_total\":4,\"tab_switch_count\":0}");
    expect_error("[]");
}

static void test_token_efficiency_values(void **state)
{
    json_t *h = run_ok("{\"ai_prompts\":[{\"message\":\"x\",\"tokens_used\":0,\"input_tokens\":700,"
                       "\"output_tokens\":300},{\"message\":\"y\",\"tokens_used\":2000}],"
                       "\"started_at\":null,\"completed_at\":null,"
                       "\"tests_passed\":2,\"tests_total\":3,\"tab_switch_count\":0}");
    /* solve_rate 2/3 -> 0.67; tokens_per_solve 3000/2; efficiency
     * round((2/3)/3.0, 3) = 0.222 */
    assert_json(json_object_get(h, "token_efficiency"),
                "{\"signal\":\"token_efficiency\",\"total_tokens\":3000,\"tests_passed\":2,\"tests_total\":3,"
                "\"solve_rate\":0.67,\"tokens_per_solve\":1500.0,\"efficiency_score\":0.222,\"flag\":null}");
    json_decref(h);
}

static void test_prompt_scores(void **state)
{
    json_t *h = run_ok("{\"ai_prompts\":["
                       "{\"message\":\"a\",\"word_count\":38,\"timestamp\":\"2026-02-01T09:01:57+00:00\","
                       "\"code_before\":\"x\",\"code_after\":\"y\"},"
                       "{\"message\":\"b\",\"word_count\":38,\"code_before\":\"y\",\"code_after\":\"y\"}],"
                       "\"started_at\":\"2026-02-01T09:00:00+00:00\",\"completed_at\":null,"
                       "\"tests_passed\":null,\"tests_total\":null,\"tab_switch_count\":0}");
    json_t *ps = scoring_heuristics_prompt_scores(h);
    /* Q = 10 - 42/12 = 6.5; independence 117/60 = 1.95; utilization 0.5;
     * self-correction 0.0 and solve_rate int 0 clamp to the int 0 */
    assert_json(ps, "{\"prompt_clarity\":6.5,\"prompt_efficiency\":0,\"independence\":1.95,"
                    "\"context_utilization\":5.0,\"design_thinking\":6.5,\"debugging_strategy\":0,"
                    "\"written_communication\":6.5,\"learning_velocity\":6.5,\"error_recovery\":0,"
                    "\"requirement_comprehension\":6.5}");
    json_decref(ps);
    json_decref(h);

    /* no heuristics at all: Q = 10 - 80/12, independence 5.0 */
    json_t *empty = json_object();
    ps = scoring_heuristics_prompt_scores(empty);
    assert_true(json_real_value(json_object_get(ps, "prompt_clarity")) == 3.33);
    assert_true(json_real_value(json_object_get(ps, "independence")) == 5.0);
    json_decref(ps);
    json_decref(empty);
}

/* One window per 10 minutes: a year of session is the most computed
 * (52705 windows); a longer one is refused rather than allocating one
 * window per 10 minutes of a thousand years (a fuzzer's case). */
static void test_prompt_frequency_session_length_bound(void **state)
{
    json_t *h = run_ok("{\"ai_prompts\":[],\"started_at\":\"2025-01-01T00:00:00+00:00\","
                       "\"completed_at\":\"2026-01-02T00:00:00+00:00\",\"tests_passed\":null,"
                       "\"tests_total\":null,\"tab_switch_count\":0}");
    const json_t *w = json_object_get(json_object_get(h, "prompt_frequency"), "windows");
    assert_int_equal(json_array_size(w), 366 * 24 * 6 + 1);
    json_decref(h);

    json_t *in = parse("{\"ai_prompts\":[],\"started_at\":\"1013-04-01T09:00:00+00:00\","
                       "\"completed_at\":\"2026-02-01T09:07:58+00:00\",\"tests_passed\":null,"
                       "\"tests_total\":null,\"tab_switch_count\":6}");
    json_t *out = NULL;
    char err[256] = "";
    assert_int_equal(scoring_heuristics_compute(in, &out, err, sizeof err), ERR_VALIDATION);
    assert_null(out);
    assert_string_equal(err, "prompt_frequency: session longer than a year");
    json_decref(in);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_no_prompts_all_null),
        cmocka_unit_test(test_one_prompt_non_ascii),
        cmocka_unit_test(test_null_timestamps),
        cmocka_unit_test(test_speed_and_negative_window),
        cmocka_unit_test(test_speed_timestamp_fallback),
        cmocka_unit_test(test_copy_paste_patterns),
        cmocka_unit_test(test_copy_paste_case_folds),
        cmocka_unit_test(test_large_paste_and_dump),
        cmocka_unit_test(test_errors_where_python_raises),
        cmocka_unit_test(test_token_efficiency_values),
        cmocka_unit_test(test_prompt_scores),
        cmocka_unit_test(test_prompt_frequency_session_length_bound),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
