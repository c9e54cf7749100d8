/* E-mail: render now, deliver in a job.  Rendering at enqueue time makes
 * each job self-contained, so a retry sends exactly what was meant. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "components/notifications/internal.h"
#include "platform/config.h"
#include "platform/json.h"
#include "platform/log.h"
#include "platform/mem.h"
#include "platform/security.h"

#define NOTIF_JOB_KIND "email"
#define NOTIF_ATTEMPTS 4     /* the original: 3 retries */
#define NOTIF_RETRY_DELAY 60 /* seconds, as the original */

static err_t notif_enqueue(db_t *db, const char *to, notif_message_t *m)
{
    json_t *payload =
        json_pack("{s:s,s:s,s:s,s:s?}", "to", to, "subject", m->subject, "html", m->html, "link", m->link);
    err_t e = payload ? jobs_enqueue(db, NOTIF_JOB_KIND, payload, 0, NOTIF_ATTEMPTS, NULL) : ERR_INTERNAL;
    json_decref(payload);
    notif_message_free(m);
    return e;
}

err_t notifications_send_verification(db_t *db, const char *to, const char *full_name, const char *token)
{
    notif_message_t m = {0};
    notif_render_verification(&m, cfg->frontend_url, full_name, to, token);
    return notif_enqueue(db, to, &m);
}

err_t notifications_send_password_reset(db_t *db, const char *to, const char *token)
{
    notif_message_t m = {0};
    notif_render_reset(&m, cfg->frontend_url, token);
    return notif_enqueue(db, to, &m);
}

err_t notifications_send_team_invite(db_t *db, const char *to)
{
    notif_message_t m = {0};
    notif_render_reset(&m, cfg->frontend_url, NULL);
    return notif_enqueue(db, to, &m);
}

err_t notifications_send_team_invite_v2(db_t *db, const char *to, const char *org_name, const char *inviter,
                                        const char *accept_link)
{
    notif_message_t m = {0};
    notif_render_team_invite(&m, org_name && *org_name ? org_name : "your team", inviter && *inviter ? inviter : to,
                             accept_link);
    return notif_enqueue(db, to, &m);
}

err_t notifications_send_assessment_invite(db_t *db, const char *to, const char *candidate_name, const char *org_name,
                                           const char *position, int64_t assessment_id, const char *token)
{
    notif_message_t m = {0};
    notif_render_invite(&m, cfg->frontend_url, candidate_name && *candidate_name ? candidate_name : to,
                        org_name && *org_name ? org_name : "Your recruiter",
                        position && *position ? position : "Technical assessment", (long long)assessment_id, token);
    return notif_enqueue(db, to, &m);
}

err_t notifications_send_results(db_t *db, const char *to, const char *candidate_name, double score,
                                 int64_t assessment_id)
{
    notif_message_t m = {0};
    notif_render_results(&m, cfg->frontend_url, candidate_name && *candidate_name ? candidate_name : "Candidate", score,
                         (long long)assessment_id);
    return notif_enqueue(db, to, &m);
}

err_t notifications_outbox_list(db_t *db, int limit, json_t **out)
{
    return notif_repo_outbox_list(db, limit, out);
}

/* ---- delivery adapters ---- */

static err_t notif_deliver_resend(const char *to, const char *subject, const char *html, char *err, size_t errlen)
{
    json_t *body =
        json_pack("{s:s,s:[s],s:s,s:s}", "from", cfg->email_from, "to", to, "subject", subject, "html", html);
    char *text = json_encode(body);
    json_decref(body);
    char *url = xasprintf("%s/emails", cfg->resend_base_url);
    char *auth = xasprintf("Authorization: Bearer %s", cfg->resend_api_key);
    const char *headers[] = {auth, "Content-Type: application/json", "Accept: application/json",
                             "User-Agent: tali-c/0.1", NULL};
    httpc_request_t req = {
        .method = "POST", .url = url, .headers = headers, .body = text, .body_len = strlen(text), .timeout_ms = 15000};
    httpc_response_t resp;
    err_t e = httpc_perform(&req, &resp);
    if (e != ERR_OK) {
        snprintf(err, errlen, "resend: %s", resp.error);
    } else if (resp.status < 200 || resp.status >= 300) {
        snprintf(err, errlen, "resend answered %ld: %.200s", resp.status, resp.body ? resp.body : "");
        e = ERR_BAD_GATEWAY;
    } else {
        json_t *r = resp.body ? json_parse(resp.body, resp.body_len, 8, NULL) : NULL;
        const char *id = json_get_str(r, "id");
        log_info("tali.notifications", "e-mail \"%s\" sent through Resend (id %s)", subject, id ? id : "?");
        json_decref(r);
    }
    httpc_response_free(&resp);
    free(url);
    free(auth);
    free(text);
    return e;
}

