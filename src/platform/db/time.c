/* Timestamps: µs since the epoch in UTC, converted with proleptic Gregorian
 * arithmetic so that neither the process time zone nor the C library's
 * time_t range is involved. */
#include <ctype.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "platform/db/db_internal.h"

#define US_PER_SEC INT64_C(1000000)
#define US_PER_DAY (INT64_C(86400) * US_PER_SEC)

/* Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

static int days_in_month(int64_t y, int m)
{
    static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : dm[m - 1];
}

int64_t db_now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * US_PER_SEC + ts.tv_nsec / 1000;
}

/* Reads exactly n digits. */
static bool digits(const char **p, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (!isdigit((unsigned char)(*p)[i]))
            return false;
        v = v * 10 + ((*p)[i] - '0');
    }
    *p += n;
    *out = v;
    return true;
}

bool db_parse_time(const char *s, int64_t *out)
{
    int y, mo, d, h, mi, sec;
    const char *p = s;
    if (!s)
        return false;
    if (!digits(&p, 4, &y) || *p++ != '-' || !digits(&p, 2, &mo) || *p++ != '-' || !digits(&p, 2, &d))
        return false;
    if (*p != 'T' && *p != 't' && *p != ' ')
        return false;
    p++;
    if (!digits(&p, 2, &h) || *p++ != ':' || !digits(&p, 2, &mi) || *p++ != ':' || !digits(&p, 2, &sec))
        return false;
    if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) || h > 23 || mi > 59 || sec > 59)
        return false;
    int64_t frac = 0;
    if (*p == '.') {
        p++;
        if (!isdigit((unsigned char)*p))
            return false;
        int n = 0;
        /* Digits past the sixth are below our resolution: truncated. */
        for (; isdigit((unsigned char)*p); p++, n++)
            if (n < 6)
                frac = frac * 10 + (*p - '0');
        for (; n < 6; n++)
            frac *= 10;
    }
    int64_t offset_s = 0;
    if (*p == 'Z' || *p == 'z') {
        p++;
    } else if (*p == '+' || *p == '-') {
        int sign = *p++ == '-' ? -1 : 1;
        int oh, om = 0;
        if (!digits(&p, 2, &oh))
            return false;
        if (*p == ':') {
            p++;
            if (!digits(&p, 2, &om))
                return false;
        } else if (isdigit((unsigned char)*p)) {
            if (!digits(&p, 2, &om))
                return false;
        }
        if (oh > 23 || om > 59)
            return false;
        offset_s = sign * (oh * 3600 + om * 60);
    }
    if (*p != '\0')
        return false;
    int64_t secs = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec - offset_s;
    *out = secs * US_PER_SEC + frac;
    return true;
}

/* Splits us into calendar fields; the fraction is always non-negative. */
static void split_time(int64_t us, int64_t *y, int *mo, int *d, int *h, int *mi, int *s, int64_t *frac)
{
    int64_t days = us / US_PER_DAY;
    int64_t rem = us % US_PER_DAY;
    if (rem < 0) {
        rem += US_PER_DAY;
        days--;
    }
    civil_from_days(days, y, mo, d);
    int64_t secs = rem / US_PER_SEC;
    *frac = rem % US_PER_SEC;
    *h = (int)(secs / 3600);
    *mi = (int)(secs / 60 % 60);
    *s = (int)(secs % 60);
}

/* Copies the formatted text into the caller's 40-byte buffer.  Formatting
 * goes through a wider scratch buffer because the compiler cannot see that
 * the calendar fields are small (-O3 then reports possible truncation,
 * an error under -Werror); every real value fits 40 bytes with room. */
static char *time_copy_out(const char *scratch, char buf[40])
{
    size_t n = strlen(scratch);
    if (n > 39)
        n = 39;
    memcpy(buf, scratch, n);
    buf[n] = '\0';
    return buf;
}

char *db_format_time(int64_t us, const char *suffix, char buf[40])
{
    int64_t y, frac;
    int mo, d, h, mi, s;
    split_time(us, &y, &mo, &d, &h, &mi, &s, &frac);
    char tmp[160];
    if (frac)
        snprintf(tmp, sizeof tmp, "%04" PRId64 "-%02d-%02dT%02d:%02d:%02d.%06" PRId64 "%.32s", y, mo, d, h, mi, s, frac,
                 suffix ? suffix : "");
    else
        snprintf(tmp, sizeof tmp, "%04" PRId64 "-%02d-%02dT%02d:%02d:%02d%.32s", y, mo, d, h, mi, s,
                 suffix ? suffix : "");
    return time_copy_out(tmp, buf);
}

char *db_time_storage_text(int64_t us, bool with_offset, char buf[40])
{
    int64_t y, frac;
    int mo, d, h, mi, s;
    split_time(us, &y, &mo, &d, &h, &mi, &s, &frac);
    /* Always six fraction digits: SQLite compares these as text, so every
     * stored time must have the same shape. */
    char tmp[160];
    snprintf(tmp, sizeof tmp, "%04" PRId64 "-%02d-%02d %02d:%02d:%02d.%06" PRId64 "%s", y, mo, d, h, mi, s, frac,
             with_offset ? "+00" : "");
    return time_copy_out(tmp, buf);
}

void db_format_real(double d, char *buf, size_t len)
{
    if (isnan(d)) {
        snprintf(buf, len, "NaN");
        return;
    }
    if (isinf(d)) {
        snprintf(buf, len, d > 0 ? "Infinity" : "-Infinity");
        return;
    }
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(buf, len, "%.*g", prec, d);
        if (strtod(buf, NULL) == d)
            return;
    }
}
