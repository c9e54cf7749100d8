/* json: Python-compatible float repr and encoding, parsing limits. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "platform/json.h"
#include "platform/jsonw.h"

static void test_fmt_double_table(void **state)
{
    /* expected strings are Python's repr() of the same doubles */
    static const struct {
        double d;
        const char *repr;
    } cases[] = {
        {0.1, "0.1"},
        {7.5, "7.5"},
        {8.0, "8.0"},
        {100.0, "100.0"},
        {1e-07, "1e-07"},
        {1e+16, "1e+16"},
        {1e16, "1e+16"},
        {1e15, "1000000000000000.0"},
        {123456789012345.0, "123456789012345.0"},
        {0.15, "0.15"},
        {44.48, "44.48"},
        {4.4, "4.4"},
        {7.03, "7.03"},
        {-0.5, "-0.5"},
        {5e-324, "5e-324"},
        {1.7976931348623157e308, "1.7976931348623157e+308"},
        {0.0001, "0.0001"},
        {0.00001, "1e-05"},
        {0.1 + 0.2, "0.30000000000000004"},
        {1.5e300, "1.5e+300"},
        {0.0, "0.0"},
        {-0.0, "-0.0"},
        {2.5e-5, "2.5e-05"},
        {12345.678, "12345.678"},
    };
    char buf[32];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        json_fmt_double(cases[i].d, buf);
        if (strcmp(buf, cases[i].repr) != 0)
            fail_msg("repr(%.17g): got %s, want %s", cases[i].d, buf, cases[i].repr);
    }
    assert_string_equal(json_fmt_double(INFINITY, buf), "inf");
    assert_string_equal(json_fmt_double(-INFINITY, buf), "-inf");
    assert_string_equal(json_fmt_double(NAN, buf), "nan");
}

static void test_encode_compact_ordered(void **state)
{
    json_t *v = json_pack("{s:i, s:f, s:s, s:[b,b,n], s:{}, s:[]}", "z", 1, "score", 7.5, "a", "x", "flags", 1, 0,
                          "obj", "list");
    char *s = json_encode(v);
    assert_string_equal(s, "{\"z\":1,\"score\":7.5,\"a\":\"x\",\"flags\":[true,false,null],\"obj\":{},\"list\":[]}");
    free(s);
    json_decref(v);

    s = json_encode(NULL);
    assert_string_equal(s, "null");
    free(s);

    v = json_pack("[f,f,f,I]", 8.0, 1e16, -2.5, (json_int_t)-9007199254740993LL);
    s = json_encode(v);
    assert_string_equal(s, "[8.0,1e+16,-2.5,-9007199254740993]");
    free(s);
    json_decref(v);
}

static void test_encode_utf8_and_escapes(void **state)
{
    json_t *v = json_pack("[s,s,s,s]",
                          "\xc2\xa3"
                          "25",
                          "a \xe2\x80\x94 b", "q\"b\\s/\n\r\t\b\f", "\x01\x1f");
    char *s = json_encode(v);
    /* UTF-8 raw (ensure_ascii=False), control characters escaped, '/' plain */
    assert_string_equal(s, "[\"\xc2\xa3"
                           "25\",\"a \xe2\x80\x94 b\",\"q\\\"b\\\\s/\\n\\r\\t\\b\\f\",\"\\u0001\\u001f\"]");
    free(s);
    json_decref(v);
}

static void test_encode_ascii(void **state)
{
    /* £, em dash, U+1F600 (surrogate pair), é */
    json_t *v = json_pack("{s:s}", "m\xc3\xa9", "\xc2\xa3 \xe2\x80\x94 \xf0\x9f\x98\x80");
    mem_buf_t b = {0};
    json_encode_buf(&b, v, true);
    assert_string_equal(b.data, "{\"m\\u00e9\":\"\\u00a3 \\u2014 \\ud83d\\ude00\"}");
    for (size_t i = 0; i < b.len; i++)
        assert_true((unsigned char)b.data[i] < 0x80);
    mem_buf_free(&b);
    json_decref(v);
}

static void test_encode_arena(void **state)
{
    mem_arena_t *a = mem_arena_new();
    json_t *v = json_pack("{s:s}", "k", "v");
    const char *s = json_encode_arena(a, v);
    assert_string_equal(s, "{\"k\":\"v\"}");
    json_decref(v);
    mem_arena_free(a);
}

