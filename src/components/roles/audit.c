/* The `changes` of a role change event (§4.4, services/role_change_audit.py):
 * {field: {"before", "after"}} over the fixed allow-list of roles_cols.
 * Long texts are hashed ({"sha256","length","present"}), the JSON
 * columns fingerprinted ({"sha256","serialized_length","present":true}),
 * other strings past 512 characters previewed, times in isoformat, lists
 * capped at 25 items, and one change whose encoding passes 1,024 bytes is
 * replaced by the fingerprints of its two sides ("compacted").  With the
 * allow-list's ~40 bounded fields the 65,536-byte diff cap is never
 * reached, so it is not checked. */
#include <stdlib.h>
#include <string.h>

#include "components/roles/internal.h"
#include "platform/json.h"
#include "platform/security.h"
#include "platform/validate.h"

#define ROLES_AUDIT_PREVIEW 512
#define ROLES_AUDIT_ITEMS 25
#define ROLES_AUDIT_CHANGE_MAX 1024

/* Canonical JSON (sorted keys, compact, ASCII), heap. */
static char *roles_audit_canonical(const json_t *v)
{
    return json_dumps(v, JSON_SORT_KEYS | JSON_COMPACT | JSON_ENCODE_ANY | JSON_ENSURE_ASCII);
}

static json_t *roles_audit_fingerprint(const json_t *v, const char *flag)
{
    char *s = roles_audit_canonical(v);
    size_t n = s ? strlen(s) : 0;
    char hex[65];
    sec_sha256_hex(s ? s : "", n, hex);
    free(s);
    return json_pack("{sssIsb}", "sha256", hex, "serialized_length", (json_int_t)n, flag, 1);
}

static json_t *roles_audit_hash(const json_t *v)
{
    if (!json_is_string(v))
        return json_pack("{snsIsb}", "sha256", "length", (json_int_t)0, "present", 0);
    const char *s = json_string_value(v);
    size_t n = json_string_length(v);
    char hex[65];
    sec_sha256_hex(s, n, hex);
    return json_pack("{sssIsb}", "sha256", hex, "length", (json_int_t)vld_utf8_len(s, n), "present", 1);
}

/* The first max code points of s[0..n) (byte length). */
static size_t roles_audit_prefix(const char *s, size_t n, size_t max)
{
    size_t i = 0, cps = 0;
    while (i < n && cps < max) {
        unsigned char c = (unsigned char)s[i];
        i += c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
        cps++;
    }
    return i > n ? n : i;
}

static json_t *roles_audit_plain(const roles_col_t *c, const json_t *v)
{
    if (!v || json_is_null(v))
        return json_null();
    if (c->type == ROLES_COL_TIME) {
        char buf[40];
        return json_string(db_format_time(json_integer_value(v), "+00:00", buf));
    }
    if (json_is_string(v)) {
        const char *s = json_string_value(v);
        size_t n = json_string_length(v);
        size_t len = vld_utf8_len(s, n);
        if (len <= ROLES_AUDIT_PREVIEW)
            return json_copy((json_t *)v);
        char hex[65];
        sec_sha256_hex(s, n, hex);
        return json_pack("{ss%sssIsb}", "preview", s, roles_audit_prefix(s, n, ROLES_AUDIT_PREVIEW), "sha256", hex,
                         "length", (json_int_t)len, "truncated", 1);
    }
    if (json_is_array(v) && json_array_size(v) > ROLES_AUDIT_ITEMS) {
        json_t *out = json_array();
        for (size_t i = 0; i < ROLES_AUDIT_ITEMS; i++)
            json_array_append(out, json_array_get(v, i));
        json_array_append_new(
            out, json_pack("{sI}", "__audit_omitted_items__", (json_int_t)(json_array_size(v) - ROLES_AUDIT_ITEMS)));
        return out;
    }
    return json_deep_copy(v);
}

static json_t *roles_audit_side(const roles_col_t *c, const json_t *v)
{
    switch (c->audit) {
    case ROLES_AUDIT_HASH: return roles_audit_hash(v);
    case ROLES_AUDIT_JSON: return !v || json_is_null(v) ? json_null() : roles_audit_fingerprint(v, "present");
    default: return roles_audit_plain(c, v);
    }
}

static json_t *roles_audit_change(const roles_col_t *c, const json_t *before, const json_t *after)
{
    json_t *ch = json_pack("{soso}", "before", roles_audit_side(c, before), "after", roles_audit_side(c, after));
    char *s = roles_audit_canonical(ch);
    size_t n = s ? strlen(s) : 0;
    free(s);
    if (n <= ROLES_AUDIT_CHANGE_MAX)
        return ch;
    json_t *compact =
        json_pack("{sososb}", "before", roles_audit_fingerprint(json_object_get(ch, "before"), "content_omitted"),
                  "after", roles_audit_fingerprint(json_object_get(ch, "after"), "content_omitted"), "compacted", 1);
    json_decref(ch);
    return compact;
}

static bool roles_audit_same(const json_t *a, const json_t *b)
{
    bool an = !a || json_is_null(a), bn = !b || json_is_null(b);
    if (an || bn)
        return an == bn;
    return json_equal((json_t *)a, (json_t *)b);
}

json_t *roles_audit_diff(const json_t *before, const json_t *after)
{
    json_t *diff = json_object();
    for (size_t i = 0; i < roles_ncols; i++) {
        const roles_col_t *c = &roles_cols[i];
        if (c->audit == ROLES_AUDIT_NO)
            continue;
        const json_t *b = json_object_get(before, c->name), *a = json_object_get(after, c->name);
        if (!roles_audit_same(b, a))
            json_object_set_new(diff, c->name, roles_audit_change(c, b, a));
    }
    return diff;
}
