/* What the Workable integration needs from candidates: the link between a
 * candidate and the Workable candidate it came from (platform-integrations
 * §6.3).  SQL on this component's table only. */
#include "components/candidates/candidates.h"

err_t candidates_set_workable(db_t *db, int64_t id, const char *workable_candidate_id, const char *workable_data_json)
{
    db_value_t p[] = {DB_V_TEXT(workable_candidate_id), DB_V_JSON(workable_data_json), DB_V_INT(id)};
    int64_t n = 0;
    err_t e = db_exec(db, "UPDATE candidates SET workable_candidate_id = $1, workable_data = $2 WHERE id = $3", p, 3,
                      &n);
    if (e != ERR_OK)
        return e;
    return n == 1 ? ERR_OK : ERR_NOT_FOUND;
}
