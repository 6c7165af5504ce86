/* tagging.c - GetResources by ownership tag, page by page. */
#include "drivers/resources/tagging.h"

#include <string.h>

#include "drivers/core/proto/json.h"
#include "drivers/resources/common.h"

struct find_ctx {
    dp_tagged_fn fn;
    void *ctx;
};

static int on_page(void *ctx, const cJSON *page, dp_err *e)
{
    struct find_ctx *f = ctx;
    const cJSON *r;
    cJSON_ArrayForEach(r, cJSON_GetObjectItemCaseSensitive(page, "ResourceTagMappingList"))
    {
        const char *arn = dp_prop_str(r, "ResourceARN");
        if (arn && f->fn(f->ctx, arn, dp_prop(r, "Tags"), e))
            return -1;
    }
    return 0;
}

int dp_tagging_find(dp_client *c, const char *stack, const char *resource_type, dp_tagged_fn fn, void *ctx,
                    dp_err *e)
{
    cJSON *in = cJSON_CreateObject();
    cJSON *filters = cJSON_AddArrayToObject(in, "TagFilters");
    cJSON *f = cJSON_CreateObject();
    cJSON_AddStringToObject(f, "Key", DP_TAG_STACK);
    cJSON *vals = cJSON_AddArrayToObject(f, "Values");
    cJSON_AddItemToArray(vals, cJSON_CreateString(stack));
    cJSON_AddItemToArray(filters, f);
    if (resource_type) {
        cJSON *types = cJSON_AddArrayToObject(in, "ResourceTypeFilters");
        cJSON_AddItemToArray(types, cJSON_CreateString(resource_type));
    }
    struct find_ctx fc = {fn, ctx};
    int rc = dp_json_paginate(c, &dp_svc_tagging, "GetResources", in, "PaginationToken", on_page, &fc, e);
    cJSON_Delete(in);
    return rc;
}

const char *dp_tag_value(const cJSON *tags, const char *key)
{
    const cJSON *t;
    cJSON_ArrayForEach(t, tags)
    {
        const char *k = dp_prop_str(t, "Key");
        if (k && !strcmp(k, key))
            return dp_prop_str(t, "Value");
    }
    return NULL;
}
