/* Field checks against the 422 entries of api-contract §1.3. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "platform/json.h"
#include "platform/validate.h"

static json_t *parse(const char *s)
{
    json_t *j = json_parse(s, strlen(s), JSON_MAX_DEPTH_DEFAULT, NULL);
    assert_non_null(j);
    return j;
}

/* The encoded error list (what the client sees inside "detail"). */
static void assert_errors(vld_t *v, const char *expected)
{
    json_t *a = vld_take(v);
    char *got = json_encode(a);
    assert_string_equal(got, expected);
    free(got);
    json_decref(a);
}

static void test_register_example(void **state)
{
    (void)state;
    mem_arena_t *arena = mem_arena_new();
    json_t *body = parse("{\"email\":\"bad\",\"password\":\"short\"}");
    vld_t v;
    vld_init(&v, arena);
    vld_str_t email, pw, name, org;
    assert_true(vld_body_object(&v, body));
    assert_false(vld_email(&v, "body", body, "email", VLD_REQUIRED, &email));
    const vld_str_rule_t pw_rule = {.min_length = 8, .max_length = 200};
    assert_false(vld_str(&v, "body", body, "password", &pw_rule, &pw));
    const vld_str_rule_t name_rule = {.min_length = 1, .max_length = 200};
    assert_false(vld_str(&v, "body", body, "full_name", &name_rule, &name));
    const vld_str_rule_t org_rule = {.need = VLD_OPTIONAL, .max_length = 200};
    assert_true(vld_str(&v, "body", body, "organization_name", &org_rule, &org));
    assert_int_equal(org.presence, VLD_ABSENT);
    assert_true(vld_any(&v));
    assert_errors(
        &v,
        "[{\"type\":\"value_error\",\"loc\":[\"body\",\"email\"],\"msg\":\"value is not a valid email address: An email address must have an @-sign.\",\"input\":\"bad\",\"ctx\":{\"reason\":\"An email address must have an @-sign.\"}},"
        "{\"type\":\"string_too_short\",\"loc\":[\"body\",\"password\"],\"msg\":\"String should have at least 8 characters\",\"input\":\"short\",\"ctx\":{\"min_length\":8}},"
        "{\"type\":\"missing\",\"loc\":[\"body\",\"full_name\"],\"msg\":\"Field required\",\"input\":{\"email\":\"bad\",\"password\":\"short\"}}]");
    assert_false(vld_any(&v));
    vld_free(&v);
    json_decref(body);
    mem_arena_free(arena);
}

static void test_register_ok_normalises(void **state)
{
    (void)state;
    mem_arena_t *arena = mem_arena_new();
    json_t *body = parse("{\"email\":\"  Alice@Example.COM \",\"password\":\"long enough\","
                         "\"full_name\":\"Al\",\"organization_name\":null}");
    vld_t v;
    vld_init(&v, arena);
    vld_str_t email, org;
    assert_true(vld_email(&v, "body", body, "email", VLD_REQUIRED, &email));
    assert_string_equal(email.value, "Alice@example.com");
    const vld_str_rule_t org_rule = {.need = VLD_OPTIONAL, .max_length = 200};
    assert_true(vld_str(&v, "body", body, "organization_name", &org_rule, &org));
    assert_int_equal(org.presence, VLD_NULL);
    assert_false(vld_any(&v));
    vld_free(&v);
    json_decref(body);
    mem_arena_free(arena);
}

