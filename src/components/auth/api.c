/* Routes of /api/v1/auth (api-contract A1-A7) as route-table entries:
 * parse functions validate the JSON body, the query or the login form
 * into an input struct (in FastAPI's order), handlers call the service
 * and return err_t; the table writes the statuses.  A1, A4 and A6 fall
 * in the "auth" rate-limit bucket. */
#include <string.h>

#include "components/auth/internal.h"
#include "platform/api.h"
#include "platform/validate.h"

#define AUTH_BASE "/api/v1/auth"

/* A validated string that holds a NUL byte cannot be stored or hashed
 * faithfully (the original failed on it with a 500): reported as a
 * value error on the field instead. */
static void auth_api_no_nul(vld_t *v, const char *field, const vld_str_t *s)
{
    if (s->presence != VLD_SET || strlen(s->value) == s->len)
        return;
    static const char reason[] = "String must not contain NUL characters";
    vld_add(v, "value_error", vld_loc("body", field), "Value error, String must not contain NUL characters",
            json_stringn(s->value, s->len), json_pack("{s:s}", "error", reason));
}

/* A {"detail": text} answer of a route that succeeded. */
static err_t auth_api_detail(api_out_t *out, const char *text)
{
    return api_json(out, json_pack("{s:s}", "detail", text));
}

/* ---- A1 POST /register ---- */

typedef struct {
    vld_str_t email, password, full_name, org;
} auth_register_fields_t;

static void auth_parse_register(api_ctx_t *ctx, void *in_)
{
    static const vld_str_rule_t pw_rule = {VLD_REQUIRED, 8, 200, NULL};
    /* D7: B's bounds stay (422 for a password under 8 characters), but
     * full_name is optional as today's client sends it */
    static const vld_str_rule_t name_rule = {VLD_OPTIONAL, 1, 200, NULL};
    static const vld_str_rule_t org_rule = {VLD_OPTIONAL, 0, 200, NULL};
    auth_register_fields_t *in = in_;
    json_t *body = ctx->body;
    if (!vld_body_object(&ctx->v, body))
        return;
    vld_email(&ctx->v, "body", body, "email", VLD_REQUIRED, &in->email);
    if (vld_str(&ctx->v, "body", body, "password", &pw_rule, &in->password))
        auth_api_no_nul(&ctx->v, "password", &in->password);
    if (vld_str(&ctx->v, "body", body, "full_name", &name_rule, &in->full_name))
        auth_api_no_nul(&ctx->v, "full_name", &in->full_name);
    if (vld_str(&ctx->v, "body", body, "organization_name", &org_rule, &in->org))
        auth_api_no_nul(&ctx->v, "organization_name", &in->org);
}

static err_t auth_api_register(api_ctx_t *ctx, const void *in_, api_out_t *out)
{
    const auth_register_fields_t *f = in_;
    db_t *db;
    err_t e = api_db(ctx, out, &db);
    if (e != ERR_OK)
        return e;
    auth_register_in_t in = {
        .email = f->email.value,
        .password = f->password.value,
        .full_name = f->full_name.presence == VLD_SET ? f->full_name.value : NULL,
        .organization_name = f->org.presence == VLD_SET ? f->org.value : NULL,
    };
    auth_user_t u;
    const char *detail = NULL;
    e = auth_svc_register(db, ctx->arena, &in, &u, &detail);
    if (e != ERR_OK)
        return api_fail(out, e, detail);
    return api_json(out, auth_register_json(&u));
}

/* ---- A2 GET /verify-email ---- */

typedef struct {
    vld_str_t token;
} auth_token_in_t;

static void auth_parse_verify(api_ctx_t *ctx, void *in_)
{
    static const vld_str_rule_t token_rule = {VLD_REQUIRED, 16, 500, NULL};
    auth_token_in_t *in = in_;
    vld_raw_str(&ctx->v, "query", "token", http_query(ctx->req, "token"), &token_rule, &in->token);
}

static err_t auth_api_verify_email(api_ctx_t *ctx, const void *in_, api_out_t *out)
{
    const auth_token_in_t *in = in_;
    db_t *db;
    err_t e = api_db(ctx, out, &db);
    if (e != ERR_OK)
        return e;
    const char *detail = NULL;
    auth_user_t u;
    e = auth_svc_verify(db, ctx->arena, in->token.value, false, &u, &detail);
    if (e != ERR_OK)
        return api_fail(out, e, detail);
    return auth_api_detail(out, AUTH_D_VERIFIED);
}

