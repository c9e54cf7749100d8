/* JSON of §6.2 (ApplicationResponse, ApplicationDetailResponse and the
 * list payload) and §7.3 (ApplicationEventResponse).  Fields of
 * capabilities this port does not have (ATS write-back, scoring jobs,
 * interviews, agent, assessments) are written with their empty values:
 * null, [] or false. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "components/applications/internal.h"

static void app_w_null(jsonw_t *w, const char *key)
{
    jsonw_key(w, key);
    jsonw_null(w);
}

static void app_w_time_us(jsonw_t *w, const char *key, bool has, int64_t us)
{
    char buf[40];
    jsonw_key(w, key);
    jsonw_str(w, has ? db_format_time(us, "Z", buf) : NULL);
}

static void app_w_col(jsonw_t *w, const char *key, const app_t *a, app_col_t c);

static void app_w_json_text(jsonw_t *w, const char *text)
{
    json_t *j = text ? json_loads(text, JSON_DECODE_ANY, NULL) : NULL;
    if (j)
        jsonw_value(w, j);
    else
        jsonw_null(w);
    json_decref(j);
}

/* Column c as its type says (null when NULL). */
static void app_w_col(jsonw_t *w, const char *key, const app_t *a, app_col_t c)
{
    static const app_type_t types[APP_NCOLS] = {
#define APP_COLTYPE(name, col, type) APP_T_##type,
        APP_COLUMNS(APP_COLTYPE)
#undef APP_COLTYPE
    };
    const app_val_t *v = &a->v[c];
    if (types[c] == APP_T_TIME) {
        app_w_time_us(w, key, !v->null, v->i);
        return;
    }
    jsonw_key(w, key);
    if (v->null) {
        jsonw_null(w);
        return;
    }
    switch (types[c]) {
    case APP_T_INT: jsonw_int(w, v->i); break;
    case APP_T_BOOL: jsonw_bool(w, v->i != 0); break;
    case APP_T_REAL: jsonw_real(w, v->d); break;
    case APP_T_TEXT: jsonw_str(w, v->s); break;
    case APP_T_JSON: app_w_json_text(w, v->s); break;
    default: jsonw_null(w); break;
    }
}

static void app_w_empty_arr(jsonw_t *w, const char *key)
{
    jsonw_key(w, key);
    jsonw_arr(w);
    jsonw_arr_end(w);
}

/* A JSON column that is an array, or [] otherwise. */
static void app_w_arr_col(jsonw_t *w, const char *key, const app_t *a, app_col_t c)
{
    json_t *j = app_str(a, c) ? json_loads(app_str(a, c), JSON_DECODE_ANY, NULL) : NULL;
    jsonw_key(w, key);
    if (json_is_array(j))
        jsonw_value(w, j);
    else {
        jsonw_arr(w);
        jsonw_arr_end(w);
    }
    json_decref(j);
}

static void app_w_real_or_null(jsonw_t *w, const char *key, const app_t *a, app_col_t c)
{
    jsonw_key(w, key);
    if (a->v[c].null)
        jsonw_null(w);
    else
        jsonw_real(w, (double)llround(a->v[c].d * 10.0) / 10.0);
}

static const char *app_formula_label(const char *mode)
{
    if (strcmp(mode, "assessment_plus_role_fit") == 0)
        return "TAALI Score = 50% Assessment + 50% Role fit";
    if (strcmp(mode, "assessment_only_fallback") == 0)
        return "TAALI Score currently reflects Assessment only";
    if (strcmp(mode, "rubric_grading_pending") == 0)
        return "Assessment grading is incomplete; no TAALI score is available yet";
    return "TAALI Score currently reflects Role fit until assessment signal is available";
}

