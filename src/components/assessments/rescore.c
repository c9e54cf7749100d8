/* Re-scoring stored assessments (`tali rescore`): the submit pipeline of
 * submit.c run again on what a COMPLETED assessment stores — its prompts
 * as amended at submit, its test counts, its completed_at, its CV-job
 * match and the model's results — with the task's current score_weights,
 * and the recomputed scoring columns written in one transaction.  No
 * sandbox, no model: nothing here leaves the process but SQL.
 *
 * The CV-job fit result is rebuilt faithfully from the stored values
 * (scoring-spec §10, §12): cv_job_match_score is the column, skills_match
 * and experience_relevance are the raw values kept in
 * score_breakdown.cv_job_match (or, failing that, in
 * prompt_analytics.cv_job_match), and match_details is the
 * cv_job_match_details column. */
#include <stdio.h>
#include <string.h>

#include "components/assessments/internal.h"
#include "components/assessments/repo.h"
#include "components/organizations/organizations.h"
#include "components/scoring/scoring.h"
#include "components/tasks/tasks.h"
#include "platform/json.h"
#include "platform/log.h"

#define LOGGER "tali.assessments"

static db_value_t rescore_real(double d)
{
    return DB_V_REAL(d);
}

static db_value_t rescore_json(mem_arena_t *a, const json_t *j)
{
    return j ? DB_V_JSON(json_encode_arena(a, j)) : DB_V_NULL;
}

/* The stored {overall, skills, experience} triplet that carries the fit
 * service's raw skills and experience values, or NULL. */
static const json_t *rescore_cv_triplet(const json_t *breakdown, const json_t *analytics)
{
    const json_t *srcs[2] = {json_object_get(breakdown, "cv_job_match"), json_object_get(analytics, "cv_job_match")};
    for (size_t i = 0; i < 2; i++)
        if (json_is_object(srcs[i]) && json_object_get(srcs[i], "skills") && json_object_get(srcs[i], "experience"))
            return srcs[i];
    return NULL;
}

/* Rebuilds the cv_match_result submit passed to the engine (new object
 * in *cv).  ERR_VALIDATION (why set) when a stored match score has no
 * stored skills/experience values to go with it. */
static err_t rescore_cv(const assessments_row_t *r, const json_t *breakdown, const json_t *analytics, json_t **cv,
                        char *why, size_t whylen)
{
    *cv = NULL;
    const json_t *trip = rescore_cv_triplet(breakdown, analytics);
    if (r->cv_job_match_score.set && !trip) {
        snprintf(why, whylen, "its stored CV-job match has no skills/experience values to re-score with");
        return ERR_VALIDATION;
    }
    json_t *o = json_object();
    json_object_set_new(o, "cv_job_match_score",
                        r->cv_job_match_score.set ? json_real(r->cv_job_match_score.v) : json_null());
    json_t *skills = trip ? json_object_get(trip, "skills") : NULL;
    json_t *exp = trip ? json_object_get(trip, "experience") : NULL;
    json_object_set_new(o, "skills_match", skills ? json_deep_copy(skills) : json_null());
    json_object_set_new(o, "experience_relevance", exp ? json_deep_copy(exp) : json_null());
    json_t *details = assessments_schema_parse(r->cv_job_match_details);
    if (!json_is_object(details)) {
        json_decref(details);
        details = json_object();
    }
    json_object_set_new(o, "match_details", details);
    *cv = o;
    return ERR_OK;
}

/* The model's results as stored by a submit with Claude scoring on (all
 * empty after an MVP submit): the session scores and per-prompt scores
 * from prompt_analytics, the model's fraud flags (the prompt_fraud_flags
 * entries after the engine's own: one per prompt_analytics.fraud.flags
 * entry and tab_switching), the calibration prompt and score, and the
 * stored code_quality_score.  ERR_VALIDATION (why set) when a session
 * score is missing. */
