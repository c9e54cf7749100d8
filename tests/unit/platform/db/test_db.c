/* platform/db on both back ends: SQLite on a temporary file always,
 * PostgreSQL when TALI_TEST_PG_URL names a server (tests/with-postgres
 * starts one).  Every PostgreSQL test runs in a database of its own. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <libpq-fe.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "platform/db.h"
#include "platform/log.h"
#include "platform/mem.h"

typedef struct {
    db_kind_t kind;
    char dir[64];    /* SQLite: temp dir */
    char dbname[64]; /* PostgreSQL: the test's own database */
    char *url;
    db_pool_t *pool;
} fx_t;

static const db_kind_t k_sqlite = DB_SQLITE;
static const db_kind_t k_pg = DB_POSTGRES;

/* ---- fixture ------------------------------------------------------------ */

static PGconn *maint_connect(void)
{
    PGconn *c = PQconnectdb(getenv("TALI_TEST_PG_URL"));
    if (PQstatus(c) != CONNECTION_OK) {
        fprintf(stderr, "maintenance connection failed: %s", PQerrorMessage(c));
        PQfinish(c);
        return NULL;
    }
    return c;
}

static bool maint_exec(const char *sql)
{
    PGconn *c = maint_connect();
    if (!c)
        return false;
    PGresult *r = PQexec(c, sql);
    bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    if (!ok)
        fprintf(stderr, "%s: %s", sql, PQerrorMessage(c));
    PQclear(r);
    PQfinish(c);
    return ok;
}

/* The base URL with its database name replaced. */
static char *url_with_db(const char *base, const char *dbname)
{
    const char *hostpart = strstr(base, "://");
    hostpart = hostpart ? hostpart + 3 : base;
    const char *slash = strchr(hostpart, '/');
    const char *query = strchr(hostpart, '?');
    if (!slash || (query && slash > query))
        slash = query ? query : hostpart + strlen(hostpart);
    const char *rest = query ? query : "";
    return xasprintf("%.*s/%s%s", (int)(slash - base), base, dbname, rest);
}

/* Makes an empty database (PostgreSQL) or file (SQLite) without opening a
 * pool, so a test can lay down its own schema first. */
static int fx_make(fx_t *f, db_kind_t kind)
{
    memset(f, 0, sizeof *f);
    f->kind = kind;
    if (kind == DB_SQLITE) {
        snprintf(f->dir, sizeof f->dir, "/tmp/tali-dbtest-XXXXXX");
        if (!mkdtemp(f->dir))
            return -1;
        f->url = xasprintf("%s/test.db", f->dir);
        return 0;
    }
    if (!getenv("TALI_TEST_PG_URL"))
        return 0;
    static atomic_int counter;
    snprintf(f->dbname, sizeof f->dbname, "tali_t_%d_%d_%ld", (int)getpid(), atomic_fetch_add(&counter, 1),
             (long)(time(NULL) % 100000));
    char sql[128];
    snprintf(sql, sizeof sql, "CREATE DATABASE %s", f->dbname);
    if (!maint_exec(sql))
        return -1;
    f->url = url_with_db(getenv("TALI_TEST_PG_URL"), f->dbname);
    return 0;
}

static void fx_open(fx_t *f, int size)
{
    char err[512];
    f->pool = db_pool_open(f->url, size, err, sizeof err);
    if (!f->pool)
        fail_msg("db_pool_open(%s): %s", f->url, err);
}

static int setup_raw(void **state)
{
    fx_t *f = xcalloc(1, sizeof *f);
    int rc = fx_make(f, *(const db_kind_t *)*state);
    *state = f;
    return rc;
}

static int setup_pool(void **state)
{
    int rc = setup_raw(state);
    fx_t *f = *state;
    if (rc == 0 && f->url)
        fx_open(f, 4);
    return rc;
}

static int teardown(void **state)
{
    fx_t *f = *state;
    db_pool_close(f->pool);
    if (f->kind == DB_SQLITE && f->dir[0]) {
        const char *sfx[] = {"", "-wal", "-shm"};
        for (int i = 0; i < 3; i++) {
            char p[128];
            snprintf(p, sizeof p, "%s%s", f->url, sfx[i]);
            unlink(p);
        }
        rmdir(f->dir);
    }
    if (f->kind == DB_POSTGRES && f->dbname[0]) {
        char sql[160];
        snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s WITH (FORCE)", f->dbname);
        maint_exec(sql);
    }
    free(f->url);
    free(f);
    return 0;
}

#define NEED_DB(f)                                                                                                     \
    do {                                                                                                               \
        if (!(f)->url)                                                                                                 \
            skip();                                                                                                    \
    } while (0)

static bool is_pg(const fx_t *f)
{
    return f->kind == DB_POSTGRES;
}

static void exec_ok(db_t *db, const char *sql)
{
    err_t e = db_exec(db, sql, NULL, 0, NULL);
    if (e != ERR_OK)
        fail_msg("%s: %s", sql, db_last_error(db));
}

static int64_t count_rows(db_t *db, const char *sql)
{
    db_res_t *r = NULL;
    err_t e = db_query(db, sql, NULL, 0, &r);
    if (e != ERR_OK)
        fail_msg("%s: %s", sql, db_last_error(db));
    int64_t n = db_res_int(r, 0, 0);
    db_res_free(r);
    return n;
}

/* ---- values ------------------------------------------------------------- */

static void create_values_table(fx_t *f, db_t *db)
{
    exec_ok(db, is_pg(f) ? "CREATE TABLE v (id SERIAL PRIMARY KEY, i BIGINT, r DOUBLE PRECISION, s TEXT,"
                           " b BOOLEAN, t TIMESTAMP WITH TIME ZONE, j JSON, n TEXT)"
                         : "CREATE TABLE v (id INTEGER PRIMARY KEY AUTOINCREMENT, i INTEGER, r FLOAT, s TEXT,"
                           " b BOOLEAN, t DATETIME, j JSON, n TEXT)");
}

