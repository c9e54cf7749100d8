/* cli: `tali score`, the differential-testing front end of the engine
 * (scoring-spec §16).  One JSON case per input line, one JSON result per
 * output line, in the encoding of platform/json (compact, raw UTF-8,
 * Python float repr). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "components/scoring/fastjson.h"
#include "components/scoring/scoring.h"
#include "platform/json.h"
#include "platform/mem.h"

#define CLI_MAX_DEPTH 256

static json_t *error_line(const json_t *case_id, const char *message)
{
    json_t *o = json_object();
    json_object_set_new(o, "case_id", case_id ? json_deep_copy(case_id) : json_null());
    json_object_set_new(o, "mode", json_string("engine"));
    json_object_set_new(o, "ok", json_false());
    json_t *err = json_object();
    json_object_set_new(err, "message", json_string(message));
    json_object_set_new(o, "error", err);
    return o;
}

/* Scores one parsed case and appends its output line (without the
 * newline) to out.  The engine's result is written straight from its
 * struct, which lives in a per-case arena. */
static void score_case(const json_t *c, mem_buf_t *out)
{
    const json_t *case_id = json_object_get(c, "case_id");
    char msg[512];
    mem_arena_t *arena = mem_arena_new();
    const scoring_result_t *result = NULL;
    json_t *heur = NULL, *err = NULL;
    if (scoring_engine_compute(c, arena, &result, msg, sizeof msg) != ERR_OK) {
        err = error_line(case_id, msg[0] ? msg : "engine rejected the case");
    } else {
        const json_t *hin = json_object_get(c, "heuristics_input");
        if (hin && !json_is_null(hin)) {
            msg[0] = '\0';
            if (scoring_heuristics_compute(hin, &heur, msg, sizeof msg) != ERR_OK)
                err = error_line(case_id, msg[0] ? msg : "heuristics rejected the case");
        }
    }
    if (err) {
        json_encode_buf(out, err, false);
        json_decref(err);
    } else {
        mem_buf_puts(out, "{\"case_id\":");
        json_encode_buf(out, case_id, false);
        mem_buf_puts(out, ",\"mode\":\"engine\",\"ok\":true,\"result\":");
        scoring_result_encode(result, out);
        mem_buf_puts(out, ",\"heuristics\":");
        json_encode_buf(out, heur, false);
        mem_buf_puts(out, "}");
        json_decref(heur);
    }
    mem_arena_free(arena);
}

static bool blank(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
            return false;
    return true;
}

int scoring_cli_score(FILE *in, FILE *out)
{
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    int rc = 0;
    mem_buf_t scratch = {0};
    mem_buf_t outbuf = {0};
    while ((len = getline(&line, &cap, in)) >= 0) {
        size_t n = (size_t)len;
        if (blank(line, n))
            continue;
        json_parse_error_t perr;
        /* the quick reader for ordinary lines; jansson decides the rest */
        json_t *c = scoring_fastjson_parse(line, n, CLI_MAX_DEPTH, &scratch);
        if (!c)
            c = json_parse(line, n, CLI_MAX_DEPTH, &perr);
        json_t *o = NULL;
        outbuf.len = 0;
        if (!c) {
            char msg[256];
            snprintf(msg, sizeof msg, "invalid JSON at %zu: %s", perr.position, perr.message);
            o = error_line(NULL, msg);
        } else if (!json_is_object(c)) {
            o = error_line(NULL, "a case must be a JSON object");
        } else {
            score_case(c, &outbuf);
        }
        if (o) {
            json_encode_buf(&outbuf, o, false);
            json_decref(o);
        }
        json_decref(c);
        mem_buf_append(&outbuf, "\n", 1);
        if (fwrite(outbuf.data, 1, outbuf.len, out) != outbuf.len)
            rc = 1;
        if (rc)
            break;
    }
    if (ferror(in))
        rc = 1;
    free(line);
    mem_buf_free(&scratch);
    mem_buf_free(&outbuf);
    if (fflush(out) != 0)
        rc = 1;
    return rc;
}
