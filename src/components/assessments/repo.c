/* SQL on `assessments` (this component's table only), including the
 * Workable columns the integrations/workable component reads and marks
 * through assessments.h.  Every value
 * travels as a parameter; the only text spliced into statements is fixed
 * fragments chosen in this file. */
#include "components/assessments/repo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "platform/log.h"
#include "platform/security.h"

#define ASSESSMENTS_COLS                                                                                               \
    "id, organization_id, candidate_id, task_id, token, status, duration_minutes, started_at, completed_at, "          \
    "expires_at, created_at, cv_uploaded_at, scored_at, score, code_quality_score, time_efficiency_score, "            \
    "ai_usage_score, tests_passed, tests_total, test_results, ai_prompts, code_snapshots, timeline, "                  \
    "e2b_session_id, prompt_quality_score, prompt_efficiency_score, independence_score, "                              \
    "context_utilization_score, design_thinking_score, debugging_strategy_score, "                                     \
    "written_communication_score, learning_velocity_score, error_recovery_score, "                                     \
    "requirement_comprehension_score, calibration_score, prompt_fraud_flags, prompt_analytics, "                       \
    "browser_focus_ratio, tab_switch_count, time_to_first_prompt_seconds, cv_file_url, cv_filename, "                  \
    "final_score, score_breakdown, score_weights_used, flags, total_duration_seconds, total_prompts, "                 \
    "total_input_tokens, total_output_tokens, tests_run_count, tests_pass_count, cv_job_match_score, "                 \
    "cv_job_match_details, latest_code, candidate_session_hash, candidate_proof_key_id, "                              \
    "candidate_proof_public_jwk, allow_external_clipboard, posted_to_workable, posted_to_workable_at, role_id, "       \
    "application_id, is_voided, voided_at, void_reason, superseded_by_assessment_id"

static assessments_opt_int_t opt_int(const db_res_t *r, int i, int c)
{
    assessments_opt_int_t o = {!db_res_isnull(r, i, c), 0};
    if (o.set)
        o.v = db_res_int(r, i, c);
    return o;
}

static assessments_opt_int_t opt_time(const db_res_t *r, int i, int c)
{
    assessments_opt_int_t o = {!db_res_isnull(r, i, c), 0};
    if (o.set)
        o.v = db_res_time(r, i, c);
    return o;
}

static assessments_opt_real_t opt_real(const db_res_t *r, int i, int c)
{
    assessments_opt_real_t o = {!db_res_isnull(r, i, c), 0.0};
    if (o.set)
        o.v = db_res_real(r, i, c);
    return o;
}

static void assessments_repo_row(const db_res_t *r, int i, mem_arena_t *a, assessments_row_t *o)
{
    memset(o, 0, sizeof *o);
    int c = 0;
    o->id = db_res_int(r, i, c++);
    o->organization_id = opt_int(r, i, c++);
    o->candidate_id = opt_int(r, i, c++);
    o->task_id = opt_int(r, i, c++);
    o->token = mem_strdup(a, db_res_text(r, i, c++));
    const char *st = db_res_text(r, i, c++);
    o->status = mem_strdup(a, st ? st : ASSESSMENTS_PENDING);
    o->duration_minutes = opt_int(r, i, c++);
    o->started_at = opt_time(r, i, c++);
    o->completed_at = opt_time(r, i, c++);
    o->expires_at = opt_time(r, i, c++);
    o->created_at = opt_time(r, i, c++);
    o->cv_uploaded_at = opt_time(r, i, c++);
    o->scored_at = opt_time(r, i, c++);
    o->score = opt_real(r, i, c++);
    o->code_quality_score = opt_real(r, i, c++);
    o->time_efficiency_score = opt_real(r, i, c++);
    o->ai_usage_score = opt_real(r, i, c++);
    o->tests_passed = opt_int(r, i, c++);
    o->tests_total = opt_int(r, i, c++);
    o->test_results = mem_strdup(a, db_res_text(r, i, c++));
    o->ai_prompts = mem_strdup(a, db_res_text(r, i, c++));
    o->code_snapshots = mem_strdup(a, db_res_text(r, i, c++));
    o->timeline = mem_strdup(a, db_res_text(r, i, c++));
    o->e2b_session_id = mem_strdup(a, db_res_text(r, i, c++));
    o->prompt_quality_score = opt_real(r, i, c++);
    o->prompt_efficiency_score = opt_real(r, i, c++);
    o->independence_score = opt_real(r, i, c++);
    o->context_utilization_score = opt_real(r, i, c++);
    o->design_thinking_score = opt_real(r, i, c++);
    o->debugging_strategy_score = opt_real(r, i, c++);
    o->written_communication_score = opt_real(r, i, c++);
    o->learning_velocity_score = opt_real(r, i, c++);
    o->error_recovery_score = opt_real(r, i, c++);
    o->requirement_comprehension_score = opt_real(r, i, c++);
    o->calibration_score = opt_real(r, i, c++);
    o->prompt_fraud_flags = mem_strdup(a, db_res_text(r, i, c++));
    o->prompt_analytics = mem_strdup(a, db_res_text(r, i, c++));
    o->browser_focus_ratio = opt_real(r, i, c++);
    o->tab_switch_count = opt_int(r, i, c++);
    o->time_to_first_prompt_seconds = opt_int(r, i, c++);
    o->cv_file_url = mem_strdup(a, db_res_text(r, i, c++));
    o->cv_filename = mem_strdup(a, db_res_text(r, i, c++));
    o->final_score = opt_real(r, i, c++);
    o->score_breakdown = mem_strdup(a, db_res_text(r, i, c++));
    o->score_weights_used = mem_strdup(a, db_res_text(r, i, c++));
    o->flags = mem_strdup(a, db_res_text(r, i, c++));
    o->total_duration_seconds = opt_int(r, i, c++);
    o->total_prompts = opt_int(r, i, c++);
    o->total_input_tokens = opt_int(r, i, c++);
    o->total_output_tokens = opt_int(r, i, c++);
    o->tests_run_count = opt_int(r, i, c++);
    o->tests_pass_count = opt_int(r, i, c++);
    o->cv_job_match_score = opt_real(r, i, c++);
    o->cv_job_match_details = mem_strdup(a, db_res_text(r, i, c++));
    o->latest_code = mem_strdup(a, db_res_text(r, i, c++));
    o->candidate_session_hash = mem_strdup(a, db_res_text(r, i, c++));
    o->candidate_proof_key_id = mem_strdup(a, db_res_text(r, i, c++));
    o->candidate_proof_public_jwk = mem_strdup(a, db_res_text(r, i, c++));
    o->allow_external_clipboard = db_res_bool(r, i, c++);
    o->posted_to_workable = db_res_bool(r, i, c++);
    o->posted_to_workable_at = opt_time(r, i, c++);
    o->role_id = opt_int(r, i, c++);
    o->application_id = opt_int(r, i, c++);
    o->is_voided = db_res_bool(r, i, c++);
    o->voided_at = opt_time(r, i, c++);
    o->void_reason = mem_strdup(a, db_res_text(r, i, c++));
    o->superseded_by_assessment_id = opt_int(r, i, c++);
}

