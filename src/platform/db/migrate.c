/* Schema migrations: the embedded migrations/<dialect>/NNN_name.sql files,
 * applied in version order, each in its own transaction, recorded in
 * schema_migrations. */
#include <stdlib.h>
#include <string.h>

#include "platform/db/db_internal.h"
#include "platform/mem.h"

/* Any constant works as long as every tali process uses the same one. */
#define MIGRATE_LOCK_KEY "32758202717006183"

/* The six tables the original backend's create_all made. */
static const char *const original_tables[] = {
    "organizations", "users", "candidates", "tasks", "assessments", "assessment_sessions",
};
#define N_ORIGINAL_TABLES ((int)(sizeof original_tables / sizeof original_tables[0]))

static const char *const create_table_pg = "CREATE TABLE IF NOT EXISTS schema_migrations ("
                                           " version INTEGER PRIMARY KEY,"
                                           " name TEXT NOT NULL,"
                                           " applied_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now())";
static const char *const create_table_sqlite =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " version INTEGER PRIMARY KEY,"
    " name TEXT NOT NULL,"
    " applied_at DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now') || '000'))";

/* Opens a transaction that no other migrating process can enter: on
 * PostgreSQL an advisory lock released at commit, on SQLite the write lock
 * BEGIN IMMEDIATE takes. */
static err_t begin_locked(db_t *db)
{
    err_t e = db_begin(db);
    if (e != ERR_OK || db->kind != DB_POSTGRES)
        return e;
    db_res_t *r = NULL;
    e = db_query(db, "SELECT pg_advisory_xact_lock(" MIGRATE_LOCK_KEY ")", NULL, 0, &r);
    db_res_free(r);
    if (e != ERR_OK)
        db_rollback(db);
    return e;
}

static err_t table_exists(db_t *db, const char *name, bool *exists)
{
    const char *sql = db->kind == DB_POSTGRES ? "SELECT 1 FROM information_schema.tables"
                                                " WHERE table_schema = current_schema() AND table_name = $1"
                                              : "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = $1";
    db_res_t *r = NULL;
    db_value_t p[] = {DB_V_TEXT(name)};
    err_t e = db_query(db, sql, p, 1, &r);
    if (e == ERR_OK)
        *exists = db_res_rows(r) > 0;
    db_res_free(r);
    return e;
}

static err_t record(db_t *db, const db_migration_t *m)
{
    db_value_t p[] = {DB_V_INT(m->version), DB_V_TEXT(m->name), DB_V_TIME(db_now_us())};
    return db_exec(db, "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)", p, 3, NULL);
}

/* Makes sure schema_migrations exists.  A database the original backend
 * made has the six tables and no schema_migrations: its initial schema is
 * recorded as applied, never re-created. */
static err_t prepare(db_t *db, const db_migration_t *initial, const char *adopt_sql)
{
    err_t e = begin_locked(db);
    if (e != ERR_OK)
        return e;
    bool have = false;
    int originals = 0;
    if ((e = table_exists(db, "schema_migrations", &have)) != ERR_OK)
        goto fail;
    if (have)
        return db_commit(db);
    for (int i = 0; i < N_ORIGINAL_TABLES; i++) {
        bool t = false;
        if ((e = table_exists(db, original_tables[i], &t)) != ERR_OK)
            goto fail;
        originals += t;
    }
    if (originals > 0 && originals < N_ORIGINAL_TABLES) {
        log_msg(LOG_ERROR, DB_LOGGER,
                "database holds %d of the %d application tables and no schema_migrations table;"
                " refusing to guess its state",
                originals, N_ORIGINAL_TABLES);
        e = ERR_INTERNAL;
        goto fail;
    }
    if ((e = db_exec(db, db->kind == DB_POSTGRES ? create_table_pg : create_table_sqlite, NULL, 0, NULL)) != ERR_OK)
        goto fail;
    if (originals == N_ORIGINAL_TABLES) {
        if (!initial || initial->version != 1) {
            log_msg(LOG_ERROR, DB_LOGGER, "no initial migration to record for an existing database");
            e = ERR_INTERNAL;
            goto fail;
        }
        if (adopt_sql && (e = db_exec_script(db, adopt_sql)) != ERR_OK)
            goto fail;
        if ((e = record(db, initial)) != ERR_OK)
            goto fail;
        log_msg(LOG_INFO, DB_LOGGER,
                "adopted an existing database of the original backend: recorded migration %03d_%s as applied"
                " without running it",
                initial->version, initial->name);
    }
    return db_commit(db);
fail:
    db_rollback(db);
    return e;
}

