#include "platform/security.h"

#include <argon2.h>
#include <crypt.h>
#include <errno.h>
#include <jwt.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "platform/json.h"
#include "platform/mem.h"

/* bcrypt reads at most 72 bytes of key; passlib with bcrypt 4 cut longer
 * passwords there silently. */
#define SEC_BCRYPT_MAX_PW 72
#define SEC_BCRYPT_LEN 60
#define SEC_BCRYPT_DEFAULT_ROUNDS 12

/* ---- random ---- */

int sec_random_bytes(void *buf, size_t n)
{
    unsigned char *p = buf;
    while (n > 0) {
        ssize_t got = getrandom(p, n, 0);
        if (got < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        p += got;
        n -= (size_t)got;
    }
    return 0;
}

char *sec_b64url_encode(const void *data, size_t n)
{
    /* EVP_EncodeBlock writes 4 characters per 3 bytes plus a NUL */
    size_t cap = 4 * ((n + 2) / 3) + 1;
    unsigned char *out = xmalloc(cap);
    int len = EVP_EncodeBlock(out, data, (int)n);
    while (len > 0 && out[len - 1] == '=')
        len--;
    out[len] = '\0';
    for (int i = 0; i < len; i++) {
        if (out[i] == '+')
            out[i] = '-';
        else if (out[i] == '/')
            out[i] = '_';
    }
    return (char *)out;
}

/* Decodes URL-safe base64 without padding (as JWS segments are written).
 * Returns a heap buffer (NUL-terminated for convenience) with its length in
 * *outlen, or NULL when s is not such text. */
static unsigned char *sec_b64url_decode(const char *s, size_t n, size_t *outlen)
{
    if (n % 4 == 1)
        return NULL;
    size_t padded = (n + 3) / 4 * 4;
    unsigned char *in = xmalloc(padded + 1);
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '-')
            c = '+';
        else if (c == '_')
            c = '/';
        else if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) {
            free(in);
            return NULL;
        }
        in[i] = (unsigned char)c;
    }
    for (size_t i = n; i < padded; i++)
        in[i] = '=';
    in[padded] = '\0';
    unsigned char *out = xmalloc(padded / 4 * 3 + 1);
    int len = padded ? EVP_DecodeBlock(out, in, (int)padded) : 0;
    free(in);
    if (len < 0) {
        free(out);
        return NULL;
    }
    /* EVP_DecodeBlock counts the bytes the padding stands for */
    len -= (int)(padded - n);
    out[len] = '\0';
    *outlen = (size_t)len;
    return out;
}

char *sec_random_token(size_t nbytes)
{
    unsigned char *raw = xmalloc(nbytes ? nbytes : 1);
    if (sec_random_bytes(raw, nbytes) < 0) {
        /* getrandom() only fails without kernel support, which Linux >= 3.17
         * always has; an unguessable token cannot be made otherwise */
        free(raw);
        return NULL;
    }
    char *tok = sec_b64url_encode(raw, nbytes);
    OPENSSL_cleanse(raw, nbytes);
    free(raw);
    return tok;
}

/* ---- comparison, hashing ---- */

bool sec_ct_equal_n(const void *a, const void *b, size_t n)
{
    if (!a || !b)
        return false;
    return CRYPTO_memcmp(a, b, n) == 0;
}

bool sec_ct_equal(const char *a, const char *b)
{
    if (!a || !b)
        return false;
    size_t la = strlen(a), lb = strlen(b);
    if (la != lb)
        return false;
    return CRYPTO_memcmp(a, b, la) == 0;
}

void sec_hmac_sha256(const void *key, size_t keylen, const void *data, size_t len, unsigned char out[32])
{
    unsigned int outlen = 32;
    static const unsigned char empty[1] = {0};
    HMAC(EVP_sha256(), key ? key : empty, (int)keylen, data ? data : empty, len, out, &outlen);
}

