/* db_res_t: a fully fetched result, independent of the driver that
 * produced it. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "platform/db/db_internal.h"
#include "platform/mem.h"

db_res_t *db_res_new(int cols)
{
    db_res_t *r = xcalloc(1, sizeof *r);
    r->cols = cols;
    r->names = xcalloc((size_t)(cols > 0 ? cols : 1), sizeof *r->names);
    return r;
}

void db_res_set_name(db_res_t *r, int col, const char *name)
{
    free(r->names[col]);
    r->names[col] = xstrdup(name ? name : "");
}

void db_res_add_row(db_res_t *r)
{
    if (r->rows == r->row_cap) {
        r->row_cap = r->row_cap ? r->row_cap * 2 : 16;
        size_t cells = (size_t)r->row_cap * (size_t)(r->cols ? r->cols : 1);
        r->off = xrealloc(r->off, cells * sizeof *r->off);
        r->kind = xrealloc(r->kind, cells);
    }
    size_t base = (size_t)r->rows * (size_t)r->cols;
    for (int c = 0; c < r->cols; c++) {
        r->off[base + (size_t)c] = DB_RES_NULL_OFF;
        r->kind[base + (size_t)c] = DB_CELL_TEXT;
    }
    r->rows++;
}

/* Room for n more bytes in data. */
static void res_reserve(db_res_t *r, size_t n)
{
    if (r->len + n <= r->cap)
        return;
    size_t cap = r->cap ? r->cap : 256;
    while (cap < r->len + n)
        cap *= 2;
    r->data = xrealloc(r->data, cap);
    r->cap = cap;
}

/* Stores n bytes as the last row's cell col, of the given kind. */
static void res_put(db_res_t *r, int col, const void *p, size_t n, unsigned char kind, bool nul)
{
    res_reserve(r, n + 1);
    if (n)
        memcpy(r->data + r->len, p, n);
    if (nul)
        r->data[r->len + n] = '\0';
    size_t i = (size_t)(r->rows - 1) * (size_t)r->cols + (size_t)col;
    r->off[i] = r->len;
    r->kind[i] = kind;
    r->len += n + (nul ? 1 : 0);
}

void db_res_set_cell(db_res_t *r, int col, const char *s, size_t n)
{
    res_put(r, col, s, n, DB_CELL_TEXT, true);
}

void db_res_set_int(db_res_t *r, int col, int64_t v)
{
    res_put(r, col, &v, sizeof v, DB_CELL_INT, false);
}

void db_res_set_real(db_res_t *r, int col, double v)
{
    res_put(r, col, &v, sizeof v, DB_CELL_REAL, false);
}

void db_res_free(db_res_t *r)
{
    if (!r)
        return;
    for (int c = 0; c < r->cols; c++)
        free(r->names[c]);
    free(r->names);
    free(r->off);
    free(r->kind);
    free(r->data);
    for (size_t i = 0; i < r->ntexts; i++)
        free(r->texts[i]);
    free(r->texts);
    free(r->text_of);
    free(r);
}

/* The index of a cell, or -1 when out of range or NULL. */
static long res_index(const db_res_t *r, int row, int col)
{
    if (!r || row < 0 || col < 0 || row >= r->rows || col >= r->cols)
        return -1;
    size_t i = (size_t)row * (size_t)r->cols + (size_t)col;
    return r->off[i] == DB_RES_NULL_OFF ? -1 : (long)i;
}

static int64_t res_binary_int(const db_res_t *r, long i)
{
    int64_t v;
    memcpy(&v, r->data + r->off[i], sizeof v);
    return v;
}

static double res_binary_real(const db_res_t *r, long i)
{
    double v;
    memcpy(&v, r->data + r->off[i], sizeof v);
    return v;
}

/* The text form of a binary cell, made once and kept with the result (a
 * result belongs to one thread; the pointers handed out stay valid until
 * db_res_free, so appending to data is not an option). */
static const char *res_text_of(const db_res_t *cr, long i)
{
    db_res_t *r = (db_res_t *)cr;
    if (!r->text_of)
        r->text_of = xcalloc((size_t)r->rows * (size_t)r->cols, sizeof *r->text_of);
    if (r->text_of[i])
        return r->text_of[i];
    char buf[40];
    if (r->kind[i] == DB_CELL_INT)
        snprintf(buf, sizeof buf, "%" PRId64, res_binary_int(r, i));
    else
        db_format_real(res_binary_real(r, i), buf, sizeof buf);
    r->texts = xrealloc(r->texts, (r->ntexts + 1) * sizeof *r->texts);
    r->texts[r->ntexts++] = r->text_of[i] = xstrdup(buf);
    return r->text_of[i];
}

static const char *cell(const db_res_t *r, int row, int col)
{
    long i = res_index(r, row, col);
    if (i < 0)
        return NULL;
    if (r->kind[i] != DB_CELL_TEXT)
        return res_text_of(r, i);
    return r->data + r->off[i];
}

int db_res_rows(const db_res_t *r)
{
    return r ? r->rows : 0;
}

int db_res_cols(const db_res_t *r)
{
    return r ? r->cols : 0;
}

const char *db_res_colname(const db_res_t *r, int col)
{
    if (!r || col < 0 || col >= r->cols)
        return NULL;
    return r->names[col];
}

bool db_res_isnull(const db_res_t *r, int row, int col)
{
    return res_index(r, row, col) < 0;
}

int64_t db_res_int(const db_res_t *r, int row, int col)
{
    long i = res_index(r, row, col);
    if (i >= 0 && r->kind[i] == DB_CELL_INT)
        return res_binary_int(r, i);
    if (i >= 0 && r->kind[i] == DB_CELL_REAL)
        return (int64_t)res_binary_real(r, i); /* truncates, as a C cast would */
    const char *s = cell(r, row, col);
    if (!s)
        return 0;
    char *end;
    long long v = strtoll(s, &end, 10);
    /* A REAL cell read as an integer truncates, as a C cast would. */
    if (*end == '.' || *end == 'e' || *end == 'E')
        return (int64_t)strtod(s, NULL);
    return (int64_t)v;
}

double db_res_real(const db_res_t *r, int row, int col)
{
    long i = res_index(r, row, col);
    if (i >= 0 && r->kind[i] == DB_CELL_REAL)
        return res_binary_real(r, i);
    if (i >= 0 && r->kind[i] == DB_CELL_INT)
        return (double)res_binary_int(r, i);
    const char *s = cell(r, row, col);
    return s ? strtod(s, NULL) : 0.0;
}

bool db_res_bool(const db_res_t *r, int row, int col)
{
    long i = res_index(r, row, col);
    if (i >= 0 && r->kind[i] == DB_CELL_INT)
        return res_binary_int(r, i) != 0;
    if (i >= 0 && r->kind[i] == DB_CELL_REAL)
        return res_binary_real(r, i) != 0.0;
    const char *s = cell(r, row, col);
    if (!s || !*s)
        return false;
    if (s[0] == 't' || s[0] == 'T' || s[0] == 'y' || s[0] == 'Y')
        return true;
    if (strcasecmp(s, "on") == 0)
        return true;
    return strtod(s, NULL) != 0.0;
}

const char *db_res_text(const db_res_t *r, int row, int col)
{
    return cell(r, row, col);
}

int64_t db_res_time(const db_res_t *r, int row, int col)
{
    const char *s = cell(r, row, col);
    int64_t us;
    if (!s || !db_parse_time(s, &us))
        return 0;
    return us;
}