/* score_summary from the cached columns (§6.2); no live assessments here. */
static void app_w_score_summary(jsonw_t *w, const app_t *a)
{
    const char *mode = app_str(a, APP_SCORE_MODE_CACHE) ? app_str(a, APP_SCORE_MODE_CACHE) : "pending";
    jsonw_key(w, "score_summary");
    jsonw_obj(w);
    app_w_real_or_null(w, "taali_score", a, APP_TAALI_CACHE);
    app_w_real_or_null(w, "assessment_score", a, APP_ASSESSMENT_CACHE);
    app_w_real_or_null(w, "role_fit_score", a, APP_ROLE_FIT_CACHE);
    app_w_real_or_null(w, "cv_fit_score", a, APP_CV_MATCH_SCORE);
    app_w_real_or_null(w, "requirements_fit_score", a, APP_REQ_FIT);
    jsonw_key(w, "score_provenance");
    jsonw_obj(w);
    app_w_null(w, "engine_version");
    app_w_col(w, "scored_at", a, APP_SCORE_CACHED_AT);
    app_w_null(w, "model");
    jsonw_obj_end(w);
    app_w_null(w, "integrity");
    jsonw_key(w, "role_fit_components");
    jsonw_obj(w);
    app_w_real_or_null(w, "cv_fit_score", a, APP_CV_MATCH_SCORE);
    app_w_real_or_null(w, "requirements_fit_score", a, APP_REQ_FIT);
    jsonw_obj_end(w);
    jsonw_key(w, "weights");
    jsonw_obj(w);
    static const char *const weights[] = {"cv_fit_score", "requirements_fit_score", "assessment_score",
                                          "role_fit_score"};
    for (int i = 0; i < 4; i++) {
        jsonw_key(w, weights[i]);
        jsonw_real(w, 0.5);
    }
    jsonw_obj_end(w);
    jsonw_key(w, "mode");
    jsonw_str(w, mode);
    jsonw_key(w, "formula_label");
    jsonw_str(w, app_formula_label(mode));
    jsonw_key(w, "score_rubric_version");
    jsonw_str(w, "taali_v3_role_fit_blended");
    app_w_null(w, "assessment_id");
    app_w_null(w, "assessment_status");
    app_w_null(w, "assessment_completed_at");
    static const char *const flags[] = {"assessment_grading_pending", "scoring_partial", "scoring_failed",
                                        "has_voided_attempts"};
    for (int i = 0; i < 4; i++) {
        jsonw_key(w, flags[i]);
        jsonw_bool(w, false);
    }
    app_w_null(w, "invite_tracking");
    jsonw_obj_end(w);
}

/* pipeline_external_drift: the normalised external stage is set and is
 * not the pipeline stage. */
static bool app_drift(const app_t *a)
{
    const char *ext = app_str(a, APP_EXT_NORM);
    if (!ext || !*ext)
        ext = app_str(a, APP_EXT_RAW);
    if (!ext || !*ext)
        ext = app_str(a, APP_WK_STAGE);
    return ext && *ext && strcmp(ext, app_str(a, APP_STAGE)) != 0;
}

static void app_w_max(bool *has, int64_t *max, const app_t *a, app_col_t c)
{
    if (a->v[c].null)
        return;
    if (!*has || a->v[c].i > *max)
        *max = a->v[c].i, *has = true;
}

static void app_w_last_activity(jsonw_t *w, const app_t *a)
{
    static const app_col_t cols[] = {APP_CREATED_AT,        APP_UPDATED_AT,      APP_STAGE_AT,
                                     APP_OUTCOME_AT,        APP_CV_UPLOADED_AT,  APP_CV_MATCH_SCORED_AT,
                                     APP_PRE_SCREEN_RUN_AT, APP_SCORE_CACHED_AT, APP_AUTO_REJECT_AT};
    bool has = false;
    int64_t max = 0;
    for (size_t i = 0; i < sizeof cols / sizeof cols[0]; i++)
        app_w_max(&has, &max, a, cols[i]);
    app_w_time_us(w, "last_activity_at", has, max);
}

static void app_w_cv_details(jsonw_t *w, const app_t *a, bool forced_null)
{
    jsonw_key(w, "cv_match_details");
    json_t *j = !forced_null && app_str(a, APP_CV_MATCH_DETAILS)
                    ? json_loads(app_str(a, APP_CV_MATCH_DETAILS), JSON_DECODE_ANY, NULL)
                    : NULL;
    if (json_is_object(j) && !a->v[APP_CV_MATCH_SCORE].null)
        json_object_set_new(j, "score_scale", json_string("0-100"));
    if (j)
        jsonw_value(w, j);
    else
        jsonw_null(w);
    json_decref(j);
}

static void app_w_nulls(jsonw_t *w, const char *const *keys)
{
    for (int i = 0; keys[i]; i++)
        app_w_null(w, keys[i]);
}

