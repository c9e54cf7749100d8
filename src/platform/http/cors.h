/* cors: the CORS decisions of api-contract §1.7 (Starlette's CORSMiddleware
 * with the original's settings), as pure functions over an origin list. */
#ifndef TALI_PLATFORM_HTTP_CORS_H
#define TALI_PLATFORM_HTTP_CORS_H

#include <stdbool.h>
#include <stddef.h>

#define HTTP_CORS_ALLOW_METHODS "GET, POST, PUT, PATCH, DELETE, OPTIONS"
#define HTTP_CORS_ALLOW_HEADERS                                                                                        \
    "Accept, Accept-Language, Authorization, Content-Language, Content-Type, X-Assessment-Token, X-Requested-With"
#define HTTP_CORS_MAX_AGE "600"

/* True when origin equals one of the n allowed origins exactly. */
bool http_cors_origin_allowed(const char *const *origins, size_t n, const char *origin);

/* True for a CORS preflight: OPTIONS with both Origin and
 * Access-Control-Request-Method present. */
bool http_cors_is_preflight(const char *method, const char *origin, const char *request_method);

/* Decides a preflight.  request_headers is the Access-Control-Request-Headers
 * value or NULL.  Writes the plain-text body into msg ("OK", or
 * "Disallowed CORS origin, method, headers" listing each failure in that
 * order, joined with ", ") and returns the status, 200 or 400.
 * *origin_ok tells whether Access-Control-Allow-Origin is to be sent. */
int http_cors_preflight(const char *const *origins, size_t n, const char *origin, const char *request_method,
                        const char *request_headers, bool *origin_ok, char *msg, size_t msglen);

#endif
