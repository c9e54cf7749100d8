/* JSON encoding of assessments (api-contract §2.5-§2.10) and validation of
 * the request bodies and queries of S1-S14. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "components/assessments/internal.h"
#include "components/scoring/scoring.h"
#include "platform/json.h"

/* ---- small helpers ---- */

json_t *assessments_schema_parse(const char *text)
{
    if (!text)
        return NULL;
    return json_parse(text, strlen(text), 512, NULL);
}

char *assessments_schema_blob_time(mem_arena_t *a, int64_t us)
{
    /* Always six fraction digits, as Python's isoformat() of a time taken
     * from the clock (practically never a whole second). */
    char buf[40];
    db_format_time(us - us % 1000000, "", buf);
    int64_t frac = us % 1000000;
    if (frac < 0)
        frac += 1000000;
    return mem_printf(a, "%s.%06lldZ", buf, (long long)frac);
}

const char *assessments_schema_status_value(const char *db_status)
{
    if (!db_status || strcmp(db_status, ASSESSMENTS_PENDING) == 0)
        return "pending";
    if (strcmp(db_status, ASSESSMENTS_IN_PROGRESS) == 0)
        return "in_progress";
    if (strcmp(db_status, ASSESSMENTS_COMPLETED) == 0)
        return "completed";
    if (strcmp(db_status, ASSESSMENTS_EXPIRED) == 0)
        return "expired";
    return "pending";
}

static json_t *j_opt_int(assessments_opt_int_t o)
{
    return o.set ? json_integer(o.v) : json_null();
}

static json_t *j_opt_real(assessments_opt_real_t o)
{
    return o.set && isfinite(o.v) ? json_real(o.v) : json_null();
}

static json_t *j_opt_time(assessments_opt_int_t o)
{
    if (!o.set)
        return json_null();
    char buf[40];
    return json_string(db_format_time(o.v, "Z", buf));
}

static json_t *j_text(const char *s)
{
    return s ? json_string(s) : json_null();
}

static json_t *j_blob(const char *text)
{
    json_t *v = assessments_schema_parse(text);
    return v ? v : json_null();
}

/* ---- timeline (domain-model §4.7) ---- */

/* "%02d:%02d" of the offset between two times with Python's floor
 * division; the seconds are truncated toward zero first. */
static json_t *timeline_offset(int64_t from_us, int64_t to_us)
{
    long long d = (long long)((to_us - from_us) / 1000000);
    long long m = d / 60, s = d % 60;
    if (s < 0) {
        s += 60;
        m -= 1;
    }
    char buf[48];
    snprintf(buf, sizeof buf, "%02lld:%02lld", m, s);
    return json_string(buf);
}

static json_t *timeline_event(json_t *time, const char *event, const char *prompt)
{
    json_t *o = json_object();
    json_object_set_new(o, "time", time);
    json_object_set_new(o, "event", json_string(event));
    if (prompt)
        json_object_set_new(o, "prompt", json_string(prompt));
    return o;
}

#define ASSESSMENTS_DASH "\xe2\x80\x94"

json_t *assessments_schema_build_timeline(const assessments_row_t *r, const json_t *ai_prompts,
                                          bool time_limit_exceeded)
{
    json_t *ev = json_array();
    if (r->started_at.set)
        json_array_append_new(ev, timeline_event(json_string("00:00"), "Started assessment", NULL));
    size_t i;
    json_t *p;
    if (json_is_array(ai_prompts)) {
        json_array_foreach(ai_prompts, i, p)
        {
            const char *ts = json_string_value(json_object_get(p, "timestamp"));
            int64_t us = 0;
            json_t *t = (r->started_at.set && ts && db_parse_time(ts, &us)) ? timeline_offset(r->started_at.v, us)
                                                                            : json_string(ASSESSMENTS_DASH);
            const char *msg = json_string_value(json_object_get(p, "message"));
            json_array_append_new(ev, timeline_event(t, "Used AI assistant", msg ? msg : ""));
        }
    }
    if (time_limit_exceeded && r->started_at.set) {
        int64_t limit_us = (r->duration_minutes.set ? r->duration_minutes.v : 30) * 60 * 1000000LL;
        json_array_append_new(ev, timeline_event(timeline_offset(0, limit_us), "Time limit exceeded", NULL));
    }
    if (r->completed_at.set) {
        json_t *t =
            r->started_at.set ? timeline_offset(r->started_at.v, r->completed_at.v) : json_string(ASSESSMENTS_DASH);
        json_array_append_new(ev, timeline_event(t, "Submitted assessment", NULL));
    }
    return ev;
}

