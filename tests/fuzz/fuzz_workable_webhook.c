/* fuzz_workable_webhook: feeds "X-Workable-Signature header\nbody" to the
 * W1 checks of components/integrations/workable: workable_signature_valid
 * with a fixed secret, then the body through json_parse as the route does
 * before it touches the database.  Checks workable.h: the correct
 * lower-case hex HMAC of the body always verifies, the same value in
 * upper case, with a byte more, or under another secret never does, and
 * an empty secret matches nothing. */
#include "fuzz.h"

#include <ctype.h>

#include "components/integrations/workable/workable.h"
#include "platform/json.h"
#include "platform/security.h"

#define FZ_SECRET "workable-fuzz-secret"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_input_t in = {data, size};
    char *header = fuzz_next(&in, '\n', NULL);
    const char *body = (const char *)in.p;
    size_t blen = in.n;
    (void)workable_signature_valid(header, body, blen, FZ_SECRET);
    FUZZ_CHECK(!workable_signature_valid(header, body, blen, ""));
    FUZZ_CHECK(!workable_signature_valid(header, body, blen, NULL));

    char sig[66];
    sec_hmac_sha256_hex(FZ_SECRET, strlen(FZ_SECRET), body, blen, sig);
    FUZZ_CHECK(workable_signature_valid(sig, body, blen, FZ_SECRET));
    FUZZ_CHECK(!workable_signature_valid(sig, body, blen, FZ_SECRET "x"));
    char upper[66];
    for (size_t i = 0; i < 65; i++)
        upper[i] = (char)toupper((unsigned char)sig[i]);
    if (strcmp(upper, sig) != 0)
        FUZZ_CHECK(!workable_signature_valid(upper, body, blen, FZ_SECRET));
    strcat(sig, "0");
    FUZZ_CHECK(!workable_signature_valid(sig, body, blen, FZ_SECRET));

    json_t *event = json_parse(body, blen, JSON_MAX_DEPTH_DEFAULT, NULL);
    if (json_is_object(event)) {
        (void)json_get_str(event, "type");
        (void)json_truthy(json_object_get(event, "data"));
    }
    json_decref(event);
    free(header);
    return 0;
}
