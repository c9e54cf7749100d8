/* log: JSON line shape, ASCII-only output, request ids, levels, and whole
 * lines under concurrency. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "platform/json.h"
#include "platform/log.h"

static FILE *out;

static int setup(void **state)
{
    out = tmpfile();
    assert_non_null(out);
    log_set_stream(out);
    log_set_level(LOG_INFO);
    log_set_request_id(NULL);
    return 0;
}

static int teardown(void **state)
{
    log_set_stream(NULL);
    fclose(out);
    return 0;
}

/* Everything written so far (caller frees). */
static char *captured(void)
{
    fflush(out);
    long n = ftell(out);
    char *s = calloc(1, (size_t)n + 1);
    rewind(out);
    assert_int_equal(fread(s, 1, (size_t)n, out), (size_t)n);
    return s;
}

static void check_timestamp(const char *ts)
{
    /* YYYY-MM-DDTHH:MM:SS[.ffffff]Z */
    size_t n = strlen(ts);
    assert_true(n == 20 || n == 27);
    const char *shape = n == 20 ? "dddd-dd-ddTdd:dd:ddZ" : "dddd-dd-ddTdd:dd:dd.ddddddZ";
    for (size_t i = 0; i < n; i++) {
        if (shape[i] == 'd')
            assert_true(isdigit((unsigned char)ts[i]));
        else
            assert_int_equal(ts[i], shape[i]);
    }
}

static void test_line_shape(void **state)
{
    log_info("tali.middleware", "method=%s path=%s status=%d", "GET", "/api/v1/tasks/", 200);
    char *s = captured();
    size_t len = strlen(s);
    assert_true(len > 0);
    assert_int_equal(s[len - 1], '\n');
    assert_ptr_equal(strchr(s, '\n'), s + len - 1); /* exactly one line */
    const char *prefix = "{\"timestamp\":\"";
    assert_memory_equal(s, prefix, strlen(prefix));
    char ts[40];
    const char *q = strchr(s + strlen(prefix), '"');
    snprintf(ts, sizeof ts, "%.*s", (int)(q - s - (int)strlen(prefix)), s + strlen(prefix));
    check_timestamp(ts);
    assert_string_equal(q, "\",\"level\":\"INFO\",\"logger\":\"tali.middleware\","
                           "\"message\":\"method=GET path=/api/v1/tasks/ status=200\"}\n");
    free(s);
}

static void test_ascii_only(void **state)
{
    log_warn("tali.x", "price \xc2\xa3%d \xe2\x80\x94 done \xf0\x9f\x98\x80 bad\xff!", 25);
    char *s = captured();
    for (const char *p = s; *p; p++)
        assert_true((unsigned char)*p < 0x80);
    assert_non_null(strstr(s, "\"level\":\"WARNING\""));
    assert_non_null(strstr(s, "\"message\":\"price \\u00a325 \\u2014 done \\ud83d\\ude00 bad\\ufffd!\""));
    json_t *v = json_parse(s, strlen(s), 0, NULL);
    assert_non_null(v);
    json_decref(v);
    free(s);
}

static void test_request_id_and_fields(void **state)
{
    log_set_request_id("req-123");
    assert_string_equal(log_request_id(), "req-123");
    json_t *f = json_pack("{s:i, s:s, s:s}", "status", 404, "message", "ignored", "path", "/x");
    log_fields(LOG_ERROR, "tali.http", f, "failed %s", "here");
    json_decref(f);
    log_set_request_id(NULL);
    assert_null(log_request_id());
    log_error("tali.http", "after");
    char *s = captured();
    char *nl = strchr(s, '\n');
    assert_non_null(nl);
    *nl = '\0';
    const char *first = strstr(s, "\"level\"");
    assert_string_equal(first, "\"level\":\"ERROR\",\"logger\":\"tali.http\",\"request_id\":\"req-123\","
                               "\"message\":\"failed here\",\"status\":404,\"path\":\"/x\"}");
    assert_null(strstr(nl + 1, "request_id"));
    assert_non_null(strstr(nl + 1, "\"message\":\"after\""));
    free(s);
}

static void test_levels(void **state)
{
    log_msg(LOG_DEBUG, "t", "hidden");
    log_set_level(LOG_WARNING);
    log_info("t", "hidden too");
    log_warn("t", "shown");
    log_set_level(LOG_DEBUG);
    log_msg(LOG_DEBUG, "t", "debug shown");
    char *s = captured();
    assert_null(strstr(s, "hidden"));
    assert_non_null(strstr(s, "\"message\":\"shown\""));
    assert_non_null(strstr(s, "\"level\":\"DEBUG\""));
    free(s);

    log_level_t l = LOG_ERROR;
    assert_int_equal(log_parse_level("debug", &l), 0);
    assert_int_equal(l, LOG_DEBUG);
    assert_int_equal(log_parse_level(" WARNING ", &l), 0);
    assert_int_equal(l, LOG_WARNING);
    assert_int_equal(log_parse_level("warn", &l), 0);
    assert_int_equal(l, LOG_WARNING);
    assert_int_equal(log_parse_level("Info", &l), 0);
    assert_int_equal(l, LOG_INFO);
    assert_int_equal(log_parse_level("error", &l), 0);
    assert_int_equal(l, LOG_ERROR);
    assert_int_equal(log_parse_level("loud", &l), -1);
    assert_int_equal(l, LOG_ERROR);
    assert_int_equal(log_parse_level(NULL, &l), -1);
}

#define THREADS 4
#define LINES 500

static void *writer(void *arg)
{
    char rid[16];
    snprintf(rid, sizeof rid, "t%ld", (long)(intptr_t)arg);
    log_set_request_id(rid);
    char payload[600];
    memset(payload, 'a' + (int)(intptr_t)arg, sizeof payload - 1);
    payload[sizeof payload - 1] = '\0';
    for (int i = 0; i < LINES; i++)
        log_info("tali.test", "%d %s", i, payload);
    log_set_request_id(NULL);
    return NULL;
}

static void test_concurrent_lines_whole(void **state)
{
    pthread_t th[THREADS];
    for (long i = 0; i < THREADS; i++)
        assert_int_equal(pthread_create(&th[i], NULL, writer, (void *)(intptr_t)i), 0);
    for (int i = 0; i < THREADS; i++)
        pthread_join(th[i], NULL);
    char *s = captured();
    int lines = 0;
    for (char *line = s, *nl; (nl = strchr(line, '\n')); line = nl + 1) {
        json_t *v = json_parse(line, (size_t)(nl - line), 0, NULL);
        assert_non_null(v);
        /* the request id belongs to the thread that wrote the message */
        const char *rid = json_get_str(v, "request_id");
        const char *msg = json_get_str(v, "message");
        assert_non_null(rid);
        assert_non_null(msg);
        char want = (char)('a' + (rid[1] - '0'));
        assert_int_equal(msg[strlen(msg) - 1], want);
        json_decref(v);
        lines++;
    }
    assert_int_equal(lines, THREADS * LINES);
    free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_line_shape, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ascii_only, setup, teardown),
        cmocka_unit_test_setup_teardown(test_request_id_and_fields, setup, teardown),
        cmocka_unit_test_setup_teardown(test_levels, setup, teardown),
        cmocka_unit_test_setup_teardown(test_concurrent_lines_whole, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