static void test_string_rules(void **state)
{
    (void)state;
    json_t *body = parse("{\"a\":\"\",\"b\":\"abcdef\",\"c\":5,\"d\":null,\"e\":\"h\\u00e9\\u00e9\","
                         "\"f\":\"xpasswordx\",\"g\":\"nope\"}");
    vld_t v;
    vld_init(&v, NULL);
    vld_str_t s;
    const vld_str_rule_t one = {.min_length = 1};
    assert_false(vld_str(&v, "body", body, "a", &one, &s));
    const vld_str_rule_t max5 = {.max_length = 5};
    assert_false(vld_str(&v, "body", body, "b", &max5, &s));
    const vld_str_rule_t plain = {0};
    assert_false(vld_str(&v, "body", body, "c", &plain, &s));
    assert_false(vld_str(&v, "body", body, "d", &plain, &s));
    /* three code points, five bytes */
    const vld_str_rule_t max3 = {.max_length = 3};
    assert_true(vld_str(&v, "body", body, "e", &max3, &s));
    assert_int_equal(s.len, 5);
    const vld_str_rule_t pat = {.pattern = "password"};
    assert_true(vld_str(&v, "body", body, "f", &pat, &s));
    assert_false(vld_str(&v, "body", body, "g", &pat, &s));
    assert_errors(
        &v,
        "[{\"type\":\"string_too_short\",\"loc\":[\"body\",\"a\"],\"msg\":\"String should have at least 1 character\",\"input\":\"\",\"ctx\":{\"min_length\":1}},"
        "{\"type\":\"string_too_long\",\"loc\":[\"body\",\"b\"],\"msg\":\"String should have at most 5 characters\",\"input\":\"abcdef\",\"ctx\":{\"max_length\":5}},"
        "{\"type\":\"string_type\",\"loc\":[\"body\",\"c\"],\"msg\":\"Input should be a valid string\",\"input\":5},"
        "{\"type\":\"string_type\",\"loc\":[\"body\",\"d\"],\"msg\":\"Input should be a valid string\",\"input\":null},"
        "{\"type\":\"string_pattern_mismatch\",\"loc\":[\"body\",\"g\"],\"msg\":\"String should match pattern 'password'\",\"input\":\"nope\",\"ctx\":{\"pattern\":\"password\"}}]");
    vld_free(&v);
    json_decref(body);
}

static void test_int_lax(void **state)
{
    (void)state;
    json_t *body = parse("{\"a\":\"3\",\"b\":3.0,\"c\":true,\"d\":\" 7 \",\"e\":\"4.00\",\"f\":\"1_000\","
                         "\"g\":-2,\"h\":false}");
    vld_t v;
    vld_init(&v, NULL);
    const vld_int_rule_t r = {0};
    vld_int_t i;
    const char *keys[] = {"a", "b", "c", "d", "e", "f", "g", "h"};
    const long long want[] = {3, 3, 1, 7, 4, 1000, -2, 0};
    for (size_t k = 0; k < 8; k++) {
        assert_true(vld_int(&v, "body", body, keys[k], &r, &i));
        assert_int_equal(i.presence, VLD_SET);
        assert_int_equal(i.value, want[k]);
    }
    assert_false(vld_any(&v));
    vld_free(&v);
    json_decref(body);
}

