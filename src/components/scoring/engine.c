/* engine: calculate_mvp_score of the original, ported (scoring-spec §3-§9).
 *
 * The original is Python with no input validation; where it raises on a
 * type, we reject the input.  Every value keeps its Python type in the
 * output (int vs float, §15), so numbers that come from the input travel
 * as pysem_num_t.  Pattern lists are literal enough to be matched as
 * substrings (§4 gives the equivalences): all of them at once, by the
 * shared automaton of keywords.c, in one pass per prompt.  The run fills
 * a plain struct (result.h) in the caller's arena; JSON is written from
 * it only at the edge (scoring_result_encode, scoring_result_json). */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "components/scoring/keywords.h"
#include "components/scoring/pysem.h"
#include "components/scoring/result.h"
#include "components/scoring/scoring.h"
#include "platform/json.h"
#include "platform/mem.h"

/* ---------------------------------------------------------------------
 * Constants (rules.py / service.py)
 * ------------------------------------------------------------------- */

enum {
    CAT_TASK_COMPLETION,
    CAT_PROMPT_CLARITY,
    CAT_CONTEXT_PROVISION,
    CAT_INDEPENDENCE,
    CAT_UTILIZATION,
    CAT_COMMUNICATION,
    CAT_APPROACH,
    CAT_CV_MATCH,
    CAT_COUNT
};

static const char *const CAT_NAMES[CAT_COUNT] = {
    "task_completion", "prompt_clarity", "context_provision", "independence",
    "utilization",     "communication",  "approach",          "cv_match",
};

static const double CAT_WEIGHTS[CAT_COUNT] = {0.20, 0.15, 0.15, 0.20, 0.10, 0.10, 0.05, 0.05};

static const char *const MVP_WEIGHT_NAMES[12] = {
    "tests_passed_ratio",  "time_efficiency",    "completion_time",  "clarity_score",   "context_score",
    "specificity_score",   "independence_score", "efficiency_score", "iteration_score", "response_utilization_score",
    "decomposition_score", "code_quality_score",
};
static const double MVP_WEIGHT_VALUES[12] = {0.15, 0.05, 0.05, 0.10, 0.10, 0.05, 0.10, 0.10, 0.05, 0.10, 0.05, 0.10};

#define FRAUD_SCORE_CAP 50.0

/* The keyword lists (INJECTION_PHRASES, DEBUGGING_PATTERNS, DESIGN_PATTERNS,
 * ATTEMPT_PATTERNS) live in keywords.c, matched all at once per prompt. */

/* FILLER_WORDS (um uh like basically actually just really very) and the
 * RANT words of UNPROFESSIONAL pattern 1 (wtf omg lol lmao bruh) are
 * matched by length in filler_or_rant. */
static const char *const RANT_STARTS[] = {"ugh", "argh", "damn", "shit", "fuck"};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* ---------------------------------------------------------------------
 * Small helpers
 * ------------------------------------------------------------------- */

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

/* _clamp10: round to 1 dp first, then clamp to [0, 10]. */
static double clamp10(double v)
{
    return pysem_max_d(0.0, pysem_min_d(10.0, pysem_round(v, 1)));
}

/* _clamp(v, lo, hi) = max(lo, min(hi, float(v))). */
static double clamp_range(double v, double lo, double hi)
{
    return pysem_max_d(lo, pysem_min_d(hi, v));
}

/* f"{x:.Nf}" into a caller buffer. */
#define FIX(buf, x, n) pysem_fmt_fixed((buf), sizeof(buf), (x), (n))

/* "x or 0" for a value that Python then uses in arithmetic: falsy values
 * become int 0, numbers stay, anything else raises. */
static bool num_or_zero(const json_t *v, pysem_num_t *out)
{
    if (!pysem_truthy(v)) {
        *out = pysem_num_int(0);
        return true;
    }
    return pysem_num_from_json(v, out);
}

/* Classes of ASCII bytes for the per-byte loops. */
enum {
    BYTE_WORD = 1,  /* [0-9A-Za-z_] */
    BYTE_SPACE = 2, /* str.split() whitespace: \t-\r, \x1c-\x1f, space */
    BYTE_STOP = 4,  /* . ! ? (sentence ends) */
};

#define BYTE_CLASS_ROW(b)                                                                                              \
    ((((b) >= '0' && (b) <= '9') || ((b) >= 'a' && (b) <= 'z') || ((b) >= 'A' && (b) <= 'Z') || (b) == '_')            \
         ? BYTE_WORD                                                                                                   \
         : 0) |                                                                                                        \
        ((((b) >= 0x09 && (b) <= 0x0D) || ((b) >= 0x1C && (b) <= 0x1F) || (b) == ' ') ? BYTE_SPACE : 0) |              \
        (((b) == '.' || (b) == '!' || (b) == '?') ? BYTE_STOP : 0)
#define BYTE_CLASS_8(b)                                                                                                \
    BYTE_CLASS_ROW(b), BYTE_CLASS_ROW((b) + 1), BYTE_CLASS_ROW((b) + 2), BYTE_CLASS_ROW((b) + 3),                      \
        BYTE_CLASS_ROW((b) + 4), BYTE_CLASS_ROW((b) + 5), BYTE_CLASS_ROW((b) + 6), BYTE_CLASS_ROW((b) + 7)

static const unsigned char BYTE_CLASS[128] = {
    BYTE_CLASS_8(0),  BYTE_CLASS_8(8),   BYTE_CLASS_8(16),  BYTE_CLASS_8(24),  BYTE_CLASS_8(32), BYTE_CLASS_8(40),
    BYTE_CLASS_8(48), BYTE_CLASS_8(56),  BYTE_CLASS_8(64),  BYTE_CLASS_8(72),  BYTE_CLASS_8(80), BYTE_CLASS_8(88),
    BYTE_CLASS_8(96), BYTE_CLASS_8(104), BYTE_CLASS_8(112), BYTE_CLASS_8(120),
};

static inline bool ascii_word(unsigned char c)
{
    return BYTE_CLASS[c & 0x7F] & BYTE_WORD;
}

static bool word_at(const char *s, size_t n, size_t i)
{
    uint32_t cp;
    pysem_utf8_next(s, n, i, &cp);
    return pysem_isword(cp);
}

static bool word_before(const char *s, size_t n, size_t i)
{
    if (i == 0)
        return false;
    unsigned char c = (unsigned char)s[i - 1];
    if (c < 0x80)
        return ascii_word(c);
    return word_at(s, n, pysem_utf8_prev(s, i));
}

static bool word_after(const char *s, size_t n, size_t i)
{
    if (i >= n)
        return false;
    unsigned char c = (unsigned char)s[i];
    if (c < 0x80)
        return ascii_word(c);
    return word_at(s, n, i);
}

static bool contains(const char *s, size_t n, const char *w)
{
    return memmem(s, n, w, strlen(w)) != NULL;
}

static bool starts_with(const char *s, size_t n, const char *w)
{
    size_t wl = strlen(w);
    return n >= wl && memcmp(s, w, wl) == 0;
}

/* `a .+ b` on one line: an `a` and a later `b` with at least one code
 * point between them and no "\n" in between. */
static bool dotplus(const char *s, size_t n, const char *a, const char *b)
{
    size_t al = strlen(a), bl = strlen(b);
    size_t line = 0;
    while (line <= n) {
        const char *nl = memchr(s + line, '\n', n - line);
        size_t end = nl ? (size_t)(nl - s) : n;
        const char *p = memmem(s + line, end - line, a, al);
        if (p) {
            size_t from = (size_t)(p - s) + al + 1;
            if (from <= end && memmem(s + from, end - from, b, bl))
                return true;
        }
        if (!nl)
            break;
        line = end + 1;
    }
    return false;
}

/* ---------------------------------------------------------------------
 * Per-prompt facts, computed once
 * ------------------------------------------------------------------- */

typedef struct {
    const json_t *obj;
    const char *msg; /* message or "" */
    size_t msg_len;
    char *lower; /* msg.lower() */
    size_t lower_len;
    char *folded; /* lower with ı->i and ſ->s, for IGNORECASE literals */
    size_t folded_len;
    size_t wc; /* len(msg.split()) */
    bool vague;
    bool q_rate; /* (question_count or 0) > 0 or "?" in msg */
    bool q_pp;   /* (question_count or msg.count("?")) > 0 */
    pysem_num_t delta;
    bool delta_pos;
    bool delta_zero;
    bool code_changed;           /* (code_before or "") != (code_after or "") */
    uint64_t kw;                 /* keywords.h bits found in the folded text */
    unsigned long long sent_sum; /* words of the sentences with more than 2 */
    size_t sent_count;           /* those sentences */
    bool double_space;           /* "  " in msg */
    bool has_qmark;              /* "?" in msg */
} prompt_t;