/* Entries of a stored timeline that are recruiter notes. */
static bool is_note(const json_t *e)
{
    const char *ev = json_string_value(json_object_get(e, "event"));
    return ev && strcmp(ev, "Recruiter note") == 0;
}

/* The timeline a reader sees.  A completed assessment shows what submit
 * stored (notes included, policy fix 7).  Before that the timeline is
 * built on the fly from the prompts, with the notes added so far after
 * it. */
static json_t *timeline_for_output(const assessments_row_t *r, const json_t *ai_prompts)
{
    json_t *stored = assessments_schema_parse(r->timeline);
    bool stored_nonempty = json_is_array(stored) && json_array_size(stored) > 0;
    if (r->status && strcmp(r->status, ASSESSMENTS_COMPLETED) == 0 && stored_nonempty)
        return stored;
    json_t *built = assessments_schema_build_timeline(r, ai_prompts, false);
    size_t i;
    json_t *e;
    bool legacy = false;
    if (stored_nonempty) {
        json_array_foreach(stored, i, e)
        {
            if (is_note(e))
                json_array_append(built, e);
            else
                legacy = true;
        }
    }
    if (legacy && json_array_size(built) == 0) {
        json_decref(built);
        return stored;
    }
    json_decref(stored);
    return built;
}

/* ---- derived fields ---- */

static json_t *prompts_list(const json_t *ai_prompts)
{
    json_t *out = json_array();
    size_t i;
    json_t *p;
    if (!json_is_array(ai_prompts))
        return out;
    json_array_foreach(ai_prompts, i, p)
    {
        if (!json_is_object(p))
            continue;
        json_t *msg = json_object_get(p, "message");
        json_t *resp = json_object_get(p, "response");
        json_t *o = json_object();
        json_object_set_new(o, "text", json_is_string(msg) ? json_copy(msg) : json_string(""));
        json_object_set_new(o, "message", json_is_string(msg) ? json_copy(msg) : json_string(""));
        json_object_set_new(o, "response", json_is_string(resp) ? json_copy(resp) : json_string(""));
        json_object_set_new(o, "assessment", json_string(""));
        json_object_set_new(o, "paste_detected", json_boolean(json_is_true(json_object_get(p, "paste_detected"))));
        json_t *lat = json_object_get(p, "response_latency_ms");
        json_object_set_new(o, "response_latency_ms", json_is_integer(lat) ? json_copy(lat) : json_null());
        json_t *ts = json_object_get(p, "timestamp");
        json_object_set_new(o, "timestamp", json_is_string(ts) ? json_copy(ts) : json_null());
        json_array_append_new(out, o);
    }
    return out;
}

static json_t *result_item(const char *title, const char *score, const char *description)
{
    json_t *o = json_object();
    json_object_set_new(o, "title", json_string(title));
    json_object_set_new(o, "score", json_string(score));
    json_object_set_new(o, "description", json_string(description));
    return o;
}

static json_t *results_list(const assessments_row_t *r)
{
    json_t *out = json_array();
    if (r->tests_total.set && r->tests_total.v > 0) {
        char score[64], desc[96];
        long long p = r->tests_passed.set ? (long long)r->tests_passed.v : 0;
        snprintf(score, sizeof score, "%lld/%lld", p, (long long)r->tests_total.v);
        snprintf(desc, sizeof desc, "Passed %lld of %lld tests.", p, (long long)r->tests_total.v);
        json_array_append_new(out, result_item("Test suite", score, desc));
    }
    json_t *tr = assessments_schema_parse(r->test_results);
    const char *err = json_string_value(json_object_get(tr, "error"));
    if (err && *err)
        json_array_append_new(out, result_item("Execution", ASSESSMENTS_DASH, err));
    json_decref(tr);
    if (r->code_quality_score.set) {
        char num[32], score[48];
        json_fmt_double(r->code_quality_score.v, num);
        snprintf(score, sizeof score, "%s/10", num);
        json_array_append_new(out, result_item("Code quality", score, "Claude code quality analysis applied."));
    }
    return out;
}

