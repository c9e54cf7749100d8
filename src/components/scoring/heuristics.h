/* heuristics: the parts of the scoring API around the engine.
 *
 *  - the 10 heuristic signals computed from the raw stored prompts
 *    (scoring-spec §11.1) and the MVP prompt_scores derived from them (§11.3);
 *  - CV-job fit matching without the HTTP call: the Messages API request
 *    body and the parsing/clamping of the model's answer (§10);
 *  - the mapping of an engine result onto the assessment columns,
 *    score_breakdown and prompt_analytics (§12), and the recommendation
 *    labels of the recruiter-facing breakdown (§13).
 *
 * Everything here is pure: no database, no network, no global state.
 * scoring.h includes this header; this header includes nothing of scoring.h.
 * JSON values returned are new references owned by the caller. */
#ifndef TALI_COMPONENTS_SCORING_HEURISTICS_H
#define TALI_COMPONENTS_SCORING_HEURISTICS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "platform/err.h"

/* ---------------------------------------------------------------------
 * §11 heuristic signals
 * ------------------------------------------------------------------- */

/* Computes compute_all_heuristics() of the original.
 *
 * heuristics_input is an object with the keys
 *   ai_prompts        array of stored prompt records (null/absent = [])
 *   started_at        ISO 8601 string or null
 *   completed_at      ISO 8601 string or null
 *   tests_passed      int or null
 *   tests_total       int or null
 *   tab_switch_count  int or null
 * (the shape of `heuristics_input` in tests/fixtures/scoring/cases.jsonl).
 *
 * On success *out receives a new object: the 10 signals then `_summary`,
 * keys and int/float types exactly as the original (§11.1, §15).
 * Fails with ERR_VALIDATION and a message in err (errlen bytes, may be 0)
 * where the original raises (a null message, a null word_count, null
 * token counts, tests_passed null with tests_total > 0, wrong types);
 * *out is then NULL. */
err_t scoring_heuristics_compute(const json_t *heuristics_input, json_t **out, char *err, size_t errlen);

/* The MVP `prompt_scores` of the submit response (§11.3), derived from a
 * heuristics object made by scoring_heuristics_compute.  Returns a new
 * object with the 10 keys prompt_clarity, prompt_efficiency, independence,
 * context_utilization, design_thinking, debugging_strategy,
 * written_communication, learning_velocity, error_recovery,
 * requirement_comprehension (floats, 0-10, 2 dp).  Missing or null parts
 * of heuristics count as 0 / None as in the original; never fails. */
json_t *scoring_heuristics_prompt_scores(const json_t *heuristics);

/* The MVP code_quality_score that goes with prompt_scores. */
#define SCORING_MVP_CODE_QUALITY_SCORE 5.0

/* ---------------------------------------------------------------------
 * §10 CV-job fit
 * ------------------------------------------------------------------- */

#define SCORING_FIT_MODEL "claude-3-5-haiku-latest"
#define SCORING_FIT_MAX_TOKENS 1024
#define SCORING_FIT_CV_MAX_CHARS 4000  /* code points */
#define SCORING_FIT_JOB_MAX_CHARS 2000 /* code points */

/* The error text submit records in score_breakdown.errors when the
 * candidate lacks either text (U+2014 dash). */
#define SCORING_FIT_MISSING_TEXT_ERROR "Missing CV or job spec text \xe2\x80\x94 fit scoring skipped"

/* True when the fit call should be made at all: both texts non-empty
 * (NULL counts as empty). */
bool scoring_fit_has_inputs(const char *cv_text, const char *job_spec_text);

/* The Anthropic Messages API body for the fit call:
 *   {model, max_tokens, system, messages:[{role:"user", content}]}
 * with the CV truncated to 4000 and the job spec to 2000 code points.
 * Returns a new object, or NULL when either text is empty/NULL (use
 * scoring_fit_null_result with SCORING_FIT_MISSING_INPUT then) or is not
 * valid UTF-8. */
json_t *scoring_fit_build_request(const char *cv_text, const char *job_spec_text);

/* match_details.error of the fit service when a text is missing. */
#define SCORING_FIT_MISSING_INPUT "Missing CV or job spec text"
/* match_details.error when the answer holds no {...} span. */
#define SCORING_FIT_PARSE_FAILED "Failed to parse Claude response"

/* The fit service's failure value: the three scores null and
 * match_details = {"error": error_text}.  New object. */
json_t *scoring_fit_null_result(const char *error_text);

/* Submit's default when no call was made: the three scores null and
 * match_details = {}.  New object. */
json_t *scoring_fit_default_result(void);

/* Parses the model's answer text (content[0].text) into a cv_match_result
 * (§10 steps 4-7): the whole text as JSON, else the greedy first-'{' to
 * last-'}' span; scores made float, rounded to 1 dp and clamped to [0,10]
 * (non-numeric -> null); match_details {matching_skills, missing_skills,
 * experience_highlights, concerns, summary}.
 *
 * *out always receives a new object.  Returns ERR_OK when the answer was
 * understood; otherwise ERR_BAD_GATEWAY with *out = the null result whose
 * match_details.error says why (SCORING_FIT_PARSE_FAILED, a JSON decode
 * message, or "'list' object has no attribute 'get'"-style text), and the
 * same text in err.  model_text NULL counts as "". */
err_t scoring_fit_parse_response(const char *model_text, json_t **out, char *err, size_t errlen);

