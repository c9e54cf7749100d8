/* Declarations shared by the auth component's own files (service.c,
 * schema.c, api.c).  Each service call returns an err_t and, for errors,
 * the contract's detail text in *detail (a static string). */
#ifndef TALI_COMPONENTS_AUTH_INTERNAL_H
#define TALI_COMPONENTS_AUTH_INTERNAL_H

#include "components/auth/auth.h"

#define AUTH_LOGGER "tali.auth"

/* Detail texts of api-contract A1-A7 and §1.4. */
#define AUTH_D_NOT_AUTHENTICATED "Not authenticated"
#define AUTH_D_BAD_TOKEN "Invalid or expired token"
#define AUTH_D_BAD_PAYLOAD "Invalid token payload"
#define AUTH_D_USER_NOT_FOUND "User not found"
#define AUTH_D_INACTIVE "Inactive user"
#define AUTH_D_EMAIL_TAKEN "Email already registered"
#define AUTH_D_REGISTER_FAILED "Failed to register user"
#define AUTH_D_VERIFIED "Email verified successfully. You can now sign in."
#define AUTH_D_BAD_VERIFY_LINK "Invalid or expired verification link"
#define AUTH_D_VERIFY_EXPIRED "Verification link has expired. Please request a new one."
#define AUTH_D_VERIFY_FAILED "Failed to verify email"
#define AUTH_D_RESEND_SENT "If an unverified account exists, a new verification email has been sent."
#define AUTH_D_BAD_LOGIN "Incorrect email or password"
#define AUTH_D_DISABLED "Account is disabled"
#define AUTH_D_UNVERIFIED                                                                                              \
    "Please verify your email address before signing in. Check your inbox for the verification link."
#define AUTH_D_FORGOT_SENT "If an account exists with that email, you will receive a password reset link."
#define AUTH_D_RESET_TOKEN_FAILED "Failed to create reset token"
#define AUTH_D_RESET_DONE "Password has been reset. You can now sign in."
#define AUTH_D_BAD_RESET "Invalid or expired reset token"
#define AUTH_D_RESET_FAILED "Failed to reset password"

/* Identity v2 (spec v2/identity-and-kept-routes.md). */
#define AUTH_D_UNAUTHORIZED "Unauthorized"
#define AUTH_D_OWNER_ONLY "Only a workspace owner can do this"
#define AUTH_AUD_ACCESS "fastapi-users:auth"
#define AUTH_D_LOGIN_BAD_CREDENTIALS "LOGIN_BAD_CREDENTIALS"
#define AUTH_D_PREDATES "Token predates password change"
#define AUTH_D_RESET_BAD_TOKEN "RESET_PASSWORD_BAD_TOKEN"
#define AUTH_D_RESET_INVALID "RESET_PASSWORD_INVALID_PASSWORD"
#define AUTH_D_VERIFY_BAD_TOKEN "VERIFY_USER_BAD_TOKEN"
#define AUTH_D_VERIFY_ALREADY "VERIFY_USER_ALREADY_VERIFIED"
#define AUTH_AUD_RESET "fastapi-users:reset"
#define AUTH_AUD_VERIFY "fastapi-users:verify"

/* Lifetimes (api-contract A1-A7). */
#define AUTH_VERIFY_TTL_US (24LL * 3600 * 1000000)
#define AUTH_RESEND_GUARD_US (60LL * 1000000)
#define AUTH_RESET_TTL_US (3600LL * 1000000)

/* The register answer of spec v2 D6: B's User and today's UserRead in one
 * object, keys id, email, full_name, is_active, is_email_verified,
 * is_verified, is_superuser, organization_id, role, created_at.  Returns a
 * new reference. */
json_t *auth_register_json(const auth_user_t *u);

/* UserRead of today's original (identity spec §1.7): id, email,
 * is_active, is_superuser, is_verified, full_name, organization_id, role,
 * created_at.  Returns a new reference. */
json_t *auth_userread_json(const auth_user_t *u);

typedef struct {
    const char *email; /* normalised */
    const char *password;
    const char *full_name;
    const char *organization_name; /* NULL or "" = no organisation */
} auth_register_in_t;

/* A1/I4: the password policy (400 with its text as a plain string, D7),
 * then organisation (if the name is not blank), user and verification
 * e-mail job in one transaction.  ERR_BAD_REQUEST (policy, or e-mail
 * taken: "Email already registered") or ERR_INTERNAL. */
err_t auth_svc_register(db_t *db, mem_arena_t *a, const auth_register_in_t *in, auth_user_t *out, const char **detail);

/* A2.  ERR_BAD_REQUEST (unknown or expired token) or ERR_INTERNAL. */
err_t auth_svc_verify_email(db_t *db, mem_arena_t *a, const char *token, const char **detail);

