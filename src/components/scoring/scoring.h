/* scoring: the TALI scoring engine, an exact port of the original
 * calculate_mvp_score (scoring-spec §3-§9), the interaction builder of the
 * submit pipeline (§2) and the `tali score` command.  A pure library: no
 * database, no network, no global mutable state.
 *
 * JSON values returned are new references owned by the caller. */
#ifndef TALI_COMPONENTS_SCORING_SCORING_H
#define TALI_COMPONENTS_SCORING_SCORING_H

#include <jansson.h>
#include <stdio.h>

#include "platform/err.h"
#include "platform/mem.h"

/* The engine's result as a plain C struct (components/scoring/result.h),
 * for callers that write it out themselves. */
typedef struct scoring_result scoring_result_t;

/* Runs the engine on the engine arguments of one case (§16):
 *   interactions            array of interaction objects (null/falsy = [])
 *   tests_passed            number
 *   tests_total             number
 *   total_duration_seconds  number
 *   time_limit_minutes      number
 *   v2_enabled              any value (echoed in v2.enabled; absent = false)
 *   weights                 object of category weight overrides, or null
 *   cv_match_result         fit result object, or null
 * Missing keys are read as null (except v2_enabled).
 *
 * On success *result receives a new object with exactly the keys, order
 * and int/float types of the original's return value (§9.6, §15).
 * Where the original raises (a non-numeric test count or duration, a
 * non-string message, a non-numeric weight that is used, a malformed
 * cv_match_result, ...), returns ERR_VALIDATION with a message in errmsg
 * (errlen bytes; errmsg may be NULL when errlen is 0) and *result is NULL. */
err_t scoring_engine_run(const json_t *args, json_t **result, char *errmsg, size_t errlen);

/* The same as scoring_engine_run without building JSON: *result is
 * filled with a struct that lives in arena (freed with it) and borrows
 * from args, which must outlive it.  Errors as scoring_engine_run. */
err_t scoring_engine_compute(const json_t *args, mem_arena_t *arena, const scoring_result_t **result, char *errmsg,
                             size_t errlen);

/* Appends the result as the compact JSON text json_encode would give for
 * scoring_engine_run's object (same keys, order, types and float text). */
void scoring_result_encode(const scoring_result_t *result, mem_buf_t *out);

/* The result as a new jansson object, equal to scoring_engine_run's. */
json_t *scoring_result_json(const scoring_result_t *result);

/* The same with the arguments passed one by one (borrowed references;
 * NULL means null).  v2_enabled NULL means false. */
err_t scoring_engine_score(const json_t *interactions, const json_t *tests_passed, const json_t *tests_total,
                           const json_t *total_duration_seconds, const json_t *time_limit_minutes,
                           const json_t *v2_enabled, const json_t *weights, const json_t *cv_match_result,
                           json_t **result, char *errmsg, size_t errlen);

/* Builds the engine's interactions from stored prompt records
 * (_build_interactions, §2), with the compatibility fixes of policy 12:
 * line and file references use the intended patterns `line\s+\d+` and
 * `\.(py|js|jsx|ts|tsx|json|yml|yaml|md)\b` (case-insensitive), and the
 * stored time_since_assessment_start_ms and paste_length are read.
 *
 * ai_prompts is an array of prompt objects (NULL or null = none).  Each
 * record may carry id, timestamp, message, response, input_tokens,
 * output_tokens, response_latency_ms, code_before, code_after,
 * word_count, question_count, code_snippet_included,
 * error_message_included, line_number_referenced, file_reference,
 * time_since_assessment_start_ms, time_since_last_prompt_ms,
 * paste_detected and paste_length.
 *
 * On success *out receives a new array.  Fails with ERR_VALIDATION (and a
 * message in errmsg) when ai_prompts is not an array, an element is not an
 * object, or a text field is neither a string nor falsy. */
err_t scoring_build_interactions(const json_t *ai_prompts, json_t **out, char *errmsg, size_t errlen);

/* `tali score`: reads JSON lines from in, one case each (§16: mode,
 * case_id, the engine arguments and optionally heuristics_input), and
 * writes one compact JSON line per non-blank input line to out:
 *   {"case_id":..,"mode":"engine","ok":true,"result":{..},"heuristics":{..}|null}
 *   {"case_id":..,"mode":"engine","ok":false,"error":{"message":".."}}
 * A line that is not a JSON object, or whose engine run or heuristics are
 * rejected, yields ok:false (case_id null when unknown) and the next lines
 * go on.  Returns 0, or 1 when reading or writing failed. */
int scoring_cli_score(FILE *in, FILE *out);

#include "components/scoring/heuristics.h"

#endif
