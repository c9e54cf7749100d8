/* assessments: business logic over repo.c — the recruiter side (S1-S3,
 * S10, S11, S14), the candidate-token flow (S4-S9) and the expiry sweep.
 * Slow upstream work (sandbox, model) runs outside transactions; each
 * write is one short transaction. */
#include <ctype.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "components/assessments/internal.h"
#include "components/assessments/repo.h"
#include "components/auth/auth.h"
#include "components/candidates/candidates.h"
#include "components/notifications/notifications.h"
#include "components/organizations/organizations.h"
#include "components/roles/roles.h"
#include "components/scoring/scoring.h"
#include "components/tasks/tasks.h"
#include "shared/text.h"
#include "platform/http.h"
#include "platform/json.h"
#include "platform/log.h"
#include "platform/security.h"

#define LOGGER "tali.assessments"

#define D_NOT_FOUND "Assessment not found"
#define D_ACTIVE_NOT_FOUND "Active assessment not found"
#define D_BAD_TOKEN "Invalid assessment token"
#define D_TIME_LIMIT "Assessment time limit has been exceeded"
#define D_SANDBOX_OFF "Code environment is not configured. Please try again later."
#define D_SANDBOX_FAIL "Could not start code environment. Please try again later."

/* ---- helpers ---- */

/* Enqueues the ASSESSMENTS_COMPLETED_JOB event of assessment id on db as
 * it is (inside the submit's transaction), when background jobs are on. */
static err_t svc_publish_completed(db_t *db, int64_t id, bool has_org, int64_t org_id)
{
    if (cfg->mvp_disable_celery)
        return ERR_OK;
    json_t *payload = json_pack("{s:I,s:o}", "assessment_id", (json_int_t)id, "organization_id",
                                has_org ? json_integer((json_int_t)org_id) : json_null());
    err_t e = jobs_enqueue(db, ASSESSMENTS_COMPLETED_JOB, payload, 0, 0, NULL);
    json_decref(payload);
    return e;
}

static char *svc_trim(mem_arena_t *a, const char *s)
{
    if (!s)
        return NULL;
    while (*s && isspace((unsigned char)*s))
        s++;
    size_t n = strlen(s);
    while (n > 0 && isspace((unsigned char)s[n - 1]))
        n--;
    return mem_strndup(a, s, n);
}

/* The names of an assessment's candidate and task ("" when gone). */
static err_t svc_names(db_t *db, mem_arena_t *a, const assessments_row_t *r, assessments_names_t *n,
                       candidates_candidate_t *cand_out, bool *has_cand)
{
    n->candidate_name = "";
    n->candidate_email = "";
    n->task_name = "";
    n->role_name = NULL;
    if (r->role_id.set && r->organization_id.set) {
        const char **role_names = NULL;
        err_t e = roles_names(db, a, r->organization_id.v, &r->role_id.v, 1, &role_names);
        if (e != ERR_OK)
            return e;
        n->role_name = role_names[0];
    }
    if (has_cand)
        *has_cand = false;
    if (r->candidate_id.set) {
        candidates_candidate_t c;
        err_t e = candidates_get_any(db, a, r->candidate_id.v, &c);
        if (e == ERR_OK) {
            const char *full = svc_trim(a, c.full_name);
            const char *email = c.email ? c.email : "";
            n->candidate_name = full && *full ? full : svc_trim(a, email);
            n->candidate_email = email;
            if (cand_out)
                *cand_out = c;
            if (has_cand)
                *has_cand = true;
        } else if (e != ERR_NOT_FOUND) {
            return e;
        }
    }
    if (r->task_id.set) {
        task_t t;
        err_t e = tasks_get(db, a, r->task_id.v, &t);
        if (e == ERR_OK)
            n->task_name = t.name ? t.name : "";
        else if (e != ERR_NOT_FOUND)
            return e;
    }
    return ERR_OK;
}

static bool svc_is(const assessments_row_t *r, const char *status)
{
    return r->status && strcmp(r->status, status) == 0;
}

static int64_t svc_duration_min(const assessments_row_t *r)
{
    return r->duration_minutes.set && r->duration_minutes.v ? r->duration_minutes.v : 30;
}

/* Policy fix 10: past started_at + duration + grace. */
static bool svc_over_time(const assessments_row_t *r, int64_t now_us)
{
    if (!r->started_at.set)
        return false;
    int64_t deadline = r->started_at.v + (svc_duration_min(r) * 60 + ASSESSMENTS_GRACE_SECONDS) * 1000000LL;
    return now_us > deadline;
}

static void svc_rollback(db_t *db)
{
    db_rollback(db);
}

#define D_NO_DB "Database unavailable"

/* Gives the connection back before a slow upstream call. */
static void svc_pause(assessments_conn_t *conn, db_t **db)
{
    conn->give_back(conn->ctx);
    *db = NULL;
}

/* Takes a connection again after the call; false (detail set) when none. */
static bool svc_resume(assessments_conn_t *conn, db_t **db, const char **detail)
{
    *db = conn->take(conn->ctx);
    if (!*db)
        *detail = D_NO_DB;
    return *db != NULL;
}

/* ---- S1 create ---- */

err_t assessments_svc_create(db_t *db, mem_arena_t *a, assessments_owner_t owner, const assessments_create_in_t *in,
                             json_t **out, const char **detail)
{
    *detail = "Failed to create assessment";
    task_t task;
    err_t e = in->has_task_id ? tasks_get_for_org(db, a, owner.has_org, owner.org_id, in->task_id, &task) : ERR_OK;
    if (e == ERR_NOT_FOUND) {
        *detail = "Task not found";
        return ERR_NOT_FOUND;
    }
    if (e != ERR_OK)
        return ERR_INTERNAL;
    /* D28: today's role and application links; this server has neither
     * applications nor roles, so any id names nothing */
    if (in->has_application_id) {
        *detail = "Application not found";
        return ERR_NOT_FOUND;
    }
    if (in->has_role_id) {
        *detail = "Role not found";
        return ERR_NOT_FOUND;
    }
    if (!in->has_task_id) {
        *detail = "task_id is required when the assessment is not tied to a role";
        return ERR_VALIDATION;
    }
    const char *org_name = NULL;
    if (owner.has_org) {
        organizations_org_t org;
        if (organizations_get(db, a, owner.org_id, &org) == ERR_OK)
            org_name = org.name;
    }
    if (db_begin(db) != ERR_OK)
        return ERR_INTERNAL;
    candidates_scope_t scope = {owner.has_org, owner.org_id};
    candidates_candidate_t cand;
    e = candidates_find_or_create(db, a, scope, in->candidate_email, in->candidate_name, &cand, NULL);
    char *token = sec_random_token(32);
    mem_defer(a, free, token);
    int64_t now = db_now_us();
    int64_t id = 0;
    if (e == ERR_OK) {
        assessments_repo_new_t row = {
            .owner = owner,
            .candidate_id = cand.id,
            .task_id = task.id,
            .token = token,
            .duration_minutes = in->duration_minutes,
            .allow_external_clipboard = in->allow_external_clipboard,
            .expires_at = now + (int64_t)cfg->assessment_expiry_days * 86400LL * 1000000LL,
            .now_us = now,
        };
        e = assessments_repo_insert(db, &row, &id);
    }
    if (e == ERR_OK)
        e = notifications_send_assessment_invite(db, cand.email, in->candidate_name, org_name,
                                                 task.name && *task.name ? task.name : NULL, id, token);
    if (e == ERR_OK)
        e = db_commit(db);
    if (e != ERR_OK) {
        svc_rollback(db);
        log_error(LOGGER, "create failed: %s", err_name(e));
        return ERR_INTERNAL;
    }
    assessments_row_t r;
    bool found = false;
    if (assessments_repo_get(db, a, NULL, id, false, &r, &found) != ERR_OK || !found)
        return ERR_INTERNAL;
    assessments_names_t n;
    if (svc_names(db, a, &r, &n, NULL, NULL) != ERR_OK)
        return ERR_INTERNAL;
    *out = assessments_schema_model(&r, &n);
    return ERR_OK;
}