static err_t rescore_ai(mem_arena_t *a, const assessments_row_t *r, const json_t *analytics,
                        assessments_ai_result_t *ai, char *why, size_t whylen)
{
    memset(ai, 0, sizeof *ai);
    ai->code_quality_score = r->code_quality_score.set ? r->code_quality_score.v : SCORING_MVP_CODE_QUALITY_SCORE;
    const json_t *per = json_object_get(analytics, "ai_per_prompt_scores");
    if (per) {
        const json_t *scores = json_object_get(analytics, "ai_scores");
        for (size_t i = 0; i < ASSESSMENTS_AI_SCORE_COUNT; i++) {
            const char *key = assessments_ai_score_key(i);
            const json_t *v = json_object_get(scores, key);
            if (!json_is_number(v)) {
                snprintf(why, whylen, "its stored model score %s is missing", key);
                return ERR_VALIDATION;
            }
            ai->scores[i] = json_number_value(v);
        }
        ai->has_scores = true;
        ai->per_prompt_scores = json_deep_copy(per);
    }

    json_t *stored = assessments_schema_parse(r->prompt_fraud_flags);
    size_t total = json_is_array(stored) ? json_array_size(stored) : 0;
    const json_t *engine_flags = json_object_get(json_object_get(analytics, "fraud"), "flags");
    /* Without the engine's own list every stored flag counts as the
     * engine's (none is repeated). */
    size_t own = total;
    if (json_is_array(engine_flags)) {
        int64_t tabs = r->tab_switch_count.set ? r->tab_switch_count.v : 0;
        own = json_array_size(engine_flags) + (tabs > 5 ? 1 : 0);
    }
    ai->fraud_flags = json_array();
    for (size_t i = own; i < total; i++)
        json_array_append(ai->fraud_flags, json_array_get(stored, i));
    json_decref(stored);

    const char *cal = json_string_value(json_object_get(analytics, "calibration_prompt"));
    if (cal)
        ai->calibration_prompt = mem_strdup(a, cal);
    ai->has_calibration_score = r->calibration_score.set;
    ai->calibration_score = r->calibration_score.v;
    return ERR_OK;
}

static bool rescore_real_differs(const assessments_opt_real_t *old, double now)
{
    return !old->set || old->v != now;
}

static bool rescore_json_differs(const char *old_text, const json_t *now)
{
    json_t *old = assessments_schema_parse(old_text);
    bool same = old && now ? json_equal(old, (json_t *)now) : (!old && !now);
    json_decref(old);
    return !same;
}

/* Whether the columns written differ from the row as it was. */
static bool rescore_changed(const assessments_row_t *r, const scoring_columns_t *c)
{
    const struct {
        const assessments_opt_real_t *old;
        double now;
    } reals[] = {
        {&r->score, c->score},
        {&r->final_score, c->final_score},
        {&r->prompt_quality_score, c->prompt_quality_score},
        {&r->prompt_efficiency_score, c->prompt_efficiency_score},
        {&r->independence_score, c->independence_score},
        {&r->context_utilization_score, c->context_utilization_score},
        {&r->design_thinking_score, c->design_thinking_score},
        {&r->debugging_strategy_score, c->debugging_strategy_score},
        {&r->written_communication_score, c->written_communication_score},
        {&r->learning_velocity_score, c->learning_velocity_score},
        {&r->error_recovery_score, c->error_recovery_score},
        {&r->requirement_comprehension_score, c->requirement_comprehension_score},
        {&r->ai_usage_score, c->ai_usage_score},
        {&r->time_efficiency_score, c->time_efficiency_score},
    };
    for (size_t i = 0; i < sizeof reals / sizeof reals[0]; i++)
        if (rescore_real_differs(reals[i].old, reals[i].now))
            return true;
    return rescore_json_differs(r->score_breakdown, c->score_breakdown) ||
           rescore_json_differs(r->score_weights_used, c->score_weights_used) ||
           rescore_json_differs(r->flags, c->flags) ||
           rescore_json_differs(r->prompt_fraud_flags, c->prompt_fraud_flags) ||
           rescore_json_differs(r->prompt_analytics, c->prompt_analytics);
}

/* The stored values of row r scored again and written (inside the
 * caller's transaction). */
