/* rds_cluster.c - AWS::RDS::DBCluster (Aurora PostgreSQL): create, read, update, delete, list.
 *
 * Waits follow botocore's DBClusterAvailable / DBClusterDeleted waiters. RDS has no client
 * tokens: a retried create adopts a same-named cluster whose ownership tags are ours. The
 * master password is write-only: sent on create and when the engine says its hash changed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "drivers/resources/common.h"
#include "drivers/resources/rds_common.h"
#include "drivers/resources/tagging.h"

#define TYPE "AWS::RDS::DBCluster"
#define WHAT "DB cluster"
#define ID_MAX 63

static const char *const supported[] = {
    "DBClusterIdentifier", "Engine", "EngineVersion", "EngineMode", "MasterUsername", "MasterUserPassword",
    "DatabaseName", "Port", "DBSubnetGroupName", "VpcSecurityGroupIds", "StorageEncrypted", "KmsKeyId",
    "BackupRetentionPeriod", "PreferredBackupWindow", "PreferredMaintenanceWindow", "DeletionProtection",
    "CopyTagsToSnapshot", "DBClusterParameterGroupName", "EnableIAMDatabaseAuthentication",
    "EnableCloudwatchLogsExports", "ServerlessV2ScalingConfiguration", "Tags", NULL};

/* Scalar properties sent as they are on create; the updatable ones also on modify. */
static const char *const create_scalars[] = {
    "Engine", "EngineVersion", "EngineMode", "MasterUsername", "MasterUserPassword", "DatabaseName", "Port",
    "DBSubnetGroupName", "StorageEncrypted", "KmsKeyId", "BackupRetentionPeriod", "PreferredBackupWindow",
    "PreferredMaintenanceWindow", "DeletionProtection", "CopyTagsToSnapshot", "DBClusterParameterGroupName",
    "EnableIAMDatabaseAuthentication", NULL};
static const char *const modify_scalars[] = {
    "Port", "BackupRetentionPeriod", "PreferredBackupWindow", "PreferredMaintenanceWindow", "DeletionProtection",
    "CopyTagsToSnapshot", "DBClusterParameterGroupName", "EnableIAMDatabaseAuthentication", NULL};

static int describe(dp_client *c, const char *id, xmlDocPtr *doc, xmlNodePtr *node, dp_err *e)
{
    return dp_rds_describe(c, "DescribeDBClusters", "DBClusterIdentifier", id, "DBClusters/DBCluster",
                           "DBClusterNotFoundFault", doc, node, e);
}

