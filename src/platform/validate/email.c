/* EmailStr as pydantic 2.9 + email-validator 2.x (no DNS) checked and
 * normalised it.  The checks run in email-validator's order so that the
 * first failing rule gives its exact message.  The work is done on code
 * points, as Python does.
 *
 * Known approximations (Unicode data we do not carry): the domain is
 * lower-cased with Unicode's simple case mapping (text_lower_cp) instead
 * of full UTS-46 mapping; no NFC normalisation; IDNA
 * 2008 code point and bidi rules are not checked; character names in
 * messages are known only for spaces and format characters. */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "platform/validate.h"
#include "platform/validate/internal.h"

typedef struct {
    uint32_t *c;
    size_t n;
    size_t cap;
} cps_t;

static void cps_push(cps_t *a, uint32_t c)
{
    if (a->n == a->cap) {
        a->cap = a->cap ? a->cap * 2 : 32;
        a->c = xrealloc(a->c, a->cap * sizeof *a->c);
    }
    a->c[a->n++] = c;
}

static cps_t cps_sub(const uint32_t *c, size_t n)
{
    cps_t a = {0};
    for (size_t i = 0; i < n; i++)
        cps_push(&a, c[i]);
    return a;
}

static char *cps_utf8(const uint32_t *c, size_t n)
{
    mem_buf_t b = {0};
    mem_buf_append(&b, "", 0);
    for (size_t i = 0; i < n; i++)
        vld_u8_put(&b, c[i]);
    return mem_buf_take(&b);
}

/* Python's str.isspace(), which is what \s and str.strip() use. */
static bool py_space(uint32_t c)
{
    return vld_u_is_space(c) || (c >= 0x1C && c <= 0x1F);
}

static bool is_atext(uint32_t c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           (c < 0x80 && strchr("_!#$%&'*+-/=?^`{|}~", (int)c) && c != 0);
}

static bool is_atext_intl(uint32_t c)
{
    return is_atext(c) || c >= 0x80;
}

static bool is_host_char_intl(uint32_t c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
           c >= 0x80;
}

/* ---- error text ---- */

typedef struct {
    char **items;
    size_t n;
} strset_t;

