/* The scoring engine alone: parses every case of a JSON-lines file once,
 * then times many rounds of scoring_engine_run over all of them (and,
 * separately, of scoring_heuristics_compute on the cases that carry
 * heuristics_input), with CLOCK_MONOTONIC around the loop only.  Prints
 * microseconds per case for the fastest round (the least disturbed by the
 * other work on the machine) and the median round.
 *
 * usage: score_engine CASES [ROUNDS]   (built and run by bench/score;
 * -DBENCH_HAVE_COMPUTE where scoring_engine_compute exists) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "components/scoring/scoring.h"
#include "platform/json.h"

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

typedef enum { BENCH_ENGINE, BENCH_ENGINE_JSON, BENCH_HEURISTICS } bench_t;

/* One round of the engine into its struct (an arena per case), of the
 * engine with its jansson result (scoring_engine_run), or of the
 * heuristics, over every case (a rejected case, which some fixtures are on
 * purpose, counts as done); returns seconds. */
static double round_once(json_t **cases, size_t n, bench_t what)
{
    char msg[512];
    double t0 = now();
    for (size_t i = 0; i < n; i++) {
        json_t *r = NULL;
        err_t e;
#ifdef BENCH_HAVE_COMPUTE
        if (what == BENCH_ENGINE) {
            mem_arena_t *a = mem_arena_new();
            const scoring_result_t *res;
            scoring_engine_compute(cases[i], a, &res, msg, sizeof msg);
            mem_arena_free(a);
            continue;
        }
#endif
        if (what == BENCH_HEURISTICS) {
            const json_t *hin = json_object_get(cases[i], "heuristics_input");
            if (!hin || json_is_null(hin))
                continue;
            e = scoring_heuristics_compute(hin, &r, msg, sizeof msg);
        } else {
            e = scoring_engine_run(cases[i], &r, msg, sizeof msg);
        }
        if (e == ERR_OK)
            json_decref(r);
    }
    return now() - t0;
}

static void report(const char *name, json_t **cases, size_t n, size_t counted, int rounds, bench_t what)
{
    double *t = malloc(sizeof *t * (size_t)rounds);
    round_once(cases, n, what); /* warm-up */
    for (int r = 0; r < rounds; r++)
        t[r] = round_once(cases, n, what);
    qsort(t, (size_t)rounds, sizeof *t, cmp_double);
    printf("%s: %.2f us/case best, %.2f us/case median (%zu cases x %d rounds)\n", name, t[0] / (double)counted * 1e6,
           t[rounds / 2] / (double)counted * 1e6, counted, rounds);
    free(t);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s CASES [ROUNDS]\n", argv[0]);
        return 2;
    }
    int rounds = argc > 2 ? atoi(argv[2]) : 200;
    FILE *f = fopen(argv[1], "r");
    if (!f) {
        perror(argv[1]);
        return 2;
    }
    json_t **cases = NULL;
    size_t n = 0, cap = 0, with_heur = 0;
    char *line = NULL;
    size_t lcap = 0;
    ssize_t len;
    while ((len = getline(&line, &lcap, f)) > 0) {
        json_parse_error_t err;
        json_t *c = json_parse(line, (size_t)len, 256, &err);
        if (!c)
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 512;
            cases = realloc(cases, cap * sizeof *cases);
        }
        cases[n++] = c;
        const json_t *h = json_object_get(c, "heuristics_input");
        if (h && !json_is_null(h))
            with_heur++;
    }
    free(line);
    fclose(f);
#ifdef BENCH_HAVE_COMPUTE /* trees before the struct result have no compute */
    report("engine alone (C struct)", cases, n, n, rounds, BENCH_ENGINE);
#endif
    report("engine with jansson result", cases, n, n, rounds, BENCH_ENGINE_JSON);
    if (with_heur)
        report("heuristics alone", cases, n, with_heur, rounds, BENCH_HEURISTICS);
    for (size_t i = 0; i < n; i++)
        json_decref(cases[i]);
    free(cases);
    return 0;
}
