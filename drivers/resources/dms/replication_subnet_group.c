/* replication_subnet_group.c - AWS::DMS::ReplicationSubnetGroup: create/adopt, read, modify, delete, list.
 *
 * PhysicalId (CloudFormation's Ref) is the identifier, which DMS stores lower-cased. Subnet
 * groups are synchronous (no status to wait for). The tagging API does not list them, so list
 * describes every group and reads its tags by ARN (arn:PARTITION:dms:REGION:ACCOUNT:subgrp:ID). */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "drivers/core/proto/json.h"
#include "drivers/core/sts.h"
#include "drivers/resources/dms/dms.h"

#define TYPE "AWS::DMS::ReplicationSubnetGroup"
#define WHAT "replication subnet group"

static void lower(char *s)
{
    for (; *s; s++)
        *s = (char)tolower((unsigned char)*s);
}

static void arn_of(const char *partition, const char *region, const char *account, const char *id, char *out,
                   size_t n)
{
    snprintf(out, n, "arn:%s:dms:%s:%s:subgrp:%s", partition ? partition : "aws", region ? region : "",
             account ? account : "", id);
}

/* The lookup convention of err.h, as dp_dms_describe_one. */
static int describe(dp_client *c, const char *id, cJSON **g, dp_err *e)
{
    return dp_dms_describe_one(c, "DescribeReplicationSubnetGroups", "ReplicationSubnetGroups",
                               "replication-subnet-group-id", id, g, e);
}

/* Subnet ids of a described group, in the template's order when it names the same set. */
static cJSON *subnet_ids(const cJSON *g, const cJSON *desired)
{
    cJSON *ids = cJSON_CreateArray();
    const cJSON *s;
    cJSON_ArrayForEach(s, dp_prop(g, "Subnets"))
    {
        const char *id = dp_prop_str(s, "SubnetIdentifier");
        if (id)
            cJSON_AddItemToArray(ids, cJSON_CreateString(id));
    }
    const cJSON *want = dp_prop(desired, "SubnetIds");
    if (want && dp_dms_same_strings(ids, want)) {
        cJSON_Delete(ids);
        return cJSON_Duplicate(want, 1);
    }
    return ids;
}

/* SUCCESS with the live model, or FAILED (DP_E_NOT_FOUND when gone). */
static void finish(const dp_resource_req *r, dp_progress *p, const char *id, const char *verb)
{
    dp_err e;
    dp_err_clear(&e);
    cJSON *g = NULL, *tags = NULL;
    int rc = describe(r->client, id, &g, &e);
    if (rc == DP_MISSING) {
        dp_progress_failf(p, DP_E_NOT_FOUND, "%s %s not found", WHAT, id);
        return;
    }
    char arn[512];
    arn_of(r->partition, r->region, r->account_id, id, arn, sizeof arn);
    if (rc < 0 || dp_dms_tags(r->client, arn, &tags, &e)) {
        cJSON_Delete(g);
        dp_progress_fail(p, r, verb, &e);
        return;
    }
    cJSON *props = cJSON_CreateObject();
    dp_dms_report(props, g, "ReplicationSubnetGroupIdentifier", "ReplicationSubnetGroupIdentifier");
    dp_dms_keep_case(props, r->desired, "ReplicationSubnetGroupIdentifier");
    dp_dms_report(props, g, "ReplicationSubnetGroupDescription", "ReplicationSubnetGroupDescription");
    cJSON_AddItemToObject(props, "SubnetIds", subnet_ids(g, r->desired));
    dp_dms_add_tags_prop(props, tags);
    cJSON *model = dp_model_new(id, props);
    dp_model_attr(model, "Id", id);
    dp_model_attr(model, "Arn", arn);
    dp_progress_success(p, model);
    cJSON_Delete(g);
    cJSON_Delete(tags);
}

