/* Team management (identity spec §1.5, §1.7 I9, I16-I21): invites with
 * their checks and restore path, removal, roles, resend, invite links and
 * invite acceptance.  Writes that send an e-mail enqueue the e-mail job in
 * the same transaction; the audit event follows the commit, so a failed
 * (best-effort) event write can never undo the change. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "components/notifications/notifications.h"
#include "components/organizations/organizations.h"
#include "components/team/team.h"
#include "platform/config.h"
#include "platform/json.h"
#include "platform/log.h"
#include "platform/security.h"

#define TEAM_LOGGER "tali.team"
#define TEAM_ATTEMPTS 10
#define TEAM_INVITE_AUD "invite"
#define TEAM_INVITE_TTL_S (7LL * 24 * 3600)

#define TEAM_D_NOT_FOUND "User not found"
#define TEAM_D_ORG_NOT_FOUND "Organization not found"
#define TEAM_D_LAST_OWNER "An organization needs at least one owner"
#define TEAM_D_NOT_PENDING "NOT_PENDING_INVITE"
#define TEAM_D_INVITE_FAILED "Failed to invite team member"
#define TEAM_D_BAD_INVITE "INVITE_TOKEN_INVALID"

/* ---- tokens, links, e-mails ---- */

err_t team_invite_token(mem_arena_t *a, const auth_user_t *u, const char **token)
{
    int64_t exp = db_now_us() / 1000000 + TEAM_INVITE_TTL_S;
    json_t *claims = json_pack("{s:s,s:s,s:s,s:I}", "sub", mem_printf(a, "%lld", (long long)u->id), "email",
                               u->email ? u->email : "", "aud", TEAM_INVITE_AUD, "exp", (json_int_t)exp);
    char *jwt = claims ? sec_jwt_encode(claims, cfg->secret_key) : NULL;
    json_decref(claims);
    if (!jwt) {
        log_error(TEAM_LOGGER, "cannot sign an invite token");
        return ERR_INTERNAL;
    }
    *token = mem_strdup(a, jwt);
    free(jwt);
    return ERR_OK;
}

/* FRONTEND_URL/accept-invite?token=<a fresh invite token for u>. */
static err_t team_accept_link(mem_arena_t *a, const auth_user_t *u, const char **link)
{
    const char *token = NULL;
    err_t e = team_invite_token(a, u, &token);
    if (e == ERR_OK)
        *link = mem_printf(a, "%s/accept-invite?token=%s", cfg->frontend_url, token);
    return e;
}

/* Whether an e-mail handed to the job queue leaves the machine. */
static bool team_mail_delivers(void)
{
    return (cfg->resend_api_key && *cfg->resend_api_key) || (cfg->smtp_url && *cfg->smtp_url);
}

static bool team_style_v2(void)
{
    return cfg->team_invite_style && strcmp(cfg->team_invite_style, "v2") == 0;
}

/* Enqueues the invite e-mail for member (D17: the deployment's style) on
 * db as it is. */
static err_t team_send_invite(db_t *db, mem_arena_t *a, const auth_user_t *member, const auth_user_t *inviter,
                              const char *org_name)
{
    if (!team_style_v2())
        return notifications_send_team_invite(db, member->email);
    const char *link = NULL;
    err_t e = team_accept_link(a, member, &link);
    if (e != ERR_OK)
        return e;
    const char *who = inviter->full_name && *inviter->full_name ? inviter->full_name : inviter->email;
    return notifications_send_team_invite_v2(db, member->email, org_name, who, link);
}

/* ---- organisation access (§1.7 I21 steps 3-5) ---- */

/* Steps 2-5 of I21: the organisation exists, enforces no SSO and allows
 * email's domain. */
