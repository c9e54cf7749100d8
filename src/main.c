/* The `tali` command: one binary for the server, the worker and the
 * operator tools. */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "components/assessments/assessments.h"
#include "components/analytics/analytics.h"
#include "components/apikeys/apikeys.h"
#include "components/applications/applications.h"
#include "components/sharing/sharing.h"
#include "components/roles/roles.h"
#include "components/auth/auth.h"
#include "components/billing/billing.h"
#include "components/candidates/candidates.h"
#include "components/health/health.h"
#include "components/integrations/stripe/stripe.h"
#include "components/integrations/workable/workable.h"
#include "components/notifications/notifications.h"
#include "components/organizations/organizations.h"
#include "components/scoring/scoring.h"
#include "components/tasks/tasks.h"
#include "components/team/team.h"
#include "platform/api.h"
#include "platform/config.h"
#include "platform/db.h"
#include "platform/http.h"
#include "platform/httpclient.h"
#include "platform/jobs.h"
#include "platform/json.h"
#include "platform/log.h"
#include "platform/openapi.h"
#include "shared/documents.h"
#include "tali_version.h"

typedef struct {
    const char *name;
    const char *help;
    int (*run)(int argc, char **argv);
} main_command_t;

static int main_help(int argc, char **argv);

/* Loads and installs the configuration, or prints why not.  The config
 * lives for the whole process. */
static int main_load_config(void)
{
    static config_t conf;
    char err[512];
    if (config_load(&conf, NULL, err, sizeof err) != 0) {
        fprintf(stderr, "tali: configuration error: %s\n", err);
        return -1;
    }
    config_install(&conf);
    const char *lvl = getenv("LOG_LEVEL");
    if (lvl) {
        if (strcasecmp(lvl, "debug") == 0)
            log_set_level(LOG_DEBUG);
        else if (strcasecmp(lvl, "warning") == 0)
            log_set_level(LOG_WARNING);
        else if (strcasecmp(lvl, "error") == 0)
            log_set_level(LOG_ERROR);
    }
    return 0;
}

static db_pool_t *main_open_db(void)
{
    char err[512];
    db_pool_t *pool = db_pool_open(cfg->database_url, cfg->worker_threads, err, sizeof err);
    if (!pool)
        fprintf(stderr, "tali: cannot open DATABASE_URL: %s\n", err);
    else
        db_pool_set_wait_ms(pool, cfg->db_pool_timeout_s * 1000);
    return pool;
}

#define MAIN_TEST_JOB_KIND "test.record"
#define MAIN_TEST_JOB_MAX_SLEEP_MS 60000

/* While the file named by TALI_TEST_JOB_GATE exists (at most 60 s), a test
 * job waits before it records anything: a test holds every worker inside a
 * job this way, and so knows each one has claimed one, before it lets the
 * queue drain. */
static void main_test_job_gate(void)
{
    const char *gate = getenv("TALI_TEST_JOB_GATE");
    if (!gate || !*gate)
        return;
    for (int i = 0; i < MAIN_TEST_JOB_MAX_SLEEP_MS / 10 && access(gate, F_OK) == 0; i++) {
        struct timespec ts = {.tv_sec = 0, .tv_nsec = 10 * 1000000L};
        nanosleep(&ts, NULL);
    }
}

/* The test-only job kind (registered only with TALI_TEST_HOOKS), used to
 * prove the queue under several workers and crashes without side effects.
 * It sleeps payload.sleep_ms (at most 60 s), waits at the gate above, then
 * appends the line
 * "<payload.n> <pid>\n" with a single O_APPEND write (so lines of
 * concurrent workers never interleave) to the file named by
 * TALI_TEST_JOB_LOG (ctx) -- the path comes from the environment, never
 * from a payload.  With payload.fail true it writes nothing and fails, so
 * retries and the final `failed` state can be observed. */
