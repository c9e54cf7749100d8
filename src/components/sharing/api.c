/* Routes of the shareable reports (spec v2/hiring-loop.md §11) as
 * route-table entries.  Management routes are any member's of the
 * organisation (submittal packs add the job permission); the viewers are
 * public and ignore any bearer token. */
#include <string.h>

#include "components/auth/auth.h"
#include "components/sharing/internal.h"
#include "platform/api.h"
#include "platform/validate.h"
#include "shared/text.h"

static err_t sharing_api_done(api_out_t *out, err_t e, const char *detail, json_t *body)
{
    if (e != ERR_OK)
        return api_fail(out, e, detail);
    return api_json(out, body);
}

static bool sharing_api_view_role(api_ctx_t *ctx, int64_t *id)
{
    static const vld_int_rule_t rule = {.need = VLD_OPTIONAL, .has_ge = true, .ge = 1};
    vld_int_t v = {0};
    vld_raw_int(&ctx->v, "query", "view_role_id", http_query(ctx->req, "view_role_id"), &rule, &v);
    *id = v.value;
    return v.presence == VLD_SET;
}

/* ---- SH1-SH3 ---- */

typedef struct {
    sharing_link_in_t link;
} sharing_api_link_in_t;

static void sharing_api_parse_link(api_ctx_t *ctx, void *in_)
{
    static const vld_str_rule_t req = {VLD_REQUIRED, 0, 0, NULL};
    static const vld_int_rule_t role = {.need = VLD_OPTIONAL, .has_ge = true, .ge = 1};
    sharing_api_link_in_t *in = in_;
    if (!vld_body_object(&ctx->v, ctx->body))
        return;
    vld_str_t mode = {0}, expiry = {0};
    vld_int_t view = {0};
    vld_str(&ctx->v, "body", ctx->body, "mode", &req, &mode);
    vld_str(&ctx->v, "body", ctx->body, "expiry", &req, &expiry);
    vld_int(&ctx->v, "body", ctx->body, "view_role_id", &role, &view);
    in->link.mode = mode.value ? mode.value : "";
    in->link.expiry = expiry.value ? expiry.value : "";
    in->link.has_view_role_id = view.presence == VLD_SET;
    in->link.view_role_id = view.value;
}

static err_t sharing_api_link_mint(api_ctx_t *ctx, const void *in_, api_out_t *out)
{
    const sharing_api_link_in_t *in = in_;
    db_t *db;
    err_t e = api_db(ctx, out, &db);
    if (e != ERR_OK)
        return e;
    json_t *body = NULL;
    const char *detail = NULL;
    e = sharing_svc_link_mint(db, ctx->arena, ctx->principal, api_path_int(ctx, "application_id"), &in->link, &body,
                              &detail);
    return sharing_api_done(out, e, detail, body);
}

typedef struct {
    bool has_view_role_id;
    int64_t view_role_id;
} sharing_api_scope_in_t;

static void sharing_api_parse_scope(api_ctx_t *ctx, void *in_)
{
    sharing_api_scope_in_t *in = in_;
    in->has_view_role_id = sharing_api_view_role(ctx, &in->view_role_id);
}

static err_t sharing_api_link_list(api_ctx_t *ctx, const void *in_, api_out_t *out)
{
    const sharing_api_scope_in_t *in = in_;
    db_t *db;
    err_t e = api_db(ctx, out, &db);
    if (e != ERR_OK)
        return e;
    json_t *body = NULL;
    const char *detail = NULL;
    e = sharing_svc_link_list(db, ctx->arena, ctx->principal, api_path_int(ctx, "application_id"), in->has_view_role_id,
                              in->view_role_id, &body, &detail);
    return sharing_api_done(out, e, detail, body);
}

