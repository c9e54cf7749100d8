/* Route of analytics: N1 GET /api/v1/analytics/ as a route-table entry (a
 * recruiter's; a user without an organisation gets the fixed empty
 * figures), with today's query parameters role_id, task_id, date_from and
 * date_to (v2 spec §2.11). */
#include "components/analytics/analytics.h"
#include "components/auth/auth.h"
#include "platform/api.h"
#include "platform/validate.h"

typedef struct {
    vld_int_t role_id, task_id;
} analytics_in_t;

static void analytics_parse(api_ctx_t *ctx, void *in_)
{
    static const vld_int_rule_t rule = {.need = VLD_OPTIONAL};
    analytics_in_t *in = in_;
    vld_raw_int(&ctx->v, "query", "role_id", http_query(ctx->req, "role_id"), &rule, &in->role_id);
    vld_raw_int(&ctx->v, "query", "task_id", http_query(ctx->req, "task_id"), &rule, &in->task_id);
}

/* date_from and date_to into f, or the contract's 400 text. */
static const char *analytics_dates(api_ctx_t *ctx, assessments_stats_filter_t *f)
{
    const char *from = http_query(ctx->req, "date_from"), *to = http_query(ctx->req, "date_to");
    bool blank = true;
    if (from && *from && !analytics_parse_date(from, false, &f->from_us, &blank))
        return mem_printf(ctx->arena, "Invalid date format: %s", from);
    f->has_from = from && *from && !blank;
    blank = true;
    if (to && *to && !analytics_parse_date(to, true, &f->to_us, &blank))
        return mem_printf(ctx->arena, "Invalid date format: %s", to);
    f->has_to = to && *to && !blank;
    if (f->has_from && f->has_to && f->from_us > f->to_us)
        return "date_from must be before date_to";
    return NULL;
}

static err_t analytics_api_get(api_ctx_t *ctx, const void *in_, api_out_t *out)
{
    const analytics_in_t *in = in_;
    const auth_user_t *u = ctx->principal;
    assessments_stats_row_t *rows = NULL;
    size_t n = 0;
    if (u->has_organization) {
        assessments_stats_filter_t f = {
            .has_role_id = in->role_id.presence == VLD_SET,
            .role_id = in->role_id.value,
            .has_task_id = in->task_id.presence == VLD_SET,
            .task_id = in->task_id.value,
        };
        const char *bad = analytics_dates(ctx, &f);
        if (bad)
            return api_fail(out, ERR_BAD_REQUEST, bad);
        db_t *db;
        err_t e = api_db(ctx, out, &db);
        if (e == ERR_OK)
            e = assessments_stats_rows(db, ctx->arena, u->organization_id, &f, &rows, &n);
        if (e != ERR_OK)
            return api_fail_db(out, e, "Failed to compute analytics");
    }
    return api_json(out, analytics_json(ctx->arena, u->has_organization, rows, n, db_now_us()));
}

static const api_route_t analytics_routes[] = {
    {"GET", "/api/v1/analytics/", API_AUTH_RECRUITER, API_BODY_NONE, API_RL_NONE, analytics_parse,
     sizeof(analytics_in_t), analytics_api_get, 200, "Organisation analytics: completion, scores, time", "analytics"},
};

void analytics_register(http_server_t *s)
{
    api_routes(s, analytics_routes, sizeof analytics_routes / sizeof analytics_routes[0]);
}
