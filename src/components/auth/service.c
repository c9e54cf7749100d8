/* Auth business logic: accounts, tokens, the JWT ladder.  Writes that
 * send an e-mail enqueue the e-mail job in the same transaction, so a
 * failure leaves neither the change nor the message behind. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "components/auth/internal.h"
#include "components/auth/policy.h"
#include "components/auth/repo.h"
#include "components/notifications/notifications.h"
#include "platform/config.h"
#include "platform/json.h"
#include "platform/log.h"
#include "platform/security.h"
#include "platform/validate.h"
#include "shared/text.h"

/* Attempts of a write transaction that lost a race on a unique index
 * (e-mail or organisation slug); the retry sees the winner's row. */
#define AUTH_TX_ATTEMPTS 10

/* ---- lookups for other components ---- */

/* Set once at start-up (auth_set_org_creator), read-only afterwards. */
static auth_org_create_fn auth_org_create;

void auth_set_org_creator(auth_org_create_fn fn)
{
    auth_org_create = fn;
}

/* Set once at start-up (auth_set_sso_policy), read-only afterwards. */
static auth_sso_policy_fn auth_sso_policy;

void auth_set_sso_policy(auth_sso_policy_fn fn)
{
    auth_sso_policy = fn;
}

err_t auth_svc_sso_gate(db_t *db, mem_arena_t *a, const char *email, const char **detail)
{
    if (!auth_sso_policy || !email)
        return ERR_OK;
    size_t n = 0;
    const char *b = text_trim_ascii(email, strlen(email), &n);
    if (n == 0)
        return ERR_OK;
    const char *addr = mem_strndup(a, b, n);
    auth_user_t holder;
    bool found = false, enforced = false;
    err_t err = auth_member_find_email(db, a, addr, &holder, &found);
    if (err == ERR_OK)
        err = auth_sso_policy(db, a, addr, found ? &holder : NULL, &enforced);
    if (err != ERR_OK) {
        *detail = err == ERR_UNAVAILABLE ? "Database unavailable" : "Internal Server Error";
        return err == ERR_UNAVAILABLE ? err : ERR_INTERNAL;
    }
    if (!enforced)
        return ERR_OK;
    *detail = "Organization enforces SSO. Use enterprise sign-in.";
    return ERR_FORBIDDEN;
}

err_t auth_first_user_email_of_org(db_t *db, mem_arena_t *a, int64_t org_id, const char **email)
{
    bool found = false;
    err_t e = auth_repo_first_email_of_org(db, a, org_id, email, &found);
    if (e != ERR_OK)
        return e;
    return found ? ERR_OK : ERR_NOT_FOUND;
}

err_t auth_user_exists_email(db_t *db, const char *email, bool *exists)
{
    return auth_repo_email_taken(db, email, exists);
}

err_t auth_list_org_users(db_t *db, mem_arena_t *a, int64_t org_id, auth_user_t **users, size_t *n)
{
    return auth_repo_list_org(db, a, org_id, users, n);
}

err_t auth_create_user(db_t *db, mem_arena_t *a, const auth_new_user_t *in, auth_user_t *out)
{
    char *random_pw = NULL;
    const char *pw = in->password;
    if (!pw) {
        /* 16 random bytes that nobody ever sees (api-contract §1.5). */
        random_pw = sec_random_token(16);
        pw = random_pw;
    }
    char *hash = sec_password_hash(pw);
    free(random_pw);
    if (!hash) {
        log_error(AUTH_LOGGER, "bcrypt is not available");
        return ERR_INTERNAL;
    }
    err_t e = auth_repo_insert(db, a, in->email, hash, in->full_name, in->has_organization, in->organization_id,
                               in->owner, in->verification_token, db_now_us(), out);
    free(hash);
    return e;
}

/* ---- the verification e-mail (D10: a verify JWT, D12: one throttle) ---- */

/* A verify JWT of today's original for u (identity spec §1.2): sub = the
 * id as a string, email, aud fastapi-users:verify, 24 h.  NULL when it
 * cannot be signed; else in arena a. */
static const char *auth_verify_jwt(mem_arena_t *a, const auth_user_t *u)
{
    int64_t exp = db_now_us() / 1000000 + AUTH_VERIFY_TTL_US / 1000000;
    json_t *claims = json_pack("{s:s,s:s,s:s,s:I}", "sub", mem_printf(a, "%lld", (long long)u->id), "email", u->email,
                               "aud", AUTH_AUD_VERIFY, "exp", (json_int_t)exp);
    char *jwt = claims ? sec_jwt_encode(claims, cfg->secret_key) : NULL;
    json_decref(claims);
    const char *out = jwt ? mem_strdup(a, jwt) : NULL;
    free(jwt);
    return out;
}

