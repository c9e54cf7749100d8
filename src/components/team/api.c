/* Routes of /api/v1/users (api-contract U1, U2; identity spec §1.7 I12-I21)
 * and POST /api/v1/auth/accept-invite (I9) as route-table entries.  The
 * table's auth kind carries the role rule of §1.5: owner-only routes are
 * API_AUTH_OWNER, the superuser routes API_AUTH_SUPERUSER. */
#include <stdlib.h>
#include <string.h>

#include "components/team/team.h"
#include "platform/api.h"
#include "platform/validate.h"

#define TEAM_BASE "/api/v1/users"

/* A service error: the database's own 503 stays one; a detail-less
 * failure is a 500. */
static err_t team_api_fail(api_out_t *out, err_t e, const char *detail)
{
    if (e == ERR_UNAVAILABLE)
        return api_fail(out, e, "Database unavailable");
    if (!detail)
        return api_fail(out, ERR_INTERNAL, "Internal Server Error");
    return api_fail(out, e, detail);
}

/* ---- U1 / I20 GET /users/ ---- */

static err_t team_api_list(api_ctx_t *ctx, const void *in, api_out_t *out)
{
    (void)in;
    const auth_user_t *u = ctx->principal;
    if (!u->has_organization)
        return api_json(out, json_array());
    db_t *db;
    err_t e = api_db(ctx, out, &db);
    if (e != ERR_OK)
        return e;
    auth_user_t *users = NULL;
    size_t n = 0;
    if ((e = auth_member_list_active(db, ctx->arena, u->organization_id, &users, &n)) != ERR_OK)
        return team_api_fail(out, e, NULL);
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(arr, auth_user_response_json(&users[i], false, false));
    return api_json(out, arr);
}

/* ---- U2 / I21 POST /users/invite ---- */

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
    team_invite_result_t r;
    const char *detail = NULL;
    e = team_invite(db, ctx->req, ctx->arena, u, in->email.value, in->full_name.value, &r, &detail);
    if (e != ERR_OK)
        return team_api_fail(out, e, detail);
    return api_json(out, auth_user_response_json(&r.member, true, r.email_sent));
}

/* ---- I12 / I13 /users/me, I14 / I15 /users/{id} ---- */

static err_t team_api_me(api_ctx_t *ctx, const void *in, api_out_t *out)
{
    (void)in;
    return api_json(out, auth_user_read_json(ctx->principal));
}

typedef struct {
    auth_member_patch_t p;
} team_patch_in_t;

static void team_parse_patch(api_ctx_t *ctx, void *in_)
{
    static const vld_str_rule_t opt = {VLD_OPTIONAL, 0, 0, NULL};
    team_patch_in_t *in = in_;
    vld_t *v = &ctx->v;
    if (!vld_body_object(v, ctx->body))
        return;
    vld_str_t pw = {0}, name = {0}, email = {0};
    vld_bool_t act = {0}, sup = {0}, ver = {0};
    vld_str(v, "body", ctx->body, "password", &opt, &pw);
    vld_email(v, "body", ctx->body, "email", VLD_OPTIONAL, &email);
    vld_bool(v, "body", ctx->body, "is_active", VLD_OPTIONAL, &act);
    vld_bool(v, "body", ctx->body, "is_superuser", VLD_OPTIONAL, &sup);
    vld_bool(v, "body", ctx->body, "is_verified", VLD_OPTIONAL, &ver);
    vld_str(v, "body", ctx->body, "full_name", &opt, &name);
    auth_member_patch_t *p = &in->p;
    p->has_password = pw.presence != VLD_ABSENT;
    p->password = pw.presence == VLD_SET ? mem_strndup(ctx->arena, pw.value, pw.len) : NULL;
    /* a null e-mail changes nothing (the original fails on it) */
    p->has_email = email.presence == VLD_SET;
    p->email = email.value;
    p->has_full_name = name.presence != VLD_ABSENT;
    p->full_name = name.presence == VLD_SET ? mem_strndup(ctx->arena, name.value, name.len) : NULL;
    p->has_is_active = act.presence == VLD_SET;
    p->is_active = act.value;
    p->has_is_superuser = sup.presence == VLD_SET;
    p->is_superuser = sup.value;
    p->has_is_verified = ver.presence == VLD_SET;
    p->is_verified = ver.value;
}

/* Applies a profile PATCH to user id; unsafe also applies the flags. */
static err_t team_api_update(api_ctx_t *ctx, api_out_t *out, int64_t id, const auth_member_patch_t *p, bool unsafe)
{
    db_t *db;
    err_t e = api_db(ctx, out, &db);
    if (e != ERR_OK)
        return e;
    auth_user_t u;
    const char *detail = NULL;
    e = auth_member_update(db, ctx->arena, id, p, unsafe, &u, &detail);
    if (e == ERR_VALIDATION) {
        /* FastAPI-Users' object form (§1.7 I13) */
        out->status = 400;
        return api_json(out,
                        json_pack("{s:{s:s,s:s}}", "detail", "code", "UPDATE_USER_INVALID_PASSWORD", "reason", detail));
    }
    if (e == ERR_NOT_FOUND)
        return api_fail(out, e, "Not Found");
    if (e != ERR_OK)
        return team_api_fail(out, e, detail);
    return api_json(out, auth_user_read_json(&u));
}

