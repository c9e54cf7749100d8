/* analytics: N1's figures from an organisation's assessments (the rows of
 * assessments_stats_rows) as the original shaped and rounded them: the
 * completion rate and averages with Python's round(x, 1), minutes and the
 * weekly rates with round(), the int 0 rate without assessments, the
 * empty shape without an organisation; today's score buckets, dimension
 * averages (legacy aliases mapped) and date filters.  SQLite in a
 * temporary directory. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "components/analytics/analytics.h"
#include "svcdb.h"

#define MIN_US (60LL * 1000000)
#define DAY_US (24 * 60 * MIN_US)

static void add(svcdb_t *f, int64_t org, const char *status, int64_t started, int64_t completed, bool scored,
                double score, double calibration)
{
    db_value_t p[] = {DB_V_INT(org),
                      DB_V_TEXT(status),
                      started ? DB_V_TIME(started) : DB_V_NULL,
                      completed ? DB_V_TIME(completed) : DB_V_NULL,
                      scored ? DB_V_REAL(score) : DB_V_NULL,
                      scored ? DB_V_REAL(calibration) : DB_V_NULL};
    int64_t n = 0;
    assert_int_equal(db_exec(f->db,
                             "INSERT INTO assessments (organization_id, status, started_at, completed_at, score, "
                             "calibration_score) VALUES ($1, $2, $3, $4, $5, $6)",
                             p, 6, &n),
                     ERR_OK);
}

static double real_of(json_t *o, const char *k)
{
    json_t *v = json_object_get(o, k);
    assert_true(json_is_real(v));
    return json_real_value(v);
}

static void test_figures(void **state)
{
    svcdb_t *f = *state;
    svcdb_exec(f, "INSERT INTO organizations (id, name, slug) VALUES (1, 'A', 'a'), (2, 'B', 'b')");
    int64_t now = db_now_us();
    int64_t t = now - DAY_US;
    add(f, 1, "COMPLETED", t, t + 10 * MIN_US, true, 8.0, 7.0);
    add(f, 1, "COMPLETED", t, t + 31 * MIN_US, true, 6.5, 7.5);
    add(f, 1, "IN_PROGRESS", t, 0, false, 0, 0);
    add(f, 1, "PENDING", 0, 0, false, 0, 0);
    add(f, 1, "COMPLETED", now - 10 * DAY_US, now - 10 * DAY_US + MIN_US, true, 2.0, 2.0); /* week 4 */
    add(f, 2, "COMPLETED", t, t + MIN_US, true, 10.0, 10.0);                               /* not ours */
    mem_arena_t *a = mem_arena_new();
    assessments_stats_filter_t all = {0};
    assessments_stats_row_t *rows = NULL;
    size_t n = 0;
    assert_int_equal(assessments_stats_rows(f->db, a, 1, &all, &rows, &n), ERR_OK);
    json_t *o = analytics_json(a, true, rows, n, now);
    assert_int_equal(json_integer_value(json_object_get(o, "total_assessments")), 5);
    assert_int_equal(json_integer_value(json_object_get(o, "completed_count")), 3);
    assert_true(real_of(o, "completion_rate") == 60.0);
    assert_true(real_of(o, "top_score") == 8.0);
    assert_true(real_of(o, "avg_score") == 5.5); /* (8 + 6.5 + 2) / 3 */
    assert_true(real_of(o, "avg_calibration_score") == 5.5);
    assert_int_equal(json_integer_value(json_object_get(o, "avg_time_minutes")), 14); /* round(42 / 3) */
    json_t *weeks = json_object_get(o, "weekly_completion");
    assert_int_equal(json_array_size(weeks), 5);
    json_t *w5 = json_array_get(weeks, 4), *w4 = json_array_get(weeks, 3), *w1 = json_array_get(weeks, 0);
    assert_string_equal(json_string_value(json_object_get(w5, "week")), "Week 5");
    assert_int_equal(json_integer_value(json_object_get(w5, "rate")), 67); /* round(2 / 3 * 100) */
    assert_int_equal(json_integer_value(json_object_get(w5, "count")), 2);
    assert_int_equal(json_integer_value(json_object_get(w4, "rate")), 100);
    assert_int_equal(json_integer_value(json_object_get(w1, "rate")), 0);
    /* scores 8.0, 6.5, 2.0 on 0-10 are 80, 65, 20 on 0-100 */
    json_t *b = json_object_get(o, "score_buckets");
    assert_int_equal(json_integer_value(json_object_get(json_array_get(b, 1), "count")), 1); /* 20-40 */
    assert_int_equal(json_integer_value(json_object_get(json_array_get(b, 3), "count")), 1); /* 60-80 */
    assert_int_equal(json_integer_value(json_object_get(json_array_get(b, 4), "count")), 1); /* 80-100 */
    assert_true(real_of(json_array_get(b, 4), "percentage") == 33.3);
    json_decref(o);
    assessments_stats_filter_t role = {.has_role_id = true, .role_id = 1};
    assert_int_equal(assessments_stats_rows(f->db, a, 1, &role, &rows, &n), ERR_OK);
    assert_int_equal(n, 0);
    mem_arena_free(a);
}