/* Issues one kind of verification token (D10: the JWT, which both
 * /verify-email and /verify take), stores it as B's column holds the
 * latest token (so A2 keeps "a new link voids the old one") with
 * email_verification_sent_at (the resend throttle of A3 and I5), then
 * enqueues the e-mail, on db as it is. */
static err_t auth_send_verification(db_t *db, mem_arena_t *a, const auth_user_t *u)
{
    const char *token = auth_verify_jwt(a, u);
    if (!token) {
        log_error(AUTH_LOGGER, "cannot sign a verification token");
        return ERR_INTERNAL;
    }
    err_t e = auth_repo_set_verification(db, u->id, token, db_now_us());
    if (e == ERR_OK)
        e = notifications_send_verification(db, u->email, u->full_name, token);
    return e;
}

/* ---- A1 register ---- */

err_t auth_svc_register(db_t *db, mem_arena_t *a, const auth_register_in_t *in, auth_user_t *out, const char **detail)
{
    const char *weak = auth_password_policy(in->password, in->email);
    if (weak) {
        *detail = weak;
        return ERR_BAD_REQUEST;
    }
    *detail = AUTH_D_REGISTER_FAILED;
    /* bcrypt is slow: hash before the transaction opens. */
    char *hash = sec_password_hash(in->password);
    if (!hash) {
        log_error(AUTH_LOGGER, "bcrypt is not available");
        return ERR_INTERNAL;
    }
    /* a blank name (white space only) means no organisation (§1.7 I4 quirk, fixed) */
    size_t org_len = 0;
    bool has_org = in->organization_name &&
                   (text_trim_ascii(in->organization_name, strlen(in->organization_name), &org_len), org_len > 0);
    err_t e = ERR_INTERNAL;
    for (int attempt = 0; attempt < AUTH_TX_ATTEMPTS; attempt++) {
        if ((e = db_begin(db)) != ERR_OK)
            break;
        bool taken = false;
        int64_t org_id = 0;
        e = auth_repo_email_taken(db, in->email, &taken);
        if (e == ERR_OK && taken) {
            db_rollback(db);
            free(hash);
            *detail = AUTH_D_EMAIL_TAKEN;
            return ERR_BAD_REQUEST;
        }
        if (e == ERR_OK && has_org)
            e = auth_org_create ? auth_org_create(db, in->organization_name, &org_id) : ERR_INTERNAL;
        if (e == ERR_OK)
            e = auth_repo_insert(db, a, in->email, hash, in->full_name, has_org, org_id, has_org, NULL, db_now_us(),
                                 out);
        if (e == ERR_OK)
            e = auth_send_verification(db, a, out);
        if (e == ERR_OK)
            e = db_commit(db);
        if (e == ERR_OK)
            break;
        db_rollback(db);
        if (e != ERR_CONFLICT)
            break;
    }
    free(hash);
    if (e != ERR_OK) {
        log_error(AUTH_LOGGER, "registration failed: %s", err_name(e));
        return ERR_INTERNAL;
    }
    log_info(AUTH_LOGGER, "user %lld registered", (long long)out->id);
    return ERR_OK;
}

/* ---- A2 verify e-mail ---- */

err_t auth_svc_verify_email(db_t *db, mem_arena_t *a, const char *token, const char **detail)
{
    auth_row_t row;
    bool found = false;
    *detail = AUTH_D_VERIFY_FAILED;
    err_t e = auth_repo_by_verification_token(db, a, token, &row, &found);
    if (e != ERR_OK)
        return ERR_INTERNAL;
    if (!found || !sec_ct_equal(row.verification_token, token)) {
        *detail = AUTH_D_BAD_VERIFY_LINK;
        return ERR_BAD_REQUEST;
    }
    int64_t now = db_now_us();
    if (row.has_verification_sent_at && now - row.verification_sent_at > AUTH_VERIFY_TTL_US) {
        *detail = AUTH_D_VERIFY_EXPIRED;
        return ERR_BAD_REQUEST;
    }
    e = auth_repo_mark_verified(db, row.user.id, now);
    if (e != ERR_OK) {
        log_error(AUTH_LOGGER, "cannot mark user %lld verified: %s", (long long)row.user.id, err_name(e));
        return ERR_INTERNAL;
    }
    return ERR_OK;
}

/* ---- A3 resend verification ---- */

