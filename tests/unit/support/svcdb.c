/* svcdb: see svcdb.h. */
#include "svcdb.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "platform/json.h"

int svcdb_setup(void **state)
{
    json_use_abort_alloc();
    svcdb_t *f = xcalloc(1, sizeof *f);
    *state = f;
    snprintf(f->dir, sizeof f->dir, "/tmp/tali-svctest-XXXXXX");
    if (!mkdtemp(f->dir)) {
        perror("mkdtemp");
        return -1;
    }
    f->url = xasprintf("%s/test.db", f->dir);
    char err[512];
    /* a dotenv path that does not exist: defaults and the environment only */
    char *env = xasprintf("%s/none.env", f->dir);
    int rc = config_load(&f->config, env, err, sizeof err);
    free(env);
    if (rc != 0) {
        fprintf(stderr, "config_load: %s\n", err);
        return -1;
    }
    config_install(&f->config);
    f->pool = db_pool_open(f->url, 2, err, sizeof err);
    if (!f->pool) {
        fprintf(stderr, "db_pool_open: %s\n", err);
        return -1;
    }
    if (db_migrate(f->pool) != ERR_OK) {
        fprintf(stderr, "db_migrate failed\n");
        return -1;
    }
    f->db = db_acquire(f->pool);
    f->a = mem_arena_new();
    return f->db ? 0 : -1;
}

int svcdb_teardown(void **state)
{
    svcdb_t *f = *state;
    if (!f)
        return 0;
    mem_arena_free(f->a);
    if (f->db)
        db_release(f->pool, f->db);
    if (f->pool)
        db_pool_close(f->pool);
    if (f->url) {
        char *side[] = {xasprintf("%s", f->url), xasprintf("%s-wal", f->url), xasprintf("%s-shm", f->url)};
        for (size_t i = 0; i < 3; i++) {
            unlink(side[i]);
            free(side[i]);
        }
    }
    rmdir(f->dir);
    free(f->url);
    config_free(&f->config);
    free(f);
    return 0;
}

void svcdb_exec(svcdb_t *f, const char *sql)
{
    int64_t n = 0;
    if (db_exec(f->db, sql, NULL, 0, &n) != ERR_OK)
        fail_msg("SQL failed: %s", sql);
}

int64_t svcdb_int(svcdb_t *f, const char *sql)
{
    db_res_t *r = NULL;
    if (db_query(f->db, sql, NULL, 0, &r) != ERR_OK)
        fail_msg("SQL failed: %s", sql);
    int64_t v = db_res_rows(r) > 0 ? db_res_int(r, 0, 0) : 0;
    db_res_free(r);
    return v;
}
