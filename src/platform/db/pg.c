/* PostgreSQL back end over libpq.  Parameters travel as text with type 0
 * (int8 for integers beyond int4, see pg_int_type),
 * so the server infers each from its use (which is also what lets a text
 * value land in the assessmentstatus enum column). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "platform/db/db_internal.h"
#include "platform/mem.h"

/* pg_type.oid of int8 (fixed in the catalogue since PostgreSQL 7) */
#define PG_INT8_OID 20

/* Every session sees UTC so timestamptz text is "...+00", which is what
 * db_parse_time and the dict-path serializers expect; extra_float_digits
 * makes older servers send floats that read back exactly. */
static const char *const session_setup = "SET TIME ZONE 'UTC'; SET extra_float_digits = 3";

static bool setup_session(PGconn *c, char *err, size_t errlen)
{
    PGresult *res = PQexec(c, session_setup);
    bool ok = PQresultStatus(res) == PGRES_COMMAND_OK;
    if (!ok && err)
        snprintf(err, errlen, "cannot set up PostgreSQL session: %s", PQerrorMessage(c));
    PQclear(res);
    return ok;
}

/* libpq prints server notices on stderr by default; "already exists,
 * skipping" from idempotent DDL is not worth more than a debug line. */
static void on_notice(void *arg, const char *msg)
{
    size_t n = strlen(msg);
    while (n > 0 && msg[n - 1] == '\n')
        n--;
    log_msg(LOG_DEBUG, DB_LOGGER, "postgres: %.*s", (int)n, msg);
}

db_t *db_pg_connect(const char *url, char *err, size_t errlen)
{
    /* Without a connect timeout an unreachable host would hold a request
     * (and a pool slot) for the kernel's TCP timeout.  Listed before the
     * URL so that a connect_timeout in the URL still wins. */
    static const char *const keys[] = {"connect_timeout", "dbname", NULL};
    const char *const vals[] = {"10", url, NULL};
    PGconn *c = PQconnectdbParams(keys, vals, 1);
    if (!c) {
        snprintf(err, errlen, "cannot connect to PostgreSQL: out of memory");
        return NULL;
    }
    if (PQstatus(c) != CONNECTION_OK) {
        snprintf(err, errlen, "cannot connect to PostgreSQL: %s", PQerrorMessage(c));
        PQfinish(c);
        return NULL;
    }
    PQsetNoticeProcessor(c, on_notice, NULL);
    if (!setup_session(c, err, errlen)) {
        PQfinish(c);
        return NULL;
    }
    db_t *db = xcalloc(1, sizeof *db);
    db->kind = DB_POSTGRES;
    db->pg = c;
    return db;
}

/* Cached statements are named "tali_<n>"; the name lives in the cache
 * slot.  pg_forget drops the name only (on close and reset, when the
 * session forgets the statements anyway); pg_evict also deallocates it on
 * the server, so a session that runs many distinct texts stays bounded. */
static void pg_forget(void *name, void *ctx)
{
    (void)ctx;
    free(name);
}

static void pg_evict(void *name, void *ctx)
{
    char sql[64];
    snprintf(sql, sizeof sql, "DEALLOCATE %s", (const char *)name);
    PQclear(PQexec(ctx, sql));
    free(name);
}

void db_pg_close(db_t *db)
{
    db_stmt_cache_clear(&db->cache, pg_forget, NULL);
    PQfinish(db->pg);
    free(db);
}

bool db_pg_in_tx(db_t *db)
{
    PGTransactionStatusType t = PQtransactionStatus(db->pg);
    return t == PQTRANS_INTRANS || t == PQTRANS_INERROR || t == PQTRANS_ACTIVE;
}

/* A reset reconnects with the same parameters; the session settings are
 * per connection and have to be made again. */
static bool reset(db_t *db)
{
    /* a new session has none of the old one's prepared statements */
    db_stmt_cache_clear(&db->cache, pg_forget, NULL);
    PQreset(db->pg);
    if (PQstatus(db->pg) != CONNECTION_OK) {
        db_note_error(db, LOG_WARNING, "reconnect", PQerrorMessage(db->pg));
        return false;
    }
    char err[256];
    if (!setup_session(db->pg, err, sizeof err)) {
        db_note_error(db, LOG_WARNING, "reconnect", err);
        return false;
    }
    return true;
}

