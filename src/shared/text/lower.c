/* lower: the one lower-casing table of the code base.  The table is
 * glibc's: the C.UTF-8 locale carries Unicode's simple case mappings, so
 * towlower_l on it is Python's per-character str.lower() (SpecialCasing,
 * such as U+0130 to "i" + U+0307 and the final sigma, is not applied).
 * The locale object is created once and only read afterwards. */
#include "shared/text.h"

#include <locale.h>
#include <pthread.h>
#include <string.h>
#include <wctype.h>

static pthread_once_t text_locale_once = PTHREAD_ONCE_INIT;
static locale_t text_locale = (locale_t)0;

static void text_locale_open(void)
{
    text_locale = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
    if (text_locale == (locale_t)0)
        text_locale = newlocale(LC_CTYPE_MASK, "C.utf8", (locale_t)0);
}

uint32_t text_lower_cp(uint32_t cp)
{
    if (cp < 0x80)
        return cp >= 'A' && cp <= 'Z' ? cp + 0x20 : cp;
    pthread_once(&text_locale_once, text_locale_open);
    if (text_locale == (locale_t)0 || cp > 0x10FFFF)
        return cp;
    uint32_t lc = (uint32_t)towlower_l((wint_t)cp, text_locale);
    /* never map into the surrogates or out of range */
    return lc > 0x10FFFF || (lc >= 0xD800 && lc <= 0xDFFF) ? cp : lc;
}

size_t text_lower(const char *s, size_t n, char *out)
{
    size_t o = 0;
    uint32_t cp;
    for (size_t i = 0; i < n;) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x80) {
            out[o++] = (char)(c >= 'A' && c <= 'Z' ? c + 0x20 : c);
            i++;
            continue;
        }
        size_t len = utf8_decode(s, n, i, &cp);
        if (len == 0) {
            out[o++] = (char)c;
            i++;
            continue;
        }
        o += utf8_encode(text_lower_cp(cp), out + o);
        i += len;
    }
    out[o] = '\0';
    return o;
}
