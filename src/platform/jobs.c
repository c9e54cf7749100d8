#include "platform/jobs.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "platform/json.h"
#include "platform/log.h"
#include "platform/mem.h"

#define JOBS_DEFAULT_ATTEMPTS 4
#define JOBS_DEFAULT_LEASE_S 300

err_t jobs_stats(db_t *db, jobs_stats_t *out)
{
    memset(out, 0, sizeof *out);
    db_res_t *r = NULL;
    err_t e = db_query(db, "SELECT state, COUNT(*) FROM jobs GROUP BY state", NULL, 0, &r);
    if (e != ERR_OK)
        return e;
    for (int i = 0; i < db_res_rows(r); i++) {
        const char *state = db_res_text(r, i, 0);
        int64_t n = db_res_int(r, i, 1);
        if (!state)
            continue;
        if (strcmp(state, "queued") == 0)
            out->queued = n;
        else if (strcmp(state, "running") == 0)
            out->running = n;
        else if (strcmp(state, "failed") == 0)
            out->failed = n;
        else if (strcmp(state, "done") == 0)
            out->done = n;
    }
    db_res_free(r);
    return ERR_OK;
}

err_t jobs_enqueue(db_t *db, const char *kind, const json_t *payload, int64_t run_at_us, int max_attempts, int64_t *id)
{
    int64_t now = db_now_us();
    /* no payload is an empty object (encoded directly: a temporary json
     * object here would leak) */
    char *text = payload ? json_encode(payload) : xstrdup("{}");
    db_value_t p[5] = {
        DB_V_TEXT(kind),
        DB_V_JSON(text),
        DB_V_TIME(run_at_us > 0 ? run_at_us : now),
        DB_V_INT(max_attempts > 0 ? max_attempts : JOBS_DEFAULT_ATTEMPTS),
        DB_V_TIME(now),
    };
    db_res_t *r = NULL;
    err_t e = db_query(db,
                       "INSERT INTO jobs (kind, payload, state, attempts, max_attempts, run_at, created_at) "
                       "VALUES ($1, $2, 'queued', 0, $4, $3, $5) RETURNING id",
                       p, 5, &r);
    free(text);
    if (e == ERR_OK && id)
        *id = db_res_int(r, 0, 0);
    db_res_free(r);
    if (e != ERR_OK)
        log_error("tali.jobs", "cannot enqueue %s job: %s", kind, db_last_error(db));
    return e;
}

typedef struct {
    char *kind;
    jobs_handler_fn fn;
    void *ctx;
    int retry_delay_s;
} jobs_handler_t;

struct jobs_runner {
    db_pool_t *pool;
    char *worker_id;
    jobs_handler_t *handlers;
    size_t nhandlers;
    int lease_s;
    int poll_ms;
    pthread_t thread;
    bool running;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    bool stop;
};

jobs_runner_t *jobs_runner_new(db_pool_t *pool, const char *worker_id)
{
    jobs_runner_t *r = xcalloc(1, sizeof *r);
    r->pool = pool;
    if (worker_id) {
        r->worker_id = xstrdup(worker_id);
    } else {
        char host[128] = "host";
        gethostname(host, sizeof host - 1);
        r->worker_id = xasprintf("%s:%d", host, (int)getpid());
    }
    r->lease_s = JOBS_DEFAULT_LEASE_S;
    const char *lease = getenv("JOBS_LEASE_SECONDS");
    if (lease && atoi(lease) > 0)
        r->lease_s = atoi(lease);
    pthread_mutex_init(&r->mu, NULL);
    pthread_cond_init(&r->cv, NULL);
    return r;
}

void jobs_runner_free(jobs_runner_t *r)
{
    if (!r)
        return;
    jobs_runner_stop(r);
    for (size_t i = 0; i < r->nhandlers; i++)
        free(r->handlers[i].kind);
    free(r->handlers);
    free(r->worker_id);
    pthread_mutex_destroy(&r->mu);
    pthread_cond_destroy(&r->cv);
    free(r);
}

void jobs_runner_handle(jobs_runner_t *r, const char *kind, jobs_handler_fn fn, void *ctx, int retry_delay_s)
{
    r->handlers = xrealloc(r->handlers, (r->nhandlers + 1) * sizeof *r->handlers);
    /* JOBS_RETRY_DELAY_SECONDS shortens every delay (tests, impatient operators) */
    const char *override = getenv("JOBS_RETRY_DELAY_SECONDS");
    if (override && *override)
        retry_delay_s = atoi(override);
    r->handlers[r->nhandlers++] = (jobs_handler_t){xstrdup(kind), fn, ctx, retry_delay_s};
}

