/* Unit tests of the assessment report PDF: structure of the bytes, and the
 * text poppler's pdftotext reads back out of them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "components/assessments_report/assessments_report.h"
#include "platform/mem.h"

/* A completed assessment as S3 returns it (§2.5, model variant; the long
 * analytics blob is trimmed to what a report could read). */
static const char COMPLETED_JSON[] =
    "{\"id\":42,\"organization_id\":3,\"candidate_id\":7,\"task_id\":5,"
    "\"token\":\"PJuUm5lzX_nYvLbzSQDdZvQ37sT7avkDn_Krnbg-u0k\",\"status\":\"completed\","
    "\"duration_minutes\":45,\"started_at\":\"2026-11-26T14:00:00.250000Z\","
    "\"completed_at\":\"2026-11-26T14:38:12Z\",\"expires_at\":\"2026-12-03T13:55:00Z\","
    "\"score\":7.5,\"tests_passed\":8,\"tests_total\":10,\"code_quality_score\":7.0,"
    "\"time_efficiency_score\":8.2,\"ai_usage_score\":6.5,"
    "\"test_results\":{\"success\":true,\"stdout\":\"8 passed, 2 failed\",\"stderr\":\"\","
    "\"error\":null,\"passed\":8,\"failed\":2,\"total\":10},"
    "\"ai_prompts\":[{\"message\":\"Why does refund() double-charge when the gateway times out?\","
    "\"response\":\"Look at the retry loop.\",\"timestamp\":\"2026-11-26T14:03:10.000000+00:00\","
    "\"input_tokens\":120,\"output_tokens\":300,\"tokens_used\":420,\"response_latency_ms\":900,"
    "\"code_before\":\"\",\"code_after\":\"\",\"word_count\":9,\"char_count\":58,"
    "\"time_since_last_prompt_ms\":null,\"paste_detected\":false,\"browser_focused\":true}],"
    "\"timeline\":[{\"time\":\"00:00\",\"event\":\"Started assessment\"},"
    "{\"time\":\"03:09\",\"event\":\"Used AI assistant\",\"prompt\":\"Why does refund() "
    "double-charge when the gateway times out? I think the retry loop in PaymentService "
    "re-sends the capture call without an idempotency key, and the second call succeeds "
    "after the first one already did on the provider side.\"},"
    "{\"time\":\"38:11\",\"event\":\"Submitted assessment\"},"
    "{\"time\":\"2026-11-27T09:15:00.123456+00:00\",\"event\":\"Recruiter note\","
    "\"prompt\":\"Strong debugging instinct; ask about idempotency in the interview.\"}],"
    "\"created_at\":\"2026-11-26T13:55:00Z\",\"prompts_list\":[],"
    "\"results\":[{\"title\":\"Test suite\",\"score\":\"8/10\",\"description\":\"Passed 8 of 10 tests.\"}],"
    "\"breakdown\":{\"testsPassed\":\"8/10\",\"codeQuality\":7.0,\"aiUsage\":6.5,"
    "\"timeEfficiency\":8.2,\"bugsFixed\":\"8/10\",\"categoryScores\":{\"task_completion\":8.1},"
    "\"communication\":7.0,\"recommendation\":\"HIRE\",\"recommendationColor\":\"blue\"},"
    "\"candidate_name\":\"Zo\xC3\xAB \xC3\x91\xC3\xBA\xC3\xB1"
    "ez\","
    "\"candidate_email\":\"zoe@example.com\",\"task_name\":\"Debug the payment service\","
    "\"prompt_quality_score\":6.8,\"calibration_score\":null,"
    "\"prompt_fraud_flags\":[{\"type\":\"external_paste_detected\",\"confidence\":1.0,"
    "\"evidence\":\"external_paste_detected\",\"prompt_index\":null}],"
    "\"prompt_analytics\":{\"heuristics\":{\"browser_focus_ratio\":{\"ratio\":0.9},"
    "\"tab_switch_count\":{\"count\":2},\"time_to_first_prompt\":{\"value\":190}}},"
    "\"browser_focus_ratio\":0.92,\"tab_switch_count\":2,\"time_to_first_prompt_seconds\":190,"
    "\"cv_uploaded\":false,\"cv_filename\":null,\"cv_uploaded_at\":null,\"final_score\":74.53,"
    "\"score_breakdown\":{\"tests_passed_ratio\":80.0,\"category_scores\":{"
    "\"task_completion\":8.1,\"prompt_clarity\":7.2,\"context_provision\":6.4,"
    "\"independence\":7.9,\"utilization\":6.0,\"communication\":7.0,\"approach\":8.0,"
    "\"cv_match\":null},\"errors\":[]},"
    "\"score_weights_used\":{\"tests_passed_ratio\":0.15},"
    "\"flags\":[\"external_paste_detected\"],\"scored_at\":\"2026-11-26T14:38:13Z\","
    "\"total_duration_seconds\":2292,\"total_prompts\":1,\"total_input_tokens\":120,"
    "\"total_output_tokens\":300,\"tests_run_count\":3,\"tests_pass_count\":1}";

