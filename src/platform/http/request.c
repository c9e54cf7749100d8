/* Request access, validation-error lists and response setters: everything
 * a handler calls.  All state lives in the request arena. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "platform/http/internal.h"
#include "platform/json.h"
#include "platform/log.h"

/* jansson refuses to make a string of bytes that are not UTF-8 */
static bool req_utf8_valid(const char *s, size_t n)
{
    json_t *j = json_stringn(s, n);
    json_decref(j);
    return j != NULL;
}

http_req_t *http_req_create(http_server_t *s, const char *target)
{
    mem_arena_t *a = mem_arena_new();
    http_req_t *req = mem_alloc(a, sizeof(*req));
    struct http_req_priv *p = mem_alloc(a, sizeof(*p));
    req->arena = a;
    req->priv = p;
    p->srv = s;
    clock_gettime(CLOCK_MONOTONIC, &p->t0);
    if (!target || !*target)
        target = "/";
    const char *q = strchr(target, '?');
    size_t plen = q ? (size_t)(q - target) : strlen(target);
    size_t dlen = 0;
    char *path = http_url_decode(a, target, plen, false, &dlen);
    /* a decoded NUL would cut the path short ("/health%00x" -> "/health"),
     * and bytes that are not UTF-8 ("/token/%ff") are no text a database
     * can compare (PostgreSQL refuses them): keep such a path undecoded,
     * so it matches no route or carries a parameter that matches no row */
    req->path = strlen(path) == dlen && req_utf8_valid(path, dlen) ? path : mem_strndup(a, target, plen);
    p->query_raw = q ? mem_strdup(a, q + 1) : "";
    p->target_raw = mem_strdup(a, target);
    req->method = "GET";
    p->method_raw = "GET";
    p->log_method = "GET";
    req->body = "";
    req->request_id = "";
    req->client_ip = "unknown";
    return req;
}

void http_req_set_method(http_req_t *req, const char *method)
{
    req->priv->method_raw = mem_strdup(req->arena, method);
    req->priv->log_method = req->priv->method_raw;
    req->method = req->priv->method_raw;
}

void http_req_add_header(http_req_t *req, const char *name, const char *value)
{
    http_kv_add(req->arena, &req->priv->headers, name, value, value ? strlen(value) : 0);
}

void http_req_set_body(http_req_t *req, const void *data, size_t len)
{
    char *b = mem_alloc(req->arena, len + 1);
    if (len)
        memcpy(b, data, len);
    req->body = b;
    req->body_len = len;
}

void http_req_destroy(http_req_t *req)
{
    if (!req)
        return;
    struct http_req_priv *p = req->priv;
    if (p->db && p->srv && p->srv->pool)
        db_release(p->srv->pool, p->db);
    p->db = NULL;
    mem_buf_free(&p->body_buf);
    /* the id string lives in the arena about to go */
    if (log_request_id() == req->request_id)
        log_set_request_id(NULL);
    mem_arena_free(req->arena);
}

/* ---- request access ---- */

const char *http_header(http_req_t *req, const char *name)
{
    return http_kv_get(&req->priv->headers, name, true);
}

const char *http_target(http_req_t *req)
{
    return req->priv->target_raw;
}

const char *http_query(http_req_t *req, const char *name)
{
    struct http_req_priv *p = req->priv;
    if (!p->query_parsed) {
        p->query_parsed = true;
        http_parse_urlencoded(req->arena, p->query_raw, strlen(p->query_raw), &p->query);
    }
    return http_kv_get(&p->query, name, false);
}

const char *http_path_param(http_req_t *req, const char *name)
{
    return http_kv_get(&req->priv->params, name, false);
}

const void *http_route_data(http_req_t *req)
{
    return req->priv->route_data;
}