static json_t *breakdown(const assessments_row_t *r, const json_t *ai_prompts)
{
    long long tp = r->tests_passed.v, tt = r->tests_total.v;
    double cq = r->code_quality_score.v, au = r->ai_usage_score.v, te = r->time_efficiency_score.v;
    double fs = r->final_score.v, sc = r->score.v;
    json_t *sb = assessments_schema_parse(r->score_breakdown);
    scoring_breakdown_input_t in = {
        .tests_passed = r->tests_passed.set ? &tp : NULL,
        .tests_total = r->tests_total.set ? &tt : NULL,
        .code_quality_score = r->code_quality_score.set ? &cq : NULL,
        .ai_usage_score = r->ai_usage_score.set ? &au : NULL,
        .time_efficiency_score = r->time_efficiency_score.set ? &te : NULL,
        .final_score = r->final_score.set ? &fs : NULL,
        .score = r->score.set ? &sc : NULL,
        .prompt_count = json_is_array(ai_prompts) ? (long long)json_array_size(ai_prompts) : 0,
        .score_breakdown = sb,
    };
    json_t *b = scoring_breakdown_build(&in);
    json_decref(sb);
    return b;
}

/* Model path: Dict[str, float] coerces numbers to floats. */
static json_t *weights_as_floats(const char *text)
{
    json_t *w = assessments_schema_parse(text);
    if (!json_is_object(w))
        return w ? w : json_null();
    const char *k;
    json_t *v;
    json_t *out = json_object();
    json_object_foreach(w, k, v)
    {
        if (json_is_integer(v))
            json_object_set_new(out, k, json_real((double)json_integer_value(v)));
        else
            json_object_set(out, k, v);
    }
    json_decref(w);
    return out;
}

/* Every field of both variants, keyed by name. */
/* Today's fields (D30) that February's schema has columns for, and the
 * defaults of those it has none for (roles, applications, voiding, timer
 * pauses, repositories, evaluations, demos, invite delivery): the booleans
 * today's model defaults to false are false, the rest null (ordered()
 * fills every absent key with null). */
static void today_fields(json_t *o, const assessments_row_t *r, const assessments_names_t *n)
{
    json_object_set_new(o, "role_id", j_opt_int(r->role_id));
    json_object_set_new(o, "application_id", j_opt_int(r->application_id));
    json_object_set_new(o, "role_name", j_text(n->role_name));
    json_object_set_new(o, "is_voided", json_boolean(r->is_voided));
    json_object_set_new(o, "voided_at", j_opt_time(r->voided_at));
    json_object_set_new(o, "void_reason", j_text(r->void_reason));
    json_object_set_new(o, "superseded_by_assessment_id", j_opt_int(r->superseded_by_assessment_id));
    json_object_set_new(o, "code_snapshots", j_blob(r->code_snapshots));
    static const char *const falses[] = {"scoring_failed",   "scoring_partial", "repo_capture_failed",
                                         "test_parse_error", "is_timer_paused", "completed_due_to_timeout",
                                         "is_demo"};
    for (size_t i = 0; i < sizeof falses / sizeof falses[0]; i++)
        json_object_set_new(o, falses[i], json_false());
    json_object_set_new(o, "posted_to_workable", json_boolean(r->posted_to_workable));
    json_object_set_new(o, "posted_to_workable_at", j_opt_time(r->posted_to_workable_at));
    json_object_set_new(o, "total_paused_seconds", json_integer(0));
    json_object_set_new(o, "ai_mode", json_string("claude_cli_terminal"));
    json_object_set_new(o, "allow_external_clipboard", json_boolean(r->allow_external_clipboard));
}