static void create(const dp_resource_req *r, dp_progress *p)
{
    char id[256], arn[512];
    dp_dms_name(r, "ReplicationSubnetGroupIdentifier", 255, id, sizeof id);
    lower(id);
    arn_of(r->partition, r->region, r->account_id, id, arn, sizeof arn);
    dp_err e;
    dp_err_clear(&e);
    cJSON *g = NULL;
    int rc = describe(r->client, id, &g, &e);
    cJSON_Delete(g);
    if (rc < 0) {
        dp_progress_fail(p, r, "creating", &e);
        return;
    }
    if (rc == DP_FOUND) { /* a create whose answer was lost, or someone else's group */
        if (dp_dms_require_owned(r, arn, WHAT, id, p) == 0)
            finish(r, p, id, "adopting");
        return;
    }
    cJSON *in = cJSON_CreateObject(), *out = NULL;
    cJSON_AddStringToObject(in, "ReplicationSubnetGroupIdentifier", id);
    const char *desc = dp_prop_str(r->desired, "ReplicationSubnetGroupDescription");
    cJSON_AddStringToObject(in, "ReplicationSubnetGroupDescription", desc ? desc : id);
    dp_dms_copy(in, r->desired, "SubnetIds", "SubnetIds");
    cJSON_AddItemToObject(in, "Tags", dp_dms_want_tags(r));
    rc = dp_json_call(r->client, &dp_svc_dms, "CreateReplicationSubnetGroup", in, &out, &e);
    cJSON_Delete(in);
    cJSON_Delete(out);
    if (rc && !strcmp(e.aws_code, "ResourceAlreadyExistsFault")) {
        /* a retried call whose first attempt went through: ours only if tagged so */
        if (dp_dms_require_owned(r, arn, WHAT, id, p) == 0)
            finish(r, p, id, "adopting");
        return;
    }
    if (rc) {
        dp_progress_fail(p, r, "creating", &e);
        return;
    }
    finish(r, p, id, "creating");
}

static void read_(const dp_resource_req *r, dp_progress *p) { finish(r, p, r->physical_id, "reading"); }

static void update(const dp_resource_req *r, dp_progress *p)
{
    const char *id = r->physical_id;
    char arn[512];
    arn_of(r->partition, r->region, r->account_id, id, arn, sizeof arn);
    dp_err e;
    dp_err_clear(&e);
    cJSON *g = NULL;
    int found = describe(r->client, id, &g, &e), rc = 0;
    if (found != DP_FOUND) {
        if (found == DP_MISSING)
            dp_progress_failf(p, DP_E_NOT_FOUND, "%s %s not found", WHAT, id);
        else
            dp_progress_fail(p, r, "updating", &e);
        return;
    }
    cJSON *live_ids = subnet_ids(g, NULL);
    const char *want_desc = dp_prop_str(r->desired, "ReplicationSubnetGroupDescription");
    const char *have_desc = dp_prop_str(g, "ReplicationSubnetGroupDescription");
    const cJSON *want_ids = dp_prop(r->desired, "SubnetIds");
    bool change = (want_desc && (!have_desc || strcmp(want_desc, have_desc))) ||
                  (want_ids && !dp_dms_same_strings(want_ids, live_ids));
    cJSON_Delete(g);
    if (change) {
        cJSON *in = cJSON_CreateObject(), *out = NULL;
        cJSON_AddStringToObject(in, "ReplicationSubnetGroupIdentifier", id);
        if (want_desc)
            cJSON_AddStringToObject(in, "ReplicationSubnetGroupDescription", want_desc);
        /* SubnetIds is required by ModifyReplicationSubnetGroup */
        cJSON_AddItemToObject(in, "SubnetIds", cJSON_Duplicate(want_ids ? want_ids : live_ids, 1));
        rc = dp_json_call(r->client, &dp_svc_dms, "ModifyReplicationSubnetGroup", in, &out, &e);
        cJSON_Delete(in);
        cJSON_Delete(out);
    }
    cJSON_Delete(live_ids);
    if (!rc) {
        cJSON *want = dp_dms_want_tags(r);
        rc = dp_dms_sync_tags(r->client, arn, want, &e);
        cJSON_Delete(want);
    }
    if (rc) {
        dp_progress_fail(p, r, "updating", &e);
        return;
    }
    finish(r, p, id, "updating");
}

static void del(const dp_resource_req *r, dp_progress *p)
{
    dp_err e;
    dp_err_clear(&e);
    cJSON *in = cJSON_CreateObject(), *out = NULL;
    cJSON_AddStringToObject(in, "ReplicationSubnetGroupIdentifier", r->physical_id);
    int rc = dp_json_call(r->client, &dp_svc_dms, "DeleteReplicationSubnetGroup", in, &out, &e);
    cJSON_Delete(in);
    cJSON_Delete(out);
    if (rc && !dp_dms_not_found(&e)) {
        dp_progress_fail(p, r, "deleting", &e);
        return;
    }
    dp_progress_success(p, NULL); /* deletion is immediate: nothing to wait for */
}

/* The partition of a region, for building ARNs where no identity is at hand. */
static const char *partition_of(const char *region)
{
    if (region && !strncmp(region, "cn-", 3))
        return "aws-cn";
    if (region && !strncmp(region, "us-gov-", 7))
        return "aws-us-gov";
    return "aws";
}

typedef struct {
    dp_client *c;
    const char *stack, *region, *account;
    dp_list_fn fn;
    void *ctx;
} list_env;

/* Reports the groups of one ListTagsForResource answer that carry this stack's tags (TagList
 * rows carry their ResourceArn: pick the stack tag, then the logical id). */
