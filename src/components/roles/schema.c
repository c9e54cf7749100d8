/* JSON of the roles component: RoleResponse (§2.1, in its field order),
 * RoleCriterion and OrgCriterion (§3).  A port without an agent, an ATS
 * link, job pages or requisitions emits those capabilities' defaults:
 * agent_effective_policy {}, pending_decisions_by_type {}, is_published
 * false, requisition/client null.  screening_pack_template and
 * tech_interview_pack_template are the stored values (null when none: no
 * deterministic default pack is built, compatibility D-R1). */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "components/roles/internal.h"

static const char *const roles_stage_keys[ROLES_STAGE_COUNT] = {
    "sourced",  "applied",       "scored",          "invited",           "completed",      "advanced",
    "rejected", "in_assessment", "not_yet_decided", "invited_delivered", "invited_opened",
};

json_t *roles_time_json(bool has, int64_t us)
{
    if (!has)
        return json_null();
    char buf[40];
    return json_string(db_format_time(us, "Z", buf));
}

/* The row's timestamp column as RFC 3339 "Z" or null. */
static json_t *roles_row_time(const json_t *row, const char *col)
{
    const json_t *v = json_object_get(row, col);
    return roles_time_json(json_is_integer(v), json_integer_value(v));
}

static json_t *roles_row_copy(const json_t *row, const char *col)
{
    const json_t *v = json_object_get(row, col);
    return v ? json_deep_copy(v) : json_null();
}

static json_t *roles_row_bool_json(const json_t *row, const char *col)
{
    return json_boolean(roles_row_bool(row, col));
}

static const roles_light_t *roles_light(const roles_view_t *v, int64_t id)
{
    for (size_t i = 0; v && id && i < v->nlights; i++)
        if (v->lights[i].id == id)
            return &v->lights[i];
    return NULL;
}

static json_t *roles_id_name(int64_t id, const char *name)
{
    return json_pack("{sIss?}", "id", (json_int_t)id, "name", name);
}

static int roles_light_cmp(const void *pa, const void *pb)
{
    const roles_light_t *a = *(const roles_light_t *const *)pa, *b = *(const roles_light_t *const *)pb;
    int c = strcasecmp(a->name ? a->name : "", b->name ? b->name : "");
    if (c)
        return c;
    return a->id < b->id ? -1 : a->id > b->id;
}

/* role_family of §2.1: the owner and the live related roles of the owner,
 * by case-insensitive name then id. */
static json_t *roles_family(const roles_view_t *v, int64_t owner_id, const char *owner_name)
{
    size_t n = 0;
    const roles_light_t **list = NULL;
    if (v && v->nlights) {
        list = malloc(v->nlights * sizeof *list);
        for (size_t i = 0; i < v->nlights; i++) {
            const roles_light_t *l = &v->lights[i];
            if (l->live && l->ats_owner_role_id == owner_id && l->id != owner_id && l->role_kind &&
                strcmp(l->role_kind, "sister") == 0)
                list[n++] = l;
        }
        qsort(list, n, sizeof list[0], roles_light_cmp);
    }
    json_t *related = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(related, roles_id_name(list[i]->id, list[i]->name));
    free(list);
    return json_pack("{soso}", "owner", roles_id_name(owner_id, owner_name), "related", related);
}

static int64_t roles_sister_count(const roles_view_t *v, int64_t id)
{
    int64_t n = 0;
    for (size_t i = 0; v && i < v->nlights; i++)
        if (v->lights[i].ats_owner_role_id == id)
            n++;
    return n;
}

static json_t *roles_stage_json(const roles_view_t *v)
{
    json_t *o = json_object();
    if (!v->with_stages)
        return o;
    for (int i = 0; i < ROLES_STAGE_COUNT; i++)
        json_object_set_new(o, roles_stage_keys[i], json_integer(v->stats.stage[i]));
    return o;
}

#define SET(k, val) json_object_set_new(o, k, val)

