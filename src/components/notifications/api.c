/* Test-only route to read the outbox over HTTP (TALI_TEST_HOOKS), and the
 * `tali outbox` command's printer. */
#include <stdio.h>
#include <stdlib.h>

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

void notifications_register_test_hooks(http_server_t *s)
{
    static const http_route_doc_t doc = {"Test hook: latest outbox messages", "test", NULL, 200};
    http_route(s, "GET", "/__test__/outbox", notif_api_outbox, &doc);
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
