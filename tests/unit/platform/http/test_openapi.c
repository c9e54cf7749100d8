/* platform/openapi and the describe functions of platform/http: fragments
 * are checked at registration, merged over the derived operation, and
 * named schemas land under components/schemas. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "platform/http.h"
#include "platform/json.h"
#include "platform/log.h"
#include "platform/openapi.h"

static config_t conf;

static void h_noop(http_req_t *req)
{
    http_reply_json(req, 200, json_object());
}

static http_server_t *new_server(void)
{
    memset(&conf, 0, sizeof(conf));
    conf.frontend_url = "http://localhost:5173";
    conf.max_connections = 4;
    http_server_t *s = http_server_new(&conf, NULL);
    static const http_route_doc_t doc = {"Do a thing", "things", "bearer", 200};
    http_route(s, "POST", "/things/{thing_id}/do", h_noop, &doc);
    return s;
}

/* The server, and the CORS list config_cors_origins built on the
 * hand-filled configuration (the caller owns it). */
static void free_server(http_server_t *s)
{
    http_server_free(s);
    for (size_t i = 0; i < conf.n_cors_origins; i++)
        free(conf.cors_origins[i]);
    free(conf.cors_origins);
    conf.cors_origins = NULL;
    conf.n_cors_origins = 0;
}

static json_t *operation(json_t *doc, const char *path, const char *method)
{
    return json_object_get(json_object_get(json_object_get(doc, "paths"), path), method);
}

static void test_bad_fragments_are_rejected(void **state)
{
    (void)state;
    http_server_t *s = new_server();
    assert_int_equal(http_route_describe(s, "POST", "/things/{thing_id}/do", "{\"responses\":"), -1);
    assert_int_equal(http_route_describe(s, "POST", "/things/{thing_id}/do", "[1]"), -1);
    assert_int_equal(http_route_describe(s, "GET", "/things/{thing_id}/do", "{}"), -1);
    static const http_route_openapi_t ops[] = {
        {"POST", "/things/{thing_id}/do", "{}"},
        {"POST", "/things/{thing_id}/do", "{not json}"},
        {"DELETE", "/nowhere", "{}"},
    };
    assert_int_equal(http_routes_describe(s, ops, 3), 2);
    assert_int_equal(http_openapi_schema(s, "Thing", "\"text\""), -1);
    assert_int_equal(http_openapi_schema(s, "", "{}"), -1);
    size_t n = 99;
    http_openapi_schemas(s, &n);
    assert_int_equal(n, 0);
    free_server(s);
}

static void test_fragment_merges_over_derived(void **state)
{
    (void)state;
    http_server_t *s = new_server();
    assert_int_equal(http_openapi_schema(s, "Thing", "{\"type\":\"object\",\"properties\":{\"id\":{}}}"), 0);
    assert_int_equal(http_openapi_schema(s, "Thing",
                                         "{\"type\":\"object\",\"properties\":{\"id\":"
                                         "{\"type\":\"integer\"}}}"),
                     0);
    assert_int_equal(http_route_describe(s, "POST", "/things/{thing_id}/do",
                                         "{\"parameters\":[{\"name\":\"limit\",\"in\":\"query\",\"required\":false,"
                                         "\"schema\":{\"type\":\"integer\",\"maximum\":100}}],"
                                         "\"requestBody\":null,"
                                         "\"responses\":{\"200\":{\"description\":\"Done\",\"content\":"
                                         "{\"application/json\":{\"schema\":{\"$ref\":"
                                         "\"#/components/schemas/Thing\"}}}},"
                                         "\"404\":{\"description\":\"`Thing not found`\"},\"422\":null}}"),
                     0);
    json_t *doc = openapi_document(s);
    json_t *op = operation(doc, "/things/{thing_id}/do", "post");
    assert_non_null(op);
    /* the path parameter stays, the query one is added */
    json_t *params = json_object_get(op, "parameters");
    assert_int_equal(json_array_size(params), 2);
    assert_string_equal(json_get_str(json_array_get(params, 0), "name"), "thing_id");
    assert_string_equal(json_get_str(json_array_get(params, 1), "name"), "limit");
    /* null removed the derived body and the 422 */
    assert_null(json_object_get(op, "requestBody"));
    json_t *resp = json_object_get(op, "responses");
    assert_null(json_object_get(resp, "422"));
    /* the derived 401 stays; the 404 got the HTTPError body */
    assert_non_null(json_object_get(resp, "401"));
    json_t *nf = json_object_get(resp, "404");
    assert_string_equal(json_get_str(nf, "description"), "`Thing not found`");
    json_t *schema = json_object_get(json_object_get(json_object_get(nf, "content"), "application/json"), "schema");
    assert_string_equal(json_get_str(schema, "$ref"), "#/components/schemas/HTTPError");
    assert_string_equal(json_get_str(json_object_get(resp, "200"), "description"), "Done");
    /* the second registration of Thing replaced the first */
    json_t *thing = json_object_get(json_object_get(json_object_get(doc, "components"), "schemas"), "Thing");
    json_t *id = json_object_get(json_object_get(thing, "properties"), "id");
    assert_string_equal(json_get_str(id, "type"), "integer");
    assert_non_null(json_object_get(json_object_get(json_object_get(doc, "components"), "schemas"), "HTTPError"));
    json_decref(doc);
    free_server(s);
}

int main(void)
{
    FILE *devnull = fopen("/dev/null", "w");
    log_set_stream(devnull); /* the rejections are logged on purpose */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bad_fragments_are_rejected),
        cmocka_unit_test(test_fragment_merges_over_derived),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    log_set_stream(NULL);
    if (devnull)
        fclose(devnull);
    return rc;
}