/* The bare address inside "Name <addr>" (or the whole text). */
static char *notif_address(const char *from)
{
    const char *lt = strchr(from, '<'), *gt = lt ? strchr(lt, '>') : NULL;
    if (lt && gt)
        return xstrndup(lt + 1, (size_t)(gt - lt - 1));
    return xstrdup(from);
}

/* Standard padded base64 (MIME) of s, from the URL-safe encoder. */
static char *notif_b64(const char *s)
{
    char *u = sec_b64url_encode(s, strlen(s));
    size_t n = strlen(u), pad = (4 - n % 4) % 4;
    char *out = xmalloc(n + pad + 1);
    for (size_t i = 0; i < n; i++)
        out[i] = u[i] == '-' ? '+' : u[i] == '_' ? '/' : u[i];
    for (size_t i = 0; i < pad; i++)
        out[n + i] = '=';
    out[n + pad] = '\0';
    free(u);
    return out;
}

static err_t notif_deliver_smtp(const char *to, const char *subject, const char *html, char *err, size_t errlen)
{
    /* RFC 2047 encoded subject and a base64 body keep any UTF-8 intact */
    char *subj_b64 = notif_b64(subject);
    char *hb = notif_b64(html);
    size_t hn = strlen(hb);
    mem_buf_t body = {0};
    for (size_t i = 0; i < hn; i += 76) {
        mem_buf_append(&body, hb + i, hn - i < 76 ? hn - i : 76);
        mem_buf_append(&body, "\r\n", 2);
    }
    free(hb);
    char date[64];
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S +0000", &tm);
    char *from_addr = notif_address(cfg->email_from);
    char *rnd = sec_random_token(12);
    const char *at = strchr(from_addr, '@');
    char *msg =
        xasprintf("Date: %s\r\nFrom: %s\r\nTo: %s\r\nSubject: =?UTF-8?B?%s?=\r\nMessage-ID: <%s%s>\r\n"
                  "MIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\n"
                  "Content-Transfer-Encoding: base64\r\n\r\n%s",
                  date, cfg->email_from, to, subj_b64, rnd, at ? at : "@tali.local", body.data ? body.data : "");
    err_t e = httpc_smtp_send(cfg->smtp_url, from_addr, to, msg, err, errlen);
    if (e == ERR_OK)
        log_info("tali.notifications", "e-mail \"%s\" sent through SMTP", subject);
    free(msg);
    free(rnd);
    free(from_addr);
    free(subj_b64);
    mem_buf_free(&body);
    return e;
}

static err_t notif_deliver_outbox(db_pool_t *pool, const char *to, const char *subject, const char *html,
                                  const char *link, char *err, size_t errlen)
{
    db_t *db = db_acquire(pool);
    if (!db) {
        snprintf(err, errlen, "no database connection");
        return ERR_UNAVAILABLE;
    }
    err_t e = notif_repo_outbox_add(db, to, subject, html, link);
    db_release(pool, db);
    if (e != ERR_OK) {
        snprintf(err, errlen, "outbox insert failed");
        return e;
    }
    /* no provider configured: the outbox is where a developer finds links */
    log_info("tali.notifications", "e-mail to outbox (no RESEND_API_KEY or SMTP_URL): \"%s\" link=%s", subject,
             link ? link : "-");
    return ERR_OK;
}

static err_t notif_job(void *ctx, db_pool_t *pool, const json_t *payload, char *err, size_t errlen)
{
    const char *to = json_get_str(payload, "to");
    const char *subject = json_get_str(payload, "subject");
    const char *html = json_get_str(payload, "html");
    const char *link = json_get_str(payload, "link");
    if (!to || !subject || !html) {
        snprintf(err, errlen, "e-mail job without to/subject/html");
        return ERR_BAD_REQUEST;
    }
    if (cfg->resend_api_key && *cfg->resend_api_key)
        return notif_deliver_resend(to, subject, html, err, errlen);
    if (cfg->smtp_url && *cfg->smtp_url)
        return notif_deliver_smtp(to, subject, html, err, errlen);
    return notif_deliver_outbox(pool, to, subject, html, link, err, errlen);
}

void notifications_register_jobs(jobs_runner_t *r)
{
    jobs_runner_handle(r, NOTIF_JOB_KIND, notif_job, NULL, NOTIF_RETRY_DELAY);
}
