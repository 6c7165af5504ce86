/* s3_bucket.c - AWS::S3::Bucket (placeholder until its driver lands). */
#include "drivers/resources/common.h"

static void not_yet(const dp_resource_req *r, dp_progress *p)
{
    (void)r;
    dp_progress_failf(p, DP_E_INTERNAL, "AWS::S3::Bucket is not implemented yet");
}

const dp_driver dp_driver_s3_bucket = {"AWS::S3::Bucket", not_yet, not_yet, not_yet, not_yet, NULL, NULL};