/* ---- S2 list, S3 get ---- */

/* The role names of a page of rows, one query (*out[i] NULL for a row
 * without a role). */
static err_t svc_role_names(db_t *db, mem_arena_t *a, assessments_owner_t owner, const assessments_row_t *rows,
                            size_t n, const char ***out)
{
    int64_t *ids = mem_alloc(a, (n ? n : 1) * sizeof *ids);
    for (size_t i = 0; i < n; i++)
        ids[i] = rows[i].role_id.set ? rows[i].role_id.v : 0;
    if (!owner.has_org) {
        *out = mem_alloc(a, (n ? n : 1) * sizeof **out);
        memset(*out, 0, (n ? n : 1) * sizeof **out);
        return ERR_OK;
    }
    return roles_names(db, a, owner.org_id, ids, n, out);
}

err_t assessments_svc_list(db_t *db, mem_arena_t *a, assessments_owner_t owner, const assessments_list_in_t *in,
                           json_t **out, const char **detail)
{
    *detail = "Failed to list assessments";
    assessments_row_t *rows = NULL;
    size_t n = 0;
    int64_t total = 0;
    if (assessments_repo_list(db, a, owner, in, &rows, &n, &total) != ERR_OK)
        return ERR_INTERNAL;
    const char **role_names = NULL;
    if (svc_role_names(db, a, owner, rows, n, &role_names) != ERR_OK)
        return ERR_INTERNAL;
    json_t *items = json_array();
    assessments_names_t *names = n ? mem_alloc(a, sizeof *names * n) : NULL;
    /* the page's candidates in one query */
    int64_t *cids = n ? mem_alloc(a, sizeof *cids * n) : NULL;
    candidates_contact_t *contacts = n ? mem_alloc(a, sizeof *contacts * n) : NULL;
    size_t nc = 0;
    for (size_t i = 0; i < n; i++)
        if (rows[i].candidate_id.set)
            cids[nc++] = rows[i].candidate_id.v;
    if (candidates_contacts(db, a, cids, nc, contacts) != ERR_OK) {
        json_decref(items);
        return ERR_INTERNAL;
    }
    for (size_t i = 0, ci = 0; i < n; i++) {
        names[i].candidate_name = "";
        names[i].candidate_email = "";
        names[i].task_name = "";
        names[i].role_name = role_names[i];
        if (rows[i].candidate_id.set) {
            const candidates_contact_t *c = &contacts[ci++];
            if (c->found) {
                const char *full = svc_trim(a, c->full_name);
                names[i].candidate_email = c->email ? c->email : "";
                names[i].candidate_name = full && *full ? full : svc_trim(a, names[i].candidate_email);
            }
        }
        /* a page usually shows few tasks: reuse an earlier row's lookup */
        bool have_task = !rows[i].task_id.set;
        for (size_t j = 0; j < i && !have_task; j++) {
            if (rows[j].task_id.set && rows[j].task_id.v == rows[i].task_id.v) {
                names[i].task_name = names[j].task_name;
                have_task = true;
            }
        }
        if (!have_task) {
            task_t t;
            err_t e = tasks_get(db, a, rows[i].task_id.v, &t);
            if (e == ERR_OK)
                names[i].task_name = t.name ? t.name : "";
            else if (e != ERR_NOT_FOUND) {
                json_decref(items);
                return ERR_INTERNAL;
            }
        }
        json_array_append_new(items, assessments_schema_dict(&rows[i], &names[i]));
    }
    json_t *o = json_object();
    json_object_set_new(o, "items", items);
    json_object_set_new(o, "total", json_integer(total));
    json_object_set_new(o, "limit", json_integer(in->limit));
    json_object_set_new(o, "offset", json_integer(in->offset));
    *out = o;
    return ERR_OK;
}

err_t assessments_svc_get_for_org(db_t *db, mem_arena_t *a, assessments_owner_t owner, int64_t id,
                                  assessments_row_t *row, assessments_names_t *names, const char **detail)
{
    bool found = false;
    *detail = "Failed to read assessment";
    if (assessments_repo_get(db, a, &owner, id, false, row, &found) != ERR_OK)
        return ERR_INTERNAL;
    if (!found) {
        *detail = D_NOT_FOUND;
        return ERR_NOT_FOUND;
    }
    if (names && svc_names(db, a, row, names, NULL, NULL) != ERR_OK)
        return ERR_INTERNAL;
    return ERR_OK;
}

/* ---- S10 delete, S11 resend, S14 notes ---- */

err_t assessments_svc_delete(db_t *db, mem_arena_t *a, assessments_owner_t owner, int64_t id, const char **detail)
{
    assessments_row_t r;
    err_t e = assessments_svc_get_for_org(db, a, owner, id, &r, NULL, detail);
    if (e != ERR_OK)
        return e;
    *detail = "Failed to delete assessment";
    if (db_begin(db) != ERR_OK)
        return ERR_INTERNAL;
    int64_t affected = 0;
    e = assessments_repo_delete(db, id, &affected);
    if (e == ERR_OK)
        e = db_commit(db);
    if (e != ERR_OK) {
        svc_rollback(db);
        return ERR_INTERNAL;
    }
    if (affected == 0) {
        *detail = D_NOT_FOUND;
        return ERR_NOT_FOUND;
    }
    if (svc_is(&r, ASSESSMENTS_IN_PROGRESS) && r.e2b_session_id) {
        sandbox_provider_t *sb = assessments_sandbox();
        sb->destroy(sb->self, r.e2b_session_id);
    }
    return ERR_OK;
}