static cJSON *model_of(xmlNodePtr cl)
{
    cJSON *props = cJSON_CreateObject();
    dp_rds_put_str(props, "DBClusterIdentifier", cl, "DBClusterIdentifier");
    dp_rds_put_str(props, "Engine", cl, "Engine");
    dp_rds_put_str(props, "EngineVersion", cl, "EngineVersion");
    dp_rds_put_str(props, "EngineMode", cl, "EngineMode");
    dp_rds_put_str(props, "MasterUsername", cl, "MasterUsername");
    dp_rds_put_str(props, "DatabaseName", cl, "DatabaseName");
    dp_rds_put_int(props, "Port", cl, "Port");
    dp_rds_put_str(props, "DBSubnetGroupName", cl, "DBSubnetGroup");
    cJSON *sgs = dp_rds_strings(cl, "VpcSecurityGroups", "VpcSecurityGroupMembership", "VpcSecurityGroupId");
    if (cJSON_GetArraySize(sgs))
        cJSON_AddItemToObject(props, "VpcSecurityGroupIds", sgs);
    else
        cJSON_Delete(sgs);
    dp_rds_put_bool(props, "StorageEncrypted", cl, "StorageEncrypted");
    if (cJSON_IsTrue(dp_prop(props, "StorageEncrypted")))
        dp_rds_put_str(props, "KmsKeyId", cl, "KmsKeyId");
    dp_rds_put_int(props, "BackupRetentionPeriod", cl, "BackupRetentionPeriod");
    dp_rds_put_str(props, "PreferredBackupWindow", cl, "PreferredBackupWindow");
    dp_rds_put_str(props, "PreferredMaintenanceWindow", cl, "PreferredMaintenanceWindow");
    dp_rds_put_bool(props, "DeletionProtection", cl, "DeletionProtection");
    dp_rds_put_bool(props, "CopyTagsToSnapshot", cl, "CopyTagsToSnapshot");
    dp_rds_put_str(props, "DBClusterParameterGroupName", cl, "DBClusterParameterGroup");
    dp_rds_put_bool(props, "EnableIAMDatabaseAuthentication", cl, "IAMDatabaseAuthenticationEnabled");
    cJSON *logs = dp_rds_strings(cl, "EnabledCloudwatchLogsExports", "member", "");
    if (cJSON_GetArraySize(logs))
        cJSON_AddItemToObject(props, "EnableCloudwatchLogsExports", logs);
    else
        cJSON_Delete(logs);
    xmlNodePtr sv2 = dp_xml_child(cl, "ServerlessV2ScalingConfiguration");
    if (dp_rds_has_children(sv2)) {
        cJSON *o = cJSON_CreateObject();
        dp_rds_put_num(o, "MinCapacity", sv2, "MinCapacity");
        dp_rds_put_num(o, "MaxCapacity", sv2, "MaxCapacity");
        cJSON_AddItemToObject(props, "ServerlessV2ScalingConfiguration", o);
    }
    cJSON *live = dp_rds_xml_tags(dp_xml_child(cl, "TagList"));
    cJSON *tags = dp_tags_template_form(live, "Key", "Value");
    cJSON_Delete(live);
    if (tags)
        cJSON_AddItemToObject(props, "Tags", tags);

    char *id = dp_xml_text(cl, "DBClusterIdentifier");
    cJSON *m = dp_model_new(id, props);
    free(id);
    static const char *const attrs[][2] = {{"Endpoint.Address", "Endpoint"}, {"Endpoint.Port", "Port"},
                                           {"ReadEndpoint.Address", "ReaderEndpoint"},
                                           {"DBClusterResourceId", "DbClusterResourceId"},
                                           {"DBClusterArn", "DBClusterArn"}};
    for (size_t i = 0; i < sizeof attrs / sizeof attrs[0]; i++) {
        char *v = dp_xml_text(cl, attrs[i][1]);
        dp_model_attr(m, attrs[i][0], v);
        free(v);
    }
    return m;
}

static cJSON *live_tags(xmlNodePtr cl) { return dp_rds_xml_tags(dp_xml_child(cl, "TagList")); }

static void cl_read(const dp_resource_req *r, dp_progress *p)
{
    dp_err e;
    dp_err_clear(&e);
    xmlDocPtr doc = NULL;
    xmlNodePtr cl = NULL;
    int rc = describe(r->client, r->physical_id, &doc, &cl, &e);
    if (rc < 0)
        dp_progress_fail(p, r, "reading " WHAT, &e);
    else if (rc == 0)
        dp_progress_failf(p, DP_E_NOT_FOUND, WHAT " %s not found", r->physical_id);
    else
        dp_progress_success(p, model_of(cl));
    xmlFreeDoc(doc);
}

static cJSON *ctx_new(const char *phase, const char *id)
{
    cJSON *c = cJSON_CreateObject();
    cJSON_AddStringToObject(c, "phase", phase);
    cJSON_AddStringToObject(c, "id", id);
    return c;
}

