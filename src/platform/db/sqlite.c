/* SQLite back end.  One sqlite3 handle per db_t, opened in WAL mode so
 * readers never wait for the single writer. */
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "platform/db/db_internal.h"
#include "platform/mem.h"

#define SQLITE_BUSY_MS 5000

static err_t map_error(int rc)
{
    switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED: return ERR_TIMEOUT;
    case SQLITE_CONSTRAINT:
        /* Only the violations PostgreSQL reports as 23505/23503 are
         * conflicts; NOT NULL and CHECK failures are programming errors on
         * both back ends. */
        switch (rc) {
        case SQLITE_CONSTRAINT_UNIQUE:
        case SQLITE_CONSTRAINT_PRIMARYKEY:
        case SQLITE_CONSTRAINT_FOREIGNKEY:
        case SQLITE_CONSTRAINT_ROWID: return ERR_CONFLICT;
        default: return ERR_INTERNAL;
        }
    case SQLITE_CANTOPEN:
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_READONLY: return ERR_UNAVAILABLE;
    default: return ERR_INTERNAL;
    }
}

/* A failure that says the database cannot take data right now. */
static db_fault_t map_fault(int rc)
{
    switch (rc & 0xff) {
    case SQLITE_FULL: return DB_FAULT_FULL;
    case SQLITE_READONLY: return DB_FAULT_READONLY;
    case SQLITE_CANTOPEN:
    case SQLITE_IOERR: return DB_FAULT_UNREACHABLE;
    default: return DB_FAULT_NONE;
    }
}

static err_t fail(db_t *db, int rc, const char *what)
{
    err_t e = map_error(rc);
    db_note_fault(db, map_fault(rc));
    db_note_error(db, e == ERR_CONFLICT ? LOG_DEBUG : LOG_ERROR, what, sqlite3_errmsg(db->lite));
    return e;
}

/* Memory statistics off: with them on, every allocation SQLite makes
 * takes one global mutex (a third of a simple read under load).  It must
 * be set before SQLite initialises, so once, before the first open. */
static void lite_configure_once(void)
{
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

db_t *db_sqlite_connect(const char *path, char *err, size_t errlen)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, lite_configure_once);
    sqlite3 *h = NULL;
    int rc = sqlite3_open_v2(path, &h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK) {
        snprintf(err, errlen, "cannot open SQLite database %s: %s", path, h ? sqlite3_errmsg(h) : sqlite3_errstr(rc));
        sqlite3_close(h);
        return NULL;
    }
    sqlite3_extended_result_codes(h, 1);
    /* busy_timeout first: switching to WAL itself needs a lock that
     * another connection opening at the same moment may hold. */
    sqlite3_busy_timeout(h, SQLITE_BUSY_MS);
    static const char *const pragmas = "PRAGMA journal_mode=WAL;"
                                       "PRAGMA foreign_keys=ON;"
                                       "PRAGMA synchronous=NORMAL;";
    char *msg = NULL;
    rc = sqlite3_exec(h, pragmas, NULL, NULL, &msg);
    if (rc != SQLITE_OK) {
        snprintf(err, errlen, "cannot configure SQLite database %s: %s", path, msg ? msg : sqlite3_errstr(rc));
        sqlite3_free(msg);
        sqlite3_close(h);
        return NULL;
    }
    db_t *db = xcalloc(1, sizeof *db);
    db->kind = DB_SQLITE;
    db->lite = h;
    return db;
}

static void lite_drop(void *st, void *ctx)
{
    (void)ctx;
    sqlite3_finalize(st);
}

void db_sqlite_close(db_t *db)
{
    db_stmt_cache_clear(&db->cache, lite_drop, NULL);
    sqlite3_close(db->lite);
    free(db);
}

bool db_sqlite_in_tx(db_t *db)
{
    return !sqlite3_get_autocommit(db->lite);
}

/* Rewrites $N placeholders to ?N outside quoted text and comments.  Both
 * spellings have the same length, so the copy is rewritten in place. */
static char *rewrite_placeholders(const char *sql)
{
    char *out = xstrdup(sql);
    char quote = 0;
    for (char *p = out; *p; p++) {
        if (quote) {
            if (*p == quote)
                quote = 0;
            continue;
        }
        if (*p == '\'' || *p == '"') {
            quote = *p;
        } else if (p[0] == '-' && p[1] == '-') {
            while (p[1] && p[1] != '\n')
                p++;
        } else if (*p == '$' && p[1] >= '1' && p[1] <= '9') {
            *p = '?';
        }
    }
    return out;
}

static int bind_one(sqlite3_stmt *st, int idx, const db_value_t *v)
{
    char buf[40];
    switch (v->type) {
    case DB_NULL: return sqlite3_bind_null(st, idx);
    case DB_INT:
    case DB_BOOL: return sqlite3_bind_int64(st, idx, v->i);
    case DB_REAL: return sqlite3_bind_double(st, idx, v->d);
    case DB_TEXT:
    case DB_JSON:
        if (!v->s)
            return sqlite3_bind_null(st, idx);
        return sqlite3_bind_text(st, idx, v->s, -1, SQLITE_TRANSIENT);
    case DB_TIME: db_time_storage_text(v->i, false, buf); return sqlite3_bind_text(st, idx, buf, -1, SQLITE_TRANSIENT);
    }
    return SQLITE_MISUSE;
}