err_t assessments_svc_resend(db_t *db, mem_arena_t *a, assessments_owner_t owner, int64_t id, const char **detail)
{
    assessments_row_t r;
    err_t e = assessments_svc_get_for_org(db, a, owner, id, &r, NULL, detail);
    if (e != ERR_OK)
        return e;
    candidates_candidate_t c;
    bool has_cand = false;
    assessments_names_t n;
    *detail = "Failed to resend invite";
    if (svc_names(db, a, &r, &n, &c, &has_cand) != ERR_OK)
        return ERR_INTERNAL;
    if (!has_cand) {
        *detail = "Assessment has no candidate";
        return ERR_BAD_REQUEST;
    }
    const char *org_name = NULL;
    if (r.organization_id.set) {
        organizations_org_t org;
        if (organizations_get(db, a, r.organization_id.v, &org) == ERR_OK)
            org_name = org.name;
    }
    const char *display = c.full_name && *c.full_name ? c.full_name : NULL;
    e = notifications_send_assessment_invite(db, c.email, display, org_name, *n.task_name ? n.task_name : NULL, r.id,
                                             r.token);
    if (e != ERR_OK)
        log_warn(LOGGER, "resend %lld: invite not queued (%s)", (long long)id, err_name(e));
    return ERR_OK;
}

err_t assessments_svc_add_note(db_t *db, mem_arena_t *a, assessments_owner_t owner, int64_t id, const char *note,
                               json_t **timeline, const char **detail)
{
    *detail = "Failed to save note";
    if (db_begin(db) != ERR_OK)
        return ERR_INTERNAL;
    assessments_row_t r;
    bool found = false;
    err_t e = assessments_repo_get(db, a, &owner, id, true, &r, &found);
    if (e != ERR_OK) {
        svc_rollback(db);
        return ERR_INTERNAL;
    }
    if (!found) {
        svc_rollback(db);
        *detail = D_NOT_FOUND;
        return ERR_NOT_FOUND;
    }
    /* Policy fix 7: every note is kept (the original lost all but the
     * first). */
    json_t *stored = assessments_schema_parse(r.timeline);
    if (!json_is_array(stored)) {
        json_decref(stored);
        stored = json_array();
    }
    int64_t now = db_now_us();
    json_t *entry = json_object();
    json_object_set_new(entry, "time", json_string(assessments_schema_blob_time(a, now)));
    json_object_set_new(entry, "event", json_string("Recruiter note"));
    json_object_set_new(entry, "prompt", json_string(note));
    json_array_append_new(stored, entry);
    char *text = json_encode_arena(a, stored);
    json_decref(stored);
    e = assessments_repo_set_timeline(db, id, text, now);
    if (e == ERR_OK)
        e = db_commit(db);
    if (e != ERR_OK) {
        svc_rollback(db);
        return ERR_INTERNAL;
    }
    r.timeline = text;
    assessments_names_t n = {"", "", "", NULL};
    json_t *full = assessments_schema_model(&r, &n);
    *timeline = json_incref(json_object_get(full, "timeline"));
    json_decref(full);
    return ERR_OK;
}

/* ---- S4 start ---- */

/* The code a resumed session opens with (policy fix 8): the newest code
 * the candidate ran or showed the assistant, else the newest non-empty
 * code of the prompt log, else the task's starter code. */
static const char *svc_resume_code(mem_arena_t *a, const assessments_row_t *r, const task_t *t)
{
    if (r->latest_code)
        return r->latest_code;
    json_t *prompts = assessments_schema_parse(r->ai_prompts);
    const char *found = NULL;
    if (json_is_array(prompts)) {
        for (size_t i = json_array_size(prompts); i-- > 0 && !found;) {
            json_t *p = json_array_get(prompts, i);
            const char *after = json_string_value(json_object_get(p, "code_after"));
            const char *before = json_string_value(json_object_get(p, "code_before"));
            if (after && *after)
                found = mem_strdup(a, after);
            else if (before && *before)
                found = mem_strdup(a, before);
        }
    }
    json_decref(prompts);
    if (found)
        return found;
    return t->starter_code ? t->starter_code : "";
}

/* Today's start response of cur (D31). */
static json_t *svc_start_v2_response(db_t *db, mem_arena_t *a, const assessments_row_t *cur, const task_t *t,
                                     int64_t dur, int64_t remaining)
{
    assessments_names_t n = {"", "", "", NULL};
    if (svc_names(db, a, cur, &n, NULL, NULL) != ERR_OK)
        log_warn(LOGGER, "start %lld: candidate name not read", (long long)cur->id);
    const char *org_name = NULL;
    organizations_org_t org;
    if (cur->organization_id.set && organizations_get(db, a, cur->organization_id.v, &org) == ERR_OK)
        org_name = org.name;
    assessments_cand_view_t v = {
        .task_name = t->name,
        .task_description = t->description,
        .duration_minutes = dur,
        .proctoring_enabled = !cfg->mvp_disable_proctoring && t->proctoring_enabled,
        .candidate_name = n.candidate_name,
        .organization_name = org_name,
        .time_remaining = remaining,
    };
    return assessments_cand_start_response(cur, &v);
}

/* The checks before the sandbox: today's admission and binding (v2), or
 * February's rules; then the link expiry and (February) the CV rule. */
static err_t svc_start_checks(db_t *db, mem_arena_t *a, const assessments_row_t *r, const assessments_cand_in_t *cand,
                              int64_t now, const char **detail)
{
    bool v2 = cand && cand->v2;
    if (v2) {
        err_t e = assessments_cand_admit_start(db, a, r, cand, now, detail);
        if (e != ERR_OK)
            return e;
        if (svc_is(r, ASSESSMENTS_IN_PROGRESS) && svc_over_time(r, now)) {
            *detail = "Assessment has already ended";
            return ERR_BAD_REQUEST;
        }
    } else {
        err_t e = assessments_cand_legacy_start_allowed(db, r, detail);
        if (e != ERR_OK)
            return e;
        if (svc_is(r, ASSESSMENTS_COMPLETED)) {
            *detail = "Assessment has already been submitted";
            return ERR_BAD_REQUEST;
        }
    }
    /* An EXPIRED row stays expired (the original let it start again). */
    if ((r->expires_at.set && r->expires_at.v < now) || svc_is(r, ASSESSMENTS_EXPIRED)) {
        *detail = "Assessment link has expired";
        return ERR_BAD_REQUEST;
    }
    /* today's flow has no CV rule (spec v2 §2.4, removed rule) */
    if (!v2 && (!r->cv_file_url || !*r->cv_file_url)) {
        *detail = "CV upload is required before starting the assessment";
        return ERR_BAD_REQUEST;
    }
    *detail = "Failed to start assessment session";
    return ERR_OK;
}