/* ---- I6 POST /verify ---- */

static void auth_parse_verify_v2(api_ctx_t *ctx, void *in_)
{
    static const vld_str_rule_t token_rule = {VLD_REQUIRED, 0, 0, NULL};
    auth_token_in_t *in = in_;
    if (vld_body_object(&ctx->v, ctx->body))
        vld_str(&ctx->v, "body", ctx->body, "token", &token_rule, &in->token);
}

static err_t auth_api_verify_v2(api_ctx_t *ctx, const void *in_, api_out_t *out)
{
    const auth_token_in_t *in = in_;
    db_t *db;
    err_t e = api_db(ctx, out, &db);
    if (e != ERR_OK)
        return e;
    const char *detail = NULL;
    auth_user_t u;
    e = auth_svc_verify(db, ctx->arena, in->token.value, true, &u, &detail);
    if (e != ERR_OK)
        return api_fail(out, e, detail);
    return api_json(out, auth_userread_json(&u));
}

/* ---- the {"email": EmailStr} body of A3 and A6 ---- */

typedef struct {
    const char *email; /* normalised, arena-owned; NULL when invalid */
} auth_email_in_t;

static void auth_parse_email(api_ctx_t *ctx, void *in_)
{
    auth_email_in_t *in = in_;
    vld_str_t email = {0};
    if (vld_body_object(&ctx->v, ctx->body))
        vld_email(&ctx->v, "body", ctx->body, "email", VLD_REQUIRED, &email);
    if (email.presence == VLD_SET)
        in->email = mem_strndup(ctx->arena, email.value, email.len);
}

/* ---- A3 POST /resend-verification ---- */

static err_t auth_api_resend_verification(api_ctx_t *ctx, const void *in_, api_out_t *out)
{
    const auth_email_in_t *in = in_;
    /* the same answer whatever happens, so nobody learns which accounts
     * exist (without a database as well) */
    db_t *db = http_db(ctx->req);
    if (db)
        auth_svc_resend_verification(db, ctx->arena, in->email);
    return auth_api_detail(out, AUTH_D_RESEND_SENT);
}

/* ---- I5 POST /request-verify-token (B's throttle shared with A3, D12) ---- */

static err_t auth_api_request_verify_token(api_ctx_t *ctx, const void *in_, api_out_t *out)
{
    const auth_email_in_t *in = in_;
    db_t *db = http_db(ctx->req);
    if (db)
        auth_svc_resend_verification(db, ctx->arena, in->email);
    return api_json(out, json_null());
}

/* ---- A4 POST /login ---- */

typedef struct {
    vld_str_t username, password;
} auth_login_in_t;

/* OAuth2PasswordRequestForm of FastAPI 0.115: grant_type's pattern is
 * searched, not anchored; scope, client_id and client_secret are
 * validated and ignored. */
static void auth_parse_login(api_ctx_t *ctx, void *in_)
{
    static const vld_str_rule_t req_rule = {VLD_REQUIRED, 0, 0, NULL};
    static const vld_str_rule_t grant_rule = {VLD_OPTIONAL, 0, 0, "password"};
    static const vld_str_rule_t opt_rule = {VLD_OPTIONAL, 0, 0, NULL};
    auth_login_in_t *in = in_;
    http_req_t *req = ctx->req;
    vld_str_t ignored = {0};
    vld_raw_str(&ctx->v, "body", "grant_type", http_form(req, "grant_type"), &grant_rule, &ignored);
    vld_raw_str(&ctx->v, "body", "username", http_form(req, "username"), &req_rule, &in->username);
    vld_raw_str(&ctx->v, "body", "password", http_form(req, "password"), &req_rule, &in->password);
    vld_raw_str(&ctx->v, "body", "scope", http_form(req, "scope"), &opt_rule, &ignored);
    vld_raw_str(&ctx->v, "body", "client_id", http_form(req, "client_id"), &opt_rule, &ignored);
    vld_raw_str(&ctx->v, "body", "client_secret", http_form(req, "client_secret"), &opt_rule, &ignored);
}

/* {"access_token", "token_type": "bearer"} */
static err_t auth_api_token(api_out_t *out, const char *token)
{
    return api_json(out, json_pack("{s:s,s:s}", "access_token", token, "token_type", "bearer"));
}

