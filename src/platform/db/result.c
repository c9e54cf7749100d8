/* db_res_t: a fully fetched result, independent of the driver that
 * produced it. */
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
        r->off = xrealloc(r->off, (size_t)r->row_cap * (size_t)(r->cols ? r->cols : 1) * sizeof *r->off);
    }
    size_t base = (size_t)r->rows * (size_t)r->cols;
    for (int c = 0; c < r->cols; c++)
        r->off[base + (size_t)c] = DB_RES_NULL_OFF;
    r->rows++;
}

void db_res_set_cell(db_res_t *r, int col, const char *s, size_t n)
{
    if (r->len + n + 1 > r->cap) {
        size_t cap = r->cap ? r->cap : 256;
        while (cap < r->len + n + 1)
            cap *= 2;
        r->data = xrealloc(r->data, cap);
        r->cap = cap;
    }
    if (n)
        memcpy(r->data + r->len, s, n);
    r->data[r->len + n] = '\0';
    r->off[(size_t)(r->rows - 1) * (size_t)r->cols + (size_t)col] = r->len;
    r->len += n + 1;
}

void db_res_free(db_res_t *r)
{
    if (!r)
        return;
    for (int c = 0; c < r->cols; c++)
        free(r->names[c]);
    free(r->names);
    free(r->off);
    free(r->data);
    free(r);
}

static const char *cell(const db_res_t *r, int row, int col)
{
    if (!r || row < 0 || col < 0 || row >= r->rows || col >= r->cols)
        return NULL;
    size_t off = r->off[(size_t)row * (size_t)r->cols + (size_t)col];
    return off == DB_RES_NULL_OFF ? NULL : r->data + off;
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
    return cell(r, row, col) == NULL;
}

int64_t db_res_int(const db_res_t *r, int row, int col)
{
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
    const char *s = cell(r, row, col);
    return s ? strtod(s, NULL) : 0.0;
}

bool db_res_bool(const db_res_t *r, int row, int col)
{
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
