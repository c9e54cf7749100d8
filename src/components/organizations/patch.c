/* Validation of today's O2 body (OrgUpdate, v2 spec §2.8) with pydantic's
 * rules: the typed sub-objects field by field (locations such as
 * ["body","ai_tooling_config","session_timeout_minutes"]), the bounds,
 * and the presence of the owner-only access fields. */
#include <string.h>

#include "components/organizations/internal.h"
#include "platform/json.h"

/* Rewrites the locations of the errors v received since index before:
 * ["body", key] becomes ["body", path[0], ..., path[n-1], key]. */
static void org_patch_relocate(vld_t *v, size_t before, const char *const *path, int n)
{
    for (size_t i = before; i < json_array_size(v->errors); i++) {
        json_t *err = json_array_get(v->errors, i);
        json_t *old = json_object_get(err, "loc");
        json_t *loc = json_array();
        json_array_append_new(loc, json_string("body"));
        for (int k = 0; k < n; k++)
            json_array_append_new(loc, json_string(path[k]));
        for (size_t k = 1; k < json_array_size(old); k++)
            json_array_append(loc, json_array_get(old, k));
        json_object_set_new(err, "loc", loc);
    }
}

static json_t *org_patch_loc(const char *const *path, int n, const char *key)
{
    json_t *loc = json_array();
    json_array_append_new(loc, json_string("body"));
    for (int k = 0; k < n; k++)
        json_array_append_new(loc, json_string(path[k]));
    if (key)
        json_array_append_new(loc, json_string(key));
    return loc;
}

/* "'a'", "'a' or 'b'", "'a', 'b' or 'c'" as pydantic words a literal. */
static char *org_patch_expected(mem_arena_t *a, const char *const *lits)
{
    int n = 0;
    while (lits[n])
        n++;
    char *s = mem_strdup(a, "");
    for (int i = 0; i < n; i++)
        s = mem_printf(a, "%s%s'%s'", s, i == 0 ? "" : (i == n - 1 ? " or " : ", "), lits[i]);
    return s;
}

/* The float bounds (ge lo, le hi), at ["body", key]: the caller
 * relocates. */
static void org_patch_float_bounds(vld_t *v, mem_arena_t *a, const org_field_t *f, double x, const json_t *input)
{
    if (x < (double)f->lo)
        vld_add(v, "greater_than_equal", vld_loc("body", f->key),
                mem_printf(a, "Input should be greater than or equal to %lld", f->lo), json_deep_copy(input),
                json_pack("{s:I}", "ge", (json_int_t)f->lo));
    else if (x > (double)f->hi)
        vld_add(v, "less_than_equal", vld_loc("body", f->key),
                mem_printf(a, "Input should be less than or equal to %lld", f->hi), json_deep_copy(input),
                json_pack("{s:I}", "le", (json_int_t)f->hi));
}

static json_t *org_patch_object(vld_t *v, mem_arena_t *a, const org_field_t *fields, const json_t *value,
                                const char **path, int n, bool whole);

/* One field of a sub-object: validated, and its typed value (a new
 * reference) or NULL when absent, null or invalid. */
