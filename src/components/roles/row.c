/* The role row: which columns of `roles` the component reads, their types
 * and how the change-event diff of §4.4 shows them; accessors over the
 * row object. */
#include <string.h>

#include "components/roles/internal.h"

#define C(n, t, au)                                                                                                    \
    {                                                                                                                  \
        n, ROLES_COL_##t, ROLES_AUDIT_##au                                                                             \
    }

const roles_col_t roles_cols[] = {
    C("id", INT, NO),
    C("organization_id", INT, NO),
    C("version", INT, NO),
    C("name", TEXT, PLAIN),
    C("description", TEXT, HASH),
    C("source", TEXT, NO),
    C("role_kind", TEXT, NO),
    C("ats_owner_role_id", INT, NO),
    C("related_source_role_id", INT, NO),
    C("workable_job_id", TEXT, NO),
    C("workable_job_data", JSON, NO),
    C("bullhorn_job_order_id", TEXT, NO),
    C("job_status", TEXT, PLAIN),
    C("job_spec_file_url", TEXT, HASH),
    C("job_spec_filename", TEXT, PLAIN),
    C("job_spec_text", TEXT, HASH),
    C("job_spec_uploaded_at", TIME, PLAIN),
    C("job_spec_manually_edited_at", TIME, PLAIN),
    C("interview_focus", JSON, NO),
    C("interview_focus_generated_at", TIME, NO),
    C("screening_pack_template", JSON, JSON),
    C("tech_interview_pack_template", JSON, JSON),
    C("assessment_task_provisioning", JSON, JSON),
    C("suppressed_org_criterion_ids", JSON, PLAIN),
    C("auto_reject_threshold_mode", TEXT, PLAIN),
    C("workable_actor_member_id", TEXT, PLAIN),
    C("starred_for_auto_sync", BOOL, PLAIN),
    C("star_auto_managed", BOOL, PLAIN),
    C("agentic_mode_enabled", BOOL, PLAIN),
    C("agent_action_allowlist", JSON, PLAIN),
    C("agent_token_budget_per_cycle", INT, PLAIN),
    C("agent_decision_budget_per_cycle", INT, PLAIN),
    C("monthly_usd_budget_cents", INT, PLAIN),
    C("score_threshold", INT, PLAIN),
    C("agent_paused_at", TIME, PLAIN),
    C("agent_paused_reason", TEXT, PLAIN),
    C("agent_last_run_at", TIME, NO),
    C("auto_reject", BOOL, PLAIN),
    C("auto_reject_pre_screen", BOOL, PLAIN),
    C("auto_promote", BOOL, PLAIN),
    C("auto_send_assessment", BOOL, PLAIN),
    C("auto_resend_assessment", BOOL, PLAIN),
    C("auto_advance", BOOL, PLAIN),
    C("auto_skip_assessment", BOOL, PLAIN),
    C("agent_bootstrap_status", TEXT, NO),
    C("agent_bootstrap_error", TEXT, NO),
    C("agent_bootstrap_started_at", TIME, NO),
    C("agent_bootstrap_completed_at", TIME, NO),
    C("created_at", TIME, NO),
    C("updated_at", TIME, NO),
    C("deleted_at", TIME, PLAIN),
};
const size_t roles_ncols = sizeof roles_cols / sizeof roles_cols[0];

const roles_col_t *roles_col(const char *name)
{
    for (size_t i = 0; i < roles_ncols; i++)
        if (strcmp(roles_cols[i].name, name) == 0)
            return &roles_cols[i];
    return NULL;
}

int64_t roles_row_int(const json_t *row, const char *col)
{
    return json_integer_value(json_object_get(row, col));
}

const char *roles_row_str(const json_t *row, const char *col)
{
    return json_string_value(json_object_get(row, col));
}

bool roles_row_bool(const json_t *row, const char *col)
{
    return json_is_true(json_object_get(row, col));
}

bool roles_row_null(const json_t *row, const char *col)
{
    const json_t *v = json_object_get(row, col);
    return !v || json_is_null(v);
}

static void roles_decref(void *p)
{
    json_decref(p);
}

json_t *roles_keep(mem_arena_t *a, json_t *v)
{
    return v ? mem_defer(a, roles_decref, v) : NULL;
}
