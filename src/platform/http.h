/* http: the HTTP server (libmicrohttpd), the router, request parsing and
 * response writing, and the middleware of api-contract §1 (request id,
 * timing, logging, rate limits, CORS, security headers).
 *
 * A handler gets one http_req_t.  Everything it allocates comes from
 * req->arena and is released after the response is sent.  A handler sets
 * exactly one response with an http_reply_* call; if it sets none, the
 * client gets a JSON 500.  Handlers may block (LLM, sandbox): each
 * connection is served by its own thread, so a slow handler never delays
 * other requests. */
#ifndef TALI_PLATFORM_HTTP_H
#define TALI_PLATFORM_HTTP_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "platform/config.h"
#include "platform/db.h"
#include "platform/err.h"
#include "platform/mem.h"

typedef struct http_req http_req_t;
typedef struct http_server http_server_t;

struct http_req {
    mem_arena_t *arena;
    const char *method;     /* "GET", "POST", ...; HEAD arrives as "GET" with is_head set */
    const char *path;       /* decoded path, no query string */
    const char *request_id; /* from X-Request-Id (if sane) or generated */
    const char *client_ip;  /* first X-Forwarded-For hop (when trusted) or peer */
    const char *body;       /* raw body (NUL-terminated), "" when none */
    size_t body_len;
    bool is_head;
    void *principal; /* set by the auth layer: the authenticated user */
    struct http_req_priv *priv;
};

typedef void (*http_handler_fn)(http_req_t *req);

/* Documentation carried by a route, for the OpenAPI document. */
typedef struct {
    const char *summary; /* one line */
    const char *tag;     /* "auth", "tasks", ... */
    const char *auth;    /* NULL, "bearer", "assessment_token", "signature" */
    int success_status;  /* 200, 201, 204 */
} http_route_doc_t;

typedef struct {
    const char *method;
    const char *pattern; /* "/api/v1/tasks/{task_id}" */
    http_handler_fn fn;
    http_route_doc_t doc;
    char *openapi;    /* OpenAPI operation fragment (JSON text) or NULL; see http_route_describe */
    const void *data; /* the registrant's own data, see http_route_with */
} http_route_t;

/* ---- server ---- */

/* A server over the given configuration and database pool (both borrowed,
 * must outlive the server). */
http_server_t *http_server_new(const config_t *c, db_pool_t *pool);

/* Registers a route.  Registration order decides nothing but the order of
 * the OpenAPI document.  A pattern ending in "/" is also served without the
 * slash and vice versa (policy fix 3).  pattern is copied. */
void http_route(http_server_t *s, const char *method, const char *pattern, http_handler_fn fn,
                const http_route_doc_t *doc);

/* http_route with a pointer the handler reads back with
 * http_route_data(req): one handler serving many table entries (the
 * route table of platform/api.h).  data is borrowed and must outlive the
 * server. */
void http_route_with(http_server_t *s, const char *method, const char *pattern, http_handler_fn fn,
                     const http_route_doc_t *doc, const void *data);

/* The data given to http_route_with for the route serving req (NULL for
 * routes registered with http_route). */
const void *http_route_data(http_req_t *req);

/* Attaches an OpenAPI operation fragment (JSON object text: parameters,
 * requestBody, responses, ...) to the route registered as method+pattern;
 * platform/openapi merges it over what it derives from the route itself.
 * Returns -1 when no such route is registered or the text is not a JSON
 * object. */
int http_route_describe(http_server_t *s, const char *method, const char *pattern, const char *operation_json);

/* One route's OpenAPI fragment, for http_routes_describe. */
typedef struct {
    const char *method;
    const char *pattern;
    const char *operation_json;
} http_route_openapi_t;

/* Calls http_route_describe for each of the n entries.  A rejected fragment
 * (invalid JSON, or no such route) is a programming error: it is logged at
 * error level naming the route.  Returns how many were rejected (0: all
 * attached). */
int http_routes_describe(http_server_t *s, const http_route_openapi_t *ops, size_t n);

/* A reusable schema for the OpenAPI document's components/schemas: name is
 * what "$ref": "#/components/schemas/<name>" points at, schema_json a JSON
 * object text.  Both are copied; a second call with the same name replaces
 * the first.  Returns -1 (and logs at error level) when the text is not a
 * JSON object or the name is empty. */
int http_openapi_schema(http_server_t *s, const char *name, const char *schema_json);

/* A named schema registered with http_openapi_schema. */
typedef struct {
    char *name;
    char *json;
} http_openapi_schema_t;

/* The registered schemas in registration order; *n receives the count.  The
 * array belongs to the server. */
const http_openapi_schema_t *http_openapi_schemas(const http_server_t *s, size_t *n);

/* The registered routes in order; *n receives the count. */
const http_route_t *http_routes(const http_server_t *s, size_t *n);

/* Starts listening.  Returns -1 with a message in err on failure. */
int http_server_start(http_server_t *s, const char *host, int port, char *err, size_t errlen);

