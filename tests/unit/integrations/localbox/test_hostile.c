/* The hostile-program battery of the localbox provider: each program below
 * tries to escape or exhaust the sandbox, and each test asserts that it
 * was contained and reported (an error or truncated output), that the
 * call came back within its wall-clock bound, and that nothing of it is
 * left running.  Plus the positive paths (hello, errors, pytest counts,
 * persisted files) and a round-trip measurement.
 *
 * Limits are tightened (CPU 1 s, 192 MiB address space, a wall clock of
 * at least 4 s) so the whole battery stays under a minute on two shared
 * cores; programs run one at a time.  Every bound on elapsed time is
 * scaled by a load factor measured at setup (how much longer than its CPU
 * time a fixed busy loop takes on this machine now), so a busy machine
 * stretches the margins instead of failing the battery.  When
 * the machine cannot build the sandbox (no user namespaces), the battery
 * is skipped (exit 77) and says why, unless LOCALBOX_REQUIRE=1. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "components/integrations/localbox/localbox.h"
#include "platform/mem.h"

#define CPU 1
#define MEMORY (192u << 20)
/* The assessment id, and so the sandbox's host uid when run as root: one
 * per process, so two batteries running at once on a machine (two
 * checkouts) never share a uid and its process limit. */
#define AID (4000 + (int)(getpid() % 100000))

typedef struct {
    sandbox_provider_t *p;
    char root[256];
    char id[64];
    char secret_path[512]; /* a file outside the sandbox, like the server's database */
    char secret[64];
    uid_t host_uid; /* the sandbox's uid on the host when we are root */
    double load;    /* wall time / CPU time of a busy loop at setup (>= 1) */
    int wall;       /* the sandbox's wall clock, seconds */
} fixture_t;

static fixture_t fx;

#define WALL (fx.wall)
/* seconds of elapsed time allowed for what takes s seconds on an idle machine */
#define SLACK(s) ((s)*fx.load)

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Runs code; asserts the call itself worked and came back in time. */
static void run(const char *code, sandbox_result_t *r)
{
    double t0 = now_s();
    err_t rc = fx.p->execute(fx.p->self, fx.id, code, r);
    double dt = now_s() - t0;
    if (rc != ERR_OK)
        fail_msg("execute failed: %s", r->error ? r->error : "?");
    assert_true(dt < WALL + SLACK(3));
    assert_non_null(r->stdout_text);
    assert_non_null(r->stderr_text);
    assert_non_null(r->results);
}

/* Processes on the host whose command line contains marker, or (as root)
 * that run under the sandbox's host uid. */
static int leftovers(const char *marker)
{
    DIR *d = opendir("/proc");
    assert_non_null(d);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] < '0' || e->d_name[0] > '9')
            continue;
        char path[300], buf[4096];
        snprintf(path, sizeof path, "/proc/%s/cmdline", e->d_name);
        int fd = open(path, O_RDONLY);
        if (fd < 0)
            continue;
        ssize_t len = read(fd, buf, sizeof buf - 1);
        close(fd);
        for (ssize_t i = 0; i < len; i++)
            if (!buf[i])
                buf[i] = ' ';
        buf[len > 0 ? len : 0] = '\0';
        if (marker && strstr(buf, marker))
            n++;
        if (geteuid() == 0) {
            struct stat st;
            snprintf(path, sizeof path, "/proc/%s", e->d_name);
            if (stat(path, &st) == 0 && st.st_uid == fx.host_uid)
                n++;
        }
    }
    closedir(d);
    return n;
}

static double cpu_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* How much longer than its CPU time 100 ms of busy work takes here now:
 * 1 on an idle core, about 3 with three busy processes per core.  The
 * worst of three tries, at least 1, at most 10. */
static double measure_load(void)
{
    double worst = 1.0;
    for (int k = 0; k < 3; k++) {
        volatile unsigned long x = 0;
        double w0 = now_s(), c0 = cpu_s();
        while (cpu_s() - c0 < 0.1)
            for (int i = 0; i < 10000; i++)
                x += (unsigned long)i;
        double f = (now_s() - w0) / (cpu_s() - c0);
        if (f > worst)
            worst = f;
    }
    return worst > 10.0 ? 10.0 : worst;
}

