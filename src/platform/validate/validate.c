/* The 422 list and the lax-mode field checks (api-contract §1.2, §1.3).
 * Messages and types are pydantic-core's; the parsing rules follow its
 * JSON input path (str_as_int, str_as_float, str_as_bool, float_as_int). */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <limits.h>
#include <math.h>
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "platform/validate.h"
#include "platform/validate/internal.h"

/* ---- the list ---- */

/* jansson constructors fail only when memory runs out; that aborts, as
 * every allocation failure does (platform/mem.h). */
static _Noreturn void out_of_memory(void)
{
    fputs("out of memory (jansson)\n", stderr);
    abort();
}

static json_t *jnew(json_t *j)
{
    if (!j)
        out_of_memory();
    return j;
}

void vld_init(vld_t *v, mem_arena_t *arena)
{
    v->errors = jnew(json_array());
    v->arena = arena;
}

void vld_free(vld_t *v)
{
    json_decref(v->errors);
    v->errors = NULL;
}

void vld_add(vld_t *v, const char *type, json_t *loc, const char *msg, json_t *input, json_t *ctx)
{
    json_t *e = jnew(json_object());
    json_object_set_new(e, "type", jnew(json_string(type)));
    json_object_set_new(e, "loc", loc ? loc : jnew(json_array()));
    json_object_set_new(e, "msg", jnew(json_string(msg)));
    json_object_set_new(e, "input", input ? input : json_null());
    if (ctx)
        json_object_set_new(e, "ctx", ctx);
    if (!v->errors)
        v->errors = jnew(json_array());
    json_array_append_new(v->errors, e);
}

bool vld_any(const vld_t *v)
{
    return v->errors && json_array_size(v->errors) > 0;
}

size_t vld_count(const vld_t *v)
{
    return v->errors ? json_array_size(v->errors) : 0;
}

json_t *vld_take(vld_t *v)
{
    json_t *a = v->errors ? v->errors : jnew(json_array());
    v->errors = jnew(json_array());
    return a;
}

json_t *vld_loc(const char *src, const char *field)
{
    json_t *a = jnew(json_array());
    json_array_append_new(a, jnew(json_string(src)));
    if (field)
        json_array_append_new(a, jnew(json_string(field)));
    return a;
}

json_t *vld_loc_index(const char *src, const char *field, size_t index)
{
    json_t *a = vld_loc(src, field);
    json_array_append_new(a, jnew(json_integer((json_int_t)index)));
    return a;
}

static json_t *input_of(const json_t *val)
{
    return val ? json_incref((json_t *)val) : json_null();
}

void vld_missing(vld_t *v, const char *src, const char *field, const json_t *enclosing)
{
    vld_add(v, "missing", vld_loc(src, field), "Field required", input_of(enclosing), NULL);
}

/* One entry with a single integer ctx value. */
static void add_int_ctx(vld_t *v, const char *type, json_t *loc, const char *msg, const json_t *val,
                        const char *ctx_key, long long ctx_val)
{
    json_t *ctx = jnew(json_object());
    json_object_set_new(ctx, ctx_key, jnew(json_integer((json_int_t)ctx_val)));
    vld_add(v, type, loc, msg, input_of(val), ctx);
}

/* Decides what an absent or null value means for need.  Returns 1 when
 * *val must be validated, 0 when the field is settled without error
 * (*p set), -1 when "missing" was appended. */
static int settle(vld_t *v, const char *src, const json_t *obj, const char *field, vld_need_t need, const json_t **val,
                  vld_presence_t *p)
{
    *val = json_is_object(obj) ? json_object_get(obj, field) : NULL;
    if (!*val) {
        if (need == VLD_REQUIRED || need == VLD_REQUIRED_NULLABLE) {
            vld_missing(v, src, field, obj);
            return -1;
        }
        *p = VLD_ABSENT;
        return 0;
    }
    if (json_is_null(*val) && (need == VLD_OPTIONAL || need == VLD_REQUIRED_NULLABLE)) {
        *p = VLD_NULL;
        return 0;
    }
    return 1;
}

