/* fuzz_candidate_proof: the candidate request proof parser of
 * components/assessments/proof.c (spec v2 §2.4), two ways, chosen by the
 * first byte:
 *   0: "jwk JSON\0key-id\0timestamp\0nonce\0signature\0method\0target\0body"
 *      - any JWK and any headers, through proof_jwk, proof_jwk_text and
 *      proof_check; and the signature header through proof_b64url_decode;
 *   1: "timestamp offset\0nonce\0method\0target\0body" - a request the
 *      target signs correctly with its own P-256 key, so the input gets
 *      past the header checks into the signature verification.
 * Checks proof.h: a decoded base64url string encodes back to itself
 * (canonical); a JWK that validates has a 43-character key id, the same
 * from its JSON text; a check returns PROOF_OK only with all four headers
 * and the right key id; a correctly signed request within the window
 * verifies, and the same proof over another body never does. */
#include "fuzz.h"

#include <jansson.h>
#include <stdbool.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>

#include "components/assessments/proof.h"
#include "platform/security.h"

#define FZ_NOW 1700000000

static EVP_PKEY *fz_key;
static proof_key_t fz_pub;

static char *fz_coord(const char *name)
{
    BIGNUM *bn = NULL;
    unsigned char raw[32];
    if (EVP_PKEY_get_bn_param(fz_key, name, &bn) != 1 || BN_bn2binpad(bn, raw, 32) != 32)
        abort();
    BN_free(bn);
    return sec_b64url_encode(raw, sizeof raw);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fz_key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
    if (!fz_key)
        abort();
    char *x = fz_coord(OSSL_PKEY_PARAM_EC_PUB_X), *y = fz_coord(OSSL_PKEY_PARAM_EC_PUB_Y);
    json_t *jwk = json_pack("{s:s, s:s, s:s, s:s}", "kty", "EC", "crv", "P-256", "x", x, "y", y);
    FUZZ_CHECK(proof_jwk(jwk, &fz_pub) == PROOF_OK);
    json_decref(jwk);
    free(x);
    free(y);
    return 0;
}

static void fz_b64(const char *s)
{
    unsigned char out[256];
    size_t n = 0;
    if (!proof_b64url_decode(s, strlen(s), out, sizeof out, &n))
        return;
    char *back = sec_b64url_encode(out, n);
    FUZZ_CHECK(strcmp(back, s) == 0);
    free(back);
}

static void fz_any(fuzz_input_t *in)
{
    size_t jlen = 0, blen = 0;
    char *jwk_text = fuzz_next(in, '\0', &jlen);
    proof_headers_t h;
    char *kid = fuzz_next(in, '\0', NULL), *ts = fuzz_next(in, '\0', NULL), *nonce = fuzz_next(in, '\0', NULL);
    char *sig = fuzz_next(in, '\0', NULL), *method = fuzz_next(in, '\0', NULL), *target = fuzz_next(in, '\0', NULL);
    char *body = fuzz_next(in, '\0', &blen);
    fz_b64(sig);
    fz_b64(kid);
    proof_key_t key;
    proof_status_t st = proof_jwk_text(jwk_text, jlen, &key);
    json_t *j = json_loadb(jwk_text, jlen, JSON_REJECT_DUPLICATES, NULL);
    if (st == PROOF_OK) {
        FUZZ_CHECK(strlen(key.key_id) == PROOF_KEY_ID_LEN && key.point[0] == 0x04);
        proof_key_t again;
        FUZZ_CHECK(proof_jwk(j, &again) == PROOF_OK && strcmp(again.key_id, key.key_id) == 0);
    } else {
        key = fz_pub; /* still drive the header checks */
    }
    json_decref(j);
    /* the empty piece stands for an absent header */
    h.key_id = *kid ? kid : NULL;
    h.timestamp = *ts ? ts : NULL;
    h.nonce = *nonce ? nonce : NULL;
    h.signature = *sig ? sig : NULL;
    proof_request_t rq = {method, target, body, blen};
    proof_status_t cs = proof_check(&key, &h, &rq, FZ_NOW, NULL);
    FUZZ_CHECK(cs == PROOF_OK || cs == PROOF_MISSING || cs == PROOF_INVALID || cs == PROOF_EXPIRED);
    if (cs == PROOF_OK)
        FUZZ_CHECK(h.key_id && h.timestamp && h.nonce && h.signature && strcmp(h.key_id, key.key_id) == 0);
    if (!h.key_id || !h.timestamp || !h.nonce || !h.signature)
        FUZZ_CHECK(cs == PROOF_MISSING);
    free(jwk_text);
    free(kid);
    free(ts);
    free(nonce);
    free(sig);
    free(method);
    free(target);
    free(body);
}

/* The raw r||s signature of msg with the target's key, base64url. */
static char *fz_sign(const char *msg)
{
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    unsigned char der[128];
    size_t dlen = sizeof der;
    if (!md || EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, fz_key) != 1 ||
        EVP_DigestSign(md, der, &dlen, (const unsigned char *)msg, strlen(msg)) != 1)
        abort();
    EVP_MD_CTX_free(md);
    const unsigned char *p = der;
    ECDSA_SIG *es = d2i_ECDSA_SIG(NULL, &p, (long)dlen);
    unsigned char raw[64];
    if (!es || BN_bn2binpad(ECDSA_SIG_get0_r(es), raw, 32) != 32 ||
        BN_bn2binpad(ECDSA_SIG_get0_s(es), raw + 32, 32) != 32)
        abort();
    ECDSA_SIG_free(es);
    return sec_b64url_encode(raw, sizeof raw);
}

static void fz_signed(fuzz_input_t *in)
{
    size_t blen = 0;
    char *off = fuzz_next(in, '\0', NULL), *nonce = fuzz_next(in, '\0', NULL);
    char *method = fuzz_next(in, '\0', NULL), *target = fuzz_next(in, '\0', NULL);
    char *body = fuzz_next(in, '\0', &blen);
    long skew = (long)(strtol(off, NULL, 10) % 1000);
    char ts[32];
    snprintf(ts, sizeof ts, "%ld", (long)FZ_NOW + skew);
    proof_request_t rq = {method, target, body, blen};
    char *msg = proof_canonical(&rq, ts, nonce);
    char *sig = fz_sign(msg);
    proof_headers_t h = {fz_pub.key_id, ts, nonce, sig};
    proof_status_t st = proof_check(&fz_pub, &h, &rq, FZ_NOW, NULL);
    bool in_window = skew >= -PROOF_MAX_SKEW_S && skew <= PROOF_MAX_SKEW_S;
    if (proof_nonce_ok(nonce))
        FUZZ_CHECK(st == (in_window ? PROOF_OK : PROOF_EXPIRED));
    else
        FUZZ_CHECK(st == PROOF_INVALID);
    if (st == PROOF_OK) {
        /* another body: the same proof never verifies */
        proof_request_t other = {method, target, "x", 1};
        if (!(blen == 1 && body[0] == 'x'))
            FUZZ_CHECK(proof_check(&fz_pub, &h, &other, FZ_NOW, NULL) == PROOF_INVALID);
    }
    free(msg);
    free(sig);
    free(off);
    free(nonce);
    free(method);
    free(target);
    free(body);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    fuzz_input_t in = {data + 1, size - 1};
    if (data[0] & 1)
        fz_signed(&in);
    else
        fz_any(&in);
    return 0;
}
