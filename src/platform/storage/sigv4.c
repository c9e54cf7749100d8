/* storage: AWS Signature Version 4 for the S3 PUT. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "platform/mem.h"
#include "platform/security.h"
#include "platform/storage.h"

static void sig_hex(const unsigned char *in, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[in[i] >> 4];
        out[2 * i + 1] = digits[in[i] & 15];
    }
    out[2 * n] = '\0';
}

void storage_amz_date(int64_t t, char buf[17])
{
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(buf, 17, "%Y%m%dT%H%M%SZ", &tm);
}

char *storage_uri_encode_path(const char *s)
{
    static const char digits[] = "0123456789ABCDEF";
    mem_buf_t b = {0};
    mem_buf_append(&b, "", 0);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        unsigned char c = *p;
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
            c == '_' || c == '~' || c == '/') {
            mem_buf_append(&b, p, 1);
        } else {
            char esc[3] = {'%', digits[c >> 4], digits[c & 15]};
            mem_buf_append(&b, esc, 3);
        }
    }
    return mem_buf_take(&b);
}

char *storage_sigv4_authorization(const storage_sigv4_t *in)
{
    char date[9];
    snprintf(date, sizeof date, "%.8s", in->amz_date);
    static const char signed_headers[] = "host;x-amz-content-sha256;x-amz-date";

    char *canonical = xasprintf("%s\n%s\n%s\nhost:%s\nx-amz-content-sha256:%s\nx-amz-date:%s\n\n%s\n%s", in->method,
                                in->canonical_uri, in->canonical_query ? in->canonical_query : "", in->host,
                                in->payload_sha256, in->amz_date, signed_headers, in->payload_sha256);
    unsigned char digest[32];
    char canonical_hex[65];
    sec_sha256(canonical, strlen(canonical), digest);
    sig_hex(digest, 32, canonical_hex);
    free(canonical);

    char *scope = xasprintf("%s/%s/%s/aws4_request", date, in->region, in->service);
    char *to_sign = xasprintf("AWS4-HMAC-SHA256\n%s\n%s\n%s", in->amz_date, scope, canonical_hex);

    char *k_secret = xasprintf("AWS4%s", in->secret_key);
    unsigned char k_date[32], k_region[32], k_service[32], k_signing[32], sig[32];
    sec_hmac_sha256(k_secret, strlen(k_secret), date, strlen(date), k_date);
    explicit_bzero(k_secret, strlen(k_secret));
    free(k_secret);
    sec_hmac_sha256(k_date, 32, in->region, strlen(in->region), k_region);
    sec_hmac_sha256(k_region, 32, in->service, strlen(in->service), k_service);
    sec_hmac_sha256(k_service, 32, "aws4_request", 12, k_signing);
    sec_hmac_sha256(k_signing, 32, to_sign, strlen(to_sign), sig);
    char sig_hexs[65];
    sig_hex(sig, 32, sig_hexs);
    explicit_bzero(k_signing, sizeof k_signing);

    char *auth = xasprintf("AWS4-HMAC-SHA256 Credential=%s/%s, SignedHeaders=%s, Signature=%s", in->access_key, scope,
                           signed_headers, sig_hexs);
    free(scope);
    free(to_sign);
    return auth;
}
