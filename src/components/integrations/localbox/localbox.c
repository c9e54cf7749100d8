/* localbox: the provider functions of sandbox.h on top of run.c.  Shapes
 * every run like the original's E2B wrapper (platform-integrations §3.1):
 * stdout and stderr as text, results [] (no rich results locally), error
 * "Name: value" from the traceback's last line when the program fails,
 * success = no error; tests print pytest's stdout then its stderr. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>
#include <dirent.h>

#include "components/integrations/localbox/internal.h"
#include "platform/log.h"

#define MIB ((size_t)1 << 20)

void localbox_limits_default(localbox_limits_t *out)
{
    memset(out, 0, sizeof *out);
    out->wall_seconds = 15;
    out->cpu_seconds = 10;
    out->memory_bytes = 512 * MIB;
    out->max_processes = 64;
    out->file_bytes = 16 * MIB;
    out->max_open_files = 256;
    out->output_bytes = 1 * MIB;
    out->tmp_bytes = 64 * MIB;
    out->shm_bytes = 16 * MIB;
    out->uid_base = 1600000000u;
    out->uid_span = 1000000u;
}

/* ---- ids and work directories ---- */

/* "local-<assessment id>" → the id; false for anything else. */
static bool parse_id(const char *id, int64_t *out)
{
    if (!id || strncmp(id, "local-", 6) != 0)
        return false;
    const char *p = id + 6;
    if (*p < '0' || *p > '9' || strlen(p) > 18)
        return false;
    int64_t v = 0;
    for (; *p; p++) {
        if (*p < '0' || *p > '9')
            return false;
        v = v * 10 + (*p - '0');
    }
    *out = v;
    return true;
}

static void work_path(const localbox_t *lb, int64_t aid, char *buf, size_t len)
{
    snprintf(buf, len, "%s/%" PRId64, lb->root, aid);
}

/* The work dir of a sandbox id, opened; -1 with errno when it is not there
 * (ENOENT) or the id is not ours (EINVAL). */
static int open_work(const localbox_t *lb, const char *id, int64_t *aid)
{
    if (!parse_id(id, aid)) {
        errno = EINVAL;
        return -1;
    }
    char path[PATH_MAX];
    work_path(lb, *aid, path, sizeof path);
    return open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
}

/* mkdir -p with mode 0700 for the directories it creates. */
static int mkdirs(const char *path)
{
    char buf[PATH_MAX];
    if (snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf) {
        errno = ENAMETOOLONG;
        return -1;
    }
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(buf, 0700) < 0 && errno != EEXIST)
            return -1;
        *p = '/';
    }
    if (mkdir(buf, 0700) < 0 && errno != EEXIST)
        return -1;
    return 0;
}

/* ---- shaping ---- */

static bool is_name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.';
}

/* If the line [s, e) reads "Name" or "Name: value" (Name a possibly
 * dotted identifier at column 0), the error text with the module prefix
 * dropped, as the kernel's ename would be; else NULL.  The value runs to
 * `end` (multi-line messages keep their lines). */
