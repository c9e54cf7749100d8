/* Routes of /api/v1/organizations/me (api-contract O1, O2) as route-table
 * entries: both are a recruiter's (the table checks the JWT first), and
 * both answer the caller's own organisation. */
#include "components/auth/auth.h"
#include "components/organizations/internal.h"
#include "platform/api.h"

#define ORG_ME "/api/v1/organizations/me"

/* Answers with organisation id, or the contract's 404. */
static err_t org_api_answer_org(api_ctx_t *ctx, db_t *db, int64_t id, api_out_t *out)
{
    organizations_org_t o;
    err_t e = organizations_get(db, ctx->arena, id, &o);
    if (e == ERR_NOT_FOUND)
        return api_fail(out, ERR_NOT_FOUND, "Organization not found");
    if (e != ERR_OK)
        return api_fail(out, e == ERR_UNAVAILABLE ? ERR_UNAVAILABLE : ERR_INTERNAL, "Internal Server Error");
    return api_json(out, organizations_json(&o));
}

/* ---- O1 GET /organizations/me ---- */

static err_t org_api_get_me(api_ctx_t *ctx, const void *in, api_out_t *out)
{
    const auth_user_t *u = ctx->principal;
    if (!u->has_organization)
        return api_fail(out, ERR_NOT_FOUND, "No organization associated");
    db_t *db;
    err_t e = api_db(ctx, out, &db);
    if (e != ERR_OK)
        return e;
    return org_api_answer_org(ctx, db, u->organization_id, out);
}

/* ---- O2 PATCH /organizations/me ---- */

static void org_parse_patch(api_ctx_t *ctx, void *in)
{
    org_schema_patch(&ctx->v, ctx->arena, ctx->body, in);
}

/* Today's O2: 404 without an organisation, then 403 when a member names an
 * access field (v2 spec §1.5), then the merge. */
static err_t org_api_patch_me(api_ctx_t *ctx, const void *in_, api_out_t *out)
{
    const org_patch_t *in = in_;
    const auth_user_t *u = ctx->principal;
    if (!u->has_organization)
        return api_fail(out, ERR_NOT_FOUND, "Organization not found");
    db_t *db;
    err_t e = api_db(ctx, out, &db);
    if (e != ERR_OK)
        return e;
    if (org_patch_touches_access(in) && !u->is_owner)
        return api_fail(out, ERR_FORBIDDEN, "Only a workspace owner can change access settings");
    const char *detail = NULL;
    e = org_svc_patch(db, ctx->arena, u->organization_id, in, &detail);
    if (e == ERR_UNAVAILABLE)
        return api_fail(out, e, "Database unavailable");
    if (e != ERR_OK)
        return api_fail(out, e == ERR_NOT_FOUND || e == ERR_VALIDATION || e == ERR_BAD_REQUEST ? e : ERR_INTERNAL,
                        detail);
    return org_api_answer_org(ctx, db, u->organization_id, out);
}

static const api_route_t org_routes[] = {
    {"GET", ORG_ME, API_AUTH_RECRUITER, API_BODY_NONE, API_RL_NONE, NULL, 0, org_api_get_me, 200,
     "The caller's organisation", "organizations"},
    {"PATCH", ORG_ME, API_AUTH_RECRUITER, API_BODY_JSON, API_RL_NONE, org_parse_patch, sizeof(org_patch_t),
     org_api_patch_me, 200, "Change the organisation's name and settings", "organizations"},
};

void organizations_register(http_server_t *s)
{
    api_routes(s, org_routes, sizeof org_routes / sizeof org_routes[0]);
    organizations_sso_register(s);
}
