/* The connection pool and the dialect-neutral entry points of db.h. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>
#include <time.h>

#include "platform/db/db_internal.h"
#include "platform/mem.h"

#define POOL_WAIT_MS 30000

struct db_pool {
    db_kind_t kind;
    char *target; /* libpq URL or SQLite path */
    int size;
    int wait_ms;
    _Atomic int write_bad; /* the last write failed with FULL/READONLY, none succeeded since */
    int open;              /* connections in existence, idle or lent out */
    int nidle;
    db_t **idle;
    pthread_mutex_t mu;
    pthread_cond_t cv;
};

static bool has_prefix(const char *s, const char *p)
{
    return strncmp(s, p, strlen(p)) == 0;
}

/* SQLAlchemy's forms: sqlite:///rel.db, sqlite:////abs.db, sqlite:// (an
 * in-memory database), with an optional "+driver" and query string (which
 * is ignored); anything else is a plain file path. */
static char *sqlite_path(const char *url)
{
    const char *sep = strstr(url, "://");
    if (!has_prefix(url, "sqlite") || !sep)
        return xstrdup(url);
    const char *p = sep + 3;
    if (*p == '/')
        p++;
    size_t n = strcspn(p, "?");
    if (n == 0 || (n == 8 && strncmp(p, ":memory:", 8) == 0))
        return xstrdup(":memory:");
    return xstrndup(p, n);
}

db_pool_t *db_pool_open(const char *url, int size, char *err, size_t errlen)
{
    if (!url || !*url) {
        snprintf(err, errlen, "empty database URL");
        return NULL;
    }
    db_pool_t *pool = xcalloc(1, sizeof *pool);
    if (has_prefix(url, "postgresql://") || has_prefix(url, "postgres://")) {
        pool->kind = DB_POSTGRES;
        pool->target = xstrdup(url);
    } else if (has_prefix(url, "postgresql+") && strstr(url, "://")) {
        /* SQLAlchemy's "postgresql+psycopg2://" names its driver; libpq
         * only knows the plain scheme. */
        pool->kind = DB_POSTGRES;
        pool->target = xasprintf("postgresql%s", strstr(url, "://"));
    } else if (strstr(url, "://") && !has_prefix(url, "sqlite")) {
        snprintf(err, errlen, "unsupported database URL scheme (use postgresql://, postgres:// or sqlite://)");
        free(pool);
        return NULL;
    } else {
        pool->kind = DB_SQLITE;
        pool->target = sqlite_path(url);
    }
    pool->size = size > 0 ? size : 1;
    pool->wait_ms = POOL_WAIT_MS;
    atomic_init(&pool->write_bad, 0);
    /* Each connection to ":memory:" would be a database of its own. */
    if (pool->kind == DB_SQLITE && strcmp(pool->target, ":memory:") == 0)
        pool->size = 1;
    pool->idle = xcalloc((size_t)pool->size, sizeof *pool->idle);
    pthread_mutex_init(&pool->mu, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&pool->cv, &ca);
    pthread_condattr_destroy(&ca);

    /* Open one connection now so a wrong URL or unreachable server is
     * reported at start-up rather than on the first request. */
    db_t *first = pool->kind == DB_POSTGRES ? db_pg_connect(pool->target, err, errlen)
                                            : db_sqlite_connect(pool->target, err, errlen);
    if (!first) {
        db_pool_close(pool);
        return NULL;
    }
    first->write_bad = &pool->write_bad;
    pool->idle[pool->nidle++] = first;
    pool->open = 1;
    return pool;
}

void db_pool_set_wait_ms(db_pool_t *pool, int ms)
{
    if (ms > 0)
        pool->wait_ms = ms;
}

static void conn_close(db_t *db)
{
    if (db->kind == DB_POSTGRES)
        db_pg_close(db);
    else
        db_sqlite_close(db);
}

void db_pool_close(db_pool_t *pool)
{
    if (!pool)
        return;
    for (int i = 0; i < pool->nidle; i++)
        conn_close(pool->idle[i]);
    pthread_cond_destroy(&pool->cv);
    pthread_mutex_destroy(&pool->mu);
    free(pool->idle);
    free(pool->target);
    free(pool);
}

db_kind_t db_pool_kind(const db_pool_t *pool)
{
    return pool->kind;
}

