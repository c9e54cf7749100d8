/* Auth business logic: accounts, tokens, the JWT ladder.  Writes that
 * send an e-mail enqueue the e-mail job in the same transaction, so a
 * failure leaves neither the change nor the message behind. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "components/auth/internal.h"
#include "components/auth/repo.h"
#include "components/notifications/notifications.h"
#include "platform/config.h"
#include "platform/json.h"
#include "platform/log.h"
#include "platform/security.h"
#include "platform/validate.h"

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

/* ---- A1 register ---- */

err_t auth_svc_register(db_t *db, mem_arena_t *a, const auth_register_in_t *in, auth_user_t *out, const char **detail)
{
    *detail = AUTH_D_REGISTER_FAILED;
    /* bcrypt is slow: hash before the transaction opens. */
    char *hash = sec_password_hash(in->password);
    if (!hash) {
        log_error(AUTH_LOGGER, "bcrypt is not available");
        return ERR_INTERNAL;
    }
    char *token = sec_random_token(32);
    bool has_org = in->organization_name && in->organization_name[0] != '\0';
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
            free(token);
            *detail = AUTH_D_EMAIL_TAKEN;
            return ERR_BAD_REQUEST;
        }
        if (e == ERR_OK && has_org)
            e = auth_org_create ? auth_org_create(db, in->organization_name, &org_id) : ERR_INTERNAL;
        if (e == ERR_OK)
            e = auth_repo_insert(db, a, in->email, hash, in->full_name, has_org, org_id, has_org, token, db_now_us(),
                                 out);
        if (e == ERR_OK)
            e = notifications_send_verification(db, in->email, in->full_name, token);
        if (e == ERR_OK)
            e = db_commit(db);
        if (e == ERR_OK)
            break;
        db_rollback(db);
        if (e != ERR_CONFLICT)
            break;
    }
    free(hash);
    free(token);
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
    char *token = sec_random_token(32);
    err_t e = db_begin(db);
    if (e == ERR_OK)
        e = auth_repo_set_verification(db, row.user.id, token, now);
    if (e == ERR_OK)
        e = notifications_send_verification(db, row.user.email, row.user.full_name, token);
    if (e == ERR_OK)
        e = db_commit(db);
    if (e != ERR_OK) {
        db_rollback(db);
        log_error(AUTH_LOGGER, "resending the verification of user %lld failed: %s", (long long)row.user.id,
                  err_name(e));
    }
    free(token);
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

/* Counts a wrong password against row's account.  Best effort: the answer
 * is 401 either way, and a failed write is only logged. */
static void auth_count_failure(db_t *db, const auth_row_t *row, int64_t now_us)
{
    int64_t lock_until = now_us + (int64_t)cfg->auth_lockout_minutes * 60 * 1000000;
    int64_t attempts = 0;
    err_t e = auth_repo_login_failed(db, row->user.id, now_us, cfg->auth_lockout_threshold, lock_until, &attempts);
    if (e != ERR_OK)
        log_error(AUTH_LOGGER, "cannot count a failed login for user %lld: %s", (long long)row->user.id, err_name(e));
    else if (attempts >= cfg->auth_lockout_threshold)
        log_warn(AUTH_LOGGER, "user %lld locked for %d minutes after %lld failed logins", (long long)row->user.id,
                 cfg->auth_lockout_minutes, (long long)attempts);
}

