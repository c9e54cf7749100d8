/* assessments/proof: the JWK, key-id, header and signature rules of the
 * candidate request proof (proof.h).  The elliptic-curve work is
 * OpenSSL's: the point is imported (and checked on the curve) through
 * EVP_PKEY_fromdata, the raw r||s signature is turned into DER with
 * ECDSA_SIG and verified with EVP_DigestVerify over SHA-256. */
#include "components/assessments/proof.h"

#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "platform/security.h"

static int proof_b64_value(unsigned char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '-')
        return 62;
    if (c == '_')
        return 63;
    return -1;
}

bool proof_b64url_decode(const char *s, size_t slen, unsigned char *out, size_t cap, size_t *n)
{
    if (slen % 4 == 1)
        return false;
    uint32_t acc = 0;
    int bits = 0;
    size_t k = 0;
    for (size_t i = 0; i < slen; i++) {
        int v = proof_b64_value((unsigned char)s[i]);
        if (v < 0)
            return false;
        acc = (acc << 6) | (uint32_t)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            if (k == cap)
                return false;
            out[k++] = (unsigned char)(acc >> bits);
            acc &= (1u << bits) - 1;
        }
    }
    /* canonical: the bits past the last byte are zero */
    if (acc != 0)
        return false;
    *n = k;
    return true;
}

/* A JSON string member of exactly 32 canonical base64url bytes. */
static bool proof_coord(const json_t *jwk, const char *name, unsigned char out[32], const char **text)
{
    const json_t *j = json_object_get(jwk, name);
    if (!json_is_string(j))
        return false;
    const char *s = json_string_value(j);
    size_t len = json_string_length(j);
    size_t n = 0;
    if (len != 43 || strlen(s) != len || !proof_b64url_decode(s, len, out, 32, &n) || n != 32)
        return false;
    *text = s;
    return true;
}

static bool proof_member_is(const json_t *jwk, const char *name, const char *want)
{
    const json_t *j = json_object_get(jwk, name);
    return json_is_string(j) && strcmp(json_string_value(j), want) == 0;
}

/* The P-256 public key of point, or NULL when the point is not on the
 * curve (the import decodes and checks it; public_check says so again). */
static EVP_PKEY *proof_pkey(const unsigned char point[65])
{
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
    if (!ctx)
        return NULL;
    char group[] = "prime256v1";
    unsigned char pub[65];
    memcpy(pub, point, sizeof pub);
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, group, 0),
        OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, pub, sizeof pub),
        OSSL_PARAM_construct_end(),
    };
    EVP_PKEY *pkey = NULL;
    if (EVP_PKEY_fromdata_init(ctx) <= 0 || EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) <= 0)
        pkey = NULL;
    EVP_PKEY_CTX_free(ctx);
    if (!pkey)
        return NULL;
    EVP_PKEY_CTX *chk = EVP_PKEY_CTX_new_from_pkey(NULL, pkey, NULL);
    bool ok = chk && EVP_PKEY_public_check(chk) == 1;
    EVP_PKEY_CTX_free(chk);
    if (!ok) {
        EVP_PKEY_free(pkey);
        return NULL;
    }
    return pkey;
}

proof_status_t proof_jwk(const json_t *jwk, proof_key_t *out)
{
    memset(out, 0, sizeof *out);
    if (!json_is_object(jwk) || !proof_member_is(jwk, "kty", "EC") || !proof_member_is(jwk, "crv", "P-256"))
        return PROOF_INVALID;
    const json_t *alg = json_object_get(jwk, "alg");
    if (alg && !proof_member_is(jwk, "alg", "ES256"))
        return PROOF_INVALID;
    if (json_object_get(jwk, "d"))
        return PROOF_INVALID;
    const char *xs = NULL, *ys = NULL;
    out->point[0] = 0x04;
    if (!proof_coord(jwk, "x", out->point + 1, &xs) || !proof_coord(jwk, "y", out->point + 33, &ys))
        return PROOF_INVALID;
    EVP_PKEY *pkey = proof_pkey(out->point);
    if (!pkey)
        return PROOF_INVALID;
    EVP_PKEY_free(pkey);
    char material[6 + 43 + 1 + 43 + 1];
    snprintf(material, sizeof material, "P-256.%s.%s", xs, ys);
    unsigned char digest[32];
    sec_sha256(material, strlen(material), digest);
    char *id = sec_b64url_encode(digest, sizeof digest);
    snprintf(out->key_id, sizeof out->key_id, "%s", id);
    free(id);
    return PROOF_OK;
}

