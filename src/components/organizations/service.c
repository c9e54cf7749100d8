/* Organisations: reads, creation with a unique slug (policy fix 6) and
 * today's O2 (typed settings merged into what is stored, v2 spec §2.8). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "components/organizations/internal.h"
#include "components/organizations/repo.h"
#include "platform/config.h"
#include "platform/json.h"
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

/* ---- O2 ---- */

static char *org_strip(mem_arena_t *a, const char *s, size_t n)
{
    while (n && (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')) {
        s++;
        n--;
    }
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' || s[n - 1] == '\r'))
        n--;
    return n ? mem_strndup(a, s, n) : NULL;
}

static json_t *org_obj_or_empty(const char *text)
{
    json_t *j = text ? json_parse(text, strlen(text), JSON_MAX_DEPTH_DEFAULT, NULL) : NULL;
    if (json_is_object(j))
        return j;
    json_decref(j);
    return json_object();
}

/* stored := stored + update, key by key (nothing stored is dropped, D22);
 * nested_key names one nested object merged the same way. */
static const char *org_merge(mem_arena_t *a, const char *stored, const char *update, const char *nested_key)
{
    if (!update)
        return stored;
    json_t *base = org_obj_or_empty(stored);
    json_t *upd = org_obj_or_empty(update);
    const char *k;
    json_t *val;
    json_object_foreach(upd, k, val)
    {
        json_t *old = json_object_get(base, k);
        if (nested_key && strcmp(k, nested_key) == 0 && json_is_object(old) && json_is_object(val))
            json_object_update(old, val);
        else
            json_object_set(base, k, val);
    }
    const char *out = json_encode_arena(a, base);
    json_decref(base);
    json_decref(upd);
    return out;
}

/* A fireflies e-mail: blank clears it; otherwise a valid address,
 * lower-cased, or the contract's 422 text. */
static err_t org_fireflies_email(mem_arena_t *a, const json_t *v, const char *what, const char **out,
                                 const char **detail)
{
    const char *raw = json_is_string(v) ? json_string_value(v) : "";
    char *s = org_strip(a, raw, strlen(raw));
    if (!s) {
        *out = NULL;
        return ERR_OK;
    }
    for (char *p = s; *p; p++)
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p - 'A' + 'a');
    char *reason = NULL;
    char *norm = vld_email_normalize(s, strlen(s), &reason);
    free(reason);
    if (!norm) {
        *detail = mem_printf(a, "Invalid %s", what);
        return ERR_VALIDATION;
    }
    *out = mem_strdup(a, norm);
    free(norm);
    return ERR_OK;
}

static err_t org_apply_fireflies(mem_arena_t *a, organizations_org_t *o, const char *text, const char **detail)
{
    if (!text)
        return ERR_OK;
    json_t *set = org_obj_or_empty(text);
    json_t *v;
    err_t e = ERR_OK;
    if ((v = json_object_get(set, "api_key"))) {
        const char *raw = json_is_string(v) ? json_string_value(v) : "";
        char *key = org_strip(a, raw, strlen(raw));
        o->fireflies_api_key_encrypted = key ? org_fernet_encrypt(a, cfg ? cfg->secret_key : "", key) : NULL;
        if (key && !o->fireflies_api_key_encrypted)
            e = ERR_INTERNAL;
    }
    if ((v = json_object_get(set, "webhook_secret"))) {
        const char *raw = json_is_string(v) ? json_string_value(v) : "";
        o->fireflies_webhook_secret = org_strip(a, raw, strlen(raw));
    }
    if (e == ERR_OK && (v = json_object_get(set, "owner_email")))
        e = org_fireflies_email(a, v, "fireflies owner email", &o->fireflies_owner_email, detail);
    if (e == ERR_OK && (v = json_object_get(set, "invite_email")))
        e = org_fireflies_email(a, v, "fireflies invite email", &o->fireflies_invite_email, detail);
    if ((v = json_object_get(set, "single_account_mode")) && json_is_boolean(v))
        o->fireflies_single_account_mode = json_is_true(v);
    json_decref(set);
    return e;
}

static void org_apply_access(mem_arena_t *a, organizations_org_t *o, const org_patch_t *p)
{
    if (p->allowed_email_domains.presence == VLD_SET) {
        json_t *d = org_domains_normalize(p->allowed_email_domains.value);
        o->allowed_email_domains = json_encode_arena(a, d);
        json_decref(d);
    }
    if (p->sso_enforced.presence == VLD_SET)
        o->sso_enforced = p->sso_enforced.value;
    if (p->saml_enabled.presence == VLD_SET)
        o->saml_enabled = p->saml_enabled.value;
    if (p->saml_metadata_url.presence == VLD_SET)
        o->saml_metadata_url = org_strip(a, p->saml_metadata_url.value, p->saml_metadata_url.len);
    if (p->two_factor_required.presence == VLD_SET)
        o->two_factor_required = p->two_factor_required.value;
}

static void org_apply_numbers(mem_arena_t *a, organizations_org_t *o, const org_patch_t *p)
{
    if (p->default_assessment_duration_minutes.presence == VLD_SET)
        o->default_assessment_duration_minutes = p->default_assessment_duration_minutes.value;
    if (p->invite_email_template.presence == VLD_SET)
        o->invite_email_template = org_strip(a, p->invite_email_template.value, p->invite_email_template.len);
    if (p->default_role_budget_cents.presence == VLD_SET) {
        o->has_default_role_budget_cents = true;
        o->default_role_budget_cents = p->default_role_budget_cents.value;
    }
    if (p->default_score_threshold.presence == VLD_SET) {
        o->has_default_score_threshold = true;
        o->default_score_threshold = p->default_score_threshold.value;
    }
    /* an explicit null clears the cap; absence leaves it */
    if (p->monthly_spend_cap_cents.presence != VLD_ABSENT) {
        o->has_monthly_spend_cap_cents = p->monthly_spend_cap_cents.presence == VLD_SET;
        o->monthly_spend_cap_cents = p->monthly_spend_cap_cents.value;
    }
}

err_t org_svc_patch(db_t *db, mem_arena_t *a, int64_t id, const org_patch_t *p, const char **detail)
{
    organizations_org_t o;
    err_t e = organizations_get(db, a, id, &o);
    if (e == ERR_NOT_FOUND)
        *detail = "Organization not found";
    if (e != ERR_OK)
        return e;
    *detail = "Failed to update organization";
    if (p->name.presence == VLD_SET)
        o.name = mem_strndup(a, p->name.value, p->name.len);
    o.workable_config = org_merge(a, o.workable_config, p->workable_config, NULL);
    o.workspace_settings = org_merge(a, o.workspace_settings, p->workspace_settings, NULL);
    o.scoring_policy = org_merge(a, o.scoring_policy, p->scoring_policy, NULL);
    o.ai_tooling_config = org_merge(a, o.ai_tooling_config, p->ai_tooling_config, "agent_defaults");
    o.notification_preferences = org_merge(a, o.notification_preferences, p->notification_preferences, NULL);
    e = org_apply_fireflies(a, &o, p->fireflies_config, detail);
    if (e != ERR_OK)
        return e;
    org_apply_access(a, &o, p);
    org_apply_numbers(a, &o, p);
    if (o.saml_enabled && !o.saml_metadata_url) {
        *detail = "saml_metadata_url is required when saml_enabled is true";
        return ERR_BAD_REQUEST;
    }
    *detail = "Failed to update organization";
    return org_repo_save_settings(db, &o, db_now_us());
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
