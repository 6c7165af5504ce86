/* dms_common.c - DMS calls shared by the DMS drivers: describe-by-filter, tags, ownership, listing. */
#include <stdio.h>
#include <string.h>

#include "drivers/core/proto/json.h"
#include "drivers/resources/dms/dms.h"
#include "drivers/resources/tagging.h"
#include "drivers/resources/tags_diff.h"

bool dp_dms_not_found(const dp_err *e)
{
    return e && !strcmp(e->aws_code, "ResourceNotFoundFault");
}

int dp_dms_describe_one(dp_client *c, const char *op, const char *list_key, const char *filter,
                        const char *value, cJSON **item, dp_err *e)
{
    *item = NULL;
    cJSON *in = cJSON_CreateObject(), *out = NULL;
    cJSON *f = cJSON_CreateObject();
    cJSON_AddStringToObject(f, "Name", filter);
    cJSON_AddItemToArray(cJSON_AddArrayToObject(f, "Values"), cJSON_CreateString(value));
    cJSON_AddItemToArray(cJSON_AddArrayToObject(in, "Filters"), f);
    int rc = dp_json_call(c, &dp_svc_dms, op, in, &out, e);
    cJSON_Delete(in);
    if (rc) {
        if (dp_dms_not_found(e)) {
            dp_err_clear(e);
            return DP_MISSING;
        }
        return -1;
    }
    const cJSON *first = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(out, list_key), 0);
    if (first)
        *item = cJSON_Duplicate(first, 1);
    cJSON_Delete(out);
    return *item ? DP_FOUND : DP_MISSING;
}

int dp_dms_tags(dp_client *c, const char *arn, cJSON **tags, dp_err *e)
{
    cJSON *in = cJSON_CreateObject(), *out = NULL;
    cJSON_AddStringToObject(in, "ResourceArn", arn);
    int rc = dp_json_call(c, &dp_svc_dms, "ListTagsForResource", in, &out, e);
    cJSON_Delete(in);
    *tags = NULL;
    if (rc)
        return -1;
    cJSON *list = cJSON_DetachItemFromObjectCaseSensitive(out, "TagList");
    cJSON_Delete(out);
    *tags = cJSON_CreateArray();
    const cJSON *t;
    cJSON_ArrayForEach(t, list)
    {
        const char *k = dp_prop_str(t, "Key");
        if (k)
            cJSON_AddItemToArray(*tags, dp_tag_new(k, dp_prop_str(t, "Value")));
    }
    cJSON_Delete(list);
    return 0;
}

int dp_dms_sync_tags(dp_client *c, const char *arn, const cJSON *want, dp_err *e)
{
    cJSON *have = NULL;
    if (dp_dms_tags(c, arn, &have, e))
        return -1;
    cJSON *add, *del;
    dp_tags_diff(want, have, "Key", "Value", &add, &del);
    int rc = 0;
    if (cJSON_GetArraySize(del)) {
        cJSON *in = cJSON_CreateObject(), *out = NULL;
        cJSON_AddStringToObject(in, "ResourceArn", arn);
        cJSON_AddItemToObject(in, "TagKeys", del);
        del = NULL;
        rc = dp_json_call(c, &dp_svc_dms, "RemoveTagsFromResource", in, &out, e);
        cJSON_Delete(in);
        cJSON_Delete(out);
    }
    if (!rc && cJSON_GetArraySize(add)) {
        cJSON *in = cJSON_CreateObject(), *out = NULL;
        cJSON_AddStringToObject(in, "ResourceArn", arn);
        cJSON_AddItemToObject(in, "Tags", add);
        add = NULL;
        rc = dp_json_call(c, &dp_svc_dms, "AddTagsToResource", in, &out, e);
        cJSON_Delete(in);
        cJSON_Delete(out);
    }
    cJSON_Delete(add);
    cJSON_Delete(del);
    cJSON_Delete(have);
    return rc ? -1 : 0;
}