/* The S1 example of a fresh assessment (§2.5). */
static const char PENDING_JSON[] =
    "{\"id\":1,\"organization_id\":1,\"candidate_id\":1,\"task_id\":1,"
    "\"token\":\"PJuUm5lzX_nYvLbzSQDdZvQ37sT7avkDn_Krnbg-u0k\",\"status\":\"pending\","
    "\"duration_minutes\":30,\"started_at\":null,\"completed_at\":null,"
    "\"expires_at\":\"2026-12-03T14:17:51.109218\",\"score\":null,\"tests_passed\":null,"
    "\"tests_total\":null,\"code_quality_score\":null,\"time_efficiency_score\":null,"
    "\"ai_usage_score\":null,\"test_results\":null,\"ai_prompts\":null,\"timeline\":[],"
    "\"created_at\":\"2026-11-26T14:17:51\",\"prompts_list\":[],\"results\":[],"
    "\"breakdown\":{\"bugsFixed\":\"\xE2\x80\x94\"},\"candidate_name\":\"Jane D\","
    "\"candidate_email\":\"Jane@example.com\",\"task_name\":\"Debug task 2\","
    "\"prompt_quality_score\":null,\"prompt_fraud_flags\":null,\"prompt_analytics\":null,"
    "\"browser_focus_ratio\":null,\"tab_switch_count\":0,\"time_to_first_prompt_seconds\":null,"
    "\"cv_uploaded\":false,\"cv_filename\":null,\"cv_uploaded_at\":null,\"final_score\":null,"
    "\"score_breakdown\":null,\"score_weights_used\":null,\"flags\":null,\"scored_at\":null,"
    "\"total_duration_seconds\":null,\"total_prompts\":null,\"total_input_tokens\":null,"
    "\"total_output_tokens\":null,\"tests_run_count\":null,\"tests_pass_count\":null}";

static json_t *parse(const char *text)
{
    json_error_t e;
    json_t *v = json_loads(text, 0, &e);
    if (!v)
        fail_msg("fixture JSON: %s at %d", e.text, e.position);
    return v;
}

static bool have_tool(const char *name)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "command -v %s >/dev/null 2>&1", name);
    return system(cmd) == 0;
}

/* Checks the PDF framing of the bytes. */
static void assert_pdf(const unsigned char *pdf, size_t len)
{
    assert_non_null(pdf);
    assert_true(len > 100);
    assert_memory_equal(pdf, "%PDF-", 5);
    size_t end = len;
    while (end > 0 && (pdf[end - 1] == '\n' || pdf[end - 1] == '\r'))
        end--;
    assert_true(end >= 5);
    assert_memory_equal(pdf + end - 5, "%%EOF", 5);
}

/* Runs "tool <file> tail" (pdftotext or pdfinfo) on the PDF through a
 * temporary file and returns its standard output (caller frees). */
static char *run_tool(const char *tool, const char *tail, const unsigned char *pdf, size_t len)
{
    char path[] = "/tmp/tali-report-test-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, pdf, len), (ssize_t)len);
    close(fd);

    char cmd[256];
    snprintf(cmd, sizeof cmd, "%s %s %s 2>/dev/null", tool, path, tail);
    FILE *f = popen(cmd, "r");
    assert_non_null(f);
    mem_buf_t out = {0};
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        mem_buf_append(&out, chunk, n);
    int rc = pclose(f);
    unlink(path);
    assert_int_equal(rc, 0);
    return mem_buf_take(&out);
}

static char *pdf_text(const unsigned char *pdf, size_t len)
{
    return run_tool("pdftotext -q -enc UTF-8 -layout", "-", pdf, len);
}

static long pdf_pages(const unsigned char *pdf, size_t len)
{
    char *info = run_tool("pdfinfo", "", pdf, len);
    const char *p = strstr(info, "Pages:");
    long pages = p ? strtol(p + 6, NULL, 10) : -1;
    free(info);
    return pages;
}

#define assert_contains(hay, needle)                                                                                   \
    do {                                                                                                               \
        if (!strstr((hay), (needle)))                                                                                  \
            fail_msg("missing \"%s\" in extracted text:\n%s", (needle), (hay));                                        \
    } while (0)

static void render(const json_t *a, const char *name, const char *email, const char *org, unsigned char **pdf,
                   size_t *len)
{
    assert_int_equal(assessments_report_pdf(a, name, email, org, pdf, len), ERR_OK);
    assert_pdf(*pdf, *len);
}

