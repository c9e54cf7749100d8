/* storage: local files and the best-effort S3 copy. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "platform/httpclient.h"
#include "platform/log.h"
#include "platform/mem.h"
#include "platform/security.h"
#include "platform/storage.h"

#define STORAGE_LOG "tali.storage"

static bool st_word(const char *s)
{
    if (!s || !*s)
        return false;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_'))
            return false;
    return true;
}

static bool st_set(const char *s)
{
    return s && *s;
}

bool storage_s3_configured(const config_t *c)
{
    return st_set(c->aws_access_key_id) && st_set(c->aws_secret_access_key);
}

char *storage_s3_key(const char *doc_type, int64_t entity_id, const char *filename)
{
    char *key = xasprintf("uploads/%s/%lld/%s", doc_type, (long long)entity_id, filename ? filename : "");
    size_t prefix = strlen(key) - strlen(filename ? filename : "");
    for (char *p = key + prefix; *p; p++)
        if (*p == ' ' || *p == '/')
            *p = '_';
    return key;
}

/* mkdir -p for the directory part of path (path itself excluded). */
static int st_mkdirs(const char *path)
{
    char *tmp = xstrdup(path);
    for (char *p = tmp + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(tmp, 0750) != 0 && errno != EEXIST) {
            free(tmp);
            return -1;
        }
        *p = '/';
    }
    free(tmp);
    return 0;
}

/* A disk that is full or read-only is a temporary condition of the
 * server (503), anything else a fault (500). */
static err_t st_write_err(int e)
{
    return e == ENOSPC || e == EDQUOT || e == EROFS ? ERR_UNAVAILABLE : ERR_INTERNAL;
}

err_t storage_local_write(const char *dir, const char *relpath, const void *data, size_t len, char **abspath)
{
    if (abspath)
        *abspath = NULL;
    char *path;
    if (dir[0] == '/') {
        path = xasprintf("%s/%s", dir, relpath);
    } else {
        char cwd[PATH_MAX];
        if (!getcwd(cwd, sizeof cwd)) {
            log_error(STORAGE_LOG, "getcwd failed: %s", strerror(errno));
            return ERR_INTERNAL;
        }
        path = xasprintf("%s/%s/%s", cwd, dir, relpath);
    }
    if (st_mkdirs(path) != 0) {
        err_t e = st_write_err(errno);
        log_error(STORAGE_LOG, "cannot create the directories of %s: %s", path, strerror(errno));
        free(path);
        return e;
    }
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
    if (fd < 0) {
        err_t e = st_write_err(errno);
        log_error(STORAGE_LOG, "cannot create %s: %s", path, strerror(errno));
        free(path);
        return e;
    }
    const char *p = data;
    size_t left = len;
    while (left > 0) {
        ssize_t w = write(fd, p, left);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            err_t e = st_write_err(errno);
            log_error(STORAGE_LOG, "cannot write %s: %s", path, strerror(errno));
            close(fd);
            unlink(path);
            free(path);
            return e;
        }
        p += w;
        left -= (size_t)w;
    }
    if (close(fd) != 0) {
        err_t e = st_write_err(errno);
        log_error(STORAGE_LOG, "cannot close %s: %s", path, strerror(errno));
        unlink(path);
        free(path);
        return e;
    }
    if (abspath)
        *abspath = path;
    else
        free(path);
    return ERR_OK;
}

/* Splits an endpoint URL into scheme://authority and the path after it
 * (without a trailing slash). */
static void st_split_endpoint(const char *url, char **origin, char **authority, char **path)
{
    const char *p = strstr(url, "://");
    const char *auth = p ? p + 3 : url;
    const char *slash = strchr(auth, '/');
    size_t alen = slash ? (size_t)(slash - auth) : strlen(auth);
    const char *at = memchr(auth, '@', alen);
    if (at) {
        alen -= (size_t)(at + 1 - auth);
        auth = at + 1;
    }
    *authority = xstrndup(auth, alen);
    *origin = xasprintf("%.*s%.*s", p ? (int)(p + 3 - url) : 0, url, (int)alen, auth);
    const char *rest = slash ? slash : "";
    size_t rlen = strlen(rest);
    while (rlen > 0 && rest[rlen - 1] == '/')
        rlen--;
    *path = xstrndup(rest, rlen);
}

