/* auth password policy (identity spec §1.3): each rule's exact text, the
 * order (first failure wins), the strip and lower-casing of the blocklist
 * check, the e-mail rule both ways, and the blocklist itself (195 sorted
 * entries, 78 of them 8 characters or more). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "components/auth/policy.h"

#define SHORT "Password must be at least 8 characters."
#define LONG "Password must be 72 characters or fewer."
#define COMMON "This password is too common. Choose something less predictable."
#define EMAIL "Password should not contain your email address."

static void test_blocklist_data(void **state)
{
    (void)state;
    assert_int_equal(auth_common_passwords_n, 195);
    size_t long_ones = 0;
    for (size_t i = 0; i < auth_common_passwords_n; i++) {
        if (strlen(auth_common_passwords[i]) >= 8)
            long_ones++;
        if (i > 0)
            assert_true(strcmp(auth_common_passwords[i - 1], auth_common_passwords[i]) < 0);
    }
    assert_int_equal(long_ones, 78);
}

static void test_length_rules(void **state)
{
    (void)state;
    assert_string_equal(auth_password_policy("short12", NULL), SHORT);
    assert_string_equal(auth_password_policy("", NULL), SHORT);
    /* code points, not bytes: 7 two-byte characters are still too short */
    assert_string_equal(auth_password_policy("ééééééé", NULL), SHORT);
    assert_null(auth_password_policy("éééééééé", NULL));
    char pw[80];
    memset(pw, 'k', 72);
    pw[72] = '\0';
    assert_null(auth_password_policy(pw, NULL));
    pw[72] = 'k';
    pw[73] = '\0';
    assert_string_equal(auth_password_policy(pw, NULL), LONG);
    /* 37 two-byte characters: 74 bytes, counted as bytes */
    char wide[80] = {0};
    for (int i = 0; i < 37; i++)
        memcpy(wide + 2 * i, "é", 2);
    assert_string_equal(auth_password_policy(wide, NULL), LONG);
}

static void test_blocklist_rules(void **state)
{
    (void)state;
    assert_string_equal(auth_password_policy("password", NULL), COMMON);
    assert_string_equal(auth_password_policy("PassWord123", NULL), COMMON);
    /* the strip makes short entries matter */
    assert_string_equal(auth_password_policy("  admin  ", NULL), COMMON);
    assert_string_equal(auth_password_policy("\tqwerty\n ", NULL), COMMON);
    assert_null(auth_password_policy("password-not-really", NULL));
    assert_null(auth_password_policy("admin admin", NULL));
    /* length first: a short common password gets the length text */
    assert_string_equal(auth_password_policy("admin", NULL), SHORT);
}

static void test_email_rule(void **state)
{
    (void)state;
    assert_string_equal(auth_password_policy("xxAliceSmith99", "alicesmith@example.com"), EMAIL);
    /* the password inside the local part */
    assert_string_equal(auth_password_policy("jonathan", "jonathanbigname@example.com"), EMAIL);
    /* local parts under 3 characters do not count */
    assert_null(auth_password_policy("xx-ab-horse-battery", "ab@example.com"));
    assert_null(auth_password_policy("correct horse 1", "ada@example.com"));
    assert_null(auth_password_policy("correct horse 1", NULL));
    /* the blocklist wins over the e-mail rule */
    assert_string_equal(auth_password_policy("password", "password@example.com"), COMMON);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_blocklist_data),
        cmocka_unit_test(test_length_rules),
        cmocka_unit_test(test_blocklist_rules),
        cmocka_unit_test(test_email_rule),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