void jobs_runner_set_lease(jobs_runner_t *r, int seconds)
{
    if (seconds > 0)
        r->lease_s = seconds;
}

static const jobs_handler_t *jobs_find(const jobs_runner_t *r, const char *kind)
{
    for (size_t i = 0; i < r->nhandlers; i++)
        if (strcmp(r->handlers[i].kind, kind) == 0)
            return &r->handlers[i];
    return NULL;
}

/* Puts jobs whose lease ran out back in the queue: their worker died.  A
 * job that has already had its last attempt is marked failed instead, so a
 * job that kills its worker every time (a crash in its handler) cannot
 * loop for ever. */
static void jobs_reclaim(jobs_runner_t *r, db_t *db, int64_t now)
{
    db_value_t p[2] = {DB_V_TIME(now - (int64_t)r->lease_s * 1000000), DB_V_TIME(now)};
    int64_t failed = 0, requeued = 0;
    if (db_exec(db,
                "UPDATE jobs SET state = 'failed', locked_at = NULL, updated_at = $2, "
                "last_error = 'worker lost (lease expired) on the last attempt' "
                "WHERE state = 'running' AND locked_at < $1 AND attempts >= max_attempts",
                p, 2, &failed) == ERR_OK &&
        failed > 0)
        log_error("tali.jobs", "gave up on %lld job(s) whose worker was lost on their last attempt", (long long)failed);
    if (db_exec(db,
                "UPDATE jobs SET state = 'queued', locked_at = NULL, locked_by = NULL, updated_at = $2, "
                "last_error = 'worker lost (lease expired)' WHERE state = 'running' AND locked_at < $1",
                p, 2, &requeued) == ERR_OK &&
        requeued > 0)
        log_warn("tali.jobs", "re-queued %lld job(s) abandoned by a lost worker", (long long)requeued);
}

/* Claims one due job of a kind this runner handles.  On success fills the
 * out-parameters (heap strings the caller frees) and returns 1. */
static int jobs_claim(jobs_runner_t *r, db_t *db, int64_t *id, char **kind, char **payload, int *attempts,
                      int *max_attempts)
{
    int64_t now = db_now_us();
    jobs_reclaim(r, db, now);

    /* Only kinds we can run: build "kind IN ($3, $4, ...)". */
    mem_buf_t in = {0};
    db_value_t *p = xcalloc(r->nhandlers + 2, sizeof *p);
    p[0] = DB_V_TIME(now);
    p[1] = DB_V_TEXT(r->worker_id);
    for (size_t i = 0; i < r->nhandlers; i++) {
        mem_buf_printf(&in, "%s$%zu", i ? ", " : "", i + 3);
        p[i + 2] = DB_V_TEXT(r->handlers[i].kind);
    }
    char *sql = xasprintf("UPDATE jobs SET state = 'running', locked_at = $1, locked_by = $2, "
                          "attempts = attempts + 1, updated_at = $1 "
                          "WHERE id = (SELECT id FROM jobs WHERE state = 'queued' AND run_at <= $1 "
                          "AND kind IN (%s) ORDER BY run_at, id LIMIT 1%s) "
                          "AND state = 'queued' "
                          "RETURNING id, kind, payload, attempts, max_attempts",
                          in.data ? in.data : "''", db_sql_skip_locked(db));
    db_res_t *res = NULL;
    err_t e = db_query(db, sql, p, (int)r->nhandlers + 2, &res);
    free(sql);
    free(p);
    mem_buf_free(&in);
    if (e != ERR_OK) {
        db_res_free(res);
        return e == ERR_TIMEOUT ? 0 : -1;
    }
    int got = db_res_rows(res) == 1;
    if (got) {
        *id = db_res_int(res, 0, 0);
        *kind = xstrdup(db_res_text(res, 0, 1) ? db_res_text(res, 0, 1) : "");
        *payload = xstrdup(db_res_text(res, 0, 2) ? db_res_text(res, 0, 2) : "{}");
        *attempts = (int)db_res_int(res, 0, 3);
        *max_attempts = (int)db_res_int(res, 0, 4);
    }
    db_res_free(res);
    return got;
}

/* Runs one finishing UPDATE, retrying while the database is only busy
 * (SQLite's single writer past its busy timeout, a PostgreSQL connection
 * being replaced): giving up there would leave a job that did run
 * `running`, and the lease would run it a second time.  Returns the rows
 * changed, or -1 when the statement kept failing. */