static json_t *all_fields(const assessments_row_t *r, const assessments_names_t *n, bool model)
{
    json_t *o = json_object();
    json_t *prompts = assessments_schema_parse(r->ai_prompts);
    json_object_set_new(o, "id", json_integer(r->id));
    json_object_set_new(o, "organization_id", j_opt_int(r->organization_id));
    json_object_set_new(o, "candidate_id", j_opt_int(r->candidate_id));
    json_object_set_new(o, "task_id", j_opt_int(r->task_id));
    json_object_set_new(o, "token", j_text(r->token));
    json_object_set_new(o, "status", json_string(assessments_schema_status_value(r->status)));
    json_object_set_new(o, "duration_minutes", j_opt_int(r->duration_minutes));
    json_object_set_new(o, "started_at", j_opt_time(r->started_at));
    json_object_set_new(o, "completed_at", j_opt_time(r->completed_at));
    json_object_set_new(o, "expires_at", j_opt_time(r->expires_at));
    json_object_set_new(o, "score", j_opt_real(r->score));
    json_object_set_new(o, "tests_passed", j_opt_int(r->tests_passed));
    json_object_set_new(o, "tests_total", j_opt_int(r->tests_total));
    json_object_set_new(o, "code_quality_score", j_opt_real(r->code_quality_score));
    json_object_set_new(o, "time_efficiency_score", j_opt_real(r->time_efficiency_score));
    json_object_set_new(o, "ai_usage_score", j_opt_real(r->ai_usage_score));
    json_object_set_new(o, "test_results", j_blob(r->test_results));
    json_object_set_new(o, "ai_prompts", prompts ? json_incref(prompts) : json_null());
    json_object_set_new(o, "timeline", timeline_for_output(r, prompts));
    json_object_set_new(o, "created_at", j_opt_time(r->created_at));
    json_object_set_new(o, "prompts_list", prompts_list(prompts));
    json_object_set_new(o, "results", results_list(r));
    json_object_set_new(o, "breakdown", breakdown(r, prompts));
    json_object_set_new(o, "candidate_name", json_string(n->candidate_name ? n->candidate_name : ""));
    json_object_set_new(o, "candidate_email", json_string(n->candidate_email ? n->candidate_email : ""));
    json_object_set_new(o, "task_name", json_string(n->task_name ? n->task_name : ""));
    json_object_set_new(o, "prompt_quality_score", j_opt_real(r->prompt_quality_score));
    json_object_set_new(o, "prompt_efficiency_score", j_opt_real(r->prompt_efficiency_score));
    json_object_set_new(o, "independence_score", j_opt_real(r->independence_score));
    json_object_set_new(o, "context_utilization_score", j_opt_real(r->context_utilization_score));
    json_object_set_new(o, "design_thinking_score", j_opt_real(r->design_thinking_score));
    json_object_set_new(o, "debugging_strategy_score", j_opt_real(r->debugging_strategy_score));
    json_object_set_new(o, "written_communication_score", j_opt_real(r->written_communication_score));
    json_object_set_new(o, "learning_velocity_score", j_opt_real(r->learning_velocity_score));
    json_object_set_new(o, "error_recovery_score", j_opt_real(r->error_recovery_score));
    json_object_set_new(o, "requirement_comprehension_score", j_opt_real(r->requirement_comprehension_score));
    json_object_set_new(o, "calibration_score", j_opt_real(r->calibration_score));
    json_object_set_new(o, "prompt_fraud_flags", j_blob(r->prompt_fraud_flags));
    json_object_set_new(o, "prompt_analytics", j_blob(r->prompt_analytics));
    json_object_set_new(o, "browser_focus_ratio", j_opt_real(r->browser_focus_ratio));
    json_object_set_new(o, "tab_switch_count",
                        r->tab_switch_count.set ? json_integer(r->tab_switch_count.v) : json_integer(0));
    json_object_set_new(o, "time_to_first_prompt_seconds", j_opt_int(r->time_to_first_prompt_seconds));
    json_object_set_new(o, "cv_uploaded", json_boolean(r->cv_file_url && *r->cv_file_url));
    json_object_set_new(o, "cv_filename", j_text(r->cv_filename));
    json_object_set_new(o, "cv_uploaded_at", j_opt_time(r->cv_uploaded_at));
    json_object_set_new(o, "cv_job_match_score", j_opt_real(r->cv_job_match_score));
    json_object_set_new(o, "cv_job_match_details", j_blob(r->cv_job_match_details));
    json_object_set_new(o, "final_score", j_opt_real(r->final_score));
    json_object_set_new(o, "score_breakdown", j_blob(r->score_breakdown));
    json_object_set_new(o, "score_weights_used",
                        model ? weights_as_floats(r->score_weights_used) : j_blob(r->score_weights_used));
    json_object_set_new(o, "flags", j_blob(r->flags));
    json_object_set_new(o, "scored_at", j_opt_time(r->scored_at));
    json_object_set_new(o, "total_duration_seconds", j_opt_int(r->total_duration_seconds));
    json_object_set_new(o, "total_prompts", j_opt_int(r->total_prompts));
    json_object_set_new(o, "total_input_tokens", j_opt_int(r->total_input_tokens));
    json_object_set_new(o, "total_output_tokens", j_opt_int(r->total_output_tokens));
    json_object_set_new(o, "tests_run_count", j_opt_int(r->tests_run_count));
    json_object_set_new(o, "tests_pass_count", j_opt_int(r->tests_pass_count));
    today_fields(o, r, n);
    json_decref(prompts);
    return o;
}

