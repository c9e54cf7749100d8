/* organizations: the per-organisation candidate-proof switch
 * (organizations.require_candidate_proof, migration 011; spec v2 D31),
 * which the assessments component reads through organizations.h. */
#include "components/organizations/organizations.h"

err_t organizations_candidate_proof_required(db_t *db, int64_t id, bool *set, bool *required)
{
    *set = false;
    *required = false;
    db_value_t p[] = {DB_V_INT(id)};
    db_res_t *r = NULL;
    err_t e = db_query(db, "SELECT require_candidate_proof FROM organizations WHERE id = $1", p, 1, &r);
    if (e == ERR_OK && db_res_rows(r) == 1 && !db_res_isnull(r, 0, 0)) {
        *set = true;
        *required = db_res_bool(r, 0, 0);
    }
    db_res_free(r);
    return e;
}
