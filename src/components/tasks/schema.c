/* JSON encoding of tasks (api-contract §2.3) and validation of the T1, T2
 * and T5 bodies with pydantic's rules (§1.2, §1.3, §3 T1-T5). */
#include <string.h>

#include "components/integrations/claude/claude.h"
#include "components/tasks/internal.h"
#include "platform/json.h"
#include "shared/text.h"

/* ---- encoding ---- */

static json_t *tasks_str_or_null(const char *s)
{
    json_t *j = s ? json_string(s) : NULL;
    return j ? j : json_null();
}

json_t *tasks_json_column(const char *text)
{
    if (!text)
        return NULL;
    return json_parse(text, strlen(text), JSON_MAX_DEPTH_DEFAULT, NULL);
}

/* A JSON column that must hold an object: the object, else null. */
static json_t *tasks_json_object_or_null(const char *text)
{
    json_t *j = tasks_json_column(text);
    if (j && !json_is_object(j)) {
        json_decref(j);
        j = NULL;
    }
    return j ? j : json_null();
}

json_t *tasks_json(const task_t *t)
{
    char buf[40];
    json_t *o = json_object();
    json_object_set_new(o, "id", json_integer(t->id));
    json_object_set_new(o, "name", tasks_str_or_null(t->name));
    json_object_set_new(o, "description", tasks_str_or_null(t->description));
    json_object_set_new(o, "task_type", tasks_str_or_null(t->task_type));
    json_object_set_new(o, "difficulty", tasks_str_or_null(t->difficulty));
    json_object_set_new(o, "duration_minutes", json_integer(t->duration_minutes));
    json_object_set_new(o, "starter_code", tasks_str_or_null(t->starter_code));
    json_object_set_new(o, "test_code", tasks_str_or_null(t->test_code));
    json_object_set_new(o, "is_template", json_boolean(t->is_template));
    json_object_set_new(o, "is_active", json_boolean(t->is_active));
    json_object_set_new(o, "created_at",
                        t->has_created_at ? json_string(db_format_time(t->created_at, "Z", buf)) : json_null());
    json_object_set_new(o, "calibration_prompt", tasks_str_or_null(t->calibration_prompt));
    json_t *w = tasks_json_column(t->score_weights);
    if (w && !json_is_object(w)) {
        json_decref(w);
        w = NULL;
    }
    json_object_set_new(o, "score_weights", w ? w : json_null());
    json_object_set_new(o, "recruiter_weight_preset", tasks_str_or_null(t->recruiter_weight_preset));
    json_object_set_new(o, "proctoring_enabled", json_boolean(t->proctoring_enabled));
    json_object_set_new(o, "claude_budget_limit_usd",
                        t->has_claude_budget_limit_usd ? json_real(t->claude_budget_limit_usd) : json_null());
    json_object_set_new(o, "task_key", tasks_str_or_null(t->task_key));
    json_object_set_new(o, "role", tasks_str_or_null(t->role));
    json_object_set_new(o, "scenario", tasks_str_or_null(t->scenario));
    json_object_set_new(o, "repo_structure", tasks_json_object_or_null(t->repo_structure));
    json_object_set_new(o, "evaluation_rubric", tasks_json_object_or_null(t->evaluation_rubric));
    json_object_set_new(o, "extra_data", tasks_json_object_or_null(t->extra_data));
    json_object_set_new(o, "main_repo_path", json_null());
    json_object_set_new(o, "template_repo_url", json_null());
    json_object_set_new(o, "repo_file_count", json_integer(tasks_repo_file_count(t->repo_structure)));
    return o;
}

/* Python's truth value of a JSON value (NULL: absent, false). */
static bool tasks_truthy(const json_t *v)
{
    if (!v || json_is_null(v) || json_is_false(v))
        return false;
    if (json_is_string(v))
        return json_string_length(v) > 0;
    if (json_is_number(v))
        return json_number_value(v) != 0;
    if (json_is_array(v))
        return json_array_size(v) > 0;
    if (json_is_object(v))
        return json_object_size(v) > 0;
    return true;
}

