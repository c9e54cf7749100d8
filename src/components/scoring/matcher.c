/* matcher: a dense Aho-Corasick automaton (a DFA: every state has a
 * transition for every byte class, failure links folded in at build
 * time), so a scan is one table load and one OR per byte.
 *
 * Bytes that occur in no pattern share one class, which keeps the table
 * small (states x classes); the state count is at most the total pattern
 * length + 1.  Each state carries the set of patterns that end there or
 * at any state on its failure chain. */
#include "components/scoring/matcher.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "platform/mem.h"

struct scoring_matcher {
    uint8_t cls[256]; /* byte -> class; 0 is "in no pattern" */
    size_t nclass;
    size_t nstate;
    uint32_t *next; /* nstate x nclass */
    uint64_t *out;  /* nstate */
};

/* Trie construction: transitions start at 0 (= no edge, since no edge
 * leads back to the root). */
static uint32_t matcher_add(scoring_matcher_t *m, const char *p)
{
    uint32_t s = 0;
    for (const unsigned char *c = (const unsigned char *)p; *c; c++) {
        uint32_t *t = &m->next[(size_t)s * m->nclass + m->cls[*c]];
        if (!*t)
            *t = (uint32_t)m->nstate++;
        s = *t;
    }
    return s;
}

/* Breadth-first: fills each missing transition with the failure state's
 * and ORs the failure state's outputs in. */
static void matcher_link(scoring_matcher_t *m)
{
    uint32_t *fail = xcalloc(m->nstate, sizeof *fail);
    uint32_t *queue = xmalloc(m->nstate * sizeof *queue);
    size_t head = 0, tail = 0;
    for (size_t c = 0; c < m->nclass; c++) {
        uint32_t t = m->next[c];
        if (t) {
            fail[t] = 0;
            queue[tail++] = t;
        }
    }
    while (head < tail) {
        uint32_t s = queue[head++];
        m->out[s] |= m->out[fail[s]];
        for (size_t c = 0; c < m->nclass; c++) {
            uint32_t *t = &m->next[(size_t)s * m->nclass + c];
            uint32_t via_fail = m->next[(size_t)fail[s] * m->nclass + c];
            if (*t) {
                fail[*t] = via_fail;
                queue[tail++] = *t;
            } else {
                *t = via_fail;
            }
        }
    }
    free(queue);
    free(fail);
}

scoring_matcher_t *scoring_matcher_new(const char *const *patterns, size_t n)
{
    if (n > SCORING_MATCHER_MAX)
        return NULL;
    size_t total = 1;
    bool used[256] = {false};
    for (size_t i = 0; i < n; i++) {
        if (!patterns[i][0])
            return NULL;
        for (const unsigned char *c = (const unsigned char *)patterns[i]; *c; c++)
            used[*c] = true;
        total += strlen(patterns[i]);
    }
    scoring_matcher_t *m = xcalloc(1, sizeof *m);
    m->nclass = 1;
    for (int b = 0; b < 256; b++)
        if (used[b])
            m->cls[b] = (uint8_t)m->nclass++;
    m->nstate = 1;
    m->next = xcalloc(total * m->nclass, sizeof *m->next);
    m->out = xcalloc(total, sizeof *m->out);
    for (size_t i = 0; i < n; i++)
        m->out[matcher_add(m, patterns[i])] |= (uint64_t)1 << i;
    matcher_link(m);
    return m;
}

void scoring_matcher_free(scoring_matcher_t *m)
{
    if (!m)
        return;
    free(m->next);
    free(m->out);
    free(m);
}

void scoring_matcher_feed(const scoring_matcher_t *m, scoring_matcher_run_t *run, const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s, *end = p + len;
    const uint32_t *next = m->next;
    const uint64_t *out = m->out;
    size_t nclass = m->nclass;
    uint32_t st = run->state;
    uint64_t seen = run->seen;
    while (p < end) {
        st = next[(size_t)st * nclass + m->cls[*p++]];
        seen |= out[st];
    }
    run->state = st;
    run->seen = seen;
}

uint64_t scoring_matcher_scan(const scoring_matcher_t *m, const char *s, size_t len)
{
    scoring_matcher_run_t run = {0, 0};
    scoring_matcher_feed(m, &run, s, len);
    return run.seen;
}
