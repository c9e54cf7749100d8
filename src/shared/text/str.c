/* str: small string helpers shared by every layer. */
#include "shared/text.h"

#include <string.h>

bool text_is_ascii_space(char c)
{
    return c == ' ' || (c >= '\t' && c <= '\r');
}

const char *text_trim_ascii(const char *s, size_t n, size_t *len)
{
    size_t b = 0, e = n;
    while (b < e && text_is_ascii_space(s[b]))
        b++;
    while (e > b && text_is_ascii_space(s[e - 1]))
        e--;
    *len = e - b;
    return s + b;
}

char *text_ascii_lower(char *s)
{
    for (char *p = s; *p; p++)
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p - 'A' + 'a');
    return s;
}

bool text_starts_with(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}
