/* OpenAPI 3.1 from the route table the router uses, so the document can
 * never list a route that does not exist or miss one that does. */
#include "platform/openapi.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "platform/json.h"
#include "platform/log.h"
#include "tali_version.h"

static const char *openapi_reason(int status)
{
    switch (status) {
    case 200: return "Successful Response";
    case 201: return "Created";
    case 202: return "Accepted";
    case 204: return "No Content";
    case 400: return "Bad Request";
    case 401: return "Not authenticated, or an invalid or expired token";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 422: return "Validation Error";
    case 429: return "Too many requests";
    case 503: return "Service Unavailable";
    default: return "Response";
    }
}

static json_t *openapi_detail_response(int status)
{
    return json_pack("{s:s,s:{s:{s:{s:s}}}}", "description", openapi_reason(status), "content", "application/json",
                     "schema", "$ref",
                     status == 422 ? "#/components/schemas/HTTPValidationError" : "#/components/schemas/HTTPError");
}

/* "{task_id}" segments become path parameters: integers when the name ends
 * in "_id" (FastAPI's int_parsing 422 otherwise), strings else. */
static json_t *openapi_path_params(const char *pattern)
{
    json_t *params = json_array();
    const char *p = pattern;
    while ((p = strchr(p, '{')) != NULL) {
        const char *e = strchr(p, '}');
        if (!e)
            break;
        char name[128];
        snprintf(name, sizeof name, "%.*s", (int)(e - p - 1), p + 1);
        size_t n = strlen(name);
        bool is_int = n > 3 && strcmp(name + n - 3, "_id") == 0;
        json_array_append_new(params, json_pack("{s:s,s:s,s:b,s:{s:s}}", "name", name, "in", "path", "required", 1,
                                                "schema", "type", is_int ? "integer" : "string"));
        p = e + 1;
    }
    return params;
}

/* Adds the fragment's parameters to the derived (path) ones; one with the
 * same name and location replaces the derived one. */
static void openapi_merge_params(json_t *op, json_t *fparams)
{
    json_t *params = json_object_get(op, "parameters");
    if (!params) {
        params = json_array();
        json_object_set_new(op, "parameters", params);
    }
    size_t i;
    json_t *fp;
    json_array_foreach(fparams, i, fp)
    {
        const char *name = json_get_str(fp, "name"), *in = json_get_str(fp, "in");
        size_t j, found = (size_t)-1;
        json_t *p;
        json_array_foreach(params, j, p)
        {
            const char *pn = json_get_str(p, "name"), *pi = json_get_str(p, "in");
            if (name && in && pn && pi && strcmp(name, pn) == 0 && strcmp(in, pi) == 0)
                found = j;
        }
        if (found != (size_t)-1)
            json_array_set(params, found, fp);
        else
            json_array_append(params, fp);
    }
}

/* Merges a component's operation fragment over the derived operation:
 * parameters add to the path parameters, responses merge status by status
 * (an error status without content gets the {"detail"} body schema, one
 * without a description the generic reason), a key whose value is null
 * removes the derived one (e.g. "requestBody": null for a POST without a
 * body), any other key replaces the derived one. */
static void openapi_merge(json_t *op, json_t *frag)
{
    const char *key;
    json_t *val;
    json_object_foreach(frag, key, val)
    {
        if (json_is_null(val)) {
            json_object_del(op, key);
        } else if (strcmp(key, "parameters") == 0 && json_is_array(val)) {
            openapi_merge_params(op, val);
        } else if (strcmp(key, "responses") == 0 && json_is_object(val)) {
            json_t *responses = json_object_get(op, "responses");
            const char *code;
            json_t *resp;
            json_object_foreach(val, code, resp)
            {
                if (!json_is_object(resp)) {
                    json_object_del(responses, code);
                    continue;
                }
                int status = atoi(code);
                json_t *copy = json_deep_copy(resp);
                if (!json_object_get(copy, "description"))
                    json_object_set_new(copy, "description", json_string(openapi_reason(status)));
                if (status >= 400 && !json_object_get(copy, "content")) {
                    json_t *generic = openapi_detail_response(status);
                    json_object_set(copy, "content", json_object_get(generic, "content"));
                    json_decref(generic);
                }
                json_object_set_new(responses, code, copy);
            }
        } else {
            json_object_set(op, key, val);
        }
    }
}

