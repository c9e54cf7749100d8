/* fuzz_json: feeds "Content-Type value\nbody" to the JSON body bridge:
 * http_json_body (platform/http/request.c) on a request carrying that
 * header and body, which calls json_parse (platform/json.c), and then the
 * encoder json_encode / json_encode_buf.  Checks the json.h promises: a
 * failed parse reports a position within the input, an accepted body
 * encodes to text that parses back to an equal value (raw UTF-8 and
 * ASCII-escaped alike), and the bridge either returns a value or adds a
 * 422 entry. */
#include "fuzz.h"

#include "platform/http/internal.h"
#include "platform/json.h"

static void fz_roundtrip(const json_t *v)
{
    char *text = json_encode(v);
    json_t *back = json_parse(text, strlen(text), JSON_MAX_DEPTH_DEFAULT + 1, NULL);
    FUZZ_CHECK(back != NULL);
    FUZZ_CHECK(json_equal(v, back));
    json_decref(back);
    free(text);

    mem_buf_t b = {0};
    json_encode_buf(&b, v, true);
    for (size_t i = 0; i < b.len; i++)
        FUZZ_CHECK((unsigned char)b.data[i] < 0x80);
    back = json_parse(b.data, b.len, JSON_MAX_DEPTH_DEFAULT + 1, NULL);
    FUZZ_CHECK(back != NULL);
    FUZZ_CHECK(json_equal(v, back));
    json_decref(back);
    mem_buf_free(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* the parser on its own, on the whole input */
    json_parse_error_t err = {0};
    json_t *v = json_parse((const char *)data, size, JSON_MAX_DEPTH_DEFAULT, &err);
    if (v) {
        fz_roundtrip(v);
        json_decref(v);
    } else {
        FUZZ_CHECK(err.position <= size);
        FUZZ_CHECK(memchr(err.message, '\0', sizeof err.message) != NULL);
    }

    /* the bridge, with the first line as Content-Type */
    fuzz_input_t in = {data, size};
    char *ctype = fuzz_next(&in, '\n', NULL);
    http_req_t *req = http_req_create(NULL, "/api/v1/items");
    http_req_set_method(req, "POST");
    if (ctype[0])
        http_req_add_header(req, "Content-Type", ctype);
    http_req_set_body(req, in.p, in.n);
    http_verr_t *hv = http_verr_new(req);
    json_t *body = http_json_body(req, hv);
    FUZZ_CHECK(body != NULL || http_verr_any(hv));
    FUZZ_CHECK(body == NULL || !http_verr_any(hv));
    http_req_destroy(req);
    free(ctype);
    return 0;
}