static void test_int_errors(void **state)
{
    (void)state;
    json_t *body = parse("{\"a\":3.5,\"b\":\"x\",\"c\":[1],\"d\":null,\"e\":10,\"f\":500,\"g\":0,"
                         "\"h\":\"3.5\",\"i\":1e30}");
    vld_t v;
    vld_init(&v, NULL);
    const vld_int_rule_t r = {0};
    vld_int_t i;
    assert_false(vld_int(&v, "body", body, "a", &r, &i));
    assert_false(vld_int(&v, "body", body, "b", &r, &i));
    assert_false(vld_int(&v, "body", body, "c", &r, &i));
    assert_false(vld_int(&v, "body", body, "d", &r, &i));
    const vld_int_rule_t dur = {.need = VLD_DEFAULTED, .has_ge = true, .ge = 15, .has_le = true, .le = 180};
    assert_false(vld_int(&v, "body", body, "e", &dur, &i));
    assert_false(vld_int(&v, "body", body, "f", &dur, &i));
    const vld_int_rule_t pos = {.has_gt = true, .gt = 0};
    assert_false(vld_int(&v, "body", body, "g", &pos, &i));
    assert_false(vld_int(&v, "body", body, "h", &r, &i));
    assert_false(vld_int(&v, "body", body, "i", &r, &i));
    assert_true(vld_int(&v, "body", body, "absent", &dur, &i));
    assert_int_equal(i.presence, VLD_ABSENT);
    assert_errors(
        &v,
        "[{\"type\":\"int_from_float\",\"loc\":[\"body\",\"a\"],\"msg\":\"Input should be a valid integer, got a number with a fractional part\",\"input\":3.5},"
        "{\"type\":\"int_parsing\",\"loc\":[\"body\",\"b\"],\"msg\":\"Input should be a valid integer, unable to parse string as an integer\",\"input\":\"x\"},"
        "{\"type\":\"int_type\",\"loc\":[\"body\",\"c\"],\"msg\":\"Input should be a valid integer\",\"input\":[1]},"
        "{\"type\":\"int_type\",\"loc\":[\"body\",\"d\"],\"msg\":\"Input should be a valid integer\",\"input\":null},"
        "{\"type\":\"greater_than_equal\",\"loc\":[\"body\",\"e\"],\"msg\":\"Input should be greater than or equal to 15\",\"input\":10,\"ctx\":{\"ge\":15}},"
        "{\"type\":\"less_than_equal\",\"loc\":[\"body\",\"f\"],\"msg\":\"Input should be less than or equal to 180\",\"input\":500,\"ctx\":{\"le\":180}},"
        "{\"type\":\"greater_than\",\"loc\":[\"body\",\"g\"],\"msg\":\"Input should be greater than 0\",\"input\":0,\"ctx\":{\"gt\":0}},"
        "{\"type\":\"int_parsing\",\"loc\":[\"body\",\"h\"],\"msg\":\"Input should be a valid integer, unable to parse string as an integer\",\"input\":\"3.5\"},"
        "{\"type\":\"int_parsing_size\",\"loc\":[\"body\",\"i\"],\"msg\":\"Unable to parse input string as an integer, exceeded maximum size\",\"input\":1e+30}]");
    vld_free(&v);
    json_decref(body);
}

static void test_big_int_string_is_clamped(void **state)
{
    (void)state;
    json_t *body = parse("{\"a\":\"99999999999999999999999\"}");
    vld_t v;
    vld_init(&v, NULL);
    const vld_int_rule_t r = {.has_le = true, .le = 100};
    vld_int_t i;
    assert_false(vld_int(&v, "body", body, "a", &r, &i));
    assert_errors(
        &v,
        "[{\"type\":\"less_than_equal\",\"loc\":[\"body\",\"a\"],\"msg\":\"Input should be less than or equal to 100\",\"input\":\"99999999999999999999999\",\"ctx\":{\"le\":100}}]");
    vld_free(&v);
    json_decref(body);
}

