/* Unit tests of platform/storage: SigV4 (checked against the signature
 * tests/fakes/s3.py computes, which itself is checked against AWS's
 * published example in tests/api/test_candidates.py), path encoding, the
 * S3 key and local file rules. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "platform/storage.h"

static void test_sigv4_matches_reference(void **state)
{
    (void)state;
    storage_sigv4_t in = {
        .method = "PUT",
        .host = "127.0.0.1:9000",
        .canonical_uri = "/bucket/uploads/cv/7/My%20CV%2B.pdf",
        .canonical_query = "",
        .payload_sha256 = "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824",
        .amz_date = "20260126T101500Z",
        .region = "eu-west-2",
        .service = "s3",
        .access_key = "AKID",
        .secret_key = "s3cr3t",
    };
    char *auth = storage_sigv4_authorization(&in);
    assert_string_equal(auth, "AWS4-HMAC-SHA256 Credential=AKID/20260126/eu-west-2/s3/aws4_request, "
                              "SignedHeaders=host;x-amz-content-sha256;x-amz-date, "
                              "Signature=bbbfe960cbc73d2880b47ea096616e3dbfc565a0046d400f999612209ddcf83a");
    free(auth);
    /* any change to a signed input changes the signature */
    in.payload_sha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    auth = storage_sigv4_authorization(&in);
    assert_null(strstr(auth, "bbbfe960cbc73d28"));
    free(auth);
}

static void test_uri_encoding_and_dates(void **state)
{
    (void)state;
    char *e = storage_uri_encode_path("uploads/cv/1/A b+c(1)~_.-\xC3\xA9.pdf");
    assert_string_equal(e, "uploads/cv/1/A%20b%2Bc%281%29~_.-%C3%A9.pdf");
    free(e);
    char d[17];
    storage_amz_date(0, d);
    assert_string_equal(d, "19700101T000000Z");
    storage_amz_date(1769422500, d);
    assert_string_equal(d, "20260126T101500Z");
}

static void test_s3_key(void **state)
{
    (void)state;
    char *k = storage_s3_key("cv", 42, "my cv/v2 final.pdf");
    assert_string_equal(k, "uploads/cv/42/my_cv_v2_final.pdf");
    free(k);
    k = storage_s3_key("job_spec", 1, "spec.txt");
    assert_string_equal(k, "uploads/job_spec/1/spec.txt");
    free(k);
}

static void test_s3_configured(void **state)
{
    (void)state;
    config_t c;
    memset(&c, 0, sizeof c);
    assert_false(storage_s3_configured(&c));
    c.aws_access_key_id = "a";
    assert_false(storage_s3_configured(&c));
    c.aws_secret_access_key = "";
    assert_false(storage_s3_configured(&c));
    c.aws_secret_access_key = "b";
    assert_true(storage_s3_configured(&c));
}

static char tmpdir[256];

static int setup_tmp(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/tali-storage-XXXXXX");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown_tmp(void **state)
{
    (void)state;
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

static void test_local_write_and_save(void **state)
{
    (void)state;
    char *abs = NULL;
    assert_int_equal(storage_local_write(tmpdir, "a/b/c.txt", "data", 4, &abs), ERR_OK);
    char want[512];
    snprintf(want, sizeof want, "%s/a/b/c.txt", tmpdir);
    assert_string_equal(abs, want);
    FILE *f = fopen(abs, "rb");
    assert_non_null(f);
    char buf[16] = {0};
    assert_int_equal(fread(buf, 1, sizeof buf, f), 4);
    fclose(f);
    assert_string_equal(buf, "data");
    struct stat st;
    assert_int_equal(stat(abs, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0640);
    free(abs);

    /* a path through a regular file cannot be created */
    assert_int_equal(storage_local_write(tmpdir, "a/b/c.txt/d", "x", 1, NULL), ERR_INTERNAL);

    config_t c;
    memset(&c, 0, sizeof c);
    c.upload_dir = tmpdir;
    storage_object_t obj = {.doc_type = "cv",
                            .entity_id = 9,
                            .filename = "x y.pdf",
                            .ext = "pdf",
                            .data = "%PDF",
                            .len = 4,
                            .now_s = 1700000000};
    char *loc = NULL;
    assert_int_equal(storage_save(&c, &obj, &loc), ERR_OK);
    snprintf(want, sizeof want, "%s/cv/cv-9-1700000000.pdf", tmpdir);
    assert_string_equal(loc, want);
    free(loc);

    obj.ext = "../pdf";
    assert_int_equal(storage_save(&c, &obj, &loc), ERR_BAD_REQUEST);
    assert_null(loc);
    obj.ext = "pdf";
    obj.doc_type = "cv/../..";
    assert_int_equal(storage_save(&c, &obj, &loc), ERR_BAD_REQUEST);
}

static void test_relative_upload_dir_gives_absolute_path(void **state)
{
    (void)state;
    char cwd[512];
    assert_non_null(getcwd(cwd, sizeof cwd));
    assert_int_equal(chdir(tmpdir), 0);
    config_t c;
    memset(&c, 0, sizeof c);
    c.upload_dir = "uploads";
    storage_object_t obj = {
        .doc_type = "job_spec", .entity_id = 3, .filename = "s.txt", .ext = "txt", .data = "t", .len = 1, .now_s = 5};
    char *loc = NULL;
    assert_int_equal(storage_save(&c, &obj, &loc), ERR_OK);
    char want[600];
    snprintf(want, sizeof want, "%s/uploads/job_spec/job_spec-3-5.txt", tmpdir);
    assert_string_equal(loc, want);
    free(loc);
    assert_int_equal(chdir(cwd), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sigv4_matches_reference),
        cmocka_unit_test(test_uri_encoding_and_dates),
        cmocka_unit_test(test_s3_key),
        cmocka_unit_test(test_s3_configured),
        cmocka_unit_test_setup_teardown(test_local_write_and_save, setup_tmp, teardown_tmp),
        cmocka_unit_test_setup_teardown(test_relative_upload_dir_gives_absolute_path, setup_tmp, teardown_tmp),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