/* The fields of ApplicationResponse, in the order of the §6.2 table. */
static void app_w_base(jsonw_t *w, const app_view_t *view, bool list)
{
    const app_t *a = view->app;
    const candidates_card_t *c = &view->card;
    app_w_col(w, "id", a, APP_ID);
    app_w_col(w, "organization_id", a, APP_ORG);
    app_w_col(w, "candidate_id", a, APP_CANDIDATE);
    app_w_col(w, "role_id", a, APP_ROLE);
    app_w_col(w, "status", a, APP_STATUS);
    app_w_col(w, "pipeline_stage", a, APP_STAGE);
    app_w_col(w, "pipeline_stage_updated_at", a, APP_STAGE_AT);
    app_w_col(w, "pipeline_stage_source", a, APP_STAGE_SOURCE);
    app_w_col(w, "application_outcome", a, APP_OUTCOME);
    app_w_col(w, "application_outcome_updated_at", a, APP_OUTCOME_AT);
    app_w_col(w, "external_refs", a, APP_EXTERNAL_REFS);
    app_w_col(w, "integration_sync_state", a, APP_SYNC_STATE);
    app_w_col(w, "external_stage_raw", a, APP_EXT_RAW);
    app_w_col(w, "external_stage_normalized", a, APP_EXT_NORM);
    app_w_null(w, "ats_writeback_status");
    app_w_null(w, "ats_writeback_job_run_id");
    jsonw_key(w, "pipeline_external_drift");
    jsonw_bool(w, app_drift(a));
    app_w_col(w, "version", a, APP_VERSION);
    app_w_col(w, "notes", a, APP_NOTES);
    app_w_col(w, "manual_decision", a, APP_MANUAL_DECISION);
    jsonw_key(w, "candidate_email");
    jsonw_str(w, c->email);
    jsonw_key(w, "candidate_name");
    jsonw_str(w, c->full_name);
    jsonw_key(w, "candidate_position");
    jsonw_str(w, c->position);
    jsonw_key(w, "role_name");
    jsonw_str(w, view->role_name);
    jsonw_key(w, "cv_filename");
    jsonw_str(w, app_str(a, APP_CV_FILENAME) ? app_str(a, APP_CV_FILENAME) : c->cv_filename);
    if (!a->v[APP_CV_UPLOADED_AT].null)
        app_w_col(w, "cv_uploaded_at", a, APP_CV_UPLOADED_AT);
    else
        app_w_time_us(w, "cv_uploaded_at", c->has_cv_uploaded_at, c->cv_uploaded_at);
    app_w_col(w, "has_cv_text", a, APP_HAS_CV_TEXT);
    app_w_col(w, "cv_match_score", a, APP_CV_MATCH_SCORE);
    app_w_cv_details(w, a, list);
    app_w_col(w, "cv_match_scored_at", a, APP_CV_MATCH_SCORED_AT);
    static const char *const legacy[] = {"score_status",
                                         "operational_role_id",
                                         "operational_role_name",
                                         "sister_role_id",
                                         "source_role_score",
                                         "related_role_availability",
                                         NULL};
    app_w_nulls(w, legacy);
    app_w_col(w, "source", a, APP_SOURCE);
    app_w_col(w, "workable_candidate_id", a, APP_WK_CANDIDATE);
    app_w_col(w, "workable_stage", a, APP_WK_STAGE);
    app_w_col(w, "workable_score_raw", a, APP_WK_SCORE_RAW);
    app_w_col(w, "workable_score", a, APP_WK_SCORE);
    app_w_col(w, "workable_score_source", a, APP_WK_SCORE_SOURCE);
    app_w_col(w, "workable_disqualified", a, APP_WK_DISQUALIFIED);
    app_w_col(w, "workable_disqualified_at", a, APP_WK_DISQUALIFIED_AT);
    app_w_col(w, "workable_sourced", a, APP_WK_SOURCED);
    app_w_col(w, "workable_profile_url", a, APP_WK_PROFILE_URL);
    app_w_col(w, "rank_score", a, APP_RANK_SCORE);
    /* people columns this port's candidates do not have */
    static const char *const person[] = {"candidate_headline",
                                         "candidate_image_url",
                                         "candidate_phone",
                                         "candidate_profile_url",
                                         "candidate_summary",
                                         "candidate_location",
                                         "candidate_social_profiles",
                                         "candidate_tags",
                                         "candidate_skills",
                                         "candidate_education",
                                         "candidate_experience",
                                         "candidate_workable_created_at",
                                         NULL};
    app_w_nulls(w, person);
    if (!a->v[APP_WK_CREATED_AT].null)
        app_w_col(w, "applied_at", a, APP_WK_CREATED_AT);
    else
        app_w_col(w, "applied_at", a, APP_CREATED_AT);
    app_w_null(w, "workable_enriched");
    app_w_col(w, "pre_screen_score", a, APP_PRE_SCREEN);
    app_w_col(w, "requirements_fit_score", a, APP_REQ_FIT);
    app_w_col(w, "pre_screen_recommendation", a, APP_PRE_SCREEN_REC);
    app_w_col(w, "pre_screen_evidence", a, APP_PRE_SCREEN_EVIDENCE);
    app_w_col(w, "pre_screen_run_at", a, APP_PRE_SCREEN_RUN_AT);
    app_w_null(w, "graph_synced_at");
    app_w_null(w, "graph_stale");
    app_w_col(w, "auto_reject_state", a, APP_AUTO_REJECT_STATE);
    app_w_col(w, "auto_reject_reason", a, APP_AUTO_REJECT_REASON);
    app_w_col(w, "auto_reject_triggered_at", a, APP_AUTO_REJECT_AT);
    app_w_null(w, "pending_decision");
    if (list) {
        static const char *const forced[] = {
            "screening_pack",         "tech_interview_pack",        "screening_interview_summary",
            "tech_interview_summary", "interview_evidence_summary", NULL};
        app_w_nulls(w, forced);
    } else {
        app_w_col(w, "screening_pack", a, APP_SCREENING_PACK);
        app_w_col(w, "tech_interview_pack", a, APP_TECH_PACK);
        app_w_col(w, "screening_interview_summary", a, APP_SCREENING_SUMMARY);
        app_w_col(w, "tech_interview_summary", a, APP_TECH_SUMMARY);
        app_w_col(w, "interview_evidence_summary", a, APP_EVIDENCE_SUMMARY);
    }
    app_w_empty_arr(w, "interviews");
    app_w_real_or_null(w, "taali_score", a, APP_TAALI_CACHE);
    jsonw_key(w, "score_mode");
    jsonw_str(w, app_str(a, APP_SCORE_MODE_CACHE) ? app_str(a, APP_SCORE_MODE_CACHE) : "pending");
    app_w_null(w, "valid_assessment_id");
    app_w_null(w, "valid_assessment_status");
    app_w_score_summary(w, a);
    app_w_col(w, "created_at", a, APP_CREATED_AT);
    app_w_col(w, "updated_at", a, APP_UPDATED_AT);
    app_w_last_activity(w, a);
}

