/* Route of analytics: N1 GET /api/v1/analytics/ as a route-table entry (a
 * recruiter's; a user without an organisation gets the fixed empty
 * figures). */
#include "components/analytics/analytics.h"
#include "components/auth/auth.h"
#include "platform/api.h"

static err_t analytics_api_get(api_ctx_t *ctx, const void *in, api_out_t *out)
{
    const auth_user_t *u = ctx->principal;
    assessments_org_stats_t st = {0};
    if (u->has_organization) {
        db_t *db;
        err_t e = api_db(ctx, out, &db);
        if (e == ERR_OK)
            e = assessments_org_stats(db, u->organization_id, db_now_us(), &st);
        if (e != ERR_OK)
            return api_fail_db(out, e, "Failed to compute analytics");
    }
    return api_json(out, analytics_json(u->has_organization, &st));
}

static const api_route_t analytics_routes[] = {
    {"GET", "/api/v1/analytics/", API_AUTH_RECRUITER, API_BODY_NONE, API_RL_NONE, NULL, 0, analytics_api_get, 200,
     "Organisation analytics: completion, scores, time", "analytics"},
};

void analytics_register(http_server_t *s)
{
    api_routes(s, analytics_routes, sizeof analytics_routes / sizeof analytics_routes[0]);
}
