/* SQL on `workable_oauth_states` (this component's table only; see
 * oauth_state.h). */
#include "components/integrations/workable/oauth_state.h"

err_t workable_repo_put_receipt(db_t *db, const char *key, const char *hash, int64_t expires_us, int64_t now_us)
{
    db_value_t old[] = {DB_V_TIME(now_us)};
    err_t e = db_exec(db, "DELETE FROM workable_oauth_states WHERE expires_at <= $1", old, 1, NULL);
    if (e != ERR_OK)
        return e;
    db_value_t p[] = {DB_V_TEXT(key), DB_V_TEXT(hash), DB_V_TIME(expires_us)};
    return db_exec(db,
                   "INSERT INTO workable_oauth_states (receipt_key, receipt_hash, expires_at) VALUES ($1, $2, $3) "
                   "ON CONFLICT (receipt_key) DO UPDATE SET receipt_hash = excluded.receipt_hash, "
                   "expires_at = excluded.expires_at",
                   p, 3, NULL);
}

err_t workable_repo_take_receipt(db_t *db, const char *key, const char *hash, int64_t now_us, bool *used)
{
    db_value_t p[] = {DB_V_TEXT(key), DB_V_TEXT(hash), DB_V_TIME(now_us)};
    int64_t n = 0;
    err_t e = db_exec(db,
                      "DELETE FROM workable_oauth_states WHERE receipt_key = $1 AND receipt_hash = $2 "
                      "AND expires_at > $3",
                      p, 3, &n);
    *used = e == ERR_OK && n == 1;
    return e;
}
