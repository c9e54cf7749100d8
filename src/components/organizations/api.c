/* Routes of /api/v1/organizations/me (api-contract O1, O2). */
#include "components/auth/auth.h"
#include "components/organizations/internal.h"
#include "platform/json.h"
#include "platform/validate.h"

/* Replies with organisation id, or the contract's 404. */
static void org_api_reply_org(http_req_t *req, db_t *db, int64_t id)
{
    organizations_org_t o;
    err_t e = organizations_get(db, req->arena, id, &o);
    if (e == ERR_NOT_FOUND) {
        http_reply_detail(req, 404, "Organization not found");
        return;
    }
    if (e != ERR_OK) {
        http_reply_err(req, e == ERR_UNAVAILABLE ? ERR_UNAVAILABLE : ERR_INTERNAL, "Internal Server Error");
        return;
    }
    http_reply_json(req, 200, organizations_json(&o));
}

static void org_api_get_me(http_req_t *req)
{
    const auth_user_t *u = auth_require_user(req);
    if (!u)
        return;
    if (!u->has_organization) {
        http_reply_detail(req, 404, "No organization associated");
        return;
    }
    db_t *db = http_db(req);
    if (!db) {
        http_reply_err(req, ERR_UNAVAILABLE, "Database unavailable");
        return;
    }
    org_api_reply_org(req, db, u->organization_id);
}

static void org_api_patch_me(http_req_t *req)
{
    static const vld_str_rule_t name_rule = {VLD_OPTIONAL, 0, 0, NULL};
    http_verr_t *hv = http_verr_new(req);
    json_t *body = NULL;
    const auth_user_t *u = auth_require_user_json(req, hv, &body);
    if (!u)
        return;
    vld_t v;
    vld_init(&v, req->arena);
    vld_str_t name = {0};
    vld_json_t config = {0};
    if (vld_body_object(&v, body)) {
        vld_str(&v, "body", body, "name", &name_rule, &name);
        vld_dict(&v, "body", body, "workable_config", VLD_OPTIONAL, &config);
    }
    if (vld_reply_if_invalid(req, hv, &v))
        return;
    if (!u->has_organization) {
        http_reply_detail(req, 404, "Organization not found");
        return;
    }
    db_t *db = http_db(req);
    if (!db) {
        http_reply_err(req, ERR_UNAVAILABLE, "Database unavailable");
        return;
    }
    const char *new_name = name.presence == VLD_SET ? mem_strndup(req->arena, name.value, name.len) : NULL;
    const char *cfg_json = config.presence == VLD_SET ? json_encode_arena(req->arena, config.value) : NULL;
    err_t e = org_svc_update(db, u->organization_id, new_name, cfg_json);
    if (e == ERR_NOT_FOUND) {
        http_reply_detail(req, 404, "Organization not found");
        return;
    }
    if (e != ERR_OK) {
        http_reply_err(req, ERR_INTERNAL, "Failed to update organization");
        return;
    }
    org_api_reply_org(req, db, u->organization_id);
}

void organizations_register(http_server_t *s)
{
    static const http_route_doc_t d_get = {"The caller's organisation", "organizations", "bearer", 200};
    static const http_route_doc_t d_patch = {"Rename the organisation or set its Workable config", "organizations",
                                             "bearer", 200};
    http_route(s, "GET", "/api/v1/organizations/me", org_api_get_me, &d_get);
    http_route(s, "PATCH", "/api/v1/organizations/me", org_api_patch_me, &d_patch);
}