static void test_params_roundtrip(void **state)
{
    fx_t *f = *state;
    NEED_DB(f);
    db_t *db = db_acquire(f->pool);
    assert_non_null(db);
    assert_int_equal(db_kind(db), f->kind);
    create_values_table(f, db);

    const char *text = "it's \"quoted\" $1 \xc3\xa9t\xc3\xa9 \xe2\x9c\x93";
    const char *json = "{\"a\": [1, 2.5, \"x\"], \"b\": null}";
    const int64_t big = INT64_C(9007199254740993);  /* not representable as a double */
    const int64_t when = INT64_C(1795702623123456); /* 2026-11-26 14:17:03.123456 UTC */
    const struct {
        int64_t i;
        double r;
        bool b;
    } rows[] = {{big, 0.1, true}, {-42, 1e-07, false}, {0, 44.48, true}};
    for (int k = 0; k < 3; k++) {
        db_value_t p[] = {DB_V_INT(rows[k].i), DB_V_REAL(rows[k].r), DB_V_TEXT(text), DB_V_BOOL(rows[k].b),
                          DB_V_TIME(when + k), DB_V_JSON(json),      DB_V_NULL};
        int64_t affected = -1;
        assert_int_equal(
            db_exec(db, "INSERT INTO v (i, r, s, b, t, j, n) VALUES ($1, $2, $3, $4, $5, $6, $7)", p, 7, &affected),
            ERR_OK);
        assert_int_equal(affected, 1);
    }

    db_res_t *r = NULL;
    db_value_t q[] = {DB_V_BOOL(true)};
    assert_int_equal(
        db_query(db, "SELECT i, r, s, b, t, j, n, '$1 stays' AS lit FROM v WHERE b = $1 ORDER BY id", q, 1, &r),
        ERR_OK);
    assert_int_equal(db_res_rows(r), 2);
    assert_int_equal(db_res_cols(r), 8);
    assert_string_equal(db_res_colname(r, 0), "i");
    assert_string_equal(db_res_colname(r, 7), "lit");
    assert_true(db_res_int(r, 0, 0) == big);
    assert_true(db_res_real(r, 0, 1) == 0.1);
    assert_string_equal(db_res_text(r, 0, 2), text);
    assert_true(db_res_bool(r, 0, 3));
    assert_true(db_res_time(r, 0, 4) == when);
    assert_string_equal(db_res_text(r, 0, 5), json);
    assert_true(db_res_isnull(r, 0, 6));
    assert_string_equal(db_res_text(r, 0, 7), "$1 stays");
    assert_true(db_res_int(r, 1, 0) == 0);
    assert_true(db_res_real(r, 1, 1) == 44.48);
    assert_true(db_res_time(r, 1, 4) == when + 2);
    db_res_free(r);

    q[0] = DB_V_BOOL(false);
    assert_int_equal(db_query(db, "SELECT i, r, b FROM v WHERE b = $1", q, 1, &r), ERR_OK);
    assert_int_equal(db_res_rows(r), 1);
    assert_int_equal(db_res_int(r, 0, 0), -42);
    assert_true(db_res_real(r, 0, 1) == 1e-07);
    assert_false(db_res_bool(r, 0, 2));
    db_res_free(r);

    /* UPDATE reports the rows it changed. */
    int64_t affected = -1;
    db_value_t u[] = {DB_V_TEXT("changed"), DB_V_BOOL(true)};
    assert_int_equal(db_exec(db, "UPDATE v SET s = $1 WHERE b = $2", u, 2, &affected), ERR_OK);
    assert_int_equal(affected, 2);

    /* One statement per call, as PostgreSQL insists. */
    assert_int_equal(db_exec(db, "UPDATE v SET s = 'a'; ", NULL, 0, NULL), ERR_OK);
    assert_int_not_equal(db_exec(db, "UPDATE v SET s = 'a'; DELETE FROM v", NULL, 0, NULL), ERR_OK);
    assert_int_equal(count_rows(db, "SELECT COUNT(*) FROM v"), 3);

    /* A parameter count that does not match the statement is refused. */
    assert_int_not_equal(db_exec(db, "UPDATE v SET s = $1", u, 2, NULL), ERR_OK);
    db_release(f->pool, db);
}

/* An integer beyond int4 compares with an int4 column (no row) instead of
 * failing to convert to the column's type; writing one into such a column
 * still fails on PostgreSQL. */
static void test_int_beyond_int4(void **state)
{
    fx_t *f = *state;
    NEED_DB(f);
    db_t *db = db_acquire(f->pool);
    create_values_table(f, db);
    db_value_t one[] = {DB_V_INT(7)};
    assert_int_equal(db_exec(db, "INSERT INTO v (i) VALUES ($1)", one, 1, NULL), ERR_OK);
    const int64_t ids[] = {INT64_C(2147483648), INT64_MAX, INT64_C(-2147483649), INT64_MIN};
    for (size_t k = 0; k < sizeof ids / sizeof ids[0]; k++) {
        db_value_t p[] = {DB_V_INT(ids[k])};
        db_res_t *r = NULL;
        assert_int_equal(db_query(db, "SELECT id FROM v WHERE id = $1", p, 1, &r), ERR_OK);
        assert_int_equal(db_res_rows(r), 0);
        db_res_free(r);
    }
    db_value_t small[] = {DB_V_INT(1)};
    db_res_t *r = NULL;
    assert_int_equal(db_query(db, "SELECT id FROM v WHERE id = $1", small, 1, &r), ERR_OK);
    assert_int_equal(db_res_rows(r), 1);
    db_res_free(r);
    if (is_pg(f)) {
        db_value_t big[] = {DB_V_INT(INT64_C(2147483648))};
        assert_int_not_equal(db_exec(db, "INSERT INTO v (id) VALUES ($1)", big, 1, NULL), ERR_OK);
    }
    db_release(f->pool, db);
}

static void test_nulls(void **state)
{
    fx_t *f = *state;
    NEED_DB(f);
    db_t *db = db_acquire(f->pool);
    assert_non_null(db);
    create_values_table(f, db);
    db_value_t p[] = {DB_V_NULL, DB_V_NULL, DB_V_TEXT(NULL), DB_V_NULL, DB_V_NULL, DB_V_JSON(NULL)};
    assert_int_equal(db_exec(db, "INSERT INTO v (i, r, s, b, t, j) VALUES ($1, $2, $3, $4, $5, $6)", p, 6, NULL),
                     ERR_OK);
    db_res_t *r = NULL;
    assert_int_equal(db_query(db, "SELECT i, r, s, b, t, j FROM v", NULL, 0, &r), ERR_OK);
    assert_int_equal(db_res_rows(r), 1);
    for (int c = 0; c < 6; c++)
        assert_true(db_res_isnull(r, 0, c));
    assert_int_equal(db_res_int(r, 0, 0), 0);
    assert_true(db_res_real(r, 0, 1) == 0.0);
    assert_null(db_res_text(r, 0, 2));
    assert_false(db_res_bool(r, 0, 3));
    assert_int_equal(db_res_time(r, 0, 4), 0);
    /* Out of range reads as NULL. */
    assert_true(db_res_isnull(r, 1, 0));
    assert_true(db_res_isnull(r, 0, 6));
    assert_true(db_res_isnull(r, -1, 0));
    assert_null(db_res_text(r, 5, 5));
    assert_null(db_res_colname(r, 9));
    db_res_free(r);

    /* A query with no rows still has its columns. */
    assert_int_equal(db_query(db, "SELECT i, s FROM v WHERE id < 0", NULL, 0, &r), ERR_OK);
    assert_int_equal(db_res_rows(r), 0);
    assert_int_equal(db_res_cols(r), 2);
    db_res_free(r);

    /* A failed query leaves *out NULL. */
    r = (db_res_t *)1;
    assert_int_equal(db_query(db, "SELECT no_such_column FROM v", NULL, 0, &r), ERR_INTERNAL);
    assert_null(r);
    assert_true(strlen(db_last_error(db)) > 0);
    db_release(f->pool, db);
}

/* ---- errors and transactions --------------------------------------------- */

static void test_conflicts(void **state)
{
    fx_t *f = *state;
    NEED_DB(f);
    assert_int_equal(db_migrate(f->pool), ERR_OK);
    db_t *db = db_acquire(f->pool);
    assert_non_null(db);
    db_value_t p[] = {DB_V_TEXT("Acme"), DB_V_TEXT("acme")};
    const char *ins = "INSERT INTO organizations (name, slug) VALUES ($1, $2)";
    assert_int_equal(db_exec(db, ins, p, 2, NULL), ERR_OK);
    assert_int_equal(db_exec(db, ins, p, 2, NULL), ERR_CONFLICT);
    /* Foreign key: no organisation 999. */
    db_value_t u[] = {DB_V_TEXT("a@example.com"), DB_V_TEXT("x"), DB_V_INT(999)};
    assert_int_equal(
        db_exec(db, "INSERT INTO users (email, hashed_password, organization_id) VALUES ($1, $2, $3)", u, 3, NULL),
        ERR_CONFLICT);
    /* NOT NULL is not a conflict. */
    assert_int_equal(db_exec(db, "INSERT INTO organizations (slug) VALUES ('x')", NULL, 0, NULL), ERR_INTERNAL);
    assert_int_equal(count_rows(db, "SELECT COUNT(*) FROM organizations"), 1);
    db_release(f->pool, db);
}

/* A refused write is classified (DB_FAULT_READONLY), remembered by the
 * pool until a write succeeds (db_writable on another connection says
 * so), and forgotten by the connection when it goes back to the pool. */
