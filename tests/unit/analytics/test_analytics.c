/* analytics: N1's figures from an organisation's assessments (computed by
 * assessments_org_stats) as the original shaped and rounded them: the
 * completion rate and averages with Python's round(x, 1), minutes and the
 * weekly rates with round(), the int 0 rate without assessments, and the
 * empty shape without an organisation.  SQLite in a temporary directory. */
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
    assessments_org_stats_t st;
    assert_int_equal(assessments_org_stats(f->db, 1, now, &st), ERR_OK);
    json_t *o = analytics_json(true, &st);
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
    json_decref(o);
}

static void test_rounding_and_empty_shapes(void **state)
{
    assessments_org_stats_t st = {.total = 3, .completed = 1, .has_avg_score = true, .avg_score = 7.25};
    json_t *o = analytics_json(true, &st);
    assert_true(real_of(o, "completion_rate") == 33.3);
    assert_true(real_of(o, "avg_score") == 7.2); /* round(7.25, 1): ties to even */
    assert_true(json_is_null(json_object_get(o, "top_score")));
    json_decref(o);
    assessments_org_stats_t none = {0};
    o = analytics_json(true, &none);
    assert_true(json_is_integer(json_object_get(o, "completion_rate")));
    assert_int_equal(json_integer_value(json_object_get(o, "completion_rate")), 0);
    json_decref(o);
    o = analytics_json(false, NULL);
    assert_int_equal(json_array_size(json_object_get(o, "weekly_completion")), 0);
    assert_true(json_is_null(json_object_get(o, "avg_score")));
    json_decref(o);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_figures, svcdb_setup, svcdb_teardown),
        cmocka_unit_test(test_rounding_and_empty_shapes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
