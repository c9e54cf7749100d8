/* run: one sandboxed process.  The parent prepares everything that needs
 * memory (bwrap's argument vector, memfds with the files for /tmp, the
 * rlimits) before fork(); the forked child only moves descriptors, sets
 * rlimits, drops to the sandbox's host uid when we are root, and execs
 * bwrap with an empty environment.  The parent then reads stdout and
 * stderr with poll() until the process ends, the wall clock runs out or the
 * output goes over its cap; killing bwrap's outer process makes its pid-1
 * child die (--die-with-parent), and a pid namespace whose init dies takes
 * every process in it along. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "components/integrations/localbox/internal.h"
#include "platform/log.h"

#define LOCALBOX_MAX_PASS_FDS (LOCALBOX_MAX_FILES + 8)
#define LOCALBOX_DRAIN_MS 1000 /* reading what is left once the process is gone */

typedef struct {
    char **v;
    size_t n, cap;
} argv_t;

static void av_add(argv_t *a, const char *s)
{
    if (a->n + 2 > a->cap) {
        a->cap = a->cap ? a->cap * 2 : 64;
        a->v = xrealloc(a->v, a->cap * sizeof *a->v);
    }
    a->v[a->n++] = xstrdup(s);
    a->v[a->n] = NULL;
}

static void av_add2(argv_t *a, const char *x, const char *y)
{
    av_add(a, x);
    av_add(a, y);
}

static void av_free(argv_t *a)
{
    for (size_t i = 0; i < a->n; i++)
        free(a->v[i]);
    free(a->v);
}

/* Everything the forked child needs, prepared before fork(). */
typedef struct {
    char *const *argv;
    const char *bwrap;
    int in_fd, out_fd, err_fd;
    int pass[LOCALBOX_MAX_PASS_FDS]; /* become 3, 4, ... in bwrap */
    size_t npass;
    struct rlimit rl[7];
    int rl_res[7];
    size_t nrl;
    bool drop;
    uid_t uid;
    pid_t parent;
} child_plan_t;

static void child_fail(const char *msg)
{
    ssize_t w = write(2, msg, strlen(msg));
    (void)w;
    _exit(127);
}

/* Runs in the forked child of a threaded process: async-signal-safe calls
 * only. */
static void child_exec(const child_plan_t *p)
{
    if (setpgid(0, 0) < 0)
        child_fail("localbox: setpgid failed\n");
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    struct sigaction dfl;
    memset(&dfl, 0, sizeof dfl);
    dfl.sa_handler = SIG_DFL;
    for (int s = 1; s < NSIG; s++)
        if (s != SIGKILL && s != SIGSTOP)
            sigaction(s, &dfl, NULL);

    /* Copy every descriptor we hand over above all of them first, so the
     * dup2 calls below cannot overwrite one that is still to be moved. */
    int hi = 3 + (int)p->npass;
    int src[3 + LOCALBOX_MAX_PASS_FDS];
    int nsrc = 0;
    src[nsrc++] = p->in_fd;
    src[nsrc++] = p->out_fd;
    src[nsrc++] = p->err_fd;
    for (size_t i = 0; i < p->npass; i++)
        src[nsrc++] = p->pass[i];
    for (int i = 0; i < nsrc; i++)
        if (src[i] >= hi)
            hi = src[i] + 1;
    int tmp[3 + LOCALBOX_MAX_PASS_FDS];
    for (int i = 0; i < nsrc; i++) {
        tmp[i] = fcntl(src[i], F_DUPFD_CLOEXEC, hi);
        if (tmp[i] < 0)
            child_fail("localbox: fcntl(F_DUPFD) failed\n");
        if (tmp[i] >= hi)
            hi = tmp[i] + 1;
    }
    for (int i = 0; i < nsrc; i++)
        if (dup2(tmp[i], i) < 0)
            child_fail("localbox: dup2 failed\n");
    /* Nothing else of the server (sockets, the database, log files)
     * survives the exec. */
    if (syscall(SYS_close_range, (unsigned)nsrc, ~0U, CLOSE_RANGE_CLOEXEC) < 0) {
        for (int fd = nsrc; fd < 65536; fd++)
            fcntl(fd, F_SETFD, FD_CLOEXEC);
    }

    for (size_t i = 0; i < p->nrl; i++)
        if (setrlimit(p->rl_res[i], &p->rl[i]) < 0)
            child_fail("localbox: setrlimit failed\n");

    if (p->drop) {
        /* raw system calls: only this thread exists in the child */
        if (syscall(SYS_setgroups, 0, NULL) < 0 || syscall(SYS_setresgid, p->uid, p->uid, p->uid) < 0 ||
            syscall(SYS_setresuid, p->uid, p->uid, p->uid) < 0)
            child_fail("localbox: could not switch to the sandbox uid\n");
    }
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
        child_fail("localbox: no_new_privs failed\n");
    /* set after the uid change, which clears it */
    if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0 || getppid() != p->parent)
        child_fail("localbox: parent gone\n");
    char *const envp[] = {NULL};
    execve(p->bwrap, p->argv, envp);
    child_fail("localbox: exec of bwrap failed\n");
}