static void test_write_faults(void **state)
{
    fx_t *f = *state;
    NEED_DB(f);
    db_t *db = db_acquire(f->pool);
    assert_non_null(db);
    exec_ok(db, "CREATE TABLE wf (id INTEGER PRIMARY KEY, v TEXT)");
    assert_true(db_writable(db));
    assert_int_equal(db_fault(db), DB_FAULT_NONE);
    /* a conflict says nothing about the database's health */
    exec_ok(db, "INSERT INTO wf (id, v) VALUES (1, 'a')");
    assert_int_equal(db_exec(db, "INSERT INTO wf (id, v) VALUES (1, 'b')", NULL, 0, NULL), ERR_CONFLICT);
    assert_int_equal(db_fault(db), DB_FAULT_NONE);

    exec_ok(db, is_pg(f) ? "SET default_transaction_read_only = on" : "PRAGMA query_only = ON");
    assert_int_equal(db_exec(db, "INSERT INTO wf (id, v) VALUES (2, 'c')", NULL, 0, NULL), ERR_UNAVAILABLE);
    assert_int_equal(db_fault(db), DB_FAULT_READONLY);
    assert_non_null(db_fault_detail(DB_FAULT_READONLY));
    assert_false(db_writable(db));
    db_t *other = db_acquire(f->pool);
    assert_non_null(other);
    assert_false(db_writable(other)); /* the pool remembers */
    /* reads still work */
    assert_int_equal(count_rows(other, "SELECT COUNT(*) FROM wf"), 1);
    db_release(f->pool, other);

    exec_ok(db, is_pg(f) ? "SET default_transaction_read_only = off" : "PRAGMA query_only = OFF");
    assert_false(db_writable(db)); /* nothing written yet */
    /* a write inside a transaction counts once it commits */
    assert_int_equal(db_begin(db), ERR_OK);
    exec_ok(db, "INSERT INTO wf (id, v) VALUES (3, 'd')");
    assert_false(db_writable(db));
    assert_int_equal(db_commit(db), ERR_OK);
    assert_true(db_writable(db));
    db_release(f->pool, db);
    db = db_acquire(f->pool);
    assert_int_equal(db_fault(db), DB_FAULT_NONE);
    db_release(f->pool, db);
    assert_null(db_fault_detail(DB_FAULT_NONE));
}

/* db_pool_set_wait_ms bounds the wait for a free connection. */
static void test_pool_wait(void **state)
{
    fx_t *f = *state;
    NEED_DB(f);
    db_pool_close(f->pool);
    fx_open(f, 1);
    db_pool_set_wait_ms(f->pool, 200);
    db_t *held = db_acquire(f->pool);
    assert_non_null(held);
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    assert_null(db_acquire(f->pool));
    clock_gettime(CLOCK_MONOTONIC, &b);
    double waited = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
    assert_true(waited >= 0.199);
    assert_true(waited < 30.0); /* not the default wait */
    db_release(f->pool, held);
    held = db_acquire(f->pool);
    assert_non_null(held);
    db_release(f->pool, held);
}

static void test_transactions(void **state)
{
    fx_t *f = *state;
    NEED_DB(f);
    db_t *db = db_acquire(f->pool);
    assert_non_null(db);
    create_values_table(f, db);

    assert_int_equal(db_begin(db), ERR_OK);
    exec_ok(db, "INSERT INTO v (i) VALUES (1)");
    assert_int_equal(count_rows(db, "SELECT COUNT(*) FROM v"), 1);
    assert_int_equal(db_rollback(db), ERR_OK);
    assert_int_equal(count_rows(db, "SELECT COUNT(*) FROM v"), 0);

    assert_int_equal(db_begin(db), ERR_OK);
    exec_ok(db, "INSERT INTO v (i) VALUES (2)");
    assert_int_equal(db_commit(db), ERR_OK);
    assert_int_equal(count_rows(db, "SELECT COUNT(*) FROM v"), 1);

    /* Releasing with a transaction open rolls it back. */
    assert_int_equal(db_begin(db), ERR_OK);
    exec_ok(db, "INSERT INTO v (i) VALUES (3)");
    db_release(f->pool, db);
    db = db_acquire(f->pool);
    assert_non_null(db);
    assert_int_equal(count_rows(db, "SELECT COUNT(*) FROM v"), 1);

    /* A failed statement inside a transaction; rollback recovers it. */
    assert_int_equal(db_begin(db), ERR_OK);
    assert_int_not_equal(db_exec(db, "INSERT INTO nowhere VALUES (1)", NULL, 0, NULL), ERR_OK);
    assert_int_equal(db_rollback(db), ERR_OK);
    assert_int_equal(count_rows(db, "SELECT COUNT(*) FROM v"), 1);
    db_release(f->pool, db);
}

/* ---- time ---------------------------------------------------------------- */

static void test_time_text(void **state)
{
    int64_t us = 0;
    char buf[40];
    assert_true(db_parse_time("2026-11-26 14:17:03.123456+00", &us));
    assert_true(us == INT64_C(1795702623123456));
    assert_string_equal(db_format_time(us, "Z", buf), "2026-11-26T14:17:03.123456Z");
    assert_true(db_parse_time("2026-11-26T14:17:03.123456", &us)); /* SQLite text: naive = UTC */
    assert_true(us == INT64_C(1795702623123456));
    assert_true(db_parse_time("2026-11-26 14:17:03", &us));
    assert_string_equal(db_format_time(us, "+00:00", buf), "2026-11-26T14:17:03+00:00");
    assert_true(db_parse_time("2026-11-26T16:17:03.5+02:00", &us));
    assert_string_equal(db_format_time(us, "", buf), "2026-11-26T14:17:03.500000");
    assert_true(db_parse_time("2026-11-26T09:17:03-0500", &us));
    assert_string_equal(db_format_time(us, "Z", buf), "2026-11-26T14:17:03Z");
    assert_true(db_parse_time("2026-11-26 14:17:03.123+00", &us)); /* SQLite now(): milliseconds */
    assert_true(us == INT64_C(1795702623123000));
    assert_true(db_parse_time("1969-12-31T23:59:59.999999Z", &us));
    assert_true(us == -1);
    assert_string_equal(db_format_time(-1, "Z", buf), "1969-12-31T23:59:59.999999Z");
    /* the extremes of an int64 count: whole, within the 40-byte buffer */
    assert_string_equal(db_format_time(INT64_MAX, "+00:00", buf), "294247-01-10T04:00:54.775807+00:00");
    assert_string_equal(db_format_time(INT64_MIN, "Z", buf), "-290308-12-21T19:59:05.224192Z");
    assert_true(db_parse_time("2024-02-29T00:00:00Z", &us));
    assert_false(db_parse_time("2023-02-29T00:00:00Z", &us));
    assert_false(db_parse_time("2026-13-01T00:00:00", &us));
    assert_false(db_parse_time("2026-11-26", &us));
    assert_false(db_parse_time("2026-11-26T14:17:03 junk", &us));
    assert_false(db_parse_time("2026-11-26T14:17:03.", &us));
    assert_false(db_parse_time("", &us));
    assert_false(db_parse_time(NULL, &us));
    int64_t now = db_now_us();
    assert_true(now > INT64_C(1735689600000000)); /* after 2025-01-01 */
}

