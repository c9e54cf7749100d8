/* Declarations shared by the files of the assessments component (not its
 * interface: other components include assessments.h).  The report engine
 * (report.c) reads assessments through assessments_svc_get_for_org and
 * assessments_schema_model below. */
#ifndef TALI_COMPONENTS_ASSESSMENTS_INTERNAL_H
#define TALI_COMPONENTS_ASSESSMENTS_INTERNAL_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "components/assessments/assessments.h"
#include "components/assessments/proof.h"
#include "components/integrations/sandbox/sandbox.h"
#include "platform/config.h"
#include "platform/db.h"
#include "platform/err.h"
#include "platform/mem.h"
#include "platform/validate.h"

/* Nullable scalars of a row. */
typedef struct {
    bool set;
    int64_t v;
} assessments_opt_int_t;

typedef struct {
    bool set;
    double v;
} assessments_opt_real_t;

/* Statuses as stored (the enum member names of the original). */
#define ASSESSMENTS_PENDING "PENDING"
#define ASSESSMENTS_IN_PROGRESS "IN_PROGRESS"
#define ASSESSMENTS_COMPLETED "COMPLETED"
#define ASSESSMENTS_EXPIRED "EXPIRED"

/* Grace after started_at + duration_minutes during which execute and chat
 * are still served (policy fix 10). */
#define ASSESSMENTS_GRACE_SECONDS 120

/* One row of `assessments`.  Strings (JSON columns as JSON text) live in
 * the arena given to the read; NULL means SQL NULL. */
typedef struct {
    int64_t id;
    assessments_opt_int_t organization_id;
    assessments_opt_int_t candidate_id;
    assessments_opt_int_t task_id;
    const char *token;
    const char *status; /* PENDING, IN_PROGRESS, COMPLETED, EXPIRED (NULL reads as PENDING) */
    assessments_opt_int_t duration_minutes;
    assessments_opt_int_t started_at, completed_at, expires_at, created_at, cv_uploaded_at, scored_at; /* µs */
    assessments_opt_real_t score, code_quality_score, time_efficiency_score, ai_usage_score;
    assessments_opt_int_t tests_passed, tests_total;
    const char *test_results, *ai_prompts, *code_snapshots, *timeline;
    const char *e2b_session_id;
    assessments_opt_real_t prompt_quality_score, prompt_efficiency_score, independence_score, context_utilization_score,
        design_thinking_score, debugging_strategy_score, written_communication_score, learning_velocity_score,
        error_recovery_score, requirement_comprehension_score, calibration_score;
    const char *prompt_fraud_flags, *prompt_analytics;
    assessments_opt_real_t browser_focus_ratio;
    assessments_opt_int_t tab_switch_count, time_to_first_prompt_seconds;
    const char *cv_file_url, *cv_filename;
    assessments_opt_real_t final_score;
    const char *score_breakdown, *score_weights_used, *flags;
    assessments_opt_int_t total_duration_seconds, total_prompts, total_input_tokens, total_output_tokens,
        tests_run_count, tests_pass_count;
    assessments_opt_real_t cv_job_match_score;
    const char *cv_job_match_details;
    const char *latest_code; /* the candidate's newest code (execute / chat), migration 005 */
    /* migration 011: the binding of a HEAD-mode start (D31), NULL while unbound */
    const char *candidate_session_hash;     /* SHA-256 hex of the session key */
    const char *candidate_proof_key_id;     /* 43 characters */
    const char *candidate_proof_public_jwk; /* JSON text */
    bool allow_external_clipboard;          /* S1's flag (D28) */
    bool posted_to_workable;                /* NULL reads as false */
    assessments_opt_int_t posted_to_workable_at;
    /* migration 013: the hiring loop's links and retake voiding */
    assessments_opt_int_t role_id, application_id;
    bool is_voided;
    assessments_opt_int_t voided_at;
    const char *void_reason;
    assessments_opt_int_t superseded_by_assessment_id;
} assessments_row_t;

