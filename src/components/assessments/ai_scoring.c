/* The model-based part of submit (platform-integrations §1.3 and §4.1,
 * MVP_DISABLE_CLAUDE_SCORING off): a code-quality review of the final
 * code, an analysis of the candidate's prompt session and, with
 * MVP_DISABLE_CALIBRATION also off, the calibration score of the first
 * prompt.  Every failure of the model (no key, an error status, a
 * timeout, an answer that is not the JSON asked for) leaves the defaults
 * in place and adds an {component, error} entry to score_breakdown.errors;
 * none of them fails the submit. */
#include <stdlib.h>
#include <string.h>

#include "components/assessments/internal.h"
#include "components/integrations/claude/claude.h"
#include "platform/log.h"
#include "shared/pynum.h"
#include "shared/text.h"

#define LOGGER "tali.assessments"

#define AI_QUALITY_MAX_TOKENS 2048
#define AI_SESSION_MAX_TOKENS 4096
#define AI_RESPONSE_EXCERPT_CHARS 500

/* The twelve session scores, in the order they are reported. */
static const char *const AI_SCORE_KEYS[ASSESSMENTS_AI_SCORE_COUNT] = {
    "prompt_clarity",  "prompt_specificity",        "prompt_efficiency",
    "design_thinking", "debugging_strategy",        "prompt_progression",
    "independence",    "written_communication",     "context_utilization",
    "error_recovery",  "requirement_comprehension", "learning_velocity",
};

static const char *const AI_FRAUD_TYPES[] = {"copy_paste", "solution_dump", "prompt_injection", "external_content"};

static const char AI_QUALITY_SYSTEM[] =
    "You are a senior software engineer reviewing code written during a technical assessment. "
    "Reply with a single JSON object and nothing else.";

static const char AI_SESSION_SYSTEM[] =
    "You are an experienced technical interviewer judging how well a candidate works with an AI coding "
    "assistant. Reply with a single JSON object and nothing else.";

const char *assessments_ai_score_key(size_t i)
{
    return i < ASSESSMENTS_AI_SCORE_COUNT ? AI_SCORE_KEYS[i] : NULL;
}

static void ai_error(json_t *errors, const char *component, const char *msg)
{
    json_t *e = json_object();
    json_object_set_new(e, "component", json_string(component));
    json_object_set_new(e, "error", json_string(msg));
    json_array_append_new(errors, e);
}

/* A number of the answer as a double: JSON integers and reals, and
 * strings holding a number.  false for anything else (booleans too). */
static bool ai_number(const json_t *v, double *out)
{
    if (json_is_integer(v) || json_is_real(v)) {
        *out = json_number_value(v);
        return true;
    }
    const char *s = json_string_value(v);
    if (!s)
        return false;
    char *end = NULL;
    double d = strtod(s, &end);
    if (end == s)
        return false;
    while (*end == ' ' || *end == '\t' || *end == '\n' || *end == '\r')
        end++;
    if (*end || d != d)
        return false;
    *out = d;
    return true;
}

static double ai_clamp(double d, double lo, double hi)
{
    return d < lo ? lo : d > hi ? hi : d;
}

/* One model call; on failure records why under component and returns
 * NULL.  The answer's text is returned as a heap string otherwise. */
static char *ai_call(const char *system, int max_tokens, const char *user, const char *component, json_t *errors)
{
    claude_request_t req = {
        .system = system,
        .max_tokens = max_tokens,
        .user_message = user,
        .max_retries = -1,
    };
    claude_reply_t reply;
    err_t e = claude_messages(&req, &reply);
    char *text = NULL;
    if (e == ERR_OK && reply.text) {
        text = reply.text;
        reply.text = NULL;
    } else {
        char msg[600];
        snprintf(msg, sizeof msg, "Claude call failed: %s", *reply.message ? reply.message : err_name(e));
        log_warn(LOGGER, "%s: %s", component, msg);
        ai_error(errors, component, msg);
    }
    claude_reply_free(&reply);
    return text;
}

