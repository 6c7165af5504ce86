/* engine.c - defaults for the shared engine context. */
#include "provisioner/engine/engine.h"

#include <string.h>

double dp_engine_op_cost(const char *type, const char *op)
{
    bool del = op && !strcmp(op, "delete");
    if (!type)
        return 1;
    if (!strcmp(type, "AWS::DMS::ReplicationInstance"))
        return del ? 300 : 600;
    if (!strcmp(type, "AWS::RDS::DBCluster"))
        return del ? 120 : 300;
    if (!strcmp(type, "AWS::RDS::DBInstance"))
        return del ? 300 : 600;
    if (!strcmp(type, "AWS::DMS::ReplicationTask"))
        return 30;
    if (!strcmp(type, "AWS::DMS::Endpoint"))
        return 5;
    if (!strcmp(type, "AWS::SecretsManager::RotationSchedule"))
        return 10;
    return 2;
}

/* Which types can hold a reference to which (a replication task names its endpoints and
 * instance, an endpoint its IAM role, bucket, secret or database, ...). With no template and
 * no state, destroy orders deletes by this: a referrer goes before what it refers to. */
bool dp_type_may_reference(const char *from, const char *to)
{
    static const struct {
        const char *from, *to;
    } refs[] = {
        {"AWS::DMS::ReplicationTask", "AWS::DMS::Endpoint"},
        {"AWS::DMS::ReplicationTask", "AWS::DMS::ReplicationInstance"},
        {"AWS::DMS::ReplicationTask", "AWS::S3::Bucket"},
        {"AWS::DMS::ReplicationTask", "AWS::RDS::DBCluster"},
        {"AWS::DMS::ReplicationTask", "AWS::RDS::DBInstance"},
        {"AWS::DMS::Endpoint", "AWS::IAM::Role"},
        {"AWS::DMS::Endpoint", "AWS::S3::Bucket"},
        {"AWS::DMS::Endpoint", "AWS::SecretsManager::Secret"},
        {"AWS::DMS::Endpoint", "AWS::RDS::DBCluster"},
        {"AWS::DMS::Endpoint", "AWS::RDS::DBInstance"},
        {"AWS::DMS::ReplicationInstance", "AWS::DMS::ReplicationSubnetGroup"},
        {"AWS::DMS::ReplicationInstance", "AWS::IAM::Role"},
        {"AWS::RDS::DBInstance", "AWS::RDS::DBCluster"},
        {"AWS::RDS::DBInstance", "AWS::RDS::DBSubnetGroup"},
        {"AWS::RDS::DBInstance", "AWS::SecretsManager::Secret"},
        {"AWS::RDS::DBCluster", "AWS::RDS::DBSubnetGroup"},
        {"AWS::RDS::DBCluster", "AWS::SecretsManager::Secret"},
        {"AWS::SecretsManager::RotationSchedule", "AWS::SecretsManager::Secret"},
        {"AWS::SecretsManager::RotationSchedule", "AWS::RDS::DBCluster"},
        {"AWS::SecretsManager::RotationSchedule", "AWS::RDS::DBInstance"},
        {"AWS::SecretsManager::RotationSchedule", "AWS::IAM::Role"},
        {"AWS::SSM::Parameter", "AWS::SecretsManager::Secret"},
        {"AWS::SSM::Parameter", "AWS::RDS::DBCluster"},
        {"AWS::SSM::Parameter", "AWS::S3::Bucket"},
        {"AWS::SSM::Parameter", "AWS::DMS::ReplicationInstance"},
        {"AWS::SSM::Parameter", "AWS::DMS::Endpoint"},
        {"AWS::SSM::Parameter", "AWS::IAM::Role"},
    };
    if (!from || !to)
        return false;
    for (size_t i = 0; i < sizeof refs / sizeof refs[0]; i++)
        if (!strcmp(refs[i].from, from) && !strcmp(refs[i].to, to))
            return true;
    return false;
}
