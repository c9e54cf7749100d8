/* ratelimit: the in-process sliding-log rate limiter of api-contract §1.6
 * and platform-integrations §2.4.
 *
 * Each key ("auth:203.0.113.7") keeps the times of its admitted requests
 * within the window; a request is refused when the key already holds
 * `limit` of them.  Refused requests are not recorded.  State is per
 * process.  Thread-safe: one mutex guards the table.  Memory stays
 * bounded by the keys active within the last window or two: keys whose
 * entries have all expired are dropped by a periodic sweep. */
#ifndef TALI_PLATFORM_RATELIMIT_H
#define TALI_PLATFORM_RATELIMIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct ratelimit ratelimit_t;

/* A monotonic clock in milliseconds; ctx is passed through. */
typedef int64_t (*ratelimit_clock_fn)(void *ctx);

/* The window of the original: 60 s. */
#define RATELIMIT_WINDOW_MS 60000

/* A bucket class: the key prefix and the requests allowed per window. */
typedef struct {
    const char *name; /* "auth", "candidate_token", "assessment" */
    int limit;        /* 10, 15, 30 */
} ratelimit_class_t;

/* The class a request path falls in, by the original's substring tests in
 * their order, or NULL when the path is not limited.  The result is
 * static. */
const ratelimit_class_t *ratelimit_classify(const char *path);

/* A limiter with the given window.  clock NULL means CLOCK_MONOTONIC
 * (tests pass a fake one).  Free with ratelimit_free. */
ratelimit_t *ratelimit_new(int64_t window_ms, ratelimit_clock_fn clock, void *clock_ctx);
void ratelimit_free(ratelimit_t *rl);

/* Records one request for key if fewer than limit are inside the window
 * and returns true.  Otherwise returns false and, when retry_after_s is not
 * NULL, stores the whole seconds until the oldest entry leaves the window
 * (rounded up, at least 1).  key is copied. */
bool ratelimit_admit(ratelimit_t *rl, const char *key, int limit, int *retry_after_s);

/* Number of keys held (for tests and metrics). */
size_t ratelimit_size(ratelimit_t *rl);

/* Forgets every key. */
void ratelimit_clear(ratelimit_t *rl);

/* The client identity: the first comma-separated entry of xff, trimmed,
 * when trust_xff and that entry is non-empty; else peer; else "unknown".
 * Writes into buf (truncating to buflen-1) and returns buf. */
char *ratelimit_client_ip(const char *xff, const char *peer, bool trust_xff, char *buf, size_t buflen);

#endif
