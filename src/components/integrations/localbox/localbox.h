/* localbox: the embedded sandbox provider.  Runs the candidate's Python and
 * the task's pytest on this machine inside bubblewrap (new user, pid,
 * mount, ipc, uts, cgroup and network namespaces; read-only /usr; a
 * size-capped tmpfs as /tmp), with a libseccomp filter, rlimits, a
 * wall-clock timeout that kills the whole pid namespace, and capped output.
 *
 * State: files written with write_file persist on the host under
 * <sandbox_root>/<assessment_id>/ and are copied into each run's fresh /tmp;
 * whatever a run writes itself is gone when the run ends.  execute is
 * stateless: the original kept one Jupyter kernel per sandbox, here every
 * call is a fresh interpreter (the editor always sends the whole file).
 *
 * Identity: as root, each run drops to an unprivileged host uid derived
 * from the assessment id (uid_base + id % uid_span) before exec'ing bwrap,
 * so RLIMIT_NPROC counts only that sandbox's processes; inside it is uid
 * 65534.  As a non-root user the sandbox runs under the server's own uid
 * and the process limit is added to that uid's current task count. */
#ifndef TALI_COMPONENTS_INTEGRATIONS_LOCALBOX_LOCALBOX_H
#define TALI_COMPONENTS_INTEGRATIONS_LOCALBOX_LOCALBOX_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "components/integrations/sandbox/sandbox.h"
#include "platform/config.h"

typedef struct {
    int wall_seconds;        /* whole run, then the pid namespace is killed (15) */
    int cpu_seconds;         /* RLIMIT_CPU per process (10) */
    size_t memory_bytes;     /* RLIMIT_AS per process (512 MiB) */
    int max_processes;       /* RLIMIT_NPROC (64) */
    size_t file_bytes;       /* RLIMIT_FSIZE (16 MiB) */
    int max_open_files;      /* RLIMIT_NOFILE (256) */
    size_t output_bytes;     /* per stream; more is cut with a marker and the run stopped (1 MiB) */
    size_t tmp_bytes;        /* size of the /tmp tmpfs (64 MiB) */
    size_t shm_bytes;        /* size of the /dev/shm tmpfs (16 MiB) */
    uid_t uid_base;          /* first host uid for sandboxes when run as root (1600000000) */
    uint32_t uid_span;       /* number of host uids used (1000000) */
    const char *bwrap_path;  /* NULL: /usr/bin/bwrap */
    const char *python_path; /* NULL: /usr/bin/python3 */
} localbox_limits_t;

/* Fills *out with the defaults listed above. */
void localbox_limits_default(localbox_limits_t *out);

/* A localbox provider working under c->sandbox_root with the default
 * limits.  The configuration must outlive the provider.  Never NULL
 * (allocation failure aborts); problems with the machine (no bwrap, no user
 * namespaces, a seccomp filter that cannot be built) are reported by
 * available(), not here.  Release with p->free(p->self); free(p) is done by
 * that call too. */
sandbox_provider_t *localbox_provider_new(const config_t *c);

/* The same with explicit limits (copied; string members are copied too). */
sandbox_provider_t *localbox_provider_new_with(const config_t *c, const localbox_limits_t *lim);

#endif
