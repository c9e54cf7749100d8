/* The client view and its summary (§11.2, §11.3). */
#include "components/sharing/view.h"

#include <math.h>

#include "platform/db.h"

static void view_null(json_t *o, const char *const *keys, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (json_object_get(o, keys[i]))
            json_object_set_new(o, keys[i], json_null());
}

static void view_drop(json_t *o, const char *const *keys, size_t n)
{
    if (!json_is_object(o))
        return;
    for (size_t i = 0; i < n; i++)
        json_object_del(o, keys[i]);
}

void sharing_view_scrub_client(json_t *payload)
{
    static const char *const nulls[] = {
        "notes", "candidate_interview_kit", "interview_feedback", "pre_screen_evidence", "recruiter_notes",
        "screening_pack", "tech_interview_pack", "screening_interview_summary", "tech_interview_summary",
        "interview_evidence_summary",
        /* beyond the original: contact details (the client view hides them) */
        "candidate_email", "candidate_phone", "candidate_profile_url", "candidate_social_profiles", "cv_filename"};
    static const char *const empties[] = {"assessment_history", "interviews", "workable_comments",
                                          "workable_questionnaire_answers", "workable_activity_log"};
    static const char *const summary_internal[] = {"rubric_breakdown", "weighting",       "internal_notes",
                                                   "claude_chat_log",  "judge_rationale", "integrity"};
    static const char *const match_internal[] = {"integrity_signals", "timeline_flags", "claims_to_verify",
                                                 "integrity_penalty", "pending_document_hygiene_pdf"};
    view_null(payload, nulls, sizeof nulls / sizeof nulls[0]);
    for (size_t i = 0; i < sizeof empties / sizeof empties[0]; i++)
        json_object_set_new(payload, empties[i], json_array());
    view_drop(json_object_get(payload, "score_summary"), summary_internal,
              sizeof summary_internal / sizeof summary_internal[0]);
    view_drop(json_object_get(payload, "cv_match_details"), match_internal,
              sizeof match_internal / sizeof match_internal[0]);
    json_object_del(payload, "application_events");
}

static bool view_number(const json_t *o, const char *key, double *out)
{
    const json_t *v = json_is_object(o) ? json_object_get(o, key) : NULL;
    if (!json_is_number(v))
        return false;
    double d = json_number_value(v);
    if (!isfinite(d))
        return false;
    *out = d;
    return true;
}

/* The first score of §11.2's list, in that order. */
static bool view_score(const json_t *payload, double *score)
{
    static const char *const summary_keys[] = {"taali_score_100", "score_100",      "overall_score",
                                               "taali_score",     "role_fit_score", "cv_fit_score"};
    static const char *const payload_keys[] = {"taali_score", "cv_match_score", "pre_screen_score"};
    const json_t *ss = json_object_get(payload, "score_summary");
    for (size_t i = 0; i < sizeof summary_keys / sizeof summary_keys[0]; i++)
        if (view_number(ss, summary_keys[i], score))
            return true;
    for (size_t i = 0; i < sizeof payload_keys / sizeof payload_keys[0]; i++)
        if (view_number(payload, payload_keys[i], score))
            return true;
    return false;
}

json_t *sharing_view_summary(const json_t *payload, const char *role_name, int64_t now_us)
{
    double score = 0;
    bool has = view_score(payload, &score);
    const char *verdict = "Recommended for review", *band = has ? "standard" : "na";
    if (has && score >= 85) {
        verdict = "Strong match — recommended";
        band = "strong";
    } else if (has && score >= 70) {
        verdict = "Good fit — recommended";
        band = "good";
    } else if (has && score >= 55) {
        verdict = "Standard fit — worth a conversation";
    }
    char when[40];
    json_t *o = json_object();
    json_object_set_new(o, "role", json_string(role_name && *role_name ? role_name : "this role"));
    json_object_set_new(o, "verdict", json_string(verdict));
    json_object_set_new(o, "verdict_band", json_string(band));
    json_object_set_new(o, "score_100", has ? json_real(score) : json_null());
    json_object_set_new(o, "highlights", json_array());
    json_object_set_new(o, "shared_at", json_string(db_format_time(now_us, "Z", when)));
    return o;
}
