/* rds_instance.c - AWS::RDS::DBInstance as an Aurora cluster member: create, read, update,
 * delete, list.
 *
 * Waits follow botocore's DBInstanceAvailable / DBInstanceDeleted waiters. RDS has no client
 * tokens: a retried create adopts a same-named instance whose ownership tags are ours. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "drivers/resources/common.h"
#include "drivers/resources/rds_common.h"
#include "drivers/resources/tagging.h"

#define TYPE "AWS::RDS::DBInstance"
#define WHAT "DB instance"
#define ID_MAX 63

static const char *const supported[] = {
    "DBInstanceIdentifier", "DBClusterIdentifier", "DBInstanceClass", "Engine", "PubliclyAccessible",
    "DBSubnetGroupName", "AvailabilityZone", "DBParameterGroupName", "PromotionTier", "AutoMinorVersionUpgrade",
    "PreferredMaintenanceWindow", "CACertificateIdentifier", "Tags", NULL};

static const char *const create_scalars[] = {
    "DBClusterIdentifier", "DBInstanceClass", "Engine", "PubliclyAccessible", "DBSubnetGroupName",
    "AvailabilityZone", "DBParameterGroupName", "PromotionTier", "AutoMinorVersionUpgrade",
    "PreferredMaintenanceWindow", "CACertificateIdentifier", NULL};
static const char *const modify_scalars[] = {
    "DBInstanceClass", "PubliclyAccessible", "DBParameterGroupName", "PromotionTier", "AutoMinorVersionUpgrade",
    "PreferredMaintenanceWindow", "CACertificateIdentifier", NULL};

static int describe(dp_client *c, const char *id, xmlDocPtr *doc, xmlNodePtr *node, dp_err *e)
{
    return dp_rds_describe(c, "DescribeDBInstances", "DBInstanceIdentifier", id, "DBInstances/DBInstance",
                           "DBInstanceNotFound", doc, node, e);
}

static cJSON *model_of(xmlNodePtr in)
{
    cJSON *props = cJSON_CreateObject();
    dp_rds_put_str(props, "DBInstanceIdentifier", in, "DBInstanceIdentifier");
    dp_rds_put_str(props, "DBClusterIdentifier", in, "DBClusterIdentifier");
    dp_rds_put_str(props, "DBInstanceClass", in, "DBInstanceClass");
    dp_rds_put_str(props, "Engine", in, "Engine");
    dp_rds_put_bool(props, "PubliclyAccessible", in, "PubliclyAccessible");
    dp_rds_put_str(props, "DBSubnetGroupName", in, "DBSubnetGroup/DBSubnetGroupName");
    dp_rds_put_str(props, "AvailabilityZone", in, "AvailabilityZone");
    dp_rds_put_str(props, "DBParameterGroupName", in, "DBParameterGroups/DBParameterGroup/DBParameterGroupName");
    dp_rds_put_int(props, "PromotionTier", in, "PromotionTier");
    dp_rds_put_bool(props, "AutoMinorVersionUpgrade", in, "AutoMinorVersionUpgrade");
    dp_rds_put_str(props, "PreferredMaintenanceWindow", in, "PreferredMaintenanceWindow");
    dp_rds_put_str(props, "CACertificateIdentifier", in, "CACertificateIdentifier");
    cJSON *live = dp_rds_xml_tags(dp_xml_child(in, "TagList"));
    cJSON *tags = dp_tags_template_form(live, "Key", "Value");
    cJSON_Delete(live);
    if (tags)
        cJSON_AddItemToObject(props, "Tags", tags);

    char *id = dp_xml_text(in, "DBInstanceIdentifier");
    cJSON *m = dp_model_new(id, props);
    free(id);
    static const char *const attrs[][2] = {{"Endpoint.Address", "Endpoint/Address"},
                                           {"Endpoint.Port", "Endpoint/Port"},
                                           {"DbiResourceId", "DbiResourceId"},
                                           {"DBInstanceArn", "DBInstanceArn"}};
    for (size_t i = 0; i < sizeof attrs / sizeof attrs[0]; i++) {
        char *v = dp_xml_text(in, attrs[i][1]);
        dp_model_attr(m, attrs[i][0], v);
        free(v);
    }
    return m;
}

static cJSON *live_tags(xmlNodePtr in) { return dp_rds_xml_tags(dp_xml_child(in, "TagList")); }

static cJSON *ctx_new(const char *phase, const char *id)
{
    cJSON *c = cJSON_CreateObject();
    cJSON_AddStringToObject(c, "phase", phase);
    cJSON_AddStringToObject(c, "id", id);
    return c;
}

static void in_read(const dp_resource_req *r, dp_progress *p)
{
    dp_err e;
    dp_err_clear(&e);
    xmlDocPtr doc = NULL;
    xmlNodePtr in = NULL;
    int rc = describe(r->client, r->physical_id, &doc, &in, &e);
    if (rc < 0)
        dp_progress_fail(p, r, "reading " WHAT, &e);
    else if (rc == 0)
        dp_progress_failf(p, DP_E_NOT_FOUND, WHAT " %s not found", r->physical_id);
    else
        dp_progress_success(p, model_of(in));
    xmlFreeDoc(doc);
}

/* One poll of DBInstanceAvailable; after an update also until nothing is pending. */
static void wait_available(const dp_resource_req *r, dp_progress *p, const char *id, const char *phase)
{
    bool updating = !strcmp(phase, "update-wait");
    const char *verb = updating ? "updating " WHAT : "creating " WHAT;
    dp_err e;
    dp_err_clear(&e);
    xmlDocPtr doc = NULL;
    xmlNodePtr in = NULL;
    int rc = describe(r->client, id, &doc, &in, &e);
    if (rc < 0) {
        dp_progress_fail(p, r, verb, &e);
    } else if (rc == 0) {
        if (dp_poll_count(r) < 5) /* right after the create a describe may not see it yet */
            dp_progress_wait(p, r, ctx_new(phase, id), WHAT " not visible yet");
        else
            dp_progress_failf(p, DP_E_NOT_FOUND, "%s %s: %s %s disappeared", verb, r->logical_id, WHAT, id);
    } else {
        char *status = dp_xml_text(in, "DBInstanceStatus");
        dp_rds_wait st = dp_rds_available_state(status);
        bool pending = updating && dp_rds_has_children(dp_xml_child(in, "PendingModifiedValues"));
        if (st == DP_RDS_READY && !pending) {
            dp_progress_success(p, model_of(in));
        } else if (st == DP_RDS_FAILED) {
            dp_progress_failf(p, DP_E_AWS, "%s %s: %s %s is %s (waited for available)", verb, r->logical_id, WHAT,
                              id, status ? status : "?");
        } else {
            char text[96];
            snprintf(text, sizeof text, WHAT " %s%s", status ? status : "?", pending ? ", changes pending" : "");
            dp_progress_wait(p, r, ctx_new(phase, id), text);
        }
        free(status);
    }
    xmlFreeDoc(doc);
}