/* A4 (v2 false) and I1: one credential check, each route's errors. */
static err_t auth_api_login_as(api_ctx_t *ctx, const auth_login_in_t *in, api_out_t *out, bool v2)
{
    db_t *db;
    err_t e = api_db(ctx, out, &db);
    if (e != ERR_OK)
        return e;
    const char *token = NULL, *detail = NULL;
    e = auth_svc_sso_gate(db, ctx->arena, in->username.value, &detail);
    if (e != ERR_OK)
        return api_fail(out, e, detail);
    e = auth_svc_login_as(db, ctx->req, ctx->arena, in->username.value, in->password.value, v2, &token, &detail);
    if (e == ERR_UNAUTHORIZED)
        http_set_header(ctx->req, "WWW-Authenticate", "Bearer");
    if (e != ERR_OK)
        return api_fail(out, e, detail);
    return auth_api_token(out, token);
}

static err_t auth_api_login(api_ctx_t *ctx, const void *in, api_out_t *out)
{
    return auth_api_login_as(ctx, in, out, false);
}

/* ---- I1 POST /jwt/login, I2 /jwt/logout, I3 /jwt/refresh ---- */

static err_t auth_api_jwt_login(api_ctx_t *ctx, const void *in, api_out_t *out)
{
    return auth_api_login_as(ctx, in, out, true);
}

static err_t auth_api_jwt_logout(api_ctx_t *ctx, const void *in, api_out_t *out)
{
    /* nothing to revoke: the route only proves the token is valid */
    return ERR_OK;
}

static err_t auth_api_jwt_refresh(api_ctx_t *ctx, const void *in, api_out_t *out)
{
    const char *token = NULL, *detail = NULL;
    err_t e = auth_svc_refresh(ctx->req, ctx->arena, &token, &detail);
    if (e != ERR_OK)
        return api_fail(out, e, detail);
    return auth_api_token(out, token);
}

/* ---- A5 GET /me ---- */

static err_t auth_api_me(api_ctx_t *ctx, const void *in, api_out_t *out)
{
    return api_json(out, auth_user_json(ctx->principal));
}

/* ---- A6 POST /forgot-password ---- */

static err_t auth_api_forgot_password(api_ctx_t *ctx, const void *in_, api_out_t *out)
{
    const auth_email_in_t *in = in_;
    db_t *db;
    err_t e = api_db(ctx, out, &db);
    if (e != ERR_OK)
        return e;
    const char *detail = NULL;
    e = auth_svc_sso_gate(db, ctx->arena, in->email, &detail);
    if (e != ERR_OK)
        return api_fail(out, e, detail);
    e = auth_svc_forgot_password(db, ctx->req, ctx->arena, in->email, &detail);
    if (e != ERR_OK)
        return api_fail(out, e, detail);
    return auth_api_detail(out, AUTH_D_FORGOT_SENT);
}

/* ---- A7 / I8 POST /reset-password (D9: told apart by field name) ---- */

typedef struct {
    bool v2; /* no new_password key: today's body {token, password} */
    vld_str_t token, password;
} auth_reset_in_t;

static void auth_parse_reset(api_ctx_t *ctx, void *in_)
{
    static const vld_str_rule_t token_rule = {VLD_REQUIRED, 16, 500, NULL};
    static const vld_str_rule_t pw_rule = {VLD_REQUIRED, 8, 200, NULL};
    static const vld_str_rule_t any_rule = {VLD_REQUIRED, 0, 0, NULL};
    auth_reset_in_t *in = in_;
    if (!vld_body_object(&ctx->v, ctx->body))
        return;
    in->v2 = json_object_get(ctx->body, "new_password") == NULL;
    if (in->v2) {
        vld_str(&ctx->v, "body", ctx->body, "token", &any_rule, &in->token);
        if (vld_str(&ctx->v, "body", ctx->body, "password", &any_rule, &in->password))
            auth_api_no_nul(&ctx->v, "password", &in->password);
        return;
    }
    vld_str(&ctx->v, "body", ctx->body, "token", &token_rule, &in->token);
    if (vld_str(&ctx->v, "body", ctx->body, "new_password", &pw_rule, &in->password))
        auth_api_no_nul(&ctx->v, "new_password", &in->password);
}

