/* The e-mail templates: an HTML card (600 px on #f4f4f7, an indigo header
 * band) in the original's words and links.  Unlike the original, every
 * interpolated value is HTML-escaped. */
#include "components/notifications/internal.h"

#include <stdio.h>
#include <string.h>

#include "platform/mem.h"

char *notif_html_escape(const char *s)
{
    mem_buf_t b = {0};
    mem_buf_append(&b, "", 0);
    for (; s && *s; s++) {
        switch (*s) {
        case '&': mem_buf_puts(&b, "&amp;"); break;
        case '<': mem_buf_puts(&b, "&lt;"); break;
        case '>': mem_buf_puts(&b, "&gt;"); break;
        case '"': mem_buf_puts(&b, "&quot;"); break;
        case '\'': mem_buf_puts(&b, "&#x27;"); break;
        default: mem_buf_append(&b, s, 1);
        }
    }
    return mem_buf_take(&b);
}

/* Wraps body HTML in the common card.  subtitle may be NULL. */
static char *notif_card(const char *subtitle, const char *body)
{
    return xasprintf(
        "<!DOCTYPE html><html><body style=\"margin:0;padding:0;background:#f4f4f7;font-family:Arial,sans-serif;\">"
        "<table width=\"100%%\" cellpadding=\"0\" cellspacing=\"0\" style=\"background:#f4f4f7;padding:24px 0;\">"
        "<tr><td align=\"center\">"
        "<table width=\"600\" cellpadding=\"0\" cellspacing=\"0\" style=\"background:#ffffff;border-radius:8px;"
        "overflow:hidden;\">"
        "<tr><td style=\"background:#6366f1;padding:24px;text-align:center;color:#ffffff;\">"
        "<h1 style=\"margin:0;font-size:28px;\">TALI</h1>%s%s%s</td></tr>"
        "<tr><td style=\"padding:32px;color:#333333;font-size:16px;line-height:1.5;\">%s</td></tr>"
        "</table></td></tr></table></body></html>",
        subtitle ? "<p style=\"margin:4px 0 0;font-size:14px;\">" : "", subtitle ? subtitle : "",
        subtitle ? "</p>" : "", body);
}

static char *notif_button(const char *href_escaped, const char *label)
{
    return xasprintf("<p style=\"text-align:center;margin:32px 0;\"><a href=\"%s\" style=\"background:#6366f1;"
                     "color:#ffffff;padding:12px 28px;border-radius:6px;text-decoration:none;font-weight:bold;\">"
                     "%s</a></p>",
                     href_escaped, label);
}

static void notif_finish(notif_message_t *m, const char *subtitle, char *body)
{
    m->html = notif_card(subtitle, body);
    free(body);
}

void notif_render_verification(notif_message_t *m, const char *frontend_url, const char *full_name, const char *email,
                               const char *token)
{
    char *tok = httpc_urlencode(token);
    /* spec v2 D11: one link for both clients; today's reads the path and
     * query, February's only the hash */
    char *link = xasprintf("%s/verify-email?token=%s#/verify-email?token=%s", frontend_url, tok, tok);
    char *elink = notif_html_escape(link);
    char *ename = notif_html_escape(full_name && *full_name ? full_name : email);
    char *btn = notif_button(elink, "Verify Email");
    m->subject = xstrdup("TALI \xe2\x80\x94 Verify your email address");
    notif_finish(m, "Technical Assessment Platform",
                 xasprintf("<h2 style=\"margin-top:0;\">Verify your email</h2><p>Hi %s,</p>"
                           "<p>Thanks for signing up for TALI. Please confirm your email address to activate "
                           "your account.</p>%s<p style=\"font-size:13px;color:#666666;\">Or copy this link into "
                           "your browser:<br><a href=\"%s\">%s</a></p>"
                           "<p style=\"font-size:13px;color:#666666;\">This link expires in 24 hours. If you did "
                           "not create an account, you can ignore this email.</p>",
                           ename, btn, elink, elink));
    m->link = link;
    free(tok);
    free(elink);
    free(ename);
    free(btn);
}

void notif_render_reset(notif_message_t *m, const char *frontend_url, const char *token)
{
    char *link;
    if (token) {
        char *tok = httpc_urlencode(token);
        link = xasprintf("%s/reset-password?token=%s#/reset-password?token=%s", frontend_url, tok, tok);
        free(tok);
    } else {
        /* team invites reuse this template with the forgot-password page */
        link = xasprintf("%s/#/forgot-password", frontend_url);
    }
    char *elink = notif_html_escape(link);
    char *btn = notif_button(elink, "Reset password");
    m->subject = xstrdup("TALI \xe2\x80\x94 Reset your password");
    notif_finish(m, NULL,
                 xasprintf("<h2 style=\"margin-top:0;\">Reset your password</h2>"
                           "<p>We received a request to reset your TALI password. The link below expires in "
                           "1 hour.</p>%s<p style=\"font-size:13px;color:#666666;\">Or copy this link into your "
                           "browser:<br><a href=\"%s\">%s</a></p>"
                           "<p style=\"font-size:13px;color:#666666;\">If you did not request this, you can "
                           "ignore this email.</p>",
                           btn, elink, elink));
    m->link = link;
    free(elink);
    free(btn);
}