/* The ATS and family fields, from id through workable_job_live. */
static void roles_role_links(json_t *o, const json_t *row, const roles_view_t *v)
{
    int64_t id = roles_row_int(row, "id");
    const roles_light_t *ats_owner = roles_light(v, roles_row_int(row, "ats_owner_role_id"));
    const roles_light_t *rel_source = roles_light(v, roles_row_int(row, "related_source_role_id"));
    bool sister = roles_row_str(row, "role_kind") && strcmp(roles_row_str(row, "role_kind"), "sister") == 0;
    bool owned = sister && ats_owner && ats_owner->live;
    int64_t owner_id = owned ? ats_owner->id : id;
    const char *owner_name = owned ? ats_owner->name : roles_row_str(row, "name");
    const char *workable_id = owned ? ats_owner->workable_job_id : roles_row_str(row, "workable_job_id");
    const roles_light_t *self = roles_light(v, id);
    const char *state = owned ? ats_owner->workable_state : self ? self->workable_state : NULL;
    const char *bullhorn = roles_row_str(row, "bullhorn_job_order_id");
    const char *provider = workable_id ? "workable" : bullhorn ? "bullhorn" : NULL;
    SET("source", roles_row_copy(row, "source"));
    SET("role_kind", roles_row_copy(row, "role_kind"));
    SET("ats_owner_role_id", roles_row_copy(row, "ats_owner_role_id"));
    SET("ats_owner_role_name", ats_owner && ats_owner->live ? json_string(ats_owner->name) : json_null());
    SET("related_source_role_id", roles_row_copy(row, "related_source_role_id"));
    SET("related_source_role_name", rel_source && rel_source->live ? json_string(rel_source->name) : json_null());
    SET("role_family", roles_family(v, owner_id, owner_name));
    SET("effective_workable_job_id", workable_id ? json_string(workable_id) : json_null());
    SET("sister_role_count", json_integer(roles_sister_count(v, id)));
    SET("ats_provider", provider ? json_string(provider) : json_null());
    SET("external_job_id", workable_id ? json_string(workable_id) : bullhorn ? json_string(bullhorn) : json_null());
    SET("external_job_state", provider && state ? json_string(state) : json_null());
    SET("external_job_live", provider ? json_boolean(state && strcmp(state, "published") == 0) : json_null());
    SET("workable_job_id", roles_row_copy(row, "workable_job_id"));
    SET("job_status", roles_row_copy(row, "job_status"));
    SET("requisition", json_null());
    SET("client_id", json_null());
    SET("client_name", json_null());
    SET("workable_job_state", state ? json_string(state) : json_null());
    SET("workable_job_live", json_boolean(!provider || (state && strcmp(state, "published") == 0)));
    SET("is_published", json_false());
}

static bool roles_blank(const char *s)
{
    for (; s && *s; s++)
        if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r' && *s != '\f' && *s != '\v')
            return false;
    return true;
}

/* job_spec_* and interview focus/packs. */
static void roles_role_spec(json_t *o, const json_t *row, bool summary)
{
    SET("job_spec_filename", roles_row_copy(row, "job_spec_filename"));
    SET("job_spec_text", summary ? json_null() : roles_row_copy(row, "job_spec_text"));
    SET("job_spec_uploaded_at", roles_row_time(row, "job_spec_uploaded_at"));
    SET("job_spec_manually_edited_at", roles_row_time(row, "job_spec_manually_edited_at"));
    SET("job_spec_present", json_boolean(!roles_blank(roles_row_str(row, "job_spec_file_url")) ||
                                         !roles_blank(roles_row_str(row, "job_spec_text")) ||
                                         !roles_blank(roles_row_str(row, "description"))));
    SET("interview_focus", summary ? json_null() : roles_row_copy(row, "interview_focus"));
    SET("interview_focus_generated_at", roles_row_time(row, "interview_focus_generated_at"));
    SET("screening_pack_template", summary ? json_null() : roles_row_copy(row, "screening_pack_template"));
    SET("tech_interview_pack_template", summary ? json_null() : roles_row_copy(row, "tech_interview_pack_template"));
}

/* The agent capability's fields: stored values, defaults where there is
 * no agent. */
