/* organizations sso: which organisation an e-mail signs in through
 * (identity spec §1.7 I10 POST /auth/sso-check, I11 GET /auth/sso-redirect)
 * and whether its policy forbids password sign-in (spec v2 D14, the
 * policy auth applies to A4/I1 login and A6/I7 forgot-password through
 * auth_set_sso_policy).
 *
 * There is no SAML implementation, as in the original: the "redirect" is
 * the IdP metadata URL the owner typed.  E-mail addresses are matched
 * case-insensitively (policy fix 5), where the original compared the
 * lower-cased input with the stored spelling exactly. */
#include <string.h>

#include "components/auth/auth.h"
#include "components/organizations/internal.h"
#include "components/organizations/repo.h"
#include "platform/api.h"
#include "platform/validate.h"
#include "shared/text.h"

#define ORG_SSO_NONE "No SSO configured for this domain. Use email/password instead."
#define ORG_SSO_SET "SSO is configured for this domain."

/* s without leading and trailing ASCII white space, in arena a. */
static const char *org_sso_trim(mem_arena_t *a, const char *s)
{
    size_t n = 0;
    const char *b = text_trim_ascii(s, strlen(s), &n);
    return mem_strndup(a, b, n);
}

/* The e-mail's domain as the original took it (email_domain): trimmed,
 * lower-cased, after the last "@", dots trimmed; "" without an "@". */
static const char *org_sso_domain(mem_arena_t *a, const char *email)
{
    const char *t = org_sso_trim(a, email);
    const char *at = strrchr(t, '@');
    if (!at)
        return "";
    const char *b = at + 1, *e = b + strlen(b);
    while (b < e && *b == '.')
        b++;
    while (e > b && e[-1] == '.')
        e--;
    return text_ascii_lower(mem_strndup(a, b, (size_t)(e - b)));
}

/* The stored allowed_email_domains (JSON text or NULL) as the original's
 * normalize_allowed_domains read it: a list, or one string split at
 * commas and newlines; normalised as O2 answers it.  A new array. */
static json_t *org_sso_domains(const char *domains_json)
{
    json_t *raw = domains_json ? json_loads(domains_json, JSON_DECODE_ANY, NULL) : NULL;
    if (json_is_string(raw)) {
        json_t *parts = json_array();
        for (const char *p = json_string_value(raw); p;) {
            const char *end = strpbrk(p, ",\n");
            size_t n = end ? (size_t)(end - p) : strlen(p);
            json_array_append_new(parts, json_stringn(p, n));
            p = end ? end + 1 : NULL;
        }
        json_decref(raw);
        raw = parts;
    }
    json_t *list = org_domains_normalize(raw);
    json_decref(raw);
    return list;
}

/* true when the stored list holds domain; *any whether it holds some. */
static bool org_sso_listed_any(const char *domains_json, const char *domain, bool *any)
{
    json_t *list = org_sso_domains(domains_json);
    *any = json_array_size(list) > 0;
    bool hit = false;
    size_t i;
    const json_t *d;
    json_array_foreach(list, i, d) hit = hit || strcmp(json_string_value(d), domain) == 0;
    json_decref(list);
    return hit && *domain;
}

static bool org_sso_listed(const char *domains_json, const char *domain)
{
    bool any = false;
    return org_sso_listed_any(domains_json, domain, &any);
}

bool organizations_email_allowed(mem_arena_t *a, const char *domains_json, const char *email)
{
    bool any = false;
    bool hit = org_sso_listed_any(domains_json, org_sso_domain(a, email), &any);
    return !any || hit;
}

/* The lowest-id organisation with the flag (saml_enabled when saml, else
 * sso_enforced) that lists domain: *id, *found. */
static err_t org_sso_by_domain(db_t *db, mem_arena_t *a, bool saml, const char *domain, int64_t *id, bool *found)
{
    *found = false;
    if (!*domain)
        return ERR_OK;
    org_domains_row_t *rows = NULL;
    size_t n = 0;
    err_t e = org_repo_domain_lists(db, a, saml, &rows, &n);
    for (size_t i = 0; e == ERR_OK && i < n && !*found; i++) {
        *found = org_sso_listed(rows[i].domains, domain);
        *id = rows[i].id;
    }
    return e;
}

err_t organizations_sso_enforced(db_t *db, mem_arena_t *a, const char *email, const auth_user_t *holder, bool *enforced)
{
    *enforced = false;
    if (holder && holder->has_organization) {
        organizations_access_t acc = {0};
        err_t e = organizations_access_get(db, a, holder->organization_id, &acc);
        if (e == ERR_NOT_FOUND)
            return ERR_OK;
        *enforced = e == ERR_OK && acc.sso_enforced;
        return e;
    }
    int64_t id = 0;
    return org_sso_by_domain(db, a, false, org_sso_domain(a, email), &id, enforced);
}

