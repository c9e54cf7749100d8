/* db: one interface over SQLite (embedded default) and PostgreSQL (libpq).
 *
 * SQL is written once with PostgreSQL-style numbered placeholders ($1, $2,
 * ...); the SQLite back end rewrites them.  Values travel as typed
 * db_value_t.  Timestamps are microseconds since the Unix epoch, UTC, and
 * are stored as timestamptz on PostgreSQL and as ISO text
 * ("YYYY-MM-DD HH:MM:SS.ffffff", UTC, as SQLAlchemy wrote it) on SQLite.
 * Booleans are BOOLEAN on PostgreSQL and 0/1 on SQLite; JSON columns are
 * JSON text on both.  Anything else that differs between the two dialects
 * goes through the db_sql_* helpers below, so components never branch on
 * the back end. */
#ifndef TALI_PLATFORM_DB_H
#define TALI_PLATFORM_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "platform/err.h"

typedef enum { DB_SQLITE, DB_POSTGRES } db_kind_t;

typedef struct db_pool db_pool_t; /* thread-safe; one per process */
typedef struct db_conn db_t;      /* one connection; one thread at a time */
typedef struct db_res db_res_t;   /* a fully fetched result set */

typedef enum { DB_NULL, DB_INT, DB_REAL, DB_TEXT, DB_BOOL, DB_TIME, DB_JSON } db_type_t;

/* A borrowed connection that its holder can give back to the pool while
 * it waits on something slow (text extraction, an upstream) and take
 * again afterwards.  take returns NULL when no connection can be had;
 * give_back rolls back an open transaction. */
typedef struct {
    db_t *(*take)(void *ctx);
    void (*give_back)(void *ctx);
    void *ctx;
} db_lease_t;

typedef struct {
    db_type_t type;
    int64_t i;     /* DB_INT, DB_BOOL (0/1), DB_TIME (µs since epoch, UTC) */
    double d;      /* DB_REAL */
    const char *s; /* DB_TEXT, DB_JSON (JSON text); borrowed */
} db_value_t;

#define DB_V_NULL ((db_value_t){.type = DB_NULL})
#define DB_V_INT(x) ((db_value_t){.type = DB_INT, .i = (int64_t)(x)})
#define DB_V_REAL(x) ((db_value_t){.type = DB_REAL, .d = (double)(x)})
#define DB_V_TEXT(x) ((db_value_t){.type = (x) ? DB_TEXT : DB_NULL, .s = (x)})
#define DB_V_BOOL(x) ((db_value_t){.type = DB_BOOL, .i = (x) ? 1 : 0})
#define DB_V_TIME(x) ((db_value_t){.type = DB_TIME, .i = (int64_t)(x)})
#define DB_V_JSON(x) ((db_value_t){.type = (x) ? DB_JSON : DB_NULL, .s = (x)})

/* Database errors map onto err_t: ERR_CONFLICT for a unique or foreign-key
 * violation, ERR_UNAVAILABLE when the server cannot be reached or the pool
 * is exhausted past its wait, ERR_TIMEOUT for a lock/busy timeout,
 * ERR_INTERNAL for anything else.  The driver's message is logged, never
 * returned to clients. */

/* Opens a pool for url: "postgresql://..." / "postgres://..." (libpq URI),
 * "sqlite:///relative.db", "sqlite:////absolute.db", "sqlite://" (memory,
 * tests only) or a plain file path.  size = most connections open at once.
 * On failure returns NULL and writes a message into err. */
db_pool_t *db_pool_open(const char *url, int size, char *err, size_t errlen);
void db_pool_close(db_pool_t *pool);
db_kind_t db_pool_kind(const db_pool_t *pool);

/* Takes a connection, waiting up to 30 s for one to free up; a broken
 * PostgreSQL connection is replaced transparently.  NULL when none could be
 * had (then err is ERR_UNAVAILABLE). */
db_t *db_acquire(db_pool_t *pool);
/* How long db_acquire waits for a free connection (DB_POOL_TIMEOUT; 30 s
 * unless set).  ms <= 0 keeps the current value.  Call before serving. */
void db_pool_set_wait_ms(db_pool_t *pool, int ms);
/* Returns a connection.  An open transaction is rolled back first. */
void db_release(db_pool_t *pool, db_t *db);

db_kind_t db_kind(const db_t *db);

/* Runs a statement that returns no rows.  *affected (may be NULL) gets the
 * changed row count. */
