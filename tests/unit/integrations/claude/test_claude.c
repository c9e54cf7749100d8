/* claude: the Anthropic Messages API client against an in-process HTTP
 * server on an ephemeral loopback port (request shape, headers, error
 * mapping, retries, timeouts) and the JSON-extraction helpers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "components/integrations/claude/claude.h"
#include "platform/config.h"
#include "platform/httpclient.h"
#include "platform/log.h"
#include "platform/mem.h"

/* ---- a scripted one-connection-per-reply HTTP server ---- */

#define FAKE_MAX 8

typedef struct {
    int status; /* 0: close without answering */
    const char *body;
    int delay_ms;
} fake_reply_t;

typedef struct {
    int listen_fd;
    int port;
    fake_reply_t replies[FAKE_MAX];
    int n_replies;
    char *requests[FAKE_MAX]; /* raw request text (headers + body) */
    int n_requests;
    pthread_t thread;
} fake_server_t;

static fake_server_t fake;
static config_t conf;

static void fake_send_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
        if (w <= 0)
            return;
        p += w;
        n -= (size_t)w;
    }
}

/* Reads one request: headers, then Content-Length bytes of body. */
static char *fake_read_request(int fd)
{
    mem_buf_t b = {0};
    char chunk[4096];
    size_t want = 0;
    bool have_headers = false;
    for (;;) {
        if (have_headers && b.len >= want)
            break;
        struct pollfd pfd = {fd, POLLIN, 0};
        if (poll(&pfd, 1, 5000) <= 0)
            break;
        ssize_t r = recv(fd, chunk, sizeof chunk, 0);
        if (r <= 0)
            break;
        mem_buf_append(&b, chunk, (size_t)r);
        if (!have_headers && b.data && strstr(b.data, "\r\n\r\n")) {
            have_headers = true;
            size_t hlen = (size_t)(strstr(b.data, "\r\n\r\n") - b.data) + 4;
            const char *cl = strcasestr(b.data, "\r\ncontent-length:");
            want = hlen + (cl && cl < b.data + hlen ? (size_t)strtoul(cl + 17, NULL, 10) : 0);
        }
    }
    return b.data ? mem_buf_take(&b) : xstrdup("");
}

static void *fake_main(void *arg)
{
    (void)arg;
    for (int i = 0; i < fake.n_replies; i++) {
        struct pollfd pfd = {fake.listen_fd, POLLIN, 0};
        if (poll(&pfd, 1, 20000) <= 0)
            break;
        int fd = accept(fake.listen_fd, NULL, NULL);
        if (fd < 0)
            break;
        fake.requests[fake.n_requests++] = fake_read_request(fd);
        const fake_reply_t *r = &fake.replies[i];
        if (r->delay_ms > 0) {
            struct timespec ts = {r->delay_ms / 1000, (long)(r->delay_ms % 1000) * 1000000L};
            nanosleep(&ts, NULL);
        }
        if (r->status > 0) {
            const char *body = r->body ? r->body : "";
            char head[256];
            int hn = snprintf(head, sizeof head,
                              "HTTP/1.1 %d Scripted\r\nContent-Type: application/json\r\n"
                              "Content-Length: %zu\r\nConnection: close\r\n\r\n",
                              r->status, strlen(body));
            fake_send_all(fd, head, (size_t)hn);
            fake_send_all(fd, body, strlen(body));
        }
        close(fd);
    }
    return NULL;
}