static char *exception_line(const char *s, const char *e, const char *end)
{
    if (s >= e || !((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || *s == '_'))
        return NULL;
    const char *p = s;
    while (p < e && is_name_char(*p))
        p++;
    if (p != e && !(p + 1 < e && p[0] == ':' && p[1] == ' ') && !(p + 1 == e && p[0] == ':'))
        return NULL;
    const char *name = s;
    for (const char *q = s; q < p; q++)
        if (*q == '.')
            name = q + 1;
    if (name == p)
        return NULL;
    const char *v = p < e ? p + 1 + (p + 1 < e) : p;
    while (end > v && (end[-1] == '\n' || end[-1] == '\r' || end[-1] == ' '))
        end--;
    return xasprintf("%.*s: %.*s", (int)(p - name), name, (int)(end > v ? end - v : 0), v);
}

/* "Name: value" of the exception that ended a python program, read from
 * its stderr; NULL when there is none. */
static char *python_error(const char *err)
{
    const char *hdr = "Traceback (most recent call last):\n";
    const char *last = NULL;
    for (const char *p = err; (p = strstr(p, hdr)); p++)
        if (p == err || p[-1] == '\n')
            last = p;
    const char *end = err + strlen(err);
    if (last) {
        const char *line = last + strlen(hdr);
        while (line < end) {
            const char *nl = memchr(line, '\n', (size_t)(end - line));
            const char *e = nl ? nl : end;
            if (e > line && line[0] != ' ' && line[0] != '\t')
                return exception_line(line, e, end);
            line = nl ? nl + 1 : end;
        }
        return NULL;
    }
    /* no traceback (a SyntaxError at compile time, reported as
     * `  File "...", line N` then the source and the error): the last line
     * that reads like an exception, when such a location came first */
    if (strncmp(err, "  File \"", 8) != 0 && !strstr(err, "\n  File \""))
        return NULL;
    const char *e = end;
    while (e > err) {
        while (e > err && e[-1] == '\n')
            e--;
        const char *s = e;
        while (s > err && s[-1] != '\n')
            s--;
        char *x = exception_line(s, e, e);
        if (x)
            return x;
        e = s;
    }
    return NULL;
}

static char *signal_error(const localbox_t *lb, int sig)
{
    if (sig == SIGXCPU)
        return xasprintf("CPU time limit exceeded (%d s)", lb->lim.cpu_seconds);
    if (sig == SIGXFSZ)
        return xasprintf("File size limit exceeded (%zu bytes)", lb->lim.file_bytes);
    const char *abbrev = sigabbrev_np(sig);
    return abbrev ? xasprintf("Process killed by signal SIG%s", abbrev) : xasprintf("Process killed by signal %d", sig);
}

/* The error of a finished run, or NULL for a clean one.  For pytest
 * (tests = true) a non-zero exit is the test outcome, not an error. */
static char *outcome_error(const localbox_t *lb, const localbox_outcome_t *o, bool tests)
{
    if (o->timed_out)
        return xasprintf("Execution timed out after %d s", lb->lim.wall_seconds);
    if (o->out_cut || o->err_cut)
        return xasprintf("Output limit exceeded: more than %zu bytes on %s; the program was stopped",
                         lb->lim.output_bytes, o->out_cut ? "stdout" : "stderr");
    if (!o->exited)
        return signal_error(lb, o->signo);
    /* pid 1 of a namespace does not take SIGXCPU, so a CPU-bound program
     * meets the hard limit's SIGKILL instead; the CPU time tells */
    int sig = o->exit_code > 128 && o->exit_code < 128 + 65 ? o->exit_code - 128 : 0;
    if ((sig == SIGKILL || sig == SIGXCPU) && o->cpu_ms >= (int64_t)lb->lim.cpu_seconds * 1000 - 50)
        return signal_error(lb, SIGXCPU);
    if (o->exit_code == 0)
        return NULL;
    if (tests)
        return o->exit_code > 128 && o->exit_code < 128 + 65 ? signal_error(lb, o->exit_code - 128) : NULL;
    char *py = python_error(o->err.data ? o->err.data : "");
    if (py)
        return py;
    if (o->exit_code > 128 && o->exit_code < 128 + 65)
        return signal_error(lb, o->exit_code - 128);
    return xasprintf("SystemExit: %d", o->exit_code);
}

static void result_init(sandbox_result_t *r)
{
    memset(r, 0, sizeof *r);
    r->stdout_text = xstrdup("");
    r->stderr_text = xstrdup("");
    r->results = json_array();
}

/* Runs argv in the sandbox `id`.  extra_* is a file for /tmp that lives
 * for this run only. */
static err_t run_in(localbox_t *lb, const char *id, const char *const *argv, const char *extra_name, const char *extra,
                    size_t extra_len, localbox_outcome_t *o, char *err, size_t errlen)
{
    int64_t aid = 0;
    int dirfd = open_work(lb, id, &aid);
    if (dirfd < 0) {
        snprintf(err, errlen, "sandbox %s does not exist", id ? id : "(null)");
        memset(o, 0, sizeof *o);
        return ERR_NOT_FOUND;
    }
    localbox_job_t job = {
        .argv = argv,
        .assessment_id = aid,
        .dirfd = dirfd,
        .extra_name = extra_name,
        .extra_data = extra,
        .extra_len = extra_len,
    };
    err_t rc = localbox_run(lb, &job, o, err, errlen);
    close(dirfd);
    if (rc == ERR_OK && localbox_outcome_setup_failed(o)) {
        snprintf(err, errlen, "the sandbox could not be built: %.300s", o->err.data);
        log_error(LOCALBOX_LOGGER, "bwrap failed for %s: %.300s", id, o->err.data);
        return ERR_UNAVAILABLE;
    }
    if (rc != ERR_OK)
        log_error(LOCALBOX_LOGGER, "run in %s failed: %s", id, err);
    return rc;
}

/* ---- provider functions ---- */

static err_t lb_available(void *self, char *why, size_t whylen)
{
    localbox_t *lb = self;
    pthread_mutex_lock(&lb->mu);
    if (!lb->probed) {
        lb->probed = -1;
        if (!lb->bpf) {
            snprintf(lb->why, sizeof lb->why, "The local sandbox cannot build its seccomp filter: %s", lb->bpf_err);
        } else if (access(lb->lim.bwrap_path, X_OK) < 0) {
            snprintf(lb->why, sizeof lb->why, "The local sandbox needs bubblewrap, not found at %s",
                     lb->lim.bwrap_path);
        } else if (access(lb->lim.python_path, X_OK) < 0) {
            snprintf(lb->why, sizeof lb->why, "The local sandbox needs Python, not found at %s", lb->lim.python_path);
        } else {
            const char *argv[] = {lb->lim.python_path, "-S", "-c", "pass", NULL};
            localbox_job_t job = {.argv = argv, .assessment_id = 0, .dirfd = -1};
            localbox_outcome_t o;
            char e[256] = "";
            err_t rc = localbox_run(lb, &job, &o, e, sizeof e);
            if (rc != ERR_OK) {
                snprintf(lb->why, sizeof lb->why, "The local sandbox could not start bubblewrap: %s", e);
            } else if (localbox_outcome_setup_failed(&o)) {
                size_t n = strcspn(o.err.data, "\n");
                snprintf(lb->why, sizeof lb->why,
                         "The local sandbox cannot create its namespaces here (user namespaces disabled or "
                         "restricted?): %.*s",
                         (int)(n > 300 ? 300 : n), o.err.data);
            } else if (!o.exited || o.exit_code != 0) {
                size_t n = strcspn(o.err.data, "\n");
                snprintf(lb->why, sizeof lb->why, "The local sandbox's trial run failed (status %d): %.*s",
                         o.exited ? o.exit_code : 128 + o.signo, (int)(n > 300 ? 300 : n), o.err.data);
            } else {
                lb->probed = 1;
                lb->why[0] = '\0';
            }
            localbox_outcome_free(&o);
        }
        if (lb->probed < 0)
            log_error(LOCALBOX_LOGGER, "%s", lb->why);
    }
    err_t rc = lb->probed > 0 ? ERR_OK : ERR_UNAVAILABLE;
    if (rc != ERR_OK && why && whylen)
        snprintf(why, whylen, "%s", lb->why);
    pthread_mutex_unlock(&lb->mu);
    return rc;
}

static err_t lb_ensure(void *self, int64_t assessment_id, const char *existing_id, char **id_out, char *err,
                       size_t errlen)
{
    localbox_t *lb = self;
    (void)existing_id; /* a local sandbox never expires: the id is always the same */
    *id_out = NULL;
    if (assessment_id < 0) {
        snprintf(err, errlen, "invalid assessment id");
        return ERR_BAD_REQUEST;
    }
    char path[PATH_MAX];
    work_path(lb, assessment_id, path, sizeof path);
    if (mkdirs(path) < 0) {
        snprintf(err, errlen, "cannot create the sandbox directory %s: %s", path, strerror(errno));
        log_error(LOCALBOX_LOGGER, "%s", err);
        return ERR_INTERNAL;
    }
    *id_out = xasprintf("local-%" PRId64, assessment_id);
    return ERR_OK;
}

/* The file name of an accepted sandbox path ("/tmp/<name>"), else NULL. */
static const char *tmp_name(const char *path)
{
    if (!path || strncmp(path, "/tmp/", 5) != 0)
        return NULL;
    const char *n = path + 5;
    size_t l = strnlen(n, 256);
    if (l == 0 || l > 200 || n[0] == '.' || strchr(n, '/'))
        return NULL;
    return n;
}

static size_t count_entries(int dirfd)
{
    int d2 = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (d2 < 0)
        return 0;
    DIR *d = fdopendir(d2);
    if (!d) {
        close(d2);
        return 0;
    }
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        if (e->d_name[0] != '.')
            n++;
    closedir(d);
    return n;
}

static err_t lb_write_file(void *self, const char *id, const char *path, const char *data, size_t len, char *err,
                           size_t errlen)
{
    localbox_t *lb = self;
    const char *name = tmp_name(path);
    if (!name) {
        snprintf(err, errlen, "only files directly under /tmp can be written (got %.200s)", path ? path : "");
        return ERR_BAD_REQUEST;
    }
    if (len > lb->lim.file_bytes) {
        snprintf(err, errlen, "file too large (%zu bytes, at most %zu)", len, lb->lim.file_bytes);
        return ERR_TOO_LARGE;
    }
    int64_t aid;
    int dirfd = open_work(lb, id, &aid);
    if (dirfd < 0) {
        snprintf(err, errlen, "sandbox %s does not exist", id ? id : "(null)");
        return ERR_NOT_FOUND;
    }
    err_t rc = ERR_INTERNAL;
    struct stat st;
    if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0 && count_entries(dirfd) >= LOCALBOX_MAX_FILES) {
        snprintf(err, errlen, "too many files in the sandbox (at most %d)", LOCALBOX_MAX_FILES);
        close(dirfd);
        return ERR_TOO_LARGE;
    }
    /* write a fresh file, then rename it over the name: whatever was there
     * (even a symlink) is replaced, never followed */
    unsigned char rnd[8];
    if (getrandom(rnd, sizeof rnd, 0) != (ssize_t)sizeof rnd) {
        snprintf(err, errlen, "getrandom failed");
        close(dirfd);
        return ERR_INTERNAL;
    }
    char tmp[64];
    snprintf(tmp, sizeof tmp, ".w-%02x%02x%02x%02x%02x%02x%02x%02x", rnd[0], rnd[1], rnd[2], rnd[3], rnd[4], rnd[5],
             rnd[6], rnd[7]);
    int fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) {
        snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
        close(dirfd);
        return ERR_INTERNAL;
    }
    size_t done = 0;
    while (done < len) {
        ssize_t n = write(fd, data + done, len - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        done += (size_t)n;
    }
    if (close(fd) < 0 || done < len) {
        snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno ? errno : EIO));
        unlinkat(dirfd, tmp, 0);
    } else if (renameat(dirfd, tmp, dirfd, name) < 0) {
        snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
        unlinkat(dirfd, tmp, 0);
    } else {
        rc = ERR_OK;
    }
    close(dirfd);
    return rc;
}

