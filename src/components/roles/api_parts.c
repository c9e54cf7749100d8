/* Routes of the role's criteria (§3.1, C1-C5) and the workspace criteria
 * (§3.2, O1-O4).  Linked tasks, hiring team and feedback notes (§4.1-4.3)
 * are not routed yet. */
#include "components/roles/internal.h"

#define ROLES_CRIT "/api/v1/roles/{role_id:int}/criteria"
#define ROLES_ORG_CRIT "/api/v1/organizations/me/criteria"

typedef struct {
    int64_t expected_version;
    roles_crit_in_t crit;
} roles_crit_body_t;

static const char *const roles_crit_fields[] = {"expected_version", "text", "bucket", "ordering", "weight", NULL};

static void roles_parse_crit(api_ctx_t *ctx, void *in_, bool create, bool versioned)
{
    roles_crit_body_t *in = in_;
    if (!vld_body_object(&ctx->v, ctx->body))
        return;
    if (versioned)
        roles_parse_version(&ctx->v, ctx->body, &in->expected_version);
    roles_parse_criterion(&ctx->v, ctx->body, create, &in->crit, ctx->arena);
    roles_parse_extra(&ctx->v, ctx->body, versioned ? roles_crit_fields : roles_crit_fields + 1);
}

static void roles_parse_c1(api_ctx_t *ctx, void *in)
{
    roles_parse_crit(ctx, in, true, true);
}

static void roles_parse_c2(api_ctx_t *ctx, void *in)
{
    roles_parse_crit(ctx, in, false, true);
}

static void roles_parse_o2(api_ctx_t *ctx, void *in)
{
    roles_parse_crit(ctx, in, true, false);
}

static void roles_parse_o3(api_ctx_t *ctx, void *in)
{
    roles_parse_crit(ctx, in, false, false);
}

static void roles_parse_version_body(api_ctx_t *ctx, void *in_)
{
    roles_crit_body_t *in = in_;
    if (vld_body_object(&ctx->v, ctx->body))
        roles_parse_version(&ctx->v, ctx->body, &in->expected_version);
}

static void roles_parse_version_query(api_ctx_t *ctx, void *in_)
{
    roles_crit_body_t *in = in_;
    roles_parse_query_version(ctx, &in->expected_version);
}

#define FAIL "Failed to update role criteria"

static err_t roles_api_crit_open(api_ctx_t *ctx, api_out_t *out, roles_tx_t *t, int64_t version)
{
    return roles_tx_open(t, ctx, out, api_path_int(ctx, "role_id"), ROLES_PERM_EDIT_ROLE, version, ROLES_CONFLICT_BARE);
}

static err_t roles_api_crit_done(roles_tx_t *t, api_out_t *out, err_t e, json_t *crit)
{
    if (e != ERR_OK)
        return roles_tx_fail(t, out, e, out->detail ? out->detail : FAIL);
    e = roles_tx_commit(t, out, FAIL);
    if (e != ERR_OK)
        return e;
    if (!crit)
        return ERR_OK;
    return api_json(out, roles_criterion_json(crit, roles_row_int(t->row, "version")));
}

static err_t roles_api_c1(api_ctx_t *ctx, const void *in_, api_out_t *out)
{
    const roles_crit_body_t *in = in_;
    roles_tx_t t;
    err_t e = roles_api_crit_open(ctx, out, &t, in->expected_version);
    if (e != ERR_OK)
        return e;
    json_t *crit = NULL;
    e = roles_criteria_add(&t, &in->crit, &crit);
    return roles_api_crit_done(&t, out, e, crit);
}

static err_t roles_api_c2(api_ctx_t *ctx, const void *in_, api_out_t *out)
{
    const roles_crit_body_t *in = in_;
    roles_tx_t t;
    err_t e = roles_api_crit_open(ctx, out, &t, in->expected_version);
    if (e != ERR_OK)
        return e;
    json_t *crit = NULL;
    e = roles_criteria_edit(&t, out, api_path_int(ctx, "criterion_id"), &in->crit, &crit);
    return roles_api_crit_done(&t, out, e, crit);
}

static err_t roles_api_c3(api_ctx_t *ctx, const void *in_, api_out_t *out)
{
    const roles_crit_body_t *in = in_;
    roles_tx_t t;
    err_t e = roles_api_crit_open(ctx, out, &t, in->expected_version);
    if (e != ERR_OK)
        return e;
    e = roles_criteria_remove(&t, out, api_path_int(ctx, "criterion_id"));
    return roles_api_crit_done(&t, out, e, NULL);
}

static err_t roles_api_c45(api_ctx_t *ctx, const roles_crit_body_t *in, api_out_t *out, bool reset)
{
    roles_tx_t t;
    err_t e = roles_api_crit_open(ctx, out, &t, in->expected_version);
    if (e != ERR_OK)
        return e;
    e = reset ? roles_criteria_reset(&t) : roles_criteria_sync(&t);
    e = roles_api_crit_done(&t, out, e, NULL);
    if (e != ERR_OK)
        return e;
    json_t *j = NULL;
    e = roles_view(t.db, ctx->arena, t.row, ROLES_VIEW_PLAIN, &j);
    if (e != ERR_OK)
        return api_fail_db(out, e, "Internal Server Error");
    return api_json(out, json_incref(j));
}

