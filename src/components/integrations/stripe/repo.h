/* stripe repo: SQL on `stripe_events`, the ids of webhook events already
 * applied.  Only the stripe component's own files include this. */
#ifndef TALI_COMPONENTS_STRIPE_REPO_H
#define TALI_COMPONENTS_STRIPE_REPO_H

#include <stdbool.h>
#include <stdint.h>

#include "platform/db.h"

/* Records event id (type may be NULL) unless it is recorded already;
 * *fresh says whether this call recorded it.  Inside the caller's
 * transaction, a concurrent recorder of the same id waits for it (the
 * primary key), so exactly one of them sees fresh = true. */
err_t stripe_repo_record_event(db_t *db, const char *id, const char *type, int64_t now_us, bool *fresh);

#endif
