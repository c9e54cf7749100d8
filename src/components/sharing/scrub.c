/* Redaction rules of §11.4, applied as a sequence of passes over a string:
 * each pass copies the text, replacing what its matcher recognises at a
 * word start.  Replacement markers contain nothing a later pass matches. */
#include "components/sharing/scrub.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "platform/mem.h"

/* A matcher: the length of the match at s[i] (0: none) and its
 * replacement (static text, or a prefix of s kept via *keep). */
typedef size_t (*scrub_match_fn)(const char *s, size_t i, const char **repl, size_t *keep);

static char *scrub_pass(const char *s, scrub_match_fn match)
{
    mem_buf_t b = {0};
    mem_buf_append(&b, "", 0); /* never NULL, even for "" */
    size_t n = strlen(s);
    for (size_t i = 0; i < n;) {
        const char *repl = NULL;
        size_t keep = 0;
        size_t len = match(s, i, &repl, &keep);
        if (len == 0) {
            mem_buf_append(&b, s + i, 1);
            i++;
            continue;
        }
        mem_buf_append(&b, s + i, keep);
        mem_buf_puts(&b, repl);
        i += len;
    }
    return mem_buf_take(&b);
}

static bool scrub_word(unsigned char c)
{
    return isalnum(c) || c == '_';
}

static bool scrub_at_start(const char *s, size_t i)
{
    return i == 0 || !scrub_word((unsigned char)s[i - 1]);
}

static bool scrub_prefix_ci(const char *s, const char *p)
{
    for (; *p; p++, s++)
        if (tolower((unsigned char)*s) != *p)
            return false;
    return true;
}

static size_t scrub_run(const char *s, size_t i, bool (*in)(unsigned char))
{
    size_t j = i;
    while (s[j] && in((unsigned char)s[j]))
        j++;
    return j - i;
}

static bool scrub_nonspace(unsigned char c)
{
    return c && !isspace(c);
}

/* ---- URLs ---- */

static size_t scrub_url(const char *s, size_t i, const char **repl, size_t *keep)
{
    *keep = 0;
    *repl = "[link redacted]";
    if (!scrub_at_start(s, i))
        return 0;
    const char *p = s + i;
    if (scrub_prefix_ci(p, "http://") || scrub_prefix_ci(p, "https://") || scrub_prefix_ci(p, "www."))
        return scrub_run(s, i, scrub_nonspace);
    return 0;
}

/* ---- e-mail addresses ---- */

static bool scrub_local(unsigned char c)
{
    return isalnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-';
}

static bool scrub_domain(unsigned char c)
{
    return isalnum(c) || c == '.' || c == '-';
}

static bool scrub_email_char(unsigned char c)
{
    return scrub_local(c) || c == '@';
}

/* local@domain at the start of a "word" of address characters (the
 * maximal run, so a match never starts inside another one); the domain is
 * the run of domain characters after the first '@', without trailing
 * dots and dashes, and holds a dot. */
static size_t scrub_email(const char *s, size_t i, const char **repl, size_t *keep)
{
    *keep = 0;
    *repl = "[email redacted]";
    if (i > 0 && scrub_email_char((unsigned char)s[i - 1]))
        return 0;
    size_t l = scrub_run(s, i, scrub_local);
    if (l == 0 || s[i + l] != '@')
        return 0;
    const char *dom = s + i + l + 1;
    size_t d = scrub_run(dom, 0, scrub_domain);
    while (d > 0 && (dom[d - 1] == '.' || dom[d - 1] == '-'))
        d--;
    if (d == 0 || dom[0] == '.' || !memchr(dom, '.', d))
        return 0;
    return l + 1 + d;
}

/* ---- bearer credentials ---- */

static size_t scrub_bearer(const char *s, size_t i, const char **repl, size_t *keep)
{
    *repl = "[credential redacted]";
    if (!scrub_at_start(s, i) || !scrub_prefix_ci(s + i, "bearer"))
        return 0;
    size_t j = i + 6, sp = 0;
    while (s[j + sp] == ' ' || s[j + sp] == '\t')
        sp++;
    if (sp == 0)
        return 0;
    size_t v = scrub_run(s, j + sp, scrub_nonspace);
    if (v == 0 || s[j + sp] == '[')
        return 0;
    *keep = 6 + sp;
    return 6 + sp + v;
}

