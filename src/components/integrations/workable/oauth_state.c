/* workable oauth state: mint and consume the signed, one-use `state` of
 * O3/O4 (spec v2 D23), and the scope lists of §2.9.  The JWT carries the
 * claims HEAD's carried (sub and organization_id as strings, aud
 * "workable-oauth", purpose, nonce, iat, exp); the receipt row holds only
 * hashes (oauth_repo.c). */
#include "components/integrations/workable/oauth_state.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "platform/security.h"

#define WORKABLE_STATE_AUD "workable-oauth"
#define WORKABLE_STATE_PURPOSE "workable-oauth-state-v1"

/* SHA-256 hex of s. */
static void workable_sha_hex(const char *s, char out[65])
{
    sec_sha256_hex(s, strlen(s), out);
}

/* The receipt key of a user and workspace: one outstanding flow each. */
static void workable_receipt_key(int64_t user_id, int64_t org_id, char out[65])
{
    char id[48];
    snprintf(id, sizeof id, "%" PRId64 ":%" PRId64, org_id, user_id);
    workable_sha_hex(id, out);
}

err_t workable_state_mint(db_t *db, mem_arena_t *a, const char *secret, int64_t user_id, int64_t org_id,
                          const char **state)
{
    char *nonce = sec_random_token(32);
    if (!nonce)
        return ERR_INTERNAL;
    char key[65], hash[65];
    workable_receipt_key(user_id, org_id, key);
    workable_sha_hex(nonce, hash);
    int64_t now_us = db_now_us(), now_s = now_us / 1000000;
    err_t e = workable_repo_put_receipt(db, key, hash, (now_s + WORKABLE_STATE_TTL_S) * 1000000, now_us);
    char *jwt = NULL;
    if (e == ERR_OK) {
        json_t *c =
            json_pack("{s:s,s:s,s:s,s:s,s:s,s:I,s:I}", "sub", mem_printf(a, "%" PRId64, user_id), "organization_id",
                      mem_printf(a, "%" PRId64, org_id), "aud", WORKABLE_STATE_AUD, "purpose", WORKABLE_STATE_PURPOSE,
                      "nonce", nonce, "iat", (json_int_t)now_s, "exp", (json_int_t)(now_s + WORKABLE_STATE_TTL_S));
        jwt = c ? sec_jwt_encode(c, secret) : NULL;
        json_decref(c);
        e = jwt ? ERR_OK : ERR_INTERNAL;
    }
    free(nonce);
    *state = jwt ? mem_strdup(a, jwt) : NULL;
    free(jwt);
    return e;
}

/* ^[A-Za-z0-9_-]{32,128}$ */
static bool workable_nonce_ok(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n < 32 || n > 128)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
        if (!ok)
            return false;
    }
    return true;
}

/* The claim as HEAD compared it: str(value or "") */
static bool workable_claim_is(const json_t *claims, const char *name, int64_t want)
{
    const json_t *v = json_object_get(claims, name);
    char buf[48];
    snprintf(buf, sizeof buf, "%" PRId64, want);
    if (json_is_string(v))
        return sec_ct_equal(json_string_value(v), buf);
    return json_is_integer(v) && json_integer_value(v) == want;
}

err_t workable_state_consume(db_t *db, const char *secret, const char *state, int64_t user_id, int64_t org_id)
{
    json_t *claims = NULL;
    int64_t now_us = db_now_us();
    if (sec_jwt_decode_aud(state, secret, now_us / 1000000, WORKABLE_STATE_AUD, &claims) != SEC_JWT_OK)
        return ERR_BAD_REQUEST;
    const char *nonce = json_string_value(json_object_get(claims, "nonce"));
    const char *purpose = json_string_value(json_object_get(claims, "purpose"));
    bool valid = workable_nonce_ok(nonce) && purpose && strcmp(purpose, WORKABLE_STATE_PURPOSE) == 0 &&
                 workable_claim_is(claims, "sub", user_id) && workable_claim_is(claims, "organization_id", org_id);
    char key[65], hash[65];
    if (valid) {
        workable_receipt_key(user_id, org_id, key);
        workable_sha_hex(nonce, hash);
    }
    json_decref(claims);
    if (!valid)
        return ERR_BAD_REQUEST;
    bool used = false;
    err_t e = workable_repo_take_receipt(db, key, hash, now_us, &used);
    if (e != ERR_OK)
        return e;
    return used ? ERR_OK : ERR_BAD_REQUEST;
}

/* ---- scopes ---- */

static const char *const workable_known_scopes[] = {"r_jobs", "r_candidates", "w_candidates"};

static const char *workable_known(const char *t, size_t n)
{
    for (size_t i = 0; i < sizeof workable_known_scopes / sizeof *workable_known_scopes; i++)
        if (strlen(workable_known_scopes[i]) == n && memcmp(workable_known_scopes[i], t, n) == 0)
            return workable_known_scopes[i];
    return NULL;
}

static bool workable_sep(char c)
{
    return c == ',' || c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static bool workable_has(const char **v, size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++)
        if (v[i] == s)
            return true;
    return false;
}

/* Splits raw into tokens; strict: the first unknown one is *bad. */
static size_t workable_split(mem_arena_t *a, const char *raw, bool strict, const char ***out, const char **bad,
                             size_t *seen)
{
    const char **v = mem_alloc(a, 4 * sizeof *v);
    size_t n = 0;
    *seen = 0;
    *bad = NULL;
    for (const char *p = raw; p && *p;) {
        while (*p && workable_sep(*p))
            p++;
        const char *b = p;
        while (*p && !workable_sep(*p))
            p++;
        if (p == b)
            continue;
        (*seen)++;
        const char *k = workable_known(b, (size_t)(p - b));
        if (!k && strict && !*bad)
            *bad = mem_strndup(a, b, (size_t)(p - b));
        if (k && !workable_has(v, n, k))
            v[n++] = k;
    }
    v[n] = NULL;
    *out = v;
    return n;
}

const char *workable_scopes_parse(mem_arena_t *a, const char *raw, const char ***tokens, size_t *n)
{
    const char *bad = NULL;
    size_t seen = 0;
    *n = workable_split(a, raw, true, tokens, &bad, &seen);
    if (seen == 0)
        return "No scopes provided";
    if (bad)
        return mem_printf(a, "Unsupported scope: %s", bad);
    if (!workable_has(*tokens, *n, workable_known_scopes[0]) || !workable_has(*tokens, *n, workable_known_scopes[1]))
        return "Scopes must include r_jobs and r_candidates";
    return NULL;
}

size_t workable_scopes_granted(mem_arena_t *a, const char *raw, const char **fallback, size_t nfallback,
                               const char ***tokens)
{
    const char *bad = NULL;
    size_t seen = 0;
    size_t n = raw ? workable_split(a, raw, false, tokens, &bad, &seen) : 0;
    if (n > 0)
        return n;
    *tokens = fallback;
    return nfallback;
}
