/* team: the members of an organisation (api-contract U1, U2).  The team
 * owns no table: members are users, reached through auth.h, and the
 * invite e-mail goes through notifications.h. */
#ifndef TALI_COMPONENTS_TEAM_H
#define TALI_COMPONENTS_TEAM_H

#include "components/auth/auth.h"
#include "platform/db.h"
#include "platform/err.h"
#include "platform/http.h"
#include "platform/mem.h"

/* Invites email (normalised) with full_name into organisation org_id: an
 * active, unverified user with a password nobody knows, and the invite
 * e-mail job, in one transaction.  *out (arena a) is the new member.
 * ERR_BAD_REQUEST with *detail "Email already exists" when the address is
 * taken (case-insensitively); ERR_INTERNAL with "Failed to invite team
 * member" for anything else. */
err_t team_invite(db_t *db, mem_arena_t *a, int64_t org_id, const char *email, const char *full_name, auth_user_t *out,
                  const char **detail);

/* Registers U1 (GET /api/v1/users/) and U2 (POST /api/v1/users/invite). */
void team_register(http_server_t *s);

#endif
