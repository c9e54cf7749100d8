/* EmailStr behaviour: email-validator 2.x reasons and normalisation
 * (api-contract §1.2). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "platform/json.h"
#include "platform/validate.h"

static void accepts(const char *in, const char *want)
{
    char *reason = NULL;
    char *got = vld_email_normalize(in, strlen(in), &reason);
    if (!got)
        fail_msg("%s rejected: %s", in, reason);
    assert_string_equal(got, want);
    assert_null(reason);
    free(got);
}

static void rejects(const char *in, const char *want)
{
    char *reason = NULL;
    char *got = vld_email_normalize(in, strlen(in), &reason);
    if (got)
        fail_msg("%s accepted as %s", in, got);
    assert_non_null(reason);
    assert_string_equal(reason, want);
    free(reason);
}

static void test_normalisation(void **state)
{
    (void)state;
    accepts("Alice@Example.com", "Alice@example.com");
    accepts("A.B+c@EXAMPLE.COM", "A.B+c@example.com");
    accepts("  bob@example.org\t\n", "bob@example.org");
    accepts("John Doe <john@Example.com>", "john@example.com");
    accepts("\"Doe, John\" <john@example.com>", "john@example.com");
    accepts("<x@example.com>", "x@example.com");
    accepts("Info@Example.com", "info@example.com");
    accepts("Postmaster@example.com", "postmaster@example.com");
    accepts("me@foo.example", "me@foo.example");
    accepts("a@example.com", "a@example.com");
    accepts("user_name-1!#$%&'*+/=?^`{|}~@sub-domain.example.co.uk",
            "user_name-1!#$%&'*+/=?^`{|}~@sub-domain.example.co.uk");
}

static void test_international(void **state)
{
    (void)state;
    accepts("\xc3\xb1o\xc3\xb1o@EJEMPLO.es", "\xc3\xb1o\xc3\xb1o@ejemplo.es");
    accepts("a@M\xc3\x9cNCHEN.de", "a@m\xc3\xbcnchen.de");
    accepts("a@xn--mnchen-3ya.de", "a@m\xc3\xbcnchen.de");
    accepts("\xd0\x98\xd0\xb2\xd0\xb0\xd0\xbd@\xd0\x9f\xd0\xa0\xd0\x98\xd0\x9c\xd0\x95\xd0\xa0.\xd1\x80\xd1\x84",
            "\xd0\x98\xd0\xb2\xd0\xb0\xd0\xbd@\xd0\xbf\xd1\x80\xd0\xb8\xd0\xbc\xd0\xb5\xd1\x80.\xd1\x80\xd1\x84");
    /* the ideographic full stop separates labels */
    accepts("a@example\xe3\x80\x82"
            "com",
            "a@example.com");
}

static void test_contract_reasons(void **state)
{
    (void)state;
    rejects("bad", "An email address must have an @-sign.");
    rejects("a@localhost", "The part after the @-sign is not valid. It should have a period.");
    rejects("a@foo.test",
            "The part after the @-sign is a special-use or reserved name that cannot be used with email.");
    rejects("a@x.local", "The part after the @-sign is a special-use or reserved name that cannot be used with email.");
    rejects("a@my.onion",
            "The part after the @-sign is a special-use or reserved name that cannot be used with email.");
    rejects("a@site.invalid",
            "The part after the @-sign is a special-use or reserved name that cannot be used with email.");
    rejects("a..b@example.com", "An email address cannot have two periods in a row.");
    rejects("a@example..com", "An email address cannot have two periods in a row.");
}

static void test_syntax_reasons(void **state)
{
    (void)state;
    rejects("", "An email address must have an @-sign.");
    rejects(".a@example.com", "An email address cannot start with a period.");
    rejects("a.@example.com", "An email address cannot have a period immediately before the @-sign.");
    rejects("a@.example.com", "An email address cannot have a period immediately after the @-sign.");
    rejects("a@example.com.", "An email address cannot end with a period.");
    rejects("a@-example.com", "An email address cannot have a hyphen immediately after the @-sign.");
    rejects("a@example-.com", "An email address cannot have a period and a hyphen next to each other.");
    rejects(
        "a@ab--cd.com",
        "An email address cannot have two letters followed by two dashes immediately after the @-sign or after a period, except Punycode.");
    rejects("a b@example.com", "The email address contains invalid characters before the @-sign: SPACE.");
    rejects("a(b),c@example.com", "The email address contains invalid characters before the @-sign: '(', ')', ','.");
    rejects("a\\b@example.com", "The email address contains invalid characters before the @-sign: \"\\\".");
    rejects("a@b@example.com", "The part after the @-sign contains invalid characters: '@'.");
    rejects("a@exa_mple.com", "The part after the @-sign contains invalid characters: '_'.");
    rejects("@example.com", "There must be something before the @-sign.");
    rejects("a@", "There must be something after the @-sign.");
    rejects("a@example.123", "The part after the @-sign is not valid. It is not within a valid top-level domain.");
    rejects("\"a b\"@example.com", "Quoting the part before the @-sign is not allowed here.");
    rejects("a@[1.2.3.4]", "A bracketed IPv4 address after the @-sign is not allowed here.");
    rejects("a\xe2\x80\x8b@example.com", "The email address contains unsafe characters: ZERO WIDTH SPACE.");
    rejects(
        "Joe <joe@example.com",
        "An open angle bracket at the start of the email address has to be followed by a close angle bracket at the end.");
}

