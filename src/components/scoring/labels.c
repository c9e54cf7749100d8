/* labels.c: what submit persists from an engine result (scoring-spec §12)
 * and the recruiter-facing `breakdown` with its recommendation label
 * (§13).  Pure mapping: the engine's JSON in, new JSON and numbers out, in
 * the original's key order. */
#include "components/scoring/heuristics.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "components/scoring/pysem.h"
#include "platform/mem.h"

static void set_err(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
    if (!err || errlen == 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

/* A new reference to v, or JSON null when v is absent. */
static json_t *copy_or_null(const json_t *v)
{
    return v ? json_deep_copy(v) : json_null();
}

/* A Python number as a long long: ints as they are, floats truncated and
 * bounded (these are counts, which never come near the bounds). */
static long long num_ll(pysem_num_t n)
{
    if (!n.is_float)
        return n.i;
    if (!(n.f > -9.2e18 && n.f < 9.2e18))
        return 0;
    return (long long)n.f;
}

static bool get_num(const json_t *obj, const char *key, double *out)
{
    pysem_num_t n;
    if (!pysem_num_from_json(json_object_get(obj, key), &n))
        return false;
    *out = pysem_num_d(n);
    return true;
}

/* ------------------------------------------------------------------ */
/* §12.1 score_breakdown                                               */
/* ------------------------------------------------------------------ */

static const char *const component_keys[12] = {
    "tests_passed_ratio",  "time_efficiency",    "completion_time",  "clarity_score",   "context_score",
    "specificity_score",   "independence_score", "efficiency_score", "iteration_score", "response_utilization_score",
    "decomposition_score", "code_quality_score"};

/* {overall, skills, experience} of a fit result (all null without one). */
static json_t *cv_triplet(const json_t *cv)
{
    json_t *o = json_object();
    json_object_set_new(o, "overall", copy_or_null(json_object_get(cv, "cv_job_match_score")));
    json_object_set_new(o, "skills", copy_or_null(json_object_get(cv, "skills_match")));
    json_object_set_new(o, "experience", copy_or_null(json_object_get(cv, "experience_relevance")));
    return o;
}

/* Checks that the engine result has the parts we read. */
static bool check_engine(const json_t *r, char *err, size_t errlen)
{
    static const char *const objs[] = {"category_scores",
                                       "detailed_scores",
                                       "explanations",
                                       "component_scores",
                                       "weights_used",
                                       "metric_details",
                                       "fraud",
                                       "soft_signals",
                                       "v2"};
    if (!json_is_object(r)) {
        set_err(err, errlen, "engine result is not an object");
        return false;
    }
    for (size_t i = 0; i < sizeof objs / sizeof objs[0]; i++)
        if (!json_is_object(json_object_get(r, objs[i]))) {
            set_err(err, errlen, "engine result lacks %s", objs[i]);
            return false;
        }
    if (!json_is_number(json_object_get(r, "final_score"))) {
        set_err(err, errlen, "engine result lacks final_score");
        return false;
    }
    if (!json_is_array(json_object_get(r, "per_prompt_scores"))) {
        set_err(err, errlen, "engine result lacks per_prompt_scores");
        return false;
    }
    const json_t *comp = json_object_get(r, "component_scores");
    for (size_t i = 0; i < 12; i++)
        if (!json_is_number(json_object_get(comp, component_keys[i]))) {
            set_err(err, errlen, "component_scores lacks %s", component_keys[i]);
            return false;
        }
    return true;
}

json_t *scoring_build_score_breakdown(const json_t *engine_result, const json_t *cv_match_result, const json_t *errors,
                                      char *err, size_t errlen)
{
    if (!check_engine(engine_result, err, errlen))
        return NULL;
    json_t *sb = json_object();
    const char *k;
    json_t *v;
    /* component_scores at top level, in the engine's order */
    json_object_foreach((json_t *)json_object_get(engine_result, "component_scores"), k, v)
        json_object_set_new(sb, k, json_deep_copy(v));
    json_object_set_new(sb, "category_scores", json_deep_copy(json_object_get(engine_result, "category_scores")));
    json_object_set_new(sb, "detailed_scores", json_deep_copy(json_object_get(engine_result, "detailed_scores")));
    json_object_set_new(sb, "explanations", json_deep_copy(json_object_get(engine_result, "explanations")));
    json_object_set_new(sb, "cv_job_match", cv_triplet(cv_match_result));
    json_object_set_new(sb, "errors", json_is_array(errors) ? json_deep_copy(errors) : json_array());
    return sb;
}

/* ------------------------------------------------------------------ */
/* §12.2 / §12.3 columns and prompt_analytics                          */
/* ------------------------------------------------------------------ */

static double r2(double x)
{
    return pysem_round(x, 2);
}

err_t scoring_columns_build(const json_t *engine_result, const json_t *heuristics, const json_t *cv_match_result,
                            const json_t *errors, const json_t *interactions, long long tab_switch_count,
                            scoring_columns_t *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    if (!check_engine(engine_result, err, errlen))
        return ERR_VALIDATION;
    const json_t *cat = json_object_get(engine_result, "category_scores");
    const json_t *comp = json_object_get(engine_result, "component_scores");
    const json_t *md = json_object_get(engine_result, "metric_details");
    const json_t *fraud = json_object_get(engine_result, "fraud");

    double final_score = 0, pq = 0, ind = 0, cu = 0, wc = 0, trend = 0, ers = 0;
    get_num(engine_result, "final_score", &final_score);
    static const char *const cats[] = {"prompt_clarity", "independence", "context_provision", "communication"};
    double *catv[] = {&pq, &ind, &cu, &wc};
    for (size_t i = 0; i < 4; i++)
        if (!get_num(cat, cats[i], catv[i])) {
            set_err(err, errlen, "category_scores.%s is not a number", cats[i]);
            return ERR_VALIDATION;
        }
    if (!get_num(md, "prompt_quality_trend", &trend) || !get_num(md, "error_recovery_score", &ers)) {
        set_err(err, errlen, "metric_details lacks prompt_quality_trend or error_recovery_score");
        return ERR_VALIDATION;
    }
    double c_eff = 0, c_dec = 0, c_iter = 0, c_spec = 0, c_time = 0;
    get_num(comp, "efficiency_score", &c_eff);
    get_num(comp, "decomposition_score", &c_dec);
    get_num(comp, "iteration_score", &c_iter);
    get_num(comp, "specificity_score", &c_spec);
    get_num(comp, "time_efficiency", &c_time);

    out->final_score = final_score;
    out->score = pysem_round(final_score / 10, 1);
    out->prompt_quality_score = pq;
    out->prompt_efficiency_score = r2(c_eff / 10);
    out->independence_score = ind;
    out->context_utilization_score = cu;
    out->design_thinking_score = r2(c_dec / 10);
    out->debugging_strategy_score = r2(c_iter / 10);
    out->written_communication_score = wc;
    out->learning_velocity_score = r2(trend * 7.0);
    out->error_recovery_score = r2(ers / 10);
    out->requirement_comprehension_score = r2(c_spec / 10);
    out->ai_usage_score = r2((pq + ind + out->prompt_efficiency_score) / 3.0);
    out->time_efficiency_score = r2(c_time / 10);
    out->code_quality_score = SCORING_MVP_CODE_QUALITY_SCORE;

    const json_t *cvs = json_object_get(cv_match_result, "cv_job_match_score");
    pysem_num_t n;
    if (pysem_num_from_json(cvs, &n)) {
        out->has_cv_job_match_score = true;
        out->cv_job_match_score = pysem_num_d(n);
    }
    if (pysem_num_from_json(json_object_get(json_object_get(heuristics, "browser_focus_ratio"), "ratio"), &n)) {
        out->has_browser_focus_ratio = true;
        out->browser_focus_ratio = pysem_num_d(n);
    }
    if (pysem_num_from_json(json_object_get(json_object_get(heuristics, "time_to_first_prompt"), "value"), &n)) {
        out->has_time_to_first_prompt = true;
        out->time_to_first_prompt_seconds = num_ll(n);
    }
    size_t np = json_is_array(interactions) ? json_array_size(interactions) : 0;
    out->total_prompts = (long long)np;
    for (size_t i = 0; i < np; i++) {
        const json_t *p = json_array_get(interactions, i);
        if (pysem_num_from_json(json_object_get(p, "input_tokens"), &n))
            out->total_input_tokens += num_ll(n);
        if (pysem_num_from_json(json_object_get(p, "output_tokens"), &n))
            out->total_output_tokens += num_ll(n);
    }

    /* flags and prompt_fraud_flags */
    const json_t *flags = json_object_get(fraud, "flags");
    out->flags = json_is_array(flags) ? json_deep_copy(flags) : json_array();
    out->prompt_fraud_flags = json_array();
    size_t i;
    json_t *f;
    json_array_foreach(out->flags, i, f)
    {
        json_t *e = json_object();
        json_object_set_new(e, "type", json_deep_copy(f));
        json_object_set_new(e, "confidence", json_real(1.0));
        json_object_set_new(e, "evidence", json_deep_copy(f));
        json_object_set_new(e, "prompt_index", json_null());
        json_array_append_new(out->prompt_fraud_flags, e);
    }
    if (tab_switch_count > 5) {
        char ev[64];
        snprintf(ev, sizeof ev, "%lld tab switches recorded", tab_switch_count);
        json_t *e = json_object();
        json_object_set_new(e, "type", json_string("tab_switching"));
        json_object_set_new(e, "confidence", json_real(0.8));
        json_object_set_new(e, "evidence", json_string(ev));
        json_object_set_new(e, "prompt_index", json_null());
        json_array_append_new(out->prompt_fraud_flags, e);
    }
    out->score_weights_used = json_deep_copy(json_object_get(engine_result, "weights_used"));
    const json_t *details = json_object_get(cv_match_result, "match_details");
    out->cv_job_match_details = pysem_truthy(details) ? json_deep_copy(details) : json_object();

    out->score_breakdown = scoring_build_score_breakdown(engine_result, cv_match_result, errors, err, errlen);

    /* §12.2 prompt_analytics */
    json_t *pa = json_object();
    json_t *ai = json_object();
    json_object_set_new(ai, "prompt_clarity", json_real(out->prompt_quality_score));
    json_object_set_new(ai, "prompt_efficiency", json_real(out->prompt_efficiency_score));
    json_object_set_new(ai, "independence", json_real(out->independence_score));
    json_object_set_new(ai, "context_utilization", json_real(out->context_utilization_score));
    json_object_set_new(ai, "design_thinking", json_real(out->design_thinking_score));
    json_object_set_new(ai, "debugging_strategy", json_real(out->debugging_strategy_score));
    json_object_set_new(ai, "written_communication", json_real(out->written_communication_score));
    json_object_set_new(ai, "learning_velocity", json_real(out->learning_velocity_score));
    json_object_set_new(ai, "error_recovery", json_real(out->error_recovery_score));
    json_object_set_new(ai, "requirement_comprehension", json_real(out->requirement_comprehension_score));
    json_object_set_new(ai, "prompt_specificity", json_real(r2(c_spec / 10)));
    json_object_set_new(ai, "prompt_progression", json_real(out->learning_velocity_score));
    json_object_set_new(pa, "ai_scores", ai);
    json_object_set_new(pa, "per_prompt_scores", json_deep_copy(json_object_get(engine_result, "per_prompt_scores")));
    json_t *cs = json_object();
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)comp, k, v)
    {
        double d = 0;
        pysem_num_t cn;
        if (pysem_num_from_json(v, &cn))
            d = pysem_num_d(cn);
        json_object_set_new(cs, k, json_real(r2(d / 10)));
    }
    json_object_set_new(pa, "component_scores", cs);
    json_object_set_new(pa, "weights_used", json_deep_copy(json_object_get(engine_result, "weights_used")));
    json_object_set_new(pa, "category_scores", json_deep_copy(cat));
    json_object_set_new(pa, "heuristics", copy_or_null(heuristics));
    json_object_set_new(pa, "metric_details", json_deep_copy(md));
    json_object_set_new(pa, "soft_signals", json_deep_copy(json_object_get(engine_result, "soft_signals")));
    json_object_set_new(pa, "fraud", json_deep_copy(fraud));
    json_object_set_new(pa, "final_score", json_deep_copy(json_object_get(engine_result, "final_score")));
    json_object_set_new(pa, "flags", json_deep_copy(out->flags));
    json_object_set_new(pa, "calibration_prompt", json_null());
    json_object_set_new(pa, "calibration_score", json_null());
    json_object_set_new(pa, "v2", json_deep_copy(json_object_get(engine_result, "v2")));
    json_t *cvm = cv_triplet(cv_match_result);
    json_object_set_new(cvm, "details", json_deep_copy(out->cv_job_match_details));
    json_object_set_new(pa, "cv_job_match", cvm);
    json_object_set_new(pa, "detailed_scores", json_deep_copy(json_object_get(engine_result, "detailed_scores")));
    json_object_set_new(pa, "explanations", json_deep_copy(json_object_get(engine_result, "explanations")));
    out->prompt_analytics = pa;
    return ERR_OK;
}