err_t assessments_repo_insert(db_t *db, const assessments_repo_new_t *in, int64_t *id)
{
    db_value_t p[] = {
        in->owner.has_org ? DB_V_INT(in->owner.org_id) : DB_V_NULL,
        DB_V_INT(in->candidate_id),
        DB_V_INT(in->task_id),
        DB_V_TEXT(in->token),
        DB_V_TEXT(ASSESSMENTS_PENDING),
        DB_V_INT(in->duration_minutes),
        DB_V_TIME(in->expires_at),
        DB_V_INT(0),
        DB_V_BOOL(false),
        DB_V_TIME(in->now_us),
        DB_V_BOOL(in->allow_external_clipboard),
    };
    db_res_t *r = NULL;
    err_t e = db_query(db,
                       "INSERT INTO assessments (organization_id, candidate_id, task_id, token, status, "
                       "duration_minutes, expires_at, tab_switch_count, posted_to_workable, created_at, "
                       "allow_external_clipboard) "
                       "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
                       p, (int)(sizeof p / sizeof p[0]), &r);
    if (e == ERR_OK) {
        if (db_res_rows(r) == 1)
            *id = db_res_int(r, 0, 0);
        else
            e = ERR_INTERNAL;
    }
    db_res_free(r);
    return e;
}

static err_t assessments_repo_one(db_t *db, mem_arena_t *a, const char *sql, const db_value_t *p, int np,
                                  assessments_row_t *out, bool *found)
{
    db_res_t *r = NULL;
    err_t e = db_query(db, sql, p, np, &r);
    if (e != ERR_OK)
        return e;
    *found = db_res_rows(r) > 0;
    if (*found)
        assessments_repo_row(r, 0, a, out);
    db_res_free(r);
    return ERR_OK;
}

err_t assessments_repo_get(db_t *db, mem_arena_t *a, const assessments_owner_t *owner, int64_t id, bool for_update,
                           assessments_row_t *out, bool *found)
{
    db_value_t p[2] = {DB_V_INT(id)};
    int np = 1;
    const char *where = "";
    if (owner && owner->has_org) {
        where = " AND organization_id = $2";
        p[np++] = DB_V_INT(owner->org_id);
    } else if (owner) {
        where = " AND organization_id IS NULL";
    }
    char sql[1400];
    snprintf(sql, sizeof sql, "SELECT " ASSESSMENTS_COLS " FROM assessments WHERE id = $1%s%s", where,
             for_update ? db_sql_for_update(db) : "");
    return assessments_repo_one(db, a, sql, p, np, out, found);
}

err_t assessments_repo_get_by_token(db_t *db, mem_arena_t *a, const char *token, bool for_update,
                                    assessments_row_t *out, bool *found)
{
    db_value_t p[] = {DB_V_TEXT(token)};
    char sql[1400];
    snprintf(sql, sizeof sql, "SELECT " ASSESSMENTS_COLS " FROM assessments WHERE token = $1%s",
             for_update ? db_sql_for_update(db) : "");
    return assessments_repo_one(db, a, sql, p, 1, out, found);
}

