/* filter: the seccomp program bwrap loads right before it execs the
 * candidate's interpreter.  Default allow with a deny list: the sandbox is
 * already namespaced and unprivileged, the filter removes the kernel
 * surfaces that namespaces do not (tracing, new namespaces, mounts, BPF,
 * keyrings, io_uring, perf, userfaultfd, terminal injection, non-Unix
 * sockets).  Other architectures' system calls are killed (libseccomp's
 * default bad-arch action), which also closes the x32 and i386 entry
 * points on x86-64. */
#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "components/integrations/localbox/internal.h"

/* Denied outright with EPERM.  Names that this architecture does not have
 * are skipped. */
static const char *const localbox_denied[] = {
    "ptrace",
    "process_vm_readv",
    "process_vm_writev",
    "kcmp",
    "pidfd_getfd",
    "mount",
    "umount",
    "umount2",
    "pivot_root",
    "chroot",
    "fsopen",
    "fsconfig",
    "fsmount",
    "fspick",
    "move_mount",
    "open_tree",
    "mount_setattr",
    "unshare",
    "setns",
    "bpf",
    "keyctl",
    "add_key",
    "request_key",
    "userfaultfd",
    "io_uring_setup",
    "io_uring_enter",
    "io_uring_register",
    "perf_event_open",
    "kexec_load",
    "kexec_file_load",
    "init_module",
    "finit_module",
    "delete_module",
    "reboot",
    "swapon",
    "swapoff",
    "acct",
    "syslog",
    "quotactl",
    "quotactl_fd",
    "lookup_dcookie",
    "open_by_handle_at",
    "name_to_handle_at",
    "settimeofday",
    "clock_settime",
    "clock_adjtime",
    "adjtimex",
    "iopl",
    "ioperm",
    "uselib",
    "vhangup",
    "sethostname",
    "setdomainname",
    "fanotify_init",
};

/* clone() flags that create namespaces.  CLONE_NEWTIME is left out: in
 * clone() its bit belongs to the exit-signal byte (it only exists for
 * clone3, which is refused as a whole). */
static const unsigned long localbox_ns_flags[] = {
    CLONE_NEWNS, CLONE_NEWUTS, CLONE_NEWIPC, CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWNET, CLONE_NEWCGROUP,
};

static int add_rule(scmp_filter_ctx ctx, uint32_t action, const char *name, unsigned n, const struct scmp_arg_cmp *cmp,
                    char *err, size_t errlen)
{
    int nr = seccomp_syscall_resolve_name(name);
    if (nr == __NR_SCMP_ERROR)
        return 0;
    int rc = seccomp_rule_add_array(ctx, action, nr, n, cmp);
    if (rc < 0) {
        snprintf(err, errlen, "seccomp rule for %s: %s", name, strerror(-rc));
        return -1;
    }
    return 0;
}

static int add_rules(scmp_filter_ctx ctx, char *err, size_t errlen)
{
    for (size_t i = 0; i < sizeof localbox_denied / sizeof *localbox_denied; i++)
        if (add_rule(ctx, SCMP_ACT_ERRNO(EPERM), localbox_denied[i], 0, NULL, err, errlen) < 0)
            return -1;

    for (size_t i = 0; i < sizeof localbox_ns_flags / sizeof *localbox_ns_flags; i++) {
        struct scmp_arg_cmp c = SCMP_A0(SCMP_CMP_MASKED_EQ, localbox_ns_flags[i], localbox_ns_flags[i]);
        if (add_rule(ctx, SCMP_ACT_ERRNO(EPERM), "clone", 1, &c, err, errlen) < 0)
            return -1;
    }
    /* clone3 passes its flags in memory a filter cannot read; ENOSYS makes
     * glibc fall back to clone(), whose flags are checked above. */
    if (add_rule(ctx, SCMP_ACT_ERRNO(ENOSYS), "clone3", 0, NULL, err, errlen) < 0)
        return -1;

    /* Pushing bytes into the terminal's input queue (TIOCSTI) or the
     * console (TIOCLINUX).  The command is compared on its low 32 bits. */
    const unsigned long ioctls[] = {TIOCSTI, TIOCLINUX};
    for (size_t i = 0; i < 2; i++) {
        struct scmp_arg_cmp c = SCMP_A1(SCMP_CMP_MASKED_EQ, 0xffffffffUL, ioctls[i]);
        if (add_rule(ctx, SCMP_ACT_ERRNO(EPERM), "ioctl", 1, &c, err, errlen) < 0)
            return -1;
    }

    /* No network at all, not even an attempt: only Unix sockets (Python's
     * socketpair, multiprocessing) may be created. */
    struct scmp_arg_cmp s = SCMP_A0(SCMP_CMP_NE, AF_UNIX);
    if (add_rule(ctx, SCMP_ACT_ERRNO(EAFNOSUPPORT), "socket", 1, &s, err, errlen) < 0)
        return -1;
    struct scmp_arg_cmp sp = SCMP_A0(SCMP_CMP_NE, AF_UNIX);
    if (add_rule(ctx, SCMP_ACT_ERRNO(EAFNOSUPPORT), "socketpair", 1, &sp, err, errlen) < 0)
        return -1;
    return 0;
}

int localbox_filter_build(unsigned char **bpf, size_t *len, char *err, size_t errlen)
{
    *bpf = NULL;
    *len = 0;
    scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
    if (!ctx) {
        snprintf(err, errlen, "seccomp_init failed");
        return -1;
    }
    int fd = -1, ret = -1;
    if (add_rules(ctx, err, errlen) < 0)
        goto out;
    fd = memfd_create("localbox-bpf", MFD_CLOEXEC);
    if (fd < 0) {
        snprintf(err, errlen, "memfd_create: %s", strerror(errno));
        goto out;
    }
    int rc = seccomp_export_bpf(ctx, fd);
    if (rc < 0) {
        snprintf(err, errlen, "seccomp_export_bpf: %s", strerror(-rc));
        goto out;
    }
    off_t size = lseek(fd, 0, SEEK_END);
    if (size <= 0 || size > (1 << 20) || lseek(fd, 0, SEEK_SET) != 0) {
        snprintf(err, errlen, "seccomp program has an unexpected size");
        goto out;
    }
    unsigned char *buf = xmalloc((size_t)size);
    size_t got = 0;
    while (got < (size_t)size) {
        ssize_t n = read(fd, buf + got, (size_t)size - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            free(buf);
            snprintf(err, errlen, "reading the seccomp program back failed");
            goto out;
        }
        got += (size_t)n;
    }
    *bpf = buf;
    *len = got;
    ret = 0;
out:
    if (fd >= 0)
        close(fd);
    seccomp_release(ctx);
    return ret;
}
