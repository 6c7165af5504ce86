/* rds_instance.c - AWS::RDS::DBInstance (placeholder until its driver lands). */
#include "drivers/resources/common.h"

static void not_yet(const dp_resource_req *r, dp_progress *p)
{
    (void)r;
    dp_progress_failf(p, DP_E_INTERNAL, "AWS::RDS::DBInstance is not implemented yet");
}

const dp_driver dp_driver_rds_instance = {"AWS::RDS::DBInstance", not_yet, not_yet, not_yet, not_yet, NULL, NULL};