static void test_lengths(void **state)
{
    (void)state;
    char buf[400];
    memset(buf, 'a', 65);
    strcpy(buf + 65, "@example.com");
    rejects(buf, "The email address is too long before the @-sign (1 character too many).");

    memset(buf, 'b', 64);
    buf[64] = '@';
    memset(buf + 65, 'c', 64);
    strcpy(buf + 129, ".com");
    rejects(buf, "After the @-sign, periods cannot be separated by so many characters (1 character too many).");

    /* 64 + 1 + 63.63.59.com = 256 characters */
    char *p = buf;
    memset(p, 'x', 64);
    p += 64;
    *p++ = '@';
    memset(p, 'a', 63);
    p += 63;
    *p++ = '.';
    memset(p, 'b', 63);
    p += 63;
    *p++ = '.';
    memset(p, 'c', 59);
    p += 59;
    strcpy(p, ".com");
    rejects(buf, "The email address is too long (2 characters too many).");

    char *big = malloc(2100);
    memset(big, 'a', 2049);
    big[2049] = '\0';
    rejects(big, "Length must not exceed 2048 characters");
    free(big);
}

static void test_field_error_shape(void **state)
{
    (void)state;
    mem_arena_t *arena = mem_arena_new();
    const char *text = "{\"email\":\"a@localhost\",\"other\":5}";
    json_t *body = json_parse(text, strlen(text), JSON_MAX_DEPTH_DEFAULT, NULL);
    vld_t v;
    vld_init(&v, arena);
    vld_str_t e;
    assert_false(vld_email(&v, "body", body, "email", VLD_REQUIRED, &e));
    assert_false(vld_email(&v, "body", body, "other", VLD_REQUIRED, &e));
    assert_true(vld_email(&v, "body", body, "cc", VLD_OPTIONAL, &e));
    assert_int_equal(e.presence, VLD_ABSENT);
    json_t *a = vld_take(&v);
    char *got = json_encode(a);
    assert_string_equal(
        got,
        "[{\"type\":\"value_error\",\"loc\":[\"body\",\"email\"],\"msg\":\"value is not a valid email address: The part after the @-sign is not valid. It should have a period.\",\"input\":\"a@localhost\",\"ctx\":{\"reason\":\"The part after the @-sign is not valid. It should have a period.\"}},"
        "{\"type\":\"string_type\",\"loc\":[\"body\",\"other\"],\"msg\":\"Input should be a valid string\",\"input\":5}]");
    free(got);
    json_decref(a);
    vld_free(&v);
    json_decref(body);
    mem_arena_free(arena);
}

/* Arbitrary bytes never crash the validator, and every call either
 * accepts (no reason) or rejects with a reason. */
static void test_garbage_is_handled(void **state)
{
    (void)state;
    static const char alphabet[] = "a@.<>\"\\ -xn[]:\t\xc3\xa9\xe2\x80\x8b\xff\x80Z9_";
    uint32_t seed = 12345;
    char buf[48];
    for (int round = 0; round < 20000; round++) {
        seed = seed * 1103515245u + 12345u;
        size_t len = (seed >> 16) % sizeof buf;
        for (size_t i = 0; i < len; i++) {
            seed = seed * 1103515245u + 12345u;
            buf[i] = alphabet[(seed >> 16) % (sizeof alphabet - 1)];
        }
        char *reason = NULL;
        char *got = vld_email_normalize(buf, len, &reason);
        assert_true((got == NULL) != (reason == NULL));
        if (got)
            assert_true(vld_utf8_valid(got, strlen(got)));
        free(got);
        free(reason);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_normalisation),
        cmocka_unit_test(test_international),
        cmocka_unit_test(test_contract_reasons),
        cmocka_unit_test(test_syntax_reasons),
        cmocka_unit_test(test_lengths),
        cmocka_unit_test(test_field_error_shape),
        cmocka_unit_test(test_garbage_is_handled),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
