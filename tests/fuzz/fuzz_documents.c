/* fuzz_documents: feeds a document to the text extraction of
 * shared/documents.  The first byte picks the kind (PDF, DOCX, TXT), the
 * rest is the file.  PDF and DOCX go to documents_extract_inprocess, the
 * seam inside the isolated child (the child itself only adds fork and
 * rlimits, and its coverage would be lost to the fuzzer), followed by
 * what documents_extract does with the child's output: UTF-8
 * sanitising, Python strip and the preview.  TXT goes through
 * documents_extract itself, which never forks for text, with a small text
 * limit.  Checks documents.h: the final text is well-formed UTF-8 without
 * NULs, the strip bounds lie inside it, and a failure returns no text. */
#include "fuzz.h"

#include "platform/validate.h"
#include "shared/documents.h"

static void fz_check_text(const char *text, size_t len)
{
    FUZZ_CHECK(strlen(text) == len);
    FUZZ_CHECK(vld_utf8_valid(text, len));
    size_t a, e;
    documents_strip_bounds(text, len, &a, &e);
    FUZZ_CHECK(a <= e && e <= len);
    mem_arena_t *arena = mem_arena_new();
    char *preview = documents_preview(arena, text);
    FUZZ_CHECK(preview && vld_utf8_valid(preview, strlen(preview)));
    mem_arena_free(arena);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    const documents_kind_t kinds[] = {DOCUMENTS_PDF, DOCUMENTS_DOCX, DOCUMENTS_TXT};
    documents_kind_t kind = kinds[data[0] % 3];
    const uint8_t *doc = data + 1;
    size_t len = size - 1;
    if (kind == DOCUMENTS_TXT) {
        documents_limits_t lim = {.max_text_bytes = 4096};
        char *text = (char *)"sentinel";
        size_t tlen = 0;
        documents_status_t st = documents_extract(kind, doc, len, &lim, &text, &tlen);
        if (st == DOCUMENTS_OK) {
            FUZZ_CHECK(text != NULL);
            fz_check_text(text, tlen);
            free(text);
        } else {
            FUZZ_CHECK(text == NULL);
            FUZZ_CHECK(documents_status_message(st) != NULL);
        }
        return 0;
    }
    mem_buf_t out = {0};
    documents_status_t st = documents_extract_inprocess(kind, doc, len, &out);
    (void)documents_status_message(st);
    if (st == DOCUMENTS_OK) {
        size_t clean_len = 0;
        char *clean = documents_utf8_sanitize(out.data ? out.data : "", out.len, &clean_len);
        fz_check_text(clean, clean_len);
        free(clean);
    }
    mem_buf_free(&out);
    return 0;
}