static int64_t jobs_finish_exec(jobs_runner_t *r, const char *sql, const db_value_t *p, int np)
{
    for (int attempt = 0; attempt < 6; attempt++) {
        if (attempt > 0) {
            struct timespec ts = {.tv_sec = 0, .tv_nsec = 100000000L * attempt};
            nanosleep(&ts, NULL);
        }
        db_t *db = db_acquire(r->pool);
        if (!db)
            continue;
        int64_t n = 0;
        err_t e = db_exec(db, sql, p, np, &n);
        db_release(r->pool, db);
        if (e == ERR_OK)
            return n;
        if (e != ERR_TIMEOUT && e != ERR_UNAVAILABLE)
            break;
    }
    return -1;
}

/* Records the outcome of a job this runner claimed as attempt `attempts`.
 * The UPDATE is fenced on that claim (still running, locked by us, same
 * attempt): if our lease ran out while the handler was slow and another
 * worker re-claimed the job, its outcome is the one that counts and ours is
 * dropped rather than overwriting a run still in progress. */
static void jobs_finish(jobs_runner_t *r, int64_t id, err_t result, const char *errmsg, int attempts, bool give_up,
                        int retry_delay_s)
{
    int64_t now = db_now_us();
    int64_t n;
    if (result == ERR_OK) {
        db_value_t p[4] = {DB_V_TIME(now), DB_V_INT(id), DB_V_TEXT(r->worker_id), DB_V_INT(attempts)};
        n = jobs_finish_exec(r,
                             "UPDATE jobs SET state = 'done', locked_at = NULL, updated_at = $1 "
                             "WHERE id = $2 AND state = 'running' AND locked_by = $3 AND attempts = $4",
                             p, 4);
    } else {
        db_value_t p[7] = {
            DB_V_TEXT(give_up ? "failed" : "queued"),
            DB_V_TIME(now + (int64_t)retry_delay_s * 1000000),
            DB_V_TEXT(errmsg),
            DB_V_INT(id),
            DB_V_TEXT(r->worker_id),
            DB_V_INT(attempts),
            DB_V_TIME(now),
        };
        n = jobs_finish_exec(r,
                             "UPDATE jobs SET state = $1, run_at = $2, last_error = $3, locked_at = NULL, "
                             "locked_by = NULL, updated_at = $7 "
                             "WHERE id = $4 AND state = 'running' AND locked_by = $5 AND attempts = $6",
                             p, 7);
    }
    if (n < 0)
        log_error("tali.jobs", "cannot record the outcome of job %lld; it will run again after its lease",
                  (long long)id);
    else if (n == 0)
        log_warn("tali.jobs", "job %lld outlived its lease and was taken by another worker; this outcome is dropped",
                 (long long)id);
}

/* While a handler runs, its claim is renewed every third of the lease, so
 * only a worker that is gone (killed, frozen, cut off) loses its job; a
 * live one keeps it however long the handler takes. */
typedef struct {
    jobs_runner_t *r;
    int64_t id;
    int attempts;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    bool done;
} jobs_beat_t;

static void *jobs_beat_thread(void *arg)
{
    jobs_beat_t *b = arg;
    int interval = b->r->lease_s / 3 > 0 ? b->r->lease_s / 3 : 1;
    pthread_mutex_lock(&b->mu);
    while (!b->done) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_sec += interval;
        pthread_cond_timedwait(&b->cv, &b->mu, &ts);
        if (b->done)
            break;
        pthread_mutex_unlock(&b->mu);
        db_t *db = db_acquire(b->r->pool);
        if (db) {
            db_value_t p[4] = {DB_V_TIME(db_now_us()), DB_V_INT(b->id), DB_V_TEXT(b->r->worker_id),
                               DB_V_INT(b->attempts)};
            if (db_exec(db,
                        "UPDATE jobs SET locked_at = $1 WHERE id = $2 AND state = 'running' AND locked_by = $3 "
                        "AND attempts = $4",
                        p, 4, NULL) != ERR_OK)
                log_warn("tali.jobs", "job %lld: cannot renew the lease: %s", (long long)b->id, db_last_error(db));
            db_release(b->r->pool, db);
        }
        pthread_mutex_lock(&b->mu);
    }
    pthread_mutex_unlock(&b->mu);
    return NULL;
}

