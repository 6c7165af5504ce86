/* endpoint.h - region, partition and endpoint resolution.
 *
 * Precedence for the endpoint URL, as in the AWS SDKs: --endpoint-url, then
 * AWS_ENDPOINT_URL_<SERVICE>, AWS_ENDPOINT_URL, the profile's services section, the profile's
 * endpoint_url, then the standard endpoint of the partition. AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true
 * skips the environment and profile (not the flag).
 *
 * Ownership: nothing here allocates. dp_partition_for_region() returns a static entry;
 * dp_endpoint is a plain value filled in the caller's struct; config strings are borrowed. */
#ifndef DP_ENDPOINT_H
#define DP_ENDPOINT_H
#include <stdbool.h>

#include "drivers/base/err.h"
#include "drivers/core/service.h"

typedef struct dp_partition {
    const char *name;       /* "aws", "aws-cn", "aws-us-gov" */
    const char *dns_suffix; /* "amazonaws.com" */
} dp_partition;

typedef struct dp_endpoint {
    char scheme[8];          /* "https" or "http" */
    char host[256];          /* host[:port] */
    char base_path[256];     /* path prefix of a custom endpoint, "" when none */
    char signing_region[32];
    bool custom;             /* from configuration rather than the standard pattern */
    char origin[128];         /* where it came from: "--endpoint-url", "AWS_ENDPOINT_URL_DMS", ... */
} dp_endpoint;

/* Borrowed strings; any may be NULL. */
typedef struct dp_endpoint_config {
    const char *flag_url;          /* --endpoint-url */
    const char *profile_url;       /* profile endpoint_url */
    const char *profile_service_url; /* services section value for this service */
} dp_endpoint_config;

const dp_partition *dp_partition_for_region(const char *region);
/* True for a syntactically valid region name (lower-case letters, digits, dashes). */
bool dp_region_valid(const char *region);
int dp_endpoint_resolve(const dp_service *svc, const char *region, const dp_endpoint_config *cfg,
                        dp_endpoint *out, dp_err *e);
/* Parses "scheme://host[:port][/path]" into out (scheme, host, base_path). */
int dp_endpoint_parse_url(const char *url, dp_endpoint *out, dp_err *e);
/* True when a bucket name can be used as a DNS label under TLS (virtual-hosted addressing). */
bool dp_s3_bucket_dns_compatible(const char *bucket);

#endif