err_t auth_svc_login(db_t *db, mem_arena_t *a, const char *username, const char *password, const char **token,
                     const char **detail)
{
    auth_row_t row;
    bool found = false;
    *detail = "Internal Server Error";
    err_t e = auth_repo_by_email(db, a, auth_login_name(a, username), &row, &found);
    if (e != ERR_OK)
        return e == ERR_UNAVAILABLE ? ERR_UNAVAILABLE : ERR_INTERNAL;
    if (!found || !row.hashed_password) {
        sec_password_burn(password);
        *detail = AUTH_D_BAD_LOGIN;
        return ERR_UNAUTHORIZED;
    }
    int64_t now_us = db_now_us();
    if (auth_locked(a, &row, now_us, detail))
        return ERR_RATE_LIMITED;
    if (!sec_password_verify(password, row.hashed_password)) {
        auth_count_failure(db, &row, now_us);
        *detail = AUTH_D_BAD_LOGIN;
        return ERR_UNAUTHORIZED;
    }
    if ((row.failed_login_attempts != 0 || row.has_locked_until) &&
        (e = auth_repo_login_succeeded(db, row.user.id)) != ERR_OK && e != ERR_NOT_FOUND)
        return e == ERR_UNAVAILABLE ? ERR_UNAVAILABLE : ERR_INTERNAL;
    if (!row.user.is_active) {
        *detail = AUTH_D_DISABLED;
        return ERR_FORBIDDEN;
    }
    if (!row.user.is_email_verified) {
        *detail = AUTH_D_UNVERIFIED;
        return ERR_FORBIDDEN;
    }
    /* Claims in the original's order, plus iat so a later password reset
     * can tell this token apart (policy fix 5). */
    int64_t now_s = db_now_us() / 1000000;
    json_t *claims = json_object();
    json_object_set_new(claims, "sub", json_string(row.user.email));
    json_object_set_new(claims, "user_id", json_integer((json_int_t)row.user.id));
    json_object_set_new(claims, "org_id",
                        row.user.has_organization ? json_integer((json_int_t)row.user.organization_id) : json_null());
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

err_t auth_svc_forgot_password(db_t *db, mem_arena_t *a, const char *email, const char **detail)
{
    auth_row_t row;
    bool found = false;
    *detail = AUTH_D_RESET_TOKEN_FAILED;
    err_t e = auth_repo_by_email(db, a, email, &row, &found);
    if (e != ERR_OK)
        return ERR_INTERNAL;
    if (!found || !row.user.is_active)
        return ERR_OK;
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

/* ---- A7 reset password ---- */

err_t auth_svc_reset_password(db_t *db, mem_arena_t *a, const char *token, const char *new_password,
                              const char **detail)
{
    auth_row_t row;
    bool found = false;
    *detail = AUTH_D_RESET_FAILED;
    err_t e = auth_repo_by_reset_token(db, a, token, &row, &found);
    if (e != ERR_OK)
        return ERR_INTERNAL;
    int64_t now = db_now_us();
    if (!found || !sec_ct_equal(row.reset_token, token) || !row.has_reset_expires || row.reset_expires <= now) {
        *detail = AUTH_D_BAD_RESET;
        return ERR_BAD_REQUEST;
    }
    char *hash = sec_password_hash(new_password);
    if (!hash) {
        log_error(AUTH_LOGGER, "bcrypt is not available");
        return ERR_INTERNAL;
    }
    e = auth_repo_set_password(db, row.user.id, hash, db_now_us());
    free(hash);
    if (e != ERR_OK) {
        log_error(AUTH_LOGGER, "cannot reset the password of user %lld: %s", (long long)row.user.id, err_name(e));
        return ERR_INTERNAL;
    }
    log_info(AUTH_LOGGER, "password of user %lld reset", (long long)row.user.id);
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
static err_t auth_resolve_v2(http_req_t *req, const char *token, int64_t now_s, auth_row_t *row, const char **detail)
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
    int64_t iat = 0;
    if (row->has_password_changed_at &&
        (!auth_token_issued_at(claims, &iat) || iat < row->password_changed_at / 1000000))
        return ERR_UNAUTHORIZED;
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

err_t auth_resolve(http_req_t *req, api_auth_t need, const void **principal, const char **detail)
{
    const char *token = http_bearer_token(req);
    if (!token)
        return auth_unauthorized(req, AUTH_D_NOT_AUTHENTICATED, detail);
    int64_t now_s = db_now_us() / 1000000;
    auth_row_t row;
    /* The token's shape says which contract's ladder answers (D4). */
    err_t e = sec_jwt_names_audience(token) ? auth_resolve_v2(req, token, now_s, &row, detail)
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