static err_t main_test_job(void *ctx, db_pool_t *pool, const json_t *payload, char *err, size_t errlen)
{
    (void)pool;
    const char *path = ctx;
    json_int_t sleep_ms = json_integer_value(json_object_get(payload, "sleep_ms"));
    if (sleep_ms > MAIN_TEST_JOB_MAX_SLEEP_MS)
        sleep_ms = MAIN_TEST_JOB_MAX_SLEEP_MS;
    if (sleep_ms > 0) {
        struct timespec ts = {.tv_sec = (time_t)(sleep_ms / 1000), .tv_nsec = (long)(sleep_ms % 1000) * 1000000L};
        while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
            ;
    }
    main_test_job_gate();
    if (json_is_true(json_object_get(payload, "fail"))) {
        snprintf(err, errlen, "test job failure requested");
        return ERR_INTERNAL;
    }
    if (!path || !*path) {
        snprintf(err, errlen, "TALI_TEST_JOB_LOG is not set");
        return ERR_INTERNAL;
    }
    char line[64];
    int len = snprintf(line, sizeof line, "%lld %d\n", (long long)json_integer_value(json_object_get(payload, "n")),
                       (int)getpid());
    int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) {
        snprintf(err, errlen, "cannot open TALI_TEST_JOB_LOG: %s", strerror(errno));
        return ERR_INTERNAL;
    }
    ssize_t w = write(fd, line, (size_t)len);
    int saved = errno;
    if (close(fd) != 0 && w == len) {
        snprintf(err, errlen, "cannot close TALI_TEST_JOB_LOG: %s", strerror(errno));
        return ERR_INTERNAL;
    }
    if (w != len) {
        snprintf(err, errlen, "cannot write TALI_TEST_JOB_LOG: %s", w < 0 ? strerror(saved) : "short write");
        return ERR_INTERNAL;
    }
    return ERR_OK;
}

/* A job runner with every component's handlers (and the test kind when
 * the test hooks are on). */
static jobs_runner_t *main_jobs_runner(db_pool_t *pool)
{
    jobs_runner_t *r = jobs_runner_new(pool, NULL);
    notifications_register_jobs(r);
    assessments_register_jobs(r);
    workable_register_jobs(r);
    if (cfg->enable_test_hooks)
        jobs_runner_handle(r, MAIN_TEST_JOB_KIND, main_test_job, (void *)getenv("TALI_TEST_JOB_LOG"), 60);
    return r;
}

/* Enqueues `count` test jobs (payload {n: 1..count, sleep_ms, fail}) in one
 * transaction.  Returns 0, or 1 on a database error. */
static int main_enqueue_test_jobs(db_pool_t *pool, int count, int sleep_ms, bool fail, int max_attempts)
{
    db_t *db = db_acquire(pool);
    if (!db)
        return 1;
    err_t e = db_begin(db);
    for (int i = 1; e == ERR_OK && i <= count; i++) {
        json_t *payload = json_pack("{s:i,s:i,s:b}", "n", i, "sleep_ms", sleep_ms, "fail", fail);
        e = jobs_enqueue(db, MAIN_TEST_JOB_KIND, payload, 0, max_attempts, NULL);
        json_decref(payload);
    }
    if (e == ERR_OK)
        e = db_commit(db);
    db_release(pool, db); /* rolls back when anything failed */
    if (e != ERR_OK) {
        fprintf(stderr, "tali: cannot enqueue test jobs (%s)\n", err_name(e));
        return 1;
    }
    printf("enqueued %d test job(s)\n", count);
    return 0;
}

static int main_migrate(int argc, char **argv)
{
    if (main_load_config() != 0)
        return 2;
    db_pool_t *pool = main_open_db();
    if (!pool)
        return 1;
    err_t e = db_migrate(pool);
    db_pool_close(pool);
    if (e != ERR_OK) {
        fprintf(stderr, "tali: migration failed (%s)\n", err_name(e));
        return 1;
    }
    return 0;
}