static int group_setup(void **state)
{
    fx.load = measure_load();
    /* the CPU limit must fire well before the wall clock even when the
     * machine is busy: 4 s of wall clock for each second of CPU, scaled
     * by the load */
    fx.wall = (int)(4.0 * fx.load + 0.5);
    if (fx.wall < 4)
        fx.wall = 4;
    fprintf(stderr, "load factor %.2f: sandbox wall clock %d s\n", fx.load, fx.wall);
    snprintf(fx.root, sizeof fx.root, "/tmp/localbox-test-XXXXXX");
    if (!mkdtemp(fx.root))
        return -1;
    config_t c;
    memset(&c, 0, sizeof c);
    char sbroot[300];
    snprintf(sbroot, sizeof sbroot, "%s/sandboxes", fx.root);
    c.sandbox_root = sbroot;
    localbox_limits_t lim;
    localbox_limits_default(&lim);
    lim.wall_seconds = WALL;
    lim.cpu_seconds = CPU;
    lim.memory_bytes = MEMORY;
    lim.uid_base = 1600500000u;
    fx.host_uid = lim.uid_base + AID % lim.uid_span;
    fx.p = localbox_provider_new_with(&c, &lim);

    char why[512] = "";
    if (fx.p->available(fx.p->self, why, sizeof why) != ERR_OK) {
        fprintf(stderr, "localbox unavailable here: %s\n", why);
        fx.p->free(fx.p->self);
        rmdir(fx.root);
        const char *req = getenv("LOCALBOX_REQUIRE");
        exit(req && !strcmp(req, "1") ? 1 : 77);
    }
    char *id = NULL, err[256];
    if (fx.p->ensure(fx.p->self, AID, NULL, &id, err, sizeof err) != ERR_OK)
        return -1;
    snprintf(fx.id, sizeof fx.id, "%s", id);
    free(id);

    /* the "server's database": a secret file outside the sandbox, in the
     * test's own working directory area */
    snprintf(fx.secret, sizeof fx.secret, "db-secret-%d-%ld", (int)getpid(), (long)time(NULL));
    snprintf(fx.secret_path, sizeof fx.secret_path, "%s/tali.db", fx.root);
    FILE *f = fopen(fx.secret_path, "w");
    if (!f)
        return -1;
    fprintf(f, "%s\n", fx.secret);
    fclose(f);
    setenv("TALI_TEST_SECRET_ENV", fx.secret, 1);
    return 0;
}

static int group_teardown(void **state)
{
    fx.p->destroy(fx.p->self, fx.id);
    char path[600];
    snprintf(path, sizeof path, "%s/sandboxes", fx.root);
    rmdir(path);
    unlink(fx.secret_path);
    rmdir(fx.root);
    fx.p->free(fx.p->self);
    return 0;
}

/* ---- positive paths ---- */

static void test_hello(void **state)
{
    sandbox_result_t r;
    run("print(\"hello\")\n", &r);
    assert_string_equal(r.stdout_text, "hello\n");
    assert_string_equal(r.stderr_text, "");
    assert_null(r.error);
    assert_true(r.success);
    assert_int_equal(json_array_size(r.results), 0);
    assert_false(r.has_counts);
    sandbox_result_free(&r);
}

static void test_error_shapes(void **state)
{
    sandbox_result_t r;
    run("print('before')\nx = 1/0\n", &r);
    assert_string_equal(r.stdout_text, "before\n");
    assert_non_null(strstr(r.stderr_text, "Traceback (most recent call last):"));
    assert_string_equal(r.error, "ZeroDivisionError: division by zero");
    assert_false(r.success);
    sandbox_result_free(&r);

    run("class Oops(Exception):\n    pass\nraise Oops('bad thing')\n", &r);
    assert_string_equal(r.error, "Oops: bad thing");
    sandbox_result_free(&r);

    run("def f(:\n", &r);
    assert_non_null(r.error);
    assert_true(strncmp(r.error, "SyntaxError: ", 13) == 0);
    sandbox_result_free(&r);

    run("import sys\nsys.stderr.write('Warning: x\\n')\nsys.exit(3)\n", &r);
    assert_string_equal(r.error, "SystemExit: 3");
    sandbox_result_free(&r);

    run("import sys\nsys.exit(0)\n", &r);
    assert_null(r.error);
    assert_true(r.success);
    sandbox_result_free(&r);
}

