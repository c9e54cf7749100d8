/* organizations repo: every SQL statement on the `organizations` table.
 * Only the organizations component's own files include this. */
#ifndef TALI_COMPONENTS_ORGANIZATIONS_REPO_H
#define TALI_COMPONENTS_ORGANIZATIONS_REPO_H

#include <stdbool.h>
#include <stdint.h>

#include "components/organizations/organizations.h"

/* *found says whether the row exists; *out is written only then. */
err_t org_repo_get(db_t *db, mem_arena_t *a, int64_t id, organizations_org_t *out, bool *found);

/* Every slug equal to base or starting with prefix (base + "-"), into a
 * NULL-terminated array in arena a. */
err_t org_repo_slugs_like(db_t *db, mem_arena_t *a, const char *base, const char *prefix, const char ***slugs,
                          size_t *n);

/* Inserts an organisation; *id receives its id.  ERR_CONFLICT on a taken
 * slug. */
err_t org_repo_insert(db_t *db, const char *name, const char *slug, int64_t now_us, int64_t *id);

/* Sets name and/or workable_config (JSON text) when non-NULL, and
 * updated_at.  ERR_NOT_FOUND when the row does not exist. */
err_t org_repo_update(db_t *db, int64_t id, const char *name, const char *workable_config_json, int64_t now_us);

#endif