static err_t team_invite_access(db_t *db, mem_arena_t *a, const auth_user_t *inviter, const char *email,
                                const char **detail)
{
    if (!inviter->has_organization) {
        *detail = "You are not in an organization";
        return ERR_BAD_REQUEST;
    }
    organizations_access_t acc = {0};
    err_t e = organizations_access_get(db, a, inviter->organization_id, &acc);
    if (e == ERR_NOT_FOUND)
        *detail = TEAM_D_ORG_NOT_FOUND;
    if (e != ERR_OK)
        return e;
    if (acc.sso_enforced) {
        *detail = "Organization enforces SSO. Provision users through your identity provider.";
        return ERR_FORBIDDEN;
    }
    if (!organizations_email_allowed(a, acc.allowed_email_domains, email)) {
        *detail = "Email domain is not allowed for this organization";
        return ERR_BAD_REQUEST;
    }
    return ERR_OK;
}

/* ---- I21 invite ---- */

/* Step 6: why an existing holder of the address cannot be invited, or
 * NULL when it is a removed member of this organisation (restore). */
static const char *team_duplicate(mem_arena_t *a, const auth_user_t *inviter, const auth_user_t *ex)
{
    bool same_org = ex->has_organization && ex->organization_id == inviter->organization_id;
    if (same_org && !ex->is_active)
        return NULL;
    if (!same_org)
        return "This email address is already in use.";
    if (ex->id == inviter->id)
        return "You're already a member of this workspace.";
    if (ex->is_email_verified)
        return mem_printf(a, "%s is already a member of this workspace.", ex->email);
    return mem_printf(a, "%s already has a pending invite \xe2\x80\x94 use Resend invite to send it again.", ex->email);
}

/* One attempt of the invite transaction.  *restored says whether a
 * removed member came back; *mailed whether an e-mail was queued. */
static err_t team_invite_tx(db_t *db, mem_arena_t *a, const auth_user_t *inviter, const char *org_name,
                            const char *email, const char *full_name, auth_user_t *member, bool *restored, bool *mailed,
                            const char **detail)
{
    auth_user_t ex;
    bool found = false;
    err_t e = auth_member_find_email(db, a, email, &ex, &found);
    if (e != ERR_OK)
        return e;
    *restored = false;
    *mailed = false;
    if (found) {
        const char *why = team_duplicate(a, inviter, &ex);
        if (why) {
            *detail = why;
            return ERR_BAD_REQUEST;
        }
        /* a verified member comes back as is (no rename, no e-mail);
         * a revoked invite is a fresh invite */
        bool verified = ex.is_email_verified;
        if ((e = auth_member_restore(db, ex.id, verified ? NULL : full_name)) != ERR_OK)
            return e;
        if ((e = auth_member_get(db, a, ex.id, member)) != ERR_OK)
            return e;
        *restored = true;
        if (verified)
            return ERR_OK;
    } else {
        auth_new_user_t nu = {
            .email = email,
            .full_name = full_name,
            .has_organization = true,
            .organization_id = inviter->organization_id,
        };
        if ((e = auth_create_user(db, a, &nu, member)) != ERR_OK)
            return e;
    }
    if ((e = team_send_invite(db, a, member, inviter, org_name)) == ERR_OK)
        *mailed = true;
    return e;
}

err_t team_invite(db_t *db, http_req_t *req, mem_arena_t *a, const auth_user_t *inviter, const char *email,
                  const char *full_name, team_invite_result_t *out, const char **detail)
{
    err_t e = team_invite_access(db, a, inviter, email, detail);
    if (e != ERR_OK)
        return e;
    organizations_org_t org = {0};
    if (team_style_v2() && organizations_get(db, a, inviter->organization_id, &org) != ERR_OK)
        org.name = NULL;
    bool restored = false, mailed = false;
    /* A lost race on the e-mail index (ERR_CONFLICT) is retried: the next
     * round sees the other row and answers with its duplicate text. */
    for (int attempt = 0; attempt < TEAM_ATTEMPTS; attempt++) {
        if ((e = db_begin(db)) != ERR_OK)
            break;
        *detail = NULL;
        e = team_invite_tx(db, a, inviter, org.name, email, full_name, &out->member, &restored, &mailed, detail);
        if (e == ERR_OK)
            e = db_commit(db);
        if (e == ERR_OK)
            break;
        db_rollback(db);
        if (e == ERR_BAD_REQUEST)
            return e;
        if (e != ERR_CONFLICT)
            break;
    }
    if (e != ERR_OK) {
        log_error(TEAM_LOGGER, "invite failed: %s", err_name(e));
        *detail = TEAM_D_INVITE_FAILED;
        return ERR_INTERNAL;
    }
    json_t *meta = restored ? json_pack("{s:b}", "restored", 1) : NULL;
    auth_event(db, req, "member_invited", out->member.id, inviter->id, inviter->organization_id, out->member.email,
               meta);
    json_decref(meta);
    out->email_sent = mailed && team_mail_delivers();
    log_info(TEAM_LOGGER, "user %lld %s into organization %lld", (long long)out->member.id,
             restored ? "restored" : "invited", (long long)inviter->organization_id);
    return ERR_OK;
}

