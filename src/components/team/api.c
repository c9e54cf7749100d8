/* Routes of /api/v1/users (api-contract U1, U2) as route-table entries:
 * both are a recruiter's, scoped to the caller's organisation. */
#include <string.h>

#include "components/team/team.h"
#include "platform/api.h"
#include "platform/validate.h"

/* ---- U1 GET /users/ ---- */

static err_t team_api_list(api_ctx_t *ctx, const void *in, api_out_t *out)
{
    const auth_user_t *u = ctx->principal;
    if (!u->has_organization)
        return api_json(out, json_array());
    db_t *db = http_db(ctx->req);
    auth_user_t *users = NULL;
    size_t n = 0;
    err_t e = db ? auth_list_org_users(db, ctx->arena, u->organization_id, &users, &n) : ERR_UNAVAILABLE;
    if (e != ERR_OK)
        return api_fail(out, e == ERR_UNAVAILABLE ? ERR_UNAVAILABLE : ERR_INTERNAL, "Internal Server Error");
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(arr, auth_user_json(&users[i]));
    return api_json(out, arr);
}

/* ---- U2 POST /users/invite ---- */

typedef struct {
    vld_str_t email, full_name;
} team_invite_in_t;

static void team_parse_invite(api_ctx_t *ctx, void *in_)
{
    static const vld_str_rule_t name_rule = {VLD_REQUIRED, 1, 200, NULL};
    team_invite_in_t *in = in_;
    vld_t *v = &ctx->v;
    if (!vld_body_object(v, ctx->body))
        return;
    vld_email(v, "body", ctx->body, "email", VLD_REQUIRED, &in->email);
    if (vld_str(v, "body", ctx->body, "full_name", &name_rule, &in->full_name) &&
        strlen(in->full_name.value) != in->full_name.len)
        vld_add(v, "value_error", vld_loc("body", "full_name"), "Value error, String must not contain NUL characters",
                json_stringn(in->full_name.value, in->full_name.len),
                json_pack("{s:s}", "error", "String must not contain NUL characters"));
}

static err_t team_api_invite(api_ctx_t *ctx, const void *in_, api_out_t *out)
{
    const team_invite_in_t *in = in_;
    const auth_user_t *u = ctx->principal;
    if (!u->has_organization)
        return api_fail(out, ERR_BAD_REQUEST, "You are not in an organization");
    db_t *db;
    err_t e = api_db(ctx, out, &db);
    if (e != ERR_OK)
        return e;
    auth_user_t member;
    const char *detail = NULL;
    e = team_invite(db, ctx->arena, u->organization_id, in->email.value, in->full_name.value, &member, &detail);
    if (e != ERR_OK)
        return api_fail(out, e, detail);
    return api_json(out, auth_user_json(&member));
}

static const api_route_t team_routes[] = {
    {"GET", "/api/v1/users/", API_AUTH_RECRUITER, API_BODY_NONE, API_RL_NONE, NULL, 0, team_api_list, 200,
     "Members of the caller's organisation", "team"},
    {"POST", "/api/v1/users/invite", API_AUTH_RECRUITER, API_BODY_JSON, API_RL_NONE, team_parse_invite,
     sizeof(team_invite_in_t), team_api_invite, 201, "Invite a team member", "team"},
};

void team_register(http_server_t *s)
{
    api_routes(s, team_routes, sizeof team_routes / sizeof team_routes[0]);
}
