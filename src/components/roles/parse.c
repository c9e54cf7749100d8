/* Request parsing the roles route files share: pydantic's extra="forbid"
 * (extra_forbidden, reported after the declared fields as pydantic-core
 * does), expected_version (int >= 1, body or query), stripped strings,
 * InterviewPack and criterion bodies. */
#include <stdio.h>
#include <string.h>

#include "components/roles/internal.h"

void roles_parse_extra(vld_t *v, const json_t *body, const char *const *allowed)
{
    if (!json_is_object(body))
        return;
    const char *key;
    json_t *val;
    json_object_foreach((json_t *)body, key, val)
    {
        bool ok = false;
        for (size_t i = 0; allowed[i] && !ok; i++)
            ok = strcmp(allowed[i], key) == 0;
        if (!ok)
            vld_add(v, "extra_forbidden", vld_loc("body", key), "Extra inputs are not permitted", json_deep_copy(val),
                    NULL);
    }
}

static const vld_int_rule_t roles_version_rule = {.need = VLD_REQUIRED, .has_ge = true, .ge = 1};

void roles_parse_version(vld_t *v, const json_t *body, int64_t *out)
{
    vld_int_t x = {0};
    if (vld_int(v, "body", body, "expected_version", &roles_version_rule, &x))
        *out = x.value;
}

void roles_parse_query_version(api_ctx_t *ctx, int64_t *out)
{
    vld_int_t x = {0};
    if (vld_raw_int(&ctx->v, "query", "expected_version", http_query(ctx->req, "expected_version"), &roles_version_rule,
                    &x))
        *out = x.value;
}

static bool roles_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

bool roles_parse_text(vld_t *v, const json_t *body, const char *field, vld_need_t need, size_t min, size_t max,
                      vld_presence_t *presence, const char **out, mem_arena_t *a)
{
    static const vld_str_rule_t any = {VLD_REQUIRED, 0, 0, NULL};
    vld_str_rule_t rule = any;
    rule.need = need;
    vld_str_t s = {0};
    *out = NULL;
    if (!vld_str(v, "body", body, field, &rule, &s))
        return false;
    *presence = s.presence;
    if (s.presence != VLD_SET)
        return true;
    const char *p = s.value, *e = s.value + s.len;
    while (p < e && roles_space(*p))
        p++;
    while (e > p && roles_space(e[-1]))
        e--;
    size_t len = vld_utf8_len(p, (size_t)(e - p));
    const json_t *input = json_object_get(body, field);
    if (len < min) {
        char msg[80];
        snprintf(msg, sizeof msg, "String should have at least %zu character%s", min, min == 1 ? "" : "s");
        vld_add(v, "string_too_short", vld_loc("body", field), msg, json_deep_copy(input),
                json_pack("{sI}", "min_length", (json_int_t)min));
        return false;
    }
    if (max && len > max) {
        char msg[80];
        snprintf(msg, sizeof msg, "String should have at most %zu characters", max);
        vld_add(v, "string_too_long", vld_loc("body", field), msg, json_deep_copy(input),
                json_pack("{sI}", "max_length", (json_int_t)max));
        return false;
    }
    char *t = mem_alloc(a, (size_t)(e - p) + 1);
    memcpy(t, p, (size_t)(e - p));
    t[e - p] = '\0';
    *out = len ? t : NULL;
    return true;
}

/* One question of an InterviewPack: an object with a str "question". */
static void roles_parse_question(vld_t *v, const char *field, size_t i, const json_t *q)
{
    if (!json_is_object(q)) {
        json_t *loc = vld_loc_index("body", field, 0);
        json_array_set_new(loc, 2, json_string("questions"));
        json_array_append_new(loc, json_integer((json_int_t)i));
        vld_add(v, "model_type", loc, "Input should be a valid dictionary or instance of InterviewQuestion",
                json_deep_copy(q), json_pack("{ss}", "class_name", "InterviewQuestion"));
        return;
    }
    const json_t *text = json_object_get(q, "question");
    if (!json_is_string(text)) {
        json_t *loc = json_pack("[sssIs]", "body", field, "questions", (json_int_t)i, "question");
        if (!text)
            vld_add(v, "missing", loc, "Field required", json_deep_copy(q), NULL);
        else
            vld_add(v, "string_type", loc, "Input should be a valid string", json_deep_copy(text), NULL);
    }
}

