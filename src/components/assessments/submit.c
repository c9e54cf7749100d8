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

#define LOGGER "tali.assessments"

/* Runs the task's tests against final_code.  Never fails: a sandbox that
 * cannot be used is recorded in the result's error (policy fix 11: a
 * submit never fails because of the sandbox). */
static json_t *submit_run_tests(const char *sandbox_id, const char *final_code, const char *test_code,
                                int64_t *passed, int64_t *total)
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
    json_t *heur_in = NULL, *heur = NULL, *errors = json_array(), *cv = NULL, *interactions = NULL,
           *engine = NULL, *weights = NULL;

    /* 1. the last prompt's code_after is the submitted code */
    json_t *prompts = assessments_schema_parse(row->ai_prompts);
    if (!json_is_array(prompts)) {
        json_decref(prompts);
        prompts = json_array();
    }
    size_t np = json_array_size(prompts);
    if (np > 0) {
        json_t *last = json_array_get(prompts, np - 1);
        if (json_is_object(last)) {
            json_t *copy = json_copy(last);
            json_object_set_new(copy, "code_after", json_string(in->final_code));
            json_array_set_new(prompts, np - 1, copy);
        }
    }
    out->ai_prompts = prompts;

    /* 2. tests */
    out->test_results = submit_run_tests(sandbox_id, in->final_code, in->test_code, &out->tests_passed,
                                         &out->tests_total);

    /* 3. heuristics, with the final test results (policy fix 12) */
    out->tab_switch_count = cfg->mvp_disable_proctoring ? 0 : in->tab_switch_count;
    assessments_opt_int_t done = {true, in->now_us};
    heur_in = json_object();
    json_object_set(heur_in, "ai_prompts", prompts);
    json_object_set_new(heur_in, "started_at", json_or_null_str(iso_z(a, &row->started_at)));
    json_object_set_new(heur_in, "completed_at", json_or_null_str(iso_z(a, &done)));
    json_object_set_new(heur_in, "tests_passed", json_integer(out->tests_passed));
    json_object_set_new(heur_in, "tests_total", json_integer(out->tests_total));
    json_object_set_new(heur_in, "tab_switch_count", json_integer(out->tab_switch_count));
    if (scoring_heuristics_compute(heur_in, &heur, err, sizeof err) != ERR_OK) {
        log_error(LOGGER, "submit %lld: heuristics failed: %s", (long long)row->id, err);
        goto done;
    }
    /* 4. MVP prompt scores (response only) */
    out->prompt_scores = scoring_heuristics_prompt_scores(heur);

    /* 5. CV-job fit */
    cv = submit_fit(in, errors);

    /* 6. duration */
    out->duration_seconds = row->started_at.set ? (in->now_us - row->started_at.v) / 1000000 : 0;
    if (out->duration_seconds < 0)
        out->duration_seconds = 0;
    int64_t limit_min = row->duration_minutes.set && row->duration_minutes.v ? row->duration_minutes.v : 30;
    out->time_limit_exceeded =
        row->started_at.set && in->now_us > row->started_at.v + (limit_min * 60 + ASSESSMENTS_GRACE_SECONDS) * 1000000LL;

    /* 7. interactions and 8. the engine */
    if (scoring_build_interactions(prompts, &interactions, err, sizeof err) != ERR_OK) {
        log_error(LOGGER, "submit %lld: interactions failed: %s", (long long)row->id, err);
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
        log_error(LOGGER, "submit %lld: engine failed: %s", (long long)row->id, err);
        e = ERR_INTERNAL;
        goto done;
    }

    /* 9. columns */
    scoring_columns_t *cols = xcalloc(1, sizeof *cols);
    if (scoring_columns_build(engine, heur, cv, errors, interactions, out->tab_switch_count, cols, err,
                              sizeof err) != ERR_OK) {
        free(cols);
        log_error(LOGGER, "submit %lld: column mapping failed: %s", (long long)row->id, err);
        e = ERR_INTERNAL;
        goto done;
    }
    out->columns = cols;
    out->component_scores = json_deep_copy(json_object_get(engine, "component_scores"));
    if (!out->component_scores)
        out->component_scores = json_object();

    /* code snapshots: one per prompt, then the final code */
    out->code_snapshots = json_array();
    size_t i;
    json_t *p;
    json_array_foreach(prompts, i, p) {
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
    json_array_foreach(stored, i, ev) {
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
    json_object_set_new(o, "quality_analysis", json_null());
    json_object_set_new(o, "prompt_scores", s->prompt_scores ? json_incref(s->prompt_scores) : json_object());
    json_object_set_new(o, "component_scores",
                        s->component_scores ? json_incref(s->component_scores) : json_object());
    json_object_set_new(o, "fraud_flags", c->flags ? json_deep_copy(c->flags) : json_array());
    return o;
}