static void test_dimensions(void **state)
{
    svcdb_t *f = *state;
    svcdb_exec(f, "INSERT INTO organizations (id, name, slug) VALUES (1, 'A', 'a')");
    svcdb_exec(f, "INSERT INTO assessments (organization_id, status, completed_at, score_breakdown, prompt_analytics) "
                  "VALUES (1, 'COMPLETED', '2026-01-01 00:00:00', '{\"category_scores\": {\"independence\": 7.004, "
                  "\"role_fit\": 6}}', NULL), "
                  "(1, 'COMPLETED', '2026-01-01 00:00:00', '{\"category_scores\": {}}', "
                  "'{\"detailed_scores\": {\"category_scores\": {\"independence_efficiency\": 8, \"x\": 1}}}'), "
                  "(1, 'PENDING', NULL, '{\"category_scores\": {\"role_fit\": 1}}', NULL)");
    mem_arena_t *a = mem_arena_new();
    assessments_stats_filter_t all = {0};
    assessments_stats_row_t *rows = NULL;
    size_t n = 0;
    assert_int_equal(assessments_stats_rows(f->db, a, 1, &all, &rows, &n), ERR_OK);
    json_t *o = analytics_json(a, true, rows, n, db_now_us());
    json_t *d = json_object_get(o, "dimension_averages");
    assert_int_equal(json_object_size(d), 8);
    assert_true(real_of(d, "independence_efficiency") == 7.5); /* mean(7.0, 8) */
    assert_true(real_of(d, "role_fit") == 6.0);                /* the pending one does not count */
    assert_true(json_is_null(json_object_get(d, "prompt_clarity")));
    json_decref(o);
    mem_arena_free(a);
}

static void test_dates(void **state)
{
    int64_t us = 0;
    bool blank = false;
    assert_true(analytics_parse_date("2026-03-01", false, &us, &blank) && !blank);
    assert_int_equal(us, 1772323200LL * 1000000);
    assert_true(analytics_parse_date("2026-03-01", true, &us, &blank));
    assert_int_equal(us, (1772323200LL + 86400) * 1000000 - 1);
    assert_true(analytics_parse_date("2026-03-01T10:00:00Z", true, &us, &blank));
    assert_int_equal(us, (1772323200LL + 36000) * 1000000);
    assert_true(analytics_parse_date(" 2026-03-01 10:00:00.5+02:00 ", false, &us, &blank));
    assert_int_equal(us, (1772323200LL + 28800) * 1000000 + 500000);
    assert_true(analytics_parse_date("   ", false, &us, &blank) && blank);
    assert_false(analytics_parse_date("yesterday", false, &us, &blank));
    assert_false(analytics_parse_date("2026-02-30", false, &us, &blank));
    assert_false(analytics_parse_date("2026-03-01T25:00", false, &us, &blank));
}

static void test_rounding_and_empty_shapes(void **state)
{
    /* three assessments, one completed twice-scored mean 7.25 */
    assessments_stats_row_t rows[3] = {
        {.status = "COMPLETED", .has_completed = true, .has_score = true, .score = 7.0},
        {.status = "COMPLETED", .has_completed = true, .has_score = true, .score = 7.5},
        {.status = "PENDING"},
    };
    mem_arena_t *a = mem_arena_new();
    json_t *o = analytics_json(a, true, rows, 3, db_now_us());
    assert_true(real_of(o, "completion_rate") == 66.7);
    assert_true(real_of(o, "avg_score") == 7.2); /* round(7.25, 1): ties to even */
    assert_true(json_is_null(json_object_get(o, "avg_time_minutes")));
    json_decref(o);
    o = analytics_json(a, true, NULL, 0, db_now_us());
    assert_true(json_is_integer(json_object_get(o, "completion_rate")));
    assert_int_equal(json_integer_value(json_object_get(o, "completion_rate")), 0);
    assert_true(json_is_null(json_object_get(o, "top_score")));
    json_decref(o);
    o = analytics_json(a, false, NULL, 0, db_now_us());
    assert_int_equal(json_array_size(json_object_get(o, "weekly_completion")), 0);
    assert_true(json_is_null(json_object_get(o, "avg_score")));
    assert_int_equal(json_array_size(json_object_get(o, "score_buckets")), 5);
    json_decref(o);
    mem_arena_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_figures, svcdb_setup, svcdb_teardown),
        cmocka_unit_test_setup_teardown(test_dimensions, svcdb_setup, svcdb_teardown),
        cmocka_unit_test(test_rounding_and_empty_shapes),
        cmocka_unit_test(test_dates),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