/* ---- strings ---- */

static bool pattern_search(const char *pattern, const char *s, size_t n)
{
    int errcode;
    PCRE2_SIZE erroff;
    pcre2_code *re =
        pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED, PCRE2_UTF | PCRE2_UCP, &errcode, &erroff, NULL);
    if (!re)
        return false;
    pcre2_match_data *md = pcre2_match_data_create_from_pattern(re, NULL);
    if (!md)
        out_of_memory();
    int rc = pcre2_match(re, (PCRE2_SPTR)s, n, 0, 0, md, NULL);
    pcre2_match_data_free(md);
    pcre2_code_free(re);
    return rc >= 0;
}

bool vld_str_value(vld_t *v, json_t *loc, const json_t *val, const vld_str_rule_t *r, vld_str_t *out)
{
    if (!json_is_string(val) || !vld_utf8_valid(json_string_value(val), json_string_length(val))) {
        vld_add(v, "string_type", loc, "Input should be a valid string", input_of(val), NULL);
        return false;
    }
    const char *s = json_string_value(val);
    size_t n = json_string_length(val);
    size_t cps = vld_utf8_len(s, n);
    char msg[128];
    if (r->min_length > 0 && cps < r->min_length) {
        snprintf(msg, sizeof msg, "String should have at least %zu character%s", r->min_length,
                 r->min_length == 1 ? "" : "s");
        add_int_ctx(v, "string_too_short", loc, msg, val, "min_length", (long long)r->min_length);
        return false;
    }
    if (r->max_length > 0 && cps > r->max_length) {
        snprintf(msg, sizeof msg, "String should have at most %zu character%s", r->max_length,
                 r->max_length == 1 ? "" : "s");
        add_int_ctx(v, "string_too_long", loc, msg, val, "max_length", (long long)r->max_length);
        return false;
    }
    if (r->pattern && !pattern_search(r->pattern, s, n)) {
        char *m = xasprintf("String should match pattern '%s'", r->pattern);
        json_t *ctx = jnew(json_object());
        json_object_set_new(ctx, "pattern", jnew(json_string(r->pattern)));
        vld_add(v, "string_pattern_mismatch", loc, m, input_of(val), ctx);
        free(m);
        return false;
    }
    json_decref(loc);
    out->presence = VLD_SET;
    out->value = s;
    out->len = n;
    return true;
}

bool vld_str(vld_t *v, const char *src, const json_t *obj, const char *field, const vld_str_rule_t *rule,
             vld_str_t *out)
{
    const json_t *val;
    vld_presence_t p;
    int k = settle(v, src, obj, field, rule->need, &val, &p);
    if (k < 0)
        return false;
    if (k == 0) {
        out->presence = p;
        out->value = NULL;
        out->len = 0;
        return true;
    }
    return vld_str_value(v, vld_loc(src, field), val, rule, out);
}

/* ---- integers ---- */

typedef enum { NUM_OK, NUM_BAD, NUM_SIZE } num_parse_t;

/* [+-]?digits with the value clamped to the long long range. */
static bool parse_plain_int(const char *s, size_t n, long long *out)
{
    size_t i = 0;
    bool neg = false;
    if (i < n && (s[i] == '+' || s[i] == '-')) {
        neg = s[i] == '-';
        i++;
    }
    if (i == n)
        return false;
    unsigned long long acc = 0;
    bool big = false;
    for (; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        unsigned d = (unsigned)(s[i] - '0');
        if (!big) {
            if (acc > (ULLONG_MAX - d) / 10)
                big = true;
            else
                acc = acc * 10 + d;
        }
    }
    if (neg)
        *out = (big || acc > (unsigned long long)LLONG_MAX + 1) ? LLONG_MIN
               : acc == (unsigned long long)LLONG_MAX + 1       ? LLONG_MIN
                                                                : -(long long)acc;
    else
        *out = (big || acc > (unsigned long long)LLONG_MAX) ? LLONG_MAX : (long long)acc;
    return true;
}

