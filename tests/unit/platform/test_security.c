/* security: fixtures produced by the original's libraries (passlib/bcrypt,
 * python-jose/PyJWT), RFC 4231 HMAC vectors, token properties. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <jwt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "platform/json.h"
#include "platform/security.h"

#define FIXTURE_PW "correct horse battery staple"
#define FIXTURE_HASH "$2b$12$aFN62gmQwF3rHa3iqlrK5OUXYMaKPO5CshHzJcvo0ako4ALua/R5u"
#define DEV_SECRET "dev-secret-key-change-in-production"
#define FIXTURE_JWT                                                                                                    \
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."                                                                            \
    "eyJzdWIiOiJhbGljZUBleGFtcGxlLmNvbSIsInVzZXJfaWQiOjEsImV4cCI6NDEwMjQ0NDgwMH0."                                     \
    "7xWtyL_PvTiInQk1j8A5Z3mnq6O6ZNloSmE0EKxEIKw"
#define FIXTURE_EXP 4102444800LL
#define NOW 1770000000LL

static void test_bcrypt_fixture_verifies(void **state)
{
    assert_true(sec_password_verify(FIXTURE_PW, FIXTURE_HASH));
    assert_false(sec_password_verify("correct horse battery stapler", FIXTURE_HASH));
    assert_false(sec_password_verify("", FIXTURE_HASH));
}

static void test_bcrypt_prefix_variants(void **state)
{
    char h[64];
    snprintf(h, sizeof h, "%s", FIXTURE_HASH);
    h[2] = 'a';
    assert_true(sec_password_verify(FIXTURE_PW, h));
    h[2] = 'y';
    assert_true(sec_password_verify(FIXTURE_PW, h));
    /* $2x$ is verified too (spec v2 D13: today's original accepts it) */
    h[2] = 'x';
    assert_true(sec_password_verify(FIXTURE_PW, h));
    /* other schemes and malformed hashes are refused, not crashed on */
    h[2] = 'z';
    assert_false(sec_password_verify(FIXTURE_PW, h));
    assert_false(sec_password_verify(FIXTURE_PW, "$2b$12$short"));
    assert_false(sec_password_verify(FIXTURE_PW, ""));
    assert_false(sec_password_verify(FIXTURE_PW, NULL));
    assert_false(sec_password_verify(FIXTURE_PW, "$1$abcdefgh$0123456789012345678901234567890123456789012345678"));
    assert_false(sec_password_verify(FIXTURE_PW, "$2b$12$!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"));
}

/* Encoded with Debian's libargon2 (m=1024, t=2, p=1, salt
 * "tali-fixed-salt!", 32-byte hash) for the password "correct horse 1". */
static const char *const argon2_fixtures[] = {
    "$argon2id$v=19$m=1024,t=2,p=1$dGFsaS1maXhlZC1zYWx0IQ$Ix4Dy2hdS4FOz6AC61UwLPDY2pqhmIhiteBA5fns9Zk",
    "$argon2i$v=19$m=1024,t=2,p=1$dGFsaS1maXhlZC1zYWx0IQ$QvN22QaEorE7T4P0WXoHaBMYns8sGdYcmJmbPznzYqQ",
    "$argon2d$v=19$m=1024,t=2,p=1$dGFsaS1maXhlZC1zYWx0IQ$YuS+vwDcYr2eaoS8Z+5/lJg/3vp/+M3bltVRy2qAjA4",
};

