/* notifications: a send enqueues one job in the caller's transaction; the
 * job delivers to the local outbox (no Resend key, no SMTP URL) with the
 * template's subject, link and HTML-escaped values.  SQLite in a
 * temporary directory. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "components/notifications/notifications.h"
#include "svcdb.h"

static void deliver(svcdb_t *f)
{
    jobs_runner_t *r = jobs_runner_new(f->pool, "unit");
    notifications_register_jobs(r);
    jobs_runner_drain(r);
    jobs_runner_free(r);
}

static void test_verification_mail_reaches_the_outbox(void **state)
{
    svcdb_t *f = *state;
    assert_int_equal(notifications_send_verification(f->db, "ada@example.com", "Ada <b>&", "tok123"), ERR_OK);
    assert_int_equal(svcdb_int(f, "SELECT COUNT(*) FROM jobs WHERE state = 'queued'"), 1);
    assert_int_equal(svcdb_int(f, "SELECT COUNT(*) FROM outbox"), 0);
    deliver(f);
    assert_int_equal(svcdb_int(f, "SELECT COUNT(*) FROM jobs WHERE state = 'done'"), 1);
    json_t *list = NULL;
    assert_int_equal(notifications_outbox_list(f->db, 10, &list), ERR_OK);
    assert_int_equal(json_array_size(list), 1);
    json_t *m = json_array_get(list, 0);
    assert_string_equal(json_string_value(json_object_get(m, "to")), "ada@example.com");
    assert_string_equal(json_string_value(json_object_get(m, "subject")),
                        "TALI \xe2\x80\x94 Verify your email address");
    const char *link = json_string_value(json_object_get(m, "link"));
    assert_non_null(strstr(link, "/verify-email?token=tok123#/verify-email?token=tok123"));
    const char *html = json_string_value(json_object_get(m, "html"));
    assert_non_null(strstr(html, "Ada &lt;b&gt;&amp;"));
    assert_null(strstr(html, "<b>&"));
    json_decref(list);
}

static void test_rolled_back_send_sends_nothing(void **state)
{
    svcdb_t *f = *state;
    assert_int_equal(db_begin(f->db), ERR_OK);
    assert_int_equal(notifications_send_password_reset(f->db, "bob@example.com", "t"), ERR_OK);
    db_rollback(f->db);
    deliver(f);
    assert_int_equal(svcdb_int(f, "SELECT COUNT(*) FROM jobs"), 0);
    assert_int_equal(svcdb_int(f, "SELECT COUNT(*) FROM outbox"), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_verification_mail_reaches_the_outbox, svcdb_setup, svcdb_teardown),
        cmocka_unit_test_setup_teardown(test_rolled_back_send_sends_nothing, svcdb_setup, svcdb_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