static err_t lb_execute(void *self, const char *id, const char *code, sandbox_result_t *out)
{
    localbox_t *lb = self;
    result_init(out);
    const char *argv[] = {lb->lim.python_path, "-u", "-s", "/tmp/main.py", NULL};
    localbox_outcome_t o;
    char e[512] = "";
    err_t rc = run_in(lb, id, argv, "main.py", code ? code : "", code ? strlen(code) : 0, &o, e, sizeof e);
    if (rc != ERR_OK) {
        free(out->error);
        out->error = xstrdup(e);
        localbox_outcome_free(&o);
        return rc;
    }
    free(out->stdout_text);
    free(out->stderr_text);
    out->error = outcome_error(lb, &o, false);
    out->stdout_text = mem_buf_take(&o.out);
    out->stderr_text = mem_buf_take(&o.err);
    out->success = out->error == NULL;
    localbox_outcome_free(&o);
    return ERR_OK;
}

static err_t lb_run_tests(void *self, const char *id, const char *test_code, sandbox_result_t *out)
{
    localbox_t *lb = self;
    result_init(out);
    out->has_counts = true;
    char e[512] = "";
    const char *tc = test_code ? test_code : "";
    err_t rc = lb_write_file(self, id, "/tmp/test_assessment.py", tc, strlen(tc), e, sizeof e);
    if (rc != ERR_OK) {
        out->error = xstrdup(e);
        return rc;
    }
    const char *argv[] = {lb->lim.python_path, "-m", "pytest", "/tmp/test_assessment.py", "-v", NULL};
    localbox_outcome_t o;
    rc = run_in(lb, id, argv, NULL, NULL, 0, &o, e, sizeof e);
    if (rc != ERR_OK) {
        out->error = xstrdup(e);
        localbox_outcome_free(&o);
        return rc;
    }
    /* the original's snippet: print(result.stdout); print(result.stderr) */
    mem_buf_t b = {0};
    mem_buf_append(&b, o.out.data, o.out.len);
    mem_buf_puts(&b, "\n");
    mem_buf_append(&b, o.err.data, o.err.len);
    mem_buf_puts(&b, "\n");
    free(out->stdout_text);
    out->stdout_text = mem_buf_take(&b);
    out->error = outcome_error(lb, &o, true);
    sandbox_parse_pytest(out);
    out->success = out->error == NULL && out->failed == 0 && out->passed > 0;
    localbox_outcome_free(&o);
    return ERR_OK;
}

