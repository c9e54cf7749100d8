/* Router: parameters, literal-over-parameter precedence, both trailing-slash
 * spellings, 404 versus 405 and the complete Allow list. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "platform/http/router.h"

enum {
    R_ASSESS_LIST,
    R_ASSESS_CREATE,
    R_ASSESS_GET,
    R_ASSESS_DELETE,
    R_TOKEN_START,
    R_ASSESS_SUBMIT,
    R_TASKS_GEN,
    R_TASKS_CREATE,
    R_TASKS_LIST,
    R_TASK_GET,
    R_TASK_PATCH,
    R_TASK_DELETE,
    R_HEALTH,
    R_CAND_SEARCH,
    R_CAND_GET,
};

static http_router_t *make_router(void)
{
    http_router_t *r = http_router_new();
    http_router_add(r, "POST", "/api/v1/assessments/", R_ASSESS_CREATE);
    http_router_add(r, "GET", "/api/v1/assessments/", R_ASSESS_LIST);
    http_router_add(r, "GET", "/api/v1/assessments/{assessment_id}", R_ASSESS_GET);
    http_router_add(r, "DELETE", "/api/v1/assessments/{assessment_id}", R_ASSESS_DELETE);
    http_router_add(r, "POST", "/api/v1/assessments/token/{token}/start", R_TOKEN_START);
    http_router_add(r, "POST", "/api/v1/assessments/{assessment_id}/submit", R_ASSESS_SUBMIT);
    http_router_add(r, "POST", "/api/v1/tasks/generate", R_TASKS_GEN);
    http_router_add(r, "POST", "/api/v1/tasks/", R_TASKS_CREATE);
    http_router_add(r, "GET", "/api/v1/tasks/", R_TASKS_LIST);
    http_router_add(r, "GET", "/api/v1/tasks/{task_id}", R_TASK_GET);
    http_router_add(r, "PATCH", "/api/v1/tasks/{task_id}", R_TASK_PATCH);
    http_router_add(r, "DELETE", "/api/v1/tasks/{task_id}", R_TASK_DELETE);
    http_router_add(r, "GET", "/health", R_HEALTH);
    /* registered after the parameter route on purpose: order must not matter */
    http_router_add(r, "GET", "/api/v1/candidates/{candidate_id}", R_CAND_GET);
    http_router_add(r, "GET", "/api/v1/candidates/search", R_CAND_SEARCH);
    return r;
}

static void expect_found(http_router_t *r, mem_arena_t *a, const char *method, const char *path, size_t id)
{
    http_match_t m;
    http_router_match(r, method, path, a, &m);
    assert_int_equal(m.kind, HTTP_MATCH_FOUND);
    assert_int_equal(m.id, id);
}

static void test_params_captured(void **state)
{
    (void)state;
    http_router_t *r = make_router();
    mem_arena_t *a = mem_arena_new();
    http_match_t m;
    http_router_match(r, "POST", "/api/v1/assessments/token/abc-DEF_123/start", a, &m);
    assert_int_equal(m.kind, HTTP_MATCH_FOUND);
    assert_int_equal(m.id, R_TOKEN_START);
    assert_string_equal(http_kv_get(&m.params, "token", false), "abc-DEF_123");

    http_router_match(r, "PATCH", "/api/v1/tasks/42", a, &m);
    assert_int_equal(m.kind, HTTP_MATCH_FOUND);
    assert_int_equal(m.id, R_TASK_PATCH);
    assert_string_equal(http_kv_get(&m.params, "task_id", false), "42");
    assert_null(http_kv_get(&m.params, "token", false));
    mem_arena_free(a);
    http_router_free(r);
}

static void test_literal_beats_param(void **state)
{
    (void)state;
    http_router_t *r = make_router();
    mem_arena_t *a = mem_arena_new();
    expect_found(r, a, "GET", "/api/v1/candidates/search", R_CAND_SEARCH);
    expect_found(r, a, "GET", "/api/v1/candidates/7", R_CAND_GET);
    /* the collection route, not {assessment_id} with an empty value */
    expect_found(r, a, "GET", "/api/v1/assessments/", R_ASSESS_LIST);
    expect_found(r, a, "GET", "/api/v1/assessments", R_ASSESS_LIST);
    expect_found(r, a, "GET", "/api/v1/assessments/5", R_ASSESS_GET);
    mem_arena_free(a);
    http_router_free(r);
}

/* Spec v2 S-stats: GET /api/v1/assessments/stats must never be taken for
 * GET /api/v1/assessments/{assessment_id:int} (a 422 on "stats"), whatever
 * the registration order: the assessments table registers the parameter
 * route first and a later component adds the literal one. */
static void test_assessments_stats_literal_beats_id(void **state)
{
    (void)state;
    for (int order = 0; order < 2; order++) {
        http_router_t *r = http_router_new();
        if (order == 0) {
            http_router_add(r, "GET", "/api/v1/assessments/{assessment_id:int}", 1);
            http_router_add(r, "DELETE", "/api/v1/assessments/{assessment_id:int}", 2);
            http_router_add(r, "GET", "/api/v1/assessments/stats", 3);
        } else {
            http_router_add(r, "GET", "/api/v1/assessments/stats", 3);
            http_router_add(r, "GET", "/api/v1/assessments/{assessment_id:int}", 1);
            http_router_add(r, "DELETE", "/api/v1/assessments/{assessment_id:int}", 2);
        }
        mem_arena_t *a = mem_arena_new();
        expect_found(r, a, "GET", "/api/v1/assessments/stats", 3);
        expect_found(r, a, "GET", "/api/v1/assessments/stats/", 3);
        expect_found(r, a, "GET", "/api/v1/assessments/7", 1);
        /* DELETE /stats: the parameter route of that method still answers */
        expect_found(r, a, "DELETE", "/api/v1/assessments/stats", 2);
        mem_arena_free(a);
        http_router_free(r);
    }
}