void auth_svc_resend_verification(db_t *db, mem_arena_t *a, const char *email)
{
    auth_row_t row;
    bool found = false;
    if (auth_repo_by_email(db, a, email, &row, &found) != ERR_OK || !found)
        return;
    if (row.user.is_email_verified || !row.user.is_active)
        return;
    int64_t now = db_now_us();
    if (row.has_verification_sent_at && now - row.verification_sent_at < AUTH_RESEND_GUARD_US)
        return;
    err_t e = db_begin(db);
    if (e == ERR_OK)
        e = auth_send_verification(db, a, &row.user);
    if (e == ERR_OK)
        e = db_commit(db);
    if (e != ERR_OK) {
        db_rollback(db);
        log_error(AUTH_LOGGER, "resending the verification of user %lld failed: %s", (long long)row.user.id,
                  err_name(e));
    }
}

/* ---- A4 login ---- */

/* The login name as registration would have stored it (policy fix 5):
 * an address email-validator accepts is normalised the same way; anything
 * else is only stripped of surrounding blanks. */
static const char *auth_login_name(mem_arena_t *a, const char *username)
{
    char *reason = NULL;
    char *norm = vld_email_normalize(username, strlen(username), &reason);
    free(reason);
    if (norm) {
        char *copy = mem_strdup(a, norm);
        free(norm);
        return copy;
    }
    const char *s = username;
    size_t n = strlen(s);
    while (n > 0 && isspace((unsigned char)*s))
        s++, n--;
    while (n > 0 && isspace((unsigned char)s[n - 1]))
        n--;
    return mem_strndup(a, s, n);
}

/* The lockout of identity spec §1.4, checked before the password (a
 * correct password does not lift it).  True, with the 429 text in
 * *detail, while row is locked. */
static bool auth_locked(mem_arena_t *a, const auth_row_t *row, int64_t now_us, const char **detail)
{
    if (!row->has_locked_until || row->locked_until <= now_us)
        return false;
    int64_t remaining_s = (row->locked_until - now_us) / 1000000;
    int64_t minutes = remaining_s / 60 + 1;
    *detail = mem_printf(a, "Too many failed login attempts. Try again in %lld minute(s).",
                         (long long)(minutes < 1 ? 1 : minutes));
    return true;
}

/* Counts a wrong password against row's account and records the event
 * of identity spec §1.6 (account_locked when this failure reaches the
 * threshold, else login_failed).  Best effort: the answer is the same
 * either way, and a failed write is only logged. */
static void auth_count_failure(db_t *db, http_req_t *req, const auth_row_t *row, int64_t now_us)
{
    int64_t lock_until = now_us + (int64_t)cfg->auth_lockout_minutes * 60 * 1000000;
    int64_t attempts = 0;
    err_t e = auth_repo_login_failed(db, row->user.id, now_us, cfg->auth_lockout_threshold, lock_until, &attempts);
    if (e != ERR_OK) {
        log_error(AUTH_LOGGER, "cannot count a failed login for user %lld: %s", (long long)row->user.id, err_name(e));
        return;
    }
    bool locked = attempts >= cfg->auth_lockout_threshold;
    json_t *meta = locked ? json_pack("{s:s,s:I,s:i}", "reason", "bad_password", "failed_attempts",
                                      (json_int_t)attempts, "lock_minutes", cfg->auth_lockout_minutes)
                          : json_pack("{s:s,s:I}", "reason", "bad_password", "failed_attempts", (json_int_t)attempts);
    auth_event(db, req, locked ? "account_locked" : "login_failed", row->user.id, 0,
               row->user.has_organization ? row->user.organization_id : 0, row->user.email, meta);
    json_decref(meta);
    if (locked)
        log_warn(AUTH_LOGGER, "user %lld locked for %d minutes after %lld failed logins", (long long)row->user.id,
                 cfg->auth_lockout_minutes, (long long)attempts);
}

/* A login_failed event with only a reason. */
static void auth_login_failed_event(db_t *db, http_req_t *req, const auth_user_t *u, const char *email,
                                    const char *reason)
{
    json_t *meta = json_pack("{s:s}", "reason", reason);
    auth_event(db, req, "login_failed", u ? u->id : 0, 0, u && u->has_organization ? u->organization_id : 0, email,
               meta);
    json_decref(meta);
}

