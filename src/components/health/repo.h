/* SQL of the health component (it owns no table).  Only its service.c
 * includes this. */
#ifndef TALI_COMPONENTS_HEALTH_REPO_H
#define TALI_COMPONENTS_HEALTH_REPO_H

#include <stdbool.h>

#include "platform/db.h"

/* *ok: the database answered SELECT 1 with one row.  Returns the database
 * error, if any (then *ok is false). */
err_t health_repo_ping(db_t *db, bool *ok);

#endif
