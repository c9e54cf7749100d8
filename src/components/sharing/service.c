/* sharing service: minting, listing and revoking share links and
 * submittal packs, and the three viewers' gating (§11: unknown 404,
 * revoked 410, expired 410, single-view consumed 410; a successful view
 * is counted, a refused one is not). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "components/applications/applications.h"
#include "components/assessments/assessments.h"
#include "components/roles/roles.h"
#include "components/sharing/internal.h"
#include "components/sharing/repo.h"
#include "components/sharing/scrub.h"
#include "components/sharing/view.h"
#include "platform/log.h"
#include "platform/security.h"

#define LOGGER "tali.sharing"
#define HOUR_US (3600LL * 1000000LL)
#define DAY_US (24 * HOUR_US)
#define TOKEN_BYTES 24 /* 32 URL-safe characters, 192 bits */
#define PACK_MAX 20

const char *sharing_token_stored(mem_arena_t *a, const char *token)
{
    char hex[65];
    sec_sha256_hex(token, strlen(token), hex);
    return mem_printf(a, "h1:%s", hex);
}

/* A new token "<prefix>" + 32 characters, in arena a. */
static const char *svc_new_token(mem_arena_t *a, const char *prefix)
{
    char *raw = sec_random_token(TOKEN_BYTES);
    const char *t = mem_printf(a, "%s%s", prefix, raw);
    free(raw);
    return t;
}

/* The plain spelling a presented token may be stored under (rows the
 * original wrote): never one that looks like a stored hash. */
static const char *svc_plain(const char *token)
{
    return strncmp(token, "h1:", 3) == 0 ? NULL : token;
}

/* What a list shows as a row's token: the stored value when it is a
 * plain token (the original's rows), else null (only the mint shows it). */
static json_t *svc_token_json(const char *stored, const char *minted)
{
    if (minted)
        return json_string(minted);
    return stored && strncmp(stored, "h1:", 3) != 0 ? json_string(stored) : json_null();
}

static json_t *svc_time(int64_t us)
{
    char buf[40];
    return json_string(db_format_time(us, "Z", buf));
}

static json_t *svc_opt_time(bool has, int64_t us)
{
    return has ? svc_time(us) : json_null();
}

static bool svc_preset(const char *p, bool allow_single, int64_t *us)
{
    if (strcmp(p, "24h") == 0)
        *us = DAY_US;
    else if (strcmp(p, "7d") == 0)
        *us = 7 * DAY_US;
    else if (strcmp(p, "30d") == 0 || (allow_single && strcmp(p, "single-view") == 0))
        *us = 30 * DAY_US;
    else
        return false;
    return true;
}

/* ---- share links ---- */

static json_t *svc_link_json(const sharing_link_t *l, const char *minted, int64_t now)
{
    bool revoked = l->has_revoked_at;
    bool consumed = l->mode && strcmp(l->mode, "single-view") == 0 && l->view_count > 0;
    bool expired = l->expires_at <= now;
    json_t *o = json_object();
    json_object_set_new(o, "id", json_integer(l->id));
    json_object_set_new(o, "application_id", json_integer(l->application_id));
    json_object_set_new(o, "view_role_id", l->has_view_role_id ? json_integer(l->view_role_id) : json_null());
    json_object_set_new(o, "token", svc_token_json(l->token, minted));
    json_object_set_new(o, "mode", json_string(l->mode ? l->mode : ""));
    json_object_set_new(o, "expiry_preset", l->expiry_preset ? json_string(l->expiry_preset) : json_null());
    json_object_set_new(o, "expires_at", svc_time(l->expires_at));
    json_object_set_new(o, "revoked_at", svc_opt_time(l->has_revoked_at, l->revoked_at));
    json_object_set_new(o, "view_count", json_integer(l->view_count));
    json_object_set_new(o, "last_viewed_at", svc_opt_time(l->has_last_viewed_at, l->last_viewed_at));
    json_object_set_new(o, "created_at", svc_opt_time(l->has_created_at, l->created_at));
    json_object_set_new(o, "active", json_boolean(!revoked && !consumed && !expired));
    json_object_set_new(o, "revoked", json_boolean(revoked));
    json_object_set_new(o, "expired", json_boolean(expired));
    json_object_set_new(o, "single_view_consumed", json_boolean(consumed));
    return o;
}

