/* Tests of the scoring matcher against the naive answer (memmem for each
 * pattern) on seeded random texts and random keyword sets over a small
 * alphabet (so that patterns overlap, nest and repeat, and match often),
 * fed whole and in random pieces; and of the shared keyword automaton
 * against memmem on each of its own patterns planted in random text. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "components/scoring/keywords.h"
#include "components/scoring/matcher.h"

static uint64_t rng_state = 0x0123456789abcdefULL;

static uint64_t rng_next(void)
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static size_t rng_below(size_t n)
{
    return (size_t)(rng_next() % n);
}

/* a, b, c, a space, two UTF-8 lead/continuation bytes and a NUL in texts */
static const char ALPHABET[] = {'a', 'b', 'c', ' ', (char)0xC4, (char)0xB1};

static uint64_t naive(char pats[][8], size_t n, const char *s, size_t len)
{
    uint64_t seen = 0;
    for (size_t i = 0; i < n; i++)
        if (memmem(s, len, pats[i], strlen(pats[i])))
            seen |= (uint64_t)1 << i;
    return seen;
}

static void test_random_sets(void **state)
{
    (void)state;
    char text[400];
    for (int round = 0; round < 3000; round++) {
        size_t n = 1 + rng_below(SCORING_MATCHER_MAX);
        char pats[SCORING_MATCHER_MAX][8];
        const char *ptrs[SCORING_MATCHER_MAX];
        size_t alpha = 2 + rng_below(sizeof ALPHABET - 1);
        for (size_t i = 0; i < n; i++) {
            size_t len = 1 + rng_below(6);
            for (size_t k = 0; k < len; k++)
                pats[i][k] = ALPHABET[rng_below(alpha)];
            pats[i][len] = '\0';
            ptrs[i] = pats[i];
        }
        scoring_matcher_t *m = scoring_matcher_new(ptrs, n);
        assert_non_null(m);
        for (int t = 0; t < 10; t++) {
            size_t len = rng_below(sizeof text);
            for (size_t k = 0; k < len; k++)
                text[k] = rng_below(50) == 0 ? '\0' : ALPHABET[rng_below(alpha)];
            uint64_t want = naive(pats, n, text, len);
            uint64_t got = scoring_matcher_scan(m, text, len);
            if (got != want)
                fail_msg("round %d: got %#llx, want %#llx", round, (unsigned long long)got, (unsigned long long)want);
            /* the same text fed in random pieces */
            scoring_matcher_run_t run = {0, 0};
            size_t off = 0;
            while (off < len) {
                size_t piece = 1 + rng_below(len - off);
                scoring_matcher_feed(m, &run, text + off, piece);
                off += piece;
            }
            assert_int_equal(run.seen, want);
        }
        scoring_matcher_free(m);
    }
}

static void test_limits(void **state)
{
    (void)state;
    const char *ps[SCORING_MATCHER_MAX + 1];
    for (size_t i = 0; i <= SCORING_MATCHER_MAX; i++)
        ps[i] = "x";
    assert_null(scoring_matcher_new(ps, SCORING_MATCHER_MAX + 1));
    const char *empty[] = {"a", ""};
    assert_null(scoring_matcher_new(empty, 2));
    /* 64 copies of one pattern: all 64 bits, and nothing on other text */
    scoring_matcher_t *m = scoring_matcher_new(ps, SCORING_MATCHER_MAX);
    assert_int_equal(scoring_matcher_scan(m, "yxy", 3), UINT64_MAX);
    assert_int_equal(scoring_matcher_scan(m, "yyy", 3), 0);
    assert_int_equal(scoring_matcher_scan(m, "", 0), 0);
    scoring_matcher_free(m);
}

static void test_keyword_automaton(void **state)
{
    (void)state;
    const scoring_matcher_t *m = scoring_keywords();
    assert_non_null(m);
    assert_ptr_equal(m, scoring_keywords());
    char text[600];
    static const char filler[] = "the quick brown fox, stacks? logs! i've 'tried' edge-case ";
    for (int round = 0; round < 20000; round++) {
        size_t len = 0;
        while (len < 300) {
            if (rng_below(8) == 0) {
                const char *p = scoring_keyword_patterns[rng_below(KW_COUNT)];
                size_t pl = strlen(p);
                /* sometimes only a prefix of a keyword */
                if (rng_below(3) == 0)
                    pl = 1 + rng_below(pl);
                memcpy(text + len, p, pl);
                len += pl;
            } else {
                text[len++] = filler[rng_below(sizeof filler - 1)];
            }
        }
        uint64_t want = 0;
        for (size_t i = 0; i < KW_COUNT; i++)
            if (memmem(text, len, scoring_keyword_patterns[i], strlen(scoring_keyword_patterns[i])))
                want |= KW_BIT(i);
        assert_int_equal(scoring_matcher_scan(m, text, len), want);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_random_sets),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_keyword_automaton),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
