#include "platform/ratelimit.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "platform/mem.h"

/* Per-key log of admitted request times, a ring of `cap` slots: at most
 * `limit` entries can be inside the window, so the ring never overflows. */
struct rl_entry {
    struct rl_entry *next;
    char *key;
    int64_t *ts;
    int cap, head, count;
};

struct ratelimit {
    pthread_mutex_t mu;
    int64_t window_ms;
    ratelimit_clock_fn clock;
    void *clock_ctx;
    struct rl_entry **buckets;
    size_t nbuckets, nkeys;
    int64_t last_sweep;
    size_t sweep_threshold;
};

#define RL_MIN_SWEEP_THRESHOLD 4096

static const ratelimit_class_t RL_AUTH = {"auth", 10};
static const ratelimit_class_t RL_CANDIDATE = {"candidate_token", 15};
static const ratelimit_class_t RL_ASSESSMENT = {"assessment", 30};

const ratelimit_class_t *ratelimit_classify(const char *path)
{
    if (!path)
        return NULL;
    /* today's original adds /auth/jwt/login and /auth/accept-invite to the
     * shared auth bucket (identity spec §1.1) */
    if (strstr(path, "/api/v1/auth/login") || strstr(path, "/api/v1/auth/jwt/login") ||
        strstr(path, "/api/v1/auth/register") || strstr(path, "/api/v1/auth/forgot-password") ||
        strstr(path, "/api/v1/auth/accept-invite"))
        return &RL_AUTH;
    if (strstr(path, "/api/v1/assessments/token/"))
        return &RL_CANDIDATE;
    if (strstr(path, "/api/v1/assessments/") &&
        (strstr(path, "/start") || strstr(path, "/execute") || strstr(path, "/submit") || strstr(path, "/claude") ||
         strstr(path, "/upload-cv")))
        return &RL_ASSESSMENT;
    return NULL;
}

static int64_t rl_monotonic_ms(void *ctx)
{
    (void)ctx;
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

ratelimit_t *ratelimit_new(int64_t window_ms, ratelimit_clock_fn clock, void *clock_ctx)
{
    ratelimit_t *rl = xcalloc(1, sizeof(*rl));
    pthread_mutex_init(&rl->mu, NULL);
    rl->window_ms = window_ms > 0 ? window_ms : RATELIMIT_WINDOW_MS;
    rl->clock = clock ? clock : rl_monotonic_ms;
    rl->clock_ctx = clock_ctx;
    rl->nbuckets = 256;
    rl->buckets = xcalloc(rl->nbuckets, sizeof(*rl->buckets));
    rl->last_sweep = rl->clock(rl->clock_ctx);
    rl->sweep_threshold = RL_MIN_SWEEP_THRESHOLD;
    return rl;
}

static void rl_entry_free(struct rl_entry *e)
{
    free(e->key);
    free(e->ts);
    free(e);
}

static void rl_clear_locked(ratelimit_t *rl)
{
    for (size_t i = 0; i < rl->nbuckets; i++) {
        struct rl_entry *e = rl->buckets[i];
        while (e) {
            struct rl_entry *next = e->next;
            rl_entry_free(e);
            e = next;
        }
        rl->buckets[i] = NULL;
    }
    rl->nkeys = 0;
}

void ratelimit_free(ratelimit_t *rl)
{
    if (!rl)
        return;
    rl_clear_locked(rl);
    free(rl->buckets);
    pthread_mutex_destroy(&rl->mu);
    free(rl);
}

static size_t rl_hash(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ULL;
    }
    return (size_t)h;
}

static void rl_grow(ratelimit_t *rl)
{
    size_t nb = rl->nbuckets * 2;
    struct rl_entry **b = xcalloc(nb, sizeof(*b));
    for (size_t i = 0; i < rl->nbuckets; i++) {
        struct rl_entry *e = rl->buckets[i];
        while (e) {
            struct rl_entry *next = e->next;
            size_t j = rl_hash(e->key) & (nb - 1);
            e->next = b[j];
            b[j] = e;
            e = next;
        }
    }
    free(rl->buckets);
    rl->buckets = b;
    rl->nbuckets = nb;
}

