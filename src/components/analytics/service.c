/* analytics: the N1 figures shaped and rounded as the original did, in
 * both shapes at once (D27): February's keys, avg_calibration_score
 * included, and today's total_candidates, total_tasks, timed_out_count,
 * score_buckets and dimension_averages, over the assessments today's
 * filters select. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "components/analytics/analytics.h"
#include "platform/json.h"
#include "shared/pynum.h"

#define WEEK_US (7LL * 24 * 3600 * 1000000)

/* The eight dimensions, and the older names stored breakdowns use. */
static const char *const analytics_dims[] = {
    "task_completion",      "prompt_clarity",   "context_provision",     "independence_efficiency",
    "response_utilization", "debugging_design", "written_communication", "role_fit",
};
#define ANALYTICS_NDIMS 8

static const struct {
    const char *alias;
    int dim;
} analytics_aliases[] = {
    {"task_completion", 0},
    {"prompt_clarity", 1},
    {"context_provision", 2},
    {"independence_efficiency", 3},
    {"response_utilization", 4},
    {"debugging_design", 5},
    {"written_communication", 6},
    {"role_fit", 7},
    {"independence", 3},
    {"utilization", 4},
    {"communication", 6},
    {"approach", 5},
    {"cv_match", 7},
};

static bool analytics_done(const assessments_stats_row_t *r)
{
    return r->has_completed && r->status &&
           (strcmp(r->status, "COMPLETED") == 0 || strcmp(r->status, "COMPLETED_DUE_TO_TIMEOUT") == 0);
}

/* The overall score on 0-100 as today's original derives it: final_score
 * clamped, else the 0-10 score times ten; negative is missing. */
static bool analytics_score_100(const assessments_stats_row_t *r, double *out)
{
    double v;
    if (r->has_final_score)
        v = r->final_score;
    else if (r->has_score)
        v = r->score * 10.0;
    else
        return false;
    if (v < 0)
        return false;
    *out = pynum_round(v > 100 ? 100 : v, 1);
    return true;
}

static json_t *analytics_buckets(const double *scores, size_t n)
{
    static const struct {
        const char *label;
        double lo, hi;
    } ranges[] = {{"0-20", 0, 20}, {"20-40", 20, 40}, {"40-60", 40, 60}, {"60-80", 60, 80}, {"80-100", 80, 101}};
    json_t *out = json_array();
    for (size_t b = 0; b < sizeof ranges / sizeof ranges[0]; b++) {
        int64_t count = 0;
        for (size_t i = 0; i < n; i++)
            count += scores[i] >= ranges[b].lo && scores[i] < ranges[b].hi;
        double pct = n ? pynum_round((double)count / (double)n * 100.0, 1) : 0.0;
        json_array_append_new(
            out, json_pack("{s:s,s:I,s:f}", "range", ranges[b].label, "count", (json_int_t)count, "percentage", pct));
    }
    return out;
}

/* The category scores of one assessment: score_breakdown.category_scores,
 * else prompt_analytics.category_scores, else
 * prompt_analytics.detailed_scores.category_scores (the first non-empty
 * object).  A new reference or NULL. */
static json_t *analytics_categories(const assessments_stats_row_t *r)
{
    json_t *bd = r->score_breakdown
                     ? json_parse(r->score_breakdown, strlen(r->score_breakdown), JSON_MAX_DEPTH_DEFAULT, NULL)
                     : NULL;
    json_t *pa = r->prompt_analytics
                     ? json_parse(r->prompt_analytics, strlen(r->prompt_analytics), JSON_MAX_DEPTH_DEFAULT, NULL)
                     : NULL;
    json_t *cands[3] = {json_object_get(bd, "category_scores"), json_object_get(pa, "category_scores"),
                        json_object_get(json_object_get(pa, "detailed_scores"), "category_scores")};
    json_t *found = NULL;
    for (int i = 0; i < 3 && !found; i++)
        if (json_is_object(cands[i]) && json_object_size(cands[i]))
            found = json_incref(cands[i]);
    json_decref(bd);
    json_decref(pa);
    return found;
}

/* Adds one assessment's dimension values (each rounded to 2 places; the
 * last alias of a dimension wins) to sums and counts. */
static void analytics_add_dims(const assessments_stats_row_t *r, double *sums, int64_t *counts)
{
    json_t *cs = analytics_categories(r);
    if (!cs)
        return;
    bool seen[ANALYTICS_NDIMS] = {false};
    double val[ANALYTICS_NDIMS] = {0};
    const char *k;
    json_t *v;
    json_object_foreach(cs, k, v)
    {
        if (!json_is_number(v) && !json_is_boolean(v))
            continue;
        for (size_t i = 0; i < sizeof analytics_aliases / sizeof analytics_aliases[0]; i++) {
            if (strcmp(analytics_aliases[i].alias, k) != 0)
                continue;
            double x = json_is_boolean(v) ? (json_is_true(v) ? 1.0 : 0.0) : json_number_value(v);
            seen[analytics_aliases[i].dim] = true;
            val[analytics_aliases[i].dim] = pynum_round(x, 2);
        }
    }
    for (int d = 0; d < ANALYTICS_NDIMS; d++)
        if (seen[d]) {
            sums[d] += val[d];
            counts[d]++;
        }
    json_decref(cs);
}

static json_t *analytics_dims_json(const double *sums, const int64_t *counts)
{
    json_t *o = json_object();
    for (int d = 0; d < ANALYTICS_NDIMS; d++)
        json_object_set_new(o, analytics_dims[d],
                            counts[d] ? json_real(pynum_round(sums[d] / (double)counts[d], 2)) : json_null());
    return o;
}

static int analytics_cmp_id(const void *x, const void *y)
{
    int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;
    return (a > b) - (a < b);
}

