/* documents: running a reader in a child process with limits.
 *
 * The child is a plain fork (no exec): it already holds the document in
 * its copy of the parent's memory.  It drops to default signal handling,
 * points stdin/stdout/stderr at /dev/null (parsers print diagnostics),
 * closes every other descriptor but its pipe (so a concurrent extraction
 * cannot keep our pipe open), applies the limits, runs the reader, writes
 * the text and leaves with _exit(status). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "shared/documents.h"

#if defined(__SANITIZE_ADDRESS__)
#define DOC_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define DOC_ASAN 1
#endif
#endif

#define DOC_DEFAULT_TIMEOUT_MS 10000L
#define DOC_DEFAULT_MEMORY ((size_t)512 << 20)
#define DOC_DEFAULT_MAX_TEXT ((size_t)8 << 20)

static int64_t doc_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void doc_write_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return;
        }
        p += w;
        n -= (size_t)w;
    }
}

static void doc_limit(int resource, rlim_t soft, rlim_t hard)
{
    struct rlimit rl = {soft, hard};
    (void)setrlimit(resource, &rl);
}

/* Never returns. */
static void doc_child_main(int wfd, documents_child_fn fn, void *ctx, long timeout_ms, size_t memory, size_t max_text)
{
    (void)prctl(PR_SET_PDEATHSIG, SIGKILL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    static const int sigs[] = {SIGTERM, SIGINT, SIGHUP, SIGPIPE, SIGXCPU, SIGALRM, SIGSEGV, SIGABRT, SIGBUS};
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
        signal(sigs[i], SIG_DFL);

    int null = open("/dev/null", O_RDWR);
    if (null >= 0) {
        dup2(null, 0);
        dup2(null, 1);
        dup2(null, 2);
        if (null > 2)
            close(null);
    }
    if (wfd != 3) {
        if (dup2(wfd, 3) < 0)
            _exit(DOCUMENTS_ERR_SYSTEM);
        wfd = 3;
    }
    if (close_range(4, ~0U, 0) != 0) {
        for (int fd = 4; fd < 4096; fd++)
            close(fd);
    }

    rlim_t cpu = (rlim_t)((timeout_ms + 999) / 1000);
    doc_limit(RLIMIT_CPU, cpu, cpu + 1);
    doc_limit(RLIMIT_CORE, 0, 0);
    doc_limit(RLIMIT_FSIZE, 0, 0);
#ifndef DOC_ASAN
    /* The child starts with the server's address space (thread stacks,
     * malloc arenas, libraries): the allowance comes on top of that. */
    size_t base = 0;
    int sfd = open("/proc/self/statm", O_RDONLY | O_CLOEXEC);
    if (sfd >= 0) {
        char st[128];
        ssize_t r = read(sfd, st, sizeof st - 1);
        if (r > 0) {
            st[r] = '\0';
            base = (size_t)strtoull(st, NULL, 10) * (size_t)sysconf(_SC_PAGESIZE);
        }
        close(sfd);
    }
    doc_limit(RLIMIT_AS, (rlim_t)(base + memory), (rlim_t)(base + memory));
#else
    (void)memory;
#endif

    mem_buf_t out = {0};
    mem_buf_append(&out, "", 0);
    documents_status_t st = fn(ctx, &out);
    if (st == DOCUMENTS_OK) {
        size_t n = out.len;
        if (n > max_text) {
            n = max_text;
            while (n > 0 && ((unsigned char)out.data[n] & 0xC0) == 0x80)
                n--;
        }
        doc_write_all(wfd, out.data, n);
    }
    _exit((int)st);
}

documents_status_t documents_run_isolated(documents_child_fn fn, void *ctx, const documents_limits_t *limits,
                                          char **out, size_t *out_len)
{
    *out = NULL;
    if (out_len)
        *out_len = 0;
    long timeout_ms = limits && limits->timeout_ms > 0 ? limits->timeout_ms : DOC_DEFAULT_TIMEOUT_MS;
    size_t memory = limits && limits->memory_bytes ? limits->memory_bytes : DOC_DEFAULT_MEMORY;
    size_t max_text = limits && limits->max_text_bytes ? limits->max_text_bytes : DOC_DEFAULT_MAX_TEXT;

    struct rusage self;
    memset(&self, 0, sizeof self);
    getrusage(RUSAGE_SELF, &self);
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0)
        return DOCUMENTS_ERR_SYSTEM;
    pid_t pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        return DOCUMENTS_ERR_SYSTEM;
    }
    if (pid == 0) {
        close(fds[0]);
        doc_child_main(fds[1], fn, ctx, timeout_ms, memory, max_text);
    }
    close(fds[1]);

    int64_t deadline = doc_now_ms() + timeout_ms;
    mem_buf_t buf = {0};
    mem_buf_append(&buf, "", 0);
    bool timed_out = false, overflow = false;
    for (;;) {
        int64_t left = deadline - doc_now_ms();
        if (left <= 0) {
            timed_out = true;
            break;
        }
        struct pollfd p = {.fd = fds[0], .events = POLLIN};
        int pr = poll(&p, 1, (int)(left > 1000 ? 1000 : left));
        if (pr < 0 && errno != EINTR)
            break;
        if (pr <= 0)
            continue;
        char chunk[65536];
        ssize_t r = read(fds[0], chunk, sizeof chunk);
        if (r < 0) {
            if (errno == EINTR || errno == EAGAIN)
                continue;
            break;
        }
        if (r == 0)
            break;
        if (buf.len + (size_t)r > max_text) {
            overflow = true;
            break;
        }
        mem_buf_append(&buf, chunk, (size_t)r);
    }
    close(fds[0]);
    if (timed_out || overflow)
        kill(pid, SIGKILL);

    int status = 0;
    struct rusage ru;
    memset(&ru, 0, sizeof ru);
    pid_t w;
    do {
        w = wait4(pid, &status, 0, &ru);
    } while (w < 0 && errno == EINTR);

    documents_status_t st;
    if (timed_out) {
        st = DOCUMENTS_ERR_TIMEOUT;
    } else if (overflow) {
        st = DOCUMENTS_ERR_RESOURCES;
    } else if (w < 0) {
        st = DOCUMENTS_ERR_SYSTEM;
    } else if (WIFEXITED(status)) {
        int code = WEXITSTATUS(status);
        st = code <= (int)DOCUMENTS_ERR_SYSTEM ? (documents_status_t)code : DOCUMENTS_ERR_CRASHED;
    } else if (WIFSIGNALED(status) && (WTERMSIG(status) == SIGXCPU || WTERMSIG(status) == SIGKILL)) {
        st = DOCUMENTS_ERR_TIMEOUT;
    } else {
        /* an allocation failure under the address-space limit ends in
         * abort(); tell it from a parser crash by the peak size */
        size_t peak = (size_t)ru.ru_maxrss * 1024u, inherited = (size_t)self.ru_maxrss * 1024u;
        st = peak > inherited && peak - inherited >= memory / 2 ? DOCUMENTS_ERR_RESOURCES : DOCUMENTS_ERR_CRASHED;
    }
    if (st != DOCUMENTS_OK) {
        mem_buf_free(&buf);
        return st;
    }
    if (out_len)
        *out_len = buf.len;
    *out = mem_buf_take(&buf);
    return DOCUMENTS_OK;
}
