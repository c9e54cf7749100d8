/* assessments/candidate: today's candidate flow beside February's (spec
 * v2/identity-and-kept-routes.md §2.4, §2.6, §3 D31/D32).  A start whose
 * body carries the proof fields binds the assessment to a browser session
 * and a P-256 key; from then on every candidate route of that assessment
 * needs the session header and a fresh signed proof.  A start without
 * them is February's, allowed only while the assessment is unbound and
 * neither the organisation nor the deployment requires proofs.  This file
 * holds the body rules, the admission (checks, nonce, binding), the guard
 * of the bound routes and the reshaped start response; service.c calls
 * them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "components/assessments/internal.h"
#include "components/assessments/proof.h"
#include "components/assessments/repo.h"
#include "components/organizations/organizations.h"
#include "platform/json.h"
#include "platform/log.h"
#include "platform/security.h"

#define LOGGER "tali.assessments"

#define D_SESSION_REQUIRED "candidate_session_key is required"
#define D_KEY_ID_REQUIRED "candidate_proof_key_id is required"
#define D_JWK_REQUIRED "candidate_proof_public_jwk is required"
#define D_OTHER_SESSION "Assessment is already active in another browser session"
#define D_BAD_SESSION "Invalid candidate session"
#define D_BAD_SESSION_KEY "Invalid candidate session key"
#define D_ALREADY_SUBMITTED "Assessment already submitted"

#define CAND_SESSION_PATTERN "^[A-Za-z0-9_-]+$"
#define CAND_KEY_ID_PATTERN "^[A-Za-z0-9_-]{43}$"
#define CAND_MAX_CHAT_HISTORY 60

/* ---- the start body (AssessmentStartRequest, unknown keys forbidden) ---- */

static const char *const CAND_START_FIELDS[] = {"candidate_session_key", "candidate_proof_key_id",
                                                "candidate_proof_public_jwk", "calibration_warmup_prompt"};

static bool cand_known_field(const char *k)
{
    for (size_t i = 0; i < sizeof CAND_START_FIELDS / sizeof CAND_START_FIELDS[0]; i++)
        if (strcmp(CAND_START_FIELDS[i], k) == 0)
            return true;
    return false;
}

bool assessments_cand_wants_v2(const json_t *body, const char *proof_header)
{
    if (proof_header)
        return true;
    if (!json_is_object(body))
        return false;
    return json_object_get(body, "candidate_session_key") || json_object_get(body, "candidate_proof_key_id") ||
           json_object_get(body, "candidate_proof_public_jwk");
}

bool assessments_schema_start(vld_t *v, const json_t *body, assessments_cand_in_t *out)
{
    out->v2 = true;
    if (!body || json_is_null(body))
        return true; /* the handler answers "candidate_session_key is required" */
    if (!vld_body_object(v, body))
        return false;
    static const vld_str_rule_t session_rule = {
        .need = VLD_OPTIONAL, .min_length = 32, .max_length = 128, .pattern = CAND_SESSION_PATTERN};
    static const vld_str_rule_t key_rule = {.need = VLD_OPTIONAL, .pattern = CAND_KEY_ID_PATTERN};
    static const vld_str_rule_t warmup_rule = {.need = VLD_OPTIONAL, .min_length = 1, .max_length = 4000};
    vld_str_t s = {0}, k = {0}, w = {0};
    if (vld_str(v, "body", body, "candidate_session_key", &session_rule, &s) && s.presence == VLD_SET)
        out->session_key = s.value;
    if (vld_str(v, "body", body, "candidate_proof_key_id", &key_rule, &k) && k.presence == VLD_SET)
        out->key_id = k.value;
    vld_json_t jwk = {0};
    if (vld_dict(v, "body", body, "candidate_proof_public_jwk", VLD_OPTIONAL, &jwk) && jwk.presence == VLD_SET)
        out->jwk = jwk.value;
    vld_str(v, "body", body, "calibration_warmup_prompt", &warmup_rule, &w);
    const char *key;
    json_t *val;
    json_object_foreach((json_t *)body, key, val)
    {
        if (!cand_known_field(key))
            vld_add(v, "extra_forbidden", vld_loc("body", key), "Extra inputs are not permitted", json_copy(val), NULL);
    }
    return !vld_any(v);
}