/* A descriptor number of 3 or more (the child maps 0-2 itself). */
static int fd_high(int fd)
{
    if (fd < 0 || fd > 2)
        return fd;
    int n = fcntl(fd, F_DUPFD_CLOEXEC, 3);
    close(fd);
    return n;
}

static int memfd_with(const char *name, const void *data, size_t len)
{
    int fd = memfd_create(name, MFD_CLOEXEC);
    if (fd < 0)
        return -1;
    const char *p = data;
    size_t done = 0;
    while (done < len) {
        ssize_t n = write(fd, p + done, len - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            close(fd);
            return -1;
        }
        done += (size_t)n;
    }
    if (lseek(fd, 0, SEEK_SET) != 0) {
        close(fd);
        return -1;
    }
    return fd_high(fd);
}

/* A plain file name we accept under /tmp. */
static bool name_ok(const char *n)
{
    size_t l = strnlen(n, 256);
    return l > 0 && l < 256 && !strchr(n, '/') && strcmp(n, ".") && strcmp(n, "..");
}

/* Threads owned by uid across the machine (RLIMIT_NPROC counts them all). */
static long count_uid_tasks(uid_t uid)
{
    DIR *d = opendir("/proc");
    if (!d)
        return 0;
    long total = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] < '0' || e->d_name[0] > '9')
            continue;
        char path[64];
        snprintf(path, sizeof path, "/proc/%.20s/status", e->d_name);
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            continue;
        char buf[4096];
        ssize_t n = read(fd, buf, sizeof buf - 1);
        close(fd);
        if (n <= 0)
            continue;
        buf[n] = '\0';
        const char *u = strstr(buf, "\nUid:");
        const char *t = strstr(buf, "\nThreads:");
        if (!u || !t)
            continue;
        if ((uid_t)strtoul(u + 5, NULL, 10) == uid)
            total += strtol(t + 9, NULL, 10);
    }
    closedir(d);
    return total;
}