static err_t rescore_row(db_t *db, mem_arena_t *a, const assessments_row_t *r, assessments_rescore_outcome_t *out)
{
    task_t task;
    err_t e = r->task_id.set ? tasks_get(db, a, r->task_id.v, &task) : ERR_NOT_FOUND;
    if (e == ERR_NOT_FOUND) {
        snprintf(out->reason, sizeof out->reason, "its task is gone (its score_weights are needed)");
        return ERR_VALIDATION;
    }
    if (e != ERR_OK) {
        snprintf(out->reason, sizeof out->reason, "reading its task failed (%s)", err_name(e));
        return e;
    }
    json_t *breakdown = assessments_schema_parse(r->score_breakdown);
    json_t *analytics = assessments_schema_parse(r->prompt_analytics);
    json_t *cv = NULL;
    assessments_ai_result_t ai;
    memset(&ai, 0, sizeof ai);
    e = rescore_cv(r, breakdown, analytics, &cv, out->reason, sizeof out->reason);
    if (e == ERR_OK)
        e = rescore_ai(a, r, analytics, &ai, out->reason, sizeof out->reason);
    assessments_scored_t s;
    memset(&s, 0, sizeof s);
    if (e == ERR_OK) {
        assessments_score_given_t given = {
            .tests_passed = r->tests_passed.set ? r->tests_passed.v : 0,
            .tests_total = r->tests_total.set ? r->tests_total.v : 0,
            .cv_match_result = cv,
            .errors = json_object_get(breakdown, "errors"),
            .ai = &ai,
        };
        assessments_submit_in_t in = {
            .row = r,
            .tab_switch_count = r->tab_switch_count.set ? r->tab_switch_count.v : 0,
            .score_weights = task.score_weights,
            .now_us = r->completed_at.v,
            .given = &given,
        };
        if (assessments_submit_score(a, &in, NULL, &s) != ERR_OK) {
            snprintf(out->reason, sizeof out->reason, "its stored values cannot be scored (see the log)");
            e = ERR_VALIDATION;
        }
    }
    json_decref(breakdown);
    json_decref(analytics);
    json_decref(cv);
    assessments_ai_result_free(&ai);
    if (e != ERR_OK)
        return e;

    const scoring_columns_t *c = s.columns;
    int64_t now = db_now_us();
    db_value_t v[ASSESSMENTS_REPO_RESCORE_N];
    v[ARS_SCORE] = rescore_real(c->score);
    v[ARS_FINAL_SCORE] = rescore_real(c->final_score);
    v[ARS_PROMPT_QUALITY] = rescore_real(c->prompt_quality_score);
    v[ARS_PROMPT_EFFICIENCY] = rescore_real(c->prompt_efficiency_score);
    v[ARS_INDEPENDENCE] = rescore_real(c->independence_score);
    v[ARS_CONTEXT_UTILIZATION] = rescore_real(c->context_utilization_score);
    v[ARS_DESIGN_THINKING] = rescore_real(c->design_thinking_score);
    v[ARS_DEBUGGING_STRATEGY] = rescore_real(c->debugging_strategy_score);
    v[ARS_WRITTEN_COMMUNICATION] = rescore_real(c->written_communication_score);
    v[ARS_LEARNING_VELOCITY] = rescore_real(c->learning_velocity_score);
    v[ARS_ERROR_RECOVERY] = rescore_real(c->error_recovery_score);
    v[ARS_REQUIREMENT_COMPREHENSION] = rescore_real(c->requirement_comprehension_score);
    v[ARS_AI_USAGE] = rescore_real(c->ai_usage_score);
    v[ARS_TIME_EFFICIENCY] = rescore_real(c->time_efficiency_score);
    v[ARS_SCORE_BREAKDOWN] = rescore_json(a, c->score_breakdown);
    v[ARS_SCORE_WEIGHTS_USED] = rescore_json(a, c->score_weights_used);
    v[ARS_FLAGS] = rescore_json(a, c->flags);
    v[ARS_PROMPT_FRAUD_FLAGS] = rescore_json(a, c->prompt_fraud_flags);
    v[ARS_PROMPT_ANALYTICS] = rescore_json(a, c->prompt_analytics);
    v[ARS_SCORED_AT] = DB_V_TIME(now);
    v[ARS_UPDATED_AT] = DB_V_TIME(now);
    bool updated = false;
    e = assessments_repo_rescore(db, r->id, v, &updated);
    if (e == ERR_OK && !updated) {
        snprintf(out->reason, sizeof out->reason, "it is no longer a completed assessment");
        e = ERR_CONFLICT;
    } else if (e != ERR_OK) {
        snprintf(out->reason, sizeof out->reason, "the write failed (%s)", err_name(e));
    }
    if (e == ERR_OK) {
        out->after = c->final_score;
        out->changed = rescore_changed(r, c);
    }
    assessments_scored_free(&s);
    return e;
}