int64_t tasks_repo_file_count(const char *repo_structure)
{
    json_t *rs = tasks_json_column(repo_structure);
    json_t *files = json_is_object(rs) ? json_object_get(rs, "files") : NULL;
    json_t *paths = json_object(); /* a set: keys are the distinct paths */
    if (json_is_object(files)) {
        const char *k;
        json_t *v;
        json_object_foreach(files, k, v) json_object_set_new(paths, k, json_null());
    } else if (json_is_array(files)) {
        size_t i;
        json_t *e;
        json_array_foreach(files, i, e)
        {
            json_t *path = json_object_get(e, "path");
            if (!tasks_truthy(path))
                path = json_object_get(e, "name");
            if (json_is_string(path) && tasks_truthy(path))
                json_object_set_new(paths, json_string_value(path), json_null());
        }
    }
    int64_t n = 0;
    const char *k;
    json_t *v;
    json_object_foreach(paths, k, v)
    {
        bool blank = true;
        for (const char *c = k; *c && blank; c++)
            blank = *c == ' ' || *c == '\t' || *c == '\n' || *c == '\r';
        n += !blank;
    }
    json_decref(paths);
    json_decref(rs);
    return n;
}

/* "-" for every run outside [a-z0-9._-] after lower-casing, "-" and "."
 * trimmed, "task" when nothing is left (the original's repository slug). */
