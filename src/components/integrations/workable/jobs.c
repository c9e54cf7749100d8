/* jobs.c: posting an assessment's results to the Workable candidate's
 * activity feed, on demand (S12) and as the job that replaces the
 * original's Celery task post_results_to_workable (3 retries, 120 s),
 * queued by the subscriber of the assessments component's
 * ASSESSMENTS_COMPLETED_JOB event. */
#include "components/integrations/workable/workable.h"

#include <inttypes.h>
#include <stdio.h>

#include "components/assessments/assessments.h"
#include "components/organizations/organizations.h"
#include "platform/config.h"
#include "platform/json.h"
#include "platform/log.h"

#define WORKABLE_LOGGER "tali.workable"

/* Everything a post needs, read in one go. */
typedef struct {
    assessments_workable_info_t info;
    organizations_workable_t org;
    bool org_found;
} workable_post_ctx_t;

/* Reads the assessment (scoped to org_id when scoped) and its
 * organisation, and says which of the pre-conditions fails first:
 * NOT_FOUND, ALREADY, NOT_CONNECTED, NOT_LINKED; OK when the post can go
 * out. */
static err_t workable_post_check(db_t *db, mem_arena_t *a, bool scoped, int64_t org_id, int64_t assessment_id,
                                 workable_post_ctx_t *ctx, workable_post_outcome_t *outcome)
{
    err_t e = assessments_workable_info(db, a, scoped, org_id, assessment_id, &ctx->info);
    if (e == ERR_NOT_FOUND) {
        *outcome = WORKABLE_POST_NOT_FOUND;
        return ERR_OK;
    }
    if (e != ERR_OK)
        return e;
    if (ctx->info.posted) {
        *outcome = WORKABLE_POST_ALREADY;
        return ERR_OK;
    }
    ctx->org_found = false;
    if (ctx->info.has_organization) {
        e = organizations_workable_get(db, a, ctx->info.organization_id, &ctx->org);
        if (e != ERR_OK && e != ERR_NOT_FOUND)
            return e;
        ctx->org_found = e == ERR_OK;
    }
    if (!ctx->org_found || !ctx->org.connected || !ctx->org.access_token || !*ctx->org.access_token) {
        *outcome = WORKABLE_POST_NOT_CONNECTED;
        return ERR_OK;
    }
    if (!ctx->info.workable_candidate_id || !*ctx->info.workable_candidate_id) {
        *outcome = WORKABLE_POST_NOT_LINKED;
        return ERR_OK;
    }
    *outcome = WORKABLE_POST_OK;
    return ERR_OK;
}

/* Sends the activity for a checked context.  ERR_OK when Workable took
 * it. */
static err_t workable_send(mem_arena_t *a, const workable_post_ctx_t *ctx, long *status)
{
    const assessments_workable_info_t *i = &ctx->info;
    const char *text =
        workable_activity_text(a, cfg->frontend_url, i->has_score, i->score, i->has_tests_passed && i->has_tests_total,
                               i->tests_passed, i->tests_total, i->duration_minutes);
    return workable_post_activity(ctx->org.access_token, ctx->org.subdomain, i->workable_candidate_id, text, status);
}

err_t workable_post_assessment_now(db_t *db, int64_t org_id, int64_t assessment_id, workable_post_outcome_t *outcome)
{
    mem_arena_t *a = mem_arena_new();
    workable_post_ctx_t ctx;
    err_t e = workable_post_check(db, a, true, org_id, assessment_id, &ctx, outcome);
    if (e == ERR_OK && *outcome == WORKABLE_POST_OK) {
        long status = 0;
        if (workable_send(a, &ctx, &status) != ERR_OK) {
            log_warn(WORKABLE_LOGGER, "assessment %" PRId64 ": post to Workable failed (HTTP %ld)", assessment_id,
                     status);
            *outcome = WORKABLE_POST_UPSTREAM_FAILED;
        } else {
            e = assessments_mark_posted(db, assessment_id, db_now_us(), NULL);
            if (e == ERR_OK)
                log_info(WORKABLE_LOGGER, "assessment %" PRId64 " posted to Workable", assessment_id);
        }
    }
    mem_arena_free(a);
    return e;
}

