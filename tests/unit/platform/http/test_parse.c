/* Parsers: percent-decoding, query strings and urlencoded forms,
 * Content-Type parameters, multipart bodies, request ids. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "platform/http/parse.h"

static void test_url_decode(void **state)
{
    (void)state;
    mem_arena_t *a = mem_arena_new();
    size_t n = 0;
    assert_string_equal(http_url_decode(a, "a%20b+c", 7, true, &n), "a b c");
    assert_int_equal(n, 5);
    assert_string_equal(http_url_decode(a, "a%20b+c", 7, false, NULL), "a b+c");
    /* a stray % stays as typed */
    assert_string_equal(http_url_decode(a, "100%", 4, true, NULL), "100%");
    assert_string_equal(http_url_decode(a, "%zz%4", 5, true, NULL), "%zz%4");
    assert_string_equal(http_url_decode(a, "%C2%A3", 6, true, NULL), "\xC2\xA3");
    mem_arena_free(a);
}

static void test_query_string(void **state)
{
    (void)state;
    mem_arena_t *a = mem_arena_new();
    http_kvlist_t l = {0};
    const char *q = "limit=10&status=in_progress&q=a+b%26c&empty=&flag&&limit=99";
    http_parse_urlencoded(a, q, strlen(q), &l);
    assert_string_equal(http_kv_get(&l, "limit", false), "10"); /* first wins */
    assert_string_equal(http_kv_get(&l, "status", false), "in_progress");
    assert_string_equal(http_kv_get(&l, "q", false), "a b&c");
    assert_string_equal(http_kv_get(&l, "empty", false), "");
    assert_string_equal(http_kv_get(&l, "flag", false), "");
    assert_null(http_kv_get(&l, "missing", false));
    assert_null(http_kv_get(&l, "LIMIT", false));
    assert_int_equal(l.n, 6);
    mem_arena_free(a);
}

static void test_form_login(void **state)
{
    (void)state;
    mem_arena_t *a = mem_arena_new();
    http_kvlist_t l = {0};
    const char *body = "username=alice%40example.com&password=p%40ss+word%21";
    http_parse_urlencoded(a, body, strlen(body), &l);
    assert_string_equal(http_kv_get(&l, "username", false), "alice@example.com");
    assert_string_equal(http_kv_get(&l, "password", false), "p@ss word!");
    mem_arena_free(a);
}

static void test_content_type(void **state)
{
    (void)state;
    mem_arena_t *a = mem_arena_new();
    assert_true(http_media_type_is("multipart/form-data; boundary=x", "multipart/form-data"));
    assert_true(http_media_type_is(" Multipart/Form-Data ;boundary=x", "multipart/form-data"));
    assert_false(http_media_type_is("multipart/form-datax", "multipart/form-data"));
    assert_false(http_media_type_is(NULL, "multipart/form-data"));
    assert_string_equal(http_content_type_param(a, "multipart/form-data; boundary=----WebKit123", "boundary"),
                        "----WebKit123");
    assert_string_equal(
        http_content_type_param(a, "multipart/form-data; charset=utf-8; BOUNDARY=\"a b;c\"", "boundary"), "a b;c");
    assert_null(http_content_type_param(a, "multipart/form-data", "boundary"));
    mem_arena_free(a);
}

static void test_multipart_file_and_field(void **state)
{
    (void)state;
    mem_arena_t *a = mem_arena_new();
    static const char file_bytes[] = {'%', 'P', 'D', 'F', 0x00, (char)0xFF, '\r', '\n', '-', '-', 'x', 0x01};
    char body[1024];
    size_t n = 0;
#define PUT(s) (memcpy(body + n, s, strlen(s)), n += strlen(s))
    PUT("--XyZ\r\nContent-Disposition: form-data; name=\"token\"\r\n\r\nsecret-token\r\n");
    PUT("--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"cv final.pdf\"\r\n"
        "Content-Type: application/pdf\r\n\r\n");
    memcpy(body + n, file_bytes, sizeof(file_bytes));
    n += sizeof(file_bytes);
    PUT("\r\n--XyZ--\r\n");
#undef PUT
    http_kvlist_t fields = {0};
    http_filelist_t files = {0};
    assert_int_equal(http_parse_multipart(a, body, n, "XyZ", &fields, &files), 0);
    assert_string_equal(http_kv_get(&fields, "token", false), "secret-token");
    assert_null(http_kv_get(&fields, "file", false));
    assert_int_equal(files.n, 1);
    assert_string_equal(files.v[0].name, "file");
    assert_string_equal(files.v[0].file.filename, "cv final.pdf");
    assert_string_equal(files.v[0].file.content_type, "application/pdf");
    assert_int_equal(files.v[0].file.len, sizeof(file_bytes));
    assert_memory_equal(files.v[0].file.data, file_bytes, sizeof(file_bytes));
    mem_arena_free(a);
}

