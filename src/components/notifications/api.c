/* Test-only routes (TALI_TEST_HOOKS) to read the outbox and enqueue an
 * e-mail over HTTP, as route-table entries, and the `tali outbox`
 * command's printer. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "components/notifications/internal.h"
#include "platform/api.h"
#include "platform/http.h"
#include "platform/json.h"

/* GET /__test__/outbox?limit=N: the latest outbox messages (limit read
 * as atoi, default 20). */
static err_t notif_api_outbox(api_ctx_t *ctx, const void *in, api_out_t *out)
{
    const char *l = http_query(ctx->req, "limit");
    int limit = l ? atoi(l) : 20;
    db_t *db = http_db(ctx->req);
    json_t *list = NULL;
    err_t e = db ? notif_repo_outbox_list(db, limit, &list) : ERR_UNAVAILABLE;
    if (e != ERR_OK)
        return api_fail(out, e, "Cannot read the outbox");
    return api_json(out, list);
}

/* POST /__test__/notify: enqueues one e-mail of a template, so delivery
 * can be tested without the endpoints that normally trigger it. */
static err_t notif_api_notify(api_ctx_t *ctx, const void *in, api_out_t *out)
{
    const json_t *b = ctx->body;
    const char *t = json_get_str(b, "template"), *to = json_get_str(b, "to");
    const char *name = json_get_str(b, "name"), *token = json_get_str(b, "token");
    db_t *db = http_db(ctx->req);
    if (!t || !to || !db)
        return api_fail(out, ERR_BAD_REQUEST, "template and to are required");
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
    else
        return api_fail(out, ERR_BAD_REQUEST, "unknown template");
    if (e != ERR_OK)
        return api_fail(out, e, "Cannot enqueue the e-mail");
    return api_json(out, json_pack("{s:b}", "queued", 1));
}

static const api_route_t notif_test_routes[] = {
    {"GET", "/__test__/outbox", API_AUTH_NONE, API_BODY_NONE, API_RL_NONE, NULL, 0, notif_api_outbox, 200,
     "Test hook: latest outbox messages", "test"},
    {"POST", "/__test__/notify", API_AUTH_NONE, API_BODY_JSON, API_RL_NONE, NULL, 0, notif_api_notify, 202,
     "Test hook: enqueue an e-mail", "test"},
};

void notifications_register_test_hooks(http_server_t *s)
{
    api_routes(s, notif_test_routes, sizeof notif_test_routes / sizeof notif_test_routes[0]);
}

int notifications_print_outbox(db_t *db, int limit, FILE *out)
{
    json_t *list = NULL;
    if (notif_repo_outbox_list(db, limit, &list) != ERR_OK)
        return -1;
    size_t i;
    json_t *m;
    json_array_foreach(list, i, m)
    {
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
