/* Organisations: reads, creation with a unique slug (policy fix 6) and
 * the rename/config update of O2. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "components/organizations/internal.h"
#include "components/organizations/repo.h"
#include "shared/text.h"

err_t organizations_get(db_t *db, mem_arena_t *a, int64_t id, organizations_org_t *out)
{
    bool found = false;
    err_t e = org_repo_get(db, a, id, out, &found);
    if (e != ERR_OK)
        return e;
    return found ? ERR_OK : ERR_NOT_FOUND;
}

char *organizations_slugify(mem_arena_t *a, const char *name)
{
    /* Python's str.lower(), one character at a time (shared/text.h),
     * then every " " becomes "-". */
    size_t n = strlen(name);
    char *out = mem_alloc(a, TEXT_LOWER_MAX(n));
    text_lower(name, n, out);
    for (char *p = out; *p; p++)
        if (*p == ' ')
            *p = '-';
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