db_t *db_acquire(db_pool_t *pool)
{
    struct timespec deadline;
    clock_gettime(CLOCK_MONOTONIC, &deadline);
    deadline.tv_sec += pool->wait_ms / 1000;
    deadline.tv_nsec += (long)(pool->wait_ms % 1000) * 1000000L;
    if (deadline.tv_nsec >= 1000000000L) {
        deadline.tv_sec++;
        deadline.tv_nsec -= 1000000000L;
    }

    pthread_mutex_lock(&pool->mu);
    while (pool->nidle == 0 && pool->open >= pool->size) {
        int rc = pthread_cond_timedwait(&pool->cv, &pool->mu, &deadline);
        if (rc == ETIMEDOUT && pool->nidle == 0 && pool->open >= pool->size) {
            pthread_mutex_unlock(&pool->mu);
            log_msg(LOG_ERROR, DB_LOGGER, "no database connection free after %d ms (pool size %d)", pool->wait_ms,
                    pool->size);
            return NULL;
        }
    }
    db_t *db = NULL;
    if (pool->nidle > 0)
        db = pool->idle[--pool->nidle];
    else
        pool->open++; /* reserve the slot, connect outside the lock */
    pthread_mutex_unlock(&pool->mu);

    if (db && db->kind == DB_POSTGRES && !db_pg_healthy(db)) {
        db_pg_close(db);
        db = NULL;
    }
    if (!db) {
        char err[512];
        db = pool->kind == DB_POSTGRES ? db_pg_connect(pool->target, err, sizeof err)
                                       : db_sqlite_connect(pool->target, err, sizeof err);
        if (!db) {
            log_msg(LOG_ERROR, DB_LOGGER, "%s", err);
            pthread_mutex_lock(&pool->mu);
            pool->open--;
            pthread_cond_signal(&pool->cv);
            pthread_mutex_unlock(&pool->mu);
            return NULL;
        }
        db->write_bad = &pool->write_bad;
    }
    db->fault = DB_FAULT_NONE;
    return db;
}

void db_release(db_pool_t *pool, db_t *db)
{
    if (!db)
        return;
    bool keep = true;
    if (db->kind == DB_POSTGRES && PQstatus(db->pg) != CONNECTION_OK)
        keep = false;
    else if ((db->kind == DB_POSTGRES ? db_pg_in_tx(db) : db_sqlite_in_tx(db)) && db_rollback(db) != ERR_OK)
        keep = false;
    db->errmsg[0] = '\0';
    db->fault = DB_FAULT_NONE;
    db->tx_wrote = false;

    pthread_mutex_lock(&pool->mu);
    if (keep) {
        pool->idle[pool->nidle++] = db;
    } else {
        pool->open--;
    }
    pthread_cond_signal(&pool->cv);
    pthread_mutex_unlock(&pool->mu);
    if (!keep)
        conn_close(db);
}

db_kind_t db_kind(const db_t *db)
{
    return db->kind;
}

void db_note_error(db_t *db, log_level_t level, const char *what, const char *msg)
{
    snprintf(db->errmsg, sizeof db->errmsg, "%s", msg ? msg : "");
    /* libpq messages end in a newline; one log line each. */
    size_t n = strlen(db->errmsg);
    while (n > 0 && (db->errmsg[n - 1] == '\n' || db->errmsg[n - 1] == ' '))
        db->errmsg[--n] = '\0';
    log_msg(level, DB_LOGGER, "%s %s failed: %s", db->kind == DB_POSTGRES ? "postgres" : "sqlite", what, db->errmsg);
}

const char *db_last_error(const db_t *db)
{
    return db->errmsg;
}

void db_note_fault(db_t *db, db_fault_t f)
{
    if (f == DB_FAULT_NONE)
        return;
    db->fault = f;
    if ((f == DB_FAULT_FULL || f == DB_FAULT_READONLY) && db->write_bad)
        atomic_store(db->write_bad, 1);
}

void db_note_wrote(db_t *db, bool in_tx)
{
    if (in_tx)
        db->tx_wrote = true;
    else if (db->write_bad)
        atomic_store(db->write_bad, 0);
}

db_fault_t db_fault(const db_t *db)
{
    return db->fault;
}