err_t assessments_repo_list(db_t *db, mem_arena_t *a, assessments_owner_t owner, const assessments_list_in_t *in,
                            assessments_row_t **rows, size_t *n, int64_t *total)
{
    char where[384];
    db_value_t p[8];
    int np = 0;
    size_t w = 0;
    if (owner.has_org) {
        p[np++] = DB_V_INT(owner.org_id);
        w += (size_t)snprintf(where + w, sizeof where - w, "organization_id = $%d", np);
    } else {
        w += (size_t)snprintf(where + w, sizeof where - w, "organization_id IS NULL");
    }
    if (in->status) {
        p[np++] = DB_V_TEXT(in->status);
        w += (size_t)snprintf(where + w, sizeof where - w, " AND status = $%d", np);
    }
    if (in->has_task_id) {
        p[np++] = DB_V_INT(in->task_id);
        w += (size_t)snprintf(where + w, sizeof where - w, " AND task_id = $%d", np);
    }
    if (in->has_candidate_id) {
        p[np++] = DB_V_INT(in->candidate_id);
        w += (size_t)snprintf(where + w, sizeof where - w, " AND candidate_id = $%d", np);
    }
    if (in->has_role_id) {
        p[np++] = DB_V_INT(in->role_id);
        w += (size_t)snprintf(where + w, sizeof where - w, " AND role_id = $%d", np);
    }
    if (in->has_application_id) {
        p[np++] = DB_V_INT(in->application_id);
        w += (size_t)snprintf(where + w, sizeof where - w, " AND application_id = $%d", np);
    }
    if (!in->include_voided)
        snprintf(where + w, sizeof where - w, " AND is_voided = %s", db_kind(db) == DB_POSTGRES ? "false" : "0");
    char sql[1800];
    snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM assessments WHERE %s", where);
    db_res_t *r = NULL;
    err_t e = db_query(db, sql, p, np, &r);
    if (e != ERR_OK)
        return e;
    *total = db_res_int(r, 0, 0);
    db_res_free(r);
    r = NULL;
    p[np] = DB_V_INT(in->limit);
    p[np + 1] = DB_V_INT(in->offset);
    snprintf(sql, sizeof sql,
             "SELECT " ASSESSMENTS_COLS " FROM assessments WHERE %s ORDER BY created_at DESC, id DESC "
             "LIMIT $%d OFFSET $%d",
             where, np + 1, np + 2);
    e = db_query(db, sql, p, np + 2, &r);
    if (e != ERR_OK)
        return e;
    int rows_n = db_res_rows(r);
    *n = (size_t)rows_n;
    *rows = rows_n ? mem_alloc(a, sizeof **rows * (size_t)rows_n) : NULL;
    for (int i = 0; i < rows_n; i++)
        assessments_repo_row(r, i, a, &(*rows)[i]);
    db_res_free(r);
    return ERR_OK;
}

err_t assessments_repo_delete(db_t *db, int64_t id, int64_t *affected)
{
    db_value_t p[] = {DB_V_INT(id)};
    /* assessment_sessions rows (never written by the original, but a
     * database it created may hold some) would block the delete. */
    err_t e = db_exec(db, "DELETE FROM assessment_sessions WHERE assessment_id = $1", p, 1, NULL);
    if (e != ERR_OK)
        return e;
    return db_exec(db, "DELETE FROM assessments WHERE id = $1", p, 1, affected);
}

err_t assessments_repo_set_timeline(db_t *db, int64_t id, const char *timeline_json, int64_t now_us)
{
    db_value_t p[] = {DB_V_JSON(timeline_json), DB_V_TIME(now_us), DB_V_INT(id)};
    return db_exec(db, "UPDATE assessments SET timeline = $1, updated_at = $2 WHERE id = $3", p, 3, NULL);
}

err_t assessments_repo_start(db_t *db, int64_t id, bool set_started, int64_t started_at, const char *sandbox_id,
                             int64_t now_us)
{
    if (set_started) {
        db_value_t p[] = {DB_V_TEXT(ASSESSMENTS_IN_PROGRESS), DB_V_TIME(started_at), DB_V_TEXT(sandbox_id),
                          DB_V_TIME(now_us), DB_V_INT(id)};
        return db_exec(db,
                       "UPDATE assessments SET status = $1, started_at = $2, e2b_session_id = $3, updated_at = $4 "
                       "WHERE id = $5",
                       p, 5, NULL);
    }
    db_value_t p[] = {DB_V_TEXT(ASSESSMENTS_IN_PROGRESS), DB_V_TEXT(sandbox_id), DB_V_TIME(now_us), DB_V_INT(id)};
    return db_exec(db, "UPDATE assessments SET status = $1, e2b_session_id = $2, updated_at = $3 WHERE id = $4", p, 4,
                   NULL);
}

err_t assessments_repo_set_sandbox(db_t *db, int64_t id, const char *sandbox_id, int64_t now_us)
{
    db_value_t p[] = {DB_V_TEXT(sandbox_id), DB_V_TIME(now_us), DB_V_INT(id)};
    return db_exec(db, "UPDATE assessments SET e2b_session_id = $1, updated_at = $2 WHERE id = $3", p, 3, NULL);
}

err_t assessments_repo_set_cv(db_t *db, int64_t id, const char *file_url, const char *filename, int64_t at_us)
{
    db_value_t p[] = {DB_V_TEXT(file_url), DB_V_TEXT(filename), DB_V_TIME(at_us), DB_V_TIME(at_us), DB_V_INT(id)};
    return db_exec(db,
                   "UPDATE assessments SET cv_file_url = $1, cv_filename = $2, cv_uploaded_at = $3, updated_at = $4 "
                   "WHERE id = $5",
                   p, 5, NULL);
}

err_t assessments_repo_set_latest_code(db_t *db, int64_t id, const char *code, int64_t now_us)
{
    db_value_t p[] = {DB_V_TEXT(code), DB_V_TIME(now_us), DB_V_INT(id), DB_V_TEXT(ASSESSMENTS_IN_PROGRESS)};
    return db_exec(db, "UPDATE assessments SET latest_code = $1, updated_at = $2 WHERE id = $3 AND status = $4", p, 4,
                   NULL);
}

