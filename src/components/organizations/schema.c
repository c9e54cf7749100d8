/* JSON encoding of an organisation (api-contract §2.2 and v2 spec §2.8,
 * D21) and the typed settings objects of today's O1/O2: the fields each
 * one has, their defaults, and the rules their updates obey.  The tables
 * here are the single description both the reader (defaults filled in)
 * and the O2 validator use. */
#include <stdlib.h>
#include <string.h>

#include "components/organizations/internal.h"
#include "platform/config.h"
#include "platform/json.h"

/* ---- the settings objects ---- */

#define F_STR(k, lo, hi, dflt)                                                                                         \
    {                                                                                                                  \
        k, ORG_F_STR, lo, hi, dflt, NULL, NULL, true                                                                   \
    }
#define F_NSTR(k, hi)                                                                                                  \
    {                                                                                                                  \
        k, ORG_F_NSTR, 0, hi, "null", NULL, NULL, true                                                                 \
    }
#define F_BOOL(k, dflt)                                                                                                \
    {                                                                                                                  \
        k, ORG_F_BOOL, 0, 0, dflt, NULL, NULL, true                                                                    \
    }
#define F_NBOOL(k)                                                                                                     \
    {                                                                                                                  \
        k, ORG_F_NBOOL, 0, 0, "null", NULL, NULL, true                                                                 \
    }
#define F_INT(k, lo, hi, dflt)                                                                                         \
    {                                                                                                                  \
        k, ORG_F_INT, lo, hi, dflt, NULL, NULL, true                                                                   \
    }
#define F_NINT(k, lo, hi)                                                                                              \
    {                                                                                                                  \
        k, ORG_F_NINT, lo, hi, "null", NULL, NULL, true                                                                \
    }
#define F_ENUM(k, dflt, lits)                                                                                          \
    {                                                                                                                  \
        k, ORG_F_ENUM, 0, 0, dflt, lits, NULL, true                                                                    \
    }
#define F_NENUM(k, lits)                                                                                               \
    {                                                                                                                  \
        k, ORG_F_NENUM, 0, 0, "null", lits, NULL, true                                                                 \
    }
#define END                                                                                                            \
    {                                                                                                                  \
        NULL, 0, 0, 0, NULL, NULL, NULL, false                                                                         \
    }

static const char *const org_lit_workflow[] = {"manual", "workable_hybrid", NULL};
static const char *const org_lit_sync_model[] = {"scheduled_pull_only", NULL};
static const char *const org_lit_sync_scope[] = {"open_jobs_active_candidates", NULL};
static const char *const org_lit_precedence[] = {"workable_first", NULL};
static const char *const org_lit_sync_mode[] = {"metadata", "full", NULL};
static const char *const org_lit_threshold[] = {"manual", "auto", NULL};

/* WorkableConfigBase; granted_scopes is server-managed (O4 writes it), so
 * an update may not set it. */
static const org_field_t org_workable_fields[] = {
    F_ENUM("workflow_mode", "\"manual\"", org_lit_workflow),
    F_BOOL("workable_writeback", "false"),
    F_ENUM("sync_model", "\"scheduled_pull_only\"", org_lit_sync_model),
    F_ENUM("sync_scope", "\"open_jobs_active_candidates\"", org_lit_sync_scope),
    {"granted_scopes", ORG_F_STRLIST, 0, 0, "[]", NULL, NULL, false},
    F_ENUM("score_precedence", "\"workable_first\"", org_lit_precedence),
    F_ENUM("default_sync_mode", "\"full\"", org_lit_sync_mode),
    F_INT("sync_interval_minutes", 5, 1440, "15"),
    F_STR("invite_stage_name", 0, 200, "\"\""),
    F_STR("interview_stage_name", 0, 200, "\"\""),
    F_BOOL("auto_reject_enabled", "false"),
    F_NSTR("workable_actor_member_id", 200),
    F_NSTR("workable_disqualify_reason_id", 200),
    /* 4000 when read (older records), 256 for every change */
    F_NSTR("auto_reject_note_template", 256),
    END,
};

static const org_field_t org_workspace_fields[] = {
    F_NSTR("candidate_facing_brand", 200),
    F_NSTR("primary_domain", 200),
    F_STR("locale", 2, 80, "\"English (US)\""),
    END,
};

