/* result: the writer of the engine's result.  One walk over the struct
 * in the original's key order feeds a sink that either appends JSON text
 * or builds jansson values, so the two outputs cannot drift apart. */
#include "components/scoring/result.h"

#include <math.h>
#include <string.h>

#include "platform/json.h"

#define SINK_DEPTH 8

typedef struct {
    mem_buf_t *b;              /* text sink when non-NULL */
    bool first[SINK_DEPTH];    /* text: nothing written yet in this container */
    json_t *stack[SINK_DEPTH]; /* jansson sink: the open containers */
    int depth;
    bool input_keys; /* text: keys come from the input (weights), escape them */
} sink_t;

/* Text: room for n more bytes (and the NUL mem_buf keeps) at the end. */
static char *sk_room(mem_buf_t *b, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->len + n + 1)
            cap *= 2;
        b->data = xrealloc(b->data, cap);
        b->cap = cap;
    }
    return b->data + b->len;
}

static void sk_raw(mem_buf_t *b, const char *text, size_t n)
{
    char *o = sk_room(b, n);
    memcpy(o, text, n);
    b->len += n;
    b->data[b->len] = '\0';
}

/* Text: the separator and "key": of the next member (key NULL in arrays).
 * The engine's own keys are plain ASCII literals; input keys (weights)
 * go through the string encoder. */
static void sk_text_key(sink_t *s, const char *key)
{
    mem_buf_t *b = s->b;
    if (!s->first[s->depth])
        sk_raw(b, ",", 1);
    s->first[s->depth] = false;
    if (!key)
        return;
    size_t n = strlen(key);
    if (s->input_keys) {
        json_encode_text(b, key, n, false);
        sk_raw(b, ":", 1);
        return;
    }
    char *o = sk_room(b, n + 3);
    o[0] = '"';
    memcpy(o + 1, key, n);
    o[n + 1] = '"';
    o[n + 2] = ':';
    b->len += n + 3;
    b->data[b->len] = '\0';
}

/* jansson: v becomes the next member of the open container. */
static void sk_attach(sink_t *s, const char *key, json_t *v)
{
    json_t *top = s->stack[s->depth];
    if (json_is_array(top))
        json_array_append_new(top, v);
    else
        json_object_set_new(top, key, v);
}

static void sk_open(sink_t *s, const char *key, bool array)
{
    if (s->b) {
        sk_text_key(s, key);
        sk_raw(s->b, array ? "[" : "{", 1);
        s->depth++;
        s->first[s->depth] = true;
        return;
    }
    json_t *v = array ? json_array() : json_object();
    sk_attach(s, key, v);
    s->stack[++s->depth] = v;
}

static void sk_close(sink_t *s, bool array)
{
    if (s->b)
        sk_raw(s->b, array ? "]" : "}", 1);
    s->depth--;
}

/* A non-finite real has no jansson value (json_real gives NULL, which
 * json_object_set_new refuses), so the original's member is missing; the
 * text sink leaves it out the same way. */
static void sk_real(sink_t *s, const char *key, double v)
{
    if (!s->b) {
        json_t *j = json_real(v);
        if (j)
            sk_attach(s, key, j);
        return;
    }
    if (!isfinite(v))
        return;
    sk_text_key(s, key);
    char *o = sk_room(s->b, 32);
    json_fmt_double(v, o);
    s->b->len += strlen(o);
}