err_t storage_s3_put(const config_t *c, const char *key, const void *data, size_t len, int64_t now_s, char *err,
                     size_t errlen)
{
    const char *bucket = st_set(c->aws_s3_bucket) ? c->aws_s3_bucket : "tali-assessments";
    const char *region = st_set(c->aws_region) ? c->aws_region : "us-east-1";
    char *enc_key = storage_uri_encode_path(key);
    char *url, *host, *uri;
    if (st_set(c->aws_s3_endpoint_url)) {
        char *origin, *base_path;
        st_split_endpoint(c->aws_s3_endpoint_url, &origin, &host, &base_path);
        uri = xasprintf("%s/%s/%s", base_path, bucket, enc_key);
        url = xasprintf("%s%s", origin, uri);
        free(origin);
        free(base_path);
    } else {
        host = xasprintf("%s.s3.%s.amazonaws.com", bucket, region);
        uri = xasprintf("/%s", enc_key);
        url = xasprintf("https://%s%s", host, uri);
    }
    free(enc_key);

    char payload_hex[65];
    sec_sha256_hex(data, len, payload_hex);
    char amz_date[17];
    storage_amz_date(now_s, amz_date);

    storage_sigv4_t sig = {.method = "PUT",
                           .host = host,
                           .canonical_uri = uri,
                           .canonical_query = "",
                           .payload_sha256 = payload_hex,
                           .amz_date = amz_date,
                           .region = region,
                           .service = "s3",
                           .access_key = c->aws_access_key_id,
                           .secret_key = c->aws_secret_access_key};
    char *authz = storage_sigv4_authorization(&sig);
    char *h_host = xasprintf("Host: %s", host);
    char *h_sha = xasprintf("x-amz-content-sha256: %s", payload_hex);
    char *h_date = xasprintf("x-amz-date: %s", amz_date);
    char *h_auth = xasprintf("Authorization: %s", authz);
    /* "Content-Type:" with no value stops curl adding its form default */
    const char *headers[] = {h_host, h_sha, h_date, h_auth, "Content-Type:", NULL};
    httpc_request_t req = {.method = "PUT",
                           .url = url,
                           .headers = headers,
                           .body = data ? data : "",
                           .body_len = len,
                           .timeout_ms = 20000,
                           .max_response_bytes = 1 << 20};
    httpc_response_t resp;
    err_t e = httpc_perform(&req, &resp);
    if (e != ERR_OK) {
        snprintf(err, errlen, "%s", resp.error);
    } else if (resp.status < 200 || resp.status > 299) {
        snprintf(err, errlen, "S3 answered %ld", resp.status);
        e = ERR_BAD_GATEWAY;
    }
    httpc_response_free(&resp);
    free(authz);
    free(h_host);
    free(h_sha);
    free(h_date);
    free(h_auth);
    free(url);
    free(host);
    free(uri);
    return e;
}

err_t storage_save(const config_t *c, const storage_object_t *obj, char **location)
{
    *location = NULL;
    if (!st_word(obj->doc_type) || !st_word(obj->ext))
        return ERR_BAD_REQUEST;
    char *rel = xasprintf("%s/%s-%lld-%lld.%s", obj->doc_type, obj->doc_type, (long long)obj->entity_id,
                          (long long)obj->now_s, obj->ext);
    const char *dir = st_set(c->upload_dir) ? c->upload_dir : "uploads";
    char *local = NULL;
    err_t e = storage_local_write(dir, rel, obj->data, obj->len, &local);
    free(rel);
    if (e != ERR_OK)
        return e;
    if (storage_s3_configured(c)) {
        char *key = storage_s3_key(obj->doc_type, obj->entity_id, obj->filename);
        char why[300];
        err_t se = storage_s3_put(c, key, obj->data, obj->len, obj->now_s, why, sizeof why);
        if (se == ERR_OK) {
            const char *bucket = st_set(c->aws_s3_bucket) ? c->aws_s3_bucket : "tali-assessments";
            *location = xasprintf("https://%s.s3.amazonaws.com/%s", bucket, key);
            free(key);
            free(local);
            return ERR_OK;
        }
        log_warn(STORAGE_LOG, "S3 upload failed, keeping the local copy: %s", why);
        free(key);
    }
    *location = local;
    return ERR_OK;
}
