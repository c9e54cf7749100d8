/* health: the dependency probe behind GET /health (H1).  The job queue
 * counts only when the database answered, as the original reported Redis
 * only once it could reach it; the database counts as up only when it can
 * also write. */
#include <string.h>

#include "components/health/health.h"
#include "components/health/repo.h"

void health_check(db_t *db, health_status_t *out)
{
    memset(out, 0, sizeof *out);
    if (!db)
        return;
    bool reads = false;
    if (health_repo_ping(db, &reads) != ERR_OK || !reads)
        return;
    out->jobs = jobs_stats(db, &out->stats) == ERR_OK;
    if (!out->jobs)
        memset(&out->stats, 0, sizeof out->stats);
    /* a database that answers but cannot store anything is not up */
    out->database = db_writable(db);
}

const char *health_status_name(const health_status_t *st)
{
    return st->database && st->jobs ? "healthy" : "degraded";
}
