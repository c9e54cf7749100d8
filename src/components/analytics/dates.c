/* analytics: the date_from / date_to values of N1 (v2 spec §2.11), read
 * as Python's datetime.fromisoformat read them: YYYY-MM-DD, optionally
 * with "T" or " " and HH[:MM[:SS[.ffffff]]], optionally with "Z" or an
 * offset +HH[:MM]; no offset means UTC. */
#include <ctype.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include "components/analytics/analytics.h"

/* n digits at *p into *v, advancing *p; false when they are not digits. */
static bool dates_digits(const char **p, int n, int *v)
{
    int x = 0;
    for (int i = 0; i < n; i++) {
        if (!isdigit((unsigned char)(*p)[i]))
            return false;
        x = x * 10 + ((*p)[i] - '0');
    }
    *p += n;
    *v = x;
    return true;
}

static bool dates_valid_day(int y, int m, int d)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m < 1 || m > 12 || d < 1)
        return false;
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return d <= days[m - 1] + (m == 2 && leap);
}

/* HH[:MM[:SS[.f{1,6}]]] into seconds and µs. */
static bool dates_time(const char **p, int64_t *secs, int64_t *us)
{
    int h = 0, mi = 0, s = 0;
    if (!dates_digits(p, 2, &h) || h > 23)
        return false;
    if (**p == ':') {
        (*p)++;
        if (!dates_digits(p, 2, &mi) || mi > 59)
            return false;
        if (**p == ':') {
            (*p)++;
            if (!dates_digits(p, 2, &s) || s > 59)
                return false;
            if (**p == '.' || **p == ',') {
                (*p)++;
                int k = 0;
                int64_t f = 0;
                while (isdigit((unsigned char)**p) && k < 6) {
                    f = f * 10 + (**p - '0');
                    (*p)++;
                    k++;
                }
                if (k == 0 || isdigit((unsigned char)**p))
                    return false;
                while (k++ < 6)
                    f *= 10;
                *us = f;
            }
        }
    }
    *secs = (int64_t)h * 3600 + mi * 60 + s;
    return true;
}

/* "Z" or +HH[:MM] / -HH[:MM] (seconds east of UTC into *off). */
static bool dates_offset(const char **p, int64_t *off)
{
    if (**p == 'Z') {
        (*p)++;
        return true;
    }
    if (**p != '+' && **p != '-')
        return **p == '\0';
    int sign = **p == '-' ? -1 : 1, h = 0, m = 0;
    (*p)++;
    if (!dates_digits(p, 2, &h) || h > 23)
        return false;
    if (**p == ':')
        (*p)++;
    if (**p && (!dates_digits(p, 2, &m) || m > 59))
        return false;
    *off = sign * ((int64_t)h * 3600 + m * 60);
    return true;
}

bool analytics_parse_date(const char *value, bool end_of_day, int64_t *us, bool *blank)
{
    const char *b = value, *e = value + strlen(value);
    while (b < e && isspace((unsigned char)*b))
        b++;
    while (e > b && isspace((unsigned char)e[-1]))
        e--;
    *blank = b == e;
    if (*blank)
        return true;
    char raw[64];
    if ((size_t)(e - b) >= sizeof raw)
        return false;
    memcpy(raw, b, (size_t)(e - b));
    raw[e - b] = '\0';
    const char *p = raw;
    int y, mo, d;
    if (!dates_digits(&p, 4, &y) || *p++ != '-' || !dates_digits(&p, 2, &mo) || *p++ != '-' ||
        !dates_digits(&p, 2, &d) || !dates_valid_day(y, mo, d))
        return false;
    int64_t secs = 0, frac = 0, off = 0;
    bool has_time = *p == 'T' || *p == ' ';
    if (has_time) {
        p++;
        if (!dates_time(&p, &secs, &frac))
            return false;
    }
    if (!dates_offset(&p, &off) || *p)
        return false;
    struct tm tm = {.tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d};
    int64_t t = (int64_t)timegm(&tm) + secs - off;
    *us = t * 1000000 + frac;
    if (end_of_day && !has_time)
        *us += (int64_t)86400 * 1000000 - 1;
    return true;
}
