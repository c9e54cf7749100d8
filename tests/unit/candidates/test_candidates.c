/* candidates: organisation scoping, exact-e-mail uniqueness, S1's
 * find-or-create (a given name overwrites), the Workable link, and
 * deletion through the hook assessments installs.  SQLite in a temporary
 * directory. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "components/candidates/internal.h"
#include "svcdb.h"

static void test_scope_and_uniqueness(void **state)
{
    svcdb_t *f = *state;
    svcdb_exec(f, "INSERT INTO organizations (id, name, slug) VALUES (1, 'A', 'a'), (2, 'B', 'b')");
    candidates_scope_t a = {true, 1}, b = {true, 2};
    candidates_candidate_t c;
    assert_int_equal(cand_svc_create(f->db, f->a, a, "x@example.com", "X", "Dev", NULL, &c), ERR_OK);
    int64_t id = c.id;
    assert_int_equal(cand_svc_create(f->db, f->a, a, "x@example.com", "Y", NULL, NULL, &c), ERR_CONFLICT);
    /* another organisation may hold the same address */
    assert_int_equal(cand_svc_create(f->db, f->a, b, "x@example.com", "X", NULL, NULL, &c), ERR_OK);
    assert_int_equal(candidates_get(f->db, f->a, a, id, &c), ERR_OK);
    assert_string_equal(c.position, "Dev");
    assert_int_equal(candidates_get(f->db, f->a, b, id, &c), ERR_NOT_FOUND);
    candidates_candidate_t *items = NULL;
    size_t n = 0;
    int64_t total = 0;
    assert_int_equal(cand_svc_list(f->db, f->a, a, NULL, 50, 0, &items, &n, &total), ERR_OK);
    assert_int_equal(n, 1);
    assert_int_equal(total, 1);
}

static void test_find_or_create(void **state)
{
    svcdb_t *f = *state;
    candidates_scope_t none = {false, 0};
    candidates_candidate_t c;
    bool created = false;
    assert_int_equal(candidates_find_or_create(f->db, f->a, none, "n@example.com", "First", &c, &created), ERR_OK);
    assert_true(created);
    int64_t id = c.id;
    assert_int_equal(candidates_find_or_create(f->db, f->a, none, "n@example.com", "Second", &c, &created), ERR_OK);
    assert_false(created);
    assert_int_equal(c.id, id);
    assert_int_equal(candidates_get_any(f->db, f->a, id, &c), ERR_OK);
    assert_string_equal(c.full_name, "Second");
    assert_int_equal(candidates_set_workable(f->db, id, "wk-1", "{\"id\":\"wk-1\"}"), ERR_OK);
    assert_int_equal(svcdb_int(f, "SELECT COUNT(*) FROM candidates WHERE workable_candidate_id = 'wk-1'"), 1);
    assert_int_equal(candidates_set_workable(f->db, id + 1, "wk-2", NULL), ERR_NOT_FOUND);
}

static int hook_calls;
static err_t fake_detach(db_t *db, int64_t candidate_id)
{
    hook_calls++;
    return ERR_OK;
}

static void test_delete_runs_the_hook(void **state)
{
    svcdb_t *f = *state;
    candidates_scope_t none = {false, 0};
    candidates_candidate_t c;
    assert_int_equal(cand_svc_create(f->db, f->a, none, "d@example.com", NULL, NULL, NULL, &c), ERR_OK);
    candidates_set_delete_hook(fake_detach);
    hook_calls = 0;
    assert_int_equal(candidates_delete(f->db, f->a, none, c.id), ERR_OK);
    assert_int_equal(hook_calls, 1);
    assert_int_equal(candidates_delete(f->db, f->a, none, c.id), ERR_NOT_FOUND);
    assert_int_equal(svcdb_int(f, "SELECT COUNT(*) FROM candidates"), 0);
    candidates_set_delete_hook(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_scope_and_uniqueness, svcdb_setup, svcdb_teardown),
        cmocka_unit_test_setup_teardown(test_find_or_create, svcdb_setup, svcdb_teardown),
        cmocka_unit_test_setup_teardown(test_delete_runs_the_hook, svcdb_setup, svcdb_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