static void build_argv(const localbox_t *lb, const localbox_job_t *job, argv_t *a, int seccomp_no, int passwd_no,
                       int group_no, int info_no, int *const file_no, char *const *file_names, size_t nfiles)
{
    char num[32];
    av_add(a, lb->lim.bwrap_path);
    av_add(a, "--unshare-user");
    av_add(a, "--unshare-ipc");
    av_add(a, "--unshare-pid");
    av_add(a, "--unshare-net");
    av_add(a, "--unshare-uts");
    av_add(a, "--unshare-cgroup-try");
    snprintf(num, sizeof num, "%d", LOCALBOX_SANDBOX_UID);
    av_add2(a, "--uid", num);
    av_add2(a, "--gid", num);
    av_add(a, "--disable-userns");
    av_add2(a, "--hostname", "sandbox");
    /* the program itself is pid 1: when it ends, the kernel kills the rest
     * of the namespace before bwrap's waitpid returns, so nothing outlives
     * the run (a separate reaper would let bwrap exit first) */
    av_add(a, "--as-pid-1");
    av_add(a, "--die-with-parent");
    av_add(a, "--new-session");
    snprintf(num, sizeof num, "%d", info_no);
    av_add2(a, "--info-fd", num);
    av_add2(a, "--cap-drop", "ALL");

    av_add2(a, "--ro-bind", "/usr");
    av_add(a, "/usr");
    for (size_t i = 0; i < lb->nsys; i++) {
        if (lb->sys[i].is_symlink) {
            av_add2(a, "--symlink", lb->sys[i].target);
            av_add(a, lb->sys[i].path);
        } else {
            av_add2(a, "--ro-bind", lb->sys[i].path);
            av_add(a, lb->sys[i].path);
        }
    }
    av_add2(a, "--proc", "/proc");
    av_add2(a, "--dev", "/dev");
    /* /dev is its own writable tmpfs: give /dev/shm a cap, then freeze the
     * rest (device nodes stay usable on a read-only mount) */
    snprintf(num, sizeof num, "%zu", lb->lim.shm_bytes);
    av_add2(a, "--perms", "01777");
    av_add2(a, "--size", num);
    av_add2(a, "--tmpfs", "/dev/shm");
    av_add2(a, "--remount-ro", "/dev");

    /* /etc holds only what python needs: no shadow, no hosts, no secrets */
    av_add2(a, "--dir", "/etc");
    snprintf(num, sizeof num, "%d", passwd_no);
    av_add2(a, "--file", num);
    av_add(a, "/etc/passwd");
    snprintf(num, sizeof num, "%d", group_no);
    av_add2(a, "--file", num);
    av_add(a, "/etc/group");
    av_add2(a, "--ro-bind-try", "/etc/ld.so.cache");
    av_add(a, "/etc/ld.so.cache");
    av_add2(a, "--ro-bind-try", "/etc/localtime");
    av_add(a, "/etc/localtime");

    snprintf(num, sizeof num, "%zu", lb->lim.tmp_bytes);
    av_add2(a, "--perms", "01777");
    av_add2(a, "--size", num);
    av_add2(a, "--tmpfs", "/tmp");
    for (size_t i = 0; i < nfiles; i++) {
        char dest[300];
        snprintf(num, sizeof num, "%d", file_no[i]);
        snprintf(dest, sizeof dest, "/tmp/%s", file_names[i]);
        av_add2(a, "--perms", "0644");
        av_add2(a, "--file", num);
        av_add(a, dest);
    }
    av_add2(a, "--remount-ro", "/");
    av_add2(a, "--chdir", "/tmp");
    av_add(a, "--clearenv");
    av_add2(a, "--setenv", "PATH");
    av_add(a, "/usr/bin:/bin");
    av_add2(a, "--setenv", "HOME");
    av_add(a, "/tmp");
    av_add2(a, "--setenv", "LANG");
    av_add(a, "C.UTF-8");
    av_add2(a, "--setenv", "PYTHONDONTWRITEBYTECODE");
    av_add(a, "1");
    snprintf(num, sizeof num, "%d", seccomp_no);
    av_add2(a, "--seccomp", num);
    av_add(a, "--");
    /* bwrap's --chdir exports PWD; the environment is exactly the four
     * variables above */
    av_add2(a, "/usr/bin/env", "-u");
    av_add2(a, "PWD", "--");
    for (size_t i = 0; job->argv[i]; i++)
        av_add(a, job->argv[i]);
}

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void kill_tree(pid_t pid)
{
    kill(-pid, SIGKILL);
    kill(pid, SIGKILL);
}

/* The parent pid of pid from /proc/<pid>/stat, or -1. */
static pid_t parent_of(pid_t pid)
{
    char path[64], buf[512];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0)
        return -1;
    buf[n] = '\0';
    const char *p = strrchr(buf, ')'); /* the command name may hold anything */
    if (!p || p[1] != ' ' || !p[2] || p[3] != ' ')
        return -1;
    return (pid_t)strtol(p + 4, NULL, 10);
}

/* A pidfd on the sandbox's pid 1 once bwrap's --info-fd has named it, or
 * -1.  The pid is trusted only while it is bwrap's own child. */
static int inner_pidfd(const char *info, pid_t outer)
{
    const char *k = strstr(info, "\"child-pid\":");
    if (!k)
        return -1;
    char *end = NULL;
    long v = strtol(k + 12, &end, 10);
    if (v <= 1 || end == k + 12 || (*end != ',' && *end != '\n' && *end != ' ' && *end != '}'))
        return -1;
    int fd = (int)syscall(SYS_pidfd_open, (pid_t)v, 0);
    if (fd < 0)
        return -1;
    if (parent_of((pid_t)v) != outer) {
        close(fd);
        return -1;
    }
    return fd;
}

/* Stops a run: SIGKILL to the sandbox's pid 1 tears the whole namespace
 * down and lets bwrap report it; without that pid (bwrap still setting
 * up), bwrap itself and its process group go, and --die-with-parent takes
 * pid 1 along. */