bool db_pg_healthy(db_t *db)
{
    if (PQstatus(db->pg) == CONNECTION_OK)
        return true;
    return reset(db);
}

static err_t map_sqlstate(const char *st)
{
    if (!st || strlen(st) != 5)
        return ERR_INTERNAL;
    if (strcmp(st, "23505") == 0 || strcmp(st, "23503") == 0 || strcmp(st, "40001") == 0)
        return ERR_CONFLICT;
    if (strcmp(st, "40P01") == 0 || strcmp(st, "55P03") == 0 || strcmp(st, "57014") == 0)
        return ERR_TIMEOUT;
    if (strncmp(st, "08", 2) == 0 || strcmp(st, "57P01") == 0 || strcmp(st, "57P02") == 0 || strcmp(st, "57P03") == 0 ||
        strcmp(st, "53300") == 0 || strcmp(st, "53100") == 0 || strcmp(st, "25006") == 0)
        return ERR_UNAVAILABLE;
    return ERR_INTERNAL;
}

/* The SQLSTATEs that say the database cannot take data right now. */
static db_fault_t map_fault(const char *st)
{
    if (!st || strlen(st) != 5)
        return DB_FAULT_NONE;
    if (strcmp(st, "53100") == 0)
        return DB_FAULT_FULL;
    if (strcmp(st, "25006") == 0)
        return DB_FAULT_READONLY;
    if (strncmp(st, "08", 2) == 0 || strncmp(st, "57P0", 4) == 0 || strcmp(st, "53300") == 0)
        return DB_FAULT_UNREACHABLE;
    return DB_FAULT_NONE;
}

/* Classifies a failed result and records the message. */
static err_t fail(db_t *db, PGresult *res, const char *what)
{
    err_t e;
    const char *msg;
    if (PQstatus(db->pg) != CONNECTION_OK) {
        e = ERR_UNAVAILABLE;
        db_note_fault(db, DB_FAULT_UNREACHABLE);
        msg = PQerrorMessage(db->pg);
    } else if (res) {
        const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
        e = map_sqlstate(state);
        db_note_fault(db, map_fault(state));
        msg = PQresultErrorMessage(res);
    } else {
        e = ERR_INTERNAL;
        msg = PQerrorMessage(db->pg);
    }
    db_note_error(db, e == ERR_CONFLICT ? LOG_DEBUG : LOG_ERROR, what, msg);
    return e;
}

/* The command tag of a statement that changed rows ("INSERT 0 1",
 * "UPDATE 3", "DELETE 1", "MERGE 2"). */
static bool pg_changes_data(const char *tag)
{
    static const char *const verbs[] = {"INSERT ", "UPDATE ", "DELETE ", "MERGE "};
    if (!tag)
        return false;
    for (size_t i = 0; i < sizeof verbs / sizeof verbs[0]; i++)
        if (strncmp(tag, verbs[i], strlen(verbs[i])) == 0)
            return true;
    return false;
}

static void copy_result(PGresult *res, db_res_t **out)
{
    int cols = PQnfields(res), rows = PQntuples(res);
    db_res_t *r = db_res_new(cols);
    for (int c = 0; c < cols; c++)
        db_res_set_name(r, c, PQfname(res, c));
    for (int i = 0; i < rows; i++) {
        db_res_add_row(r);
        for (int c = 0; c < cols; c++)
            if (!PQgetisnull(res, i, c))
                db_res_set_cell(r, c, PQgetvalue(res, i, c), (size_t)PQgetlength(res, i, c));
    }
    *out = r;
}

/* Runs sql as the connection's named prepared statement, preparing it on
 * first use, so the server parses and plans it once per session.  A
 * failed prepare is returned as the result (the caller classifies it). */