/* The link context of §11.1: a live application of org, and with a view
 * role, one whose roster holds it (this server has no related roles: the
 * application's own role). */
static err_t svc_context(db_t *db, mem_arena_t *a, int64_t org, int64_t application_id, bool has_view_role,
                         int64_t view_role_id, applications_ref_t *app, const char **detail)
{
    err_t e = applications_find(db, a, org, application_id, app);
    if (e == ERR_NOT_FOUND) {
        *detail = "Application not found";
        return e;
    }
    if (e != ERR_OK)
        return ERR_INTERNAL;
    if (!has_view_role)
        return ERR_OK;
    roles_ref_t role;
    e = roles_find(db, a, org, view_role_id, &role);
    if (e == ERR_NOT_FOUND || (e == ERR_OK && app->role_id != view_role_id)) {
        *detail = "Candidate is not a live member of this role";
        return ERR_NOT_FOUND;
    }
    return e == ERR_OK ? ERR_OK : ERR_INTERNAL;
}

static int64_t svc_org(const auth_user_t *u)
{
    return u->has_organization ? u->organization_id : -1;
}

err_t sharing_svc_link_mint(db_t *db, mem_arena_t *a, const auth_user_t *u, int64_t application_id,
                            const sharing_link_in_t *in, json_t **out, const char **detail)
{
    *detail = "Failed to create share link";
    if (strcmp(in->mode, "recruiter") != 0 && strcmp(in->mode, "client") != 0 && strcmp(in->mode, "single-view") != 0) {
        *detail = "Invalid share mode";
        return ERR_BAD_REQUEST;
    }
    int64_t ttl = 0;
    if (!svc_preset(in->expiry, true, &ttl)) {
        *detail = "Invalid expiry preset";
        return ERR_BAD_REQUEST;
    }
    applications_ref_t app;
    err_t e = svc_context(db, a, svc_org(u), application_id, in->has_view_role_id, in->view_role_id, &app, detail);
    if (e != ERR_OK)
        return e;
    int64_t now = db_now_us();
    const char *token = svc_new_token(a, "shr_");
    sharing_link_t row = {.organization_id = u->organization_id,
                          .application_id = application_id,
                          .has_view_role_id = in->has_view_role_id,
                          .view_role_id = in->view_role_id,
                          .token = sharing_token_stored(a, token),
                          .mode = in->mode,
                          .expiry_preset = in->expiry,
                          .expires_at = now + ttl,
                          .created_at = now};
    sharing_link_t saved;
    if (sharing_repo_link_insert(db, a, &row, u->id, &saved) != ERR_OK)
        return ERR_INTERNAL;
    *out = svc_link_json(&saved, token, now);
    return ERR_OK;
}

err_t sharing_svc_link_list(db_t *db, mem_arena_t *a, const auth_user_t *u, int64_t application_id,
                            bool has_view_role_id, int64_t view_role_id, json_t **out, const char **detail)
{
    *detail = "Failed to list share links";
    applications_ref_t app;
    err_t e = svc_context(db, a, svc_org(u), application_id, has_view_role_id, view_role_id, &app, detail);
    if (e != ERR_OK)
        return e;
    sharing_link_t *links = NULL;
    size_t n = 0;
    if (sharing_repo_link_list(db, a, u->organization_id, application_id, has_view_role_id, view_role_id, &links, &n) !=
        ERR_OK)
        return ERR_INTERNAL;
    int64_t now = db_now_us();
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(arr, svc_link_json(&links[i], NULL, now));
    *out = json_pack("{s:o}", "links", arr);
    return ERR_OK;
}