err_t assessments_repo_chat(db_t *db, int64_t id, const char *ai_prompts_json, const assessments_opt_int_t *ttfp,
                            const char *code, int64_t now_us)
{
    db_value_t p[5] = {DB_V_JSON(ai_prompts_json), DB_V_TIME(now_us), DB_V_INT(id)};
    int np = 3;
    char sql[400];
    size_t w = (size_t)snprintf(sql, sizeof sql, "UPDATE assessments SET ai_prompts = $1, updated_at = $2");
    if (ttfp && ttfp->set) {
        p[np++] = DB_V_INT(ttfp->v);
        w += (size_t)snprintf(sql + w, sizeof sql - w, ", time_to_first_prompt_seconds = $%d", np);
    }
    if (code) {
        p[np++] = DB_V_TEXT(code);
        w += (size_t)snprintf(sql + w, sizeof sql - w, ", latest_code = $%d", np);
    }
    snprintf(sql + w, sizeof sql - w, " WHERE id = $3");
    return db_exec(db, sql, p, np, NULL);
}

err_t assessments_repo_submit(db_t *db, int64_t id, const db_value_t values[ASSESSMENTS_REPO_SUBMIT_N], bool *claimed)
{
    /* One statement: it is the claim (only an IN_PROGRESS row changes, so
     * of two concurrent submits exactly one sees a row affected) and the
     * write of everything submit stores. */
    static const char sql[] =
        "UPDATE assessments SET status = $1, completed_at = $2, score = $3, final_score = $4, "
        "tests_passed = $5, tests_total = $6, tests_pass_count = $7, tests_run_count = $8, test_results = $9, "
        "code_snapshots = $10, timeline = $11, code_quality_score = $12, prompt_quality_score = $13, "
        "prompt_efficiency_score = $14, independence_score = $15, context_utilization_score = $16, "
        "design_thinking_score = $17, debugging_strategy_score = $18, written_communication_score = $19, "
        "learning_velocity_score = $20, error_recovery_score = $21, requirement_comprehension_score = $22, "
        "ai_usage_score = $23, time_efficiency_score = $24, calibration_score = $25, cv_job_match_score = $26, "
        "cv_job_match_details = $27, score_breakdown = $28, score_weights_used = $29, flags = $30, "
        "prompt_fraud_flags = $31, prompt_analytics = $32, browser_focus_ratio = $33, "
        "time_to_first_prompt_seconds = COALESCE(time_to_first_prompt_seconds, $34), scored_at = $35, "
        "total_duration_seconds = $36, total_prompts = $37, total_input_tokens = $38, total_output_tokens = $39, "
        "ai_prompts = $40, tab_switch_count = $41, updated_at = $42 "
        "WHERE id = $43 AND status = $44";
    db_value_t p[ASSESSMENTS_REPO_SUBMIT_N + 2];
    memcpy(p, values, sizeof(db_value_t) * ASSESSMENTS_REPO_SUBMIT_N);
    p[ASSESSMENTS_REPO_SUBMIT_N] = DB_V_INT(id);
    p[ASSESSMENTS_REPO_SUBMIT_N + 1] = DB_V_TEXT(ASSESSMENTS_IN_PROGRESS);
    int64_t affected = 0;
    err_t e = db_exec(db, sql, p, ASSESSMENTS_REPO_SUBMIT_N + 2, &affected);
    if (e == ERR_OK)
        *claimed = affected > 0;
    return e;
}

err_t assessments_repo_rescore(db_t *db, int64_t id, const db_value_t values[ASSESSMENTS_REPO_RESCORE_N], bool *updated)
{
    static const char sql[] =
        "UPDATE assessments SET score = $1, final_score = $2, prompt_quality_score = $3, "
        "prompt_efficiency_score = $4, independence_score = $5, context_utilization_score = $6, "
        "design_thinking_score = $7, debugging_strategy_score = $8, written_communication_score = $9, "
        "learning_velocity_score = $10, error_recovery_score = $11, requirement_comprehension_score = $12, "
        "ai_usage_score = $13, time_efficiency_score = $14, score_breakdown = $15, score_weights_used = $16, "
        "flags = $17, prompt_fraud_flags = $18, prompt_analytics = $19, scored_at = $20, updated_at = $21 "
        "WHERE id = $22 AND status = $23";
    db_value_t p[ASSESSMENTS_REPO_RESCORE_N + 2];
    memcpy(p, values, sizeof(db_value_t) * ASSESSMENTS_REPO_RESCORE_N);
    p[ASSESSMENTS_REPO_RESCORE_N] = DB_V_INT(id);
    p[ASSESSMENTS_REPO_RESCORE_N + 1] = DB_V_TEXT(ASSESSMENTS_COMPLETED);
    int64_t affected = 0;
    err_t e = db_exec(db, sql, p, ASSESSMENTS_REPO_RESCORE_N + 2, &affected);
    if (e == ERR_OK)
        *updated = affected > 0;
    return e;
}

err_t assessments_repo_org_statuses(db_t *db, mem_arena_t *a, int64_t org_id, int64_t **ids, const char ***statuses,
                                    size_t *n)
{
    db_value_t p[] = {DB_V_INT(org_id)};
    db_res_t *r = NULL;
    err_t e = db_query(db, "SELECT id, status FROM assessments WHERE organization_id = $1 ORDER BY id", p, 1, &r);
    if (e != ERR_OK)
        return e;
    int rows = db_res_rows(r);
    *n = (size_t)rows;
    *ids = rows ? mem_alloc(a, sizeof **ids * (size_t)rows) : NULL;
    *statuses = rows ? mem_alloc(a, sizeof **statuses * (size_t)rows) : NULL;
    for (int i = 0; i < rows; i++) {
        (*ids)[i] = db_res_int(r, i, 0);
        const char *st = db_res_text(r, i, 1);
        (*statuses)[i] = mem_strdup(a, st ? st : ASSESSMENTS_PENDING);
    }
    db_res_free(r);
    return ERR_OK;
}

