/* Routes of /api/v1/api-keys (identity spec §1.7 I22-I24) as route-table
 * entries: all three are a workspace owner's (API_AUTH_OWNER: 401 from the
 * JWT check, then 403 "Only a workspace owner can do this"), scoped to the
 * caller's organisation, and all three answer 200 (I23 not 201, I24 with
 * a body, as the original does).  The paths are declared without a
 * trailing slash; the router answers the slash spelling the same (policy
 * fix 3) where the original redirects it with a 307. */
#include <math.h>
#include <string.h>

#include "components/apikeys/internal.h"
#include "components/auth/auth.h"
#include "platform/api.h"
#include "platform/validate.h"

#define APIKEYS_BASE "/api/v1/api-keys"

static err_t apikeys_api_db_fail(api_out_t *out, err_t e)
{
    return api_fail_db(out, e, "Internal Server Error");
}

/* ---- I22 GET /api-keys ---- */

static err_t apikeys_api_list(api_ctx_t *ctx, const void *in, api_out_t *out)
{
    (void)in;
    const auth_user_t *u = ctx->principal;
    apikeys_key_t *keys = NULL;
    size_t n = 0;
    if (u->has_organization) {
        db_t *db;
        err_t e = api_db(ctx, out, &db);
        if (e != ERR_OK)
            return e;
        e = apikeys_list(db, ctx->arena, u->organization_id, &keys, &n);
        if (e != ERR_OK)
            return apikeys_api_db_fail(out, e);
    }
    jsonw_t w;
    jsonw_init(&w);
    apikeys_write_list(&w, keys, n);
    return api_jsonw(ctx, out, &w);
}

/* ---- I23 POST /api-keys ---- */

typedef struct {
    vld_str_t name;
    vld_json_t scopes;
    vld_bool_t is_test;
    bool has_expires_at;
    int64_t expires_at;
} apikeys_create_in_t;

static void apikeys_nul_error(vld_t *v, json_t *loc, const json_t *value)
{
    vld_add(v, "value_error", loc, "Value error, String must not contain NUL characters", json_deep_copy(value),
            json_pack("{s:s}", "error", "String must not contain NUL characters"));
}

static bool apikeys_has_nul(const json_t *s)
{
    return strlen(json_string_value(s)) != json_string_length(s);
}

/* A datetime as pydantic reads one in lax mode: an ISO 8601 string (date
 * only, or without seconds, allowed; no zone = UTC) or Unix seconds
 * (milliseconds past 2e10, as pydantic guesses).  Returns false when
 * value is none of these. */
static bool apikeys_datetime(const json_t *value, int64_t *us)
{
    if (json_is_integer(value) || json_is_real(value)) {
        double s = json_number_value(value);
        if (!isfinite(s))
            return false;
        if (fabs(s) > 2e10)
            s /= 1000.0;
        if (fabs(s) > 253402300799.0) /* beyond 9999-12-31 */
            return false;
        *us = (int64_t)llround(s * 1e6);
        return true;
    }
    if (!json_is_string(value) || apikeys_has_nul(value))
        return false;
    const char *s = json_string_value(value);
    size_t n = strlen(s);
    char buf[64];
    if (n == 10)
        snprintf(buf, sizeof buf, "%sT00:00:00", s);
    else if (n == 16)
        snprintf(buf, sizeof buf, "%s:00", s);
    else
        snprintf(buf, sizeof buf, "%.63s", s);
    return n < sizeof buf && db_parse_time(buf, us);
}

static void apikeys_parse_expires(vld_t *v, const json_t *body, apikeys_create_in_t *in)
{
    const json_t *value = json_object_get(body, "expires_at");
    if (!value || json_is_null(value))
        return;
    if (apikeys_datetime(value, &in->expires_at)) {
        in->has_expires_at = true;
        return;
    }
    if (json_is_string(value))
        vld_add(v, "datetime_from_date_parsing", vld_loc("body", "expires_at"),
                "Input should be a valid datetime or date, invalid datetime format", json_deep_copy(value),
                json_pack("{s:s}", "error", "invalid datetime format"));
    else
        vld_add(v, "datetime_type", vld_loc("body", "expires_at"), "Input should be a valid datetime",
                json_deep_copy(value), NULL);
}