err_t assessments_rescore_one(db_t *db, int64_t id, assessments_rescore_outcome_t *out)
{
    memset(out, 0, sizeof *out);
    out->id = id;
    mem_arena_t *a = mem_arena_new();
    err_t e = db_begin(db);
    if (e != ERR_OK) {
        snprintf(out->reason, sizeof out->reason, "no transaction (%s)", err_name(e));
        mem_arena_free(a);
        return e;
    }
    assessments_row_t r;
    bool found = false;
    e = assessments_repo_get(db, a, NULL, id, true, &r, &found);
    if (e != ERR_OK) {
        snprintf(out->reason, sizeof out->reason, "reading it failed (%s)", err_name(e));
    } else if (!found) {
        snprintf(out->reason, sizeof out->reason, "no such assessment");
        e = ERR_NOT_FOUND;
    } else if (strcmp(r.status, ASSESSMENTS_COMPLETED) != 0 || !r.completed_at.set) {
        snprintf(out->reason, sizeof out->reason, "status %s, not a completed assessment", r.status);
        out->skipped = true;
        e = ERR_CONFLICT;
    } else {
        out->has_before = r.final_score.set;
        out->before = r.final_score.v;
        e = rescore_row(db, a, &r, out);
    }
    if (e == ERR_OK)
        e = db_commit(db);
    if (e != ERR_OK) {
        db_rollback(db);
        if (!*out->reason)
            snprintf(out->reason, sizeof out->reason, "the commit failed (%s)", err_name(e));
        if (!out->skipped)
            log_error(LOGGER, "rescore %lld: %s", (long long)id, out->reason);
    } else {
        out->rescored = true;
        log_info(LOGGER, "rescore %lld: final_score %.2f -> %.2f", (long long)id, out->before, out->after);
    }
    mem_arena_free(a);
    return e;
}

err_t assessments_rescore(db_t *db, int64_t id, bool *changed)
{
    assessments_rescore_outcome_t o;
    err_t e = assessments_rescore_one(db, id, &o);
    if (changed)
        *changed = e == ERR_OK && o.changed;
    return e;
}

err_t assessments_rescore_org_each(db_t *db, int64_t org_id, assessments_rescore_cb_t cb, void *ctx, int *count,
                                   int *failed)
{
    int done = 0, bad = 0;
    mem_arena_t *a = mem_arena_new();
    organizations_org_t org;
    err_t e = organizations_get(db, a, org_id, &org);
    int64_t *ids = NULL;
    const char **statuses = NULL;
    size_t n = 0;
    if (e == ERR_OK)
        e = assessments_repo_org_statuses(db, a, org_id, &ids, &statuses, &n);
    for (size_t i = 0; e == ERR_OK && i < n; i++) {
        assessments_rescore_outcome_t o;
        err_t one = ERR_OK;
        if (strcmp(statuses[i], ASSESSMENTS_COMPLETED) != 0) {
            memset(&o, 0, sizeof o);
            o.id = ids[i];
            o.skipped = true;
            snprintf(o.reason, sizeof o.reason, "status %s, not completed", statuses[i]);
        } else {
            one = assessments_rescore_one(db, ids[i], &o);
            if (one == ERR_OK)
                done++;
            else if (!o.skipped)
                bad++;
            /* one that stopped being COMPLETED since the listing is skipped */
            if (o.skipped)
                one = ERR_OK;
        }
        if (cb)
            cb(&o, one, ctx);
    }
    mem_arena_free(a);
    if (count)
        *count = done;
    if (failed)
        *failed = bad;
    return e;
}

err_t assessments_rescore_org(db_t *db, int64_t org_id, int *count, int *failed)
{
    return assessments_rescore_org_each(db, org_id, NULL, NULL, count, failed);
}
