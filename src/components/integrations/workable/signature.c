/* signature.c: W1's signature check (platform-integrations §6.3): the
 * X-Workable-Signature header is the lower-case hex HMAC-SHA256 of the raw
 * body keyed with WORKABLE_WEBHOOK_SECRET; no timestamp, no prefix. */
#include "components/integrations/workable/workable.h"

#include <string.h>

#include "platform/security.h"

bool workable_signature_valid(const char *header, const char *body, size_t len, const char *secret)
{
    if (!secret || !*secret || !header)
        return false;
    char expected[65];
    sec_hmac_sha256_hex(secret, strlen(secret), body ? body : "", body ? len : 0, expected);
    /* sec_ct_equal answers false for a different length without looking
     * at the content; for equal lengths it compares every byte. */
    return sec_ct_equal(expected, header);
}