static void test_parse(void **state)
{
    json_parse_error_t err;
    const char *ok = "{\"a\":[1,2.5,\"x\"],\"b\":null}";
    json_t *v = json_parse(ok, strlen(ok), 0, &err);
    assert_non_null(v);
    json_t *arr = json_object_get(v, "a");
    assert_int_equal(json_array_size(arr), 3);
    assert_true(json_is_null(json_object_get(v, "b")));
    json_decref(v);

    /* any value at top level */
    v = json_parse("42", 2, 0, &err);
    assert_non_null(v);
    assert_int_equal(json_integer_value(v), 42);
    json_decref(v);

    const char *bad[] = {"", "{", "{\"a\":}", "[1,]", "nul", "{\"a\":1} x"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        memset(&err, 0, sizeof err);
        assert_null(json_parse(bad[i], strlen(bad[i]), 0, &err));
        assert_true(strlen(err.message) > 0);
        assert_true(err.position <= strlen(bad[i]));
    }
    assert_null(json_parse("", 0, 0, &err));
    assert_string_equal(err.message, "Expecting value");

    /* an embedded NUL is refused */
    assert_null(json_parse("\"a\0b\"", 5, 0, &err));
    /* err may be NULL */
    assert_null(json_parse("{", 1, 0, NULL));
}

/* Positions and messages as Python's json module reports them (FastAPI
 * copies both into its 422); expected values taken from CPython 3.11. */
