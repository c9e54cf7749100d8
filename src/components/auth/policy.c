/* auth password policy (identity spec §1.3): length, blocklist and
 * e-mail similarity, first failure wins.  Pure: no I/O, no allocation
 * outside the stack. */
#include "components/auth/policy.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "shared/text.h"

#define AUTH_POLICY_MAX_BYTES 72

/* Python's str.isspace() for the code points a strip() removes. */
static bool auth_policy_space(uint32_t cp)
{
    return (cp >= 0x09 && cp <= 0x0d) || (cp >= 0x1c && cp <= 0x20) || cp == 0x85 || cp == 0xa0 || cp == 0x1680 ||
           (cp >= 0x2000 && cp <= 0x200a) || cp == 0x2028 || cp == 0x2029 || cp == 0x202f || cp == 0x205f ||
           cp == 0x3000;
}

/* s[*start, *end) without leading and trailing white space (str.strip). */
static void auth_policy_strip(const char *s, size_t n, size_t *start, size_t *end)
{
    size_t i = 0, last = 0, first = n;
    bool seen = false;
    while (i < n) {
        uint32_t cp = 0;
        size_t next = i + utf8_next(s, n, i, &cp);
        if (!auth_policy_space(cp)) {
            if (!seen)
                first = i;
            seen = true;
            last = next;
        }
        i = next;
    }
    *start = seen ? first : 0;
    *end = seen ? last : 0;
}

static int auth_policy_cmp(const void *key, const void *elem)
{
    return strcmp(key, *(const char *const *)elem);
}

/* Whether s (lower-cased already) is in the blocklist. */
static bool auth_policy_common(const char *s)
{
    return bsearch(s, auth_common_passwords, auth_common_passwords_n, sizeof auth_common_passwords[0],
                   auth_policy_cmp) != NULL;
}

/* Rule 3 on a password of at most 72 bytes. */
static bool auth_policy_too_common(const char *pw, size_t n)
{
    size_t a = 0, b = 0;
    auth_policy_strip(pw, n, &a, &b);
    char low[TEXT_LOWER_MAX(AUTH_POLICY_MAX_BYTES) + 1];
    size_t m = text_lower(pw + a, b - a, low);
    low[m] = '\0';
    return auth_policy_common(low);
}

/* Rule 4: the local part of email, stripped and lower-cased, against the
 * lower-cased password. */
static bool auth_policy_has_email(const char *pw, size_t n, const char *email)
{
    const char *at = strchr(email, '@');
    size_t ln = at ? (size_t)(at - email) : strlen(email);
    size_t a = 0, b = 0;
    auth_policy_strip(email, ln, &a, &b);
    if (b - a > 320)
        return false; /* no valid address has a longer local part */
    char local[TEXT_LOWER_MAX(320) + 1];
    size_t lm = text_lower(email + a, b - a, local);
    local[lm] = '\0';
    if (utf8_count(local, lm) < 3)
        return false;
    char low[TEXT_LOWER_MAX(AUTH_POLICY_MAX_BYTES) + 1];
    size_t pm = text_lower(pw, n, low);
    low[pm] = '\0';
    return strstr(low, local) != NULL || strstr(local, low) != NULL;
}

const char *auth_password_policy(const char *password, const char *email)
{
    size_t n = strlen(password);
    if (utf8_count(password, n) < 8)
        return "Password must be at least 8 characters.";
    if (n > AUTH_POLICY_MAX_BYTES)
        return "Password must be 72 characters or fewer.";
    if (auth_policy_too_common(password, n))
        return "This password is too common. Choose something less predictable.";
    if (email && auth_policy_has_email(password, n, email))
        return "Password should not contain your email address.";
    return NULL;
}
