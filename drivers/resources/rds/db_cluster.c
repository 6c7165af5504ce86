/* db_cluster.c - AWS::RDS::DBCluster (Aurora PostgreSQL): create, read, update, delete, list.
 *
 * Waits follow botocore's DBClusterAvailable / DBClusterDeleted waiters. RDS has no client
 * tokens: a retried create adopts a same-named cluster whose ownership tags are ours. The
 * master password is write-only: sent on create and when the engine says its hash changed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drivers/resources/common.h"
#include "drivers/resources/rds/rds_flow.h"
#include "drivers/resources/tagging.h"

#define TYPE "AWS::RDS::DBCluster"
#define WHAT "DB cluster"
#define ID_MAX 63

static const char *const applies[] = {
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

static cJSON *model_of(xmlNodePtr cl, const cJSON *live)
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
    static const char *const attrs[] = {"Endpoint.Address", "Endpoint", "Endpoint.Port", "Port",
                                        "ReadEndpoint.Address", "ReaderEndpoint",
                                        "DBClusterResourceId", "DbClusterResourceId",
                                        "DBClusterArn", "DBClusterArn", NULL};
    return dp_rds_model(cl, props, live, "DBClusterIdentifier", attrs);
}

static void create_params(dp_params *q, const dp_resource_req *r)
{
    for (size_t i = 0; create_scalars[i]; i++)
        dp_rds_param(q, create_scalars[i], r->desired, create_scalars[i]);
    dp_rds_param_list(q, "VpcSecurityGroupIds", "VpcSecurityGroupId", dp_prop(r->desired, "VpcSecurityGroupIds"));
    dp_rds_param_list(q, "EnableCloudwatchLogsExports", "member", dp_prop(r->desired, "EnableCloudwatchLogsExports"));
    const cJSON *sv2 = dp_prop(r->desired, "ServerlessV2ScalingConfiguration");
    dp_rds_param(q, "ServerlessV2ScalingConfiguration.MinCapacity", sv2, "MinCapacity");
    dp_rds_param(q, "ServerlessV2ScalingConfiguration.MaxCapacity", sv2, "MaxCapacity");
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

/* Changes beyond modify_scalars: engine version, security groups, scaling, logs, password. */
static int modify_params(dp_params *q, const dp_resource_req *r)
{
    int changes = 0;
    if (dp_rds_changed(r->desired, r->previous, "EngineVersion")) {
        dp_rds_param(q, "EngineVersion", r->desired, "EngineVersion");
        if (major_changes(dp_prop_str(r->previous, "EngineVersion"), dp_prop_str(r->desired, "EngineVersion")))
            dp_params_add(q, "AllowMajorVersionUpgrade", "true");
        changes++;
    }
    if (dp_rds_changed(r->desired, r->previous, "VpcSecurityGroupIds")) {
        dp_rds_param_list(q, "VpcSecurityGroupIds", "VpcSecurityGroupId", dp_prop(r->desired, "VpcSecurityGroupIds"));
        changes++;
    }
    if (dp_rds_changed(r->desired, r->previous, "ServerlessV2ScalingConfiguration")) {
        const cJSON *sv2 = dp_prop(r->desired, "ServerlessV2ScalingConfiguration");
        dp_rds_param(q, "ServerlessV2ScalingConfiguration.MinCapacity", sv2, "MinCapacity");
        dp_rds_param(q, "ServerlessV2ScalingConfiguration.MaxCapacity", sv2, "MaxCapacity");
        changes++;
    }
    changes += log_changes(q, dp_prop(r->desired, "EnableCloudwatchLogsExports"),
                           dp_prop(r->previous, "EnableCloudwatchLogsExports"));
    /* the engine passes the password only when its hash changed */
    if (dp_prop_str(r->desired, "MasterUserPassword")) {
        dp_rds_param(q, "MasterUserPassword", r->desired, "MasterUserPassword");
        changes++;
    }
    return changes;
}

static bool has_members(xmlNodePtr cl) { return dp_rds_has_children(dp_xml_child(cl, "DBClusterMembers")); }

static const dp_rds_kind kind = {
    .type = TYPE, .what = WHAT, .id_prop = "DBClusterIdentifier", .id_max = ID_MAX,
    .describe_op = "DescribeDBClusters", .describe_path = "DBClusters/DBCluster", .not_found = "DBClusterNotFoundFault",
    .status_field = "Status", .arn_field = "DBClusterArn", .create_op = "CreateDBCluster",
    .modify_op = "ModifyDBCluster", .delete_op = "DeleteDBCluster", .busy_code = "InvalidDBClusterStateFault",
    .apply_immediately = true, .modify_scalars = modify_scalars,
    .tags = dp_rds_taglist_tags, .model_of = model_of, .create_params = create_params,
    .modify_params = modify_params, .snapshot_ok = NULL, .has_dependents = has_members,
    .tag_type = "rds:cluster", .arn_marker = ":cluster:", .dependents_hint = "its DB instances must be deleted first"};

DP_RDS_FLOW_OPS(kind)
DP_RDS_WAITED_OPS(kind)

/* The master password is write-only. */
static const char *const reads_back[] = {
    "DBClusterIdentifier", "Engine", "EngineVersion", "EngineMode", "MasterUsername", "DatabaseName", "Port",
    "DBSubnetGroupName", "VpcSecurityGroupIds", "StorageEncrypted", "KmsKeyId", "BackupRetentionPeriod",
    "PreferredBackupWindow", "PreferredMaintenanceWindow", "DeletionProtection", "CopyTagsToSnapshot",
    "DBClusterParameterGroupName", "EnableIAMDatabaseAuthentication", "EnableCloudwatchLogsExports",
    "ServerlessV2ScalingConfiguration", "Tags", NULL};
static const char *const lowercased[] = {"DBSubnetGroupName", "PreferredMaintenanceWindow", NULL};
static const char *const may_reference[] = {"AWS::RDS::DBSubnetGroup", "AWS::SecretsManager::Secret", NULL};

const dp_driver dp_driver_rds_cluster = {
    .type = TYPE,
    .create = rds_op_create,
    .read = rds_op_read,
    .update = rds_op_update,
    .del = rds_op_delete,
    .list = rds_op_list,
    .physical_id_for = rds_op_physical_id_for,
    .name_prop = "DBClusterIdentifier",
    .lowercased = lowercased,
    .applies = applies,
    .reads_back = reads_back,
    .may_reference = may_reference,
    .seconds = {.create = 300, .update = 300, .del = 120},
    .caps = DP_CAP_ID_LOWERCASE | DP_CAP_SNAPSHOT | DP_CAP_REFUSES_OTHERS,
};