err_t sharing_svc_link_revoke(db_t *db, mem_arena_t *a, const auth_user_t *u, int64_t link_id, bool has_view_role_id,
                              int64_t view_role_id, json_t **out, const char **detail)
{
    *detail = "Failed to revoke share link";
    sharing_link_t l;
    bool found = false;
    if (sharing_repo_link_get(db, a, svc_org(u), link_id, &l, &found) != ERR_OK)
        return ERR_INTERNAL;
    if (!found || (has_view_role_id && (!l.has_view_role_id || l.view_role_id != view_role_id))) {
        *detail = "Share link not found";
        return ERR_NOT_FOUND;
    }
    applications_ref_t app;
    err_t e =
        svc_context(db, a, u->organization_id, l.application_id, l.has_view_role_id, l.view_role_id, &app, detail);
    if (e != ERR_OK)
        return e;
    int64_t now = db_now_us();
    if (!l.has_revoked_at) {
        if (sharing_repo_link_revoke(db, l.id, now) != ERR_OK)
            return ERR_INTERNAL;
        l.has_revoked_at = true;
        l.revoked_at = now;
    }
    *out = svc_link_json(&l, NULL, now);
    return ERR_OK;
}

/* The recruiter view's extras: the link role's events and the recruiter
 * notes of the assessment the score summary names. */
static err_t svc_recruiter_extras(db_t *db, mem_arena_t *a, const applications_ref_t *app, int64_t role_id,
                                  json_t *payload)
{
    json_t *events = NULL;
    err_t e = applications_events_json(db, a, app->organization_id, app->id, role_id, 100, &events);
    if (e != ERR_OK)
        return e;
    json_object_set_new(payload, "application_events", events);
    const json_t *ss = json_object_get(payload, "score_summary");
    const json_t *aid = json_object_get(ss, "assessment_id");
    if (!json_is_integer(aid))
        aid = json_object_get(payload, "valid_assessment_id");
    json_t *notes = NULL;
    if (json_is_integer(aid)) {
        e = assessments_note_timeline(db, a, app->organization_id, json_integer_value(aid), &notes);
        if (e != ERR_OK)
            return e;
    }
    json_object_set_new(payload, "recruiter_notes_timeline", notes ? notes : json_array());
    return ERR_OK;
}

/* The viewer's gate for a share link: 410s in the order of §11. */
static err_t svc_link_gate(const sharing_link_t *l, int64_t now, const char **detail)
{
    if (l->has_revoked_at) {
        *detail = "Share link has been revoked";
        return ERR_GONE;
    }
    if (l->expires_at <= now) {
        *detail = "Share link has expired";
        return ERR_GONE;
    }
    if (l->mode && strcmp(l->mode, "single-view") == 0 && l->view_count > 0) {
        *detail = "Single-view link has already been consumed";
        return ERR_GONE;
    }
    return ERR_OK;
}

static err_t svc_link_payload(db_t *db, mem_arena_t *a, const sharing_link_t *l, json_t **out, const char **detail)
{
    applications_ref_t app;
    err_t e =
        svc_context(db, a, l->organization_id, l->application_id, l->has_view_role_id, l->view_role_id, &app, detail);
    if (e != ERR_OK)
        return e;
    json_t *payload = NULL;
    if (applications_detail_json(db, a, l->organization_id, l->application_id, &payload) != ERR_OK)
        return ERR_INTERNAL;
    json_object_del(payload, "cv_text");
    bool client = l->mode && strcmp(l->mode, "client") == 0;
    int64_t role_id = l->has_view_role_id ? l->view_role_id : app.role_id;
    if (client) {
        const char **names = NULL;
        if (roles_names(db, a, l->organization_id, &role_id, 1, &names) != ERR_OK) {
            json_decref(payload);
            return ERR_INTERNAL;
        }
        sharing_view_scrub_client(payload);
        json_object_set_new(payload, "client_share_summary", sharing_view_summary(payload, names[0], db_now_us()));
    } else if (svc_recruiter_extras(db, a, &app, role_id, payload) != ERR_OK) {
        json_decref(payload);
        return ERR_INTERNAL;
    }
    json_t *o = json_object();
    json_object_set_new(o, "application_id", json_integer(l->application_id));
    json_object_set_new(o, "view_role_id", l->has_view_role_id ? json_integer(l->view_role_id) : json_null());
    json_object_set_new(o, "mode", json_string(l->mode ? l->mode : ""));
    json_object_set_new(o, "view", json_string(client ? "client" : "recruiter"));
    json_object_set_new(o, "expires_at", svc_time(l->expires_at));
    json_object_set_new(o, "application", payload);
    *out = o;
    return ERR_OK;
}

