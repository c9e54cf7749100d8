/* apikeys: minting (secret shape, the stored SHA-256, scope rules),
 * revoking (idempotent, per organisation) and the key check of identity
 * spec §1.8 (token from the headers, the 401/403 texts, revoked and
 * expired keys refused, last_used_at rewritten at most once a minute).
 * SQLite in a temporary directory; times are given, not waited for. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "components/apikeys/apikeys.h"
#include "platform/security.h"
#include "svcdb.h"

#define SEC 1000000LL

static void orgs(svcdb_t *f)
{
    svcdb_exec(f, "INSERT INTO organizations (id, name, slug) VALUES (7, 'Seven', 'seven'), (8, 'Eight', 'eight')");
}

/* Mints a key of org with the given scopes (NULL: the defaults). */
static const char *mint(svcdb_t *f, int64_t org, const char **scopes, size_t n, bool is_test, apikeys_key_t *k)
{
    apikeys_new_t in = {.organization_id = org,
                        .name = "key",
                        .scopes_given = scopes != NULL,
                        .scopes = scopes,
                        .nscopes = n,
                        .is_test = is_test};
    const char *secret = NULL, *detail = NULL;
    assert_int_equal(apikeys_mint(f->db, f->a, &in, k, &secret, &detail), ERR_OK);
    return secret;
}

static bool urlsafe(const char *s)
{
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') || *s == '-' ||
              *s == '_'))
            return false;
    return true;
}

static int64_t stored_last_used(svcdb_t *f, int64_t id)
{
    char sql[160];
    snprintf(sql, sizeof sql, "SELECT CAST(strftime('%%s', last_used_at) AS INTEGER) FROM api_keys WHERE id = %lld",
             (long long)id);
    return svcdb_int(f, sql);
}

static void test_mint_stores_only_the_hash(void **state)
{
    svcdb_t *f = *state;
    orgs(f);
    apikeys_key_t k;
    const char *secret = mint(f, 7, NULL, 0, false, &k);
    assert_int_equal(strlen(secret), 10 + 43);
    assert_memory_equal(secret, "tali_live_", 10);
    assert_true(urlsafe(secret + 10));
    assert_int_equal(strlen(k.prefix), 16);
    assert_memory_equal(k.prefix, secret, 16);
    assert_int_equal(k.nscopes, 3);
    for (size_t i = 0; i < 3; i++)
        assert_string_equal(k.scopes[i], apikeys_default_scopes[i]);

    unsigned char d[32];
    char hex[65], sql[200];
    sec_sha256(secret, strlen(secret), d);
    for (size_t i = 0; i < 32; i++)
        snprintf(hex + 2 * i, 3, "%02x", d[i]);
    snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM api_keys WHERE hashed_secret = '%s' AND id = %lld", hex,
             (long long)k.id);
    assert_int_equal(svcdb_int(f, sql), 1);
    snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM api_keys WHERE instr(hashed_secret || name || prefix, '%s') > 0",
             secret + 16);
    assert_int_equal(svcdb_int(f, sql), 0);

    apikeys_key_t t;
    assert_memory_equal(mint(f, 7, NULL, 0, true, &t), "tali_test_", 10);
    assert_true(t.is_test);
}

static void test_scope_rules(void **state)
{
    svcdb_t *f = *state;
    orgs(f);
    apikeys_key_t k;
    const char *dup[] = {"assessments:write", "roles:read", "assessments:write"};
    mint(f, 7, dup, 3, false, &k);
    assert_int_equal(k.nscopes, 2);
    assert_string_equal(k.scopes[0], "assessments:write");
    assert_string_equal(k.scopes[1], "roles:read");
    mint(f, 7, dup, 0, false, &k); /* an explicit empty list stays empty */
    assert_int_equal(k.nscopes, 0);

    const char *bad[] = {"roles:read", "internal:search-canary:read"};
    apikeys_new_t in = {.organization_id = 7, .name = "bad", .scopes_given = true, .scopes = bad, .nscopes = 2};
    const char *secret = NULL, *detail = NULL;
    assert_int_equal(apikeys_mint(f->db, f->a, &in, &k, &secret, &detail), ERR_BAD_REQUEST);
    assert_string_equal(detail, "Unknown API key scope: internal:search-canary:read");
    assert_null(secret);
    assert_int_equal(svcdb_int(f, "SELECT COUNT(*) FROM api_keys"), 2);
}

