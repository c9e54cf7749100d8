/* err: the one error type.  Services return an err_t; platform/http maps it
 * to a status code and a {"detail": ...} body in one place
 * (http_reply_err). */
#ifndef TALI_PLATFORM_ERR_H
#define TALI_PLATFORM_ERR_H

typedef enum {
    ERR_OK = 0,
    ERR_BAD_REQUEST,      /* 400 */
    ERR_UNAUTHORIZED,     /* 401 */
    ERR_PAYMENT_REQUIRED, /* 402 */
    ERR_FORBIDDEN,        /* 403 */
    ERR_NOT_FOUND,        /* 404 */
    ERR_CONFLICT,         /* 409 */
    ERR_GONE,             /* 410 */
    ERR_TOO_LARGE,        /* 413 */
    ERR_VALIDATION,       /* 422 (single message; lists use http_verr_t) */
    ERR_RATE_LIMITED,     /* 429 */
    ERR_INTERNAL,         /* 500 */
    ERR_NOT_IMPLEMENTED,  /* 501: a feature switched off by a setting */
    ERR_BAD_GATEWAY,      /* 502: an upstream answered badly */
    ERR_UNAVAILABLE,      /* 503: disabled feature or missing configuration */
    ERR_TIMEOUT,          /* 504: an upstream did not answer in time */
} err_t;

/* The HTTP status for an error code (200 for ERR_OK). */
int err_http_status(err_t e);

/* A short English name for logs ("not found"). Never NULL. */
const char *err_name(err_t e);

#endif