err_t sharing_svc_link_view(db_t *db, mem_arena_t *a, const char *token, json_t **out, const char **detail)
{
    *detail = "Failed to open share link";
    /* one transaction with the row locked: two readers of a single-view
     * link cannot both see it */
    if (db_begin(db) != ERR_OK)
        return ERR_INTERNAL;
    sharing_link_t l;
    bool found = false;
    int64_t now = db_now_us();
    err_t e = sharing_repo_link_by_token(db, a, sharing_token_stored(a, token), svc_plain(token), true, &l, &found);
    if (e == ERR_OK && !found) {
        *detail = "Share link not found";
        e = ERR_NOT_FOUND;
    } else if (e == ERR_OK) {
        e = svc_link_gate(&l, now, detail);
    } else {
        e = ERR_INTERNAL;
    }
    if (e == ERR_OK)
        e = svc_link_payload(db, a, &l, out, detail);
    if (e == ERR_OK && (sharing_repo_link_viewed(db, l.id, now) != ERR_OK || db_commit(db) != ERR_OK)) {
        json_decref(*out);
        *out = NULL;
        e = ERR_INTERNAL;
    }
    if (e != ERR_OK)
        (void)db_rollback(db);
    return e;
}

/* ---- submittal packs ---- */

static json_t *svc_pack_json(const sharing_pack_t *p, int64_t now)
{
    json_t *snap = p->snapshot ? json_loads(p->snapshot, 0, NULL) : NULL;
    size_t count = json_array_size(json_object_get(snap, "candidates"));
    json_decref(snap);
    json_t *token = svc_token_json(p->token, NULL);
    json_t *o = json_object();
    json_object_set_new(o, "id", json_integer(p->id));
    json_object_set_new(o, "role_id", json_integer(p->role_id));
    json_t *url = json_is_string(token) ? json_sprintf("/submittal/%s", json_string_value(token)) : json_null();
    json_object_set_new(o, "token", token);
    json_object_set_new(o, "title", p->title ? json_string(p->title) : json_null());
    json_object_set_new(o, "url_path", url);
    json_object_set_new(o, "candidate_count", json_integer((json_int_t)count));
    json_object_set_new(o, "expires_at", svc_opt_time(p->has_expires_at, p->expires_at));
    json_object_set_new(o, "revoked_at", svc_opt_time(p->has_revoked_at, p->revoked_at));
    json_object_set_new(o, "view_count", json_integer(p->view_count));
    json_object_set_new(o, "last_viewed_at", svc_opt_time(p->has_last_viewed_at, p->last_viewed_at));
    json_object_set_new(o, "created_at", svc_opt_time(p->has_created_at, p->created_at));
    bool expired = p->has_expires_at && p->expires_at <= now;
    json_object_set_new(o, "active", json_boolean(!p->has_revoked_at && !expired));
    json_object_set_new(o, "revoked", json_boolean(p->has_revoked_at));
    json_object_set_new(o, "expired", json_boolean(expired));
    return o;
}

static err_t svc_role_gate(db_t *db, mem_arena_t *a, const auth_user_t *u, int64_t role_id, roles_perm_t perm,
                           roles_ref_t *role, const char **detail)
{
    err_t e = roles_authorize(db, a, u, role_id, perm, role);
    if (e == ERR_FORBIDDEN)
        *detail = "Forbidden";
    return e == ERR_OK || e == ERR_FORBIDDEN ? e : ERR_INTERNAL;
}