err_t assessments_repo_task_in_use(db_t *db, int64_t task_id, bool *in_use)
{
    db_value_t p[] = {DB_V_INT(task_id)};
    db_res_t *r = NULL;
    err_t e = db_query(db, "SELECT 1 FROM assessments WHERE task_id = $1 LIMIT 1", p, 1, &r);
    if (e == ERR_OK)
        *in_use = db_res_rows(r) > 0;
    db_res_free(r);
    return e;
}

err_t assessments_repo_detach_candidate(db_t *db, int64_t candidate_id)
{
    db_value_t p[] = {DB_V_INT(candidate_id)};
    return db_exec(db, "UPDATE assessments SET candidate_id = NULL, application_id = NULL WHERE candidate_id = $1", p,
                   1, NULL);
}

err_t assessments_repo_detach_application(db_t *db, int64_t application_id)
{
    db_value_t p[] = {DB_V_INT(application_id)};
    return db_exec(db, "UPDATE assessments SET application_id = NULL WHERE application_id = $1", p, 1, NULL);
}

err_t assessments_repo_expire_pending(db_t *db, int64_t now_us, int64_t *affected)
{
    db_value_t p[] = {DB_V_TEXT(ASSESSMENTS_EXPIRED), DB_V_TIME(now_us), DB_V_TEXT(ASSESSMENTS_PENDING),
                      DB_V_TIME(now_us)};
    return db_exec(db,
                   "UPDATE assessments SET status = $1, updated_at = $2 "
                   "WHERE status = $3 AND expires_at IS NOT NULL AND expires_at < $4",
                   p, 4, affected);
}

err_t assessments_repo_list_running(db_t *db, mem_arena_t *a, int64_t started_before_us,
                                    assessments_repo_running_t **out, size_t *n)
{
    db_value_t p[] = {DB_V_TEXT(ASSESSMENTS_IN_PROGRESS), DB_V_TIME(started_before_us)};
    db_res_t *r = NULL;
    err_t e = db_query(db,
                       "SELECT id, started_at, duration_minutes, e2b_session_id FROM assessments "
                       "WHERE status = $1 AND started_at IS NOT NULL AND started_at < $2 ORDER BY id",
                       p, 2, &r);
    if (e != ERR_OK)
        return e;
    int rows = db_res_rows(r);
    *n = (size_t)rows;
    *out = rows ? mem_alloc(a, sizeof **out * (size_t)rows) : NULL;
    for (int i = 0; i < rows; i++) {
        (*out)[i].id = db_res_int(r, i, 0);
        (*out)[i].started_at = db_res_time(r, i, 1);
        (*out)[i].duration_minutes = db_res_isnull(r, i, 2) ? 30 : db_res_int(r, i, 2);
        (*out)[i].sandbox_id = mem_strdup(a, db_res_text(r, i, 3));
    }
    db_res_free(r);
    return ERR_OK;
}

err_t assessments_repo_expire_one(db_t *db, int64_t id, int64_t now_us, bool *changed)
{
    db_value_t p[] = {DB_V_TEXT(ASSESSMENTS_EXPIRED), DB_V_TIME(now_us), DB_V_INT(id),
                      DB_V_TEXT(ASSESSMENTS_IN_PROGRESS)};
    int64_t affected = 0;
    err_t e = db_exec(db, "UPDATE assessments SET status = $1, updated_at = $2 WHERE id = $3 AND status = $4", p, 4,
                      &affected);
    if (e == ERR_OK)
        *changed = affected > 0;
    return e;
}

err_t assessments_create_from_workable(db_t *db, int64_t org_id, int64_t candidate_id, int64_t task_id,
                                       int64_t duration_minutes, int64_t expires_at_us,
                                       const char *workable_candidate_id, int64_t *id)
{
    char *token = sec_random_token(32);
    int64_t now = db_now_us();
    db_value_t p[] = {
        DB_V_INT(org_id),
        DB_V_INT(candidate_id),
        DB_V_INT(task_id),
        DB_V_TEXT(token),
        DB_V_TEXT(ASSESSMENTS_PENDING),
        DB_V_INT(duration_minutes),
        DB_V_TIME(expires_at_us),
        DB_V_INT(0),
        DB_V_BOOL(false),
        DB_V_TEXT(workable_candidate_id),
        DB_V_TIME(now),
    };
    db_res_t *r = NULL;
    err_t e = db_query(db,
                       "INSERT INTO assessments (organization_id, candidate_id, task_id, token, status, "
                       "duration_minutes, expires_at, tab_switch_count, posted_to_workable, "
                       "workable_candidate_id, created_at) "
                       "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
                       p, (int)(sizeof p / sizeof p[0]), &r);
    free(token);
    if (e == ERR_OK) {
        if (db_res_rows(r) == 1)
            *id = db_res_int(r, 0, 0);
        else
            e = ERR_INTERNAL;
    }
    db_res_free(r);
    return e;
}

