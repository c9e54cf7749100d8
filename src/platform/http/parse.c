#include "platform/http/parse.h"

#include <string.h>
#include <strings.h>

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

char *http_url_decode(mem_arena_t *a, const char *src, size_t n, bool plus_space, size_t *outlen)
{
    char *out = mem_alloc(a, n + 1);
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        char c = src[i];
        if (c == '%' && i + 2 < n && hexval(src[i + 1]) >= 0 && hexval(src[i + 2]) >= 0) {
            out[o++] = (char)(hexval(src[i + 1]) * 16 + hexval(src[i + 2]));
            i += 2;
        } else if (c == '+' && plus_space) {
            out[o++] = ' ';
        } else {
            out[o++] = c;
        }
    }
    out[o] = '\0';
    if (outlen)
        *outlen = o;
    return out;
}

void http_parse_urlencoded(mem_arena_t *a, const char *s, size_t n, http_kvlist_t *out)
{
    const char *end = s + n;
    const char *p = s;
    while (p < end) {
        const char *amp = memchr(p, '&', (size_t)(end - p));
        const char *pe = amp ? amp : end;
        if (pe > p) {
            const char *eq = memchr(p, '=', (size_t)(pe - p));
            const char *ke = eq ? eq : pe;
            char *name = http_url_decode(a, p, (size_t)(ke - p), true, NULL);
            size_t vlen = 0;
            char *value = eq ? http_url_decode(a, eq + 1, (size_t)(pe - eq - 1), true, &vlen) : mem_strdup(a, "");
            http_kv_add(a, out, name, value, vlen);
        }
        p = amp ? amp + 1 : end;
    }
}

static bool is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

bool http_media_type_is(const char *content_type, const char *type)
{
    if (!content_type)
        return false;
    const char *s = content_type;
    while (is_blank(*s))
        s++;
    const char *e = strchr(s, ';');
    if (!e)
        e = s + strlen(s);
    while (e > s && is_blank(e[-1]))
        e--;
    size_t len = (size_t)(e - s);
    return len == strlen(type) && strncasecmp(s, type, len) == 0;
}

/* Looks up key in a "; k=v; k2="v 2"" parameter list (the text after the
 * media type or disposition type).  Quoted values lose their quotes; inside
 * them a backslash escapes only a quote or a backslash, so Windows paths in
 * filenames survive. */
static char *param_lookup(mem_arena_t *a, const char *s, const char *key)
{
    size_t klen = strlen(key);
    const char *p = strchr(s, ';');
    while (p) {
        p++;
        while (is_blank(*p))
            p++;
        const char *ks = p;
        while (*p && *p != '=' && *p != ';')
            p++;
        const char *ke = p;
        while (ke > ks && is_blank(ke[-1]))
            ke--;
        if (*p != '=') {
            p = *p ? p : NULL;
            continue;
        }
        p++;
        while (is_blank(*p))
            p++;
        bool match = (size_t)(ke - ks) == klen && strncasecmp(ks, key, klen) == 0;
        if (*p == '"') {
            p++;
            char *val = mem_alloc(a, strlen(p) + 1);
            size_t o = 0;
            while (*p && *p != '"') {
                if (*p == '\\' && (p[1] == '"' || p[1] == '\\'))
                    p++;
                val[o++] = *p++;
            }
            val[o] = '\0';
            if (*p == '"')
                p++;
            if (match)
                return val;
            p = strchr(p, ';');
        } else {
            const char *vs = p;
            while (*p && *p != ';')
                p++;
            const char *ve = p;
            while (ve > vs && is_blank(ve[-1]))
                ve--;
            if (match)
                return mem_strndup(a, vs, (size_t)(ve - vs));
            p = *p ? p : NULL;
        }
    }
    return NULL;
}

char *http_content_type_param(mem_arena_t *a, const char *content_type, const char *param)
{
    if (!content_type)
        return NULL;
    return param_lookup(a, content_type, param);
}