/* Trims Unicode White_Space from both ends of s[0..*n). */
static const char *trim(const char *s, size_t *n)
{
    size_t a = 0, b = *n;
    while (a < b) {
        uint32_t cp;
        size_t k = utf8_next(s, b, a, &cp);
        if (!vld_u_is_space(cp))
            break;
        a += k;
    }
    while (b > a) {
        size_t start = b - 1;
        while (start > a && ((unsigned char)s[start] & 0xC0u) == 0x80u)
            start--;
        uint32_t cp;
        size_t k = utf8_next(s, b, start, &cp);
        if (start + k != b || !vld_u_is_space(cp))
            break;
        b = start;
    }
    *n = b - a;
    return s + a;
}

/* Underscores between digits, as Python's int() allows: none leading or
 * trailing, never two in a row.  Returns a heap copy without them, or
 * NULL when the rule does not apply. */
static char *strip_underscores(const char *s, size_t n)
{
    if (n == 0 || s[0] == '_' || s[n - 1] == '_' || !memchr(s, '_', n))
        return NULL;
    for (size_t i = 0; i + 1 < n; i++)
        if (s[i] == '_' && s[i + 1] == '_')
            return NULL;
    char *o = xmalloc(n + 1);
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (s[i] != '_')
            o[k++] = s[i];
    o[k] = '\0';
    return o;
}

static num_parse_t parse_int_text(const char *s, size_t n, long long *out)
{
    s = trim(s, &n);
    if (n > 4300)
        return NUM_SIZE;
    if (parse_plain_int(s, n, out))
        return NUM_OK;
    /* "3.000": pydantic strips a zero fraction by hand so that big
     * integers keep their precision. */
    const char *dot = memchr(s, '.', n);
    if (dot) {
        bool zeros = true;
        for (const char *p = dot + 1; p < s + n; p++)
            zeros = zeros && *p == '0';
        if (zeros)
            return parse_plain_int(s, (size_t)(dot - s), out) ? NUM_OK : NUM_BAD;
        return NUM_BAD; /* a fraction stays a fraction without underscores */
    }
    char *u = strip_underscores(s, n);
    if (!u)
        return NUM_BAD;
    bool ok = parse_plain_int(u, strlen(u), out);
    free(u);
    return ok ? NUM_OK : NUM_BAD;
}

