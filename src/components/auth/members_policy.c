/* auth members policy: today's password strength rules (identity spec
 * §1.3), used by accept-invite and the profile PATCHes.  The list of
 * common passwords is the original's, as data, sorted for bsearch. */
#include <stdlib.h>
#include <string.h>

#include "components/auth/auth.h"
#include "platform/mem.h"
#include "shared/text.h"

/* clang-format off */
static const char *const auth_common_passwords[] = {
    "000000", "101010", "111111", "111222", "112233", "121212", "123123", "123321", "12341234", "12345", "123456",
    "1234567", "12345678", "123456789", "1234567890", "1234qwer", "147258369", "159753", "1q2w3e4r", "1q2w3e4r5t",
    "1qaz2wsx", "202020", "222222", "555555", "654321", "666666", "777777", "789456", "888888", "987654321",
    "999999", "a1b2c3d4", "aaaa1111", "aaaaaa", "abc123", "abcd1234", "abcdefg", "abcdefgh", "access", "admin",
    "admin1", "admin123", "admin2024", "administrator", "amanda", "andrew", "android", "apple", "apple123",
    "asd123", "asdfgh", "asdfghjkl", "ashley", "autumn", "azerty", "banana", "baseball", "basketball", "batman",
    "biteme", "buster", "changeit", "changeme", "charlie", "cheese", "chelsea", "chrome", "computer", "daniel",
    "default", "diamond", "dragon", "dragon1", "firefox", "flower", "football", "football1", "freedom", "george",
    "ginger", "google", "guest", "hannah", "hannah1", "harley", "harley1", "hello", "hello1", "hello123",
    "helloworld", "hockey", "hotmail", "hunter", "iloveyou", "iloveyou1", "iloveyou2", "internet", "iphone",
    "jennifer", "jessica", "jesus", "jesus1", "jordan", "joshua", "letmein", "letmein1", "letmein123", "login",
    "loveme", "manager", "master", "master1", "matrix", "matthew", "michael", "michael1", "michelle", "money",
    "monkey", "monkey1", "mustang", "mypassword", "nascar", "newpassword", "nicole", "notpassword", "orange",
    "p4ssw0rd", "p4ssword", "p@ssw0rd", "p@ssword", "pass1234", "passw0rd", "passw0rd1", "passw0rd123", "password",
    "password!", "password1", "password12", "password123", "password2023", "password2024", "passwordpassword",
    "poiuyt", "pokemon", "princess", "q1w2e3r4", "qazwsx", "qwe123", "qwer1234", "qwerty", "qwerty1", "qwerty123",
    "qwerty2024", "qwertyuiop", "ranger", "robert", "root", "samsung", "secret", "shadow", "soccer", "soccer1",
    "spiderman", "spring", "spring2024", "starwars", "summer", "summer2023", "summer2024", "sunshine", "superman",
    "system", "taylor", "temppassword", "test", "test123", "thomas", "tigger", "toor", "trustno1", "user",
    "welcome", "welcome!", "welcome1", "welcome123", "welcome2024", "whatever", "winter", "winter2024", "yahoo",
    "zaq12wsx", "zxc123", "zxcvbn", "zxcvbnm",
};
/* clang-format on */

#define AUTH_N_COMMON (sizeof auth_common_passwords / sizeof auth_common_passwords[0])

static int auth_policy_cmp(const void *key, const void *item)
{
    return strcmp((const char *)key, *(const char *const *)item);
}

/* Python's str.isspace() for the code points str.strip() removes. */
static bool auth_policy_space(uint32_t cp)
{
    return (cp >= 0x09 && cp <= 0x0d) || (cp >= 0x1c && cp <= 0x20) || cp == 0x85 || cp == 0xa0 || cp == 0x1680 ||
           (cp >= 0x2000 && cp <= 0x200a) || cp == 0x2028 || cp == 0x2029 || cp == 0x202f || cp == 0x205f ||
           cp == 0x3000;
}

/* s without leading and trailing whitespace as str.strip() sees it:
 * [*start, *start + *len). */
static void auth_policy_strip(const char *s, size_t n, size_t *start, size_t *len)
{
    size_t i = 0, end = 0;
    uint32_t cp = 0;
    while (i < n) {
        size_t step = utf8_next(s, n, i, &cp);
        if (!auth_policy_space(cp))
            break;
        i += step;
    }
    *start = i;
    end = i;
    for (size_t j = i; j < n;) {
        size_t step = utf8_next(s, n, j, &cp);
        j += step;
        if (!auth_policy_space(cp))
            end = j;
    }
    *len = end - i;
}

static char *auth_policy_lower(mem_arena_t *a, const char *s, size_t n)
{
    char *out = mem_alloc(a, TEXT_LOWER_MAX(n));
    size_t m = text_lower(s, n, out);
    out[m] = '\0';
    return out;
}

/* The e-mail rule: local part (before the first "@", stripped, lower-cased)
 * of 3 or more characters inside the lower-cased password, or the other
 * way round. */
static bool auth_policy_has_email(mem_arena_t *a, const char *password, const char *email)
{
    const char *at = strchr(email, '@');
    size_t ln = at ? (size_t)(at - email) : strlen(email), ls = 0, ll = 0;
    auth_policy_strip(email, ln, &ls, &ll);
    char *local = auth_policy_lower(a, email + ls, ll);
    char *pw = auth_policy_lower(a, password, strlen(password));
    if (utf8_count(local, strlen(local)) < 3)
        return false;
    return strstr(pw, local) != NULL || strstr(local, pw) != NULL;
}

const char *auth_password_policy(const char *password, const char *email)
{
    size_t n = strlen(password);
    if (utf8_count(password, n) < 8)
        return "Password must be at least 8 characters.";
    if (n > 72)
        return "Password must be 72 characters or fewer.";
    mem_arena_t *a = mem_arena_new();
    const char *reason = NULL;
    size_t s = 0, len = 0;
    auth_policy_strip(password, n, &s, &len);
    char *key = auth_policy_lower(a, password + s, len);
    if (bsearch(key, auth_common_passwords, AUTH_N_COMMON, sizeof auth_common_passwords[0], auth_policy_cmp))
        reason = "This password is too common. Choose something less predictable.";
    else if (email && auth_policy_has_email(a, password, email))
        reason = "Password should not contain your email address.";
    mem_arena_free(a);
    return reason;
}