/* One pass over the message for what the engine counts on the original
 * text: len(msg.split()); the sentences of re.split("[.!?]+", msg) with
 * more than 2 words (their count and word total); "  " and "?" in msg.
 * A sentence closes where a run of . ! ? starts (bytes that never occur
 * inside a multi-byte UTF-8 sequence), and the last one at the end. */
static void prompt_scan_text(prompt_t *p)
{
    const char *s = p->msg;
    size_t n = p->msg_len, i = 0, wc = 0, cur = 0;
    bool in_word = false, in_sword = false, prev_punct = false, prev_space = false;
    unsigned long long sum = 0;
    size_t count = 0;
    bool dspace = false, qmark = false;
    while (i < n) {
        unsigned char c = (unsigned char)s[i];
        bool space;
        if (c < 0x80) {
            unsigned char k = BYTE_CLASS[c];
            if (!(k & (BYTE_SPACE | BYTE_STOP)) && in_word && in_sword) {
                /* the common case: one more byte of a word */
                prev_space = prev_punct = false;
                i++;
                continue;
            }
            space = k & BYTE_SPACE;
            if (c == ' ' && prev_space)
                dspace = true;
            prev_space = c == ' ';
            i++;
        } else {
            uint32_t cp;
            i = pysem_utf8_next(s, n, i, &cp);
            space = pysem_isspace(cp);
            prev_space = false;
        }
        if (space) {
            in_word = in_sword = false;
            prev_punct = false;
            continue;
        }
        if (!in_word) {
            wc++;
            in_word = true;
        }
        if (c == '.' || c == '!' || c == '?') {
            if (c == '?')
                qmark = true;
            if (!prev_punct) {
                if (cur > 2) {
                    sum += cur;
                    count++;
                }
                cur = 0;
            }
            in_sword = false;
            prev_punct = true;
            continue;
        }
        prev_punct = false;
        if (!in_sword) {
            cur++;
            in_sword = true;
        }
    }
    if (cur > 2) {
        sum += cur;
        count++;
    }
    p->wc = wc;
    p->sent_sum = sum;
    p->sent_count = count;
    p->double_space = dspace;
    p->has_qmark = qmark;
}

static bool is_vague_text(const char *s, size_t n)
{
    static const char *const p1[] = {"help", "fix", "broken", "not working", "doesn't work", "error", "issue"};
    static const char *const p2[] = {"what's wrong", "why isn't this working"};
    static const char *const p3[] = {"please help", "can you help", "help me"};
    for (size_t k = 0; k < NELEM(p1) + NELEM(p2) + NELEM(p3); k++) {
        const char *w;
        char opt;
        if (k < NELEM(p1)) {
            w = p1[k];
            opt = '.';
        } else if (k < NELEM(p1) + NELEM(p2)) {
            w = p2[k - NELEM(p1)];
            opt = '?';
        } else {
            w = p3[k - NELEM(p1) - NELEM(p2)];
            opt = '.';
        }
        size_t wl = strlen(w);
        if (n >= wl && memcmp(s, w, wl) == 0 && (n == wl || (n == wl + 1 && s[wl] == opt)))
            return true;
    }
    return false;
}

static char *fold_for_ignorecase(mem_arena_t *arena, const char *s, size_t n, size_t *outlen)
{
    /* Python's IGNORECASE also equates i with U+0131 and s with U+017F;
     * lower() leaves both as they are.  Called only when the keyword scan
     * of lower() saw one of them. */
    char *o = mem_alloc(arena, n + 1);
    size_t j = 0;
    for (size_t i = 0; i < n; i++) {
        if (i + 1 < n && (unsigned char)s[i] == 0xC4 && (unsigned char)s[i + 1] == 0xB1) {
            o[j++] = 'i';
            i++;
        } else if (i + 1 < n && (unsigned char)s[i] == 0xC5 && (unsigned char)s[i + 1] == 0xBF) {
            o[j++] = 's';
            i++;
        } else {
            o[j++] = s[i];
        }
    }
    o[j] = '\0';
    *outlen = j;
    return o;
}

static const char *folded_text(const prompt_t *p, size_t *len)
{
    if (p->folded) {
        *len = p->folded_len;
        return p->folded;
    }
    *len = p->lower_len;
    return p->lower;
}

static err_t prompt_init(mem_arena_t *arena, prompt_t *p, const json_t *obj, size_t index, char *errmsg, size_t errlen)
{
    memset(p, 0, sizeof *p);
    p->obj = obj;
    const json_t *m = json_object_get(obj, "message");
    if (!pysem_truthy(m)) {
        p->msg = "";
        p->msg_len = 0;
    } else if (json_is_string(m)) {
        p->msg = json_string_value(m);
        p->msg_len = json_string_length(m);
    } else {
        return fail(errmsg, errlen, "interactions[%zu].message: not a string", index);
    }
    prompt_scan_text(p);
    p->lower = mem_alloc(arena, PYSEM_LOWER_MAX(p->msg_len));
    p->lower_len = pysem_lower_to(p->msg, p->msg_len, p->lower);
    /* the keywords of lower(), which also tell whether it needs the fold */
    p->kw = scoring_matcher_scan(scoring_keywords(), p->lower, p->lower_len);
    if (p->kw & (KW_BIT(KW_DOTLESS_I) | KW_BIT(KW_LONG_S))) {
        p->folded = fold_for_ignorecase(arena, p->lower, p->lower_len, &p->folded_len);
        p->kw = scoring_matcher_scan(scoring_keywords(), p->folded, p->folded_len);
    }
    pysem_span_t st = pysem_strip(p->lower, p->lower_len);
    p->vague = is_vague_text(p->lower + st.off, st.len);

    const json_t *q = json_object_get(obj, "question_count");
    bool has_qmark = p->has_qmark;
    if (pysem_truthy(q)) {
        pysem_num_t qn;
        if (!pysem_num_from_json(q, &qn))
            return fail(errmsg, errlen, "interactions[%zu].question_count: not a number", index);
        bool pos = pysem_num_lt(pysem_num_int(0), qn);
        p->q_rate = pos || has_qmark;
        p->q_pp = pos;
    } else {
        p->q_rate = has_qmark;
        p->q_pp = has_qmark;
    }

    pysem_num_t a, r;
    if (!num_or_zero(json_object_get(obj, "code_diff_lines_added"), &a))
        return fail(errmsg, errlen, "interactions[%zu].code_diff_lines_added: not a number", index);
    if (!num_or_zero(json_object_get(obj, "code_diff_lines_removed"), &r))
        return fail(errmsg, errlen, "interactions[%zu].code_diff_lines_removed: not a number", index);
    p->delta = pysem_num_abs(pysem_num_add(a, r));
    p->delta_pos = pysem_num_lt(pysem_num_int(0), p->delta);
    p->delta_zero = pysem_num_eq(p->delta, pysem_num_int(0));

    const json_t *cb = json_object_get(obj, "code_before");
    const json_t *ca = json_object_get(obj, "code_after");
    bool tb = pysem_truthy(cb), ta = pysem_truthy(ca);
    if (!tb && !ta)
        p->code_changed = false;
    else if (tb != ta)
        p->code_changed = true; /* a truthy value never equals "" */
    else
        p->code_changed = !pysem_json_eq(cb, ca);
    return ERR_OK;
}

static bool matches_debugging(const prompt_t *p)
{
    return (p->kw & KW_MASK_DEBUG) != 0;
}

static bool matches_design(const prompt_t *p)
{
    return (p->kw & KW_MASK_DESIGN) != 0;
}

/* The literals, or one of `expected .+ but got`, `it should .+ but
 * instead`, `already .+ without success` on one line (whose first half
 * the matcher has seen somewhere). */
static bool matches_attempt(const prompt_t *p)
{
    if (p->kw & KW_MASK_ATTEMPT)
        return true;
    size_t n;
    const char *s = folded_text(p, &n);
    return ((p->kw & KW_BIT(KW_ATTEMPT_EXPECTED)) && dotplus(s, n, "expected ", " but got")) ||
           ((p->kw & KW_BIT(KW_ATTEMPT_SHOULD)) && dotplus(s, n, "it should ", " but instead")) ||
           ((p->kw & KW_BIT(KW_ATTEMPT_ALREADY)) && dotplus(s, n, "already ", " without success"));
}