static void sk_int(sink_t *s, const char *key, long long v)
{
    if (!s->b) {
        sk_attach(s, key, json_integer((json_int_t)v));
        return;
    }
    sk_text_key(s, key);
    char tmp[24];
    size_t k = sizeof tmp;
    unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
    do {
        tmp[--k] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        tmp[--k] = '-';
    sk_raw(s->b, tmp + k, sizeof tmp - k);
}

static void sk_bool(sink_t *s, const char *key, bool v)
{
    if (!s->b) {
        sk_attach(s, key, json_boolean(v));
        return;
    }
    sk_text_key(s, key);
    if (v)
        sk_raw(s->b, "true", 4);
    else
        sk_raw(s->b, "false", 5);
}

static void sk_null(sink_t *s, const char *key)
{
    if (!s->b) {
        sk_attach(s, key, json_null());
        return;
    }
    sk_text_key(s, key);
    sk_raw(s->b, "null", 4);
}

static void sk_str(sink_t *s, const char *key, const char *v)
{
    if (!s->b) {
        sk_attach(s, key, json_string(v));
        return;
    }
    sk_text_key(s, key);
    json_encode_text(s->b, v, strlen(v), false);
}

/* A borrowed input value (NULL is null), copied as the original copies it. */
static void sk_json(sink_t *s, const char *key, const json_t *v)
{
    if (!s->b) {
        sk_attach(s, key, v ? json_deep_copy(v) : json_null());
        return;
    }
    sk_text_key(s, key);
    json_encode_buf(s->b, v, false);
}

static void sk_num(sink_t *s, const char *key, pysem_num_t n)
{
    if (n.is_float)
        sk_real(s, key, n.f);
    else
        sk_int(s, key, n.i);
}

static void write_categories(sink_t *s, const struct scoring_result *r)
{
    sk_open(s, "category_scores", false);
    for (int c = 0; c < RES_CATS; c++) {
        if (r->cat[c].present)
            sk_real(s, r->cat[c].name, r->cat[c].score);
        else
            sk_null(s, r->cat[c].name);
    }
    sk_close(s, false);
    sk_open(s, "detailed_scores", false);
    for (int c = 0; c < RES_CATS; c++) {
        const res_cat_t *k = &r->cat[c];
        sk_open(s, k->name, false);
        for (size_t i = 0; i < k->nm; i++) {
            if (k->m[i].null)
                sk_null(s, k->m[i].key);
            else
                sk_real(s, k->m[i].key, k->m[i].value);
        }
        sk_close(s, false);
    }
    sk_close(s, false);
    sk_open(s, "explanations", false);
    for (int c = 0; c < RES_CATS; c++) {
        const res_cat_t *k = &r->cat[c];
        sk_open(s, k->name, false);
        for (size_t i = 0; i < k->ne; i++) {
            if (k->e[i].text)
                sk_str(s, k->e[i].key, k->e[i].text);
            else
                sk_json(s, k->e[i].key, k->e[i].json);
        }
        sk_close(s, false);
    }
    sk_close(s, false);
}

static void write_prompts(sink_t *s, const struct scoring_result *r)
{
    sk_open(s, "per_prompt_scores", true);
    for (size_t i = 0; i < r->n; i++) {
        const res_prompt_t *p = &r->per_prompt[i];
        sk_open(s, NULL, false);
        sk_real(s, "clarity", p->clarity);
        sk_real(s, "specificity", p->specificity);
        sk_real(s, "efficiency", p->efficiency);
        sk_int(s, "word_count", (long long)p->word_count);
        sk_bool(s, "has_context", p->has_context);
        sk_bool(s, "is_vague", p->is_vague);
        sk_close(s, false);
    }
    sk_close(s, true);
}

static void write_legacy_and_weights(sink_t *s, const struct scoring_result *r)
{
    sk_open(s, "component_scores", false);
    for (int k = 0; k < RES_LEGACY; k++)
        sk_real(s, r->legacy_key[k], r->legacy[k]);
    sk_close(s, false);
    sk_open(s, "weights_used", false);
    s->input_keys = true;
    for (size_t k = 0; k < r->nweights; k++) {
        if (r->weights[k].json)
            sk_json(s, r->weights[k].key, r->weights[k].json);
        else
            sk_real(s, r->weights[k].key, r->weights[k].def);
    }
    s->input_keys = false;
    sk_close(s, false);
}

static void write_metric_details(sink_t *s, const struct scoring_result *r)
{
    sk_open(s, "metric_details", false);
    if (r->wc_avg_is_int)
        sk_int(s, "word_count_avg", 0);
    else
        sk_real(s, "word_count_avg", r->wc_avg);
    sk_int(s, "word_count_min", r->wc_min);
    sk_int(s, "word_count_max", r->wc_max);
    sk_real(s, "question_presence", r->question_presence);
    sk_real(s, "code_snippet_rate", r->code_snippet_rate);
    sk_real(s, "error_message_rate", r->error_message_rate);
    sk_real(s, "line_reference_rate", r->line_reference_rate);
    sk_real(s, "file_reference_rate", r->file_reference_rate);
    sk_int(s, "vague_prompt_count", r->vague_count);
    sk_int(s, "specific_prompt_count", r->specific_count);
    sk_real(s, "early_prompt_penalty", r->early_prompt_penalty);
    sk_int(s, "code_changes_before_prompts", r->code_changes_before);
    sk_real(s, "prompt_quality_trend", r->prompt_quality_trend);
    sk_real(s, "builds_on_previous", r->builds_on_previous);
    sk_real(s, "retry_after_failure", r->retry_after_failure);
    sk_open(s, "code_delta_after_prompt", true);
    for (size_t i = 0; i < r->n; i++)
        sk_num(s, NULL, r->deltas[i]);
    sk_close(s, true);
    sk_int(s, "zero_change_prompt_count", r->zero_change_count);
    sk_real(s, "response_to_code_correlation", r->response_to_code);
    sk_real(s, "single_focus_prompt_rate", r->single_focus_rate);
    sk_int(s, "kitchen_sink_prompt_count", r->kitchen_sink_count);
    sk_real(s, "error_recovery_score", r->error_recovery);
    sk_real(s, "paste_ratio", r->paste_ratio);
    sk_bool(s, "external_paste_detected", r->external_paste);
    sk_bool(s, "solution_dump_detected", r->solution_dump);
    sk_bool(s, "injection_attempt", r->injection);
    sk_bool(s, "suspiciously_fast", r->fast);
    sk_close(s, false);
}

static void write_fraud(sink_t *s, const struct scoring_result *r)
{
    static const char *const names[8] = {
        "paste_ratio_above_70_percent",
        "external_paste_detected",
        "solution_dump_detected",
        "injection_attempt",
        "suspiciously_fast",
        "first_prompt_within_30_seconds",
        "zero_code_changes_after_3plus_prompts",
        "single_prompt_above_1000_words",
    };
    sk_open(s, "fraud", false);
    sk_open(s, "flags", true);
    for (int k = 0; k < 8; k++)
        if (r->flags & (1u << k))
            sk_str(s, NULL, names[k]);
    sk_close(s, true);
    sk_real(s, "paste_ratio", r->paste_ratio);
    sk_bool(s, "external_paste_detected", r->external_paste);
    sk_bool(s, "solution_dump_detected", r->solution_dump);
    sk_bool(s, "injection_attempt", r->injection);
    sk_bool(s, "suspiciously_fast", r->fast);
    sk_close(s, false);
}

static void write_soft_signals(sink_t *s, const struct scoring_result *r)
{
    sk_open(s, "soft_signals", false);
    sk_int(s, "prompt_count_total", (long long)r->n);
    sk_real(s, "session_duration_minutes", r->session_minutes);
    sk_json(s, "test_runs_count", r->tests_total);
    sk_null(s, "first_test_run_timestamp");
    sk_open(s, "prompt_timestamps", true);
    for (size_t i = 0; i < r->n; i++)
        sk_json(s, NULL, r->timestamps[i]);
    sk_close(s, true);
    sk_str(s, "peak_prompting_period", r->peak);
    sk_json(s, "tests_passed_count", r->tests_passed);
    sk_json(s, "tests_total", r->tests_total);
    sk_real(s, "completion_time_minutes", r->session_minutes);
    if (r->ttfp_is_int)
        sk_int(s, "time_to_first_prompt_sec", 0);
    else
        sk_real(s, "time_to_first_prompt_sec", r->ttfp);
    if (r->avg_gap_is_int)
        sk_int(s, "avg_time_between_prompts_sec", 0);
    else
        sk_real(s, "avg_time_between_prompts_sec", r->avg_gap);
    if (r->per_test_null) {
        sk_null(s, "prompts_per_test_passed");
        sk_null(s, "tokens_per_test_passed");
    } else {
        sk_real(s, "prompts_per_test_passed", r->prompts_per_test);
        sk_real(s, "tokens_per_test_passed", r->tokens_per_test);
    }
    sk_int(s, "total_prompts", (long long)r->n);
    sk_num(s, "total_tokens_used", r->total_tokens);
    sk_close(s, false);
}

static void write_v2(sink_t *s, const struct scoring_result *r)
{
    static const char *const keys[] = {
        "grammar_score",           "sentiment_trajectory", "prompt_type_distribution", "learning_velocity",
        "copy_from_stackoverflow", "copy_from_chatgpt",    "code_complexity",          "linting_score",
    };
    sk_open(s, "v2", false);
    if (r->v2_enabled)
        sk_json(s, "enabled", r->v2_enabled);
    else
        sk_bool(s, "enabled", false);
    for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++)
        sk_null(s, keys[k]);
    sk_close(s, false);
}

static void write_all(sink_t *s, const struct scoring_result *r)
{
    sk_real(s, "final_score", r->final_score);
    write_categories(s, r);
    write_prompts(s, r);
    write_legacy_and_weights(s, r);
    write_metric_details(s, r);
    write_fraud(s, r);
    write_soft_signals(s, r);
    write_v2(s, r);
}

void scoring_result_write_text(const struct scoring_result *r, mem_buf_t *b)
{
    sink_t s = {.b = b, .depth = 0};
    s.first[0] = true;
    mem_buf_append(b, "{", 1);
    write_all(&s, r);
    mem_buf_append(b, "}", 1);
}

json_t *scoring_result_write_json(const struct scoring_result *r)
{
    sink_t s = {.b = NULL, .depth = 0};
    json_t *root = json_object();
    s.stack[0] = root;
    write_all(&s, r);
    return root;
}
