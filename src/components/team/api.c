/* Routes of /api/v1/users (api-contract U1, U2). */
#include <string.h>

#include "components/team/team.h"
#include "platform/validate.h"

static void team_api_list(http_req_t *req)
{
    const auth_user_t *u = auth_require_user(req);
    if (!u)
        return;
    json_t *arr = json_array();
    if (!u->has_organization) {
        http_reply_json(req, 200, arr);
        return;
    }
    db_t *db = http_db(req);
    auth_user_t *users = NULL;
    size_t n = 0;
    err_t e = db ? auth_list_org_users(db, req->arena, u->organization_id, &users, &n) : ERR_UNAVAILABLE;
    if (e != ERR_OK) {
        json_decref(arr);
        http_reply_err(req, e == ERR_UNAVAILABLE ? ERR_UNAVAILABLE : ERR_INTERNAL, "Internal Server Error");
        return;
    }
    for (size_t i = 0; i < n; i++)
        json_array_append_new(arr, auth_user_json(&users[i]));
    http_reply_json(req, 200, arr);
}

static void team_api_invite(http_req_t *req)
{
    static const vld_str_rule_t name_rule = {VLD_REQUIRED, 1, 200, NULL};
    http_verr_t *hv = http_verr_new(req);
    json_t *body = NULL;
    const auth_user_t *u = auth_require_user_json(req, hv, &body);
    if (!u)
        return;
    vld_t v;
    vld_init(&v, req->arena);
    vld_str_t email = {0}, full_name = {0};
    if (vld_body_object(&v, body)) {
        vld_email(&v, "body", body, "email", VLD_REQUIRED, &email);
        if (vld_str(&v, "body", body, "full_name", &name_rule, &full_name) && strlen(full_name.value) != full_name.len)
            vld_add(&v, "value_error", vld_loc("body", "full_name"),
                    "Value error, String must not contain NUL characters", json_stringn(full_name.value, full_name.len),
                    json_pack("{s:s}", "error", "String must not contain NUL characters"));
    }
    if (vld_reply_if_invalid(req, hv, &v))
        return;
    if (!u->has_organization) {
        http_reply_detail(req, 400, "You are not in an organization");
        return;
    }
    db_t *db = http_db(req);
    if (!db) {
        http_reply_err(req, ERR_UNAVAILABLE, "Database unavailable");
        return;
    }
    auth_user_t member;
    const char *detail = NULL;
    err_t e = team_invite(db, req->arena, u->organization_id, email.value, full_name.value, &member, &detail);
    if (e != ERR_OK) {
        http_reply_err(req, e, detail);
        return;
    }
    http_reply_json(req, 201, auth_user_json(&member));
}

void team_register(http_server_t *s)
{
    static const http_route_doc_t d_list = {"Members of the caller's organisation", "team", "bearer", 200};
    static const http_route_doc_t d_invite = {"Invite a team member", "team", "bearer", 201};
    http_route(s, "GET", "/api/v1/users/", team_api_list, &d_list);
    http_route(s, "POST", "/api/v1/users/invite", team_api_invite, &d_invite);
}
