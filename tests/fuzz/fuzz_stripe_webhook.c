/* fuzz_stripe_webhook: feeds "Stripe-Signature header\npayload" to the W2
 * checks of components/integrations/stripe (webhook.c):
 * stripe_verify_signature against a fixed secret, then stripe_parse_event
 * on the payload, as the route does.  A second call signs the payload
 * correctly with the header's own timestamp item, so the comparison and
 * tolerance paths run too.  Checks stripe.h: a correctly signed header
 * with a current timestamp always verifies unless the items after it are
 * malformed; a parsed event is a JSON object. */
#include "fuzz.h"

#include "components/integrations/stripe/stripe.h"
#include "platform/security.h"

#define FZ_SECRET "whsec_fuzz"
#define FZ_NOW_S 1700000000LL

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_input_t in = {data, size};
    char *header = fuzz_next(&in, '\n', NULL);
    const char *payload = (const char *)in.p;
    size_t plen = in.n;
    stripe_sig_status_t st = stripe_verify_signature(header, payload, plen, FZ_SECRET, FZ_NOW_S * 1000000, 300);
    (void)stripe_sig_status_name(st);

    /* the same payload signed as Stripe would sign it now */
    char *signed_payload = malloc(plen + 32);
    int tl = snprintf(signed_payload, 32, "%lld.", FZ_NOW_S);
    if (plen)
        memcpy(signed_payload + tl, payload, plen);
    char sig[65];
    sec_hmac_sha256_hex(FZ_SECRET, strlen(FZ_SECRET), signed_payload, (size_t)tl + plen, sig);
    free(signed_payload);
    size_t hlen = strlen(header);
    char *good = malloc(hlen + 128);
    /* the fuzzed header's items after ours: the first "t" wins */
    snprintf(good, hlen + 128, "t=%lld,v1=%s%s%s", FZ_NOW_S, sig, hlen ? "," : "", header);
    st = stripe_verify_signature(good, payload, plen, FZ_SECRET, FZ_NOW_S * 1000000, 300);
    /* the fuzzed items may still make the header malformed ("t" items
     * must have a value), but never a mismatch or a stale timestamp */
    FUZZ_CHECK(st == STRIPE_SIG_OK || st == STRIPE_SIG_MALFORMED);
    free(good);

    json_t *event = NULL;
    err_t e = stripe_parse_event(payload, plen, &event);
    FUZZ_CHECK((e == ERR_OK) == (event != NULL));
    FUZZ_CHECK(!event || json_is_object(event));
    json_decref(event);
    free(header);
    return 0;
}