/* The phrases are matched against lower() without the IGNORECASE fold;
 * the matcher saw the folded text, which is lower() itself unless the
 * prompt holds a dotless i or a long s (then scan lower() directly). */
static bool matches_injection(const prompt_t *p)
{
    if (!p->folded)
        return (p->kw & KW_MASK_INJECTION) != 0;
    for (size_t k = 0; k < 10; k++)
        if (contains(p->lower, p->lower_len, scoring_keyword_patterns[KW_INJECTION + k]))
            return true;
    return false;
}

/* Whether the lowercase word w[0..len) is a FILLER word (1), a RANT word
 * (2) or neither (0), by length first. */
static int filler_or_rant(const char *w, size_t len)
{
    const char *const *list;
    size_t count;
    int kind;
    static const char *const f2[] = {"um", "uh"}, *const r3[] = {"wtf", "omg", "lol"},
                             *const f4[] = {"like", "just", "very"}, *const r4[] = {"lmao", "bruh"},
                             *const f6[] = {"really"}, *const f8[] = {"actually"}, *const f9[] = {"basically"};
    switch (len) {
    case 2: list = f2, count = 2, kind = 1; break;
    case 3: list = r3, count = 3, kind = 2; break;
    case 4:
        for (size_t k = 0; k < 3; k++)
            if (memcmp(w, f4[k], 4) == 0)
                return 1;
        list = r4, count = 2, kind = 2;
        break;
    case 6: list = f6, count = 1, kind = 1; break;
    case 8: list = f8, count = 1, kind = 1; break;
    case 9: list = f9, count = 1, kind = 1; break;
    default: return 0;
    }
    for (size_t k = 0; k < count; k++)
        if (w[0] == list[k][0] && memcmp(w, list[k], len) == 0)
            return kind;
    return 0;
}

/* One pass over the maximal runs of word characters of the lowercased
 * text: `\bword\b` for a word made of word characters matches exactly
 * where a whole run equals the word.  Gives the filler count and whether
 * a rant word (UNPROFESSIONAL pattern 1) occurs. */
static void scan_word_runs(const prompt_t *p, size_t *fillers, bool *rant)
{
    const char *s = p->lower;
    size_t n = p->lower_len, i = 0;
    *fillers = 0;
    *rant = false;
    while (i < n) {
        uint32_t cp;
        size_t j;
        unsigned char c = (unsigned char)s[i];
        if (c < 0x80) {
            if (!ascii_word(c)) {
                i++;
                continue;
            }
            j = i + 1;
        } else {
            j = pysem_utf8_next(s, n, i, &cp);
            if (!pysem_isword(cp)) {
                i = j;
                continue;
            }
        }
        size_t start = i;
        i = j;
        while (i < n) {
            c = (unsigned char)s[i];
            if (c < 0x80) {
                if (!ascii_word(c))
                    break;
                i++;
            } else {
                j = pysem_utf8_next(s, n, i, &cp);
                if (!pysem_isword(cp))
                    break;
                i = j;
            }
        }
        size_t len = i - start;
        int kind = filler_or_rant(s + start, len);
        if (kind == 1)
            (*fillers)++;
        else if (kind == 2)
            *rant = true;
    }
}

static bool is_unprofessional(const prompt_t *p, bool rant)
{
    const char *s = p->lower;
    size_t n = p->lower_len;
    if (rant)
        return true;
    /* "!!!" and "???" are in lower() exactly when in its fold */
    if (p->kw & (KW_BIT(KW_BANGS) | KW_BIT(KW_QUERIES)))
        return true;
    for (size_t k = 0; k < NELEM(RANT_STARTS); k++)
        if (starts_with(s, n, RANT_STARTS[k]))
            return true;
    return false;
}

/* (?<!\w)i(?!\w)(?!') on the original text. */
static bool has_lowercase_i(const char *s, size_t n)
{
    const char *p = s;
    while ((p = memchr(p, 'i', n - (size_t)(p - s))) != NULL) {
        size_t at = (size_t)(p - s);
        if (!word_before(s, n, at) && !word_after(s, n, at + 1) && !(at + 1 < n && s[at + 1] == '\''))
            return true;
        p++;
        if ((size_t)(p - s) >= n)
            break;
    }
    return false;
}

static bool is_solution_dump(const prompt_t *p)
{
    return p->wc > 500 &&
           (pysem_count(p->msg, p->msg_len, "def ", 4) + pysem_count(p->msg, p->msg_len, "function ", 9)) > 3;
}

/* ---------------------------------------------------------------------
 * The run
 * ------------------------------------------------------------------- */

typedef struct {
    size_t n;
    size_t T; /* len(prompts) or 1 */
    prompt_t *p;
    pysem_num_t tp, tt, tds, L;
    const json_t *tp_json, *tt_json, *L_json;
    double duration_minutes;
    pysem_num_t total_tokens;
    struct scoring_result *res; /* what the run fills in */
    mem_arena_t *arena;         /* where res and its strings live */
} run_t;

static double bool_rate(const run_t *r, const char *key)
{
    if (r->n == 0)
        return 0.0;
    size_t c = 0;
    for (size_t i = 0; i < r->n; i++)
        if (pysem_truthy(json_object_get(r->p[i].obj, key)))
            c++;
    return (double)c / (double)r->n;
}

static double question_rate(const run_t *r)
{
    if (r->n == 0)
        return 0.0;
    size_t c = 0;
    for (size_t i = 0; i < r->n; i++)
        if (r->p[i].q_rate)
            c++;
    return (double)c / (double)r->n;
}

static double pattern_rate(const run_t *r, bool (*match)(const prompt_t *))
{
    if (r->n == 0)
        return 0.0;
    size_t c = 0;
    for (size_t i = 0; i < r->n; i++)
        if (match(&r->p[i]))
            c++;
    return (double)c / (double)r->n;
}

/* A category's detailed scores and explanations start empty; the
 * category counts in the final score once cat_done gives its score. */
static res_cat_t *cat_begin(run_t *r, int cat)
{
    res_cat_t *c = &r->res->cat[cat];
    c->name = CAT_NAMES[cat];
    c->present = false;
    c->nm = c->ne = 0;
    return c;
}

static void cat_done(run_t *r, int cat, double score)
{
    r->res->cat[cat].present = true;
    r->res->cat[cat].score = score;
}

static void det_add(res_cat_t *c, const char *key, double v)
{
    c->m[c->nm++] = (res_metric_t){key, v, false};
}

static void det_null(res_cat_t *c, const char *key)
{
    c->m[c->nm++] = (res_metric_t){key, 0.0, true};
}

static void ex_str(run_t *r, res_cat_t *c, const char *key, const char *text)
{
    c->e[c->ne++] = (res_expl_t){key, mem_strdup(r->arena, text), NULL};
}

static void ex_json(res_cat_t *c, const char *key, const json_t *v)
{
    c->e[c->ne++] = (res_expl_t){key, NULL, v};
}