static void test_parse_python_errors(void **state)
{
    static const struct {
        const char *text;
        size_t pos;
        const char *msg;
    } cases[] = {
        {"{\"a\": 1,}", 8, "Expecting property name enclosed in double quotes"},
        {"{\"a\": }", 6, "Expecting value"},
        {"{\"\xc3\xa9\": }", 6, "Expecting value"}, /* é: one character, two bytes */
        {"{\"a\": [1, 2", 11, "Expecting ',' delimiter"},
        {"", 0, "Expecting value"},
        {"  ", 2, "Expecting value"},
        {"[1,]", 3, "Expecting value"},
        {"{\"a\" 1}", 5, "Expecting ':' delimiter"},
        {"\"abc", 0, "Unterminated string starting at"},
        {"01", 1, "Extra data"},
        {"{\"a\":\"b\\x\"}", 7, "Invalid \\escape"},
        {"{\"a\":\"b\x01\"}", 7, "Invalid control character at"},
        {"tru", 0, "Expecting value"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        json_parse_error_t err;
        memset(&err, 0, sizeof err);
        assert_null(json_parse(cases[i].text, strlen(cases[i].text), 0, &err));
        if (err.position != cases[i].pos || strcmp(err.message, cases[i].msg) != 0)
            fail_msg("case %zu (%s): got %zu '%s', want %zu '%s'", i, cases[i].text, err.position, err.message,
                     cases[i].pos, cases[i].msg);
    }
}

static void test_truthy(void **state)
{
    const char *falsy[] = {"null", "false", "0", "0.0", "\"\"", "[]", "{}"};
    const char *truthy[] = {"true", "1", "-2", "0.5", "\"0\"", "\" \"", "[0]", "{\"a\":null}"};
    for (size_t i = 0; i < sizeof falsy / sizeof falsy[0]; i++) {
        json_t *v = json_parse(falsy[i], strlen(falsy[i]), 0, NULL);
        assert_non_null(v);
        assert_false(json_truthy(v));
        json_decref(v);
    }
    for (size_t i = 0; i < sizeof truthy / sizeof truthy[0]; i++) {
        json_t *v = json_parse(truthy[i], strlen(truthy[i]), 0, NULL);
        assert_non_null(v);
        assert_true(json_truthy(v));
        json_decref(v);
    }
    assert_false(json_truthy(NULL)); /* a missing key reads as None */
}

static void test_parse_depth(void **state)
{
    char deep[256];
    json_parse_error_t err;
    /* 10 nested arrays: fine at limit 10, refused at limit 9 */
    memset(deep, '[', 10);
    memset(deep + 10, ']', 10);
    json_t *v = json_parse(deep, 20, 10, &err);
    assert_non_null(v);
    json_decref(v);
    assert_null(json_parse(deep, 20, 9, &err));
    assert_true(strlen(err.message) > 0);

    /* default limit */
    memset(deep, '[', 100);
    memset(deep + 100, ']', 100);
    assert_null(json_parse(deep, 200, 0, &err));
    v = json_parse(deep + 100 - JSON_MAX_DEPTH_DEFAULT, 2 * JSON_MAX_DEPTH_DEFAULT, 0, &err);
    assert_non_null(v);
    json_decref(v);
}

static void test_accessors(void **state)
{
    json_t *o = json_pack("{s:s, s:i, s:f}", "s", "text", "i", 5, "f", 1.5);
    long long n = 0;
    assert_string_equal(json_get_str(o, "s"), "text");
    assert_null(json_get_str(o, "i"));
    assert_null(json_get_str(o, "missing"));
    assert_null(json_get_str(NULL, "s"));
    assert_true(json_get_int(o, "i", &n));
    assert_int_equal(n, 5);
    assert_false(json_get_int(o, "f", &n));
    assert_false(json_get_int(o, "s", &n));
    assert_false(json_get_int(o, "missing", &n));
    json_decref(o);
}

/* The streaming writer gives the text the tree encoder gives for the same
 * value: nested objects and arrays, empty containers, every scalar kind,
 * escapes and raw UTF-8. */
static void test_writer(void **state)
{
    jsonw_t w;
    jsonw_init(&w);
    jsonw_obj(&w);
    jsonw_key(&w, "id");
    jsonw_int(&w, -42);
    jsonw_key(&w, "name");
    jsonw_str(&w, "Zo\xc3\xab \"q\"\n\t\x01");
    jsonw_key(&w, "none");
    jsonw_str(&w, NULL);
    jsonw_key(&w, "items");
    jsonw_arr(&w);
    jsonw_real(&w, 7.5);
    jsonw_real(&w, 8.0);
    jsonw_real(&w, 1e16);
    jsonw_real(&w, NAN);
    jsonw_obj(&w);
    jsonw_obj_end(&w);
    jsonw_arr(&w);
    jsonw_arr_end(&w);
    jsonw_bool(&w, true);
    jsonw_null(&w);
    jsonw_arr_end(&w);
    jsonw_key(&w, "tree");
    json_t *sub = json_pack("{s:[i,s],s:b}", "a", 1, "x", "b", 0);
    jsonw_value(&w, sub);
    jsonw_key(&w, "last");
    jsonw_bool(&w, false);
    jsonw_obj_end(&w);
    size_t len = 0;
    char *got = jsonw_take(&w, &len);

    /* jansson holds no NaN: the tree has the null the writer writes for it */
    json_t *tree = json_pack("{s:I,s:s,s:n,s:[f,f,f,n,{},[],b,n],s:O,s:b}", "id", (json_int_t)-42, "name",
                             "Zo\xc3\xab \"q\"\n\t\x01", "none", "items", 7.5, 8.0, 1e16, 1, "tree", sub, "last", 0);
    assert_non_null(tree);
    char *want = json_encode(tree);
    assert_string_equal(got, want);
    assert_int_equal(len, strlen(want));
    assert_string_equal(got, "{\"id\":-42,\"name\":\"Zo\xc3\xab \\\"q\\\"\\n\\t\\u0001\",\"none\":null,"
                             "\"items\":[7.5,8.0,1e+16,null,{},[],true,null],\"tree\":{\"a\":[1,\"x\"],\"b\":false},"
                             "\"last\":false}");
    free(got);
    free(want);
    json_decref(tree);
    json_decref(sub);
}

/* json_use_abort_alloc (called first in main) routes jansson through
 * xmalloc, and what jansson hands out can be freed with free(). */
static void test_abort_alloc(void **state)
{
    json_malloc_t m = NULL;
    json_free_t f = NULL;
    json_get_alloc_funcs(&m, &f);
    assert_ptr_equal(m, xmalloc);
    assert_ptr_equal(f, free);
    json_t *v = json_pack("{s:[i,s]}", "k", 1, "v");
    char *text = json_dumps(v, JSON_COMPACT);
    assert_string_equal(text, "{\"k\":[1,\"v\"]}");
    free(text);
    json_decref(v);
}

int main(void)
{
    json_use_abort_alloc();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_abort_alloc),
        cmocka_unit_test(test_fmt_double_table),
        cmocka_unit_test(test_encode_compact_ordered),
        cmocka_unit_test(test_encode_utf8_and_escapes),
        cmocka_unit_test(test_encode_ascii),
        cmocka_unit_test(test_encode_arena),
        cmocka_unit_test(test_parse),
        cmocka_unit_test(test_parse_python_errors),
        cmocka_unit_test(test_truthy),
        cmocka_unit_test(test_parse_depth),
        cmocka_unit_test(test_accessors),
        cmocka_unit_test(test_writer),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
