/* The e2b sandbox provider against tests/fakes/e2b.py, run as a subprocess
 * on a free loopback port: the real wire protocol, real code execution in
 * the fake's bubblewrap kernels, and the fake's failure knobs. */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "components/integrations/e2b/e2b.h"
#include "platform/httpclient.h"
#include "platform/json.h"
#include "platform/mem.h"

#define KEY "e2b_unit_test_key"

typedef struct {
    pid_t pid;
    char url[64];
    char tmpl[96];
} fake_t;

static fake_t fake;

static int fake_start(void **state)
{
    const char *tests_dir = getenv("TALI_TESTS_DIR");
    if (!tests_dir) {
        fprintf(stderr, "TALI_TESTS_DIR is not set\n");
        return -1;
    }
    int fds[2];
    if (pipe(fds) != 0)
        return -1;
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        dup2(fds[1], STDOUT_FILENO);
        close(fds[0]);
        close(fds[1]);
        if (chdir(tests_dir) != 0)
            _exit(126);
        setenv("FAKE_E2B_API_KEY", KEY, 1);
        execl("/usr/bin/python3", "python3", "-m", "fakes.e2b", (char *)NULL);
        _exit(127);
    }
    close(fds[1]);
    FILE *f = fdopen(fds[0], "r");
    char line[128] = "";
    int port = 0;
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "PORT=%d", &port) == 1)
            break;
    /* keep the pipe open: the fake writes nothing more, and closing it
     * would not matter either; fclose at teardown */
    fake.pid = pid;
    if (port <= 0) {
        fclose(f);
        return -1;
    }
    snprintf(fake.url, sizeof fake.url, "http://127.0.0.1:%d", port);
    snprintf(fake.tmpl, sizeof fake.tmpl, "%s/{port}/{sandbox_id}", fake.url);
    *state = f;
    return 0;
}

static int fake_stop(void **state)
{
    if (fake.pid > 0) {
        kill(fake.pid, SIGTERM);
        waitpid(fake.pid, NULL, 0);
    }
    if (*state)
        fclose(*state);
    return 0;
}

/* A control call to the fake; returns the parsed answer (new reference, or
 * NULL when none). */
static json_t *fake_call(const char *method, const char *path, const char *body)
{
    char *url = xasprintf("%s%s", fake.url, path);
    const char *headers[] = {"Content-Type: application/json", NULL};
    httpc_request_t req = {.method = method,
                           .url = url,
                           .headers = headers,
                           .body = body,
                           .body_len = body ? strlen(body) : 0,
                           .timeout_ms = 10000};
    httpc_response_t resp;
    assert_int_equal(httpc_perform(&req, &resp), ERR_OK);
    assert_int_equal(resp.status, 200);
    json_t *j = resp.body ? json_loadb(resp.body, resp.body_len, 0, NULL) : NULL;
    httpc_response_free(&resp);
    free(url);
    return j;
}

static void fake_post(const char *path, const char *body)
{
    json_decref(fake_call("POST", path, body));
}

/* The recorded requests matching method and path exactly. New array. */
static json_t *fake_requests(const char *method, const char *path)
{
    json_t *all = fake_call("GET", "/_fake/requests", NULL);
    json_t *out = json_array();
    size_t i;
    json_t *r;
    json_array_foreach(all, i, r)
    {
        if (strcmp(json_get_str(r, "method"), method) == 0 && strcmp(json_get_str(r, "path"), path) == 0)
            json_array_append(out, r);
    }
    json_decref(all);
    return out;
}

static sandbox_provider_t *provider(const char *key, long execute_timeout_ms)
{
    static config_t c;
    memset(&c, 0, sizeof c);
    c.e2b_api_key = (char *)key;
    c.e2b_api_url = fake.url;
    c.e2b_domain = "e2b.local";
    e2b_options_t o = {.sandbox_url = fake.tmpl, .request_timeout_ms = 10000, .execute_timeout_ms = execute_timeout_ms};
    return e2b_provider_new_opts(&c, &o);
}

static int reset(void **state)
{
    (void)state;
    fake_post("/_fake/reset", NULL);
    return 0;
}