static void test_multipart_lf_empty_and_missing(void **state)
{
    (void)state;
    mem_arena_t *a = mem_arena_new();
    /* bare LF line ends, a preamble, an empty file with an empty filename,
     * and no "file" field at all in the second body */
    const char *body = "preamble\n--b\nContent-Disposition: form-data; name=\"file\"; filename=\"\"\n"
                       "\n\n--b\ncontent-disposition: form-data; name=note\n\nhi there\n--b--";
    http_kvlist_t fields = {0};
    http_filelist_t files = {0};
    assert_int_equal(http_parse_multipart(a, body, strlen(body), "b", &fields, &files), 0);
    assert_int_equal(files.n, 1);
    assert_string_equal(files.v[0].file.filename, "");
    assert_string_equal(files.v[0].file.content_type, "");
    assert_int_equal(files.v[0].file.len, 0);
    assert_string_equal(http_kv_get(&fields, "note", false), "hi there");

    const char *body2 = "--b\r\nContent-Disposition: form-data; name=\"token\"\r\n\r\nt\r\n--b--\r\n";
    http_kvlist_t f2 = {0};
    http_filelist_t files2 = {0};
    assert_int_equal(http_parse_multipart(a, body2, strlen(body2), "b", &f2, &files2), 0);
    assert_int_equal(files2.n, 0);
    assert_string_equal(http_kv_get(&f2, "token", false), "t");
    mem_arena_free(a);
}

static void test_multipart_windows_path_and_errors(void **state)
{
    (void)state;
    mem_arena_t *a = mem_arena_new();
    const char *body = "--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"C:\\Users\\me\\cv.docx\"\r\n"
                       "\r\nDATA\r\n--b--\r\n";
    http_kvlist_t fields = {0};
    http_filelist_t files = {0};
    assert_int_equal(http_parse_multipart(a, body, strlen(body), "b", &fields, &files), 0);
    assert_int_equal(files.n, 1);
    assert_string_equal(files.v[0].file.filename, "cv.docx");
    assert_int_equal(files.v[0].file.len, 4);

    /* no closing delimiter, wrong boundary, no boundary */
    const char *cut = "--b\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\nvalue";
    http_kvlist_t f2 = {0};
    http_filelist_t fl2 = {0};
    assert_int_equal(http_parse_multipart(a, cut, strlen(cut), "b", &f2, &fl2), -1);
    assert_int_equal(http_parse_multipart(a, body, strlen(body), "other", &f2, &fl2), -1);
    assert_int_equal(http_parse_multipart(a, body, strlen(body), "", &f2, &fl2), -1);
    mem_arena_free(a);
}

static void test_request_id(void **state)
{
    (void)state;
    char long_ok[129], too_long[130];
    memset(long_ok, 'a', 128);
    long_ok[128] = '\0';
    memset(too_long, 'a', 129);
    too_long[129] = '\0';
    assert_true(http_request_id_ok("abc-123_X.y"));
    assert_true(http_request_id_ok(long_ok));
    assert_false(http_request_id_ok(too_long));
    assert_false(http_request_id_ok(""));
    assert_false(http_request_id_ok(NULL));
    assert_false(http_request_id_ok("a b"));
    assert_false(http_request_id_ok("a\nb"));
    assert_false(http_request_id_ok("caf\xC3\xA9"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_url_decode),
        cmocka_unit_test(test_query_string),
        cmocka_unit_test(test_form_login),
        cmocka_unit_test(test_content_type),
        cmocka_unit_test(test_multipart_file_and_field),
        cmocka_unit_test(test_multipart_lf_empty_and_missing),
        cmocka_unit_test(test_multipart_windows_path_and_errors),
        cmocka_unit_test(test_request_id),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