static const org_field_t org_scoring_fields[] = {
    F_BOOL("prompt_quality", "true"),
    F_BOOL("error_recovery", "true"),
    F_BOOL("independence", "true"),
    F_BOOL("context_utilization", "true"),
    F_BOOL("design_thinking", "true"),
    F_BOOL("time_to_first_signal", "false"),
    END,
};

static const org_field_t org_autonomy_fields[] = {
    F_BOOL("auto_invite_above", "false"),
    F_BOOL("auto_reject_below", "true"),
    F_BOOL("auto_advance_high_score", "false"),
    F_BOOL("passive_outbound", "false"),
    END,
};

static const org_field_t org_agent_fields[] = {
    F_BOOL("enabled", "true"),
    F_INT("budget_cents", 1, 0, "5000"),
    F_INT("pause_threshold_pct", 0, 100, "80"),
    /* an update carries a whole autonomy object (its own defaults) */
    {"autonomy", ORG_F_OBJ, 0, 0, NULL, NULL, org_autonomy_fields, true},
    F_NBOOL("auto_send_assessment"),
    F_NBOOL("auto_resend_assessment"),
    F_NBOOL("auto_advance"),
    F_NBOOL("auto_reject_pre_screen"),
    F_NBOOL("auto_skip_assessment"),
    F_NENUM("threshold_mode", org_lit_threshold),
    {"agent_action_allowlist", ORG_F_NSTRLIST, 0, 0, "null", NULL, NULL, true},
    F_NINT("agent_token_budget_per_cycle", 1000, 500000),
    F_NINT("agent_decision_budget_per_cycle", 1, 200),
    END,
};

static const org_field_t org_ai_fields[] = {
    F_BOOL("claude_enabled", "true"),
    F_BOOL("cursor_inline_enabled", "false"),
    F_BOOL("no_ai_baseline_enabled", "true"),
    {"claude_credit_per_candidate_usd", ORG_F_FLOAT, 0, 1000, "12.0", NULL, NULL, true},
    F_INT("session_timeout_minutes", 15, 240, "60"),
    /* null until set; then an AgentDefaults merged key by key */
    {"agent_defaults", ORG_F_NOBJ, 0, 0, "null", NULL, org_agent_fields, true},
    END,
};

static const org_field_t org_notification_fields[] = {
    F_BOOL("candidate_updates", "true"),
    F_BOOL("daily_digest", "true"),
    F_BOOL("panel_reminders", "true"),
    F_BOOL("sync_failures", "true"),
    F_BOOL("spend_over_budget", "true"),
    F_BOOL("agent_paused", "true"),
    END,
};

/* FirefliesConfigUpdate (write-only keys; the answer is computed) */
static const org_field_t org_fireflies_update_fields[] = {
    F_NSTR("api_key", 2000),     F_NSTR("webhook_secret", 2000), F_NSTR("owner_email", 255),
    F_NSTR("invite_email", 255), F_NBOOL("single_account_mode"), END,
};

const org_object_t org_obj_workable = {"workable_config", "WorkableConfigUpdate", org_workable_fields};
const org_object_t org_obj_fireflies = {"fireflies_config", "FirefliesConfigUpdate", org_fireflies_update_fields};
const org_object_t org_obj_workspace = {"workspace_settings", "WorkspaceSettingsUpdate", org_workspace_fields};
const org_object_t org_obj_scoring = {"scoring_policy", "ScoringPolicyUpdate", org_scoring_fields};
const org_object_t org_obj_ai = {"ai_tooling_config", "AiToolingConfigUpdate", org_ai_fields};
const org_object_t org_obj_notifications = {"notification_preferences", "NotificationPreferencesUpdate",
                                            org_notification_fields};

/* ---- reading: stored value over the defaults ---- */

static bool org_is_strlist(const json_t *v)
{
    if (!json_is_array(v))
        return false;
    size_t i;
    const json_t *it;
    json_array_foreach(v, i, it) if (!json_is_string(it)) return false;
    return true;
}

/* Whether a stored value is one this field can show (anything else shows
 * the default: the original failed on such a record). */
