/* auth: registration (the organisation through the creator main installs,
 * the verification e-mail job, case-insensitive uniqueness), e-mail
 * verification and login's ladder.  SQLite in a temporary directory. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "components/auth/internal.h"
#include "svcdb.h"

/* A stand-in for organizations_create (auth knows only the hook): a row
 * with a fixed id, inside the registration's transaction. */
static char fake_org_name[64];
static err_t fake_org_create(db_t *db, const char *name, int64_t *id)
{
    snprintf(fake_org_name, sizeof fake_org_name, "%s", name);
    *id = 4242;
    db_value_t p[] = {DB_V_INT(*id), DB_V_TEXT(name)};
    int64_t n = 0;
    return db_exec(db, "INSERT INTO organizations (id, name, slug) VALUES ($1, $2, 'fake')", p, 2, &n);
}

static err_t reg(svcdb_t *f, const char *email, const char *org, auth_user_t *u, const char **detail)
{
    auth_register_in_t in = {
        .email = email, .password = "correct horse 9", .full_name = "Ada", .organization_name = org};
    return auth_svc_register(f->db, f->a, &in, u, detail);
}

static void test_register_needs_the_org_creator(void **state)
{
    svcdb_t *f = *state;
    auth_user_t u;
    const char *detail = NULL;
    auth_set_org_creator(NULL);
    assert_int_equal(reg(f, "ada@example.com", "Acme", &u, &detail), ERR_INTERNAL);
    assert_int_equal(svcdb_int(f, "SELECT COUNT(*) FROM users"), 0);
    assert_int_equal(svcdb_int(f, "SELECT COUNT(*) FROM jobs"), 0);
    /* without an organisation the creator is not needed */
    assert_int_equal(reg(f, "ada@example.com", "", &u, &detail), ERR_OK);
    assert_false(u.has_organization);
}

static void test_register_with_org_and_mail(void **state)
{
    svcdb_t *f = *state;
    auth_user_t u;
    const char *detail = NULL;
    auth_set_org_creator(fake_org_create);
    assert_int_equal(reg(f, "grace@example.com", "Navy Labs", &u, &detail), ERR_OK);
    assert_string_equal(fake_org_name, "Navy Labs");
    assert_true(u.has_organization);
    assert_int_equal(u.organization_id, 4242);
    assert_true(u.is_active);
    assert_false(u.is_email_verified);
    assert_int_equal(svcdb_int(f, "SELECT COUNT(*) FROM jobs WHERE kind = 'email'"), 1);
    /* the same address in another case is taken */
    assert_int_equal(reg(f, "GRACE@example.com", NULL, &u, &detail), ERR_BAD_REQUEST);
    assert_string_equal(detail, AUTH_D_EMAIL_TAKEN);
    assert_int_equal(svcdb_int(f, "SELECT COUNT(*) FROM users"), 1);
    auth_set_org_creator(NULL);
}

static void test_verify_then_login(void **state)
{
    svcdb_t *f = *state;
    auth_user_t u;
    const char *detail = NULL, *token = NULL;
    assert_int_equal(reg(f, "linus@example.com", NULL, &u, &detail), ERR_OK);
    assert_int_equal(auth_svc_login(f->db, f->a, "linus@example.com", "correct horse 9", &token, &detail),
                     ERR_FORBIDDEN);
    assert_string_equal(detail, AUTH_D_UNVERIFIED);

    db_res_t *r = NULL;
    assert_int_equal(db_query(f->db, "SELECT email_verification_token FROM users", NULL, 0, &r), ERR_OK);
    char *vt = mem_strdup(f->a, db_res_text(r, 0, 0));
    db_res_free(r);
    assert_int_equal(auth_svc_verify_email(f->db, f->a, "not-the-token", &detail), ERR_BAD_REQUEST);
    assert_string_equal(detail, AUTH_D_BAD_VERIFY_LINK);
    assert_int_equal(auth_svc_verify_email(f->db, f->a, vt, &detail), ERR_OK);

    assert_int_equal(auth_svc_login(f->db, f->a, "linus@example.com", "wrong", &token, &detail), ERR_UNAUTHORIZED);
    assert_string_equal(detail, AUTH_D_BAD_LOGIN);
    assert_int_equal(auth_svc_login(f->db, f->a, "nobody@example.com", "x", &token, &detail), ERR_UNAUTHORIZED);
    token = NULL;
    assert_int_equal(auth_svc_login(f->db, f->a, "Linus@Example.com", "correct horse 9", &token, &detail), ERR_OK);
    assert_non_null(token);
    assert_int_equal((int)(strchr(token, '.') != NULL), 1); /* a JWT */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_register_needs_the_org_creator, svcdb_setup, svcdb_teardown),
        cmocka_unit_test_setup_teardown(test_register_with_org_and_mail, svcdb_setup, svcdb_teardown),
        cmocka_unit_test_setup_teardown(test_verify_then_login, svcdb_setup, svcdb_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
