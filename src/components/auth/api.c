/* Routes of /api/v1/auth (api-contract A1-A7): request -> validation ->
 * service -> response. */
#include <string.h>

#include "components/auth/internal.h"
#include "platform/validate.h"

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

static db_t *auth_api_db(http_req_t *req)
{
    db_t *db = http_db(req);
    if (!db)
        http_reply_err(req, ERR_UNAVAILABLE, "Database unavailable");
    return db;
}

static void auth_api_register(http_req_t *req)
{
    static const vld_str_rule_t pw_rule = {VLD_REQUIRED, 8, 200, NULL};
    static const vld_str_rule_t name_rule = {VLD_REQUIRED, 1, 200, NULL};
    static const vld_str_rule_t org_rule = {VLD_OPTIONAL, 0, 200, NULL};
    http_verr_t *hv = http_verr_new(req);
    json_t *body = http_json_body(req, hv);
    vld_t v;
    vld_init(&v, req->arena);
    vld_str_t email = {0}, password = {0}, full_name = {0}, org = {0};
    if (vld_body_object(&v, body)) {
        vld_email(&v, "body", body, "email", VLD_REQUIRED, &email);
        if (vld_str(&v, "body", body, "password", &pw_rule, &password))
            auth_api_no_nul(&v, "password", &password);
        if (vld_str(&v, "body", body, "full_name", &name_rule, &full_name))
            auth_api_no_nul(&v, "full_name", &full_name);
        if (vld_str(&v, "body", body, "organization_name", &org_rule, &org))
            auth_api_no_nul(&v, "organization_name", &org);
    }
    if (vld_reply_if_invalid(req, hv, &v))
        return;
    db_t *db = auth_api_db(req);
    if (!db)
        return;
    auth_register_in_t in = {
        .email = email.value,
        .password = password.value,
        .full_name = full_name.value,
        .organization_name = org.presence == VLD_SET ? org.value : NULL,
    };
    auth_user_t u;
    const char *detail = NULL;
    err_t e = auth_svc_register(db, req->arena, &in, &u, &detail);
    if (e != ERR_OK) {
        http_reply_err(req, e, detail);
        return;
    }
    http_reply_json(req, 201, auth_user_json(&u));
}

static void auth_api_verify_email(http_req_t *req)
{
    static const vld_str_rule_t token_rule = {VLD_REQUIRED, 16, 500, NULL};
    http_verr_t *hv = http_verr_new(req);
    vld_t v;
    vld_init(&v, req->arena);
    vld_str_t token = {0};
    vld_raw_str(&v, "query", "token", http_query(req, "token"), &token_rule, &token);
    if (vld_reply_if_invalid(req, hv, &v))
        return;
    db_t *db = auth_api_db(req);
    if (!db)
        return;
    const char *detail = NULL;
    err_t e = auth_svc_verify_email(db, req->arena, token.value, &detail);
    if (e != ERR_OK) {
        http_reply_err(req, e, detail);
        return;
    }
    http_reply_json(req, 200, json_pack("{s:s}", "detail", AUTH_D_VERIFIED));
}

/* The {"email": EmailStr} body of A3 and A6: the normalised address
 * (owned by the request), or NULL after replying 422. */
static const char *auth_api_email_body(http_req_t *req)
{
    http_verr_t *hv = http_verr_new(req);
    json_t *body = http_json_body(req, hv);
    vld_t v;
    vld_init(&v, req->arena);
    vld_str_t email = {0};
    if (vld_body_object(&v, body))
        vld_email(&v, "body", body, "email", VLD_REQUIRED, &email);
    const char *value = email.presence == VLD_SET ? mem_strndup(req->arena, email.value, email.len) : NULL;
    if (vld_reply_if_invalid(req, hv, &v))
        return NULL;
    return value;
}

static void auth_api_resend_verification(http_req_t *req)
{
    const char *email = auth_api_email_body(req);
    if (!email)
        return;
    db_t *db = http_db(req);
    if (db)
        auth_svc_resend_verification(db, req->arena, email);
    http_reply_json(req, 200, json_pack("{s:s}", "detail", AUTH_D_RESEND_SENT));
}

