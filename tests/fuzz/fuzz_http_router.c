/* fuzz_http_router: feeds "METHOD\nPATH" to http_router_match
 * (platform/http/router.c) over a table shaped like the real API's routes
 * (literal and {param} segments overlapping, trailing slashes, HEAD via
 * GET).  Checks the router.h promises: a FOUND match names a route whose
 * method is the one asked (or GET for HEAD), captures exactly that
 * route's parameters, each non-empty and without "/", and lists the
 * method in allow. */
#include "fuzz.h"

#include "platform/http/router.h"

typedef struct {
    const char *method, *pattern;
    size_t nparams;
} fz_route_t;

static const fz_route_t fz_routes[] = {
    {"GET", "/health", 0},
    {"GET", "/api/v1/tasks/", 0},
    {"POST", "/api/v1/tasks/", 0},
    {"POST", "/api/v1/tasks/generate", 0},
    {"GET", "/api/v1/tasks/{task_id}", 1},
    {"PATCH", "/api/v1/tasks/{task_id}", 1},
    {"DELETE", "/api/v1/tasks/{task_id}", 1},
    {"GET", "/api/v1/candidates/{candidate_id}", 1},
    {"POST", "/api/v1/candidates/{candidate_id}/upload-cv", 1},
    {"POST", "/api/v1/assessments/{id}/upload-cv", 1},
    {"GET", "/api/v1/assessments/{id}/report.pdf", 1},
    {"POST", "/api/v1/assessments/token/{token}/start", 1},
    {"GET", "/api/v1/assessments/{a}/{b}/{c}", 3},
    {"POST", "/api/v1/auth/login", 0},
    {"POST", "/api/v1/webhooks/stripe", 0},
    {"OPTIONS", "/api/v1/{any}", 1},
    {"GET", "/", 0},
};
#define FZ_NROUTES (sizeof(fz_routes) / sizeof(fz_routes[0]))

static http_router_t *fz_router;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fz_router = http_router_new();
    for (size_t i = 0; i < FZ_NROUTES; i++)
        http_router_add(fz_router, fz_routes[i].method, fz_routes[i].pattern, i);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!fz_router)
        LLVMFuzzerInitialize(NULL, NULL);
    fuzz_input_t in = {data, size};
    char *method = fuzz_next(&in, '\n', NULL);
    char *path = fuzz_next(&in, '\n', NULL);
    mem_arena_t *a = mem_arena_new();
    http_match_t m;
    http_router_match(fz_router, method, path, a, &m);
    if (m.kind == HTTP_MATCH_FOUND) {
        FUZZ_CHECK(m.id < FZ_NROUTES);
        const fz_route_t *rt = &fz_routes[m.id];
        const char *want = strcmp(method, "HEAD") == 0 ? "GET" : method;
        FUZZ_CHECK(strcmp(rt->method, want) == 0);
        FUZZ_CHECK(m.params.n == rt->nparams);
        for (size_t i = 0; i < m.params.n; i++) {
            FUZZ_CHECK(m.params.v[i].value_len > 0);
            FUZZ_CHECK(memchr(m.params.v[i].value, '/', m.params.v[i].value_len) == NULL);
        }
        FUZZ_CHECK(strstr(m.allow, want) != NULL);
    } else if (m.kind == HTTP_MATCH_BAD_METHOD) {
        FUZZ_CHECK(m.allow[0] != '\0');
    }
    mem_arena_free(a);
    free(method);
    free(path);
    return 0;
}