static char *ensure_new(sandbox_provider_t *p, const char *existing)
{
    char *id = NULL;
    char err[512] = "";
    err_t rc = p->ensure(p->self, 7, existing, &id, err, sizeof err);
    if (rc != ERR_OK)
        fail_msg("ensure: %s", err);
    assert_non_null(id);
    return id;
}

static void run(sandbox_provider_t *p, const char *id, const char *code, sandbox_result_t *r)
{
    assert_int_equal(p->execute(p->self, id, code, r), ERR_OK);
}

static void test_available(void **state)
{
    (void)state;
    char why[256] = "";
    sandbox_provider_t *p = provider("", 0);
    assert_int_equal(p->available(p->self, why, sizeof why), ERR_UNAVAILABLE);
    assert_non_null(strstr(why, "E2B_API_KEY"));
    assert_string_equal(p->name, "e2b");
    p->free(p->self);
    p = provider(KEY, 0);
    assert_int_equal(p->available(p->self, why, sizeof why), ERR_OK);
    p->free(p->self);
}

static void test_create_and_print(void **state)
{
    (void)state;
    sandbox_provider_t *p = provider(KEY, 0);
    char *id = ensure_new(p, NULL);

    json_t *creates = fake_requests("POST", "/sandboxes");
    assert_int_equal(json_array_size(creates), 1);
    json_t *c = json_array_get(creates, 0);
    json_t *body = json_object_get(c, "json");
    assert_string_equal(json_get_str(body, "templateID"), "code-interpreter-v1");
    long long timeout = 0;
    assert_true(json_get_int(body, "timeout", &timeout));
    assert_int_equal(timeout, 3600);
    assert_string_equal(json_get_str(json_object_get(c, "headers"), "x-api-key"), KEY);
    assert_non_null(json_get_str(json_object_get(c, "headers"), "user-agent"));
    json_decref(creates);

    sandbox_result_t r;
    run(p, id, "print(\"hi\")", &r);
    assert_true(r.success);
    assert_string_equal(r.stdout_text, "hi\n");
    assert_string_equal(r.stderr_text, "");
    assert_null(r.error);
    assert_int_equal(json_array_size(r.results), 0);
    json_t *j = sandbox_result_json(&r);
    char *text = json_encode(j);
    assert_string_equal(text, "{\"success\":true,\"stdout\":\"hi\\n\",\"stderr\":\"\",\"error\":null,\"results\":[]}");
    free(text);
    json_decref(j);
    sandbox_result_free(&r);

    char path[256];
    snprintf(path, sizeof path, "/49999/%s/execute", id);
    json_t *ex = fake_requests("POST", path);
    assert_int_equal(json_array_size(ex), 1);
    json_t *eb = json_object_get(json_array_get(ex, 0), "json");
    assert_string_equal(json_get_str(eb, "code"), "print(\"hi\")");
    assert_true(json_is_null(json_object_get(eb, "context_id")));
    assert_true(json_is_null(json_object_get(eb, "language")));
    assert_true(json_is_null(json_object_get(eb, "env_vars")));
    json_decref(ex);

    p->destroy(p->self, id);
    free(id);
    p->free(p->self);
}