/* ---- API keys, JWTs, AWS key ids ---- */

static bool scrub_tok(unsigned char c)
{
    return isalnum(c) || c == '_' || c == '-';
}

static bool scrub_b64(unsigned char c)
{
    return isalnum(c) || c == '_' || c == '-';
}

static size_t scrub_jwt(const char *s, size_t i)
{
    if (strncmp(s + i, "eyJ", 3) != 0)
        return 0;
    size_t j = i, parts = 0;
    for (;;) {
        size_t seg = scrub_run(s, j, scrub_b64);
        if (seg == 0)
            return 0;
        j += seg;
        parts++;
        if (parts == 3 || s[j] != '.')
            break;
        j++;
    }
    return parts == 3 && j - i >= 16 ? j - i : 0;
}

static size_t scrub_aws(const char *s, size_t i)
{
    if (strncmp(s + i, "AKIA", 4) != 0 && strncmp(s + i, "ASIA", 4) != 0)
        return 0;
    size_t j = i + 4;
    while (j < i + 20 && (isupper((unsigned char)s[j]) || isdigit((unsigned char)s[j])))
        j++;
    return j == i + 20 && !scrub_word((unsigned char)s[j]) ? 20 : 0;
}

static size_t scrub_credential(const char *s, size_t i, const char **repl, size_t *keep)
{
    *keep = 0;
    *repl = "[credential redacted]";
    if (!scrub_at_start(s, i))
        return 0;
    size_t n = scrub_jwt(s, i);
    if (n)
        return n;
    if ((n = scrub_aws(s, i)) != 0)
        return n;
    static const char *const prefixes[] = {"sk-", "rk-", "pk-", "api-", "rpt-"};
    bool prefixed = false;
    for (size_t k = 0; k < sizeof prefixes / sizeof prefixes[0] && !prefixed; k++)
        prefixed = strncmp(s + i, prefixes[k], strlen(prefixes[k])) == 0;
    /* GitHub tokens: gh + one letter + _ (ghp_, gho_, ghs_, ...) */
    if (!prefixed && s[i] == 'g' && s[i + 1] == 'h' && isalpha((unsigned char)s[i + 2]) && s[i + 3] == '_')
        prefixed = true;
    size_t run = scrub_run(s, i, scrub_tok);
    return prefixed && run >= 16 ? run : 0;
}

/* ---- password=... assignments ---- */

static size_t scrub_assignment(const char *s, size_t i, const char **repl, size_t *keep)
{
    *repl = "[credential redacted]";
    if (!scrub_at_start(s, i))
        return 0;
    static const char *const labels[] = {"password", "passwd", "pwd", "secret", "api_key", "apikey", "token"};
    for (size_t k = 0; k < sizeof labels / sizeof labels[0]; k++) {
        size_t l = strlen(labels[k]);
        if (!scrub_prefix_ci(s + i, labels[k]))
            continue;
        size_t j = i + l;
        while (s[j] == ' ')
            j++;
        if (s[j] != '=' && s[j] != ':')
            continue;
        j++;
        while (s[j] == ' ')
            j++;
        size_t v = scrub_run(s, j, scrub_nonspace);
        if (v == 0 || s[j] == '[')
            continue;
        *keep = j - i;
        return j - i + v;
    }
    return 0;
}

/* ---- phone-like runs ---- */