static void ex_fmt(run_t *r, res_cat_t *c, const char *key, const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void ex_fmt(run_t *r, res_cat_t *c, const char *key, const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    int len = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    const char *text;
    if (len >= 0 && (size_t)len < sizeof buf) {
        text = mem_strndup(r->arena, buf, (size_t)len);
    } else {
        va_start(ap, fmt);
        text = mem_vprintf(r->arena, fmt, ap);
        va_end(ap);
    }
    c->e[c->ne++] = (res_expl_t){key, text, NULL};
}

/* A detailed score as the original reads it back from its dict: a
 * non-finite one never made it into the JSON, so it reads as 0. */
static double detail(const run_t *r, int cat, const char *key)
{
    const res_cat_t *c = &r->res->cat[cat];
    for (size_t i = 0; i < c->nm; i++)
        if (strcmp(c->m[i].key, key) == 0)
            return c->m[i].null || !isfinite(c->m[i].value) ? 0.0 : c->m[i].value;
    return 0.0;
}

static void score_task_completion(run_t *r)
{
    double tpr_ratio = 0.0;
    bool tt_pos = pysem_num_lt(pysem_num_int(0), r->tt);
    if (tt_pos)
        tpr_ratio = pysem_num_d(r->tp) / pysem_num_d(r->tt);
    double tests_score = clamp10(tpr_ratio * 10.0);

    double d = r->duration_minutes;
    double L = pysem_num_d(r->L);
    bool L_pos = pysem_num_lt(pysem_num_int(0), r->L);
    double tc, te;
    if (L_pos && d > 0) {
        if (d <= L)
            tc = 10.0;
        else if (d <= L * 1.25)
            tc = 7.0;
        else if (d <= L * 1.5)
            tc = 4.0;
        else
            tc = 1.0;
        double u = d / L;
        if (u <= 0.5)
            te = 9.0;
        else if (u <= 0.8)
            te = 8.0;
        else if (u <= 1.0)
            te = 7.0;
        else if (u <= 1.25)
            te = 4.0;
        else
            te = 2.0;
    } else {
        tc = 5.0;
        te = 5.0;
    }
    tc = clamp10(tc);
    te = clamp10(te);
    double cat = clamp10((tests_score + tc + te) / 3.0);

    res_cat_t *oc = cat_begin(r, CAT_TASK_COMPLETION);
    det_add(oc, "tests_passed_ratio", tests_score);
    det_add(oc, "time_compliance", tc);
    det_add(oc, "time_efficiency", te);

    char *tps = pysem_json_str(r->tp_json), *tts = pysem_json_str(r->tt_json), *Ls = pysem_json_str(r->L_json);
    char b1[400], b2[400];
    ex_fmt(r, oc, "tests_passed_ratio", "Passed %s/%s tests (%s%%).", tps, tts, FIX(b1, tpr_ratio * 100, 0));
    ex_fmt(r, oc, "time_compliance", "Completed in %sm of %sm limit.", FIX(b2, d, 0), Ls);
    if (L_pos)
        ex_fmt(r, oc, "time_efficiency", "Used %s%% of allowed time.", FIX(b1, d / L * 100, 0));
    else
        ex_str(r, oc, "time_efficiency", "No time limit set.");
    free(tps);
    free(tts);
    free(Ls);
    cat_done(r, CAT_TASK_COMPLETION, cat);
}

static void score_prompt_clarity(run_t *r)
{
    size_t sweet = 0, short_ = 0, vague = 0;
    for (size_t i = 0; i < r->n; i++) {
        size_t w = r->p[i].wc;
        if (w >= 20 && w <= 150)
            sweet++;
        if (w < 10)
            short_++;
        if (r->p[i].vague)
            vague++;
    }
    double T = (double)r->T;
    double plq = clamp10(((double)sweet / T) * 9.0 - ((double)short_ / T) * 3.0 + 1.0);
    double qr = question_rate(r);
    double qc = clamp10(qr * 10.0);
    long long specific = (long long)r->T - (long long)vague;
    double spec_rate = (double)specific / T;
    double ps = clamp10(spec_rate * 10.0);
    double vs = clamp10((1.0 - (double)vague / T) * 10.0);
    double cat = clamp10((plq + qc + ps + vs) / 4.0);

    res_cat_t *oc = cat_begin(r, CAT_PROMPT_CLARITY);
    det_add(oc, "prompt_length_quality", plq);
    det_add(oc, "question_clarity", qc);
    det_add(oc, "prompt_specificity", ps);
    det_add(oc, "vagueness_score", vs);
    char b[400];
    ex_fmt(r, oc, "prompt_length_quality", "%zu/%zu prompts were in the ideal 20-150 word range.", sweet, r->T);
    ex_fmt(r, oc, "question_clarity", "%s%% of prompts contained clear questions.", FIX(b, qr * 100, 0));
    ex_fmt(r, oc, "prompt_specificity", "%lld/%zu prompts were specific and targeted.", specific, r->T);
    if (vague)
        ex_fmt(r, oc, "vagueness_score", "%zu vague prompt(s) detected.", vague);
    else
        ex_str(r, oc, "vagueness_score", "No vague prompts detected.");
    cat_done(r, CAT_PROMPT_CLARITY, cat);
}

static void score_context_provision(run_t *r)
{
    double cr = bool_rate(r, "code_snippet_included");
    double cc = clamp10(cr * 10.0);
    double er = bool_rate(r, "error_message_included");
    double ec = clamp10(er * 10.0);
    double lr = bool_rate(r, "line_number_referenced");
    double fr = bool_rate(r, "file_reference");
    double rs = clamp10((lr + fr) * 5.0);
    double ar = pattern_rate(r, matches_attempt);
    double as = clamp10(ar * 10.0);
    double cat = clamp10((cc + ec + rs + as) / 4.0);

    res_cat_t *oc = cat_begin(r, CAT_CONTEXT_PROVISION);
    det_add(oc, "code_context_rate", cc);
    det_add(oc, "error_context_rate", ec);
    det_add(oc, "reference_rate", rs);
    det_add(oc, "attempt_mention_rate", as);
    char b[400];
    ex_fmt(r, oc, "code_context_rate", "%s%% of prompts included code snippets.", FIX(b, cr * 100, 0));
    ex_fmt(r, oc, "error_context_rate", "%s%% of prompts included error messages.", FIX(b, er * 100, 0));
    ex_fmt(r, oc, "reference_rate", "Referenced specific lines/files in %s%% of prompts.", FIX(b, (lr + fr) * 50, 0));
    ex_fmt(r, oc, "attempt_mention_rate", "Mentioned prior attempts in %s%% of prompts.", FIX(b, ar * 100, 0));
    cat_done(r, CAT_CONTEXT_PROVISION, cat);
}

/* first_sec of the engine: (prompts[0].time_since_assessment_start_ms or
 * 0) / 1000.0; the caller handles "no prompts". */
static bool first_seconds(const run_t *r, double *out)
{
    pysem_num_t v;
    if (!num_or_zero(json_object_get(r->p[0].obj, "time_since_assessment_start_ms"), &v))
        return false;
    *out = pysem_num_d(v) / 1000.0;
    return true;
}

/* The gap average: sum of truthy gaps of prompts[1:] / their count, or
 * int 0 without gaps (*is_int set). */
static bool gap_average(const run_t *r, double *avg, bool *is_int)
{
    double sum = 0.0;
    size_t count = 0;
    for (size_t i = 1; i < r->n; i++) {
        const json_t *g = json_object_get(r->p[i].obj, "time_since_last_prompt_ms");
        if (!pysem_truthy(g))
            continue;
        pysem_num_t gv;
        if (!pysem_num_from_json(g, &gv))
            return false;
        sum += pysem_num_d(gv) / 1000.0;
        count++;
    }
    if (count == 0) {
        *avg = 0.0;
        *is_int = true;
    } else {
        *avg = sum / (double)count;
        *is_int = false;
    }
    return true;
}

static void score_independence(run_t *r, double first_sec, double avg_gap)
{
    double delay;
    if (first_sec >= 240)
        delay = 10.0;
    else if (first_sec >= 120)
        delay = 8.0;
    else if (first_sec >= 60)
        delay = 5.0;
    else if (first_sec >= 30)
        delay = 3.0;
    else
        delay = 1.0;
    double fpd = clamp10(delay);

    double spacing;
    if (avg_gap >= 120)
        spacing = 9.0;
    else if (avg_gap >= 60)
        spacing = 7.0;
    else if (avg_gap >= 30)
        spacing = 5.0;
    else
        spacing = 2.0;
    double psp = clamp10(spacing);

    bool tp_pos = pysem_num_lt(pysem_num_int(0), r->tp);
    /* max(tests_passed, 1) */
    double tp_max1 = pysem_num_lt(r->tp, pysem_num_int(1)) ? 1.0 : pysem_num_d(r->tp);
    double ppt = tp_pos ? (double)r->T / tp_max1 : (double)r->T;
    double pe = ppt <= 1.5 ? 10.0 : ppt <= 3.0 ? 7.0 : ppt <= 5.0 ? 5.0 : 2.0;
    pe = clamp10(pe);

    double K = pysem_num_d(r->total_tokens);
    double tpt = tp_pos ? K / tp_max1 : K;
    double te = tpt <= 500 ? 10.0 : tpt <= 1000 ? 8.0 : tpt <= 2000 ? 6.0 : tpt <= 5000 ? 4.0 : 2.0;
    te = clamp10(te);

    size_t changes = 0;
    for (size_t i = 0; i < r->n; i++)
        if (r->p[i].code_changed)
            changes++;
    double effort_rate = (double)changes / (double)r->T;
    double ppe = clamp10(effort_rate * 10.0);
    double cat = clamp10((fpd + psp + pe + te + ppe) / 5.0);

    res_cat_t *oc = cat_begin(r, CAT_INDEPENDENCE);
    det_add(oc, "first_prompt_delay", fpd);
    det_add(oc, "prompt_spacing", psp);
    det_add(oc, "prompt_efficiency", pe);
    det_add(oc, "token_efficiency", te);
    det_add(oc, "pre_prompt_effort", ppe);
    char b[400];
    ex_fmt(r, oc, "first_prompt_delay", "Candidate waited %ss before first prompt.%s", FIX(b, first_sec, 0),
           first_sec >= 120 ? " Good self-reliance." : " Prompted quickly.");
    ex_fmt(r, oc, "prompt_spacing", "Average %ss between prompts.%s", FIX(b, avg_gap, 0),
           avg_gap >= 60 ? " Thoughtful pacing." : " Rapid prompting.");
    ex_fmt(r, oc, "prompt_efficiency", "%s prompts per test passed.%s", FIX(b, ppt, 1), ppt <= 2 ? " Efficient." : "");
    ex_fmt(r, oc, "token_efficiency", "%s tokens per test passed.", FIX(b, tpt, 0));
    ex_fmt(r, oc, "pre_prompt_effort", "Changed code before %s%% of prompts.", FIX(b, effort_rate * 100, 0));
    cat_done(r, CAT_INDEPENDENCE, cat);
}

static void score_utilization(run_t *r)
{
    size_t pos = 0, zero = 0;
    for (size_t i = 0; i < r->n; i++) {
        if (r->p[i].delta_pos)
            pos++;
        if (r->p[i].delta_zero)
            zero++;
    }
    double T = (double)r->T;
    double change_rate = (double)pos / T;
    double ppc = clamp10(change_rate * 10.0);
    double wasted = clamp10((1.0 - (double)zero / T) * 10.0);
    double builds = bool_rate(r, "references_previous");
    double retry = bool_rate(r, "retry_after_failure");
    double iq = clamp10(builds * 5.0 + retry * 5.0);
    double cat = clamp10((ppc + wasted + iq) / 3.0);

    res_cat_t *oc = cat_begin(r, CAT_UTILIZATION);
    det_add(oc, "post_prompt_changes", ppc);
    det_add(oc, "wasted_prompts", wasted);
    det_add(oc, "iteration_quality", iq);
    char b[400], b2[400];
    ex_fmt(r, oc, "post_prompt_changes", "Applied AI suggestions in %s%% of prompts.", FIX(b, change_rate * 100, 0));
    if (zero)
        ex_fmt(r, oc, "wasted_prompts", "%zu prompt(s) with no resulting code changes.", zero);
    else
        ex_str(r, oc, "wasted_prompts", "Every prompt led to code changes.");
    ex_fmt(r, oc, "iteration_quality", "Builds on previous responses: %s%%. Retries after failure: %s%%.",
           FIX(b, builds * 100, 0), FIX(b2, retry * 100, 0));
    cat_done(r, CAT_UTILIZATION, cat);
}

static void score_communication(run_t *r)
{
    size_t issues = 0;
    bool seen_i = false, seen_space = false, seen_punct = false;
    unsigned long long sent_sum = 0;
    size_t sent_count = 0;
    size_t unprof = 0, fill = 0;
    unsigned long long total_words = 0;
    for (size_t i = 0; i < r->n; i++) {
        const prompt_t *p = &r->p[i];
        if (has_lowercase_i(p->msg, p->msg_len)) {
            issues++;
            seen_i = true;
        }
        if (p->double_space) {
            issues++;
            seen_space = true;
        }
        if (p->wc > 5) {
            pysem_span_t st = pysem_strip(p->msg, p->msg_len);
            char last = p->msg[st.off + st.len - 1];
            /* the last code point: a multi-byte one ends in a byte >= 0x80 */
            if (!(last == '.' || last == '!' || last == '?' || last == ':')) {
                issues++;
                seen_punct = true;
            }
        }
        sent_sum += p->sent_sum;
        sent_count += p->sent_count;
        size_t f;
        bool rant;
        scan_word_runs(p, &f, &rant);
        if (is_unprofessional(p, rant))
            unprof++;
        fill += f;
        total_words += p->wc;
    }
    double issue_rate = (double)issues / (double)(r->T * 3 > 1 ? r->T * 3 : 1);
    double grammar = clamp10(10.0 - issue_rate * 15.0);

    double read;
    double avg_sent = 0.0;
    if (sent_count) {
        avg_sent = (double)sent_sum / (double)sent_count;
        if (avg_sent >= 10 && avg_sent <= 20)
            read = 9.0;
        else if (avg_sent >= 7 && avg_sent <= 25)
            read = 7.0;
        else if (avg_sent >= 5 && avg_sent <= 35)
            read = 5.0;
        else
            read = 3.0;
    } else {
        read = 5.0;
    }
    read = clamp10(read);

    double filler_rate = (double)fill / (double)(total_words > 1 ? total_words : 1);
    double tone = clamp10(10.0 - (double)unprof * 2.0 - filler_rate * 20.0);
    double cat = clamp10((grammar + read + tone) / 3.0);

    res_cat_t *oc = cat_begin(r, CAT_COMMUNICATION);
    det_add(oc, "grammar_score", grammar);
    det_add(oc, "readability_score", read);
    det_add(oc, "tone_score", tone);

    char summary[256];
    int len;
    if (issues)
        len = snprintf(summary, sizeof summary, "%zu issue(s) detected", issues);
    else
        len = snprintf(summary, sizeof summary, "Clean writing");
    if (seen_i || seen_space || seen_punct) {
        /* the original lists the distinct names in set order; we sort */
        const char *names[3];
        int k = 0;
        if (seen_space)
            names[k++] = "double_space";
        if (seen_i)
            names[k++] = "lowercase_i";
        if (seen_punct)
            names[k++] = "no_end_punctuation";
        len += snprintf(summary + len, sizeof summary - (size_t)len, " (");
        for (int j = 0; j < k; j++)
            len += snprintf(summary + len, sizeof summary - (size_t)len, "%s%s", j ? ", " : "", names[j]);
        snprintf(summary + len, sizeof summary - (size_t)len, ").");
    } else {
        snprintf(summary + len, sizeof summary - (size_t)len, ".");
    }
    ex_str(r, oc, "grammar_score", summary);
    char b[400];
    if (sent_count)
        ex_fmt(r, oc, "readability_score", "Average sentence length: %s words.", FIX(b, avg_sent, 0));
    else
        ex_str(r, oc, "readability_score", "Not enough sentences to evaluate.");
    char nb[32];
    if (unprof)
        snprintf(nb, sizeof nb, "%zu", unprof);
    else
        snprintf(nb, sizeof nb, "No");
    ex_fmt(r, oc, "tone_score", "%s unprofessional pattern(s); filler word rate: %s%%.", nb,
           FIX(b, filler_rate * 100, 1));
    cat_done(r, CAT_COMMUNICATION, cat);
}

static void score_approach(run_t *r)
{
    double dr = pattern_rate(r, matches_debugging);
    double ds = clamp10(dr * 10.0);
    double sr = pattern_rate(r, matches_design);
    double ss = clamp10(sr * 10.0);
    double cat = clamp10((ds + ss) / 2.0);
    res_cat_t *oc = cat_begin(r, CAT_APPROACH);
    det_add(oc, "debugging_score", ds);
    det_add(oc, "design_score", ss);
    char b[400];
    ex_fmt(r, oc, "debugging_score",
           "%s%% of prompts showed debugging strategy (print/log, error analysis, hypotheses).", FIX(b, dr * 100, 0));
    ex_fmt(r, oc, "design_score", "%s%% of prompts referenced design/architecture considerations.",
           FIX(b, sr * 100, 0));
    cat_done(r, CAT_APPROACH, cat);
}

/* float(v) of Python for the fit scores: numbers, bools and numeric
 * strings ("7.5", " 8 ", "1_0", "inf", "nan"). */
static bool py_float(const json_t *v, double *out)
{
    pysem_num_t n;
    if (pysem_num_from_json(v, &n)) {
        *out = pysem_num_d(n);
        return true;
    }
    if (!json_is_string(v))
        return false;
    const char *s = json_string_value(v);
    size_t len = json_string_length(v);
    if (memchr(s, '\0', len))
        return false;
    pysem_span_t st = pysem_strip(s, len);
    if (st.len == 0 || st.len > 512)
        return false;
    char buf[520];
    size_t j = 0;
    const char *t = s + st.off;
    for (size_t i = 0; i < st.len; i++) {
        char c = t[i];
        if (c == '_') {
            /* allowed only between two digits */
            if (i == 0 || i + 1 >= st.len || !(t[i - 1] >= '0' && t[i - 1] <= '9') ||
                !(t[i + 1] >= '0' && t[i + 1] <= '9'))
                return false;
            continue;
        }
        buf[j++] = c;
    }
    buf[j] = '\0';
    const char *b = buf;
    if (*b == '+' || *b == '-')
        b++;
    if (strcasecmp(b, "inf") == 0 || strcasecmp(b, "infinity") == 0 || strcasecmp(b, "nan") == 0) {
        *out = strtod(buf, NULL);
        if (strcasecmp(b, "nan") == 0)
            *out = NAN;
        return true;
    }
    /* digits [. digits] [e [+-] digits], at least one digit in the mantissa */
    const char *q = b;
    int digits = 0;
    while (*q >= '0' && *q <= '9') {
        q++;
        digits++;
    }
    if (*q == '.') {
        q++;
        while (*q >= '0' && *q <= '9') {
            q++;
            digits++;
        }
    }
    if (!digits)
        return false;
    if (*q == 'e' || *q == 'E') {
        q++;
        if (*q == '+' || *q == '-')
            q++;
        if (!(*q >= '0' && *q <= '9'))
            return false;
        while (*q >= '0' && *q <= '9')
            q++;
    }
    if (*q)
        return false;
    *out = strtod(buf, NULL);
    return true;
}

/* ", ".join(seq[:limit]) for a list of strings or a string (whose code
 * points are joined).  Returns a heap string, or NULL where Python raises. */
static char *join_slice(const json_t *seq, size_t limit, const char *sep)
{
    mem_buf_t b = {0};
    mem_buf_append(&b, "", 0);
    if (json_is_array(seq)) {
        for (size_t i = 0; i < json_array_size(seq) && i < limit; i++) {
            const json_t *e = json_array_get(seq, i);
            if (!json_is_string(e)) {
                mem_buf_free(&b);
                return NULL;
            }
            if (i)
                mem_buf_puts(&b, sep);
            mem_buf_append(&b, json_string_value(e), json_string_length(e));
        }
    } else if (json_is_string(seq)) {
        const char *s = json_string_value(seq);
        size_t n = json_string_length(seq), i = 0, k = 0;
        while (i < n && k < limit) {
            uint32_t cp;
            size_t j = pysem_utf8_next(s, n, i, &cp);
            if (k)
                mem_buf_puts(&b, sep);
            mem_buf_append(&b, s + i, j - i);
            i = j;
            k++;
        }
    } else {
        mem_buf_free(&b);
        return NULL;
    }
    return mem_buf_take(&b);
}

static err_t score_cv_match(run_t *r, const json_t *cv, char *errmsg, size_t errlen)
{
    if (pysem_truthy(cv) && !json_is_object(cv))
        return fail(errmsg, errlen, "cv_match_result: not an object");
    const json_t *overall_v = cv ? json_object_get(cv, "cv_job_match_score") : NULL;
    if (!pysem_truthy(cv) || !overall_v || json_is_null(overall_v)) {
        res_cat_t *oc = cat_begin(r, CAT_CV_MATCH);
        det_null(oc, "cv_job_match_score");
        det_null(oc, "skills_match");
        det_null(oc, "experience_relevance");
        ex_str(r, oc, "cv_job_match_score", "No CV or job spec available \xe2\x80\x94 fit scoring skipped.");
        ex_str(r, oc, "skills_match", "Not available.");
        ex_str(r, oc, "experience_relevance", "Not available.");
        return ERR_OK;
    }
    static const char *const keys[3] = {"cv_job_match_score", "skills_match", "experience_relevance"};
    double vals[3];
    for (int k = 0; k < 3; k++) {
        const json_t *v = json_object_get(cv, keys[k]);
        double f = 0.0;
        if (pysem_truthy(v) && !py_float(v, &f))
            return fail(errmsg, errlen, "cv_match_result.%s: not a number", keys[k]);
        vals[k] = clamp10(f);
    }
    const json_t *details = json_object_get(cv, "match_details");
    json_t *empty = NULL;
    if (!details)
        details = empty = json_object();
    if (!json_is_object(details)) {
        return fail(errmsg, errlen, "cv_match_result.match_details: not an object");
    }
    res_cat_t *oc = cat_begin(r, CAT_CV_MATCH);
    char fb[32];
    const json_t *summary = json_object_get(details, "summary");
    if (summary)
        ex_json(oc, "cv_job_match_score", summary);
    else
        ex_fmt(r, oc, "cv_job_match_score", "Overall fit: %s/10.", pysem_repr_float(vals[0], fb));

    err_t e = ERR_OK;
    const json_t *matching = json_object_get(details, "matching_skills");
    if (pysem_truthy(matching)) {
        const json_t *missing = json_object_get(details, "missing_skills");
        json_t *empty_list = NULL;
        if (!missing)
            missing = empty_list = json_array();
        char *a = join_slice(matching, 5, ", ");
        char *m = join_slice(missing, 5, ", ");
        if (a && m)
            ex_fmt(r, oc, "skills_match", "Matching: %s. Missing: %s.", a, m);
        else
            e = fail(errmsg, errlen, "cv_match_result.match_details: bad skills list");
        free(a);
        free(m);
        json_decref(empty_list);
    } else {
        ex_fmt(r, oc, "skills_match", "Skills match: %s/10.", pysem_repr_float(vals[1], fb));
    }
    const json_t *eh = json_object_get(details, "experience_highlights");
    if (e == ERR_OK && pysem_truthy(eh)) {
        char *h = join_slice(eh, 3, "; ");
        if (h)
            ex_fmt(r, oc, "experience_relevance", "Experience highlights: %s.", h);
        else
            e = fail(errmsg, errlen, "cv_match_result.match_details: bad experience list");
        free(h);
    } else if (e == ERR_OK) {
        ex_fmt(r, oc, "experience_relevance", "Experience relevance: %s/10.", pysem_repr_float(vals[2], fb));
    }
    json_decref(empty);
    if (e != ERR_OK)
        return e;
    det_add(oc, "cv_job_match_score", vals[0]);
    det_add(oc, "skills_match", vals[1]);
    det_add(oc, "experience_relevance", vals[2]);
    cat_done(r, CAT_CV_MATCH, vals[0]);
    return ERR_OK;
}

static void per_prompt_scores(run_t *r)
{
    r->res->per_prompt = mem_alloc(r->arena, (r->n ? r->n : 1) * sizeof *r->res->per_prompt);
    for (size_t i = 0; i < r->n; i++) {
        const prompt_t *p = &r->p[i];
        const json_t *o = p->obj;
        size_t wc = p->wc;
        bool sweet = wc >= 20 && wc <= 150;
        bool csi = pysem_truthy(json_object_get(o, "code_snippet_included"));
        bool emi = pysem_truthy(json_object_get(o, "error_message_included"));
        bool ctx = csi || emi || pysem_truthy(json_object_get(o, "line_number_referenced")) ||
                   pysem_truthy(json_object_get(o, "file_reference"));
        double base = sweet ? 7.0 : pysem_max_d(0.0, 7.0 - fabs((double)wc - 80.0) / 15.0);
        double clarity = clamp_range(base + (p->q_pp ? 2.0 : 0.0) + (!p->vague ? 1.0 : -2.0), 0.0, 10.0);
        double spec = clamp_range((ctx ? 4.0 : 1.0) + (csi ? 3.0 : 0.0) + (emi ? 2.0 : 0.0) + (!p->vague ? 1.0 : -1.0),
                                  0.0, 10.0);
        double eff = clamp_range((p->delta_pos ? 5.0 : 2.0) + (wc <= 150 ? 3.0 : 0.0) + (ctx ? 2.0 : 0.0), 0.0, 10.0);
        r->res->per_prompt[i] =
            (res_prompt_t){pysem_round(clarity, 1), pysem_round(spec, 1), pysem_round(eff, 1), wc, ctx, p->vague};
    }
}

static bool external_paste(const run_t *r, bool *out, char *errmsg, size_t errlen)
{
    for (size_t i = 0; i < r->n; i++) {
        pysem_num_t v;
        if (!num_or_zero(json_object_get(r->p[i].obj, "paste_length"), &v)) {
            fail(errmsg, errlen, "interactions[%zu].paste_length: not a number", i);
            return false;
        }
        if (pysem_num_lt(pysem_num_int(400), v)) {
            *out = true;
            return true;
        }
    }
    *out = false;
    return true;
}

/* The legacy component scores: (key, category, detailed metric) * 10. */
static const struct {
    const char *key;
    int cat;
    const char *metric;
} LEGACY[RES_LEGACY] = {
    {"tests_passed_ratio", CAT_TASK_COMPLETION, "tests_passed_ratio"},
    {"time_efficiency", CAT_TASK_COMPLETION, "time_efficiency"},
    {"completion_time", CAT_TASK_COMPLETION, "time_compliance"},
    {"clarity_score", CAT_PROMPT_CLARITY, "prompt_length_quality"},
    {"context_score", CAT_CONTEXT_PROVISION, "code_context_rate"},
    {"specificity_score", CAT_PROMPT_CLARITY, "prompt_specificity"},
    {"independence_score", CAT_INDEPENDENCE, "first_prompt_delay"},
    {"efficiency_score", CAT_INDEPENDENCE, "prompt_efficiency"},
    {"iteration_score", CAT_UTILIZATION, "iteration_quality"},
    {"response_utilization_score", CAT_UTILIZATION, "post_prompt_changes"},
    {"decomposition_score", CAT_APPROACH, "design_score"},
    {"code_quality_score", CAT_COMMUNICATION, "grammar_score"},
};

/* weights_used: the defaults, then every input weight merged in the way
 * dict.update does it (a known key keeps its place). */
static void weights_used(run_t *r, const json_t *weights)
{
    struct scoring_result *res = r->res;
    size_t extra = pysem_truthy(weights) ? json_object_size(weights) : 0;
    res->weights = mem_alloc(r->arena, (12 + extra) * sizeof *res->weights);
    for (int k = 0; k < 12; k++)
        res->weights[k] = (res_weight_t){MVP_WEIGHT_NAMES[k], MVP_WEIGHT_VALUES[k], NULL};
    res->nweights = 12;
    if (!extra)
        return;
    const char *key;
    json_t *val;
    json_object_foreach((json_t *)weights, key, val)
    {
        size_t k = 0;
        while (k < res->nweights && strcmp(res->weights[k].key, key) != 0)
            k++;
        if (k == res->nweights)
            res->weights[res->nweights++].key = key;
        res->weights[k].json = val;
    }
}

/* The weighted final score over the categories present; ERR_VALIDATION
 * when a weight that is used is not a number. */
static err_t final_weighted(run_t *r, const json_t *weights, double *out, char *errmsg, size_t errlen)
{
    double ws = 0.0, tw = 0.0;
    for (int c = 0; c < CAT_COUNT; c++) {
        if (!r->res->cat[c].present)
            continue;
        double w = CAT_WEIGHTS[c];
        const json_t *ov = weights ? json_object_get(weights, CAT_NAMES[c]) : NULL;
        if (ov) {
            pysem_num_t wn;
            if (!pysem_num_from_json(ov, &wn))
                return fail(errmsg, errlen, "weights.%s: not a number", CAT_NAMES[c]);
            w = pysem_num_d(wn);
        }
        ws += r->res->cat[c].score * w * 10.0;
        tw += w;
    }
    *out = pysem_round(clamp_range(tw > 0 ? ws / tw : 0.0, 0.0, 100.0), 2);
    return ERR_OK;
}

/* fraud, metric_details and soft_signals. */
static void summaries(run_t *r, const json_t *tests_passed, const json_t *tests_total, double first_sec, double avg_gap,
                      bool avg_is_int, bool ext_paste)
{
    struct scoring_result *res = r->res;
    double paste_rate = bool_rate(r, "paste_detected");
    bool dump = false, inject = false, big = false;
    size_t zero = 0;
    for (size_t i = 0; i < r->n; i++) {
        if (!dump && is_solution_dump(&r->p[i]))
            dump = true;
        if (!inject && matches_injection(&r->p[i]))
            inject = true;
        if (r->p[i].wc > 1000)
            big = true;
        if (r->p[i].delta_zero)
            zero++;
    }
    bool fast = pysem_num_lt(r->tds, pysem_num_int(300)) && pysem_num_lt(pysem_num_int(0), r->tp);
    double fraud_first = r->n ? first_sec : 999.0;
    unsigned flags = 0;
    if (paste_rate > 0.70)
        flags |= RES_FLAG_PASTE_RATIO;
    if (ext_paste)
        flags |= RES_FLAG_EXTERNAL_PASTE;
    if (dump)
        flags |= RES_FLAG_SOLUTION_DUMP;
    if (inject)
        flags |= RES_FLAG_INJECTION;
    if (fast)
        flags |= RES_FLAG_FAST;
    if (fraud_first < 30)
        flags |= RES_FLAG_FIRST_PROMPT;
    if (r->T >= 3 && zero >= 3)
        flags |= RES_FLAG_ZERO_CHANGES;
    if (big)
        flags |= RES_FLAG_BIG_PROMPT;
    if (flags)
        res->final_score = pysem_round(pysem_min_d(res->final_score, FRAUD_SCORE_CAP), 2);
    res->flags = flags;
    res->paste_ratio = pysem_round(paste_rate, 3);
    res->external_paste = ext_paste;
    res->solution_dump = dump;
    res->injection = inject;
    res->fast = fast;

    for (int k = 0; k < RES_LEGACY; k++) {
        res->legacy_key[k] = LEGACY[k].key;
        res->legacy[k] = pysem_round(detail(r, LEGACY[k].cat, LEGACY[k].metric) * 10, 2);
    }

    /* metric_details */
    unsigned long long wsum = 0;
    size_t wmin = 0, wmax = 0, vague = 0, changes = 0, pos = 0, focus = 0, sink = 0;
    for (size_t i = 0; i < r->n; i++) {
        size_t w = r->p[i].wc;
        wsum += w;
        if (i == 0 || w < wmin)
            wmin = w;
        if (i == 0 || w > wmax)
            wmax = w;
        if (r->p[i].vague)
            vague++;
        if (r->p[i].code_changed)
            changes++;
        if (r->p[i].delta_pos)
            pos++;
        if (w >= 15 && w <= 180)
            focus++;
        if (w > 350)
            sink++;
    }
    res->wc_avg_is_int = r->n == 0;
    if (r->n)
        res->wc_avg = pysem_round((double)wsum / (double)r->n, 2);
    res->wc_min = (long long)wmin;
    res->wc_max = (long long)wmax;
    res->question_presence = pysem_round(question_rate(r), 3);
    res->code_snippet_rate = pysem_round(bool_rate(r, "code_snippet_included"), 3);
    res->error_message_rate = pysem_round(bool_rate(r, "error_message_included"), 3);
    res->line_reference_rate = pysem_round(bool_rate(r, "line_number_referenced"), 3);
    res->file_reference_rate = pysem_round(bool_rate(r, "file_reference"), 3);
    res->vague_count = (long long)vague;
    res->specific_count = (long long)r->n - (long long)vague;
    res->early_prompt_penalty = first_sec < 60 ? 25.0 : 0.0;
    res->code_changes_before = (long long)changes;
    /* prompt_quality_trend */
    size_t h = r->n / 2 > 1 ? r->n / 2 : 1;
    size_t first_len = r->n < h ? r->n : h;
    double fq = 0.0, sq;
    if (first_len) {
        unsigned long long sum = 0;
        for (size_t i = 0; i < first_len; i++)
            sum += r->p[i].wc;
        fq = (double)sum / (double)first_len;
    }
    sq = fq;
    if (r->n > 1 && r->n > h) {
        unsigned long long sum = 0;
        for (size_t i = h; i < r->n; i++)
            sum += r->p[i].wc;
        sq = (double)sum / (double)(r->n - h);
    }
    res->prompt_quality_trend = sq >= fq ? 1.0 : 0.0;
    res->builds_on_previous = pysem_round(bool_rate(r, "references_previous"), 3);
    res->retry_after_failure = pysem_round(bool_rate(r, "retry_after_failure"), 3);
    res->deltas = mem_alloc(r->arena, (r->n ? r->n : 1) * sizeof *res->deltas);
    for (size_t i = 0; i < r->n; i++)
        res->deltas[i] = r->p[i].delta;
    res->zero_change_count = (long long)zero;
    double nmax = (double)(r->n ? r->n : 1);
    res->response_to_code = pysem_round((double)pos / nmax, 3);
    res->single_focus_rate = pysem_round((double)focus / nmax, 3);
    res->kitchen_sink_count = (long long)sink;
    res->error_recovery = pysem_round(detail(r, CAT_APPROACH, "debugging_score") * 10, 2);

    /* soft_signals */
    res->session_minutes = pysem_round(r->duration_minutes, 2);
    res->tests_total = tests_total;
    res->tests_passed = tests_passed;
    res->timestamps = mem_alloc(r->arena, (r->n ? r->n : 1) * sizeof *res->timestamps);
    for (size_t i = 0; i < r->n; i++)
        res->timestamps[i] = json_object_get(r->p[i].obj, "timestamp");
    res->peak = (r->n && r->n / 2 >= r->n - r->n / 2) ? "early" : "late";
    res->ttfp_is_int = r->n == 0;
    if (r->n)
        res->ttfp = pysem_round(first_sec, 2);
    res->avg_gap_is_int = avg_is_int;
    if (!avg_is_int)
        res->avg_gap = pysem_round(avg_gap, 2);
    res->per_test_null = !pysem_num_truthy(r->tp);
    if (!res->per_test_null) {
        double tp_max1 = pysem_num_lt(pysem_num_int(1), r->tp) ? pysem_num_d(r->tp) : 1.0;
        res->prompts_per_test = pysem_round((double)r->n / tp_max1, 3);
        res->tokens_per_test = pysem_round(pysem_num_d(r->total_tokens) / tp_max1, 3);
    }
    res->total_tokens = r->total_tokens;
}

/* Reads the per-prompt facts; ERR_VALIDATION where the original raises. */
static err_t read_prompts(run_t *r, const json_t *interactions, char *errmsg, size_t errlen)
{
    r->p = mem_alloc(r->arena, (r->n ? r->n : 1) * sizeof *r->p);
    r->total_tokens = pysem_num_int(0);
    for (size_t i = 0; i < r->n; i++) {
        const json_t *o = json_array_get(interactions, i);
        if (!json_is_object(o))
            return fail(errmsg, errlen, "interactions[%zu]: not a dict", i);
        err_t e = prompt_init(r->arena, &r->p[i], o, i, errmsg, errlen);
        if (e != ERR_OK)
            return e;
        pysem_num_t a, b;
        if (!num_or_zero(json_object_get(o, "input_tokens"), &a) ||
            !num_or_zero(json_object_get(o, "output_tokens"), &b))
            return fail(errmsg, errlen, "interactions[%zu]: token counts are not numbers", i);
        r->total_tokens = pysem_num_add(r->total_tokens, pysem_num_add(a, b));
    }
    return ERR_OK;
}

static err_t engine_compute(const json_t *interactions, const json_t *tests_passed, const json_t *tests_total,
                            const json_t *total_duration_seconds, const json_t *time_limit_minutes,
                            const json_t *v2_enabled, const json_t *weights, const json_t *cv_match_result,
                            mem_arena_t *arena, const scoring_result_t **result, char *errmsg, size_t errlen)
{
    *result = NULL;
    if (errmsg && errlen)
        errmsg[0] = '\0';
    run_t r;
    memset(&r, 0, sizeof r);
    r.arena = arena;

    if (pysem_truthy(interactions) && !json_is_array(interactions))
        return fail(errmsg, errlen, "interactions: not a list");
    r.n = pysem_truthy(interactions) ? json_array_size(interactions) : 0;
    r.T = r.n ? r.n : 1;

    if (!pysem_num_from_json(tests_passed, &r.tp))
        return fail(errmsg, errlen, "tests_passed: not a number");
    if (!pysem_num_from_json(tests_total, &r.tt))
        return fail(errmsg, errlen, "tests_total: not a number");
    if (!pysem_num_from_json(total_duration_seconds, &r.tds))
        return fail(errmsg, errlen, "total_duration_seconds: not a number");
    if (!pysem_num_from_json(time_limit_minutes, &r.L))
        return fail(errmsg, errlen, "time_limit_minutes: not a number");
    r.tp_json = tests_passed;
    r.tt_json = tests_total;
    r.L_json = time_limit_minutes;
    if (pysem_truthy(weights) && !json_is_object(weights))
        return fail(errmsg, errlen, "weights: not a mapping");

    r.duration_minutes = pysem_num_truthy(r.tds) ? pysem_num_d(r.tds) / 60.0 : 0.0;
    r.res = mem_alloc(arena, sizeof *r.res);
    r.res->n = r.n;

    err_t e = read_prompts(&r, interactions, errmsg, errlen);
    if (e != ERR_OK)
        return e;
    double first_sec = 0.0, avg_gap = 0.0;
    bool avg_is_int = true;
    if (r.n && !first_seconds(&r, &first_sec))
        return fail(errmsg, errlen, "interactions[0].time_since_assessment_start_ms: not a number");
    if (!gap_average(&r, &avg_gap, &avg_is_int))
        return fail(errmsg, errlen, "time_since_last_prompt_ms: not a number");
    bool ext_paste = false;
    if (!external_paste(&r, &ext_paste, errmsg, errlen))
        return ERR_VALIDATION;

    score_task_completion(&r);
    score_prompt_clarity(&r);
    score_context_provision(&r);
    score_independence(&r, first_sec, avg_gap);
    score_utilization(&r);
    score_communication(&r);
    score_approach(&r);
    e = score_cv_match(&r, cv_match_result, errmsg, errlen);
    if (e == ERR_OK)
        e = final_weighted(&r, weights, &r.res->final_score, errmsg, errlen);
    if (e != ERR_OK)
        return e;

    per_prompt_scores(&r);
    summaries(&r, tests_passed, tests_total, first_sec, avg_gap, avg_is_int, ext_paste);
    weights_used(&r, weights);
    r.res->v2_enabled = v2_enabled;
    *result = r.res;
    return ERR_OK;
}

err_t scoring_engine_compute(const json_t *args, mem_arena_t *arena, const scoring_result_t **result, char *errmsg,
                             size_t errlen)
{
    *result = NULL;
    if (!json_is_object(args))
        return fail(errmsg, errlen, "engine arguments: not an object");
    return engine_compute(json_object_get(args, "interactions"), json_object_get(args, "tests_passed"),
                          json_object_get(args, "tests_total"), json_object_get(args, "total_duration_seconds"),
                          json_object_get(args, "time_limit_minutes"), json_object_get(args, "v2_enabled"),
                          json_object_get(args, "weights"), json_object_get(args, "cv_match_result"), arena, result,
                          errmsg, errlen);
}

void scoring_result_encode(const scoring_result_t *result, mem_buf_t *out)
{
    scoring_result_write_text(result, out);
}

json_t *scoring_result_json(const scoring_result_t *result)
{
    return scoring_result_write_json(result);
}

err_t scoring_engine_score(const json_t *interactions, const json_t *tests_passed, const json_t *tests_total,
                           const json_t *total_duration_seconds, const json_t *time_limit_minutes,
                           const json_t *v2_enabled, const json_t *weights, const json_t *cv_match_result,
                           json_t **result, char *errmsg, size_t errlen)
{
    *result = NULL;
    mem_arena_t *arena = mem_arena_new();
    const scoring_result_t *res;
    err_t e = engine_compute(interactions, tests_passed, tests_total, total_duration_seconds, time_limit_minutes,
                             v2_enabled, weights, cv_match_result, arena, &res, errmsg, errlen);
    if (e == ERR_OK)
        *result = scoring_result_write_json(res);
    mem_arena_free(arena);
    return e;
}

err_t scoring_engine_run(const json_t *args, json_t **result, char *errmsg, size_t errlen)
{
    *result = NULL;
    if (!json_is_object(args))
        return fail(errmsg, errlen, "engine arguments: not an object");
    const json_t *v2 = json_object_get(args, "v2_enabled");
    return scoring_engine_score(json_object_get(args, "interactions"), json_object_get(args, "tests_passed"),
                                json_object_get(args, "tests_total"), json_object_get(args, "total_duration_seconds"),
                                json_object_get(args, "time_limit_minutes"), v2, json_object_get(args, "weights"),
                                json_object_get(args, "cv_match_result"), result, errmsg, errlen);
}
