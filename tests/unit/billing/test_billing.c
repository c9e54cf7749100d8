/* billing: B1's usage rows (an organisation's completed assessments,
 * newest first, at most the limit) and the date the original printed for
 * each ("%b %d, %Y" in UTC, English months whatever the locale).  SQLite
 * in a temporary directory. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "components/assessments/assessments.h"
#include "components/billing/billing.h"
#include "svcdb.h"

static void test_format_date(void **state)
{
    char buf[24];
    assert_string_equal(billing_format_date(0, buf), "Jan 01, 1970");
    assert_string_equal(billing_format_date(1700000000LL * 1000000, buf), "Nov 14, 2023");
    assert_string_equal(billing_format_date(1709251199LL * 1000000 + 999999, buf), "Feb 29, 2024");
}

static void test_usage_rows(void **state)
{
    svcdb_t *f = *state;
    svcdb_exec(f, "INSERT INTO organizations (id, name, slug) VALUES (1, 'A', 'a'), (2, 'B', 'b')");
    svcdb_exec(f, "INSERT INTO assessments (id, organization_id, status, completed_at) VALUES "
                  "(1, 1, 'COMPLETED', '2026-01-02 10:00:00.000000'), "
                  "(2, 1, 'COMPLETED', '2026-01-03 10:00:00.000000'), "
                  "(3, 1, 'IN_PROGRESS', NULL), "
                  "(4, 2, 'COMPLETED', '2026-01-04 10:00:00.000000'), "
                  "(5, 1, 'COMPLETED', '2026-01-01 10:00:00.000000')");
    assessments_usage_row_t *rows = NULL;
    size_t n = 0;
    assert_int_equal(assessments_usage_rows(f->db, f->a, 1, 10, &rows, &n), ERR_OK);
    assert_int_equal(n, 3);
    assert_int_equal(rows[0].assessment_id, 2);
    assert_int_equal(rows[1].assessment_id, 1);
    assert_int_equal(rows[2].assessment_id, 5);
    char buf[24];
    assert_string_equal(billing_format_date(rows[0].completed_at_us, buf), "Jan 03, 2026");
    assert_false(rows[0].has_candidate);
    assert_int_equal(assessments_usage_rows(f->db, f->a, 1, 2, &rows, &n), ERR_OK);
    assert_int_equal(n, 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_format_date),
        cmocka_unit_test_setup_teardown(test_usage_rows, svcdb_setup, svcdb_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