static bool in_list(const int64_t *v, int n, int64_t x)
{
    for (int i = 0; i < n; i++)
        if (v[i] == x)
            return true;
    return false;
}

static err_t apply(db_t *db, const db_migration_t *m)
{
    err_t e = begin_locked(db);
    if (e != ERR_OK)
        return e;
    /* Another process may have applied it while this one waited. */
    db_res_t *r = NULL;
    db_value_t p[] = {DB_V_INT(m->version)};
    e = db_query(db, "SELECT 1 FROM schema_migrations WHERE version = $1", p, 1, &r);
    bool done = e == ERR_OK && db_res_rows(r) > 0;
    db_res_free(r);
    if (e != ERR_OK || done) {
        db_rollback(db);
        return e;
    }
    if ((e = db_exec_script(db, m->sql)) != ERR_OK || (e = record(db, m)) != ERR_OK || (e = db_commit(db)) != ERR_OK) {
        log_msg(LOG_ERROR, DB_LOGGER, "migration %03d_%s failed: %s", m->version, m->name, db_last_error(db));
        db_rollback(db);
        return e;
    }
    log_msg(LOG_INFO, DB_LOGGER, "applied migration %03d_%s", m->version, m->name);
    return ERR_OK;
}

err_t db_migrate(db_pool_t *pool)
{
    db_t *db = db_acquire(pool);
    if (!db)
        return ERR_UNAVAILABLE;
    bool pg = db->kind == DB_POSTGRES;
    const db_migration_t *list = pg ? db_migrations_postgres : db_migrations_sqlite;
    int count = pg ? db_migrations_postgres_count : db_migrations_sqlite_count;
    const char *adopt = pg ? db_migrations_postgres_adopt : db_migrations_sqlite_adopt;

    err_t e = prepare(db, count > 0 ? &list[0] : NULL, adopt);
    if (e != ERR_OK) {
        log_msg(LOG_ERROR, DB_LOGGER, "cannot prepare the schema_migrations table");
        db_release(pool, db);
        return e;
    }
    db_res_t *r = NULL;
    e = db_query(db, "SELECT version FROM schema_migrations ORDER BY version", NULL, 0, &r);
    if (e != ERR_OK) {
        db_release(pool, db);
        return e;
    }
    int napplied = db_res_rows(r);
    int64_t *applied = xcalloc((size_t)(napplied ? napplied : 1), sizeof *applied);
    for (int i = 0; i < napplied; i++)
        applied[i] = db_res_int(r, i, 0);
    db_res_free(r);

    int ran = 0;
    for (int i = 0; i < count && e == ERR_OK; i++) {
        if (in_list(applied, napplied, list[i].version))
            continue;
        e = apply(db, &list[i]);
        ran += e == ERR_OK;
    }
    for (int i = 0; i < napplied; i++) {
        bool known = false;
        for (int j = 0; j < count; j++)
            known = known || list[j].version == applied[i];
        if (!known)
            log_msg(LOG_WARNING, DB_LOGGER, "database has migration %lld, which this binary does not know",
                    (long long)applied[i]);
    }
    free(applied);
    if (e == ERR_OK && ran == 0)
        log_msg(LOG_INFO, DB_LOGGER, "schema is up to date");
    db_release(pool, db);
    return e;
}
