/* config: defaults, dotenv syntax, environment precedence, validation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "platform/config.h"

/* Every variable a test may set, so each test starts from a clean slate. */
static const char *const vars[] = {
    "DATABASE_URL",
    "database_url",
    "SECRET_KEY",
    "secret_key",
    "Secret_Key",
    "PORT",
    "port",
    "FRONTEND_URL",
    "SENTRY_DSN",
    "CORS_EXTRA_ORIGINS",
    "MVP_DISABLE_STRIPE",
    "mvp_disable_stripe",
    "WORKER_THREADS",
    "ACCESS_TOKEN_EXPIRE_MINUTES",
    "CLAUDE_MODEL",
    "EMAIL_FROM",
    "RESEND_API_URL",
    "RESEND_BASE_URL",
    "AWS_ENDPOINT_URL_S3",
    "AWS_ENDPOINT_URL",
    "AWS_S3_ENDPOINT_URL",
    "SCORING_V2_ENABLED",
    "SANDBOX_PROVIDER",
    "E2B_API_KEY",
    "ANTHROPIC_API_KEY",
    "TALI_TEST_HOOKS",
    "HOST",
};

static char env_path[64];

static int setup(void **state)
{
    for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++)
        unsetenv(vars[i]);
    snprintf(env_path, sizeof env_path, "/tmp/tali-config-test-%ld.env", (long)getpid());
    unlink(env_path);
    return 0;
}

static int teardown(void **state)
{
    unlink(env_path);
    return 0;
}

