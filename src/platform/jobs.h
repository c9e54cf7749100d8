/* jobs: the durable job queue (table `jobs`, migration 002).  Work that
 * must not block a request or be lost (e-mail, Workable posts, expiry
 * sweeps) is enqueued here and run by a worker: `tali worker`, or a thread
 * inside `tali serve`. */
#ifndef TALI_PLATFORM_JOBS_H
#define TALI_PLATFORM_JOBS_H

#include <stdint.h>

#include "platform/db.h"

typedef struct {
    int64_t queued;  /* waiting, including those scheduled for later */
    int64_t running; /* claimed by a worker */
    int64_t failed;  /* gave up after their last attempt */
} jobs_stats_t;

/* Counts jobs by state.  Returns the database error, if any. */
err_t jobs_stats(db_t *db, jobs_stats_t *out);

#endif