static void test_float_and_bool(void **state)
{
    (void)state;
    json_t *body =
        parse("{\"f1\":2,\"f2\":\" 1.5 \",\"f3\":\"abc\",\"f4\":{},\"f5\":true,"
              "\"b1\":\"yes\",\"b2\":\"OFF\",\"b3\":0,\"b4\":1.0,\"b5\":2,\"b6\":\"maybe\",\"b7\":[],\"b8\":0.5}");
    vld_t v;
    vld_init(&v, NULL);
    vld_float_t f;
    assert_true(vld_float(&v, "body", body, "f1", VLD_REQUIRED, &f));
    assert_true(f.value == 2.0);
    assert_true(vld_float(&v, "body", body, "f2", VLD_REQUIRED, &f));
    assert_true(f.value == 1.5);
    assert_true(vld_float(&v, "body", body, "f5", VLD_REQUIRED, &f));
    assert_true(f.value == 1.0);
    assert_false(vld_float(&v, "body", body, "f3", VLD_REQUIRED, &f));
    assert_false(vld_float(&v, "body", body, "f4", VLD_REQUIRED, &f));
    vld_bool_t b;
    assert_true(vld_bool(&v, "body", body, "b1", VLD_REQUIRED, &b));
    assert_true(b.value);
    assert_true(vld_bool(&v, "body", body, "b2", VLD_REQUIRED, &b));
    assert_false(b.value);
    assert_true(vld_bool(&v, "body", body, "b3", VLD_REQUIRED, &b));
    assert_false(b.value);
    assert_true(vld_bool(&v, "body", body, "b4", VLD_REQUIRED, &b));
    assert_true(b.value);
    assert_false(vld_bool(&v, "body", body, "b5", VLD_REQUIRED, &b));
    assert_false(vld_bool(&v, "body", body, "b6", VLD_REQUIRED, &b));
    assert_false(vld_bool(&v, "body", body, "b7", VLD_REQUIRED, &b));
    assert_false(vld_bool(&v, "body", body, "b8", VLD_REQUIRED, &b));
    assert_errors(
        &v,
        "[{\"type\":\"float_parsing\",\"loc\":[\"body\",\"f3\"],\"msg\":\"Input should be a valid number, unable to parse string as a number\",\"input\":\"abc\"},"
        "{\"type\":\"float_type\",\"loc\":[\"body\",\"f4\"],\"msg\":\"Input should be a valid number\",\"input\":{}},"
        "{\"type\":\"bool_parsing\",\"loc\":[\"body\",\"b5\"],\"msg\":\"Input should be a valid boolean, unable to interpret input\",\"input\":2},"
        "{\"type\":\"bool_parsing\",\"loc\":[\"body\",\"b6\"],\"msg\":\"Input should be a valid boolean, unable to interpret input\",\"input\":\"maybe\"},"
        "{\"type\":\"bool_type\",\"loc\":[\"body\",\"b7\"],\"msg\":\"Input should be a valid boolean\",\"input\":[]},"
        "{\"type\":\"bool_type\",\"loc\":[\"body\",\"b8\"],\"msg\":\"Input should be a valid boolean\",\"input\":0.5}]");
    vld_free(&v);
    json_decref(body);
}

static void test_containers(void **state)
{
    (void)state;
    json_t *body = parse("{\"d\":[],\"l\":{},\"ls\":[\"a\",1,\"b\",null],\"ok\":{\"x\":1},\"n\":null}");
    vld_t v;
    vld_init(&v, NULL);
    vld_json_t j;
    assert_false(vld_dict(&v, "body", body, "d", VLD_OPTIONAL, &j));
    assert_false(vld_list(&v, "body", body, "l", VLD_OPTIONAL, &j));
    assert_false(vld_list_str(&v, "body", body, "ls", VLD_OPTIONAL, &j));
    assert_true(vld_dict(&v, "body", body, "ok", VLD_OPTIONAL, &j));
    assert_int_equal(j.presence, VLD_SET);
    assert_true(vld_dict(&v, "body", body, "n", VLD_OPTIONAL, &j));
    assert_int_equal(j.presence, VLD_NULL);
    assert_errors(
        &v,
        "[{\"type\":\"dict_type\",\"loc\":[\"body\",\"d\"],\"msg\":\"Input should be a valid dictionary\",\"input\":[]},"
        "{\"type\":\"list_type\",\"loc\":[\"body\",\"l\"],\"msg\":\"Input should be a valid list\",\"input\":{}},"
        "{\"type\":\"string_type\",\"loc\":[\"body\",\"ls\",1],\"msg\":\"Input should be a valid string\",\"input\":1},"
        "{\"type\":\"string_type\",\"loc\":[\"body\",\"ls\",3],\"msg\":\"Input should be a valid string\",\"input\":null}]");
    vld_free(&v);
    json_decref(body);
}

static void test_body_not_object(void **state)
{
    (void)state;
    json_t *body = parse("[1,2]");
    vld_t v;
    vld_init(&v, NULL);
    assert_false(vld_body_object(&v, body));
    assert_false(vld_body_object(&v, NULL));
    assert_errors(
        &v,
        "[{\"type\":\"model_attributes_type\",\"loc\":[\"body\"],\"msg\":\"Input should be a valid dictionary or object to extract fields from\",\"input\":[1,2]}]");
    vld_free(&v);
    json_decref(body);
}