static bool org_value_fits(const org_field_t *f, const json_t *v)
{
    bool nullable = f->kind == ORG_F_NSTR || f->kind == ORG_F_NBOOL || f->kind == ORG_F_NINT ||
                    f->kind == ORG_F_NENUM || f->kind == ORG_F_NSTRLIST || f->kind == ORG_F_NOBJ;
    if (json_is_null(v))
        return nullable;
    switch (f->kind) {
    case ORG_F_BOOL:
    case ORG_F_NBOOL: return json_is_boolean(v);
    case ORG_F_INT:
    case ORG_F_NINT: return json_is_integer(v);
    case ORG_F_FLOAT: return json_is_number(v);
    case ORG_F_STR:
    case ORG_F_NSTR:
    case ORG_F_ENUM:
    case ORG_F_NENUM: return json_is_string(v);
    case ORG_F_STRLIST:
    case ORG_F_NSTRLIST: return org_is_strlist(v);
    case ORG_F_OBJ:
    case ORG_F_NOBJ: return json_is_object(v);
    }
    return false;
}

/* A field's default from its text, built by kind (no JSON parse: O1 builds
 * some sixty of them per answer). */
static json_t *org_default(const org_field_t *f)
{
    const char *d = f->dflt;
    if (!d || strcmp(d, "null") == 0)
        return json_null();
    switch (f->kind) {
    case ORG_F_BOOL:
    case ORG_F_NBOOL: return json_boolean(d[0] == 't');
    case ORG_F_INT:
    case ORG_F_NINT: return json_integer(strtoll(d, NULL, 10));
    case ORG_F_FLOAT: return json_real(strtod(d, NULL));
    case ORG_F_STRLIST:
    case ORG_F_NSTRLIST: return json_array();
    default: return json_stringn(d + 1, strlen(d) - 2); /* "\"text\"" */
    }
}

json_t *org_schema_resolve(const org_field_t *fields, const json_t *stored)
{
    json_t *o = json_object();
    for (const org_field_t *f = fields; f->key; f++) {
        const json_t *v = json_is_object(stored) ? json_object_get(stored, f->key) : NULL;
        bool fits = v && org_value_fits(f, v);
        json_t *out;
        if ((f->kind == ORG_F_OBJ || f->kind == ORG_F_NOBJ) && fits && !json_is_null(v))
            out = org_schema_resolve(f->sub, v);
        else if (f->kind == ORG_F_OBJ)
            out = org_schema_resolve(f->sub, NULL);
        else if (fits && f->kind == ORG_F_FLOAT)
            out = json_real(json_number_value(v));
        else if (fits)
            out = json_deep_copy(v);
        else
            out = org_default(f);
        json_object_set_new(o, f->key, out);
    }
    return o;
}

static json_t *org_parse_text(const char *text)
{
    return text ? json_parse(text, strlen(text), JSON_MAX_DEPTH_DEFAULT, NULL) : NULL;
}

/* The stored workable_config with today's defaults; workable_writeback,
 * when never stored, is what the connection can do (write scope granted). */
static json_t *org_workable_json(const organizations_org_t *o)
{
    json_t *raw = org_parse_text(o->workable_config);
    json_t *r = org_schema_resolve(org_workable_fields, raw);
    if (!json_is_object(raw) || !json_object_get(raw, "workable_writeback")) {
        bool can_write = false;
        size_t i;
        json_t *s;
        json_array_foreach(json_object_get(r, "granted_scopes"), i, s) can_write =
            can_write || strcmp(json_string_value(s), "w_candidates") == 0;
        json_object_set_new(r, "workable_writeback", json_boolean(o->workable_connected && can_write));
    }
    json_decref(raw);
    return r;
}

/* An AgentDefaults stored with budget_cents <= 0 meant "not configured":
 * it reads as the $50 default. */
static json_t *org_ai_json(const organizations_org_t *o)
{
    json_t *raw = org_parse_text(o->ai_tooling_config);
    json_t *ad = json_is_object(raw) ? json_object_get(raw, "agent_defaults") : NULL;
    if (json_is_object(ad)) {
        json_t *b = json_object_get(ad, "budget_cents");
        if (!json_is_integer(b) || json_integer_value(b) <= 0)
            json_object_set_new(ad, "budget_cents", json_integer(5000));
    }
    json_t *r = org_schema_resolve(org_ai_fields, raw);
    json_decref(raw);
    return r;
}

static json_t *org_resolved(const org_field_t *fields, const char *text)
{
    json_t *raw = org_parse_text(text);
    json_t *r = org_schema_resolve(fields, raw);
    json_decref(raw);
    return r;
}

static bool org_has_text(const char *s)
{
    if (!s)
        return false;
    for (; *s; s++)
        if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
            return true;
    return false;
}