/* 32 bytes as 64 lower-case hex characters and a NUL. */
static void sec_hex32(const unsigned char d[32], char out[65])
{
    static const char hex[] = "0123456789abcdef";
    for (int i = 0; i < 32; i++) {
        out[2 * i] = hex[d[i] >> 4];
        out[2 * i + 1] = hex[d[i] & 15];
    }
    out[64] = '\0';
}

void sec_hmac_sha256_hex(const void *key, size_t keylen, const void *data, size_t len, char out[65])
{
    unsigned char mac[32];
    sec_hmac_sha256(key, keylen, data, len, mac);
    sec_hex32(mac, out);
}

void sec_sha256_hex(const void *data, size_t len, char out[65])
{
    unsigned char d[32];
    sec_sha256(data, len, d);
    sec_hex32(d, out);
}

void sec_sha256(const void *data, size_t len, unsigned char out[32])
{
    static const unsigned char empty[1] = {0};
    SHA256(data ? data : empty, len, out);
}

/* ---- bcrypt ---- */

static unsigned long sec_bcrypt_rounds(void)
{
    const char *s = getenv("BCRYPT_ROUNDS");
    if (s && *s) {
        char *end;
        long v = strtol(s, &end, 10);
        if (*end == '\0' && v >= 4 && v <= 31)
            return (unsigned long)v;
    }
    return SEC_BCRYPT_DEFAULT_ROUNDS;
}

/* The password as bcrypt sees it: at most 72 bytes, NUL-terminated. */
static void sec_bcrypt_key(const char *password, char out[SEC_BCRYPT_MAX_PW + 1])
{
    size_t n = strnlen(password, SEC_BCRYPT_MAX_PW);
    memcpy(out, password, n);
    out[n] = '\0';
}

char *sec_password_hash(const char *password)
{
    char setting[CRYPT_GENSALT_OUTPUT_SIZE];
    /* NULL random bytes: libxcrypt draws the salt from the kernel itself */
    if (!crypt_gensalt_rn("$2b$", sec_bcrypt_rounds(), NULL, 0, setting, (int)sizeof setting))
        return NULL;
    char key[SEC_BCRYPT_MAX_PW + 1];
    sec_bcrypt_key(password ? password : "", key);
    /* struct crypt_data is ~32 KiB: too big for worker thread stacks */
    struct crypt_data *cd = xcalloc(1, sizeof *cd);
    char *res = crypt_rn(key, setting, cd, (int)sizeof *cd);
    char *out = NULL;
    if (res && strncmp(res, "$2b$", 4) == 0 && strlen(res) == SEC_BCRYPT_LEN)
        out = xstrdup(res);
    OPENSSL_cleanse(key, sizeof key);
    OPENSSL_cleanse(cd, sizeof *cd);
    free(cd);
    return out;
}

void sec_password_burn(const char *password)
{
    /* hashing at the current cost is one bcrypt run, the work of a verify */
    char *h = sec_password_hash(password);
    free(h);
}

/* The Argon2 variant an encoded hash names ("$argon2id$", "$argon2i$",
 * "$argon2d$"); false for anything else. */
static bool sec_argon2_type(const char *hash, argon2_type *type)
{
    if (strncmp(hash, "$argon2id$", 10) == 0)
        *type = Argon2_id;
    else if (strncmp(hash, "$argon2i$", 9) == 0)
        *type = Argon2_i;
    else if (strncmp(hash, "$argon2d$", 9) == 0)
        *type = Argon2_d;
    else
        return false;
    return true;
}

bool sec_argon2_verify(const char *secret, const char *hash)
{
    argon2_type type;
    if (!secret || !hash || !sec_argon2_type(hash, &type))
        return false;
    /* libargon2 decodes the parameters, salt and length from the encoded
     * string and compares in constant time; a malformed string is an error. */
    return argon2_verify(hash, secret, strlen(secret), type) == ARGON2_OK;
}

