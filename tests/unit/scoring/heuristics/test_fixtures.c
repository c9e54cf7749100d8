/* Differential test of the heuristic signals (scoring-spec §11.1, §16):
 * every case of cases.jsonl that carries heuristics_input is run through
 * scoring_heuristics_compute and compared with `heuristics` of the same
 * line of expected.jsonl.  Cases where the original raised inside the
 * heuristics must be rejected.  Prints "N passed, N failed". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "components/scoring/heuristics.h"
#include "jsoncmp.h"

static char *read_line(FILE *f)
{
    char *line = NULL;
    size_t cap = 0;
    ssize_t n = getline(&line, &cap, f);
    if (n < 0) {
        free(line);
        return NULL;
    }
    return line;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: %s cases.jsonl expected.jsonl\n", argv[0]);
        return 2;
    }
    FILE *fc = fopen(argv[1], "r");
    FILE *fe = fopen(argv[2], "r");
    if (!fc || !fe) {
        fprintf(stderr, "cannot open the fixtures\n");
        return 2;
    }
    int passed = 0, failed = 0, lineno = 0;
    char *lc, *le;
    while ((lc = read_line(fc)) && (le = read_line(fe))) {
        lineno++;
        json_error_t je;
        json_t *c = json_loads(lc, 0, &je);
        json_t *e = json_loads(le, 0, &je);
        free(lc);
        free(le);
        if (!c || !e) {
            fprintf(stderr, "line %d: bad fixture JSON\n", lineno);
            failed++;
            json_decref(c);
            json_decref(e);
            continue;
        }
        const json_t *hin = json_object_get(c, "heuristics_input");
        if (hin) {
            long long id = json_integer_value(json_object_get(c, "case_id"));
            bool ok = json_is_true(json_object_get(e, "ok"));
            const char *where = json_string_value(json_object_get(json_object_get(e, "error"), "where"));
            json_t *got = NULL;
            char err[256] = "";
            err_t rc = scoring_heuristics_compute(hin, &got, err, sizeof err);
            if (ok) {
                const json_t *want = json_object_get(e, "heuristics");
                char path[512];
                if (rc != ERR_OK) {
                    fprintf(stderr, "case %lld: failed: %s\n", id, err);
                    failed++;
                } else if (!jsoncmp_equal(got, want, path, sizeof path)) {
                    char *g = json_dumps(json_object_get(got, "_summary") ? got : NULL, JSON_COMPACT);
                    char *w = json_dumps(want, JSON_COMPACT);
                    fprintf(stderr, "case %lld: mismatch at %s\n  got:  %s\n  want: %s\n", id, path, g, w);
                    free(g);
                    free(w);
                    failed++;
                } else {
                    passed++;
                }
            } else if (where && strstr(where, "compute_") == where) {
                /* the original raised inside a heuristic signal */
                if (rc == ERR_OK) {
                    fprintf(stderr, "case %lld: accepted, but the original raised in %s\n", id, where);
                    failed++;
                } else {
                    passed++;
                }
            }
            json_decref(got);
        }
        json_decref(c);
        json_decref(e);
    }
    fclose(fc);
    fclose(fe);
    printf("%d passed, %d failed\n", passed, failed);
    return failed == 0 && passed > 0 ? 0 : 1;
}