/* ---- settings ---- */

bool assessments_cand_proof_required(db_t *db, const assessments_row_t *r)
{
    if (r->organization_id.set) {
        bool set = false, required = false;
        if (organizations_candidate_proof_required(db, r->organization_id.v, &set, &required) != ERR_OK)
            return true; /* unknown: refuse the weaker mode */
        if (set)
            return required;
    }
    return cfg->candidate_proof_required;
}

bool assessments_cand_is_bound(const assessments_row_t *r)
{
    return r->candidate_proof_key_id != NULL || r->candidate_session_hash != NULL;
}

/* ---- proof checks ---- */

static err_t cand_proof_fail(proof_status_t st, const char **detail)
{
    *detail = st == PROOF_MISSING ? PROOF_D_REQUIRED : st == PROOF_EXPIRED ? PROOF_D_EXPIRED : PROOF_D_INVALID;
    return ERR_FORBIDDEN;
}

static bool cand_headers_complete(const proof_headers_t *h)
{
    return h->key_id && h->timestamp && h->nonce && h->signature;
}

/* The nonce, once: 409 when it was used on this assessment before. */
static err_t cand_consume(db_t *db, int64_t id, const assessments_cand_in_t *in, const char *key_id, int64_t ts,
                          int64_t now_us, const char **detail)
{
    bool fresh = false;
    if (assessments_repo_consume_nonce(db, id, in->headers.nonce, key_id, ts, now_us, &fresh) != ERR_OK) {
        *detail = "Failed to verify candidate request proof";
        return ERR_INTERNAL;
    }
    if (!fresh) {
        *detail = PROOF_D_REPLAYED;
        return ERR_CONFLICT;
    }
    return ERR_OK;
}

/* The row's timeline with today's two binding events appended. */
static char *cand_bound_timeline(mem_arena_t *a, const assessments_row_t *r, const char *key_id, int64_t now_us)
{
    json_t *tl = assessments_schema_parse(r->timeline);
    if (!json_is_array(tl)) {
        json_decref(tl);
        tl = json_array();
    }
    const char *at = assessments_schema_blob_time(a, now_us);
    json_array_append_new(tl, json_pack("{s:s, s:s}", "event_type", "candidate_session_bound", "timestamp", at));
    json_array_append_new(
        tl, json_pack("{s:s, s:s, s:s}", "event_type", "candidate_proof_key_bound", "timestamp", at, "key_id", key_id));
    char *text = json_encode_arena(a, tl);
    json_decref(tl);
    return text;
}

/* Step 3 and 4 of §2.4 in one committed transaction: the status, the
 * binding of another session, the nonce, and the binding itself. */