static void req_parse_form(http_req_t *req)
{
    struct http_req_priv *p = req->priv;
    if (p->form_parsed)
        return;
    p->form_parsed = true;
    const char *ct = http_header(req, "Content-Type");
    if (http_media_type_is(ct, "application/x-www-form-urlencoded")) {
        http_parse_urlencoded(req->arena, req->body, req->body_len, &p->form);
    } else if (http_media_type_is(ct, "multipart/form-data")) {
        char *boundary = http_content_type_param(req->arena, ct, "boundary");
        if (boundary && http_parse_multipart(req->arena, req->body, req->body_len, boundary, &p->form, &p->files) != 0)
            log_msg(LOG_WARNING, "tali.http", "malformed multipart body");
    }
}

const char *http_form(http_req_t *req, const char *name)
{
    req_parse_form(req);
    return http_kv_get(&req->priv->form, name, false);
}

const http_file_t *http_file(http_req_t *req, const char *name)
{
    req_parse_form(req);
    const http_filelist_t *l = &req->priv->files;
    for (size_t i = 0; i < l->n; i++) {
        if (strcmp(l->v[i].name, name) == 0)
            return &l->v[i].file;
    }
    return NULL;
}

db_t *http_db(http_req_t *req)
{
    struct http_req_priv *p = req->priv;
    if (!p->db && p->srv && p->srv->pool)
        p->db = db_acquire(p->srv->pool);
    return p->db;
}

void http_db_release(http_req_t *req)
{
    struct http_req_priv *p = req->priv;
    if (p->db && p->srv && p->srv->pool) {
        db_release(p->srv->pool, p->db);
        p->db = NULL;
    }
}

static db_t *req_lease_take(void *ctx)
{
    return http_db(ctx);
}

static void req_lease_give_back(void *ctx)
{
    http_db_release(ctx);
}

db_lease_t http_db_lease(http_req_t *req)
{
    return (db_lease_t){req_lease_take, req_lease_give_back, req};
}

const config_t *http_config(http_req_t *req)
{
    return req->priv->srv->cfg;
}

http_server_t *http_req_server(http_req_t *req)
{
    return req->priv->srv;
}

const char *http_bearer_token(http_req_t *req)
{
    const char *h = http_header(req, "Authorization");
    if (!h || !*h)
        return NULL;
    /* as Starlette: the scheme is everything before the first space */
    const char *sp = strchr(h, ' ');
    size_t slen = sp ? (size_t)(sp - h) : strlen(h);
    if (slen != 6 || strncasecmp(h, "bearer", 6) != 0)
        return NULL;
    return sp ? sp + 1 : "";
}

/* ---- validation errors ---- */

struct http_verr {
    json_t *list;
};

static void req_json_decref(void *p)
{
    json_decref(p);
}

http_verr_t *http_verr_new(http_req_t *req)
{
    http_verr_t *v = mem_alloc(req->arena, sizeof(*v));
    v->list = mem_defer(req->arena, req_json_decref, json_array());
    return v;
}

void http_verr_add(http_verr_t *v, const char *type, json_t *loc, const char *msg, json_t *input, json_t *ctx)
{
    json_t *e = json_object();
    json_object_set_new(e, "type", json_string(type));
    json_object_set_new(e, "loc", loc ? loc : json_array());
    json_object_set_new(e, "msg", json_string(msg));
    json_object_set_new(e, "input", input ? input : json_null());
    if (ctx)
        json_object_set_new(e, "ctx", ctx);
    json_array_append_new(v->list, e);
}

bool http_verr_any(const http_verr_t *v)
{
    return json_array_size(v->list) > 0;
}

/* A JSON string of arbitrary bytes: invalid UTF-8 becomes U+FFFD, as a
 * lenient decode would show it. */
static json_t *req_lossy_string(const char *s, size_t n)
{
    json_t *j = json_stringn(s, n);
    if (j)
        return j;
    mem_buf_t b = {0};
    size_t i = 0;
    while (i < n) {
        unsigned char c = (unsigned char)s[i];
        size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
        bool ok = len > 0 && i + len <= n;
        for (size_t k = 1; ok && k < len; k++)
            ok = ((unsigned char)s[i + k] >> 6) == 0x2;
        if (ok && len > 1) {
            json_t *t = json_stringn(s + i, len);
            ok = t != NULL;
            json_decref(t);
        }
        if (ok) {
            mem_buf_append(&b, s + i, len);
            i += len;
        } else {
            mem_buf_append(&b, "\xEF\xBF\xBD", 3);
            i++;
        }
    }
    j = json_stringn(b.data ? b.data : "", b.len);
    mem_buf_free(&b);
    return j ? j : json_string("");
}