bool sec_password_verify(const char *password, const char *hash)
{
    if (!password || !hash)
        return false;
    if (strncmp(hash, "$argon2", 7) == 0)
        return sec_argon2_verify(password, hash);
    if (strlen(hash) != SEC_BCRYPT_LEN)
        return false;
    if (strncmp(hash, "$2a$", 4) && strncmp(hash, "$2b$", 4) && strncmp(hash, "$2x$", 4) && strncmp(hash, "$2y$", 4))
        return false;
    char key[SEC_BCRYPT_MAX_PW + 1];
    sec_bcrypt_key(password, key);
    struct crypt_data *cd = xcalloc(1, sizeof *cd);
    const char *res = crypt_rn(key, hash, cd, (int)sizeof *cd);
    bool ok = res && res[0] != '*' && sec_ct_equal(res, hash);
    OPENSSL_cleanse(key, sizeof key);
    OPENSSL_cleanse(cd, sizeof *cd);
    free(cd);
    return ok;
}

/* ---- JWT ---- */

/* The header PyJWT/python-jose write for HS256, byte for byte. */
static const char sec_jwt_header[] = "{\"alg\":\"HS256\",\"typ\":\"JWT\"}";

char *sec_jwt_encode(const json_t *claims, const char *secret)
{
    /* libjwt 1.10 dumps claims with sorted keys; the original kept insertion
     * order (sub, user_id, org_id, exp), so the JWS is assembled here and
     * libjwt only verifies. */
    if (!json_is_object(claims) || !secret)
        return NULL;
    char *payload = json_encode(claims);
    char *h64 = sec_b64url_encode(sec_jwt_header, sizeof sec_jwt_header - 1);
    char *p64 = sec_b64url_encode(payload, strlen(payload));
    char *signing = xasprintf("%s.%s", h64, p64);
    unsigned char mac[32];
    sec_hmac_sha256(secret, strlen(secret), signing, strlen(signing), mac);
    char *s64 = sec_b64url_encode(mac, sizeof mac);
    char *token = xasprintf("%s.%s", signing, s64);
    free(payload);
    free(h64);
    free(p64);
    free(signing);
    free(s64);
    return token;
}

/* Decodes one base64url segment holding a JSON object. */
static json_t *sec_jwt_segment_object(const char *s, size_t n)
{
    size_t len;
    unsigned char *raw = sec_b64url_decode(s, n, &len);
    if (!raw)
        return NULL;
    json_t *v = json_parse((const char *)raw, len, JSON_MAX_DEPTH_DEFAULT, NULL);
    free(raw);
    if (v && !json_is_object(v)) {
        json_decref(v);
        return NULL;
    }
    return v;
}

/* A NumericDate claim as a number; false when present but not a number. */
static bool sec_jwt_numeric(const json_t *claims, const char *name, bool *present, double *out)
{
    json_t *v = json_object_get(claims, name);
    *present = v != NULL;
    if (!v)
        return true;
    if (json_is_integer(v))
        *out = (double)json_integer_value(v);
    else if (json_is_real(v))
        *out = json_real_value(v);
    else
        return false;
    return true;
}

/* The remaining claim checks python-jose 3.3 made by default with no
 * audience given: sub and jti must be strings, and a token naming an
 * audience or carrying at_hash was refused. */
static bool sec_jwt_claims_ok(const json_t *payload)
{
    const json_t *sub = json_object_get(payload, "sub");
    const json_t *jti = json_object_get(payload, "jti");
    if ((sub && !json_is_string(sub)) || (jti && !json_is_string(jti)))
        return false;
    return !json_object_get(payload, "aud") && !json_object_get(payload, "at_hash");
}

/* Tokens whose header and signature were verified already, so the next
 * request with the same bearer token skips the HMAC and libjwt's parse.
 * Direct-mapped by a hash of the token, bounded (SEC_JWT_CACHE slots of at
 * most SEC_JWT_CACHE_LEN bytes; longer tokens are not cached), keyed by the
 * token bytes and the secret.  Only the signature is cached: the payload's
 * claims (exp, nbf, ...) are checked on every call, and the user behind
 * the token (password changed, disabled, removed) is its caller's check. */