static void set_add(strset_t *s, uint32_t c)
{
    char d[96];
    vld_u_display(c, d, sizeof d);
    for (size_t i = 0; i < s->n; i++)
        if (strcmp(s->items[i], d) == 0)
            return;
    s->items = xrealloc(s->items, (s->n + 1) * sizeof *s->items);
    s->items[s->n++] = xstrdup(d);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* "<prefix>" + sorted items joined by ", " + "<suffix>"; frees the set. */
static char *set_message(strset_t *s, const char *prefix, const char *suffix)
{
    qsort(s->items, s->n, sizeof *s->items, cmp_str);
    mem_buf_t b = {0};
    mem_buf_puts(&b, prefix);
    for (size_t i = 0; i < s->n; i++) {
        if (i)
            mem_buf_puts(&b, ", ");
        mem_buf_puts(&b, s->items[i]);
        free(s->items[i]);
    }
    mem_buf_puts(&b, suffix);
    free(s->items);
    s->items = NULL;
    s->n = 0;
    return mem_buf_take(&b);
}

/* email-validator's get_length_reason. */
static char *length_reason(size_t len, size_t limit, bool utf8)
{
    size_t diff = len - limit;
    return xasprintf("(%s%zu character%s too many)", utf8 ? "at least " : "", diff, diff > 1 ? "s" : "");
}

/* ---- shared syntax rules ---- */

/* check_unsafe_chars: letters, numbers, punctuation and symbols pass; a
 * combining mark only away from the start; spaces only when allowed. */
static char *check_unsafe(const uint32_t *c, size_t n, bool allow_space)
{
    uint32_t *bad = NULL;
    size_t nb = 0;
    for (size_t i = 0; i < n; i++) {
        vld_uclass_t k = vld_u_class(c[i]);
        bool is_bad =
            (k == VLD_UC_MARK && i == 0) || (k == VLD_UC_SPACE && !allow_space) || k == VLD_UC_SEP || k == VLD_UC_OTHER;
        if (!is_bad)
            continue;
        bool seen = false;
        for (size_t j = 0; j < nb; j++)
            seen = seen || bad[j] == c[i];
        if (!seen) {
            bad = xrealloc(bad, (nb + 1) * sizeof *bad);
            bad[nb++] = c[i];
        }
    }
    if (nb == 0)
        return NULL;
    /* sorted by character, then displayed */
    for (size_t i = 1; i < nb; i++)
        for (size_t j = i; j > 0 && bad[j - 1] > bad[j]; j--) {
            uint32_t t = bad[j];
            bad[j] = bad[j - 1];
            bad[j - 1] = t;
        }
    mem_buf_t b = {0};
    mem_buf_puts(&b, "The email address contains unsafe characters: ");
    for (size_t i = 0; i < nb; i++) {
        char d[96];
        vld_u_display(bad[i], d, sizeof d);
        if (i)
            mem_buf_puts(&b, ", ");
        mem_buf_puts(&b, d);
    }
    mem_buf_puts(&b, ".");
    free(bad);
    return mem_buf_take(&b);
}

static bool has_pair(const uint32_t *c, size_t n, uint32_t a, uint32_t b)
{
    for (size_t i = 0; i + 1 < n; i++)
        if (c[i] == a && c[i + 1] == b)
            return true;
    return false;
}

/* The two ends of a dot-atom message around "period" / "hyphen". */
typedef struct {
    const char *start_pre, *start_post, *end_pre, *end_post;
} dot_msgs_t;

static const dot_msgs_t local_msgs = {
    "An email address cannot start with a ",
    ".",
    "An email address cannot have a ",
    " immediately before the @-sign.",
};
static const dot_msgs_t domain_msgs = {
    "An email address cannot have a ",
    " immediately after the @-sign.",
    "An email address cannot end with a ",
    ".",
};

/* check_dot_atom. */
static char *check_dot_atom(const uint32_t *c, size_t n, const dot_msgs_t *m, bool hostname)
{
    if (n > 0 && c[n - 1] == '.')
        return xasprintf("%speriod%s", m->end_pre, m->end_post);
    if (n > 0 && c[0] == '.')
        return xasprintf("%speriod%s", m->start_pre, m->start_post);
    if (has_pair(c, n, '.', '.'))
        return xstrdup("An email address cannot have two periods in a row.");
    if (hostname) {
        if (n > 0 && c[n - 1] == '-')
            return xasprintf("%shyphen%s", m->end_pre, m->end_post);
        if (n > 0 && c[0] == '-')
            return xasprintf("%shyphen%s", m->start_pre, m->start_post);
        if (has_pair(c, n, '.', '-') || has_pair(c, n, '-', '.'))
            return xstrdup("An email address cannot have a period and a hyphen next to each other.");
    }
    return NULL;
}

/* ---- splitting ---- */

/* Index of the first special character outside quotes, or n. */
static size_t find_unquoted(const uint32_t *c, size_t n, bool angle)
{
    bool in_quote = false, escaped = false;
    for (size_t i = 0; i < n; i++) {
        /* "<" followed by U+0338 composes to U+226E under NFC: not a
         * bracket. */
        if (c[i] == '<' && i + 1 < n && c[i + 1] == 0x338)
            continue;
        if (in_quote) {
            if (c[i] == '\\' && !escaped)
                escaped = true;
            else if (c[i] == '"' && !escaped)
                in_quote = false, escaped = false;
            else
                escaped = false;
        } else if (c[i] == '"') {
            in_quote = true;
        } else if (c[i] == '@' || (angle && c[i] == '<')) {
            return i;
        }
    }
    return n;
}

/* unquote_quoted_string: strips surrounding quotes and backslash escapes.
 * Returns an error message or NULL. */
static char *unquote(const uint32_t *c, size_t n, cps_t *out, bool *quoted)
{
    bool q = false, escaped = false;
    *out = (cps_t){0};
    for (size_t i = 0; i < n; i++) {
        if (q) {
            if (escaped) {
                cps_push(out, c[i]);
                escaped = false;
            } else if (c[i] == '\\') {
                escaped = true;
            } else if (c[i] == '"') {
                if (i != n - 1) {
                    mem_buf_t b = {0};
                    mem_buf_puts(&b, "Extra character(s) found after close quote: ");
                    for (size_t j = i + 1; j < n; j++) {
                        char d[96];
                        vld_u_display(c[j], d, sizeof d);
                        if (j > i + 1)
                            mem_buf_puts(&b, ", ");
                        mem_buf_puts(&b, d);
                    }
                    free(out->c);
                    *out = (cps_t){0};
                    return mem_buf_take(&b);
                }
                break;
            } else {
                cps_push(out, c[i]);
            }
        } else if (i == 0 && c[i] == '"') {
            q = true;
        } else {
            cps_push(out, c[i]);
        }
    }
    *quoted = q;
    return NULL;
}

typedef struct {
    bool has_display;
    cps_t display;
    cps_t local;
    cps_t domain;
    bool quoted_local;
} split_t;

static void split_free(split_t *s)
{
    free(s->display.c);
    free(s->local.c);
    free(s->domain.c);
}

/* email-validator's split_email. */
static char *split_email(const uint32_t *c, size_t n, split_t *out)
{
    *out = (split_t){0};
    size_t at = find_unquoted(c, n, true);
    if (at == n)
        return xstrdup("An email address must have an @-sign.");
    const uint32_t *lp = c, *rp = c + at;
    size_t ln = at, rn = n - at;
    char *err;

    if (rp[0] == '<') {
        while (ln > 0 && py_space(lp[ln - 1]))
            ln--;
        bool dq;
        err = unquote(lp, ln, &out->display, &dq);
        if (err)
            return err;
        out->has_display = true;
        if (!dq) {
            strset_t bad = {0};
            for (size_t i = 0; i < out->display.n; i++) {
                uint32_t d = out->display.c[i];
                if ((!is_atext(d) && d != ' ') || d == '.')
                    set_add(&bad, d);
            }
            if (bad.n)
                return set_message(&bad, "The display name contains invalid characters when not quoted: ", ".");
        }
        err = check_unsafe(out->display.c, out->display.n, true);
        if (err)
            return err;
        bool close = false;
        for (size_t i = 0; i < rn; i++)
            close = close || rp[i] == '>';
        if (!close)
            return xstrdup("An open angle bracket at the start of the email address has to be "
                           "followed by a close angle bracket at the end.");
        while (rn > 0 && rp[rn - 1] == ' ')
            rn--;
        if (rp[rn - 1] != '>')
            return xstrdup("There can't be anything after the email address.");
        const uint32_t *spec = rp + 1;
        size_t sn = rn - 1;
        while (sn > 0 && spec[sn - 1] == '>')
            sn--;
        size_t at2 = find_unquoted(spec, sn, false);
        if (at2 == sn)
            return xstrdup("An email address must have an @-sign.");
        lp = spec;
        ln = at2;
        rp = spec + at2;
        rn = sn - at2;
    }
    if (rn > 0 && rp[0] == '@') {
        rp++;
        rn--;
    }
    out->domain = cps_sub(rp, rn);
    return unquote(lp, ln, &out->local, &out->quoted_local);
}

/* ---- the local part ---- */

static bool dot_atom(const uint32_t *c, size_t n, bool intl)
{
    if (n == 0)
        return false;
    bool prev_dot = true;
    for (size_t i = 0; i < n; i++) {
        if (c[i] == '.') {
            if (prev_dot)
                return false;
            prev_dot = true;
        } else if (intl ? is_atext_intl(c[i]) : is_atext(c[i])) {
            prev_dot = false;
        } else {
            return false;
        }
    }
    return !prev_dot;
}

/* validate_email_local_part; *smtputf8 tells whether it needs Unicode. */
static char *check_local(const cps_t *l, bool quoted, bool *smtputf8)
{
    *smtputf8 = false;
    if (l->n == 0)
        return xstrdup("There must be something before the @-sign.");
    if (l->n > 64) {
        char *r = length_reason(l->n, 64, false);
        char *m = xasprintf("The email address is too long before the @-sign %s.", r);
        free(r);
        return m;
    }
    if (dot_atom(l->c, l->n, false))
        return NULL;
    bool valid = false, space_ok = false;
    if (dot_atom(l->c, l->n, true)) {
        valid = true;
        *smtputf8 = true;
    } else if (quoted) {
        strset_t bad = {0};
        for (size_t i = 0; i < l->n; i++)
            if (!(l->c[i] >= 0x20 && l->c[i] <= 0x7E) && l->c[i] < 0x80)
                set_add(&bad, l->c[i]);
        if (bad.n)
            return set_message(&bad,
                               "The email address contains invalid characters in quotes before the @-sign: ", ".");
        for (size_t i = 0; i < l->n; i++)
            *smtputf8 = *smtputf8 || l->c[i] >= 0x80;
        valid = true;
        space_ok = true;
    }
    if (valid)
        return check_unsafe(l->c, l->n, space_ok);
    strset_t bad = {0};
    for (size_t i = 0; i < l->n; i++)
        if (!(is_atext_intl(l->c[i]) || l->c[i] == '.'))
            set_add(&bad, l->c[i]);
    if (bad.n)
        return set_message(&bad, "The email address contains invalid characters before the @-sign: ", ".");
    char *e = check_dot_atom(l->c, l->n, &local_msgs, false);
    if (e)
        return e;
    return xstrdup("The email address contains invalid characters before the @-sign.");
}

/* ---- punycode (RFC 3492) ---- */

enum { PC_BASE = 36, PC_TMIN = 1, PC_TMAX = 26, PC_SKEW = 38, PC_DAMP = 700 };

static uint32_t pc_adapt(uint32_t delta, uint32_t points, bool first)
{
    delta = first ? delta / PC_DAMP : delta / 2;
    delta += delta / points;
    uint32_t k = 0;
    while (delta > ((PC_BASE - PC_TMIN) * PC_TMAX) / 2) {
        delta /= PC_BASE - PC_TMIN;
        k += PC_BASE;
    }
    return k + (PC_BASE - PC_TMIN + 1) * delta / (delta + PC_SKEW);
}

static char pc_digit(uint32_t d)
{
    return (char)(d < 26 ? 'a' + d : '0' + (d - 26));
}

static uint32_t pc_t(uint32_t k, uint32_t bias)
{
    return k <= bias ? PC_TMIN : k >= bias + PC_TMAX ? PC_TMAX : k - bias;
}

/* Appends "xn--" + the punycode of label to b.  Returns false on
 * arithmetic overflow (absurdly long labels). */
static bool pc_encode(const uint32_t *c, size_t len, mem_buf_t *b)
{
    mem_buf_puts(b, "xn--");
    size_t basic = 0;
    for (size_t i = 0; i < len; i++)
        if (c[i] < 0x80) {
            char ch = (char)c[i];
            mem_buf_append(b, &ch, 1);
            basic++;
        }
    if (basic > 0)
        mem_buf_puts(b, "-");
    uint32_t n = 0x80, bias = 72;
    uint64_t delta = 0;
    size_t h = basic;
    while (h < len) {
        uint32_t m = 0x110000;
        for (size_t i = 0; i < len; i++)
            if (c[i] >= n && c[i] < m)
                m = c[i];
        delta += (uint64_t)(m - n) * (h + 1);
        if (delta > UINT32_MAX)
            return false;
        n = m;
        for (size_t i = 0; i < len; i++) {
            if (c[i] < n)
                delta++;
            if (c[i] == n) {
                uint32_t q = (uint32_t)delta;
                for (uint32_t k = PC_BASE;; k += PC_BASE) {
                    uint32_t t = pc_t(k, bias);
                    if (q < t)
                        break;
                    char ch = pc_digit(t + (q - t) % (PC_BASE - t));
                    mem_buf_append(b, &ch, 1);
                    q = (q - t) / (PC_BASE - t);
                }
                char ch = pc_digit(q);
                mem_buf_append(b, &ch, 1);
                bias = pc_adapt((uint32_t)delta, (uint32_t)h + 1, h == basic);
                delta = 0;
                h++;
            }
        }
        delta++;
        n++;
    }
    return true;
}

/* Decodes the punycode s[0..n) (without "xn--").  false when invalid. */
static bool pc_decode(const char *s, size_t n, cps_t *out)
{
    *out = (cps_t){0};
    size_t b = 0;
    for (size_t i = 0; i < n; i++)
        if (s[i] == '-')
            b = i;
    size_t start = 0;
    if (b > 0 || (n > 0 && s[0] == '-')) {
        for (size_t i = 0; i < b; i++)
            cps_push(out, (unsigned char)s[i]);
        start = b + 1;
    }
    uint32_t nn = 0x80, bias = 72;
    uint64_t i = 0;
    for (size_t in = start; in < n;) {
        uint64_t oldi = i, w = 1;
        for (uint32_t k = PC_BASE;; k += PC_BASE) {
            if (in >= n)
                goto bad;
            char ch = s[in++];
            uint32_t d;
            if (ch >= 'a' && ch <= 'z')
                d = (uint32_t)(ch - 'a');
            else if (ch >= 'A' && ch <= 'Z')
                d = (uint32_t)(ch - 'A');
            else if (ch >= '0' && ch <= '9')
                d = (uint32_t)(ch - '0') + 26;
            else
                goto bad;
            i += d * w;
            if (i > UINT32_MAX)
                goto bad;
            uint32_t t = pc_t(k, bias);
            if (d < t)
                break;
            w *= PC_BASE - t;
            if (w > UINT32_MAX)
                goto bad;
        }
        bias = pc_adapt((uint32_t)(i - oldi), (uint32_t)out->n + 1, oldi == 0);
        nn += (uint32_t)(i / (out->n + 1));
        i %= out->n + 1;
        if (nn > 0x10FFFF || (nn >= 0xD800 && nn <= 0xDFFF) || nn < 0x80)
            goto bad;
        cps_push(out, 0);
        memmove(out->c + i + 1, out->c + i, (out->n - 1 - i) * sizeof *out->c);
        out->c[i] = nn;
        i++;
    }
    return true;
bad:
    free(out->c);
    *out = (cps_t){0};
    return false;
}

/* ---- the domain ---- */

static const char *const special_use[] = {"arpa", "invalid", "local", "localhost", "onion", "test"};

/* UTS-46 mapping, reduced to what we can do cheaply: label separators to
 * ".", fullwidth letters, digits and hyphen to ASCII, lower case. */
static uint32_t remap(uint32_t c)
{
    if (c == 0x3002 || c == 0xFF0E || c == 0xFF61)
        return '.';
    if (c == 0xFF0D)
        return '-';
    if ((c >= 0xFF10 && c <= 0xFF19) || (c >= 0xFF21 && c <= 0xFF3A) || (c >= 0xFF41 && c <= 0xFF5A))
        c = c - 0xFF10 + '0';
    return text_lower_cp(c);
}

static bool label_ascii_host(const uint32_t *c, size_t n)
{
    if (n == 0)
        return false;
    for (size_t i = 0; i < n; i++) {
        bool alnum = (c[i] >= 'a' && c[i] <= 'z') || (c[i] >= 'A' && c[i] <= 'Z') || (c[i] >= '0' && c[i] <= '9');
        if (!alnum && !(c[i] == '-' && i > 0 && i < n - 1))
            return false;
    }
    return true;
}

/* validate_email_domain_name.  On success *ascii is the IDNA ASCII form
 * and *uni the display form (both heap). */
static char *check_domain(const cps_t *d0, char **ascii, char **uni)
{
    *ascii = *uni = NULL;
    strset_t bad = {0};
    for (size_t i = 0; i < d0->n; i++)
        if (!is_host_char_intl(d0->c[i]))
            set_add(&bad, d0->c[i]);
    if (bad.n)
        return set_message(&bad, "The part after the @-sign contains invalid characters: ", ".");
    char *e = check_unsafe(d0->c, d0->n, false);
    if (e)
        return e;

    cps_t d = {0};
    for (size_t i = 0; i < d0->n; i++)
        cps_push(&d, remap(d0->c[i]));
    e = check_dot_atom(d.c, d.n, &domain_msgs, true);
    if (e) {
        free(d.c);
        return e;
    }

    /* Labels: R-LDH rule, then the ASCII form. */
    mem_buf_t ab = {0}, ub = {0};
    mem_buf_append(&ab, "", 0);
    mem_buf_append(&ub, "", 0);
    size_t ls = 0;
    bool unicode = false;
    for (size_t i = 0; i <= d.n; i++) {
        if (i < d.n && d.c[i] != '.')
            continue;
        const uint32_t *lab = d.c + ls;
        size_t ln = i - ls;
        if (ln >= 4 && lab[2] == '-' && lab[3] == '-' &&
            !((lab[0] == 'x' || lab[0] == 'X') && (lab[1] == 'n' || lab[1] == 'N'))) {
            free(d.c);
            mem_buf_free(&ab);
            mem_buf_free(&ub);
            return xstrdup("An email address cannot have two letters followed by two dashes "
                           "immediately after the @-sign or after a period, except Punycode.");
        }
        if (ls > 0) {
            mem_buf_puts(&ab, ".");
            mem_buf_puts(&ub, ".");
        }
        bool nonascii = false;
        for (size_t k = 0; k < ln; k++)
            nonascii = nonascii || lab[k] >= 0x80;
        size_t before = ab.len;
        if (nonascii) {
            unicode = true;
            if (!pc_encode(lab, ln, &ab) || ab.len - before > 63) {
                free(d.c);
                mem_buf_free(&ab);
                mem_buf_free(&ub);
                return xstrdup("The part after the @-sign contains invalid characters (Label too long).");
            }
            for (size_t k = 0; k < ln; k++)
                vld_u8_put(&ub, lab[k]);
        } else {
            for (size_t k = 0; k < ln; k++) {
                char ch = (char)lab[k];
                mem_buf_append(&ab, &ch, 1);
            }
            /* An A-label typed by the user is shown decoded, as
             * idna.decode does. */
            cps_t dec;
            if (ln > 4 && lab[0] == 'x' && lab[1] == 'n' && lab[2] == '-' && lab[3] == '-') {
                if (!pc_decode(ab.data + before + 4, ln - 4, &dec) || dec.n == 0) {
                    free(d.c);
                    mem_buf_free(&ab);
                    mem_buf_free(&ub);
                    return xstrdup("The part after the @-sign is not valid IDNA (Invalid A-label).");
                }
                for (size_t k = 0; k < dec.n; k++)
                    vld_u8_put(&ub, dec.c[k]);
                free(dec.c);
            } else {
                mem_buf_append(&ub, ab.data + before, ln);
            }
        }
        ls = i + 1;
    }
    if (!unicode) {
        /* An ASCII domain must be a plain hostname. */
        size_t s = 0;
        for (size_t i = 0; i <= d.n; i++) {
            if (i < d.n && d.c[i] != '.')
                continue;
            if (!label_ascii_host(d.c + s, i - s)) {
                free(d.c);
                mem_buf_free(&ab);
                mem_buf_free(&ub);
                return xstrdup("The part after the @-sign contains invalid characters.");
            }
            s = i + 1;
        }
    } else if (ab.len > 253) {
        free(d.c);
        mem_buf_free(&ab);
        mem_buf_free(&ub);
        return xstrdup("The email address is too long after the @-sign.");
    }
    free(d.c);

    const char *a = ab.data;
    size_t an = ab.len;
    char *err = NULL;
    if (an > 253) {
        char *r = length_reason(an, 253, false);
        err = xasprintf("The email address is too long after the @-sign %s.", r);
        free(r);
    }
    for (size_t s = 0, i = 0; !err && i <= an; i++) {
        if (i < an && a[i] != '.')
            continue;
        if (i - s > 63) {
            char *r = length_reason(i - s, 63, false);
            err = xasprintf("After the @-sign, periods cannot be separated by so many characters %s.", r);
            free(r);
        }
        s = i + 1;
    }
    if (!err && !memchr(a, '.', an))
        err = xstrdup("The part after the @-sign is not valid. It should have a period.");
    if (!err && !((a[an - 1] >= 'a' && a[an - 1] <= 'z') || (a[an - 1] >= 'A' && a[an - 1] <= 'Z')))
        err = xstrdup("The part after the @-sign is not valid. It is not within a valid top-level domain.");
    for (size_t k = 0; !err && k < sizeof special_use / sizeof special_use[0]; k++) {
        size_t sl = strlen(special_use[k]);
        if ((an == sl && memcmp(a, special_use[k], sl) == 0) ||
            (an > sl && a[an - sl - 1] == '.' && memcmp(a + an - sl, special_use[k], sl) == 0))
            err =
                xstrdup("The part after the @-sign is a special-use or reserved name that cannot be used with email.");
    }
    if (err) {
        mem_buf_free(&ab);
        mem_buf_free(&ub);
        return err;
    }
    *ascii = mem_buf_take(&ab);
    *uni = mem_buf_take(&ub);
    return NULL;
}

/* validate_email_domain_literal with allow_domain_literal=False. */
static char *check_domain_literal(const uint32_t *c, size_t n)
{
    char *lit = cps_utf8(c, n);
    char *err;
    bool v4chars = n > 0;
    for (size_t i = 0; i < n; i++)
        v4chars = v4chars && ((c[i] >= '0' && c[i] <= '9') || c[i] == '.');
    unsigned char addr[16];
    if (v4chars) {
        if (inet_pton(AF_INET, lit, addr) == 1)
            err = xstrdup("A bracketed IPv4 address after the @-sign is not allowed here.");
        else
            err = xasprintf("The address in brackets after the @-sign is not valid: It is not an "
                            "IPv4 address (Expected 4 octets in '%s') or is missing an address literal tag.",
                            lit);
    } else if (strncmp(lit, "IPv6:", 5) == 0) {
        if (inet_pton(AF_INET6, lit + 5, addr) == 1)
            err = xstrdup("A bracketed IPv6 address after the @-sign is not allowed here.");
        else
            err = xasprintf("The IPv6 address in brackets after the @-sign is not valid "
                            "(At least 3 parts expected in '%s').",
                            lit + 5);
    } else if (!strchr(lit, ':')) {
        err = xstrdup("The part after the @-sign in brackets is not an IPv4 address and has no address literal tag.");
    } else {
        strset_t bad = {0};
        for (size_t i = 0; i < n; i++)
            if (!((c[i] >= 0x21 && c[i] <= 0x5A) || (c[i] >= 0x5E && c[i] <= 0xFA)))
                set_add(&bad, c[i]);
        if (bad.n)
            err = set_message(&bad, "The part after the @-sign contains invalid characters in brackets: ", ".");
        else
            err = xstrdup("The part after the @-sign contains an invalid address literal tag in brackets.");
    }
    free(lit);
    return err;
}

/* ---- pydantic's "Name <addr>" reduction ---- */

static bool name_char(uint32_t c)
{
    return is_atext(c) || (c >= 0x80 && !py_space(c) && vld_u_class(c) == VLD_UC_OK);
}

/* Matches "<(.+)>" plus trailing whitespace at c[j..n): the group is
 * written to *gs and *gn. */
static bool angle_tail(const uint32_t *c, size_t n, size_t j, size_t *gs, size_t *gn)
{
    size_t e = n;
    while (e > j && py_space(c[e - 1]))
        e--;
    if (e < j + 3 || c[j] != '<' || c[e - 1] != '>')
        return false;
    for (size_t i = j + 1; i < e - 1; i++)
        if (c[i] == '\n')
            return false;
    *gs = j + 1;
    *gn = e - 1 - (j + 1);
    return true;
}

/* pydantic's pretty_email_regex.fullmatch: optional whitespace, an
 * optional plain or quoted display name, whitespace, then "<addr>". */
static bool pretty_match(const uint32_t *c, size_t n, size_t *gs, size_t *gn)
{
    size_t i = 0;
    while (i < n && py_space(c[i]))
        i++;
    if (i < n && c[i] == '"') {
        for (size_t q = n; q-- > i + 1;) {
            if (c[q] != '"' || q < i + 2)
                continue;
            size_t j = q + 1;
            while (j < n && py_space(c[j]))
                j++;
            if (j < n && angle_tail(c, n, j, gs, gn))
                return true;
        }
        return false;
    }
    size_t p = i;
    while (p < n && c[p] != '<') {
        if (!name_char(c[p]) && !py_space(c[p]))
            return false;
        p++;
    }
    return p < n && angle_tail(c, n, p, gs, gn);
}

/* ---- the whole address ---- */

static const char *const role_mailboxes[] = {
    "info",       "marketing", "sales", "support",   "abuse", "noc",  "security", "postmaster",
    "hostmaster", "usenet",    "news",  "webmaster", "www",   "uucp", "ftp",
};

static char *validate_address(const uint32_t *c, size_t n, char **result)
{
    split_t sp;
    char *err = split_email(c, n, &sp);
    if (err) {
        split_free(&sp);
        return err;
    }
    if (sp.has_display && sp.display.n > 0) {
        split_free(&sp);
        return xstrdup("A display name and angle brackets around the email address are not permitted here.");
    }
    bool smtputf8;
    err = check_local(&sp.local, sp.quoted_local, &smtputf8);
    if (!err && sp.quoted_local)
        err = xstrdup("Quoting the part before the @-sign is not allowed here.");
    if (err) {
        split_free(&sp);
        return err;
    }
    if (!smtputf8) {
        char *lc = cps_utf8(sp.local.c, sp.local.n);
        for (char *p = lc; *p; p++)
            if (*p >= 'A' && *p <= 'Z')
                *p = (char)(*p - 'A' + 'a');
        for (size_t k = 0; k < sizeof role_mailboxes / sizeof role_mailboxes[0]; k++)
            if (strcmp(lc, role_mailboxes[k]) == 0)
                for (size_t i = 0; i < sp.local.n; i++)
                    sp.local.c[i] = text_lower_cp(sp.local.c[i]);
        free(lc);
    }
    if (sp.domain.n == 0) {
        split_free(&sp);
        return xstrdup("There must be something after the @-sign.");
    }
    if (sp.domain.c[0] == '[' && sp.domain.c[sp.domain.n - 1] == ']' && sp.domain.n >= 2) {
        err = check_domain_literal(sp.domain.c + 1, sp.domain.n - 2);
        split_free(&sp);
        return err;
    }
    char *ascii, *uni;
    err = check_domain(&sp.domain, &ascii, &uni);
    if (err) {
        split_free(&sp);
        return err;
    }
    char *local = cps_utf8(sp.local.c, sp.local.n);
    size_t local_cps = sp.local.n;
    split_free(&sp);
    char *norm = xasprintf("%s@%s", local, uni);
    size_t norm_cps = local_cps + 1 + vld_utf8_len(uni, strlen(uni));
    size_t norm_bytes = strlen(norm);
    if (!smtputf8) {
        size_t ascii_len = strlen(local) + 1 + strlen(ascii);
        if (ascii_len > 254) {
            char *r;
            if (strcmp(ascii, uni) == 0)
                r = length_reason(ascii_len, 254, false);
            else if (norm_cps > 254)
                r = length_reason(norm_cps, 254, true);
            else
                r = xstrdup("(when converted to IDNA ASCII)");
            err = xasprintf("The email address is too long %s.", r);
            free(r);
        }
    }
    if (!err && norm_bytes > 254) {
        char *r = norm_cps > 254 ? length_reason(norm_cps, 254, true) : xstrdup("(when encoded in bytes)");
        err = xasprintf("The email address is too long %s.", r);
        free(r);
    }
    free(local);
    free(ascii);
    free(uni);
    if (err) {
        free(norm);
        return err;
    }
    *result = norm;
    return NULL;
}

char *vld_email_normalize(const char *s, size_t n, char **reason)
{
    cps_t all = {0};
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        i += utf8_next(s, n, i, &cp);
        cps_push(&all, cp);
    }
    char *result = NULL;
    if (all.n > 2048) {
        *reason = xstrdup("Length must not exceed 2048 characters");
        free(all.c);
        return NULL;
    }
    size_t gs = 0, gn = all.n;
    if (!pretty_match(all.c, all.n, &gs, &gn)) {
        gs = 0;
        gn = all.n;
    }
    while (gn > 0 && py_space(all.c[gs])) {
        gs++;
        gn--;
    }
    while (gn > 0 && py_space(all.c[gs + gn - 1]))
        gn--;
    /* an empty input leaves all.c NULL, and NULL + 0 is undefined */
    char *err = validate_address(gn ? all.c + gs : all.c, gn, &result);
    free(all.c);
    if (err) {
        *reason = err;
        return NULL;
    }
    *reason = NULL;
    return result;
}