/* ---- analyze_code_quality ---- */

static void ai_code_quality(mem_arena_t *a, const char *final_code, json_t *errors, assessments_ai_result_t *out)
{
    char *user = mem_printf(
        a,
        "Review the following Python solution. Score each aspect from 0 to 10 and explain the score briefly.\n\n"
        "Answer with exactly this JSON object:\n"
        "{\n"
        "  \"correctness\": {\"score\": <0-10>, \"explanation\": \"...\"},\n"
        "  \"readability\": {\"score\": <0-10>, \"explanation\": \"...\"},\n"
        "  \"efficiency\": {\"score\": <0-10>, \"explanation\": \"...\"},\n"
        "  \"best_practices\": {\"score\": <0-10>, \"explanation\": \"...\"},\n"
        "  \"overall_score\": <0-10>,\n"
        "  \"summary\": \"...\"\n"
        "}\n\n"
        "```python\n%s\n```",
        final_code);
    char *text = ai_call(AI_QUALITY_SYSTEM, AI_QUALITY_MAX_TOKENS, user, "code_quality", errors);
    if (!text)
        return;
    out->quality_analysis = text;
    json_t *j = claude_extract_json(text);
    double d;
    if (json_is_object(j) && ai_number(json_object_get(j, "overall_score"), &d))
        out->code_quality_score = ai_clamp(d, 0.0, 10.0);
    else
        ai_error(errors, "code_quality", "Claude answer has no numeric overall_score");
    json_decref(j);
}

/* ---- analyze_prompt_session ---- */

/* s cut to its first n characters (code points of UTF-8). */
static char *ai_utf8_prefix(mem_arena_t *a, const char *s, size_t n)
{
    return mem_strndup(a, s, utf8_prefix(s, strlen(s), n));
}

static size_t ai_utf8_len(const char *s)
{
    return utf8_count(s, strlen(s));
}

static const char *ai_str(const json_t *o, const char *k)
{
    const char *s = json_string_value(json_object_get(o, k));
    return s ? s : "";
}

static size_t ai_words(const char *s)
{
    size_t n = 0;
    bool in = false;
    for (; *s; s++) {
        bool sp = *s == ' ' || *s == '\t' || *s == '\n' || *s == '\r' || *s == '\f' || *s == '\v';
        if (!sp && !in)
            n++;
        in = !sp;
    }
    return n;
}

/* The per-prompt summary sent to the model: a JSON array (new reference). */
static json_t *ai_session_summary(mem_arena_t *a, const json_t *prompts, size_t count)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < count; i++) {
        const json_t *p = json_array_get(prompts, i);
        if (!json_is_object(p))
            continue;
        const char *msg = ai_str(p, "message"), *resp = ai_str(p, "response");
        const char *before = ai_str(p, "code_before"), *after = ai_str(p, "code_after");
        json_t *s = json_object();
        json_object_set_new(s, "index", json_integer((json_int_t)i));
        json_object_set_new(s, "prompt", json_string(msg));
        json_object_set_new(s, "response", json_string(ai_utf8_prefix(a, resp, AI_RESPONSE_EXCERPT_CHARS)));
        json_object_set_new(s, "code_before_length", json_integer((json_int_t)ai_utf8_len(before)));
        json_object_set_new(s, "code_after_length", json_integer((json_int_t)ai_utf8_len(after)));
        json_object_set_new(s, "code_changed", json_boolean(*after && strcmp(before, after) != 0));
        json_object_set_new(s, "word_count", json_integer((json_int_t)ai_words(msg)));
        json_object_set_new(s, "paste_detected", json_boolean(json_is_true(json_object_get(p, "paste_detected"))));
        const json_t *gap = json_object_get(p, "time_since_last_prompt_ms");
        json_object_set_new(s, "time_since_last_ms", json_is_integer(gap) ? json_incref((json_t *)gap) : json_null());
        json_array_append_new(arr, s);
    }
    return arr;
}

