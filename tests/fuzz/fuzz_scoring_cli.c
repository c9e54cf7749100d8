/* fuzz_scoring_cli: feeds JSON-lines cases to scoring_cli_score
 * (components/scoring/cli.c), the `tali score` front end: each line is
 * parsed and run through the engine and the heuristics (PCRE2 patterns
 * over the interaction texts).  Output goes to an in-memory stream.
 * Checks scoring.h: every non-blank input line gives exactly one output
 * line, and each output line is a JSON object with "ok". */
#include "fuzz.h"

#include "components/scoring/scoring.h"
#include "platform/json.h"

static size_t fz_nonblank_lines(const uint8_t *d, size_t n)
{
    size_t count = 0;
    bool blank = true;
    for (size_t i = 0; i <= n; i++) {
        if (i == n || d[i] == '\n') {
            count += !blank;
            blank = true;
        } else if (d[i] != ' ' && d[i] != '\t' && d[i] != '\r') {
            blank = false;
        }
    }
    return count;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    FILE *in = fmemopen((void *)data, size, "r");
    char *obuf = NULL;
    size_t olen = 0;
    FILE *out = open_memstream(&obuf, &olen);
    if (!in || !out)
        abort();
    int rc = scoring_cli_score(in, out);
    fclose(in);
    fclose(out);
    FUZZ_CHECK(rc == 0);
    size_t lines = 0;
    for (char *line = obuf, *nl; line && (nl = strchr(line, '\n')) != NULL; line = nl + 1) {
        json_t *o = json_loadb(line, (size_t)(nl - line), JSON_ALLOW_NUL, NULL);
        FUZZ_CHECK(json_is_object(o));
        FUZZ_CHECK(json_is_boolean(json_object_get(o, "ok")));
        json_decref(o);
        lines++;
    }
    FUZZ_CHECK(lines == fz_nonblank_lines(data, size));
    free(obuf);
    return 0;
}