auth_login_t auth_svc_check_login(db_t *db, http_req_t *req, mem_arena_t *a, const char *username, const char *password,
                                  auth_user_t *user, const char **detail, err_t *err)
{
    auth_row_t row;
    bool found = false;
    *detail = "Internal Server Error";
    err_t e = auth_repo_by_email(db, a, auth_login_name(a, username), &row, &found);
    if (e != ERR_OK) {
        *err = e == ERR_UNAVAILABLE ? ERR_UNAVAILABLE : ERR_INTERNAL;
        if (e == ERR_UNAVAILABLE)
            *detail = "Database unavailable";
        return AUTH_LOGIN_ERROR;
    }
    if (!found || !row.hashed_password) {
        sec_password_burn(password);
        auth_login_failed_event(db, req, found ? &row.user : NULL, username, "unknown_email");
        return AUTH_LOGIN_BAD_CREDENTIALS;
    }
    *user = row.user;
    int64_t now_us = db_now_us();
    if (auth_locked(a, &row, now_us, detail)) {
        auth_login_failed_event(db, req, &row.user, row.user.email, "account_locked");
        return AUTH_LOGIN_LOCKED;
    }
    if (!sec_password_verify(password, row.hashed_password)) {
        auth_count_failure(db, req, &row, now_us);
        return AUTH_LOGIN_BAD_CREDENTIALS;
    }
    if ((row.failed_login_attempts != 0 || row.has_locked_until) &&
        (e = auth_repo_login_succeeded(db, row.user.id)) != ERR_OK && e != ERR_NOT_FOUND) {
        *err = e == ERR_UNAVAILABLE ? ERR_UNAVAILABLE : ERR_INTERNAL;
        return AUTH_LOGIN_ERROR;
    }
    if (!row.user.is_active)
        return AUTH_LOGIN_INACTIVE;
    if (!row.user.is_email_verified && cfg->auth_require_verified_login) {
        *detail = AUTH_D_UNVERIFIED;
        return AUTH_LOGIN_UNVERIFIED;
    }
    auth_event(db, req, "login_success", row.user.id, 0, row.user.has_organization ? row.user.organization_id : 0,
               row.user.email, NULL);
    return AUTH_LOGIN_OK;
}

/* The answer of A4 (B's contract) to an outcome. */
static err_t auth_login_b(auth_login_t o, const char **detail)
{
    switch (o) {
    case AUTH_LOGIN_BAD_CREDENTIALS: *detail = AUTH_D_BAD_LOGIN; return ERR_UNAUTHORIZED;
    case AUTH_LOGIN_LOCKED: return ERR_RATE_LIMITED;
    case AUTH_LOGIN_INACTIVE: *detail = AUTH_D_DISABLED; return ERR_FORBIDDEN;
    case AUTH_LOGIN_UNVERIFIED: *detail = AUTH_D_UNVERIFIED; return ERR_FORBIDDEN;
    default: return ERR_INTERNAL;
    }
}

/* The answer of I1 (today's contract, D2) to an outcome. */
static err_t auth_login_v2(auth_login_t o, const char **detail)
{
    switch (o) {
    case AUTH_LOGIN_BAD_CREDENTIALS:
    case AUTH_LOGIN_INACTIVE: *detail = AUTH_D_LOGIN_BAD_CREDENTIALS; return ERR_BAD_REQUEST;
    case AUTH_LOGIN_LOCKED: return ERR_RATE_LIMITED;
    case AUTH_LOGIN_UNVERIFIED: *detail = AUTH_D_UNVERIFIED; return ERR_FORBIDDEN;
    default: return ERR_INTERNAL;
    }
}

err_t auth_svc_login_as(db_t *db, http_req_t *req, mem_arena_t *a, const char *username, const char *password, bool v2,
                        const char **token, const char **detail)
{
    auth_user_t u;
    err_t err = ERR_INTERNAL;
    auth_login_t o = auth_svc_check_login(db, req, a, username, password, &u, detail, &err);
    if (o == AUTH_LOGIN_ERROR)
        return err;
    if (o != AUTH_LOGIN_OK)
        return v2 ? auth_login_v2(o, detail) : auth_login_b(o, detail);
    *detail = "Internal Server Error";
    return v2 ? auth_issue_token_v2(a, &u, token) : auth_issue_token_v1(a, &u, token);
}

err_t auth_svc_login(db_t *db, mem_arena_t *a, const char *username, const char *password, const char **token,
                     const char **detail)
{
    return auth_svc_login_as(db, NULL, a, username, password, false, token, detail);
}

err_t auth_issue_token_v1(mem_arena_t *a, const auth_user_t *u, const char **token)
{
    /* Claims in the original's order, plus iat so a later password reset
     * can tell this token apart (policy fix 5). */
    int64_t now_s = db_now_us() / 1000000;
    json_t *claims = json_object();
    json_object_set_new(claims, "sub", json_string(u->email));
    json_object_set_new(claims, "user_id", json_integer((json_int_t)u->id));
    json_object_set_new(claims, "org_id",
                        u->has_organization ? json_integer((json_int_t)u->organization_id) : json_null());
    json_object_set_new(claims, "exp",
                        json_integer((json_int_t)(now_s + (int64_t)cfg->access_token_expire_minutes * 60)));
    json_object_set_new(claims, "iat", json_integer((json_int_t)now_s));
    char *jwt = sec_jwt_encode(claims, cfg->secret_key);
    json_decref(claims);
    if (!jwt) {
        log_error(AUTH_LOGGER, "cannot sign a token");
        return ERR_INTERNAL;
    }
    *token = mem_strdup(a, jwt);
    free(jwt);
    return ERR_OK;
}

