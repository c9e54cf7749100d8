/* storage: where uploaded documents go (platform-integrations §8.1, §8.2
 * step 3-4; api-contract §1.12).
 *
 * Every file is written to local disk under cfg->upload_dir as
 * <doc_type>/<doc_type>-<entity id>-<unix seconds>.<ext>.  When both AWS
 * keys are set it is also PUT to S3 under
 * uploads/<doc_type>/<entity id>/<filename with ' ' and '/' as '_'>,
 * signed with AWS Signature Version 4, path-style against
 * cfg->aws_s3_endpoint_url when that is set and virtual-host style
 * against AWS otherwise.  S3 is best effort, as in the original: a failed
 * PUT is logged and the local path is kept.  Nothing is ever read back. */
#ifndef TALI_PLATFORM_STORAGE_H
#define TALI_PLATFORM_STORAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "platform/config.h"
#include "platform/err.h"

typedef struct {
    const char *doc_type; /* "cv" or "job_spec": a fixed word, used in paths */
    int64_t entity_id;
    const char *filename; /* the client's file name (only for the S3 key) */
    const char *ext;      /* the validated lower-case extension: [a-z0-9]+ */
    const void *data;
    size_t len;
    int64_t now_s; /* Unix seconds for the local name and the signature */
} storage_object_t;

/* Saves obj as described above.  On success *location receives a heap
 * string (caller frees): the S3 URL "https://<bucket>.s3.amazonaws.com/<key>"
 * when the S3 copy succeeded, else the absolute local path.  ERR_UNAVAILABLE
 * when the local copy could not be written because the disk is full or
 * read-only, ERR_INTERNAL for any other failure (the reason is logged);
 * ERR_BAD_REQUEST when doc_type or ext is not a plain word. */
#define STORAGE_FULL_DETAIL "Insufficient storage: the server cannot save the file right now"

err_t storage_save(const config_t *c, const storage_object_t *obj, char **location);

/* Writes data to <dir>/<relpath>, creating directories (0750) as needed;
 * the file is created 0640 or replaced (a partial file is removed).
 * *abspath (may be NULL) receives the absolute path (heap).  Returns
 * ERR_UNAVAILABLE when the disk is full or read-only, ERR_INTERNAL on any
 * other failure. */
err_t storage_local_write(const char *dir, const char *relpath, const void *data, size_t len, char **abspath);

/* true when both AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are non-empty. */
bool storage_s3_configured(const config_t *c);

/* The S3 key of the contract: "uploads/<doc_type>/<id>/<filename>" with
 * spaces and '/' in filename replaced by '_'.  Heap string. */
char *storage_s3_key(const char *doc_type, int64_t entity_id, const char *filename);

/* PUTs data under key in cfg's bucket (no content type, no ACL).  ERR_OK
 * when S3 answered 2xx; otherwise the transport error or ERR_BAD_GATEWAY
 * with a reason in err. */
err_t storage_s3_put(const config_t *c, const char *key, const void *data, size_t len, int64_t now_s, char *err,
                     size_t errlen);

/* ---- AWS Signature Version 4 (exposed for tests) ---- */

typedef struct {
    const char *method;          /* "PUT" */
    const char *host;            /* the Host header value, port included when not default */
    const char *canonical_uri;   /* already percent-encoded path, e.g. "/bucket/uploads/cv/1/a.pdf" */
    const char *canonical_query; /* "" for none */
    const char *payload_sha256;  /* 64 lower-case hex characters */
    const char *amz_date;        /* "YYYYMMDDTHHMMSSZ" */
    const char *region;
    const char *service; /* "s3" */
    const char *access_key;
    const char *secret_key;
} storage_sigv4_t;

/* The Authorization header value for a request that signs exactly the
 * headers host, x-amz-content-sha256 and x-amz-date:
 * "AWS4-HMAC-SHA256 Credential=<key>/<date>/<region>/<service>/aws4_request,
 * SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature=<hex>".
 * Heap string. */
char *storage_sigv4_authorization(const storage_sigv4_t *in);

/* s with every byte outside A-Z a-z 0-9 - . _ ~ and '/' percent-encoded
 * (upper-case hex), as SigV4 canonical URIs for S3 need.  Heap string. */
char *storage_uri_encode_path(const char *s);

/* "YYYYMMDDTHHMMSSZ" for Unix seconds t into buf[17]. */
void storage_amz_date(int64_t t, char buf[17]);

#endif
