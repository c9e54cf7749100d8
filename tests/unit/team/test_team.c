/* team: an invite creates an active, unverified member of the
 * organisation and the invite e-mail job in one transaction; a taken
 * address (any case) is refused with the text that says why and leaves
 * nothing behind; a removed member is restored; the last active owner can
 * be neither removed nor demoted; the password policy's rules in order.
 * SQLite in a temporary directory. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "components/team/team.h"
#include "svcdb.h"

/* Organisation 7 with owner 70 (verified) and the owner as a struct. */
static auth_user_t team_fixture(svcdb_t *f)
{
    svcdb_exec(f, "INSERT INTO organizations (id, name, slug) VALUES (7, 'Team', 'team')");
    svcdb_exec(f, "INSERT INTO users (id, email, hashed_password, full_name, is_active, is_superuser, "
                  "organization_id, is_email_verified, role) VALUES (70, 'owner@example.com', 'x', 'Owner', 1, 0, "
                  "7, 1, 'owner')");
    auth_user_t owner;
    assert_int_equal(auth_member_get(f->db, f->a, 70, &owner), ERR_OK);
    assert_true(owner.is_owner);
    return owner;
}

static void test_invite(void **state)
{
    svcdb_t *f = *state;
    auth_user_t owner = team_fixture(f);
    team_invite_result_t r;
    const char *detail = NULL;
    assert_int_equal(team_invite(f->db, NULL, f->a, &owner, "new@example.com", "New Member", &r, &detail), ERR_OK);
    assert_int_equal(r.member.organization_id, 7);
    assert_true(r.member.is_active);
    assert_false(r.member.is_email_verified);
    assert_false(r.member.is_owner);
    assert_false(r.email_sent); /* no provider configured: the outbox only */
    assert_string_equal(r.member.full_name, "New Member");
    assert_int_equal(svcdb_int(f, "SELECT COUNT(*) FROM jobs WHERE kind = 'email'"), 1);
    assert_int_equal(svcdb_int(f, "SELECT COUNT(*) FROM auth_events WHERE event_type = 'member_invited' "
                                  "AND actor_user_id = 70 AND event_metadata IS NULL"),
                     1);
}

static void test_invite_taken_address(void **state)
{
    svcdb_t *f = *state;
    auth_user_t owner = team_fixture(f);
    team_invite_result_t r;
    const char *detail = NULL;
    assert_int_equal(team_invite(f->db, NULL, f->a, &owner, "dup@example.com", "A", &r, &detail), ERR_OK);
    assert_int_equal(team_invite(f->db, NULL, f->a, &owner, "DUP@example.com", "B", &r, &detail), ERR_BAD_REQUEST);
    assert_string_equal(detail, "dup@example.com already has a pending invite \xe2\x80\x94 use Resend invite to send "
                                "it again.");
    assert_int_equal(team_invite(f->db, NULL, f->a, &owner, "OWNER@example.com", "C", &r, &detail), ERR_BAD_REQUEST);
    assert_string_equal(detail, "You're already a member of this workspace.");
    assert_int_equal(svcdb_int(f, "SELECT COUNT(*) FROM users"), 2);
    assert_int_equal(svcdb_int(f, "SELECT COUNT(*) FROM jobs"), 1);
}

static void test_remove_restore_and_owner_guard(void **state)
{
    svcdb_t *f = *state;
    auth_user_t owner = team_fixture(f);
    team_invite_result_t r;
    const char *detail = NULL;
    assert_int_equal(team_invite(f->db, NULL, f->a, &owner, "m@example.com", "M", &r, &detail), ERR_OK);
    int64_t m = r.member.id;
    assert_int_equal(auth_member_set_role(f->db, 7, 70, false), ERR_CONFLICT);
    assert_int_equal(auth_member_remove(f->db, 7, 70), ERR_CONFLICT);
    assert_int_equal(auth_member_remove(f->db, 8, m), ERR_NOT_FOUND);
    assert_int_equal(team_remove(f->db, NULL, f->a, &owner, m, &detail), ERR_OK);
    assert_int_equal(svcdb_int(f, "SELECT is_active FROM users WHERE id = 70"), 1);
    assert_int_equal(team_invite(f->db, NULL, f->a, &owner, "m@example.com", "Renamed", &r, &detail), ERR_OK);
    assert_int_equal(r.member.id, m);
    assert_true(r.member.is_active);
    assert_string_equal(r.member.full_name, "Renamed");
    /* a second owner lets the first step down */
    assert_int_equal(auth_member_set_role(f->db, 7, m, true), ERR_OK);
    assert_int_equal(auth_member_set_role(f->db, 7, 70, false), ERR_OK);
    assert_int_equal(auth_member_set_role(f->db, 7, m, false), ERR_CONFLICT);
}

static void test_password_policy(void **state)
{
    (void)state;
    assert_string_equal(auth_password_policy("short", NULL), "Password must be at least 8 characters.");
    /* 8 code points but 16 bytes is long enough; 73 bytes is too long */
    assert_null(auth_password_policy("\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9", NULL));
    char long_pw[74];
    memset(long_pw, 'q', 73);
    long_pw[73] = '\0';
    assert_string_equal(auth_password_policy(long_pw, NULL), "Password must be 72 characters or fewer.");
    assert_string_equal(auth_password_policy("  PassWord  ", NULL),
                        "This password is too common. Choose something less predictable.");
    assert_string_equal(auth_password_policy("xx-alice-xx", "Alice@example.com"),
                        "Password should not contain your email address.");
    assert_null(auth_password_policy("xx-al-xx-yy", "al@example.com"));
    assert_null(auth_password_policy("correct horse 1", "alice@example.com"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_invite, svcdb_setup, svcdb_teardown),
        cmocka_unit_test_setup_teardown(test_invite_taken_address, svcdb_setup, svcdb_teardown),
        cmocka_unit_test_setup_teardown(test_remove_restore_and_owner_guard, svcdb_setup, svcdb_teardown),
        cmocka_unit_test(test_password_policy),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
