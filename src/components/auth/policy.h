/* auth password policy: the strength rules of today's original (identity
 * spec §1.3, check_password_strength), applied per spec v2 D7/D9 on
 * registration and reset.  Only the auth component's own files (and its
 * unit tests) include this. */
#ifndef TALI_COMPONENTS_AUTH_POLICY_H
#define TALI_COMPONENTS_AUTH_POLICY_H

#include <stddef.h>

/* The blocklist (common_passwords.c): lower-case, sorted bytewise. */
extern const char *const auth_common_passwords[];
extern const size_t auth_common_passwords_n;

/* NULL when password passes, else the first rule it breaks, as the exact
 * static text of the original:
 *   fewer than 8 code points   "Password must be at least 8 characters."
 *   more than 72 UTF-8 bytes   "Password must be 72 characters or fewer."
 *   stripped and lower-cased in the blocklist
 *                              "This password is too common. Choose something less predictable."
 *   the e-mail's lower-cased local part (3+ characters) inside the
 *   lower-cased password, or the password inside it
 *                              "Password should not contain your email address."
 * email may be NULL (rule 4 skipped).  Never fails. */
const char *auth_password_policy(const char *password, const char *email);

#endif
