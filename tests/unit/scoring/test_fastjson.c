/* Tests of the quick reader of `tali score` against json_parse: whatever
 * it returns must encode exactly as json_parse's value (types, key order,
 * duplicate keys), and wherever json_parse refuses a text it must give up
 * too.  Texts: hand-picked edge cases, then seeded random mutations
 * (byte flips, insertions, deletions) of a valid case line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "components/scoring/fastjson.h"
#include "platform/json.h"

#define DEPTH 8

static mem_buf_t scratch;

/* Checks one text; returns whether the quick reader accepted it. */
static bool check_text(const char *s, size_t n)
{
    json_t *fast = scoring_fastjson_parse(s, n, DEPTH, &scratch);
    json_parse_error_t err;
    json_t *ref = json_parse(s, n, DEPTH, &err);
    if (fast && !ref)
        fail_msg("accepted what json_parse refuses: %.*s", (int)n, s);
    if (fast) {
        char *a = json_encode(fast), *b = json_encode(ref);
        if (strcmp(a, b) != 0)
            fail_msg("%.*s: fast %s, json_parse %s", (int)n, s, a, b);
        free(a);
        free(b);
    }
    bool accepted = fast != NULL;
    json_decref(fast);
    json_decref(ref);
    return accepted;
}

static void test_edge_cases(void **state)
{
    (void)state;
    static const char *const accepted[] = {
        "{}",
        "[]",
        " {\"a\":1} \n",
        "{\"a\":1,\"a\":2,\"b\":3}",
        "[1,-0,0.5,-0.0,1e2,1E-2,2.5e+3]",
        "[9223372036854775807,-9223372036854775808]",
        "\"\\u00e9\\ud83d\\ude00\\n\\/\\\"\"",
        "\"caf\xc3\xa9 \xf0\x9f\x98\x80\"",
        "{\"k\\u00e9y\":\"v\\u0000w\"}",
        "[true,false,null]",
        "1e-400",
        "[[[[[[[1]]]]]]]",
        "{\"m\":\"a\\\\b\",\"n\":{\"o\":[]}}",
    };
    for (size_t i = 0; i < sizeof accepted / sizeof accepted[0]; i++)
        if (!check_text(accepted[i], strlen(accepted[i])))
            fail_msg("gave up on %s", accepted[i]);
    static const char *const refused[] = {
        "",
        "{",
        "{\"a\" 1}",
        "[1,]",
        "{\"a\":1,}",
        "01",
        "1.",
        ".5",
        "-",
        "1e",
        "+1",
        "[9223372036854775808]",
        "1e400",
        "\"\\ud83d\"",
        "\"\\ude00\"",
        "\"\\x\"",
        "\"a\nb\"",
        "\"\xc3\"",
        "\"\xed\xa0\x80\"",
        "\"\xc0\xaf\"",
        "{\"a\\u0000\":1}",
        "NaN",
        "Infinity",
        "[[[[[[[[1]]]]]]]]",
        "[1] x",
        "tru",
        "nulll",
        "\"abc",
    };
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++)
        if (scoring_fastjson_parse(refused[i], strlen(refused[i]), DEPTH, &scratch))
            fail_msg("accepted %s", refused[i]);
}

static uint64_t rng_state = 0xfeedfacecafebeefULL;

static uint64_t rng_next(void)
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static void test_random_mutations(void **state)
{
    (void)state;
    static const char base[] = "{\"case_id\":7,\"interactions\":[{\"message\":\"Why \\\"x\\\" fails?\\n\\u00e9\","
                               "\"input_tokens\":12,\"paste_length\":0.5,\"flag\":true,\"n\":null}],"
                               "\"weights\":{\"a\":-1.25e3,\"a\":2},\"caf\xc3\xa9\":[[],{}]}";
    static const char bytes[] = "{}[]\",:\\u0123456789.-+eEtrfalsn \n\t\x01\xc3\xa9\xed\x80";
    char text[sizeof base + 8];
    int accepted = 0;
    for (int round = 0; round < 50000; round++) {
        size_t n = sizeof base - 1;
        memcpy(text, base, n);
        int edits = 1 + (int)(rng_next() % 3);
        for (int e = 0; e < edits; e++) {
            size_t at = (size_t)(rng_next() % n);
            char c = bytes[rng_next() % (sizeof bytes - 1)];
            switch (rng_next() % 3) {
            case 0: text[at] = c; break;
            case 1:
                if (n < sizeof text - 1) {
                    memmove(text + at + 1, text + at, n - at);
                    text[at] = c;
                    n++;
                }
                break;
            default:
                memmove(text + at, text + at + 1, n - at - 1);
                n--;
                break;
            }
        }
        if (check_text(text, n))
            accepted++;
    }
    /* the mutations must exercise both outcomes */
    assert_true(accepted > 1000);
    assert_true(accepted < 49000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_edge_cases),
        cmocka_unit_test(test_random_mutations),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    mem_buf_free(&scratch);
    return rc;
}