void app_write(jsonw_t *w, mem_arena_t *arena, const app_view_t *view, app_shape_t shape, bool with_cv_text)
{
    (void)arena;
    const app_t *a = view->app;
    jsonw_obj(w);
    app_w_base(w, view, shape == APP_SHAPE_LIST);
    if (shape != APP_SHAPE_BASE) {
        jsonw_key(w, "cv_text");
        if (with_cv_text)
            jsonw_str(w, a->cv_text && *a->cv_text ? a->cv_text : view->card.cv_text);
        else
            jsonw_null(w);
        if (!a->v[APP_CV_SECTIONS].null)
            app_w_col(w, "cv_sections", a, APP_CV_SECTIONS);
        else
            app_w_null(w, "cv_sections");
        app_w_null(w, "assessment_preview");
        app_w_empty_arr(w, "assessment_history");
        app_w_null(w, "candidate_interview_kit");
        app_w_arr_col(w, "workable_comments", a, APP_WK_COMMENTS);
        app_w_arr_col(w, "workable_questionnaire_answers", a, APP_WK_ANSWERS);
        app_w_arr_col(w, "workable_activity_log", a, APP_WK_ACTIVITIES);
        app_w_empty_arr(w, "interview_feedback");
    }
    jsonw_obj_end(w);
}

static void app_w_opt_int(jsonw_t *w, const char *key, bool has, int64_t v)
{
    jsonw_key(w, key);
    if (has)
        jsonw_int(w, v);
    else
        jsonw_null(w);
}

void app_write_event(jsonw_t *w, const app_event_row_t *e)
{
    jsonw_obj(w);
    jsonw_key(w, "id");
    jsonw_int(w, e->id);
    jsonw_key(w, "application_id");
    jsonw_int(w, e->application_id);
    jsonw_key(w, "organization_id");
    jsonw_int(w, e->organization_id);
    app_w_opt_int(w, "role_id", e->has_role_id, e->role_id);
    app_w_opt_int(w, "agent_decision_id", e->has_agent_decision_id, e->agent_decision_id);
    const struct {
        const char *k, *v;
    } strs[] = {{"event_type", e->event_type},     {"from_stage", e->from_stage}, {"to_stage", e->to_stage},
                {"from_outcome", e->from_outcome}, {"to_outcome", e->to_outcome}, {"actor_type", e->actor_type}};
    for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++) {
        jsonw_key(w, strs[i].k);
        jsonw_str(w, strs[i].v);
    }
    app_w_opt_int(w, "actor_id", e->has_actor_id, e->actor_id);
    jsonw_key(w, "reason");
    jsonw_str(w, e->reason);
    jsonw_key(w, "target_stage");
    jsonw_str(w, e->target_stage);
    jsonw_key(w, "effect_status");
    jsonw_str(w, e->effect_status);
    jsonw_key(w, "metadata");
    json_t *m = e->metadata ? json_loads(e->metadata, JSON_DECODE_ANY, NULL) : NULL;
    if (json_is_object(m))
        jsonw_value(w, m);
    else {
        jsonw_obj(w);
        jsonw_obj_end(w);
    }
    json_decref(m);
    jsonw_key(w, "idempotency_key");
    jsonw_str(w, e->idempotency_key);
    app_w_time_us(w, "created_at", true, e->created_at);
    jsonw_obj_end(w);
}
