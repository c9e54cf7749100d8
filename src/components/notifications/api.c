/* Test-only route to read the outbox over HTTP (TALI_TEST_HOOKS), and the
 * `tali outbox` command's printer. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "components/notifications/internal.h"
#include "platform/http.h"
#include "platform/json.h"

static void notif_api_outbox(http_req_t *req)
{
    const char *l = http_query(req, "limit");
    int limit = l ? atoi(l) : 20;
    db_t *db = http_db(req);
    json_t *list = NULL;
    err_t e = db ? notif_repo_outbox_list(db, limit, &list) : ERR_UNAVAILABLE;
    if (e != ERR_OK) {
        http_reply_err(req, e, "Cannot read the outbox");
        return;
    }
    http_reply_json(req, 200, list);
}

/* Enqueues one e-mail of a template, so delivery can be tested without
 * the endpoints that normally trigger it. */
static void notif_api_notify(http_req_t *req)
{
    http_verr_t *v = http_verr_new(req);
    json_t *b = http_json_body(req, v);
    if (!b) {
        http_reply_verr(req, v);
        return;
    }
    const char *t = json_get_str(b, "template"), *to = json_get_str(b, "to");
    const char *name = json_get_str(b, "name"), *token = json_get_str(b, "token");
    db_t *db = http_db(req);
    if (!t || !to || !db) {
        http_reply_detail(req, 400, "template and to are required");
        return;
    }
    err_t e;
    if (strcmp(t, "verification") == 0)
        e = notifications_send_verification(db, to, name, token ? token : "tok");
    else if (strcmp(t, "reset") == 0)
        e = notifications_send_password_reset(db, to, token ? token : "tok");
    else if (strcmp(t, "team") == 0)
        e = notifications_send_team_invite(db, to);
    else if (strcmp(t, "invite") == 0)
        e = notifications_send_assessment_invite(db, to, name, json_get_str(b, "org"), json_get_str(b, "position"), 7,
                                                 token ? token : "tok");
    else if (strcmp(t, "results") == 0)
        e = notifications_send_results(db, to, name, 7.4, 7);
    else {
        http_reply_detail(req, 400, "unknown template");
        return;
    }
    if (e != ERR_OK) {
        http_reply_err(req, e, "Cannot enqueue the e-mail");
        return;
    }
    http_reply_json(req, 202, json_pack("{s:b}", "queued", 1));
}

void notifications_register_test_hooks(http_server_t *s)
{
    static const http_route_doc_t doc = {"Test hook: latest outbox messages", "test", NULL, 200};
    static const http_route_doc_t doc2 = {"Test hook: enqueue an e-mail", "test", NULL, 202};
    http_route(s, "GET", "/__test__/outbox", notif_api_outbox, &doc);
    http_route(s, "POST", "/__test__/notify", notif_api_notify, &doc2);
}

int notifications_print_outbox(db_t *db, int limit, FILE *out)
{
    json_t *list = NULL;
    if (notif_repo_outbox_list(db, limit, &list) != ERR_OK)
        return -1;
    size_t i;
    json_t *m;
    json_array_foreach(list, i, m) {
        fprintf(out, "#%lld  %s\n  to:      %s\n  subject: %s\n  link:    %s\n\n",
                (long long)json_integer_value(json_object_get(m, "id")), json_get_str(m, "created_at"),
                json_get_str(m, "to"), json_get_str(m, "subject"),
                json_get_str(m, "link") ? json_get_str(m, "link") : "-");
    }
    if (json_array_size(list) == 0)
        fprintf(out, "The outbox is empty.\n");
    json_decref(list);
    return 0;
}