static void test_persisted_files_and_pytest(void **state)
{
    char err[256];
    const char *sol = "def add(a, b):\n    return a + b\n";
    assert_int_equal(fx.p->write_file(fx.p->self, fx.id, "/tmp/solution.py", sol, strlen(sol), err, sizeof err),
                     ERR_OK);
    sandbox_result_t r;
    run("from solution import add\nprint(add(2, 3))\n", &r);
    assert_string_equal(r.stdout_text, "5\n");
    sandbox_result_free(&r);

    const char *tests = "from solution import add\n"
                        "def test_one():\n    assert add(1, 1) == 2\n"
                        "def test_two():\n    assert add(2, 2) == 4\n"
                        "def test_bad():\n    assert add(2, 2) == 5\n";
    assert_int_equal((fx.p->run_tests)(fx.p->self, fx.id, tests, &r), ERR_OK);
    assert_true(r.has_counts);
    assert_int_equal(r.passed, 2);
    assert_int_equal(r.failed, 1);
    assert_int_equal(r.total, 3);
    assert_false(r.success);
    assert_null(r.error);
    assert_non_null(strstr(r.stdout_text, "test_bad FAILED"));
    json_t *j = sandbox_result_json(&r);
    assert_non_null(json_object_get(j, "passed"));
    assert_null(json_object_get(j, "results"));
    json_decref(j);
    sandbox_result_free(&r);

    const char *good = "from solution import add\ndef test_one():\n    assert add(1, 1) == 2\n";
    assert_int_equal((fx.p->run_tests)(fx.p->self, fx.id, good, &r), ERR_OK);
    assert_int_equal(r.passed, 1);
    assert_int_equal(r.failed, 0);
    assert_true(r.success);
    sandbox_result_free(&r);

    /* paths other than /tmp/<name> are refused */
    assert_int_equal(fx.p->write_file(fx.p->self, fx.id, "/etc/passwd", "x", 1, err, sizeof err), ERR_BAD_REQUEST);
    assert_int_equal(fx.p->write_file(fx.p->self, fx.id, "/tmp/../x", "x", 1, err, sizeof err), ERR_BAD_REQUEST);
    assert_int_equal(fx.p->write_file(fx.p->self, "local-999999", "/tmp/a.py", "x", 1, err, sizeof err), ERR_NOT_FOUND);
}

/* ---- hostile programs ---- */

static void test_fork_bomb(void **state)
{
    sandbox_result_t r;
    /* bounded: stops at the process limit, reports it, exits */
    run("import os, time\n"
        "n = 0\n"
        "try:\n"
        "    for i in range(1000):\n"
        "        if os.fork() == 0:\n"
        "            time.sleep(60)\n"
        "            os._exit(0)\n"
        "        n += 1\n"
        "except OSError as e:\n"
        "    print('stopped', n, e.errno)\n",
        &r);
    int n = -1, eno = -1;
    assert_int_equal(sscanf(r.stdout_text, "stopped %d %d", &n, &eno), 2);
    assert_true(n > 0 && n < 64);
    assert_int_equal(eno, EAGAIN);
    sandbox_result_free(&r);
    assert_int_equal(leftovers(NULL), 0);

    /* the classic: every process forks forever; killed at the wall clock */
    run("import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass\n", &r);
    assert_non_null(r.error);
    assert_non_null(strstr(r.error, "timed out"));
    assert_false(r.success);
    sandbox_result_free(&r);
    assert_int_equal(leftovers(NULL), 0);
}

static void test_memory_bomb(void **state)
{
    sandbox_result_t r;
    run("x = bytearray(2 * 1024 * 1024 * 1024)\n", &r);
    assert_non_null(r.error);
    assert_true(strncmp(r.error, "MemoryError", 11) == 0);
    sandbox_result_free(&r);
    run("a = []\nwhile True:\n    a.append(b'x' * 10_000_000)\n", &r);
    assert_non_null(r.error);
    if (strncmp(r.error, "MemoryError", 11) != 0)
        fail_msg("expected MemoryError, got: %s", r.error);
    sandbox_result_free(&r);
    /* the tmpfs is capped too: filling /tmp fails with ENOSPC or EFBIG */
    run("import errno\n"
        "try:\n"
        "    for i in range(100):\n"
        "        open(f'/tmp/f{i}', 'wb').write(b'x' * 8_000_000)\n"
        "    print('filled')\n"
        "except OSError as e:\n"
        "    print('full', e.errno)\n",
        &r);
    assert_true(strcmp(r.stdout_text, "full 28\n") == 0 || strcmp(r.stdout_text, "full 27\n") == 0);
    sandbox_result_free(&r);
}

