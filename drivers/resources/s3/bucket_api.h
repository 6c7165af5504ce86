/* bucket_api.h - bucket sub-resource calls for the S3 bucket driver, and the conversions
 * between template form and S3's XML for tags, versioning, encryption, public access block
 * and lifecycle rules.
 *
 * Ownership: documents passed in are borrowed; *out documents and returned cJSON values are
 * owned by the caller (xmlFreeDoc / cJSON_Delete). */
#ifndef DP_S3_BUCKET_API_H
#define DP_S3_BUCKET_API_H
#include <cjson/cJSON.h>
#include <libxml/tree.h>

#include "drivers/core/client.h"

/* One bucket call: body (may be NULL) is sent as XML with Content-MD5 (S3 requires it for
 * several configuration PUTs and DeleteObjects); *out (when not NULL) receives the parsed
 * answer or NULL when it had no body. */
int dp_s3b_call(dp_client *c, const char *op, const char *method, const char *bucket, const char *query,
                xmlDocPtr body, xmlDocPtr *out, dp_err *e);

/* Template form -> request documents. NULL with e set (DP_E_INPUT) on bad input. */
xmlDocPtr dp_s3x_tagging(const cJSON *tags);
xmlDocPtr dp_s3x_versioning(const char *status);
xmlDocPtr dp_s3x_encryption(const cJSON *bucket_encryption, dp_err *e);
/* pab NULL = everything blocked (dmsprov's default). */
xmlDocPtr dp_s3x_public_access_block(const cJSON *pab);
xmlDocPtr dp_s3x_lifecycle(const cJSON *lifecycle, dp_err *e);
/* A CreateBucketConfiguration for region (NULL for us-east-1, which takes none) with tags. */
xmlDocPtr dp_s3x_create_configuration(const char *region, const cJSON *tags);

/* Answer documents -> template form (NULL when there is nothing to report). */
cJSON *dp_s3x_tags_from(xmlDocPtr doc);            /* [{"Key","Value"}], all tags */
cJSON *dp_s3x_encryption_from(xmlDocPtr doc);      /* BucketEncryption */
cJSON *dp_s3x_public_access_block_from(xmlDocPtr doc);
cJSON *dp_s3x_lifecycle_from(xmlDocPtr doc);       /* LifecycleConfiguration */

#endif