/* What the JSON encoding needs beside the row. */
typedef struct {
    const char *candidate_name;  /* full name, else e-mail, else "" (trimmed) */
    const char *candidate_email; /* "" when none */
    const char *task_name;       /* "" when none */
    const char *role_name;       /* NULL when no role (or not found) */
} assessments_names_t;

/* ---- schema.c: encoding ---- */

/* The model variant (S1, S3): the 56 keys of api-contract §2.5 in order.
 * New reference. */
json_t *assessments_schema_model(const assessments_row_t *r, const assessments_names_t *n);
/* The dict variant (S2 items): the 58 keys in their order. */
json_t *assessments_schema_dict(const assessments_row_t *r, const assessments_names_t *n);

/* The timeline the original's build_timeline made from the row (§4.7)
 * with ai_prompts (borrowed array or NULL).  When time_limit_exceeded,
 * a "Time limit exceeded" event at the deadline goes before the
 * submission (policy fix 10).  New array. */
json_t *assessments_schema_build_timeline(const assessments_row_t *r, const json_t *ai_prompts,
                                          bool time_limit_exceeded);

/* A stored JSON column parsed (new reference), or NULL when NULL or not
 * JSON. */
json_t *assessments_schema_parse(const char *text);

/* "now" as stored inside JSON blobs: RFC 3339 UTC with "Z" and six
 * fraction digits (policy fix 13).  Owned by a. */
char *assessments_schema_blob_time(mem_arena_t *a, int64_t us);

/* The lower-case status for the API. */
const char *assessments_schema_status_value(const char *db_status);

/* ---- schema.c: validation (problems appended to v) ---- */

/* S1's body: today's AssessmentCreate (spec v2 §2.2, D28), of which
 * February's is a special case. */
typedef struct {
    const char *candidate_email; /* normalised; NULL when absent */
    const char *candidate_name;  /* NULL when absent or null */
    bool has_task_id, has_application_id, has_role_id;
    int64_t task_id, application_id, role_id;
    int64_t duration_minutes;
    bool allow_external_clipboard;
} assessments_create_in_t;

bool assessments_schema_create(vld_t *v, const json_t *body, assessments_create_in_t *out);
/* A path id (loc ["path", name]). */
bool assessments_schema_path_id(vld_t *v, const char *name, const char *raw, int64_t *id);

typedef struct {
    const char *status; /* DB name, or NULL for no filter */
    bool has_task_id;
    int64_t task_id;
    bool has_candidate_id;
    int64_t candidate_id;
    /* today's filters (spec v2 §2.3, hiring loop §8.1): a role, an
     * application, and whether voided attempts show (default: hidden) */
    bool has_role_id, has_application_id, include_voided;
    int64_t role_id, application_id;
    long long limit, offset;
} assessments_list_in_t;

/* S2's raw query values (NULL when not sent). */
typedef struct {
    const char *status, *task_id, *candidate_id, *role_id, *application_id, *include_voided, *limit, *offset;
} assessments_list_query_t;

/* S2's query: status (value or member name; "" = none; anything else is a
 * 422 `enum`, policy fix 6), task_id, candidate_id, today's role_id,
 * application_id and include_voided, limit, offset. */
bool assessments_schema_list(vld_t *v, const assessments_list_query_t *q, assessments_list_in_t *out);

typedef struct {
    const char *message;
    const json_t *history;    /* borrowed array */
    const char *code_context; /* NULL when null/absent */
    bool paste_detected;
    bool browser_focused;
    bool has_since_last;
    int64_t time_since_last_prompt_ms;
    bool has_paste_length;
    int64_t paste_length;
} assessments_chat_in_t;

bool assessments_schema_chat(vld_t *v, const json_t *body, assessments_chat_in_t *out);
bool assessments_schema_execute(vld_t *v, const json_t *body, const char **code);
bool assessments_schema_submit(vld_t *v, const json_t *body, const char **final_code, int64_t *tab_switch_count);
/* S14: an object of strings; *note is the "note" value or NULL. */
bool assessments_schema_note(vld_t *v, const json_t *body, const char **note);

/* ---- candidate.c: today's candidate flow (spec v2 §2.4, §2.6, D31, D32) ---- */