/* 1 when an instance named id exists and is ours (p waits for it), 0 when there is none, -1
 * when p failed (error, or owned by someone else). */
static int existing(const dp_resource_req *r, const char *id, dp_progress *p)
{
    dp_err e;
    dp_err_clear(&e);
    xmlDocPtr doc = NULL;
    xmlNodePtr in = NULL;
    int rc = describe(r->client, id, &doc, &in, &e);
    if (rc < 0) {
        dp_progress_fail(p, r, "creating " WHAT, &e);
    } else if (rc == 1) {
        cJSON *tags = live_tags(in);
        if (dp_rds_check_owned(p, r, WHAT, id, tags) == DP_OWNED)
            wait_available(r, p, id, "create-wait"); /* a retried create: adopt it */
        else
            rc = -1;
        cJSON_Delete(tags);
    }
    xmlFreeDoc(doc);
    return rc;
}

static void in_create(const dp_resource_req *r, dp_progress *p)
{
    const char *cid = dp_prop_str(r->context, "id");
    if (cid) {
        wait_available(r, p, cid, "create-wait");
        return;
    }
    const char *bad = dp_rds_unsupported(r->desired, supported);
    if (bad) {
        dp_progress_failf(p, DP_E_INPUT, TYPE " %s: property %s is not supported by dmsprov", r->logical_id, bad);
        return;
    }
    char id[ID_MAX + 1];
    dp_rds_identifier(r->desired, "DBInstanceIdentifier", r, ID_MAX, id, sizeof id);
    if (existing(r, id, p))
        return;
    dp_params q;
    dp_params_init(&q, "CreateDBInstance", DP_RDS_API_VERSION);
    dp_params_add(&q, "DBInstanceIdentifier", id);
    for (size_t i = 0; create_scalars[i]; i++)
        dp_rds_param(&q, create_scalars[i], r->desired, create_scalars[i]);
    cJSON *tags = dp_tags_with_ownership(dp_prop(r->desired, "Tags"), r->stack, r->logical_id);
    dp_rds_param_tags(&q, "Tags", tags);
    cJSON_Delete(tags);
    dp_err e;
    dp_err_clear(&e);
    xmlDocPtr doc = NULL;
    dp_rds_call(r->client, "CreateDBInstance", &q, NULL, &doc, &e);
    dp_params_cleanup(&q);
    if (!doc) {
        /* the create went through, its answer was lost and the retry collided (on AWS
         * AlreadyExists; moto may answer otherwise): a same-named resource with our tags is adopted */
        if (existing(r, id, p))
            return;
        dp_progress_fail(p, r, "creating " WHAT, &e);
        return;
    }
    xmlFreeDoc(doc);
    dp_progress_wait(p, r, ctx_new("create-wait", id), WHAT " creating");
}