void scoring_columns_free(scoring_columns_t *c)
{
    if (!c)
        return;
    json_decref(c->flags);
    json_decref(c->prompt_fraud_flags);
    json_decref(c->score_weights_used);
    json_decref(c->cv_job_match_details);
    json_decref(c->score_breakdown);
    json_decref(c->prompt_analytics);
    c->flags = c->prompt_fraud_flags = c->score_weights_used = NULL;
    c->cv_job_match_details = c->score_breakdown = c->prompt_analytics = NULL;
}

/* ------------------------------------------------------------------ */
/* §13 recommendation and breakdown                                    */
/* ------------------------------------------------------------------ */

const char *scoring_recommendation_label(double s)
{
    if (s >= 80)
        return "STRONG HIRE";
    if (s >= 65)
        return "HIRE";
    if (s >= 50)
        return "CONSIDER";
    return "NOT RECOMMENDED";
}

const char *scoring_recommendation_color(double s)
{
    if (s >= 80)
        return "green";
    if (s >= 65)
        return "blue";
    if (s >= 50)
        return "amber";
    return "red";
}

bool scoring_recommendation(const double *final_score, const double *score, const char **label, const char **color)
{
    double s;
    /* `final_score or (score * 10 if score else None)`: 0.0 is falsy */
    if (final_score && *final_score != 0.0)
        s = *final_score;
    else if (score && *score != 0.0)
        s = *score * 10;
    else
        return false;
    *label = scoring_recommendation_label(s);
    *color = scoring_recommendation_color(s);
    return true;
}