err_t assessments_workable_info(db_t *db, mem_arena_t *a, bool scoped, int64_t org_id, int64_t id,
                                assessments_workable_info_t *out)
{
    static const char *const sql_any =
        "SELECT id, organization_id, score, tests_passed, tests_total, duration_minutes, "
        "workable_candidate_id, posted_to_workable FROM assessments WHERE id = $1";
    static const char *const sql_org =
        "SELECT id, organization_id, score, tests_passed, tests_total, duration_minutes, "
        "workable_candidate_id, posted_to_workable FROM assessments WHERE id = $1 AND organization_id = $2";
    db_value_t p[] = {DB_V_INT(id), DB_V_INT(org_id)};
    db_res_t *r = NULL;
    err_t e = db_query(db, scoped ? sql_org : sql_any, p, scoped ? 2 : 1, &r);
    if (e != ERR_OK)
        return e;
    if (db_res_rows(r) < 1) {
        db_res_free(r);
        return ERR_NOT_FOUND;
    }
    memset(out, 0, sizeof *out);
    out->id = db_res_int(r, 0, 0);
    out->has_organization = !db_res_isnull(r, 0, 1);
    out->organization_id = db_res_int(r, 0, 1);
    out->has_score = !db_res_isnull(r, 0, 2);
    out->score = db_res_real(r, 0, 2);
    out->has_tests_passed = !db_res_isnull(r, 0, 3);
    out->tests_passed = db_res_int(r, 0, 3);
    out->has_tests_total = !db_res_isnull(r, 0, 4);
    out->tests_total = db_res_int(r, 0, 4);
    out->duration_minutes = db_res_isnull(r, 0, 5) ? 30 : db_res_int(r, 0, 5);
    out->workable_candidate_id = mem_strdup(a, db_res_text(r, 0, 6));
    out->posted = db_res_bool(r, 0, 7);
    db_res_free(r);
    return ERR_OK;
}

err_t assessments_mark_posted(db_t *db, int64_t id, int64_t now_us, bool *changed)
{
    db_value_t p[] = {DB_V_BOOL(true), DB_V_TIME(now_us), DB_V_INT(id)};
    int64_t n = 0;
    err_t e = db_exec(db,
                      "UPDATE assessments SET posted_to_workable = $1, posted_to_workable_at = $2, "
                      "updated_at = $2 WHERE id = $3 AND posted_to_workable IS NOT TRUE",
                      p, 3, &n);
    if (e == ERR_OK && changed)
        *changed = n == 1;
    return e;
}

/* ---- organisation figures: analytics N1 and billing B1 ---- */

#define WEEK_US (7LL * 24 * 3600 * 1000000)

err_t assessments_org_stats(db_t *db, int64_t org_id, int64_t now_us, assessments_org_stats_t *out)
{
    memset(out, 0, sizeof *out);
    char started[96], completed[96];
    db_sql_epoch(db, "started_at", started, sizeof started);
    db_sql_epoch(db, "completed_at", completed, sizeof completed);

    /* one pass: totals, score and time aggregates over the completed set */
    char sql[1024];
    snprintf(sql, sizeof sql,
             "SELECT COUNT(*), "
             "SUM(CASE WHEN status = 'COMPLETED' AND completed_at IS NOT NULL THEN 1 ELSE 0 END), "
             "MAX(CASE WHEN status = 'COMPLETED' AND completed_at IS NOT NULL THEN score END), "
             "AVG(CASE WHEN status = 'COMPLETED' AND completed_at IS NOT NULL THEN score END), "
             "AVG(CASE WHEN status = 'COMPLETED' AND completed_at IS NOT NULL AND started_at IS NOT NULL "
             "THEN (%s - %s) / 60.0 END), "
             "AVG(CASE WHEN status = 'COMPLETED' AND completed_at IS NOT NULL THEN calibration_score END) "
             "FROM assessments WHERE organization_id = $1",
             completed, started);
    db_value_t p[1] = {DB_V_INT(org_id)};
    db_res_t *r = NULL;
    err_t e = db_query(db, sql, p, 1, &r);
    if (e != ERR_OK) {
        db_res_free(r);
        return e;
    }
    out->total = db_res_int(r, 0, 0);
    out->completed = db_res_int(r, 0, 1);
    if ((out->has_top_score = !db_res_isnull(r, 0, 2)))
        out->top_score = db_res_real(r, 0, 2);
    if ((out->has_avg_score = !db_res_isnull(r, 0, 3)))
        out->avg_score = db_res_real(r, 0, 3);
    if ((out->has_avg_minutes = !db_res_isnull(r, 0, 4)))
        out->avg_minutes = db_res_real(r, 0, 4);
    if ((out->has_avg_calibration = !db_res_isnull(r, 0, 5)))
        out->avg_calibration = db_res_real(r, 0, 5);
    db_res_free(r);

    /* five half-open 7-day windows ending now, oldest first: started in the
     * window, and of those, completed within the same window */
    mem_arena_t *a = mem_arena_new();
    const char *sel = "SELECT ";
    char *q = mem_printf(a, "%s", sel);
    db_value_t wp[11];
    wp[0] = DB_V_INT(org_id);
    for (int w = 0; w < 5; w++) {
        int64_t end = now_us - (int64_t)(4 - w) * WEEK_US, start = end - WEEK_US;
        wp[1 + 2 * w] = DB_V_TIME(start);
        wp[2 + 2 * w] = DB_V_TIME(end);
        int s = 2 + 2 * w, en = 3 + 2 * w;
        q = mem_printf(a,
                       "%s%sSUM(CASE WHEN started_at >= $%d AND started_at < $%d THEN 1 ELSE 0 END), "
                       "SUM(CASE WHEN started_at >= $%d AND started_at < $%d AND status = 'COMPLETED' "
                       "AND completed_at >= $%d AND completed_at < $%d THEN 1 ELSE 0 END)",
                       q, w ? ", " : "", s, en, s, en, s, en);
    }
    q = mem_printf(a, "%s FROM assessments WHERE organization_id = $1", q);
    e = db_query(db, q, wp, 11, &r);
    if (e == ERR_OK) {
        for (int w = 0; w < 5; w++) {
            out->weeks[w].started = db_res_int(r, 0, 2 * w);
            out->weeks[w].completed = db_res_int(r, 0, 2 * w + 1);
        }
    }
    db_res_free(r);
    mem_arena_free(a);
    return e;
}

