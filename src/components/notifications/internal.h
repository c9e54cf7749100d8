/* Private to the notifications component. */
#ifndef TALI_COMPONENTS_NOTIFICATIONS_INTERNAL_H
#define TALI_COMPONENTS_NOTIFICATIONS_INTERNAL_H

#include "components/notifications/notifications.h"
#include "platform/httpclient.h"

typedef struct {
    char *subject;
    char *html;
    char *link; /* the main link, kept with outbox messages for developers */
} notif_message_t;

/* HTML-escapes s (& < > " ') into a heap string. */
char *notif_html_escape(const char *s);

void notif_render_verification(notif_message_t *m, const char *frontend_url, const char *full_name, const char *email,
                               const char *token);
/* token NULL renders the team-invite variant (link to forgot-password). */
void notif_render_reset(notif_message_t *m, const char *frontend_url, const char *token);
void notif_render_invite(notif_message_t *m, const char *frontend_url, const char *candidate_name, const char *org_name,
                         const char *position, long long assessment_id, const char *token);
void notif_render_results(notif_message_t *m, const char *frontend_url, const char *candidate_name, double score,
                          long long assessment_id);
void notif_message_free(notif_message_t *m);
/* Today's team-invite e-mail (D17 "v2"). */
void notif_render_team_invite(notif_message_t *m, const char *org_name, const char *inviter, const char *accept_link);

/* outbox table (repo.c) */
err_t notif_repo_outbox_add(db_t *db, const char *to, const char *subject, const char *html, const char *link);
err_t notif_repo_outbox_list(db_t *db, int limit, json_t **out);

#endif
