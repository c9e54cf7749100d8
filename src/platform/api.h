/* api: the route table.  A component describes each route as one
 * api_route_t entry and writes one handler of one shape:
 *
 *     err_t fn(api_ctx_t *ctx, const void *in, api_out_t *out);
 *
 * The table does, once for every route, the prelude the routes share, in
 * the original's order (api-contract §1.3, §1.4):
 *   1. JSON-body routes that authenticate a recruiter: a body that is not
 *      JSON at all is a 422 before anything else;
 *   2. the route's authentication (a recruiter's bearer JWT, through the
 *      resolver main.c registers; 401 beats 422);
 *   3. validation into one 422 list, in FastAPI's order: typed path
 *      parameters ("{task_id:int}"), the candidate token of the route's
 *      auth kind, the JSON body (missing, not JSON, not an object), then
 *      whatever the route's parse function adds (query, form and body
 *      fields) while it fills the route's input struct;
 * and then calls the handler.  A handler returns ERR_OK with its answer in
 * *out, or an err_t with out->detail; the table turns that into the HTTP
 * status and the {"detail": ...} body.  Only this module and platform/http
 * write statuses: components never do.
 *
 * Everything a handler allocates comes from ctx->arena.  OpenAPI
 * descriptions of the routes live in each component's openapi.json
 * (platform/openapi), keyed by "METHOD pattern" with plain {name}
 * parameters. */
#ifndef TALI_PLATFORM_API_H
#define TALI_PLATFORM_API_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "platform/db.h"
#include "platform/err.h"
#include "platform/http.h"
#include "platform/jsonw.h"
#include "platform/mem.h"
#include "platform/validate.h"

typedef enum {
    API_AUTH_NONE,         /* public */
    API_AUTH_RECRUITER,    /* a recruiter's bearer JWT (the registered resolver) */
    API_AUTH_OWNER,        /* the same, and the recruiter is an owner of their workspace */
    API_AUTH_SUPERUSER,    /* the same, and the recruiter is a superuser */
    API_AUTH_TOKEN_PATH,   /* a candidate's assessment token in the path ({token}) */
    API_AUTH_TOKEN_HEADER, /* a candidate's assessment token in X-Assessment-Token (required) */
    API_AUTH_TOKEN_FORM,   /* a candidate's assessment token in a form field the parser reads */
    API_AUTH_SIGNATURE,    /* a webhook whose handler checks the provider's signature */
} api_auth_t;

typedef enum {
    API_BODY_NONE, /* no body, or one the handler ignores */
    API_BODY_JSON, /* a JSON body: ctx->body */
    API_BODY_FORM, /* form-urlencoded or multipart: http_form / http_file */
    API_BODY_RAW,  /* bytes the handler reads itself (webhooks) */
} api_body_t;

/* The rate-limit bucket the route falls in (api-contract §1.6).  The
 * limiter itself runs before routing, by path, as the contract says; the
 * table states the bucket so that the OpenAPI document can say it and the
 * registration can check that the two agree. */
typedef enum {
    API_RL_NONE,
    API_RL_AUTH,
    API_RL_CANDIDATE_TOKEN,
    API_RL_ASSESSMENT,
} api_rl_t;

#define API_MAX_PATH_INTS 4

typedef struct api_ctx {
    http_req_t *req;
    mem_arena_t *arena;
    const void *principal; /* API_AUTH_RECRUITER: what the resolver returned */
    json_t *body;          /* API_BODY_JSON: the parsed body (borrowed), NULL when absent or invalid */
    const char *token;     /* API_AUTH_TOKEN_PATH / _HEADER: the candidate token */
    vld_t v;               /* parse functions record their problems here */
    http_verr_t *verr;     /* the 422 list the table answers with */
    const char *int_names[API_MAX_PATH_INTS];
    int64_t ints[API_MAX_PATH_INTS];
    size_t nints;
} api_ctx_t;

