/* S9 submit: the scoring pipeline of scoring-spec §0 — tests in the
 * sandbox, heuristics, CV-job fit, the engine and the column mapping —
 * computed before anything is written.  The single write (and the claim
 * that makes one of two concurrent submits win) is in service.c. */
#include <stdlib.h>
#include <string.h>

#include "components/assessments/internal.h"
#include "components/integrations/claude/claude.h"
#include "components/scoring/scoring.h"
#include "platform/log.h"
#include "shared/pynum.h"

#define LOGGER "tali.assessments"

/* Runs the task's tests against final_code.  Never fails: a sandbox that
 * cannot be used is recorded in the result's error (policy fix 11: a
 * submit never fails because of the sandbox). */
static json_t *submit_run_tests(const char *sandbox_id, const char *final_code, const char *test_code, int64_t *passed,
                                int64_t *total)
{
    sandbox_provider_t *sb = assessments_sandbox();
    *passed = *total = 0;
    char err[512] = "";
    if (!sandbox_id) {
        snprintf(err, sizeof err, "Code environment unavailable");
    } else if (sb->write_file(sb->self, sandbox_id, "/tmp/solution.py", final_code, strlen(final_code), err,
                              sizeof err) != ERR_OK) {
        if (!*err)
            snprintf(err, sizeof err, "Could not write the solution to the code environment");
    }
    if (!*err && test_code && *test_code) {
        sandbox_result_t r;
        memset(&r, 0, sizeof r);
        if (sb->run_tests(sb->self, sandbox_id, test_code, &r) == ERR_OK) {
            json_t *out = sandbox_result_json(&r);
            *passed = r.passed;
            *total = r.total;
            sandbox_result_free(&r);
            return out;
        }
        snprintf(err, sizeof err, "%s", r.error ? r.error : "Test run failed in the code environment");
        sandbox_result_free(&r);
    }
    json_t *out = json_object();
    json_object_set_new(out, "passed", json_integer(0));
    json_object_set_new(out, "failed", json_integer(0));
    json_object_set_new(out, "total", json_integer(0));
    if (*err) {
        log_warn(LOGGER, "submit tests not run: %s", err);
        json_object_set_new(out, "error", json_string(err));
    }
    return out;
}

/* The fit step (scoring-spec §10): a new cv_match_result; errors gets the
 * entries submit records. */
static json_t *submit_fit(const assessments_submit_in_t *in, json_t *errors)
{
    json_t *body = scoring_fit_plan(in->has_candidate, in->cv_text, in->job_spec_text, claude_configured(), errors);
    if (!body)
        return scoring_fit_default_result();
    json_t *msgs = json_object_get(body, "messages");
    claude_request_t req = {
        .model = json_string_value(json_object_get(body, "model")),
        .max_tokens = (int)json_integer_value(json_object_get(body, "max_tokens")),
        .system = json_string_value(json_object_get(body, "system")),
        .messages = msgs,
        .max_retries = -1,
    };
    claude_reply_t reply;
    err_t e = claude_messages(&req, &reply);
    json_t *result = NULL;
    if (e == ERR_OK) {
        char perr[256];
        if (scoring_fit_parse_response(reply.text, &result, perr, sizeof perr) != ERR_OK)
            log_warn(LOGGER, "fit answer not understood: %s", perr);
    } else {
        log_warn(LOGGER, "fit call failed (%s): %s", err_name(e), reply.message);
        result = scoring_fit_null_result(*reply.message ? reply.message : err_name(e));
    }
    claude_reply_free(&reply);
    json_decref(body);
    return result;
}

/* `task.score_weights or None`: an empty object or anything that is not
 * an object counts as none. */
static json_t *submit_weights(const char *text)
{
    json_t *w = assessments_schema_parse(text);
    if (json_is_object(w) && json_object_size(w) > 0)
        return w;
    json_decref(w);
    return NULL;
}

/* The response's prompt_scores from the model's session analysis: the
 * twelve scores, 2 dp (new object). */
static json_t *submit_ai_prompt_scores(const assessments_ai_result_t *ai)
{
    json_t *o = json_object();
    for (size_t i = 0; i < ASSESSMENTS_AI_SCORE_COUNT; i++)
        json_object_set_new(o, assessments_ai_score_key(i), json_real(pynum_round(ai->scores[i], 2)));
    return o;
}