err_t auth_issue_token_v2(mem_arena_t *a, const auth_user_t *u, const char **token)
{
    int64_t now_s = db_now_us() / 1000000;
    json_t *claims =
        json_pack("{s:s,s:[s],s:I,s:I}", "sub", mem_printf(a, "%lld", (long long)u->id), "aud", AUTH_AUD_ACCESS, "iat",
                  (json_int_t)now_s, "exp", (json_int_t)(now_s + (int64_t)cfg->access_token_expire_minutes * 60));
    char *jwt = claims ? sec_jwt_encode(claims, cfg->secret_key) : NULL;
    json_decref(claims);
    if (!jwt) {
        log_error(AUTH_LOGGER, "cannot sign a token");
        return ERR_INTERNAL;
    }
    *token = mem_strdup(a, jwt);
    free(jwt);
    return ERR_OK;
}

/* ---- A6 forgot password ---- */

err_t auth_svc_forgot_password(db_t *db, http_req_t *req, mem_arena_t *a, const char *email, const char **detail)
{
    auth_row_t row;
    bool found = false;
    *detail = AUTH_D_RESET_TOKEN_FAILED;
    err_t e = auth_repo_by_email(db, a, email, &row, &found);
    if (e != ERR_OK)
        return ERR_INTERNAL;
    if (!found || !row.user.is_active)
        return ERR_OK;
    auth_event(db, req, "password_reset_requested", row.user.id, 0,
               row.user.has_organization ? row.user.organization_id : 0, row.user.email, NULL);
    int64_t now = db_now_us();
    char *token = sec_random_token(32);
    e = db_begin(db);
    if (e == ERR_OK)
        e = auth_repo_set_reset(db, row.user.id, token, now + AUTH_RESET_TTL_US, now);
    if (e == ERR_OK)
        e = notifications_send_password_reset(db, row.user.email, token);
    if (e == ERR_OK)
        e = db_commit(db);
    free(token);
    if (e != ERR_OK) {
        db_rollback(db);
        log_error(AUTH_LOGGER, "cannot store a reset token for user %lld: %s", (long long)row.user.id, err_name(e));
        return ERR_INTERNAL;
    }
    return ERR_OK;
}

/* ---- A7 / I8 reset password ---- */

/* The user id a JWT of today's original names in its sub claim (a string
 * of digits); false for anything else. */
static bool auth_jwt_sub(const json_t *claims, int64_t *id)
{
    const json_t *sub = json_object_get(claims, "sub");
    if (!json_is_string(sub))
        return false;
    const char *s = json_string_value(sub);
    if (!*s || strspn(s, "0123456789") != strlen(s) || strlen(s) > 18)
        return false;
    *id = (int64_t)strtoll(s, NULL, 10);
    return true;
}

/* The account a reset JWT of today's original (identity spec §1.2)
 * names: audience fastapi-users:reset, unexpired, sub a user id, and
 * password_fgpt an Argon2 hash of that user's current stored hash (so the
 * token dies with the password it was issued for).  *found false for any
 * failure. */
static err_t auth_reset_jwt_user(db_t *db, mem_arena_t *a, const char *token, auth_row_t *row, bool *found)
{
    *found = false;
    json_t *claims = NULL;
    if (sec_jwt_decode_aud(token, cfg->secret_key, db_now_us() / 1000000, AUTH_AUD_RESET, &claims) != SEC_JWT_OK)
        return ERR_OK;
    int64_t id = 0;
    const json_t *fgpt = json_object_get(claims, "password_fgpt");
    bool shaped = auth_jwt_sub(claims, &id) && json_is_string(fgpt);
    const char *fp = shaped ? mem_strdup(a, json_string_value(fgpt)) : NULL;
    json_decref(claims);
    if (!shaped)
        return ERR_OK;
    bool exists = false;
    err_t e = auth_repo_by_id(db, a, id, row, &exists);
    if (e != ERR_OK || !exists)
        return e;
    *found = row->hashed_password && sec_argon2_verify(row->hashed_password, fp);
    return ERR_OK;
}

/* The account a stored reset token (B's columns) names, unexpired. */
static err_t auth_reset_stored_user(db_t *db, mem_arena_t *a, const char *token, auth_row_t *row, bool *found)
{
    err_t e = auth_repo_by_reset_token(db, a, token, row, found);
    if (e != ERR_OK || !*found)
        return e;
    *found = sec_ct_equal(row->reset_token, token) && row->has_reset_expires && row->reset_expires > db_now_us();
    return ERR_OK;
}