err_t assessments_svc_start(assessments_conn_t *conn, mem_arena_t *a, const char *token,
                            const assessments_cand_in_t *cand, json_t **out, const char **detail)
{
    db_t *db = conn->take(conn->ctx);
    if (!db) {
        *detail = D_NO_DB;
        return ERR_UNAVAILABLE;
    }
    assessments_row_t r;
    bool found = false;
    *detail = "Failed to start assessment session";
    if (assessments_repo_get_by_token(db, a, token, false, &r, &found) != ERR_OK)
        return ERR_INTERNAL;
    if (!found) {
        *detail = D_BAD_TOKEN;
        return ERR_NOT_FOUND;
    }
    int64_t now = db_now_us();
    err_t ce = svc_start_checks(db, a, &r, cand, now, detail);
    if (ce != ERR_OK)
        return ce;
    svc_pause(conn, &db);
    sandbox_provider_t *sb = assessments_sandbox();
    char why[512] = "";
    if (sb->available(sb->self, why, sizeof why) != ERR_OK) {
        log_error(LOGGER, "start %lld: %s sandbox unavailable: %s", (long long)r.id, sb->name, why);
        /* E2B without a key keeps the original's text; a local sandbox that
         * cannot run on this machine says why, so an operator can act */
        *detail = strcmp(sb->name, "local") == 0 && why[0]
                      ? mem_printf(a, "Code environment is not available on this server: %s", why)
                      : D_SANDBOX_OFF;
        return ERR_UNAVAILABLE;
    }
    const char *existing = svc_is(&r, ASSESSMENTS_IN_PROGRESS) ? r.e2b_session_id : NULL;
    char *sid = NULL;
    if (sb->ensure(sb->self, r.id, existing, &sid, why, sizeof why) != ERR_OK || !sid) {
        log_error(LOGGER, "start %lld: sandbox failed: %s", (long long)r.id, why);
        free(sid);
        *detail = D_SANDBOX_FAIL;
        return ERR_UNAVAILABLE;
    }
    mem_defer(a, free, sid);
    bool ours_is_new = !existing || strcmp(existing, sid) != 0;
    if (!svc_resume(conn, &db, detail)) {
        if (ours_is_new)
            sb->destroy(sb->self, sid);
        return ERR_UNAVAILABLE;
    }

    /* The write, on the row as it is now (a concurrent start or submit may
     * have got there first). */
    assessments_row_t cur;
    err_t e = db_begin(db);
    if (e == ERR_OK)
        e = assessments_repo_get(db, a, NULL, r.id, true, &cur, &found);
    if (e == ERR_OK && !found)
        e = ERR_NOT_FOUND;
    if (e == ERR_OK && svc_is(&cur, ASSESSMENTS_COMPLETED)) {
        svc_rollback(db);
        if (ours_is_new)
            sb->destroy(sb->self, sid);
        *detail = "Assessment has already been submitted";
        return ERR_BAD_REQUEST;
    }
    const char *use = sid;
    if (e == ERR_OK && svc_is(&cur, ASSESSMENTS_IN_PROGRESS) && cur.e2b_session_id &&
        !(r.e2b_session_id && strcmp(cur.e2b_session_id, r.e2b_session_id) == 0) &&
        strcmp(cur.e2b_session_id, sid) != 0) {
        /* Another start stored its sandbox meanwhile: keep that one. */
        if (ours_is_new)
            sb->destroy(sb->self, sid);
        use = cur.e2b_session_id;
        ours_is_new = false;
    }
    bool set_started = e == ERR_OK && (svc_is(&cur, ASSESSMENTS_PENDING) || !cur.started_at.set);
    if (e == ERR_OK)
        e = assessments_repo_start(db, r.id, set_started, now, use, now);
    if (e == ERR_OK)
        e = db_commit(db);
    if (e != ERR_OK) {
        svc_rollback(db);
        if (ours_is_new)
            sb->destroy(sb->self, sid);
        log_error(LOGGER, "start %lld: write failed (%s)", (long long)r.id, err_name(e));
        return ERR_INTERNAL;
    }
    if (set_started)
        cur.started_at = (assessments_opt_int_t){true, now};
    task_t t;
    if (!cur.task_id.set || tasks_get(db, a, cur.task_id.v, &t) != ERR_OK) {
        *detail = "Task not found";
        return ERR_NOT_FOUND;
    }
    int64_t dur = svc_duration_min(&cur);
    int64_t elapsed = (now - cur.started_at.v) / 1000000;
    if (elapsed < 0)
        elapsed = 0;
    int64_t remaining = dur * 60 - elapsed;
    if (remaining < 0)
        remaining = 0;
    if (cand && cand->v2) {
        *out = svc_start_v2_response(db, a, &cur, &t, dur, remaining);
        return ERR_OK;
    }
    json_t *task = json_object();
    json_object_set_new(task, "name", json_string(t.name ? t.name : ""));
    json_object_set_new(task, "description", t.description ? json_string(t.description) : json_null());
    json_object_set_new(task, "starter_code", json_string(svc_resume_code(a, &cur, &t)));
    json_object_set_new(task, "duration_minutes", json_integer(dur));
    const char *cal = cfg->mvp_disable_calibration ? NULL : t.calibration_prompt;
    json_object_set_new(task, "calibration_prompt", cal ? json_string(cal) : json_null());
    json_object_set_new(task, "proctoring_enabled", json_boolean(!cfg->mvp_disable_proctoring && t.proctoring_enabled));
    json_t *o = json_object();
    json_object_set_new(o, "assessment_id", json_integer(cur.id));
    json_object_set_new(o, "token", json_string(cur.token ? cur.token : token));
    json_object_set_new(o, "sandbox_id", json_string(use));
    json_object_set_new(o, "task", task);
    json_object_set_new(o, "time_remaining", json_integer(remaining));
    *out = o;
    return ERR_OK;
}

/* ---- S5/S6 CV upload ---- */

