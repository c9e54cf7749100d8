/* fit.c: CV-job fit matching without the network (scoring-spec §10).
 *
 * The caller (submit) sends the body of scoring_fit_build_request through
 * the LLM interface and hands the answer's text to
 * scoring_fit_parse_response.  Parsing follows the original service: the
 * whole text as JSON, else the greedy first-'{'-to-last-'}' span; every
 * failure becomes the "null result" whose match_details carries the error,
 * which the engine then treats as "no CV match". */
#include "components/scoring/heuristics.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "components/scoring/pysem.h"
#include "platform/json.h"
#include "platform/mem.h"

#define FIT_SYSTEM_PROMPT "You are an expert recruiter. Respond ONLY with valid JSON."

/* The user message.  Our own wording of the structure the spec describes:
 * the task, the CV and the job spec under headings, the exact JSON keys,
 * and the scoring guide (5 average, 7+ good, 9+ exceptional). */
static const char fit_prompt_head[] = "Analyze how well the candidate's CV matches the job specification below.\n"
                                      "\n"
                                      "## Candidate CV\n";
static const char fit_prompt_mid[] = "\n"
                                     "\n"
                                     "## Job Specification\n";
static const char fit_prompt_tail[] =
    "\n"
    "\n"
    "Respond with a JSON object that has exactly these keys:\n"
    "{\n"
    "  \"overall_match_score\": <number from 0 to 10>,\n"
    "  \"skills_match_score\": <number from 0 to 10>,\n"
    "  \"experience_relevance_score\": <number from 0 to 10>,\n"
    "  \"matching_skills\": [<required skills the CV shows>],\n"
    "  \"missing_skills\": [<required skills the CV does not show>],\n"
    "  \"experience_highlights\": [<experience in the CV relevant to the role>],\n"
    "  \"concerns\": [<gaps or risks for this role>],\n"
    "  \"summary\": \"<2-3 sentences on the overall fit>\"\n"
    "}\n"
    "\n"
    "Scoring guide: 5 is an average match, 7+ is a good match, 9+ is an exceptional match.";

static void set_err(char *err, size_t errlen, const char *msg)
{
    if (err && errlen > 0)
        snprintf(err, errlen, "%s", msg);
}

bool scoring_fit_has_inputs(const char *cv_text, const char *job_spec_text)
{
    return cv_text && *cv_text && job_spec_text && *job_spec_text;
}

json_t *scoring_fit_build_request(const char *cv_text, const char *job_spec_text)
{
    if (!scoring_fit_has_inputs(cv_text, job_spec_text))
        return NULL;
    pysem_span_t cv = pysem_slice(cv_text, strlen(cv_text), 0, SCORING_FIT_CV_MAX_CHARS);
    pysem_span_t job = pysem_slice(job_spec_text, strlen(job_spec_text), 0, SCORING_FIT_JOB_MAX_CHARS);

    mem_buf_t b = {0};
    mem_buf_puts(&b, fit_prompt_head);
    mem_buf_append(&b, cv_text + cv.off, cv.len);
    mem_buf_puts(&b, fit_prompt_mid);
    mem_buf_append(&b, job_spec_text + job.off, job.len);
    mem_buf_puts(&b, fit_prompt_tail);

    json_t *msg = json_object();
    json_object_set_new(msg, "role", json_string("user"));
    json_t *content = json_stringn(b.data, b.len);
    mem_buf_free(&b);
    if (!content) {
        json_decref(msg);
        return NULL;
    }
    json_object_set_new(msg, "content", content);

    json_t *body = json_object();
    json_object_set_new(body, "model", json_string(SCORING_FIT_MODEL));
    json_object_set_new(body, "max_tokens", json_integer(SCORING_FIT_MAX_TOKENS));
    json_object_set_new(body, "system", json_string(FIT_SYSTEM_PROMPT));
    json_t *messages = json_array();
    json_array_append_new(messages, msg);
    json_object_set_new(body, "messages", messages);
    return body;
}