err_t auth_svc_reset(db_t *db, http_req_t *req, mem_arena_t *a, const char *token, const char *new_password, bool v2,
                     const char **detail, bool *weak)
{
    auth_row_t row;
    bool found = false;
    *weak = false;
    *detail = AUTH_D_RESET_FAILED;
    /* both token kinds on both branches (D9): a JWT names an audience */
    err_t e = sec_jwt_names_audience(token) ? auth_reset_jwt_user(db, a, token, &row, &found)
                                            : auth_reset_stored_user(db, a, token, &row, &found);
    if (e != ERR_OK)
        return ERR_INTERNAL;
    if (!found || (v2 && !row.user.is_active)) {
        *detail = v2 ? AUTH_D_RESET_BAD_TOKEN : AUTH_D_BAD_RESET;
        return ERR_BAD_REQUEST;
    }
    const char *reason = auth_password_policy(new_password, row.user.email);
    if (reason) {
        *detail = reason;
        *weak = true;
        return ERR_BAD_REQUEST;
    }
    char *hash = sec_password_hash(new_password);
    if (!hash) {
        log_error(AUTH_LOGGER, "bcrypt is not available");
        return ERR_INTERNAL;
    }
    /* one statement: new hash, no stored token, lockout cleared, anchor stamped */
    e = auth_repo_set_password(db, row.user.id, hash, db_now_us());
    free(hash);
    if (e != ERR_OK) {
        log_error(AUTH_LOGGER, "cannot reset the password of user %lld: %s", (long long)row.user.id, err_name(e));
        return ERR_INTERNAL;
    }
    auth_event(db, req, "password_reset_completed", row.user.id, 0,
               row.user.has_organization ? row.user.organization_id : 0, row.user.email, NULL);
    log_info(AUTH_LOGGER, "password of user %lld reset", (long long)row.user.id);
    return ERR_OK;
}

err_t auth_svc_reset_password(db_t *db, mem_arena_t *a, const char *token, const char *new_password,
                              const char **detail)
{
    bool weak = false;
    return auth_svc_reset(db, NULL, a, token, new_password, false, detail, &weak);
}

/* ---- I6 verify (and A2 with a JWT) ---- */

err_t auth_svc_verify(db_t *db, mem_arena_t *a, const char *token, bool v2, auth_user_t *out, const char **detail)
{
    *detail = v2 ? AUTH_D_VERIFY_BAD_TOKEN : AUTH_D_BAD_VERIFY_LINK;
    if (!v2) {
        /* B's route: the stored (latest) token first, JWT or not */
        err_t e = auth_svc_verify_email(db, a, token, detail);
        if (e != ERR_BAD_REQUEST || strcmp(*detail, AUTH_D_BAD_VERIFY_LINK) != 0 || !sec_jwt_names_audience(token))
            return e; /* verified, expired, failed, or not a JWT */
        *detail = AUTH_D_BAD_VERIFY_LINK;
    }
    if (!sec_jwt_names_audience(token)) {
        /* a stored token (B's column) on today's route */
        auth_row_t row;
        bool found = false;
        if (auth_repo_by_verification_token(db, a, token, &row, &found) != ERR_OK)
            return ERR_INTERNAL;
        if (!found || !sec_ct_equal(row.verification_token, token) ||
            (row.has_verification_sent_at && db_now_us() - row.verification_sent_at > AUTH_VERIFY_TTL_US))
            return ERR_BAD_REQUEST;
        if (auth_repo_mark_verified(db, row.user.id, db_now_us()) != ERR_OK)
            return ERR_INTERNAL;
        *out = row.user;
        out->is_email_verified = true;
        return ERR_OK;
    }
    json_t *claims = NULL;
    sec_jwt_status_t st = sec_jwt_decode_aud(token, cfg->secret_key, db_now_us() / 1000000, AUTH_AUD_VERIFY, &claims);
    if (st != SEC_JWT_OK) {
        if (!v2 && st == SEC_JWT_EXPIRED)
            *detail = AUTH_D_VERIFY_EXPIRED;
        return ERR_BAD_REQUEST;
    }
    int64_t id = 0;
    const json_t *em = json_object_get(claims, "email");
    bool shaped = auth_jwt_sub(claims, &id) && json_is_string(em);
    const char *email = shaped ? mem_strdup(a, json_string_value(em)) : NULL;
    json_decref(claims);
    if (!shaped)
        return ERR_BAD_REQUEST;
    auth_row_t row;
    bool found = false;
    if (auth_repo_by_email(db, a, email, &row, &found) != ERR_OK)
        return ERR_INTERNAL;
    if (!found || row.user.id != id)
        return ERR_BAD_REQUEST;
    /* B's route: a JWT other than the stored latest one was superseded
     * (today's tokens minted elsewhere pass while none is stored) */
    if (!v2 && row.verification_token)
        return ERR_BAD_REQUEST;
    /* B's route keeps B's 24 h from the last e-mail sent (A2) */
    if (!v2 && !row.user.is_email_verified && row.has_verification_sent_at &&
        db_now_us() - row.verification_sent_at > AUTH_VERIFY_TTL_US) {
        *detail = AUTH_D_VERIFY_EXPIRED;
        return ERR_BAD_REQUEST;
    }
    if (row.user.is_email_verified) {
        if (v2)
            *detail = AUTH_D_VERIFY_ALREADY;
        return ERR_BAD_REQUEST;
    }
    if (auth_repo_mark_verified(db, row.user.id, db_now_us()) != ERR_OK)
        return ERR_INTERNAL;
    *out = row.user;
    out->is_email_verified = true;
    return ERR_OK;
}

