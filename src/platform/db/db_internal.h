/* Private to platform/db: the connection and result structures shared by
 * the two back ends, the pool and the migration runner. */
#ifndef TALI_PLATFORM_DB_INTERNAL_H
#define TALI_PLATFORM_DB_INTERNAL_H

#include <libpq-fe.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "platform/db.h"
#include "platform/log.h"

#define DB_LOGGER "tali.db"

/* Prepared statements of one connection (stmtcache.c), by SQL text. */
#define DB_STMT_CACHE_SIZE 64
typedef struct {
    uint64_t hash;
    char *sql;  /* the caller's text ($N placeholders) */
    void *stmt; /* sqlite3_stmt *, or the PostgreSQL statement's name (malloc'd) */
    uint64_t tick;
} db_stmt_slot_t;
typedef struct {
    db_stmt_slot_t slot[DB_STMT_CACHE_SIZE];
    uint64_t tick;
    uint64_t next_name; /* PostgreSQL: names are "tali_<n>" */
} db_stmt_cache_t;

/* The statement cached for sql, or NULL. */
void *db_stmt_cache_get(db_stmt_cache_t *c, const char *sql);
/* Caches stmt for sql, evicting (drop) the least recently used one when
 * full. */
void db_stmt_cache_put(db_stmt_cache_t *c, const char *sql, void *stmt, void (*drop)(void *stmt, void *ctx), void *ctx);
/* Forgets stmt (the caller finalizes it). */
void db_stmt_cache_remove(db_stmt_cache_t *c, void *stmt);
/* Drops every statement (on close, or when the server forgot them). */
void db_stmt_cache_clear(db_stmt_cache_t *c, void (*drop)(void *stmt, void *ctx), void *ctx);

struct db_conn {
    db_kind_t kind;
    sqlite3 *lite;
    PGconn *pg;
    char errmsg[512];
    db_stmt_cache_t cache;
    db_fault_t fault;       /* of the last failure since acquired */
    bool tx_wrote;          /* the open transaction changed data */
    _Atomic int *write_bad; /* the pool's "last write failed" flag; NULL outside a pool */
};

/* Cells live in one buffer and are addressed by offset, so the buffer can
 * grow while rows are appended.  A cell is text (what PostgreSQL sends;
 * the typed accessors parse it on read) or, from SQLite, a binary integer
 * or real (8 bytes; read without a text round trip, and given a text form
 * only when db_res_text asks, kept in `texts` until the result is
 * freed). */
#define DB_RES_NULL_OFF ((size_t)-1)
enum { DB_CELL_TEXT = 0, DB_CELL_INT = 1, DB_CELL_REAL = 2 };
struct db_res {
    int rows;
    int cols;
    char **names;
    size_t *off;         /* rows * cols offsets into data, DB_RES_NULL_OFF for NULL */
    unsigned char *kind; /* rows * cols DB_CELL_* */
    char *data;
    size_t len;
    size_t cap;
    int row_cap;
    char **texts;   /* text forms made for binary cells (see db_res_text) */
    char **text_of; /* per cell: its text form, or NULL (allocated on first need) */
    size_t ntexts;
};

/* Result building (result.c). */
db_res_t *db_res_new(int cols);
void db_res_set_name(db_res_t *r, int col, const char *name);
/* Starts a new row whose cells are all NULL until set. */
void db_res_add_row(db_res_t *r);
/* Sets a cell of the last row to a copy of n bytes of s. */
void db_res_set_cell(db_res_t *r, int col, const char *s, size_t n);
/* Sets a cell of the last row to a binary integer or real. */
void db_res_set_int(db_res_t *r, int col, int64_t v);
void db_res_set_real(db_res_t *r, int col, double v);

/* Records a driver message on the connection and logs it at level. */
void db_note_error(db_t *db, log_level_t level, const char *what, const char *msg);

/* Back ends report what they learn about the database's ability to
 * write: the fault of a failed statement (remembered by the pool when it
 * is FULL or READONLY), and a statement that changed data (in_tx: inside
 * an open transaction, which counts once it commits).  A write that
 * reached the database clears the pool's memory of a failed one. */
void db_note_fault(db_t *db, db_fault_t f);
void db_note_wrote(db_t *db, bool in_tx);

/* The fixed text forms used in statements: time for SQLite storage
 * ("YYYY-MM-DD HH:MM:SS.ffffff") and for PostgreSQL parameters (same +
 * "+00").  buf must hold 40 bytes. */
char *db_time_storage_text(int64_t us, bool with_offset, char buf[40]);

/* Shortest "%.*g" text that reads back as exactly d.  buf >= 32 bytes. */
void db_format_real(double d, char *buf, size_t len);

/* SQLite back end (sqlite.c). */
db_t *db_sqlite_connect(const char *path, char *err, size_t errlen);
void db_sqlite_close(db_t *db);
err_t db_sqlite_exec(db_t *db, const char *sql, const db_value_t *params, int nparams, int64_t *affected,
                     db_res_t **out);
err_t db_sqlite_script(db_t *db, const char *sql);
bool db_sqlite_in_tx(db_t *db);

/* PostgreSQL back end (pg.c). */
db_t *db_pg_connect(const char *url, char *err, size_t errlen);
void db_pg_close(db_t *db);
/* False when the connection is broken and could not be reset. */
bool db_pg_healthy(db_t *db);
err_t db_pg_exec(db_t *db, const char *sql, const db_value_t *params, int nparams, int64_t *affected, db_res_t **out);
err_t db_pg_script(db_t *db, const char *sql);
bool db_pg_in_tx(db_t *db);

/* Embedded migrations (generated by scripts/embed-migrations). */
typedef struct {
    int version;
    const char *name;
    const char *sql;
} db_migration_t;

extern const db_migration_t db_migrations_sqlite[];
extern const int db_migrations_sqlite_count;
extern const db_migration_t db_migrations_postgres[];
extern const int db_migrations_postgres_count;
/* Extra statements run when adopting a database of the original backend
 * (adopt.sql of the dialect); NULL when the dialect has none. */
extern const char *const db_migrations_sqlite_adopt;
extern const char *const db_migrations_postgres_adopt;

#endif