err_t assessments_usage_rows(db_t *db, mem_arena_t *a, int64_t org_id, int limit, assessments_usage_row_t **rows,
                             size_t *n)
{
    *rows = NULL;
    *n = 0;
    db_value_t p[2] = {DB_V_INT(org_id), DB_V_INT(limit)};
    db_res_t *r = NULL;
    err_t e = db_query(db,
                       "SELECT id, completed_at, candidate_id, task_id FROM assessments "
                       "WHERE organization_id = $1 AND status = 'COMPLETED' AND completed_at IS NOT NULL "
                       "ORDER BY completed_at DESC, id DESC LIMIT $2",
                       p, 2, &r);
    if (e != ERR_OK) {
        db_res_free(r);
        return e;
    }
    int count = db_res_rows(r);
    assessments_usage_row_t *v = mem_alloc(a, (size_t)(count ? count : 1) * sizeof *v);
    for (int i = 0; i < count; i++) {
        v[i].assessment_id = db_res_int(r, i, 0);
        v[i].completed_at_us = db_res_time(r, i, 1);
        v[i].has_candidate = !db_res_isnull(r, i, 2);
        v[i].candidate_id = db_res_int(r, i, 2);
        v[i].has_task = !db_res_isnull(r, i, 3);
        v[i].task_id = db_res_int(r, i, 3);
    }
    db_res_free(r);
    *rows = v;
    *n = (size_t)count;
    return ERR_OK;
}

/* ---- rows for today's analytics N1 (v2 spec §2.11) ---- */

/* completed as today's original counts it: finished normally or by the
 * timeout, with a completion time (status compared as text: the
 * PostgreSQL enum of the February schema has no timeout value) */
#define STATS_DONE "CAST(status AS TEXT) IN ('COMPLETED', 'COMPLETED_DUE_TO_TIMEOUT') AND completed_at IS NOT NULL"

static void assessments_stats_row(const db_res_t *r, int i, mem_arena_t *a, assessments_stats_row_t *o)
{
    memset(o, 0, sizeof *o);
    o->has_candidate = !db_res_isnull(r, i, 0);
    o->candidate_id = db_res_int(r, i, 0);
    o->has_task = !db_res_isnull(r, i, 1);
    o->task_id = db_res_int(r, i, 1);
    o->status = mem_strdup(a, db_res_text(r, i, 2));
    o->has_started = !db_res_isnull(r, i, 3);
    o->started_at = db_res_time(r, i, 3);
    o->has_completed = !db_res_isnull(r, i, 4);
    o->completed_at = db_res_time(r, i, 4);
    o->has_score = !db_res_isnull(r, i, 5);
    o->score = db_res_real(r, i, 5);
    o->has_final_score = !db_res_isnull(r, i, 6);
    o->final_score = db_res_real(r, i, 6);
    o->has_calibration = !db_res_isnull(r, i, 7);
    o->calibration_score = db_res_real(r, i, 7);
    o->score_breakdown = mem_strdup(a, db_res_text(r, i, 8));
    o->prompt_analytics = mem_strdup(a, db_res_text(r, i, 9));
}

err_t assessments_stats_rows(db_t *db, mem_arena_t *a, int64_t org_id, const assessments_stats_filter_t *f,
                             assessments_stats_row_t **rows, size_t *n)
{
    *rows = NULL;
    *n = 0;
    db_value_t p[5] = {DB_V_INT(org_id)};
    int np = 1;
    char *sql = mem_printf(a, "SELECT candidate_id, task_id, status, started_at, completed_at, score, final_score, "
                              "calibration_score, CASE WHEN " STATS_DONE " THEN score_breakdown END, "
                              "CASE WHEN " STATS_DONE " THEN prompt_analytics END "
                              "FROM assessments WHERE organization_id = $1");
    if (f->has_task_id) {
        p[np++] = DB_V_INT(f->task_id);
        sql = mem_printf(a, "%s AND task_id = $%d", sql, np);
    }
    if (f->has_role_id) {
        p[np++] = DB_V_INT(f->role_id);
        sql = mem_printf(a, "%s AND role_id = $%d", sql, np);
    }
    if (f->has_from) {
        p[np++] = DB_V_TIME(f->from_us);
        sql = mem_printf(a, "%s AND created_at >= $%d", sql, np);
    }
    if (f->has_to) {
        p[np++] = DB_V_TIME(f->to_us);
        sql = mem_printf(a, "%s AND created_at <= $%d", sql, np);
    }
    sql = mem_printf(a, "%s ORDER BY id", sql);
    db_res_t *r = NULL;
    err_t e = db_query(db, sql, p, np, &r);
    if (e != ERR_OK) {
        db_res_free(r);
        return e;
    }
    int count = db_res_rows(r);
    assessments_stats_row_t *v = mem_alloc(a, (size_t)(count > 0 ? count : 1) * sizeof *v);
    for (int i = 0; i < count; i++)
        assessments_stats_row(r, i, a, &v[i]);
    db_res_free(r);
    *rows = v;
    *n = (size_t)count;
    return ERR_OK;
}

/* ---- the candidate proof binding (migration 011) ---- */