void notif_render_invite(notif_message_t *m, const char *frontend_url, const char *candidate_name, const char *org_name,
                         const char *position, long long assessment_id, const char *token)
{
    char *tok = httpc_urlencode(token ? token : "");
    char *link = assessment_id > 0 ? xasprintf("%s/assessment/%lld?token=%s", frontend_url, assessment_id, tok)
                                   : xasprintf("%s/assess/%s", frontend_url, tok);
    char *elink = notif_html_escape(link);
    char *ename = notif_html_escape(candidate_name);
    char *eorg = notif_html_escape(org_name);
    char *epos = notif_html_escape(position);
    char *btn = notif_button(elink, "Start Assessment");
    m->subject = xasprintf("Technical Assessment Invitation \xe2\x80\x94 %s at %s", position, org_name);
    notif_finish(m, "Technical Assessment Platform",
                 xasprintf("<p>Hi %s,</p><p>You have been invited by <strong>%s</strong> to complete a "
                           "technical assessment for the <strong>%s</strong> role.</p>"
                           "<p>You will work in a live coding environment with AI-assisted debugging: write and "
                           "run code, ask the AI assistant for help, and submit when you are done.</p>%s"
                           "<p style=\"font-size:13px;color:#666666;\">Or copy this link into your browser:<br>"
                           "<a href=\"%s\">%s</a></p><p style=\"font-size:12px;color:#999999;\">This invitation "
                           "was sent via TALI on behalf of %s.</p>",
                           ename, eorg, epos, btn, elink, elink, eorg));
    m->link = link;
    free(tok);
    free(elink);
    free(ename);
    free(eorg);
    free(epos);
    free(btn);
}

void notif_render_results(notif_message_t *m, const char *frontend_url, const char *candidate_name, double score,
                          long long assessment_id)
{
    char *link = xasprintf("%s/assessments/%lld", frontend_url, assessment_id);
    char *elink = notif_html_escape(link);
    char *ename = notif_html_escape(candidate_name);
    char *btn = notif_button(elink, "View Full Results");
    /* the original compares the 0-10 score with 70/40: keep its colours */
    const char *colour = score >= 70 ? "#16a34a" : score >= 40 ? "#d97706" : "#dc2626";
    m->subject = xasprintf("Assessment Complete: %s \xe2\x80\x94 %.0f%%", candidate_name, score);
    notif_finish(m, "Technical Assessment Platform",
                 xasprintf("<h2 style=\"margin-top:0;\">Assessment Completed</h2>"
                           "<p><strong>%s</strong> has completed their technical assessment.</p>"
                           "<div style=\"background:#f9fafb;border-radius:8px;padding:16px;text-align:center;\">"
                           "<p style=\"margin:0;color:#666666;\">Score</p><p style=\"margin:4px 0 0;font-size:32px;"
                           "font-weight:bold;color:%s;\">%.0f%%</p></div>%s"
                           "<p style=\"font-size:12px;color:#999999;\">You are receiving this because you review "
                           "assessments for your organisation on TALI.</p>",
                           ename, colour, score, btn));
    m->link = link;
    free(elink);
    free(ename);
    free(btn);
}

void notif_message_free(notif_message_t *m)
{
    free(m->subject);
    free(m->html);
    free(m->link);
    memset(m, 0, sizeof *m);
}

void notif_render_team_invite(notif_message_t *m, const char *org_name, const char *inviter, const char *accept_link)
{
    char *elink = notif_html_escape(accept_link);
    char *eorg = notif_html_escape(org_name);
    char *einviter = notif_html_escape(inviter);
    char *btn = notif_button(elink, "Accept invite");
    m->subject = xasprintf("You're invited to join %s on TAALI", org_name);
    notif_finish(m, NULL,
                 xasprintf("<h2 style=\"margin-top:0;\">Join %s</h2>"
                           "<p><strong>%s</strong> has invited you to join <strong>%s</strong>. Accept the invite "
                           "to choose your password and sign in.</p>%s"
                           "<p style=\"font-size:13px;color:#666666;\">Or copy this link into your browser:<br>"
                           "<a href=\"%s\">%s</a></p><p style=\"font-size:13px;color:#666666;\">The link "
                           "expires in 7 days. If you did not expect this invite, you can ignore this email.</p>",
                           eorg, einviter, eorg, btn, elink, elink));
    m->link = xstrdup(accept_link);
    free(elink);
    free(eorg);
    free(einviter);
    free(btn);
}