/* A3: a new token and e-mail when the guard allows; never fails (failures
 * are logged, as the original swallowed them). */
void auth_svc_resend_verification(db_t *db, mem_arena_t *a, const char *email);

/* What the credential check A4 and I1 share concluded (spec v2 D1). */
typedef enum {
    AUTH_LOGIN_OK,
    AUTH_LOGIN_BAD_CREDENTIALS, /* unknown e-mail or wrong password (counted toward the lock) */
    AUTH_LOGIN_LOCKED,          /* *detail: the 429 text */
    AUTH_LOGIN_INACTIVE,        /* correct password, inactive user */
    AUTH_LOGIN_UNVERIFIED,      /* correct password, unverified, AUTH_REQUIRE_VERIFIED_LOGIN */
    AUTH_LOGIN_ERROR,           /* *err: the database failed */
} auth_login_t;

/* The one credential check of A4 and I1 (spec v2 D1, identity spec §1.4):
 * case-insensitive lookup, the lockout before the password, the failure
 * count shared by both routes, and the auth_events rows of §1.6
 * (login_failed / account_locked / login_success; req, may be NULL, gives
 * address and agent).  *user receives the account when one was found. */
auth_login_t auth_svc_check_login(db_t *db, http_req_t *req, mem_arena_t *a, const char *username, const char *password,
                                  auth_user_t *user, const char **detail, err_t *err);

/* D14: ERR_FORBIDDEN with the enterprise sign-in detail when the
 * installed SSO policy forbids password sign-in for email (trimmed;
 * matched case-insensitively), ERR_OK otherwise, or the database error
 * with *detail. */
err_t auth_svc_sso_gate(db_t *db, mem_arena_t *a, const char *email, const char **detail);

/* A4 (v2 false: B's errors and token) or I1 (v2 true: 400
 * LOGIN_BAD_CREDENTIALS for unknown, wrong or inactive, today's token).
 * Both: 429 while locked, 403 B's text for an unverified user when
 * AUTH_REQUIRE_VERIFIED_LOGIN (D2).  *token in arena a. */
err_t auth_svc_login_as(db_t *db, http_req_t *req, mem_arena_t *a, const char *username, const char *password, bool v2,
                        const char **token, const char **detail);

/* A4 without a request (no address in the events). */
err_t auth_svc_login(db_t *db, mem_arena_t *a, const char *username, const char *password, const char **token,
                     const char **detail);

/* B's access token (sub = e-mail, user_id, org_id, exp, iat). */
err_t auth_issue_token_v1(mem_arena_t *a, const auth_user_t *u, const char **token);

/* I3: authenticates req's bearer token as every recruiter route does, but
 * a today's-format token older than the last password change gets 401
 * "Token predates password change"; then a fresh today's token. */
err_t auth_svc_refresh(http_req_t *req, mem_arena_t *a, const char **token, const char **detail);

/* A6/I7 (D8: one answer): a stored reset token and the e-mail, and the
 * event password_reset_requested, for an active user.  ERR_INTERNAL when
 * the token could not be stored. */
err_t auth_svc_forgot_password(db_t *db, http_req_t *req, mem_arena_t *a, const char *email, const char **detail);

/* A7 (v2 false) and I8 (v2 true), told apart by the body's field name
 * (D9).  token is a stored reset token or a reset JWT of today's original
 * (fingerprint checked with Argon2); then the password policy (*weak true,
 * *detail the policy text); then a bcrypt hash, the lockout cleared,
 * password_changed_at stamped and the event password_reset_completed.
 * ERR_BAD_REQUEST with B's text or RESET_PASSWORD_BAD_TOKEN (v2, also for
 * an inactive user), or ERR_INTERNAL. */
err_t auth_svc_reset(db_t *db, http_req_t *req, mem_arena_t *a, const char *token, const char *new_password, bool v2,
                     const char **detail, bool *weak);

/* I6 (v2 true) and A2 (v2 false, which also takes a JWT, D10): a verify
 * JWT of today's original (audience fastapi-users:verify, sub, email; the
 * user looked up by e-mail must have id sub) or a stored verification
 * token.  ERR_OK with *out the now verified user; ERR_BAD_REQUEST with
 * VERIFY_USER_BAD_TOKEN / VERIFY_USER_ALREADY_VERIFIED (v2) or B's texts;
 * ERR_INTERNAL. */
err_t auth_svc_verify(db_t *db, mem_arena_t *a, const char *token, bool v2, auth_user_t *out, const char **detail);

/* A7.  ERR_BAD_REQUEST (unknown or expired token) or ERR_INTERNAL. */
err_t auth_svc_reset_password(db_t *db, mem_arena_t *a, const char *token, const char *new_password,
                              const char **detail);

#endif