static json_t *org_fireflies_json(const organizations_org_t *o)
{
    bool key = org_has_text(o->fireflies_api_key_encrypted);
    const char *owner = org_has_text(o->fireflies_owner_email) ? o->fireflies_owner_email : NULL;
    const char *invite = org_has_text(o->fireflies_invite_email) ? o->fireflies_invite_email : NULL;
    json_t *j = json_object();
    json_object_set_new(j, "connected", json_boolean(key && owner));
    json_object_set_new(j, "has_api_key", json_boolean(key));
    json_object_set_new(j, "webhook_secret_configured", json_boolean(org_has_text(o->fireflies_webhook_secret)));
    json_object_set_new(j, "owner_email", owner ? json_string(owner) : json_null());
    json_object_set_new(j, "invite_email", invite ? json_string(invite) : json_null());
    json_object_set_new(j, "single_account_mode", json_boolean(o->fireflies_single_account_mode));
    return j;
}

static json_t *org_str_or_null(const char *s)
{
    json_t *j = s ? json_string(s) : NULL;
    return j ? j : json_null();
}

static json_t *org_time_or_null(bool has, int64_t us)
{
    char buf[40];
    return has ? json_string(db_format_time(us, "Z", buf)) : json_null();
}

static json_t *org_int_or_null(bool has, int64_t v)
{
    return has ? json_integer((json_int_t)v) : json_null();
}

static const char *org_nonempty(const char *s, const char *dflt)
{
    return s && *s ? s : dflt;
}

/* The Workable fields of today's object, after workable_subdomain. */
static void org_json_integrations(json_t *j, const organizations_org_t *o)
{
    json_t *wc = org_workable_json(o);
    json_object_set(j, "workable_config", wc);
    json_object_set_new(j, "fireflies_config", org_fireflies_json(o));
    json_object_set_new(j, "workable_last_sync_at",
                        org_time_or_null(o->has_workable_last_sync_at, o->workable_last_sync_at));
    json_object_set_new(j, "workable_last_sync_status", org_str_or_null(o->workable_last_sync_status));
    json_t *summary = org_parse_text(o->workable_last_sync_summary);
    if (summary && !json_is_object(summary)) {
        json_decref(summary);
        summary = NULL;
    }
    json_object_set_new(j, "workable_last_sync_summary", summary ? summary : json_null());
    /* no Bullhorn integration here: the platform gate is off */
    json_object_set_new(j, "bullhorn_enabled", json_false());
    json_object_set_new(j, "bullhorn_connected", json_boolean(o->bullhorn_connected));
    json_object_set_new(j, "bullhorn_last_sync_at",
                        org_time_or_null(o->has_bullhorn_last_sync_at, o->bullhorn_last_sync_at));
    json_object_set_new(j, "bullhorn_last_sync_status", org_str_or_null(o->bullhorn_last_sync_status));
    json_object_set_new(j, "sync_mode", json_string(org_nonempty(o->sync_mode, "standalone")));
    bool workable = o->workable_connected && o->has_workable_token && org_nonempty(o->workable_subdomain, NULL);
    json_object_set_new(j, "active_ats", json_string(workable ? "workable" : "standalone"));
    const char *model = org_nonempty(cfg ? cfg->claude_model : NULL, "claude-3-haiku-20240307");
    json_object_set_new(j, "active_claude_model", json_string(model));
    json_object_set_new(j, "active_claude_scoring_model", json_string(model));
    json_decref(wc);
}