/* Drops entries older than the window from the front of e's ring. */
static void rl_prune(const ratelimit_t *rl, struct rl_entry *e, int64_t now)
{
    while (e->count > 0 && now - e->ts[e->head] >= rl->window_ms) {
        e->head = (e->head + 1) % e->cap;
        e->count--;
    }
}

/* Removes keys with nothing left in the window.  Runs once per window, or
 * sooner when many keys piled up, so idle clients do not accumulate. */
static void rl_sweep(ratelimit_t *rl, int64_t now)
{
    for (size_t i = 0; i < rl->nbuckets; i++) {
        struct rl_entry **pp = &rl->buckets[i];
        while (*pp) {
            struct rl_entry *e = *pp;
            rl_prune(rl, e, now);
            if (e->count == 0) {
                *pp = e->next;
                rl_entry_free(e);
                rl->nkeys--;
            } else {
                pp = &e->next;
            }
        }
    }
    rl->last_sweep = now;
    rl->sweep_threshold = rl->nkeys * 2 > RL_MIN_SWEEP_THRESHOLD ? rl->nkeys * 2 : RL_MIN_SWEEP_THRESHOLD;
}

bool ratelimit_admit(ratelimit_t *rl, const char *key, int limit, int *retry_after_s)
{
    pthread_mutex_lock(&rl->mu);
    int64_t now = rl->clock(rl->clock_ctx);
    if (now - rl->last_sweep >= rl->window_ms || rl->nkeys >= rl->sweep_threshold)
        rl_sweep(rl, now);

    size_t h = rl_hash(key) & (rl->nbuckets - 1);
    struct rl_entry *e = rl->buckets[h];
    while (e && strcmp(e->key, key) != 0)
        e = e->next;
    if (!e) {
        e = xcalloc(1, sizeof(*e));
        e->key = xstrdup(key);
        e->next = rl->buckets[h];
        rl->buckets[h] = e;
        rl->nkeys++;
    }
    rl_prune(rl, e, now);

    bool admitted = false;
    if (limit > 0 && e->count < limit) {
        if (e->cap < limit) {
            /* re-pack the ring into a larger one, oldest first */
            int64_t *ts = xcalloc((size_t)limit, sizeof(*ts));
            for (int i = 0; i < e->count; i++)
                ts[i] = e->ts[(e->head + i) % e->cap];
            free(e->ts);
            e->ts = ts;
            e->cap = limit;
            e->head = 0;
        }
        e->ts[(e->head + e->count) % e->cap] = now;
        e->count++;
        admitted = true;
    } else if (retry_after_s) {
        int64_t wait_ms = e->count > 0 ? e->ts[e->head] + rl->window_ms - now : rl->window_ms;
        int64_t secs = (wait_ms + 999) / 1000;
        *retry_after_s = secs < 1 ? 1 : (int)secs;
    }
    if (rl->nkeys > rl->nbuckets * 2)
        rl_grow(rl);
    pthread_mutex_unlock(&rl->mu);
    return admitted;
}

size_t ratelimit_size(ratelimit_t *rl)
{
    pthread_mutex_lock(&rl->mu);
    size_t n = rl->nkeys;
    pthread_mutex_unlock(&rl->mu);
    return n;
}

void ratelimit_clear(ratelimit_t *rl)
{
    pthread_mutex_lock(&rl->mu);
    rl_clear_locked(rl);
    pthread_mutex_unlock(&rl->mu);
}

static bool rl_is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

char *ratelimit_client_ip(const char *xff, const char *peer, bool trust_xff, char *buf, size_t buflen)
{
    if (buflen == 0)
        return buf;
    if (trust_xff && xff) {
        const char *end = strchr(xff, ',');
        if (!end)
            end = xff + strlen(xff);
        const char *start = xff;
        while (start < end && rl_is_blank(*start))
            start++;
        while (end > start && rl_is_blank(end[-1]))
            end--;
        if (end > start) {
            size_t n = (size_t)(end - start);
            if (n >= buflen)
                n = buflen - 1;
            memcpy(buf, start, n);
            buf[n] = '\0';
            return buf;
        }
    }
    snprintf(buf, buflen, "%s", peer && *peer ? peer : "unknown");
    return buf;
}
