/* db_instance.c - AWS::RDS::DBInstance as an Aurora cluster member: create, read, update,
 * delete, list.
 *
 * Waits follow botocore's DBInstanceAvailable / DBInstanceDeleted waiters. RDS has no client
 * tokens: a retried create adopts a same-named instance whose ownership tags are ours. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drivers/resources/common.h"
#include "drivers/resources/rds/rds_flow.h"
#include "drivers/resources/tagging.h"

#define TYPE "AWS::RDS::DBInstance"
#define WHAT "DB instance"
#define ID_MAX 63

static const char *const applies[] = {
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

static cJSON *model_of(xmlNodePtr in, const cJSON *live)
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
    static const char *const attrs[] = {"Endpoint.Address", "Endpoint/Address", "Endpoint.Port", "Endpoint/Port",
                                        "DbiResourceId", "DbiResourceId", "DBInstanceArn", "DBInstanceArn", NULL};
    return dp_rds_model(in, props, live, "DBInstanceIdentifier", attrs);
}

static void create_params(dp_params *q, const dp_resource_req *r)
{
    for (size_t i = 0; create_scalars[i]; i++)
        dp_rds_param(q, create_scalars[i], r->desired, create_scalars[i]);
}

/* A cluster member has no snapshot of its own (the cluster's DeletionPolicy covers the data);
 * a stand-alone instance gets one when the policy says Snapshot. */
static bool snapshot_ok(xmlNodePtr in)
{
    char *cluster = dp_xml_text(in, "DBClusterIdentifier");
    bool ok = !(cluster && *cluster);
    free(cluster);
    return ok;
}

static const dp_rds_kind kind = {
    .type = TYPE, .what = WHAT, .id_prop = "DBInstanceIdentifier", .id_max = ID_MAX,
    .describe_op = "DescribeDBInstances", .describe_path = "DBInstances/DBInstance", .not_found = "DBInstanceNotFound",
    .status_field = "DBInstanceStatus", .arn_field = "DBInstanceArn", .create_op = "CreateDBInstance",
    .modify_op = "ModifyDBInstance", .delete_op = "DeleteDBInstance", .busy_code = "InvalidDBInstanceState",
    .apply_immediately = true, .modify_scalars = modify_scalars,
    .tags = dp_rds_taglist_tags, .model_of = model_of, .create_params = create_params, .modify_params = NULL,
    .snapshot_ok = snapshot_ok, .has_dependents = NULL, .tag_type = "rds:db", .arn_marker = ":db:",
    .dependents_hint = NULL};

DP_RDS_FLOW_OPS(kind)
DP_RDS_WAITED_OPS(kind)

static const char *const lowercased[] = {"DBClusterIdentifier", "DBSubnetGroupName", "PreferredMaintenanceWindow",
                                         NULL};
static const char *const may_reference[] = {"AWS::RDS::DBCluster", "AWS::RDS::DBSubnetGroup",
                                            "AWS::SecretsManager::Secret", NULL};

const dp_driver dp_driver_rds_instance = {
    .type = TYPE,
    .create = rds_op_create,
    .read = rds_op_read,
    .update = rds_op_update,
    .del = rds_op_delete,
    .list = rds_op_list,
    .physical_id_for = rds_op_physical_id_for,
    .name_prop = "DBInstanceIdentifier",
    .lowercased = lowercased,
    .applies = applies,
    .reads_back = applies,
    .may_reference = may_reference,
    .seconds = {.create = 600, .update = 600, .del = 300},
    .caps = DP_CAP_ID_LOWERCASE | DP_CAP_SNAPSHOT | DP_CAP_REFUSES_OTHERS,
};