/* How many distinct non-zero ids (sorts ids in place). */
static int64_t analytics_distinct(int64_t *ids, size_t n)
{
    qsort(ids, n, sizeof *ids, analytics_cmp_id);
    int64_t count = 0;
    for (size_t i = 0; i < n; i++)
        count += ids[i] != 0 && (i == 0 || ids[i] != ids[i - 1]);
    return count;
}

static json_t *analytics_weeks(const assessments_stats_row_t *rows, size_t n, int64_t now_us)
{
    json_t *weeks = json_array();
    for (int w = 0; w < 5; w++) {
        int64_t end = now_us - (int64_t)(4 - w) * WEEK_US, start = end - WEEK_US;
        int64_t started = 0, done = 0;
        for (size_t i = 0; i < n; i++) {
            const assessments_stats_row_t *r = &rows[i];
            if (!r->has_started || r->started_at < start || r->started_at >= end)
                continue;
            started++;
            done += analytics_done(r) && r->completed_at >= start && r->completed_at < end;
        }
        /* round(count / started * 100) as an int, ties to even; 0 when none started */
        double rate = started ? nearbyint((double)done / (double)started * 100.0) : 0;
        char label[16];
        snprintf(label, sizeof label, "Week %d", w + 1);
        json_array_append_new(
            weeks, json_pack("{s:s,s:I,s:I}", "week", label, "rate", (json_int_t)rate, "count", (json_int_t)done));
    }
    return weeks;
}

/* The aggregates over the completed set. */
typedef struct {
    int64_t total, completed, timed_out, candidates, tasks;
    bool has_top, has_avg, has_minutes, has_calibration;
    double top, avg, minutes, calibration;
    double *scores_100;
    size_t nscores;
    double dim_sums[ANALYTICS_NDIMS];
    int64_t dim_counts[ANALYTICS_NDIMS];
} analytics_figures_t;

static void analytics_compute(mem_arena_t *a, const assessments_stats_row_t *rows, size_t n, analytics_figures_t *f)
{
    memset(f, 0, sizeof *f);
    f->total = (int64_t)n;
    f->scores_100 = mem_alloc(a, (n ? n : 1) * sizeof(double));
    int64_t *cand = mem_alloc(a, (n ? n : 1) * sizeof(int64_t)), *task = mem_alloc(a, (n ? n : 1) * sizeof(int64_t));
    double sum = 0, sum_min = 0, sum_cal = 0;
    int64_t nsc = 0, nmin = 0, ncal = 0;
    for (size_t i = 0; i < n; i++) {
        const assessments_stats_row_t *r = &rows[i];
        cand[i] = r->has_candidate ? r->candidate_id : 0;
        task[i] = r->has_task ? r->task_id : 0;
        if (!analytics_done(r))
            continue;
        f->completed++;
        f->timed_out += strcmp(r->status, "COMPLETED_DUE_TO_TIMEOUT") == 0;
        if (r->has_score) {
            f->top = nsc == 0 || r->score > f->top ? r->score : f->top;
            sum += r->score;
            nsc++;
        }
        if (r->has_started) {
            sum_min += (double)(r->completed_at - r->started_at) / 60e6;
            nmin++;
        }
        if (r->has_calibration) {
            sum_cal += r->calibration_score;
            ncal++;
        }
        if (analytics_score_100(r, &f->scores_100[f->nscores]))
            f->nscores++;
        analytics_add_dims(r, f->dim_sums, f->dim_counts);
    }
    f->candidates = analytics_distinct(cand, n);
    f->tasks = analytics_distinct(task, n);
    f->has_top = f->has_avg = nsc > 0;
    f->avg = nsc ? sum / (double)nsc : 0;
    f->has_minutes = nmin > 0;
    f->minutes = nmin ? sum_min / (double)nmin : 0;
    f->has_calibration = ncal > 0;
    f->calibration = ncal ? sum_cal / (double)ncal : 0;
}

json_t *analytics_json(mem_arena_t *a, bool has_org, const assessments_stats_row_t *rows, size_t n, int64_t now_us)
{
    analytics_figures_t f;
    analytics_compute(a, has_org ? rows : NULL, has_org ? n : 0, &f);
    json_t *o = json_object();
    json_object_set_new(o, "weekly_completion", has_org ? analytics_weeks(rows, n, now_us) : json_array());
    json_object_set_new(o, "total_assessments", json_integer(f.total));
    json_object_set_new(o, "total_candidates", json_integer(f.candidates));
    json_object_set_new(o, "total_tasks", json_integer(f.tasks));
    json_object_set_new(o, "completed_count", json_integer(f.completed));
    json_object_set_new(o, "timed_out_count", json_integer(f.timed_out));
    /* the original: the int 0 without assessments, else a float */
    json_object_set_new(o, "completion_rate",
                        f.total ? json_real(pynum_round((double)f.completed / (double)f.total * 100.0, 1))
                                : json_integer(0));
    json_object_set_new(o, "top_score", f.has_top ? json_real(f.top) : json_null());
    json_object_set_new(o, "avg_score", f.has_avg ? json_real(pynum_round(f.avg, 1)) : json_null());
    json_object_set_new(o, "avg_time_minutes",
                        f.has_minutes ? json_integer((json_int_t)nearbyint(f.minutes)) : json_null());
    json_object_set_new(o, "avg_calibration_score",
                        f.has_calibration ? json_real(pynum_round(f.calibration, 1)) : json_null());
    json_object_set_new(o, "score_buckets", analytics_buckets(f.scores_100, f.nscores));
    json_object_set_new(o, "dimension_averages", analytics_dims_json(f.dim_sums, f.dim_counts));
    return o;
}