static int main_serve(int argc, char **argv)
{
    if (main_load_config() != 0)
        return 2;
    db_pool_t *pool = main_open_db();
    if (!pool)
        return 1;
    if (db_migrate(pool) != ERR_OK) {
        fprintf(stderr, "tali: migration failed; not starting\n");
        db_pool_close(pool);
        return 1;
    }
    documents_set_max_concurrent(cfg->max_concurrent_extractions);
    http_server_t *srv = http_server_new(cfg, pool);
    /* the route table's recruiter check is the auth component's */
    api_set_recruiter_resolver(auth_resolve);
    health_register(srv);
    auth_register(srv);
    organizations_register(srv);
    team_register(srv);
    apikeys_register(srv);
    roles_register(srv);
    applications_register(srv);
    roles_set_stats_hook(applications_role_stats);
    sharing_register(srv);
    candidates_register(srv);
    tasks_register(srv);
    assessments_register(srv);
    tasks_set_in_use_check(assessments_task_in_use);
    auth_set_org_creator(organizations_create);
    auth_set_sso_policy(organizations_sso_enforced);
    /* a person's assessments are unlinked, then their applications go,
     * each taking its share links and unlinking its assessments */
    candidates_add_delete_hook(assessments_detach_candidate);
    candidates_add_delete_hook(applications_forget_candidate);
    applications_add_delete_hook(sharing_forget_application);
    applications_add_delete_hook(assessments_detach_application);
    roles_set_usage_hooks(applications_role_used, assessments_role_usage);
    stripe_register(srv);
    analytics_register(srv);
    billing_register(srv);
    workable_register(srv);
    if (cfg->enable_test_hooks) {
        http_register_test_hooks(srv);
        health_register_test_hooks(srv);
        notifications_register_test_hooks(srv);
    }
    /* last: the document describes every route registered above */
    openapi_register(srv, cfg);
    jobs_runner_t *jobs = NULL;
    if (cfg->run_worker) {
        jobs = main_jobs_runner(pool);
        if (jobs_runner_start(jobs, 500) != 0)
            log_error("tali.main", "cannot start the in-process job worker");
    }
    /* the expiry sweep of assessments, every 5 minutes */
    assessments_ticker_t *expiry = cfg->run_worker ? assessments_expiry_ticker_start(pool, 300) : NULL;
    char err[512];
    if (http_server_start(srv, cfg->host, cfg->port, err, sizeof err) != 0) {
        fprintf(stderr, "tali: cannot listen on %s:%d: %s\n", cfg->host, cfg->port, err);
        assessments_expiry_ticker_stop(expiry);
        http_server_free(srv);
        db_pool_close(pool);
        return 1;
    }
    log_info("tali.main", "TALI API started | env=%s | listening on %s:%d | database=%s",
             cfg->production ? "production" : "development", cfg->host, cfg->port,
             db_pool_kind(pool) == DB_POSTGRES ? "postgresql" : "sqlite");
    http_server_run_until_signal(srv);
    assessments_expiry_ticker_stop(expiry);
    jobs_runner_free(jobs);
    http_server_free(srv);
    db_pool_close(pool);
    log_info("tali.main", "TALI API stopped");
    return 0;
}

/* Parses a whole decimal number in [lo, hi] into *out; false otherwise. */
static bool main_parse_int(const char *text, int lo, int hi, int *out)
{
    if (!text || !*text)
        return false;
    char *end = NULL;
    errno = 0;
    long v = strtol(text, &end, 10);
    if (errno != 0 || *end != '\0' || v < lo || v > hi)
        return false;
    *out = (int)v;
    return true;
}

/* `tali worker [--once]`: drains the job queue (--once: until nothing is
 * due, then exits).  With TALI_TEST_HOOKS on, `tali worker --enqueue-test
 * N [--sleep-ms M] [--fail] [--max-attempts K]` only enqueues N jobs of the
 * test kind and exits. */