/* One poll of DBClusterAvailable; after an update also until nothing is pending. */
static void wait_available(const dp_resource_req *r, dp_progress *p, const char *id, const char *phase)
{
    bool updating = !strcmp(phase, "update-wait");
    const char *verb = updating ? "updating " WHAT : "creating " WHAT;
    dp_err e;
    dp_err_clear(&e);
    xmlDocPtr doc = NULL;
    xmlNodePtr cl = NULL;
    int rc = describe(r->client, id, &doc, &cl, &e);
    if (rc < 0) {
        dp_progress_fail(p, r, verb, &e);
    } else if (rc == 0) {
        /* right after CreateDBCluster a describe may not see it yet */
        if (dp_poll_count(r) < 5)
            dp_progress_wait(p, r, ctx_new(phase, id), WHAT " not visible yet");
        else
            dp_progress_failf(p, DP_E_NOT_FOUND, "%s %s: %s %s disappeared", verb, r->logical_id, WHAT, id);
    } else {
        char *status = dp_xml_text(cl, "Status");
        dp_rds_wait st = dp_rds_available_state(status);
        bool pending = updating && dp_rds_has_children(dp_xml_child(cl, "PendingModifiedValues"));
        if (st == DP_RDS_READY && !pending) {
            dp_progress_success(p, model_of(cl));
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

/* 1 when a cluster named id exists and is ours (p waits for it), 0 when there is none, -1 when
 * p failed (error, or owned by someone else). */
static int existing(const dp_resource_req *r, const char *id, dp_progress *p)
{
    dp_err e;
    dp_err_clear(&e);
    xmlDocPtr doc = NULL;
    xmlNodePtr cl = NULL;
    int rc = describe(r->client, id, &doc, &cl, &e);
    if (rc < 0) {
        dp_progress_fail(p, r, "creating " WHAT, &e);
    } else if (rc == 1) {
        cJSON *tags = live_tags(cl);
        if (dp_rds_check_owned(p, r, WHAT, id, tags) == DP_OWNED)
            wait_available(r, p, id, "create-wait"); /* a retried create: adopt it */
        else
            rc = -1;
        cJSON_Delete(tags);
    }
    xmlFreeDoc(doc);
    return rc;
}

static void cl_create(const dp_resource_req *r, dp_progress *p)
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
    dp_rds_identifier(r->desired, "DBClusterIdentifier", r, ID_MAX, id, sizeof id);
    if (existing(r, id, p))
        return;
    dp_params q;
    dp_params_init(&q, "CreateDBCluster", DP_RDS_API_VERSION);
    dp_params_add(&q, "DBClusterIdentifier", id);
    for (size_t i = 0; create_scalars[i]; i++)
        dp_rds_param(&q, create_scalars[i], r->desired, create_scalars[i]);
    dp_rds_param_list(&q, "VpcSecurityGroupIds", "VpcSecurityGroupId", dp_prop(r->desired, "VpcSecurityGroupIds"));
    dp_rds_param_list(&q, "EnableCloudwatchLogsExports", "member", dp_prop(r->desired, "EnableCloudwatchLogsExports"));
    const cJSON *sv2 = dp_prop(r->desired, "ServerlessV2ScalingConfiguration");
    dp_rds_param(&q, "ServerlessV2ScalingConfiguration.MinCapacity", sv2, "MinCapacity");
    dp_rds_param(&q, "ServerlessV2ScalingConfiguration.MaxCapacity", sv2, "MaxCapacity");
    cJSON *tags = dp_tags_with_ownership(dp_prop(r->desired, "Tags"), r->stack, r->logical_id);
    dp_rds_param_tags(&q, "Tags", tags);
    cJSON_Delete(tags);
    dp_err e;
    dp_err_clear(&e);
    xmlDocPtr doc = NULL;
    dp_rds_call(r->client, "CreateDBCluster", &q, NULL, &doc, &e);
    dp_params_cleanup(&q); /* held the password: free it now */
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

/* The major version ("15" of "15.4"), to allow a major upgrade when the template asks. */
static bool major_changes(const char *from, const char *to)
{
    if (!from || !to)
        return false;
    size_t a = strcspn(from, "."), b = strcspn(to, ".");
    return a != b || strncmp(from, to, a) != 0;
}

/* Adds the changed log types; returns how many parameters it added. */
static int log_changes(dp_params *q, const cJSON *want, const cJSON *have)
{
    int on = 0, off = 0;
    const cJSON *v;
    if (!want)
        return 0;
    cJSON_ArrayForEach(v, want)
    {
        bool found = false;
        const cJSON *h;
        cJSON_ArrayForEach(h, have) found |= cJSON_IsString(h) && cJSON_IsString(v) && !strcmp(h->valuestring, v->valuestring);
        if (!found && cJSON_IsString(v))
            dp_params_addf(q, v->valuestring, "CloudwatchLogsExportConfiguration.EnableLogTypes.member.%d", ++on);
    }
    cJSON_ArrayForEach(v, have)
    {
        bool found = false;
        const cJSON *w;
        cJSON_ArrayForEach(w, want) found |= cJSON_IsString(w) && cJSON_IsString(v) && !strcmp(w->valuestring, v->valuestring);
        if (!found && cJSON_IsString(v))
            dp_params_addf(q, v->valuestring, "CloudwatchLogsExportConfiguration.DisableLogTypes.member.%d", ++off);
    }
    return on + off;
}

static void cl_update(const dp_resource_req *r, dp_progress *p)
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
    xmlNodePtr cl = NULL;
    int rc = describe(r->client, r->physical_id, &doc, &cl, &e);
    if (rc <= 0) {
        if (rc == 0)
            dp_progress_failf(p, DP_E_NOT_FOUND, WHAT " %s not found", r->physical_id);
        else
            dp_progress_fail(p, r, "updating " WHAT, &e);
        return;
    }
    cJSON *tags = live_tags(cl);
    char *arn = dp_xml_text(cl, "DBClusterArn");
    xmlFreeDoc(doc);
    doc = NULL;
    if (dp_rds_check_owned(p, r, WHAT, r->physical_id, tags) != DP_OWNED)
        goto done;

    dp_params q;
    dp_params_init(&q, "ModifyDBCluster", DP_RDS_API_VERSION);
    dp_params_add(&q, "DBClusterIdentifier", r->physical_id);
    dp_params_add(&q, "ApplyImmediately", "true");
    int changes = 0;
    for (size_t i = 0; modify_scalars[i]; i++)
        if (dp_rds_changed(r->desired, r->previous, modify_scalars[i])) {
            dp_rds_param(&q, modify_scalars[i], r->desired, modify_scalars[i]);
            changes++;
        }
    if (dp_rds_changed(r->desired, r->previous, "EngineVersion")) {
        dp_rds_param(&q, "EngineVersion", r->desired, "EngineVersion");
        if (major_changes(dp_prop_str(r->previous, "EngineVersion"), dp_prop_str(r->desired, "EngineVersion")))
            dp_params_add(&q, "AllowMajorVersionUpgrade", "true");
        changes++;
    }
    if (dp_rds_changed(r->desired, r->previous, "VpcSecurityGroupIds")) {
        dp_rds_param_list(&q, "VpcSecurityGroupIds", "VpcSecurityGroupId", dp_prop(r->desired, "VpcSecurityGroupIds"));
        changes++;
    }
    if (dp_rds_changed(r->desired, r->previous, "ServerlessV2ScalingConfiguration")) {
        const cJSON *sv2 = dp_prop(r->desired, "ServerlessV2ScalingConfiguration");
        dp_rds_param(&q, "ServerlessV2ScalingConfiguration.MinCapacity", sv2, "MinCapacity");
        dp_rds_param(&q, "ServerlessV2ScalingConfiguration.MaxCapacity", sv2, "MaxCapacity");
        changes++;
    }
    changes += log_changes(&q, dp_prop(r->desired, "EnableCloudwatchLogsExports"),
                           dp_prop(r->previous, "EnableCloudwatchLogsExports"));
    /* the engine passes the password only when its hash changed */
    if (dp_prop_str(r->desired, "MasterUserPassword")) {
        dp_rds_param(&q, "MasterUserPassword", r->desired, "MasterUserPassword");
        changes++;
    }
    if (changes) {
        dp_rds_call(r->client, "ModifyDBCluster", &q, NULL, &doc, &e);
        if (!doc) {
            dp_params_cleanup(&q);
            /* busy (backing up, another change): try again shortly */
            if (dp_rds_is(&e, "InvalidDBClusterStateFault") && dp_poll_count(r) < 60)
                dp_progress_wait(p, r, ctx_new("update", r->physical_id), WHAT " busy, waiting to modify");
            else
                dp_progress_fail(p, r, "updating " WHAT, &e);
            goto done;
        }
        xmlFreeDoc(doc);
    }
    dp_params_cleanup(&q);
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

/* One poll of DBClusterDeleted. */
static void wait_deleted(const dp_resource_req *r, dp_progress *p)
{
    dp_err e;
    dp_err_clear(&e);
    xmlDocPtr doc = NULL;
    xmlNodePtr cl = NULL;
    int rc = describe(r->client, r->physical_id, &doc, &cl, &e);
    if (rc < 0) {
        dp_progress_fail(p, r, "deleting " WHAT, &e);
    } else if (rc == 0) {
        dp_progress_success(p, NULL);
    } else {
        char *status = dp_xml_text(cl, "Status");
        if (dp_rds_deleted_state(status) == DP_RDS_FAILED) {
            dp_progress_failf(p, DP_E_AWS, "deleting " WHAT " %s: %s %s is %s (waited for it to be deleted)",
                              r->logical_id, WHAT, r->physical_id, status ? status : "?");
        } else {
            char text[96];
            snprintf(text, sizeof text, WHAT " %s", status ? status : "?");
            cJSON *ctx = cJSON_Duplicate(r->context, 1);
            dp_progress_wait(p, r, ctx ? ctx : ctx_new("gone", r->physical_id), text);
        }
        free(status);
    }
    xmlFreeDoc(doc);
}

static void cl_delete(const dp_resource_req *r, dp_progress *p)
{
    const char *phase = dp_prop_str(r->context, "phase");
    if (phase && !strcmp(phase, "gone")) {
        wait_deleted(r, p);
        return;
    }
    dp_err e;
    dp_err_clear(&e);
    xmlDocPtr doc = NULL;
    xmlNodePtr cl = NULL;
    int rc = describe(r->client, r->physical_id, &doc, &cl, &e);
    if (rc <= 0) {
        if (rc == 0)
            dp_progress_success(p, NULL); /* gone already */
        else
            dp_progress_fail(p, r, "deleting " WHAT, &e);
        return;
    }
    cJSON *tags = live_tags(cl);
    char *status = dp_xml_text(cl, "Status"), *protect = dp_xml_text(cl, "DeletionProtection");
    bool has_members = dp_rds_has_children(dp_xml_child(cl, "DBClusterMembers"));
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
    /* the final snapshot's name is chosen once and kept across retries */
    char snap[128] = "";
    bool want_snapshot = r->deletion_policy && !strcmp(r->deletion_policy, "Snapshot");
    if (want_snapshot) {
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
    }
    dp_params q;
    dp_params_init(&q, "DeleteDBCluster", DP_RDS_API_VERSION);
    dp_params_add(&q, "DBClusterIdentifier", r->physical_id);
    if (want_snapshot)
        dp_params_add(&q, "FinalDBSnapshotIdentifier", snap);
    else
        dp_params_add(&q, "SkipFinalSnapshot", "true");
    dp_rds_call(r->client, "DeleteDBCluster", &q, NULL, &doc, &e);
    dp_params_cleanup(&q);
    if (doc) {
        xmlFreeDoc(doc);
        cJSON *ctx = ctx_new("gone", r->physical_id);
        if (want_snapshot)
            cJSON_AddStringToObject(ctx, "snapshot", snap);
        dp_progress_wait(p, r, ctx, WHAT " deleting");
    } else if (dp_rds_is(&e, "DBClusterNotFoundFault")) {
        dp_progress_success(p, NULL);
    } else if (dp_rds_is(&e, "InvalidDBClusterStateFault") && has_members) {
        dp_progress_fail(p, r, "deleting " WHAT " (its DB instances must be deleted first)", &e);
    } else if (dp_rds_is(&e, "InvalidDBClusterStateFault") && dp_poll_count(r) < 60) {
        /* modifying, backing up, or already being deleted: look again shortly */
        cJSON *ctx = ctx_new("delete", r->physical_id);
        if (want_snapshot)
            cJSON_AddStringToObject(ctx, "snapshot", snap);
        dp_progress_wait(p, r, ctx, WHAT " busy, waiting to delete");
    } else {
        dp_progress_fail(p, r, "deleting " WHAT, &e);
    }
done:
    free(status);
    free(protect);
    cJSON_Delete(tags);
}

struct list_ctx {
    dp_list_fn fn;
    void *ctx;
};

static int on_tagged(void *ctx, const char *arn, const cJSON *tags, dp_err *e)
{
    struct list_ctx *l = ctx;
    const char *name = strstr(arn, ":cluster:");
    const char *lg = dp_tag_value(tags, DP_TAG_LOGICAL_ID);
    if (!name)
        return 0;
    return l->fn(l->ctx, TYPE, lg ? lg : "", name + strlen(":cluster:"), e);
}

static int cl_list(dp_client *c, const char *stack, dp_list_fn fn, void *ctx, dp_err *e)
{
    struct list_ctx l = {fn, ctx};
    return dp_tagging_find(c, stack, "rds:cluster", on_tagged, &l, e);
}

static int cl_physical_id_for(const cJSON *desired, const dp_resource_req *r, char *id, size_t n)
{
    return dp_rds_identifier(desired, "DBClusterIdentifier", r, ID_MAX, id, n);
}

const dp_driver dp_driver_rds_cluster = {TYPE, cl_create, cl_read, cl_update, cl_delete, cl_list, cl_physical_id_for};
