#include "platform/log.h"

#include <ctype.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "platform/json.h"
#include "platform/mem.h"
#include "shared/text.h"

/* Output settings are configuration: set at start-up (or by tests), read
 * by every thread.  The mutex also makes each line one uninterrupted write. */
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static FILE *log_stream;
static atomic_int log_min_level = LOG_INFO;

static _Thread_local const char *log_rid;

static const char *const log_level_names[] = {"DEBUG", "INFO", "WARNING", "ERROR"};

void log_set_request_id(const char *rid)
{
    log_rid = rid;
}

const char *log_request_id(void)
{
    return log_rid;
}

void log_set_level(log_level_t level)
{
    atomic_store(&log_min_level, (int)level);
}

int log_parse_level(const char *s, log_level_t *out)
{
    static const struct {
        const char *name;
        log_level_t level;
    } names[] = {
        {"debug", LOG_DEBUG}, {"info", LOG_INFO}, {"warning", LOG_WARNING}, {"warn", LOG_WARNING}, {"error", LOG_ERROR},
    };
    if (!s)
        return -1;
    while (isspace((unsigned char)*s))
        s++;
    size_t len = strlen(s);
    while (len > 0 && isspace((unsigned char)s[len - 1]))
        len--;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strlen(names[i].name) == len && strncasecmp(s, names[i].name, len) == 0) {
            *out = names[i].level;
            return 0;
        }
    return -1;
}

void log_set_stream(FILE *f)
{
    pthread_mutex_lock(&log_lock);
    log_stream = f;
    pthread_mutex_unlock(&log_lock);
}

/* A JSON string for text that may hold invalid UTF-8 (messages format
 * arbitrary input): bad bytes become U+FFFD, as Python's "replace" would. */
static json_t *log_string(const char *s)
{
    size_t n = strlen(s);
    char *text = xmalloc(UTF8_SCRUB_MAX(n));
    utf8_scrub(s, n, text);
    json_t *v = json_string(text);
    free(text);
    return v ? v : json_string("");
}

/* "2026-02-11T10:15:30.123456Z"; the fraction only when non-zero, as
 * Python's isoformat(). */
static void log_timestamp(char out[40])
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    struct tm tm;
    gmtime_r(&ts.tv_sec, &tm);
    long us = ts.tv_nsec / 1000;
    size_t n = strftime(out, 40, "%Y-%m-%dT%H:%M:%S", &tm);
    if (us)
        snprintf(out + n, 40 - n, ".%06ldZ", us);
    else
        snprintf(out + n, 40 - n, "Z");
}

static bool log_reserved(const char *key)
{
    return !strcmp(key, "timestamp") || !strcmp(key, "level") || !strcmp(key, "logger") || !strcmp(key, "request_id") ||
           !strcmp(key, "message");
}

static void log_vwrite(log_level_t level, const char *logger, const json_t *fields, const char *fmt, va_list ap)
{
    if ((int)level < atomic_load(&log_min_level))
        return;
    if (level < LOG_DEBUG || level > LOG_ERROR)
        level = LOG_ERROR;

    char ts[40];
    log_timestamp(ts);
    char *msg = NULL;
    if (vasprintf(&msg, fmt, ap) < 0)
        msg = NULL;

    json_t *o = json_object();
    json_object_set_new(o, "timestamp", json_string(ts));
    json_object_set_new(o, "level", json_string(log_level_names[level]));
    json_object_set_new(o, "logger", log_string(logger ? logger : "tali"));
    if (log_rid)
        json_object_set_new(o, "request_id", log_string(log_rid));
    json_object_set_new(o, "message", log_string(msg ? msg : fmt));
    free(msg);
    if (json_is_object(fields)) {
        const char *k;
        json_t *v;
        /* the fixed keys keep their meaning whatever a caller passes */
        json_object_foreach((json_t *)fields, k, v) if (!log_reserved(k)) json_object_set(o, k, v);
    }

    mem_buf_t line = {0};
    json_encode_buf(&line, o, true);
    mem_buf_append(&line, "\n", 1);
    json_decref(o);

    pthread_mutex_lock(&log_lock);
    FILE *f = log_stream ? log_stream : stdout;
    fwrite(line.data, 1, line.len, f);
    fflush(f);
    pthread_mutex_unlock(&log_lock);
    mem_buf_free(&line);
}

void log_msg(log_level_t level, const char *logger, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    log_vwrite(level, logger, NULL, fmt, ap);
    va_end(ap);
}

void log_fields(log_level_t level, const char *logger, const json_t *fields, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    log_vwrite(level, logger, fields, fmt, ap);
    va_end(ap);
}