bool vld_int_value(vld_t *v, json_t *loc, const json_t *val, const vld_int_rule_t *r, vld_int_t *out)
{
    long long x = 0;
    if (json_is_true(val)) {
        x = 1;
    } else if (json_is_false(val)) {
        x = 0;
    } else if (json_is_integer(val)) {
        x = (long long)json_integer_value(val);
    } else if (json_is_real(val)) {
        double d = json_real_value(val);
        if (!isfinite(d)) {
            vld_add(v, "finite_number", loc, "Input should be a finite number", input_of(val), NULL);
            return false;
        }
        if (fmod(d, 1.0) != 0.0) {
            vld_add(v, "int_from_float", loc, "Input should be a valid integer, got a number with a fractional part",
                    input_of(val), NULL);
            return false;
        }
        if (!(d > -9223372036854775808.0 && d < 9223372036854775808.0)) {
            vld_add(v, "int_parsing_size", loc, "Unable to parse input string as an integer, exceeded maximum size",
                    input_of(val), NULL);
            return false;
        }
        x = (long long)d;
    } else if (json_is_string(val)) {
        num_parse_t pr = parse_int_text(json_string_value(val), json_string_length(val), &x);
        if (pr == NUM_SIZE) {
            vld_add(v, "int_parsing_size", loc, "Unable to parse input string as an integer, exceeded maximum size",
                    input_of(val), NULL);
            return false;
        }
        if (pr == NUM_BAD) {
            vld_add(v, "int_parsing", loc, "Input should be a valid integer, unable to parse string as an integer",
                    input_of(val), NULL);
            return false;
        }
    } else {
        vld_add(v, "int_type", loc, "Input should be a valid integer", input_of(val), NULL);
        return false;
    }

    char msg[96];
    if (r->has_le && x > r->le) {
        snprintf(msg, sizeof msg, "Input should be less than or equal to %lld", r->le);
        add_int_ctx(v, "less_than_equal", loc, msg, val, "le", r->le);
        return false;
    }
    if (r->has_lt && x >= r->lt) {
        snprintf(msg, sizeof msg, "Input should be less than %lld", r->lt);
        add_int_ctx(v, "less_than", loc, msg, val, "lt", r->lt);
        return false;
    }
    if (r->has_ge && x < r->ge) {
        snprintf(msg, sizeof msg, "Input should be greater than or equal to %lld", r->ge);
        add_int_ctx(v, "greater_than_equal", loc, msg, val, "ge", r->ge);
        return false;
    }
    if (r->has_gt && x <= r->gt) {
        snprintf(msg, sizeof msg, "Input should be greater than %lld", r->gt);
        add_int_ctx(v, "greater_than", loc, msg, val, "gt", r->gt);
        return false;
    }
    json_decref(loc);
    out->presence = VLD_SET;
    out->value = x;
    return true;
}

bool vld_int(vld_t *v, const char *src, const json_t *obj, const char *field, const vld_int_rule_t *rule,
             vld_int_t *out)
{
    const json_t *val;
    vld_presence_t p;
    int k = settle(v, src, obj, field, rule->need, &val, &p);
    if (k < 0)
        return false;
    if (k == 0) {
        out->presence = p;
        out->value = 0;
        return true;
    }
    return vld_int_value(v, vld_loc(src, field), val, rule, out);
}

/* ---- floats ---- */

static bool ieq(const char *s, size_t n, const char *word)
{
    return strlen(word) == n && strncasecmp(s, word, n) == 0;
}

/* Rust's f64 syntax: [+-]? (inf | infinity | nan | digits[.digits] |
 * .digits) ([eE][+-]?digits)? */
static bool float_syntax(const char *s, size_t n)
{
    size_t i = 0;
    if (i < n && (s[i] == '+' || s[i] == '-'))
        i++;
    if (ieq(s + i, n - i, "inf") || ieq(s + i, n - i, "infinity") || ieq(s + i, n - i, "nan"))
        return true;
    size_t digits = 0;
    while (i < n && s[i] >= '0' && s[i] <= '9') {
        i++;
        digits++;
    }
    if (i < n && s[i] == '.') {
        i++;
        while (i < n && s[i] >= '0' && s[i] <= '9') {
            i++;
            digits++;
        }
    }
    if (digits == 0)
        return false;
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < n && (s[i] == '+' || s[i] == '-'))
            i++;
        size_t ed = 0;
        while (i < n && s[i] >= '0' && s[i] <= '9') {
            i++;
            ed++;
        }
        if (ed == 0)
            return false;
    }
    return i == n;
}

static bool parse_float_plain(const char *s, size_t n, double *out)
{
    if (!float_syntax(s, n))
        return false;
    char *c = xstrndup(s, n);
    *out = strtod(c, NULL);
    free(c);
    return true;
}

static bool parse_float_text(const char *s, size_t n, double *out)
{
    s = trim(s, &n);
    if (parse_float_plain(s, n, out))
        return true;
    char *u = strip_underscores(s, n);
    if (!u)
        return false;
    bool ok = parse_float_plain(u, strlen(u), out);
    free(u);
    return ok;
}