static err_t cand_admit_txn(db_t *db, mem_arena_t *a, int64_t id, const assessments_cand_in_t *in,
                            const proof_key_t *key, int64_t ts, int64_t now_us, const char **detail)
{
    *detail = "Failed to start assessment session";
    if (db_begin(db) != ERR_OK)
        return ERR_INTERNAL;
    assessments_row_t cur;
    bool found = false;
    err_t e = assessments_repo_get(db, a, NULL, id, true, &cur, &found);
    if (e == ERR_OK && !found) {
        *detail = "Invalid assessment token";
        e = ERR_NOT_FOUND;
    } else if (e != ERR_OK) {
        e = ERR_INTERNAL;
    } else if (!(strcmp(cur.status, ASSESSMENTS_PENDING) == 0 || strcmp(cur.status, ASSESSMENTS_IN_PROGRESS) == 0)) {
        *detail = D_ALREADY_SUBMITTED;
        e = ERR_BAD_REQUEST;
    }
    char hash[65];
    proof_session_hash(in->session_key, hash);
    bool bound = e == ERR_OK && assessments_cand_is_bound(&cur);
    if (bound && !(cur.candidate_proof_key_id && strcmp(cur.candidate_proof_key_id, key->key_id) == 0 &&
                   cur.candidate_session_hash && sec_ct_equal(cur.candidate_session_hash, hash))) {
        *detail = D_OTHER_SESSION;
        e = ERR_CONFLICT;
    }
    if (e == ERR_OK)
        e = cand_consume(db, id, in, key->key_id, ts, now_us, detail);
    if (e == ERR_OK && !bound) {
        json_t *jwk = json_pack("{s:s, s:s, s:O, s:O}", "kty", "EC", "crv", "P-256", "x", json_object_get(in->jwk, "x"),
                                "y", json_object_get(in->jwk, "y"));
        const char *jwk_text = json_encode_arena(a, jwk);
        json_decref(jwk);
        bool ok = false;
        e = assessments_repo_bind(db, id, hash, key->key_id, jwk_text,
                                  cand_bound_timeline(a, &cur, key->key_id, now_us), now_us, &ok);
        if (e != ERR_OK)
            e = ERR_INTERNAL;
        else if (!ok) {
            *detail = D_OTHER_SESSION;
            e = ERR_CONFLICT;
        }
    }
    if (e == ERR_OK && db_commit(db) != ERR_OK)
        e = ERR_INTERNAL;
    if (e != ERR_OK)
        db_rollback(db);
    return e;
}

err_t assessments_cand_admit_start(db_t *db, mem_arena_t *a, const assessments_row_t *r,
                                   const assessments_cand_in_t *in, int64_t now_us, const char **detail)
{
    if (!in->session_key) {
        *detail = D_SESSION_REQUIRED;
        return ERR_VALIDATION;
    }
    if (!in->key_id) {
        *detail = D_KEY_ID_REQUIRED;
        return ERR_VALIDATION;
    }
    if (!in->jwk || json_object_size(in->jwk) == 0) {
        *detail = D_JWK_REQUIRED;
        return ERR_VALIDATION;
    }
    if (!cand_headers_complete(&in->headers))
        return cand_proof_fail(PROOF_MISSING, detail);
    proof_key_t key;
    if (proof_jwk(in->jwk, &key) != PROOF_OK || strcmp(key.key_id, in->key_id) != 0 ||
        strcmp(in->headers.key_id, in->key_id) != 0)
        return cand_proof_fail(PROOF_INVALID, detail);
    int64_t ts = 0;
    proof_status_t st = proof_check(&key, &in->headers, &in->rq, now_us / 1000000, &ts);
    if (st != PROOF_OK)
        return cand_proof_fail(st, detail);
    return cand_admit_txn(db, a, r->id, in, &key, ts, now_us, detail);
}

err_t assessments_cand_guard(db_t *db, const assessments_row_t *r, const assessments_cand_in_t *in, int64_t now_us,
                             const char **detail)
{
    if (!assessments_cand_is_bound(r))
        return ERR_OK; /* February's routes, exactly (D32) */
    const char *session = in ? in->session_header : NULL;
    if (!session || !*session) {
        *detail = D_BAD_SESSION;
        return ERR_FORBIDDEN;
    }
    size_t n = strlen(session);
    bool format_ok = n >= 32 && n <= 128 &&
                     strspn(session, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                     "0123456789_-") == n;
    if (!format_ok) {
        *detail = D_BAD_SESSION_KEY;
        return ERR_BAD_REQUEST;
    }
    char hash[65];
    proof_session_hash(session, hash);
    if (!r->candidate_session_hash || !sec_ct_equal(r->candidate_session_hash, hash)) {
        *detail = D_BAD_SESSION;
        return ERR_FORBIDDEN;
    }
    if (!cand_headers_complete(&in->headers))
        return cand_proof_fail(PROOF_MISSING, detail);
    proof_key_t key;
    if (!r->candidate_proof_public_jwk) {
        *detail = "Candidate proof key is not bound";
        return ERR_FORBIDDEN;
    }
    if (proof_jwk_text(r->candidate_proof_public_jwk, strlen(r->candidate_proof_public_jwk), &key) != PROOF_OK) {
        log_error(LOGGER, "assessment %lld: the bound proof key does not parse", (long long)r->id);
        return cand_proof_fail(PROOF_INVALID, detail);
    }
    int64_t ts = 0;
    proof_status_t st = proof_check(&key, &in->headers, &in->rq, now_us / 1000000, &ts);
    if (st != PROOF_OK)
        return cand_proof_fail(st, detail);
    return cand_consume(db, r->id, in, key.key_id, ts, now_us, detail);
}

