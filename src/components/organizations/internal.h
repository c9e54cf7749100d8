/* Declarations shared by the organizations component's own files. */
#ifndef TALI_COMPONENTS_ORGANIZATIONS_INTERNAL_H
#define TALI_COMPONENTS_ORGANIZATIONS_INTERNAL_H

#include "components/organizations/organizations.h"

/* Applies O2: name and/or workable_config (JSON text) when non-NULL.
 * ERR_NOT_FOUND when the organisation does not exist; otherwise the
 * database error. */
err_t org_svc_update(db_t *db, int64_t id, const char *name, const char *workable_config_json);

#endif
