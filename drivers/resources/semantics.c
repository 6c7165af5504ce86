/* semantics.c - properties whose values AWS lower-cases (RDS and DMS identifiers, maintenance
 * windows), from the RDS and DMS API references ("stored as a lowercase string"). */
#include "drivers/resources/semantics.h"

#include <stddef.h>
#include <string.h>

static const struct {
    const char *type;
    const char *prop;
} lowered[] = {
    {"AWS::RDS::DBSubnetGroup", "DBSubnetGroupName"},
    {"AWS::RDS::DBCluster", "DBClusterIdentifier"},
    {"AWS::RDS::DBCluster", "DBSubnetGroupName"},
    {"AWS::RDS::DBCluster", "PreferredMaintenanceWindow"},
    {"AWS::RDS::DBInstance", "DBInstanceIdentifier"},
    {"AWS::RDS::DBInstance", "DBClusterIdentifier"},
    {"AWS::RDS::DBInstance", "DBSubnetGroupName"},
    {"AWS::RDS::DBInstance", "PreferredMaintenanceWindow"},
    {"AWS::DMS::ReplicationSubnetGroup", "ReplicationSubnetGroupIdentifier"},
    {"AWS::DMS::ReplicationInstance", "ReplicationInstanceIdentifier"},
    {"AWS::DMS::ReplicationInstance", "ReplicationSubnetGroupIdentifier"},
    {"AWS::DMS::ReplicationInstance", "PreferredMaintenanceWindow"},
    {"AWS::DMS::Endpoint", "EndpointIdentifier"},
    {"AWS::DMS::ReplicationTask", "ReplicationTaskIdentifier"},
};

bool dp_prop_case_insensitive(const char *type, const char *prop)
{
    for (size_t i = 0; type && prop && i < sizeof lowered / sizeof lowered[0]; i++)
        if (!strcmp(lowered[i].type, type) && !strcmp(lowered[i].prop, prop))
            return true;
    return false;
}
