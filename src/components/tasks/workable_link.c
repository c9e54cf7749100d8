/* What the Workable integration needs from tasks: the task a
 * Workable-created assessment uses (platform-integrations §6.3).  SQL on
 * this component's table only. */
#include "components/tasks/tasks.h"

err_t tasks_first_active_for_org(db_t *db, int64_t org_id, int64_t *task_id, int64_t *duration_minutes,
                                 bool *found)
{
    *found = false;
    db_value_t p[] = {DB_V_INT(org_id), DB_V_BOOL(true)};
    db_res_t *r = NULL;
    err_t e = db_query(db,
                       "SELECT id, duration_minutes FROM tasks WHERE organization_id = $1 AND is_active = $2 "
                       "ORDER BY id LIMIT 1",
                       p, 2, &r);
    if (e != ERR_OK)
        return e;
    if (db_res_rows(r) > 0) {
        *found = true;
        *task_id = db_res_int(r, 0, 0);
        /* "task.duration_minutes or 30": NULL and 0 both give 30 */
        int64_t d = db_res_isnull(r, 0, 1) ? 0 : db_res_int(r, 0, 1);
        *duration_minutes = d ? d : 30;
    }
    db_res_free(r);
    return ERR_OK;
}
