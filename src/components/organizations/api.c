/* Routes of /api/v1/organizations/me (api-contract O1, O2) as route-table
 * entries: both are a recruiter's (the table checks the JWT first), and
 * both answer the caller's own organisation. */
#include "components/auth/auth.h"
#include "components/organizations/internal.h"
#include "platform/api.h"
#include "platform/json.h"
#include "platform/validate.h"

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

typedef struct {
    vld_str_t name;
    vld_json_t config;
} org_patch_in_t;

static void org_parse_patch(api_ctx_t *ctx, void *in_)
{
    static const vld_str_rule_t name_rule = {VLD_OPTIONAL, 0, 0, NULL};
    org_patch_in_t *in = in_;
    if (!vld_body_object(&ctx->v, ctx->body))
        return;
    vld_str(&ctx->v, "body", ctx->body, "name", &name_rule, &in->name);
    vld_dict(&ctx->v, "body", ctx->body, "workable_config", VLD_OPTIONAL, &in->config);
}

static err_t org_api_patch_me(api_ctx_t *ctx, const void *in_, api_out_t *out)
{
    const org_patch_in_t *in = in_;
    const auth_user_t *u = ctx->principal;
    if (!u->has_organization)
        return api_fail(out, ERR_NOT_FOUND, "Organization not found");
    db_t *db;
    err_t e = api_db(ctx, out, &db);
    if (e != ERR_OK)
        return e;
    const char *new_name = in->name.presence == VLD_SET ? mem_strndup(ctx->arena, in->name.value, in->name.len) : NULL;
    const char *cfg_json = in->config.presence == VLD_SET ? json_encode_arena(ctx->arena, in->config.value) : NULL;
    e = org_svc_update(db, u->organization_id, new_name, cfg_json);
    if (e == ERR_NOT_FOUND)
        return api_fail(out, ERR_NOT_FOUND, "Organization not found");
    if (e != ERR_OK)
        return api_fail(out, ERR_INTERNAL, "Failed to update organization");
    return org_api_answer_org(ctx, db, u->organization_id, out);
}

static const api_route_t org_routes[] = {
    {"GET", ORG_ME, API_AUTH_RECRUITER, API_BODY_NONE, API_RL_NONE, NULL, 0, org_api_get_me, 200,
     "The caller's organisation", "organizations"},
    {"PATCH", ORG_ME, API_AUTH_RECRUITER, API_BODY_JSON, API_RL_NONE, org_parse_patch, sizeof(org_patch_in_t),
     org_api_patch_me, 200, "Rename the organisation or set its Workable config", "organizations"},
};

void organizations_register(http_server_t *s)
{
    api_routes(s, org_routes, sizeof org_routes / sizeof org_routes[0]);
}
