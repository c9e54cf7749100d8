/* utf8: the one UTF-8 decoder and encoder of the code base (RFC 3629). */
#include "shared/text.h"

#include <string.h>

size_t utf8_decode(const char *s, size_t n, size_t i, uint32_t *cp)
{
    const unsigned char *u = (const unsigned char *)s + i;
    size_t avail = n - i, len;
    uint32_t v, min;

    *cp = TEXT_REPLACEMENT;
    if (u[0] < 0x80) {
        *cp = u[0];
        return 1;
    }
    if (u[0] >= 0xC2 && u[0] <= 0xDF) {
        len = 2;
        v = u[0] & 0x1Fu;
        min = 0x80;
    } else if (u[0] >= 0xE0 && u[0] <= 0xEF) {
        len = 3;
        v = u[0] & 0x0Fu;
        min = 0x800;
    } else if (u[0] >= 0xF0 && u[0] <= 0xF4) {
        len = 4;
        v = u[0] & 0x07u;
        min = 0x10000;
    } else {
        return 0;
    }
    if (len > avail)
        return 0;
    for (size_t k = 1; k < len; k++) {
        if ((u[k] & 0xC0u) != 0x80u)
            return 0;
        v = (v << 6) | (u[k] & 0x3Fu);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
        return 0;
    *cp = v;
    return len;
}

size_t utf8_next(const char *s, size_t n, size_t i, uint32_t *cp)
{
    size_t len = utf8_decode(s, n, i, cp);
    return len ? len : 1;
}

size_t utf8_encode(uint32_t cp, char out[4])
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

bool utf8_valid(const char *s, size_t n)
{
    uint32_t cp;
    for (size_t i = 0; i < n;) {
        size_t len = utf8_decode(s, n, i, &cp);
        if (len == 0)
            return false;
        i += len;
    }
    return true;
}

size_t utf8_count(const char *s, size_t n)
{
    size_t count = 0;
    uint32_t cp;
    for (size_t i = 0; i < n; count++)
        i += utf8_next(s, n, i, &cp);
    return count;
}

size_t utf8_prefix(const char *s, size_t n, size_t chars)
{
    size_t i = 0;
    uint32_t cp;
    for (size_t c = 0; c < chars && i < n; c++)
        i += utf8_next(s, n, i, &cp);
    return i;
}

size_t utf8_scrub(const char *s, size_t n, char *out)
{
    size_t o = 0;
    uint32_t cp;
    for (size_t i = 0; i < n;) {
        size_t len = utf8_decode(s, n, i, &cp);
        if (len) {
            memcpy(out + o, s + i, len);
            o += len;
            i += len;
        } else {
            memcpy(out + o, TEXT_REPLACEMENT_UTF8, 3);
            o += 3;
            i++;
        }
    }
    out[o] = '\0';
    return o;
}