static double submit_ai_score(const assessments_ai_result_t *ai, const char *key)
{
    for (size_t i = 0; i < ASSESSMENTS_AI_SCORE_COUNT; i++)
        if (strcmp(assessments_ai_score_key(i), key) == 0)
            return pynum_round(ai->scores[i], 2);
    return 0.0;
}

/* Lays the model's results over the engine's columns (Claude scoring
 * on): code_quality_score; with a session analysis the ten prompt score
 * columns that have a model counterpart, ai_usage_score recomputed from
 * them, prompt_analytics.ai_scores and ai_per_prompt_scores; the model's
 * fraud flags appended to prompt_fraud_flags (their types added once to
 * flags); the calibration prompt and score. */
static void submit_apply_ai(const assessments_ai_result_t *ai, scoring_columns_t *c)
{
    c->code_quality_score = ai->code_quality_score;
    json_t *pa = c->prompt_analytics;
    if (ai->has_scores) {
        c->prompt_quality_score = submit_ai_score(ai, "prompt_clarity");
        c->prompt_efficiency_score = submit_ai_score(ai, "prompt_efficiency");
        c->independence_score = submit_ai_score(ai, "independence");
        c->context_utilization_score = submit_ai_score(ai, "context_utilization");
        c->design_thinking_score = submit_ai_score(ai, "design_thinking");
        c->debugging_strategy_score = submit_ai_score(ai, "debugging_strategy");
        c->written_communication_score = submit_ai_score(ai, "written_communication");
        c->learning_velocity_score = submit_ai_score(ai, "learning_velocity");
        c->error_recovery_score = submit_ai_score(ai, "error_recovery");
        c->requirement_comprehension_score = submit_ai_score(ai, "requirement_comprehension");
        c->ai_usage_score =
            pynum_round((c->prompt_quality_score + c->independence_score + c->prompt_efficiency_score) / 3.0, 2);
        if (pa) {
            json_object_set_new(pa, "ai_scores", submit_ai_prompt_scores(ai));
            json_object_set_new(pa, "ai_per_prompt_scores",
                                ai->per_prompt_scores ? json_deep_copy(ai->per_prompt_scores) : json_array());
        }
    }
    size_t i;
    json_t *f;
    json_array_foreach(ai->fraud_flags, i, f)
    {
        json_array_append_new(c->prompt_fraud_flags, json_deep_copy(f));
        json_t *type = json_object_get(f, "type");
        bool seen = false;
        size_t k;
        json_t *name;
        json_array_foreach(c->flags, k, name)
        {
            if (json_equal(name, type))
                seen = true;
        }
        if (!seen)
            json_array_append(c->flags, type);
    }
    if (pa && json_array_size(ai->fraud_flags) > 0)
        json_object_set_new(pa, "flags", json_deep_copy(c->flags));
    if (pa && ai->calibration_prompt) {
        json_object_set_new(pa, "calibration_prompt", json_string(ai->calibration_prompt));
        json_object_set_new(pa, "calibration_score",
                            ai->has_calibration_score ? json_real(ai->calibration_score) : json_null());
    }
}

static char *iso_z(mem_arena_t *a, const assessments_opt_int_t *t)
{
    if (!t->set)
        return NULL;
    char buf[40];
    return mem_strdup(a, db_format_time(t->v, "Z", buf));
}

static json_t *json_or_null_str(const char *s)
{
    return s ? json_string(s) : json_null();
}

void assessments_scored_free(assessments_scored_t *s)
{
    if (!s)
        return;
    json_decref(s->ai_prompts);
    json_decref(s->test_results);
    json_decref(s->code_snapshots);
    json_decref(s->timeline);
    json_decref(s->prompt_scores);
    json_decref(s->component_scores);
    free(s->quality_analysis);
    if (s->columns) {
        scoring_columns_free(s->columns);
        free(s->columns);
    }
    memset(s, 0, sizeof *s);
}