/* What a candidate request brings for today's flow: the S4 body fields
 * (NULL when absent), the session header and the proof headers, and the
 * request they sign. */
typedef struct {
    bool v2;                    /* S4: the body or headers chose today's flow */
    const char *session_key;    /* S4 body candidate_session_key */
    const char *key_id;         /* S4 body candidate_proof_key_id */
    const json_t *jwk;          /* S4 body candidate_proof_public_jwk (borrowed) */
    const char *session_header; /* X-Assessment-Session (S7-S9) */
    proof_headers_t headers;
    proof_request_t rq;
} assessments_cand_in_t;

/* True when a start is today's: the body names a session or proof field,
 * or the request carries X-Assessment-Proof. */
bool assessments_cand_wants_v2(const json_t *body, const char *proof_header);

/* The AssessmentStartRequest rules pydantic applies before the handler:
 * field types, lengths and patterns, unknown keys (extra_forbidden).
 * Missing fields are the handler's string 422s.  Sets out->v2. */
bool assessments_schema_start(vld_t *v, const json_t *body, assessments_cand_in_t *out);

/* The assessment is bound to a session and key (a today's start happened). */
bool assessments_cand_is_bound(const assessments_row_t *r);

/* The organisation's require_candidate_proof, else CANDIDATE_PROOF_REQUIRED. */
bool assessments_cand_proof_required(db_t *db, const assessments_row_t *r);

/* February's start of r: 403 "Candidate request proof is required" when r
 * is bound or proofs are required. */
err_t assessments_cand_legacy_start_allowed(db_t *db, const assessments_row_t *r, const char **detail);

/* Steps 2-4 of §2.4 for row r (found by its token): the string 422s, the
 * header 403s, the JWK, key id and signature, then in one committed
 * transaction the status (400), another session (409), the nonce (409)
 * and the binding with its timeline events.  ERR_OK to go on starting. */
err_t assessments_cand_admit_start(db_t *db, mem_arena_t *a, const assessments_row_t *r,
                                   const assessments_cand_in_t *in, int64_t now_us, const char **detail);

/* S7-S9 on row r: nothing for an unbound row (February's rules); for a
 * bound one the session header (403 missing or wrong, 400 malformed) and
 * a proof against the bound key (403/409), the nonce consumed on db. */
err_t assessments_cand_guard(db_t *db, const assessments_row_t *r, const assessments_cand_in_t *in, int64_t now_us,
                             const char **detail);

/* What today's start response shows beside the row. */
typedef struct {
    const char *task_name, *task_description;
    int64_t duration_minutes;
    bool proctoring_enabled;
    const char *candidate_name;    /* "" or NULL: omitted */
    const char *organization_name; /* NULL: omitted */
    int64_t time_remaining;
} assessments_cand_view_t;

/* Today's S4 response (keys that would be null omitted). New object. */
json_t *assessments_cand_start_response(const assessments_row_t *r, const assessments_cand_view_t *v);

/* ---- sandbox_select.c ---- */

/* The provider chosen by SANDBOX_PROVIDER (local | e2b; default e2b when
 * E2B_API_KEY is set, else local), made on first use and kept for the
 * life of the process.  Never NULL. */
sandbox_provider_t *assessments_sandbox(void);

/* ---- chat.c ---- */

/* The prompt record of api-contract §2.6 plus time_since_assessment_start_ms
 * and paste_length (policy fix 12).  reply_text NULL = failed call.
 * New object. */
json_t *assessments_chat_record(mem_arena_t *a, const assessments_chat_in_t *in, const char *reply_text,
                                int64_t input_tokens, int64_t output_tokens, int64_t latency_ms, int64_t now_us,
                                const assessments_opt_int_t *started_at);

/* Calls the model for a chat turn: history + the new user message.  On
 * return *text is the reply (heap, caller frees) or NULL on any failure
 * (logged); tokens and latency are filled either way. */
void assessments_chat_call(const assessments_chat_in_t *in, char **text, int64_t *input_tokens, int64_t *output_tokens,
                           int64_t *latency_ms);

/* ---- ai_scoring.c ---- */

#define ASSESSMENTS_AI_SCORE_COUNT 12

