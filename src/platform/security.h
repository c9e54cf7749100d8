/* security: password hashing (bcrypt through libxcrypt; Argon2 verified
 * through libargon2), JWT HS256
 * (libjwt), random URL-safe tokens (getrandom), constant-time comparison
 * and HMAC-SHA256. */
#ifndef TALI_PLATFORM_SECURITY_H
#define TALI_PLATFORM_SECURITY_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "platform/err.h"

/* bcrypt of password as passlib wrote it: "$2b$12$" + 53 characters, cost
 * 12 (cost may be lowered by tests through the BCRYPT_ROUNDS environment
 * variable, 4..31).  Only the first 72 bytes of password count.  Returns a
 * heap string (caller frees), or NULL when the system has no bcrypt. */
char *sec_password_hash(const char *password);

/* Spends the time of a password check that fails (one bcrypt run at the
 * cost sec_password_hash uses) and discards the result: a login for an
 * unknown account then takes as long as one with a wrong password, so the
 * timing does not tell which accounts exist. */
void sec_password_burn(const char *password);

/* True when password matches hash: bcrypt ($2a$, $2b$, $2x$, $2y$) or an
 * Argon2 encoded hash ($argon2id$, $argon2i$, $argon2d$, as a server of
 * today's original writes them; spec v2 D13: verified, never written).
 * A hash in neither format, or a malformed one, gives false.  Runs in time
 * independent of where a mismatch occurs. */
bool sec_password_verify(const char *password, const char *hash);

/* True when hash is an Argon2 encoded hash ($argon2id$/i$/d$) of secret
 * (libargon2).  Also checks the password_fgpt fingerprint of a reset JWT
 * of today's original (an Argon2id hash of the user's stored hash).
 * False for anything else. */
bool sec_argon2_verify(const char *secret, const char *hash);

/* Signs claims (borrowed object; key order kept) as an HS256 JWS with
 * secret.  Returns a heap string, or NULL on failure. */
char *sec_jwt_encode(const json_t *claims, const char *secret);

typedef enum {
    SEC_JWT_OK = 0,
    SEC_JWT_INVALID, /* malformed, bad signature, other algorithm */
    SEC_JWT_EXPIRED, /* exp < now (whole seconds, no leeway) */
} sec_jwt_status_t;

/* Verifies token with secret: HS256 only (alg "none" and every other
 * algorithm refused), signature checked in constant time, `exp` checked
 * against now_s when present.  On SEC_JWT_OK *claims receives a new
 * reference to the payload object. */
sec_jwt_status_t sec_jwt_decode(const char *token, const char *secret, int64_t now_s, json_t **claims);

/* Verifies token as PyJWT 2 does for one audience (the tokens of today's
 * original, identity spec §1.2): HS256 and the signature as above; exp
 * (when present) must be later than now_s, no leeway; nbf and iat numeric;
 * aud must be the audience or a list holding it.  On SEC_JWT_OK *claims
 * receives a new reference to the payload object, else NULL. */
sec_jwt_status_t sec_jwt_decode_aud(const char *token, const char *secret, int64_t now_s, const char *audience,
                                    json_t **claims);

/* Whether token's payload, read WITHOUT verifying anything, names an
 * audience: tells which client generation a token that failed
 * verification came from, to pick the error text.  Never trust more. */
bool sec_jwt_names_audience(const char *token);

/* nbytes random bytes from getrandom(), as URL-safe base64 without padding
 * (Python's secrets.token_urlsafe(nbytes): 32 bytes → 43 characters).
 * Returns a heap string. */
char *sec_random_token(size_t nbytes);

/* Fills buf with n random bytes.  Returns 0, or -1 if the kernel failed. */
int sec_random_bytes(void *buf, size_t n);

/* Equal length and bytes, in time independent of the content.  NULL
 * equals nothing. */
bool sec_ct_equal(const char *a, const char *b);
bool sec_ct_equal_n(const void *a, const void *b, size_t n);

/* HMAC-SHA256 of data with key into out[32]. */
void sec_hmac_sha256(const void *key, size_t keylen, const void *data, size_t len, unsigned char out[32]);
/* The same, as 64 lower-case hex characters in out[65]. */
void sec_hmac_sha256_hex(const void *key, size_t keylen, const void *data, size_t len, char out[65]);
/* SHA-256 into out[32]. */
void sec_sha256(const void *data, size_t len, unsigned char out[32]);
/* The same, as 64 lower-case hex characters in out[65]. */
void sec_sha256_hex(const void *data, size_t len, char out[65]);

/* URL-safe base64 without padding (heap string). */
char *sec_b64url_encode(const void *data, size_t n);

#endif
