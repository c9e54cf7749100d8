/* openapi: the OpenAPI 3.1 document of the routes registered on a server,
 * derived from the same route table the router uses (paths, methods, path
 * parameters, auth, success status), refined by each route's
 * http_route_describe fragment. */
#ifndef TALI_PLATFORM_OPENAPI_H
#define TALI_PLATFORM_OPENAPI_H

#include <jansson.h>

#include "platform/config.h"
#include "platform/http.h"

/* The document for every registered route except test hooks (new
 * reference). */
json_t *openapi_document(const http_server_t *s);

/* Registers GET /api/openapi.json and GET /api/docs, outside production
 * mode only (as the original).  Call after every other route. */
void openapi_register(http_server_t *s, const config_t *c);

#endif