/* Billing and workspace fields, after plan. */
static void org_json_settings(json_t *j, const organizations_org_t *o)
{
    json_object_set_new(j, "billing_provider", json_string(org_nonempty(o->billing_provider, "stripe")));
    json_object_set_new(j, "credits_balance", json_integer((json_int_t)o->credits_balance));
    json_object_set_new(j, "has_billing_account", json_boolean(o->has_stripe_customer));
    json_object_set_new(
        j, "default_assessment_duration_minutes",
        json_integer(
            (json_int_t)(o->default_assessment_duration_minutes ? o->default_assessment_duration_minutes : 30)));
    json_object_set_new(j, "invite_email_template", org_str_or_null(o->invite_email_template));
    json_object_set_new(j, "default_role_budget_cents",
                        org_int_or_null(o->has_default_role_budget_cents, o->default_role_budget_cents));
    json_object_set_new(j, "default_score_threshold",
                        org_int_or_null(o->has_default_score_threshold, o->default_score_threshold));
    json_object_set_new(j, "monthly_spend_cap_cents",
                        org_int_or_null(o->has_monthly_spend_cap_cents, o->monthly_spend_cap_cents));
    json_t *wc = json_object_get(j, "workable_config");
    bool two_way = json_is_true(json_object_get(wc, "workable_writeback"));
    bool w_scope = false;
    size_t i;
    json_t *s;
    json_array_foreach(json_object_get(wc, "granted_scopes"), i, s) w_scope =
        w_scope || strcmp(json_string_value(s), "w_candidates") == 0;
    json_object_set_new(j, "workable_mode", json_string(two_way && w_scope ? "two_way" : "read_only"));
    json_object_set_new(j, "workspace_settings", org_resolved(org_workspace_fields, o->workspace_settings));
    json_object_set_new(j, "scoring_policy", org_resolved(org_scoring_fields, o->scoring_policy));
    json_object_set_new(j, "ai_tooling_config", org_ai_json(o));
    json_object_set_new(j, "notification_preferences",
                        org_resolved(org_notification_fields, o->notification_preferences));
    json_t *domains = org_parse_text(o->allowed_email_domains);
    json_object_set_new(j, "allowed_email_domains", org_domains_normalize(domains));
    json_decref(domains);
    json_object_set_new(j, "sso_enforced", json_boolean(o->sso_enforced));
    json_object_set_new(j, "saml_enabled", json_boolean(o->saml_enabled));
    json_object_set_new(j, "saml_metadata_url", org_str_or_null(o->saml_metadata_url));
    json_object_set_new(j, "two_factor_required", json_boolean(o->two_factor_required));
}

json_t *organizations_json(const organizations_org_t *o)
{
    json_t *j = json_object();
    json_object_set_new(j, "id", json_integer((json_int_t)o->id));
    json_object_set_new(j, "name", json_string(o->name ? o->name : ""));
    json_object_set_new(j, "slug", o->slug ? json_string(o->slug) : json_null());
    json_object_set_new(j, "workable_connected", json_boolean(o->workable_connected));
    json_object_set_new(j, "workable_subdomain", org_str_or_null(o->workable_subdomain));
    org_json_integrations(j, o);
    json_object_set_new(j, "plan", json_string(o->plan ? o->plan : "pay_per_use"));
    json_object_set_new(j, "assessments_used", json_integer((json_int_t)o->assessments_used));
    json_object_set_new(j, "assessments_limit", org_int_or_null(o->has_assessments_limit, o->assessments_limit));
    org_json_settings(j, o);
    json_object_set_new(j, "created_at", org_time_or_null(o->has_created_at, o->created_at));
    return j;
}

/* ---- allowed_email_domains ---- */

/* One entry as the original normalised it: trimmed, lower-cased (ASCII;
 * domains are), a leading "@" and anything up to an "@" dropped, dots
 * trimmed at both ends.  Empty when nothing is left.  Owned by the
 * caller's buffer (n bytes). */
static void org_domain_one(const char *in, char *buf, size_t n)
{
    size_t len = strlen(in);
    const char *b = in, *e = in + len;
    while (b < e && (*b == ' ' || *b == '\t' || *b == '\n' || *b == '\r'))
        b++;
    while (e > b && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' || e[-1] == '\r'))
        e--;
    if (b < e && *b == '@')
        b++;
    const char *at = memchr(b, '@', (size_t)(e - b));
    if (at)
        b = at + 1;
    while (b < e && *b == '.')
        b++;
    while (e > b && e[-1] == '.')
        e--;
    size_t k = 0;
    for (; b < e && k + 1 < n; b++)
        buf[k++] = (*b >= 'A' && *b <= 'Z') ? (char)(*b - 'A' + 'a') : *b;
    buf[k] = '\0';
}

json_t *org_domains_normalize(const json_t *list)
{
    json_t *out = json_array();
    size_t i;
    const json_t *it;
    json_array_foreach(list, i, it)
    {
        if (!json_is_string(it))
            continue;
        char buf[512];
        org_domain_one(json_string_value(it), buf, sizeof buf);
        bool dup = false;
        size_t k;
        const json_t *seen;
        json_array_foreach(out, k, seen) dup = dup || strcmp(json_string_value(seen), buf) == 0;
        if (*buf && !dup)
            json_array_append_new(out, json_string(buf));
    }
    return out;
}
