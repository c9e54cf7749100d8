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
 * reference).  A route's fragment is merged over what is derived: its
 * parameters add to the path parameters, its responses merge status by
 * status (an error status without content gets the HTTPError body, 422 the
 * HTTPValidationError one), a key set to null removes the derived key
 * (e.g. "requestBody": null), other keys replace.  Schemas registered with
 * http_openapi_schema appear under components/schemas. */
json_t *openapi_document(const http_server_t *s);

/* Registers GET /api/openapi.json and GET /api/docs, outside production
 * mode only (as the original).  Call after every other route. */
void openapi_register(http_server_t *s, const config_t *c);

#endif