void roles_parse_pack(vld_t *v, const json_t *body, const char *field, json_t **out, mem_arena_t *a)
{
    const json_t *pack = json_object_get(body, field);
    *out = NULL;
    if (!pack)
        return;
    if (json_is_null(pack)) {
        *out = roles_keep(a, json_null());
        return;
    }
    if (!json_is_object(pack)) {
        vld_add(v, "model_type", vld_loc("body", field),
                "Input should be a valid dictionary or instance of InterviewPack", json_deep_copy(pack),
                json_pack("{ss}", "class_name", "InterviewPack"));
        return;
    }
    size_t before = vld_count(v);
    const json_t *stage = json_object_get(pack, "stage");
    const char *st = json_string_value(stage);
    if (!stage)
        vld_add(v, "missing", json_pack("[sss]", "body", field, "stage"), "Field required", json_deep_copy(pack), NULL);
    else if (!st || (strcmp(st, "screening") != 0 && strcmp(st, "tech_stage_2") != 0))
        vld_add(v, "literal_error", json_pack("[sss]", "body", field, "stage"),
                "Input should be 'screening' or 'tech_stage_2'", json_deep_copy(stage),
                json_pack("{ss}", "expected", "'screening' or 'tech_stage_2'"));
    const json_t *qs = json_object_get(pack, "questions");
    if (qs && !json_is_array(qs))
        vld_add(v, "list_type", json_pack("[sss]", "body", field, "questions"), "Input should be a valid list",
                json_deep_copy(qs), NULL);
    for (size_t i = 0; json_is_array(qs) && i < json_array_size(qs); i++)
        roles_parse_question(v, field, i, json_array_get(qs, i));
    if (vld_count(v) == before)
        *out = roles_keep(a, json_deep_copy(pack));
}

void roles_parse_criterion(vld_t *v, const json_t *body, bool create, roles_crit_in_t *in, mem_arena_t *a)
{
    static const vld_int_rule_t ordering = {.need = VLD_OPTIONAL, .has_ge = true, .ge = 0, .has_le = true, .le = 10000};
    vld_presence_t pr = VLD_ABSENT;
    roles_parse_text(v, body, "text", create ? VLD_REQUIRED : VLD_OPTIONAL, 1, 220, &pr, &in->text, a);
    const json_t *b = json_object_get(body, "bucket");
    if (b && !json_is_null(b)) {
        const char *s = json_string_value(b);
        if (!s || (strcmp(s, "must") != 0 && strcmp(s, "preferred") != 0 && strcmp(s, "constraint") != 0))
            vld_add(v, "literal_error", vld_loc("body", "bucket"),
                    "Input should be 'must', 'preferred' or 'constraint'", json_deep_copy(b),
                    json_pack("{ss}", "expected", "'must', 'preferred' or 'constraint'"));
        else
            in->bucket = mem_strdup(a, s);
    } else if (b && create) {
        vld_add(v, "literal_error", vld_loc("body", "bucket"), "Input should be 'must', 'preferred' or 'constraint'",
                json_null(), json_pack("{ss}", "expected", "'must', 'preferred' or 'constraint'"));
    }
    if (create && !in->bucket)
        in->bucket = "preferred";
    vld_int_t o = {0};
    if (vld_int(v, "body", body, "ordering", &ordering, &o) && o.presence == VLD_SET) {
        in->has_ordering = true;
        in->ordering = o.value;
    }
    vld_float_t w = {0};
    if (vld_float(v, "body", body, "weight", VLD_OPTIONAL, &w) && w.presence == VLD_SET) {
        if (w.value < 0 || w.value > 10) {
            bool low = w.value < 0;
            vld_add(v, low ? "greater_than_equal" : "less_than_equal", vld_loc("body", "weight"),
                    low ? "Input should be greater than or equal to 0" : "Input should be less than or equal to 10",
                    json_deep_copy(json_object_get(body, "weight")),
                    low ? json_pack("{si}", "ge", 0) : json_pack("{si}", "le", 10));
        } else {
            in->has_weight = true;
            in->weight = w.value;
        }
    }
}