static json_t *org_patch_field(vld_t *v, mem_arena_t *a, const org_field_t *f, const json_t *obj, const char **path,
                               int n, bool whole)
{
    const json_t *raw = json_object_get(obj, f->key);
    vld_need_t need = whole ? VLD_DEFAULTED : VLD_OPTIONAL;
    size_t before = vld_count(v);
    json_t *out = NULL;
    switch (f->kind) {
    case ORG_F_BOOL:
    case ORG_F_NBOOL: {
        vld_bool_t b = {0};
        if (vld_bool(v, "body", obj, f->key, need, &b) && b.presence == VLD_SET)
            out = json_boolean(b.value);
        break;
    }
    case ORG_F_INT:
    case ORG_F_NINT: {
        vld_int_rule_t r = {.need = need, .has_ge = true, .ge = f->lo, .has_le = f->hi != 0, .le = f->hi};
        vld_int_t i = {0};
        if (vld_int(v, "body", obj, f->key, &r, &i) && i.presence == VLD_SET)
            out = json_integer(i.value);
        break;
    }
    case ORG_F_FLOAT: {
        vld_float_t x = {0};
        if (vld_float(v, "body", obj, f->key, need, &x) && x.presence == VLD_SET) {
            org_patch_float_bounds(v, a, f, x.value, raw);
            if (vld_count(v) == before)
                out = json_real(x.value);
        }
        break;
    }
    case ORG_F_STR:
    case ORG_F_NSTR:
    case ORG_F_ENUM:
    case ORG_F_NENUM: {
        vld_str_rule_t r = {need, (size_t)f->lo, (size_t)f->hi, NULL};
        vld_str_t s = {0};
        if (!vld_str(v, "body", obj, f->key, &r, &s) || s.presence != VLD_SET)
            break;
        char *text = mem_strndup(a, s.value, s.len);
        bool ok = !f->lits;
        for (int k = 0; f->lits && f->lits[k]; k++)
            ok = ok || strcmp(f->lits[k], text) == 0;
        if (ok) {
            out = json_stringn(s.value, s.len);
        } else {
            char *exp = org_patch_expected(a, f->lits);
            vld_add(v, "literal_error", vld_loc("body", f->key), mem_printf(a, "Input should be %s", exp),
                    json_deep_copy(raw), json_pack("{s:s}", "expected", exp));
        }
        break;
    }
    case ORG_F_STRLIST:
    case ORG_F_NSTRLIST: {
        vld_json_t l = {0};
        if (vld_list_str(v, "body", obj, f->key, need, &l) && l.presence == VLD_SET)
            out = json_deep_copy(l.value);
        break;
    }
    case ORG_F_OBJ:
    case ORG_F_NOBJ: {
        if (!raw || json_is_null(raw))
            break;
        path[n] = f->key;
        /* an update's autonomy is a whole AgentDefaultsAutonomy; its
         * agent_defaults a partial AgentDefaultsUpdate */
        out = org_patch_object(v, a, f->sub, raw, path, n + 1, f->kind == ORG_F_OBJ);
        return out;
    }
    }
    org_patch_relocate(v, before, path, n);
    return out;
}

/* A sub-object of the body (path[0..n) names it): dict_type when it is not
 * an object; then each updatable field.  whole: every field with its
 * default (a full model); otherwise only those given non-null.  A new
 * object, or NULL when invalid. */
static json_t *org_patch_object(vld_t *v, mem_arena_t *a, const org_field_t *fields, const json_t *value,
                                const char **path, int n, bool whole)
{
    if (!json_is_object(value)) {
        json_t *loc = org_patch_loc(path, n - 1, path[n - 1]);
        vld_add(v, "dict_type", loc, "Input should be a valid dictionary", json_deep_copy(value), NULL);
        return NULL;
    }
    size_t before = vld_count(v);
    json_t *out = whole ? org_schema_resolve(fields, NULL) : json_object();
    for (const org_field_t *f = fields; f->key; f++) {
        if (!f->updatable)
            continue;
        json_t *x = org_patch_field(v, a, f, value, path, n, whole);
        if (x)
            json_object_set_new(out, f->key, x);
    }
    if (vld_count(v) != before) {
        json_decref(out);
        return NULL;
    }
    return out;
}

/* A top-level settings object of the body: NULL when absent or null. */
static json_t *org_patch_sub(vld_t *v, mem_arena_t *a, const json_t *body, const org_object_t *ob)
{
    const json_t *raw = json_object_get(body, ob->key);
    if (!raw || json_is_null(raw))
        return NULL;
    const char *path[4] = {ob->key};
    return org_patch_object(v, a, ob->fields, raw, path, 1, false);
}

/* Unknown workable_config keys are kept as given (D22: the February
 * webhook reads auto_send_on_stage and auto_send_stage); granted_scopes is
 * the connection's and stays out. */
static void org_patch_workable_extras(const json_t *raw, json_t *typed)
{
    const char *k;
    json_t *val;
    json_object_foreach((json_t *)raw, k, val)
    {
        bool known = false;
        for (const org_field_t *f = org_obj_workable.fields; f->key && !known; f++)
            known = strcmp(f->key, k) == 0;
        if (!known)
            json_object_set(typed, k, val);
    }
}