static size_t scrub_phone(const char *s, size_t i, const char **repl, size_t *keep)
{
    *keep = 0;
    *repl = "[phone redacted]";
    /* only at the start of a maximal run, so that a run too long to be a
     * phone is never matched by its tail either */
    if (i > 0 && (isalnum((unsigned char)s[i - 1]) || s[i - 1] == '+'))
        return 0;
    size_t k = i;
    while (k > 0 && strchr(" -.()", s[k - 1]))
        k--;
    if (k > 0 && k < i && (isdigit((unsigned char)s[k - 1]) || s[k - 1] == '+'))
        return 0;
    bool plus = s[i] == '+';
    size_t j = plus ? i + 1 : i, digits = 0, end = j;
    if (!isdigit((unsigned char)s[j]) && s[j] != '(')
        return 0;
    while (s[j]) {
        unsigned char c = (unsigned char)s[j];
        if (isdigit(c)) {
            digits++;
            j++;
            end = j;
        } else if (c == ' ' || c == '-' || c == '.' || c == '(' || c == ')') {
            j++;
        } else {
            break;
        }
    }
    if (isalpha((unsigned char)s[end]))
        return 0;
    size_t lo = plus ? 7 : 9;
    return digits >= lo && digits <= 15 ? end - i : 0;
}

char *sharing_scrub_text(const char *s)
{
    static const scrub_match_fn passes[] = {scrub_url,        scrub_email,      scrub_bearer,
                                            scrub_credential, scrub_assignment, scrub_phone};
    /* A later pass can move a word boundary an earlier one relies on
     * ("x@y.com-+44 20 7946 0958": the address shows once the phone is
     * gone), so the passes repeat until nothing changes.  That ends: a
     * marker is never matched again, and each round that changes anything
     * turns some text into markers. */
    char *cur = xstrdup(s ? s : "");
    for (;;) {
        char *round = xstrdup(cur);
        for (size_t k = 0; k < sizeof passes / sizeof passes[0]; k++) {
            char *next = scrub_pass(cur, passes[k]);
            free(cur);
            cur = next;
        }
        bool same = strcmp(round, cur) == 0;
        free(round);
        if (same)
            return cur;
    }
}

bool sharing_scrub_key_dropped(const char *key)
{
    char norm[256];
    size_t n = 0;
    for (const char *p = key; *p && n < sizeof norm - 1; p++)
        if (isalnum((unsigned char)*p))
            norm[n++] = (char)tolower((unsigned char)*p);
    norm[n] = '\0';
    static const char *const suffixes[] = {"url", "uri", "link", "href"};
    for (size_t k = 0; k < 4; k++) {
        size_t l = strlen(suffixes[k]);
        if (n >= l && strcmp(norm + n - l, suffixes[k]) == 0)
            return true;
    }
    static const char *const exact[] = {"auth", "authentication", "bearer", "dob", "session", "setcookie"};
    for (size_t k = 0; k < sizeof exact / sizeof exact[0]; k++)
        if (strcmp(norm, exact[k]) == 0)
            return true;
    static const char *const parts[] = {"email",       "phone",     "mobile",         "address",      "birthdate",
                                        "dateofbirth", "ssn",       "socialsecurity", "passport",     "nationalid",
                                        "token",       "password",  "secret",         "credential",   "authorization",
                                        "apikey",      "accesskey", "privatekey",     "signature",    "cookie",
                                        "sessionid",   "ipaddress", "taxid",          "driverlicense"};
    for (size_t k = 0; k < sizeof parts / sizeof parts[0]; k++)
        if (strstr(norm, parts[k]))
            return true;
    return false;
}

static json_t *scrub_json_at(const json_t *v, int depth)
{
    if (!v || depth > SHARING_SCRUB_MAX_DEPTH)
        return json_null();
    if (json_is_string(v)) {
        char *t = sharing_scrub_text(json_string_value(v));
        json_t *out = json_string(t);
        free(t);
        return out ? out : json_null(); /* not UTF-8 after all: nothing shown */
    }
    if (json_is_array(v)) {
        json_t *out = json_array();
        size_t i;
        json_t *x;
        json_array_foreach(v, i, x) json_array_append_new(out, scrub_json_at(x, depth + 1));
        return out;
    }
    if (json_is_object(v)) {
        json_t *out = json_object();
        const char *k;
        json_t *x;
        json_object_foreach((json_t *)v, k, x)
        {
            if (!sharing_scrub_key_dropped(k))
                json_object_set_new(out, k, scrub_json_at(x, depth + 1));
        }
        return out;
    }
    return json_deep_copy(v);
}

json_t *sharing_scrub_json(const json_t *v)
{
    return scrub_json_at(v, 0);
}
