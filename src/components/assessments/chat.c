/* S8 chat: the model call of one turn and the prompt record it leaves in
 * ai_prompts (api-contract §2.6, platform-integrations §4.2, policy fix
 * 12).  The database side is in service.c. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "components/assessments/internal.h"
#include "components/integrations/claude/claude.h"
#include "platform/log.h"

#define ASSESSMENTS_CHAT_SYSTEM "You are a helpful coding assistant helping a candidate debug code."

static int64_t chat_mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void assessments_chat_call(const assessments_chat_in_t *in, char **text, int64_t *input_tokens, int64_t *output_tokens,
                           int64_t *latency_ms)
{
    *text = NULL;
    *input_tokens = *output_tokens = 0;
    /* The client's history verbatim, then the new message as a user turn
     * (the frontend already put it in the history too; the original sent
     * it twice and so do we). */
    json_t *messages = json_array();
    if (in->history)
        json_array_extend(messages, (json_t *)in->history);
    json_t *turn = json_object();
    json_object_set_new(turn, "role", json_string("user"));
    json_object_set_new(turn, "content", json_string(in->message));
    json_array_append_new(messages, turn);
    claude_request_t req = {
        .system = ASSESSMENTS_CHAT_SYSTEM,
        .messages = messages,
        .max_retries = -1,
    };
    claude_reply_t reply;
    int64_t t0 = chat_mono_ms();
    err_t e = claude_messages(&req, &reply);
    *latency_ms = chat_mono_ms() - t0;
    if (e == ERR_OK && reply.text) {
        *text = reply.text;
        reply.text = NULL;
        *input_tokens = reply.input_tokens;
        *output_tokens = reply.output_tokens;
    } else {
        log_warn("tali.assessments", "chat model call failed (%s): %s", err_name(e), reply.message);
    }
    claude_reply_free(&reply);
    json_decref(messages);
}

/* len(message.split()): runs of non-whitespace, whitespace as Python's
 * str.split() sees it for ASCII (the common case) plus the Unicode
 * spaces a browser sends (U+00A0 and the U+2000 block). */
static int64_t chat_word_count(const char *s)
{
    int64_t n = 0;
    bool in_word = false;
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        size_t adv = 1;
        bool space = false;
        if (*p == ' ' || (*p >= '\t' && *p <= '\r') || (*p >= 0x1c && *p <= 0x1f)) {
            space = true;
        } else if (p[0] == 0xc2 && (p[1] == 0x85 || p[1] == 0xa0)) {
            space = true;
            adv = 2;
        } else if (p[0] == 0xe2 && p[1] == 0x80 && p[2] &&
                   ((p[2] >= 0x80 && p[2] <= 0x8a) || p[2] == 0xa8 || p[2] == 0xa9 || p[2] == 0xaf)) {
            space = true;
            adv = 3;
        } else if (p[0] == 0xe3 && p[1] == 0x80 && p[2] == 0x80) {
            space = true;
            adv = 3;
        } else if (p[0] == 0xe1 && p[1] == 0x9a && p[2] == 0x80) {
            space = true;
            adv = 3;
        } else if (p[0] == 0xe2 && p[1] == 0x81 && p[2] == 0x9f) {
            space = true;
            adv = 3;
        }
        if (space) {
            in_word = false;
        } else if (!in_word) {
            in_word = true;
            n++;
        }
        p += adv;
    }
    return n;
}

json_t *assessments_chat_record(mem_arena_t *a, const assessments_chat_in_t *in, const char *reply_text,
                                int64_t input_tokens, int64_t output_tokens, int64_t latency_ms, int64_t now_us,
                                const assessments_opt_int_t *started_at)
{
    json_t *o = json_object();
    json_object_set_new(o, "message", json_string(in->message));
    json_object_set_new(o, "response", json_string(reply_text ? reply_text : ""));
    json_object_set_new(o, "timestamp", json_string(assessments_schema_blob_time(a, now_us)));
    json_object_set_new(o, "input_tokens", json_integer(input_tokens));
    json_object_set_new(o, "output_tokens", json_integer(output_tokens));
    json_object_set_new(o, "tokens_used", json_integer(input_tokens + output_tokens));
    json_object_set_new(o, "response_latency_ms", json_integer(latency_ms));
    json_object_set_new(o, "code_before", json_string(in->code_context ? in->code_context : ""));
    json_object_set_new(o, "code_after", json_string(""));
    json_object_set_new(o, "word_count", json_integer(chat_word_count(in->message)));
    json_object_set_new(o, "char_count", json_integer((json_int_t)vld_utf8_len(in->message, strlen(in->message))));
    json_object_set_new(o, "time_since_last_prompt_ms",
                        in->has_since_last ? json_integer(in->time_since_last_prompt_ms) : json_null());
    json_object_set_new(o, "paste_detected", json_boolean(in->paste_detected));
    json_object_set_new(o, "browser_focused", json_boolean(in->browser_focused));
    /* Policy fix 12: the engine reads these two; the original never stored
     * them. */
    if (started_at && started_at->set) {
        int64_t ms = (now_us - started_at->v) / 1000;
        json_object_set_new(o, "time_since_assessment_start_ms", json_integer(ms < 0 ? 0 : ms));
    }
    if (in->has_paste_length)
        json_object_set_new(o, "paste_length", json_integer(in->paste_length));
    return o;
}
