/* sandbox: the interface for running a candidate's code, which the
 * assessments component calls.  It sits in its own folder (with the
 * helpers both providers share, common.c) so that assessments and the two
 * providers all depend on it and none on another.  Two providers implement it: localbox (the embedded
 * default: bubblewrap + seccomp + rlimits on this machine) and e2b (E2B's
 * cloud sandboxes over HTTP).  Both give the same shaped output as the
 * original's E2B wrapper (platform-integrations §3.1), and both keep a
 * sandbox for as long as its assessment needs it (policy fix 11). */
#ifndef TALI_COMPONENTS_SANDBOX_H
#define TALI_COMPONENTS_SANDBOX_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "platform/err.h"

/* The result of running code or tests, shaped as the original's
 * execute_code / run_tests dicts. */
typedef struct {
    bool success;      /* no error (tests: failed == 0 && passed > 0) */
    char *stdout_text; /* heap, never NULL */
    char *stderr_text; /* heap, never NULL */
    json_t *results;   /* array of strings ("Result(...)"), never NULL */
    char *error;       /* "Name: value" or a provider message; NULL when none */
    bool has_counts;   /* set by run_tests */
    int passed, failed, total;
} sandbox_result_t;

void sandbox_result_free(sandbox_result_t *r);

/* The original's dict: {success, stdout, stderr, error, results} for code,
 * {success, stdout, stderr, error, passed, failed, total} for tests.  New
 * reference. */
json_t *sandbox_result_json(const sandbox_result_t *r);

/* Fills passed/failed/total from pytest output with the original's regexes
 * (first `(\d+)\s+passed`, first `(\d+)\s+failed` in stdout+stderr). */
void sandbox_parse_pytest(sandbox_result_t *r);

typedef struct sandbox_provider {
    const char *name; /* "local" or "e2b" */
    void *self;

    /* ERR_OK when the provider can run code here; otherwise
     * ERR_UNAVAILABLE with a sentence for the 503 detail/log in why. */
    err_t (*available)(void *self, char *why, size_t whylen);

    /* Makes sure a live sandbox exists for the assessment: reconnects to
     * existing_id when given and alive, else creates one.  *id_out (heap)
     * receives the id to store (may equal existing_id). */
    err_t (*ensure)(void *self, int64_t assessment_id, const char *existing_id, char **id_out, char *err,
                    size_t errlen);

    /* Runs Python code in the sandbox.  Never fails for the candidate's
     * own errors (those are in out->error); returns an error only when the
     * sandbox itself could not be used. */
    err_t (*execute)(void *self, const char *id, const char *code, sandbox_result_t *out);

    /* Writes a file (absolute path inside the sandbox, e.g.
     * /tmp/solution.py). */
    err_t (*write_file)(void *self, const char *id, const char *path, const char *data, size_t len, char *err,
                        size_t errlen);

    /* Writes test_code to /tmp/test_assessment.py and runs pytest on it
     * (with /tmp on sys.path, so `from solution import ...` works); fills
     * the counts. */
    err_t (*run_tests)(void *self, const char *id, const char *test_code, sandbox_result_t *out);

    /* Releases the sandbox (errors logged, not returned). */
    void (*destroy)(void *self, const char *id);

    void (*free)(void *self);
} sandbox_provider_t;

#endif