/* FastAPI reads the body as JSON when the Content-Type header is absent or
 * empty, or its media type is application/json or application/<x>+json. */
static bool req_is_json_type(const char *ct)
{
    if (!ct)
        return true;
    const char *s = ct;
    while (*s == ' ' || *s == '\t')
        s++;
    if (!*s)
        return true;
    const char *e = strchr(s, ';');
    if (!e)
        e = s + strlen(s);
    while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
        e--;
    size_t len = (size_t)(e - s);
    if (len < 12 || strncasecmp(s, "application/", 12) != 0)
        return false;
    const char *sub = s + 12;
    size_t sublen = len - 12;
    if (sublen == 4 && strncasecmp(sub, "json", 4) == 0)
        return true;
    return sublen >= 5 && strncasecmp(sub + sublen - 5, "+json", 5) == 0;
}

json_t *http_json_body(http_req_t *req, http_verr_t *v)
{
    struct http_req_priv *p = req->priv;
    if (p->json)
        return p->json;
    if (req->body_len == 0) {
        http_verr_add(v, "missing", json_pack("[s]", "body"), "Field required", NULL, NULL);
        return NULL;
    }
    if (!req_is_json_type(http_header(req, "Content-Type"))) {
        http_verr_add(v, "model_attributes_type", json_pack("[s]", "body"),
                      "Input should be a valid dictionary or object to extract fields from",
                      req_lossy_string(req->body, req->body_len), NULL);
        return NULL;
    }
    json_parse_error_t err = {0};
    json_t *j = json_parse(req->body, req->body_len, JSON_MAX_DEPTH_DEFAULT, &err);
    if (!j) {
        http_verr_add(v, "json_invalid", json_pack("[sI]", "body", (json_int_t)err.position), "JSON decode error",
                      json_object(), json_pack("{ss}", "error", err.message));
        return NULL;
    }
    p->json = mem_defer(req->arena, req_json_decref, j);
    return j;
}

/* ---- responses ---- */

static void req_set_response(http_req_t *req, int status, const char *ctype, const char *body, size_t len)
{
    struct http_req_priv *p = req->priv;
    p->has_response = true;
    p->status = status;
    p->ctype = ctype ? mem_strdup(req->arena, ctype) : NULL;
    p->resp_body = body;
    p->resp_len = len;
}

void http_reply_json(http_req_t *req, int status, json_t *body)
{
    char *s = json_encode(body);
    json_decref(body);
    mem_defer(req->arena, free, s);
    req_set_response(req, status, "application/json", s, strlen(s));
}

void http_reply_detail(http_req_t *req, int status, const char *detail)
{
    http_reply_json(req, status, json_pack("{ss}", "detail", detail ? detail : ""));
}

void http_reply_err(http_req_t *req, err_t e, const char *detail)
{
    http_reply_detail(req, err_http_status(e), detail);
}

void http_reply_verr(http_req_t *req, http_verr_t *v)
{
    http_reply_json(req, 422, json_pack("{sO}", "detail", v->list));
}

void http_reply_bytes(http_req_t *req, int status, const char *content_type, const void *data, size_t len)
{
    char *b = mem_alloc(req->arena, len + 1);
    if (len)
        memcpy(b, data, len);
    req_set_response(req, status, content_type, b, len);
}

void http_reply_empty(http_req_t *req, int status)
{
    req_set_response(req, status, NULL, "", 0);
}

void http_set_header(http_req_t *req, const char *name, const char *value)
{
    http_kv_add(req->arena, &req->priv->resp_headers, name, value, value ? strlen(value) : 0);
}

const char *http_resp_header(const http_req_t *req, const char *name)
{
    return http_kv_get(&req->priv->resp_headers, name, true);
}
