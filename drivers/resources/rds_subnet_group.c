/* rds_subnet_group.c - AWS::RDS::DBSubnetGroup: create, read, update, delete and list.
 *
 * RDS stores subnet group names in lower case, so the physical id is the lower-cased name.
 * DBSubnetGroup answers carry no TagList: tags come from ListTagsForResource, and listing
 * walks DescribeDBSubnetGroups (the tagging API does not return rds:subgrp in moto). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drivers/resources/common.h"
#include "drivers/resources/rds_common.h"
#include "drivers/resources/tagging.h"

#define TYPE "AWS::RDS::DBSubnetGroup"
#define WHAT "DB subnet group"
#define NAME_MAX_LEN 255

static const char *const supported[] = {"DBSubnetGroupName", "DBSubnetGroupDescription", "SubnetIds", "Tags", NULL};

static int describe(dp_client *c, const char *name, xmlDocPtr *doc, xmlNodePtr *node, dp_err *e)
{
    return dp_rds_describe(c, "DescribeDBSubnetGroups", "DBSubnetGroupName", name, "DBSubnetGroups/DBSubnetGroup",
                           "DBSubnetGroupNotFoundFault", doc, node, e);
}

/* Model of a described group with its tags (borrowed). */
static cJSON *model_of(xmlNodePtr g, const cJSON *tags)
{
    cJSON *props = cJSON_CreateObject();
    dp_rds_put_str(props, "DBSubnetGroupName", g, "DBSubnetGroupName");
    dp_rds_put_str(props, "DBSubnetGroupDescription", g, "DBSubnetGroupDescription");
    cJSON_AddItemToObject(props, "SubnetIds", dp_rds_strings(g, "Subnets", "Subnet", "SubnetIdentifier"));
    cJSON *t = dp_tags_template_form(tags, "Key", "Value");
    if (t)
        cJSON_AddItemToObject(props, "Tags", t);
    char *name = dp_xml_text(g, "DBSubnetGroupName");
    cJSON *m = dp_model_new(name, props);
    free(name);
    return m;
}

/* Describes name and its tags: 1 found, 0 not found, -1 error (e). */
static int lookup(dp_client *c, const char *name, xmlDocPtr *doc, xmlNodePtr *node, cJSON **tags, dp_err *e)
{
    *tags = NULL;
    int rc = describe(c, name, doc, node, e);
    if (rc != 1)
        return rc;
    char *arn = dp_xml_text(*node, "DBSubnetGroupArn");
    rc = arn && !dp_rds_list_tags(c, arn, tags, e) ? 1 : -1;
    if (!arn)
        dp_err_set(e, DP_E_PARSE, "DescribeDBSubnetGroups gave no DBSubnetGroupArn for %s", name);
    free(arn);
    if (rc < 0) {
        xmlFreeDoc(*doc);
        *doc = NULL;
    }
    return rc;
}

static void read_into(const dp_resource_req *r, const char *name, dp_progress *p)
{
    dp_err e;
    dp_err_clear(&e);
    xmlDocPtr doc = NULL;
    xmlNodePtr g = NULL;
    cJSON *tags = NULL;
    int rc = lookup(r->client, name, &doc, &g, &tags, &e);
    if (rc < 0) {
        dp_progress_fail(p, r, "reading " WHAT, &e);
    } else if (rc == 0) {
        dp_progress_failf(p, DP_E_NOT_FOUND, WHAT " %s not found", name);
    } else {
        dp_progress_success(p, model_of(g, tags));
    }
    cJSON_Delete(tags);
    xmlFreeDoc(doc);
}

static void sg_read(const dp_resource_req *r, dp_progress *p) { read_into(r, r->physical_id, p); }

/* After the create call: the group is usable at once, but a read may lag behind. */
static void create_wait(const dp_resource_req *r, dp_progress *p, const char *name)
{
    read_into(r, name, p);
    if (p->status == DP_OP_FAILED && p->err.kind == DP_E_NOT_FOUND && dp_poll_count(r) < 20) {
        dp_err_clear(&p->err);
        cJSON *ctx = cJSON_CreateObject();
        cJSON_AddStringToObject(ctx, "name", name);
        dp_progress_wait(p, r, ctx, WHAT " becoming visible");
    }
}

/* 1 when a same-named group exists and is ours (p holds the model), 0 when there is none,
 * -1 when p failed (error, or owned by someone else). */
static int existing(const dp_resource_req *r, const char *name, dp_progress *p)
{
    dp_err e;
    dp_err_clear(&e);
    xmlDocPtr doc = NULL;
    xmlNodePtr g = NULL;
    cJSON *tags = NULL;
    int rc = lookup(r->client, name, &doc, &g, &tags, &e);
    if (rc < 0)
        dp_progress_fail(p, r, "creating " WHAT, &e);
    else if (rc == 1 && dp_rds_check_owned(p, r, WHAT, name, tags) == DP_OWNED)
        dp_progress_success(p, model_of(g, tags)); /* a retried create: adopt it */
    else if (rc == 1)
        rc = -1;
    cJSON_Delete(tags);
    xmlFreeDoc(doc);
    return rc;
}