static err_t auth_api_reset_password(api_ctx_t *ctx, const void *in_, api_out_t *out)
{
    const auth_reset_in_t *in = in_;
    db_t *db;
    err_t e = api_db(ctx, out, &db);
    if (e != ERR_OK)
        return e;
    const char *detail = NULL;
    bool weak = false;
    e = auth_svc_reset(db, ctx->req, ctx->arena, in->token.value, in->password.value, in->v2, &detail, &weak);
    if (e == ERR_BAD_REQUEST && weak && in->v2) {
        out->status = 400;
        return api_json(out, json_pack("{s:{s:s,s:s}}", "detail", "code", AUTH_D_RESET_INVALID, "reason", detail));
    }
    if (e != ERR_OK)
        return api_fail(out, e, detail);
    return in->v2 ? api_json(out, json_null()) : auth_api_detail(out, AUTH_D_RESET_DONE);
}

static const api_route_t auth_routes[] = {
    {"POST", AUTH_BASE "/register", API_AUTH_NONE, API_BODY_JSON, API_RL_AUTH, auth_parse_register,
     sizeof(auth_register_fields_t), auth_api_register, 201, "Register a recruiter (and organisation)", "auth"},
    {"GET", AUTH_BASE "/verify-email", API_AUTH_NONE, API_BODY_NONE, API_RL_NONE, auth_parse_verify,
     sizeof(auth_token_in_t), auth_api_verify_email, 200, "Verify an e-mail address", "auth"},
    {"POST", AUTH_BASE "/resend-verification", API_AUTH_NONE, API_BODY_JSON, API_RL_NONE, auth_parse_email,
     sizeof(auth_email_in_t), auth_api_resend_verification, 200, "Resend the verification e-mail", "auth"},
    {"POST", AUTH_BASE "/login", API_AUTH_NONE, API_BODY_FORM, API_RL_AUTH, auth_parse_login, sizeof(auth_login_in_t),
     auth_api_login, 200, "Log in (OAuth2 password form)", "auth"},
    {"POST", AUTH_BASE "/jwt/login", API_AUTH_NONE, API_BODY_FORM, API_RL_AUTH, auth_parse_login,
     sizeof(auth_login_in_t), auth_api_jwt_login, 200, "Log in, today's client (OAuth2 password form)", "auth"},
    {"POST", AUTH_BASE "/jwt/logout", API_AUTH_RECRUITER, API_BODY_NONE, API_RL_NONE, NULL, 0, auth_api_jwt_logout, 204,
     "Log out (nothing is revoked)", "auth"},
    /* API_AUTH_NONE: the handler authenticates, to name a token older than
     * the last password change */
    {"POST", AUTH_BASE "/jwt/refresh", API_AUTH_NONE, API_BODY_NONE, API_RL_NONE, NULL, 0, auth_api_jwt_refresh, 200,
     "A fresh access token for a valid one", "auth"},
    {"POST", AUTH_BASE "/request-verify-token", API_AUTH_NONE, API_BODY_JSON, API_RL_NONE, auth_parse_email,
     sizeof(auth_email_in_t), auth_api_request_verify_token, 202, "Resend the verification e-mail, today's client",
     "auth"},
    {"POST", AUTH_BASE "/verify", API_AUTH_NONE, API_BODY_JSON, API_RL_NONE, auth_parse_verify_v2,
     sizeof(auth_token_in_t), auth_api_verify_v2, 200, "Verify an e-mail address, today's client", "auth"},
    {"GET", AUTH_BASE "/me", API_AUTH_RECRUITER, API_BODY_NONE, API_RL_NONE, NULL, 0, auth_api_me, 200,
     "The current user", "auth"},
    {"POST", AUTH_BASE "/forgot-password", API_AUTH_NONE, API_BODY_JSON, API_RL_AUTH, auth_parse_email,
     sizeof(auth_email_in_t), auth_api_forgot_password, 200, "Request a password reset e-mail", "auth"},
    {"POST", AUTH_BASE "/reset-password", API_AUTH_NONE, API_BODY_JSON, API_RL_NONE, auth_parse_reset,
     sizeof(auth_reset_in_t), auth_api_reset_password, 200, "Set a new password with a reset token", "auth"},
};

void auth_register(http_server_t *s)
{
    api_routes(s, auth_routes, sizeof auth_routes / sizeof auth_routes[0]);
}