static void test_error_result_state_chunks(void **state)
{
    (void)state;
    sandbox_provider_t *p = provider(KEY, 0);
    char *id = ensure_new(p, NULL);
    sandbox_result_t r;

    run(p, id, "print('before')\n1/0", &r);
    assert_false(r.success);
    assert_string_equal(r.error, "ZeroDivisionError: division by zero");
    assert_string_equal(r.stdout_text, "before\n");
    sandbox_result_free(&r);

    /* kernel state survives; the last expression is a Result */
    run(p, id, "x = 41", &r);
    assert_true(r.success);
    assert_int_equal(json_array_size(r.results), 0);
    sandbox_result_free(&r);
    run(p, id, "x + 1", &r);
    assert_true(r.success);
    assert_int_equal(json_array_size(r.results), 1);
    assert_string_equal(json_string_value(json_array_get(r.results, 0)), "Result(42)");
    sandbox_result_free(&r);

    /* two chunks are joined with "\n"; stderr separately */
    run(p, id, "import sys\nprint('a'); sys.stdout.flush()\nprint('b')\nprint('e', file=sys.stderr)", &r);
    assert_true(r.success);
    assert_string_equal(r.stdout_text, "a\n\nb\n");
    assert_string_equal(r.stderr_text, "e\n");
    sandbox_result_free(&r);

    /* a line longer than any network read: reassembled across callbacks */
    run(p, id, "print('x' * 300000)", &r);
    assert_true(r.success);
    assert_int_equal(strlen(r.stdout_text), 300001);
    assert_int_equal(strspn(r.stdout_text, "x"), 300000);
    sandbox_result_free(&r);

    /* a syntax error is the candidate's, not the provider's */
    run(p, id, "def (:", &r);
    assert_false(r.success);
    assert_non_null(r.error);
    assert_int_equal(strncmp(r.error, "SyntaxError: ", 13), 0);
    sandbox_result_free(&r);

    p->destroy(p->self, id);
    free(id);
    p->free(p->self);
}

static const char tests_mixed[] = "from solution import add\n"
                                  "def test_ok():\n    assert add(1, 2) == 3\n"
                                  "def test_bad():\n    assert add(1, 1) == 3\n";
static const char tests_good[] = "from solution import add\n"
                                 "def test_one():\n    assert add(1, 2) == 3\n"
                                 "def test_two():\n    assert add(2, 2) == 4\n";

static void test_files_and_tests(void **state)
{
    (void)state;
    sandbox_provider_t *p = provider(KEY, 0);
    char *id = ensure_new(p, NULL);
    char err[512] = "";
    const char sol[] = "def add(a, b):\n    return a + b\n";
    assert_int_equal(p->write_file(p->self, id, "/tmp/solution.py", sol, strlen(sol), err, sizeof err), ERR_OK);

    char path[256];
    snprintf(path, sizeof path, "/49983/%s/files", id);
    json_t *w = fake_requests("POST", path);
    assert_int_equal(json_array_size(w), 1);
    json_t *q = json_object_get(json_array_get(w, 0), "query");
    assert_string_equal(json_string_value(json_array_get(json_object_get(q, "path"), 0)), "/tmp/solution.py");
    assert_string_equal(json_string_value(json_array_get(json_object_get(q, "username"), 0)), "user");
    const char *ct = json_get_str(json_object_get(json_array_get(w, 0), "headers"), "content-type");
    assert_int_equal(strncmp(ct, "multipart/form-data; boundary=", 30), 0);
    json_decref(w);

    sandbox_result_t r;
    assert_int_equal((p->run_tests)(p->self, id, tests_mixed, &r), ERR_OK);
    assert_true(r.has_counts);
    assert_int_equal(r.passed, 1);
    assert_int_equal(r.failed, 1);
    assert_int_equal(r.total, 2);
    assert_false(r.success);
    assert_non_null(strstr(r.stdout_text, "1 failed, 1 passed"));
    json_t *j = sandbox_result_json(&r);
    assert_non_null(json_object_get(j, "passed"));
    assert_null(json_object_get(j, "results"));
    json_decref(j);
    sandbox_result_free(&r);

    assert_int_equal((p->run_tests)(p->self, id, tests_good, &r), ERR_OK);
    assert_int_equal(r.passed, 2);
    assert_int_equal(r.failed, 0);
    assert_int_equal(r.total, 2);
    assert_true(r.success);
    sandbox_result_free(&r);

    /* binary-safe content, a file the kernel can read back */
    const char data[] = "line1\r\n--tali-e2b-\0after NUL\n";
    assert_int_equal(p->write_file(p->self, id, "/tmp/data.bin", data, sizeof data - 1, err, sizeof err), ERR_OK);
    run(p, id, "len(open('/tmp/data.bin', 'rb').read())", &r);
    char expect[64];
    snprintf(expect, sizeof expect, "Result(%zu)", sizeof data - 1);
    assert_string_equal(json_string_value(json_array_get(r.results, 0)), expect);
    sandbox_result_free(&r);

    assert_int_equal(p->write_file(p->self, id, "relative.py", "x", 1, err, sizeof err), ERR_BAD_REQUEST);

    p->destroy(p->self, id);
    free(id);
    p->free(p->self);
}

