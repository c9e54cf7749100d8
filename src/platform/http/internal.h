/* internal: the server and per-request state shared by the files of
 * platform/http, plus the seams unit tests use to drive the middleware
 * without a socket. */
#ifndef TALI_PLATFORM_HTTP_INTERNAL_H
#define TALI_PLATFORM_HTTP_INTERNAL_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "platform/http.h"
#include "platform/http/kv.h"
#include "platform/http/parse.h"
#include "platform/http/router.h"
#include "platform/ratelimit.h"

/* Bodies are held in memory up to these sizes (the 5 MiB file rule itself
 * is the upload handlers'). */
#define HTTP_BODY_LIMIT (1024 * 1024)
#define HTTP_MULTIPART_BODY_LIMIT (6 * 1024 * 1024)

/* The request head the server accepts: a longer target is 414, more
 * header bytes ("Name: value" lines) 431, both with a JSON detail.  The
 * original's server (uvicorn over h11) refused heads over 16 KiB as a
 * whole; these are at least as generous. */
#define HTTP_URI_LIMIT (16 * 1024)
#define HTTP_HEADERS_LIMIT (32 * 1024)

struct MHD_Daemon;

struct http_server {
    const config_t *cfg;
    db_pool_t *pool;
    http_route_t *routes;
    size_t nroutes, cap;
    http_openapi_schema_t *schemas; /* see http_openapi_schema */
    size_t nschemas;
    http_router_t *router;
    ratelimit_t *rl;
    const char *const *origins;
    size_t norigins;
    struct MHD_Daemon *daemon;
    int listen_fd;
    int port;
    atomic_int inflight;
    atomic_bool stopping;
};

struct http_req_priv {
    http_server_t *srv;
    const char *method_raw; /* as sent: "HEAD" stays "HEAD" here */
    const char *query_raw;  /* after "?", undecoded, "" when none */
    const char *target_raw; /* the request target as sent: path and "?query", undecoded */
    const char *peer_ip;
    http_kvlist_t headers, query, params, form;
    http_filelist_t files;
    bool query_parsed, form_parsed, json_done;
    json_t *json;
    bool body_too_large;
    int head_problem;    /* 0, or 414 / 431 when the head broke a limit */
    size_t header_bytes; /* header lines seen so far */
    size_t body_limit;
    mem_buf_t body_buf; /* the transport accumulates here */
    db_t *db;
    const void *route_data; /* the matched route's http_route_with data */
    struct timespec t0;
    bool started;
    const char *log_method; /* method for the log line */

    /* the response */
    bool has_response;
    int status;
    const char *ctype; /* NULL: no Content-Type */
    const char *resp_body;
    size_t resp_len;
    http_kvlist_t resp_headers;
};

/* A request for target ("/path?query", undecoded) with its own arena.  The
 * method is set with http_req_set_method before the pipeline runs. */
http_req_t *http_req_create(http_server_t *s, const char *target);
void http_req_set_method(http_req_t *req, const char *method);
void http_req_add_header(http_req_t *req, const char *name, const char *value);
/* Copies len bytes as the body. */
void http_req_set_body(http_req_t *req, const void *data, size_t len);
/* Releases the database connection, clears the thread's request id and
 * frees the arena. */
void http_req_destroy(http_req_t *req);

/* Runs the middleware stack and the router for a complete request, leaving
 * the response in req->priv (status, ctype, resp_body, resp_headers).
 * Never fails: every outcome is a response. */
void http_pipeline_handle(http_server_t *s, http_req_t *req);

/* Replaces the allowed CORS origins (borrowed; tests). */
void http_server_set_cors_origins(http_server_t *s, const char *const *origins, size_t n);
/* The server's rate limiter (tests swap in a fake clock through a fresh
 * one with http_server_set_ratelimit). */
void http_server_set_ratelimit(http_server_t *s, ratelimit_t *rl);

/* Response header lookup (case-insensitive), or NULL. */
const char *http_resp_header(const http_req_t *req, const char *name);

#endif
