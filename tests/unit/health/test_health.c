/* health: the probe behind GET /health reports the database and the job
 * queue's counts; without a connection everything is down.  SQLite in a
 * temporary directory. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "components/health/health.h"
#include "svcdb.h"

static void test_healthy_with_counts(void **state)
{
    svcdb_t *f = *state;
    svcdb_exec(f, "INSERT INTO jobs (kind, payload) VALUES ('a', '{}')");
    svcdb_exec(f, "INSERT INTO jobs (kind, payload) VALUES ('b', '{}')");
    svcdb_exec(f, "INSERT INTO jobs (kind, payload, state) VALUES ('c', '{}', 'failed')");
    health_status_t st;
    health_check(f->db, &st);
    assert_true(st.database);
    assert_true(st.jobs);
    assert_int_equal(st.stats.queued, 2);
    assert_int_equal(st.stats.running, 0);
    assert_int_equal(st.stats.failed, 1);
    assert_string_equal(health_status_name(&st), "healthy");
}

static void test_degraded_without_database(void **state)
{
    health_status_t st;
    health_check(NULL, &st);
    assert_false(st.database);
    assert_false(st.jobs);
    assert_int_equal(st.stats.queued, 0);
    assert_string_equal(health_status_name(&st), "degraded");
}

static void test_degraded_without_jobs_table(void **state)
{
    svcdb_t *f = *state;
    svcdb_exec(f, "DROP TABLE jobs");
    health_status_t st;
    health_check(f->db, &st);
    assert_true(st.database);
    assert_false(st.jobs);
    assert_string_equal(health_status_name(&st), "degraded");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_healthy_with_counts, svcdb_setup, svcdb_teardown),
        cmocka_unit_test(test_degraded_without_database),
        cmocka_unit_test_setup_teardown(test_degraded_without_jobs_table, svcdb_setup, svcdb_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
