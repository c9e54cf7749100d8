/* fuzz_workable_scopes: feeds O3's `scopes` query and a token answer's
 * `scope` (the input, cut at its first NUL) to workable_scopes_parse and
 * workable_scopes_granted (src/components/integrations/workable/
 * oauth_state.c).  Checks the oauth_state.h promise: a parse that passes
 * gives known, distinct tokens including r_jobs and r_candidates; one that
 * fails gives one of the three 400 texts; the lenient reading gives known,
 * distinct tokens, or the fallback. */
#include "fuzz.h"

#include "components/integrations/workable/oauth_state.h"

static bool fuzz_known(const char *t)
{
    return strcmp(t, "r_jobs") == 0 || strcmp(t, "r_candidates") == 0 || strcmp(t, "w_candidates") == 0;
}

static void fuzz_distinct_known(const char **v, size_t n)
{
    FUZZ_CHECK(n <= 3);
    for (size_t i = 0; i < n; i++) {
        FUZZ_CHECK(fuzz_known(v[i]));
        for (size_t k = 0; k < i; k++)
            FUZZ_CHECK(strcmp(v[i], v[k]) != 0);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *raw = malloc(size + 1);
    memcpy(raw, data, size);
    raw[size] = '\0';
    mem_arena_t *a = mem_arena_new();
    const char **v = NULL;
    size_t n = 0;
    const char *bad = workable_scopes_parse(a, raw, &v, &n);
    if (bad) {
        FUZZ_CHECK(strcmp(bad, "No scopes provided") == 0 || strncmp(bad, "Unsupported scope: ", 19) == 0 ||
                   strcmp(bad, "Scopes must include r_jobs and r_candidates") == 0);
    } else {
        fuzz_distinct_known(v, n);
        bool jobs = false, cands = false;
        for (size_t i = 0; i < n; i++) {
            jobs = jobs || strcmp(v[i], "r_jobs") == 0;
            cands = cands || strcmp(v[i], "r_candidates") == 0;
        }
        FUZZ_CHECK(jobs && cands);
    }
    const char *fallback[] = {"r_jobs"};
    const char **g = NULL;
    size_t gn = workable_scopes_granted(a, raw, fallback, 1, &g);
    FUZZ_CHECK(gn >= 1);
    fuzz_distinct_known(g, gn);
    mem_arena_free(a);
    free(raw);
    return 0;
}
