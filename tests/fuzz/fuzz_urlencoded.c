/* fuzz_urlencoded: feeds a body to the form-urlencoded login path: the
 * decoder and pair splitter of platform/http/parse.c
 * (http_parse_urlencoded, http_url_decode with and without "+" as space),
 * then the OAuth2 password form fields through vld_raw_str as the login
 * route checks them.  Checks that decoding never grows the text and that
 * every value is NUL-terminated at its length. */
#include "fuzz.h"

#include "platform/http/parse.h"
#include "platform/validate.h"

static const char *const fz_fields[] = {"grant_type", "username", "password", "scope", "client_id", "client_secret"};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    mem_arena_t *a = mem_arena_new();
    size_t dlen = 0;
    (void)http_url_decode(a, s, size, false, &dlen);
    FUZZ_CHECK(dlen <= size);
    (void)http_url_decode(a, s, size, true, &dlen);
    FUZZ_CHECK(dlen <= size);

    http_kvlist_t form = {0};
    http_parse_urlencoded(a, s, size, &form);
    for (size_t i = 0; i < form.n; i++)
        FUZZ_CHECK(form.v[i].value[form.v[i].value_len] == '\0');

    vld_t v;
    vld_init(&v, a);
    vld_str_rule_t grant = {.need = VLD_OPTIONAL, .pattern = "password"};
    vld_str_rule_t req = {.need = VLD_REQUIRED};
    vld_str_rule_t opt = {.need = VLD_OPTIONAL};
    for (size_t i = 0; i < sizeof(fz_fields) / sizeof(fz_fields[0]); i++) {
        const vld_str_rule_t *rule = i == 0 ? &grant : i < 3 ? &req : &opt;
        vld_str_t out;
        (void)vld_raw_str(&v, "body", fz_fields[i], http_kv_get(&form, fz_fields[i], false), rule, &out);
    }
    json_t *errs = vld_take(&v);
    char *text = json_dumps(errs, 0);
    free(text);
    json_decref(errs);
    vld_free(&v);
    mem_arena_free(a);
    return 0;
}
