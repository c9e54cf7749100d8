/* result: the engine's result as a plain C struct (no JSON values, no
 * allocation of its own: everything lives in the arena of the run), and
 * the one writer that turns it into the original's return value, either
 * as JSON text or as jansson values, with the same keys in the same
 * order.  Private to the scoring component; scoring.h names the type.
 *
 * Values copied from the input (weights, timestamps, test counts,
 * v2_enabled, a fit summary) are borrowed json_t pointers: the result
 * must not outlive the engine arguments it was computed from. */
#ifndef TALI_COMPONENTS_SCORING_RESULT_H
#define TALI_COMPONENTS_SCORING_RESULT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "components/scoring/pysem.h"
#include "platform/mem.h"

#define RES_CATS 8
#define RES_MAX_ITEMS 5
#define RES_LEGACY 12

typedef struct {
    const char *key;
    double value;
    bool null;
} res_metric_t;

typedef struct {
    const char *key;
    const char *text;   /* arena string, or NULL when json is set */
    const json_t *json; /* borrowed (a fit summary) */
} res_expl_t;

typedef struct {
    const char *name;
    bool present; /* false: null in category_scores, left out of the final score */
    double score;
    size_t nm, ne;
    res_metric_t m[RES_MAX_ITEMS];
    res_expl_t e[RES_MAX_ITEMS];
} res_cat_t;

typedef struct {
    double clarity, specificity, efficiency;
    size_t word_count;
    bool has_context, is_vague;
} res_prompt_t;

/* weights_used: the defaults, then the input's weights merged in
 * (a known key keeps its place, a new one is appended). */
typedef struct {
    const char *key;
    double def;         /* when json is NULL */
    const json_t *json; /* borrowed override */
} res_weight_t;

/* The fraud flags, in the order the original appends them. */
enum {
    RES_FLAG_PASTE_RATIO = 1 << 0,
    RES_FLAG_EXTERNAL_PASTE = 1 << 1,
    RES_FLAG_SOLUTION_DUMP = 1 << 2,
    RES_FLAG_INJECTION = 1 << 3,
    RES_FLAG_FAST = 1 << 4,
    RES_FLAG_FIRST_PROMPT = 1 << 5,
    RES_FLAG_ZERO_CHANGES = 1 << 6,
    RES_FLAG_BIG_PROMPT = 1 << 7,
};

struct scoring_result {
    double final_score;
    res_cat_t cat[RES_CATS];
    size_t n;                 /* prompts */
    res_prompt_t *per_prompt; /* n */
    const char *legacy_key[RES_LEGACY];
    double legacy[RES_LEGACY];
    res_weight_t *weights;
    size_t nweights;

    /* metric_details */
    bool wc_avg_is_int; /* int 0 without prompts */
    double wc_avg;
    long long wc_min, wc_max;
    double question_presence, code_snippet_rate, error_message_rate, line_reference_rate, file_reference_rate;
    long long vague_count, specific_count;
    double early_prompt_penalty;
    long long code_changes_before;
    double prompt_quality_trend, builds_on_previous, retry_after_failure;
    pysem_num_t *deltas; /* n */
    long long zero_change_count;
    double response_to_code, single_focus_rate;
    long long kitchen_sink_count;
    double error_recovery, paste_ratio;
    bool external_paste, solution_dump, injection, fast;
    unsigned flags;

    /* soft_signals */
    double session_minutes;
    const json_t *tests_total, *tests_passed; /* borrowed; NULL is null */
    const json_t **timestamps;                /* n, borrowed; NULL is null */
    const char *peak;
    bool ttfp_is_int; /* int 0 without prompts */
    double ttfp;
    bool avg_gap_is_int; /* int 0 without gaps */
    double avg_gap;
    bool per_test_null;
    double prompts_per_test, tokens_per_test;
    pysem_num_t total_tokens;
    const json_t *v2_enabled; /* borrowed; NULL is false */
};

/* Appends the result as compact JSON text (platform/json's encoding). */
void scoring_result_write_text(const struct scoring_result *r, mem_buf_t *b);

/* The result as a new jansson object. */
json_t *scoring_result_write_json(const struct scoring_result *r);

#endif