#define SEC_JWT_CACHE 256
#define SEC_JWT_CACHE_LEN 640
static struct {
    pthread_mutex_t mu;
    struct {
        uint64_t key_hash;
        char token[SEC_JWT_CACHE_LEN];
    } slot[SEC_JWT_CACHE];
} sec_jwt_cache = {.mu = PTHREAD_MUTEX_INITIALIZER};

static uint64_t sec_fnv(uint64_t h, const char *s)
{
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ull;
    }
    return h;
}

/* The slot index of token, and the hash binding it to the secret. */
static size_t sec_jwt_cache_slot(const char *token, const char *secret, uint64_t *key_hash)
{
    uint64_t h = sec_fnv(1469598103934665603ull, token);
    *key_hash = sec_fnv(h ^ 0x9e3779b97f4a7c15ull, secret);
    return (size_t)(h % SEC_JWT_CACHE);
}

static bool sec_jwt_cache_has(const char *token, const char *secret)
{
    uint64_t kh;
    size_t i = sec_jwt_cache_slot(token, secret, &kh);
    pthread_mutex_lock(&sec_jwt_cache.mu);
    bool hit = sec_jwt_cache.slot[i].key_hash == kh && strcmp(sec_jwt_cache.slot[i].token, token) == 0;
    pthread_mutex_unlock(&sec_jwt_cache.mu);
    return hit;
}

static void sec_jwt_cache_add(const char *token, const char *secret)
{
    if (strlen(token) >= SEC_JWT_CACHE_LEN)
        return;
    uint64_t kh;
    size_t i = sec_jwt_cache_slot(token, secret, &kh);
    pthread_mutex_lock(&sec_jwt_cache.mu);
    sec_jwt_cache.slot[i].key_hash = kh;
    snprintf(sec_jwt_cache.slot[i].token, SEC_JWT_CACHE_LEN, "%s", token);
    pthread_mutex_unlock(&sec_jwt_cache.mu);
}

/* The header (HS256 only) and the signature of token: our own
 * constant-time check, then libjwt's parse of the whole token. */
static bool sec_jwt_signature_ok(const char *token, const char *dot1, const char *dot2, const char *secret)
{
    /* Only HS256 is acceptable, whatever libjwt would take. */
    json_t *header = sec_jwt_segment_object(token, (size_t)(dot1 - token));
    const char *alg = json_get_str(header, "alg");
    bool alg_ok = alg && strcmp(alg, "HS256") == 0;
    json_decref(header);
    if (!alg_ok)
        return false;

    /* Our own constant-time signature check: libjwt 1.10 makes no timing
     * promise and treats an empty key as "do not verify". */
    size_t signing_len = (size_t)(dot2 - token);
    unsigned char mac[32];
    sec_hmac_sha256(secret, strlen(secret), token, signing_len, mac);
    char *expect = sec_b64url_encode(mac, sizeof mac);
    bool sig_ok = sec_ct_equal(expect, dot2 + 1);
    free(expect);
    if (!sig_ok)
        return false;

    size_t keylen = strlen(secret);
    if (keylen > 0) {
        jwt_t *jwt = NULL;
        int rc = jwt_decode(&jwt, token, (const unsigned char *)secret, (int)keylen);
        bool lib_ok = rc == 0 && jwt && jwt_get_alg(jwt) == JWT_ALG_HS256;
        jwt_free(jwt);
        if (!lib_ok)
            return false;
    }
    return true;
}

/* PyJWT 2's audience rule: aud is the audience or a list holding it. */
static bool sec_jwt_aud_ok(const json_t *payload, const char *audience)
{
    const json_t *aud = json_object_get(payload, "aud");
    if (json_is_string(aud))
        return strcmp(json_string_value(aud), audience) == 0;
    if (!json_is_array(aud))
        return false;
    size_t i;
    const json_t *v;
    json_array_foreach(aud, i, v) if (json_is_string(v) && strcmp(json_string_value(v), audience) == 0) return true;
    return false;
}

