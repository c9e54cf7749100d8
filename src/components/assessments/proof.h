/* assessments/proof: the candidate request proof of today's original
 * (spec v2/identity-and-kept-routes.md §2.4): a public P-256 JWK, its key
 * id, the four X-Assessment-* proof headers and the ECDSA P-256/SHA-256
 * signature over the canonical request string, checked with OpenSSL's
 * libcrypto.  Pure functions over bytes (no database, no HTTP), so the
 * fuzz target tests/fuzz/fuzz_candidate_proof.c drives them directly.
 * Used by the assessments component only. */
#ifndef TALI_COMPONENTS_ASSESSMENTS_PROOF_H
#define TALI_COMPONENTS_ASSESSMENTS_PROOF_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Length of a key id: base64url of 32 bytes without padding. */
#define PROOF_KEY_ID_LEN 43
/* The accepted clock skew of X-Assessment-Proof-Timestamp. */
#define PROOF_MAX_SKEW_S 120

/* The texts of the proof failures (all 403 but the replay, 409). */
#define PROOF_D_REQUIRED "Candidate request proof is required"
#define PROOF_D_INVALID "Invalid candidate request proof"
#define PROOF_D_EXPIRED "Candidate request proof has expired"
#define PROOF_D_REPLAYED "Candidate request proof has already been used"

typedef enum {
    PROOF_OK = 0,
    PROOF_MISSING, /* a proof header is absent */
    PROOF_INVALID, /* malformed, wrong key, bad signature */
    PROOF_EXPIRED, /* timestamp outside ±PROOF_MAX_SKEW_S */
} proof_status_t;

/* A validated public key: the uncompressed point 04||x||y and its key id. */
typedef struct {
    unsigned char point[65];
    char key_id[PROOF_KEY_ID_LEN + 1];
} proof_key_t;

/* The four headers as received (NULL when absent). */
typedef struct {
    const char *key_id;    /* X-Assessment-Key-Id */
    const char *timestamp; /* X-Assessment-Proof-Timestamp */
    const char *nonce;     /* X-Assessment-Proof-Nonce */
    const char *signature; /* X-Assessment-Proof */
} proof_headers_t;

/* What a request is signed over. */
typedef struct {
    const char *method; /* upper case */
    const char *target; /* on-wire path plus "?query", undecoded */
    const void *body;   /* raw bytes */
    size_t body_len;
} proof_request_t;

/* Validates jwk (kty EC, crv P-256, alg absent or ES256, no d, x and y
 * canonical base64url of 32 bytes each, a point on the curve) into *out
 * with its key id b64url(SHA-256("P-256." + x + "." + y)).  PROOF_OK or
 * PROOF_INVALID; never reads past the object. */
proof_status_t proof_jwk(const json_t *jwk, proof_key_t *out);

/* proof_jwk over JSON text (the stored column); PROOF_INVALID when it is
 * not a JSON object. */
proof_status_t proof_jwk_text(const char *text, size_t len, proof_key_t *out);

/* True when s is 16-128 characters of [A-Za-z0-9_-] (a proof nonce). */
bool proof_nonce_ok(const char *s);

/* Checks the headers h of request rq against key at now_s (Unix
 * seconds): all four present (else PROOF_MISSING), the key-id header
 * equal to key->key_id, a timestamp of 1-12 digits, a well-formed nonce
 * (else PROOF_INVALID), the timestamp within ±PROOF_MAX_SKEW_S of now_s
 * (else PROOF_EXPIRED), and the signature: base64url of the 64-byte raw
 * r||s over proof_canonical (else PROOF_INVALID).  *ts (may be NULL)
 * receives the parsed timestamp. */
proof_status_t proof_check(const proof_key_t *key, const proof_headers_t *h, const proof_request_t *rq, int64_t now_s,
                           int64_t *ts);

/* The signed string "v1\nMETHOD\ntarget\nsha256hex(body)\ntimestamp\nnonce"
 * (no trailing newline) as a heap string the caller frees. */
char *proof_canonical(const proof_request_t *rq, const char *timestamp, const char *nonce);

/* Decodes canonical unpadded base64url s into out (capacity cap): false
 * when s has another character, a length no byte count gives, non-zero
 * unused bits, or more than cap bytes.  *n receives the byte count. */
bool proof_b64url_decode(const char *s, size_t slen, unsigned char *out, size_t cap, size_t *n);

/* The lower-case SHA-256 hex of the session key (what a binding stores). */
void proof_session_hash(const char *session_key, char out[65]);

#endif
