/* assessments_report: draws the assessment report with cairo's PDF surface.
 *
 * Layout is a single column flowing down A4 pages: report_need() starts a
 * new page whenever the next row would cross the bottom margin, so any
 * amount of timeline fits.  Every string from the assessment goes through
 * report_clean() first: cairo puts a context into a permanent error state on
 * invalid UTF-8, and control characters would draw as boxes. */
#include "components/assessments_report/assessments_report.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "platform/json.h"
#include "platform/mem.h"
#include "shared/text.h"

/* A4 in PostScript points. */
#define REPORT_PAGE_W 595.276
#define REPORT_PAGE_H 841.890
#define REPORT_MARGIN 56.0
#define REPORT_CONTENT_W (REPORT_PAGE_W - 2 * REPORT_MARGIN)
#define REPORT_BOTTOM (REPORT_PAGE_H - REPORT_MARGIN)
#define REPORT_FONT "DejaVu Sans"
#define REPORT_TITLE_SIZE 20.0
#define REPORT_HEADING_SIZE 13.0
#define REPORT_BODY_SIZE 10.0
#define REPORT_SMALL_SIZE 8.5
#define REPORT_LEADING 1.45
#define REPORT_LABEL_W 140.0 /* label column of key/value rows */
#define REPORT_TIME_W 130.0  /* time column of the timeline */
#define REPORT_BAR_X 300.0   /* offset of the category score bars */
#define REPORT_BAR_W 150.0
/* A timeline prompt is the candidate's whole message; past this many bytes
 * it is cut (at a character boundary) so one runaway prompt cannot turn the
 * report into hundreds of pages.  Recruiter notes are never cut. */
#define REPORT_PROMPT_MAX 2000

typedef struct {
    cairo_surface_t *surface;
    cairo_t *cr;
    mem_buf_t out;    /* the PDF bytes cairo has written so far */
    double y;         /* top of the next row on the current page */
    int page;         /* 1-based number of the page being drawn */
    char footer[160]; /* cleaned text printed at the foot of each page */
} report_doc_t;

/* ---- text hygiene ------------------------------------------------------ */

/* A heap copy of s (NULL reads as "") that is valid UTF-8 with no control
 * characters except '\n': invalid bytes become U+FFFD, tabs and other
 * controls become spaces, CR and CRLF become '\n'.  At most max_bytes of
 * input are taken (0 = all); a cut text ends with an ellipsis.  The caller
 * frees the result. */
static char *report_clean(const char *s, size_t max_bytes)
{
    mem_buf_t b = {0};
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    size_t len = strlen((const char *)p);
    bool cut = false;

    if (max_bytes > 0 && len > max_bytes) {
        /* Cut at a character boundary (p[len] is the first byte left out). */
        len = max_bytes;
        for (int back = 0; back < 3 && len > 0 && (p[len] & 0xC0) == 0x80; back++)
            len--;
        cut = true;
    }
    size_t i = 0;
    while (i < len) {
        uint32_t cp;
        size_t n = utf8_decode((const char *)p, len, i, &cp);
        if (n == 0) {
            mem_buf_append(&b, TEXT_REPLACEMENT_UTF8, 3);
            i++;
            continue;
        }
        if (cp == '\r') {
            mem_buf_append(&b, "\n", 1);
            if (i + 1 < len && p[i + 1] == '\n')
                i++;
        } else if (cp == '\n') {
            mem_buf_append(&b, "\n", 1);
        } else if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F)) {
            mem_buf_append(&b, " ", 1);
        } else {
            mem_buf_append(&b, p + i, n);
        }
        i += n;
    }
    if (cut)
        mem_buf_append(&b, "\xE2\x80\xA6", 3);
    return mem_buf_take(&b);
}

/* report_clean for text drawn on one row: line breaks become spaces. */
static char *report_clean_line(const char *s, size_t max_bytes)
{
    char *c = report_clean(s, max_bytes);
    for (char *p = c; *p; p++) {
        if (*p == '\n')
            *p = ' ';
    }
    return c;
}