static void test_time_roundtrip(void **state)
{
    fx_t *f = *state;
    NEED_DB(f);
    db_t *db = db_acquire(f->pool);
    assert_non_null(db);
    create_values_table(f, db);
    const int64_t times[] = {0,
                             1,
                             -1,
                             INT64_C(1795702623123456),
                             INT64_C(1795702623000000),
                             INT64_C(253402300799999999) /* 9999-12-31T23:59:59.999999 */};
    for (size_t k = 0; k < sizeof times / sizeof times[0]; k++) {
        db_value_t p[] = {DB_V_INT((int64_t)k), DB_V_TIME(times[k])};
        assert_int_equal(db_exec(db, "INSERT INTO v (i, t) VALUES ($1, $2)", p, 2, NULL), ERR_OK);
    }
    db_res_t *r = NULL;
    assert_int_equal(db_query(db, "SELECT t FROM v ORDER BY i", NULL, 0, &r), ERR_OK);
    assert_int_equal(db_res_rows(r), 6);
    for (int k = 0; k < 6; k++)
        assert_true(db_res_time(r, k, 0) == times[k]);
    db_res_free(r);

    /* Comparison with a bound time orders correctly on both back ends. */
    db_value_t c[] = {DB_V_TIME(INT64_C(1795702623000001))};
    assert_int_equal(db_query(db, "SELECT i FROM v WHERE t > $1 ORDER BY i", c, 1, &r), ERR_OK);
    assert_int_equal(db_res_rows(r), 2);
    assert_int_equal(db_res_int(r, 0, 0), 3);
    assert_int_equal(db_res_int(r, 1, 0), 5);
    db_res_free(r);

    /* db_sql_now() stores the current time, readable as a time. */
    char sql[200];
    snprintf(sql, sizeof sql, "INSERT INTO v (i, t) VALUES (100, %s)", db_sql_now(db));
    exec_ok(db, sql);
    assert_int_equal(db_query(db, "SELECT t FROM v WHERE i = 100", NULL, 0, &r), ERR_OK);
    int64_t stored = db_res_time(r, 0, 0);
    db_res_free(r);
    int64_t diff = stored - db_now_us();
    assert_true(diff < 5000000 && diff > -5000000);
    db_release(f->pool, db);
}

/* ---- pool ---------------------------------------------------------------- */

typedef struct {
    fx_t *f;
    int failures;
} worker_t;

static void *worker(void *arg)
{
    worker_t *w = arg;
    for (int k = 0; k < 10; k++) {
        db_t *db = db_acquire(w->f->pool);
        if (!db) {
            w->failures++;
            continue;
        }
        /* Read then write inside one transaction: the pattern that
         * deadlocks SQLite's deferred transactions. */
        int64_t n = 0;
        db_res_t *r = NULL;
        err_t e = db_begin(db);
        if (e == ERR_OK)
            e = db_query(db, "SELECT COUNT(*) FROM v", NULL, 0, &r);
        if (e == ERR_OK) {
            n = db_res_int(r, 0, 0);
            db_value_t p[] = {DB_V_INT(n)};
            e = db_exec(db, "INSERT INTO v (i) VALUES ($1)", p, 1, NULL);
        }
        db_res_free(r);
        if (e == ERR_OK)
            e = db_commit(db);
        if (e != ERR_OK)
            w->failures++;
        db_release(w->f->pool, db);
    }
    return NULL;
}

typedef struct {
    db_pool_t *pool;
    atomic_int got;
} waiter_t;

static void *waiter(void *arg)
{
    waiter_t *w = arg;
    db_t *db = db_acquire(w->pool);
    atomic_store(&w->got, db ? 1 : -1);
    db_release(w->pool, db);
    return NULL;
}

static void test_pool_threads(void **state)
{
    fx_t *f = *state;
    NEED_DB(f);
    db_t *db = db_acquire(f->pool);
    assert_non_null(db);
    create_values_table(f, db);
    db_release(f->pool, db);

    enum { N = 8 };
    pthread_t th[N];
    worker_t w[N];
    for (int i = 0; i < N; i++) {
        w[i] = (worker_t){.f = f};
        assert_int_equal(pthread_create(&th[i], NULL, worker, &w[i]), 0);
    }
    for (int i = 0; i < N; i++) {
        pthread_join(th[i], NULL);
        assert_int_equal(w[i].failures, 0);
    }
    db = db_acquire(f->pool);
    assert_int_equal(count_rows(db, "SELECT COUNT(*) FROM v"), N * 10);
    /* SQLite's write transactions are serial (BEGIN IMMEDIATE), so each
     * read-then-insert saw every earlier one. */
    if (!is_pg(f))
        assert_int_equal(count_rows(db, "SELECT COUNT(DISTINCT i) FROM v"), N * 10);

    /* With every connection lent out, acquire waits for a release. */
    db_t *held[4] = {db, NULL, NULL, NULL};
    for (int i = 1; i < 4; i++) {
        held[i] = db_acquire(f->pool);
        assert_non_null(held[i]);
    }
    waiter_t wt = {.pool = f->pool};
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, waiter, &wt), 0);
    struct timespec ts = {0, 200 * 1000 * 1000};
    nanosleep(&ts, NULL);
    assert_int_equal(atomic_load(&wt.got), 0);
    db_release(f->pool, held[3]);
    pthread_join(t, NULL);
    assert_int_equal(atomic_load(&wt.got), 1);
    for (int i = 0; i < 3; i++)
        db_release(f->pool, held[i]);
}

/* ---- migrations ---------------------------------------------------------- */

/* Column types by letter: I integer, V varchar, T text, F float, B boolean,
 * D timestamptz, J json, E the status enum. */
typedef struct {
    const char *table;
    const char *cols;    /* "name:X name:X ..." */
    const char *indexes; /* "name name! ..." ('!' = unique) */
} table_spec_t;

static const table_spec_t schema[] = {
    {"organizations",
     "id:I name:V slug:V workable_subdomain:V workable_access_token:V workable_refresh_token:V"
     " workable_connected:B workable_config:J stripe_customer_id:V stripe_subscription_id:V plan:V"
     " assessments_used:I assessments_limit:I created_at:D updated_at:D allowed_email_domains:J sso_enforced:B"
     " saml_enabled:B saml_metadata_url:V two_factor_required:B",
     "ix_organizations_id ix_organizations_slug!"},
    {"users",
     "id:I email:V hashed_password:V full_name:V is_active:B is_superuser:B organization_id:I"
     " password_reset_token:V password_reset_expires:D is_email_verified:B email_verification_token:V"
     " email_verification_sent_at:D created_at:D updated_at:D role:V failed_login_attempts:I locked_until:D"
     " password_changed_at:D",
     "ix_users_id ix_users_email! ix_users_organization_id ix_users_password_reset_token"
     " ix_users_email_verification_token"},
    {"auth_events",
     "id:I event_type:V user_id:I actor_user_id:I organization_id:I email:V ip_address:V user_agent:V"
     " event_metadata:J created_at:D",
     "ix_auth_events_event_type ix_auth_events_user_id ix_auth_events_organization_id ix_auth_events_created_at"},
    {"api_keys",
     "id:I organization_id:I created_by_user_id:I name:V prefix:V is_test:B hashed_secret:V scopes:J"
     " last_used_at:D expires_at:D revoked_at:D created_at:D",
     "ix_api_keys_organization_id ix_api_keys_prefix ix_api_keys_hashed_secret!"},
    {"candidates",
     "id:I organization_id:I email:V full_name:V position:V workable_candidate_id:V workable_data:J"
     " cv_file_url:V cv_filename:V cv_text:T cv_uploaded_at:D job_spec_file_url:V job_spec_filename:V"
     " job_spec_text:T job_spec_uploaded_at:D created_at:D",
     "ix_candidates_id ix_candidates_organization_id ix_candidates_email"},
    {"tasks",
     "id:I organization_id:I name:V description:T task_type:V difficulty:V duration_minutes:I starter_code:T"
     " test_code:T sample_data:J dependencies:J success_criteria:J test_weights:J is_template:B is_active:B"
     " calibration_prompt:T score_weights:J recruiter_weight_preset:V proctoring_enabled:B created_at:D"
     " updated_at:D",
     "ix_tasks_id ix_tasks_organization_id"},
    {"assessments",
     "id:I organization_id:I candidate_id:I task_id:I token:V status:E duration_minutes:I started_at:D"
     " completed_at:D expires_at:D score:F tests_passed:I tests_total:I code_quality_score:F"
     " time_efficiency_score:F ai_usage_score:F test_results:J ai_prompts:J code_snapshots:J timeline:J"
     " e2b_session_id:V workable_candidate_id:V workable_job_id:V posted_to_workable:B posted_to_workable_at:D"
     " prompt_quality_score:F prompt_efficiency_score:F independence_score:F context_utilization_score:F"
     " design_thinking_score:F debugging_strategy_score:F written_communication_score:F"
     " learning_velocity_score:F error_recovery_score:F requirement_comprehension_score:F calibration_score:F"
     " prompt_fraud_flags:J prompt_analytics:J browser_focus_ratio:F tab_switch_count:I"
     " time_to_first_prompt_seconds:I cv_file_url:V cv_filename:V cv_uploaded_at:D final_score:F"
     " score_breakdown:J score_weights_used:J flags:J scored_at:D total_duration_seconds:I total_prompts:I"
     " total_input_tokens:I total_output_tokens:I tests_run_count:I tests_pass_count:I cv_job_match_score:F"
     " cv_job_match_details:J created_at:D updated_at:D",
     "ix_assessments_id ix_assessments_organization_id ix_assessments_candidate_id ix_assessments_task_id"
     " ix_assessments_token!"},
    {"assessment_sessions",
     "id:I assessment_id:I session_start:D session_end:D keystrokes:I code_executions:I ai_requests:I"
     " activity_log:J",
     "ix_assessment_sessions_id"},
    {"jobs",
     "id:I kind:T payload:J state:T attempts:I max_attempts:I run_at:D locked_at:D locked_by:T last_error:T"
     " created_at:D updated_at:D",
     "ix_jobs_state_run_at"},
};