/* ---- member lookups (I16-I19) ---- */

/* Member id of the actor's organisation (404 "User not found" otherwise,
 * never telling whether the id exists elsewhere). */
static err_t team_member(db_t *db, mem_arena_t *a, const auth_user_t *actor, int64_t id, auth_user_t *out,
                         const char **detail)
{
    *detail = TEAM_D_NOT_FOUND;
    if (!actor->has_organization)
        return ERR_NOT_FOUND;
    err_t e = auth_member_get(db, a, id, out);
    if (e != ERR_OK)
        return e;
    if (!out->has_organization || out->organization_id != actor->organization_id)
        return ERR_NOT_FOUND;
    *detail = NULL;
    return ERR_OK;
}

/* A pending invitee: unverified and active (§4.5). */
static err_t team_pending(db_t *db, mem_arena_t *a, const auth_user_t *actor, int64_t id, auth_user_t *out,
                          const char **detail)
{
    err_t e = team_member(db, a, actor, id, out, detail);
    if (e != ERR_OK)
        return e;
    if (out->is_email_verified || !out->is_active) {
        *detail = TEAM_D_NOT_PENDING;
        return ERR_BAD_REQUEST;
    }
    return ERR_OK;
}

/* ---- I16 remove, I17 role ---- */

err_t team_remove(db_t *db, http_req_t *req, mem_arena_t *a, const auth_user_t *actor, int64_t id, const char **detail)
{
    if (id == actor->id) {
        *detail = "CANNOT_REMOVE_SELF";
        return ERR_BAD_REQUEST;
    }
    auth_user_t target;
    err_t e = team_member(db, a, actor, id, &target, detail);
    if (e != ERR_OK)
        return e;
    e = auth_member_remove(db, actor->organization_id, id);
    *detail = e == ERR_CONFLICT ? TEAM_D_LAST_OWNER : e == ERR_NOT_FOUND ? TEAM_D_NOT_FOUND : NULL;
    if (e == ERR_CONFLICT)
        return ERR_BAD_REQUEST;
    if (e != ERR_OK)
        return e;
    json_t *meta = json_pack("{s:b}", "was_pending_invite", !target.is_email_verified);
    auth_event(db, req, "member_removed", id, actor->id, actor->organization_id, target.email, meta);
    json_decref(meta);
    log_info(TEAM_LOGGER, "user %lld removed from organization %lld by user %lld", (long long)id,
             (long long)actor->organization_id, (long long)actor->id);
    return ERR_OK;
}

err_t team_set_role(db_t *db, mem_arena_t *a, const auth_user_t *actor, int64_t id, bool owner, auth_user_t *out,
                    const char **detail)
{
    err_t e = team_member(db, a, actor, id, out, detail);
    if (e != ERR_OK)
        return e;
    e = auth_member_set_role(db, actor->organization_id, id, owner);
    if (e == ERR_CONFLICT) {
        *detail = TEAM_D_LAST_OWNER;
        return ERR_BAD_REQUEST;
    }
    if (e == ERR_NOT_FOUND) {
        *detail = TEAM_D_NOT_FOUND;
        return e;
    }
    if (e != ERR_OK) {
        *detail = "Failed to update member role";
        return e == ERR_UNAVAILABLE ? e : ERR_INTERNAL;
    }
    return auth_member_get(db, a, id, out);
}

