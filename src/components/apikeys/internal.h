/* Declarations shared by the apikeys component's own files. */
#ifndef TALI_COMPONENTS_APIKEYS_INTERNAL_H
#define TALI_COMPONENTS_APIKEYS_INTERNAL_H

#include "components/apikeys/apikeys.h"
#include "platform/jsonw.h"

/* The ApiKey object of identity spec §1.7 I22 ({id, name, prefix,
 * is_test, scopes, last_used_at, expires_at, revoked_at, created_at} in
 * that order, datetimes RFC 3339 UTC with "Z"), followed by "secret" when
 * secret is non-NULL (I23 only). */
void apikeys_write_key(jsonw_t *w, const apikeys_key_t *k, const char *secret);

/* The I22 answer: {"keys": [ApiKey...], "available_scopes": [...]}. */
void apikeys_write_list(jsonw_t *w, const apikeys_key_t *keys, size_t n);

#endif
