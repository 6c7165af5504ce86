/* db_subnet_group.c - AWS::RDS::DBSubnetGroup: create, read, update, delete and list.
 *
 * RDS stores subnet group names in lower case, so the physical id is the lower-cased name.
 * DBSubnetGroup answers carry no TagList: tags come from ListTagsForResource, and listing
 * walks DescribeDBSubnetGroups (the tagging API does not return rds:subgrp in moto). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drivers/resources/common.h"
#include "drivers/resources/rds/rds_flow.h"
#include "drivers/resources/tagging.h"

#define TYPE "AWS::RDS::DBSubnetGroup"
#define WHAT "DB subnet group"
#define NAME_MAX_LEN 255

static const char *const applies[] = {"DBSubnetGroupName", "DBSubnetGroupDescription", "SubnetIds", "Tags", NULL};

/* Model of a described group with its tags (borrowed). */
static cJSON *model_of(xmlNodePtr g, const cJSON *tags)
{
    cJSON *props = cJSON_CreateObject();
    dp_rds_put_str(props, "DBSubnetGroupName", g, "DBSubnetGroupName");
    dp_rds_put_str(props, "DBSubnetGroupDescription", g, "DBSubnetGroupDescription");
    cJSON_AddItemToObject(props, "SubnetIds", dp_rds_strings(g, "Subnets", "Subnet", "SubnetIdentifier"));
    return dp_rds_model(g, props, tags, "DBSubnetGroupName", NULL);
}

/* DBSubnetGroup answers carry no TagList: ListTagsForResource on its ARN. */
static int group_tags(dp_client *c, xmlNodePtr g, const char *name, cJSON **tags, dp_err *e)
{
    char *arn = dp_xml_text(g, "DBSubnetGroupArn");
    int rc = arn && !dp_rds_list_tags(c, arn, tags, e) ? 0 : -1;
    if (!arn)
        dp_err_set(e, DP_E_PARSE, "DescribeDBSubnetGroups gave no DBSubnetGroupArn for %s", name);
    free(arn);
    return rc;
}

static void create_params(dp_params *q, const dp_resource_req *r)
{
    dp_rds_param(q, "DBSubnetGroupDescription", r->desired, "DBSubnetGroupDescription");
    dp_rds_param_list(q, "SubnetIds", "SubnetIdentifier", dp_prop(r->desired, "SubnetIds"));
}

/* ModifyDBSubnetGroup needs the full subnet list every time. */
static int modify_params(dp_params *q, const dp_resource_req *r)
{
    if (!dp_rds_changed(r->desired, r->previous, "DBSubnetGroupDescription") &&
        !dp_rds_changed(r->desired, r->previous, "SubnetIds"))
        return 0;
    create_params(q, r);
    return 1;
}

/* No waiters: creates and modifies take effect at once (status_field NULL). */
static const dp_rds_kind kind = {
    .type = TYPE, .what = WHAT, .id_prop = "DBSubnetGroupName", .id_max = NAME_MAX_LEN,
    .describe_op = "DescribeDBSubnetGroups", .describe_path = "DBSubnetGroups/DBSubnetGroup",
    .not_found = "DBSubnetGroupNotFoundFault", .status_field = NULL, .arn_field = "DBSubnetGroupArn",
    .create_op = "CreateDBSubnetGroup", .modify_op = "ModifyDBSubnetGroup", .delete_op = "DeleteDBSubnetGroup",
    .busy_code = NULL, .apply_immediately = false, .modify_scalars = NULL,
    .tags = group_tags, .model_of = model_of, .create_params = create_params, .modify_params = modify_params,
    .snapshot_ok = NULL, .has_dependents = NULL, .dependents_hint = NULL};

DP_RDS_FLOW_OPS(kind)