/* The signature of token with secret, through the cache.  Splits token at
 * its two dots into *dot1 and *dot2. */
static bool sec_jwt_verified(const char *token, const char *secret, const char **dot1, const char **dot2)
{
    if (!token || !secret)
        return false;
    *dot1 = strchr(token, '.');
    *dot2 = *dot1 ? strchr(*dot1 + 1, '.') : NULL;
    if (!*dot1 || !*dot2 || strchr(*dot2 + 1, '.') || *dot1 == token || *dot2 == *dot1 + 1 || !(*dot2)[1])
        return false;
    if (sec_jwt_cache_has(token, secret))
        return true;
    if (!sec_jwt_signature_ok(token, *dot1, *dot2, secret))
        return false;
    sec_jwt_cache_add(token, secret);
    return true;
}

sec_jwt_status_t sec_jwt_decode_aud(const char *token, const char *secret, int64_t now_s, const char *audience,
                                    json_t **claims)
{
    const char *dot1, *dot2;
    *claims = NULL;
    if (!audience || !sec_jwt_verified(token, secret, &dot1, &dot2))
        return SEC_JWT_INVALID;
    json_t *payload = sec_jwt_segment_object(dot1 + 1, (size_t)(dot2 - dot1 - 1));
    if (!payload)
        return SEC_JWT_INVALID;
    bool present;
    double t;
    sec_jwt_status_t st = SEC_JWT_OK;
    if (!sec_jwt_numeric(payload, "exp", &present, &t))
        st = SEC_JWT_INVALID;
    else if (present && t <= (double)now_s)
        st = SEC_JWT_EXPIRED;
    else if (!sec_jwt_numeric(payload, "nbf", &present, &t) || (present && t > (double)now_s) ||
             !sec_jwt_numeric(payload, "iat", &present, &t) || !sec_jwt_aud_ok(payload, audience))
        st = SEC_JWT_INVALID;
    if (st != SEC_JWT_OK)
        json_decref(payload);
    else
        *claims = payload;
    return st;
}

bool sec_jwt_names_audience(const char *token)
{
    const char *dot1 = token ? strchr(token, '.') : NULL;
    const char *dot2 = dot1 ? strchr(dot1 + 1, '.') : NULL;
    if (!dot2)
        return false;
    json_t *payload = sec_jwt_segment_object(dot1 + 1, (size_t)(dot2 - dot1 - 1));
    bool has = payload && json_object_get(payload, "aud") != NULL;
    json_decref(payload);
    return has;
}

sec_jwt_status_t sec_jwt_decode(const char *token, const char *secret, int64_t now_s, json_t **claims)
{
    if (claims)
        *claims = NULL;
    const char *dot1, *dot2;
    if (!sec_jwt_verified(token, secret, &dot1, &dot2))
        return SEC_JWT_INVALID;

    /* Claims are taken from the payload as written, keeping key order. */
    json_t *payload = sec_jwt_segment_object(dot1 + 1, (size_t)(dot2 - dot1 - 1));
    if (!payload)
        return SEC_JWT_INVALID;
    bool present;
    double t;
    if (!sec_jwt_numeric(payload, "exp", &present, &t)) {
        json_decref(payload);
        return SEC_JWT_INVALID;
    }
    if (present && t < (double)now_s) {
        json_decref(payload);
        return SEC_JWT_EXPIRED;
    }
    if (!sec_jwt_numeric(payload, "nbf", &present, &t) || (present && t > (double)now_s) ||
        !sec_jwt_numeric(payload, "iat", &present, &t) || !sec_jwt_claims_ok(payload)) {
        json_decref(payload);
        return SEC_JWT_INVALID;
    }
    if (claims)
        *claims = payload;
    else
        json_decref(payload);
    return SEC_JWT_OK;
}