err_t workable_enqueue_post(db_t *db, int64_t assessment_id, bool *queued)
{
    if (queued)
        *queued = false;
    if (cfg->mvp_disable_workable || cfg->mvp_disable_celery)
        return ERR_OK;
    mem_arena_t *a = mem_arena_new();
    workable_post_ctx_t ctx;
    workable_post_outcome_t outcome;
    err_t e = workable_post_check(db, a, false, 0, assessment_id, &ctx, &outcome);
    if (e == ERR_OK && outcome == WORKABLE_POST_OK) {
        json_t *payload = json_pack("{s:I}", "assessment_id", (json_int_t)assessment_id);
        e = jobs_enqueue(db, WORKABLE_POST_JOB, payload, 0, WORKABLE_POST_ATTEMPTS, NULL);
        json_decref(payload);
        if (e == ERR_OK && queued)
            *queued = true;
    }
    mem_arena_free(a);
    return e;
}

/* The subscriber of ASSESSMENTS_COMPLETED_JOB: queues the results post
 * when the completed assessment qualifies (workable_enqueue_post).  A
 * database error retries the event; anything else ends it. */
static err_t workable_completed_job(void *unused, db_pool_t *pool, const json_t *payload, char *err, size_t errlen)
{
    (void)unused;
    json_t *idv = json_object_get(payload, "assessment_id");
    if (!json_is_integer(idv)) {
        snprintf(err, errlen, "assessment.completed event without assessment_id");
        return ERR_BAD_REQUEST;
    }
    db_t *db = db_acquire(pool);
    if (!db) {
        snprintf(err, errlen, "database unavailable");
        return ERR_UNAVAILABLE;
    }
    err_t e = workable_enqueue_post(db, (int64_t)json_integer_value(idv), NULL);
    if (e != ERR_OK)
        snprintf(err, errlen, "database error (%s)", err_name(e));
    db_release(pool, db);
    return e;
}

/* The job: re-checks at run time (a manual post may have come first, the
 * organisation may have disconnected), posts, marks.  A failed post is
 * retried by the runner; anything that makes the post pointless ends the
 * job quietly. */
static err_t workable_post_job(void *unused, db_pool_t *pool, const json_t *payload, char *err, size_t errlen)
{
    (void)unused;
    json_t *idv = json_object_get(payload, "assessment_id");
    if (!json_is_integer(idv)) {
        snprintf(err, errlen, "workable post job without assessment_id");
        return ERR_BAD_REQUEST;
    }
    int64_t id = (int64_t)json_integer_value(idv);
    db_t *db = db_acquire(pool);
    if (!db) {
        snprintf(err, errlen, "database unavailable");
        return ERR_UNAVAILABLE;
    }
    mem_arena_t *a = mem_arena_new();
    workable_post_ctx_t ctx;
    workable_post_outcome_t outcome;
    err_t e = workable_post_check(db, a, false, 0, id, &ctx, &outcome);
    if (e != ERR_OK) {
        snprintf(err, errlen, "database error (%s)", err_name(e));
    } else if (outcome != WORKABLE_POST_OK) {
        log_info(WORKABLE_LOGGER, "assessment %" PRId64 ": nothing to post (%s)", id,
                 outcome == WORKABLE_POST_ALREADY         ? "already posted"
                 : outcome == WORKABLE_POST_NOT_FOUND     ? "no such assessment"
                 : outcome == WORKABLE_POST_NOT_CONNECTED ? "Workable not connected"
                                                          : "not linked");
    } else {
        long status = 0;
        e = workable_send(a, &ctx, &status);
        if (e != ERR_OK) {
            snprintf(err, errlen, "post to Workable failed (HTTP %ld)", status);
        } else {
            /* Workable has the activity now: a failed mark is logged, not
             * retried, since a retry would post it a second time. */
            e = assessments_mark_posted(db, id, db_now_us(), NULL);
            if (e != ERR_OK)
                log_error(WORKABLE_LOGGER, "assessment %" PRId64 " posted to Workable, but not marked (%s)", id,
                          err_name(e));
            else
                log_info(WORKABLE_LOGGER, "assessment %" PRId64 " posted to Workable", id);
            e = ERR_OK;
        }
    }
    mem_arena_free(a);
    db_release(pool, db);
    return e;
}

void workable_register_jobs(jobs_runner_t *r)
{
    jobs_runner_handle(r, WORKABLE_POST_JOB, workable_post_job, NULL, WORKABLE_POST_RETRY_DELAY_S);
    jobs_runner_handle(r, ASSESSMENTS_COMPLETED_JOB, workable_completed_job, NULL, 60);
}