static void in_update(const dp_resource_req *r, dp_progress *p)
{
    const char *phase = dp_prop_str(r->context, "phase");
    if (phase && !strcmp(phase, "update-wait")) {
        wait_available(r, p, r->physical_id, "update-wait");
        return;
    }
    const char *bad = dp_rds_unsupported(r->desired, supported);
    if (bad) {
        dp_progress_failf(p, DP_E_INPUT, TYPE " %s: property %s is not supported by dmsprov", r->logical_id, bad);
        return;
    }
    dp_err e;
    dp_err_clear(&e);
    xmlDocPtr doc = NULL;
    xmlNodePtr in = NULL;
    int rc = describe(r->client, r->physical_id, &doc, &in, &e);
    if (rc <= 0) {
        if (rc == 0)
            dp_progress_failf(p, DP_E_NOT_FOUND, WHAT " %s not found", r->physical_id);
        else
            dp_progress_fail(p, r, "updating " WHAT, &e);
        return;
    }
    cJSON *tags = live_tags(in);
    char *arn = dp_xml_text(in, "DBInstanceArn");
    xmlFreeDoc(doc);
    doc = NULL;
    if (dp_rds_check_owned(p, r, WHAT, r->physical_id, tags) != DP_OWNED)
        goto done;
    dp_params q;
    dp_params_init(&q, "ModifyDBInstance", DP_RDS_API_VERSION);
    dp_params_add(&q, "DBInstanceIdentifier", r->physical_id);
    dp_params_add(&q, "ApplyImmediately", "true");
    int changes = 0;
    for (size_t i = 0; modify_scalars[i]; i++)
        if (dp_rds_changed(r->desired, r->previous, modify_scalars[i])) {
            dp_rds_param(&q, modify_scalars[i], r->desired, modify_scalars[i]);
            changes++;
        }
    if (changes) {
        dp_rds_call(r->client, "ModifyDBInstance", &q, NULL, &doc, &e);
        dp_params_cleanup(&q);
        if (!doc) {
            if (dp_rds_is(&e, "InvalidDBInstanceState") && dp_poll_count(r) < 60)
                dp_progress_wait(p, r, ctx_new("update", r->physical_id), WHAT " busy, waiting to modify");
            else
                dp_progress_fail(p, r, "updating " WHAT, &e);
            goto done;
        }
        xmlFreeDoc(doc);
    } else {
        dp_params_cleanup(&q);
    }
    cJSON *want = dp_tags_with_ownership(dp_prop(r->desired, "Tags"), r->stack, r->logical_id);
    rc = arn ? dp_rds_sync_tags(r->client, arn, want, tags, &e) : 0;
    cJSON_Delete(want);
    if (rc)
        dp_progress_fail(p, r, "tagging " WHAT, &e);
    else
        dp_progress_wait(p, r, ctx_new("update-wait", r->physical_id), WHAT " modifying");
done:
    free(arn);
    cJSON_Delete(tags);
}

/* One poll of DBInstanceDeleted. */
static void wait_deleted(const dp_resource_req *r, dp_progress *p)
{
    dp_err e;
    dp_err_clear(&e);
    xmlDocPtr doc = NULL;
    xmlNodePtr in = NULL;
    int rc = describe(r->client, r->physical_id, &doc, &in, &e);
    if (rc < 0) {
        dp_progress_fail(p, r, "deleting " WHAT, &e);
    } else if (rc == 0) {
        dp_progress_success(p, NULL);
    } else {
        char *status = dp_xml_text(in, "DBInstanceStatus");
        if (dp_rds_deleted_state(status) == DP_RDS_FAILED) {
            dp_progress_failf(p, DP_E_AWS, "deleting " WHAT " %s: %s %s is %s (waited for it to be deleted)",
                              r->logical_id, WHAT, r->physical_id, status ? status : "?");
        } else {
            char text[96];
            snprintf(text, sizeof text, WHAT " %s", status ? status : "?");
            dp_progress_wait(p, r, ctx_new("gone", r->physical_id), text);
        }
        free(status);
    }
    xmlFreeDoc(doc);
}

