/* Organisations: reads, creation with a unique slug (policy fix 6) and
 * the rename/config update of O2. */
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wctype.h>

#include "components/organizations/internal.h"
#include "components/organizations/repo.h"

err_t organizations_get(db_t *db, mem_arena_t *a, int64_t id, organizations_org_t *out)
{
    bool found = false;
    err_t e = org_repo_get(db, a, id, out, &found);
    if (e != ERR_OK)
        return e;
    return found ? ERR_OK : ERR_NOT_FOUND;
}

/* Decodes one UTF-8 sequence at s (n bytes left) into *cp; returns its
 * length.  Input comes from JSON (valid UTF-8); a stray byte decodes as
 * itself so nothing is lost. */
static size_t org_utf8_decode(const unsigned char *s, size_t n, unsigned *cp)
{
    if (s[0] < 0x80 || n < 2) {
        *cp = s[0];
        return 1;
    }
    if ((s[0] & 0xE0) == 0xC0 && (s[1] & 0xC0) == 0x80) {
        *cp = ((unsigned)(s[0] & 0x1F) << 6) | (s[1] & 0x3F);
        return 2;
    }
    if ((s[0] & 0xF0) == 0xE0 && n >= 3 && (s[1] & 0xC0) == 0x80 && (s[2] & 0xC0) == 0x80) {
        *cp = ((unsigned)(s[0] & 0x0F) << 12) | ((unsigned)(s[1] & 0x3F) << 6) | (s[2] & 0x3F);
        return 3;
    }
    if ((s[0] & 0xF8) == 0xF0 && n >= 4 && (s[1] & 0xC0) == 0x80 && (s[2] & 0xC0) == 0x80 &&
        (s[3] & 0xC0) == 0x80) {
        *cp = ((unsigned)(s[0] & 0x07) << 18) | ((unsigned)(s[1] & 0x3F) << 12) | ((unsigned)(s[2] & 0x3F) << 6) |
              (s[3] & 0x3F);
        return 4;
    }
    *cp = s[0];
    return 1;
}

static size_t org_utf8_encode(unsigned cp, char *out)
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

char *organizations_slugify(mem_arena_t *a, const char *name)
{
    /* Python's str.lower() covers all of Unicode; the C.UTF-8 locale's
     * towlower does the same for the simple (one-to-one) mappings.  The
     * locale object is local to the call: no global state changes. */
    locale_t loc = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
    if (loc == (locale_t)0)
        loc = newlocale(LC_CTYPE_MASK, "C.utf8", (locale_t)0);
    size_t n = strlen(name);
    char *out = mem_alloc(a, n * 2 + 1); /* a lower-case form is at most one byte longer per character */
    size_t o = 0;
    const unsigned char *s = (const unsigned char *)name;
    size_t i = 0;
    while (i < n) {
        unsigned cp;
        size_t len = org_utf8_decode(s + i, n - i, &cp);
        if (cp == ' ') {
            out[o++] = '-';
        } else if (cp < 0x80) {
            out[o++] = (char)(cp >= 'A' && cp <= 'Z' ? cp + 32 : cp);
        } else if (loc != (locale_t)0 && len > 1) {
            o += org_utf8_encode((unsigned)towlower_l((wint_t)cp, loc), out + o);
        } else {
            memcpy(out + o, s + i, len);
            o += len;
        }
        i += len;
    }
    out[o] = '\0';
    if (loc != (locale_t)0)
        freelocale(loc);
    return out;
}

static bool org_slug_taken(const char *const *slugs, size_t n, const char *slug)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(slugs[i], slug) == 0)
            return true;
    return false;
}

err_t organizations_create(db_t *db, const char *name, int64_t *id)
{
    mem_arena_t *a = mem_arena_new();
    const char *base = organizations_slugify(a, name);
    const char *prefix = mem_printf(a, "%s-", base);
    const char **slugs = NULL;
    size_t n = 0;
    err_t e = org_repo_slugs_like(db, a, base, prefix, &slugs, &n);
    if (e == ERR_OK) {
        const char *slug = base;
        /* n taken slugs leave a free suffix among 2 .. n+2. */
        for (size_t k = 2; org_slug_taken(slugs, n, slug); k++)
            slug = mem_printf(a, "%s-%zu", base, k);
        e = org_repo_insert(db, name, slug, db_now_us(), id);
    }
    mem_arena_free(a);
    return e;
}

err_t org_svc_update(db_t *db, int64_t id, const char *name, const char *workable_config_json)
{
    return org_repo_update(db, id, name, workable_config_json, db_now_us());
}

err_t organizations_stripe_customer(db_t *db, mem_arena_t *a, int64_t id, const char **customer_id)
{
    bool found = false;
    err_t e = org_repo_stripe_customer(db, a, id, customer_id, &found);
    if (e != ERR_OK)
        return e;
    return found ? ERR_OK : ERR_NOT_FOUND;
}

err_t organizations_claim_stripe_customer(db_t *db, mem_arena_t *a, int64_t id, const char *customer_id,
                                          const char **stored)
{
    int64_t n = 0;
    err_t e = org_repo_set_stripe_customer_if_unset(db, id, customer_id, db_now_us(), &n);
    if (e != ERR_OK)
        return e;
    if (n == 1) {
        *stored = mem_strdup(a, customer_id);
        return ERR_OK;
    }
    /* Either the organisation is gone or another request stored its
     * customer first; the stored one wins. */
    e = organizations_stripe_customer(db, a, id, stored);
    if (e == ERR_OK && !*stored)
        return ERR_INTERNAL;
    return e;
}

err_t organizations_find_by_stripe_customer(db_t *db, const char *customer_id, int64_t *id, bool *found)
{
    return org_repo_find_by_stripe_customer(db, customer_id, id, found);
}

err_t organizations_set_subscription(db_t *db, int64_t id, const char *plan, const char *subscription_id)
{
    return org_repo_set_subscription(db, id, plan, subscription_id, db_now_us());
}

err_t organizations_credit_assessment(db_t *db, int64_t id, bool *found)
{
    return org_repo_credit_assessment(db, id, db_now_us(), found);
}
