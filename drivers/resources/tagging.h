/* tagging.h - finding a stack's resources through the Resource Groups Tagging API.
 *
 * Ownership: nothing is handed to the caller; the callback's arn and tags are borrowed for
 * the call only (they belong to the page being walked). */
#ifndef DP_TAGGING_H
#define DP_TAGGING_H
#include <cjson/cJSON.h>

#include "drivers/core/client.h"

/* Called per resource: its ARN and its tags ([{"Key","Value"}], borrowed). */
typedef int (*dp_tagged_fn)(void *ctx, const char *arn, const cJSON *tags, dp_err *e);

/* GetResources with TagFilters dmsprov:stack=stack and ResourceTypeFilters (e.g. "s3",
 * "rds:cluster", "dms:endpoint"), paginated. */
int dp_tagging_find(dp_client *c, const char *stack, const char *resource_type, dp_tagged_fn fn, void *ctx,
                    dp_err *e);
/* The value of tag key in tags ([{"Key","Value"}]), or NULL. Borrowed. */
const char *dp_tag_value(const cJSON *tags, const char *key);

#endif