static void auth_api_login(http_req_t *req)
{
    /* OAuth2PasswordRequestForm of FastAPI 0.115: grant_type's pattern is
     * searched, not anchored. */
    static const vld_str_rule_t req_rule = {VLD_REQUIRED, 0, 0, NULL};
    static const vld_str_rule_t grant_rule = {VLD_OPTIONAL, 0, 0, "password"};
    static const vld_str_rule_t opt_rule = {VLD_OPTIONAL, 0, 0, NULL};
    http_verr_t *hv = http_verr_new(req);
    vld_t v;
    vld_init(&v, req->arena);
    vld_str_t grant = {0}, username = {0}, password = {0}, ignored = {0};
    vld_raw_str(&v, "body", "grant_type", http_form(req, "grant_type"), &grant_rule, &grant);
    vld_raw_str(&v, "body", "username", http_form(req, "username"), &req_rule, &username);
    vld_raw_str(&v, "body", "password", http_form(req, "password"), &req_rule, &password);
    vld_raw_str(&v, "body", "scope", http_form(req, "scope"), &opt_rule, &ignored);
    vld_raw_str(&v, "body", "client_id", http_form(req, "client_id"), &opt_rule, &ignored);
    vld_raw_str(&v, "body", "client_secret", http_form(req, "client_secret"), &opt_rule, &ignored);
    if (vld_reply_if_invalid(req, hv, &v))
        return;
    db_t *db = auth_api_db(req);
    if (!db)
        return;
    const char *token = NULL, *detail = NULL;
    err_t e = auth_svc_login(db, req->arena, username.value, password.value, &token, &detail);
    if (e != ERR_OK) {
        if (e == ERR_UNAUTHORIZED)
            http_set_header(req, "WWW-Authenticate", "Bearer");
        http_reply_err(req, e, detail);
        return;
    }
    http_reply_json(req, 200, json_pack("{s:s,s:s}", "access_token", token, "token_type", "bearer"));
}

static void auth_api_me(http_req_t *req)
{
    const auth_user_t *u = auth_require_user(req);
    if (!u)
        return;
    http_reply_json(req, 200, auth_user_json(u));
}

static void auth_api_forgot_password(http_req_t *req)
{
    const char *email = auth_api_email_body(req);
    if (!email)
        return;
    db_t *db = auth_api_db(req);
    if (!db)
        return;
    const char *detail = NULL;
    err_t e = auth_svc_forgot_password(db, req->arena, email, &detail);
    if (e != ERR_OK) {
        http_reply_err(req, e, detail);
        return;
    }
    http_reply_json(req, 200, json_pack("{s:s}", "detail", AUTH_D_FORGOT_SENT));
}

static void auth_api_reset_password(http_req_t *req)
{
    static const vld_str_rule_t token_rule = {VLD_REQUIRED, 16, 500, NULL};
    static const vld_str_rule_t pw_rule = {VLD_REQUIRED, 8, 200, NULL};
    http_verr_t *hv = http_verr_new(req);
    json_t *body = http_json_body(req, hv);
    vld_t v;
    vld_init(&v, req->arena);
    vld_str_t token = {0}, password = {0};
    if (vld_body_object(&v, body)) {
        vld_str(&v, "body", body, "token", &token_rule, &token);
        if (vld_str(&v, "body", body, "new_password", &pw_rule, &password))
            auth_api_no_nul(&v, "new_password", &password);
    }
    if (vld_reply_if_invalid(req, hv, &v))
        return;
    db_t *db = auth_api_db(req);
    if (!db)
        return;
    const char *detail = NULL;
    err_t e = auth_svc_reset_password(db, req->arena, token.value, password.value, &detail);
    if (e != ERR_OK) {
        http_reply_err(req, e, detail);
        return;
    }
    http_reply_json(req, 200, json_pack("{s:s}", "detail", AUTH_D_RESET_DONE));
}

void auth_register(http_server_t *s)
{
    static const http_route_doc_t d_register = {"Register a recruiter (and organisation)", "auth", NULL, 201};
    static const http_route_doc_t d_verify = {"Verify an e-mail address", "auth", NULL, 200};
    static const http_route_doc_t d_resend = {"Resend the verification e-mail", "auth", NULL, 200};
    static const http_route_doc_t d_login = {"Log in (OAuth2 password form)", "auth", NULL, 200};
    static const http_route_doc_t d_me = {"The current user", "auth", "bearer", 200};
    static const http_route_doc_t d_forgot = {"Request a password reset e-mail", "auth", NULL, 200};
    static const http_route_doc_t d_reset = {"Set a new password with a reset token", "auth", NULL, 200};
    http_route(s, "POST", "/api/v1/auth/register", auth_api_register, &d_register);
    http_route(s, "GET", "/api/v1/auth/verify-email", auth_api_verify_email, &d_verify);
    http_route(s, "POST", "/api/v1/auth/resend-verification", auth_api_resend_verification, &d_resend);
    http_route(s, "POST", "/api/v1/auth/login", auth_api_login, &d_login);
    http_route(s, "GET", "/api/v1/auth/me", auth_api_me, &d_me);
    http_route(s, "POST", "/api/v1/auth/forgot-password", auth_api_forgot_password, &d_forgot);
    http_route(s, "POST", "/api/v1/auth/reset-password", auth_api_reset_password, &d_reset);
}