err_t assessments_svc_upload_cv(assessments_conn_t *conn, mem_arena_t *a, const config_t *c,
                                const assessments_cv_in_t *in, json_t **out, const char **detail)
{
    assessments_row_t r;
    bool found = false;
    db_t *db = NULL;
    if (!svc_resume(conn, &db, detail))
        return ERR_UNAVAILABLE;
    *detail = "Failed to store CV metadata";
    err_t e = in->by_token ? assessments_repo_get_by_token(db, a, in->token, false, &r, &found)
                           : assessments_repo_get(db, a, NULL, in->id, false, &r, &found);
    if (e != ERR_OK)
        return ERR_INTERNAL;
    if (!found) {
        *detail = in->by_token ? D_BAD_TOKEN : D_NOT_FOUND;
        return ERR_NOT_FOUND;
    }
    if (!in->by_token && !sec_ct_equal(in->token, r.token)) {
        *detail = D_BAD_TOKEN;
        return ERR_UNAUTHORIZED;
    }
    /* D33: today's rules serve both clients (February's uploads before
     * the start, which it requires) */
    if (!svc_is(&r, ASSESSMENTS_PENDING) && !svc_is(&r, ASSESSMENTS_IN_PROGRESS)) {
        *detail = "Assessment already submitted";
        return ERR_BAD_REQUEST;
    }
    if (svc_is(&r, ASSESSMENTS_IN_PROGRESS)) {
        *detail = "CV evidence is frozen once the assessment starts";
        return ERR_CONFLICT;
    }
    candidates_upload_t up;
    const char *why = NULL;
    /* the upload gives the connection back for storage and extraction */
    db_lease_t lease = {conn->take, conn->give_back, conn->ctx};
    e = candidates_process_upload(a, c, CANDIDATES_UPLOAD_CV, r.id, in->file, &lease, &up, &why);
    if ((e == ERR_BAD_REQUEST || e == ERR_UNAVAILABLE) && why) {
        *detail = why;
        return e;
    }
    if (e != ERR_OK)
        return ERR_INTERNAL;
    if (!svc_resume(conn, &db, detail))
        return ERR_UNAVAILABLE;
    *detail = "Failed to store CV metadata";
    e = db_begin(db);
    if (e == ERR_OK)
        e = assessments_repo_set_cv(db, r.id, up.file_url, up.filename, up.uploaded_at);
    if (e == ERR_OK && r.candidate_id.set) {
        e = candidates_set_cv(db, r.candidate_id.v, up.file_url, up.filename, up.text, up.uploaded_at);
        if (e == ERR_NOT_FOUND)
            e = ERR_OK;
    }
    if (e == ERR_OK)
        e = db_commit(db);
    if (e != ERR_OK) {
        svc_rollback(db);
        log_error(LOGGER, "cv upload %lld: write failed (%s)", (long long)r.id, err_name(e));
        return ERR_INTERNAL;
    }
    char buf[40];
    json_t *o = json_object();
    json_object_set_new(o, "success", json_true());
    json_object_set_new(o, "assessment_id", json_integer(r.id));
    json_object_set_new(o, "cv_filename", json_string(up.filename));
    json_object_set_new(o, "cv_uploaded_at", json_string(db_format_time(up.uploaded_at, "Z", buf)));
    json_object_set_new(o, "text_extracted", json_boolean(up.text && *up.text));
    *out = o;
    return ERR_OK;
}

/* ---- the X-Assessment-Token guard of S7-S9 ---- */

/* Loads assessment id for a candidate action: 404 unless IN_PROGRESS,
 * then 403 on a token mismatch, then the session and proof of a bound
 * assessment (assessments_cand_guard), then (check_time) 409 past the
 * limit. */
static err_t svc_active(db_t *db, mem_arena_t *a, int64_t id, const char *token, const assessments_cand_in_t *cand,
                        bool check_time, int64_t now, assessments_row_t *r, const char **detail)
{
    bool found = false;
    if (assessments_repo_get(db, a, NULL, id, false, r, &found) != ERR_OK) {
        *detail = "Failed to read assessment";
        return ERR_INTERNAL;
    }
    if (!found || !svc_is(r, ASSESSMENTS_IN_PROGRESS)) {
        *detail = D_ACTIVE_NOT_FOUND;
        return ERR_NOT_FOUND;
    }
    if (!sec_ct_equal(token, r->token)) {
        *detail = D_BAD_TOKEN;
        return ERR_FORBIDDEN;
    }
    /* D32: a bound assessment takes today's session and proof */
    err_t e = assessments_cand_guard(db, r, cand, now, detail);
    if (e != ERR_OK)
        return e;
    if (check_time && svc_over_time(r, now)) {
        *detail = D_TIME_LIMIT;
        return ERR_CONFLICT;
    }
    return ERR_OK;
}

/* Makes sure the assessment has a live sandbox (policy fix 11; no
 * database use, so it runs with the connection given back).  The id
 * (heap) or NULL on failure (logged). */
static char *svc_sandbox(const assessments_row_t *r)
{
    sandbox_provider_t *sb = assessments_sandbox();
    char *sid = NULL;
    char why[512] = "";
    if (sb->ensure(sb->self, r->id, r->e2b_session_id, &sid, why, sizeof why) != ERR_OK || !sid) {
        log_error(LOGGER, "assessment %lld: sandbox unavailable: %s", (long long)r->id, why);
        free(sid);
        return NULL;
    }
    return sid;
}

/* Stores a replacement sandbox id. */
static void svc_store_sandbox(db_t *db, const assessments_row_t *r, const char *sid)
{
    if (sid && (!r->e2b_session_id || strcmp(r->e2b_session_id, sid) != 0)) {
        if (assessments_repo_set_sandbox(db, r->id, sid, db_now_us()) != ERR_OK)
            log_warn(LOGGER, "assessment %lld: new sandbox id not stored", (long long)r->id);
    }
}

/* ---- S7 execute ---- */

err_t assessments_svc_execute(assessments_conn_t *conn, mem_arena_t *a, int64_t id, const char *token,
                              const assessments_cand_in_t *cand, const char *code, json_t **out, const char **detail)
{
    db_t *db = conn->take(conn->ctx);
    if (!db) {
        *detail = D_NO_DB;
        return ERR_UNAVAILABLE;
    }
    assessments_row_t r;
    err_t e = svc_active(db, a, id, token, cand, true, db_now_us(), &r, detail);
    if (e != ERR_OK)
        return e;
    /* Policy fix 8: what the candidate ran last is what a resume shows. */
    if (assessments_repo_set_latest_code(db, r.id, code, db_now_us()) != ERR_OK)
        log_warn(LOGGER, "execute %lld: latest code not stored", (long long)r.id);
    svc_pause(conn, &db);
    char *sid = svc_sandbox(&r);
    if (!sid) {
        *detail = D_SANDBOX_FAIL;
        return ERR_UNAVAILABLE;
    }
    mem_defer(a, free, sid);
    if (r.e2b_session_id == NULL || strcmp(r.e2b_session_id, sid) != 0) {
        if (!svc_resume(conn, &db, detail))
            return ERR_UNAVAILABLE;
        svc_store_sandbox(db, &r, sid);
        svc_pause(conn, &db);
    }
    sandbox_provider_t *sb = assessments_sandbox();
    sandbox_result_t res;
    memset(&res, 0, sizeof res);
    if (sb->execute(sb->self, sid, code, &res) != ERR_OK) {
        /* In-band, as the original's wrapper reported its exceptions. */
        char *msg = res.error ? xstrdup(res.error) : xstrdup("Code execution failed");
        sandbox_result_free(&res);
        res.error = msg;
        res.success = false;
    }
    *out = sandbox_result_json(&res);
    sandbox_result_free(&res);
    return ERR_OK;
}

/* ---- S8 chat ---- */

