/* webhook.c: W1's signature check and the handling of one verified event
 * (platform-integrations §6.3). */
#include "components/integrations/workable/workable.h"

#include <string.h>

#include "components/assessments/assessments.h"
#include "components/candidates/candidates.h"
#include "components/organizations/organizations.h"
#include "components/tasks/tasks.h"
#include "platform/json.h"
#include "platform/log.h"

#define WORKABLE_LOGGER "tali.workable"

const char *workable_event_outcome_name(workable_event_outcome_t o)
{
    switch (o) {
    case WORKABLE_EVENT_IGNORED: return "ignored (not candidate_stage_changed)";
    case WORKABLE_EVENT_NO_ORG: return "no organisation with that subdomain";
    case WORKABLE_EVENT_NOT_CONFIGURED: return "stage not configured for automatic assessments";
    case WORKABLE_EVENT_NO_EMAIL: return "candidate without e-mail";
    case WORKABLE_EVENT_NO_TASK: return "organisation has no active task";
    case WORKABLE_EVENT_CREATED: return "assessment created";
    }
    return "unknown";
}

/* Python's == on two JSON values where an absent key reads as None. */
static bool workable_py_equal(const json_t *a, const json_t *b)
{
    bool a_none = !a || json_is_null(a), b_none = !b || json_is_null(b);
    if (a_none || b_none)
        return a_none && b_none;
    if (json_is_number(a) && json_is_number(b))
        return json_number_value(a) == json_number_value(b);
    return json_equal(a, b) != 0;
}

/* Whether the organisation's workable_config (JSON text) asks for an
 * assessment at stage. */
static bool workable_stage_matches(const char *config_json, const json_t *stage)
{
    if (!config_json)
        return false;
    json_t *conf = json_parse(config_json, strlen(config_json), JSON_MAX_DEPTH_DEFAULT, NULL);
    bool ok = json_is_object(conf) && json_truthy(json_object_get(conf, "auto_send_on_stage")) &&
              workable_py_equal(stage, json_object_get(conf, "auto_send_stage"));
    json_decref(conf);
    return ok;
}

/* The Workable id as Python's str() wrote it: strings as they are,
 * integers in decimal; NULL when absent (the original wrote "None"). */
static const char *workable_id_text(mem_arena_t *a, const json_t *id)
{
    if (json_is_string(id))
        return mem_strdup(a, json_string_value(id));
    if (json_is_integer(id))
        return mem_printf(a, "%lld", (long long)json_integer_value(id));
    if (json_is_real(id)) {
        char buf[32];
        return mem_strdup(a, json_fmt_double(json_real_value(id), buf));
    }
    return NULL;
}

/* Candidate, task and assessment, on db inside the caller's transaction. */
static err_t workable_create(db_t *db, mem_arena_t *a, int64_t org_id, const json_t *cand, const char *email,
                             workable_event_outcome_t *outcome, int64_t *assessment_id)
{
    int64_t task_id = 0, duration = 0;
    bool has_task = false;
    err_t e = tasks_first_active_for_org(db, org_id, &task_id, &duration, &has_task);
    if (e != ERR_OK)
        return e;
    if (!has_task) {
        *outcome = WORKABLE_EVENT_NO_TASK;
        return ERR_OK;
    }
    const char *name = json_get_str(cand, "name");
    if (!name || !*name)
        name = json_get_str(cand, "firstname");
    if (name && !*name)
        name = NULL;
    const char *workable_id = workable_id_text(a, json_object_get(cand, "id"));
    candidates_scope_t scope = {true, org_id};
    candidates_candidate_t c;
    bool created = false;
    e = candidates_find_or_create(db, a, scope, email, name, &c, &created);
    if (e == ERR_OK && created) {
        char *raw = json_encode_arena(a, cand);
        e = candidates_set_workable(db, c.id, workable_id, raw);
    }
    if (e != ERR_OK)
        return e;
    int64_t expires = db_now_us() + (int64_t)WORKABLE_EXPIRY_DAYS * 86400LL * 1000000LL;
    int64_t id = 0;
    e = assessments_create_from_workable(db, org_id, c.id, task_id, duration, expires, workable_id, &id);
    if (e != ERR_OK)
        return e;
    *outcome = WORKABLE_EVENT_CREATED;
    if (assessment_id)
        *assessment_id = id;
    return ERR_OK;
}

err_t workable_handle_event(db_t *db, const json_t *event, workable_event_outcome_t *outcome, int64_t *assessment_id)
{
    *outcome = WORKABLE_EVENT_IGNORED;
    const char *type = json_get_str(event, "type");
    if (!type || strcmp(type, "candidate_stage_changed") != 0)
        return ERR_OK;
    const json_t *account = json_object_get(event, "account");
    const char *subdomain = json_is_object(account) ? json_get_str(account, "subdomain") : NULL;
    mem_arena_t *a = mem_arena_new();
    int64_t org_id = 0;
    bool found = false;
    err_t e = organizations_workable_find_by_subdomain(db, subdomain, &org_id, &found);
    if (e != ERR_OK || !found) {
        *outcome = WORKABLE_EVENT_NO_ORG;
        mem_arena_free(a);
        return e;
    }
    organizations_workable_t w;
    e = organizations_workable_get(db, a, org_id, &w);
    if (e != ERR_OK) {
        /* deleted between the two reads: as if it had never matched */
        *outcome = WORKABLE_EVENT_NO_ORG;
        mem_arena_free(a);
        return e == ERR_NOT_FOUND ? ERR_OK : e;
    }
    if (!workable_stage_matches(w.config_json, json_object_get(event, "stage"))) {
        *outcome = WORKABLE_EVENT_NOT_CONFIGURED;
        mem_arena_free(a);
        return ERR_OK;
    }
    const json_t *cand = json_object_get(event, "candidate");
    const char *email = json_is_object(cand) ? json_get_str(cand, "email") : NULL;
    if (!email || !*email) {
        *outcome = WORKABLE_EVENT_NO_EMAIL;
        mem_arena_free(a);
        return ERR_OK;
    }
    e = db_begin(db);
    if (e == ERR_OK) {
        e = workable_create(db, a, org_id, cand, email, outcome, assessment_id);
        if (e == ERR_OK)
            e = db_commit(db);
        if (e != ERR_OK) {
            db_rollback(db);
            *outcome = WORKABLE_EVENT_IGNORED;
        }
    }
    if (e != ERR_OK)
        log_error(WORKABLE_LOGGER, "webhook event not applied (%s)", err_name(e));
    mem_arena_free(a);
    return e;
}