static err_t sharing_api_link_revoke(api_ctx_t *ctx, const void *in_, api_out_t *out)
{
    const sharing_api_scope_in_t *in = in_;
    db_t *db;
    err_t e = api_db(ctx, out, &db);
    if (e != ERR_OK)
        return e;
    json_t *body = NULL;
    const char *detail = NULL;
    e = sharing_svc_link_revoke(db, ctx->arena, ctx->principal, api_path_int(ctx, "link_id"), in->has_view_role_id,
                                in->view_role_id, &body, &detail);
    return sharing_api_done(out, e, detail, body);
}

/* ---- SP1-SP3 ---- */

typedef struct {
    sharing_pack_in_t pack;
} sharing_api_pack_in_t;

static void sharing_api_parse_ids(api_ctx_t *ctx, sharing_api_pack_in_t *in)
{
    static const vld_int_rule_t id_rule = {.need = VLD_REQUIRED};
    vld_json_t ids = {0};
    if (!vld_list(&ctx->v, "body", ctx->body, "application_ids", VLD_REQUIRED, &ids) || ids.presence != VLD_SET)
        return;
    size_t n = json_array_size(ids.value);
    int64_t *out = mem_alloc(ctx->arena, (n ? n : 1) * sizeof *out);
    size_t i;
    json_t *x;
    json_array_foreach(ids.value, i, x)
    {
        vld_int_t one = {0};
        vld_int_value(&ctx->v, vld_loc_index("body", "application_ids", i), x, &id_rule, &one);
        out[i] = one.value;
    }
    in->pack.application_ids = out;
    in->pack.n = n;
}

static void sharing_api_parse_pack(api_ctx_t *ctx, void *in_)
{
    static const vld_str_rule_t opt = {VLD_OPTIONAL, 0, 0, NULL};
    sharing_api_pack_in_t *in = in_;
    if (!vld_body_object(&ctx->v, ctx->body))
        return;
    sharing_api_parse_ids(ctx, in);
    vld_str_t title = {0}, expires = {0};
    vld_json_t notes = {0};
    vld_str(&ctx->v, "body", ctx->body, "title", &opt, &title);
    vld_dict(&ctx->v, "body", ctx->body, "notes", VLD_OPTIONAL, &notes);
    vld_str(&ctx->v, "body", ctx->body, "expires_in", &opt, &expires);
    if (title.presence == VLD_SET) {
        size_t n = 0;
        const char *t = text_trim_ascii(title.value, title.len, &n);
        in->pack.title = n ? mem_strndup(ctx->arena, t, n) : NULL;
    }
    in->pack.notes = notes.presence == VLD_SET ? notes.value : NULL;
    in->pack.expires_in = expires.presence == VLD_SET ? expires.value : "7d";
}

static err_t sharing_api_pack_mint(api_ctx_t *ctx, const void *in_, api_out_t *out)
{
    const sharing_api_pack_in_t *in = in_;
    db_t *db;
    err_t e = api_db(ctx, out, &db);
    if (e != ERR_OK)
        return e;
    json_t *body = NULL;
    const char *detail = NULL;
    e = sharing_svc_pack_mint(db, ctx->arena, ctx->principal, api_path_int(ctx, "role_id"), &in->pack, &body, &detail);
    return sharing_api_done(out, e, detail, body);
}

static err_t sharing_api_pack_list(api_ctx_t *ctx, const void *in, api_out_t *out)
{
    (void)in;
    db_t *db;
    err_t e = api_db(ctx, out, &db);
    if (e != ERR_OK)
        return e;
    json_t *body = NULL;
    const char *detail = NULL;
    e = sharing_svc_pack_list(db, ctx->arena, ctx->principal, api_path_int(ctx, "role_id"), &body, &detail);
    return sharing_api_done(out, e, detail, body);
}

static err_t sharing_api_pack_revoke(api_ctx_t *ctx, const void *in, api_out_t *out)
{
    (void)in;
    db_t *db;
    err_t e = api_db(ctx, out, &db);
    if (e != ERR_OK)
        return e;
    json_t *body = NULL;
    const char *detail = NULL;
    e = sharing_svc_pack_revoke(db, ctx->arena, ctx->principal, api_path_int(ctx, "pack_id"), &body, &detail);
    return sharing_api_done(out, e, detail, body);
}