/* ---- the JWT ladder (§1.4) ---- */

/* The user id of the claim as the original's query would have matched it:
 * an integer, an integral float or a string of digits.  Returns false for
 * anything else (no user can match). */
static bool auth_claim_user_id(const json_t *v, int64_t *id)
{
    if (json_is_integer(v)) {
        *id = (int64_t)json_integer_value(v);
        return true;
    }
    if (json_is_real(v)) {
        double d = json_real_value(v);
        if (d >= -9.2e18 && d <= 9.2e18 && d == (double)(int64_t)d) {
            *id = (int64_t)d;
            return true;
        }
        return false;
    }
    if (json_is_string(v)) {
        const char *s = json_string_value(v);
        char *end = NULL;
        if (!*s)
            return false;
        long long x = strtoll(s, &end, 10);
        if (*end != '\0')
            return false;
        *id = (int64_t)x;
        return true;
    }
    return false;
}

/* When the token was issued, in Unix seconds: its iat claim, or (tokens
 * of the original carry none) exp minus the configured lifetime.  false
 * when neither is known. */
static bool auth_token_issued_at(const json_t *claims, int64_t *iat)
{
    const json_t *v = json_object_get(claims, "iat");
    if (json_is_integer(v)) {
        *iat = (int64_t)json_integer_value(v);
        return true;
    }
    if (json_is_real(v)) {
        *iat = (int64_t)json_real_value(v);
        return true;
    }
    v = json_object_get(claims, "exp");
    if (json_is_integer(v)) {
        *iat = (int64_t)json_integer_value(v) - (int64_t)cfg->access_token_expire_minutes * 60;
        return true;
    }
    if (json_is_real(v)) {
        *iat = (int64_t)json_real_value(v) - (int64_t)cfg->access_token_expire_minutes * 60;
        return true;
    }
    return false;
}

/* A 401 of the JWT check: the error with the Bearer challenge. */
static err_t auth_unauthorized(http_req_t *req, const char *text, const char **detail)
{
    http_set_header(req, "WWW-Authenticate", "Bearer");
    *detail = text;
    return ERR_UNAUTHORIZED;
}

/* The user behind a token's id, read with the request's connection:
 * *found says whether it exists.  ERR_UNAVAILABLE ("Database
 * unavailable") or ERR_INTERNAL when it cannot be read. */
static err_t auth_resolve_row(http_req_t *req, int64_t id, auth_row_t *row, bool *found, const char **detail)
{
    db_t *db = http_db(req);
    err_t e = db ? auth_repo_by_id(db, req->arena, id, row, found) : ERR_UNAVAILABLE;
    if (e == ERR_OK)
        return ERR_OK;
    *detail = e == ERR_UNAVAILABLE ? "Database unavailable" : "Internal Server Error";
    return e == ERR_UNAVAILABLE ? ERR_UNAVAILABLE : ERR_INTERNAL;
}

/* The check of a token of today's original (identity spec §1.2, D3/D4):
 * audience fastapi-users:auth, sub a user id as a string of digits; every
 * failure, an inactive user included, is 401 "Unauthorized". */
