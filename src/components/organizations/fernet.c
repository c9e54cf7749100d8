/* Fernet tokens (version 0x80, AES-128-CBC with PKCS#7 padding, then
 * HMAC-SHA256 over everything before it, urlsafe base64 with padding) for
 * the Fireflies API key the organisation stores.  The key derivation is
 * the original's encrypt_text: SHA-256 of SECRET_KEY, the first 16 bytes
 * signing and the last 16 encrypting, so a token either backend wrote
 * reads in the other. */
#include <openssl/evp.h>
#include <string.h>
#include <time.h>

#include "components/organizations/internal.h"
#include "platform/security.h"

/* urlsafe base64 with "=" padding, in arena a. */
static char *org_fernet_b64(mem_arena_t *a, const unsigned char *data, size_t n)
{
    char *out = mem_alloc(a, 4 * ((n + 2) / 3) + 1);
    EVP_EncodeBlock((unsigned char *)out, data, (int)n);
    for (char *p = out; *p; p++)
        *p = *p == '+' ? '-' : (*p == '/' ? '_' : *p);
    return out;
}

char *org_fernet_encrypt(mem_arena_t *a, const char *secret, const char *plaintext)
{
    unsigned char key[32];
    sec_sha256(secret ? secret : "", secret ? strlen(secret) : 0, key);
    size_t n = strlen(plaintext);
    size_t cap = 1 + 8 + 16 + n + 16 + 32;
    unsigned char *tok = mem_alloc(a, cap);
    tok[0] = 0x80;
    uint64_t ts = (uint64_t)time(NULL);
    for (int i = 0; i < 8; i++)
        tok[1 + i] = (unsigned char)(ts >> (56 - 8 * i));
    if (sec_random_bytes(tok + 9, 16) != 0)
        return NULL;
    EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
    int len1 = 0, len2 = 0;
    bool ok = c && EVP_EncryptInit_ex(c, EVP_aes_128_cbc(), NULL, key + 16, tok + 9) == 1 &&
              EVP_EncryptUpdate(c, tok + 25, &len1, (const unsigned char *)plaintext, (int)n) == 1 &&
              EVP_EncryptFinal_ex(c, tok + 25 + len1, &len2) == 1;
    EVP_CIPHER_CTX_free(c);
    if (!ok)
        return NULL;
    size_t body = 25 + (size_t)len1 + (size_t)len2;
    sec_hmac_sha256(key, 16, tok, body, tok + body);
    return org_fernet_b64(a, tok, body + 32);
}
