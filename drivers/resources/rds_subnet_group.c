/* rds_subnet_group.c - AWS::RDS::DBSubnetGroup (placeholder until its driver lands). */
#include "drivers/resources/common.h"

static void not_yet(const dp_resource_req *r, dp_progress *p)
{
    (void)r;
    dp_progress_failf(p, DP_E_INTERNAL, "AWS::RDS::DBSubnetGroup is not implemented yet");
}

const dp_driver dp_driver_rds_subnet_group = {"AWS::RDS::DBSubnetGroup", not_yet, not_yet, not_yet, not_yet, NULL, NULL};