static err_t team_api_patch_me(api_ctx_t *ctx, const void *in_, api_out_t *out)
{
    const team_patch_in_t *in = in_;
    const auth_user_t *u = ctx->principal;
    return team_api_update(ctx, out, u->id, &in->p, false);
}

/* The {id} of the superuser routes: a string parameter, so anything that
 * is not an integer is 404 "Not Found" (no 422). */
static bool team_api_id(api_ctx_t *ctx, int64_t *id)
{
    const char *s = http_path_param(ctx->req, "id");
    char *end = NULL;
    if (!s || !*s)
        return false;
    long long v = strtoll(s, &end, 10);
    if (*end != '\0')
        return false;
    *id = (int64_t)v;
    return true;
}

static err_t team_api_get_user(api_ctx_t *ctx, const void *in, api_out_t *out)
{
    (void)in;
    int64_t id = 0;
    if (!team_api_id(ctx, &id))
        return api_fail(out, ERR_NOT_FOUND, "Not Found");
    db_t *db;
    err_t e = api_db(ctx, out, &db);
    if (e != ERR_OK)
        return e;
    auth_user_t u;
    e = auth_member_get(db, ctx->arena, id, &u);
    if (e != ERR_OK)
        return team_api_fail(out, e, e == ERR_NOT_FOUND ? "Not Found" : NULL);
    return api_json(out, auth_user_read_json(&u));
}

static err_t team_api_patch_user(api_ctx_t *ctx, const void *in_, api_out_t *out)
{
    const team_patch_in_t *in = in_;
    int64_t id = 0;
    if (!team_api_id(ctx, &id))
        return api_fail(out, ERR_NOT_FOUND, "Not Found");
    return team_api_update(ctx, out, id, &in->p, true);
}

/* ---- I16-I19 /users/{user_id}... ---- */

static err_t team_api_remove(api_ctx_t *ctx, const void *in, api_out_t *out)
{
    (void)in;
    db_t *db;
    err_t e = api_db(ctx, out, &db);
    if (e != ERR_OK)
        return e;
    const char *detail = NULL;
    e = team_remove(db, ctx->req, ctx->arena, ctx->principal, api_path_int(ctx, "user_id"), &detail);
    return e == ERR_OK ? ERR_OK : team_api_fail(out, e, detail);
}

typedef struct {
    bool owner;
} team_role_in_t;

static void team_parse_role(api_ctx_t *ctx, void *in_)
{
    team_role_in_t *in = in_;
    vld_t *v = &ctx->v;
    if (!vld_body_object(v, ctx->body))
        return;
    const json_t *role = json_object_get(ctx->body, "role");
    if (!role) {
        vld_missing(v, "body", "role", ctx->body);
        return;
    }
    const char *s = json_string_value(role);
    if (s && (strcmp(s, AUTH_ROLE_OWNER) == 0 || strcmp(s, AUTH_ROLE_MEMBER) == 0)) {
        in->owner = strcmp(s, AUTH_ROLE_OWNER) == 0;
        return;
    }
    vld_add(v, "literal_error", vld_loc("body", "role"), "Input should be 'owner' or 'member'", json_deep_copy(role),
            json_pack("{s:s}", "expected", "'owner' or 'member'"));
}

static err_t team_api_role(api_ctx_t *ctx, const void *in_, api_out_t *out)
{
    const team_role_in_t *in = in_;
    db_t *db;
    err_t e = api_db(ctx, out, &db);
    if (e != ERR_OK)
        return e;
    auth_user_t u;
    const char *detail = NULL;
    e = team_set_role(db, ctx->arena, ctx->principal, api_path_int(ctx, "user_id"), in->owner, &u, &detail);
    if (e != ERR_OK)
        return team_api_fail(out, e, detail);
    return api_json(out, auth_user_response_json(&u, false, false));
}

static err_t team_api_resend(api_ctx_t *ctx, const void *in, api_out_t *out)
{
    (void)in;
    db_t *db;
    err_t e = api_db(ctx, out, &db);
    if (e != ERR_OK)
        return e;
    bool sent = false;
    const char *detail = NULL;
    e = team_resend_invite(db, ctx->arena, ctx->principal, api_path_int(ctx, "user_id"), &sent, &detail);
    if (e != ERR_OK)
        return team_api_fail(out, e, detail);
    return api_json(out, json_pack("{s:b}", "email_sent", sent));
}