/* One candidate of a pack's snapshot, scrubbed for the client. */
static err_t svc_pack_entry(db_t *db, mem_arena_t *a, const roles_ref_t *role, const applications_ref_t *app,
                            const json_t *notes, int64_t now, json_t **out)
{
    json_t *payload = NULL;
    if (applications_detail_json(db, a, role->organization_id, app->id, &payload) != ERR_OK)
        return ERR_INTERNAL;
    sharing_view_scrub_client(payload);
    json_t *sum = sharing_view_summary(payload, role->name, now);
    json_decref(payload);
    char key[24];
    snprintf(key, sizeof key, "%lld", (long long)app->id);
    const char *note = json_string_value(json_object_get(notes, key));
    const char *trimmed = note ? mem_strdup(a, note) : NULL;
    if (trimmed) {
        while (*trimmed == ' ' || *trimmed == '\n' || *trimmed == '\t' || *trimmed == '\r')
            trimmed++;
        size_t n = strlen(trimmed);
        while (n > 0 &&
               (trimmed[n - 1] == ' ' || trimmed[n - 1] == '\n' || trimmed[n - 1] == '\t' || trimmed[n - 1] == '\r'))
            n--;
        trimmed = n ? mem_strndup(a, trimmed, n) : NULL;
    }
    json_t *e = json_object();
    json_object_set_new(e, "application_id", json_integer(app->id));
    json_object_set_new(e, "logical_membership_id", json_sprintf("%lld:%lld", (long long)role->id, (long long)app->id));
    json_object_set_new(e, "role_id", json_integer(role->id));
    json_object_set_new(e, "candidate_name", app->candidate_name ? json_string(app->candidate_name) : json_null());
    json_object_set(e, "verdict", json_object_get(sum, "verdict"));
    json_object_set(e, "verdict_band", json_object_get(sum, "verdict_band"));
    json_object_set(e, "score_100", json_object_get(sum, "score_100"));
    json_object_set(e, "highlights", json_object_get(sum, "highlights"));
    json_object_set_new(e, "note", trimmed ? json_string(trimmed) : json_null());
    json_object_set_new(e, "client_share_summary", sum);
    *out = e;
    return ERR_OK;
}

/* The de-duplicated ids' applications, each a live member of role. */
static err_t svc_pack_members(db_t *db, mem_arena_t *a, const roles_ref_t *role, const sharing_pack_in_t *in,
                              applications_ref_t **apps, size_t *n, const char **detail)
{
    *apps = mem_alloc(a, in->n * sizeof **apps);
    *n = 0;
    for (size_t i = 0; i < in->n; i++) {
        bool seen = false;
        for (size_t j = 0; j < *n && !seen; j++)
            seen = (*apps)[j].id == in->application_ids[i];
        if (seen)
            continue;
        err_t e = applications_find(db, a, role->organization_id, in->application_ids[i], &(*apps)[*n]);
        if (e == ERR_NOT_FOUND || (e == ERR_OK && (*apps)[*n].role_id != role->id)) {
            *detail = "One or more candidates do not belong to this role";
            return ERR_NOT_FOUND;
        }
        if (e != ERR_OK)
            return ERR_INTERNAL;
        (*n)++;
    }
    return ERR_OK;
}

