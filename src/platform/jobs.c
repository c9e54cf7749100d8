#include "platform/jobs.h"

#include <string.h>

err_t jobs_stats(db_t *db, jobs_stats_t *out)
{
    memset(out, 0, sizeof *out);
    db_res_t *r = NULL;
    err_t e = db_query(db, "SELECT state, COUNT(*) FROM jobs GROUP BY state", NULL, 0, &r);
    if (e != ERR_OK)
        return e;
    for (int i = 0; i < db_res_rows(r); i++) {
        const char *state = db_res_text(r, i, 0);
        int64_t n = db_res_int(r, i, 1);
        if (!state)
            continue;
        if (strcmp(state, "queued") == 0)
            out->queued = n;
        else if (strcmp(state, "running") == 0)
            out->running = n;
        else if (strcmp(state, "failed") == 0)
            out->failed = n;
    }
    db_res_free(r);
    return ERR_OK;
}