static void test_completed(void **state)
{
    (void)state;
    json_t *a = parse(COMPLETED_JSON);
    unsigned char *pdf;
    size_t len;

    render(a,
           "Zo\xC3\xAB \xC3\x91\xC3\xBA\xC3\xB1"
           "ez",
           "zoe@example.com", "Acme Ltd", &pdf, &len);
    /* TALI_REPORT_DUMP=<file> keeps a copy to look at. */
    const char *dump = getenv("TALI_REPORT_DUMP");
    if (dump) {
        FILE *f = fopen(dump, "wb");
        assert_non_null(f);
        assert_int_equal(fwrite(pdf, 1, len, f), len);
        fclose(f);
    }
    if (!have_tool("pdftotext")) {
        free(pdf);
        json_decref(a);
        skip();
    }
    char *text = pdf_text(pdf, len);
    assert_contains(text, "TALI assessment report");
    assert_contains(text, "Zo\xC3\xAB \xC3\x91\xC3\xBA\xC3\xB1"
                          "ez");
    assert_contains(text, "zoe@example.com");
    assert_contains(text, "Acme Ltd");
    assert_contains(text, "Debug the payment service");
    assert_contains(text, "Completed");
    assert_contains(text, "2026-11-26T14:00:00Z");
    assert_contains(text, "2026-11-26T14:38:12Z");
    assert_contains(text, "38 min 12 s");
    assert_contains(text, "7.5 / 10");
    assert_contains(text, "74.53 / 100");
    assert_contains(text, "HIRE");
    assert_contains(text, "8 / 10");
    assert_contains(text, "Prompt clarity");
    assert_contains(text, "7.2 / 10");
    assert_contains(text, "CV match");
    assert_contains(text, "external_paste_detected");
    assert_contains(text, "Started assessment");
    assert_contains(text, "Used AI assistant");
    assert_contains(text, "idempotency");
    assert_contains(text, "2026-11-27T09:15:00Z");
    assert_contains(text, "ask about idempotency in the interview");
    free(text);
    assert_true(pdf_pages(pdf, len) >= 1);
    free(pdf);
    json_decref(a);
}

static void test_pending(void **state)
{
    (void)state;
    json_t *a = parse(PENDING_JSON);
    unsigned char *pdf;
    size_t len;

    /* No name given: the assessment's candidate_name is used. */
    render(a, NULL, NULL, NULL, &pdf, &len);
    if (!have_tool("pdftotext")) {
        free(pdf);
        json_decref(a);
        skip();
    }
    char *text = pdf_text(pdf, len);
    assert_contains(text, "Jane D");
    assert_contains(text, "Jane@example.com");
    assert_contains(text, "Debug task 2");
    assert_contains(text, "Pending");
    assert_contains(text, "n/a");
    assert_contains(text, "No category scores available.");
    assert_contains(text, "No events recorded.");
    assert_contains(text, "No notes.");
    assert_contains(text, "2026-12-03T14:17:51Z");
    free(text);
    free(pdf);
    json_decref(a);
}

static void test_unicode_names(void **state)
{
    (void)state;
    json_t *a = parse(PENDING_JSON);
    unsigned char *pdf;
    size_t len;

    /* DejaVu has no CJK glyphs: they must draw as boxes, not fail. */
    render(a, "\xE7\x8E\x8B\xE5\xB0\x8F\xE6\x98\x8E", "wang@example.cn", "\xE5\x85\xAC\xE5\x8F\xB8", &pdf, &len);
    if (have_tool("pdftotext")) {
        char *text = pdf_text(pdf, len);
        assert_contains(text, "wang@example.cn");
        assert_contains(text, "\xE7\x8E\x8B\xE5\xB0\x8F\xE6\x98\x8E");
        free(text);
    }
    free(pdf);

    /* Invalid UTF-8 and control characters from a caller never reach cairo. */
    render(a, "bad \xFF\xFE name\x01\ttab", "x\xC3@example.com", "org\r\nline", &pdf, &len);
    if (have_tool("pdftotext")) {
        char *text = pdf_text(pdf, len);
        assert_contains(text, "bad");
        assert_contains(text, "tab");
        free(text);
    }
    free(pdf);
    json_decref(a);
}

