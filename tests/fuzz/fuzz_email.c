/* fuzz_email: feeds an address to vld_email_normalize
 * (platform/validate/email.c): the "Name <addr>" form, local-part and
 * domain syntax, IDNA with punycode in both directions, the role-mailbox
 * rule.  Checks the validate.h promise: exactly one of the address and
 * the reason comes back, both as well-formed UTF-8, and a normalised
 * address has an "@". */
#include "fuzz.h"

#include "platform/validate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *reason = NULL;
    char *addr = vld_email_normalize((const char *)data, size, &reason);
    FUZZ_CHECK((addr == NULL) != (reason == NULL));
    if (addr) {
        FUZZ_CHECK(vld_utf8_valid(addr, strlen(addr)));
        FUZZ_CHECK(strchr(addr, '@') != NULL);
    } else {
        FUZZ_CHECK(vld_utf8_valid(reason, strlen(reason)));
        FUZZ_CHECK(reason[0] != '\0');
    }
    free(addr);
    free(reason);
    return 0;
}