static void test_argon2_fixtures_verify(void **state)
{
    for (size_t i = 0; i < sizeof argon2_fixtures / sizeof argon2_fixtures[0]; i++) {
        const char *h = argon2_fixtures[i];
        assert_true(sec_password_verify("correct horse 1", h));
        assert_true(sec_argon2_verify("correct horse 1", h));
        assert_false(sec_password_verify("correct horse 2", h));
        assert_false(sec_password_verify("", h));
    }
    /* the variant named must be the one used */
    char swapped[128];
    snprintf(swapped, sizeof swapped, "$argon2i$%s", argon2_fixtures[0] + strlen("$argon2id$"));
    assert_false(sec_password_verify("correct horse 1", swapped));
    /* malformed: truncated, bad parameters, not Argon2 at all */
    assert_false(sec_password_verify("correct horse 1", "$argon2id$v=19$m=1024,t=2,p=1$dGFsaS1maXhlZC1zYWx0IQ"));
    assert_false(sec_password_verify("correct horse 1", "$argon2id$v=19$m=x,t=2,p=1$AAAA$AAAA"));
    assert_false(sec_password_verify("correct horse 1", "$argon2"));
    assert_false(sec_argon2_verify("correct horse 1", FIXTURE_HASH));
    assert_false(sec_argon2_verify(NULL, argon2_fixtures[0]));
}

static void test_bcrypt_fresh_hash(void **state)
{
    /* meson runs this with BCRYPT_ROUNDS=4; the default cost must be 12 */
    unsetenv("BCRYPT_ROUNDS");
    char *h12 = sec_password_hash("pw");
    assert_non_null(h12);
    assert_int_equal(strlen(h12), 60);
    assert_memory_equal(h12, "$2b$12$", 7);
    free(h12);

    setenv("BCRYPT_ROUNDS", "4", 1);
    char *a = sec_password_hash("s3cret-pass");
    char *b = sec_password_hash("s3cret-pass");
    assert_non_null(a);
    assert_non_null(b);
    assert_int_equal(strlen(a), 60);
    assert_memory_equal(a, "$2b$04$", 7);
    assert_string_not_equal(a, b); /* fresh salt each time */
    assert_true(sec_password_verify("s3cret-pass", a));
    assert_false(sec_password_verify("s3cret-pasS", a));
    free(a);
    free(b);
}

static void test_bcrypt_truncates_at_72(void **state)
{
    setenv("BCRYPT_ROUNDS", "4", 1);
    char long1[100], long2[100], short71[72];
    memset(long1, 'a', 72);
    snprintf(long1 + 72, sizeof long1 - 72, "first-tail");
    memset(long2, 'a', 72);
    snprintf(long2 + 72, sizeof long2 - 72, "other");
    memset(short71, 'a', 71);
    short71[71] = '\0';
    char *h = sec_password_hash(long1);
    assert_non_null(h);
    assert_true(sec_password_verify(long2, h));
    assert_false(sec_password_verify(short71, h));
    free(h);
}

static void test_jwt_fixture_decodes(void **state)
{
    json_t *claims = NULL;
    assert_int_equal(sec_jwt_decode(FIXTURE_JWT, DEV_SECRET, NOW, &claims), SEC_JWT_OK);
    assert_non_null(claims);
    assert_string_equal(json_get_str(claims, "sub"), "alice@example.com");
    long long v;
    assert_true(json_get_int(claims, "user_id", &v));
    assert_int_equal(v, 1);
    assert_true(json_get_int(claims, "exp", &v));
    assert_int_equal(v, FIXTURE_EXP);
    /* the payload keeps its order */
    char *text = json_encode(claims);
    assert_string_equal(text, "{\"sub\":\"alice@example.com\",\"user_id\":1,\"exp\":4102444800}");
    free(text);
    json_decref(claims);
}