/* Blocks until SIGTERM or SIGINT, then stops accepting, lets in-flight
 * requests finish (up to 30 s) and returns. */
void http_server_run_until_signal(http_server_t *s);

/* Stops the server (used by http_server_run_until_signal and
 * http_server_free): stops accepting, waits until in-flight requests are
 * done (at most 30 s), then stops every connection.  Does nothing when
 * not listening. */
void http_server_shutdown(http_server_t *s);

/* The port actually bound (useful after asking for port 0), or -1 when
 * not listening. */
int http_server_port(const http_server_t *s);

/* Registers the test-only routes: GET /__test__/sleep?ms=N sleeps N ms
 * (at most 10000) and answers {"slept_ms":N}.  main calls this only when
 * cfg->enable_test_hooks. */
void http_register_test_hooks(http_server_t *s);

/* Stops the server if it is running and frees it. */
void http_server_free(http_server_t *s);

/* ---- request access ---- */

/* Header value by case-insensitive name, or NULL. */
const char *http_header(http_req_t *req, const char *name);
/* The request target as it came on the wire: the path and "?query",
 * neither decoded ("/" for an empty target).  What a signed request
 * signs (the candidate proof of spec v2 §2.4). */
const char *http_target(http_req_t *req);
/* Decoded query parameter (first occurrence), or NULL. */
const char *http_query(http_req_t *req, const char *name);
/* Path parameter captured by {name} in the route pattern, or NULL. */
const char *http_path_param(http_req_t *req, const char *name);
/* A form field from an application/x-www-form-urlencoded or
 * multipart/form-data body, or NULL. */
const char *http_form(http_req_t *req, const char *name);

typedef struct {
    const char *filename; /* as the client sent it ("" when absent) */
    const char *content_type;
    const char *data;
    size_t len;
} http_file_t;

/* A file part of a multipart body by field name, or NULL. */
const http_file_t *http_file(http_req_t *req, const char *name);

/* The database connection for this request, acquired on first use and
 * released (rolled back if a transaction is still open) after the
 * response.  NULL when the pool is exhausted. */
db_t *http_db(http_req_t *req);

/* The server serving this request. */
http_server_t *http_req_server(http_req_t *req);

/* Gives the request's connection back to the pool now (an open
 * transaction is rolled back); the next http_db() takes a fresh one.
 * Handlers call it before a slow upstream call (LLM, sandbox, payment
 * provider) so that a hundred waiting requests do not hold every
 * connection while fast requests queue for one. */
void http_db_release(http_req_t *req);

/* The request's connection as a db_lease_t (take = http_db, give_back =
 * http_db_release), for services that give it back themselves. */
db_lease_t http_db_lease(http_req_t *req);

/* The server configuration. */
const config_t *http_config(http_req_t *req);

/* ---- validation errors (FastAPI's 422 list) ---- */

typedef struct http_verr http_verr_t;

/* An empty list owned by the request. */
http_verr_t *http_verr_new(http_req_t *req);
/* Appends one problem.  loc, input and ctx are new references that the
 * list takes over (input NULL means JSON null; ctx NULL means no ctx key). */
void http_verr_add(http_verr_t *v, const char *type, json_t *loc, const char *msg, json_t *input, json_t *ctx);
bool http_verr_any(const http_verr_t *v);

/* Parses the JSON body as the original did (§1.2): JSON when Content-Type
 * is application/json, application/\*+json or absent; otherwise the body is
 * a string (422 model_attributes_type).  On success returns a borrowed
 * object owned by the request.  On failure appends the 422 entry to v
 * (json_invalid with the character offset, or the type error, or "missing"
 * with loc ["body"] for an empty body) and returns NULL.  The value need
 * not be an object: callers check. */
json_t *http_json_body(http_req_t *req, http_verr_t *v);

/* ---- responses ---- */

/* JSON response; takes over body (a new reference).  Sets Content-Type
 * application/json. */
void http_reply_json(http_req_t *req, int status, json_t *body);
/* {"detail": detail} with the status of e (the one place errors become
 * HTTP). */
void http_reply_err(http_req_t *req, err_t e, const char *detail);
/* {"detail": detail} with an explicit status. */
void http_reply_detail(http_req_t *req, int status, const char *detail);
/* 422 {"detail": [...]} from the list. */
void http_reply_verr(http_req_t *req, http_verr_t *v);
/* Raw bytes (copied) with a content type. */
void http_reply_bytes(http_req_t *req, int status, const char *content_type, const void *data, size_t len);
/* No body (204, 307). */
void http_reply_empty(http_req_t *req, int status);
/* Adds a response header (name and value copied). */
void http_set_header(http_req_t *req, const char *name, const char *value);

/* The value of "Authorization: Bearer <token>" (scheme matched
 * case-insensitively), or NULL. */
const char *http_bearer_token(http_req_t *req);

#endif