static char *ai_session_prompt(mem_arena_t *a, const json_t *prompts, size_t count, const char *task_text)
{
    json_t *summary = ai_session_summary(a, prompts, count);
    char *sj = json_dumps(summary, JSON_INDENT(2) | JSON_ENSURE_ASCII);
    json_decref(summary);
    mem_buf_t b = {0};
    mem_buf_printf(&b,
                   "A candidate solved the task below with the help of an AI assistant. Judge the way they used "
                   "the assistant from their prompts.\n\nTask:\n%s\n\nPrompts, in order (each assistant response "
                   "is cut to its first %d characters):\n%s\n\n"
                   "Score every dimension from 0 to 10 and answer with exactly this JSON object:\n{\n"
                   "  \"scores\": {",
                   task_text, AI_RESPONSE_EXCERPT_CHARS, sj ? sj : "[]");
    free(sj);
    for (size_t i = 0; i < ASSESSMENTS_AI_SCORE_COUNT; i++)
        mem_buf_printf(&b, "%s\"%s\": <0-10>", i ? ", " : "", AI_SCORE_KEYS[i]);
    mem_buf_printf(&b, "},\n"
                       "  \"per_prompt_scores\": [{\"index\": <n>, \"clarity\": <0-10>, \"specificity\": <0-10>, "
                       "\"efficiency\": <0-10>}],\n"
                       "  \"fraud_flags\": [{\"type\": \"copy_paste\" | \"solution_dump\" | \"prompt_injection\" | "
                       "\"external_content\", \"confidence\": <0-1>, \"evidence\": \"...\", \"prompt_index\": <n>}]\n"
                       "}\nUse an empty fraud_flags list when nothing is suspicious.");
    return mem_defer(a, free, mem_buf_take(&b));
}

static json_t *ai_parse_per_prompt(const json_t *list)
{
    json_t *out = json_array();
    size_t i;
    json_t *p;
    json_array_foreach(list, i, p)
    {
        if (!json_is_object(p))
            continue;
        json_t *o = json_object();
        const json_t *idx = json_object_get(p, "index");
        json_object_set_new(o, "index", json_is_integer(idx) ? json_incref((json_t *)idx) : json_null());
        static const char *const keys[] = {"clarity", "specificity", "efficiency"};
        for (size_t k = 0; k < 3; k++) {
            double d = 0.0;
            if (!ai_number(json_object_get(p, keys[k]), &d))
                d = 0.0;
            json_object_set_new(o, keys[k], json_real(pynum_round(ai_clamp(d, 0.0, 10.0), 2)));
        }
        json_array_append_new(out, o);
    }
    return out;
}

static json_t *ai_parse_fraud(const json_t *list, size_t nprompts)
{
    json_t *out = json_array();
    size_t i;
    json_t *f;
    json_array_foreach(list, i, f)
    {
        const char *type = json_string_value(json_object_get(f, "type"));
        bool known = false;
        for (size_t k = 0; type && k < sizeof AI_FRAUD_TYPES / sizeof *AI_FRAUD_TYPES; k++)
            known = known || strcmp(type, AI_FRAUD_TYPES[k]) == 0;
        if (!known)
            continue;
        double conf = 0.0;
        if (!ai_number(json_object_get(f, "confidence"), &conf))
            conf = 0.0;
        const json_t *idx = json_object_get(f, "prompt_index");
        bool idx_ok =
            json_is_integer(idx) && json_integer_value(idx) >= 0 && (size_t)json_integer_value(idx) < nprompts;
        json_t *o = json_object();
        json_object_set_new(o, "type", json_string(type));
        json_object_set_new(o, "confidence", json_real(ai_clamp(conf, 0.0, 1.0)));
        json_object_set_new(o, "evidence", json_string(ai_str(f, "evidence")));
        json_object_set_new(o, "prompt_index", idx_ok ? json_incref((json_t *)idx) : json_null());
        json_array_append_new(out, o);
    }
    return out;
}