static err_t team_api_link(api_ctx_t *ctx, const void *in, api_out_t *out)
{
    (void)in;
    db_t *db;
    err_t e = api_db(ctx, out, &db);
    if (e != ERR_OK)
        return e;
    const char *link = NULL, *detail = NULL;
    e = team_invite_link(db, ctx->arena, ctx->principal, api_path_int(ctx, "user_id"), &link, &detail);
    if (e != ERR_OK)
        return team_api_fail(out, e, detail);
    return api_json(out, json_pack("{s:s}", "accept_link", link));
}

/* ---- I9 POST /auth/accept-invite ---- */

typedef struct {
    vld_str_t token, password;
} team_accept_in_t;

static void team_parse_accept(api_ctx_t *ctx, void *in_)
{
    static const vld_str_rule_t token_rule = {VLD_REQUIRED, 1, 2000, NULL};
    static const vld_str_rule_t pw_rule = {VLD_REQUIRED, 0, 0, NULL};
    team_accept_in_t *in = in_;
    vld_t *v = &ctx->v;
    if (!vld_body_object(v, ctx->body))
        return;
    vld_str(v, "body", ctx->body, "token", &token_rule, &in->token);
    vld_str(v, "body", ctx->body, "password", &pw_rule, &in->password);
}

static err_t team_api_accept(api_ctx_t *ctx, const void *in_, api_out_t *out)
{
    const team_accept_in_t *in = in_;
    db_t *db;
    err_t e = api_db(ctx, out, &db);
    if (e != ERR_OK)
        return e;
    const char *token = NULL, *detail = NULL;
    const char *password = mem_strndup(ctx->arena, in->password.value, in->password.len);
    const char *invite = mem_strndup(ctx->arena, in->token.value, in->token.len);
    e = team_accept_invite(db, ctx->arena, invite, password, &token, &detail);
    if (e != ERR_OK)
        return team_api_fail(out, e, detail);
    return api_json(out, json_pack("{s:s,s:s}", "access_token", token, "token_type", "bearer"));
}

static const api_route_t team_routes[] = {
    {"GET", TEAM_BASE "/", API_AUTH_RECRUITER, API_BODY_NONE, API_RL_NONE, NULL, 0, team_api_list, 200,
     "Active members of the caller's organisation", "team"},
    {"POST", TEAM_BASE "/invite", API_AUTH_OWNER, API_BODY_JSON, API_RL_NONE, team_parse_invite,
     sizeof(team_invite_in_t), team_api_invite, 201, "Invite (or restore) a team member", "team"},
    {"GET", TEAM_BASE "/me", API_AUTH_RECRUITER, API_BODY_NONE, API_RL_NONE, NULL, 0, team_api_me, 200,
     "The signed-in user (UserRead)", "team"},
    {"PATCH", TEAM_BASE "/me", API_AUTH_RECRUITER, API_BODY_JSON, API_RL_NONE, team_parse_patch,
     sizeof(team_patch_in_t), team_api_patch_me, 200, "Update the signed-in user", "team"},
    {"GET", TEAM_BASE "/{id}", API_AUTH_SUPERUSER, API_BODY_NONE, API_RL_NONE, NULL, 0, team_api_get_user, 200,
     "Any user (superusers only)", "team"},
    {"PATCH", TEAM_BASE "/{id}", API_AUTH_SUPERUSER, API_BODY_JSON, API_RL_NONE, team_parse_patch,
     sizeof(team_patch_in_t), team_api_patch_user, 200, "Update any user (superusers only)", "team"},
    {"DELETE", TEAM_BASE "/{user_id:int}", API_AUTH_OWNER, API_BODY_NONE, API_RL_NONE, NULL, 0, team_api_remove, 204,
     "Remove a member or revoke an invite (soft)", "team"},
    {"PATCH", TEAM_BASE "/{user_id:int}/role", API_AUTH_OWNER, API_BODY_JSON, API_RL_NONE, team_parse_role,
     sizeof(team_role_in_t), team_api_role, 200, "Change a member's role", "team"},
    {"POST", TEAM_BASE "/{user_id:int}/resend-invite", API_AUTH_OWNER, API_BODY_NONE, API_RL_NONE, NULL, 0,
     team_api_resend, 200, "Send a pending member a fresh invite", "team"},
    {"POST", TEAM_BASE "/{user_id:int}/invite-link", API_AUTH_OWNER, API_BODY_NONE, API_RL_NONE, NULL, 0, team_api_link,
     200, "A fresh accept-invite link for a pending member", "team"},
    {"POST", "/api/v1/auth/accept-invite", API_AUTH_NONE, API_BODY_JSON, API_RL_AUTH, team_parse_accept,
     sizeof(team_accept_in_t), team_api_accept, 200, "Accept a team invite with a new password", "team"},
};

void team_register(http_server_t *s)
{
    api_routes(s, team_routes, sizeof team_routes / sizeof team_routes[0]);
}
