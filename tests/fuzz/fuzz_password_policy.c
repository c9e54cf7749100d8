/* fuzz_password_policy: feeds a password and an e-mail (split at the
 * first NUL byte of the input) to auth_password_policy
 * (src/components/auth/policy.c): the strip over malformed UTF-8, the
 * lower-casing into stack buffers, the local-part rule.  Checks the
 * policy.h promise: NULL or one of the four texts, and the length rules
 * agree with the input's size. */
#include "fuzz.h"

#include "components/auth/policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *buf = malloc(size + 2);
    memcpy(buf, data, size);
    buf[size] = '\0';
    buf[size + 1] = '\0';
    const char *password = buf;
    size_t pn = strlen(password);
    const char *email = pn < size ? buf + pn + 1 : NULL;
    const char *r = auth_password_policy(password, email);
    if (r) {
        FUZZ_CHECK(strcmp(r, "Password must be at least 8 characters.") == 0 ||
                   strcmp(r, "Password must be 72 characters or fewer.") == 0 ||
                   strcmp(r, "This password is too common. Choose something less predictable.") == 0 ||
                   strcmp(r, "Password should not contain your email address.") == 0);
    }
    if (pn < 8)
        FUZZ_CHECK(r && strcmp(r, "Password must be at least 8 characters.") == 0);
    if (!r)
        FUZZ_CHECK(pn >= 8 && pn <= 72);
    free(buf);
    return 0;
}