/* What a handler answers.  Zeroed before the handler runs. */
typedef struct {
    int status;        /* 0: the route's success status */
    json_t *json;      /* the JSON body (a new reference the table takes over) */
    const void *bytes; /* or raw bytes (copied) with ctype, when json is NULL */
    size_t len;
    const char *ctype;
    const char *detail;  /* with an error: the {"detail"} text (NULL: the status's reason) */
    json_t *detail_json; /* with an error: an object detail instead (a new reference the table takes over) */
} api_out_t;

typedef err_t (*api_handler_fn)(api_ctx_t *ctx, const void *in, api_out_t *out);

/* Fills the route's input struct (in_size bytes, zeroed, arena-owned) from
 * ctx: query, header, form and body fields, recording problems in ctx->v.
 * The table answers 422 when any problem was recorded. */
typedef void (*api_parse_fn)(api_ctx_t *ctx, void *in);

typedef struct {
    const char *method;
    const char *pattern; /* "/api/v1/tasks/{task_id:int}"; ":int" params are validated as integers */
    api_auth_t auth;
    api_body_t body;
    api_rl_t ratelimit;
    api_parse_fn parse; /* NULL: nothing to parse */
    size_t in_size;     /* size of the input struct parse fills (0: none) */
    api_handler_fn fn;
    int status;          /* success status: 200, 201, 204 */
    const char *summary; /* one line, for the OpenAPI document */
    const char *tag;
} api_route_t;

/* The recruiter resolver: authenticates req (the bearer JWT) for a route
 * of auth kind need (API_AUTH_RECRUITER, _OWNER or _SUPERUSER: it also
 * checks the role) and returns ERR_OK with *principal set, or an error
 * with *detail (it may add response headers, such as WWW-Authenticate).
 * Set once at start, before the server serves. */
typedef err_t (*api_resolver_fn)(http_req_t *req, api_auth_t need, const void **principal, const char **detail);
void api_set_recruiter_resolver(api_resolver_fn fn);

/* Registers the n entries of table on s (the table is borrowed and must
 * outlive the server).  An entry whose rate-limit bucket disagrees with
 * the limiter's path rules is logged at error level. */
void api_routes(http_server_t *s, const api_route_t *table, size_t n);

/* The typed path parameter name ("task_id" of "{task_id:int}"), already
 * validated.  0 when the route has no such parameter. */
int64_t api_path_int(const api_ctx_t *ctx, const char *name);

/* The request's database connection, or ERR_UNAVAILABLE with out->detail
 * "Database unavailable" when none can be had. */
err_t api_db(api_ctx_t *ctx, api_out_t *out, db_t **db);

/* An error answer: sets out->detail and returns e, so a handler can
 * `return api_fail(out, ERR_NOT_FOUND, "Task not found");`. */
err_t api_fail(api_out_t *out, err_t e, const char *detail);

/* An error answer whose detail is a JSON value (the object details of
 * spec v2/hiring-loop.md §1.5): takes over detail, returns e. */
err_t api_fail_json(api_out_t *out, err_t e, json_t *detail);

/* A failed database or storage step: ERR_UNAVAILABLE stays a 503
 * "Database unavailable"; anything else becomes a 500 with detail (the
 * endpoint's "Failed to ..." text).  Returns the error to answer with. */
err_t api_fail_db(api_out_t *out, err_t e, const char *detail);

/* A JSON answer: takes over body, returns ERR_OK. */
err_t api_json(api_out_t *out, json_t *body);

/* A JSON answer written with the streaming writer: takes over w's text
 * (freed with the request) and returns ERR_OK. */
err_t api_jsonw(api_ctx_t *ctx, api_out_t *out, jsonw_t *w);

/* For problems a handler recorded in ctx->v after parsing (checks that
 * need the database): returns ERR_VALIDATION, and the table answers 422
 * with them. */
err_t api_invalid(api_ctx_t *ctx);

#endif
