/* matcher: one Aho-Corasick automaton that finds which of up to 64 byte
 * strings occur in a text, in a single pass over it.  Private to the
 * scoring component (the engine and the heuristics share one automaton
 * holding every keyword list; see keywords.h). */
#ifndef TALI_COMPONENTS_SCORING_MATCHER_H
#define TALI_COMPONENTS_SCORING_MATCHER_H

#include <stddef.h>
#include <stdint.h>

#define SCORING_MATCHER_MAX 64

typedef struct scoring_matcher scoring_matcher_t;

/* Builds the automaton of patterns[0..n) (n <= SCORING_MATCHER_MAX, each
 * pattern non-empty, NUL-terminated, matched byte for byte).  The result
 * is immutable, safe to share between threads, and freed with
 * scoring_matcher_free.  Returns NULL when n is out of range or a
 * pattern is empty. */
scoring_matcher_t *scoring_matcher_new(const char *const *patterns, size_t n);

void scoring_matcher_free(scoring_matcher_t *m);

/* Bit i of the result is set when patterns[i] occurs in s[0..len) as a
 * substring (the answer of memmem for each pattern, all at once). */
uint64_t scoring_matcher_scan(const scoring_matcher_t *m, const char *s, size_t len);

/* A scan fed in pieces, for text produced chunk by chunk: zero-initialise,
 * feed every piece in order; seen then holds what scan would return for
 * the concatenation. */
typedef struct {
    uint32_t state;
    uint64_t seen;
} scoring_matcher_run_t;

void scoring_matcher_feed(const scoring_matcher_t *m, scoring_matcher_run_t *run, const char *s, size_t len);

#endif