static void test_list_and_revoke(void **state)
{
    svcdb_t *f = *state;
    orgs(f);
    apikeys_key_t a, b, other, r;
    mint(f, 7, NULL, 0, false, &a);
    mint(f, 7, NULL, 0, false, &b);
    mint(f, 8, NULL, 0, false, &other);
    apikeys_key_t *keys = NULL;
    size_t n = 0;
    assert_int_equal(apikeys_list(f->db, f->a, 7, &keys, &n), ERR_OK);
    assert_int_equal(n, 2);
    assert_int_equal(keys[0].id, b.id); /* newest first */
    assert_int_equal(keys[1].id, a.id);

    assert_int_equal(apikeys_revoke(f->db, f->a, 7, other.id, &r), ERR_NOT_FOUND);
    assert_int_equal(svcdb_int(f, "SELECT COUNT(*) FROM api_keys WHERE revoked_at IS NOT NULL"), 0);
    assert_int_equal(apikeys_revoke(f->db, f->a, 7, a.id, &r), ERR_OK);
    assert_true(r.has_revoked_at);
    int64_t first = r.revoked_at;
    assert_int_equal(apikeys_revoke(f->db, f->a, 7, a.id, &r), ERR_OK);
    assert_int_equal(r.revoked_at, first);
    assert_int_equal(apikeys_list(f->db, f->a, 7, &keys, &n), ERR_OK);
    assert_int_equal(n, 2);
}

static void test_token_from_headers(void **state)
{
    (void)state;
    assert_string_equal(apikeys_token_from("Bearer tali_live_x", NULL), "tali_live_x");
    assert_string_equal(apikeys_token_from("bEaReR tali_live_x", "tali_live_y"), "tali_live_x");
    assert_string_equal(apikeys_token_from(NULL, "tali_live_y"), "tali_live_y");
    /* another scheme, or a Bearer without credentials, falls back to X-API-Key */
    assert_string_equal(apikeys_token_from("Basic abc", "tali_live_y"), "tali_live_y");
    assert_string_equal(apikeys_token_from("Bearer ", "tali_live_y"), "tali_live_y");
    assert_string_equal(apikeys_token_from("Bearertali_live_x", "tali_live_y"), "tali_live_y");
    /* a Bearer JWT wins over a valid X-API-Key (the original's quirk) */
    assert_string_equal(apikeys_token_from("Bearer eyJ.a.b", "tali_live_y"), "eyJ.a.b");
    assert_null(apikeys_token_from("Basic abc", ""));
    assert_null(apikeys_token_from(NULL, NULL));
}

static void test_authenticate(void **state)
{
    svcdb_t *f = *state;
    orgs(f);
    apikeys_key_t k, got;
    const char *scopes[] = {"roles:read"};
    const char *secret = mint(f, 8, scopes, 1, false, &k);
    const char *detail = NULL;
    int64_t now = db_now_us();

    assert_int_equal(apikeys_authenticate(f->db, f->a, secret, "roles:read", now, &got, &detail), ERR_OK);
    assert_int_equal(got.id, k.id);
    assert_int_equal(got.organization_id, 8);
    assert_int_equal(apikeys_authenticate(f->db, f->a, secret, NULL, now, &got, &detail), ERR_OK);

    assert_int_equal(apikeys_authenticate(f->db, f->a, secret, "assessments:write", now, &got, &detail), ERR_FORBIDDEN);
    assert_string_equal(detail, "API key missing required scope: assessments:write");

    const char *malformed[] = {NULL, "", "eyJhbGciOiJIUzI1NiJ9.e30.x", "TALI_LIVE_abc", "tali_abc"};
    for (size_t i = 0; i < sizeof malformed / sizeof malformed[0]; i++) {
        detail = NULL;
        assert_int_equal(apikeys_authenticate(f->db, f->a, malformed[i], NULL, now, &got, &detail), ERR_UNAUTHORIZED);
        assert_string_equal(detail, "Missing or malformed API key");
    }
    char wrong[64];
    snprintf(wrong, sizeof wrong, "%s", secret);
    wrong[20] = wrong[20] == 'A' ? 'B' : 'A';
    assert_int_equal(apikeys_authenticate(f->db, f->a, wrong, NULL, now, &got, &detail), ERR_UNAUTHORIZED);
    assert_string_equal(detail, "Invalid, revoked, or expired API key");
    /* the prefix alone is not the key */
    assert_int_equal(apikeys_authenticate(f->db, f->a, k.prefix, NULL, now, &got, &detail), ERR_UNAUTHORIZED);
    assert_string_equal(detail, "Invalid, revoked, or expired API key");
}