static void test_jwt_encode_matches_fixture(void **state)
{
    json_t *claims = json_object();
    json_object_set_new(claims, "sub", json_string("alice@example.com"));
    json_object_set_new(claims, "user_id", json_integer(1));
    json_object_set_new(claims, "exp", json_integer(FIXTURE_EXP));
    char *tok = sec_jwt_encode(claims, DEV_SECRET);
    assert_non_null(tok);
    assert_string_equal(tok, FIXTURE_JWT);
    free(tok);

    /* login claims with org_id null round-trip in order */
    json_t *login = json_pack("{s:s, s:i, s:n, s:I}", "sub", "bob@example.com", "user_id", 7, "org_id", "exp",
                              (json_int_t)(NOW + 1800));
    tok = sec_jwt_encode(login, "k");
    assert_memory_equal(tok, "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.", 37);
    json_t *back = NULL;
    assert_int_equal(sec_jwt_decode(tok, "k", NOW, &back), SEC_JWT_OK);
    char *text = json_encode(back);
    assert_string_equal(text, "{\"sub\":\"bob@example.com\",\"user_id\":7,\"org_id\":null,\"exp\":1770001800}");
    free(text);
    json_decref(back);
    free(tok);
    json_decref(login);
    json_decref(claims);
}

/* Signs header.payload texts with HS256 the way a forger with the key would. */
static char *forge(const char *header, const char *payload, const char *secret)
{
    char *h = sec_b64url_encode(header, strlen(header));
    char *p = sec_b64url_encode(payload, strlen(payload));
    char signing[1024];
    snprintf(signing, sizeof signing, "%s.%s", h, p);
    unsigned char mac[32];
    sec_hmac_sha256(secret, strlen(secret), signing, strlen(signing), mac);
    char *s = sec_b64url_encode(mac, 32);
    char *out = malloc(2048);
    snprintf(out, 2048, "%s.%s", signing, s);
    free(h);
    free(p);
    free(s);
    return out;
}

