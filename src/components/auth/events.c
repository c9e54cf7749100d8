/* auth events: the auth_events audit trail (identity spec §1.6).  Writes
 * are best effort, as the original's: a failed insert is logged and never
 * fails the request that caused it. */
#include <string.h>

#include "components/auth/internal.h"
#include "components/auth/repo.h"
#include "platform/json.h"
#include "platform/log.h"
#include "shared/text.h"

/* s trimmed and cut to at most chars characters (arena a); NULL stays NULL. */
static const char *auth_event_cut(mem_arena_t *a, const char *s, size_t chars, bool lower)
{
    if (!s)
        return NULL;
    size_t n = 0;
    const char *t = text_trim_ascii(s, strlen(s), &n);
    if (lower) {
        char *low = mem_alloc(a, TEXT_LOWER_MAX(n));
        n = text_lower(t, n, low);
        t = low;
    }
    return mem_strndup(a, t, utf8_prefix(t, n, chars));
}

void auth_event(db_t *db, http_req_t *req, const char *type, int64_t user_id, int64_t actor_id, int64_t org_id,
                const char *email, const json_t *metadata)
{
    mem_arena_t *a = mem_arena_new();
    auth_event_row_t ev = {
        .type = type,
        .user_id = user_id,
        .actor_id = actor_id,
        .org_id = org_id,
        .email = auth_event_cut(a, email, 320, true),
        .ip = req ? auth_event_cut(a, req->client_ip, 64, false) : NULL,
        .user_agent = req ? auth_event_cut(a, http_header(req, "User-Agent"), 512, false) : NULL,
        .metadata = NULL,
    };
    if (metadata) {
        mem_buf_t b = {0};
        json_encode_buf(&b, metadata, false);
        ev.metadata = mem_strndup(a, b.data ? b.data : "null", b.data ? b.len : 4);
        mem_buf_free(&b);
    }
    err_t e = auth_repo_insert_event(db, &ev, db_now_us());
    if (e != ERR_OK)
        log_error(AUTH_LOGGER, "cannot record auth event %s: %s", type, err_name(e));
    mem_arena_free(a);
}
