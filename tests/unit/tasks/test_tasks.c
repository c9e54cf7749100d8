/* tasks: visibility (own tasks and every organisation's templates), the
 * first active task Workable takes, and deletion's refusal while the
 * in-use check (installed by assessments in the binary) says the task is
 * used.  SQLite in a temporary directory. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "components/tasks/internal.h"
#include "svcdb.h"

static int64_t make(svcdb_t *f, tasks_owner_t owner, const char *name, bool is_template, int64_t minutes)
{
    tasks_new_t in = {.name = name,
                      .description = "d",
                      .task_type = "debugging",
                      .difficulty = "easy",
                      .duration_minutes = minutes,
                      .starter_code = "",
                      .test_code = "",
                      .is_template = is_template};
    task_t t;
    const char *detail = NULL;
    assert_int_equal(tasks_svc_create(f->db, f->a, owner, &in, &t, &detail), ERR_OK);
    assert_string_equal(t.name, name);
    return t.id;
}

static void test_visibility(void **state)
{
    svcdb_t *f = *state;
    svcdb_exec(f, "INSERT INTO organizations (id, name, slug) VALUES (1, 'A', 'a'), (2, 'B', 'b')");
    tasks_owner_t a = {true, 1}, b = {true, 2};
    int64_t own = make(f, a, "A's task", false, 45);
    int64_t tpl = make(f, b, "B's template", true, 30);
    int64_t other = make(f, b, "B's task", false, 30);
    task_t t;
    const char *detail = NULL;
    assert_int_equal(tasks_svc_get(f->db, f->a, a, own, &t, &detail), ERR_OK);
    assert_int_equal(t.duration_minutes, 45);
    assert_int_equal(tasks_svc_get(f->db, f->a, a, tpl, &t, &detail), ERR_OK);
    assert_int_equal(tasks_svc_get(f->db, f->a, a, other, &t, &detail), ERR_NOT_FOUND);
    assert_string_equal(detail, "Task not found");
    task_t *list = NULL;
    size_t n = 0;
    assert_int_equal(tasks_svc_list(f->db, f->a, a, &list, &n, &detail), ERR_OK);
    assert_int_equal(n, 2);
    /* a template stays B's: A cannot delete it */
    assert_int_equal(tasks_svc_delete(f->db, a, tpl, &detail), ERR_NOT_FOUND);
}

static void test_first_active_task(void **state)
{
    svcdb_t *f = *state;
    svcdb_exec(f, "INSERT INTO organizations (id, name, slug) VALUES (1, 'A', 'a')");
    int64_t id = 0, minutes = 0;
    bool found = true;
    assert_int_equal(tasks_first_active_for_org(f->db, 1, &id, &minutes, &found), ERR_OK);
    assert_false(found);
    tasks_owner_t a = {true, 1};
    int64_t first = make(f, a, "first", false, 0);
    make(f, a, "second", false, 60);
    assert_int_equal(tasks_first_active_for_org(f->db, 1, &id, &minutes, &found), ERR_OK);
    assert_true(found);
    assert_int_equal(id, first);
    assert_int_equal(minutes, 30); /* "duration_minutes or 30" */
}

static bool used_answer;
static err_t fake_in_use(db_t *db, int64_t task_id, bool *in_use)
{
    *in_use = used_answer;
    return ERR_OK;
}

static void test_delete_refused_while_in_use(void **state)
{
    svcdb_t *f = *state;
    tasks_owner_t none = {false, 0};
    int64_t id = make(f, none, "orphan", false, 30);
    const char *detail = NULL;
    tasks_set_in_use_check(fake_in_use);
    used_answer = true;
    assert_int_equal(tasks_svc_delete(f->db, none, id, &detail), ERR_BAD_REQUEST);
    assert_string_equal(detail, "Cannot delete task: it is used by one or more assessments");
    assert_int_equal(svcdb_int(f, "SELECT COUNT(*) FROM tasks"), 1);
    used_answer = false;
    assert_int_equal(tasks_svc_delete(f->db, none, id, &detail), ERR_OK);
    assert_int_equal(svcdb_int(f, "SELECT COUNT(*) FROM tasks"), 0);
    tasks_set_in_use_check(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_visibility, svcdb_setup, svcdb_teardown),
        cmocka_unit_test_setup_teardown(test_first_active_task, svcdb_setup, svcdb_teardown),
        cmocka_unit_test_setup_teardown(test_delete_refused_while_in_use, svcdb_setup, svcdb_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
