/* jobs: the durable job queue (table `jobs`, migration 002).  Work that
 * must not block a request or be lost (e-mail, Workable posts, expiry
 * sweeps) is enqueued here, inside the caller's transaction when it has
 * one, and run by a worker: `tali worker`, or a thread inside `tali serve`.
 *
 * A job is claimed by one worker at a time (on PostgreSQL with FOR UPDATE
 * SKIP LOCKED, so any number of workers on any number of machines share
 * the queue).  A claim is a lease: a worker that dies mid-job (SIGKILL,
 * power loss) leaves the job `running`; once the lease has run out another
 * worker takes it again (or marks it `failed` when that was its last
 * attempt).  While a handler runs, its worker renews the lease every
 * third of its length, so a live worker keeps its job however long the
 * handler takes.  An outcome is recorded only by the claim still holding
 * the job: a worker that lost its lease (frozen, cut off from the database)
 * has its result dropped.  A handler that fails is retried
 * after its delay until max_attempts, then the job is marked `failed` with
 * the error. */
#ifndef TALI_PLATFORM_JOBS_H
#define TALI_PLATFORM_JOBS_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "platform/db.h"

typedef struct {
    int64_t queued;  /* waiting, including those scheduled for later */
    int64_t running; /* claimed by a worker */
    int64_t failed;  /* gave up after their last attempt */
    int64_t done;
} jobs_stats_t;

/* Counts jobs by state.  Returns the database error, if any. */
err_t jobs_stats(db_t *db, jobs_stats_t *out);

/* Adds a job of `kind` with a JSON payload (borrowed), to run at run_at_us
 * (0 = now), tried at most max_attempts times (≤0 = the kind's default,
 * 4).  Runs on db as it is, so it commits or rolls back with the caller's
 * transaction.  *id (may be NULL) receives the job id. */
err_t jobs_enqueue(db_t *db, const char *kind, const json_t *payload, int64_t run_at_us, int max_attempts, int64_t *id);

/* A handler runs one job.  It returns ERR_OK when the job is done; any
 * other code makes the job retry (message in err).  ctx is the pointer
 * given at registration.  It may use pool for its own connections. */
typedef err_t (*jobs_handler_fn)(void *ctx, db_pool_t *pool, const json_t *payload, char *err, size_t errlen);

typedef struct jobs_runner jobs_runner_t;

/* A runner over pool (borrowed).  worker_id names this process in
 * locked_by (NULL = "<hostname>:<pid>"). */
jobs_runner_t *jobs_runner_new(db_pool_t *pool, const char *worker_id);
void jobs_runner_free(jobs_runner_t *r);

/* Registers the handler of a kind, before the runner starts.  retry_delay_s
 * is the wait between attempts (the original's Celery tasks: 60 s). */
void jobs_runner_handle(jobs_runner_t *r, const char *kind, jobs_handler_fn fn, void *ctx, int retry_delay_s);

/* Lease length (seconds) after which a `running` job counts as abandoned.
 * Default 300; JOBS_LEASE_SECONDS overrides it. */
void jobs_runner_set_lease(jobs_runner_t *r, int seconds);

/* Claims and runs at most one due job.  Returns 1 when a job ran, 0 when
 * none was due, -1 on a database error. */
int jobs_runner_step(jobs_runner_t *r);

/* Runs due jobs until the queue has none due (tests, `tali worker --once`).
 * Returns how many ran. */
int jobs_runner_drain(jobs_runner_t *r);

/* Starts a background thread that polls (every poll_ms) and runs jobs. */
int jobs_runner_start(jobs_runner_t *r, int poll_ms);
/* Asks the thread to stop after the job in hand and joins it. */
void jobs_runner_stop(jobs_runner_t *r);

/* The latest jobs (newest first) as a JSON array of {id, kind, state,
 * attempts, last_error, run_at, created_at}; new reference. */
err_t jobs_list(db_t *db, int limit, json_t **out);

#endif