static void roles_role_agent(json_t *o, const json_t *row)
{
    static const char *const bools[] = {"auto_reject", "auto_reject_pre_screen", "auto_promote"};
    static const char *const nullable[] = {"auto_send_assessment", "auto_resend_assessment", "auto_advance"};
    SET("auto_reject_threshold_mode", roles_row_copy(row, "auto_reject_threshold_mode"));
    SET("workable_actor_member_id", roles_row_copy(row, "workable_actor_member_id"));
    SET("starred_for_auto_sync", roles_row_bool_json(row, "starred_for_auto_sync"));
    SET("agentic_mode_enabled", roles_row_bool_json(row, "agentic_mode_enabled"));
    SET("agent_action_allowlist", roles_row_copy(row, "agent_action_allowlist"));
    SET("agent_token_budget_per_cycle", roles_row_copy(row, "agent_token_budget_per_cycle"));
    SET("agent_decision_budget_per_cycle", roles_row_copy(row, "agent_decision_budget_per_cycle"));
    for (size_t i = 0; i < 3; i++)
        SET(bools[i], roles_row_bool_json(row, bools[i]));
    for (size_t i = 0; i < 3; i++)
        SET(nullable[i], roles_row_copy(row, nullable[i]));
    SET("auto_skip_assessment", roles_row_bool_json(row, "auto_skip_assessment"));
    SET("agent_effective_policy", json_object());
    SET("monthly_usd_budget_cents", roles_row_copy(row, "monthly_usd_budget_cents"));
    SET("score_threshold", roles_row_copy(row, "score_threshold"));
    SET("agent_paused_at", roles_row_time(row, "agent_paused_at"));
    SET("agent_paused_reason", roles_row_copy(row, "agent_paused_reason"));
    SET("agent_last_run_at", roles_row_time(row, "agent_last_run_at"));
    SET("agent_bootstrap_status", roles_row_copy(row, "agent_bootstrap_status"));
    SET("agent_bootstrap_error", roles_row_copy(row, "agent_bootstrap_error"));
    SET("agent_bootstrap_started_at", roles_row_time(row, "agent_bootstrap_started_at"));
    SET("agent_bootstrap_completed_at", roles_row_time(row, "agent_bootstrap_completed_at"));
}

json_t *roles_role_json(const json_t *row, const roles_view_t *v)
{
    bool summary = v->mode == ROLES_VIEW_SUMMARY;
    json_t *o = json_object();
    SET("id", roles_row_copy(row, "id"));
    SET("version", roles_row_copy(row, "version"));
    SET("organization_id", roles_row_copy(row, "organization_id"));
    SET("name", roles_row_copy(row, "name"));
    SET("description", summary ? json_null() : roles_row_copy(row, "description"));
    SET("criteria", !summary && v->criteria ? json_deep_copy(v->criteria) : json_array());
    roles_role_links(o, row, v);
    roles_role_spec(o, row, summary);
    roles_role_agent(o, row);
    SET("assessment_task_provisioning", summary ? json_null() : roles_row_copy(row, "assessment_task_provisioning"));
    SET("tasks_count", json_integer(v->tasks_count));
    SET("applications_count", json_integer(v->applications_count));
    SET("stage_counts", roles_stage_json(v));
    SET("pending_decisions_by_type", json_object());
    SET("active_candidates_count", json_integer(v->with_activity ? v->stats.active_count : 0));
    SET("last_candidate_activity_at",
        roles_time_json(v->with_activity && v->stats.has_last_activity, v->stats.last_activity));
    SET("created_at", roles_row_time(row, "created_at"));
    SET("updated_at", roles_row_time(row, "updated_at"));
    return o;
}

json_t *roles_criterion_json(const json_t *c, int64_t role_version)
{
    json_t *o = json_object();
    SET("id", roles_row_copy(c, "id"));
    SET("source", roles_row_copy(c, "source"));
    SET("ordering", roles_row_copy(c, "ordering"));
    SET("weight", json_real(json_number_value(json_object_get(c, "weight"))));
    SET("must_have", roles_row_bool_json(c, "must_have"));
    SET("bucket", roles_row_copy(c, "bucket"));
    SET("org_criterion_id", roles_row_copy(c, "org_criterion_id"));
    SET("customized_at", roles_row_time(c, "customized_at"));
    SET("text", roles_row_copy(c, "text"));
    SET("role_version", role_version > 0 ? json_integer(role_version) : json_null());
    return o;
}

json_t *roles_org_criterion_json(const json_t *c)
{
    json_t *o = json_object();
    SET("id", roles_row_copy(c, "id"));
    SET("ordering", roles_row_copy(c, "ordering"));
    SET("weight", json_real(json_number_value(json_object_get(c, "weight"))));
    SET("bucket", roles_row_copy(c, "bucket"));
    SET("text", roles_row_copy(c, "text"));
    SET("created_at", roles_row_time(c, "created_at"));
    SET("updated_at", roles_row_time(c, "updated_at"));
    return o;
}