static void sg_create(const dp_resource_req *r, dp_progress *p)
{
    const char *ctx_name = dp_prop_str(r->context, "name");
    if (ctx_name) {
        create_wait(r, p, ctx_name);
        return;
    }
    const char *bad = dp_rds_unsupported(r->desired, supported);
    if (bad) {
        dp_progress_failf(p, DP_E_INPUT, TYPE " %s: property %s is not supported by dmsprov", r->logical_id, bad);
        return;
    }
    char name[NAME_MAX_LEN + 1];
    dp_rds_identifier(r->desired, "DBSubnetGroupName", r, NAME_MAX_LEN, name, sizeof name);
    if (existing(r, name, p))
        return;
    dp_params q;
    dp_params_init(&q, "CreateDBSubnetGroup", DP_RDS_API_VERSION);
    dp_params_add(&q, "DBSubnetGroupName", name);
    dp_rds_param(&q, "DBSubnetGroupDescription", r->desired, "DBSubnetGroupDescription");
    dp_rds_param_list(&q, "SubnetIds", "SubnetIdentifier", dp_prop(r->desired, "SubnetIds"));
    cJSON *tags = dp_tags_with_ownership(dp_prop(r->desired, "Tags"), r->stack, r->logical_id);
    dp_rds_param_tags(&q, "Tags", tags);
    cJSON_Delete(tags);
    dp_err e;
    dp_err_clear(&e);
    xmlDocPtr doc = NULL;
    dp_rds_call(r->client, "CreateDBSubnetGroup", &q, NULL, &doc, &e);
    dp_params_cleanup(&q);
    if (!doc) {
        /* the create went through, its answer was lost and the retry collided (on AWS
         * AlreadyExists; moto may answer otherwise): a same-named resource with our tags is adopted */
        if (existing(r, name, p))
            return;
        dp_progress_fail(p, r, "creating " WHAT, &e);
        return;
    }
    xmlFreeDoc(doc);
    create_wait(r, p, name);
}

static void sg_update(const dp_resource_req *r, dp_progress *p)
{
    const char *bad = dp_rds_unsupported(r->desired, supported);
    if (bad) {
        dp_progress_failf(p, DP_E_INPUT, TYPE " %s: property %s is not supported by dmsprov", r->logical_id, bad);
        return;
    }
    dp_err e;
    dp_err_clear(&e);
    xmlDocPtr doc = NULL;
    xmlNodePtr g = NULL;
    cJSON *live_tags = NULL;
    int rc = lookup(r->client, r->physical_id, &doc, &g, &live_tags, &e);
    if (rc <= 0) {
        if (rc == 0)
            dp_progress_failf(p, DP_E_NOT_FOUND, WHAT " %s not found", r->physical_id);
        else
            dp_progress_fail(p, r, "updating " WHAT, &e);
        xmlFreeDoc(doc);
        return;
    }
    char *arn = dp_xml_text(g, "DBSubnetGroupArn");
    xmlFreeDoc(doc);
    doc = NULL;
    if (dp_rds_check_owned(p, r, WHAT, r->physical_id, live_tags) != DP_OWNED)
        goto done;
    if (dp_rds_changed(r->desired, r->previous, "DBSubnetGroupDescription") ||
        dp_rds_changed(r->desired, r->previous, "SubnetIds")) {
        /* ModifyDBSubnetGroup needs the full subnet list every time */
        dp_params q;
        dp_params_init(&q, "ModifyDBSubnetGroup", DP_RDS_API_VERSION);
        dp_params_add(&q, "DBSubnetGroupName", r->physical_id);
        dp_rds_param(&q, "DBSubnetGroupDescription", r->desired, "DBSubnetGroupDescription");
        dp_rds_param_list(&q, "SubnetIds", "SubnetIdentifier", dp_prop(r->desired, "SubnetIds"));
        dp_rds_call(r->client, "ModifyDBSubnetGroup", &q, NULL, &doc, &e);
        dp_params_cleanup(&q);
        if (!doc) {
            dp_progress_fail(p, r, "updating " WHAT, &e);
            goto done;
        }
        xmlFreeDoc(doc);
    }
    cJSON *want = dp_tags_with_ownership(dp_prop(r->desired, "Tags"), r->stack, r->logical_id);
    rc = dp_rds_sync_tags(r->client, arn, want, live_tags, &e);
    cJSON_Delete(want);
    if (rc)
        dp_progress_fail(p, r, "tagging " WHAT, &e);
    else
        read_into(r, r->physical_id, p);
done:
    free(arn);
    cJSON_Delete(live_tags);
}

static void sg_delete(const dp_resource_req *r, dp_progress *p)
{
    dp_err e;
    dp_err_clear(&e);
    xmlDocPtr doc = NULL;
    xmlNodePtr g = NULL;
    cJSON *tags = NULL;
    int rc = lookup(r->client, r->physical_id, &doc, &g, &tags, &e);
    xmlFreeDoc(doc);
    doc = NULL;
    if (rc <= 0) {
        if (rc == 0)
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

static int sg_physical_id_for(const cJSON *desired, const dp_resource_req *r, char *id, size_t n)
{
    return dp_rds_identifier(desired, "DBSubnetGroupName", r, NAME_MAX_LEN, id, n);
}

const dp_driver dp_driver_rds_subnet_group = {TYPE, sg_create, sg_read, sg_update, sg_delete, sg_list, sg_physical_id_for};
