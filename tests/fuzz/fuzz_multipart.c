/* fuzz_multipart: feeds "Content-Type value\nbody" to the multipart path of
 * platform/http/parse.c: http_media_type_is and http_content_type_param
 * take the header, http_parse_multipart the body with the boundary found
 * there.  Checks the parse.h promises: every file's data lies inside the
 * body, and every field and file has a name. */
#include "fuzz.h"

#include "platform/http/parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_input_t in = {data, size};
    char *ctype = fuzz_next(&in, '\n', NULL);
    const char *body = (const char *)in.p;
    size_t blen = in.n;
    mem_arena_t *a = mem_arena_new();
    (void)http_media_type_is(ctype, "multipart/form-data");
    char *boundary = http_content_type_param(a, ctype, "boundary");
    (void)http_content_type_param(a, ctype, "charset");
    if (boundary) {
        http_kvlist_t fields = {0};
        http_filelist_t files = {0};
        (void)http_parse_multipart(a, body, blen, boundary, &fields, &files);
        for (size_t i = 0; i < fields.n; i++) {
            FUZZ_CHECK(fields.v[i].name != NULL);
            FUZZ_CHECK(fields.v[i].value[fields.v[i].value_len] == '\0');
        }
        for (size_t i = 0; i < files.n; i++) {
            const http_file_t *f = &files.v[i].file;
            FUZZ_CHECK(files.v[i].name && f->filename && f->content_type);
            FUZZ_CHECK(f->data >= body && f->data + f->len <= body + blen);
            (void)http_kv_get(&fields, files.v[i].name, false);
        }
    }
    mem_arena_free(a);
    free(ctype);
    return 0;
}