/* What the model said about a submission (MVP_DISABLE_CLAUDE_SCORING off). */
typedef struct {
    char *quality_analysis;                    /* heap: the code review's raw text; NULL when the call failed */
    double code_quality_score;                 /* overall_score clamped to [0, 10]; 5.0 without one */
    bool has_scores;                           /* the session analysis succeeded */
    double scores[ASSESSMENTS_AI_SCORE_COUNT]; /* in assessments_ai_score_key order, [0, 10] */
    json_t *per_prompt_scores;                 /* [{index, clarity, specificity, efficiency}] or NULL */
    json_t *fraud_flags;                       /* [{type, confidence, evidence, prompt_index}] or NULL */
    const char *calibration_prompt;            /* arena: the text the first prompt was scored against, or NULL */
    bool has_calibration_score;
    double calibration_score; /* the calibration analysis' prompt_clarity */
} assessments_ai_result_t;

/* The name of session score i (prompt_clarity, prompt_specificity, ...),
 * NULL past the last. */
const char *assessments_ai_score_key(size_t i);

/* Asks the model (blocking; no database connection may be held) for the
 * code review of final_code, and when prompts (the stored prompt records)
 * is non-empty for the session analysis against task_text and, unless
 * MVP_DISABLE_CALIBRATION, for the calibration of the first prompt
 * against calibration_prompt (NULL/"": DEFAULT_CALIBRATION_PROMPT).
 * Never fails: each model failure leaves its defaults and appends
 * {component, error} to errors.  Release *out with
 * assessments_ai_result_free. */
void assessments_ai_score(mem_arena_t *a, const char *final_code, const json_t *prompts, const char *task_text,
                          const char *calibration_prompt, json_t *errors, assessments_ai_result_t *out);
void assessments_ai_result_free(assessments_ai_result_t *r);

/* ---- submit.c ---- */

/* Everything submit stores, computed before the write. */
typedef struct {
    json_t *ai_prompts; /* amended */
    json_t *test_results;
    json_t *code_snapshots;
    json_t *timeline;
    json_t *prompt_scores;    /* response only */
    json_t *component_scores; /* response only (0-100) */
    int64_t tests_passed, tests_total;
    int64_t duration_seconds;
    bool time_limit_exceeded;
    int64_t tab_switch_count;
    void *columns;          /* scoring_columns_t (heap) */
    char *quality_analysis; /* heap: the model's code review (Claude scoring only), or NULL */
    bool has_calibration_score;
    double calibration_score;
} assessments_scored_t;

/* What a re-score takes as stored instead of computing it: no sandbox
 * run, no fit call and no model call (scoring-spec §0 steps 2 and 5). */
typedef struct {
    int64_t tests_passed, tests_total; /* the stored counts */
    const json_t *cv_match_result;     /* the fit result rebuilt from the stored columns */
    const json_t *errors;              /* score_breakdown.errors as stored (kept), or NULL */
    const assessments_ai_result_t *ai; /* the stored model results laid over the columns as at
                                            * submit (submit_apply_ai), or NULL */
} assessments_score_given_t;

typedef struct {
    const assessments_row_t *row;
    const char *final_code; /* unused when given */
    int64_t tab_switch_count;
    const char *test_code;     /* task.test_code (NULL/"" = none) */
    const char *score_weights; /* task.score_weights JSON text */
    bool has_candidate;
    const char *cv_text, *job_spec_text;
    const char *task_description;           /* what the session analysis is judged against */
    const char *calibration_prompt;         /* task.calibration_prompt (NULL = the default) */
    int64_t now_us;                         /* submit: now; re-score: the stored completed_at */
    const assessments_score_given_t *given; /* NULL: submit; else a re-score from stored values */
} assessments_submit_in_t;

/* Runs tests in the sandbox (id), the heuristics, fit matching and the
 * engine.  With in->given (a re-score) the stored prompts are used as
 * they are, the tests, the fit call and the model are replaced by the
 * given values, the tab switch count is taken as given, and only
 * ai_prompts, prompt_scores, component_scores, the counts, the duration
 * and the columns are filled (no test_results, code_snapshots or
 * timeline).  ERR_INTERNAL with a log line when the scoring inputs are
 * unusable.  Release *out with assessments_scored_free. */