err_t assessments_svc_chat(assessments_conn_t *conn, mem_arena_t *a, int64_t id, const char *token,
                           const assessments_cand_in_t *cand, const assessments_chat_in_t *in, json_t **out,
                           const char **detail)
{
    db_t *db = conn->take(conn->ctx);
    if (!db) {
        *detail = D_NO_DB;
        return ERR_UNAVAILABLE;
    }
    assessments_row_t r;
    err_t e = svc_active(db, a, id, token, cand, true, db_now_us(), &r, detail);
    if (e != ERR_OK)
        return e;
    svc_pause(conn, &db);
    char *text = NULL;
    int64_t tin = 0, tout = 0, latency = 0;
    assessments_chat_call(in, &text, &tin, &tout, &latency);
    if (text)
        mem_defer(a, free, text);
    if (!svc_resume(conn, &db, detail))
        return ERR_UNAVAILABLE;

    /* Append under the row lock so concurrent turns are all kept. */
    *detail = "Failed to persist AI interaction";
    bool found = false;
    e = db_begin(db);
    if (e == ERR_OK)
        e = assessments_repo_get(db, a, NULL, id, true, &r, &found);
    if (e != ERR_OK) {
        svc_rollback(db);
        return ERR_INTERNAL;
    }
    if (!found || !svc_is(&r, ASSESSMENTS_IN_PROGRESS)) {
        svc_rollback(db);
        *detail = D_ACTIVE_NOT_FOUND;
        return ERR_NOT_FOUND;
    }
    int64_t now = db_now_us();
    json_t *prompts = assessments_schema_parse(r.ai_prompts);
    if (!json_is_array(prompts)) {
        json_decref(prompts);
        prompts = json_array();
    }
    bool first = json_array_size(prompts) == 0;
    bool has_code = in->code_context && *in->code_context;
    if (!first && has_code) {
        size_t last = json_array_size(prompts) - 1;
        json_t *prev = json_array_get(prompts, last);
        if (json_is_object(prev)) {
            json_t *copy = json_copy(prev);
            json_object_set_new(copy, "code_after", json_string(in->code_context));
            json_array_set_new(prompts, last, copy);
        }
    }
    json_array_append_new(prompts, assessments_chat_record(a, in, text, tin, tout, latency, now, &r.started_at));
    assessments_opt_int_t ttfp = {false, 0};
    if (first && r.started_at.set) {
        ttfp.set = true;
        ttfp.v = (now - r.started_at.v) / 1000000;
    }
    char *blob = json_encode_arena(a, prompts);
    json_decref(prompts);
    e = assessments_repo_chat(db, id, blob, &ttfp, has_code ? in->code_context : NULL, now);
    if (e == ERR_OK)
        e = db_commit(db);
    if (e != ERR_OK) {
        svc_rollback(db);
        log_error(LOGGER, "chat %lld: write failed (%s)", (long long)id, err_name(e));
        return ERR_INTERNAL;
    }
    json_t *o = json_object();
    json_object_set_new(o, "success", json_boolean(text != NULL));
    json_object_set_new(o, "content", json_string(text ? text : ""));
    json_object_set_new(o, "tokens_used", json_integer(text ? tin + tout : 0));
    json_object_set_new(o, "input_tokens", json_integer(text ? tin : 0));
    json_object_set_new(o, "output_tokens", json_integer(text ? tout : 0));
    /* Policy fix 2: the frontend reads `response`. */
    json_object_set_new(o, "response", json_string(text ? text : ""));
    *out = o;
    return ERR_OK;
}

/* ---- S9 submit ---- */

static db_value_t v_real(double d)
{
    return DB_V_REAL(d);
}

static db_value_t v_json(mem_arena_t *a, const json_t *j)
{
    return j ? DB_V_JSON(json_encode_arena(a, j)) : DB_V_NULL;
}

static void svc_scored_release(void *p)
{
    assessments_scored_free(p);
}