static void test_jwt_refusals(void **state)
{
    json_t *claims = (json_t *)1;
    /* wrong secret */
    assert_int_equal(sec_jwt_decode(FIXTURE_JWT, "other-secret", NOW, &claims), SEC_JWT_INVALID);
    assert_null(claims);

    /* tampered payload: user_id 2, old signature */
    char *p2 = sec_b64url_encode("{\"sub\":\"alice@example.com\",\"user_id\":2,\"exp\":4102444800}", 55);
    char tampered[512];
    snprintf(tampered, sizeof tampered,
             "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.%s.7xWtyL_PvTiInQk1j8A5Z3mnq6O6ZNloSmE0EKxEIKw", p2);
    free(p2);
    assert_int_equal(sec_jwt_decode(tampered, DEV_SECRET, NOW, &claims), SEC_JWT_INVALID);

    /* tampered signature (last character changed) */
    char badsig[512];
    snprintf(badsig, sizeof badsig, "%s", FIXTURE_JWT);
    badsig[strlen(badsig) - 1] = 'x';
    assert_int_equal(sec_jwt_decode(badsig, DEV_SECRET, NOW, &claims), SEC_JWT_INVALID);

    /* alg none, unsigned and with an empty signature */
    char *nh = sec_b64url_encode("{\"alg\":\"none\",\"typ\":\"JWT\"}", 26);
    char none[512];
    snprintf(none, sizeof none, "%s.eyJzdWIiOiJhbGljZUBleGFtcGxlLmNvbSIsInVzZXJfaWQiOjEsImV4cCI6NDEwMjQ0NDgwMH0.", nh);
    assert_int_equal(sec_jwt_decode(none, DEV_SECRET, NOW, &claims), SEC_JWT_INVALID);
    /* alg none even with a valid HMAC over the parts */
    char *none_signed = forge("{\"alg\":\"none\",\"typ\":\"JWT\"}", "{\"user_id\":1}", DEV_SECRET);
    assert_int_equal(sec_jwt_decode(none_signed, DEV_SECRET, NOW, &claims), SEC_JWT_INVALID);
    free(none_signed);
    free(nh);

    /* HS512 with the right secret, made by libjwt */
    jwt_t *j = NULL;
    assert_int_equal(jwt_new(&j), 0);
    jwt_add_grant_int(j, "user_id", 1);
    jwt_set_alg(j, JWT_ALG_HS512, (const unsigned char *)DEV_SECRET, (int)strlen(DEV_SECRET));
    char *hs512 = jwt_encode_str(j);
    assert_non_null(hs512);
    assert_int_equal(sec_jwt_decode(hs512, DEV_SECRET, NOW, &claims), SEC_JWT_INVALID);
    free(hs512);
    jwt_free(j);

    /* malformed */
    const char *bad[] = {
        "", "abc", "a.b", "a.b.c.d", "..", FIXTURE_JWT ".", "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9..x", "e30.e30.e30"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(sec_jwt_decode(bad[i], DEV_SECRET, NOW, &claims), SEC_JWT_INVALID);
    assert_int_equal(sec_jwt_decode(NULL, DEV_SECRET, NOW, &claims), SEC_JWT_INVALID);

    /* correctly signed but the payload is not a JSON object, or exp is text */
    const char *payloads[] = {"not json",
                              "[1,2]",
                              "{\"exp\":\"4102444800\"}",
                              "{\"sub\":5}",
                              "{\"aud\":\"x\"}",
                              "{\"nbf\":4102444800}",
                              "{\"iat\":\"yesterday\"}"};
    for (size_t i = 0; i < sizeof payloads / sizeof payloads[0]; i++) {
        char *t = forge("{\"alg\":\"HS256\",\"typ\":\"JWT\"}", payloads[i], "k");
        assert_int_equal(sec_jwt_decode(t, "k", NOW, &claims), SEC_JWT_INVALID);
        free(t);
    }
    assert_null(claims);
}

static void test_jwt_expiry(void **state)
{
    json_t *claims = NULL;
    /* exp == now is still valid; one second later it is expired */
    assert_int_equal(sec_jwt_decode(FIXTURE_JWT, DEV_SECRET, FIXTURE_EXP, &claims), SEC_JWT_OK);
    json_decref(claims);
    claims = NULL;
    assert_int_equal(sec_jwt_decode(FIXTURE_JWT, DEV_SECRET, FIXTURE_EXP + 1, &claims), SEC_JWT_EXPIRED);
    assert_null(claims);

    /* a token without exp never expires */
    char *t = forge("{\"alg\":\"HS256\",\"typ\":\"JWT\"}", "{\"user_id\":3}", "k");
    assert_int_equal(sec_jwt_decode(t, "k", FIXTURE_EXP * 2, &claims), SEC_JWT_OK);
    json_decref(claims);
    free(t);

    /* past nbf and an integer iat are fine */
    t = forge("{\"alg\":\"HS256\",\"typ\":\"JWT\"}", "{\"sub\":\"a\",\"iat\":1,\"nbf\":1,\"jti\":\"j\"}", "k");
    claims = NULL;
    assert_int_equal(sec_jwt_decode(t, "k", NOW, &claims), SEC_JWT_OK);
    assert_string_equal(json_get_str(claims, "jti"), "j");
    json_decref(claims);
    free(t);
}

/* A token verified once is remembered (the verified-signature cache):
 * the second decode still checks the claims, and the cache never lets the
 * same bytes through under another secret or a changed signature. */
static void test_jwt_cache(void **state)
{
    json_t *claims = NULL;
    char *t = forge("{\"alg\":\"HS256\",\"typ\":\"JWT\"}", "{\"user_id\":9,\"exp\":2000}", "cache-key");
    for (int i = 0; i < 2; i++) {
        assert_int_equal(sec_jwt_decode(t, "cache-key", 1000, &claims), SEC_JWT_OK);
        assert_int_equal(json_integer_value(json_object_get(claims, "user_id")), 9);
        json_decref(claims);
        claims = NULL;
    }
    /* cached, and still expired once exp has passed */
    assert_int_equal(sec_jwt_decode(t, "cache-key", 2001, &claims), SEC_JWT_EXPIRED);
    /* the same bytes under another secret */
    assert_int_equal(sec_jwt_decode(t, "other-key", 1000, &claims), SEC_JWT_INVALID);
    assert_null(claims);
    /* one character of the signature changed */
    size_t n = strlen(t);
    t[n - 2] = t[n - 2] == 'A' ? 'B' : 'A';
    assert_int_equal(sec_jwt_decode(t, "cache-key", 1000, &claims), SEC_JWT_INVALID);
    assert_null(claims);
    free(t);
}

static void test_random_token(void **state)
{
    char *a = sec_random_token(32);
    char *b = sec_random_token(32);
    assert_non_null(a);
    assert_non_null(b);
    assert_int_equal(strlen(a), 43);
    assert_int_equal(strlen(b), 43);
    assert_string_not_equal(a, b);
    for (const char *p = a; *p; p++)
        assert_non_null(strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", *p));
    free(a);
    free(b);
    char *c = sec_random_token(16);
    assert_int_equal(strlen(c), 22);
    free(c);

    unsigned char buf1[64] = {0}, buf2[64] = {0};
    assert_int_equal(sec_random_bytes(buf1, sizeof buf1), 0);
    assert_int_equal(sec_random_bytes(buf2, sizeof buf2), 0);
    assert_memory_not_equal(buf1, buf2, sizeof buf1);
}

static void test_b64url(void **state)
{
    char *s = sec_b64url_encode("\xfb\xff\xfe", 3);
    assert_string_equal(s, "-__-");
    free(s);
    s = sec_b64url_encode("ab", 2);
    assert_string_equal(s, "YWI");
    free(s);
    s = sec_b64url_encode("", 0);
    assert_string_equal(s, "");
    free(s);
}

static void hex(const unsigned char *p, size_t n, char *out)
{
    for (size_t i = 0; i < n; i++)
        snprintf(out + 2 * i, 3, "%02x", p[i]);
}

static void test_hmac_rfc4231(void **state)
{
    unsigned char mac[32];
    char h[65];

    unsigned char key1[20];
    memset(key1, 0x0b, sizeof key1);
    sec_hmac_sha256(key1, sizeof key1, "Hi There", 8, mac);
    hex(mac, 32, h);
    assert_string_equal(h, "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");

    sec_hmac_sha256_hex("Jefe", 4, "what do ya want for nothing?", 28, h);
    assert_string_equal(h, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");

    unsigned char key6[131];
    memset(key6, 0xaa, sizeof key6);
    const char *d6 = "Test Using Larger Than Block-Size Key - Hash Key First";
    sec_hmac_sha256_hex(key6, sizeof key6, d6, strlen(d6), h);
    assert_string_equal(h, "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");

    unsigned char sha[32];
    sec_sha256("abc", 3, sha);
    hex(sha, 32, h);
    assert_string_equal(h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

static void test_ct_equal(void **state)
{
    assert_true(sec_ct_equal("abc", "abc"));
    assert_true(sec_ct_equal("", ""));
    assert_false(sec_ct_equal("abc", "abd"));
    assert_false(sec_ct_equal("abc", "abcd"));
    assert_false(sec_ct_equal("abc", NULL));
    assert_false(sec_ct_equal(NULL, NULL));
    assert_true(sec_ct_equal_n("a\0b", "a\0b", 3));
    assert_false(sec_ct_equal_n("a\0b", "a\0c", 3));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bcrypt_fixture_verifies),
        cmocka_unit_test(test_bcrypt_prefix_variants),
        cmocka_unit_test(test_argon2_fixtures_verify),
        cmocka_unit_test(test_bcrypt_fresh_hash),
        cmocka_unit_test(test_bcrypt_truncates_at_72),
        cmocka_unit_test(test_jwt_fixture_decodes),
        cmocka_unit_test(test_jwt_encode_matches_fixture),
        cmocka_unit_test(test_jwt_refusals),
        cmocka_unit_test(test_jwt_expiry),
        cmocka_unit_test(test_jwt_cache),
        cmocka_unit_test(test_random_token),
        cmocka_unit_test(test_b64url),
        cmocka_unit_test(test_hmac_rfc4231),
        cmocka_unit_test(test_ct_equal),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