/* S1/S3: today's AssessmentResponse, 107 keys in its order (spec v2 §2.2,
 * D30), which keeps February's 56 in their relative order. */
static const char *const model_keys[] = {
    "id",
    "organization_id",
    "candidate_id",
    "task_id",
    "role_id",
    "application_id",
    "token",
    "status",
    "duration_minutes",
    "started_at",
    "completed_at",
    "expires_at",
    "score",
    "tests_passed",
    "tests_total",
    "code_quality_score",
    "time_efficiency_score",
    "ai_usage_score",
    "test_results",
    "ai_prompts",
    "code_snapshots",
    "timeline",
    "created_at",
    "prompts_list",
    "results",
    "breakdown",
    "candidate_name",
    "candidate_email",
    "task_name",
    "role_name",
    "application_status",
    "prompt_quality_score",
    "prompt_efficiency_score",
    "independence_score",
    "context_utilization_score",
    "design_thinking_score",
    "debugging_strategy_score",
    "written_communication_score",
    "learning_velocity_score",
    "error_recovery_score",
    "requirement_comprehension_score",
    "calibration_score",
    "calibration_warmup_prompt",
    "prompt_fraud_flags",
    "prompt_analytics",
    "browser_focus_ratio",
    "tab_switch_count",
    "time_to_first_prompt_seconds",
    "cv_uploaded",
    "cv_filename",
    "cv_uploaded_at",
    "cv_job_match_score",
    "cv_job_match_details",
    "final_score",
    "assessment_score",
    "taali_score",
    "role_fit_score",
    "score_rubric_version",
    "score_mode",
    "score_breakdown",
    "score_weights_used",
    "flags",
    "scored_at",
    "scoring_failed",
    "scoring_partial",
    "repo_capture_failed",
    "test_parse_error",
    "is_voided",
    "voided_at",
    "void_reason",
    "superseded_by_assessment_id",
    "posted_to_workable",
    "posted_to_workable_at",
    "invite_channel",
    "invite_sent_at",
    "credit_consumed_at",
    "candidate_cv_filename",
    "candidate_job_spec_filename",
    "candidate_cv_uploaded_at",
    "candidate_job_spec_uploaded_at",
    "total_duration_seconds",
    "total_prompts",
    "total_input_tokens",
    "total_output_tokens",
    "tests_run_count",
    "tests_pass_count",
    "is_timer_paused",
    "paused_at",
    "pause_reason",
    "total_paused_seconds",
    "completed_due_to_timeout",
    "ai_mode",
    "cli_transcript",
    "final_repo_state",
    "git_evidence",
    "assessment_repo_url",
    "assessment_branch",
    "clone_command",
    "evaluation_rubric",
    "understanding_check",
    "manual_evaluation",
    "evaluation_result",
    "interview_debrief_generated_at",
    "is_demo",
    "demo_track",
    "demo_profile",
    "allow_external_clipboard",
};

/* S2 items: February's 58 dict keys in their order, then today's 49 others
 * in AssessmentResponse order and the 3 invite-delivery keys (D30: 110). */
