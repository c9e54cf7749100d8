/* fuzz_validate: feeds a JSON body to the pydantic-compatible checks of
 * platform/validate: every field check (str with lengths and a pattern,
 * int, float, bool, dict, list, list of str, EmailStr) on fixed keys of
 * the object, the raw query/form variants on its string values, the
 * pagination pair, and the UTF-8 helpers on the raw bytes.  Checks the
 * validate.h promises: a check that fails appends at least one entry, one
 * that passes appends none, and every entry has type, loc and msg. */
#include "fuzz.h"

#include "platform/json.h"
#include "platform/validate.h"

static size_t fz_before;

static void fz_start(const vld_t *v)
{
    fz_before = vld_count(v);
}

static void fz_done(const vld_t *v, bool ok)
{
    if (ok)
        FUZZ_CHECK(vld_count(v) == fz_before);
    else
        FUZZ_CHECK(vld_count(v) > fz_before);
}

static const char *fz_str(const json_t *obj, const char *key)
{
    const json_t *s = json_object_get(obj, key);
    return json_is_string(s) ? json_string_value(s) : NULL;
}

static void fz_fields(vld_t *v, const json_t *obj)
{
    static const vld_str_rule_t name = {VLD_REQUIRED, 1, 200, NULL};
    static const vld_str_rule_t slug = {VLD_OPTIONAL, 0, 0, "^[a-z0-9-]+$"};
    static const vld_int_rule_t score = {.need = VLD_DEFAULTED, .has_ge = true, .ge = 0, .has_le = true, .le = 100};
    static const vld_int_rule_t count = {
        .need = VLD_REQUIRED_NULLABLE, .has_gt = true, .gt = 0, .has_lt = true, .lt = 1000};
    vld_str_t s;
    vld_int_t i;
    vld_float_t f;
    vld_bool_t b;
    vld_json_t j;
    bool ok;

    fz_start(v), ok = vld_str(v, "body", obj, "name", &name, &s), fz_done(v, ok);
    fz_start(v), ok = vld_str(v, "body", obj, "slug", &slug, &s), fz_done(v, ok);
    fz_start(v), ok = vld_int(v, "body", obj, "score", &score, &i), fz_done(v, ok);
    fz_start(v), ok = vld_int(v, "body", obj, "count", &count, &i), fz_done(v, ok);
    fz_start(v), ok = vld_float(v, "body", obj, "weight", VLD_OPTIONAL, &f), fz_done(v, ok);
    fz_start(v), ok = vld_bool(v, "body", obj, "flag", VLD_DEFAULTED, &b), fz_done(v, ok);
    fz_start(v), ok = vld_dict(v, "body", obj, "meta", VLD_OPTIONAL, &j), fz_done(v, ok);
    fz_start(v), ok = vld_list(v, "body", obj, "items", VLD_OPTIONAL, &j), fz_done(v, ok);
    fz_start(v), ok = vld_list_str(v, "body", obj, "tags", VLD_OPTIONAL, &j), fz_done(v, ok);
    fz_start(v), ok = vld_email(v, "body", obj, "email", VLD_OPTIONAL, &s), fz_done(v, ok);
    if (ok && s.presence == VLD_SET)
        FUZZ_CHECK(vld_utf8_valid(s.value, s.len));

    /* the same values as they would arrive in a query string or a form */
    fz_start(v), ok = vld_raw_str(v, "query", "name", fz_str(obj, "name"), &name, &s), fz_done(v, ok);
    fz_start(v), ok = vld_raw_int(v, "query", "score", fz_str(obj, "score"), &score, &i), fz_done(v, ok);
    fz_start(v), ok = vld_raw_bool(v, "body", "flag", fz_str(obj, "flag"), VLD_OPTIONAL, &b), fz_done(v, ok);
    long long limit, offset;
    fz_start(v), ok = vld_page(v, fz_str(obj, "limit"), fz_str(obj, "offset"), &limit, &offset), fz_done(v, ok);
    if (ok)
        FUZZ_CHECK(limit >= 1 && limit <= 100 && offset >= 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    size_t cps = vld_utf8_len(s, size);
    FUZZ_CHECK(cps <= size);

    json_t *body = json_parse(s, size, JSON_MAX_DEPTH_DEFAULT, NULL);
    mem_arena_t *a = mem_arena_new();
    vld_t v;
    vld_init(&v, a);
    bool is_obj = vld_body_object(&v, body);
    FUZZ_CHECK(is_obj == json_is_object(body));
    if (is_obj)
        fz_fields(&v, body);
    json_t *errs = vld_take(&v);
    size_t idx;
    json_t *e;
    json_array_foreach(errs, idx, e)
    {
        FUZZ_CHECK(json_is_string(json_object_get(e, "type")));
        FUZZ_CHECK(json_is_array(json_object_get(e, "loc")));
        FUZZ_CHECK(json_is_string(json_object_get(e, "msg")));
    }
    char *text = json_encode(errs);
    free(text);
    json_decref(errs);
    vld_free(&v);
    mem_arena_free(a);
    json_decref(body);
    return 0;
}
