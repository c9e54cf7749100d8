/* keywords: the keyword lists of the original's rules.py (§4) and the
 * heuristics' COPYPASTE names, and the one automaton that finds them. */
#include "components/scoring/keywords.h"

#include <pthread.h>

const char *const scoring_keyword_patterns[KW_COUNT] = {
    /* DEBUGGING_PATTERNS (14) */
    "print",
    "log",
    "debug",
    "error",
    "exception",
    "traceback",
    "stack",
    "step by step",
    "one at a time",
    "isolat",
    "hypothesis",
    "theory",
    "suspect",
    "might be",
    /* DESIGN_PATTERNS (18) */
    "architect",
    "structure",
    "design",
    "pattern",
    "tradeoff",
    "trade-off",
    "pros and cons",
    "alternative",
    "scalab",
    "maintain",
    "extend",
    "modular",
    "edge case",
    "corner case",
    "what if",
    "performance",
    "efficiency",
    "complexity",
    /* ATTEMPT_PATTERNS: the literals, then the first halves of the three `a .+ b` */
    "i tried",
    "i've tried",
    "i attempted",
    "expected ",
    "it should ",
    "already ",
    /* INJECTION_PHRASES (10) */
    "ignore previous instructions",
    "ignore all instructions",
    "ignore prior instructions",
    "disregard above",
    "disregard the above",
    "disregard previous",
    "disregard the previous",
    "you are now",
    "new instructions:",
    "forget everything",
    /* UNPROFESSIONAL punctuation */
    "!!!",
    "???",
    /* COPYPASTE names */
    "stackoverflow.com",
    "chatgpt",
    "openai",
    "gemini",
    "copilot",
    /* the code points the engine's fold replaces */
    "\xc4\xb1",
    "\xc5\xbf",
};

static pthread_once_t keywords_once = PTHREAD_ONCE_INIT;
static scoring_matcher_t *keywords_matcher;

static void keywords_build(void)
{
    keywords_matcher = scoring_matcher_new(scoring_keyword_patterns, KW_COUNT);
}

const scoring_matcher_t *scoring_keywords(void)
{
    pthread_once(&keywords_once, keywords_build);
    return keywords_matcher;
}