static const char *const dict_keys[] = {
    "id",
    "organization_id",
    "candidate_id",
    "task_id",
    "token",
    "status",
    "duration_minutes",
    "started_at",
    "completed_at",
    "expires_at",
    "score",
    "tests_passed",
    "tests_total",
    "code_quality_score",
    "time_efficiency_score",
    "ai_usage_score",
    "prompt_quality_score",
    "prompt_efficiency_score",
    "independence_score",
    "context_utilization_score",
    "design_thinking_score",
    "debugging_strategy_score",
    "written_communication_score",
    "learning_velocity_score",
    "error_recovery_score",
    "requirement_comprehension_score",
    "calibration_score",
    "prompt_fraud_flags",
    "prompt_analytics",
    "browser_focus_ratio",
    "tab_switch_count",
    "time_to_first_prompt_seconds",
    "cv_uploaded",
    "cv_filename",
    "cv_uploaded_at",
    "cv_job_match_score",
    "cv_job_match_details",
    "final_score",
    "score_breakdown",
    "score_weights_used",
    "flags",
    "scored_at",
    "total_duration_seconds",
    "total_prompts",
    "total_input_tokens",
    "total_output_tokens",
    "tests_run_count",
    "tests_pass_count",
    "test_results",
    "ai_prompts",
    "timeline",
    "created_at",
    "prompts_list",
    "results",
    "breakdown",
    "candidate_name",
    "candidate_email",
    "task_name",
    "role_id",
    "application_id",
    "code_snapshots",
    "role_name",
    "application_status",
    "calibration_warmup_prompt",
    "assessment_score",
    "taali_score",
    "role_fit_score",
    "score_rubric_version",
    "score_mode",
    "scoring_failed",
    "scoring_partial",
    "repo_capture_failed",
    "test_parse_error",
    "is_voided",
    "voided_at",
    "void_reason",
    "superseded_by_assessment_id",
    "posted_to_workable",
    "posted_to_workable_at",
    "invite_channel",
    "invite_sent_at",
    "credit_consumed_at",
    "candidate_cv_filename",
    "candidate_job_spec_filename",
    "candidate_cv_uploaded_at",
    "candidate_job_spec_uploaded_at",
    "is_timer_paused",
    "paused_at",
    "pause_reason",
    "total_paused_seconds",
    "completed_due_to_timeout",
    "ai_mode",
    "cli_transcript",
    "final_repo_state",
    "git_evidence",
    "assessment_repo_url",
    "assessment_branch",
    "clone_command",
    "evaluation_rubric",
    "understanding_check",
    "manual_evaluation",
    "evaluation_result",
    "interview_debrief_generated_at",
    "is_demo",
    "demo_track",
    "demo_profile",
    "allow_external_clipboard",
    "invite_email_status",
    "invite_delivered_at",
    "invite_bounced_at",
};

static json_t *ordered(json_t *all, const char *const *keys, size_t n)
{
    json_t *o = json_object();
    for (size_t i = 0; i < n; i++) {
        json_t *v = json_object_get(all, keys[i]);
        json_object_set(o, keys[i], v ? v : json_null());
    }
    json_decref(all);
    return o;
}

json_t *assessments_schema_model(const assessments_row_t *r, const assessments_names_t *n)
{
    return ordered(all_fields(r, n, true), model_keys, sizeof model_keys / sizeof model_keys[0]);
}

json_t *assessments_schema_dict(const assessments_row_t *r, const assessments_names_t *n)
{
    return ordered(all_fields(r, n, false), dict_keys, sizeof dict_keys / sizeof dict_keys[0]);
}

/* ---- validation ---- */

bool assessments_schema_path_id(vld_t *v, const char *name, const char *raw, int64_t *id)
{
    static const vld_int_rule_t rule = {.need = VLD_REQUIRED};
    vld_int_t out = {0};
    if (!vld_raw_int(v, "path", name, raw, &rule, &out))
        return false;
    *id = out.value;
    return true;
}

