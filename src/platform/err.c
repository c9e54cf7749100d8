#include "platform/err.h"

int err_http_status(err_t e)
{
    switch (e) {
    case ERR_OK: return 200;
    case ERR_BAD_REQUEST: return 400;
    case ERR_UNAUTHORIZED: return 401;
    case ERR_PAYMENT_REQUIRED: return 402;
    case ERR_FORBIDDEN: return 403;
    case ERR_NOT_FOUND: return 404;
    case ERR_CONFLICT: return 409;
    case ERR_GONE: return 410;
    case ERR_TOO_LARGE: return 413;
    case ERR_VALIDATION: return 422;
    case ERR_RATE_LIMITED: return 429;
    case ERR_INTERNAL: return 500;
    case ERR_NOT_IMPLEMENTED: return 501;
    case ERR_BAD_GATEWAY: return 502;
    case ERR_UNAVAILABLE: return 503;
    case ERR_TIMEOUT: return 504;
    }
    return 500;
}

const char *err_name(err_t e)
{
    switch (e) {
    case ERR_OK: return "ok";
    case ERR_BAD_REQUEST: return "bad request";
    case ERR_UNAUTHORIZED: return "unauthorized";
    case ERR_PAYMENT_REQUIRED: return "payment required";
    case ERR_FORBIDDEN: return "forbidden";
    case ERR_NOT_FOUND: return "not found";
    case ERR_CONFLICT: return "conflict";
    case ERR_GONE: return "gone";
    case ERR_TOO_LARGE: return "too large";
    case ERR_VALIDATION: return "validation";
    case ERR_RATE_LIMITED: return "rate limited";
    case ERR_INTERNAL: return "internal";
    case ERR_NOT_IMPLEMENTED: return "not implemented";
    case ERR_BAD_GATEWAY: return "bad gateway";
    case ERR_UNAVAILABLE: return "unavailable";
    case ERR_TIMEOUT: return "timeout";
    }
    return "unknown";
}