bool vld_float(vld_t *v, const char *src, const json_t *obj, const char *field, vld_need_t need, vld_float_t *out)
{
    const json_t *val;
    vld_presence_t p;
    int k = settle(v, src, obj, field, need, &val, &p);
    if (k < 0)
        return false;
    if (k == 0) {
        out->presence = p;
        out->value = 0;
        return true;
    }
    double d;
    if (json_is_boolean(val)) {
        d = json_is_true(val) ? 1.0 : 0.0;
    } else if (json_is_number(val)) {
        d = json_number_value(val);
    } else if (json_is_string(val)) {
        if (!parse_float_text(json_string_value(val), json_string_length(val), &d)) {
            vld_add(v, "float_parsing", vld_loc(src, field),
                    "Input should be a valid number, unable to parse string as a number", input_of(val), NULL);
            return false;
        }
    } else {
        vld_add(v, "float_type", vld_loc(src, field), "Input should be a valid number", input_of(val), NULL);
        return false;
    }
    out->presence = VLD_SET;
    out->value = d;
    return true;
}

/* ---- booleans ---- */

/* 1 true, 0 false, -1 not a boolean word. */
static int bool_word(const char *s, size_t n)
{
    if ((n == 1 && s[0] == '0') || ieq(s, n, "f") || ieq(s, n, "n") || ieq(s, n, "no") || ieq(s, n, "off") ||
        ieq(s, n, "false"))
        return 0;
    if ((n == 1 && s[0] == '1') || ieq(s, n, "t") || ieq(s, n, "y") || ieq(s, n, "on") || ieq(s, n, "yes") ||
        ieq(s, n, "true"))
        return 1;
    return -1;
}

static bool bool_value(vld_t *v, json_t *loc, const json_t *val, vld_bool_t *out)
{
    int b = -2; /* -1 parsing error, -2 type error */
    if (json_is_boolean(val)) {
        b = json_is_true(val);
    } else if (json_is_string(val)) {
        b = bool_word(json_string_value(val), json_string_length(val));
    } else if (json_is_integer(val)) {
        json_int_t i = json_integer_value(val);
        b = i == 0 ? 0 : i == 1 ? 1 : -1;
    } else if (json_is_real(val)) {
        double d = json_real_value(val);
        if (isfinite(d) && fmod(d, 1.0) == 0.0 && d > -9223372036854775808.0 && d < 9223372036854775808.0)
            b = d == 0.0 ? 0 : d == 1.0 ? 1 : -1;
    }
    if (b == -1) {
        vld_add(v, "bool_parsing", loc, "Input should be a valid boolean, unable to interpret input", input_of(val),
                NULL);
        return false;
    }
    if (b == -2) {
        vld_add(v, "bool_type", loc, "Input should be a valid boolean", input_of(val), NULL);
        return false;
    }
    json_decref(loc);
    out->presence = VLD_SET;
    out->value = b == 1;
    return true;
}

bool vld_bool(vld_t *v, const char *src, const json_t *obj, const char *field, vld_need_t need, vld_bool_t *out)
{
    const json_t *val;
    vld_presence_t p;
    int k = settle(v, src, obj, field, need, &val, &p);
    if (k < 0)
        return false;
    if (k == 0) {
        out->presence = p;
        out->value = false;
        return true;
    }
    return bool_value(v, vld_loc(src, field), val, out);
}

/* ---- containers ---- */

bool vld_dict(vld_t *v, const char *src, const json_t *obj, const char *field, vld_need_t need, vld_json_t *out)
{
    const json_t *val;
    vld_presence_t p;
    int k = settle(v, src, obj, field, need, &val, &p);
    if (k < 0)
        return false;
    if (k == 0) {
        out->presence = p;
        out->value = NULL;
        return true;
    }
    if (!json_is_object(val)) {
        vld_add(v, "dict_type", vld_loc(src, field), "Input should be a valid dictionary", input_of(val), NULL);
        return false;
    }
    out->presence = VLD_SET;
    out->value = val;
    return true;
}