static void stop_run(pid_t outer, int inner)
{
    if (inner < 0 || syscall(SYS_pidfd_send_signal, inner, SIGKILL, NULL, 0) < 0)
        kill_tree(outer);
}

/* Appends what fits under the cap; returns false when the stream went over
 * it (the marker is added once). */
static bool take(mem_buf_t *b, bool *cut, const char *data, size_t n, size_t cap)
{
    if (*cut)
        return false;
    size_t room = b->len < cap ? cap - b->len : 0;
    if (n <= room) {
        mem_buf_append(b, data, n);
        return true;
    }
    mem_buf_append(b, data, room);
    mem_buf_printf(b, "\n[output truncated: more than %zu bytes]\n", cap);
    *cut = true;
    return false;
}

void localbox_outcome_free(localbox_outcome_t *o)
{
    mem_buf_free(&o->out);
    mem_buf_free(&o->err);
}

bool localbox_outcome_setup_failed(const localbox_outcome_t *o)
{
    return o->exited && o->exit_code == 1 && o->out.len == 0 && o->err.data && strncmp(o->err.data, "bwrap: ", 7) == 0;
}

static void close_all(int *fds, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (fds[i] >= 0)
            close(fds[i]);
}

/* Opens the persisted files of the work dir (regular files only; symlinks
 * and anything else are skipped, never followed). */
static size_t open_persisted(int dirfd, const char *skip, int *fds, char **names, size_t max)
{
    size_t n = 0;
    int dfd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0)
        return 0;
    DIR *d = fdopendir(dfd);
    if (!d) {
        close(dfd);
        return 0;
    }
    struct dirent *e;
    while (n < max && (e = readdir(d))) {
        if (!name_ok(e->d_name) || e->d_name[0] == '.' || (skip && !strcmp(e->d_name, skip)))
            continue;
        int fd = openat(dirfd, e->d_name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
        if (fd < 0)
            continue;
        struct stat st;
        if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
            close(fd);
            continue;
        }
        fds[n] = fd_high(fd);
        names[n] = xstrdup(e->d_name);
        if (fds[n] < 0) {
            free(names[n]);
            continue;
        }
        n++;
    }
    closedir(d);
    return n;
}

