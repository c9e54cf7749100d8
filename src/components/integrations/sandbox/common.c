/* sandbox common: the helpers of sandbox.h that both providers share (the
 * result's lifetime, its JSON shape, and the pytest summary parsing of the
 * original's E2B wrapper, platform-integrations §3.1). */
#include "components/integrations/sandbox/sandbox.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "platform/mem.h"

void sandbox_result_free(sandbox_result_t *r)
{
    if (!r)
        return;
    free(r->stdout_text);
    free(r->stderr_text);
    free(r->error);
    json_decref(r->results);
    memset(r, 0, sizeof *r);
}

json_t *sandbox_result_json(const sandbox_result_t *r)
{
    json_t *o = json_object();
    json_object_set_new(o, "success", json_boolean(r->success));
    json_object_set_new(o, "stdout", json_string(r->stdout_text ? r->stdout_text : ""));
    json_object_set_new(o, "stderr", json_string(r->stderr_text ? r->stderr_text : ""));
    json_object_set_new(o, "error", r->error ? json_string(r->error) : json_null());
    if (r->has_counts) {
        json_object_set_new(o, "passed", json_integer(r->passed));
        json_object_set_new(o, "failed", json_integer(r->failed));
        json_object_set_new(o, "total", json_integer(r->total));
    } else {
        json_object_set_new(o, "results", r->results ? json_deep_copy(r->results) : json_array());
    }
    return o;
}

/* Python's `\s` for the ASCII range (str.isspace also counts \x1c-\x1f). */
static int is_py_space(unsigned char c)
{
    return c == ' ' || (c >= '\t' && c <= '\r') || (c >= 0x1c && c <= 0x1f);
}

/* The number captured by the first match of `(\d+)\s+<word>` in text, or 0
 * when there is none.  A later occurrence of the word can never start a
 * match left of an earlier one (the word's letters are neither digits nor
 * blanks), so the first occurrence that has digits and blanks before it is
 * the leftmost match; its greedy \d+ is the whole run of digits. */
static int first_count_before(const char *text, size_t len, const char *word)
{
    size_t wl = strlen(word);
    for (size_t i = 0; i + wl <= len; i++) {
        if (memcmp(text + i, word, wl) != 0)
            continue;
        size_t j = i;
        while (j > 0 && is_py_space((unsigned char)text[j - 1]))
            j--;
        if (j == i)
            continue;
        size_t end = j;
        while (j > 0 && text[j - 1] >= '0' && text[j - 1] <= '9')
            j--;
        if (j == end)
            continue;
        long long v = 0;
        for (size_t k = j; k < end; k++) {
            v = v * 10 + (text[k] - '0');
            if (v > INT_MAX)
                return INT_MAX;
        }
        return (int)v;
    }
    return 0;
}

void sandbox_parse_pytest(sandbox_result_t *r)
{
    mem_buf_t all = {0};
    mem_buf_puts(&all, r->stdout_text ? r->stdout_text : "");
    mem_buf_puts(&all, r->stderr_text ? r->stderr_text : "");
    const char *text = all.data ? all.data : "";
    r->passed = first_count_before(text, all.len, "passed");
    r->failed = first_count_before(text, all.len, "failed");
    r->total = r->passed > INT_MAX - r->failed ? INT_MAX : r->passed + r->failed;
    r->has_counts = true;
    mem_buf_free(&all);
}