/* OpenAPI paths use {name} as our patterns do; strip nothing. */
static json_t *openapi_operation(const http_route_t *r)
{
    json_t *op = json_object();
    char opid[256];
    snprintf(opid, sizeof opid, "%s %s", r->method, r->pattern);
    for (char *c = opid; *c; c++)
        if (*c == ' ' || *c == '/' || *c == '{' || *c == '}' || *c == '-' || *c == '.')
            *c = '_';
    json_object_set_new(op, "operationId", json_string(opid));
    if (r->doc.summary)
        json_object_set_new(op, "summary", json_string(r->doc.summary));
    if (r->doc.tag)
        json_object_set_new(op, "tags", json_pack("[s]", r->doc.tag));
    json_t *params = openapi_path_params(r->pattern);
    if (json_array_size(params))
        json_object_set_new(op, "parameters", params);
    else
        json_decref(params);
    if (strcmp(r->method, "POST") == 0 || strcmp(r->method, "PATCH") == 0 || strcmp(r->method, "PUT") == 0)
        json_object_set_new(op, "requestBody",
                            json_pack("{s:{s:{s:{s:s}}}}", "content", "application/json", "schema", "type", "object"));

    int ok = r->doc.success_status ? r->doc.success_status : 200;
    json_t *responses = json_object();
    char code[8];
    snprintf(code, sizeof code, "%d", ok);
    if (ok == 204)
        json_object_set_new(responses, code, json_pack("{s:s}", "description", openapi_reason(ok)));
    else
        json_object_set_new(responses, code,
                            json_pack("{s:s,s:{s:{s:{}}}}", "description", openapi_reason(ok), "content",
                                      "application/json", "schema"));
    if (r->doc.auth && strcmp(r->doc.auth, "bearer") == 0) {
        json_object_set_new(op, "security", json_pack("[{s:[]}]", "OAuth2PasswordBearer"));
        json_object_set_new(responses, "401", openapi_detail_response(401));
    } else if (r->doc.auth && strcmp(r->doc.auth, "assessment_token") == 0) {
        json_object_set_new(responses, "403", openapi_detail_response(403));
    }
    json_object_set_new(responses, "422", openapi_detail_response(422));
    json_object_set_new(op, "responses", responses);

    /* the component's own description wins over what is derived here */
    if (r->openapi) {
        json_t *frag = json_loads(r->openapi, 0, NULL);
        if (json_is_object(frag))
            openapi_merge(op, frag);
        json_decref(frag);
    }
    return op;
}

static char *openapi_lower(const char *m)
{
    char *s = xstrdup(m);
    for (char *c = s; *c; c++)
        if (*c >= 'A' && *c <= 'Z')
            *c = (char)(*c - 'A' + 'a');
    return s;
}

json_t *openapi_document(const http_server_t *s)
{
    size_t n = 0;
    const http_route_t *routes = http_routes(s, &n);
    json_t *paths = json_object();
    for (size_t i = 0; i < n; i++) {
        const http_route_t *r = &routes[i];
        if (strncmp(r->pattern, "/__test__/", 10) == 0)
            continue;
        json_t *item = json_object_get(paths, r->pattern);
        if (!item) {
            item = json_object();
            json_object_set_new(paths, r->pattern, item);
        }
        char *m = openapi_lower(r->method);
        json_object_set_new(item, m, openapi_operation(r));
        free(m);
    }
    json_t *schemas =
        json_pack("{s:{s:s,s:{s:{}},s:[s]},s:{s:s,s:{s:{s:s,s:{}}}},s:{s:s,s:{s:{s:s},s:{s:s},s:{s:s},s:{},s:{s:s}},"
                  "s:[s,s,s]}}",
                  "HTTPError", "type", "object", "properties", "detail", "required", "detail", "HTTPValidationError",
                  "type", "object", "properties", "detail", "type", "array", "items", "ValidationError", "type",
                  "object", "properties", "type", "type", "string", "msg", "type", "string", "loc", "type", "array",
                  "input", "ctx", "type", "object", "required", "type", "loc", "msg");
    /* items of HTTPValidationError.detail point at ValidationError */
    json_object_set_new(
        json_object_get(json_object_get(json_object_get(schemas, "HTTPValidationError"), "properties"), "detail"),
        "items", json_pack("{s:s}", "$ref", "#/components/schemas/ValidationError"));
    /* the components' reusable objects (User, Task, ...) */
    size_t ns = 0;
    const http_openapi_schema_t *named = http_openapi_schemas(s, &ns);
    for (size_t i = 0; i < ns; i++) {
        json_t *v = json_loads(named[i].json, 0, NULL);
        if (v)
            json_object_set_new(schemas, named[i].name, v);
    }
    return json_pack("{s:s,s:{s:s,s:s,s:s},s:o,s:{s:o,s:{s:{s:s,s:{s:{s:s,s:{}}}}}}}", "openapi", "3.1.0", "info",
                     "title", "TALI API", "version", TALI_VERSION, "description",
                     "TALI technical-assessment platform API (C implementation).", "paths", paths, "components",
                     "schemas", schemas, "securitySchemes", "OAuth2PasswordBearer", "type", "oauth2", "flows",
                     "password", "tokenUrl", "/api/v1/auth/login", "scopes");
}

static void openapi_get_json(http_req_t *req)
{
    http_reply_json(req, 200, openapi_document(http_req_server(req)));
}

