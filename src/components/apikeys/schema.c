/* JSON encoding of API keys (identity spec §1.7 I22-I24).  The secret is
 * written only when the caller hands it over, which only I23 does. */
#include "components/apikeys/internal.h"

static void apikeys_write_time(jsonw_t *w, const char *key, bool has, int64_t us)
{
    char buf[40];
    jsonw_key(w, key);
    jsonw_str(w, has ? db_format_time(us, "Z", buf) : NULL);
}

void apikeys_write_key(jsonw_t *w, const apikeys_key_t *k, const char *secret)
{
    jsonw_obj(w);
    jsonw_key(w, "id");
    jsonw_int(w, k->id);
    jsonw_key(w, "name");
    jsonw_str(w, k->name);
    jsonw_key(w, "prefix");
    jsonw_str(w, k->prefix);
    jsonw_key(w, "is_test");
    jsonw_bool(w, k->is_test);
    jsonw_key(w, "scopes");
    jsonw_arr(w);
    for (size_t i = 0; i < k->nscopes; i++)
        jsonw_str(w, k->scopes[i]);
    jsonw_arr_end(w);
    apikeys_write_time(w, "last_used_at", k->has_last_used_at, k->last_used_at);
    apikeys_write_time(w, "expires_at", k->has_expires_at, k->expires_at);
    apikeys_write_time(w, "revoked_at", k->has_revoked_at, k->revoked_at);
    apikeys_write_time(w, "created_at", k->has_created_at, k->created_at);
    if (secret) {
        jsonw_key(w, "secret");
        jsonw_str(w, secret);
    }
    jsonw_obj_end(w);
}

void apikeys_write_list(jsonw_t *w, const apikeys_key_t *keys, size_t n)
{
    jsonw_obj(w);
    jsonw_key(w, "keys");
    jsonw_arr(w);
    for (size_t i = 0; i < n; i++)
        apikeys_write_key(w, &keys[i], NULL);
    jsonw_arr_end(w);
    jsonw_key(w, "available_scopes");
    jsonw_arr(w);
    for (size_t i = 0; apikeys_scopes[i]; i++)
        jsonw_str(w, apikeys_scopes[i]);
    jsonw_arr_end(w);
    jsonw_obj_end(w);
}