err_t sharing_svc_pack_mint(db_t *db, mem_arena_t *a, const auth_user_t *u, int64_t role_id,
                            const sharing_pack_in_t *in, json_t **out, const char **detail)
{
    *detail = "Failed to create submittal pack";
    int64_t ttl = 0;
    if (!svc_preset(in->expires_in, false, &ttl)) {
        *detail = "Invalid expiry preset";
        return ERR_BAD_REQUEST;
    }
    if (in->n == 0) {
        *detail = "At least one candidate is required";
        return ERR_BAD_REQUEST;
    }
    if (in->n > PACK_MAX) {
        *detail = "A submittal pack can hold at most 20 candidates";
        return ERR_BAD_REQUEST;
    }
    roles_ref_t role;
    err_t e = svc_role_gate(db, a, u, role_id, ROLES_PERM_EDIT_ROLE, &role, detail);
    if (e != ERR_OK)
        return e;
    applications_ref_t *apps = NULL;
    size_t n = 0;
    if ((e = svc_pack_members(db, a, &role, in, &apps, &n, detail)) != ERR_OK)
        return e;
    int64_t now = db_now_us();
    json_t *cands = json_array();
    for (size_t i = 0; i < n; i++) {
        json_t *entry = NULL;
        if (svc_pack_entry(db, a, &role, &apps[i], in->notes, now, &entry) != ERR_OK) {
            json_decref(cands);
            return ERR_INTERNAL;
        }
        json_array_append_new(cands, entry);
    }
    const char *title = in->title && *in->title ? in->title : role.name;
    json_t *snap =
        json_pack("{s:{s:s?},s:{s:n},s:o}", "role", "title", role.name, "organization", "name", "candidates", cands);
    char *snap_text = json_dumps(snap, JSON_COMPACT);
    json_decref(snap);
    mem_defer(a, free, snap_text);
    const char *token = svc_new_token(a, "sub_");
    sharing_pack_t row = {.organization_id = role.organization_id,
                          .role_id = role.id,
                          .token = sharing_token_stored(a, token),
                          .title = title,
                          .snapshot = snap_text,
                          .expires_at = now + ttl,
                          .created_at = now};
    sharing_pack_t saved;
    if (sharing_repo_pack_insert(db, a, &row, u->id, &saved) != ERR_OK)
        return ERR_INTERNAL;
    char when[40];
    *out = json_pack("{s:I,s:s,s:o,s:s}", "id", (json_int_t)saved.id, "token", token, "url_path",
                     json_sprintf("/submittal/%s", token), "expires_at", db_format_time(saved.expires_at, "Z", when));
    return ERR_OK;
}

err_t sharing_svc_pack_list(db_t *db, mem_arena_t *a, const auth_user_t *u, int64_t role_id, json_t **out,
                            const char **detail)
{
    *detail = "Failed to list submittal packs";
    roles_ref_t role;
    err_t e = svc_role_gate(db, a, u, role_id, ROLES_PERM_VIEW, &role, detail);
    if (e != ERR_OK)
        return e;
    sharing_pack_t *packs = NULL;
    size_t n = 0;
    if (sharing_repo_pack_list(db, a, role.organization_id, role.id, &packs, &n) != ERR_OK)
        return ERR_INTERNAL;
    int64_t now = db_now_us();
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(arr, svc_pack_json(&packs[i], now));
    *out = json_pack("{s:o}", "packs", arr);
    return ERR_OK;
}

err_t sharing_svc_pack_revoke(db_t *db, mem_arena_t *a, const auth_user_t *u, int64_t pack_id, json_t **out,
                              const char **detail)
{
    *detail = "Failed to revoke submittal pack";
    sharing_pack_t p;
    bool found = false;
    if (sharing_repo_pack_get(db, a, svc_org(u), pack_id, &p, &found) != ERR_OK)
        return ERR_INTERNAL;
    if (!found) {
        *detail = "Submittal pack not found";
        return ERR_NOT_FOUND;
    }
    roles_ref_t role;
    err_t e = svc_role_gate(db, a, u, p.role_id, ROLES_PERM_EDIT_ROLE, &role, detail);
    if (e != ERR_OK)
        return e;
    int64_t now = db_now_us();
    if (!p.has_revoked_at) {
        if (sharing_repo_pack_revoke(db, p.id, now) != ERR_OK)
            return ERR_INTERNAL;
        p.has_revoked_at = true;
        p.revoked_at = now;
    }
    *out = svc_pack_json(&p, now);
    return ERR_OK;
}