static int main_worker(int argc, char **argv)
{
    bool once = false, fail = false;
    int enqueue = 0, sleep_ms = 0, max_attempts = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--once") == 0) {
            once = true;
        } else if (strcmp(a, "--fail") == 0) {
            fail = true;
        } else if (strcmp(a, "--enqueue-test") == 0 && main_parse_int(v, 1, 1000000, &enqueue)) {
            i++;
        } else if (strcmp(a, "--sleep-ms") == 0 && main_parse_int(v, 0, MAIN_TEST_JOB_MAX_SLEEP_MS, &sleep_ms)) {
            i++;
        } else if (strcmp(a, "--max-attempts") == 0 && main_parse_int(v, 1, 100, &max_attempts)) {
            i++;
        } else {
            fprintf(stderr, "usage: tali worker [--once]\n"
                            "       tali worker --enqueue-test N [--sleep-ms M] [--fail] [--max-attempts K]"
                            " (TALI_TEST_HOOKS only)\n");
            return 2;
        }
    }
    if ((fail || sleep_ms > 0 || max_attempts > 0) && enqueue == 0) {
        fprintf(stderr, "tali: --sleep-ms, --fail and --max-attempts go with --enqueue-test\n");
        return 2;
    }
    if (main_load_config() != 0)
        return 2;
    if (enqueue > 0 && !cfg->enable_test_hooks) {
        fprintf(stderr, "tali: the test job options need TALI_TEST_HOOKS on\n");
        return 2;
    }
    db_pool_t *pool = main_open_db();
    if (!pool)
        return 1;
    if (db_migrate(pool) != ERR_OK) {
        db_pool_close(pool);
        return 1;
    }
    if (enqueue > 0) {
        int rc = main_enqueue_test_jobs(pool, enqueue, sleep_ms, fail, max_attempts);
        db_pool_close(pool);
        return rc;
    }
    jobs_runner_t *r = main_jobs_runner(pool);
    if (once) {
        int n = jobs_runner_drain(r);
        log_info("tali.worker", "ran %d job(s)", n);
    } else {
        sigset_t set;
        sigemptyset(&set);
        sigaddset(&set, SIGTERM);
        sigaddset(&set, SIGINT);
        pthread_sigmask(SIG_BLOCK, &set, NULL);
        if (jobs_runner_start(r, 500) != 0) {
            jobs_runner_free(r);
            db_pool_close(pool);
            return 1;
        }
        log_info("tali.worker", "worker started");
        int sig = 0;
        sigwait(&set, &sig);
        log_info("tali.worker", "stopping after the job in hand");
    }
    jobs_runner_free(r);
    db_pool_close(pool);
    return 0;
}

/* `tali outbox [N]`: the latest e-mails kept locally. */
static int main_outbox(int argc, char **argv)
{
    if (main_load_config() != 0)
        return 2;
    db_pool_t *pool = main_open_db();
    if (!pool)
        return 1;
    int rc = 1;
    if (db_migrate(pool) == ERR_OK) {
        db_t *db = db_acquire(pool);
        if (db) {
            rc = notifications_print_outbox(db, argc > 1 ? atoi(argv[1]) : 10, stdout) == 0 ? 0 : 1;
            db_release(pool, db);
        }
    }
    db_pool_close(pool);
    return rc;
}

/* One line per assessment of `tali rescore`: the final score before and
 * after on stdout, a skip on stdout, a failure (naming the assessment)
 * on stderr. */
static void main_rescore_print(const assessments_rescore_outcome_t *o, err_t e, void *ctx)
{
    (void)ctx;
    if (e == ERR_OK && o->rescored) {
        char before[32] = "null";
        if (o->has_before)
            snprintf(before, sizeof before, "%.2f", o->before);
        printf("assessment %lld: final_score %s -> %.2f\n", (long long)o->id, before, o->after);
    } else if (e == ERR_OK) {
        printf("assessment %lld: skipped (%s)\n", (long long)o->id, o->reason);
    } else {
        fprintf(stderr, "tali: assessment %lld: not re-scored: %s\n", (long long)o->id, o->reason);
    }
    fflush(stdout);
}

/* A positive decimal id, or false. */
static bool main_parse_id(const char *s, int64_t *id)
{
    char *end = NULL;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || v <= 0)
        return false;
    *id = (int64_t)v;
    return true;
}

/* `tali rescore ASSESSMENT_ID [...]` or `tali rescore --org ORG_ID`:
 * recomputes and stores the scores of completed assessments from what
 * they store (no sandbox, no model).  Exits 1 when any failed or an id is
 * not a completed assessment, 2 on bad usage or configuration. */