err_t assessments_svc_submit(assessments_conn_t *conn, mem_arena_t *a, int64_t id, const char *token,
                             const assessments_cand_in_t *proof, const char *final_code, int64_t tab_switch_count,
                             json_t **out, const char **detail)
{
    db_t *db = conn->take(conn->ctx);
    if (!db) {
        *detail = D_NO_DB;
        return ERR_UNAVAILABLE;
    }
    assessments_row_t r;
    err_t e = svc_active(db, a, id, token, proof, false, db_now_us(), &r, detail);
    if (e != ERR_OK)
        return e;
    task_t task;
    if (!r.task_id.set || tasks_get(db, a, r.task_id.v, &task) != ERR_OK) {
        *detail = "Task not found";
        return ERR_NOT_FOUND;
    }
    candidates_candidate_t cand;
    bool has_cand = false;
    assessments_names_t names;
    *detail = "Failed to submit assessment";
    if (svc_names(db, a, &r, &names, &cand, &has_cand) != ERR_OK)
        return ERR_INTERNAL;

    /* The tests and the fit call are slow: no connection held meanwhile. */
    svc_pause(conn, &db);
    char *sid = svc_sandbox(&r);
    if (sid)
        mem_defer(a, free, sid);
    int64_t now = db_now_us();
    assessments_submit_in_t in = {
        .row = &r,
        .final_code = final_code,
        .tab_switch_count = tab_switch_count,
        .test_code = task.test_code,
        .score_weights = task.score_weights,
        .has_candidate = has_cand,
        .cv_text = has_cand ? cand.cv_text : NULL,
        .job_spec_text = has_cand ? cand.job_spec_text : NULL,
        .task_description = task.description,
        .calibration_prompt = task.calibration_prompt,
        .now_us = now,
    };
    /* In the arena, released with it: every exit below leaves it there. */
    assessments_scored_t *sp = mem_alloc(a, sizeof *sp);
    if (assessments_submit_score(a, &in, sid, sp) != ERR_OK)
        return ERR_INTERNAL;
    mem_defer(a, svc_scored_release, sp);
    const scoring_columns_t *c = sp->columns;
    if (!svc_resume(conn, &db, detail)) {
        return ERR_UNAVAILABLE;
    }

    db_value_t v[ASSESSMENTS_REPO_SUBMIT_N];
    v[ASR_STATUS] = DB_V_TEXT(ASSESSMENTS_COMPLETED);
    v[ASR_COMPLETED_AT] = DB_V_TIME(now);
    v[ASR_SCORE] = v_real(c->score);
    v[ASR_FINAL_SCORE] = v_real(c->final_score);
    v[ASR_TESTS_PASSED] = DB_V_INT(sp->tests_passed);
    v[ASR_TESTS_TOTAL] = DB_V_INT(sp->tests_total);
    v[ASR_TESTS_PASS_COUNT] = DB_V_INT(sp->tests_passed);
    v[ASR_TESTS_RUN_COUNT] = DB_V_INT(sp->tests_total);
    v[ASR_TEST_RESULTS] = v_json(a, sp->test_results);
    v[ASR_CODE_SNAPSHOTS] = v_json(a, sp->code_snapshots);
    v[ASR_TIMELINE] = v_json(a, sp->timeline);
    v[ASR_CODE_QUALITY] = v_real(c->code_quality_score);
    v[ASR_PROMPT_QUALITY] = v_real(c->prompt_quality_score);
    v[ASR_PROMPT_EFFICIENCY] = v_real(c->prompt_efficiency_score);
    v[ASR_INDEPENDENCE] = v_real(c->independence_score);
    v[ASR_CONTEXT_UTILIZATION] = v_real(c->context_utilization_score);
    v[ASR_DESIGN_THINKING] = v_real(c->design_thinking_score);
    v[ASR_DEBUGGING_STRATEGY] = v_real(c->debugging_strategy_score);
    v[ASR_WRITTEN_COMMUNICATION] = v_real(c->written_communication_score);
    v[ASR_LEARNING_VELOCITY] = v_real(c->learning_velocity_score);
    v[ASR_ERROR_RECOVERY] = v_real(c->error_recovery_score);
    v[ASR_REQUIREMENT_COMPREHENSION] = v_real(c->requirement_comprehension_score);
    v[ASR_AI_USAGE] = v_real(c->ai_usage_score);
    v[ASR_TIME_EFFICIENCY] = v_real(c->time_efficiency_score);
    v[ASR_CALIBRATION] = sp->has_calibration_score ? v_real(sp->calibration_score) : DB_V_NULL;
    v[ASR_CV_JOB_MATCH_SCORE] = c->has_cv_job_match_score ? v_real(c->cv_job_match_score) : DB_V_NULL;
    v[ASR_CV_JOB_MATCH_DETAILS] = v_json(a, c->cv_job_match_details);
    v[ASR_SCORE_BREAKDOWN] = v_json(a, c->score_breakdown);
    v[ASR_SCORE_WEIGHTS_USED] = v_json(a, c->score_weights_used);
    v[ASR_FLAGS] = v_json(a, c->flags);
    v[ASR_PROMPT_FRAUD_FLAGS] = v_json(a, c->prompt_fraud_flags);
    v[ASR_PROMPT_ANALYTICS] = v_json(a, c->prompt_analytics);
    v[ASR_BROWSER_FOCUS_RATIO] = c->has_browser_focus_ratio ? v_real(c->browser_focus_ratio) : DB_V_NULL;
    v[ASR_TIME_TO_FIRST_PROMPT] = c->has_time_to_first_prompt ? DB_V_INT(c->time_to_first_prompt_seconds) : DB_V_NULL;
    v[ASR_SCORED_AT] = DB_V_TIME(now);
    v[ASR_TOTAL_DURATION] = DB_V_INT(sp->duration_seconds);
    v[ASR_TOTAL_PROMPTS] = DB_V_INT(c->total_prompts);
    v[ASR_TOTAL_INPUT_TOKENS] = DB_V_INT(c->total_input_tokens);
    v[ASR_TOTAL_OUTPUT_TOKENS] = DB_V_INT(c->total_output_tokens);
    v[ASR_AI_PROMPTS] = json_array_size(sp->ai_prompts) > 0 ? v_json(a, sp->ai_prompts)
                                                            : (r.ai_prompts ? DB_V_JSON(r.ai_prompts) : DB_V_NULL);
    v[ASR_TAB_SWITCH_COUNT] = DB_V_INT(sp->tab_switch_count);
    v[ASR_UPDATED_AT] = DB_V_TIME(now);

    bool claimed = false;
    e = db_begin(db);
    if (e == ERR_OK)
        e = assessments_repo_submit(db, id, v, &claimed);
    if (e == ERR_OK && !claimed) {
        svc_rollback(db);
        *detail = "Assessment cannot be submitted in current state";
        return ERR_BAD_REQUEST;
    }
    /* Subscribers (the Workable results post) hear of it through the
     * queue, in this transaction. */
    if (e == ERR_OK)
        e = svc_publish_completed(db, id, r.organization_id.set, r.organization_id.v);
    if (e == ERR_OK && r.organization_id.set) {
        const char *to = NULL;
        err_t fe = auth_first_user_email_of_org(db, a, r.organization_id.v, &to);
        if (fe == ERR_OK) {
            const char *who = *names.candidate_name ? names.candidate_name : "Candidate";
            e = notifications_send_results(db, to, who, c->score, id);
        } else if (fe != ERR_NOT_FOUND) {
            e = fe;
        }
    }
    if (e == ERR_OK)
        e = db_commit(db);
    if (e != ERR_OK) {
        svc_rollback(db);
        log_error(LOGGER, "submit %lld: write failed (%s)", (long long)id, err_name(e));
        *detail = "Failed to submit assessment";
        return ERR_INTERNAL;
    }
    if (sid) {
        sandbox_provider_t *sb = assessments_sandbox();
        sb->destroy(sb->self, sid);
    }
    *out = assessments_submit_response(sp);
    return ERR_OK;
}

/* ---- hooks for other components ---- */

err_t assessments_task_in_use(db_t *db, int64_t task_id, bool *in_use)
{
    return assessments_repo_task_in_use(db, task_id, in_use);
}

err_t assessments_role_usage(db_t *db, int64_t org, int64_t role_id, int64_t task_id, bool *used)
{
    return assessments_repo_role_usage(db, org, role_id, task_id, used);
}

static bool svc_is_note(const json_t *entry)
{
    const char *kinds[] = {json_string_value(json_object_get(entry, "event_type")),
                           json_string_value(json_object_get(entry, "type"))};
    bool note = false;
    for (size_t i = 0; i < 2; i++)
        note = note || (kinds[i] && (strcmp(kinds[i], "note") == 0 || strcmp(kinds[i], "recruiter_note") == 0));
    const char *text = json_string_value(json_object_get(entry, "text"));
    size_t n = 0;
    return note && text && text_trim_ascii(text, strlen(text), &n) && n > 0;
}

err_t assessments_note_timeline(db_t *db, mem_arena_t *a, int64_t org, int64_t id, json_t **out)
{
    *out = json_array();
    assessments_owner_t owner = {.has_org = true, .org_id = org};
    assessments_row_t r;
    bool found = false;
    err_t e = assessments_repo_get(db, a, &owner, id, false, &r, &found);
    if (e != ERR_OK || !found)
        return e;
    json_t *timeline = r.timeline ? json_loads(r.timeline, 0, NULL) : NULL;
    size_t i;
    json_t *entry;
    json_array_foreach(timeline, i, entry) if (svc_is_note(entry)) json_array_append(*out, entry);
    json_decref(timeline);
    return ERR_OK;
}

