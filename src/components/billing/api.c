/* Route of billing: B1 GET /api/v1/billing/usage as a route-table entry
 * (a recruiter's; a user without an organisation has no usage). */
#include "components/auth/auth.h"
#include "components/billing/billing.h"
#include "platform/api.h"

static err_t billing_api_usage(api_ctx_t *ctx, const void *in, api_out_t *out)
{
    const auth_user_t *u = ctx->principal;
    json_t *usage = NULL;
    if (u->has_organization) {
        db_t *db;
        err_t e = api_db(ctx, out, &db);
        if (e != ERR_OK)
            return e;
        e = billing_usage(db, ctx->arena, u->organization_id, &usage);
        if (e != ERR_OK)
            return api_fail_db(out, e, "Failed to read usage");
    }
    return api_json(out, billing_usage_json(usage ? usage : json_array()));
}

static const api_route_t billing_routes[] = {
    {"GET", "/api/v1/billing/usage", API_AUTH_RECRUITER, API_BODY_NONE, API_RL_NONE, NULL, 0, billing_api_usage, 200,
     "Completed assessments and their cost", "billing"},
};

void billing_register(http_server_t *s)
{
    api_routes(s, billing_routes, sizeof billing_routes / sizeof billing_routes[0]);
}