static void test_trailing_slash_both_ways(void **state)
{
    (void)state;
    http_router_t *r = make_router();
    mem_arena_t *a = mem_arena_new();
    expect_found(r, a, "POST", "/api/v1/tasks/", R_TASKS_CREATE);
    expect_found(r, a, "POST", "/api/v1/tasks", R_TASKS_CREATE);
    expect_found(r, a, "POST", "/api/v1/tasks/generate", R_TASKS_GEN);
    expect_found(r, a, "POST", "/api/v1/tasks/generate/", R_TASKS_GEN);
    expect_found(r, a, "GET", "/api/v1/tasks/3/", R_TASK_GET);
    expect_found(r, a, "GET", "/health/", R_HEALTH);

    http_match_t m;
    /* only one slash is optional; an empty segment binds no parameter */
    http_router_match(r, "GET", "/api/v1/tasks//", a, &m);
    assert_int_equal(m.kind, HTTP_MATCH_NOT_FOUND);
    http_router_match(r, "GET", "/api/v1/assessments//submit", a, &m);
    assert_int_equal(m.kind, HTTP_MATCH_NOT_FOUND);
    mem_arena_free(a);
    http_router_free(r);
}

static void test_exact_case_sensitive(void **state)
{
    (void)state;
    http_router_t *r = make_router();
    mem_arena_t *a = mem_arena_new();
    http_match_t m;
    http_router_match(r, "GET", "/HEALTH", a, &m);
    assert_int_equal(m.kind, HTTP_MATCH_NOT_FOUND);
    http_router_match(r, "GET", "/api/v1/tasks/3/extra", a, &m);
    assert_int_equal(m.kind, HTTP_MATCH_NOT_FOUND);
    http_router_match(r, "GET", "/api/v1", a, &m);
    assert_int_equal(m.kind, HTTP_MATCH_NOT_FOUND);
    http_router_match(r, "GET", "/", a, &m);
    assert_int_equal(m.kind, HTTP_MATCH_NOT_FOUND);
    mem_arena_free(a);
    http_router_free(r);
}

static void test_405_lists_every_method(void **state)
{
    (void)state;
    http_router_t *r = make_router();
    mem_arena_t *a = mem_arena_new();
    http_match_t m;
    http_router_match(r, "PUT", "/api/v1/tasks/1", a, &m);
    assert_int_equal(m.kind, HTTP_MATCH_BAD_METHOD);
    assert_string_equal(m.allow, "GET, HEAD, PATCH, DELETE");

    http_router_match(r, "DELETE", "/api/v1/tasks", a, &m);
    assert_int_equal(m.kind, HTTP_MATCH_BAD_METHOD);
    assert_string_equal(m.allow, "GET, HEAD, POST");

    /* GET /tasks/generate is GET /tasks/{task_id} (the handler then 422s
     * on the id, as the original did) */
    http_router_match(r, "GET", "/api/v1/tasks/generate", a, &m);
    assert_int_equal(m.kind, HTTP_MATCH_FOUND);
    assert_int_equal(m.id, R_TASK_GET);
    http_router_match(r, "POST", "/api/v1/tasks/generate", a, &m);
    assert_int_equal(m.id, R_TASKS_GEN);
    /* Allow is every method some route for this path answers */
    assert_string_equal(m.allow, "GET, HEAD, POST, PATCH, DELETE");

    http_router_match(r, "GET", "/api/v1/assessments/token/abc/start", a, &m);
    assert_int_equal(m.kind, HTTP_MATCH_BAD_METHOD);
    assert_string_equal(m.allow, "POST");

    http_router_match(r, "OPTIONS", "/health", a, &m);
    assert_int_equal(m.kind, HTTP_MATCH_BAD_METHOD);
    assert_string_equal(m.allow, "GET, HEAD");
    mem_arena_free(a);
    http_router_free(r);
}

static void test_head_served_by_get(void **state)
{
    (void)state;
    http_router_t *r = make_router();
    mem_arena_t *a = mem_arena_new();
    expect_found(r, a, "HEAD", "/health", R_HEALTH);
    expect_found(r, a, "HEAD", "/api/v1/tasks/9", R_TASK_GET);
    http_match_t m;
    http_router_match(r, "HEAD", "/api/v1/assessments/token/abc/start", a, &m);
    assert_int_equal(m.kind, HTTP_MATCH_BAD_METHOD);
    mem_arena_free(a);
    http_router_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_params_captured),
        cmocka_unit_test(test_literal_beats_param),
        cmocka_unit_test(test_assessments_stats_literal_beats_id),
        cmocka_unit_test(test_trailing_slash_both_ways),
        cmocka_unit_test(test_exact_case_sensitive),
        cmocka_unit_test(test_405_lists_every_method),
        cmocka_unit_test(test_head_served_by_get),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
