/* http.h - sending one dp_request over libcurl, with connection reuse.
 *
 * A dp_http wraps one curl easy handle: connections are kept alive and reused between calls.
 * It is not thread-safe: use one per thread. TLS verification is always on unless
 * opts.insecure is set (the CLI asks for an explicit flag and prints a warning). Proxies come
 * from the environment (http_proxy, https_proxy, no_proxy), as libcurl reads them.
 *
 * Ownership: dp_http_new() returns an owned handle (dp_http_free()). A dp_response owns its
 * headers and body; dp_response_cleanup() frees them. */
#ifndef DP_HTTP_H
#define DP_HTTP_H
#include <stdbool.h>

#include "drivers/base/buf.h"
#include "drivers/base/err.h"
#include "drivers/core/request.h"

typedef struct dp_http_opts {
    long connect_timeout_ms; /* 0 = 10 s */
    long timeout_ms;         /* whole transfer; 0 = 120 s */
    const char *ca_bundle;   /* borrowed; NULL = system store (AWS_CA_BUNDLE is read by the caller) */
    bool insecure;           /* skip TLS verification (explicit flag only) */
    size_t max_body;         /* response size cap; 0 = 64 MiB */
} dp_http_opts;

typedef struct dp_response {
    long status;          /* HTTP status; 0 if none */
    dp_header *headers;   /* owned; names lower-cased */
    size_t nheaders;
    size_t cap_headers;
    dp_buf body;          /* owned */
} dp_response;

typedef struct dp_http dp_http;

/* Call once per process before threads start (curl_global_init). */
int dp_http_global_init(void);
void dp_http_global_cleanup(void);

dp_http *dp_http_new(const dp_http_opts *opts);
void dp_http_free(dp_http *h);

void dp_response_init(dp_response *resp);
void dp_response_cleanup(dp_response *resp);
const char *dp_response_header(const dp_response *resp, const char *name); /* borrowed or NULL */

/* Sends the request as is (already signed) and fills resp (which must be initialised; it is
 * reset first). Returns 0 when an HTTP answer arrived (any status), -1 with e->kind ==
 * DP_E_NETWORK on connection failures and timeouts (e->aws_code then names the curl failure:
 * "ConnectionError", "Timeout", "TLSError"). */
int dp_http_send(dp_http *h, const dp_request *req, dp_response *resp, dp_err *e);

/* Convenience for small local calls (IMDS, container credentials): method + URL, optional
 * extra headers as "Name: value" strings (NULL-terminated array), optional body. */
int dp_http_simple(dp_http *h, const char *method, const char *url, const char *const *headers,
                   const char *body, dp_response *resp, dp_err *e);

#endif
