/* SQL of the health component: the trivial query that proves the
 * database answers. */
#include "components/health/repo.h"

err_t health_repo_ping(db_t *db, bool *ok)
{
    db_res_t *r = NULL;
    err_t e = db_query(db, "SELECT 1", NULL, 0, &r);
    *ok = e == ERR_OK && db_res_rows(r) == 1;
    db_res_free(r);
    return e;
}