bool assessments_schema_create(vld_t *v, const json_t *body, assessments_create_in_t *out)
{
    if (!vld_body_object(v, body))
        return false;
    size_t before = vld_count(v);
    vld_str_t email = {0}, name = {0};
    vld_int_t task = {0}, dur = {0}, app = {0}, role = {0};
    vld_bool_t clip = {0};
    /* today's AssessmentCreate (spec v2 §2.2, D28): a strict relaxation */
    static const vld_str_rule_t name_rule = {.need = VLD_OPTIONAL, .min_length = 1, .max_length = 200};
    static const vld_int_rule_t id_rule = {.need = VLD_OPTIONAL, .has_gt = true, .gt = 0};
    static const vld_int_rule_t dur_rule = {.need = VLD_DEFAULTED, .has_ge = true, .ge = 15, .has_le = true, .le = 180};
    vld_email(v, "body", body, "candidate_email", VLD_OPTIONAL, &email);
    vld_str(v, "body", body, "candidate_name", &name_rule, &name);
    vld_int(v, "body", body, "task_id", &id_rule, &task);
    vld_int(v, "body", body, "application_id", &id_rule, &app);
    vld_int(v, "body", body, "role_id", &id_rule, &role);
    vld_int(v, "body", body, "duration_minutes", &dur_rule, &dur);
    vld_bool(v, "body", body, "allow_external_clipboard", VLD_DEFAULTED, &clip);
    if (vld_count(v) != before)
        return false;
    if (email.presence != VLD_SET && !(app.presence == VLD_SET && app.value)) {
        vld_add(v, "value_error", json_pack("[s]", "body"),
                "Value error, candidate_email or application_id is required", json_deep_copy(body),
                json_pack("{s:{}}", "error"));
        return false;
    }
    out->candidate_email = email.presence == VLD_SET ? email.value : NULL;
    out->candidate_name = name.presence == VLD_SET ? name.value : NULL;
    out->has_task_id = task.presence == VLD_SET;
    out->task_id = task.value;
    out->has_application_id = app.presence == VLD_SET;
    out->application_id = app.value;
    out->has_role_id = role.presence == VLD_SET;
    out->role_id = role.value;
    out->duration_minutes = dur.presence == VLD_SET ? dur.value : 30;
    out->allow_external_clipboard = clip.presence == VLD_SET && clip.value;
    return true;
}

static const char *status_from_query(const char *raw)
{
    static const char *const map[][2] = {
        {"pending", ASSESSMENTS_PENDING},     {"in_progress", ASSESSMENTS_IN_PROGRESS},
        {"completed", ASSESSMENTS_COMPLETED}, {"expired", ASSESSMENTS_EXPIRED},
        {"PENDING", ASSESSMENTS_PENDING},     {"IN_PROGRESS", ASSESSMENTS_IN_PROGRESS},
        {"COMPLETED", ASSESSMENTS_COMPLETED}, {"EXPIRED", ASSESSMENTS_EXPIRED},
    };
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strcmp(raw, map[i][0]) == 0)
            return map[i][1];
    return NULL;
}

bool assessments_schema_list(vld_t *v, const assessments_list_query_t *q, assessments_list_in_t *out)
{
    const char *status = q->status, *task_id = q->task_id, *candidate_id = q->candidate_id;
    memset(out, 0, sizeof *out);
    size_t before = vld_count(v);
    if (status && *status) {
        out->status = status_from_query(status);
        if (!out->status) {
            static const char expected[] = "'pending', 'in_progress', 'completed' or 'expired'";
            json_t *ctx = json_object();
            json_object_set_new(ctx, "expected", json_string(expected));
            char msg[128];
            snprintf(msg, sizeof msg, "Input should be %s", expected);
            vld_add(v, "enum", vld_loc("query", "status"), msg, json_string(status), ctx);
        }
    }
    static const vld_int_rule_t opt = {.need = VLD_OPTIONAL};
    vld_int_t t = {0}, c = {0};
    if (vld_raw_int(v, "query", "task_id", task_id, &opt, &t) && t.presence == VLD_SET) {
        out->has_task_id = true;
        out->task_id = t.value;
    }
    if (vld_raw_int(v, "query", "candidate_id", candidate_id, &opt, &c) && c.presence == VLD_SET) {
        out->has_candidate_id = true;
        out->candidate_id = c.value;
    }
    /* today's filters (spec v2 §2.3, hiring loop §8.1) */
    vld_int_t role = {0}, app = {0};
    vld_bool_t voided = {0};
    if (vld_raw_int(v, "query", "role_id", q->role_id, &opt, &role) && role.presence == VLD_SET) {
        out->has_role_id = true;
        out->role_id = role.value;
    }
    if (vld_raw_int(v, "query", "application_id", q->application_id, &opt, &app) && app.presence == VLD_SET) {
        out->has_application_id = true;
        out->application_id = app.value;
    }
    if (vld_raw_bool(v, "query", "include_voided", q->include_voided, VLD_DEFAULTED, &voided))
        out->include_voided = voided.presence == VLD_SET && voided.value;
    vld_page(v, q->limit, q->offset, &out->limit, &out->offset);
    return vld_count(v) == before;
}