static void test_long_timeline_paginates(void **state)
{
    (void)state;
    json_t *a = parse(COMPLETED_JSON);
    json_t *tl = json_array();
    unsigned char *pdf;
    size_t len;

    for (int i = 0; i < 1000; i++) {
        char t[16], msg[160];
        snprintf(t, sizeof t, "%02d:%02d", i / 60, i % 60);
        snprintf(msg, sizeof msg, "prompt number %d about the flaky retry test", i);
        json_array_append_new(tl, json_pack("{s:s, s:s, s:s}", "time", t, "event", "Used AI assistant", "prompt", msg));
    }
    json_object_set_new(a, "timeline", tl);
    render(a, "Zo\xC3\xAB", NULL, "Acme", &pdf, &len);
    if (!have_tool("pdfinfo")) {
        free(pdf);
        json_decref(a);
        skip();
    }
    long pages = pdf_pages(pdf, len);
    assert_true(pages > 1);
    char *text = pdf_text(pdf, len);
    assert_contains(text, "prompt number 0 about");
    assert_contains(text, "prompt number 999 about");
    free(text);
    free(pdf);
    json_decref(a);
}

static void test_long_text_wraps(void **state)
{
    (void)state;
    json_t *a = parse(COMPLETED_JSON);
    unsigned char *pdf;
    size_t len;

    /* One 6,000-character word in a prompt and a 30-paragraph note. */
    char *word = xmalloc(6001);
    memset(word, 'x', 6000);
    word[6000] = '\0';
    mem_buf_t note = {0};
    for (int i = 0; i < 30; i++)
        mem_buf_printf(&note,
                       "Paragraph %d of the recruiter's long note, with enough words to "
                       "wrap across more than one line of the page.\n\n",
                       i);
    json_t *tl =
        json_pack("[{s:s, s:s, s:s}, {s:s, s:s, s:s}]", "time", "01:00", "event", "Used AI assistant", "prompt", word,
                  "time", "2026-11-27T09:15:00+02:00", "event", "Recruiter note", "prompt", note.data);
    json_object_set_new(a, "timeline", tl);
    render(a, NULL, NULL, NULL, &pdf, &len);
    if (have_tool("pdftotext")) {
        char *text = pdf_text(pdf, len);
        assert_contains(text, "Paragraph 29 of the recruiter");
        assert_contains(text, "2026-11-27T07:15:00Z");
        free(text);
    }
    free(pdf);
    free(word);
    mem_buf_free(&note);
    json_decref(a);
}

static void test_wrong_types(void **state)
{
    (void)state;
    unsigned char *pdf;
    size_t len;

    /* Every field of the wrong type, or garbage inside the right one. */
    json_t *a = parse("{\"id\":\"x\",\"status\":7,\"score\":\"high\",\"final_score\":[1],\"started_at\":\"yesterday\","
                      "\"completed_at\":\"2026-13-45T99:99:99Z\",\"timeline\":[5,null,{\"time\":3},"
                      "{\"event\":\"Recruiter note\"},{\"time\":\"\",\"event\":\"\",\"prompt\":\"\"}],"
                      "\"breakdown\":[],\"score_breakdown\":{\"category_scores\":{\"a\":\"b\",\"c\":{},"
                      "\"d\":-4,\"e\":1e300}},\"prompt_fraud_flags\":[1,{}],\"flags\":\"x\","
                      "\"test_results\":{\"passed\":\"8\",\"error\":\"Sandbox timed out\"},"
                      "\"tests_total\":10,\"total_duration_seconds\":-5,\"duration_minutes\":null}");
    render(a, "", "", "", &pdf, &len);
    if (have_tool("pdftotext")) {
        char *text = pdf_text(pdf, len);
        assert_contains(text, "Candidate");
        assert_contains(text, "yesterday");
        assert_contains(text, "Sandbox timed out");
        free(text);
    }
    free(pdf);
    json_decref(a);

    /* An empty object renders too. */
    a = json_object();
    render(a, NULL, NULL, NULL, &pdf, &len);
    free(pdf);
    json_decref(a);
}

static void test_bad_arguments(void **state)
{
    (void)state;
    unsigned char *pdf = (unsigned char *)"sentinel";
    size_t len = 99;
    json_t *arr = json_array();

    assert_int_equal(assessments_report_pdf(arr, "a", "b", "c", &pdf, &len), ERR_INTERNAL);
    assert_null(pdf);
    assert_int_equal(len, 0);
    assert_int_equal(assessments_report_pdf(NULL, "a", "b", "c", &pdf, &len), ERR_INTERNAL);
    assert_int_equal(assessments_report_pdf(arr, "a", "b", "c", NULL, &len), ERR_INTERNAL);
    assert_int_equal(assessments_report_pdf(arr, "a", "b", "c", &pdf, NULL), ERR_INTERNAL);
    json_decref(arr);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_completed),       cmocka_unit_test(test_pending),
        cmocka_unit_test(test_unicode_names),   cmocka_unit_test(test_long_timeline_paginates),
        cmocka_unit_test(test_long_text_wraps), cmocka_unit_test(test_wrong_types),
        cmocka_unit_test(test_bad_arguments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