const char *db_fault_detail(db_fault_t f)
{
    switch (f) {
    case DB_FAULT_NONE: return NULL;
    case DB_FAULT_UNREACHABLE: return "Database unavailable";
    case DB_FAULT_FULL: return "Insufficient storage: the database cannot save data right now";
    case DB_FAULT_READONLY: return "Database is read-only: it cannot save data right now";
    }
    return NULL;
}

/* The file system holding the SQLite file: read-only, or nearly full. */
static bool sqlite_fs_writable(db_t *db)
{
    const char *file = sqlite3_db_filename(db->lite, "main");
    if (!file || !*file)
        return true; /* in memory */
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", file);
    char *slash = strrchr(dir, '/');
    if (slash == dir)
        dir[1] = '\0';
    else if (slash)
        *slash = '\0';
    else
        snprintf(dir, sizeof dir, ".");
    struct statvfs st;
    if (statvfs(dir, &st) != 0)
        return false;
    if (st.f_flag & ST_RDONLY)
        return false;
    return (unsigned long long)st.f_bavail * st.f_frsize >= DB_MIN_FREE_BYTES;
}

bool db_writable(db_t *db)
{
    if (db->write_bad && atomic_load(db->write_bad))
        return false;
    if (db->kind == DB_SQLITE && sqlite3_db_readonly(db->lite, "main") == 1)
        return false;
    return db->kind != DB_SQLITE || sqlite_fs_writable(db);
}

err_t db_exec(db_t *db, const char *sql, const db_value_t *params, int nparams, int64_t *affected)
{
    if (db->kind == DB_POSTGRES)
        return db_pg_exec(db, sql, params, nparams, affected, NULL);
    return db_sqlite_exec(db, sql, params, nparams, affected, NULL);
}

err_t db_query(db_t *db, const char *sql, const db_value_t *params, int nparams, db_res_t **out)
{
    *out = NULL;
    if (db->kind == DB_POSTGRES)
        return db_pg_exec(db, sql, params, nparams, NULL, out);
    return db_sqlite_exec(db, sql, params, nparams, NULL, out);
}

err_t db_exec_script(db_t *db, const char *sql)
{
    if (db->kind == DB_POSTGRES)
        return db_pg_script(db, sql);
    return db_sqlite_script(db, sql);
}

err_t db_begin(db_t *db)
{
    /* IMMEDIATE takes SQLite's write lock up front: two deferred
     * transactions that both read and then write would otherwise each wait
     * for the other to finish reading, and one would fail with BUSY. */
    return db_exec(db, db->kind == DB_POSTGRES ? "BEGIN" : "BEGIN IMMEDIATE", NULL, 0, NULL);
}

err_t db_commit(db_t *db)
{
    err_t e = db_exec(db, "COMMIT", NULL, 0, NULL);
    if (e == ERR_OK && db->tx_wrote)
        db_note_wrote(db, false);
    db->tx_wrote = false;
    return e;
}

err_t db_rollback(db_t *db)
{
    db->tx_wrote = false;
    return db_exec(db, "ROLLBACK", NULL, 0, NULL);
}

const char *db_sql_ilike(const db_t *db)
{
    return db->kind == DB_POSTGRES ? "ILIKE" : "LIKE";
}

const char *db_sql_now(const db_t *db)
{
    /* SQLite's clock gives milliseconds; padding to six digits keeps the
     * stored text the same shape as times bound from the application. */
    return db->kind == DB_POSTGRES ? "now()" : "(strftime('%Y-%m-%d %H:%M:%f', 'now') || '000')";
}

const char *db_sql_skip_locked(const db_t *db)
{
    return db->kind == DB_POSTGRES ? " FOR UPDATE SKIP LOCKED" : "";
}

const char *db_sql_for_update(const db_t *db)
{
    return db->kind == DB_POSTGRES ? " FOR UPDATE" : "";
}

char *db_sql_epoch(const db_t *db, const char *column, char *buf, size_t buflen)
{
    /* SQLite keeps times as UTC text: julianday() reads it (to about a
     * millisecond), 2440587.5 is the Julian day of the Unix epoch */
    if (db->kind == DB_POSTGRES)
        snprintf(buf, buflen, "EXTRACT(EPOCH FROM %s)", column);
    else
        snprintf(buf, buflen, "((julianday(%s) - 2440587.5) * 86400.0)", column);
    return buf;
}