static void files_add(mem_arena_t *a, http_filelist_t *l, const char *name, const http_file_t *f)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 4;
        http_file_entry_t *v = mem_alloc(a, cap * sizeof(*v));
        if (l->n)
            memcpy(v, l->v, l->n * sizeof(*v));
        l->v = v;
        l->cap = cap;
    }
    l->v[l->n].name = name;
    l->v[l->n].file = *f;
    l->n++;
}

/* The next "\n--boundary" at or after from; returns a pointer to the "\n",
 * or NULL. */
static const char *find_delim(const char *from, const char *end, const char *delim, size_t dlen)
{
    const char *p = from;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        if (!nl)
            return NULL;
        if ((size_t)(end - nl - 1) >= dlen && memcmp(nl + 1, delim, dlen) == 0)
            return nl;
        p = nl + 1;
    }
    return NULL;
}

int http_parse_multipart(mem_arena_t *a, const char *body, size_t n, const char *boundary, http_kvlist_t *fields,
                         http_filelist_t *files)
{
    if (!body || !boundary || !*boundary)
        return -1;
    char *delim = mem_printf(a, "--%s", boundary);
    size_t dlen = strlen(delim);
    const char *end = body + n;
    const char *p;
    if (n >= dlen && memcmp(body, delim, dlen) == 0) {
        p = body;
    } else {
        p = find_delim(body, end, delim, dlen);
        if (!p)
            return -1;
        p++;
    }
    p += dlen;
    for (;;) {
        if (end - p >= 2 && p[0] == '-' && p[1] == '-')
            return 0;
        while (p < end && (*p == ' ' || *p == '\t'))
            p++;
        if (p < end && *p == '\r')
            p++;
        if (p >= end || *p != '\n')
            return -1;
        p++;

        char *name = NULL, *filename = NULL, *ctype = NULL;
        for (;;) {
            const char *eol = memchr(p, '\n', (size_t)(end - p));
            if (!eol)
                return -1;
            size_t len = (size_t)(eol - p);
            if (len && p[len - 1] == '\r')
                len--;
            if (len == 0) {
                p = eol + 1;
                break;
            }
            const char *colon = memchr(p, ':', len);
            if (colon) {
                size_t hlen = (size_t)(colon - p);
                while (hlen && is_blank(p[hlen - 1]))
                    hlen--;
                const char *vs = colon + 1;
                const char *ve = p + len;
                while (vs < ve && is_blank(*vs))
                    vs++;
                char *value = mem_strndup(a, vs, (size_t)(ve - vs));
                if (hlen == 19 && strncasecmp(p, "content-disposition", 19) == 0) {
                    name = param_lookup(a, value, "name");
                    filename = param_lookup(a, value, "filename");
                } else if (hlen == 12 && strncasecmp(p, "content-type", 12) == 0) {
                    ctype = value;
                }
            }
            p = eol + 1;
        }

        /* the delimiter's leading newline may be the one that ended the
         * headers when a client omits the empty line of an empty part */
        const char *nl = find_delim(p - 1, end, delim, dlen);
        if (!nl)
            return -1;
        const char *dend = nl;
        if (dend > p && dend[-1] == '\r')
            dend--;
        if (dend < p)
            dend = p;
        size_t dsize = (size_t)(dend - p);

        if (name) {
            if (filename) {
                /* old browsers sent the full client path */
                if ((filename[0] && filename[1] == ':' && filename[2] == '\\') ||
                    (filename[0] == '\\' && filename[1] == '\\')) {
                    char *last = strrchr(filename, '\\');
                    filename = last + 1;
                }
                http_file_t f = {.filename = filename, .content_type = ctype ? ctype : "", .data = p, .len = dsize};
                files_add(a, files, name, &f);
            } else {
                http_kv_add(a, fields, name, p, dsize);
            }
        }
        p = nl + 1 + dlen;
    }
}

bool http_request_id_ok(const char *s)
{
    if (!s)
        return false;
    size_t n = 0;
    for (; s[n]; n++) {
        char c = s[n];
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
                  c == '-';
        if (!ok)
            return false;
        if (n >= 128)
            return false;
    }
    return n >= 1;
}
