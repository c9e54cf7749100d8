/* SQL on `stripe_events` (this component's table only). */
#include "components/integrations/stripe/repo.h"

err_t stripe_repo_record_event(db_t *db, const char *id, const char *type, int64_t now_us, bool *fresh)
{
    db_value_t p[] = {DB_V_TEXT(id), DB_V_TEXT(type), DB_V_TIME(now_us)};
    int64_t n = 0;
    err_t e = db_exec(db,
                      "INSERT INTO stripe_events (id, type, received_at) VALUES ($1, $2, $3) "
                      "ON CONFLICT (id) DO NOTHING",
                      p, 3, &n);
    if (e != ERR_OK)
        return e;
    *fresh = n == 1;
    return ERR_OK;
}
