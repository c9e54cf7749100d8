/* The outbox table: messages delivered locally when no mail provider is
 * configured. */
#include "components/notifications/internal.h"

err_t notif_repo_outbox_add(db_t *db, const char *to, const char *subject, const char *html, const char *link)
{
    db_value_t p[5] = {DB_V_TEXT(to), DB_V_TEXT(subject), DB_V_TEXT(html), DB_V_TEXT(link), DB_V_TIME(db_now_us())};
    return db_exec(db, "INSERT INTO outbox (recipient, subject, html, link, created_at) VALUES ($1, $2, $3, $4, $5)", p,
                   5, NULL);
}

err_t notif_repo_outbox_list(db_t *db, int limit, json_t **out)
{
    *out = NULL;
    db_value_t p[1] = {DB_V_INT(limit > 0 ? limit : 20)};
    db_res_t *r = NULL;
    err_t e = db_query(
        db, "SELECT id, recipient, subject, html, link, created_at FROM outbox ORDER BY id DESC LIMIT $1", p, 1, &r);
    if (e != ERR_OK) {
        db_res_free(r);
        return e;
    }
    json_t *arr = json_array();
    char t[40];
    for (int i = 0; i < db_res_rows(r); i++)
        json_array_append_new(arr, json_pack("{s:I,s:s?,s:s?,s:s?,s:s?,s:s}", "id", (json_int_t)db_res_int(r, i, 0),
                                             "to", db_res_text(r, i, 1), "subject", db_res_text(r, i, 2), "html",
                                             db_res_text(r, i, 3), "link", db_res_text(r, i, 4), "created_at",
                                             db_format_time(db_res_time(r, i, 5), "Z", t)));
    db_res_free(r);
    *out = arr;
    return ERR_OK;
}