bool assessments_schema_chat(vld_t *v, const json_t *body, assessments_chat_in_t *out)
{
    if (!vld_body_object(v, body))
        return false;
    memset(out, 0, sizeof *out);
    size_t before = vld_count(v);
    static const vld_str_rule_t msg_rule = {.need = VLD_REQUIRED, .min_length = 1, .max_length = 4000};
    static const vld_str_rule_t ctx_rule = {.need = VLD_OPTIONAL};
    static const vld_int_rule_t since_rule = {.need = VLD_OPTIONAL};
    static const vld_int_rule_t paste_rule = {.need = VLD_OPTIONAL, .has_ge = true, .ge = 0};
    vld_str_t msg = {0}, code = {0};
    vld_json_t hist = {0};
    vld_bool_t paste = {0}, focus = {0};
    vld_int_t since = {0}, plen = {0};
    vld_str(v, "body", body, "message", &msg_rule, &msg);
    vld_list(v, "body", body, "conversation_history", VLD_DEFAULTED, &hist);
    vld_str(v, "body", body, "code_context", &ctx_rule, &code);
    vld_bool(v, "body", body, "paste_detected", VLD_DEFAULTED, &paste);
    vld_bool(v, "body", body, "browser_focused", VLD_DEFAULTED, &focus);
    vld_int(v, "body", body, "time_since_last_prompt_ms", &since_rule, &since);
    vld_int(v, "body", body, "paste_length", &paste_rule, &plen);
    if (vld_count(v) != before)
        return false;
    out->message = msg.value;
    out->history = hist.presence == VLD_SET ? hist.value : NULL;
    out->code_context = code.presence == VLD_SET ? code.value : NULL;
    out->paste_detected = paste.presence == VLD_SET ? paste.value : false;
    out->browser_focused = focus.presence == VLD_SET ? focus.value : true;
    out->has_since_last = since.presence == VLD_SET;
    out->time_since_last_prompt_ms = since.value;
    out->has_paste_length = plen.presence == VLD_SET;
    out->paste_length = plen.value;
    return true;
}

bool assessments_schema_execute(vld_t *v, const json_t *body, const char **code)
{
    if (!vld_body_object(v, body))
        return false;
    static const vld_str_rule_t rule = {.need = VLD_REQUIRED, .min_length = 1, .max_length = 100000};
    vld_str_t s = {0};
    if (!vld_str(v, "body", body, "code", &rule, &s))
        return false;
    *code = s.value;
    return true;
}

bool assessments_schema_submit(vld_t *v, const json_t *body, const char **final_code, int64_t *tab_switch_count)
{
    if (!vld_body_object(v, body))
        return false;
    size_t before = vld_count(v);
    static const vld_str_rule_t rule = {.need = VLD_REQUIRED, .min_length = 1, .max_length = 100000};
    static const vld_int_rule_t tabs = {.need = VLD_DEFAULTED};
    vld_str_t s = {0};
    vld_int_t t = {0};
    vld_str(v, "body", body, "final_code", &rule, &s);
    vld_int(v, "body", body, "tab_switch_count", &tabs, &t);
    if (vld_count(v) != before)
        return false;
    *final_code = s.value;
    *tab_switch_count = t.presence == VLD_SET ? t.value : 0;
    return true;
}

bool assessments_schema_note(vld_t *v, const json_t *body, const char **note)
{
    if (!body)
        return false;
    if (!json_is_object(body)) {
        vld_add(v, "dict_type", json_pack("[s]", "body"), "Input should be a valid dictionary",
                json_incref((json_t *)body), NULL);
        return false;
    }
    size_t before = vld_count(v);
    const char *k;
    json_t *val;
    json_object_foreach((json_t *)body, k, val)
    {
        if (!json_is_string(val))
            vld_add(v, "string_type", vld_loc("body", k), "Input should be a valid string", json_incref(val), NULL);
    }
    if (vld_count(v) != before)
        return false;
    *note = json_string_value(json_object_get(body, "note"));
    return true;
}