/* Reads a session answer.  The scores may sit under "scores" or at the
 * top level; each is clamped to [0, 10], a missing or non-numeric one is
 * 0.0.  An answer with none of the twelve keys is not an analysis. */
static bool ai_parse_session(const char *text, size_t nprompts, double scores[ASSESSMENTS_AI_SCORE_COUNT],
                             json_t **per_prompt, json_t **fraud)
{
    json_t *j = claude_extract_json(text);
    if (!json_is_object(j)) {
        json_decref(j);
        return false;
    }
    const json_t *src = json_object_get(j, "scores");
    if (!json_is_object(src))
        src = j;
    bool any = false;
    for (size_t i = 0; i < ASSESSMENTS_AI_SCORE_COUNT; i++) {
        const json_t *v = json_object_get(src, AI_SCORE_KEYS[i]);
        double d = 0.0;
        any = any || v != NULL;
        if (!ai_number(v, &d))
            d = 0.0;
        scores[i] = ai_clamp(d, 0.0, 10.0);
    }
    if (any && per_prompt)
        *per_prompt = ai_parse_per_prompt(json_object_get(j, "per_prompt_scores"));
    if (any && fraud)
        *fraud = ai_parse_fraud(json_object_get(j, "fraud_flags"), nprompts);
    json_decref(j);
    return any;
}

static void ai_session(mem_arena_t *a, const json_t *prompts, const char *task_text, json_t *errors,
                       assessments_ai_result_t *out)
{
    size_t np = json_array_size(prompts);
    char *user = ai_session_prompt(a, prompts, np, task_text);
    char *text = ai_call(AI_SESSION_SYSTEM, AI_SESSION_MAX_TOKENS, user, "prompt_analysis", errors);
    if (!text)
        return;
    double scores[ASSESSMENTS_AI_SCORE_COUNT];
    json_t *per = NULL, *fraud = NULL;
    if (ai_parse_session(text, np, scores, &per, &fraud)) {
        out->has_scores = true;
        memcpy(out->scores, scores, sizeof scores);
        out->per_prompt_scores = per;
        out->fraud_flags = fraud;
    } else {
        ai_error(errors, "prompt_analysis", "Claude answer is not a prompt analysis JSON object");
    }
    free(text);
}

static void ai_calibration(mem_arena_t *a, const json_t *prompts, const char *calibration_prompt, json_t *errors,
                           assessments_ai_result_t *out)
{
    const char *cal = calibration_prompt && *calibration_prompt ? calibration_prompt : cfg->default_calibration_prompt;
    out->calibration_prompt = mem_strdup(a, cal ? cal : "");
    char *user = ai_session_prompt(a, prompts, 1, out->calibration_prompt);
    char *text = ai_call(AI_SESSION_SYSTEM, AI_SESSION_MAX_TOKENS, user, "calibration", errors);
    if (!text)
        return;
    double scores[ASSESSMENTS_AI_SCORE_COUNT];
    if (ai_parse_session(text, 1, scores, NULL, NULL)) {
        out->has_calibration_score = true;
        out->calibration_score = pynum_round(scores[0], 2);
    } else {
        ai_error(errors, "calibration", "Claude answer is not a prompt analysis JSON object");
    }
    free(text);
}

void assessments_ai_score(mem_arena_t *a, const char *final_code, const json_t *prompts, const char *task_text,
                          const char *calibration_prompt, json_t *errors, assessments_ai_result_t *out)
{
    memset(out, 0, sizeof *out);
    out->code_quality_score = 5.0;
    ai_code_quality(a, final_code, errors, out);
    if (json_array_size(prompts) == 0)
        return;
    ai_session(a, prompts, task_text ? task_text : "", errors, out);
    if (!cfg->mvp_disable_calibration)
        ai_calibration(a, prompts, calibration_prompt, errors, out);
}

void assessments_ai_result_free(assessments_ai_result_t *r)
{
    if (!r)
        return;
    free(r->quality_analysis);
    json_decref(r->per_prompt_scores);
    json_decref(r->fraud_flags);
    memset(r, 0, sizeof *r);
}
