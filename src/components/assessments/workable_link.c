/* What the Workable integration needs from assessments (platform-
 * integrations §6): the pending assessment its webhook creates, the
 * fields its results post reads, and the "posted" mark.  SQL on this
 * component's table only. */
#include <stdlib.h>
#include <string.h>

#include "components/assessments/internal.h"
#include "platform/security.h"

err_t assessments_create_from_workable(db_t *db, int64_t org_id, int64_t candidate_id, int64_t task_id,
                                       int64_t duration_minutes, int64_t expires_at_us,
                                       const char *workable_candidate_id, int64_t *id)
{
    char *token = sec_random_token(32);
    int64_t now = db_now_us();
    db_value_t p[] = {
        DB_V_INT(org_id),        DB_V_INT(candidate_id),   DB_V_INT(task_id),
        DB_V_TEXT(token),        DB_V_TEXT(ASSESSMENTS_PENDING), DB_V_INT(duration_minutes),
        DB_V_TIME(expires_at_us), DB_V_INT(0),             DB_V_BOOL(false),
        DB_V_TEXT(workable_candidate_id), DB_V_TIME(now),
    };
    db_res_t *r = NULL;
    err_t e = db_query(db,
                       "INSERT INTO assessments (organization_id, candidate_id, task_id, token, status, "
                       "duration_minutes, expires_at, tab_switch_count, posted_to_workable, "
                       "workable_candidate_id, created_at) "
                       "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
                       p, (int)(sizeof p / sizeof p[0]), &r);
    free(token);
    if (e == ERR_OK) {
        if (db_res_rows(r) == 1)
            *id = db_res_int(r, 0, 0);
        else
            e = ERR_INTERNAL;
    }
    db_res_free(r);
    return e;
}

err_t assessments_workable_info(db_t *db, mem_arena_t *a, bool scoped, int64_t org_id, int64_t id,
                                assessments_workable_info_t *out)
{
    static const char *const sql_any =
        "SELECT id, organization_id, score, tests_passed, tests_total, duration_minutes, "
        "workable_candidate_id, posted_to_workable FROM assessments WHERE id = $1";
    static const char *const sql_org =
        "SELECT id, organization_id, score, tests_passed, tests_total, duration_minutes, "
        "workable_candidate_id, posted_to_workable FROM assessments WHERE id = $1 AND organization_id = $2";
    db_value_t p[] = {DB_V_INT(id), DB_V_INT(org_id)};
    db_res_t *r = NULL;
    err_t e = db_query(db, scoped ? sql_org : sql_any, p, scoped ? 2 : 1, &r);
    if (e != ERR_OK)
        return e;
    if (db_res_rows(r) < 1) {
        db_res_free(r);
        return ERR_NOT_FOUND;
    }
    memset(out, 0, sizeof *out);
    out->id = db_res_int(r, 0, 0);
    out->has_organization = !db_res_isnull(r, 0, 1);
    out->organization_id = db_res_int(r, 0, 1);
    out->has_score = !db_res_isnull(r, 0, 2);
    out->score = db_res_real(r, 0, 2);
    out->has_tests_passed = !db_res_isnull(r, 0, 3);
    out->tests_passed = db_res_int(r, 0, 3);
    out->has_tests_total = !db_res_isnull(r, 0, 4);
    out->tests_total = db_res_int(r, 0, 4);
    out->duration_minutes = db_res_isnull(r, 0, 5) ? 30 : db_res_int(r, 0, 5);
    out->workable_candidate_id = mem_strdup(a, db_res_text(r, 0, 6));
    out->posted = db_res_bool(r, 0, 7);
    db_res_free(r);
    return ERR_OK;
}

err_t assessments_mark_posted(db_t *db, int64_t id, int64_t now_us, bool *changed)
{
    db_value_t p[] = {DB_V_BOOL(true), DB_V_TIME(now_us), DB_V_INT(id)};
    int64_t n = 0;
    err_t e = db_exec(db,
                      "UPDATE assessments SET posted_to_workable = $1, posted_to_workable_at = $2, "
                      "updated_at = $2 WHERE id = $3 AND posted_to_workable IS NOT TRUE",
                      p, 3, &n);
    if (e == ERR_OK && changed)
        *changed = n == 1;
    return e;
}