/* I10's resolution: the holder's organisation, else the first
 * SAML-enabled one listing the domain.  *found says whether there is one
 * (*org written only then). */
static err_t org_sso_resolve(db_t *db, mem_arena_t *a, const char *email, organizations_org_t *org, bool *found)
{
    *found = false;
    auth_user_t holder;
    bool has = false;
    err_t e = auth_member_find_email(db, a, email, &holder, &has);
    if (e != ERR_OK)
        return e;
    if (has && holder.has_organization) {
        e = organizations_get(db, a, holder.organization_id, org);
        *found = e == ERR_OK;
        if (e != ERR_NOT_FOUND)
            return e;
    }
    int64_t id = 0;
    bool listed = false;
    e = org_sso_by_domain(db, a, true, org_sso_domain(a, email), &id, &listed);
    if (e != ERR_OK || !listed)
        return e;
    e = organizations_get(db, a, id, org);
    *found = e == ERR_OK;
    return e == ERR_NOT_FOUND ? ERR_OK : e;
}

/* {sso_enabled, redirect_url, organization_id, message}; org NULL when
 * none resolved.  *enabled receives sso_enabled. */
static json_t *org_sso_payload(mem_arena_t *a, const organizations_org_t *org, bool *enabled)
{
    const char *url = org && org->saml_metadata_url ? org_sso_trim(a, org->saml_metadata_url) : "";
    *enabled = org && org->saml_enabled && *url;
    return json_pack("{s:b,s:o,s:o,s:s}", "sso_enabled", *enabled, "redirect_url",
                     *enabled ? json_string(url) : json_null(), "organization_id",
                     org ? json_integer((json_int_t)org->id) : json_null(), "message",
                     *enabled ? ORG_SSO_SET : ORG_SSO_NONE);
}

typedef struct {
    vld_str_t email;
} org_sso_in_t;

static void org_sso_parse_body(api_ctx_t *ctx, void *in_)
{
    org_sso_in_t *in = in_;
    if (vld_body_object(&ctx->v, ctx->body))
        vld_email(&ctx->v, "body", ctx->body, "email", VLD_REQUIRED, &in->email);
}

static void org_sso_parse_query(api_ctx_t *ctx, void *in_)
{
    static const vld_str_rule_t rule = {VLD_REQUIRED, 0, 0, NULL};
    org_sso_in_t *in = in_;
    const char *raw = http_query(ctx->req, "email");
    vld_str_t text = {0};
    if (!vld_raw_str(&ctx->v, "query", "email", raw, &rule, &text))
        return;
    json_t *q = json_pack("{s:s}", "email", raw);
    vld_email(&ctx->v, "query", q, "email", VLD_REQUIRED, &in->email);
    json_decref(q);
}

/* I10 (redirect false) and I11: the payload, or I11's 404 when SSO is
 * not enabled for the address. */
static err_t org_sso_answer(api_ctx_t *ctx, const org_sso_in_t *in, api_out_t *out, bool redirect)
{
    db_t *db;
    err_t e = api_db(ctx, out, &db);
    if (e != ERR_OK)
        return e;
    organizations_org_t org;
    bool found = false;
    e = org_sso_resolve(db, ctx->arena, in->email.value, &org, &found);
    if (e != ERR_OK)
        return api_fail(out, e == ERR_UNAVAILABLE ? e : ERR_INTERNAL,
                        e == ERR_UNAVAILABLE ? "Database unavailable" : "Internal Server Error");
    bool enabled = false;
    json_t *payload = org_sso_payload(ctx->arena, found ? &org : NULL, &enabled);
    if (redirect && !enabled) {
        json_decref(payload);
        return api_fail(out, ERR_NOT_FOUND, ORG_SSO_NONE);
    }
    return api_json(out, payload);
}

static err_t org_sso_check(api_ctx_t *ctx, const void *in, api_out_t *out)
{
    return org_sso_answer(ctx, in, out, false);
}

static err_t org_sso_redirect(api_ctx_t *ctx, const void *in, api_out_t *out)
{
    return org_sso_answer(ctx, in, out, true);
}

static const api_route_t org_sso_routes[] = {
    {"POST", "/api/v1/auth/sso-check", API_AUTH_NONE, API_BODY_JSON, API_RL_NONE, org_sso_parse_body,
     sizeof(org_sso_in_t), org_sso_check, 200, "Whether an e-mail signs in through SSO", "auth"},
    {"GET", "/api/v1/auth/sso-redirect", API_AUTH_NONE, API_BODY_NONE, API_RL_NONE, org_sso_parse_query,
     sizeof(org_sso_in_t), org_sso_redirect, 200, "The SSO address for an e-mail (404 without one)", "auth"},
};

void organizations_sso_register(http_server_t *s)
{
    api_routes(s, org_sso_routes, sizeof org_sso_routes / sizeof org_sso_routes[0]);
}