bool vld_list(vld_t *v, const char *src, const json_t *obj, const char *field, vld_need_t need, vld_json_t *out)
{
    const json_t *val;
    vld_presence_t p;
    int k = settle(v, src, obj, field, need, &val, &p);
    if (k < 0)
        return false;
    if (k == 0) {
        out->presence = p;
        out->value = NULL;
        return true;
    }
    if (!json_is_array(val)) {
        vld_add(v, "list_type", vld_loc(src, field), "Input should be a valid list", input_of(val), NULL);
        return false;
    }
    out->presence = VLD_SET;
    out->value = val;
    return true;
}

bool vld_list_str(vld_t *v, const char *src, const json_t *obj, const char *field, vld_need_t need, vld_json_t *out)
{
    vld_json_t list;
    if (!vld_list(v, src, obj, field, need, &list))
        return false;
    if (list.presence != VLD_SET) {
        *out = list;
        return true;
    }
    bool ok = true;
    const vld_str_rule_t any = {.need = VLD_REQUIRED};
    for (size_t i = 0; i < json_array_size(list.value); i++) {
        vld_str_t s;
        if (!vld_str_value(v, vld_loc_index(src, field, i), json_array_get(list.value, i), &any, &s))
            ok = false;
    }
    if (ok)
        *out = list;
    return ok;
}

bool vld_body_object(vld_t *v, const json_t *body)
{
    if (!body)
        return false;
    if (json_is_object(body))
        return true;
    vld_add(v, "model_attributes_type", vld_loc("body", NULL),
            "Input should be a valid dictionary or object to extract fields from", input_of(body), NULL);
    return false;
}

/* ---- e-mail ---- */

bool vld_email(vld_t *v, const char *src, const json_t *obj, const char *field, vld_need_t need, vld_str_t *out)
{
    const json_t *val;
    vld_presence_t p;
    int k = settle(v, src, obj, field, need, &val, &p);
    if (k < 0)
        return false;
    if (k == 0) {
        out->presence = p;
        out->value = NULL;
        out->len = 0;
        return true;
    }
    if (!json_is_string(val)) {
        vld_add(v, "string_type", vld_loc(src, field), "Input should be a valid string", input_of(val), NULL);
        return false;
    }
    char *reason = NULL;
    char *norm = vld_email_normalize(json_string_value(val), json_string_length(val), &reason);
    if (!norm) {
        char *msg = xasprintf("value is not a valid email address: %s", reason);
        json_t *ctx = jnew(json_object());
        json_object_set_new(ctx, "reason", jnew(json_string(reason)));
        vld_add(v, "value_error", vld_loc(src, field), msg, input_of(val), ctx);
        free(msg);
        free(reason);
        return false;
    }
    out->presence = VLD_SET;
    out->len = strlen(norm);
    out->value = v->arena ? mem_strndup(v->arena, norm, out->len) : NULL;
    free(norm);
    if (!out->value) {
        /* v->arena is NULL: nowhere to keep the result.  A programming
         * error (see vld_init); the field is reported rather than lost. */
        vld_add(v, "value_error", vld_loc(src, field), "value is not a valid email address: internal error",
                input_of(val), NULL);
        return false;
    }
    return true;
}

/* ---- raw string sources ---- */

/* A JSON string of raw; bytes that are not UTF-8 become U+FFFD. */
static json_t *raw_json(const char *raw)
{
    size_t n = strlen(raw);
    if (vld_utf8_valid(raw, n))
        return jnew(json_stringn(raw, n));
    mem_buf_t b = {0};
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        i += utf8_next(raw, n, i, &cp);
        vld_u8_put(&b, cp);
    }
    json_t *j = jnew(json_stringn(b.data, b.len));
    mem_buf_free(&b);
    return j;
}