static void copy_cell(db_res_t *r, sqlite3_stmt *st, int c)
{
    switch (sqlite3_column_type(st, c)) {
    case SQLITE_NULL: return;
    case SQLITE_INTEGER: db_res_set_int(r, c, (int64_t)sqlite3_column_int64(st, c)); return;
    case SQLITE_FLOAT:
        /* binary: sqlite3_column_text would round to 15 digits */
        db_res_set_real(r, c, sqlite3_column_double(st, c));
        return;
    default: {
        const unsigned char *t = sqlite3_column_text(st, c);
        int n = sqlite3_column_bytes(st, c);
        db_res_set_cell(r, c, t ? (const char *)t : "", t ? (size_t)n : 0);
        return;
    }
    }
}

/* The prepared statement for sql: the connection's cached one, or one
 * prepared (persistent) and cached now.  *out is NULL for a text of only
 * whitespace and comments. */
static err_t lite_prepare(db_t *db, const char *sql, sqlite3_stmt **out)
{
    *out = db_stmt_cache_get(&db->cache, sql);
    if (*out)
        return ERR_OK;
    char *text = rewrite_placeholders(sql);
    sqlite3_stmt *st = NULL;
    const char *tail = NULL;
    int rc = sqlite3_prepare_v3(db->lite, text, -1, SQLITE_PREPARE_PERSISTENT, &st, &tail);
    if (rc != SQLITE_OK) {
        free(text);
        return fail(db, rc, "prepare");
    }
    /* PostgreSQL runs one statement per parameterised call and refuses
     * more; SQLite would silently ignore the rest. */
    tail += strspn(tail, " \t\r\n;");
    bool extra = *tail != '\0';
    free(text);
    if (extra) {
        db_note_error(db, LOG_ERROR, "prepare", "more than one statement in one call");
        sqlite3_finalize(st);
        return ERR_INTERNAL;
    }
    if (st)
        db_stmt_cache_put(&db->cache, sql, st, lite_drop, NULL);
    *out = st;
    return ERR_OK;
}

/* Binds the parameters after checking their count (PostgreSQL refuses a
 * count that does not match the statement; refusing here too keeps such
 * bugs from hiding on SQLite). */
static err_t lite_bind(db_t *db, sqlite3_stmt *st, const db_value_t *params, int nparams)
{
    if (nparams != sqlite3_bind_parameter_count(st)) {
        char msg[128];
        snprintf(msg, sizeof msg, "statement takes %d parameters, %d given", sqlite3_bind_parameter_count(st), nparams);
        db_note_error(db, LOG_ERROR, "bind", msg);
        return ERR_INTERNAL;
    }
    for (int i = 0; i < nparams; i++) {
        int rc = bind_one(st, i + 1, &params[i]);
        if (rc != SQLITE_OK)
            return fail(db, rc, "bind");
    }
    return ERR_OK;
}

static db_res_t *lite_result(sqlite3_stmt *st)
{
    int cols = sqlite3_column_count(st);
    db_res_t *r = db_res_new(cols);
    for (int c = 0; c < cols; c++)
        db_res_set_name(r, c, sqlite3_column_name(st, c));
    return r;
}

/* Steps st to the end, copying rows into r when given. */
static err_t lite_run(db_t *db, sqlite3_stmt *st, db_res_t *r, int64_t *affected)
{
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (!r)
            continue;
        db_res_add_row(r);
        for (int c = 0; c < r->cols; c++)
            copy_cell(r, st, c);
    }
    if (rc != SQLITE_DONE)
        return fail(db, rc, "step");
    if (affected)
        *affected = sqlite3_stmt_readonly(st) ? 0 : (int64_t)sqlite3_changes64(db->lite);
    return ERR_OK;
}

err_t db_sqlite_exec(db_t *db, const char *sql, const db_value_t *params, int nparams, int64_t *affected,
                     db_res_t **out)
{
    sqlite3_stmt *st = NULL;
    err_t e = lite_prepare(db, sql, &st);
    if (e != ERR_OK)
        return e;
    if (!st) {
        /* Only whitespace or comments: nothing to run. */
        if (out)
            *out = db_res_new(0);
        if (affected)
            *affected = 0;
        return ERR_OK;
    }
    db_res_t *r = NULL;
    e = lite_bind(db, st, params, nparams);
    if (e == ERR_OK) {
        r = out ? lite_result(st) : NULL;
        e = lite_run(db, st, r, affected);
    }
    /* reset at once: a statement left mid-way would keep its read
     * transaction (and the WAL snapshot) open on a pooled connection */
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    if (e != ERR_OK) {
        db_res_free(r);
        return e;
    }
    if (!sqlite3_stmt_readonly(st))
        db_note_wrote(db, !sqlite3_get_autocommit(db->lite));
    if (out)
        *out = r;
    return ERR_OK;
}

err_t db_sqlite_script(db_t *db, const char *sql)
{
    char *msg = NULL;
    int rc = sqlite3_exec(db->lite, sql, NULL, NULL, &msg);
    if (rc != SQLITE_OK) {
        int code = sqlite3_extended_errcode(db->lite);
        err_t e = map_error(code);
        db_note_fault(db, map_fault(code));
        db_note_error(db, LOG_ERROR, "script", msg ? msg : sqlite3_errstr(rc));
        sqlite3_free(msg);
        return e;
    }
    return ERR_OK;
}