static void test_infinite_loop(void **state)
{
    sandbox_result_t r;
    double t0 = now_s();
    run("while True:\n    pass\n", &r);
    assert_non_null(r.error);
    /* the CPU limit (1 s, hard 2 s) fires before the wall clock */
    assert_string_equal(r.error, "CPU time limit exceeded (1 s)");
    assert_true(now_s() - t0 < WALL + SLACK(1));
    sandbox_result_free(&r);
}

static void test_huge_output(void **state)
{
    sandbox_result_t r;
    double t0 = now_s();
    run("import sys\nchunk = 'x' * 65536\nfor i in range(16384):\n    sys.stdout.write(chunk)\n", &r);
    assert_true(now_s() - t0 < SLACK(3));
    assert_non_null(r.error);
    assert_non_null(strstr(r.error, "Output limit exceeded"));
    assert_true(strlen(r.stdout_text) <= (1u << 20) + 100);
    assert_non_null(strstr(r.stdout_text, "[output truncated: more than 1048576 bytes]"));
    sandbox_result_free(&r);
    run("import sys\nwhile True:\n    sys.stderr.write('e' * 4096)\n", &r);
    assert_non_null(strstr(r.error, "on stderr"));
    assert_true(strlen(r.stderr_text) <= (1u << 20) + 100);
    sandbox_result_free(&r);
}

static void test_write_outside(void **state)
{
    sandbox_result_t r;
    run("import errno\n"
        "for p in ['/usr/evil', '/etc/evil', '/evil', '/bin/evil', '/dev/evil', '/proc/evil', '/usr/lib/python3/x']:\n"
        "    try:\n"
        "        open(p, 'w').write('x')\n"
        "        print(p, 'WRITTEN')\n"
        "    except OSError as e:\n"
        "        print(p, errno.errorcode[e.errno])\n",
        &r);
    assert_null(strstr(r.stdout_text, "WRITTEN"));
    assert_non_null(strstr(r.stdout_text, "/usr/evil EROFS"));
    assert_non_null(strstr(r.stdout_text, "/evil EROFS"));
    sandbox_result_free(&r);
    assert_int_equal(access("/usr/evil", F_OK), -1);
}

/* Decoys the test plants on the host where a server's secrets live: a
 * database and a .env beside it (fx.root), a .env in the test's working
 * directory, and one in /var/tmp.  Containment is checked on these known
 * paths (and their directories' listings), never by walking the host's
 * tree, so the result does not depend on what the host holds or how busy
 * it is. */
#define DECOYS 4
static char decoy[DECOYS][700];

static void plant_decoys(void)
{
    char cwd[512];
    assert_non_null(getcwd(cwd, sizeof cwd));
    snprintf(decoy[0], sizeof decoy[0], "%s", fx.secret_path);
    snprintf(decoy[1], sizeof decoy[1], "%s/.env", fx.root);
    snprintf(decoy[2], sizeof decoy[2], "%s/tali-decoy-%d.env", cwd, (int)getpid());
    snprintf(decoy[3], sizeof decoy[3], "/var/tmp/tali-decoy-%d.db", (int)getpid());
    for (int i = 1; i < DECOYS; i++) {
        FILE *f = fopen(decoy[i], "w");
        assert_non_null(f);
        fprintf(f, "SECRET_KEY=%s\n", fx.secret);
        fclose(f);
    }
}

static void remove_decoys(void)
{
    for (int i = 1; i < DECOYS; i++)
        unlink(decoy[i]);
}