/* j as JSON text in arena a (NULL for NULL); releases j. */
static const char *org_patch_text(mem_arena_t *a, json_t *j)
{
    if (!j)
        return NULL;
    const char *t = json_encode_arena(a, j);
    json_decref(j);
    return t;
}

static void org_patch_top(vld_t *v, const json_t *body, org_patch_t *out)
{
    static const vld_str_rule_t any = {VLD_OPTIONAL, 0, 0, NULL};
    static const vld_str_rule_t tmpl = {VLD_OPTIONAL, 0, 10000, NULL};
    static const vld_int_rule_t dur = {.need = VLD_OPTIONAL, .has_ge = true, .ge = 15, .has_le = true, .le = 180};
    static const vld_int_rule_t budget = {
        .need = VLD_OPTIONAL, .has_ge = true, .ge = 0, .has_le = true, .le = 10000000};
    static const vld_int_rule_t thr = {.need = VLD_OPTIONAL, .has_ge = true, .ge = 0, .has_le = true, .le = 100};
    static const vld_int_rule_t cap = {.need = VLD_OPTIONAL, .has_ge = true, .ge = 0, .has_le = true, .le = 100000000};
    vld_list_str(v, "body", body, "allowed_email_domains", VLD_OPTIONAL, &out->allowed_email_domains);
    vld_bool(v, "body", body, "sso_enforced", VLD_OPTIONAL, &out->sso_enforced);
    vld_bool(v, "body", body, "saml_enabled", VLD_OPTIONAL, &out->saml_enabled);
    vld_str(v, "body", body, "saml_metadata_url", &any, &out->saml_metadata_url);
    vld_bool(v, "body", body, "two_factor_required", VLD_OPTIONAL, &out->two_factor_required);
    vld_int(v, "body", body, "default_assessment_duration_minutes", &dur, &out->default_assessment_duration_minutes);
    vld_str(v, "body", body, "invite_email_template", &tmpl, &out->invite_email_template);
    vld_int(v, "body", body, "default_role_budget_cents", &budget, &out->default_role_budget_cents);
    vld_int(v, "body", body, "default_score_threshold", &thr, &out->default_score_threshold);
    vld_int(v, "body", body, "monthly_spend_cap_cents", &cap, &out->monthly_spend_cap_cents);
}

void org_schema_patch(vld_t *v, mem_arena_t *a, const json_t *body, org_patch_t *out)
{
    static const vld_str_rule_t any = {VLD_OPTIONAL, 0, 0, NULL};
    memset(out, 0, sizeof *out);
    if (!vld_body_object(v, body))
        return;
    vld_str(v, "body", body, "name", &any, &out->name);
    json_t *wc = org_patch_sub(v, a, body, &org_obj_workable);
    if (wc)
        org_patch_workable_extras(json_object_get(body, "workable_config"), wc);
    out->workable_config = org_patch_text(a, wc);
    json_t *ff = org_patch_sub(v, a, body, &org_obj_fireflies);
    if (ff) {
        /* which keys were sent, nulls included (exclude_unset) */
        json_t *set = json_object();
        const json_t *raw = json_object_get(body, "fireflies_config");
        for (const org_field_t *f = org_obj_fireflies.fields; f->key; f++) {
            json_t *val = json_object_get(ff, f->key);
            if (json_object_get(raw, f->key))
                json_object_set(set, f->key, val ? val : json_null());
        }
        out->fireflies_config = org_patch_text(a, set);
        json_decref(ff);
    }
    out->workspace_settings = org_patch_text(a, org_patch_sub(v, a, body, &org_obj_workspace));
    out->scoring_policy = org_patch_text(a, org_patch_sub(v, a, body, &org_obj_scoring));
    out->ai_tooling_config = org_patch_text(a, org_patch_sub(v, a, body, &org_obj_ai));
    out->notification_preferences = org_patch_text(a, org_patch_sub(v, a, body, &org_obj_notifications));
    org_patch_top(v, body, out);
}

bool org_patch_touches_access(const org_patch_t *p)
{
    return p->allowed_email_domains.presence != VLD_ABSENT || p->sso_enforced.presence != VLD_ABSENT ||
           p->saml_enabled.presence != VLD_ABSENT || p->saml_metadata_url.presence != VLD_ABSENT ||
           p->two_factor_required.presence != VLD_ABSENT;
}
