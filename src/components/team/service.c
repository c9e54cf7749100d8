/* Team invites: the new member and the invite e-mail commit together. */
#include "components/notifications/notifications.h"
#include "components/team/team.h"
#include "platform/log.h"

#define TEAM_ATTEMPTS 10

err_t team_invite(db_t *db, mem_arena_t *a, int64_t org_id, const char *email, const char *full_name, auth_user_t *out,
                  const char **detail)
{
    auth_new_user_t nu = {
        .email = email,
        .password = NULL,
        .full_name = full_name,
        .has_organization = true,
        .organization_id = org_id,
        .verification_token = NULL,
    };
    err_t e = ERR_INTERNAL;
    /* A lost race on the e-mail index (ERR_CONFLICT) is retried: the next
     * round sees the other row and answers "Email already exists". */
    for (int attempt = 0; attempt < TEAM_ATTEMPTS; attempt++) {
        if ((e = db_begin(db)) != ERR_OK)
            break;
        bool taken = false;
        e = auth_user_exists_email(db, email, &taken);
        if (e == ERR_OK && taken) {
            db_rollback(db);
            *detail = "Email already exists";
            return ERR_BAD_REQUEST;
        }
        if (e == ERR_OK)
            e = auth_create_user(db, a, &nu, out);
        if (e == ERR_OK)
            e = notifications_send_team_invite(db, email);
        if (e == ERR_OK)
            e = db_commit(db);
        if (e == ERR_OK) {
            log_info("tali.team", "user %lld invited into organization %lld", (long long)out->id, (long long)org_id);
            return ERR_OK;
        }
        db_rollback(db);
        if (e != ERR_CONFLICT)
            break;
    }
    log_error("tali.team", "invite failed: %s", err_name(e));
    *detail = "Failed to invite team member";
    return ERR_INTERNAL;
}