static void test_no_host_secrets(void **state)
{
    plant_decoys();
    sandbox_result_t r;
    char code[8192];
    int n = snprintf(code, sizeof code,
                     "import os\n"
                     "print('shadow', os.path.exists('/etc/shadow'))\n"
                     "try:\n    open('/etc/shadow').read()\n    print('SHADOW READ')\nexcept OSError as e:\n"
                     "    print('shadow err')\n"
                     "print('etc', sorted(os.listdir('/etc')))\n"
                     "print('root', sorted(os.listdir('/')))\n"
                     "decoys = [");
    for (int i = 0; i < DECOYS; i++)
        n += snprintf(code + n, sizeof code - (size_t)n, "'%s', ", decoy[i]);
    snprintf(code + n, sizeof code - (size_t)n,
             "]\n"
             "seen = []\n"
             "for p in decoys:\n"
             "    if os.path.lexists(p):\n"
             "        seen.append(p)\n"
             "    try:\n        print('READ', open(p).read())\n    except OSError:\n        pass\n"
             "    d = os.path.dirname(p)\n"
             "    try:\n"
             "        if os.path.basename(p) in os.listdir(d):\n"
             "            seen.append(d)\n"
             "    except OSError:\n        pass\n"
             "print('seen', seen)\n");
    run(code, &r);
    remove_decoys();
    assert_non_null(strstr(r.stdout_text, "shadow False\n"));
    assert_non_null(strstr(r.stdout_text, "shadow err\n"));
    assert_non_null(strstr(r.stdout_text, "seen []\n"));
    assert_null(strstr(r.stdout_text, "READ"));
    assert_null(strstr(r.stdout_text, fx.secret));
    assert_non_null(strstr(r.stdout_text, "etc ['group', 'ld.so.cache'"));
    sandbox_result_free(&r);
}