err_t db_exec(db_t *db, const char *sql, const db_value_t *params, int nparams, int64_t *affected);

/* Runs a query and fetches every row.  *out is owned by the caller
 * (db_res_free), also on the error path where it is set to NULL. */
err_t db_query(db_t *db, const char *sql, const db_value_t *params, int nparams, db_res_t **out);

/* Runs SQL text holding several statements without parameters
 * (migrations). */
err_t db_exec_script(db_t *db, const char *sql);

err_t db_begin(db_t *db);
err_t db_commit(db_t *db);
err_t db_rollback(db_t *db);

/* Result access.  Row and column indices are 0-based; an out-of-range index
 * reads as NULL.  Strings are owned by the result. */
int db_res_rows(const db_res_t *r);
int db_res_cols(const db_res_t *r);
const char *db_res_colname(const db_res_t *r, int col);
bool db_res_isnull(const db_res_t *r, int row, int col);
int64_t db_res_int(const db_res_t *r, int row, int col);      /* NULL → 0 */
double db_res_real(const db_res_t *r, int row, int col);      /* NULL → 0.0 */
bool db_res_bool(const db_res_t *r, int row, int col);        /* NULL → false */
const char *db_res_text(const db_res_t *r, int row, int col); /* NULL → NULL */
int64_t db_res_time(const db_res_t *r, int row, int col);     /* µs UTC; NULL → 0 */
void db_res_free(db_res_t *r);

/* The last driver error text of this connection (for logs only). */
const char *db_last_error(const db_t *db);

/* What kind of trouble the last failed statement on this connection hit,
 * since it was acquired: the server went away, the disk is full, or the
 * database refuses writes (read-only file, read-only transaction or
 * standby).  DB_FAULT_NONE for anything else (constraint violations,
 * bugs), which says nothing about the database's health. */
typedef enum { DB_FAULT_NONE, DB_FAULT_UNREACHABLE, DB_FAULT_FULL, DB_FAULT_READONLY } db_fault_t;
db_fault_t db_fault(const db_t *db);

/* The client-facing text for a fault (a 503 detail); NULL for
 * DB_FAULT_NONE. */
const char *db_fault_detail(db_fault_t f);

/* Whether the database can take writes, without writing: false when the
 * most recent write through this pool failed for lack of space or a
 * read-only database and none has succeeded since, and, on SQLite, when
 * the file system holding the database file is mounted read-only or has
 * less than DB_MIN_FREE_BYTES free (one statvfs call).  A PostgreSQL
 * server's disk is only known through its answers (SQLSTATE 53100 disk
 * full, 25006 read-only). */
#define DB_MIN_FREE_BYTES (1024 * 1024)
bool db_writable(db_t *db);

/* Dialect helpers: SQL fragments to splice into statement text. */
const char *db_sql_ilike(const db_t *db);       /* "ILIKE" / "LIKE" (SQLite LIKE is ASCII case-insensitive) */
const char *db_sql_now(const db_t *db);         /* an expression for the current time as stored by this dialect */
const char *db_sql_skip_locked(const db_t *db); /* " FOR UPDATE SKIP LOCKED" / "" */
const char *db_sql_for_update(const db_t *db);  /* " FOR UPDATE" / "" */
/* An expression for a timestamp column as seconds since the epoch (a
 * double), written into buf.  Returns buf. */
char *db_sql_epoch(const db_t *db, const char *column, char *buf, size_t buflen);

/* Current wall-clock time in µs since the epoch, UTC. */
int64_t db_now_us(void);

/* Parses "YYYY-MM-DD[T ]HH:MM:SS[.ffffff][Z|+HH[:MM]]" (naive = UTC) into µs.
 * Returns false on malformed text. */
bool db_parse_time(const char *s, int64_t *out);

/* Formats µs as "YYYY-MM-DDTHH:MM:SS[.ffffff]" + suffix ("Z", "+00:00" or
 * ""); the fraction only when non-zero.  buf must hold 40 bytes. */
char *db_format_time(int64_t us, const char *suffix, char buf[40]);

/* Applies every migration not yet recorded in the schema_migrations table,
 * each in its own transaction.  A PostgreSQL database created by the
 * original backend (its six tables present, no schema_migrations table) is
 * adopted: the initial migration is recorded as applied without running it,
 * and only the additions of later migrations run.  Logs what it does.
 * Returns ERR_OK or the first failure (nothing of a failed migration is
 * left behind). */
err_t db_migrate(db_pool_t *pool);

#endif