static int report(list_env *env, const cJSON *out, dp_err *e)
{
    const cJSON *t;
    cJSON_ArrayForEach(t, dp_prop(out, "TagList"))
    {
        const char *k = dp_prop_str(t, "Key"), *v = dp_prop_str(t, "Value"), *arn = dp_prop_str(t, "ResourceArn");
        if (!k || !v || !arn || strcmp(k, DP_TAG_STACK) || strcmp(v, env->stack))
            continue;
        const cJSON *u;
        cJSON_ArrayForEach(u, dp_prop(out, "TagList"))
        {
            const char *uk = dp_prop_str(u, "Key"), *uv = dp_prop_str(u, "Value"), *ua = dp_prop_str(u, "ResourceArn");
            if (uk && uv && ua && !strcmp(ua, arn) && !strcmp(uk, DP_TAG_LOGICAL_ID)) {
                const char *id = strrchr(arn, ':') + 1;
                if (env->fn(env->ctx, TYPE, uv, id, e))
                    return -1;
                break;
            }
        }
    }
    return 0;
}

/* ListTagsForResource for these ARNs; 1 when one of them is gone (deleted since it was listed). */
static int tags_of(list_env *env, const cJSON *arns, cJSON **out, dp_err *e)
{
    cJSON *in = cJSON_CreateObject();
    cJSON_AddItemToObject(in, "ResourceArnList", cJSON_Duplicate(arns, true));
    int rc = dp_json_call(env->c, &dp_svc_dms, "ListTagsForResource", in, out, e);
    cJSON_Delete(in);
    if (rc && dp_dms_not_found(e)) {
        dp_err_clear(e);
        return 1;
    }
    return rc ? -1 : 0;
}

/* One page of groups: all their tags in one ListTagsForResource call (ResourceArnList); when a
 * group was deleted in between (other users of the account), one call per group, skipping it. */
static int on_page(void *ctx, const cJSON *page, dp_err *e)
{
    list_env *env = ctx;
    const cJSON *g;
    cJSON *arns = cJSON_CreateArray(), *out = NULL;
    cJSON_ArrayForEach(g, dp_prop(page, "ReplicationSubnetGroups"))
    {
        const char *id = dp_prop_str(g, "ReplicationSubnetGroupIdentifier");
        char arn[512];
        if (!id)
            continue;
        arn_of(partition_of(env->region), env->region, env->account, id, arn, sizeof arn);
        cJSON_AddItemToArray(arns, cJSON_CreateString(arn));
    }
    int rc = cJSON_GetArraySize(arns) ? tags_of(env, arns, &out, e) : 0;
    if (rc == 0)
        rc = report(env, out, e);
    cJSON_Delete(out);
    const cJSON *one;
    const cJSON *retry = rc == 1 ? arns : NULL;
    cJSON_ArrayForEach(one, retry)
    {
        cJSON *single = cJSON_CreateArray();
        cJSON_AddItemToArray(single, cJSON_Duplicate(one, true));
        out = NULL;
        int r1 = tags_of(env, single, &out, e);
        cJSON_Delete(single);
        if (r1 == 0)
            r1 = report(env, out, e);
        cJSON_Delete(out);
        if (r1 < 0) {
            rc = -1;
            break;
        }
        rc = 0;
    }
    cJSON_Delete(arns);
    return rc ? -1 : 0;
}

static int list(dp_client *c, const char *stack, dp_list_fn fn, void *ctx, dp_err *e)
{
    dp_identity ident = {0};
    if (dp_sts_get_caller_identity(c, &ident, e))
        return -1;
    list_env env = {c, stack, dp_client_region(c), ident.account, fn, ctx};
    int rc = dp_json_paginate(c, &dp_svc_dms, "DescribeReplicationSubnetGroups", NULL, "Marker", on_page, &env, e);
    dp_identity_cleanup(&ident);
    return rc;
}

static int physical_id_for(const cJSON *desired, const dp_resource_req *r, char *id, size_t n)
{
    (void)r;
    const char *given = dp_prop_str(desired, "ReplicationSubnetGroupIdentifier");
    if (!given || !*given)
        return 1;
    snprintf(id, n, "%s", given);
    lower(id);
    return 0;
}

static const char *const applies[] = {"ReplicationSubnetGroupIdentifier", "ReplicationSubnetGroupDescription",
                                      "SubnetIds", "Tags", NULL};

const dp_driver dp_driver_dms_subnet_group = {
    .type = TYPE,
    .create = create,
    .read = read_,
    .update = update,
    .del = del,
    .list = list,
    .physical_id_for = physical_id_for,
    .name_prop = "ReplicationSubnetGroupIdentifier",
    .applies = applies,
    .reads_back = applies,
    .seconds = {.create = 2, .update = 2, .del = 2},
    .caps = DP_CAP_ID_LOWERCASE,
};
