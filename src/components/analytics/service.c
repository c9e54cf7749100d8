/* analytics: the N1 figures shaped and rounded as the original did. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "components/analytics/analytics.h"
#include "shared/pynum.h"

json_t *analytics_json(bool has_org, const assessments_org_stats_t *st)
{
    if (!has_org)
        return json_pack("{s:[],s:i,s:i,s:i,s:n,s:n,s:n,s:n}", "weekly_completion", "total_assessments", 0,
                         "completed_count", 0, "completion_rate", 0, "top_score", "avg_score", "avg_time_minutes",
                         "avg_calibration_score");
    json_t *weeks = json_array();
    for (int w = 0; w < 5; w++) {
        int64_t started = st->weeks[w].started, done = st->weeks[w].completed;
        /* round(count / max(started, 1) * 100) as an int, ties to even */
        double rate = nearbyint((double)done / (double)(started > 0 ? started : 1) * 100.0);
        char label[16];
        snprintf(label, sizeof label, "Week %d", w + 1);
        json_array_append_new(
            weeks, json_pack("{s:s,s:I,s:I}", "week", label, "rate", (json_int_t)rate, "count", (json_int_t)done));
    }
    json_t *o = json_object();
    json_object_set_new(o, "weekly_completion", weeks);
    json_object_set_new(o, "total_assessments", json_integer(st->total));
    json_object_set_new(o, "completed_count", json_integer(st->completed));
    /* the original: the int 0 without assessments, else a float */
    json_object_set_new(o, "completion_rate",
                        st->total ? json_real(pynum_round((double)st->completed / (double)st->total * 100.0, 1))
                                  : json_integer(0));
    json_object_set_new(o, "top_score", st->has_top_score ? json_real(st->top_score) : json_null());
    json_object_set_new(o, "avg_score", st->has_avg_score ? json_real(pynum_round(st->avg_score, 1)) : json_null());
    json_object_set_new(o, "avg_time_minutes",
                        st->has_avg_minutes ? json_integer((json_int_t)nearbyint(st->avg_minutes)) : json_null());
    json_object_set_new(o, "avg_calibration_score",
                        st->has_avg_calibration ? json_real(pynum_round(st->avg_calibration, 1)) : json_null());
    return o;
}