static void lb_destroy(void *self, const char *id)
{
    localbox_t *lb = self;
    int64_t aid;
    int dirfd = open_work(lb, id, &aid);
    if (dirfd < 0) {
        if (errno != ENOENT)
            log_warn(LOCALBOX_LOGGER, "destroy %s: %s", id ? id : "(null)", strerror(errno));
        return;
    }
    int d2 = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    DIR *d = d2 >= 0 ? fdopendir(d2) : NULL;
    if (d) {
        struct dirent *e;
        while ((e = readdir(d))) {
            if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
                continue;
            if (unlinkat(dirfd, e->d_name, 0) < 0 && unlinkat(dirfd, e->d_name, AT_REMOVEDIR) < 0)
                log_warn(LOCALBOX_LOGGER, "destroy %s: cannot remove %s: %s", id, e->d_name, strerror(errno));
        }
        closedir(d);
    } else if (d2 >= 0) {
        close(d2);
    }
    close(dirfd);
    char path[PATH_MAX];
    work_path(lb, aid, path, sizeof path);
    if (rmdir(path) < 0)
        log_warn(LOCALBOX_LOGGER, "destroy %s: %s", id, strerror(errno));
}

static void lb_free(void *self)
{
    localbox_t *lb = self;
    if (!lb)
        return;
    free(lb->root);
    free((char *)lb->lim.bwrap_path);
    free((char *)lb->lim.python_path);
    free(lb->bpf);
    pthread_mutex_destroy(&lb->mu);
    free(lb);
}