proof_status_t proof_jwk_text(const char *text, size_t len, proof_key_t *out)
{
    memset(out, 0, sizeof *out);
    if (!text)
        return PROOF_INVALID;
    json_t *j = json_loadb(text, len, JSON_REJECT_DUPLICATES, NULL);
    proof_status_t st = j ? proof_jwk(j, out) : PROOF_INVALID;
    json_decref(j);
    return st;
}

static bool proof_charset(const char *s, size_t min, size_t max)
{
    size_t n = 0;
    for (; s[n]; n++) {
        if (n >= max || proof_b64_value((unsigned char)s[n]) < 0)
            return false;
    }
    return n >= min;
}

bool proof_nonce_ok(const char *s)
{
    return s && proof_charset(s, 16, 128);
}

/* 1-12 decimal digits. */
static bool proof_timestamp(const char *s, int64_t *ts)
{
    size_t n = strlen(s);
    if (n == 0 || n > 12)
        return false;
    int64_t v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (s[i] - '0');
    }
    *ts = v;
    return true;
}

char *proof_canonical(const proof_request_t *rq, const char *timestamp, const char *nonce)
{
    unsigned char digest[32];
    sec_sha256(rq->body ? rq->body : "", rq->body ? rq->body_len : 0, digest);
    char hex[65];
    for (size_t i = 0; i < 32; i++)
        snprintf(hex + 2 * i, 3, "%02x", digest[i]);
    char *s = NULL;
    if (asprintf(&s, "v1\n%s\n%s\n%s\n%s\n%s", rq->method, rq->target, hex, timestamp, nonce) < 0)
        abort();
    return s;
}

/* ECDSA P-256/SHA-256 over msg with the raw 64-byte r||s in sig. */
static bool proof_verify(const proof_key_t *key, const unsigned char sig[64], const char *msg, size_t len)
{
    EVP_PKEY *pkey = proof_pkey(key->point);
    if (!pkey)
        return false;
    bool ok = false;
    ECDSA_SIG *es = ECDSA_SIG_new();
    BIGNUM *r = BN_bin2bn(sig, 32, NULL), *s = BN_bin2bn(sig + 32, 32, NULL);
    unsigned char *der = NULL;
    int dlen = -1;
    if (es && r && s && ECDSA_SIG_set0(es, r, s) == 1) {
        r = s = NULL; /* owned by es now */
        dlen = i2d_ECDSA_SIG(es, &der);
    }
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    if (dlen > 0 && md && EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL, pkey) == 1)
        ok = EVP_DigestVerify(md, der, (size_t)dlen, (const unsigned char *)msg, len) == 1;
    EVP_MD_CTX_free(md);
    OPENSSL_free(der);
    BN_free(r);
    BN_free(s);
    ECDSA_SIG_free(es);
    EVP_PKEY_free(pkey);
    return ok;
}

proof_status_t proof_check(const proof_key_t *key, const proof_headers_t *h, const proof_request_t *rq, int64_t now_s,
                           int64_t *ts)
{
    if (!h->key_id || !h->timestamp || !h->nonce || !h->signature)
        return PROOF_MISSING;
    int64_t t = 0;
    if (!sec_ct_equal(h->key_id, key->key_id) || !proof_timestamp(h->timestamp, &t) || !proof_nonce_ok(h->nonce))
        return PROOF_INVALID;
    if (ts)
        *ts = t;
    if (t > now_s + PROOF_MAX_SKEW_S || t < now_s - PROOF_MAX_SKEW_S)
        return PROOF_EXPIRED;
    unsigned char sig[64];
    size_t n = 0;
    size_t slen = strlen(h->signature);
    if (slen != 86 || !proof_b64url_decode(h->signature, slen, sig, sizeof sig, &n) || n != sizeof sig)
        return PROOF_INVALID;
    char *msg = proof_canonical(rq, h->timestamp, h->nonce);
    bool ok = proof_verify(key, sig, msg, strlen(msg));
    free(msg);
    return ok ? PROOF_OK : PROOF_INVALID;
}

void proof_session_hash(const char *session_key, char out[65])
{
    sec_sha256_hex(session_key, strlen(session_key), out);
}
