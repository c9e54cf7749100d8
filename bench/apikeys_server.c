/* bench-apikeys: tali's HTTP stack (the same server, pipeline, route
 * table and JWT check as `tali serve`) with the auth and apikeys routes
 * and one route of its own that only this binary has,
 *
 *     GET /bench/api-key   the API-key check of identity spec §1.8
 *                          (apikeys_authenticate_req, scope roles:read),
 *                          answering the key as a small JSON object,
 *
 * so bench/apikeys.py can time a key-authenticated request against
 * GET /api/v1/auth/me in the same process and the same run.  tali itself
 * serves no key-authenticated route yet (the /public/v1 routes come with
 * a later issue).
 *
 * Configuration comes from the environment as for `tali serve`
 * (DATABASE_URL, PORT, SECRET_KEY, ...).  At start it migrates the
 * database, creates an organisation, its owner and a key, then prints one
 * line {"port":P,"jwt":"...","key":"..."} on stdout and serves until
 * SIGTERM. */
#include <stdio.h>
#include <string.h>

#include "components/apikeys/apikeys.h"
#include "components/auth/auth.h"
#include "components/organizations/organizations.h"
#include "platform/api.h"
#include "platform/config.h"
#include "platform/db.h"
#include "platform/http.h"
#include "platform/jsonw.h"
#include "platform/log.h"

static err_t bench_key_route(api_ctx_t *ctx, const void *in, api_out_t *out)
{
    (void)in;
    apikeys_key_t k;
    const char *detail = NULL;
    err_t e = apikeys_authenticate_req(ctx->req, "roles:read", &k, &detail);
    if (e != ERR_OK)
        return api_fail(out, e, detail);
    jsonw_t w;
    jsonw_init(&w);
    jsonw_obj(&w);
    jsonw_key(&w, "id");
    jsonw_int(&w, k.id);
    jsonw_key(&w, "organization_id");
    jsonw_int(&w, k.organization_id);
    jsonw_key(&w, "name");
    jsonw_str(&w, k.name);
    jsonw_key(&w, "prefix");
    jsonw_str(&w, k.prefix);
    jsonw_key(&w, "is_test");
    jsonw_bool(&w, k.is_test);
    jsonw_key(&w, "scopes");
    jsonw_arr(&w);
    for (size_t i = 0; i < k.nscopes; i++)
        jsonw_str(&w, k.scopes[i]);
    jsonw_arr_end(&w);
    jsonw_obj_end(&w);
    return api_jsonw(ctx, out, &w);
}

static const api_route_t bench_routes[] = {
    {"GET", "/bench/api-key", API_AUTH_NONE, API_BODY_NONE, API_RL_NONE, NULL, 0, bench_key_route, 200,
     "The API-key check alone (bench only)", "bench"},
};

/* An organisation, its owner and a key; the owner's access token and the
 * key's secret into jwt and key (arena a). */
static err_t bench_seed(db_t *db, mem_arena_t *a, const char **jwt, const char **key)
{
    int64_t org = 0;
    err_t e = organizations_create(db, "Bench", &org);
    if (e != ERR_OK)
        return e;
    auth_new_user_t nu = {.email = "bench-owner@example.com",
                          .full_name = "Bench Owner",
                          .has_organization = true,
                          .organization_id = org,
                          .owner = true};
    auth_user_t u;
    if ((e = auth_create_user(db, a, &nu, &u)) != ERR_OK || (e = auth_issue_token_v2(a, &u, jwt)) != ERR_OK)
        return e;
    apikeys_new_t nk = {.organization_id = org, .created_by_user_id = u.id, .name = "bench"};
    apikeys_key_t k;
    const char *detail = NULL;
    return apikeys_mint(db, a, &nk, &k, key, &detail);
}

int main(void)
{
    static config_t conf;
    char err[512];
    if (config_load(&conf, NULL, err, sizeof err) != 0) {
        fprintf(stderr, "bench-apikeys: configuration error: %s\n", err);
        return 2;
    }
    config_install(&conf);
    log_set_level(LOG_WARNING);
    db_pool_t *pool = db_pool_open(cfg->database_url, cfg->worker_threads, err, sizeof err);
    if (!pool || db_migrate(pool) != ERR_OK) {
        fprintf(stderr, "bench-apikeys: cannot open or migrate DATABASE_URL: %s\n", pool ? "migration" : err);
        return 1;
    }
    mem_arena_t *a = mem_arena_new();
    const char *jwt = NULL, *key = NULL;
    db_t *db = db_acquire(pool);
    err_t e = db ? bench_seed(db, a, &jwt, &key) : ERR_UNAVAILABLE;
    if (db)
        db_release(pool, db);
    if (e != ERR_OK) {
        fprintf(stderr, "bench-apikeys: cannot seed the database (%s)\n", err_name(e));
        return 1;
    }
    http_server_t *srv = http_server_new(cfg, pool);
    api_set_recruiter_resolver(auth_resolve);
    auth_register(srv);
    apikeys_register(srv);
    api_routes(srv, bench_routes, sizeof bench_routes / sizeof bench_routes[0]);
    if (http_server_start(srv, cfg->host, cfg->port, err, sizeof err) != 0) {
        fprintf(stderr, "bench-apikeys: cannot listen: %s\n", err);
        return 1;
    }
    printf("{\"port\":%d,\"jwt\":\"%s\",\"key\":\"%s\"}\n", http_server_port(srv), jwt, key);
    fflush(stdout);
    http_server_run_until_signal(srv);
    http_server_free(srv);
    mem_arena_free(a);
    db_pool_close(pool);
    return 0;
}