static void test_revoked_and_expired_are_refused(void **state)
{
    svcdb_t *f = *state;
    orgs(f);
    apikeys_key_t k, got;
    const char *detail = NULL;
    const char *secret = mint(f, 7, NULL, 0, false, &k);
    int64_t now = db_now_us();
    assert_int_equal(apikeys_revoke(f->db, f->a, 7, k.id, &got), ERR_OK);
    assert_int_equal(apikeys_authenticate(f->db, f->a, secret, NULL, now, &got, &detail), ERR_UNAUTHORIZED);
    assert_string_equal(detail, "Invalid, revoked, or expired API key");

    apikeys_new_t in = {.organization_id = 7, .name = "exp", .has_expires_at = true, .expires_at = now + 10 * SEC};
    const char *s2 = NULL;
    assert_int_equal(apikeys_mint(f->db, f->a, &in, &k, &s2, &detail), ERR_OK);
    assert_int_equal(apikeys_authenticate(f->db, f->a, s2, NULL, now + 10 * SEC - 1, &got, &detail), ERR_OK);
    /* expires_at <= now is refused: the very microsecond, and after */
    assert_int_equal(apikeys_authenticate(f->db, f->a, s2, NULL, now + 10 * SEC, &got, &detail), ERR_UNAUTHORIZED);
    assert_string_equal(detail, "Invalid, revoked, or expired API key");
    assert_int_equal(apikeys_authenticate(f->db, f->a, s2, NULL, now + 3600 * SEC, &got, &detail), ERR_UNAUTHORIZED);
}

static void test_last_used_at_once_a_minute(void **state)
{
    svcdb_t *f = *state;
    orgs(f);
    apikeys_key_t k, got;
    const char *detail = NULL;
    const char *secret = mint(f, 7, NULL, 0, false, &k);
    assert_false(k.has_last_used_at);
    int64_t t0 = 1900000000LL * SEC; /* whole seconds, so strftime('%s') reads them back exactly */

    assert_int_equal(apikeys_authenticate(f->db, f->a, secret, NULL, t0, &got, &detail), ERR_OK);
    assert_int_equal(stored_last_used(f, k.id), 1900000000LL);
    assert_int_equal(got.last_used_at, t0);
    /* within 60 s: no rewrite */
    assert_int_equal(apikeys_authenticate(f->db, f->a, secret, NULL, t0 + 30 * SEC, &got, &detail), ERR_OK);
    assert_int_equal(stored_last_used(f, k.id), 1900000000LL);
    assert_int_equal(apikeys_authenticate(f->db, f->a, secret, NULL, t0 + 60 * SEC, &got, &detail), ERR_OK);
    assert_int_equal(stored_last_used(f, k.id), 1900000000LL);
    /* past 60 s: rewritten, and the next minute counts from there */
    assert_int_equal(apikeys_authenticate(f->db, f->a, secret, NULL, t0 + 61 * SEC, &got, &detail), ERR_OK);
    assert_int_equal(stored_last_used(f, k.id), 1900000061LL);
    assert_int_equal(apikeys_authenticate(f->db, f->a, secret, NULL, t0 + 100 * SEC, &got, &detail), ERR_OK);
    assert_int_equal(stored_last_used(f, k.id), 1900000061LL);
    /* a refused key (wrong scope) still counts as used, as the original records it before the scope check */
    assert_int_equal(apikeys_authenticate(f->db, f->a, secret, "assessments:write", t0 + 200 * SEC, &got, &detail),
                     ERR_FORBIDDEN);
    assert_int_equal(stored_last_used(f, k.id), 1900000200LL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_mint_stores_only_the_hash, svcdb_setup, svcdb_teardown),
        cmocka_unit_test_setup_teardown(test_scope_rules, svcdb_setup, svcdb_teardown),
        cmocka_unit_test_setup_teardown(test_list_and_revoke, svcdb_setup, svcdb_teardown),
        cmocka_unit_test(test_token_from_headers),
        cmocka_unit_test_setup_teardown(test_authenticate, svcdb_setup, svcdb_teardown),
        cmocka_unit_test_setup_teardown(test_revoked_and_expired_are_refused, svcdb_setup, svcdb_teardown),
        cmocka_unit_test_setup_teardown(test_last_used_at_once_a_minute, svcdb_setup, svcdb_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