/* ---- creation ---- */

/* How the host's top-level system paths look, so the sandbox mirrors them
 * (a merged-/usr system has /bin -> usr/bin and so on). */
static void scan_sysdirs(localbox_t *lb)
{
    static const char *const paths[] = {"/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"};
    for (size_t i = 0; i < sizeof paths / sizeof *paths && lb->nsys < sizeof lb->sys / sizeof *lb->sys; i++) {
        struct stat st;
        if (lstat(paths[i], &st) < 0)
            continue;
        localbox_sysdir_t *s = &lb->sys[lb->nsys];
        snprintf(s->path, sizeof s->path, "%s", paths[i]);
        if (S_ISLNK(st.st_mode)) {
            ssize_t n = readlink(paths[i], s->target, sizeof s->target - 1);
            if (n <= 0 || (size_t)n >= sizeof s->target - 1)
                continue;
            s->target[n] = '\0';
            s->is_symlink = true;
        } else if (!S_ISDIR(st.st_mode)) {
            continue;
        }
        lb->nsys++;
    }
}

sandbox_provider_t *localbox_provider_new_with(const config_t *c, const localbox_limits_t *lim)
{
    localbox_t *lb = xcalloc(1, sizeof *lb);
    lb->lim = *lim;
    lb->lim.bwrap_path = xstrdup(lim->bwrap_path                                ? lim->bwrap_path
                                 : c && c->sandbox_bwrap && c->sandbox_bwrap[0] ? c->sandbox_bwrap
                                                                                : "/usr/bin/bwrap");
    lb->lim.python_path = xstrdup(lim->python_path ? lim->python_path : "/usr/bin/python3");
    if (lb->lim.uid_span == 0)
        lb->lim.uid_span = 1;
    const char *root = c && c->sandbox_root && c->sandbox_root[0] ? c->sandbox_root : "./sandboxes";
    if (root[0] == '/') {
        lb->root = xstrdup(root);
    } else {
        char cwd[PATH_MAX];
        if (!getcwd(cwd, sizeof cwd))
            snprintf(cwd, sizeof cwd, "/");
        lb->root = xasprintf("%s/%s", cwd, root[0] == '.' && root[1] == '/' ? root + 2 : root);
    }
    size_t rl = strlen(lb->root);
    while (rl > 1 && lb->root[rl - 1] == '/')
        lb->root[--rl] = '\0';
    lb->as_root = geteuid() == 0;
    scan_sysdirs(lb);
    if (localbox_filter_build(&lb->bpf, &lb->bpf_len, lb->bpf_err, sizeof lb->bpf_err) < 0)
        log_error(LOCALBOX_LOGGER, "seccomp filter: %s", lb->bpf_err);
    pthread_mutex_init(&lb->mu, NULL);

    lb->prov.name = "local";
    lb->prov.self = lb;
    lb->prov.available = lb_available;
    lb->prov.ensure = lb_ensure;
    lb->prov.execute = lb_execute;
    lb->prov.write_file = lb_write_file;
    lb->prov.run_tests = lb_run_tests;
    lb->prov.destroy = lb_destroy;
    lb->prov.free = lb_free;
    return &lb->prov;
}

sandbox_provider_t *localbox_provider_new(const config_t *c)
{
    localbox_limits_t lim;
    localbox_limits_default(&lim);
    return localbox_provider_new_with(c, &lim);
}