static PGresult *pg_run(db_t *db, const char *sql, int nparams, const char *const *vals)
{
    const char *name = db_stmt_cache_get(&db->cache, sql);
    if (!name) {
        char buf[32];
        snprintf(buf, sizeof buf, "tali_%" PRIu64, ++db->cache.next_name);
        PGresult *prep = PQprepare(db->pg, buf, sql, nparams, NULL);
        if (PQresultStatus(prep) != PGRES_COMMAND_OK)
            return prep;
        PQclear(prep);
        db_stmt_cache_put(&db->cache, sql, xstrdup(buf), pg_evict, db->pg);
        name = db_stmt_cache_get(&db->cache, sql);
    }
    return PQexecPrepared(db->pg, name, nparams, vals, NULL, NULL, 0);
}

/* The type of an integer parameter: left to the server (0) when it fits
 * int4, so every statement reads as before; int8 beyond that.  An id above
 * 2,147,483,647 then compares with an int4 column and matches no row (the
 * 404 or empty list SQLite gives) instead of failing to convert to the
 * column's type (a 500).  Writing such a value into an int4 column still
 * fails, as it must. */
static Oid pg_int_type(int64_t v)
{
    return v >= INT32_MIN && v <= INT32_MAX ? 0 : PG_INT8_OID;
}

err_t db_pg_exec(db_t *db, const char *sql, const db_value_t *params, int nparams, int64_t *affected, db_res_t **out)
{
    const char **vals = xcalloc((size_t)(nparams > 0 ? nparams : 1), sizeof *vals);
    Oid *types = xcalloc((size_t)(nparams > 0 ? nparams : 1), sizeof *types);
    char *texts = xcalloc((size_t)(nparams > 0 ? nparams : 1), 40);
    for (int i = 0; i < nparams; i++) {
        char *buf = texts + (size_t)i * 40;
        const db_value_t *v = &params[i];
        switch (v->type) {
        case DB_NULL: vals[i] = NULL; break;
        case DB_INT:
            snprintf(buf, 40, "%" PRId64, v->i);
            vals[i] = buf;
            types[i] = pg_int_type(v->i);
            break;
        case DB_BOOL: vals[i] = v->i ? "true" : "false"; break;
        case DB_REAL:
            db_format_real(v->d, buf, 40);
            vals[i] = buf;
            break;
        case DB_TIME: vals[i] = db_time_storage_text(v->i, true, buf); break;
        case DB_TEXT:
        case DB_JSON: vals[i] = v->s; break;
        }
    }
    /* A connection the server dropped while idle is only noticed here.  If
     * no transaction was open nothing is lost by reconnecting and running
     * the statement once more. */
    bool was_idle = PQtransactionStatus(db->pg) == PQTRANS_IDLE;
    /* a statement with an int8 parameter is rare (only values beyond
     * int4, see pg_int_type) and is not cached: a prepared statement keeps
     * the types of its first use */
    bool typed = false;
    for (int i = 0; i < nparams; i++)
        typed = typed || types[i] != 0;
    PGresult *res =
        typed ? PQexecParams(db->pg, sql, nparams, types, vals, NULL, NULL, 0) : pg_run(db, sql, nparams, vals);
    if (PQstatus(db->pg) == CONNECTION_BAD && was_idle && reset(db)) {
        PQclear(res);
        res = typed ? PQexecParams(db->pg, sql, nparams, types, vals, NULL, NULL, 0) : pg_run(db, sql, nparams, vals);
    }
    free(vals);
    free(types);
    free(texts);
    ExecStatusType st = PQresultStatus(res);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
        err_t e = fail(db, res, "query");
        PQclear(res);
        return e;
    }
    if (affected) {
        const char *n = PQcmdTuples(res);
        *affected = n && *n ? strtoll(n, NULL, 10) : 0;
    }
    if (pg_changes_data(PQcmdStatus(res)))
        db_note_wrote(db, PQtransactionStatus(db->pg) != PQTRANS_IDLE);
    if (out)
        copy_result(res, out);
    PQclear(res);
    return ERR_OK;
}

err_t db_pg_script(db_t *db, const char *sql)
{
    PGresult *res = PQexec(db->pg, sql);
    ExecStatusType st = PQresultStatus(res);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK && st != PGRES_EMPTY_QUERY) {
        err_t e = fail(db, res, "script");
        PQclear(res);
        return e;
    }
    PQclear(res);
    return ERR_OK;
}