static void test_query_and_form(void **state)
{
    (void)state;
    vld_t v;
    vld_init(&v, NULL);
    vld_int_t i;
    vld_str_t s;
    const vld_int_rule_t opt = {.need = VLD_OPTIONAL};
    assert_true(vld_raw_int(&v, "query", "task_id", "12", &opt, &i));
    assert_int_equal(i.value, 12);
    assert_true(vld_raw_int(&v, "query", "task_id", NULL, &opt, &i));
    assert_int_equal(i.presence, VLD_ABSENT);
    assert_false(vld_raw_int(&v, "query", "task_id", "", &opt, &i));
    assert_false(vld_raw_int(&v, "path", "task_id", "abc", &(vld_int_rule_t){0}, &i));
    const vld_str_rule_t tok = {.min_length = 16, .max_length = 500};
    assert_false(vld_raw_str(&v, "query", "token", NULL, &tok, &s));
    assert_false(vld_raw_str(&v, "query", "token", "short", &tok, &s));
    /* form fields: an empty value counts as not sent */
    assert_false(vld_raw_str(&v, "body", "username", "", &(vld_str_rule_t){0}, &s));
    const vld_str_rule_t grant = {.need = VLD_OPTIONAL, .pattern = "password"};
    assert_true(vld_raw_str(&v, "body", "grant_type", "", &grant, &s));
    assert_int_equal(s.presence, VLD_ABSENT);
    assert_false(vld_raw_str(&v, "body", "grant_type", "client", &grant, &s));
    /* a query value that is not UTF-8; a form value keeps the old rule */
    assert_false(vld_raw_str(&v, "query", "q", "a\xff", &(vld_str_rule_t){0}, &s));
    assert_true(vld_raw_str(&v, "body", "name", "a\xff", &(vld_str_rule_t){0}, &s));
    vld_bool_t b;
    assert_true(vld_raw_bool(&v, "query", "flag", "True", VLD_DEFAULTED, &b));
    assert_true(b.value);
    assert_errors(
        &v,
        "[{\"type\":\"int_parsing\",\"loc\":[\"query\",\"task_id\"],\"msg\":\"Input should be a valid integer, unable to parse string as an integer\",\"input\":\"\"},"
        "{\"type\":\"int_parsing\",\"loc\":[\"path\",\"task_id\"],\"msg\":\"Input should be a valid integer, unable to parse string as an integer\",\"input\":\"abc\"},"
        "{\"type\":\"missing\",\"loc\":[\"query\",\"token\"],\"msg\":\"Field required\",\"input\":null},"
        "{\"type\":\"string_too_short\",\"loc\":[\"query\",\"token\"],\"msg\":\"String should have at least 16 characters\",\"input\":\"short\",\"ctx\":{\"min_length\":16}},"
        "{\"type\":\"missing\",\"loc\":[\"body\",\"username\"],\"msg\":\"Field required\",\"input\":null},"
        "{\"type\":\"string_pattern_mismatch\",\"loc\":[\"body\",\"grant_type\"],\"msg\":\"String should match pattern 'password'\",\"input\":\"client\",\"ctx\":{\"pattern\":\"password\"}},"
        "{\"type\":\"string_unicode\",\"loc\":[\"query\",\"q\"],\"msg\":\"Input should be a valid string, unable to parse raw data as a unicode string\",\"input\":\"a\xef\xbf\xbd\"}]");
    vld_free(&v);
}

/* A form value that is not UTF-8 is validated as Starlette
 * decoded it (U+FFFD for each bad sequence), and that decoded text is
 * what the caller gets, never the raw bytes (a fuzzer's case). */
