/* err.h - the structured error every layer fills and the CLI renders as one line.
 *
 * Functions return int (0 = ok, non-zero = failure) and fill an optional dp_err. The struct
 * owns no heap memory (fixed buffers), so it can be copied and dropped freely. */
#ifndef DP_ERR_H
#define DP_ERR_H
#include <stddef.h>

enum dp_err_kind {
    DP_OK = 0,
    DP_E_USAGE,       /* bad command line */
    DP_E_INPUT,       /* bad template, parameter or file content */
    DP_E_IO,          /* local file or process failure */
    DP_E_CREDENTIALS, /* no usable credentials */
    DP_E_CONFIG,      /* region / endpoint / profile configuration */
    DP_E_NETWORK,     /* connection, TLS, timeout */
    DP_E_AWS,         /* the service answered with an error */
    DP_E_PARSE,       /* a response we could not understand */
    DP_E_NOMEM,
    DP_E_NOT_FOUND,
    DP_E_CONFLICT,    /* lock held, resource owned by someone else, state moved */
    DP_E_INTERNAL
};

/* What every lookup returns (a resource by identifier, a credential source, a task by name):
 * DP_FOUND with its results filled, DP_MISSING when the thing does not exist or is not
 * configured (the out-parameters untouched), or -1 on an error with the dp_err filled. */
enum dp_found { DP_FOUND = 0, DP_MISSING = 1 };

typedef struct dp_err {
    enum dp_err_kind kind;
    char service[32];     /* "dms", "rds", ... or "" */
    char operation[64];   /* "DescribeEndpoints" or "" */
    long http_status;     /* 0 when no HTTP answer */
    char aws_code[128];   /* "ResourceNotFoundFault" or "" */
    char request_id[96];
    char message[768];
} dp_err;

void dp_err_clear(dp_err *e);
/* Sets kind and message (printf-style); keeps service/operation already set. e may be NULL. */
void dp_err_set(dp_err *e, enum dp_err_kind kind, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Names the call an error belongs to (service "dms", operation "DescribeEndpoints"; either may
 * be NULL for ""). e may be NULL. */
void dp_err_at(dp_err *e, const char *service, const char *operation);
/* Prefixes the message with context ("creating bucket X: "). e may be NULL. */
void dp_err_prefix(dp_err *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Replaces every occurrence of secret in the message with "***", for errors that may echo a
 * value we sent (validation messages). No-op when e or secret is NULL or secret is empty. */
void dp_err_scrub(dp_err *e, const char *secret);
/* One line: "dms DescribeEndpoints: ResourceNotFoundFault: message (HTTP 400, request id …)". */
void dp_err_format(const dp_err *e, char *out, size_t n);
const char *dp_err_kind_name(enum dp_err_kind kind);
/* strerror() for threads: the text of errno value err in the caller's buf (n bytes), which
 * is returned ("error N" when unknown). */
const char *dp_strerror(int err, char *buf, size_t n);

#endif
