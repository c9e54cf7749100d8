/* notifications: the e-mails of the product (platform-integrations §5,
 * api-contract §4), rendered from templates with HTML-escaped values and
 * delivered by a job (never inside the HTTP request), through Resend's HTTP
 * API when RESEND_API_KEY is set, SMTP when SMTP_URL is set, or else a
 * local outbox (stored in the `outbox` table and logged, listed by
 * `tali outbox`).
 *
 * Each notifications_send_* call enqueues one job on db, so it commits or
 * rolls back with the caller's transaction. */
#ifndef TALI_COMPONENTS_NOTIFICATIONS_H
#define TALI_COMPONENTS_NOTIFICATIONS_H

#include <jansson.h>

#include "platform/db.h"
#include "platform/err.h"
#include "platform/jobs.h"

/* "TALI — Verify your email address", link FRONTEND_URL/verify-email?token=T#/verify-email?token=T
 * (spec v2 D11: path for today's client, hash for February's). */
err_t notifications_send_verification(db_t *db, const char *to, const char *full_name, const char *token);

/* "TALI — Reset your password", link FRONTEND_URL/reset-password?token=T#/reset-password?token=T
 * (spec v2 D11). */
err_t notifications_send_password_reset(db_t *db, const char *to, const char *token);

/* Team invite: the reset template with link FRONTEND_URL/#/forgot-password. */
err_t notifications_send_team_invite(db_t *db, const char *to);

/* "Technical Assessment Invitation — {position} at {org_name}", link
 * FRONTEND_URL/assessment/{id}?token={token}.  NULL names take the
 * original's fallbacks (candidate e-mail, "Your recruiter",
 * "Technical assessment"). */
err_t notifications_send_assessment_invite(db_t *db, const char *to, const char *candidate_name, const char *org_name,
                                           const char *position, int64_t assessment_id, const char *token);

/* "Assessment Complete: {candidate} — {score:.0f}%" to a recruiter; score
 * on the 0–10 scale as the original printed it. */
err_t notifications_send_results(db_t *db, const char *to, const char *candidate_name, double score,
                                 int64_t assessment_id);

/* Registers the delivery job handler on a runner (3 retries, 60 s apart,
 * as the original's Celery tasks). */
void notifications_register_jobs(jobs_runner_t *r);

/* The latest outbox messages, newest first: [{id, to, subject, html,
 * created_at}] (new reference). */
err_t notifications_outbox_list(db_t *db, int limit, json_t **out);

/* Registers GET /__test__/outbox (TALI_TEST_HOOKS only). */
#include "platform/http.h"
void notifications_register_test_hooks(http_server_t *s);

/* Prints the latest outbox messages for `tali outbox`.  Returns -1 on a
 * database error. */
#include <stdio.h>
int notifications_print_outbox(db_t *db, int limit, FILE *out);

/* Today's team invite (identity spec §1.9, D17 "v2"): "You're invited to
 * join {org_name} on TAALI", naming the inviter, with accept_link (the
 * caller's FRONTEND_URL/accept-invite?token=... link). */
err_t notifications_send_team_invite_v2(db_t *db, const char *to, const char *org_name, const char *inviter,
                                        const char *accept_link);

#endif