/* ---- I18 resend, I19 link ---- */

err_t team_resend_invite(db_t *db, mem_arena_t *a, const auth_user_t *actor, int64_t id, bool *email_sent,
                         const char **detail)
{
    auth_user_t target;
    err_t e = team_pending(db, a, actor, id, &target, detail);
    if (e != ERR_OK)
        return e;
    organizations_org_t org;
    e = organizations_get(db, a, actor->organization_id, &org);
    if (e == ERR_NOT_FOUND)
        *detail = TEAM_D_ORG_NOT_FOUND;
    if (e != ERR_OK)
        return e;
    /* a failed send never fails the request (§1.9): email_sent says it */
    e = team_send_invite(db, a, &target, actor, org.name);
    if (e != ERR_OK)
        log_error(TEAM_LOGGER, "cannot queue the invite of user %lld: %s", (long long)id, err_name(e));
    *email_sent = e == ERR_OK && team_mail_delivers();
    return ERR_OK;
}

err_t team_invite_link(db_t *db, mem_arena_t *a, const auth_user_t *actor, int64_t id, const char **link,
                       const char **detail)
{
    auth_user_t target;
    err_t e = team_pending(db, a, actor, id, &target, detail);
    if (e != ERR_OK)
        return e;
    return team_accept_link(a, &target, link);
}

/* ---- I9 accept invite ---- */

/* The user an invite token names: it decodes with audience "invite", sub
 * is a user id (digits) and email equals that user's e-mail exactly. */
static err_t team_invitee(db_t *db, mem_arena_t *a, const char *token, auth_user_t *u, const char **detail)
{
    *detail = TEAM_D_BAD_INVITE;
    json_t *claims = NULL;
    if (sec_jwt_decode_aud(token, cfg->secret_key, db_now_us() / 1000000, TEAM_INVITE_AUD, &claims) != SEC_JWT_OK)
        return ERR_BAD_REQUEST;
    const char *sub = json_get_str(claims, "sub");
    const char *email = json_get_str(claims, "email");
    char *end = NULL;
    long long id = sub && *sub ? strtoll(sub, &end, 10) : 0;
    bool ok = sub && *sub && *end == '\0' && id > 0 && email;
    char *want = ok ? mem_strdup(a, email) : NULL;
    json_decref(claims);
    if (!ok)
        return ERR_BAD_REQUEST;
    err_t e = auth_member_get(db, a, (int64_t)id, u);
    if (e == ERR_NOT_FOUND || (e == ERR_OK && strcmp(u->email, want) != 0))
        return ERR_BAD_REQUEST;
    return e;
}

err_t team_accept_invite(db_t *db, mem_arena_t *a, const char *token, const char *password, const char **access_token,
                         const char **detail)
{
    auth_user_t u;
    err_t e = team_invitee(db, a, token, &u, detail);
    if (e != ERR_OK)
        return e;
    if (u.is_email_verified || !u.is_active) {
        *detail = u.is_email_verified ? "INVITE_ALREADY_ACCEPTED" : "INVITE_REVOKED";
        return ERR_BAD_REQUEST;
    }
    if (u.has_organization) {
        organizations_access_t acc = {0};
        e = organizations_access_get(db, a, u.organization_id, &acc);
        if (e != ERR_OK && e != ERR_NOT_FOUND)
            return e;
        if (e == ERR_OK && acc.sso_enforced) {
            *detail = "INVITE_SSO_REQUIRED";
            return ERR_BAD_REQUEST;
        }
    }
    const char *reason = auth_password_policy(password, u.email);
    if (reason) {
        *detail = reason;
        return ERR_VALIDATION;
    }
    /* the anchor and the token share a second, so the token can refresh */
    if ((e = auth_member_accept(db, u.id, password, db_now_us())) != ERR_OK)
        return e;
    u.is_email_verified = true;
    return auth_issue_token_v2(a, &u, access_token);
}