static void test_reconnect_extends(void **state)
{
    (void)state;
    sandbox_provider_t *p = provider(KEY, 0);
    char *id = ensure_new(p, NULL);
    sandbox_result_t r;
    run(p, id, "kept = 'yes'", &r);
    sandbox_result_free(&r);

    char *again = ensure_new(p, id);
    assert_string_equal(again, id);
    char path[256];
    snprintf(path, sizeof path, "/sandboxes/%s", id);
    json_t *gets = fake_requests("GET", path);
    assert_int_equal(json_array_size(gets), 1);
    json_decref(gets);
    snprintf(path, sizeof path, "/sandboxes/%s/timeout", id);
    json_t *ext = fake_requests("POST", path);
    assert_int_equal(json_array_size(ext), 1);
    long long t = 0;
    assert_true(json_get_int(json_object_get(json_array_get(ext, 0), "json"), "timeout", &t));
    assert_int_equal(t, 3600);
    json_decref(ext);
    json_t *creates = fake_requests("POST", "/sandboxes");
    assert_int_equal(json_array_size(creates), 1);
    json_decref(creates);

    run(p, again, "kept", &r);
    assert_string_equal(json_string_value(json_array_get(r.results, 0)), "Result(yes)");
    sandbox_result_free(&r);

    p->destroy(p->self, id);
    free(again);
    free(id);
    p->free(p->self);
}

/* Policy fix 11: an expired sandbox is replaced, and submit's steps work on
 * the replacement. */
static void test_reconnect_expired_creates_new(void **state)
{
    (void)state;
    sandbox_provider_t *p = provider(KEY, 0);
    char *id = ensure_new(p, NULL);
    char path[256];
    snprintf(path, sizeof path, "/_fake/expire/%s", id);
    fake_post(path, NULL);

    char *fresh = ensure_new(p, id);
    assert_string_not_equal(fresh, id);
    json_t *creates = fake_requests("POST", "/sandboxes");
    assert_int_equal(json_array_size(creates), 2);
    json_decref(creates);

    char err[512] = "";
    const char sol[] = "def add(a, b):\n    return a + b\n";
    assert_int_equal(p->write_file(p->self, fresh, "/tmp/solution.py", sol, strlen(sol), err, sizeof err), ERR_OK);
    sandbox_result_t r;
    assert_int_equal((p->run_tests)(p->self, fresh, tests_good, &r), ERR_OK);
    assert_int_equal(r.passed, 2);
    assert_true(r.success);
    sandbox_result_free(&r);

    /* the old id's sandbox is gone: its ports answer 502 */
    assert_int_not_equal(p->execute(p->self, id, "1", &r), ERR_OK);
    assert_false(r.success);
    assert_non_null(strstr(r.error, "sandbox timeout"));
    sandbox_result_free(&r);

    /* an id that is not an id at all is replaced too */
    char *other = ensure_new(p, "../../etc");
    assert_string_not_equal(other, "../../etc");
    p->destroy(p->self, other);
    free(other);

    p->destroy(p->self, fresh);
    free(fresh);
    free(id);
    p->free(p->self);
}

static void test_execute_502_and_500(void **state)
{
    (void)state;
    sandbox_provider_t *p = provider(KEY, 0);
    char *id = ensure_new(p, NULL);
    sandbox_result_t r;

    fake_post("/_fake/fail", "{\"op\":\"execute\",\"status\":502,\"body\":\"The sandbox was not found\"}");
    assert_int_equal(p->execute(p->self, id, "print(1)", &r), ERR_BAD_GATEWAY);
    assert_false(r.success);
    assert_string_equal(r.stdout_text, "");
    assert_non_null(strstr(r.error, "sandbox timeout"));
    sandbox_result_free(&r);

    fake_post("/_fake/fail", "{\"op\":\"execute\",\"status\":500,\"body\":{\"message\":\"boom\"}}");
    assert_int_equal(p->execute(p->self, id, "print(1)", &r), ERR_BAD_GATEWAY);
    assert_false(r.success);
    assert_int_equal(strncmp(r.error, "500: ", 5), 0);
    sandbox_result_free(&r);

    /* tests on a failing sandbox: counts zero, the error carried */
    fake_post("/_fake/fail", "{\"op\":\"files\",\"status\":507,\"body\":{\"message\":\"disk full\"}}");
    assert_int_not_equal((p->run_tests)(p->self, id, tests_good, &r), ERR_OK);
    assert_true(r.has_counts);
    assert_int_equal(r.total, 0);
    assert_false(r.success);
    assert_non_null(strstr(r.error, "disk full"));
    sandbox_result_free(&r);

    run(p, id, "print(2)", &r);
    assert_string_equal(r.stdout_text, "2\n");
    sandbox_result_free(&r);

    p->destroy(p->self, id);
    free(id);
    p->free(p->self);
}

