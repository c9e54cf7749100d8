#include "platform/httpclient.h"

#include <curl/curl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "platform/mem.h"

void httpc_global_init(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
}

typedef struct {
    mem_buf_t buf;
    size_t max;
    bool too_large;
    int (*on_data)(void *, const char *, size_t);
    void *ctx;
} httpc_sink_t;

static size_t httpc_write(char *ptr, size_t size, size_t nmemb, void *userdata)
{
    httpc_sink_t *s = userdata;
    size_t n = size * nmemb;
    if (s->buf.len + n > s->max) {
        s->too_large = true;
        return 0;
    }
    mem_buf_append(&s->buf, ptr, n);
    if (s->on_data && s->on_data(s->ctx, ptr, n) != 0)
        return 0;
    return n;
}

err_t httpc_perform(const httpc_request_t *req, httpc_response_t *resp)
{
    memset(resp, 0, sizeof *resp);
    CURL *c = curl_easy_init();
    if (!c) {
        snprintf(resp->error, sizeof resp->error, "curl_easy_init failed");
        return ERR_INTERNAL;
    }
    httpc_sink_t sink = {.max = req->max_response_bytes ? req->max_response_bytes : 16u << 20,
                         .on_data = req->on_data,
                         .ctx = req->on_data_ctx};
    struct curl_slist *hdrs = NULL;
    for (const char *const *h = req->headers; h && *h; h++)
        hdrs = curl_slist_append(hdrs, *h);
    /* no "Expect: 100-continue" round trip on large bodies */
    hdrs = curl_slist_append(hdrs, "Expect:");

    curl_easy_setopt(c, CURLOPT_URL, req->url);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, req->timeout_ms > 0 ? req->timeout_ms : 30000L);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, req->connect_timeout_ms > 0 ? req->connect_timeout_ms : 5000L);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, httpc_write);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &sink);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    if (req->body) {
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, req->body);
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)req->body_len);
    }
    if (req->method)
        curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, req->method);
    if (req->method && strcmp(req->method, "HEAD") == 0)
        curl_easy_setopt(c, CURLOPT_NOBODY, 1L);

    CURLcode rc = curl_easy_perform(c);
    err_t e = ERR_OK;
    if (rc != CURLE_OK) {
        if (sink.too_large) {
            snprintf(resp->error, sizeof resp->error, "response larger than %zu bytes", sink.max);
            e = ERR_BAD_GATEWAY;
        } else {
            snprintf(resp->error, sizeof resp->error, "%s", curl_easy_strerror(rc));
            e = rc == CURLE_OPERATION_TIMEDOUT ? ERR_TIMEOUT : ERR_BAD_GATEWAY;
        }
    }
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    resp->status = e == ERR_OK ? status : 0;
    char *ct = NULL;
    if (curl_easy_getinfo(c, CURLINFO_CONTENT_TYPE, &ct) == CURLE_OK && ct)
        resp->content_type = xstrdup(ct);
    resp->body_len = sink.buf.len;
    resp->body = sink.buf.data ? mem_buf_take(&sink.buf) : NULL;
    mem_buf_free(&sink.buf);
    curl_slist_free_all(hdrs);
    curl_easy_cleanup(c);
    return e;
}

void httpc_response_free(httpc_response_t *resp)
{
    free(resp->body);
    free(resp->content_type);
    resp->body = NULL;
    resp->content_type = NULL;
}

typedef struct {
    const char *data;
    size_t len, off;
} httpc_src_t;

static size_t httpc_read(char *ptr, size_t size, size_t nmemb, void *userdata)
{
    httpc_src_t *s = userdata;
    size_t n = size * nmemb;
    if (n > s->len - s->off)
        n = s->len - s->off;
    memcpy(ptr, s->data + s->off, n);
    s->off += n;
    return n;
}

err_t httpc_smtp_send(const char *url, const char *from, const char *to, const char *message, char *err, size_t errlen)
{
    CURL *c = curl_easy_init();
    if (!c) {
        snprintf(err, errlen, "curl_easy_init failed");
        return ERR_INTERNAL;
    }
    httpc_src_t src = {message, strlen(message), 0};
    struct curl_slist *rcpt = curl_slist_append(NULL, to);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_MAIL_FROM, from);
    curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
    curl_easy_setopt(c, CURLOPT_READFUNCTION, httpc_read);
    curl_easy_setopt(c, CURLOPT_READDATA, &src);
    curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 30000L);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, 5000L);
    /* STARTTLS when the server offers it; smtps:// is TLS from the start */
    curl_easy_setopt(c, CURLOPT_USE_SSL, (long)CURLUSESSL_TRY);
    CURLcode rc = curl_easy_perform(c);
    curl_slist_free_all(rcpt);
    curl_easy_cleanup(c);
    if (rc != CURLE_OK) {
        snprintf(err, errlen, "smtp: %s", curl_easy_strerror(rc));
        return rc == CURLE_OPERATION_TIMEDOUT ? ERR_TIMEOUT : ERR_BAD_GATEWAY;
    }
    return ERR_OK;
}

char *httpc_urlencode(const char *s)
{
    char *e = curl_easy_escape(NULL, s, 0);
    char *out = xstrdup(e ? e : "");
    curl_free(e);
    return out;
}