static void write_env(const char *text)
{
    FILE *f = fopen(env_path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void load_ok(config_t *c)
{
    char err[256];
    int rc = config_load(c, env_path, err, sizeof err);
    if (rc != 0)
        fail_msg("config_load failed: %s", err);
}

static void test_defaults(void **state)
{
    config_t c;
    load_ok(&c); /* no .env file at all is fine */
    assert_string_equal(c.database_url, "sqlite:///tali.db");
    assert_string_equal(c.secret_key, "dev-secret-key-change-in-production");
    assert_string_equal(c.algorithm, "HS256");
    assert_int_equal(c.access_token_expire_minutes, 30);
    assert_string_equal(c.e2b_api_key, "");
    assert_string_equal(c.claude_model, "claude-3-haiku-20240307");
    assert_int_equal(c.max_tokens_per_response, 1024);
    assert_string_equal(c.redis_url, "redis://localhost:6379");
    assert_string_equal(c.frontend_url, "http://localhost:5173");
    assert_string_equal(c.backend_url, "http://localhost:8000");
    assert_null(c.cors_extra_origins);
    assert_null(c.aws_access_key_id);
    assert_null(c.aws_secret_access_key);
    assert_string_equal(c.aws_s3_bucket, "tali-assessments");
    assert_string_equal(c.aws_region, "us-east-1");
    assert_null(c.sentry_dsn);
    assert_int_equal(c.assessment_price_pence, 2500);
    assert_int_equal(c.assessment_expiry_days, 7);
    assert_string_equal(c.email_from, "TALI <noreply@tali.dev>");
    assert_non_null(strstr(c.score_weights, "\"tests\":0.30"));
    assert_non_null(strstr(c.default_calibration_prompt, "reverses a string"));
    assert_true(c.mvp_disable_stripe);
    assert_true(c.mvp_disable_workable);
    assert_true(c.mvp_disable_celery);
    assert_true(c.mvp_disable_claude_scoring);
    assert_true(c.mvp_disable_calibration);
    assert_true(c.mvp_disable_proctoring);
    assert_false(c.scoring_v2_enabled);
    assert_string_equal(c.host, "127.0.0.1");
    assert_int_equal(c.port, 8000);
    assert_int_equal(c.worker_threads, 16);
    assert_int_equal(c.max_connections, 1024);
    assert_true(c.trust_forwarded_for);
    assert_true(c.run_worker);
    assert_string_equal(c.anthropic_base_url, "https://api.anthropic.com");
    assert_string_equal(c.e2b_api_url, "https://api.e2b.app");
    assert_string_equal(c.e2b_domain, "e2b.app");
    assert_string_equal(c.resend_base_url, "https://api.resend.com");
    assert_string_equal(c.smtp_url, "");
    assert_string_equal(c.stripe_api_base, "https://api.stripe.com");
    assert_string_equal(c.workable_api_base, "https://{subdomain}.workable.com/spi/v3");
    assert_string_equal(c.workable_oauth_base, "https://www.workable.com");
    assert_string_equal(c.upload_dir, "uploads");
    assert_string_equal(c.sandbox_provider, "");
    assert_string_equal(c.sandbox_root, "./sandboxes");
    assert_false(c.enable_test_hooks);
    assert_false(c.production);
    config_free(&c);
}

static void test_dotenv_syntax(void **state)
{
    write_env("# a comment line\n"
              "\n"
              "export SECRET_KEY=from-dotenv\n"
              "CLAUDE_MODEL = 'claude-sonnet'  # trailing comment\n"
              "EMAIL_FROM=\"Tali Team <team@tali.dev>\"\n"
              "   E2B_API_KEY=e2b_abc # inline comment\n"
              "ANTHROPIC_API_KEY=sk-ant#not-a-comment\n"
              "HOST=\"0.0.0.0\"\n"
              "DATABASE_URL=\n"
              "RESEND_BASE_URL=\"line1\\nline2\"\n"
              "JUNK LINE WITHOUT EQUALS\n"
              "port=9001\n");
    config_t c;
    load_ok(&c);
    assert_string_equal(c.secret_key, "from-dotenv");
    assert_string_equal(c.claude_model, "claude-sonnet");
    assert_string_equal(c.email_from, "Tali Team <team@tali.dev>");
    assert_string_equal(c.e2b_api_key, "e2b_abc");
    assert_string_equal(c.anthropic_api_key, "sk-ant#not-a-comment");
    assert_string_equal(c.host, "0.0.0.0");
    assert_string_equal(c.database_url, "sqlite:///tali.db");
    assert_string_equal(c.resend_base_url, "line1\nline2");
    assert_int_equal(c.port, 9001);
    config_free(&c);
}

static void test_dotenv_crlf_and_bad_lines(void **state)
{
    write_env("E2B_API_KEY=abc\r\n"
              "CLAUDE_MODEL=\"unterminated\r\n"
              "ANTHROPIC_API_KEY='quoted' trailing-junk\r\n"
              "EMAIL_FROM='a \\'b\\' c'\r\n"
              "HOST=10.0.0.1\r\n");
    config_t c;
    load_ok(&c);
    assert_string_equal(c.e2b_api_key, "abc");
    /* invalid lines are skipped, as python-dotenv does, leaving defaults */
    assert_string_equal(c.claude_model, "claude-3-haiku-20240307");
    assert_string_equal(c.anthropic_api_key, "");
    assert_string_equal(c.email_from, "a 'b' c");
    assert_string_equal(c.host, "10.0.0.1");
    config_free(&c);
}

static void test_dotenv_expansion(void **state)
{
    write_env("E2B_API_KEY=abc\n"
              "ANTHROPIC_API_KEY=${E2B_API_KEY}-x\n"
              "CLAUDE_MODEL=${NOT_DEFINED_ANYWHERE_XYZ:-fallback}\n");
    config_t c;
    load_ok(&c);
    assert_string_equal(c.anthropic_api_key, "abc-x");
    assert_string_equal(c.claude_model, "fallback");
    config_free(&c);
}

static void test_env_overrides_dotenv(void **state)
{
    write_env("PORT=9001\nSECRET_KEY=from-dotenv\nMVP_DISABLE_STRIPE=true\n");
    setenv("PORT", "9002", 1);
    setenv("mvp_disable_stripe", "No", 1);
    config_t c;
    load_ok(&c);
    assert_int_equal(c.port, 9002);
    assert_string_equal(c.secret_key, "from-dotenv");
    assert_false(c.mvp_disable_stripe);
    config_free(&c);
}

static void test_case_insensitive_names(void **state)
{
    write_env("secret_key=lower\nFrontend_Url=http://localhost:4000\n");
    setenv("database_url", "sqlite:///x.db", 1);
    config_t c;
    load_ok(&c);
    assert_string_equal(c.secret_key, "lower");
    assert_string_equal(c.frontend_url, "http://localhost:4000");
    assert_string_equal(c.database_url, "sqlite:///x.db");
    config_free(&c);
}

static void test_aliases(void **state)
{
    setenv("RESEND_API_URL", "http://127.0.0.1:1234", 1);
    setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9000", 1);
    config_t c;
    load_ok(&c);
    assert_string_equal(c.resend_base_url, "http://127.0.0.1:1234");
    assert_string_equal(c.aws_s3_endpoint_url, "http://127.0.0.1:9000");
    config_free(&c);
    /* the more specific name wins over the generic one */
    setenv("AWS_ENDPOINT_URL_S3", "http://127.0.0.1:9001", 1);
    load_ok(&c);
    assert_string_equal(c.aws_s3_endpoint_url, "http://127.0.0.1:9001");
    config_free(&c);
}

static void test_bad_int_names_setting(void **state)
{
    char err[256];
    config_t c;
    setenv("PORT", "abc", 1);
    assert_int_equal(config_load(&c, env_path, err, sizeof err), -1);
    assert_string_equal(err, "invalid value for PORT: \"abc\" (expected an integer)");
    unsetenv("PORT");

    write_env("ACCESS_TOKEN_EXPIRE_MINUTES=30.5\n");
    assert_int_equal(config_load(&c, env_path, err, sizeof err), -1);
    assert_non_null(strstr(err, "ACCESS_TOKEN_EXPIRE_MINUTES"));

    write_env("ACCESS_TOKEN_EXPIRE_MINUTES=  +45 \n");
    load_ok(&c);
    assert_int_equal(c.access_token_expire_minutes, 45);
    config_free(&c);

    write_env("ACCESS_TOKEN_EXPIRE_MINUTES=99999999999999\n");
    assert_int_equal(config_load(&c, env_path, err, sizeof err), -1);
    assert_non_null(strstr(err, "ACCESS_TOKEN_EXPIRE_MINUTES"));
}

static void test_range_checks(void **state)
{
    char err[256];
    config_t c;
    setenv("PORT", "0", 1);
    assert_int_equal(config_load(&c, env_path, err, sizeof err), -1);
    assert_non_null(strstr(err, "PORT"));
    setenv("PORT", "65536", 1);
    assert_int_equal(config_load(&c, env_path, err, sizeof err), -1);
    setenv("PORT", "65535", 1);
    load_ok(&c);
    assert_int_equal(c.port, 65535);
    config_free(&c);
    setenv("WORKER_THREADS", "1025", 1);
    assert_int_equal(config_load(&c, env_path, err, sizeof err), -1);
    assert_non_null(strstr(err, "WORKER_THREADS"));
    unsetenv("WORKER_THREADS");
    setenv("SANDBOX_PROVIDER", "docker", 1);
    assert_int_equal(config_load(&c, env_path, err, sizeof err), -1);
    assert_non_null(strstr(err, "SANDBOX_PROVIDER"));
}

static void test_bool_words(void **state)
{
    static const struct {
        const char *text;
        int expect; /* 1 true, 0 false, -1 invalid */
    } cases[] = {
        {"true", 1}, {"TRUE", 1},   {"1", 1},     {"yes", 1}, {"On", 1},      {"t", 1},
        {"Y", 1},    {" true ", 1}, {"false", 0}, {"0", 0},   {"no", 0},      {"OFF", 0},
        {"f", 0},    {"n", 0},      {"", -1},     {"2", -1},  {"truthy", -1}, {"enable", -1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        bool v = !cases[i].expect;
        int rc = config_parse_bool(cases[i].text, &v);
        if (cases[i].expect < 0) {
            assert_int_equal(rc, -1);
        } else {
            assert_int_equal(rc, 0);
            assert_int_equal(v, cases[i].expect);
        }
    }
    char err[256];
    config_t c;
    setenv("SCORING_V2_ENABLED", "maybe", 1);
    assert_int_equal(config_load(&c, env_path, err, sizeof err), -1);
    assert_non_null(strstr(err, "SCORING_V2_ENABLED"));
    assert_non_null(strstr(err, "\"maybe\""));
    setenv("SCORING_V2_ENABLED", "yes", 1);
    load_ok(&c);
    assert_true(c.scoring_v2_enabled);
    config_free(&c);
}

static void test_production_detection(void **state)
{
    char err[512];
    config_t c;
    /* 127.0.0.1 has no "localhost" in it: production, default secret refused */
    setenv("FRONTEND_URL", "http://127.0.0.1:5173", 1);
    assert_int_equal(config_load(&c, env_path, err, sizeof err), -1);
    assert_non_null(strstr(err, "SECRET_KEY"));

    static const char *const insecure[] = {"changeme", "secret", ""};
    for (size_t i = 0; i < 3; i++) {
        setenv("SECRET_KEY", insecure[i], 1);
        assert_int_equal(config_load(&c, env_path, err, sizeof err), -1);
        assert_non_null(strstr(err, "SECRET_KEY"));
    }

    setenv("SECRET_KEY", "0123456789abcdef0123456789abcdef", 1);
    load_ok(&c);
    assert_true(c.production);
    config_free(&c);

    /* a Sentry DSN alone switches production on */
    setenv("FRONTEND_URL", "http://localhost:5173", 1);
    setenv("SENTRY_DSN", "https://key@sentry.example/1", 1);
    load_ok(&c);
    assert_true(c.production);
    config_free(&c);

    /* an empty DSN does not */
    setenv("SENTRY_DSN", "", 1);
    setenv("SECRET_KEY", "changeme", 1);
    load_ok(&c);
    assert_false(c.production);
    assert_string_equal(c.sentry_dsn, "");
    config_free(&c);
}

static void test_cors_origins(void **state)
{
    config_t c;
    load_ok(&c);
    size_t n;
    const char *const *o = config_cors_origins(&c, &n);
    assert_int_equal(n, 2);
    assert_string_equal(o[0], "http://localhost:5173");
    assert_string_equal(o[1], "http://localhost:3000");
    config_free(&c);

    setenv("FRONTEND_URL", "https://app.tali.dev", 1);
    setenv("SECRET_KEY", "a-strong-secret-for-the-test", 1);
    setenv("CORS_EXTRA_ORIGINS", " https://a.example , ,https://b.example,", 1);
    load_ok(&c);
    o = config_cors_origins(&c, &n);
    assert_int_equal(n, 5);
    assert_string_equal(o[0], "https://app.tali.dev");
    assert_string_equal(o[1], "http://localhost:5173");
    assert_string_equal(o[2], "http://localhost:3000");
    assert_string_equal(o[3], "https://a.example");
    assert_string_equal(o[4], "https://b.example");
    config_free(&c);
}

static void test_cors_hand_built(void **state)
{
    config_t c = {0};
    c.frontend_url = "https://x.example";
    size_t n;
    const char *const *o = config_cors_origins(&c, &n);
    assert_int_equal(n, 3);
    assert_string_equal(o[0], "https://x.example");
    /* release only the list: the strings above are not heap copies */
    for (size_t i = 0; i < n; i++)
        free(c.cors_origins[i]);
    free(c.cors_origins);
}

static void test_install(void **state)
{
    config_t c;
    load_ok(&c);
    config_install(&c);
    assert_ptr_equal(cfg, &c);
    assert_int_equal(cfg->port, 8000);
    config_install(NULL);
    config_free(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_defaults, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dotenv_syntax, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dotenv_crlf_and_bad_lines, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dotenv_expansion, setup, teardown),
        cmocka_unit_test_setup_teardown(test_env_overrides_dotenv, setup, teardown),
        cmocka_unit_test_setup_teardown(test_case_insensitive_names, setup, teardown),
        cmocka_unit_test_setup_teardown(test_aliases, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_int_names_setting, setup, teardown),
        cmocka_unit_test_setup_teardown(test_range_checks, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bool_words, setup, teardown),
        cmocka_unit_test_setup_teardown(test_production_detection, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cors_origins, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cors_hand_built, setup, teardown),
        cmocka_unit_test_setup_teardown(test_install, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