static json_t *result_with_details(json_t *details)
{
    json_t *r = json_object();
    json_object_set_new(r, "cv_job_match_score", json_null());
    json_object_set_new(r, "skills_match", json_null());
    json_object_set_new(r, "experience_relevance", json_null());
    json_object_set_new(r, "match_details", details);
    return r;
}

json_t *scoring_fit_null_result(const char *error_text)
{
    json_t *d = json_object();
    json_object_set_new(d, "error", json_string(error_text ? error_text : ""));
    return result_with_details(d);
}

json_t *scoring_fit_default_result(void)
{
    return result_with_details(json_object());
}

json_t *scoring_fit_error_entry(const char *error_text)
{
    json_t *e = json_object();
    json_object_set_new(e, "component", json_string("cv_job_match"));
    json_object_set_new(e, "error", json_string(error_text ? error_text : ""));
    return e;
}

json_t *scoring_fit_plan(bool has_candidate, const char *cv_text, const char *job_spec_text, bool llm_available,
                         json_t *errors)
{
    if (!has_candidate)
        return NULL;
    if (!scoring_fit_has_inputs(cv_text, job_spec_text)) {
        if (json_is_array(errors))
            json_array_append_new(errors, scoring_fit_error_entry(SCORING_FIT_MISSING_TEXT_ERROR));
        return NULL;
    }
    if (!llm_available)
        return NULL;
    return scoring_fit_build_request(cv_text, job_spec_text);
}

/* float(s) of Python for a str: surrounding whitespace, an optional sign,
 * "inf"/"infinity"/"nan" in any case, or a decimal literal whose digit
 * groups may be joined by single underscores.  Returns false where Python
 * raises ValueError. */
static bool py_float_from_str(const char *s, size_t n, double *out)
{
    pysem_span_t t = pysem_strip(s, n);
    const char *p = s + t.off;
    const char *end = p + t.len;
    if (p == end)
        return false;
    char buf[128];
    size_t k = 0;
    if (*p == '+' || *p == '-')
        buf[k++] = *p++;
    size_t rest = (size_t)(end - p);
    if ((rest == 3 && strncasecmp(p, "inf", 3) == 0) || (rest == 8 && strncasecmp(p, "infinity", 8) == 0)) {
        *out = buf[0] == '-' ? -INFINITY : INFINITY;
        return true;
    }
    if (rest == 3 && strncasecmp(p, "nan", 3) == 0) {
        *out = NAN;
        return true;
    }
    /* digits [_digits]* [. [digits [_digits]*]] [e [sign] digits [_digits]*] */
    bool mant_digits = false;
    int part = 0; /* 0 integer, 1 fraction, 2 exponent */
    bool exp_digits = false;
    char prev = 0;
    for (; p < end; p++) {
        char ch = *p;
        if (k + 2 >= sizeof buf)
            return false;
        if (ch >= '0' && ch <= '9') {
            buf[k++] = ch;
            if (part < 2)
                mant_digits = true;
            else
                exp_digits = true;
        } else if (ch == '_') {
            if (!(prev >= '0' && prev <= '9') || p + 1 >= end || !(p[1] >= '0' && p[1] <= '9'))
                return false;
        } else if (ch == '.' && part == 0) {
            buf[k++] = ch;
            part = 1;
        } else if ((ch == 'e' || ch == 'E') && part < 2 && mant_digits) {
            buf[k++] = 'e';
            part = 2;
            if (p + 1 < end && (p[1] == '+' || p[1] == '-')) {
                p++;
                buf[k++] = *p;
            }
        } else {
            return false;
        }
        prev = ch;
    }
    if (!mant_digits || (part == 2 && !exp_digits))
        return false;
    buf[k] = '\0';
    *out = strtod(buf, NULL);
    return true;
}

/* clamp_score of the fit service: None -> None; float(v) or None when
 * Python's float() refuses it; then max(0.0, min(10.0, round(v, 1))). */