err_t sharing_svc_pack_view(db_t *db, mem_arena_t *a, const char *token, json_t **out, const char **detail)
{
    *detail = "Failed to open submittal pack";
    sharing_pack_t p;
    bool found = false;
    if (sharing_repo_pack_by_token(db, a, sharing_token_stored(a, token), svc_plain(token), false, &p, &found) !=
        ERR_OK)
        return ERR_INTERNAL;
    int64_t now = db_now_us();
    if (!found) {
        *detail = "Submittal pack not found";
        return ERR_NOT_FOUND;
    }
    if (p.has_revoked_at) {
        *detail = "Submittal pack has been revoked";
        return ERR_GONE;
    }
    if (p.has_expires_at && p.expires_at <= now) {
        *detail = "Submittal pack has expired";
        return ERR_GONE;
    }
    if (sharing_repo_pack_viewed(db, p.id, now) != ERR_OK)
        return ERR_INTERNAL;
    json_t *snap = p.snapshot ? json_loads(p.snapshot, 0, NULL) : NULL;
    json_t *o = json_object();
    json_object_set_new(o, "title", p.title ? json_string(p.title) : json_null());
    json_t *role = json_object_get(snap, "role");
    json_object_set(o, "role", role ? role : json_null());
    json_t *org = json_object_get(snap, "organization");
    json_object_set(o, "organization", org ? org : json_null());
    json_object_set_new(o, "created_at", svc_opt_time(p.has_created_at, p.created_at));
    json_t *cands = json_object_get(snap, "candidates");
    json_object_set_new(o, "candidates", json_is_array(cands) ? json_incref(cands) : json_array());
    json_decref(snap);
    *out = o;
    return ERR_OK;
}

/* ---- top-candidates reports ---- */

err_t sharing_report_mint(db_t *db, mem_arena_t *a, int64_t org, int64_t created_by, bool has_role, int64_t role_id,
                          const char *query, const char *snapshot_json, const char **token)
{
    int64_t now = db_now_us();
    *token = svc_new_token(a, "rpt_");
    return sharing_repo_report_insert(db, org, created_by, has_role, role_id, sharing_token_stored(a, *token), query,
                                      snapshot_json, now + 30 * DAY_US, now);
}

err_t sharing_svc_report_view(db_t *db, mem_arena_t *a, const char *token, json_t **out, const char **detail)
{
    *detail = "Failed to open report";
    sharing_report_t r;
    bool found = false;
    if (sharing_repo_report_by_token(db, a, sharing_token_stored(a, token), svc_plain(token), false, &r, &found) !=
        ERR_OK)
        return ERR_INTERNAL;
    int64_t now = db_now_us();
    if (!found) {
        *detail = "Report not found";
        return ERR_NOT_FOUND;
    }
    if (r.has_revoked_at) {
        *detail = "Report has been revoked";
        return ERR_GONE;
    }
    if (r.has_expires_at && r.expires_at <= now) {
        *detail = "Report has expired";
        return ERR_GONE;
    }
    if (sharing_repo_report_viewed(db, r.id, now) != ERR_OK)
        return ERR_INTERNAL;
    json_t *snap = r.snapshot ? json_loads(r.snapshot, JSON_DECODE_ANY, NULL) : NULL;
    json_t *o = json_object();
    json_object_set_new(o, "token", json_string(token));
    json_t *q = json_string(r.query ? r.query : "");
    json_object_set_new(o, "query", r.query ? sharing_scrub_json(q) : json_null());
    json_decref(q);
    json_object_set_new(o, "created_at", svc_opt_time(r.has_created_at, r.created_at));
    json_object_set_new(o, "snapshot", sharing_scrub_json(snap));
    json_decref(snap);
    *out = o;
    return ERR_OK;
}

err_t sharing_forget_application(db_t *db, int64_t application_id)
{
    return sharing_repo_forget_application(db, application_id);
}
