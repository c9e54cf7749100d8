/* team: the members of an organisation (api-contract U1, U2; identity
 * spec §1.5, §1.7 I9, I12-I21).  The team owns no table: members are
 * users, reached through auth.h, the organisation's access settings come
 * through organizations.h, and invite e-mails go through notifications.h.
 *
 * Which invite e-mail is sent is a deployment setting (D17):
 * TEAM_INVITE_STYLE=legacy sends the February e-mail (the reset template
 * linking to FRONTEND_URL/#/forgot-password), v2 today's team invite with
 * FRONTEND_URL/accept-invite?token=<invite JWT>.  Accept-invite (I9),
 * resend (I18) and the invite link (I19) work under either. */
#ifndef TALI_COMPONENTS_TEAM_H
#define TALI_COMPONENTS_TEAM_H

#include "components/auth/auth.h"
#include "platform/db.h"
#include "platform/err.h"
#include "platform/http.h"
#include "platform/mem.h"

/* The invite token of identity spec §1.2: HS256 with SECRET_KEY, claims
 * {sub: the user id as a string, email, aud: "invite", exp: now + 7 days}.
 * *token in arena a.  ERR_INTERNAL when it cannot be signed. */
err_t team_invite_token(mem_arena_t *a, const auth_user_t *u, const char **token);

/* What an invite did: the member (arena-owned) and whether an e-mail was
 * handed to a delivery provider (Resend or SMTP configured; the local
 * outbox does not count). */
typedef struct {
    auth_user_t member;
    bool email_sent;
} team_invite_result_t;

/* I21 / U2: invites email (normalised) with full_name into the inviter's
 * organisation, or restores a removed member of it, after the checks of
 * §1.7 I21 in order (no organisation 400; organisation missing 404; SSO
 * enforced 403; domain not allowed 400; the four duplicate texts 400,
 * matched case-insensitively).  The member and its e-mail job commit
 * together; then the member_invited event (req gives its address).  On an
 * error *detail is the text (static or arena a). */
err_t team_invite(db_t *db, http_req_t *req, mem_arena_t *a, const auth_user_t *inviter, const char *email,
                  const char *full_name, team_invite_result_t *out, const char **detail);

/* I16: soft-removes member id of the actor's organisation.  400
 * CANNOT_REMOVE_SELF, 404 User not found, 400 An organization needs at
 * least one owner; then the member_removed event. */
err_t team_remove(db_t *db, http_req_t *req, mem_arena_t *a, const auth_user_t *actor, int64_t id, const char **detail);

/* I17: sets member id's role; *out receives the member afterwards. */
err_t team_set_role(db_t *db, mem_arena_t *a, const auth_user_t *actor, int64_t id, bool owner, auth_user_t *out,
                    const char **detail);

/* I18: a fresh invite e-mail to pending member id.  404 User not found,
 * 400 NOT_PENDING_INVITE, 404 Organization not found. */
err_t team_resend_invite(db_t *db, mem_arena_t *a, const auth_user_t *actor, int64_t id, bool *email_sent,
                         const char **detail);

/* I19: a fresh accept link for pending member id (arena a).  The checks of
 * team_resend_invite without the organisation lookup. */
err_t team_invite_link(db_t *db, mem_arena_t *a, const auth_user_t *actor, int64_t id, const char **link,
                       const char **detail);

/* I9: accepts an invite token with a new password; *access_token is
 * today's access token (arena a).  ERR_BAD_REQUEST with INVITE_TOKEN_INVALID,
 * INVITE_ALREADY_ACCEPTED, INVITE_REVOKED or INVITE_SSO_REQUIRED;
 * ERR_VALIDATION with the password policy's reason. */
err_t team_accept_invite(db_t *db, mem_arena_t *a, const char *token, const char *password, const char **access_token,
                         const char **detail);

/* Registers U1/I20, U2/I21, I9 and I12-I19 on s. */
void team_register(http_server_t *s);

#endif