err_t assessments_submit_score(mem_arena_t *a, const assessments_submit_in_t *in, const char *sandbox_id,
                               assessments_scored_t *out);
void assessments_scored_free(assessments_scored_t *s);
/* The submit response of the contract. */
json_t *assessments_submit_response(const assessments_scored_t *s);

/* ---- service.c ---- */

typedef struct {
    bool has_org;
    int64_t org_id;
} assessments_owner_t;

/* The request's database connection, which the candidate flows give back
 * to the pool while they wait on a sandbox or the model (so waiting
 * requests do not hold every connection) and take again afterwards.
 * take returns NULL when no connection can be had. */
typedef struct {
    db_t *(*take)(void *ctx);
    void (*give_back)(void *ctx);
    void *ctx;
} assessments_conn_t;

/* Every failure sets *detail to the contract's text. */
err_t assessments_svc_create(db_t *db, mem_arena_t *a, assessments_owner_t owner, const assessments_create_in_t *in,
                             json_t **out, const char **detail);
err_t assessments_svc_list(db_t *db, mem_arena_t *a, assessments_owner_t owner, const assessments_list_in_t *in,
                           json_t **out, const char **detail);
/* The row of the owner's assessment id and the names for encoding. */
err_t assessments_svc_get_for_org(db_t *db, mem_arena_t *a, assessments_owner_t owner, int64_t id,
                                  assessments_row_t *row, assessments_names_t *names, const char **detail);
/* GET /assessments/stats (hiring loop §8.4). */
err_t assessments_svc_stats(db_t *db, assessments_owner_t owner, json_t **out, const char **detail);
/* PATCH /assessments/{id}/clipboard-accommodation (§8.4): 409 unless the
 * attempt is pending and not voided. */
err_t assessments_svc_clipboard(db_t *db, mem_arena_t *a, assessments_owner_t owner, int64_t id, bool allow,
                                json_t **out, const char **detail);
err_t assessments_svc_delete(db_t *db, mem_arena_t *a, assessments_owner_t owner, int64_t id, const char **detail);
err_t assessments_svc_resend(db_t *db, mem_arena_t *a, assessments_owner_t owner, int64_t id, const char **detail);
err_t assessments_svc_add_note(db_t *db, mem_arena_t *a, assessments_owner_t owner, int64_t id, const char *note,
                               json_t **timeline, const char **detail);
/* S4; cand->v2 chooses today's flow (cand may be NULL: February's). */
err_t assessments_svc_start(assessments_conn_t *conn, mem_arena_t *a, const char *token,
                            const assessments_cand_in_t *cand, json_t **out, const char **detail);

/* CV upload through S5 (by_token false: id + form token) or S6.  The
 * connection of conn is given back while the file is stored and its text
 * extracted. */
typedef struct {
    bool by_token;
    int64_t id;
    const char *token;
    const void *file; /* const http_file_t *, or NULL when "file" was a plain field */
} assessments_cv_in_t;
err_t assessments_svc_upload_cv(assessments_conn_t *conn, mem_arena_t *a, const config_t *c,
                                const assessments_cv_in_t *in, json_t **out, const char **detail);

/* S7-S9: cand carries the session and proof headers a bound assessment
 * needs (assessments_cand_guard); NULL is a request without them. */
err_t assessments_svc_execute(assessments_conn_t *conn, mem_arena_t *a, int64_t id, const char *token,
                              const assessments_cand_in_t *cand, const char *code, json_t **out, const char **detail);
err_t assessments_svc_chat(assessments_conn_t *conn, mem_arena_t *a, int64_t id, const char *token,
                           const assessments_cand_in_t *cand, const assessments_chat_in_t *in, json_t **out,
                           const char **detail);
err_t assessments_svc_submit(assessments_conn_t *conn, mem_arena_t *a, int64_t id, const char *token,
                             const assessments_cand_in_t *cand, const char *final_code, int64_t tab_switch_count,
                             json_t **out, const char **detail);

#endif