err_t assessments_svc_stats(db_t *db, assessments_owner_t owner, json_t **out, const char **detail)
{
    *detail = "Failed to load assessment stats";
    assessments_repo_stats_t st = {0};
    if (owner.has_org && assessments_repo_stats(db, owner.org_id, db_now_us(), &st) != ERR_OK)
        return ERR_INTERNAL;
    /* bounced: this server records no invite delivery state (no webhook
     * of the mail provider), so no invite is ever known to bounce */
    *out = json_pack("{s:I,s:I,s:I,s:I,s:I,s:I}", "invited", (json_int_t)st.invited, "in_progress",
                     (json_int_t)st.in_progress, "completed", (json_int_t)st.completed, "expiring_soon",
                     (json_int_t)st.expiring_soon, "scoring", (json_int_t)st.scoring, "bounced", (json_int_t)0);
    return ERR_OK;
}

err_t assessments_svc_clipboard(db_t *db, mem_arena_t *a, assessments_owner_t owner, int64_t id, bool allow,
                                json_t **out, const char **detail)
{
    *detail = "Failed to update clipboard accommodation";
    if (db_begin(db) != ERR_OK)
        return ERR_INTERNAL;
    assessments_row_t r;
    bool found = false;
    err_t e = assessments_repo_get(db, a, &owner, id, true, &r, &found);
    if (e == ERR_OK && !found) {
        svc_rollback(db);
        *detail = D_NOT_FOUND;
        return ERR_NOT_FOUND;
    }
    if (e == ERR_OK && (r.is_voided || !(r.status == NULL || svc_is(&r, ASSESSMENTS_PENDING)))) {
        svc_rollback(db);
        *detail = "Clipboard accommodation must be set before the assessment starts";
        return ERR_CONFLICT;
    }
    if (e == ERR_OK)
        e = assessments_repo_set_clipboard(db, id, allow);
    if (e == ERR_OK)
        e = db_commit(db);
    if (e != ERR_OK) {
        svc_rollback(db);
        return ERR_INTERNAL;
    }
    *out = json_pack("{s:b,s:b}", "success", 1, "allow_external_clipboard", allow);
    return ERR_OK;
}

err_t assessments_detach_candidate(db_t *db, int64_t candidate_id)
{
    return assessments_repo_detach_candidate(db, candidate_id);
}

err_t assessments_detach_application(db_t *db, int64_t application_id)
{
    return assessments_repo_detach_application(db, application_id);
}

/* ---- expiry ---- */

#define ASSESSMENTS_ABANDON_SECONDS 3600

err_t assessments_expire_sweep(db_t *db, int64_t now_us, int64_t *expired)
{
    int64_t pending = 0;
    err_t e = assessments_repo_expire_pending(db, now_us, &pending);
    if (e != ERR_OK)
        return e;
    int64_t total = pending;
    /* Shortest possible limit is 15 minutes, so rows started later than
     * this cannot be abandoned yet. */
    int64_t horizon = now_us - (15 * 60 + ASSESSMENTS_GRACE_SECONDS + ASSESSMENTS_ABANDON_SECONDS) * 1000000LL;
    mem_arena_t *a = mem_arena_new();
    assessments_repo_running_t *rows = NULL;
    size_t n = 0;
    e = assessments_repo_list_running(db, a, horizon, &rows, &n);
    for (size_t i = 0; e == ERR_OK && i < n; i++) {
        int64_t dur = rows[i].duration_minutes ? rows[i].duration_minutes : 30;
        int64_t end =
            rows[i].started_at + (dur * 60 + ASSESSMENTS_GRACE_SECONDS + ASSESSMENTS_ABANDON_SECONDS) * 1000000LL;
        if (now_us <= end)
            continue;
        bool changed = false;
        e = assessments_repo_expire_one(db, rows[i].id, now_us, &changed);
        if (e == ERR_OK && changed) {
            total++;
            if (rows[i].sandbox_id) {
                sandbox_provider_t *sb = assessments_sandbox();
                sb->destroy(sb->self, rows[i].sandbox_id);
            }
        }
    }
    mem_arena_free(a);
    if (expired)
        *expired = total;
    if (total > 0)
        log_info(LOGGER, "expiry sweep: %lld assessment(s) expired", (long long)total);
    return e;
}

static err_t assessments_expire_job(void *ctx, db_pool_t *pool, const json_t *payload, char *err, size_t errlen)
{
    (void)ctx;
    (void)payload;
    db_t *db = db_acquire(pool);
    if (!db) {
        snprintf(err, errlen, "no database connection");
        return ERR_UNAVAILABLE;
    }
    err_t e = assessments_expire_sweep(db, db_now_us(), NULL);
    db_release(pool, db);
    if (e != ERR_OK)
        snprintf(err, errlen, "expiry sweep failed: %s", err_name(e));
    return e;
}

void assessments_register_jobs(jobs_runner_t *r)
{
    jobs_runner_handle(r, ASSESSMENTS_EXPIRE_JOB, assessments_expire_job, NULL, 60);
}

struct assessments_ticker {
    db_pool_t *pool;
    int interval_s;
    bool stop;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    pthread_t thread;
};

static void *assessments_ticker_main(void *arg)
{
    assessments_ticker_t *t = arg;
    pthread_mutex_lock(&t->mu);
    while (!t->stop) {
        pthread_mutex_unlock(&t->mu);
        db_t *db = db_acquire(t->pool);
        if (db) {
            json_t *payload = json_object();
            if (jobs_enqueue(db, ASSESSMENTS_EXPIRE_JOB, payload, 0, 1, NULL) != ERR_OK)
                log_warn(LOGGER, "could not enqueue the expiry sweep");
            json_decref(payload);
            db_release(t->pool, db);
        }
        pthread_mutex_lock(&t->mu);
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += t->interval_s;
        while (!t->stop && pthread_cond_timedwait(&t->cv, &t->mu, &until) == 0) {
        }
    }
    pthread_mutex_unlock(&t->mu);
    return NULL;
}

assessments_ticker_t *assessments_expiry_ticker_start(db_pool_t *pool, int interval_s)
{
    assessments_ticker_t *t = xcalloc(1, sizeof *t);
    t->pool = pool;
    t->interval_s = interval_s > 0 ? interval_s : 300;
    pthread_mutex_init(&t->mu, NULL);
    pthread_cond_init(&t->cv, NULL);
    if (pthread_create(&t->thread, NULL, assessments_ticker_main, t) != 0) {
        log_error(LOGGER, "cannot start the expiry ticker");
        pthread_mutex_destroy(&t->mu);
        pthread_cond_destroy(&t->cv);
        free(t);
        return NULL;
    }
    return t;
}

void assessments_expiry_ticker_stop(assessments_ticker_t *t)
{
    if (!t)
        return;
    pthread_mutex_lock(&t->mu);
    t->stop = true;
    pthread_cond_signal(&t->cv);
    pthread_mutex_unlock(&t->mu);
    pthread_join(t->thread, NULL);
    pthread_mutex_destroy(&t->mu);
    pthread_cond_destroy(&t->cv);
    free(t);
}