err_t assessments_repo_bind(db_t *db, int64_t id, const char *session_hash, const char *key_id, const char *jwk_json,
                            const char *timeline_json, int64_t now_us, bool *bound)
{
    db_value_t p[] = {DB_V_TEXT(session_hash), DB_V_TIME(now_us),        DB_V_TEXT(key_id),
                      DB_V_JSON(jwk_json),     DB_V_JSON(timeline_json), DB_V_INT(id)};
    int64_t n = 0;
    err_t e =
        db_exec(db,
                "UPDATE assessments SET candidate_session_hash = $1, candidate_session_bound_at = $2, "
                "candidate_proof_key_id = $3, candidate_proof_public_jwk = $4, candidate_proof_key_bound_at = $2, "
                "timeline = $5, updated_at = $2 "
                "WHERE id = $6 AND candidate_proof_key_id IS NULL AND candidate_session_hash IS NULL",
                p, 6, &n);
    *bound = e == ERR_OK && n == 1;
    return e;
}

err_t assessments_repo_consume_nonce(db_t *db, int64_t id, const char *nonce, const char *key_id, int64_t proof_ts,
                                     int64_t now_us, bool *fresh)
{
    *fresh = false;
    /* nonces are kept ASSESSMENTS_NONCE_KEEP_S: an older one cannot pass
     * the timestamp window again anyway */
    db_value_t old[] = {DB_V_INT(id), DB_V_TIME(now_us - (int64_t)ASSESSMENTS_NONCE_KEEP_S * 1000000LL)};
    err_t e = db_exec(db, "DELETE FROM candidate_assessment_proof_nonces WHERE assessment_id = $1 AND consumed_at < $2",
                      old, 2, NULL);
    if (e != ERR_OK)
        return e;
    db_value_t p[] = {DB_V_INT(id), DB_V_TEXT(nonce), DB_V_TEXT(key_id), DB_V_INT(proof_ts), DB_V_TIME(now_us)};
    db_res_t *r = NULL;
    e = db_query(db,
                 "INSERT INTO candidate_assessment_proof_nonces (assessment_id, nonce, key_id, proof_timestamp, "
                 "consumed_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (assessment_id, nonce) DO NOTHING RETURNING id",
                 p, 5, &r);
    if (e == ERR_OK)
        *fresh = db_res_rows(r) == 1;
    db_res_free(r);
    return e;
}

err_t assessments_repo_role_usage(db_t *db, int64_t org_id, int64_t role_id, int64_t task_id, bool *used)
{
    db_value_t p[] = {DB_V_INT(org_id), DB_V_INT(role_id), DB_V_INT(task_id)};
    db_res_t *r = NULL;
    err_t e = db_query(db,
                       task_id > 0 ? "SELECT 1 FROM assessments WHERE organization_id = $1 AND role_id = $2 "
                                     "AND task_id = $3 LIMIT 1"
                                   : "SELECT 1 FROM assessments WHERE organization_id = $1 AND role_id = $2 LIMIT 1",
                       p, task_id > 0 ? 3 : 2, &r);
    if (e == ERR_OK)
        *used = db_res_rows(r) > 0;
    db_res_free(r);
    return e;
}

err_t assessments_repo_stats(db_t *db, int64_t org_id, int64_t now_us, assessments_repo_stats_t *out)
{
    /* the PostgreSQL column is an enum without today's timeout label:
     * compare its text */
    const char *no = db_kind(db) == DB_POSTGRES ? "false" : "0";
    const char *st = db_kind(db) == DB_POSTGRES ? "status::text" : "status";
    char sql[1000];
    snprintf(sql, sizeof sql,
             "SELECT "
             "COALESCE(SUM(CASE WHEN %s = 'PENDING' THEN 1 ELSE 0 END), 0), "
             "COALESCE(SUM(CASE WHEN %s = 'IN_PROGRESS' THEN 1 ELSE 0 END), 0), "
             "COALESCE(SUM(CASE WHEN %s IN ('COMPLETED', 'COMPLETED_DUE_TO_TIMEOUT') THEN 1 ELSE 0 END), 0), "
             "COALESCE(SUM(CASE WHEN %s = 'PENDING' AND expires_at > $2 AND expires_at <= $3 THEN 1 ELSE 0 "
             "END), 0), "
             "COALESCE(SUM(CASE WHEN %s IN ('COMPLETED', 'COMPLETED_DUE_TO_TIMEOUT') AND scored_at IS NULL "
             "THEN 1 ELSE 0 END), 0) "
             "FROM assessments WHERE organization_id = $1 AND is_voided = %s",
             st, st, st, st, st, no);
    db_value_t p[] = {DB_V_INT(org_id), DB_V_TIME(now_us), DB_V_TIME(now_us + 3LL * 86400 * 1000000)};
    db_res_t *r = NULL;
    err_t e = db_query(db, sql, p, 3, &r);
    if (e == ERR_OK) {
        out->invited = db_res_int(r, 0, 0);
        out->in_progress = db_res_int(r, 0, 1);
        out->completed = db_res_int(r, 0, 2);
        out->expiring_soon = db_res_int(r, 0, 3);
        out->scoring = db_res_int(r, 0, 4);
    }
    db_res_free(r);
    return e;
}

err_t assessments_repo_set_clipboard(db_t *db, int64_t id, bool allow)
{
    db_value_t p[] = {DB_V_BOOL(allow), DB_V_INT(id)};
    return db_exec(db, "UPDATE assessments SET allow_external_clipboard = $1 WHERE id = $2", p, 2, NULL);
}
