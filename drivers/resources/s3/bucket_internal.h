/* bucket_internal.h - pieces of the S3 bucket driver shared between its files.
 * Ownership: arguments are borrowed; nothing is handed to the caller. */
#ifndef DP_S3_BUCKET_INTERNAL_H
#define DP_S3_BUCKET_INTERNAL_H
#include <stdbool.h>

#include "drivers/core/client.h"

/* Lists one page of object versions and delete markers (*found of them); when delete_them,
 * deletes them with DeleteObjects. Call until *found is 0. */
int dp_s3_empty_round(dp_client *c, const char *bucket, bool delete_them, int *found, dp_err *e);

#endif