json_t *scoring_breakdown_build(const scoring_breakdown_input_t *in)
{
    json_t *b = json_object();
    char tests[64] = "";
    bool has_tests = in->tests_passed && in->tests_total;
    if (has_tests) {
        snprintf(tests, sizeof tests, "%lld/%lld", *in->tests_passed, *in->tests_total);
        json_object_set_new(b, "testsPassed", json_string(tests));
    }
    if (in->code_quality_score)
        json_object_set_new(b, "codeQuality", json_real(pysem_round(*in->code_quality_score, 1)));
    if (in->ai_usage_score)
        json_object_set_new(b, "aiUsage", json_real(pysem_round(*in->ai_usage_score, 1)));
    else if (in->prompt_count > 0)
        json_object_set_new(b, "aiUsage", json_integer(in->prompt_count <= 5 ? 8 : in->prompt_count <= 10 ? 7 : 6));
    if (in->time_efficiency_score)
        json_object_set_new(b, "timeEfficiency", json_real(pysem_round(*in->time_efficiency_score, 1)));
    json_object_set_new(b, "bugsFixed", json_string(has_tests ? tests : "\xe2\x80\x94"));

    const json_t *sb = in->score_breakdown;
    const json_t *cat = json_object_get(sb, "category_scores");
    if (pysem_truthy(cat)) {
        json_object_set_new(b, "categoryScores", json_deep_copy(cat));
        static const char *const flat[][2] = {{"communication", "communication"},
                                              {"independence", "independence"},
                                              {"promptClarity", "prompt_clarity"},
                                              {"contextProvision", "context_provision"},
                                              {"taskCompletion", "task_completion"},
                                              {"utilization", "utilization"},
                                              {"approach", "approach"},
                                              {"efficiency", "efficiency"},
                                              {"cvMatch", "cv_match"}};
        for (size_t i = 0; i < sizeof flat / sizeof flat[0]; i++)
            json_object_set_new(b, flat[i][0], copy_or_null(json_object_get(cat, flat[i][1])));
    }
    static const char *const copied[][2] = {
        {"detailedScores", "detailed_scores"}, {"explanations", "explanations"}, {"cvJobMatch", "cv_job_match"}};
    for (size_t i = 0; i < sizeof copied / sizeof copied[0]; i++) {
        const json_t *v = json_object_get(sb, copied[i][1]);
        if (pysem_truthy(v))
            json_object_set_new(b, copied[i][0], json_deep_copy(v));
    }
    const char *label, *color;
    if (scoring_recommendation(in->final_score, in->score, &label, &color)) {
        json_object_set_new(b, "recommendation", json_string(label));
        json_object_set_new(b, "recommendationColor", json_string(color));
    }
    return b;
}
