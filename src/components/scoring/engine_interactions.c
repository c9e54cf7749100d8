/* engine_interactions: _build_interactions of the submit pipeline
 * (scoring-spec §2), turning stored prompt records into the dicts the
 * engine consumes, with the fixes of compatibility policy 12: the
 * line/file reference patterns are the intended ones, and stored
 * time_since_assessment_start_ms and paste_length are used. */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "components/scoring/pysem.h"
#include "components/scoring/scoring.h"
#include "platform/mem.h"

/* Compiled once; immutable afterwards, so shared between threads. */
static pysem_re_t *re_error_words;
static pysem_re_t *re_line_ref;
static pysem_re_t *re_file_ref;
static pthread_once_t re_once = PTHREAD_ONCE_INIT;

static pysem_re_t *must_compile(const char *pattern)
{
    char err[200];
    pysem_re_t *re = pysem_re_compile(pattern, PYSEM_RE_IGNORECASE, err, sizeof err);
    if (!re) {
        /* the patterns are constants: failing here is a build defect */
        fprintf(stderr, "scoring: %s: %s\n", pattern, err);
        abort();
    }
    return re;
}

static void re_init(void)
{
    re_error_words = must_compile("error|traceback|exception");
    re_line_ref = must_compile("line\\s+\\d+");
    re_file_ref = must_compile("\\.(py|js|jsx|ts|tsx|json|yml|yaml|md)\\b");
}

static err_t fail(char *errmsg, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static err_t fail(char *errmsg, size_t errlen, const char *fmt, ...)
{
    if (errmsg && errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(errmsg, errlen, fmt, ap);
        va_end(ap);
    }
    return ERR_VALIDATION;
}

/* `p.k or ""` for a text field; false when the value is truthy but not a
 * string (Python would fail on it later). */
static bool text_or_empty(const json_t *p, const char *key, const char **s, size_t *n)
{
    const json_t *v = json_object_get(p, key);
    if (!pysem_truthy(v)) {
        *s = "";
        *n = 0;
        return true;
    }
    if (!json_is_string(v))
        return false;
    *s = json_string_value(v);
    *n = json_string_length(v);
    return true;
}

static json_t *copy_or(const json_t *v, json_t *dflt)
{
    if (pysem_truthy(v)) {
        json_decref(dflt);
        return json_deep_copy(v);
    }
    return dflt;
}

static json_t *copy_or_null(const json_t *v)
{
    return v ? json_deep_copy(v) : json_null();
}

/* The stored flag when the key exists (even null), else the detected one. */
static json_t *flag_or_detect(const json_t *p, const char *key, bool detected)
{
    const json_t *v = json_object_get(p, key);
    return v ? json_deep_copy(v) : json_boolean(detected);
}

err_t scoring_build_interactions(const json_t *ai_prompts, json_t **out, char *errmsg, size_t errlen)
{
    *out = NULL;
    if (ai_prompts && !json_is_null(ai_prompts) && !json_is_array(ai_prompts))
        return fail(errmsg, errlen, "ai_prompts: not a list");
    pthread_once(&re_once, re_init);
    json_t *arr = json_array();
    size_t count = json_is_array(ai_prompts) ? json_array_size(ai_prompts) : 0;
    for (size_t i = 0; i < count; i++) {
        const json_t *p = json_array_get(ai_prompts, i);
        if (!json_is_object(p)) {
            json_decref(arr);
            return fail(errmsg, errlen, "ai_prompts[%zu]: not an object", i);
        }
        const char *msg, *resp, *cb, *ca;
        size_t msg_n, resp_n, cb_n, ca_n;
        if (!text_or_empty(p, "message", &msg, &msg_n) || !text_or_empty(p, "response", &resp, &resp_n) ||
            !text_or_empty(p, "code_before", &cb, &cb_n) || !text_or_empty(p, "code_after", &ca, &ca_n)) {
            json_decref(arr);
            return fail(errmsg, errlen, "ai_prompts[%zu]: a text field is not a string", i);
        }
        json_t *o = json_object();

        const json_t *id = json_object_get(p, "id");
        char *id_s = pysem_truthy(id) ? pysem_json_str(id) : xasprintf("%zu", i + 1);
        if (!id_s) {
            json_decref(o);
            json_decref(arr);
            return fail(errmsg, errlen, "ai_prompts[%zu].id: not a scalar", i);
        }
        json_object_set_new(o, "id", json_string(id_s));
        free(id_s);
        json_object_set_new(o, "sequence_number", json_integer((json_int_t)(i + 1)));
        json_object_set_new(o, "timestamp", copy_or_null(json_object_get(p, "timestamp")));
        json_object_set_new(o, "message", json_stringn(msg, msg_n));
        json_object_set_new(o, "response", json_stringn(resp, resp_n));
        json_object_set_new(o, "input_tokens", copy_or(json_object_get(p, "input_tokens"), json_integer(0)));
        json_object_set_new(o, "output_tokens", copy_or(json_object_get(p, "output_tokens"), json_integer(0)));
        json_object_set_new(o, "response_latency_ms", copy_or_null(json_object_get(p, "response_latency_ms")));
        json_object_set_new(o, "code_before", json_stringn(cb, cb_n));
        json_object_set_new(o, "code_after", json_stringn(ca, ca_n));
        long long lb = (long long)pysem_splitlines_count(cb, cb_n);
        long long la = (long long)pysem_splitlines_count(ca, ca_n);
        json_object_set_new(o, "code_diff_lines_added", json_integer(la > lb ? la - lb : 0));
        json_object_set_new(o, "code_diff_lines_removed", json_integer(lb > la ? lb - la : 0));
        json_object_set_new(
            o, "word_count",
            copy_or(json_object_get(p, "word_count"), json_integer((json_int_t)pysem_word_count(msg, msg_n))));
        json_object_set_new(
            o, "question_count",
            copy_or(json_object_get(p, "question_count"), json_integer((json_int_t)pysem_count(msg, msg_n, "?", 1))));
        json_object_set_new(o, "code_snippet_included",
                            flag_or_detect(p, "code_snippet_included", pysem_contains(msg, msg_n, "```", 3)));
        json_object_set_new(
            o, "error_message_included",
            flag_or_detect(p, "error_message_included", pysem_re_search(re_error_words, msg, msg_n, NULL)));
        json_object_set_new(
            o, "line_number_referenced",
            flag_or_detect(p, "line_number_referenced", pysem_re_search(re_line_ref, msg, msg_n, NULL)));
        json_object_set_new(o, "file_reference",
                            flag_or_detect(p, "file_reference", pysem_re_search(re_file_ref, msg, msg_n, NULL)));
        const json_t *tsas = json_object_get(p, "time_since_assessment_start_ms");
        const json_t *tslp = json_object_get(p, "time_since_last_prompt_ms");
        json_t *start_ms;
        if (pysem_truthy(tsas))
            start_ms = json_deep_copy(tsas);
        else if (i == 0)
            start_ms = copy_or_null(tslp);
        else
            start_ms = json_null();
        json_object_set_new(o, "time_since_assessment_start_ms", start_ms);
        json_object_set_new(o, "time_since_last_prompt_ms", copy_or_null(tslp));
        json_object_set_new(o, "paste_detected", flag_or_detect(p, "paste_detected", false));
        json_object_set_new(o, "paste_length", copy_or(json_object_get(p, "paste_length"), json_integer(0)));
        json_array_append_new(arr, o);
    }
    *out = arr;
    return ERR_OK;
}