static void test_slow_stream_times_out(void **state)
{
    (void)state;
    sandbox_provider_t *p = provider(KEY, 1500);
    char *id = ensure_new(p, NULL);
    fake_post("/_fake/knobs", "{\"stream_delay\":0.8}");
    sandbox_result_t r;
    /* 3 lines (stdout, count, end), each 0.8 s apart: past the 1.5 s budget */
    assert_int_equal(p->execute(p->self, id, "print('slow')", &r), ERR_OK);
    assert_false(r.success);
    assert_non_null(strstr(r.error, "Execution timed out"));
    assert_string_equal(r.stdout_text, "");
    sandbox_result_free(&r);
    fake_post("/_fake/knobs", "{\"stream_delay\":0}");
    p->destroy(p->self, id);
    free(id);
    p->free(p->self);
}

static void test_no_domain_in_answer(void **state)
{
    (void)state;
    fake_post("/_fake/knobs", "{\"omit_domain\":true}");
    sandbox_provider_t *p = provider(KEY, 0);
    char *id = ensure_new(p, NULL);
    char *again = ensure_new(p, id);
    assert_string_equal(again, id);
    sandbox_result_t r;
    run(p, id, "print('ok')", &r);
    assert_string_equal(r.stdout_text, "ok\n");
    sandbox_result_free(&r);
    p->destroy(p->self, id);
    free(again);
    free(id);
    p->free(p->self);
}

/* The domain the API reports for a sandbox wins over E2B_DOMAIN for that
 * sandbox's hosts; a provider that has not seen the sandbox learns it on
 * reconnect. */
static void test_domain_from_answer(void **state)
{
    (void)state;
    char knobs[256];
    snprintf(knobs, sizeof knobs, "{\"domain\":\"%s\"}", fake.url + strlen("http://"));
    fake_post("/_fake/knobs", knobs);
    static config_t c;
    memset(&c, 0, sizeof c);
    c.e2b_api_key = KEY;
    c.e2b_api_url = fake.url;
    c.e2b_domain = "unreachable.invalid";
    e2b_options_t o = {.sandbox_url = "http://{domain}/{port}/{sandbox_id}", .request_timeout_ms = 5000};
    sandbox_provider_t *p = e2b_provider_new_opts(&c, &o);
    char *id = ensure_new(p, NULL);
    sandbox_result_t r;
    run(p, id, "print('via domain')", &r);
    assert_string_equal(r.stdout_text, "via domain\n");
    sandbox_result_free(&r);

    sandbox_provider_t *other = e2b_provider_new_opts(&c, &o);
    assert_int_not_equal(other->execute(other->self, id, "1", &r), ERR_OK);
    sandbox_result_free(&r);
    char *same = ensure_new(other, id);
    assert_string_equal(same, id);
    run(other, id, "print('learnt')", &r);
    assert_string_equal(r.stdout_text, "learnt\n");
    sandbox_result_free(&r);
    free(same);
    other->free(other->self);

    p->destroy(p->self, id);
    free(id);
    p->free(p->self);
}

