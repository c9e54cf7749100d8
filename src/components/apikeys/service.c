/* apikeys service: minting (scope rules, secret, hash), listing, revoking,
 * and the key check of identity spec §1.8. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "components/apikeys/apikeys.h"
#include "components/apikeys/repo.h"
#include "platform/log.h"
#include "platform/security.h"

const char *const apikeys_scopes[] = {
    "applications:read", "assessments:read", "assessments:write", "roles:read", "share-links:write", NULL,
};

const char *const apikeys_default_scopes[] = {"roles:read", "applications:read", "assessments:read", NULL};

/* Bytes of randomness in a secret (43 URL-safe characters). */
#define APIKEYS_SECRET_BYTES 32
/* last_used_at is rewritten only when older than this. */
#define APIKEYS_TOUCH_US (60 * 1000000LL)

static bool apikeys_scope_known(const char *s)
{
    for (size_t i = 0; apikeys_scopes[i]; i++)
        if (strcmp(apikeys_scopes[i], s) == 0)
            return true;
    return false;
}

static bool apikeys_has(const char *const *v, size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(v[i], s) == 0)
            return true;
    return false;
}

/* The scopes to store, as a JSON array text in arena a: the defaults when
 * none were given, else the given ones without repeats.  ERR_BAD_REQUEST
 * with *detail on the first unknown one. */
static err_t apikeys_scopes_json(mem_arena_t *a, const apikeys_new_t *in, const char **json, const char **detail)
{
    const char *const *src = in->scopes_given ? in->scopes : apikeys_default_scopes;
    size_t n = 0;
    if (in->scopes_given)
        n = in->nscopes;
    else
        while (apikeys_default_scopes[n])
            n++;
    const char **kept = mem_alloc(a, (n ? n : 1) * sizeof *kept);
    size_t k = 0;
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++) {
        if (!apikeys_scope_known(src[i])) {
            json_decref(arr);
            *detail = mem_printf(a, "Unknown API key scope: %s", src[i]);
            return ERR_BAD_REQUEST;
        }
        if (apikeys_has(kept, k, src[i]))
            continue;
        kept[k++] = src[i];
        json_array_append_new(arr, json_string(src[i]));
    }
    char *text = json_dumps(arr, JSON_COMPACT);
    json_decref(arr);
    *json = mem_strdup(a, text);
    free(text);
    return ERR_OK;
}

static void apikeys_hash(const char *secret, char hex[65])
{
    sec_sha256_hex(secret, strlen(secret), hex);
}

err_t apikeys_mint(db_t *db, mem_arena_t *a, const apikeys_new_t *in, apikeys_key_t *out, const char **secret,
                   const char **detail)
{
    const char *scopes = NULL;
    err_t e = apikeys_scopes_json(a, in, &scopes, detail);
    if (e != ERR_OK)
        return e;
    char *rnd = sec_random_token(APIKEYS_SECRET_BYTES);
    if (!rnd || strlen(rnd) != 43) {
        free(rnd);
        *detail = "Internal Server Error";
        return ERR_INTERNAL;
    }
    char *token = mem_printf(a, "%s%s", in->is_test ? APIKEYS_TEST_LABEL : APIKEYS_LIVE_LABEL, rnd);
    free(rnd);
    char hash[65];
    apikeys_hash(token, hash);
    apikeys_row_t row = {.organization_id = in->organization_id,
                         .created_by_user_id = in->created_by_user_id,
                         .name = in->name,
                         .prefix = mem_strndup(a, token, APIKEYS_PREFIX_LEN),
                         .is_test = in->is_test,
                         .hashed_secret = hash,
                         .scopes_json = scopes,
                         .has_expires_at = in->has_expires_at,
                         .expires_at = in->expires_at,
                         .created_at = db_now_us()};
    e = apikeys_repo_insert(db, a, &row, out);
    if (e != ERR_OK)
        return e;
    *secret = token;
    return ERR_OK;
}

err_t apikeys_list(db_t *db, mem_arena_t *a, int64_t org_id, apikeys_key_t **keys, size_t *n)
{
    return apikeys_repo_list(db, a, org_id, keys, n);
}

err_t apikeys_revoke(db_t *db, mem_arena_t *a, int64_t org_id, int64_t id, apikeys_key_t *out)
{
    bool found = false;
    err_t e = apikeys_repo_get(db, a, org_id, id, out, &found);
    if (e != ERR_OK)
        return e;
    if (!found)
        return ERR_NOT_FOUND;
    if (out->has_revoked_at)
        return ERR_OK;
    e = apikeys_repo_revoke(db, org_id, id, db_now_us());
    if (e != ERR_OK)
        return e;
    /* read back: a concurrent revoke may have stamped it first */
    e = apikeys_repo_get(db, a, org_id, id, out, &found);
    return e != ERR_OK ? e : found ? ERR_OK : ERR_NOT_FOUND;
}

const char *apikeys_token_from(const char *authorization, const char *x_api_key)
{
    if (authorization) {
        const char *sp = strchr(authorization, ' ');
        if (sp && sp - authorization == 6 && strncasecmp(authorization, "bearer", 6) == 0 && sp[1] != '\0')
            return sp + 1;
    }
    return x_api_key && *x_api_key ? x_api_key : NULL;
}

static bool apikeys_labelled(const char *token)
{
    return token && (strncmp(token, APIKEYS_LIVE_LABEL, strlen(APIKEYS_LIVE_LABEL)) == 0 ||
                     strncmp(token, APIKEYS_TEST_LABEL, strlen(APIKEYS_TEST_LABEL)) == 0);
}

static bool apikeys_live(const apikeys_key_t *k, int64_t now_us)
{
    return !k->has_revoked_at && !(k->has_expires_at && k->expires_at <= now_us);
}

err_t apikeys_authenticate(db_t *db, mem_arena_t *a, const char *token, const char *scope, int64_t now_us,
                           apikeys_key_t *out, const char **detail)
{
    if (!apikeys_labelled(token)) {
        *detail = "Missing or malformed API key";
        return ERR_UNAUTHORIZED;
    }
    char hash[65];
    apikeys_hash(token, hash);
    bool found = false;
    err_t e = apikeys_repo_by_hash(db, a, hash, out, &found);
    if (e != ERR_OK)
        return e;
    if (!found || !apikeys_live(out, now_us)) {
        *detail = "Invalid, revoked, or expired API key";
        return ERR_UNAUTHORIZED;
    }
    if (!out->has_last_used_at || now_us - out->last_used_at > APIKEYS_TOUCH_US) {
        if (apikeys_repo_touch(db, out->id, now_us) == ERR_OK) {
            out->has_last_used_at = true;
            out->last_used_at = now_us;
        } else {
            log_warn("tali.apikeys", "cannot record the use of API key %lld", (long long)out->id);
        }
    }
    if (scope && !apikeys_has(out->scopes, out->nscopes, scope)) {
        *detail = mem_printf(a, "API key missing required scope: %s", scope);
        return ERR_FORBIDDEN;
    }
    return ERR_OK;
}

err_t apikeys_authenticate_req(http_req_t *req, const char *scope, apikeys_key_t *out, const char **detail)
{
    const char *token = apikeys_token_from(http_header(req, "Authorization"), http_header(req, "X-API-Key"));
    db_t *db = NULL;
    if (apikeys_labelled(token) && !(db = http_db(req))) {
        *detail = "Database unavailable";
        return ERR_UNAVAILABLE;
    }
    return apikeys_authenticate(db, req->arena, token, scope, db_now_us(), out, detail);
}
