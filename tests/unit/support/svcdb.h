/* svcdb: the fixture of the components' service-level unit tests: a
 * configuration with its defaults (plus the overrides given), installed as
 * cfg, jansson on the abort-on-failure allocator, and a migrated SQLite
 * database in a fresh temporary directory, with one connection and one
 * arena.  Everything is removed at teardown. */
#ifndef TALI_TESTS_SVCDB_H
#define TALI_TESTS_SVCDB_H

#include <stdint.h>

#include "platform/config.h"
#include "platform/db.h"
#include "platform/mem.h"

typedef struct {
    char dir[64];    /* the temporary directory */
    char *url;       /* its test.db */
    config_t config; /* installed as cfg */
    db_pool_t *pool;
    db_t *db; /* acquired from pool for the whole test */
    mem_arena_t *a;
} svcdb_t;

/* cmocka setup: *state becomes a new svcdb_t.  Environment variables set
 * before (setenv) are part of the configuration.  Returns 0, or -1 when
 * any step failed (a message is printed). */
int svcdb_setup(void **state);

/* cmocka teardown of svcdb_setup. */
int svcdb_teardown(void **state);

/* Runs one SQL statement with no parameters (test data); fails the test
 * when it does not succeed. */
void svcdb_exec(svcdb_t *f, const char *sql);

/* The first column of the first row of a one-value query, as an integer
 * (0 when there is no row); fails the test on a database error. */
int64_t svcdb_int(svcdb_t *f, const char *sql);

#endif