err_t assessments_submit_score(mem_arena_t *a, const assessments_submit_in_t *in, const char *sandbox_id,
                               assessments_scored_t *out)
{
    memset(out, 0, sizeof *out);
    const assessments_row_t *row = in->row;
    char err[512] = "";
    err_t e = ERR_INTERNAL;
    json_t *heur_in = NULL, *heur = NULL, *errors = json_array(), *cv = NULL, *interactions = NULL, *engine = NULL,
           *weights = NULL;
    assessments_ai_result_t ai;
    memset(&ai, 0, sizeof ai);
    const assessments_score_given_t *given = in->given;
    const char *what = given ? "rescore" : "submit";
    bool use_ai = !given && !cfg->mvp_disable_claude_scoring;
    if (given && json_is_array(given->errors)) {
        json_decref(errors);
        errors = json_deep_copy(given->errors);
    }

    /* 1. the last prompt's code_after is the submitted code (a re-score
     * reads the prompts as stored, already amended) */
    json_t *prompts = assessments_schema_parse(row->ai_prompts);
    if (!json_is_array(prompts)) {
        json_decref(prompts);
        prompts = json_array();
    }
    size_t np = json_array_size(prompts);
    if (np > 0 && !given) {
        json_t *last = json_array_get(prompts, np - 1);
        if (json_is_object(last)) {
            json_t *copy = json_copy(last);
            json_object_set_new(copy, "code_after", json_string(in->final_code));
            json_array_set_new(prompts, np - 1, copy);
        }
    }
    out->ai_prompts = prompts;

    /* 2. tests (a re-score takes the stored counts) */
    if (given) {
        out->tests_passed = given->tests_passed;
        out->tests_total = given->tests_total;
    } else {
        out->test_results =
            submit_run_tests(sandbox_id, in->final_code, in->test_code, &out->tests_passed, &out->tests_total);
    }

    /* 3. heuristics, with the final test results (policy fix 12) */
    out->tab_switch_count = !given && cfg->mvp_disable_proctoring ? 0 : in->tab_switch_count;
    assessments_opt_int_t done = {true, in->now_us};
    heur_in = json_object();
    json_object_set(heur_in, "ai_prompts", prompts);
    json_object_set_new(heur_in, "started_at", json_or_null_str(iso_z(a, &row->started_at)));
    json_object_set_new(heur_in, "completed_at", json_or_null_str(iso_z(a, &done)));
    json_object_set_new(heur_in, "tests_passed", json_integer(out->tests_passed));
    json_object_set_new(heur_in, "tests_total", json_integer(out->tests_total));
    json_object_set_new(heur_in, "tab_switch_count", json_integer(out->tab_switch_count));
    if (scoring_heuristics_compute(heur_in, &heur, err, sizeof err) != ERR_OK) {
        log_error(LOGGER, "%s %lld: heuristics failed: %s", what, (long long)row->id, err);
        goto done;
    }
    /* 4. MVP prompt scores (response only) */
    out->prompt_scores = scoring_heuristics_prompt_scores(heur);

    /* 4b. the model's code review and session analysis (Claude scoring on) */
    if (use_ai) {
        assessments_ai_score(a, in->final_code, prompts, in->task_description, in->calibration_prompt, errors, &ai);
        if (ai.has_scores) {
            json_decref(out->prompt_scores);
            out->prompt_scores = submit_ai_prompt_scores(&ai);
        }
    }

    /* 5. CV-job fit */
    cv = given ? json_deep_copy(given->cv_match_result) : submit_fit(in, errors);

    /* 6. duration */
    out->duration_seconds = row->started_at.set ? (in->now_us - row->started_at.v) / 1000000 : 0;
    if (out->duration_seconds < 0)
        out->duration_seconds = 0;
    int64_t limit_min = row->duration_minutes.set && row->duration_minutes.v ? row->duration_minutes.v : 30;
    out->time_limit_exceeded =
        row->started_at.set &&
        in->now_us > row->started_at.v + (limit_min * 60 + ASSESSMENTS_GRACE_SECONDS) * 1000000LL;

    /* 7. interactions and 8. the engine */
    if (scoring_build_interactions(prompts, &interactions, err, sizeof err) != ERR_OK) {
        log_error(LOGGER, "%s %lld: interactions failed: %s", what, (long long)row->id, err);
        goto done;
    }
    weights = submit_weights(in->score_weights);
    json_t *tp = json_integer(out->tests_passed), *tt = json_integer(out->tests_total),
           *dur = json_integer(out->duration_seconds), *lim = json_integer(limit_min),
           *v2 = json_boolean(cfg->scoring_v2_enabled);
    e = scoring_engine_score(interactions, tp, tt, dur, lim, v2, weights, cv, &engine, err, sizeof err);
    json_decref(tp);
    json_decref(tt);
    json_decref(dur);
    json_decref(lim);
    json_decref(v2);
    if (e != ERR_OK) {
        log_error(LOGGER, "%s %lld: engine failed: %s", what, (long long)row->id, err);
        e = ERR_INTERNAL;
        goto done;
    }

    /* 9. columns */
    scoring_columns_t *cols = xcalloc(1, sizeof *cols);
    if (scoring_columns_build(engine, heur, cv, errors, interactions, out->tab_switch_count, cols, err, sizeof err) !=
        ERR_OK) {
        free(cols);
        log_error(LOGGER, "%s %lld: column mapping failed: %s", what, (long long)row->id, err);
        e = ERR_INTERNAL;
        goto done;
    }
    out->columns = cols;
    if (use_ai) {
        submit_apply_ai(&ai, cols);
        out->quality_analysis = ai.quality_analysis;
        ai.quality_analysis = NULL;
        out->has_calibration_score = ai.has_calibration_score;
        out->calibration_score = ai.calibration_score;
    } else if (given && given->ai) {
        submit_apply_ai(given->ai, cols);
        out->has_calibration_score = given->ai->has_calibration_score;
        out->calibration_score = given->ai->calibration_score;
    }
    out->component_scores = json_deep_copy(json_object_get(engine, "component_scores"));
    if (!out->component_scores)
        out->component_scores = json_object();
    if (given) {
        e = ERR_OK;
        goto done;
    }

    /* code snapshots: one per prompt, then the final code */
    out->code_snapshots = json_array();
    size_t i;
    json_t *p;
    json_array_foreach(prompts, i, p)
    {
        const char *before = json_string_value(json_object_get(p, "code_before"));
        const char *after = json_string_value(json_object_get(p, "code_after"));
        json_t *snap = json_object();
        json_object_set_new(snap, "prompt_index", json_integer((json_int_t)i));
        json_object_set_new(snap, "code_before", json_string(before ? before : ""));
        json_object_set_new(snap, "code_after", json_string(after ? after : ""));
        json_array_append_new(out->code_snapshots, snap);
    }
    json_t *fin = json_object();
    json_object_set_new(fin, "final", json_string(in->final_code));
    json_array_append_new(out->code_snapshots, fin);

    /* timeline: rebuilt, the recruiter notes kept after it (policy fix 7) */
    assessments_row_t at_submit = *row;
    at_submit.completed_at = done;
    out->timeline = assessments_schema_build_timeline(&at_submit, prompts, out->time_limit_exceeded);
    json_t *stored = assessments_schema_parse(row->timeline);
    json_t *ev;
    json_array_foreach(stored, i, ev)
    {
        const char *name = json_string_value(json_object_get(ev, "event"));
        if (name && strcmp(name, "Recruiter note") == 0)
            json_array_append(out->timeline, ev);
    }
    json_decref(stored);
    e = ERR_OK;

done:
    json_decref(heur_in);
    json_decref(heur);
    json_decref(errors);
    json_decref(cv);
    json_decref(interactions);
    json_decref(engine);
    json_decref(weights);
    assessments_ai_result_free(&ai);
    if (e != ERR_OK)
        assessments_scored_free(out);
    return e;
}

json_t *assessments_submit_response(const assessments_scored_t *s)
{
    const scoring_columns_t *c = s->columns;
    json_t *o = json_object();
    json_object_set_new(o, "success", json_true());
    json_object_set_new(o, "score", json_real(c->score));
    json_object_set_new(o, "tests_passed", json_integer(s->tests_passed));
    json_object_set_new(o, "tests_total", json_integer(s->tests_total));
    json_object_set_new(o, "quality_analysis", json_or_null_str(s->quality_analysis));
    json_object_set_new(o, "prompt_scores", s->prompt_scores ? json_incref(s->prompt_scores) : json_object());
    json_object_set_new(o, "component_scores", s->component_scores ? json_incref(s->component_scores) : json_object());
    json_object_set_new(o, "fraud_flags", c->flags ? json_deep_copy(c->flags) : json_array());
    return o;
}
