/* team: an invite creates an active, unverified member of the
 * organisation and the invite e-mail job in one transaction; a taken
 * address (any case) is refused and leaves nothing behind.  SQLite in a
 * temporary directory. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "components/team/team.h"
#include "svcdb.h"

static void test_invite(void **state)
{
    svcdb_t *f = *state;
    svcdb_exec(f, "INSERT INTO organizations (id, name, slug) VALUES (7, 'Team', 'team')");
    auth_user_t u;
    const char *detail = NULL;
    assert_int_equal(team_invite(f->db, f->a, 7, "new@example.com", "New Member", &u, &detail), ERR_OK);
    assert_true(u.has_organization);
    assert_int_equal(u.organization_id, 7);
    assert_true(u.is_active);
    assert_false(u.is_email_verified);
    assert_string_equal(u.full_name, "New Member");
    assert_int_equal(svcdb_int(f, "SELECT COUNT(*) FROM jobs WHERE kind = 'email'"), 1);
    auth_user_t *members = NULL;
    size_t n = 0;
    assert_int_equal(auth_list_org_users(f->db, f->a, 7, &members, &n), ERR_OK);
    assert_int_equal(n, 1);
    assert_string_equal(members[0].email, "new@example.com");
}

static void test_invite_taken_address(void **state)
{
    svcdb_t *f = *state;
    svcdb_exec(f, "INSERT INTO organizations (id, name, slug) VALUES (7, 'Team', 'team')");
    auth_user_t u;
    const char *detail = NULL;
    assert_int_equal(team_invite(f->db, f->a, 7, "dup@example.com", NULL, &u, &detail), ERR_OK);
    assert_int_equal(team_invite(f->db, f->a, 7, "DUP@example.com", NULL, &u, &detail), ERR_BAD_REQUEST);
    assert_string_equal(detail, "Email already exists");
    assert_int_equal(svcdb_int(f, "SELECT COUNT(*) FROM users"), 1);
    assert_int_equal(svcdb_int(f, "SELECT COUNT(*) FROM jobs"), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_invite, svcdb_setup, svcdb_teardown),
        cmocka_unit_test_setup_teardown(test_invite_taken_address, svcdb_setup, svcdb_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