/* Starts the server with the given replies, one per expected request. */
static void fake_start(const fake_reply_t *replies, int n)
{
    memset(&fake, 0, sizeof fake);
    fake.listen_fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(fake.listen_fd >= 0);
    int one = 1;
    setsockopt(fake.listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    assert_int_equal(bind(fake.listen_fd, (struct sockaddr *)&sa, sizeof sa), 0);
    assert_int_equal(listen(fake.listen_fd, 8), 0);
    socklen_t len = sizeof sa;
    getsockname(fake.listen_fd, (struct sockaddr *)&sa, &len);
    fake.port = ntohs(sa.sin_port);
    memcpy(fake.replies, replies, (size_t)n * sizeof *replies);
    fake.n_replies = n;
    free(conf.anthropic_base_url);
    conf.anthropic_base_url = xasprintf("http://127.0.0.1:%d/", fake.port);
    pthread_create(&fake.thread, NULL, fake_main, NULL);
}

static void fake_stop(void)
{
    pthread_join(fake.thread, NULL);
    close(fake.listen_fd);
    for (int i = 0; i < fake.n_requests; i++)
        free(fake.requests[i]);
    fake.n_requests = 0;
}

static const char *fake_body_of(int i)
{
    const char *p = strstr(fake.requests[i], "\r\n\r\n");
    return p ? p + 4 : "";
}

#define OK_BODY                                                                                                        \
    "{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"m\",\"content\":[{\"type\":"            \
    "\"text\",\"text\":\"Hi \\u2014 there\"}],\"stop_reason\":\"end_turn\",\"stop_sequence\":null,"                    \
    "\"usage\":{\"input_tokens\":12,\"output_tokens\":5}}"
#define ERR_BODY(type) "{\"type\":\"error\",\"error\":{\"type\":\"" type "\",\"message\":\"scripted " type "\"}}"

static int setup(void **state)
{
    (void)state;
    memset(&conf, 0, sizeof conf);
    conf.anthropic_api_key = xstrdup("sk-unit");
    conf.claude_model = xstrdup("claude-3-haiku-20240307");
    conf.max_tokens_per_response = 1024;
    conf.anthropic_base_url = xstrdup("http://127.0.0.1:9");
    config_install(&conf);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    free(conf.anthropic_api_key);
    free(conf.claude_model);
    free(conf.anthropic_base_url);
    memset(&conf, 0, sizeof conf);
    return 0;
}

/* ---- tests ---- */

static void test_configured(void **state)
{
    (void)state;
    assert_true(claude_configured());
    char *saved = conf.anthropic_api_key;
    conf.anthropic_api_key = (char *)"skip";
    assert_false(claude_configured());
    conf.anthropic_api_key = (char *)"";
    assert_false(claude_configured());
    claude_reply_t r;
    claude_request_t req = {.user_message = "hi"};
    assert_int_equal(claude_messages(&req, &r), ERR_UNAVAILABLE);
    assert_int_equal(r.fail, CLAUDE_FAIL_NO_KEY);
    assert_int_equal(r.attempts, 0);
    assert_null(r.text);
    claude_reply_free(&r);
    conf.anthropic_api_key = saved;
}

static void test_success_request_shape(void **state)
{
    (void)state;
    fake_reply_t replies[] = {{200, OK_BODY, 0}};
    fake_start(replies, 1);
    claude_request_t req = {.system = "Be brief.", .user_message = "Hello \xE2\x80\x94 world"};
    claude_reply_t r;
    assert_int_equal(claude_messages(&req, &r), ERR_OK);
    assert_string_equal(r.text, "Hi \xE2\x80\x94 there");
    assert_int_equal(r.input_tokens, 12);
    assert_int_equal(r.output_tokens, 5);
    assert_string_equal(r.stop_reason, "end_turn");
    assert_int_equal(r.http_status, 200);
    assert_int_equal(r.attempts, 1);
    assert_int_equal(r.fail, CLAUDE_FAIL_NONE);
    claude_reply_free(&r);
    fake_stop();
}

static void test_headers_and_body(void **state)
{
    (void)state;
    fake_reply_t replies[] = {{200, OK_BODY, 0}};
    fake_start(replies, 1);
    json_t *msgs = json_pack("[{s:s,s:s},{s:s,s:s},{s:s,s:[{s:s,s:s}]}]", "role", "user", "content", "one", "role",
                             "assistant", "content", "two", "role", "user", "content", "type", "text", "text", "three");
    claude_request_t req = {.model = "claude-x", .max_tokens = 77, .messages = msgs};
    claude_reply_t r;
    assert_int_equal(claude_messages(&req, &r), ERR_OK);
    claude_reply_free(&r);
    const char *raw = fake.requests[0];
    assert_non_null(strstr(raw, "POST /v1/messages HTTP/1.1\r\n"));
    assert_non_null(strcasestr(raw, "\r\nx-api-key: sk-unit\r\n"));
    assert_non_null(strcasestr(raw, "\r\nanthropic-version: 2023-06-01\r\n"));
    assert_non_null(strcasestr(raw, "\r\ncontent-type: application/json\r\n"));
    json_t *sent = json_loads(fake_body_of(0), 0, NULL);
    assert_non_null(sent);
    assert_string_equal(json_string_value(json_object_get(sent, "model")), "claude-x");
    assert_int_equal(json_integer_value(json_object_get(sent, "max_tokens")), 77);
    assert_null(json_object_get(sent, "system"));
    assert_true(json_equal(json_object_get(sent, "messages"), msgs));
    /* key order: model, max_tokens, (system,) messages */
    const char *keys[] = {"model", "max_tokens", "messages"};
    int k = 0;
    const char *key;
    json_t *val;
    json_object_foreach(sent, key, val) assert_string_equal(key, keys[k++]);
    json_decref(sent);
    json_decref(msgs);
    fake_stop();

    /* defaults from the configuration, system included */
    claude_request_t d = {.system = "S", .user_message = "U"};
    json_t *b = claude_request_body(&d);
    char *s = json_dumps(b, JSON_COMPACT | JSON_PRESERVE_ORDER);
    assert_string_equal(s, "{\"model\":\"claude-3-haiku-20240307\",\"max_tokens\":1024,\"system\":\"S\","
                           "\"messages\":[{\"role\":\"user\",\"content\":\"U\"}]}");
    free(s);
    json_decref(b);
}

static void expect_failure(int status, const char *body, err_t want, claude_fail_t fail, const char *etype,
                           int max_retries, int want_attempts)
{
    fake_reply_t replies[FAKE_MAX];
    for (int i = 0; i < want_attempts; i++)
        replies[i] = (fake_reply_t){status, body, 0};
    fake_start(replies, want_attempts);
    claude_request_t req = {.user_message = "x", .max_retries = max_retries};
    claude_reply_t r;
    assert_int_equal(claude_messages(&req, &r), want);
    assert_int_equal(r.fail, fail);
    assert_int_equal(r.http_status, status);
    assert_int_equal(r.attempts, want_attempts);
    assert_string_equal(r.error_type, etype);
    assert_null(r.text);
    assert_true(strlen(r.message) > 0);
    claude_reply_free(&r);
    fake_stop();
}

static void test_error_statuses(void **state)
{
    (void)state;
    /* not retried */
    expect_failure(400, ERR_BODY("invalid_request_error"), ERR_BAD_GATEWAY, CLAUDE_FAIL_REJECTED,
                   "invalid_request_error", 2, 1);
    expect_failure(401, ERR_BODY("authentication_error"), ERR_BAD_GATEWAY, CLAUDE_FAIL_REJECTED, "authentication_error",
                   2, 1);
    expect_failure(404, "not json", ERR_BAD_GATEWAY, CLAUDE_FAIL_REJECTED, "", 2, 1);
    /* retried up to max_retries */
    expect_failure(429, ERR_BODY("rate_limit_error"), ERR_RATE_LIMITED, CLAUDE_FAIL_RATE_LIMITED, "rate_limit_error", 1,
                   2);
    expect_failure(529, ERR_BODY("overloaded_error"), ERR_UNAVAILABLE, CLAUDE_FAIL_OVERLOADED, "overloaded_error", 0,
                   1);
    expect_failure(500, ERR_BODY("overloaded_error"), ERR_UNAVAILABLE, CLAUDE_FAIL_OVERLOADED, "overloaded_error", 0,
                   1);
    expect_failure(500, ERR_BODY("api_error"), ERR_BAD_GATEWAY, CLAUDE_FAIL_SERVER, "api_error", 2, 3);
    expect_failure(409, ERR_BODY("conflict_error"), ERR_BAD_GATEWAY, CLAUDE_FAIL_REJECTED, "conflict_error", 1, 2);
}

static void test_retry_then_success(void **state)
{
    (void)state;
    fake_reply_t replies[] = {{529, ERR_BODY("overloaded_error"), 0}, {0, NULL, 0}, {200, OK_BODY, 0}};
    fake_start(replies, 3);
    claude_request_t req = {.user_message = "x", .max_retries = -1};
    claude_reply_t r;
    assert_int_equal(claude_messages(&req, &r), ERR_OK);
    assert_int_equal(r.attempts, 3);
    assert_string_equal(r.text, "Hi \xE2\x80\x94 there");
    assert_string_equal(r.message, "");
    assert_string_equal(r.error_type, "");
    claude_reply_free(&r);
    fake_stop();
}

static void test_timeout_and_connection(void **state)
{
    (void)state;
    fake_reply_t replies[] = {{200, OK_BODY, 1500}};
    fake_start(replies, 1);
    claude_request_t req = {.user_message = "x", .timeout_ms = 300, .max_retries = 0};
    claude_reply_t r;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    assert_int_equal(claude_messages(&req, &r), ERR_TIMEOUT);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    assert_int_equal(r.fail, CLAUDE_FAIL_TIMEOUT);
    assert_int_equal(r.http_status, 0);
    assert_true((t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000 < 1400);
    claude_reply_free(&r);
    fake_stop();

    /* nothing listens: a connection failure */
    fake_start(replies, 0);
    fake_stop();
    req.timeout_ms = 2000;
    assert_int_equal(claude_messages(&req, &r), ERR_BAD_GATEWAY);
    assert_int_equal(r.fail, CLAUDE_FAIL_CONNECTION);
    assert_int_equal(r.attempts, 1);
    claude_reply_free(&r);
}

static void test_bad_replies(void **state)
{
    (void)state;
    static const struct {
        const char *body;
    } cases[] = {
        {"not json"},
        {"{\"content\":[]}"},
        {"{\"content\":[{\"type\":\"tool_use\",\"id\":\"t\",\"name\":\"n\",\"input\":{}}]}"},
        {"{\"content\":[{\"type\":\"text\"}]}"},
        {"{\"content\":\"text\"}"},
        {ERR_BODY("api_error")},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        claude_reply_t r = {0};
        assert_int_equal(claude_parse_response(200, cases[i].body, &r), ERR_BAD_GATEWAY);
        assert_int_equal(r.fail, CLAUDE_FAIL_BAD_RESPONSE);
        assert_null(r.text);
        claude_reply_free(&r);
    }
    claude_reply_t r = {0};
    assert_int_equal(claude_parse_response(200, "{\"content\":[{\"text\":\"no type\"}]}", &r), ERR_OK);
    assert_string_equal(r.text, "no type");
    assert_int_equal(r.input_tokens, 0);
    claude_reply_free(&r);
}

static void expect_json(json_t *got, const char *want)
{
    if (!want) {
        assert_null(got);
        return;
    }
    assert_non_null(got);
    json_t *w = json_loads(want, JSON_DECODE_ANY, NULL);
    assert_true(json_equal(got, w));
    json_decref(w);
    json_decref(got);
}

static void test_json_helpers(void **state)
{
    (void)state;
    expect_json(claude_extract_json("{\"a\":1}"), "{\"a\":1}");
    expect_json(claude_extract_json("  [1, 2]\n"), "[1,2]");
    expect_json(claude_extract_json("Here you go: {\"a\": {\"b\": 2}} hope it helps"), "{\"a\":{\"b\":2}}");
    expect_json(claude_extract_json("```json\n{\"a\":1}\n```"), "{\"a\":1}");
    expect_json(claude_extract_json("{\"a\":1} and {\"b\":2}"), NULL); /* greedy span is not JSON */
    expect_json(claude_extract_json("no braces"), NULL);
    expect_json(claude_extract_json("} backwards {"), NULL);
    expect_json(claude_extract_json(NULL), NULL);

    expect_json(claude_parse_fenced_json("{\"a\":1}"), "{\"a\":1}");
    expect_json(claude_parse_fenced_json("\n ```json\n{\"a\":1}\n```\n"), "{\"a\":1}");
    expect_json(claude_parse_fenced_json("```\n{\"a\":[1]}\n```"), "{\"a\":[1]}");
    expect_json(claude_parse_fenced_json("```{\"a\":1}```"), "{\"a\":1}");
    expect_json(claude_parse_fenced_json("```json\n{\"a\":1}"), "{\"a\":1}");
    expect_json(claude_parse_fenced_json("Sure: {\"a\":1}"), NULL); /* no greedy fallback here */
    expect_json(claude_parse_fenced_json("```"), NULL);
    expect_json(claude_parse_fenced_json(""), NULL);
}

int main(void)
{
    httpc_global_init();
    FILE *devnull = fopen("/dev/null", "w");
    log_set_stream(devnull);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_configured, setup, teardown),
        cmocka_unit_test_setup_teardown(test_success_request_shape, setup, teardown),
        cmocka_unit_test_setup_teardown(test_headers_and_body, setup, teardown),
        cmocka_unit_test_setup_teardown(test_error_statuses, setup, teardown),
        cmocka_unit_test_setup_teardown(test_retry_then_success, setup, teardown),
        cmocka_unit_test_setup_teardown(test_timeout_and_connection, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_replies, setup, teardown),
        cmocka_unit_test_setup_teardown(test_json_helpers, setup, teardown),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    log_set_stream(NULL);
    if (devnull)
        fclose(devnull);
    return rc;
}