/* ---- viewers ---- */

typedef err_t (*sharing_view_fn)(db_t *db, mem_arena_t *a, const char *token, json_t **out, const char **detail);

static err_t sharing_api_view(api_ctx_t *ctx, api_out_t *out, sharing_view_fn fn)
{
    db_t *db;
    err_t e = api_db(ctx, out, &db);
    if (e != ERR_OK)
        return e;
    json_t *body = NULL;
    const char *detail = NULL;
    e = fn(db, ctx->arena, http_path_param(ctx->req, "token"), &body, &detail);
    return sharing_api_done(out, e, detail, body);
}

static err_t sharing_api_share(api_ctx_t *ctx, const void *in, api_out_t *out)
{
    (void)in;
    return sharing_api_view(ctx, out, sharing_svc_link_view);
}

static err_t sharing_api_submittal(api_ctx_t *ctx, const void *in, api_out_t *out)
{
    (void)in;
    return sharing_api_view(ctx, out, sharing_svc_pack_view);
}

static err_t sharing_api_report(api_ctx_t *ctx, const void *in, api_out_t *out)
{
    (void)in;
    return sharing_api_view(ctx, out, sharing_svc_report_view);
}

#define APP_LINKS "/api/v1/applications/{application_id:int}/share-links"
#define ROLE_PACKS "/api/v1/roles/{role_id:int}/submittal-packs"

static const api_route_t sharing_routes[] = {
    {"POST", APP_LINKS, API_AUTH_RECRUITER, API_BODY_JSON, API_RL_NONE, sharing_api_parse_link,
     sizeof(sharing_api_link_in_t), sharing_api_link_mint, 200, "Mint a share link for an application", "sharing"},
    {"GET", APP_LINKS, API_AUTH_RECRUITER, API_BODY_NONE, API_RL_NONE, sharing_api_parse_scope,
     sizeof(sharing_api_scope_in_t), sharing_api_link_list, 200, "An application's share links", "sharing"},
    {"DELETE", "/api/v1/share-links/{link_id:int}", API_AUTH_RECRUITER, API_BODY_NONE, API_RL_NONE,
     sharing_api_parse_scope, sizeof(sharing_api_scope_in_t), sharing_api_link_revoke, 200, "Revoke a share link",
     "sharing"},
    {"POST", ROLE_PACKS, API_AUTH_RECRUITER, API_BODY_JSON, API_RL_NONE, sharing_api_parse_pack,
     sizeof(sharing_api_pack_in_t), sharing_api_pack_mint, 200, "Mint a submittal pack of a role's candidates",
     "sharing"},
    {"GET", ROLE_PACKS, API_AUTH_RECRUITER, API_BODY_NONE, API_RL_NONE, NULL, 0, sharing_api_pack_list, 200,
     "A role's submittal packs", "sharing"},
    {"DELETE", "/api/v1/submittal-packs/{pack_id:int}", API_AUTH_RECRUITER, API_BODY_NONE, API_RL_NONE, NULL, 0,
     sharing_api_pack_revoke, 200, "Revoke a submittal pack", "sharing"},
    {"GET", "/share/{token}", API_AUTH_NONE, API_BODY_NONE, API_RL_NONE, NULL, 0, sharing_api_share, 200,
     "The public view of a share link", "sharing"},
    {"GET", "/submittal/{token}", API_AUTH_NONE, API_BODY_NONE, API_RL_NONE, NULL, 0, sharing_api_submittal, 200,
     "The public view of a submittal pack", "sharing"},
    {"GET", "/report/{token}", API_AUTH_NONE, API_BODY_NONE, API_RL_NONE, NULL, 0, sharing_api_report, 200,
     "The public view of a top-candidates report", "sharing"},
};

void sharing_register(http_server_t *s)
{
    api_routes(s, sharing_routes, sizeof sharing_routes / sizeof sharing_routes[0]);
}