static char *tasks_schema_slug(mem_arena_t *a, const char *name)
{
    size_t n = strlen(name);
    while (n && (*name == ' ' || *name == '\t' || *name == '\n' || *name == '\r')) {
        name++;
        n--;
    }
    while (n && (name[n - 1] == ' ' || name[n - 1] == '\t' || name[n - 1] == '\n' || name[n - 1] == '\r'))
        n--;
    char *low = mem_alloc(a, TEXT_LOWER_MAX(n));
    text_lower(name, n, low);
    char *out = mem_alloc(a, strlen(low) + 1);
    size_t k = 0;
    bool run = false;
    for (const char *c = low; *c; c++) {
        bool ok = (*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '.' || *c == '_' || *c == '-';
        if (ok)
            out[k++] = *c;
        else if (!run)
            out[k++] = '-';
        run = !ok;
    }
    out[k] = '\0';
    size_t b = 0;
    while (out[b] == '-' || out[b] == '.')
        b++;
    while (k > b && (out[k - 1] == '-' || out[k - 1] == '.'))
        out[--k] = '\0';
    return out[b] ? out + b : mem_strdup(a, "task");
}

const char *tasks_schema_default_repo(mem_arena_t *a, const char *name, const char *scenario, const char *starter,
                                      const char *test)
{
    const char *title = name && *name ? name : "Assessment Task";
    char *intro = mem_strdup(a, scenario ? scenario : "");
    size_t n = strlen(intro);
    char *b = intro;
    while (*b == ' ' || *b == '\t' || *b == '\n' || *b == '\r')
        b++;
    while (n > (size_t)(b - intro) &&
           (intro[n - 1] == ' ' || intro[n - 1] == '\t' || intro[n - 1] == '\n' || intro[n - 1] == '\r'))
        intro[--n] = '\0';
    bool has_test = test && *test;
    char *readme = mem_printf(a, "# %s\n\n", title);
    if (*b)
        readme = mem_printf(a, "%s%s\n\n", readme, b);
    readme = mem_printf(a, "%s## Files\n- `src/task.py`: starter implementation for candidates\n", readme);
    if (has_test)
        readme = mem_printf(a, "%s- `tests/test_task.py`: pytest suite used for evaluation\n", readme);
    json_t *files = json_object();
    json_object_set_new(files, "README.md", json_string(readme));
    json_object_set_new(files, "src/task.py", json_string(starter && *starter ? starter : "# Starter code\n"));
    if (has_test)
        json_object_set_new(files, "tests/test_task.py", json_string(test));
    json_t *rs = json_pack("{s:s,s:o}", "name", tasks_schema_slug(a, title), "files", files);
    const char *text = json_encode_arena(a, rs);
    json_decref(rs);
    return text;
}

/* ---- validation helpers ---- */

/* A string holding a NUL byte cannot be stored faithfully (PostgreSQL
 * refuses it, C strings end there): a value error on the field. */
static void tasks_schema_no_nul(vld_t *v, const char *field, const vld_str_t *s)
{
    if (s->presence != VLD_SET || strlen(s->value) == s->len)
        return;
    vld_add(v, "value_error", vld_loc("body", field), "Value error, String must not contain NUL characters",
            json_stringn(s->value, s->len), json_pack("{s:s}", "error", "String must not contain NUL characters"));
}

/* A string field: validated, NUL-checked, copied into a. */
static bool tasks_schema_str(vld_t *v, mem_arena_t *a, const json_t *body, const char *field,
                             const vld_str_rule_t *rule, vld_str_t *out)
{
    if (!vld_str(v, "body", body, field, rule, out))
        return false;
    size_t before = vld_count(v);
    tasks_schema_no_nul(v, field, out);
    if (vld_count(v) != before)
        return false;
    if (out->presence == VLD_SET)
        out->value = mem_strndup(a, out->value, out->len);
    return true;
}

/* The JSON text of a validated container value (NULL for null/absent). */
static const char *tasks_schema_json_text(mem_arena_t *a, const vld_json_t *j)
{
    if (j->presence != VLD_SET || !j->value)
        return NULL;
    return json_encode_arena(a, j->value);
}

static const vld_str_rule_t tasks_rule_name = {VLD_REQUIRED, 3, 200, NULL};
static const vld_str_rule_t tasks_rule_description = {VLD_REQUIRED, 3, 5000, NULL};
static const vld_str_rule_t tasks_rule_kind = {VLD_REQUIRED, 2, 100, NULL};
static const vld_str_rule_t tasks_rule_code = {VLD_REQUIRED, 1, 100000, NULL};
static const vld_str_rule_t tasks_rule_opt = {VLD_OPTIONAL, 0, 0, NULL};
static const vld_int_rule_t tasks_rule_duration = {
    .need = VLD_DEFAULTED, .has_ge = true, .ge = 15, .has_le = true, .le = 180};

/* claude_budget_limit_usd: Optional[float], 0 < x <= 1000. */
static bool tasks_schema_budget(vld_t *v, const json_t *body, vld_float_t *out)
{
    if (!vld_float(v, "body", body, "claude_budget_limit_usd", VLD_OPTIONAL, out) || out->presence != VLD_SET)
        return true;
    const json_t *input = json_object_get(body, "claude_budget_limit_usd");
    if (!(out->value > 0)) {
        vld_add(v, "greater_than", vld_loc("body", "claude_budget_limit_usd"), "Input should be greater than 0",
                json_deep_copy(input), json_pack("{s:i}", "gt", 0));
        return false;
    }
    if (out->value > 1000) {
        vld_add(v, "less_than_equal", vld_loc("body", "claude_budget_limit_usd"),
                "Input should be less than or equal to 1000", json_deep_copy(input), json_pack("{s:i}", "le", 1000));
        return false;
    }
    return true;
}

/* task_key, also accepted as task_id (task_key wins when both are sent);
 * *key receives the body key used. */
static void tasks_schema_task_key(vld_t *v, mem_arena_t *a, const json_t *body, vld_str_t *out, const char **key)
{
    *key = json_object_get(body, "task_key") || !json_object_get(body, "task_id") ? "task_key" : "task_id";
    tasks_schema_str(v, a, body, *key, &tasks_rule_opt, out);
}

/* Today's body fields shared by T2 and T5, validated. */
typedef struct {
    vld_float_t budget;
    vld_str_t task_key, role, scenario;
    const char *task_key_field;
    vld_json_t repo, rubric, extra, insights, solutions, approaches;
} tasks_v2_in_t;

static void tasks_schema_v2(vld_t *v, mem_arena_t *a, const json_t *body, tasks_v2_in_t *in)
{
    tasks_schema_budget(v, body, &in->budget);
    tasks_schema_task_key(v, a, body, &in->task_key, &in->task_key_field);
    tasks_schema_str(v, a, body, "role", &tasks_rule_opt, &in->role);
    tasks_schema_str(v, a, body, "scenario", &tasks_rule_opt, &in->scenario);
    vld_dict(v, "body", body, "repo_structure", VLD_OPTIONAL, &in->repo);
    vld_dict(v, "body", body, "evaluation_rubric", VLD_OPTIONAL, &in->rubric);
    vld_dict(v, "body", body, "extra_data", VLD_OPTIONAL, &in->extra);
    vld_list_str(v, "body", body, "expected_insights", VLD_OPTIONAL, &in->insights);
    vld_list_str(v, "body", body, "valid_solutions", VLD_OPTIONAL, &in->solutions);
    vld_dict(v, "body", body, "expected_approaches", VLD_OPTIONAL, &in->approaches);
}

/* extra_data with expected_insights, valid_solutions and
 * expected_approaches folded in when any is given non-null (the
 * original's payload normalisation): the body's extra_data (or {}) plus
 * those keys.  JSON text in a, or NULL for null; *changed says whether
 * extra_data is to be written. */
static const char *tasks_schema_extra(mem_arena_t *a, const tasks_v2_in_t *in, bool *changed)
{
    const vld_json_t *fold[3] = {&in->insights, &in->solutions, &in->approaches};
    static const char *const names[3] = {"expected_insights", "valid_solutions", "expected_approaches"};
    bool any = false;
    for (int i = 0; i < 3; i++)
        any = any || fold[i]->presence == VLD_SET;
    *changed = any || in->extra.presence != VLD_ABSENT;
    if (!any)
        return tasks_schema_json_text(a, &in->extra);
    json_t *x = in->extra.presence == VLD_SET && json_object_size(in->extra.value) ? json_deep_copy(in->extra.value)
                                                                                   : json_object();
    for (int i = 0; i < 3; i++)
        if (fold[i]->presence == VLD_SET)
            json_object_set(x, names[i], (json_t *)fold[i]->value);
    const char *text = json_encode_arena(a, x);
    json_decref(x);
    return text;
}

bool tasks_schema_new(vld_t *v, mem_arena_t *a, const json_t *body, tasks_new_t *out)
{
    memset(out, 0, sizeof *out);
    if (!vld_body_object(v, body))
        return false;
    size_t before = vld_count(v);
    vld_str_t name = {0}, desc = {0}, type = {0}, diff = {0}, starter = {0}, test = {0}, calib = {0}, preset = {0};
    vld_int_t dur = {0};
    vld_json_t sample = {0}, deps = {0}, criteria = {0}, tweights = {0}, sweights = {0};
    vld_bool_t tmpl = {0}, proct = {0};
    tasks_schema_str(v, a, body, "name", &tasks_rule_name, &name);
    tasks_schema_str(v, a, body, "description", &tasks_rule_description, &desc);
    tasks_schema_str(v, a, body, "task_type", &tasks_rule_kind, &type);
    tasks_schema_str(v, a, body, "difficulty", &tasks_rule_kind, &diff);
    vld_int(v, "body", body, "duration_minutes", &tasks_rule_duration, &dur);
    tasks_schema_str(v, a, body, "starter_code", &tasks_rule_code, &starter);
    tasks_schema_str(v, a, body, "test_code", &tasks_rule_code, &test);
    vld_dict(v, "body", body, "sample_data", VLD_OPTIONAL, &sample);
    vld_list_str(v, "body", body, "dependencies", VLD_OPTIONAL, &deps);
    vld_dict(v, "body", body, "success_criteria", VLD_OPTIONAL, &criteria);
    vld_dict(v, "body", body, "test_weights", VLD_OPTIONAL, &tweights);
    vld_bool(v, "body", body, "is_template", VLD_DEFAULTED, &tmpl);
    tasks_schema_str(v, a, body, "calibration_prompt", &tasks_rule_opt, &calib);
    vld_dict(v, "body", body, "score_weights", VLD_OPTIONAL, &sweights);
    tasks_schema_str(v, a, body, "recruiter_weight_preset", &tasks_rule_opt, &preset);
    vld_bool(v, "body", body, "proctoring_enabled", VLD_DEFAULTED, &proct);
    tasks_v2_in_t v2 = {0};
    tasks_schema_v2(v, a, body, &v2);
    if (vld_count(v) != before)
        return false;
    out->name = name.value;
    out->description = desc.value;
    out->task_type = type.value;
    out->difficulty = diff.value;
    out->duration_minutes = dur.presence == VLD_SET ? dur.value : 30;
    out->starter_code = starter.value;
    out->test_code = test.value;
    out->sample_data = tasks_schema_json_text(a, &sample);
    out->dependencies = tasks_schema_json_text(a, &deps);
    out->success_criteria = tasks_schema_json_text(a, &criteria);
    out->test_weights = tasks_schema_json_text(a, &tweights);
    out->is_template = tmpl.presence == VLD_SET && tmpl.value;
    out->calibration_prompt = calib.presence == VLD_SET ? calib.value : NULL;
    out->score_weights = tasks_schema_json_text(a, &sweights);
    out->recruiter_weight_preset = preset.presence == VLD_SET ? preset.value : NULL;
    out->proctoring_enabled = proct.presence == VLD_SET && proct.value;
    out->has_claude_budget_limit_usd = v2.budget.presence == VLD_SET;
    out->claude_budget_limit_usd = v2.budget.value;
    out->task_key = v2.task_key.presence == VLD_SET ? v2.task_key.value : NULL;
    out->role = v2.role.presence == VLD_SET ? v2.role.value : NULL;
    out->scenario = v2.scenario.presence == VLD_SET ? v2.scenario.value : NULL;
    out->evaluation_rubric = tasks_schema_json_text(a, &v2.rubric);
    bool changed = false;
    out->extra_data = tasks_schema_extra(a, &v2, &changed);
    /* an empty or absent repo_structure gets the default repository */
    if (v2.repo.presence == VLD_SET && json_object_size(v2.repo.value))
        out->repo_structure = tasks_schema_json_text(a, &v2.repo);
    else
        out->repo_structure =
            tasks_schema_default_repo(a, out->name, out->scenario && *out->scenario ? out->scenario : out->description,
                                      out->starter_code, out->test_code);
    return true;
}

static void tasks_patch_add(tasks_patch_t *p, const char *column, db_value_t value)
{
    if (p->n < TASKS_PATCH_MAX) {
        p->set[p->n].column = column;
        p->set[p->n].value = value;
        p->n++;
    }
}

static void tasks_patch_str(vld_t *v, mem_arena_t *a, const json_t *body, tasks_patch_t *p, const char *field,
                            size_t min, size_t max)
{
    vld_str_rule_t rule = {VLD_OPTIONAL, min, max, NULL};
    vld_str_t s = {0};
    if (!tasks_schema_str(v, a, body, field, &rule, &s) || s.presence == VLD_ABSENT)
        return;
    tasks_patch_add(p, field, s.presence == VLD_NULL ? DB_V_NULL : DB_V_TEXT(s.value));
}

/* T5's body.  Explicit null is written through, as in the original, except
 * for duration_minutes, is_active and proctoring_enabled: a null there
 * poisoned the task in the original (every later read failed with a 500),
 * so it is refused as the type error pydantic gives a null for a
 * non-optional field. */
bool tasks_schema_patch(vld_t *v, mem_arena_t *a, const json_t *body, tasks_patch_t *out)
{
    memset(out, 0, sizeof *out);
    if (!vld_body_object(v, body))
        return false;
    size_t before = vld_count(v);
    tasks_patch_str(v, a, body, out, "name", 3, 200);
    tasks_patch_str(v, a, body, out, "description", 3, 5000);
    tasks_patch_str(v, a, body, out, "task_type", 2, 100);
    tasks_patch_str(v, a, body, out, "difficulty", 2, 100);
    vld_int_t dur = {0};
    if (vld_int(v, "body", body, "duration_minutes", &tasks_rule_duration, &dur) && dur.presence == VLD_SET)
        tasks_patch_add(out, "duration_minutes", DB_V_INT(dur.value));
    tasks_patch_str(v, a, body, out, "starter_code", 1, 100000);
    tasks_patch_str(v, a, body, out, "test_code", 1, 100000);
    vld_bool_t active = {0};
    if (vld_bool(v, "body", body, "is_active", VLD_DEFAULTED, &active) && active.presence == VLD_SET)
        tasks_patch_add(out, "is_active", DB_V_BOOL(active.value));
    tasks_patch_str(v, a, body, out, "calibration_prompt", 0, 0);
    vld_json_t w = {0};
    if (vld_dict(v, "body", body, "score_weights", VLD_OPTIONAL, &w) && w.presence != VLD_ABSENT)
        tasks_patch_add(out, "score_weights", DB_V_JSON(tasks_schema_json_text(a, &w)));
    tasks_patch_str(v, a, body, out, "recruiter_weight_preset", 0, 0);
    vld_bool_t proct = {0};
    if (vld_bool(v, "body", body, "proctoring_enabled", VLD_DEFAULTED, &proct) && proct.presence == VLD_SET)
        tasks_patch_add(out, "proctoring_enabled", DB_V_BOOL(proct.value));
    tasks_v2_in_t v2 = {0};
    tasks_schema_v2(v, a, body, &v2);
    if (vld_count(v) != before)
        return false;
    if (v2.budget.presence != VLD_ABSENT)
        tasks_patch_add(out, "claude_budget_limit_usd",
                        v2.budget.presence == VLD_SET ? DB_V_REAL(v2.budget.value) : DB_V_NULL);
    const vld_str_t *strs[3] = {&v2.task_key, &v2.role, &v2.scenario};
    static const char *const cols[3] = {"task_key", "role", "scenario"};
    for (int i = 0; i < 3; i++)
        if (strs[i]->presence != VLD_ABSENT)
            tasks_patch_add(out, cols[i], strs[i]->presence == VLD_SET ? DB_V_TEXT(strs[i]->value) : DB_V_NULL);
    if (v2.repo.presence != VLD_ABSENT)
        tasks_patch_add(out, "repo_structure", DB_V_JSON(tasks_schema_json_text(a, &v2.repo)));
    if (v2.rubric.presence != VLD_ABSENT)
        tasks_patch_add(out, "evaluation_rubric", DB_V_JSON(tasks_schema_json_text(a, &v2.rubric)));
    bool changed = false;
    const char *extra = tasks_schema_extra(a, &v2, &changed);
    if (changed)
        tasks_patch_add(out, "extra_data", DB_V_JSON(extra));
    return true;
}

bool tasks_schema_generate(vld_t *v, const json_t *body, tasks_generate_in_t *out)
{
    static const vld_str_rule_t prompt_rule = {VLD_REQUIRED, 0, 0, NULL};
    static const vld_int_rule_t dur_rule = {.need = VLD_OPTIONAL};
    memset(out, 0, sizeof *out);
    if (!vld_body_object(v, body))
        return false;
    size_t before = vld_count(v);
    vld_str_t prompt = {0}, diff = {0};
    vld_int_t dur = {0};
    vld_str(v, "body", body, "prompt", &prompt_rule, &prompt);
    vld_str(v, "body", body, "difficulty", &tasks_rule_opt, &diff);
    vld_int(v, "body", body, "duration_minutes", &dur_rule, &dur);
    if (vld_count(v) != before)
        return false;
    out->prompt = prompt.value;
    out->difficulty = diff.presence == VLD_SET ? diff.value : NULL;
    out->has_duration = dur.presence == VLD_SET;
    out->duration_minutes = dur.value;
    return true;
}

bool tasks_schema_task_id(vld_t *v, const char *raw, int64_t *id)
{
    static const vld_int_rule_t rule = {.need = VLD_REQUIRED};
    vld_int_t out = {0};
    if (!vld_raw_int(v, "path", "task_id", raw, &rule, &out))
        return false;
    *id = out.value;
    return true;
}

/* ---- task generation ---- */

char *tasks_schema_generate_prompt(mem_arena_t *a, const tasks_generate_in_t *in)
{
    /* Python truthiness decided which lines the original added: an empty
     * difficulty or a duration of 0 adds nothing. */
    char *msg = mem_strdup(a, in->prompt ? in->prompt : "");
    if (in->difficulty && *in->difficulty)
        msg = mem_printf(a, "%s\nDifficulty level: %s", msg, in->difficulty);
    if (in->has_duration && in->duration_minutes != 0)
        msg = mem_printf(a, "%s\nTarget duration: %lld minutes", msg, (long long)in->duration_minutes);
    return msg;
}

static const char *const tasks_gen_keys[] = {
    "name", "description", "task_type", "difficulty", "duration_minutes", "starter_code", "test_code"};

tasks_gen_parse_t tasks_schema_generated(const char *text, json_t **out)
{
    *out = NULL;
    json_t *j = claude_parse_fenced_json(text);
    if (!j)
        return TASKS_GEN_NOT_JSON;
    /* The original tested `key in data`: a JSON value that is not an
     * object has none of the keys. */
    for (size_t i = 0; i < sizeof tasks_gen_keys / sizeof tasks_gen_keys[0]; i++) {
        if (!json_is_object(j) || !json_object_get(j, tasks_gen_keys[i])) {
            json_decref(j);
            return TASKS_GEN_INCOMPLETE;
        }
    }
    /* The response model: six str fields (a str field takes only strings)
     * and one lax int. */
    json_t *o = json_object();
    bool ok = true;
    for (size_t i = 0; i < sizeof tasks_gen_keys / sizeof tasks_gen_keys[0] && ok; i++) {
        const char *k = tasks_gen_keys[i];
        json_t *val = json_object_get(j, k);
        if (strcmp(k, "duration_minutes") == 0) {
            static const vld_int_rule_t rule = {.need = VLD_REQUIRED};
            vld_t v;
            vld_init(&v, NULL);
            vld_int_t n = {0};
            ok = vld_int_value(&v, vld_loc("response", k), val, &rule, &n);
            vld_free(&v);
            if (ok)
                json_object_set_new(o, k, json_integer(n.value));
        } else {
            ok = json_is_string(val);
            if (ok)
                json_object_set(o, k, val);
        }
    }
    json_decref(j);
    if (!ok) {
        json_decref(o);
        return TASKS_GEN_BAD_TYPES;
    }
    *out = o;
    return TASKS_GEN_OK;
}