static void test_no_network(void **state)
{
    /* a listener on the host's loopback that the sandbox must not reach */
    int ls = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    assert_true(ls >= 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    assert_int_equal(bind(ls, (struct sockaddr *)&a, sizeof a), 0);
    assert_int_equal(listen(ls, 4), 0);
    socklen_t al = sizeof a;
    getsockname(ls, (struct sockaddr *)&a, &al);
    char code[1024];
    snprintf(code, sizeof code,
             "import socket, errno\n"
             "for fam, addr in [(socket.AF_INET, ('127.0.0.1', %d)), (socket.AF_INET6, ('::1', %d)),"
             " (socket.AF_INET, ('1.1.1.1', 80))]:\n"
             "    try:\n"
             "        s = socket.socket(fam, socket.SOCK_STREAM)\n"
             "        s.settimeout(1)\n"
             "        s.connect(addr)\n"
             "        print('CONNECTED')\n"
             "    except OSError as e:\n"
             "        print('refused', errno.errorcode.get(e.errno, e.errno))\n"
             "a, b = socket.socketpair()\n"
             "a.send(b'unix ok')\n"
             "print(b.recv(10).decode())\n",
             ntohs(a.sin_port), ntohs(a.sin_port));
    sandbox_result_t r;
    run(code, &r);
    assert_null(strstr(r.stdout_text, "CONNECTED"));
    assert_non_null(strstr(r.stdout_text, "refused EAFNOSUPPORT"));
    assert_non_null(strstr(r.stdout_text, "unix ok"));
    int c = accept(ls, NULL, NULL);
    assert_int_equal(c, -1);
    assert_true(errno == EAGAIN || errno == EWOULDBLOCK);
    close(ls);
    sandbox_result_free(&r);
}

static void test_symlink_escape(void **state)
{
    /* a symlink planted in the host work dir (pointing at the "database")
     * is never followed into the sandbox */
    char link[700], dir[600], err[256];
    snprintf(dir, sizeof dir, "%s/sandboxes/%d", fx.root, AID);
    snprintf(link, sizeof link, "%s/leak.txt", dir);
    assert_int_equal(symlink(fx.secret_path, link), 0);
    sandbox_result_t r;
    char code[1024];
    snprintf(
        code, sizeof code,
        "import os\n"
        "print('leak', os.path.lexists('/tmp/leak.txt'))\n"
        "os.symlink(%s%s%s, '/tmp/inner')\n"
        "try:\n    print('INNER', open('/tmp/inner').read())\nexcept OSError as e:\n    print('inner err', e.errno)\n"
        "os.symlink('/proc/1/root/etc/hostname', '/tmp/p1')\n"
        "try:\n    print('P1', open('/tmp/p1').read())\nexcept OSError as e:\n    print('p1 err', e.errno)\n",
        "'", fx.secret_path, "'");
    run(code, &r);
    assert_non_null(strstr(r.stdout_text, "leak False\n"));
    assert_non_null(strstr(r.stdout_text, "inner err 2\n"));
    assert_null(strstr(r.stdout_text, fx.secret));
    sandbox_result_free(&r);
    /* writing over the link replaces it and leaves its target alone */
    assert_int_equal(fx.p->write_file(fx.p->self, fx.id, "/tmp/leak.txt", "new", 3, err, sizeof err), ERR_OK);
    FILE *f = fopen(fx.secret_path, "r");
    char buf[128] = "";
    assert_non_null(fgets(buf, sizeof buf, f));
    fclose(f);
    assert_non_null(strstr(buf, fx.secret));
    struct stat st;
    assert_int_equal(lstat(link, &st), 0);
    assert_true(S_ISREG(st.st_mode));
    unlink(link);
}

static void test_environment(void **state)
{
    sandbox_result_t r;
    run("import os\nfor k in sorted(os.environ):\n    print(k + '=' + os.environ[k])\n", &r);
    assert_string_equal(r.stdout_text, "HOME=/tmp\nLANG=C.UTF-8\nPATH=/usr/bin:/bin\nPYTHONDONTWRITEBYTECODE=1\n");
    assert_null(strstr(r.stdout_text, fx.secret));
    sandbox_result_free(&r);
    run("import os\nprint(os.getuid(), os.getgid(), os.getcwd(), os.getpid())\n", &r);
    assert_string_equal(r.stdout_text, "65534 65534 /tmp 1\n");
    sandbox_result_free(&r);
}

static void test_sleep_past_limit(void **state)
{
    sandbox_result_t r;
    double t0 = now_s();
    run("import time\nprint('start', flush=True)\ntime.sleep(100)\nprint('END')\n", &r);
    double dt = now_s() - t0;
    assert_true(dt >= WALL - 0.5 && dt < WALL + SLACK(2));
    assert_string_equal(r.stdout_text, "start\n");
    char want[64];
    snprintf(want, sizeof want, "Execution timed out after %d s", WALL);
    assert_string_equal(r.error, want);
    assert_false(r.success);
    sandbox_result_free(&r);
}

static void test_background_process(void **state)
{
    char marker[64], code[1024];
    snprintf(marker, sizeof marker, "lbx-orphan-%d", (int)getpid());
    snprintf(code, sizeof code,
             "import os\n"
             "if os.fork() == 0:\n"
             "    os.setsid()\n"
             "    if os.fork() == 0:\n"
             "        os.execv('/usr/bin/sleep', ['%s', '300'])\n"
             "    os._exit(0)\n"
             "import time\ntime.sleep(0.3)\n"
             "print('parent done')\n",
             marker);
    sandbox_result_t r;
    run(code, &r);
    assert_string_equal(r.stdout_text, "parent done\n");
    assert_null(r.error);
    sandbox_result_free(&r);
    assert_int_equal(leftovers(marker), 0);
}

static void test_seccomp_denials(void **state)
{
    sandbox_result_t r;
    run("import ctypes, errno, os\n"
        "libc = ctypes.CDLL(None, use_errno=True)\n"
        "def call(name, nr, *args):\n"
        "    ctypes.set_errno(0)\n"
        "    rc = libc.syscall(ctypes.c_long(nr), *[ctypes.c_long(a) for a in args])\n"
        "    e = ctypes.get_errno()\n"
        "    print(name, 'OK' if rc >= 0 else errno.errorcode.get(e, e))\n"
        "    if rc == 0 and name.startswith('clone'):\n"
        "        os._exit(0)\n"
        "call('ptrace', 101, 0, 0, 0, 0)\n" /* PTRACE_TRACEME */
        "call('unshare_user', 272, 0x10000000)\n"
        "call('unshare_net', 272, 0x40000000)\n"
        "call('setns', 308, 0, 0)\n"
        "call('mount', 165, 0, 0, 0, 0, 0)\n"
        "call('umount2', 166, 0, 0)\n"
        "call('clone_newuser', 56, 0x10000000 | 17, 0, 0, 0, 0)\n"
        "call('clone_newpid', 56, 0x20000000 | 17, 0, 0, 0, 0)\n"
        "call('bpf', 321, 0, 0, 0)\n"
        "call('keyctl', 250, 0, 0, 0, 0, 0)\n"
        "call('add_key', 248, 0, 0, 0, 0, 0)\n"
        "call('request_key', 249, 0, 0, 0, 0)\n"
        "call('userfaultfd', 323, 0)\n"
        "call('io_uring_setup', 425, 1, 0)\n"
        "call('perf_event_open', 298, 0, 0, -1, -1, 0)\n"
        "call('tiocsti', 16, 0, 0x5412, 0)\n"
        "call('clone3', 435, 0, 0)\n",
        &r);
    const char *expect[] = {"ptrace EPERM",      "unshare_user EPERM",   "unshare_net EPERM",     "setns EPERM",
                            "mount EPERM",       "umount2 EPERM",        "clone_newuser EPERM",   "clone_newpid EPERM",
                            "bpf EPERM",         "keyctl EPERM",         "add_key EPERM",         "request_key EPERM",
                            "userfaultfd EPERM", "io_uring_setup EPERM", "perf_event_open EPERM", "tiocsti EPERM",
                            "clone3 ENOSYS"};
    for (size_t i = 0; i < sizeof expect / sizeof *expect; i++)
        if (!strstr(r.stdout_text, expect[i]))
            fail_msg("missing '%s' in:\n%s\n%s", expect[i], r.stdout_text, r.stderr_text);
    sandbox_result_free(&r);
    /* threads (clone without namespace flags) still work */
    run("import threading\nt = threading.Thread(target=lambda: print('thread ok'))\nt.start()\nt.join()\n", &r);
    assert_string_equal(r.stdout_text, "thread ok\n");
    sandbox_result_free(&r);
}

/* A provider whose bwrap is missing or cannot build namespaces says why. */
static void test_unavailable(void **state)
{
    config_t c;
    memset(&c, 0, sizeof c);
    c.sandbox_root = fx.root;
    localbox_limits_t lim;
    localbox_limits_default(&lim);
    char why[512] = "";

    lim.bwrap_path = "/nonexistent/bwrap";
    sandbox_provider_t *p = localbox_provider_new_with(&c, &lim);
    assert_int_equal(p->available(p->self, why, sizeof why), ERR_UNAVAILABLE);
    assert_non_null(strstr(why, "bubblewrap, not found at /nonexistent/bwrap"));
    p->free(p->self);

    /* a bwrap that fails the way it does without user namespaces */
    char dir[] = "/tmp/localbox-fakebwrap-XXXXXX";
    assert_non_null(mkdtemp(dir));
    chmod(dir, 0755);
    char script[128];
    snprintf(script, sizeof script, "%s/bwrap", dir);
    FILE *f = fopen(script, "w");
    assert_non_null(f);
    fputs("#!/bin/sh\necho 'bwrap: No permissions to create new namespace, likely because the kernel does not "
          "allow non-privileged user namespaces.' >&2\nexit 1\n",
          f);
    fclose(f);
    chmod(script, 0755);
    lim.bwrap_path = script;
    p = localbox_provider_new_with(&c, &lim);
    assert_int_equal(p->available(p->self, why, sizeof why), ERR_UNAVAILABLE);
    assert_non_null(strstr(why, "cannot create its namespaces"));
    assert_non_null(strstr(why, "No permissions to create new namespace"));
    /* cached: the same answer without another trial run */
    unlink(script);
    why[0] = '\0';
    assert_int_equal(p->available(p->self, why, sizeof why), ERR_UNAVAILABLE);
    assert_non_null(strstr(why, "No permissions"));
    p->free(p->self);
    rmdir(dir);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void test_round_trip(void **state)
{
    double t[20];
    for (int i = 0; i < 20; i++) {
        sandbox_result_t r;
        double t0 = now_s();
        run("print('hello')\n", &r);
        t[i] = now_s() - t0;
        assert_string_equal(r.stdout_text, "hello\n");
        sandbox_result_free(&r);
    }
    qsort(t, 20, sizeof *t, cmp_double);
    printf("localbox execute round trip (hello world, 20 runs): median %.1f ms, min %.1f ms, max %.1f ms\n",
           (t[9] + t[10]) / 2 * 1000, t[0] * 1000, t[19] * 1000);
    assert_true(t[10] < SLACK(2.0));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hello),
        cmocka_unit_test(test_error_shapes),
        cmocka_unit_test(test_persisted_files_and_pytest),
        cmocka_unit_test(test_fork_bomb),
        cmocka_unit_test(test_memory_bomb),
        cmocka_unit_test(test_infinite_loop),
        cmocka_unit_test(test_huge_output),
        cmocka_unit_test(test_write_outside),
        cmocka_unit_test(test_no_host_secrets),
        cmocka_unit_test(test_no_network),
        cmocka_unit_test(test_symlink_escape),
        cmocka_unit_test(test_environment),
        cmocka_unit_test(test_sleep_past_limit),
        cmocka_unit_test(test_background_process),
        cmocka_unit_test(test_seccomp_denials),
        cmocka_unit_test(test_unavailable),
        cmocka_unit_test(test_round_trip),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
