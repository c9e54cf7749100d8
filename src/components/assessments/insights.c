/* Figures over an organisation's assessments for the analytics page (N1)
 * and the billing usage list (B1), computed in SQL on the assessments
 * table this component owns. */
#include <stdio.h>
#include <string.h>

#include "components/assessments/assessments.h"

#define WEEK_US (7LL * 24 * 3600 * 1000000)

err_t assessments_org_stats(db_t *db, int64_t org_id, int64_t now_us, assessments_org_stats_t *out)
{
    memset(out, 0, sizeof *out);
    char started[96], completed[96];
    db_sql_epoch(db, "started_at", started, sizeof started);
    db_sql_epoch(db, "completed_at", completed, sizeof completed);

    /* one pass: totals, score and time aggregates over the completed set */
    char sql[1024];
    snprintf(sql, sizeof sql,
             "SELECT COUNT(*), "
             "SUM(CASE WHEN status = 'COMPLETED' AND completed_at IS NOT NULL THEN 1 ELSE 0 END), "
             "MAX(CASE WHEN status = 'COMPLETED' AND completed_at IS NOT NULL THEN score END), "
             "AVG(CASE WHEN status = 'COMPLETED' AND completed_at IS NOT NULL THEN score END), "
             "AVG(CASE WHEN status = 'COMPLETED' AND completed_at IS NOT NULL AND started_at IS NOT NULL "
             "THEN (%s - %s) / 60.0 END), "
             "AVG(CASE WHEN status = 'COMPLETED' AND completed_at IS NOT NULL THEN calibration_score END) "
             "FROM assessments WHERE organization_id = $1",
             completed, started);
    db_value_t p[1] = {DB_V_INT(org_id)};
    db_res_t *r = NULL;
    err_t e = db_query(db, sql, p, 1, &r);
    if (e != ERR_OK) {
        db_res_free(r);
        return e;
    }
    out->total = db_res_int(r, 0, 0);
    out->completed = db_res_int(r, 0, 1);
    if ((out->has_top_score = !db_res_isnull(r, 0, 2)))
        out->top_score = db_res_real(r, 0, 2);
    if ((out->has_avg_score = !db_res_isnull(r, 0, 3)))
        out->avg_score = db_res_real(r, 0, 3);
    if ((out->has_avg_minutes = !db_res_isnull(r, 0, 4)))
        out->avg_minutes = db_res_real(r, 0, 4);
    if ((out->has_avg_calibration = !db_res_isnull(r, 0, 5)))
        out->avg_calibration = db_res_real(r, 0, 5);
    db_res_free(r);

    /* five half-open 7-day windows ending now, oldest first: started in the
     * window, and of those, completed within the same window */
    mem_arena_t *a = mem_arena_new();
    const char *sel = "SELECT ";
    char *q = mem_printf(a, "%s", sel);
    db_value_t wp[11];
    wp[0] = DB_V_INT(org_id);
    for (int w = 0; w < 5; w++) {
        int64_t end = now_us - (int64_t)(4 - w) * WEEK_US, start = end - WEEK_US;
        wp[1 + 2 * w] = DB_V_TIME(start);
        wp[2 + 2 * w] = DB_V_TIME(end);
        int s = 2 + 2 * w, en = 3 + 2 * w;
        q = mem_printf(a,
                       "%s%sSUM(CASE WHEN started_at >= $%d AND started_at < $%d THEN 1 ELSE 0 END), "
                       "SUM(CASE WHEN started_at >= $%d AND started_at < $%d AND status = 'COMPLETED' "
                       "AND completed_at >= $%d AND completed_at < $%d THEN 1 ELSE 0 END)",
                       q, w ? ", " : "", s, en, s, en, s, en);
    }
    q = mem_printf(a, "%s FROM assessments WHERE organization_id = $1", q);
    e = db_query(db, q, wp, 11, &r);
    if (e == ERR_OK) {
        for (int w = 0; w < 5; w++) {
            out->weeks[w].started = db_res_int(r, 0, 2 * w);
            out->weeks[w].completed = db_res_int(r, 0, 2 * w + 1);
        }
    }
    db_res_free(r);
    mem_arena_free(a);
    return e;
}

err_t assessments_usage_rows(db_t *db, mem_arena_t *a, int64_t org_id, int limit, assessments_usage_row_t **rows,
                             size_t *n)
{
    *rows = NULL;
    *n = 0;
    db_value_t p[2] = {DB_V_INT(org_id), DB_V_INT(limit)};
    db_res_t *r = NULL;
    err_t e = db_query(db,
                       "SELECT id, completed_at, candidate_id, task_id FROM assessments "
                       "WHERE organization_id = $1 AND status = 'COMPLETED' AND completed_at IS NOT NULL "
                       "ORDER BY completed_at DESC, id DESC LIMIT $2",
                       p, 2, &r);
    if (e != ERR_OK) {
        db_res_free(r);
        return e;
    }
    int count = db_res_rows(r);
    assessments_usage_row_t *v = mem_alloc(a, (size_t)(count ? count : 1) * sizeof *v);
    for (int i = 0; i < count; i++) {
        v[i].assessment_id = db_res_int(r, i, 0);
        v[i].completed_at_us = db_res_time(r, i, 1);
        v[i].has_candidate = !db_res_isnull(r, i, 2);
        v[i].candidate_id = db_res_int(r, i, 2);
        v[i].has_task = !db_res_isnull(r, i, 3);
        v[i].task_id = db_res_int(r, i, 3);
    }
    db_res_free(r);
    *rows = v;
    *n = (size_t)count;
    return ERR_OK;
}