static void openapi_html_escape(mem_buf_t *b, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '<': mem_buf_puts(b, "&lt;"); break;
        case '>': mem_buf_puts(b, "&gt;"); break;
        case '&': mem_buf_puts(b, "&amp;"); break;
        case '"': mem_buf_puts(b, "&quot;"); break;
        default: mem_buf_append(b, s, 1);
        }
    }
}

/* A self-contained page (no scripts from elsewhere: this server may have no
 * internet) listing every operation with its parameters and responses. */
static void openapi_get_docs(http_req_t *req)
{
    json_t *doc = openapi_document(http_req_server(req));
    mem_buf_t b = {0};
    mem_buf_puts(&b, "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>TALI API</title><style>"
                     "body{font-family:sans-serif;max-width:60em;margin:2em auto;color:#222}"
                     "h2{border-bottom:1px solid #ccc}.op{margin:.6em 0;padding:.4em .8em;background:#f6f6fb;"
                     "border-left:4px solid #6366f1}.m{font-weight:bold;display:inline-block;width:5em}"
                     "code{background:#eee;padding:0 .2em}small{color:#666}</style></head><body>"
                     "<h1>TALI API</h1><p>Machine-readable: <a href=\"/api/openapi.json\">/api/openapi.json</a> "
                     "(OpenAPI 3.1).</p>");
    const char *path;
    json_t *item;
    json_object_foreach(json_object_get(doc, "paths"), path, item)
    {
        const char *method;
        json_t *op;
        json_object_foreach(item, method, op)
        {
            mem_buf_puts(&b, "<div class=\"op\"><span class=\"m\">");
            for (const char *c = method; *c; c++) {
                char u = (char)(*c >= 'a' && *c <= 'z' ? *c - 'a' + 'A' : *c);
                mem_buf_append(&b, &u, 1);
            }
            mem_buf_puts(&b, "</span><code>");
            openapi_html_escape(&b, path);
            mem_buf_puts(&b, "</code> ");
            openapi_html_escape(&b, json_get_str(op, "summary"));
            mem_buf_puts(&b, "<br><small>responses:");
            const char *code;
            json_t *resp;
            json_object_foreach(json_object_get(op, "responses"), code, resp)
            {
                mem_buf_puts(&b, " ");
                openapi_html_escape(&b, code);
            }
            if (json_object_get(op, "security"))
                mem_buf_puts(&b, " &middot; bearer token");
            mem_buf_puts(&b, "</small></div>");
        }
    }
    mem_buf_puts(&b, "</body></html>");
    json_decref(doc);
    http_reply_bytes(req, 200, "text/html; charset=utf-8", b.data, b.len);
    mem_buf_free(&b);
}

/* The embedded openapi.json files (scripts/embed-openapi) */
extern const char *const openapi_data_names[];
extern const char *const openapi_data_texts[];
extern const size_t openapi_data_count;

/* One data file: its schemas join components/schemas, its operations are
 * attached to the routes they name.  What does not fit (bad JSON, a route
 * that is not registered) is a programming error, logged at error level. */
static void openapi_load_one(http_server_t *s, const char *name, const char *text)
{
    json_t *doc = json_loads(text, 0, NULL);
    if (!json_is_object(doc)) {
        log_msg(LOG_ERROR, "tali.openapi", "%s is not a JSON object", name);
        json_decref(doc);
        return;
    }
    const char *key;
    json_t *val;
    json_object_foreach(json_object_get(doc, "schemas"), key, val)
    {
        char *t = json_dumps(val, JSON_COMPACT);
        if (!t || http_openapi_schema(s, key, t) != 0)
            log_msg(LOG_ERROR, "tali.openapi", "%s: schema %s rejected", name, key);
        free(t);
    }
    json_object_foreach(json_object_get(doc, "operations"), key, val)
    {
        const char *sp = strchr(key, ' ');
        char *t = json_dumps(val, JSON_COMPACT);
        char method[16];
        snprintf(method, sizeof method, "%.*s", sp ? (int)(sp - key) : 0, key);
        if (!sp || !t || http_route_describe(s, method, sp + 1, t) != 0)
            log_msg(LOG_ERROR, "tali.openapi", "%s: operation %s names no registered route", name, key);
        free(t);
    }
    json_decref(doc);
}

static void openapi_load(http_server_t *s)
{
    for (size_t i = 0; i < openapi_data_count; i++)
        openapi_load_one(s, openapi_data_names[i], openapi_data_texts[i]);
}

void openapi_register(http_server_t *s, const config_t *c)
{
    /* the original served its documentation outside production mode only */
    if (c->production)
        return;
    static const http_route_doc_t json_doc = {"OpenAPI 3.1 description of this API", "meta", NULL, 200};
    static const http_route_doc_t html_doc = {"Readable API documentation", "meta", NULL, 200};
    http_route(s, "GET", "/api/openapi.json", openapi_get_json, &json_doc);
    http_route(s, "GET", "/api/docs", openapi_get_docs, &html_doc);
    openapi_load(s);
}
