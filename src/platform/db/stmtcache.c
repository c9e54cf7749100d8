/* stmtcache: the per-connection cache of prepared statements that both
 * back ends share.  A connection belongs to one thread at a time (the
 * pool hands it out), so the cache takes no lock.  Statements are found by
 * their SQL text; when the cache is full the least recently used one is
 * evicted and finalized by the back end's callback. */
#include <stdlib.h>
#include <string.h>

#include "platform/db/db_internal.h"
#include "platform/mem.h"

/* FNV-1a over the text: cheap, and the full text is compared on a match. */
static uint64_t sc_hash(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ull;
    }
    return h;
}

void *db_stmt_cache_get(db_stmt_cache_t *c, const char *sql)
{
    uint64_t h = sc_hash(sql);
    for (int i = 0; i < DB_STMT_CACHE_SIZE; i++) {
        db_stmt_slot_t *s = &c->slot[i];
        if (s->stmt && s->hash == h && strcmp(s->sql, sql) == 0) {
            s->tick = ++c->tick;
            return s->stmt;
        }
    }
    return NULL;
}

void db_stmt_cache_put(db_stmt_cache_t *c, const char *sql, void *stmt, void (*drop)(void *stmt, void *ctx), void *ctx)
{
    db_stmt_slot_t *victim = &c->slot[0];
    for (int i = 0; i < DB_STMT_CACHE_SIZE; i++) {
        db_stmt_slot_t *s = &c->slot[i];
        if (!s->stmt) {
            victim = s;
            break;
        }
        if (s->tick < victim->tick)
            victim = s;
    }
    if (victim->stmt && drop)
        drop(victim->stmt, ctx);
    free(victim->sql);
    victim->sql = xstrdup(sql);
    victim->hash = sc_hash(sql);
    victim->stmt = stmt;
    victim->tick = ++c->tick;
}

void db_stmt_cache_remove(db_stmt_cache_t *c, void *stmt)
{
    for (int i = 0; i < DB_STMT_CACHE_SIZE; i++) {
        db_stmt_slot_t *s = &c->slot[i];
        if (s->stmt == stmt) {
            free(s->sql);
            memset(s, 0, sizeof *s);
        }
    }
}

void db_stmt_cache_clear(db_stmt_cache_t *c, void (*drop)(void *stmt, void *ctx), void *ctx)
{
    for (int i = 0; i < DB_STMT_CACHE_SIZE; i++) {
        db_stmt_slot_t *s = &c->slot[i];
        if (s->stmt && drop)
            drop(s->stmt, ctx);
        free(s->sql);
        memset(s, 0, sizeof *s);
    }
}