/* Shared absent handling: returns 1 to validate, 0 settled, -1 missing. */
static int raw_settle(vld_t *v, const char *src, const char *name, const char *raw, vld_need_t need, vld_presence_t *p)
{
    bool absent = !raw || (strcmp(src, "body") == 0 && raw[0] == '\0');
    if (!absent)
        return 1;
    if (need == VLD_REQUIRED || need == VLD_REQUIRED_NULLABLE) {
        vld_missing(v, src, name, NULL);
        return -1;
    }
    *p = VLD_ABSENT;
    return 0;
}

bool vld_raw_str(vld_t *v, const char *src, const char *name, const char *raw, const vld_str_rule_t *rule,
                 vld_str_t *out)
{
    vld_presence_t p;
    int k = raw_settle(v, src, name, raw, rule->need, &p);
    if (k < 0)
        return false;
    if (k == 0) {
        out->presence = p;
        out->value = NULL;
        out->len = 0;
        return true;
    }
    json_t *j = raw_json(raw);
    bool ok;
    if (strcmp(src, "query") == 0 && !vld_utf8_valid(raw, strlen(raw))) {
        /* Starlette would decode with replacement characters; a value
         * that was never text is refused instead (docs/compatibility.md) */
        vld_add(v, "string_unicode", vld_loc(src, name),
                "Input should be a valid string, unable to parse raw data as a unicode string", json_incref(j), NULL);
        ok = false;
    } else {
        ok = vld_str_value(v, vld_loc(src, name), j, rule, out);
    }
    if (ok) {
        /* Hand out what was validated.  That is the caller's string when it
         * is UTF-8; otherwise the text with U+FFFD for each bad sequence,
         * as Starlette decoded it, kept in the arena (without one, the
         * caller's bytes: there is nowhere else to keep it). */
        size_t n = strlen(raw);
        out->value = raw;
        out->len = n;
        if (v->arena && !vld_utf8_valid(raw, n)) {
            out->len = json_string_length(j);
            out->value = mem_strndup(v->arena, json_string_value(j), out->len);
        }
    }
    json_decref(j);
    return ok;
}

bool vld_raw_int(vld_t *v, const char *src, const char *name, const char *raw, const vld_int_rule_t *rule,
                 vld_int_t *out)
{
    vld_presence_t p;
    int k = raw_settle(v, src, name, raw, rule->need, &p);
    if (k < 0)
        return false;
    if (k == 0) {
        out->presence = p;
        out->value = 0;
        return true;
    }
    json_t *j = raw_json(raw);
    bool ok = vld_int_value(v, vld_loc(src, name), j, rule, out);
    json_decref(j);
    return ok;
}

bool vld_raw_bool(vld_t *v, const char *src, const char *name, const char *raw, vld_need_t need, vld_bool_t *out)
{
    vld_presence_t p;
    int k = raw_settle(v, src, name, raw, need, &p);
    if (k < 0)
        return false;
    if (k == 0) {
        out->presence = p;
        out->value = false;
        return true;
    }
    json_t *j = raw_json(raw);
    bool ok = bool_value(v, vld_loc(src, name), j, out);
    json_decref(j);
    return ok;
}

bool vld_page(vld_t *v, const char *limit_raw, const char *offset_raw, long long *limit, long long *offset)
{
    const vld_int_rule_t lr = {.need = VLD_DEFAULTED, .has_ge = true, .ge = 1, .has_le = true, .le = 100};
    const vld_int_rule_t orule = {.need = VLD_DEFAULTED, .has_ge = true, .ge = 0};
    vld_int_t l, o;
    bool ok_l = vld_raw_int(v, "query", "limit", limit_raw, &lr, &l);
    bool ok_o = vld_raw_int(v, "query", "offset", offset_raw, &orule, &o);
    if (ok_l)
        *limit = l.presence == VLD_SET ? l.value : 50;
    if (ok_o)
        *offset = o.presence == VLD_SET ? o.value : 0;
    return ok_l && ok_o;
}