static void sg_delete(const dp_resource_req *r, dp_progress *p)
{
    dp_err e;
    dp_err_clear(&e);
    xmlDocPtr doc = NULL;
    xmlNodePtr g = NULL;
    cJSON *tags = NULL;
    int rc = dp_rds_lookup(&kind, r->client, r->physical_id, &doc, &g, &tags, &e);
    xmlFreeDoc(doc);
    doc = NULL;
    if (rc != DP_FOUND) {
        if (rc == DP_MISSING)
            dp_progress_success(p, NULL); /* gone already */
        else
            dp_progress_fail(p, r, "deleting " WHAT, &e);
        cJSON_Delete(tags);
        return;
    }
    int owned = dp_rds_check_owned(p, r, WHAT, r->physical_id, tags);
    cJSON_Delete(tags);
    if (owned != DP_OWNED)
        return;
    dp_params q;
    dp_params_init(&q, "DeleteDBSubnetGroup", DP_RDS_API_VERSION);
    dp_params_add(&q, "DBSubnetGroupName", r->physical_id);
    dp_rds_call(r->client, "DeleteDBSubnetGroup", &q, NULL, &doc, &e);
    dp_params_cleanup(&q);
    if (doc || dp_rds_is(&e, "DBSubnetGroupNotFoundFault")) {
        xmlFreeDoc(doc);
        /* deletion is synchronous; the next call confirms the group is gone */
        dp_progress_wait(p, r, cJSON_CreateObject(), WHAT " deleting");
        return;
    }
    /* still in use by a cluster or instance that is being deleted: try again for a while */
    if (dp_rds_is(&e, "InvalidDBSubnetGroupStateFault") && dp_poll_count(r) < 40) {
        dp_progress_wait(p, r, cJSON_CreateObject(), WHAT " in use, waiting to delete");
        return;
    }
    dp_progress_fail(p, r, "deleting " WHAT, &e);
}

struct list_ctx {
    dp_client *c;
    const char *stack;
    dp_list_fn fn;
    void *ctx;
};

static int on_page(void *ctx, xmlNodePtr result, dp_err *e)
{
    struct list_ctx *l = ctx;
    for (xmlNodePtr g = dp_xml_child(dp_xml_child(result, "DBSubnetGroups"), "DBSubnetGroup"); g;
         g = dp_xml_next_same(g)) {
        char *arn = dp_xml_text(g, "DBSubnetGroupArn"), *name = dp_xml_text(g, "DBSubnetGroupName");
        cJSON *tags = NULL;
        int rc = 0;
        if (arn && name) {
            rc = dp_rds_list_tags(l->c, arn, &tags, e);
            /* a group deleted between the two calls is simply not listed */
            if (rc && dp_rds_is(e, "DBSubnetGroupNotFoundFault")) {
                rc = 0;
                dp_err_clear(e);
            }
            const char *st = dp_tag_value(tags, DP_TAG_STACK), *lg = dp_tag_value(tags, DP_TAG_LOGICAL_ID);
            if (!rc && st && !strcmp(st, l->stack))
                rc = l->fn(l->ctx, TYPE, lg ? lg : "", name, e);
        }
        cJSON_Delete(tags);
        free(arn);
        free(name);
        if (rc)
            return -1;
    }
    return 0;
}

static int sg_list(dp_client *c, const char *stack, dp_list_fn fn, void *ctx, dp_err *e)
{
    dp_params q;
    dp_params_init(&q, "DescribeDBSubnetGroups", DP_RDS_API_VERSION);
    struct list_ctx l = {c, stack, fn, ctx};
    int rc = dp_query_paginate(c, &dp_svc_rds, "DescribeDBSubnetGroups", &q, on_page, &l, e);
    dp_params_cleanup(&q);
    return rc;
}

const dp_driver dp_driver_rds_subnet_group = {
    .type = TYPE,
    .create = rds_op_create,
    .read = rds_op_read,
    .update = rds_op_update,
    .del = sg_delete,
    .list = sg_list,
    .physical_id_for = rds_op_physical_id_for,
    .name_prop = "DBSubnetGroupName",
    .applies = applies,
    .reads_back = applies,
    .seconds = {.create = 2, .update = 2, .del = 2},
    .caps = DP_CAP_ID_LOWERCASE | DP_CAP_REFUSES_OTHERS,
};
