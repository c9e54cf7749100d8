/* webhook.c: Stripe's webhook signature scheme and event parsing, as
 * stripe-python 10.x (Webhook.construct_event) implemented them, so that
 * whatever the original accepted is accepted here and the rest refused
 * with the same answer. */
#include "components/integrations/stripe/stripe.h"

#include <stdlib.h>
#include <string.h>

#include "platform/json.h"
#include "platform/security.h"
#include "platform/validate.h"

/* Longest timestamp text we keep after normalisation; Python's int() has
 * no limit, but anything past 19 digits is treated by magnitude only. */
#define STRIPE_T_MAX 64

const char *stripe_sig_status_name(stripe_sig_status_t s)
{
    switch (s) {
    case STRIPE_SIG_OK: return "valid";
    case STRIPE_SIG_MALFORMED: return "unable to extract timestamp and signatures from header";
    case STRIPE_SIG_NO_V1: return "no signatures found with expected scheme v1";
    case STRIPE_SIG_MISMATCH: return "no signatures found matching the expected signature for payload";
    case STRIPE_SIG_TOO_OLD: return "timestamp outside the tolerance zone";
    }
    return "unknown";
}

static bool stripe_is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

/* Python's int(s) for base 10 over s[0..n): blanks around, an optional
 * sign, digits with single "_" between digits.  Writes the canonical
 * decimal ("%d" of the value: no leading zeros, no "-0") into out and
 * whether the value is negative.  Returns false when s is not an int or
 * its canonical form does not fit out. */
static bool stripe_parse_pyint(const char *s, size_t n, char out[STRIPE_T_MAX], bool *negative)
{
    size_t i = 0;
    while (n > 0 && stripe_is_space(s[n - 1]))
        n--;
    while (i < n && stripe_is_space(s[i]))
        i++;
    bool neg = false;
    if (i < n && (s[i] == '+' || s[i] == '-'))
        neg = s[i++] == '-';
    if (i >= n)
        return false;
    size_t o = 0;
    bool prev_digit = false;
    for (; i < n; i++) {
        char c = s[i];
        if (c == '_') {
            if (!prev_digit || i + 1 >= n || s[i + 1] < '0' || s[i + 1] > '9')
                return false;
            prev_digit = false;
            continue;
        }
        if (c < '0' || c > '9')
            return false;
        prev_digit = true;
        if (o == 0 && c == '0')
            continue; /* leading zero */
        if (o + 2 >= STRIPE_T_MAX)
            return false;
        out[o++] = c;
    }
    if (o == 0) {
        out[o++] = '0';
        neg = false;
    }
    out[o] = '\0';
    *negative = neg;
    return true;
}

/* Whether the canonical timestamp t (digits, sign apart) lies more than
 * tolerance_s seconds before now_us. */
static bool stripe_too_old(const char *digits, bool negative, int64_t now_us, int64_t tolerance_s)
{
    const int64_t limit_us = now_us - tolerance_s * 1000000;
    if (strlen(digits) > 12) /* beyond any µs value that fits int64 */
        return negative;
    int64_t t = strtoll(digits, NULL, 10);
    if (negative)
        t = -t;
    return t * 1000000 < limit_us;
}

stripe_sig_status_t stripe_verify_signature(const char *header, const char *payload, size_t len, const char *secret,
                                            int64_t now_us, int64_t tolerance_s)
{
    if (!header || !secret)
        return STRIPE_SIG_MALFORMED;
    /* Pass 1 (stripe-python's two list comprehensions): every "t" and
     * "v1" item must have a value; the first "t" is the timestamp. */
    char tdigits[STRIPE_T_MAX];
    bool tneg = false, have_t = false, have_v1 = false;
    for (const char *item = header;;) {
        const char *end = strchr(item, ',');
        size_t ilen = end ? (size_t)(end - item) : strlen(item);
        const char *eq = memchr(item, '=', ilen);
        size_t klen = eq ? (size_t)(eq - item) : ilen;
        bool is_t = klen == 1 && item[0] == 't';
        bool is_v1 = klen == 2 && item[0] == 'v' && item[1] == '1';
        if ((is_t || is_v1) && !eq)
            return STRIPE_SIG_MALFORMED;
        if (is_t && !have_t) {
            const char *v = eq + 1;
            const char *v_end = memchr(v, '=', (size_t)(item + ilen - v));
            size_t vlen = v_end ? (size_t)(v_end - v) : (size_t)(item + ilen - v);
            if (!stripe_parse_pyint(v, vlen, tdigits, &tneg))
                return STRIPE_SIG_MALFORMED;
            have_t = true;
        }
        have_v1 = have_v1 || is_v1;
        if (!end)
            break;
        item = end + 1;
    }
    if (!have_t)
        return STRIPE_SIG_MALFORMED;
    if (!have_v1)
        return STRIPE_SIG_NO_V1;

    /* Expected signature over "<t>.<payload>". */
    size_t tlen = strlen(tdigits) + (tneg ? 1 : 0);
    char *signed_payload = xmalloc(tlen + 1 + len + 1);
    size_t o = 0;
    if (tneg)
        signed_payload[o++] = '-';
    memcpy(signed_payload + o, tdigits, strlen(tdigits));
    o += strlen(tdigits);
    signed_payload[o++] = '.';
    if (len)
        memcpy(signed_payload + o, payload, len);
    o += len;
    signed_payload[o] = '\0';
    char expected[65];
    sec_hmac_sha256_hex(secret, strlen(secret), signed_payload, o, expected);
    free(signed_payload);

    /* Pass 2: compare with every v1 value (the text up to the item's
     * second "="), without stopping at the first match. */
    bool match = false;
    char cand[65];
    for (const char *item = header;;) {
        const char *end = strchr(item, ',');
        size_t ilen = end ? (size_t)(end - item) : strlen(item);
        if (ilen >= 3 && item[0] == 'v' && item[1] == '1' && item[2] == '=') {
            const char *v = item + 3;
            const char *v_end = memchr(v, '=', (size_t)(item + ilen - v));
            size_t vlen = v_end ? (size_t)(v_end - v) : (size_t)(item + ilen - v);
            /* A candidate of another length cannot match; only equal
             * lengths are compared byte by byte. */
            if (vlen == 64) {
                memcpy(cand, v, 64);
                cand[64] = '\0';
                match = sec_ct_equal(expected, cand) || match;
            }
        }
        if (!end)
            break;
        item = end + 1;
    }
    if (!match)
        return STRIPE_SIG_MISMATCH;
    if (tolerance_s > 0 && stripe_too_old(tdigits, tneg, now_us, tolerance_s))
        return STRIPE_SIG_TOO_OLD;
    return STRIPE_SIG_OK;
}

err_t stripe_parse_event(const char *payload, size_t len, json_t **event)
{
    *event = NULL;
    if (!vld_utf8_valid(payload, len))
        return ERR_BAD_REQUEST;
    json_t *j = json_parse(payload, len, JSON_MAX_DEPTH_DEFAULT, NULL);
    if (!j)
        return ERR_BAD_REQUEST;
    if (!json_is_object(j)) {
        json_decref(j);
        return ERR_BAD_REQUEST;
    }
    *event = j;
    return ERR_OK;
}
