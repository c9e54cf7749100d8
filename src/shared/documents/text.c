/* documents: UTF-8 repair, Python-style stripping, the preview rule and
 * the small tables of the interface. */
#include <stdint.h>
#include <string.h>

#include "shared/documents.h"
#include "shared/text.h"

const char *documents_status_message(documents_status_t s)
{
    switch (s) {
    case DOCUMENTS_OK: return "text extracted";
    case DOCUMENTS_ERR_EMPTY: return "the document is empty";
    case DOCUMENTS_ERR_ENCRYPTED: return "the document is encrypted (password-protected)";
    case DOCUMENTS_ERR_CORRUPT: return "the document is damaged or not of the type its extension says";
    case DOCUMENTS_ERR_TIMEOUT: return "reading the document took longer than allowed";
    case DOCUMENTS_ERR_RESOURCES: return "reading the document needed more memory than allowed";
    case DOCUMENTS_ERR_CRASHED: return "the document reader stopped on this document";
    case DOCUMENTS_ERR_SYSTEM: return "the server could not start the document reader";
    }
    return "unknown document error";
}

bool documents_kind_from_ext(const char *ext, documents_kind_t *out)
{
    if (!ext)
        return false;
    if (strcmp(ext, "pdf") == 0)
        *out = DOCUMENTS_PDF;
    else if (strcmp(ext, "docx") == 0)
        *out = DOCUMENTS_DOCX;
    else if (strcmp(ext, "txt") == 0)
        *out = DOCUMENTS_TXT;
    else
        return false;
    return true;
}

static void doc_put_cp(mem_buf_t *b, uint32_t cp)
{
    char u[4];
    mem_buf_append(b, u, utf8_encode(cp, u));
}

/* The Unicode "maximal subpart" rule, which is what CPython's decoder
 * applies with errors="replace": a lead byte plus the continuation bytes
 * that could still complete it count as one error; a byte that cannot
 * start or continue anything is an error by itself. */
char *documents_utf8_sanitize(const void *data, size_t n, size_t *out_len)
{
    const unsigned char *s = data;
    mem_buf_t b = {0};
    mem_buf_append(&b, "", 0);
    size_t i = 0;
    while (i < n) {
        unsigned char c = s[i];
        if (c < 0x80) {
            if (c != 0) {
                size_t j = i + 1;
                while (j < n && s[j] < 0x80 && s[j] != 0)
                    j++;
                mem_buf_append(&b, s + i, j - i);
                i = j;
            } else {
                i++;
            }
            continue;
        }
        int need;
        unsigned char lo = 0x80, hi = 0xBF;
        uint32_t cp;
        if (c >= 0xC2 && c <= 0xDF) {
            need = 1;
            cp = c & 0x1F;
        } else if (c >= 0xE0 && c <= 0xEF) {
            need = 2;
            cp = c & 0x0F;
            if (c == 0xE0)
                lo = 0xA0;
            else if (c == 0xED)
                hi = 0x9F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            need = 3;
            cp = c & 0x07;
            if (c == 0xF0)
                lo = 0x90;
            else if (c == 0xF4)
                hi = 0x8F;
        } else {
            doc_put_cp(&b, 0xFFFD);
            i++;
            continue;
        }
        size_t j = i + 1;
        int got = 0;
        while (got < need && j < n) {
            unsigned char d = s[j];
            unsigned char l = got == 0 ? lo : 0x80, h = got == 0 ? hi : 0xBF;
            if (d < l || d > h)
                break;
            cp = (cp << 6) | (d & 0x3F);
            got++;
            j++;
        }
        if (got == need)
            doc_put_cp(&b, cp);
        else
            doc_put_cp(&b, 0xFFFD);
        i = j;
    }
    if (out_len)
        *out_len = b.len;
    return mem_buf_take(&b);
}

static bool doc_py_space(uint32_t cp)
{
    return (cp >= 0x09 && cp <= 0x0D) || (cp >= 0x1C && cp <= 0x20) || cp == 0x85 || cp == 0xA0 || cp == 0x1680 ||
           (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F ||
           cp == 0x3000;
}

/* Decodes the well-formed character at s[i..n); returns its length. */
static size_t doc_decode(const char *s, size_t n, size_t i, uint32_t *cp)
{
    unsigned char c = (unsigned char)s[i];
    size_t len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    if (i + len > n)
        len = n - i;
    uint32_t v = len == 1 ? c : len == 2 ? (c & 0x1Fu) : len == 3 ? (c & 0x0Fu) : (c & 0x07u);
    for (size_t k = 1; k < len; k++)
        v = (v << 6) | ((unsigned char)s[i + k] & 0x3Fu);
    *cp = v;
    return len ? len : 1;
}

void documents_strip_bounds(const char *s, size_t n, size_t *start, size_t *end)
{
    size_t a = 0;
    while (a < n) {
        uint32_t cp;
        size_t l = doc_decode(s, n, a, &cp);
        if (!doc_py_space(cp))
            break;
        a += l;
    }
    size_t e = n;
    while (e > a) {
        size_t p = e - 1;
        while (p > a && ((unsigned char)s[p] & 0xC0) == 0x80)
            p--;
        uint32_t cp;
        doc_decode(s, e, p, &cp);
        if (!doc_py_space(cp))
            break;
        e = p;
    }
    *start = a;
    *end = e;
}

char *documents_preview(mem_arena_t *a, const char *text)
{
    if (!text)
        return NULL;
    size_t i = 0, chars = 0;
    while (text[i] && chars < 500) {
        unsigned char c = (unsigned char)text[i];
        size_t l = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
        for (size_t k = 1; k < l && text[i + 1]; k++)
            i++;
        i++;
        chars++;
    }
    if (!text[i])
        return mem_strdup(a, text);
    return mem_printf(a, "%.*s...", (int)i, text);
}
