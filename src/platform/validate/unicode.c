/* Just enough Unicode for validation: White_Space and rough general
 * categories for email-validator's unsafe-character rules.  Decoding,
 * encoding and lower-casing are shared/text.h's. */
#include <stdio.h>
#include <string.h>

#include "platform/validate.h"
#include "platform/validate/internal.h"
#include "shared/text.h"

bool vld_utf8_valid(const char *s, size_t n)
{
    return utf8_valid(s, n);
}

size_t vld_utf8_len(const char *s, size_t n)
{
    return utf8_count(s, n);
}

void vld_u8_put(mem_buf_t *b, uint32_t cp)
{
    char t[4];
    mem_buf_append(b, t, utf8_encode(cp, t));
}

bool vld_u_is_space(uint32_t cp)
{
    return (cp >= 0x09 && cp <= 0x0D) || cp == 0x20 || cp == 0x85 || cp == 0xA0 || cp == 0x1680 ||
           (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F ||
           cp == 0x3000;
}

typedef struct {
    uint32_t lo, hi;
} vld_range_t;

static bool in_ranges(const vld_range_t *r, size_t n, uint32_t cp)
{
    for (size_t i = 0; i < n; i++)
        if (cp >= r[i].lo && cp <= r[i].hi)
            return true;
    return false;
}

static const vld_range_t other_ranges[] = {
    {0x00, 0x1F},       {0x7F, 0x9F},       {0xAD, 0xAD},        {0x600, 0x605},   {0x61C, 0x61C},   {0x6DD, 0x6DD},
    {0x70F, 0x70F},     {0x180E, 0x180E},   {0x200B, 0x200F},    {0x202A, 0x202E}, {0x2060, 0x2064}, {0x2066, 0x206F},
    {0xD800, 0xF8FF},   {0xFDD0, 0xFDEF},   {0xFEFF, 0xFEFF},    {0xFFF9, 0xFFFB}, {0xFFFE, 0xFFFF}, {0x1BCA0, 0x1BCA3},
    {0x1D173, 0x1D17A}, {0xE0000, 0xE0FFF}, {0xF0000, 0x10FFFF},
};

static const vld_range_t mark_ranges[] = {
    {0x300, 0x36F},   {0x483, 0x489},   {0x591, 0x5BD},   {0x5BF, 0x5BF},   {0x5C1, 0x5C2},   {0x5C4, 0x5C5},
    {0x5C7, 0x5C7},   {0x610, 0x61A},   {0x64B, 0x65F},   {0x670, 0x670},   {0x6D6, 0x6DC},   {0x6DF, 0x6E4},
    {0x6E7, 0x6E8},   {0x6EA, 0x6ED},   {0x900, 0x903},   {0x93A, 0x93C},   {0x93E, 0x94F},   {0x951, 0x957},
    {0x962, 0x963},   {0xE31, 0xE31},   {0xE34, 0xE3A},   {0xE47, 0xE4E},   {0x1AB0, 0x1AFF}, {0x1DC0, 0x1DFF},
    {0x20D0, 0x20FF}, {0x302A, 0x302F}, {0x3099, 0x309A}, {0xFE00, 0xFE0F}, {0xFE20, 0xFE2F},
};

static bool is_zs(uint32_t cp)
{
    return cp == 0x20 || cp == 0xA0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x202F || cp == 0x205F ||
           cp == 0x3000;
}

vld_uclass_t vld_u_class(uint32_t cp)
{
    if (is_zs(cp))
        return VLD_UC_SPACE;
    if (cp == 0x2028 || cp == 0x2029)
        return VLD_UC_SEP;
    if (in_ranges(other_ranges, sizeof other_ranges / sizeof other_ranges[0], cp))
        return VLD_UC_OTHER;
    if (in_ranges(mark_ranges, sizeof mark_ranges / sizeof mark_ranges[0], cp))
        return VLD_UC_MARK;
    return VLD_UC_OK;
}

typedef struct {
    uint32_t cp;
    const char *name;
} vld_uname_t;

/* Names of the non-printable characters email-validator may have to show
 * (Python's unicodedata.name); control characters have none. */
static const vld_uname_t unames[] = {
    {0x20, "SPACE"},
    {0xA0, "NO-BREAK SPACE"},
    {0xAD, "SOFT HYPHEN"},
    {0x1680, "OGHAM SPACE MARK"},
    {0x2000, "EN QUAD"},
    {0x2001, "EM QUAD"},
    {0x2002, "EN SPACE"},
    {0x2003, "EM SPACE"},
    {0x2004, "THREE-PER-EM SPACE"},
    {0x2005, "FOUR-PER-EM SPACE"},
    {0x2006, "SIX-PER-EM SPACE"},
    {0x2007, "FIGURE SPACE"},
    {0x2008, "PUNCTUATION SPACE"},
    {0x2009, "THIN SPACE"},
    {0x200A, "HAIR SPACE"},
    {0x200B, "ZERO WIDTH SPACE"},
    {0x200C, "ZERO WIDTH NON-JOINER"},
    {0x200D, "ZERO WIDTH JOINER"},
    {0x200E, "LEFT-TO-RIGHT MARK"},
    {0x200F, "RIGHT-TO-LEFT MARK"},
    {0x2028, "LINE SEPARATOR"},
    {0x2029, "PARAGRAPH SEPARATOR"},
    {0x202A, "LEFT-TO-RIGHT EMBEDDING"},
    {0x202B, "RIGHT-TO-LEFT EMBEDDING"},
    {0x202C, "POP DIRECTIONAL FORMATTING"},
    {0x202D, "LEFT-TO-RIGHT OVERRIDE"},
    {0x202E, "RIGHT-TO-LEFT OVERRIDE"},
    {0x202F, "NARROW NO-BREAK SPACE"},
    {0x205F, "MEDIUM MATHEMATICAL SPACE"},
    {0x2060, "WORD JOINER"},
    {0x3000, "IDEOGRAPHIC SPACE"},
    {0xFEFF, "ZERO WIDTH NO-BREAK SPACE"},
    {0x300, "COMBINING GRAVE ACCENT"},
    {0x301, "COMBINING ACUTE ACCENT"},
};

void vld_u_display(uint32_t cp, char *out, size_t outlen)
{
    if (outlen == 0)
        return;
    if (cp == '\\') {
        snprintf(out, outlen, "\"\\\"");
        return;
    }
    if (cp == '\'') {
        snprintf(out, outlen, "\"'\"");
        return;
    }
    if (cp != 0x20 && vld_u_class(cp) == VLD_UC_OK) {
        mem_buf_t b = {0};
        mem_buf_puts(&b, "'");
        vld_u8_put(&b, cp);
        mem_buf_puts(&b, "'");
        snprintf(out, outlen, "%s", b.data);
        mem_buf_free(&b);
        return;
    }
    for (size_t i = 0; i < sizeof unames / sizeof unames[0]; i++) {
        if (unames[i].cp == cp) {
            snprintf(out, outlen, "%s", unames[i].name);
            return;
        }
    }
    if (cp < 0xFFFF)
        snprintf(out, outlen, "U+%04X", (unsigned)cp);
    else
        snprintf(out, outlen, "U+%08X", (unsigned)cp);
}