static err_t auth_resolve_v2(http_req_t *req, const char *token, int64_t now_s, bool refresh, auth_row_t *row,
                             const char **detail)
{
    *detail = AUTH_D_UNAUTHORIZED;
    json_t *claims = NULL;
    if (sec_jwt_decode_aud(token, cfg->secret_key, now_s, AUTH_AUD_ACCESS, &claims) != SEC_JWT_OK)
        return ERR_UNAUTHORIZED;
    mem_defer(req->arena, (void (*)(void *))json_decref, claims);
    int64_t id = 0;
    const json_t *sub = json_object_get(claims, "sub");
    if (!json_is_string(sub) || !auth_claim_user_id(sub, &id))
        return ERR_UNAUTHORIZED;
    bool found = false;
    err_t e = auth_resolve_row(req, id, row, &found, detail);
    if (e != ERR_OK)
        return e;
    if (!found || !row->user.is_active)
        return ERR_UNAUTHORIZED;
    /* Refresh (I3) names this failure; every other route, where our
     * stronger rule refuses the old token too, says only "Unauthorized".
     * A token of this shape without iat predates any change, as I3's
     * rule says. */
    const json_t *iat = json_object_get(claims, "iat");
    if (row->has_password_changed_at &&
        (!json_is_number(iat) || (int64_t)json_number_value(iat) < row->password_changed_at / 1000000)) {
        if (refresh)
            *detail = AUTH_D_PREDATES;
        return ERR_UNAUTHORIZED;
    }
    return ERR_OK;
}

/* The ladder of the February contract (§1.4) for its tokens (no aud). */
static err_t auth_resolve_v1(http_req_t *req, const char *token, int64_t now_s, auth_row_t *row, const char **detail)
{
    json_t *claims = NULL;
    if (sec_jwt_decode(token, cfg->secret_key, now_s, &claims) != SEC_JWT_OK || !json_is_object(claims)) {
        json_decref(claims);
        return auth_unauthorized(req, AUTH_D_BAD_TOKEN, detail);
    }
    mem_defer(req->arena, (void (*)(void *))json_decref, claims);
    const json_t *uid = json_object_get(claims, "user_id");
    if (!uid || json_is_null(uid)) {
        *detail = AUTH_D_BAD_PAYLOAD;
        return ERR_UNAUTHORIZED;
    }
    int64_t id = 0;
    *detail = AUTH_D_USER_NOT_FOUND;
    if (!auth_claim_user_id(uid, &id))
        return ERR_NOT_FOUND;
    bool found = false;
    err_t e = auth_resolve_row(req, id, row, &found, detail);
    if (e != ERR_OK)
        return e;
    if (!found)
        return ERR_NOT_FOUND;
    if (row->has_password_changed_at) {
        /* Policy fix 5: tokens issued before the last password reset are
         * void.  iat has whole seconds, so a token issued in the second of
         * the reset itself still passes. */
        int64_t iat = 0;
        int64_t changed_s = row->password_changed_at / 1000000;
        if (!auth_token_issued_at(claims, &iat) || iat < changed_s)
            return auth_unauthorized(req, AUTH_D_BAD_TOKEN, detail);
    }
    if (!row->user.is_active) {
        *detail = AUTH_D_INACTIVE;
        return ERR_BAD_REQUEST;
    }
    return ERR_OK;
}

/* The role a route needs (identity spec §1.5). */
static err_t auth_check_role(const auth_user_t *u, api_auth_t need, const char **detail)
{
    if (need == API_AUTH_OWNER && !u->is_owner) {
        *detail = AUTH_D_OWNER_ONLY;
        return ERR_FORBIDDEN;
    }
    if (need == API_AUTH_SUPERUSER && !u->is_superuser) {
        *detail = "Forbidden";
        return ERR_FORBIDDEN;
    }
    return ERR_OK;
}

/* auth_resolve, and for refresh (I3) its own text for a token older
 * than the last password change. */
static err_t auth_resolve_as(http_req_t *req, api_auth_t need, bool refresh, const void **principal,
                             const char **detail)
{
    const char *token = http_bearer_token(req);
    if (!token)
        return auth_unauthorized(req, AUTH_D_NOT_AUTHENTICATED, detail);
    int64_t now_s = db_now_us() / 1000000;
    auth_row_t row;
    /* The token's shape says which contract's ladder answers (D4). */
    err_t e = sec_jwt_names_audience(token) ? auth_resolve_v2(req, token, now_s, refresh, &row, detail)
                                            : auth_resolve_v1(req, token, now_s, &row, detail);
    if (e != ERR_OK)
        return e;
    if ((e = auth_check_role(&row.user, need, detail)) != ERR_OK)
        return e;
    auth_user_t *u = mem_alloc(req->arena, sizeof *u);
    *u = row.user;
    req->principal = u;
    *principal = u;
    *detail = NULL;
    return ERR_OK;
}

err_t auth_resolve(http_req_t *req, api_auth_t need, const void **principal, const char **detail)
{
    return auth_resolve_as(req, need, false, principal, detail);
}

err_t auth_svc_refresh(http_req_t *req, mem_arena_t *a, const char **token, const char **detail)
{
    const void *principal = NULL;
    err_t e = auth_resolve_as(req, API_AUTH_RECRUITER, true, &principal, detail);
    if (e != ERR_OK)
        return e;
    *detail = "Internal Server Error";
    return auth_issue_token_v2(a, principal, token);
}