static err_t roles_api_c4(api_ctx_t *ctx, const void *in, api_out_t *out)
{
    return roles_api_c45(ctx, in, out, false);
}

static err_t roles_api_c5(api_ctx_t *ctx, const void *in, api_out_t *out)
{
    return roles_api_c45(ctx, in, out, true);
}

/* ---- O1-O4 ---- */

static err_t roles_api_org_db(api_ctx_t *ctx, api_out_t *out, db_t **db, const char *no_org)
{
    const auth_user_t *u = ctx->principal;
    if (!u->has_organization)
        return api_fail(out, ERR_NOT_FOUND, no_org);
    return api_db(ctx, out, db);
}

static err_t roles_api_o1(api_ctx_t *ctx, const void *in, api_out_t *out)
{
    (void)in;
    const auth_user_t *u = ctx->principal;
    if (!u->has_organization)
        return api_json(out, json_array());
    db_t *db;
    err_t e = api_db(ctx, out, &db);
    json_t *list = NULL;
    if (e == ERR_OK && (e = roles_org_criteria_list(db, ctx->arena, u->organization_id, &list)) != ERR_OK)
        return api_fail_db(out, e, "Internal Server Error");
    return e == ERR_OK ? api_json(out, json_incref(list)) : e;
}

static err_t roles_api_o2(api_ctx_t *ctx, const void *in_, api_out_t *out)
{
    const roles_crit_body_t *in = in_;
    db_t *db;
    err_t e = roles_api_org_db(ctx, out, &db, "Organization not found");
    if (e != ERR_OK)
        return e;
    json_t *crit = NULL;
    e = roles_org_criteria_add(db, ctx->arena, ((const auth_user_t *)ctx->principal)->organization_id, &in->crit,
                               &crit);
    if (e != ERR_OK)
        return api_fail_db(out, e, "Failed to create criterion");
    return api_json(out, json_incref(crit));
}

static err_t roles_api_o3(api_ctx_t *ctx, const void *in_, api_out_t *out)
{
    const roles_crit_body_t *in = in_;
    db_t *db;
    err_t e = roles_api_org_db(ctx, out, &db, "Criterion not found");
    if (e != ERR_OK)
        return e;
    json_t *crit = NULL;
    e = roles_org_criteria_edit(db, ctx->arena, ((const auth_user_t *)ctx->principal)->organization_id,
                                api_path_int(ctx, "criterion_id"), &in->crit, &crit);
    if (e == ERR_NOT_FOUND)
        return api_fail(out, e, "Criterion not found");
    if (e != ERR_OK)
        return api_fail_db(out, e, "Failed to update criterion");
    return api_json(out, json_incref(crit));
}

static err_t roles_api_o4(api_ctx_t *ctx, const void *in, api_out_t *out)
{
    (void)in;
    db_t *db;
    err_t e = roles_api_org_db(ctx, out, &db, "Criterion not found");
    if (e != ERR_OK)
        return e;
    e = roles_org_criteria_remove(db, ((const auth_user_t *)ctx->principal)->organization_id,
                                  api_path_int(ctx, "criterion_id"));
    if (e == ERR_NOT_FOUND)
        return api_fail(out, e, "Criterion not found");
    return e == ERR_OK ? ERR_OK : api_fail_db(out, e, "Failed to delete criterion");
}

#define P(m, p, body, parse, fn, st, sum)                                                                              \
    {                                                                                                                  \
        m, p, API_AUTH_RECRUITER, body, API_RL_NONE, parse, sizeof(roles_crit_body_t), fn, st, sum, "roles"            \
    }

static const api_route_t roles_part_routes[] = {
    P("POST", ROLES_CRIT, API_BODY_JSON, roles_parse_c1, roles_api_c1, 201, "Add a criterion to a role"),
    P("PATCH", ROLES_CRIT "/{criterion_id:int}", API_BODY_JSON, roles_parse_c2, roles_api_c2, 200,
      "Edit a role criterion"),
    P("DELETE", ROLES_CRIT "/{criterion_id:int}", API_BODY_NONE, roles_parse_version_query, roles_api_c3, 204,
      "Remove a role criterion"),
    P("POST", ROLES_CRIT "/sync", API_BODY_JSON, roles_parse_version_body, roles_api_c4, 200,
      "Sync a role's criteria with the workspace criteria"),
    P("POST", ROLES_CRIT "/reset", API_BODY_JSON, roles_parse_version_body, roles_api_c5, 200,
      "Reset a role's criteria to the workspace criteria"),
    P("GET", ROLES_ORG_CRIT, API_BODY_NONE, NULL, roles_api_o1, 200, "Workspace criteria"),
    P("POST", ROLES_ORG_CRIT, API_BODY_JSON, roles_parse_o2, roles_api_o2, 201, "Add a workspace criterion"),
    P("PATCH", ROLES_ORG_CRIT "/{criterion_id:int}", API_BODY_JSON, roles_parse_o3, roles_api_o3, 200,
      "Edit a workspace criterion"),
    P("DELETE", ROLES_ORG_CRIT "/{criterion_id:int}", API_BODY_NONE, NULL, roles_api_o4, 204,
      "Delete a workspace criterion"),
};

void roles_register_parts(http_server_t *s)
{
    api_routes(s, roles_part_routes, sizeof roles_part_routes / sizeof roles_part_routes[0]);
}