static int main_rescore(int argc, char **argv)
{
    bool by_org = argc == 3 && strcmp(argv[1], "--org") == 0;
    int first = by_org ? 2 : 1;
    int64_t id = 0;
    bool usage_ok = argc > 1;
    for (int i = first; usage_ok && i < argc; i++)
        usage_ok = main_parse_id(argv[i], &id);
    if (!usage_ok) {
        fprintf(stderr, "usage: tali rescore ASSESSMENT_ID [...] | tali rescore --org ORG_ID\n");
        return 2;
    }
    if (main_load_config() != 0)
        return 2;
    log_set_stream(stderr); /* stdout carries only the report lines */
    db_pool_t *pool = main_open_db();
    if (!pool)
        return 1;
    int rc = 1;
    if (db_migrate(pool) != ERR_OK) {
        fprintf(stderr, "tali: migration failed\n");
    } else {
        db_t *db = db_acquire(pool);
        if (!db) {
            fprintf(stderr, "tali: no database connection\n");
        } else if (by_org) {
            main_parse_id(argv[2], &id);
            int done = 0, failed = 0;
            err_t e = assessments_rescore_org_each(db, id, main_rescore_print, NULL, &done, &failed);
            if (e == ERR_NOT_FOUND)
                fprintf(stderr, "tali: organisation %lld not found\n", (long long)id);
            else if (e != ERR_OK)
                fprintf(stderr, "tali: organisation %lld: listing failed (%s)\n", (long long)id, err_name(e));
            else
                printf("organisation %lld: %d re-scored, %d failed\n", (long long)id, done, failed);
            rc = e == ERR_OK && failed == 0 ? 0 : 1;
            db_release(pool, db);
        } else {
            rc = 0;
            for (int i = 1; i < argc; i++) {
                main_parse_id(argv[i], &id);
                assessments_rescore_outcome_t o;
                err_t e = assessments_rescore_one(db, id, &o);
                main_rescore_print(&o, e, NULL);
                if (e != ERR_OK)
                    rc = 1;
            }
            db_release(pool, db);
        }
    }
    db_pool_close(pool);
    return rc;
}

static int main_score(int argc, char **argv)
{
    return scoring_cli_score(stdin, stdout);
}

static int main_version(int argc, char **argv)
{
    printf("tali %s\n", TALI_VERSION);
    return 0;
}

static const main_command_t main_commands[] = {
    {"serve", "run the HTTP API server (HOST, PORT, DATABASE_URL...)", main_serve},
    {"migrate", "apply database migrations and exit", main_migrate},
    {"worker", "run background jobs (e-mail, ...); --once drains the queue and exits", main_worker},
    {"outbox", "print the latest e-mails kept locally (no mail provider configured)", main_outbox},
    {"score", "score engine cases: JSON lines on stdin, results on stdout", main_score},
    {"rescore", "recompute stored scores: rescore ASSESSMENT_ID [...] | rescore --org ORG_ID", main_rescore},
    {"version", "print the version", main_version},
    {"help", "list the commands", main_help},
};

static int main_help(int argc, char **argv)
{
    printf("usage: tali COMMAND\n\ncommands:\n");
    for (size_t i = 0; i < sizeof main_commands / sizeof main_commands[0]; i++)
        printf("  %-10s %s\n", main_commands[i].name, main_commands[i].help);
    printf("\nConfiguration comes from the environment and a .env file; see docs/configuration.md.\n");
    return 0;
}

/* Two malloc arenas unless MALLOC_ARENA_MAX says otherwise: glibc's
 * default (8 per core) let a long soak on SQLite keep growing by
 * megabytes of freed-but-held memory, while two arenas serve every thread
 * without measurable contention on the request path. */
static void main_cap_malloc_arenas(void)
{
    if (!getenv("MALLOC_ARENA_MAX"))
        mallopt(M_ARENA_MAX, 2);
}

int main(int argc, char **argv)
{
    main_cap_malloc_arenas();
    json_use_abort_alloc();
    httpc_global_init();
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)
        return main_help(argc, argv), argc < 2 ? 2 : 0;
    if (strcmp(argv[1], "--version") == 0)
        return main_version(argc, argv);
    for (size_t i = 0; i < sizeof main_commands / sizeof main_commands[0]; i++)
        if (strcmp(argv[1], main_commands[i].name) == 0)
            return main_commands[i].run(argc - 1, argv + 1);
    fprintf(stderr, "tali: unknown command '%s' (try tali --help)\n", argv[1]);
    return 2;
}