static void in_delete(const dp_resource_req *r, dp_progress *p)
{
    const char *phase = dp_prop_str(r->context, "phase");
    if (phase && !strcmp(phase, "gone")) {
        wait_deleted(r, p);
        return;
    }
    dp_err e;
    dp_err_clear(&e);
    xmlDocPtr doc = NULL;
    xmlNodePtr in = NULL;
    int rc = describe(r->client, r->physical_id, &doc, &in, &e);
    if (rc <= 0) {
        if (rc == 0)
            dp_progress_success(p, NULL); /* gone already */
        else
            dp_progress_fail(p, r, "deleting " WHAT, &e);
        return;
    }
    cJSON *tags = live_tags(in);
    char *status = dp_xml_text(in, "DBInstanceStatus"), *protect = dp_xml_text(in, "DeletionProtection");
    char *cluster = dp_xml_text(in, "DBClusterIdentifier");
    xmlFreeDoc(doc);
    doc = NULL;
    if (dp_rds_check_owned(p, r, WHAT, r->physical_id, tags) != DP_OWNED)
        goto done;
    if (status && !strcmp(status, "deleting")) {
        dp_progress_wait(p, r, ctx_new("gone", r->physical_id), WHAT " deleting");
        goto done;
    }
    if (protect && !strcmp(protect, "true")) {
        dp_progress_failf(p, DP_E_CONFLICT,
                          "deleting " WHAT " %s: %s has DeletionProtection enabled; set DeletionProtection: "
                          "false in the template and update the stack first",
                          r->logical_id, r->physical_id);
        goto done;
    }
    dp_params q;
    dp_params_init(&q, "DeleteDBInstance", DP_RDS_API_VERSION);
    dp_params_add(&q, "DBInstanceIdentifier", r->physical_id);
    /* a cluster member has no snapshot of its own (the cluster's DeletionPolicy covers the
     * data); a stand-alone instance gets one when the policy says Snapshot */
    char snap[128] = "";
    if (!(cluster && *cluster) && r->deletion_policy && !strcmp(r->deletion_policy, "Snapshot")) {
        const char *kept = dp_prop_str(r->context, "snapshot");
        if (kept) {
            snprintf(snap, sizeof snap, "%s", kept);
        } else {
            time_t now = time(NULL);
            struct tm tm;
            char ts[32];
            gmtime_r(&now, &tm);
            strftime(ts, sizeof ts, "%Y%m%d%H%M%S", &tm);
            snprintf(snap, sizeof snap, "%s-final-%s", r->physical_id, ts);
        }
        dp_params_add(&q, "FinalDBSnapshotIdentifier", snap);
    } else {
        dp_params_add(&q, "SkipFinalSnapshot", "true");
    }
    dp_rds_call(r->client, "DeleteDBInstance", &q, NULL, &doc, &e);
    dp_params_cleanup(&q);
    if (doc) {
        xmlFreeDoc(doc);
        dp_progress_wait(p, r, ctx_new("gone", r->physical_id), WHAT " deleting");
    } else if (dp_rds_is(&e, "DBInstanceNotFound")) {
        dp_progress_success(p, NULL);
    } else if (dp_rds_is(&e, "InvalidDBInstanceState") && dp_poll_count(r) < 60) {
        cJSON *ctx = ctx_new("delete", r->physical_id);
        if (*snap)
            cJSON_AddStringToObject(ctx, "snapshot", snap);
        dp_progress_wait(p, r, ctx, WHAT " busy, waiting to delete");
    } else {
        dp_progress_fail(p, r, "deleting " WHAT, &e);
    }
done:
    free(status);
    free(protect);
    free(cluster);
    cJSON_Delete(tags);
}

struct list_ctx {
    dp_list_fn fn;
    void *ctx;
};

static int on_tagged(void *ctx, const char *arn, const cJSON *tags, dp_err *e)
{
    struct list_ctx *l = ctx;
    const char *name = strstr(arn, ":db:");
    const char *lg = dp_tag_value(tags, DP_TAG_LOGICAL_ID);
    if (!name)
        return 0;
    return l->fn(l->ctx, TYPE, lg ? lg : "", name + strlen(":db:"), e);
}

static int in_list(dp_client *c, const char *stack, dp_list_fn fn, void *ctx, dp_err *e)
{
    struct list_ctx l = {fn, ctx};
    return dp_tagging_find(c, stack, "rds:db", on_tagged, &l, e);
}

static int in_physical_id_for(const cJSON *desired, const dp_resource_req *r, char *id, size_t n)
{
    return dp_rds_identifier(desired, "DBInstanceIdentifier", r, ID_MAX, id, n);
}

const dp_driver dp_driver_rds_instance = {TYPE, in_create, in_read, in_update, in_delete, in_list, in_physical_id_for};
