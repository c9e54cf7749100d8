/* localbox internals shared by localbox.c (the provider), run.c (one
 * sandboxed process) and filter.c (the seccomp program).  Only these three
 * files include it. */
#ifndef TALI_COMPONENTS_INTEGRATIONS_LOCALBOX_INTERNAL_H
#define TALI_COMPONENTS_INTEGRATIONS_LOCALBOX_INTERNAL_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "components/integrations/localbox/localbox.h"
#include "platform/err.h"
#include "platform/mem.h"

#define LOCALBOX_LOGGER "tali.localbox"
#define LOCALBOX_SANDBOX_UID 65534 /* the uid and gid seen inside */
#define LOCALBOX_MAX_FILES 64      /* persisted files copied into one run */

/* A top-level system path of the host as the sandbox mirrors it: a
 * read-only bind of a directory, or the same relative symlink (merged-/usr
 * systems have /bin -> usr/bin). */
typedef struct {
    char path[16];
    bool is_symlink;
    char target[64];
} localbox_sysdir_t;

typedef struct localbox {
    sandbox_provider_t prov; /* prov.self points back here */
    char *root;              /* absolute sandbox_root */
    localbox_limits_t lim;   /* bwrap_path and python_path are heap copies */
    bool as_root;            /* drop to uid_base + id % uid_span per run */
    localbox_sysdir_t sys[8];
    size_t nsys;

    /* the seccomp program (BPF), built once at creation; read-only after */
    unsigned char *bpf;
    size_t bpf_len;
    char bpf_err[256]; /* why it could not be built, when bpf is NULL */

    /* available(): probed once, then cached */
    pthread_mutex_t mu;
    int probed; /* 0 not yet, 1 ok, -1 unavailable */
    char why[512];
} localbox_t;

/* One sandboxed command. */
typedef struct {
    const char *const *argv; /* the program inside (NULL-terminated) */
    int64_t assessment_id;   /* selects the host uid when run as root */
    int dirfd;               /* the host work dir whose files are copied in, or -1 */
    const char *extra_name;  /* an extra file for /tmp (e.g. main.py), or NULL */
    const char *extra_data;
    size_t extra_len;
} localbox_job_t;

/* What happened to it. */
typedef struct {
    mem_buf_t out, err;    /* captured, each at most output_bytes + marker */
    bool out_cut, err_cut; /* a stream went over output_bytes */
    bool timed_out;        /* killed at wall_seconds */
    bool exited;           /* bwrap exited by itself (exit_code valid) */
    int exit_code;         /* bwrap passes on the program's code; 128+n for signal n */
    int signo;             /* bwrap was killed by this signal (not exited) */
    int64_t cpu_ms;        /* CPU time of bwrap and everything it reaped */
} localbox_outcome_t;

/* Runs job in a fresh sandbox and waits for it (at most wall_seconds plus a
 * second of draining).  ERR_OK when the process was started and reaped
 * (whatever the program did); otherwise an error with a sentence in err
 * (pipe/fork/memfd failures).  out is filled on ERR_OK; release it with
 * localbox_outcome_free in every case. */
err_t localbox_run(const localbox_t *lb, const localbox_job_t *job, localbox_outcome_t *out, char *err, size_t errlen);

void localbox_outcome_free(localbox_outcome_t *o);

/* True when the outcome is bwrap failing to build the sandbox (it exits 1
 * with a "bwrap: " message before the program ran). */
bool localbox_outcome_setup_failed(const localbox_outcome_t *o);

/* Builds the seccomp deny-list program and exports it as BPF into *bpf
 * (heap, caller frees) / *len.  Returns 0, or -1 with a sentence in err. */
int localbox_filter_build(unsigned char **bpf, size_t *len, char *err, size_t errlen);

#endif
