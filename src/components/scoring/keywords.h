/* keywords: every literal keyword list of the engine (§4) and the
 * heuristics' COPYPASTE names, in one shared matcher built on first use.
 * Private to the scoring component.
 *
 * Engine patterns are matched against msg.lower() with ı->i and ſ->s
 * folded (what IGNORECASE adds for literals); the heuristics' names
 * against the heuristics fold (ASCII lowercase plus İ/ı->i, ſ->s,
 * K (Kelvin)->k).  The result of one scan is a bit set; the masks below
 * pick each list out of it. */
#ifndef TALI_COMPONENTS_SCORING_KEYWORDS_H
#define TALI_COMPONENTS_SCORING_KEYWORDS_H

#include <stdint.h>

#include "components/scoring/matcher.h"

enum {
    KW_DEBUG = 0,             /* 14 DEBUGGING_WORDS */
    KW_DESIGN = 14,           /* 18 DESIGN_WORDS */
    KW_ATTEMPT = 32,          /* 3 ATTEMPT_WORDS */
    KW_ATTEMPT_EXPECTED = 35, /* "expected " (gate of `expected .+ but got`) */
    KW_ATTEMPT_SHOULD = 36,   /* "it should " */
    KW_ATTEMPT_ALREADY = 37,  /* "already " */
    KW_INJECTION = 38,        /* 10 INJECTION_PHRASES */
    KW_BANGS = 48,            /* "!!!" */
    KW_QUERIES = 49,          /* "???" */
    KW_COPYPASTE_SO = 50,     /* "stackoverflow.com" */
    KW_COPYPASTE_AI = 51,     /* 4: chatgpt, openai, gemini, copilot */
    KW_DOTLESS_I = 55,        /* U+0131 in UTF-8: lower() needs the IGNORECASE fold */
    KW_LONG_S = 56,           /* U+017F */
    KW_COUNT = 57
};

#define KW_BIT(i) ((uint64_t)1 << (i))
#define KW_RANGE(first, n) ((((uint64_t)1 << (n)) - 1) << (first))
#define KW_MASK_DEBUG KW_RANGE(KW_DEBUG, 14)
#define KW_MASK_DESIGN KW_RANGE(KW_DESIGN, 18)
#define KW_MASK_ATTEMPT KW_RANGE(KW_ATTEMPT, 3)
#define KW_MASK_INJECTION KW_RANGE(KW_INJECTION, 10)
#define KW_MASK_COPYPASTE_AI KW_RANGE(KW_COPYPASTE_AI, 4)

/* The patterns, indexed as above (KW_COUNT of them). */
extern const char *const scoring_keyword_patterns[KW_COUNT];

/* The shared automaton of scoring_keyword_patterns, built once (thread
 * safe) and kept for the life of the process. */
const scoring_matcher_t *scoring_keywords(void);

#endif
