/* restxml.h - the REST-XML protocol as S3 uses it.
 *
 * Path-style addressing on custom endpoints (moto, MinIO), virtual-hosted on AWS; XML errors
 * (<Error><Code/>…), codes derived from the status for bodiless answers (HEAD); a redirect to
 * the bucket's region (301/400 with x-amz-bucket-region) is followed once.
 * Ownership: all inputs borrowed; resp is the caller's (dp_response_init/cleanup). */
#ifndef DP_RESTXML_PROTO_H
#define DP_RESTXML_PROTO_H
#include <libxml/tree.h>

#include "drivers/core/client.h"

typedef struct dp_s3_request {
    const char *operation;       /* "CreateBucket", for messages */
    const char *method;
    const char *bucket;          /* NULL for service-level calls (ListBuckets) */
    const char *key;             /* object key, raw (encoded here), or NULL */
    const char *query;           /* already encoded ("versioning", "list-type=2&prefix=a"), or NULL */
    const char *const *headers;  /* "Name: value" strings, NULL-terminated, or NULL */
    const void *body;
    size_t body_len;
    bool unsigned_payload;
} dp_s3_request;

int dp_s3_call(dp_client *c, const dp_s3_request *r, dp_response *resp, dp_err *e);
void dp_restxml_parse_error(const dp_response *resp, dp_err *e);

/* Page callback for ListObjectsV2: one parsed page (owned by the caller of fn). */
typedef int (*dp_s3_page_fn)(void *ctx, xmlDocPtr page, dp_err *e);
/* Lists a bucket's objects (optional prefix) page by page through ContinuationToken. */
int dp_s3_list_objects(dp_client *c, const char *bucket, const char *prefix, int max_keys,
                       dp_s3_page_fn fn, void *ctx, dp_err *e);

#endif