err_t assessments_cand_legacy_start_allowed(db_t *db, const assessments_row_t *r, const char **detail)
{
    if (assessments_cand_is_bound(r) || assessments_cand_proof_required(db, r)) {
        *detail = PROOF_D_REQUIRED;
        return ERR_FORBIDDEN;
    }
    return ERR_OK;
}

/* ---- today's start response (keys that are null omitted) ---- */

static void cand_set_str(json_t *o, const char *k, const char *v)
{
    if (v)
        json_object_set_new(o, k, json_string(v));
}

/* ai_prompts: the last 60 entries as {message, response, opener}. */
static json_t *cand_chat_history(const char *ai_prompts)
{
    json_t *all = assessments_schema_parse(ai_prompts);
    json_t *out = json_array();
    size_t n = json_is_array(all) ? json_array_size(all) : 0;
    for (size_t i = n > CAND_MAX_CHAT_HISTORY ? n - CAND_MAX_CHAT_HISTORY : 0; i < n; i++) {
        json_t *p = json_array_get(all, i);
        if (!json_is_object(p))
            continue;
        const char *m = json_string_value(json_object_get(p, "message"));
        const char *resp = json_string_value(json_object_get(p, "response"));
        json_array_append_new(out, json_pack("{s:s, s:s, s:b}", "message", m ? m : "", "response", resp ? resp : "",
                                             "opener", json_is_true(json_object_get(p, "opener"))));
    }
    json_decref(all);
    return out;
}

json_t *assessments_cand_start_response(const assessments_row_t *r, const assessments_cand_view_t *v)
{
    json_t *task = json_object();
    json_object_set_new(task, "name", json_string(v->task_name ? v->task_name : ""));
    cand_set_str(task, "description", v->task_description);
    json_object_set_new(task, "starter_code", json_string(""));
    json_object_set_new(task, "duration_minutes", json_integer(v->duration_minutes));
    /* B's tasks declare no repository: the manifest is empty (the
     * file-by-file workspace of today's editor is issue 17) */
    json_object_set_new(task, "repo_structure", json_pack("{s:{}}", "files"));
    json_object_set_new(task, "proctoring_enabled", json_boolean(v->proctoring_enabled));
    json_t *o = json_object();
    json_object_set_new(o, "assessment_id", json_integer(r->id));
    json_object_set_new(o, "task", task);
    if (v->candidate_name && *v->candidate_name)
        json_object_set_new(o, "candidate_name", json_string(v->candidate_name));
    cand_set_str(o, "organization_name", v->organization_name);
    if (r->expires_at.set) {
        char buf[40];
        json_object_set_new(o, "expires_at", json_string(db_format_time(r->expires_at.v, "Z", buf)));
    }
    json_object_set_new(o, "time_remaining", json_integer(v->time_remaining));
    json_object_set_new(o, "is_timer_paused", json_false());
    json_object_set_new(o, "total_paused_seconds", json_integer(0));
    json_object_set_new(o, "ai_mode", json_string("claude_cli_terminal"));
    json_object_set_new(o, "ai_prompts", cand_chat_history(r->ai_prompts));
    json_object_set_new(o, "allow_external_clipboard", json_boolean(r->allow_external_clipboard));
    return o;
}