static json_t *clamp_score(const json_t *v)
{
    if (!v || json_is_null(v))
        return json_null();
    double d;
    if (json_is_integer(v))
        d = (double)json_integer_value(v);
    else if (json_is_real(v))
        d = json_real_value(v);
    else if (json_is_boolean(v))
        d = json_is_true(v) ? 1.0 : 0.0;
    else if (json_is_string(v)) {
        if (!py_float_from_str(json_string_value(v), json_string_length(v), &d))
            return json_null();
    } else
        return json_null();
    d = pysem_round(d, 1);
    /* min(10.0, d) keeps 10.0 unless d < 10.0, so NaN gives 10.0 */
    double m = d < 10.0 ? d : 10.0;
    double r = m > 0.0 ? m : 0.0;
    return json_real(r);
}

static const char *py_type_name(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_ARRAY: return "list";
    case JSON_STRING: return "str";
    case JSON_INTEGER: return "int";
    case JSON_REAL: return "float";
    case JSON_TRUE:
    case JSON_FALSE: return "bool";
    case JSON_NULL: return "NoneType";
    case JSON_OBJECT: return "dict";
    }
    return "object";
}

/* Python's JSONDecodeError text: "<msg>: line L column C (char P)". */
static void decode_error_text(const char *s, size_t n, const json_parse_error_t *pe, char *out, size_t outlen)
{
    size_t pos = pe->position <= n ? pe->position : n;
    size_t line = 1, col_start = 0;
    for (size_t i = 0; i < pos; i++)
        if (s[i] == '\n') {
            line++;
            col_start = i + 1;
        }
    size_t cp_pos = pysem_len(s, pos);
    size_t col = pysem_len(s + col_start, pos - col_start) + 1;
    snprintf(out, outlen, "%s: line %zu column %zu (char %zu)", pe->message, line, col, cp_pos);
}

static err_t fail(json_t **out, const char *msg, char *err, size_t errlen)
{
    *out = scoring_fit_null_result(msg);
    set_err(err, errlen, msg);
    return ERR_BAD_GATEWAY;
}

err_t scoring_fit_parse_response(const char *model_text, json_t **out, char *err, size_t errlen)
{
    const char *s = model_text ? model_text : "";
    size_t n = strlen(s);
    json_parse_error_t pe;
    json_t *r = json_parse(s, n, JSON_MAX_DEPTH_DEFAULT, &pe);
    if (!r) {
        const char *open = memchr(s, '{', n);
        const char *close = NULL;
        if (open) {
            for (const char *q = s + n; q > open; q--)
                if (q[-1] == '}') {
                    close = q - 1;
                    break;
                }
        }
        if (!open || !close)
            return fail(out, SCORING_FIT_PARSE_FAILED, err, errlen);
        size_t len = (size_t)(close - open) + 1;
        r = json_parse(open, len, JSON_MAX_DEPTH_DEFAULT, &pe);
        if (!r) {
            char msg[256];
            decode_error_text(open, len, &pe, msg, sizeof msg);
            return fail(out, msg, err, errlen);
        }
    }
    if (!json_is_object(r)) {
        char msg[96];
        snprintf(msg, sizeof msg, "'%s' object has no attribute 'get'", py_type_name(r));
        json_decref(r);
        return fail(out, msg, err, errlen);
    }
    json_t *res = json_object();
    json_object_set_new(res, "cv_job_match_score", clamp_score(json_object_get(r, "overall_match_score")));
    json_object_set_new(res, "skills_match", clamp_score(json_object_get(r, "skills_match_score")));
    json_object_set_new(res, "experience_relevance", clamp_score(json_object_get(r, "experience_relevance_score")));
    json_t *det = json_object();
    static const char *const lists[] = {"matching_skills", "missing_skills", "experience_highlights", "concerns"};
    for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++) {
        json_t *v = json_object_get(r, lists[i]);
        json_object_set_new(det, lists[i], v ? json_deep_copy(v) : json_array());
    }
    json_t *summary = json_object_get(r, "summary");
    json_object_set_new(det, "summary", summary ? json_deep_copy(summary) : json_string(""));
    json_object_set_new(res, "match_details", det);
    json_decref(r);
    *out = res;
    return ERR_OK;
}
