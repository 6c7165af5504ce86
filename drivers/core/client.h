/* client.h - one configured AWS client: region, credentials, endpoints, retries, HTTP.
 *
 * The client is shared by all threads of a run: HTTP handles come from a small pool (each
 * keeps its connections alive), the credential chain and retry quota lock internally.
 * Protocol layers (proto/json.h, proto/query.h, proto/restxml.h) build requests and parse
 * answers; the client resolves the endpoint, signs, sends and retries.
 *
 * Ownership: dp_client_new() returns an owned client (dp_client_free()). */
#ifndef DP_CLIENT_H
#define DP_CLIENT_H
#include <stdbool.h>

#include "drivers/base/err.h"
#include "drivers/core/creds/creds.h"
#include "drivers/core/endpoint.h"
#include "drivers/core/http.h"
#include "drivers/core/request.h"
#include "drivers/core/service.h"

typedef struct dp_client_options {
    const char *region;       /* --region, or NULL */
    const char *profile;      /* --profile, or NULL */
    const char *endpoint_url; /* --endpoint-url, or NULL */
    const char *ca_bundle;    /* --ca-bundle, or NULL (then AWS_CA_BUNDLE, profile ca_bundle) */
    bool insecure;            /* --no-verify-ssl */
    int max_attempts;         /* 0 = AWS_MAX_ATTEMPTS, profile max_attempts, or 3 */
    double max_backoff;       /* 0 = 20 s (tests lower it) */
    /* STS AssumeRole for role_arn profiles: dp_sts_assume_role (sts.h); NULL refuses such
     * profiles with a clear error. Passed in because STS calls go through this client. */
    dp_assume_role_fn assume_role;
} dp_client_options;

typedef struct dp_client dp_client;

dp_client *dp_client_new(const dp_client_options *opts, dp_err *e);
void dp_client_free(dp_client *c);

const char *dp_client_region(const dp_client *c);
const char *dp_client_profile(const dp_client *c);
int dp_client_max_attempts(const dp_client *c);
/* The endpoint a service resolves to (for whoami and messages). */
int dp_client_endpoint(dp_client *c, const dp_service *svc, dp_endpoint *out, dp_err *e);
/* Current credentials (resolved on first use). out is filled; caller cleans up. */
int dp_client_credentials(dp_client *c, dp_creds *out, dp_err *e);
/* Number of HTTP requests sent so far (for benchmarks and tests). */
long dp_client_request_count(const dp_client *c);

/* Parses an error response into e (aws_code, message, request id); set by each protocol. */
typedef void (*dp_error_parser)(const dp_response *resp, dp_err *e);

/* How to send one call. The request has method, path, query, headers and body set; the client
 * fills scheme and host from the endpoint unless host_prefix/ path_style say otherwise. */
typedef struct dp_call {
    const dp_service *svc;
    const char *operation;      /* for messages and logs */
    dp_error_parser parse_error;
    const char *s3_bucket;      /* S3: bucket for virtual-hosted or path-style addressing */
    bool unsigned_payload;      /* S3: sign with UNSIGNED-PAYLOAD */
    const char *region;         /* override the client's region (S3 redirects), or NULL */
} dp_call;

/* Signs and sends req (which it does not modify: each attempt signs a copy), retrying as
 * the standard mode says. Returns 0 with resp filled for a 2xx answer; -1 otherwise with e
 * filled (service, operation, status, code, message, request id). resp holds the last answer. */
int dp_client_send(dp_client *c, const dp_call *call, const dp_request *req, dp_response *resp, dp_err *e);


/* Internal to the client core (used by sts.c and the S3 redirect logic). */
int dp_client_send_with(dp_client *c, const dp_call *call, const dp_request *req, const dp_creds *fixed,
                        dp_response *resp, dp_err *e);
int dp_client_endpoint_in(dp_client *c, const dp_service *svc, const char *region, dp_endpoint *out, dp_err *e);

#endif