static void apikeys_parse_create(api_ctx_t *ctx, void *in_)
{
    static const vld_str_rule_t name_rule = {VLD_REQUIRED, 1, 120, NULL};
    apikeys_create_in_t *in = in_;
    vld_t *v = &ctx->v;
    if (!vld_body_object(v, ctx->body))
        return;
    if (vld_str(v, "body", ctx->body, "name", &name_rule, &in->name) && strlen(in->name.value) != in->name.len)
        apikeys_nul_error(v, vld_loc("body", "name"), json_object_get(ctx->body, "name"));
    if (vld_list_str(v, "body", ctx->body, "scopes", VLD_OPTIONAL, &in->scopes) && in->scopes.presence == VLD_SET) {
        size_t i;
        json_t *s;
        json_array_foreach(in->scopes.value, i, s) if (apikeys_has_nul(s))
            apikeys_nul_error(v, vld_loc_index("body", "scopes", i), s);
    }
    vld_bool(v, "body", ctx->body, "is_test", VLD_DEFAULTED, &in->is_test);
    apikeys_parse_expires(v, ctx->body, in);
}

static err_t apikeys_api_create(api_ctx_t *ctx, const void *in_, api_out_t *out)
{
    const apikeys_create_in_t *in = in_;
    const auth_user_t *u = ctx->principal;
    if (!u->has_organization)
        return api_fail(out, ERR_BAD_REQUEST, "You are not in an organization");
    apikeys_new_t nk = {.organization_id = u->organization_id,
                        .created_by_user_id = u->id,
                        .name = in->name.value,
                        .scopes_given = in->scopes.presence == VLD_SET,
                        .is_test = in->is_test.presence == VLD_SET && in->is_test.value,
                        .has_expires_at = in->has_expires_at,
                        .expires_at = in->expires_at};
    if (nk.scopes_given) {
        nk.nscopes = json_array_size(in->scopes.value);
        nk.scopes = mem_alloc(ctx->arena, (nk.nscopes ? nk.nscopes : 1) * sizeof *nk.scopes);
        for (size_t i = 0; i < nk.nscopes; i++)
            nk.scopes[i] = json_string_value(json_array_get(in->scopes.value, i));
    }
    db_t *db;
    err_t e = api_db(ctx, out, &db);
    if (e != ERR_OK)
        return e;
    apikeys_key_t k;
    const char *secret = NULL, *detail = NULL;
    e = apikeys_mint(db, ctx->arena, &nk, &k, &secret, &detail);
    if (e == ERR_BAD_REQUEST)
        return api_fail(out, e, detail);
    if (e != ERR_OK)
        return apikeys_api_db_fail(out, e);
    jsonw_t w;
    jsonw_init(&w);
    apikeys_write_key(&w, &k, secret);
    return api_jsonw(ctx, out, &w);
}

/* ---- I24 DELETE /api-keys/{key_id} ---- */

static err_t apikeys_api_revoke(api_ctx_t *ctx, const void *in, api_out_t *out)
{
    (void)in;
    const auth_user_t *u = ctx->principal;
    if (!u->has_organization)
        return api_fail(out, ERR_NOT_FOUND, "API key not found");
    db_t *db;
    err_t e = api_db(ctx, out, &db);
    if (e != ERR_OK)
        return e;
    apikeys_key_t k;
    e = apikeys_revoke(db, ctx->arena, u->organization_id, api_path_int(ctx, "key_id"), &k);
    if (e == ERR_NOT_FOUND)
        return api_fail(out, e, "API key not found");
    if (e != ERR_OK)
        return apikeys_api_db_fail(out, e);
    jsonw_t w;
    jsonw_init(&w);
    apikeys_write_key(&w, &k, NULL);
    return api_jsonw(ctx, out, &w);
}

static const api_route_t apikeys_routes[] = {
    {"GET", APIKEYS_BASE, API_AUTH_OWNER, API_BODY_NONE, API_RL_NONE, NULL, 0, apikeys_api_list, 200,
     "The organisation's API keys and the scopes a key may carry", "api-keys"},
    {"POST", APIKEYS_BASE, API_AUTH_OWNER, API_BODY_JSON, API_RL_NONE, apikeys_parse_create,
     sizeof(apikeys_create_in_t), apikeys_api_create, 200, "Mint an API key (the secret is shown once)", "api-keys"},
    {"DELETE", APIKEYS_BASE "/{key_id:int}", API_AUTH_OWNER, API_BODY_NONE, API_RL_NONE, NULL, 0, apikeys_api_revoke,
     200, "Revoke an API key", "api-keys"},
};

void apikeys_register(http_server_t *s)
{
    api_routes(s, apikeys_routes, sizeof apikeys_routes / sizeof apikeys_routes[0]);
}