int jobs_runner_step(jobs_runner_t *r)
{
    db_t *db = db_acquire(r->pool);
    if (!db)
        return -1;
    int64_t id = 0;
    char *kind = NULL, *payload_text = NULL;
    int attempts = 0, max_attempts = 0;
    bool give_up = false;
    int got = jobs_claim(r, db, &id, &kind, &payload_text, &attempts, &max_attempts);
    /* the connection is not held while the handler runs: handlers may be
     * slow (HTTP to a mail provider) and use the pool themselves */
    db_release(r->pool, db);
    if (got <= 0)
        return got;

    const jobs_handler_t *h = jobs_find(r, kind);
    char err[512] = "";
    err_t result = ERR_INTERNAL;
    json_t *payload = json_parse(payload_text, strlen(payload_text), 64, NULL);
    if (!payload) {
        snprintf(err, sizeof err, "payload is not JSON");
        give_up = true; /* retrying cannot help */
    } else if (h) {
        jobs_beat_t beat = {.r = r, .id = id, .attempts = attempts};
        pthread_mutex_init(&beat.mu, NULL);
        pthread_cond_init(&beat.cv, NULL);
        pthread_t bt;
        bool beating = pthread_create(&bt, NULL, jobs_beat_thread, &beat) == 0;
        result = h->fn(h->ctx, r->pool, payload, err, sizeof err);
        if (beating) {
            pthread_mutex_lock(&beat.mu);
            beat.done = true;
            pthread_cond_signal(&beat.cv);
            pthread_mutex_unlock(&beat.mu);
            pthread_join(bt, NULL);
        }
        pthread_mutex_destroy(&beat.mu);
        pthread_cond_destroy(&beat.cv);
        if (result != ERR_OK && !err[0])
            snprintf(err, sizeof err, "%s", err_name(result));
    }
    json_decref(payload);

    if (result == ERR_OK)
        log_info("tali.jobs", "job %lld (%s) done on attempt %d", (long long)id, kind, attempts);
    else
        log_warn("tali.jobs", "job %lld (%s) attempt %d/%d failed: %s", (long long)id, kind, attempts, max_attempts,
                 err);

    jobs_finish(r, id, result, err, attempts, give_up || attempts >= max_attempts, h ? h->retry_delay_s : 60);
    free(kind);
    free(payload_text);
    return 1;
}

int jobs_runner_drain(jobs_runner_t *r)
{
    int n = 0;
    while (jobs_runner_step(r) == 1)
        n++;
    return n;
}

static void *jobs_thread(void *arg)
{
    jobs_runner_t *r = arg;
    log_set_request_id(NULL);
    pthread_mutex_lock(&r->mu);
    while (!r->stop) {
        pthread_mutex_unlock(&r->mu);
        int ran = jobs_runner_step(r);
        pthread_mutex_lock(&r->mu);
        if (ran == 1 || r->stop)
            continue;
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_sec += r->poll_ms / 1000;
        ts.tv_nsec += (long)(r->poll_ms % 1000) * 1000000L;
        if (ts.tv_nsec >= 1000000000L) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&r->cv, &r->mu, &ts);
    }
    pthread_mutex_unlock(&r->mu);
    return NULL;
}

int jobs_runner_start(jobs_runner_t *r, int poll_ms)
{
    if (r->running)
        return 0;
    r->poll_ms = poll_ms > 0 ? poll_ms : 1000;
    r->stop = false;
    if (pthread_create(&r->thread, NULL, jobs_thread, r) != 0)
        return -1;
    r->running = true;
    return 0;
}

void jobs_runner_stop(jobs_runner_t *r)
{
    if (!r->running)
        return;
    pthread_mutex_lock(&r->mu);
    r->stop = true;
    pthread_cond_broadcast(&r->cv);
    pthread_mutex_unlock(&r->mu);
    pthread_join(r->thread, NULL);
    r->running = false;
}

err_t jobs_list(db_t *db, int limit, json_t **out)
{
    *out = NULL;
    db_value_t p[1] = {DB_V_INT(limit > 0 ? limit : 20)};
    db_res_t *r = NULL;
    err_t e = db_query(db,
                       "SELECT id, kind, state, attempts, last_error, run_at, created_at FROM jobs "
                       "ORDER BY id DESC LIMIT $1",
                       p, 1, &r);
    if (e != ERR_OK) {
        db_res_free(r);
        return e;
    }
    json_t *arr = json_array();
    char t1[40], t2[40];
    for (int i = 0; i < db_res_rows(r); i++) {
        json_array_append_new(arr, json_pack("{s:I,s:s?,s:s?,s:I,s:s?,s:s,s:s}", "id", (json_int_t)db_res_int(r, i, 0),
                                             "kind", db_res_text(r, i, 1), "state", db_res_text(r, i, 2), "attempts",
                                             (json_int_t)db_res_int(r, i, 3), "last_error", db_res_text(r, i, 4),
                                             "run_at", db_format_time(db_res_time(r, i, 5), "Z", t1), "created_at",
                                             db_format_time(db_res_time(r, i, 6), "Z", t2)));
    }
    db_res_free(r);
    *out = arr;
    return ERR_OK;
}