static const char *pg_type(char c)
{
    switch (c) {
    case 'I': return "integer";
    case 'V': return "character varying";
    case 'T': return "text";
    case 'F': return "double precision";
    case 'B': return "boolean";
    case 'D': return "timestamp with time zone";
    case 'J': return "json";
    case 'E': return "USER-DEFINED";
    }
    return "?";
}

static const char *sqlite_type(char c)
{
    switch (c) {
    case 'I': return "INTEGER";
    case 'V': return "VARCHAR";
    case 'T': return "TEXT";
    case 'F': return "FLOAT";
    case 'B': return "BOOLEAN";
    case 'D': return "DATETIME";
    case 'J': return "JSON";
    case 'E': return "VARCHAR(11)";
    }
    return "?";
}

/* Checks that one table has the columns, types and indexes of the spec. */
static void check_table(db_t *db, const table_spec_t *t)
{
    bool pg = db_kind(db) == DB_POSTGRES;
    db_res_t *r = NULL;
    db_value_t p[] = {DB_V_TEXT(t->table)};
    assert_int_equal(db_query(db,
                              pg ? "SELECT column_name, data_type, udt_name FROM information_schema.columns"
                                   " WHERE table_schema = current_schema() AND table_name = $1"
                                 : "SELECT name, type, type FROM pragma_table_info($1)",
                              p, 1, &r),
                     ERR_OK);
    char *cols = xstrdup(t->cols);
    int expected = 0;
    char *save = NULL;
    for (char *tok = strtok_r(cols, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
        expected++;
        char *colon = strchr(tok, ':');
        *colon = '\0';
        char type = colon[1];
        bool found = false;
        for (int i = 0; i < db_res_rows(r); i++) {
            if (strcmp(db_res_text(r, i, 0), tok) != 0)
                continue;
            found = true;
            const char *want = pg ? pg_type(type) : sqlite_type(type);
            /* PostgreSQL reports SERIAL and BIGSERIAL ids by their base type. */
            if (pg && strcmp(tok, "id") == 0 && strcmp(db_res_text(r, i, 1), "bigint") == 0)
                want = "bigint";
            if (strcmp(db_res_text(r, i, 1), want) != 0)
                fail_msg("%s.%s has type %s, want %s", t->table, tok, db_res_text(r, i, 1), want);
            if (pg && type == 'E')
                assert_string_equal(db_res_text(r, i, 2), "assessmentstatus");
        }
        if (!found)
            fail_msg("%s.%s is missing", t->table, tok);
    }
    /* Later migrations may add columns (the compatibility policy allows
     * additions), so only missing or retyped ones fail. */
    if (db_res_rows(r) < expected)
        fail_msg("%s has %d columns, want at least %d", t->table, db_res_rows(r), expected);
    free(cols);
    db_res_free(r);

    assert_int_equal(db_query(db,
                              pg ? "SELECT indexname, indexdef LIKE 'CREATE UNIQUE%' FROM pg_indexes"
                                   " WHERE schemaname = current_schema() AND tablename = $1"
                                 : "SELECT name, \"unique\" FROM pragma_index_list($1)",
                              p, 1, &r),
                     ERR_OK);
    char *idx = xstrdup(t->indexes);
    for (char *tok = strtok_r(idx, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
        size_t n = strlen(tok);
        bool unique = tok[n - 1] == '!';
        if (unique)
            tok[n - 1] = '\0';
        bool found = false;
        for (int i = 0; i < db_res_rows(r); i++) {
            if (strcmp(db_res_text(r, i, 0), tok) == 0) {
                found = true;
                if (db_res_bool(r, i, 1) != unique)
                    fail_msg("index %s: unique is %d, want %d", tok, db_res_bool(r, i, 1), unique);
            }
        }
        if (!found)
            fail_msg("index %s on %s is missing", tok, t->table);
    }
    free(idx);
    db_res_free(r);
}

static void test_migrate_schema(void **state)
{
    fx_t *f = *state;
    NEED_DB(f);
    assert_int_equal(db_migrate(f->pool), ERR_OK);
    db_t *db = db_acquire(f->pool);
    assert_non_null(db);
    for (size_t i = 0; i < sizeof schema / sizeof schema[0]; i++)
        check_table(db, &schema[i]);

    /* Defaults a bare insert relies on. */
    exec_ok(db, "INSERT INTO organizations (name) VALUES ('O')");
    db_res_t *r = NULL;
    assert_int_equal(db_query(db,
                              "SELECT plan, workable_connected, assessments_used, created_at, updated_at"
                              " FROM organizations",
                              NULL, 0, &r),
                     ERR_OK);
    assert_string_equal(db_res_text(r, 0, 0), "pay_per_use");
    assert_false(db_res_isnull(r, 0, 1));
    assert_false(db_res_bool(r, 0, 1));
    assert_int_equal(db_res_int(r, 0, 2), 0);
    int64_t diff = db_res_time(r, 0, 3) - db_now_us();
    assert_true(diff < 5000000 && diff > -5000000);
    assert_true(db_res_isnull(r, 0, 4));
    db_res_free(r);
    exec_ok(db, "INSERT INTO users (email, hashed_password) VALUES ('u@x', 'h')");
    assert_int_equal(count_rows(db, "SELECT COUNT(*) FROM users WHERE is_active AND NOT is_superuser"
                                    " AND NOT is_email_verified"),
                     1);
    exec_ok(db, "INSERT INTO jobs (kind, payload) VALUES ('email', '{}')");
    assert_int_equal(count_rows(db, "SELECT COUNT(*) FROM jobs WHERE state = 'queued' AND attempts = 0"
                                    " AND max_attempts = 4 AND run_at IS NOT NULL"),
                     1);
    db_release(f->pool, db);
}

static void test_migrate_twice(void **state)
{
    fx_t *f = *state;
    NEED_DB(f);
    assert_int_equal(db_migrate(f->pool), ERR_OK);
    db_t *db = db_acquire(f->pool);
    db_res_t *before = NULL, *after = NULL;
    assert_int_equal(
        db_query(db, "SELECT version, name, applied_at FROM schema_migrations ORDER BY version", NULL, 0, &before),
        ERR_OK);
    assert_true(db_res_rows(before) >= 2);
    assert_int_equal(db_res_int(before, 0, 0), 1);
    assert_string_equal(db_res_text(before, 0, 1), "initial");
    assert_int_equal(db_res_int(before, 1, 0), 2);
    assert_string_equal(db_res_text(before, 1, 1), "jobs");
    exec_ok(db, "INSERT INTO organizations (name) VALUES ('kept')");
    db_release(f->pool, db);

    assert_int_equal(db_migrate(f->pool), ERR_OK);
    db = db_acquire(f->pool);
    assert_int_equal(
        db_query(db, "SELECT version, name, applied_at FROM schema_migrations ORDER BY version", NULL, 0, &after),
        ERR_OK);
    assert_int_equal(db_res_rows(after), db_res_rows(before));
    for (int i = 0; i < db_res_rows(before); i++)
        assert_string_equal(db_res_text(after, i, 2), db_res_text(before, i, 2));
    assert_int_equal(count_rows(db, "SELECT COUNT(*) FROM organizations"), 1);
    db_res_free(before);
    db_res_free(after);
    db_release(f->pool, db);
}

typedef struct {
    db_pool_t *pool;
    err_t result;
} migrator_t;

static void *migrator(void *arg)
{
    migrator_t *m = arg;
    m->result = db_migrate(m->pool);
    return NULL;
}

/* Two servers starting at once: both succeed, each migration runs once. */
static void test_migrate_concurrent(void **state)
{
    fx_t *f = *state;
    NEED_DB(f);
    char err[512];
    db_pool_t *other = db_pool_open(f->url, 2, err, sizeof err);
    assert_non_null(other);
    migrator_t m[2] = {{.pool = f->pool}, {.pool = other}};
    pthread_t t[2];
    for (int i = 0; i < 2; i++)
        assert_int_equal(pthread_create(&t[i], NULL, migrator, &m[i]), 0);
    for (int i = 0; i < 2; i++) {
        pthread_join(t[i], NULL);
        assert_int_equal(m[i].result, ERR_OK);
    }
    db_pool_close(other);
    db_t *db = db_acquire(f->pool);
    assert_int_equal(count_rows(db, "SELECT COUNT(*) FROM schema_migrations WHERE version IN (1, 2)"), 2);
    assert_int_equal(count_rows(db, "SELECT COUNT(*) FROM organizations"), 0);
    db_release(f->pool, db);
}

static void test_status_enum(void **state)
{
    fx_t *f = *state;
    NEED_DB(f);
    assert_int_equal(db_migrate(f->pool), ERR_OK);
    db_t *db = db_acquire(f->pool);
    db_value_t p[] = {DB_V_TEXT("t1"), DB_V_TEXT("PENDING")};
    const char *ins = "INSERT INTO assessments (token, status) VALUES ($1, $2)";
    assert_int_equal(db_exec(db, ins, p, 2, NULL), ERR_OK);
    p[0] = DB_V_TEXT("t2");
    p[1] = DB_V_TEXT("bogus");
    assert_int_not_equal(db_exec(db, ins, p, 2, NULL), ERR_OK);
    p[1] = DB_V_TEXT("pending"); /* the API value is not the stored name */
    assert_int_not_equal(db_exec(db, ins, p, 2, NULL), ERR_OK);
    exec_ok(db, "INSERT INTO assessments (token) VALUES ('t3')");
    db_res_t *r = NULL;
    assert_int_equal(db_query(db,
                              "SELECT status, duration_minutes, posted_to_workable, tab_switch_count"
                              " FROM assessments WHERE token = 't3'",
                              NULL, 0, &r),
                     ERR_OK);
    assert_string_equal(db_res_text(r, 0, 0), "PENDING");
    assert_int_equal(db_res_int(r, 0, 1), 30);
    assert_false(db_res_bool(r, 0, 2));
    assert_int_equal(db_res_int(r, 0, 3), 0);
    db_res_free(r);
    /* Status compares with a text parameter on both back ends. */
    db_value_t s[] = {DB_V_TEXT("PENDING")};
    assert_int_equal(db_query(db, "SELECT COUNT(*) FROM assessments WHERE status = $1", s, 1, &r), ERR_OK);
    assert_int_equal(db_res_int(r, 0, 0), 2);
    db_res_free(r);
    db_release(f->pool, db);
}

/* ---- adoption of the original's database (PostgreSQL) --------------------- */

/* What the original's Base.metadata.create_all emitted at head 008, plus
 * the alembic bookkeeping table: server defaults only, FLOAT for Float. */
static const char *const original_ddl =
    "CREATE TYPE assessmentstatus AS ENUM ('PENDING', 'IN_PROGRESS', 'COMPLETED', 'EXPIRED');"
    "CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL,"
    " CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num));"
    "INSERT INTO alembic_version VALUES ('008_add_cv_job_match_fields');"
    "CREATE TABLE organizations (id SERIAL NOT NULL, name VARCHAR NOT NULL, slug VARCHAR,"
    " workable_subdomain VARCHAR, workable_access_token VARCHAR, workable_refresh_token VARCHAR,"
    " workable_connected BOOLEAN, workable_config JSON, stripe_customer_id VARCHAR,"
    " stripe_subscription_id VARCHAR, plan VARCHAR, assessments_used INTEGER, assessments_limit INTEGER,"
    " created_at TIMESTAMP WITH TIME ZONE DEFAULT now(), updated_at TIMESTAMP WITH TIME ZONE,"
    " PRIMARY KEY (id));"
    "CREATE INDEX ix_organizations_id ON organizations (id);"
    "CREATE UNIQUE INDEX ix_organizations_slug ON organizations (slug);"
    "CREATE TABLE users (id SERIAL NOT NULL, email VARCHAR NOT NULL, hashed_password VARCHAR NOT NULL,"
    " full_name VARCHAR, is_active BOOLEAN, is_superuser BOOLEAN, organization_id INTEGER,"
    " password_reset_token VARCHAR, password_reset_expires TIMESTAMP WITH TIME ZONE,"
    " is_email_verified BOOLEAN DEFAULT false NOT NULL, email_verification_token VARCHAR,"
    " email_verification_sent_at TIMESTAMP WITH TIME ZONE, created_at TIMESTAMP WITH TIME ZONE DEFAULT now(),"
    " updated_at TIMESTAMP WITH TIME ZONE, PRIMARY KEY (id),"
    " FOREIGN KEY(organization_id) REFERENCES organizations (id));"
    "CREATE INDEX ix_users_id ON users (id);"
    "CREATE UNIQUE INDEX ix_users_email ON users (email);"
    "CREATE INDEX ix_users_organization_id ON users (organization_id);"
    "CREATE INDEX ix_users_password_reset_token ON users (password_reset_token);"
    "CREATE INDEX ix_users_email_verification_token ON users (email_verification_token);"
    "CREATE TABLE candidates (id SERIAL NOT NULL, organization_id INTEGER, email VARCHAR, full_name VARCHAR,"
    " position VARCHAR, workable_candidate_id VARCHAR, workable_data JSON, cv_file_url VARCHAR,"
    " cv_filename VARCHAR, cv_text TEXT, cv_uploaded_at TIMESTAMP WITH TIME ZONE, job_spec_file_url VARCHAR,"
    " job_spec_filename VARCHAR, job_spec_text TEXT, job_spec_uploaded_at TIMESTAMP WITH TIME ZONE,"
    " created_at TIMESTAMP WITH TIME ZONE DEFAULT now(), PRIMARY KEY (id),"
    " FOREIGN KEY(organization_id) REFERENCES organizations (id));"
    "CREATE INDEX ix_candidates_id ON candidates (id);"
    "CREATE INDEX ix_candidates_organization_id ON candidates (organization_id);"
    "CREATE INDEX ix_candidates_email ON candidates (email);"
    "CREATE TABLE tasks (id SERIAL NOT NULL, organization_id INTEGER, name VARCHAR NOT NULL, description TEXT,"
    " task_type VARCHAR, difficulty VARCHAR, duration_minutes INTEGER, starter_code TEXT, test_code TEXT,"
    " sample_data JSON, dependencies JSON, success_criteria JSON, test_weights JSON, is_template BOOLEAN,"
    " is_active BOOLEAN, calibration_prompt TEXT, score_weights JSON, recruiter_weight_preset VARCHAR,"
    " proctoring_enabled BOOLEAN DEFAULT false, created_at TIMESTAMP WITH TIME ZONE DEFAULT now(),"
    " updated_at TIMESTAMP WITH TIME ZONE, PRIMARY KEY (id),"
    " FOREIGN KEY(organization_id) REFERENCES organizations (id));"
    "CREATE INDEX ix_tasks_id ON tasks (id);"
    "CREATE INDEX ix_tasks_organization_id ON tasks (organization_id);"
    "CREATE TABLE assessments (id SERIAL NOT NULL, organization_id INTEGER, candidate_id INTEGER,"
    " task_id INTEGER, token VARCHAR, status assessmentstatus, duration_minutes INTEGER,"
    " started_at TIMESTAMP WITH TIME ZONE, completed_at TIMESTAMP WITH TIME ZONE,"
    " expires_at TIMESTAMP WITH TIME ZONE, score FLOAT, tests_passed INTEGER, tests_total INTEGER,"
    " code_quality_score FLOAT, time_efficiency_score FLOAT, ai_usage_score FLOAT, test_results JSON,"
    " ai_prompts JSON, code_snapshots JSON, timeline JSON, e2b_session_id VARCHAR,"
    " workable_candidate_id VARCHAR, workable_job_id VARCHAR, posted_to_workable BOOLEAN,"
    " posted_to_workable_at TIMESTAMP WITH TIME ZONE, prompt_quality_score FLOAT,"
    " prompt_efficiency_score FLOAT, independence_score FLOAT, context_utilization_score FLOAT,"
    " design_thinking_score FLOAT, debugging_strategy_score FLOAT, written_communication_score FLOAT,"
    " learning_velocity_score FLOAT, error_recovery_score FLOAT, requirement_comprehension_score FLOAT,"
    " calibration_score FLOAT, prompt_fraud_flags JSON, prompt_analytics JSON, browser_focus_ratio FLOAT,"
    " tab_switch_count INTEGER DEFAULT '0', time_to_first_prompt_seconds INTEGER, cv_file_url VARCHAR,"
    " cv_filename VARCHAR, cv_uploaded_at TIMESTAMP WITH TIME ZONE, final_score FLOAT, score_breakdown JSON,"
    " score_weights_used JSON, flags JSON, scored_at TIMESTAMP WITH TIME ZONE,"
    " total_duration_seconds INTEGER, total_prompts INTEGER, total_input_tokens INTEGER,"
    " total_output_tokens INTEGER, tests_run_count INTEGER, tests_pass_count INTEGER,"
    " cv_job_match_score FLOAT, cv_job_match_details JSON, created_at TIMESTAMP WITH TIME ZONE DEFAULT now(),"
    " updated_at TIMESTAMP WITH TIME ZONE, PRIMARY KEY (id),"
    " FOREIGN KEY(organization_id) REFERENCES organizations (id),"
    " FOREIGN KEY(candidate_id) REFERENCES candidates (id), FOREIGN KEY(task_id) REFERENCES tasks (id));"
    "CREATE INDEX ix_assessments_id ON assessments (id);"
    "CREATE INDEX ix_assessments_organization_id ON assessments (organization_id);"
    "CREATE INDEX ix_assessments_candidate_id ON assessments (candidate_id);"
    "CREATE INDEX ix_assessments_task_id ON assessments (task_id);"
    "CREATE UNIQUE INDEX ix_assessments_token ON assessments (token);"
    "CREATE TABLE assessment_sessions (id SERIAL NOT NULL, assessment_id INTEGER,"
    " session_start TIMESTAMP WITH TIME ZONE DEFAULT now(), session_end TIMESTAMP WITH TIME ZONE,"
    " keystrokes INTEGER, code_executions INTEGER, ai_requests INTEGER, activity_log JSON, PRIMARY KEY (id),"
    " FOREIGN KEY(assessment_id) REFERENCES assessments (id));"
    "CREATE INDEX ix_assessment_sessions_id ON assessment_sessions (id);";

/* Lays down the original schema with the given extra statements, adds a
 * row, migrates, and checks the row survived and the bookkeeping. */
static void adopt_and_check(fx_t *f, const char *extra)
{
    PGconn *c = PQconnectdb(f->url);
    assert_int_equal(PQstatus(c), CONNECTION_OK);
    PGresult *res = PQexec(c, original_ddl);
    if (PQresultStatus(res) != PGRES_COMMAND_OK)
        fail_msg("original DDL: %s", PQerrorMessage(c));
    PQclear(res);
    res = PQexec(c, "INSERT INTO organizations (name, slug, plan) VALUES ('Old Org', 'old-org', 'monthly');"
                    "INSERT INTO tasks (organization_id, name) VALUES (1, 'T');"
                    "INSERT INTO assessments (organization_id, task_id, token, status, score)"
                    " VALUES (1, 1, 'tok', 'COMPLETED', 7.5);"
                    /* one owner per organisation after migration 009: the
                     * lowest-id active user (here the second) */
                    "INSERT INTO users (email, hashed_password, is_active, organization_id) VALUES"
                    " ('gone@x.io', 'h', false, 1), ('first@x.io', 'h', true, 1), ('next@x.io', 'h', NULL, 1),"
                    " ('solo@x.io', 'h', true, NULL)");
    assert_int_equal(PQresultStatus(res), PGRES_COMMAND_OK);
    PQclear(res);
    if (extra) {
        res = PQexec(c, extra);
        if (PQresultStatus(res) != PGRES_COMMAND_OK)
            fail_msg("%s: %s", extra, PQerrorMessage(c));
        PQclear(res);
    }
    PQfinish(c);

    fx_open(f, 2);
    assert_int_equal(db_migrate(f->pool), ERR_OK);
    db_t *db = db_acquire(f->pool);
    db_res_t *r = NULL;
    assert_int_equal(db_query(db,
                              "SELECT o.name, o.plan, a.status, a.score, a.token FROM assessments a"
                              " JOIN organizations o ON o.id = a.organization_id",
                              NULL, 0, &r),
                     ERR_OK);
    assert_int_equal(db_res_rows(r), 1);
    assert_string_equal(db_res_text(r, 0, 0), "Old Org");
    assert_string_equal(db_res_text(r, 0, 1), "monthly");
    assert_string_equal(db_res_text(r, 0, 2), "COMPLETED");
    assert_true(db_res_real(r, 0, 3) == 7.5);
    assert_string_equal(db_res_text(r, 0, 4), "tok");
    db_res_free(r);
    assert_int_equal(count_rows(db, "SELECT COUNT(*) FROM schema_migrations WHERE version = 1"), 1);
    assert_int_equal(count_rows(db, "SELECT COUNT(*) FROM schema_migrations WHERE version = 2"), 1);
    assert_int_equal(count_rows(db, "SELECT COUNT(*) FROM jobs"), 0);
    assert_int_equal(count_rows(db, "SELECT COUNT(*) FROM alembic_version"), 1);
    for (size_t i = 0; i < sizeof schema / sizeof schema[0]; i++)
        check_table(db, &schema[i]);
    assert_int_equal(count_rows(db, "SELECT id FROM users WHERE role = 'owner'"), 2);
    assert_int_equal(count_rows(db, "SELECT COUNT(*) FROM users WHERE role = 'member'"), 3);
    /* The serial sequences carry on after the adopted rows. */
    exec_ok(db, "INSERT INTO organizations (name, slug) VALUES ('New', 'new')");
    assert_int_equal(count_rows(db, "SELECT MAX(id) FROM organizations"), 2);
    db_release(f->pool, db);
    assert_int_equal(db_migrate(f->pool), ERR_OK);
}

static void test_adopt_original(void **state)
{
    fx_t *f = *state;
    NEED_DB(f);
    adopt_and_check(f, NULL);
}

static void test_adopt_older_original(void **state)
{
    fx_t *f = *state;
    NEED_DB(f);
    /* A database that stopped at alembic 007. */
    adopt_and_check(f, "ALTER TABLE assessments DROP COLUMN cv_job_match_score,"
                       " DROP COLUMN cv_job_match_details");
}

static void test_refuse_partial_schema(void **state)
{
    fx_t *f = *state;
    NEED_DB(f);
    fx_open(f, 2);
    db_t *db = db_acquire(f->pool);
    exec_ok(db, "CREATE TABLE organizations (id INTEGER PRIMARY KEY, name VARCHAR NOT NULL)");
    db_release(f->pool, db);
    assert_int_not_equal(db_migrate(f->pool), ERR_OK);
    db = db_acquire(f->pool);
    db_res_t *r = NULL;
    /* Nothing was created. */
    assert_int_not_equal(db_query(db, "SELECT COUNT(*) FROM schema_migrations", NULL, 0, &r), ERR_OK);
    db_release(f->pool, db);
}

/* ---- URLs and dialect helpers ------------------------------------------- */

static void test_sqlite_urls(void **state)
{
    char err[256];
    db_pool_t *p = db_pool_open("sqlite://", 4, err, sizeof err);
    assert_non_null(p);
    assert_int_equal(db_pool_kind(p), DB_SQLITE);
    db_t *db = db_acquire(p);
    assert_non_null(db);
    exec_ok(db, "CREATE TABLE m (x INTEGER)");
    exec_ok(db, "INSERT INTO m VALUES (1)");
    db_release(p, db);
    db = db_acquire(p); /* the same in-memory database */
    assert_int_equal(count_rows(db, "SELECT COUNT(*) FROM m"), 1);
    assert_string_equal(db_sql_ilike(db), "LIKE");
    assert_string_equal(db_sql_skip_locked(db), "");
    assert_string_equal(db_sql_for_update(db), "");
    db_release(p, db);
    db_pool_close(p);

    char dir[] = "/tmp/tali-dburl-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char url[128], path[96];
    snprintf(path, sizeof path, "%s/abs.db", dir);
    snprintf(url, sizeof url, "sqlite:///%s", path); /* sqlite:////tmp/... */
    p = db_pool_open(url, 2, err, sizeof err);
    assert_non_null(p);
    db_pool_close(p);
    assert_int_equal(access(path, F_OK), 0);
    unlink(path);
    p = db_pool_open(path, 2, err, sizeof err); /* a plain path */
    assert_non_null(p);
    db_pool_close(p);
    assert_int_equal(access(path, F_OK), 0);
    unlink(path);
    char wal[128];
    snprintf(wal, sizeof wal, "%s-wal", path);
    unlink(wal);
    snprintf(wal, sizeof wal, "%s-shm", path);
    unlink(wal);
    rmdir(dir);

    assert_null(db_pool_open("/nonexistent-dir/x/y.db", 1, err, sizeof err));
    assert_true(strlen(err) > 0);
    assert_null(db_pool_open("postgresql://nobody@127.0.0.1:1/none?connect_timeout=2", 1, err, sizeof err));
    assert_non_null(strstr(err, "PostgreSQL"));
    assert_null(db_pool_open("postgresql+psycopg2://nobody@127.0.0.1:1/none?connect_timeout=2", 1, err, sizeof err));
    assert_non_null(strstr(err, "PostgreSQL"));
    assert_null(db_pool_open("mysql://x@localhost/db", 1, err, sizeof err));
    assert_non_null(strstr(err, "unsupported"));
}

static void test_pg_helpers(void **state)
{
    fx_t *f = *state;
    NEED_DB(f);
    db_t *db = db_acquire(f->pool);
    assert_int_equal(db_pool_kind(f->pool), DB_POSTGRES);
    assert_string_equal(db_sql_ilike(db), "ILIKE");
    assert_string_equal(db_sql_skip_locked(db), " FOR UPDATE SKIP LOCKED");
    assert_string_equal(db_sql_for_update(db), " FOR UPDATE");
    /* The session runs in UTC whatever the server's default. */
    db_res_t *r = NULL;
    assert_int_equal(db_query(db, "SELECT current_setting('TimeZone')", NULL, 0, &r), ERR_OK);
    assert_string_equal(db_res_text(r, 0, 0), "UTC");
    db_res_free(r);
    /* A connection the server killed is replaced on the next statement. */
    exec_ok(db, "SELECT 1");
    db_t *killer = db_acquire(f->pool);
    db_res_t *pid = NULL;
    assert_int_equal(db_query(db, "SELECT pg_backend_pid()", NULL, 0, &pid), ERR_OK);
    db_value_t p[] = {DB_V_INT(db_res_int(pid, 0, 0))};
    db_res_free(pid);
    assert_int_equal(db_query(killer, "SELECT pg_terminate_backend(CAST($1 AS INTEGER))", p, 1, &r), ERR_OK);
    db_res_free(r);
    db_release(f->pool, killer);
    struct timespec ts = {0, 100 * 1000 * 1000};
    nanosleep(&ts, NULL);
    assert_int_equal(count_rows(db, "SELECT 41 + 1"), 42);
    db_release(f->pool, db);
}

#define BOTH(fn, setup)                                                                                                \
    cmocka_unit_test_prestate_setup_teardown(fn, setup, teardown, (void *)&k_sqlite),                                  \
        cmocka_unit_test_prestate_setup_teardown(fn, setup, teardown, (void *)&k_pg)
#define PG_ONLY(fn, setup) cmocka_unit_test_prestate_setup_teardown(fn, setup, teardown, (void *)&k_pg)

int main(void)
{
    log_set_level(LOG_WARNING);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_time_text),
        cmocka_unit_test(test_sqlite_urls),
        BOTH(test_params_roundtrip, setup_pool),
        BOTH(test_int_beyond_int4, setup_pool),
        BOTH(test_nulls, setup_pool),
        BOTH(test_conflicts, setup_pool),
        BOTH(test_transactions, setup_pool),
        BOTH(test_write_faults, setup_pool),
        BOTH(test_pool_wait, setup_pool),
        BOTH(test_time_roundtrip, setup_pool),
        BOTH(test_pool_threads, setup_pool),
        BOTH(test_migrate_schema, setup_pool),
        BOTH(test_migrate_twice, setup_pool),
        BOTH(test_migrate_concurrent, setup_pool),
        BOTH(test_status_enum, setup_pool),
        PG_ONLY(test_pg_helpers, setup_pool),
        PG_ONLY(test_adopt_original, setup_raw),
        PG_ONLY(test_adopt_older_original, setup_raw),
        BOTH(test_refuse_partial_schema, setup_raw),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