err_t localbox_run(const localbox_t *lb, const localbox_job_t *job, localbox_outcome_t *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    err_t rc = ERR_INTERNAL;
    int fds[LOCALBOX_MAX_PASS_FDS];
    char *names[LOCALBOX_MAX_FILES + 1] = {0};
    size_t nfd = 0, nnames = 0;
    int pipe_out[2] = {-1, -1}, pipe_err[2] = {-1, -1}, pipe_info[2] = {-1, -1}, devnull = -1, pidfd = -1;
    int inner = -1;
    argv_t av = {0};
    pid_t pid = -1;

    if (!lb->bpf) {
        snprintf(err, errlen, "no seccomp filter: %s", lb->bpf_err);
        return ERR_UNAVAILABLE;
    }
    uid_t host_uid =
        lb->as_root ? lb->lim.uid_base + (uid_t)((uint64_t)job->assessment_id % lb->lim.uid_span) : getuid();

    /* descriptors handed to bwrap, in argument order: 3, 4, ... */
    int seccomp_fd = memfd_with("localbox-seccomp", lb->bpf, lb->bpf_len);
    char passwd[160], group[96];
    snprintf(passwd, sizeof passwd, "sandbox:x:%d:%d:sandbox:/tmp:/usr/sbin/nologin\n", LOCALBOX_SANDBOX_UID,
             LOCALBOX_SANDBOX_UID);
    snprintf(group, sizeof group, "sandbox:x:%d:\n", LOCALBOX_SANDBOX_UID);
    int passwd_fd = memfd_with("localbox-passwd", passwd, strlen(passwd));
    int group_fd = memfd_with("localbox-group", group, strlen(group));
    fds[nfd++] = seccomp_fd;
    fds[nfd++] = passwd_fd;
    fds[nfd++] = group_fd;
    if (seccomp_fd < 0 || passwd_fd < 0 || group_fd < 0) {
        snprintf(err, errlen, "memfd: %s", strerror(errno));
        goto out;
    }
    if (pipe2(pipe_info, O_CLOEXEC) < 0) {
        snprintf(err, errlen, "pipe: %s", strerror(errno));
        goto out;
    }
    pipe_info[1] = fd_high(pipe_info[1]);
    fds[nfd++] = pipe_info[1];
    pipe_info[1] = -1; /* closed with fds[] */
    int file_fds[LOCALBOX_MAX_FILES + 1];
    if (job->dirfd >= 0)
        nnames = open_persisted(job->dirfd, job->extra_name, file_fds, names, LOCALBOX_MAX_FILES);
    if (job->extra_name) {
        int xfd = memfd_with("localbox-file", job->extra_data, job->extra_len);
        if (xfd < 0) {
            close_all(file_fds, nnames);
            snprintf(err, errlen, "memfd: %s", strerror(errno));
            goto out;
        }
        file_fds[nnames] = xfd;
        names[nnames++] = xstrdup(job->extra_name);
    }
    for (size_t i = 0; i < nnames; i++)
        fds[nfd++] = file_fds[i];
    int file_no[LOCALBOX_MAX_FILES + 1];
    for (size_t i = 0; i < nnames; i++)
        file_no[i] = 7 + (int)i;
    build_argv(lb, job, &av, 3, 4, 5, 6, file_no, names, nnames);

    if (pipe2(pipe_out, O_CLOEXEC) < 0 || pipe2(pipe_err, O_CLOEXEC) < 0) {
        snprintf(err, errlen, "pipe: %s", strerror(errno));
        goto out;
    }
    devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (devnull < 0) {
        snprintf(err, errlen, "/dev/null: %s", strerror(errno));
        goto out;
    }

    child_plan_t plan;
    memset(&plan, 0, sizeof plan);
    plan.argv = av.v;
    plan.bwrap = lb->lim.bwrap_path;
    plan.in_fd = devnull;
    plan.out_fd = pipe_out[1];
    plan.err_fd = pipe_err[1];
    memcpy(plan.pass, fds, nfd * sizeof *fds);
    plan.npass = nfd;
    plan.drop = lb->as_root;
    plan.uid = host_uid;
    plan.parent = getpid();
    rlim_t nproc = (rlim_t)lb->lim.max_processes;
    if (!lb->as_root)
        nproc += (rlim_t)count_uid_tasks(host_uid);
    const struct {
        int res;
        rlim_t soft, hard;
    } lims[] = {
        {RLIMIT_CPU, (rlim_t)lb->lim.cpu_seconds, (rlim_t)lb->lim.cpu_seconds + 1},
        {RLIMIT_AS, lb->lim.memory_bytes, lb->lim.memory_bytes},
        {RLIMIT_NPROC, nproc, nproc},
        {RLIMIT_FSIZE, lb->lim.file_bytes, lb->lim.file_bytes},
        {RLIMIT_NOFILE, (rlim_t)lb->lim.max_open_files, (rlim_t)lb->lim.max_open_files},
        {RLIMIT_CORE, 0, 0},
        {RLIMIT_MEMLOCK, 1 << 16, 1 << 16},
    };
    for (size_t i = 0; i < sizeof lims / sizeof *lims; i++) {
        plan.rl_res[i] = lims[i].res;
        plan.rl[i].rlim_cur = lims[i].soft;
        plan.rl[i].rlim_max = lims[i].hard;
    }
    plan.nrl = sizeof lims / sizeof *lims;

    pid = fork();
    if (pid < 0) {
        snprintf(err, errlen, "fork: %s", strerror(errno));
        goto out;
    }
    if (pid == 0)
        child_exec(&plan);

    close(pipe_out[1]);
    close(pipe_err[1]);
    pipe_out[1] = pipe_err[1] = -1;
    close_all(fds, nfd);
    nfd = 0;
    fcntl(pipe_out[0], F_SETFL, O_NONBLOCK);
    fcntl(pipe_err[0], F_SETFL, O_NONBLOCK);
    fcntl(pipe_info[0], F_SETFL, O_NONBLOCK);
    char info[1024];
    size_t info_len = 0;

    pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
    if (pidfd < 0) {
        kill_tree(pid);
        waitpid(pid, NULL, 0);
        snprintf(err, errlen, "pidfd_open: %s", strerror(errno));
        goto out;
    }

    int64_t deadline = now_ms() + (int64_t)lb->lim.wall_seconds * 1000;
    int64_t drain_until = -1, escalate_at = -1;
    bool killed = false, reaped = false;
    int status = 0;
    int *streams[2] = {&pipe_out[0], &pipe_err[0]};
    mem_buf_t *bufs[2] = {&out->out, &out->err};
    bool *cuts[2] = {&out->out_cut, &out->err_cut};
    char chunk[65536];
    while (!reaped || pipe_out[0] >= 0 || pipe_err[0] >= 0) {
        int64_t now = now_ms();
        if (!killed && now >= deadline) {
            out->timed_out = true;
            killed = true;
            stop_run(pid, inner);
            escalate_at = now + 1000;
        }
        if (!reaped && escalate_at >= 0 && now >= escalate_at) {
            kill_tree(pid);
            escalate_at = -1;
        }
        if (reaped && drain_until < 0)
            drain_until = now + LOCALBOX_DRAIN_MS;
        if (drain_until >= 0 && now >= drain_until)
            break;
        int64_t wait = killed ? 100 : deadline - now;
        if (drain_until >= 0 && drain_until - now < wait)
            wait = drain_until - now;
        struct pollfd p[4];
        int np = 0, idx[4];
        if (pipe_info[0] >= 0) {
            p[np].fd = pipe_info[0];
            p[np].events = POLLIN;
            idx[np++] = 3;
        }
        for (int s = 0; s < 2; s++)
            if (*streams[s] >= 0) {
                p[np].fd = *streams[s];
                p[np].events = POLLIN;
                idx[np++] = s;
            }
        if (!reaped) {
            p[np].fd = pidfd;
            p[np].events = POLLIN;
            idx[np++] = 2;
        }
        int pr = poll(p, (nfds_t)np, (int)(wait < 0 ? 0 : wait));
        if (pr < 0 && errno != EINTR && !killed) {
            killed = true;
            stop_run(pid, inner);
            escalate_at = now + 1000;
        }
        for (int k = 0; pr > 0 && k < np; k++) {
            if (!p[k].revents)
                continue;
            if (idx[k] == 3) {
                ssize_t n = read(pipe_info[0], info + info_len, sizeof info - 1 - info_len);
                if (n > 0) {
                    info_len += (size_t)n;
                    info[info_len] = '\0';
                    if (inner < 0)
                        inner = inner_pidfd(info, pid);
                }
                if (n == 0 || info_len == sizeof info - 1 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
                    close(pipe_info[0]);
                    pipe_info[0] = -1;
                }
                continue;
            }
            if (idx[k] == 2) {
                struct rusage ru;
                memset(&ru, 0, sizeof ru);
                pid_t w = wait4(pid, &status, WNOHANG, &ru);
                if (w == pid)
                    out->cpu_ms = (int64_t)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000 +
                                  (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1000;
                if (w == pid || (w < 0 && errno == ECHILD))
                    reaped = true;
                if (w < 0 && errno == ECHILD)
                    status = 0;
                continue;
            }
            int s = idx[k];
            ssize_t n = read(*streams[s], chunk, sizeof chunk);
            if (n > 0) {
                if (!take(bufs[s], cuts[s], chunk, (size_t)n, lb->lim.output_bytes) && !killed) {
                    killed = true;
                    stop_run(pid, inner);
                    escalate_at = now_ms() + 1000;
                }
            } else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
                close(*streams[s]);
                *streams[s] = -1;
            }
        }
    }
    if (!reaped) {
        /* draining ran out with the process still around: cannot happen
         * once bwrap is gone, so it is still alive and must go */
        kill_tree(pid);
        waitpid(pid, &status, 0);
    }
    if (WIFEXITED(status)) {
        out->exited = true;
        out->exit_code = WEXITSTATUS(status);
    } else if (WIFSIGNALED(status)) {
        out->signo = WTERMSIG(status);
    }
    if (!out->out.data)
        mem_buf_puts(&out->out, "");
    if (!out->err.data)
        mem_buf_puts(&out->err, "");
    rc = ERR_OK;

out:
    close_all(fds, nfd);
    for (size_t i = 0; i < nnames; i++)
        free(names[i]);
    int rest[] = {pipe_out[0],  pipe_out[1], pipe_err[0], pipe_err[1], pipe_info[0],
                  pipe_info[1], devnull,     pidfd,       inner};
    close_all(rest, sizeof rest / sizeof *rest);
    av_free(&av);
    return rc;
}