int dp_dms_require_owned(const dp_resource_req *r, const char *arn, const char *what, const char *name,
                         dp_progress *p)
{
    dp_err e;
    dp_err_clear(&e);
    cJSON *tags = NULL;
    if (dp_dms_tags(r->client, arn, &tags, &e)) {
        dp_progress_fail(p, r, "checking the owner of", &e);
        return -1;
    }
    dp_ownership own = dp_tags_ownership(tags, "Key", "Value", r->stack, r->logical_id);
    const char *owner = dp_tag_value(tags, DP_TAG_STACK), *lid = dp_tag_value(tags, DP_TAG_LOGICAL_ID);
    if (own != DP_OWNED)
        dp_progress_failf(p, DP_E_CONFLICT,
                          "%s %s: %s %s exists and is not owned by stack %s (logical id %s)%s%s%s%s%s",
                          r->logical_id, what, what, name, r->stack, r->logical_id,
                          owner ? "; it belongs to stack " : "", owner ? owner : "",
                          lid ? " (logical id " : "", lid ? lid : "", lid ? ")" : "");
    cJSON_Delete(tags);
    return own == DP_OWNED ? 0 : -1;
}

struct list_ctx {
    const char *kind, *type;
    dp_list_fn fn;
    void *ctx;
};

static int on_tagged(void *ctx, const char *arn, const cJSON *tags, dp_err *e)
{
    struct list_ctx *l = ctx;
    /* arn:PARTITION:dms:REGION:ACCOUNT:KIND:ID */
    const char *p = arn;
    for (int i = 0; i < 5 && p; i++) {
        p = strchr(p, ':');
        if (p)
            p++;
    }
    size_t kl = strlen(l->kind);
    if (!p || strncmp(arn, "arn:", 4) || !strstr(arn, ":dms:") || strncmp(p, l->kind, kl) || p[kl] != ':')
        return 0;
    const char *logical = dp_tag_value(tags, DP_TAG_LOGICAL_ID);
    return logical ? l->fn(l->ctx, l->type, logical, arn, e) : 0;
}

int dp_dms_list_tagged(dp_client *c, const char *stack, const char *kind, const char *type, dp_list_fn fn,
                       void *ctx, dp_err *e)
{
    struct list_ctx l = {kind, type, fn, ctx};
    return dp_tagging_find(c, stack, NULL, on_tagged, &l, e);
}

void dp_dms_name(const dp_resource_req *r, const char *prop, size_t max_len, char *out, size_t n)
{
    const char *given = dp_prop_str(r->desired, prop);
    if (given && *given)
        snprintf(out, n, "%s", given);
    else
        dp_generated_name(r, max_len, true, out, n);
}

cJSON *dp_dms_want_tags(const dp_resource_req *r)
{
    return dp_tags_with_ownership(dp_prop(r->desired, "Tags"), r->stack, r->logical_id);
}

void dp_dms_add_tags_prop(cJSON *props, const cJSON *tags)
{
    cJSON *t = dp_tags_template_form(tags, "Key", "Value");
    if (t)
        cJSON_AddItemToObject(props, "Tags", t);
}

void dp_dms_copy(cJSON *in, const cJSON *desired, const char *name, const char *api_name)
{
    const cJSON *v = dp_prop(desired, name);
    if (v && !cJSON_IsNull(v))
        cJSON_AddItemToObject(in, api_name, cJSON_Duplicate(v, 1));
}

void dp_dms_report(cJSON *props, const cJSON *live, const char *api_name, const char *name)
{
    const cJSON *v = dp_prop(live, api_name);
    if (!v || cJSON_IsNull(v) || (cJSON_IsString(v) && !*v->valuestring))
        return;
    cJSON_AddItemToObject(props, name, cJSON_Duplicate(v, 1));
}

void dp_dms_copy_bool(cJSON *in, const cJSON *desired, const char *name)
{
    const cJSON *v = dp_prop(desired, name);
    if (v && !cJSON_IsNull(v))
        cJSON_AddBoolToObject(in, name, dp_prop_bool(desired, name, false));
}

void dp_dms_copy_int(cJSON *in, const cJSON *desired, const char *name)
{
    const cJSON *v = dp_prop(desired, name);
    if (v && !cJSON_IsNull(v))
        cJSON_AddNumberToObject(in, name, (double)dp_prop_long(desired, name, 0));
}