static void test_raw_str_not_utf8(void **state)
{
    (void)state;
    mem_arena_t *a = mem_arena_new();
    vld_t v;
    vld_init(&v, a);
    vld_str_t s;
    const vld_str_rule_t any = {.need = VLD_REQUIRED};
    assert_true(vld_raw_str(&v, "body", "q",
                            "caf\xf2\xf2"
                            "e",
                            &any, &s));
    assert_int_equal(s.len, 10);
    assert_memory_equal(s.value,
                        "caf\xef\xbf\xbd\xef\xbf\xbd"
                        "e",
                        10);
    const vld_str_rule_t max3 = {.need = VLD_REQUIRED, .max_length = 3};
    assert_false(vld_raw_str(&v, "body", "q", "ab\xff\xff", &max3, &s));
    assert_int_equal(vld_count(&v), 1);
    vld_free(&v);
    mem_arena_free(a);
}

static void test_pagination(void **state)
{
    (void)state;
    vld_t v;
    vld_init(&v, NULL);
    long long limit = -1, offset = -1;
    assert_true(vld_page(&v, NULL, NULL, &limit, &offset));
    assert_int_equal(limit, 50);
    assert_int_equal(offset, 0);
    assert_true(vld_page(&v, "10", "20", &limit, &offset));
    assert_int_equal(limit, 10);
    assert_int_equal(offset, 20);
    assert_false(vld_page(&v, "500", "-1", &limit, &offset));
    assert_false(vld_page(&v, "0", NULL, &limit, &offset));
    assert_errors(
        &v,
        "[{\"type\":\"less_than_equal\",\"loc\":[\"query\",\"limit\"],\"msg\":\"Input should be less than or equal to 100\",\"input\":\"500\",\"ctx\":{\"le\":100}},"
        "{\"type\":\"greater_than_equal\",\"loc\":[\"query\",\"offset\"],\"msg\":\"Input should be greater than or equal to 0\",\"input\":\"-1\",\"ctx\":{\"ge\":0}},"
        "{\"type\":\"greater_than_equal\",\"loc\":[\"query\",\"limit\"],\"msg\":\"Input should be greater than or equal to 1\",\"input\":\"0\",\"ctx\":{\"ge\":1}}]");
    vld_free(&v);
}

static void test_utf8(void **state)
{
    (void)state;
    assert_true(vld_utf8_valid("h\xc3\xa9llo \xe2\x80\x94 \xf0\x9f\x98\x80", 15));
    assert_int_equal(vld_utf8_len("h\xc3\xa9llo \xe2\x80\x94 \xf0\x9f\x98\x80", 15), 9);
    assert_false(vld_utf8_valid("\xc0\xaf", 2));         /* overlong */
    assert_false(vld_utf8_valid("\xed\xa0\x80", 3));     /* surrogate */
    assert_false(vld_utf8_valid("\xf4\x90\x80\x80", 4)); /* above U+10FFFF */
    assert_false(vld_utf8_valid("abc\xe2\x80", 5));      /* truncated */
    assert_false(vld_utf8_valid("\xff", 1));
    assert_int_equal(vld_utf8_len("abc\xe2\x80", 5), 5);
    assert_true(vld_utf8_valid("", 0));

    /* a raw query value with bad bytes is still handled */
    vld_t v;
    vld_init(&v, NULL);
    vld_int_t i;
    assert_false(vld_raw_int(&v, "query", "limit", "\xff", &(vld_int_rule_t){0}, &i));
    assert_int_equal(vld_count(&v), 1);
    vld_free(&v);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_register_example),
        cmocka_unit_test(test_register_ok_normalises),
        cmocka_unit_test(test_string_rules),
        cmocka_unit_test(test_int_lax),
        cmocka_unit_test(test_int_errors),
        cmocka_unit_test(test_big_int_string_is_clamped),
        cmocka_unit_test(test_float_and_bool),
        cmocka_unit_test(test_containers),
        cmocka_unit_test(test_body_not_object),
        cmocka_unit_test(test_query_and_form),
        cmocka_unit_test(test_raw_str_not_utf8),
        cmocka_unit_test(test_pagination),
        cmocka_unit_test(test_utf8),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