static void test_kill_sends_delete(void **state)
{
    (void)state;
    sandbox_provider_t *p = provider(KEY, 0);
    char *id = ensure_new(p, NULL);
    p->destroy(p->self, id);
    char path[256];
    snprintf(path, sizeof path, "/sandboxes/%s", id);
    json_t *dels = fake_requests("DELETE", path);
    assert_int_equal(json_array_size(dels), 1);
    assert_string_equal(json_get_str(json_object_get(json_array_get(dels, 0), "headers"), "x-api-key"), KEY);
    json_decref(dels);
    /* killing twice is harmless (404 logged) */
    p->destroy(p->self, id);
    /* and reconnecting to it creates a new one */
    char *fresh = ensure_new(p, id);
    assert_string_not_equal(fresh, id);
    p->destroy(p->self, fresh);
    free(fresh);
    free(id);
    p->free(p->self);
}

static void test_wrong_key_and_create_failure(void **state)
{
    (void)state;
    sandbox_provider_t *p = provider("not-the-key", 0);
    char *id = NULL;
    char err[512] = "";
    assert_int_not_equal(p->ensure(p->self, 1, NULL, &id, err, sizeof err), ERR_OK);
    assert_null(id);
    assert_non_null(strstr(err, "401"));
    p->free(p->self);

    p = provider(KEY, 0);
    fake_post("/_fake/fail", "{\"op\":\"create\",\"status\":500,\"count\":2}");
    err[0] = '\0';
    assert_int_equal(p->ensure(p->self, 1, NULL, &id, err, sizeof err), ERR_BAD_GATEWAY);
    assert_null(id);
    assert_non_null(strstr(err, "500"));
    /* a failed reconnect followed by a failed create is still an error */
    assert_int_equal(p->ensure(p->self, 1, "igone", &id, err, sizeof err), ERR_BAD_GATEWAY);
    assert_null(id);
    p->free(p->self);
}

static void test_unreachable(void **state)
{
    (void)state;
    config_t c = {0};
    c.e2b_api_key = KEY;
    c.e2b_api_url = "http://127.0.0.1:1";
    c.e2b_domain = "e2b.local";
    e2b_options_t o = {.sandbox_url = "http://127.0.0.1:1/{port}/{sandbox_id}", .request_timeout_ms = 2000};
    sandbox_provider_t *p = e2b_provider_new_opts(&c, &o);
    char *id = NULL;
    char err[512] = "";
    assert_int_not_equal(p->ensure(p->self, 1, NULL, &id, err, sizeof err), ERR_OK);
    assert_null(id);
    sandbox_result_t r;
    assert_int_equal(p->execute(p->self, "iabc", "1", &r), ERR_BAD_GATEWAY);
    assert_false(r.success);
    assert_non_null(r.error);
    sandbox_result_free(&r);
    assert_int_equal(p->execute(p->self, "bad/id", "1", &r), ERR_BAD_REQUEST);
    sandbox_result_free(&r);
    p->destroy(p->self, "iabc");
    p->free(p->self);
}

int main(void)
{
    if (access("/usr/bin/bwrap", X_OK) != 0 || access("/usr/bin/python3", X_OK) != 0) {
        fprintf(stderr, "skipping: the fake E2B needs /usr/bin/bwrap and /usr/bin/python3\n");
        return 77;
    }
    signal(SIGPIPE, SIG_IGN);
    httpc_global_init();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_available, reset),
        cmocka_unit_test_setup(test_create_and_print, reset),
        cmocka_unit_test_setup(test_error_result_state_chunks, reset),
        cmocka_unit_test_setup(test_files_and_tests, reset),
        cmocka_unit_test_setup(test_reconnect_extends, reset),
        cmocka_unit_test_setup(test_reconnect_expired_creates_new, reset),
        cmocka_unit_test_setup(test_execute_502_and_500, reset),
        cmocka_unit_test_setup(test_slow_stream_times_out, reset),
        cmocka_unit_test_setup(test_no_domain_in_answer, reset),
        cmocka_unit_test_setup(test_domain_from_answer, reset),
        cmocka_unit_test_setup(test_kill_sends_delete, reset),
        cmocka_unit_test_setup(test_wrong_key_and_create_failure, reset),
        cmocka_unit_test(test_unreachable),
    };
    return cmocka_run_group_tests(tests, fake_start, fake_stop);
}