/* One entry of score_breakdown.errors: {"component":"cv_job_match",
 * "error": error_text}.  New object. */
json_t *scoring_fit_error_entry(const char *error_text);

/* Submit's side of the fit step (§10 "Submit's handling"), without the
 * call itself.
 *   has_candidate   the assessment has a candidate row
 *   llm_available   an API key is configured (the caller decides what
 *                   counts: the original skips on an empty key)
 *   errors          score_breakdown.errors (an array); the "missing text"
 *                   entry is appended to it when the candidate lacks a text
 * Returns a new request body (scoring_fit_build_request) when the call is
 * to be made; the caller then sends it and runs scoring_fit_parse_response
 * on the answer, or scoring_fit_null_result(<error text>) when the call
 * fails (a failed call adds nothing to errors).  Otherwise returns NULL and
 * the caller uses scoring_fit_default_result(). */
json_t *scoring_fit_plan(bool has_candidate, const char *cv_text, const char *job_spec_text, bool llm_available,
                         json_t *errors);

/* ---------------------------------------------------------------------
 * §12 persisted outputs
 * ------------------------------------------------------------------- */

/* score_breakdown (§12.1): engine component_scores at top level, then
 * category_scores, detailed_scores, explanations, cv_job_match
 * {overall, skills, experience} and errors.  engine_result is the object of
 * calculate_mvp_score; cv_match_result may be NULL (all null); errors may
 * be NULL ([]).  Returns a new object, or NULL with ERR_VALIDATION in err
 * when engine_result lacks a part. */
json_t *scoring_build_score_breakdown(const json_t *engine_result, const json_t *cv_match_result, const json_t *errors,
                                      char *err, size_t errlen);

/* The §12.3 columns (and the JSON columns) of one scored assessment. */
typedef struct {
    double final_score; /* 0-100 */
    double score;       /* round(final/10, 1) */
    double prompt_quality_score;
    double prompt_efficiency_score;
    double independence_score;
    double context_utilization_score;
    double design_thinking_score;
    double debugging_strategy_score;
    double written_communication_score;
    double learning_velocity_score;
    double error_recovery_score;
    double requirement_comprehension_score;
    double ai_usage_score;
    double time_efficiency_score;
    double code_quality_score; /* 5.0 */
    /* calibration_score is always NULL in MVP */
    bool has_cv_job_match_score;
    double cv_job_match_score;
    bool has_browser_focus_ratio;
    double browser_focus_ratio;
    bool has_time_to_first_prompt; /* write only if the column is NULL */
    long long time_to_first_prompt_seconds;
    long long total_prompts;
    long long total_input_tokens;
    long long total_output_tokens;
    /* owned references; release with scoring_columns_free */
    json_t *flags;              /* [str] fraud flag names */
    json_t *prompt_fraud_flags; /* [{type, confidence, evidence, prompt_index}] */
    json_t *score_weights_used;
    json_t *cv_job_match_details; /* match_details or {} */
    json_t *score_breakdown;      /* §12.1 */
    json_t *prompt_analytics;     /* §12.2 */
} scoring_columns_t;

/* Fills *out from the engine result, the heuristics (may be NULL), the
 * fit result (may be NULL), the score_breakdown errors (may be NULL), the
 * interactions or stored prompts (array; for the totals; may be NULL) and
 * the stored tab_switch_count.  On failure (a part of engine_result
 * missing or of the wrong type) returns ERR_VALIDATION with a message in
 * err, and *out holds no references. */
err_t scoring_columns_build(const json_t *engine_result, const json_t *heuristics, const json_t *cv_match_result,
                            const json_t *errors, const json_t *interactions, long long tab_switch_count,
                            scoring_columns_t *out, char *err, size_t errlen);

/* Releases the JSON references of c (not c itself).  NULL is accepted. */
void scoring_columns_free(scoring_columns_t *c);

/* ---------------------------------------------------------------------
 * §13 recommendation labels and the `breakdown` summary
 * ------------------------------------------------------------------- */

/* The recommendation for a stored assessment.  final_score and score are
 * the nullable columns (NULL pointer = NULL).  s = final_score if truthy,
 * else score*10 if score is truthy, else no recommendation: returns false
 * and leaves *label and *color untouched.  Otherwise sets the static
 * strings ("STRONG HIRE"/"green", "HIRE"/"blue", "CONSIDER"/"amber",
 * "NOT RECOMMENDED"/"red") and returns true. */
bool scoring_recommendation(const double *final_score, const double *score, const char **label, const char **color);

/* The label for a score s on the 0-100 scale (no null handling). */
const char *scoring_recommendation_label(double s);
/* The colour that goes with scoring_recommendation_label(s). */
const char *scoring_recommendation_color(double s);

/* The inputs of the recruiter-facing `breakdown` (api-contract §2.10). */
typedef struct {
    const long long *tests_passed; /* NULL = null */
    const long long *tests_total;
    const double *code_quality_score;
    const double *ai_usage_score;
    const double *time_efficiency_score;
    const double *final_score;
    const double *score;
    long long prompt_count;        /* len(ai_prompts or []) */
    const json_t *score_breakdown; /* the column, may be NULL */
} scoring_breakdown_input_t;

/* Builds the camelCase `breakdown` object (§13).  New object; never fails. */
json_t *scoring_breakdown_build(const scoring_breakdown_input_t *in);

#endif
