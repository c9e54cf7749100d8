/* fuzz_jwt: feeds JWTs to sec_jwt_decode (platform/security.c) two ways,
 * chosen by the first byte: as a raw token ("token\nsecret"), and as a
 * header and payload ("header JSON\0payload JSON\0secret") that the target
 * base64url-encodes and signs correctly, so the input gets past the
 * signature check into the segment decoding, libjwt and the claim checks.
 * Checks security.h: claims come back only with SEC_JWT_OK, a token signed
 * with another secret never verifies, and a token from sec_jwt_encode of
 * an object payload decodes to an equal object when it has no time
 * claims. */
#include "fuzz.h"

#include "platform/security.h"

#define FZ_NOW 1700000000

static void fz_raw(fuzz_input_t *in)
{
    char *token = fuzz_next(in, '\n', NULL);
    char *secret = fuzz_next(in, '\n', NULL);
    json_t *claims = NULL;
    sec_jwt_status_t st = sec_jwt_decode(token, secret, FZ_NOW, &claims);
    FUZZ_CHECK((st == SEC_JWT_OK) == (claims != NULL));
    json_decref(claims);
    free(token);
    free(secret);
}

static char *fz_sign(const char *header, size_t hlen, const char *payload, size_t plen, const char *secret)
{
    char *h = sec_b64url_encode(header, hlen);
    char *p = sec_b64url_encode(payload, plen);
    size_t n = strlen(h) + strlen(p) + 1;
    char *signing = malloc(n + 1);
    snprintf(signing, n + 1, "%s.%s", h, p);
    unsigned char mac[32];
    sec_hmac_sha256(secret, strlen(secret), signing, n, mac);
    char *sig = sec_b64url_encode(mac, sizeof mac);
    char *token = malloc(n + strlen(sig) + 2);
    sprintf(token, "%s.%s", signing, sig);
    free(h);
    free(p);
    free(signing);
    free(sig);
    return token;
}

static void fz_signed(fuzz_input_t *in)
{
    size_t hlen, plen;
    char *header = fuzz_next(in, '\0', &hlen);
    char *payload = fuzz_next(in, '\0', &plen);
    char *secret = fuzz_next(in, '\0', NULL);
    char *token = fz_sign(header, hlen, payload, plen, secret);
    json_t *claims = NULL;
    sec_jwt_status_t st = sec_jwt_decode(token, secret, FZ_NOW, &claims);
    FUZZ_CHECK((st == SEC_JWT_OK) == (claims != NULL));
    json_decref(claims);
    /* another secret: never valid */
    char *other = malloc(strlen(secret) + 2);
    sprintf(other, "%sx", secret);
    FUZZ_CHECK(sec_jwt_decode(token, other, FZ_NOW, NULL) == SEC_JWT_INVALID);
    free(other);
    free(token);

    /* the encoder's own tokens of an object payload */
    json_t *obj = json_loadb(payload, plen, 0, NULL);
    if (json_is_object(obj) && !json_object_get(obj, "exp") && !json_object_get(obj, "nbf") &&
        !json_object_get(obj, "iat") && secret[0]) {
        char *mine = sec_jwt_encode(obj, secret);
        if (mine) {
            json_t *back = NULL;
            sec_jwt_status_t st2 = sec_jwt_decode(mine, secret, FZ_NOW, &back);
            if (st2 == SEC_JWT_OK)
                FUZZ_CHECK(json_equal(obj, back));
            json_decref(back);
            free(mine);
        }
    }
    json_decref(obj);
    free(header);
    free(payload);
    free(secret);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    fuzz_input_t in = {data + 1, size - 1};
    if (data[0] & 1)
        fz_signed(&in);
    else
        fz_raw(&in);
    return 0;
}