/* Bytes in the UTF-8 character whose lead byte is c (text already clean). */
static size_t report_char_len(unsigned char c)
{
    if (c < 0x80)
        return 1;
    if (c < 0xE0)
        return 2;
    if (c < 0xF0)
        return 3;
    return 4;
}

/* ---- page handling ----------------------------------------------------- */

static void report_font(report_doc_t *d, bool bold, double size)
{
    cairo_select_font_face(d->cr, REPORT_FONT, CAIRO_FONT_SLANT_NORMAL,
                           bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(d->cr, size);
}

static void report_grey(report_doc_t *d, double level)
{
    cairo_set_source_rgb(d->cr, level, level, level);
}

/* The footer of the current page: report name and page number. */
static void report_footer(report_doc_t *d)
{
    char text[200];

    cairo_save(d->cr);
    report_font(d, false, REPORT_SMALL_SIZE);
    report_grey(d, 0.45);
    snprintf(text, sizeof text, "%s \xC2\xB7 page %d", d->footer, d->page);
    cairo_move_to(d->cr, REPORT_MARGIN, REPORT_PAGE_H - 30.0);
    cairo_show_text(d->cr, text);
    cairo_restore(d->cr);
}

/* Makes room for a row of height h: when it would cross the bottom margin
 * the page is closed and drawing continues at the top of a new one. */
static void report_need(report_doc_t *d, double h)
{
    if (d->y + h <= REPORT_BOTTOM)
        return;
    report_footer(d);
    cairo_show_page(d->cr);
    d->page++;
    d->y = REPORT_MARGIN;
}

/* How many bytes of s[0..n) fit in width with the current font: breaks
 * after the last space that fits, or inside a word longer than the line.
 * Always at least one character, so wrapping makes progress. */
static size_t report_fit(cairo_t *cr, const char *s, size_t n, double width)
{
    double w = 0;
    size_t i = 0, brk = 0;
    char ch[5];

    while (i < n) {
        size_t cl = report_char_len((unsigned char)s[i]);
        if (cl > n - i)
            cl = n - i;
        memcpy(ch, s + i, cl);
        ch[cl] = '\0';
        cairo_text_extents_t e;
        cairo_text_extents(cr, ch, &e);
        if (i > 0 && w + e.x_advance > width)
            break;
        if (s[i] == ' ' && i > 0)
            brk = i;
        w += e.x_advance;
        i += cl;
    }
    if (i >= n || s[i] == ' ')
        return i;
    return brk > 0 ? brk : i;
}

/* Draws raw text (cleaned here; prompt_max as for report_clean) at column
 * x within width, one row per wrapped line, in the current font of the
 * given size.  Blank lines in the text are kept. */
static void report_wrap(report_doc_t *d, double x, double width, const char *raw, double size, size_t prompt_max)
{
    char *text = report_clean(raw, prompt_max);
    double lh = size * REPORT_LEADING;
    const char *p = text;

    while (p) {
        const char *nl = strchr(p, '\n');
        size_t plen = nl ? (size_t)(nl - p) : strlen(p);
        size_t off = 0;

        if (plen == 0) {
            report_need(d, lh);
            d->y += lh;
        }
        while (off < plen) {
            size_t n = report_fit(d->cr, p + off, plen - off, width);
            report_need(d, lh);
            char *line = xstrndup(p + off, n);
            cairo_move_to(d->cr, x, d->y + size);
            cairo_show_text(d->cr, line);
            free(line);
            d->y += lh;
            off += n;
            while (off < plen && p[off] == ' ')
                off++;
        }
        p = nl ? nl + 1 : NULL;
    }
    free(text);
}

/* A section title with a rule under it, kept on the same page as at least
 * two rows of its content. */
static void report_heading(report_doc_t *d, const char *title)
{
    double lh = REPORT_HEADING_SIZE * REPORT_LEADING;

    report_need(d, 10.0 + lh + 2 * REPORT_BODY_SIZE * REPORT_LEADING);
    d->y += 10.0;
    report_font(d, true, REPORT_HEADING_SIZE);
    report_grey(d, 0.0);
    cairo_move_to(d->cr, REPORT_MARGIN, d->y + REPORT_HEADING_SIZE);
    cairo_show_text(d->cr, title);
    d->y += lh;
    cairo_set_line_width(d->cr, 0.6);
    report_grey(d, 0.7);
    cairo_move_to(d->cr, REPORT_MARGIN, d->y - 3.0);
    cairo_line_to(d->cr, REPORT_MARGIN + REPORT_CONTENT_W, d->y - 3.0);
    cairo_stroke(d->cr);
    d->y += 3.0;
}

/* One "label  value" row with a label column label_w wide: the label is
 * cut to fit its column, the value wraps within the rest. */
static void report_row(report_doc_t *d, const char *label, double label_w, const char *value)
{
    char *lclean = report_clean_line(label, 0);

    report_need(d, REPORT_BODY_SIZE * REPORT_LEADING);
    report_font(d, false, REPORT_BODY_SIZE);
    report_grey(d, 0.35);
    lclean[report_fit(d->cr, lclean, strlen(lclean), label_w - 6.0)] = '\0';
    cairo_move_to(d->cr, REPORT_MARGIN, d->y + REPORT_BODY_SIZE);
    cairo_show_text(d->cr, lclean);
    free(lclean);
    report_grey(d, 0.0);
    report_wrap(d, REPORT_MARGIN + label_w, REPORT_CONTENT_W - label_w, value && *value ? value : "n/a",
                REPORT_BODY_SIZE, 0);
}

static void report_kv(report_doc_t *d, const char *label, const char *value)
{
    report_row(d, label, REPORT_LABEL_W, value);
}

/* A plain paragraph of body text. */
static void report_para(report_doc_t *d, const char *text)
{
    report_font(d, false, REPORT_BODY_SIZE);
    report_grey(d, 0.0);
    report_wrap(d, REPORT_MARGIN, REPORT_CONTENT_W, text, REPORT_BODY_SIZE, 0);
}

/* ---- value formatting -------------------------------------------------- */

/* The string at key, or NULL when missing, not a string, or empty. */
static const char *report_str(const json_t *obj, const char *key)
{
    const json_t *v = json_is_object(obj) ? json_object_get(obj, key) : NULL;
    const char *s = json_is_string(v) ? json_string_value(v) : NULL;
    return s && *s ? s : NULL;
}

/* The number at key (integer or real) into *out; false when absent. */
static bool report_number(const json_t *obj, const char *key, double *out)
{
    const json_t *v = json_is_object(obj) ? json_object_get(obj, key) : NULL;
    if (!json_is_number(v))
        return false;
    *out = json_number_value(v);
    return isfinite(*out);
}

/* A number the way the API shows it (Python repr), rounded to 2 decimals
 * so stray float noise never reaches the page. */
static void report_fmt_num(double v, char *buf, size_t n)
{
    char tmp[32];
    double r = round(v * 100.0) / 100.0;
    if (fabs(r) >= 1e15) {
        snprintf(buf, n, "%.0f", r);
        return;
    }
    snprintf(buf, n, "%s", json_fmt_double(r, tmp));
}

/* A JSON value as report text into buf: numbers formatted, strings as is,
 * null/absent/other types as "n/a". */
static void report_fmt_value(const json_t *v, char *buf, size_t n)
{
    if (json_is_integer(v))
        snprintf(buf, n, "%lld", (long long)json_integer_value(v));
    else if (json_is_real(v) && isfinite(json_real_value(v)))
        report_fmt_num(json_real_value(v), buf, n);
    else if (json_is_string(v) && *json_string_value(v))
        snprintf(buf, n, "%s", json_string_value(v));
    else if (json_is_boolean(v))
        snprintf(buf, n, "%s", json_is_true(v) ? "yes" : "no");
    else
        snprintf(buf, n, "n/a");
}

/* A key ("task_completion", "timeEfficiency") as a label ("Task
 * completion", "Time efficiency"). */
static void report_humanize(const char *key, char *buf, size_t n)
{
    size_t o = 0;

    if (n == 0)
        return;
    for (size_t i = 0; key[i] && o + 2 < n; i++) {
        char c = key[i];
        if (c == '_') {
            buf[o++] = ' ';
        } else if (c >= 'A' && c <= 'Z' && i > 0) {
            buf[o++] = ' ';
            buf[o++] = (char)(c - 'A' + 'a');
        } else {
            buf[o++] = c;
        }
    }
    buf[o] = '\0';
    if (buf[0] >= 'a' && buf[0] <= 'z')
        buf[0] = (char)(buf[0] - 'a' + 'A');
    /* Acronyms the categories use. */
    if (strncmp(buf, "Cv ", 3) == 0) {
        buf[1] = 'V';
    } else if (strncmp(buf, "Ai ", 3) == 0) {
        buf[1] = 'I';
    }
}

/* Parses an ISO 8601 / RFC 3339 datetime ("2026-11-26T14:17:51.109218Z",
 * "…+00:00", or naive, which the domain model reads as UTC) into seconds
 * since the epoch. */
static bool report_parse_time(const char *s, time_t *out)
{
    int Y, M, D, h, m, sec, used = 0;
    struct tm tm = {0};

    if (!s || sscanf(s, "%4d-%2d-%2d%*[T ]%2d:%2d:%2d%n", &Y, &M, &D, &h, &m, &sec, &used) != 6 || used == 0)
        return false;
    if (M < 1 || M > 12 || D < 1 || D > 31 || h > 23 || m > 59 || sec > 60)
        return false;
    const char *p = s + used;
    if (*p == '.') {
        p++;
        if (*p < '0' || *p > '9')
            return false;
        while (*p >= '0' && *p <= '9')
            p++;
    }
    long offset = 0;
    if (*p == 'Z' || *p == 'z') {
        p++;
    } else if (*p == '+' || *p == '-') {
        int oh, om, oused = 0;
        if (sscanf(p + 1, "%2d:%2d%n", &oh, &om, &oused) != 2 || oused != 5 || oh > 23 || om > 59)
            return false;
        offset = (oh * 60L + om) * 60L * (*p == '-' ? -1 : 1);
        p += 1 + oused;
    }
    if (*p != '\0')
        return false;
    tm.tm_year = Y - 1900;
    tm.tm_mon = M - 1;
    tm.tm_mday = D;
    tm.tm_hour = h;
    tm.tm_min = m;
    tm.tm_sec = sec;
    *out = timegm(&tm) - offset;
    return true;
}

/* A datetime string as RFC 3339 UTC ("2026-11-26T14:17:51Z") into buf; an
 * unparseable value is copied as is, a missing one gives "n/a". */
static void report_fmt_time(const char *s, char *buf, size_t n)
{
    time_t t;
    struct tm tm;

    if (!s) {
        snprintf(buf, n, "n/a");
    } else if (report_parse_time(s, &t) && gmtime_r(&t, &tm)) {
        snprintf(buf, n, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                 tm.tm_min, tm.tm_sec);
    } else {
        snprintf(buf, n, "%s", s);
    }
}

/* A count of seconds as "1 h 02 min 05 s", "24 min 13 s" or "45 s". */
static void report_fmt_duration(long long secs, char *buf, size_t n)
{
    const char *sign = secs < 0 ? "-" : "";
    unsigned long long a = secs < 0 ? 0ULL - (unsigned long long)secs : (unsigned long long)secs;
    unsigned long long h = a / 3600, m = (a % 3600) / 60, s = a % 60;

    if (h > 0)
        snprintf(buf, n, "%s%llu h %02llu min %02llu s", sign, h, m, s);
    else if (m > 0)
        snprintf(buf, n, "%s%llu min %02llu s", sign, m, s);
    else
        snprintf(buf, n, "%s%llu s", sign, s);
}

/* ---- sections ---------------------------------------------------------- */

static void report_title(report_doc_t *d, const json_t *a)
{
    char sub[64];
    double id;

    report_font(d, true, REPORT_TITLE_SIZE);
    report_grey(d, 0.0);
    cairo_move_to(d->cr, REPORT_MARGIN, d->y + REPORT_TITLE_SIZE);
    cairo_show_text(d->cr, "TALI assessment report");
    d->y += REPORT_TITLE_SIZE * REPORT_LEADING;
    if (report_number(a, "id", &id)) {
        snprintf(sub, sizeof sub, "Assessment #%.0f", id);
        report_font(d, false, REPORT_BODY_SIZE);
        report_grey(d, 0.4);
        cairo_move_to(d->cr, REPORT_MARGIN, d->y + REPORT_BODY_SIZE);
        cairo_show_text(d->cr, sub);
        d->y += REPORT_BODY_SIZE * REPORT_LEADING;
    }
    cairo_set_source_rgb(d->cr, 0.16, 0.38, 0.75);
    cairo_rectangle(d->cr, REPORT_MARGIN, d->y + 2.0, REPORT_CONTENT_W, 2.0);
    cairo_fill(d->cr);
    d->y += 10.0;
}

static const char *report_status_label(const char *status)
{
    if (!status)
        return "n/a";
    if (strcmp(status, "pending") == 0)
        return "Pending";
    if (strcmp(status, "in_progress") == 0)
        return "In progress";
    if (strcmp(status, "completed") == 0)
        return "Completed";
    if (strcmp(status, "expired") == 0)
        return "Expired";
    return status;
}

static void report_overview(report_doc_t *d, const json_t *a, const char *name, const char *email, const char *org)
{
    char buf[96];
    double v;
    time_t t0, t1;

    report_heading(d, "Overview");
    report_kv(d, "Candidate", name);
    report_kv(d, "E-mail", email);
    report_kv(d, "Organisation", org);
    report_kv(d, "Task", report_str(a, "task_name"));
    report_kv(d, "Status", report_status_label(report_str(a, "status")));
    report_fmt_time(report_str(a, "created_at"), buf, sizeof buf);
    report_kv(d, "Created", buf);
    report_fmt_time(report_str(a, "started_at"), buf, sizeof buf);
    report_kv(d, "Started", buf);
    report_fmt_time(report_str(a, "completed_at"), buf, sizeof buf);
    report_kv(d, "Completed", buf);
    report_fmt_time(report_str(a, "expires_at"), buf, sizeof buf);
    report_kv(d, "Link expires", buf);
    if (report_number(a, "duration_minutes", &v))
        snprintf(buf, sizeof buf, "%.0f min", v);
    else
        snprintf(buf, sizeof buf, "n/a");
    report_kv(d, "Time allowed", buf);
    if (report_number(a, "total_duration_seconds", &v))
        report_fmt_duration((long long)v, buf, sizeof buf);
    else if (report_parse_time(report_str(a, "started_at"), &t0) &&
             report_parse_time(report_str(a, "completed_at"), &t1))
        report_fmt_duration((long long)(t1 - t0), buf, sizeof buf);
    else
        snprintf(buf, sizeof buf, "n/a");
    report_kv(d, "Time taken", buf);
}

/* Tests passed "P / T" from the columns, else from test_results. */
static void report_fmt_tests(const json_t *a, char *buf, size_t n)
{
    double p, t;
    const json_t *tr = json_object_get(a, "test_results");

    if ((report_number(a, "tests_passed", &p) && report_number(a, "tests_total", &t)) ||
        (report_number(tr, "passed", &p) && report_number(tr, "total", &t)))
        snprintf(buf, n, "%.0f / %.0f", p, t);
    else
        snprintf(buf, n, "n/a");
}

static void report_scores(report_doc_t *d, const json_t *a)
{
    char buf[96], num[40];
    double score, final;
    const json_t *bd = json_object_get(a, "breakdown");
    bool has_final = report_number(a, "final_score", &final);

    report_heading(d, "Result");
    if (report_number(a, "score", &score)) {
        report_fmt_num(score, num, sizeof num);
        snprintf(buf, sizeof buf, "%s / 10", num);
    } else if (has_final) {
        report_fmt_num(round(final) / 10.0, num, sizeof num);
        snprintf(buf, sizeof buf, "%s / 10", num);
    } else {
        snprintf(buf, sizeof buf, "n/a");
    }
    report_kv(d, "Score", buf);
    if (has_final) {
        report_fmt_num(final, num, sizeof num);
        snprintf(buf, sizeof buf, "%s / 100", num);
    } else {
        snprintf(buf, sizeof buf, "n/a");
    }
    report_kv(d, "Final score", buf);
    if (report_str(bd, "recommendation"))
        report_kv(d, "Recommendation", report_str(bd, "recommendation"));
    report_fmt_tests(a, buf, sizeof buf);
    report_kv(d, "Tests passed", buf);
    const char *exec_err = report_str(json_object_get(a, "test_results"), "error");
    if (exec_err)
        report_kv(d, "Execution error", exec_err);
}

/* A bar from 0 to 10 next to a category score row. */
static void report_bar(report_doc_t *d, double v)
{
    double frac = v / 10.0;
    double top = d->y + 2.5, h = REPORT_BODY_SIZE * 0.8;

    if (frac < 0)
        frac = 0;
    if (frac > 1)
        frac = 1;
    cairo_set_source_rgb(d->cr, 0.90, 0.91, 0.93);
    cairo_rectangle(d->cr, REPORT_MARGIN + REPORT_BAR_X, top, REPORT_BAR_W, h);
    cairo_fill(d->cr);
    cairo_set_source_rgb(d->cr, 0.16, 0.38, 0.75);
    cairo_rectangle(d->cr, REPORT_MARGIN + REPORT_BAR_X, top, REPORT_BAR_W * frac, h);
    cairo_fill(d->cr);
}

static void report_categories(report_doc_t *d, const json_t *a)
{
    const json_t *sb = json_object_get(a, "score_breakdown");
    const json_t *bd = json_object_get(a, "breakdown");
    const json_t *cats = json_object_get(sb, "category_scores");
    const char *key;
    const json_t *v;
    char label[96], val[64];

    if (!json_is_object(cats) || json_object_size(cats) == 0)
        cats = json_object_get(bd, "categoryScores");
    report_heading(d, "Category scores");
    if (!json_is_object(cats) || json_object_size(cats) == 0) {
        report_para(d, "No category scores available.");
    } else {
        json_object_foreach((json_t *)cats, key, v)
        {
            report_humanize(key, label, sizeof label);
            report_fmt_value(v, val, sizeof val);
            if (json_is_number(v))
                strncat(val, " / 10", sizeof val - strlen(val) - 1);
            report_need(d, REPORT_BODY_SIZE * REPORT_LEADING);
            if (json_is_number(v))
                report_bar(d, json_number_value(v));
            report_kv(d, label, val);
        }
    }

    /* The summary values of the breakdown object that are not the category
     * scores again (those have flat camelCase copies) nor the label. */
    static const char *const skip[] = {
        "recommendation", "recommendationColor", "communication", "independence", "promptClarity", "contextProvision",
        "taskCompletion", "utilization",         "approach",      "efficiency",   "cvMatch",
    };
    bool any = false;
    if (!json_is_object(bd))
        return;
    json_object_foreach((json_t *)bd, key, v)
    {
        bool skipped = false;
        for (size_t i = 0; i < sizeof skip / sizeof skip[0]; i++)
            skipped = skipped || strcmp(key, skip[i]) == 0;
        if (skipped || !(json_is_number(v) || json_is_string(v)))
            continue;
        if (!any) {
            report_heading(d, "Score summary");
            any = true;
        }
        report_humanize(key, label, sizeof label);
        report_fmt_value(v, val, sizeof val);
        report_kv(d, label, val);
    }
}

static void report_signals(report_doc_t *d, const json_t *a)
{
    char buf[96];
    double v, in, out;
    const json_t *heur = json_object_get(json_object_get(a, "prompt_analytics"), "heuristics");
    const json_t *prompts = json_object_get(a, "ai_prompts");

    report_heading(d, "Working style");
    if (report_number(a, "browser_focus_ratio", &v) ||
        report_number(json_object_get(heur, "browser_focus_ratio"), "ratio", &v))
        snprintf(buf, sizeof buf, "%.0f %%", v * 100.0);
    else
        snprintf(buf, sizeof buf, "n/a");
    report_kv(d, "Browser focus", buf);
    if (report_number(a, "tab_switch_count", &v) ||
        report_number(json_object_get(heur, "tab_switch_count"), "count", &v))
        snprintf(buf, sizeof buf, "%.0f", v);
    else
        snprintf(buf, sizeof buf, "n/a");
    report_kv(d, "Tab switches", buf);
    if (report_number(a, "time_to_first_prompt_seconds", &v) ||
        report_number(json_object_get(heur, "time_to_first_prompt"), "value", &v))
        report_fmt_duration((long long)v, buf, sizeof buf);
    else
        snprintf(buf, sizeof buf, "n/a");
    report_kv(d, "First AI prompt after", buf);
    if (report_number(a, "total_prompts", &v))
        snprintf(buf, sizeof buf, "%.0f", v);
    else if (json_is_array(prompts))
        snprintf(buf, sizeof buf, "%zu", json_array_size(prompts));
    else
        snprintf(buf, sizeof buf, "0");
    report_kv(d, "AI prompts", buf);
    if (report_number(a, "total_input_tokens", &in) && report_number(a, "total_output_tokens", &out)) {
        snprintf(buf, sizeof buf, "%.0f in / %.0f out", in, out);
        report_kv(d, "AI tokens", buf);
    }
}

static void report_fraud(report_doc_t *d, const json_t *a)
{
    const json_t *pf = json_object_get(a, "prompt_fraud_flags");
    const json_t *flags = json_object_get(a, "flags");
    size_t i;
    const json_t *item;
    bool any = false;

    report_heading(d, "Fraud flags");
    if (json_is_array(pf) && json_array_size(pf) > 0) {
        json_array_foreach(pf, i, item)
        {
            const char *type = report_str(item, "type");
            const char *evidence = report_str(item, "evidence");
            double conf;
            char line[512], pct[32] = "";
            if (!type && !evidence)
                continue;
            if (report_number(item, "confidence", &conf))
                snprintf(pct, sizeof pct, " (confidence %.0f %%)", conf * 100.0);
            snprintf(line, sizeof line, "\xE2\x80\xA2 %s: %s%s", type ? type : "flag", evidence ? evidence : "", pct);
            report_para(d, line);
            any = true;
        }
    } else if (json_is_array(flags)) {
        json_array_foreach(flags, i, item)
        {
            char line[512];
            if (!json_is_string(item) || !*json_string_value(item))
                continue;
            snprintf(line, sizeof line, "\xE2\x80\xA2 %s", json_string_value(item));
            report_para(d, line);
            any = true;
        }
    }
    if (!any)
        report_para(d, "None.");
}

static bool report_is_note(const json_t *item)
{
    const char *ev = report_str(item, "event");
    return ev && strcmp(ev, "Recruiter note") == 0;
}

static void report_timeline(report_doc_t *d, const json_t *a)
{
    const json_t *tl = json_object_get(a, "timeline");
    size_t i;
    const json_t *item;
    double tx = REPORT_MARGIN + REPORT_TIME_W, tw = REPORT_CONTENT_W - REPORT_TIME_W;
    bool any = false;

    report_heading(d, "Timeline");
    if (json_is_array(tl)) {
        json_array_foreach(tl, i, item)
        {
            char tbuf[96];
            const char *event = report_str(item, "event");
            const char *prompt = report_str(item, "prompt");
            if (!json_is_object(item))
                continue;
            report_fmt_time(report_str(item, "time"), tbuf, sizeof tbuf);
            report_row(d, strcmp(tbuf, "n/a") == 0 ? "\xE2\x80\x94" : tbuf, REPORT_TIME_W, event ? event : "Event");
            if (prompt) {
                report_font(d, false, REPORT_SMALL_SIZE);
                report_grey(d, 0.3);
                report_wrap(d, tx + 10.0, tw - 10.0, prompt, REPORT_SMALL_SIZE,
                            report_is_note(item) ? 0 : REPORT_PROMPT_MAX);
            }
            any = true;
        }
    }
    if (!any)
        report_para(d, "No events recorded.");
}

static void report_notes(report_doc_t *d, const json_t *a)
{
    const json_t *tl = json_object_get(a, "timeline");
    size_t i;
    const json_t *item;
    bool any = false;

    report_heading(d, "Recruiter notes");
    if (json_is_array(tl)) {
        json_array_foreach(tl, i, item)
        {
            char tbuf[96];
            if (!report_is_note(item) || !report_str(item, "prompt"))
                continue;
            report_fmt_time(report_str(item, "time"), tbuf, sizeof tbuf);
            report_row(d, tbuf, REPORT_TIME_W, report_str(item, "prompt"));
            any = true;
        }
    }
    if (!any)
        report_para(d, "No notes.");
}

/* ---- entry point ------------------------------------------------------- */

static cairo_status_t report_write(void *closure, const unsigned char *data, unsigned int length)
{
    mem_buf_append((mem_buf_t *)closure, data, length);
    return CAIRO_STATUS_SUCCESS;
}

static const char *report_nonempty(const char *s)
{
    return s && *s ? s : NULL;
}

err_t assessments_report_pdf(const json_t *assessment, const char *candidate_name, const char *candidate_email,
                             const char *org_name, unsigned char **pdf, size_t *len)
{
    report_doc_t d = {0};
    const char *name, *email;
    char *name_clean, *email_clean, *org_clean;
    double id;
    cairo_status_t st;

    if (!pdf || !len)
        return ERR_INTERNAL;
    *pdf = NULL;
    *len = 0;
    if (!json_is_object(assessment))
        return ERR_INTERNAL;

    email = report_nonempty(candidate_email);
    if (!email)
        email = report_str(assessment, "candidate_email");
    name = report_nonempty(candidate_name);
    if (!name)
        name = report_str(assessment, "candidate_name");
    if (!name)
        name = email ? email : "Candidate";
    name_clean = report_clean(name, 0);
    email_clean = report_clean(email, 0);
    org_clean = report_clean(report_nonempty(org_name), 0);

    d.surface = cairo_pdf_surface_create_for_stream(report_write, &d.out, REPORT_PAGE_W, REPORT_PAGE_H);
    d.cr = cairo_create(d.surface);
    d.page = 1;
    d.y = REPORT_MARGIN;
    if (report_number(assessment, "id", &id))
        snprintf(d.footer, sizeof d.footer, "TALI assessment report \xC2\xB7 assessment #%.0f", id);
    else
        snprintf(d.footer, sizeof d.footer, "TALI assessment report");
    if (cairo_surface_status(d.surface) == CAIRO_STATUS_SUCCESS) {
        cairo_pdf_surface_set_metadata(d.surface, CAIRO_PDF_METADATA_TITLE, "TALI assessment report");
        cairo_pdf_surface_set_metadata(d.surface, CAIRO_PDF_METADATA_CREATOR, "TALI");
    }

    if (cairo_status(d.cr) == CAIRO_STATUS_SUCCESS) {
        report_title(&d, assessment);
        report_overview(&d, assessment, name_clean, email_clean, org_clean);
        report_scores(&d, assessment);
        report_categories(&d, assessment);
        report_signals(&d, assessment);
        report_fraud(&d, assessment);
        report_timeline(&d, assessment);
        report_notes(&d, assessment);
        report_footer(&d);
        cairo_show_page(d.cr);
    }
    st = cairo_status(d.cr);
    cairo_destroy(d.cr);
    cairo_surface_finish(d.surface);
    if (st == CAIRO_STATUS_SUCCESS)
        st = cairo_surface_status(d.surface);
    cairo_surface_destroy(d.surface);
    free(name_clean);
    free(email_clean);
    free(org_clean);

    if (st != CAIRO_STATUS_SUCCESS || d.out.len == 0) {
        mem_buf_free(&d.out);
        return ERR_INTERNAL;
    }
    *len = d.out.len;
    *pdf = (unsigned char *)mem_buf_take(&d.out);
    return ERR_OK;
}
