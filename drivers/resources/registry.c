/* registry.c - the table of resource drivers, one per supported type. */
#include <string.h>

#include "drivers/resources/driver.h"

extern const dp_driver dp_driver_s3_bucket;
extern const dp_driver dp_driver_iam_role;
extern const dp_driver dp_driver_ssm_parameter;
extern const dp_driver dp_driver_secret;
extern const dp_driver dp_driver_rotation_schedule;
extern const dp_driver dp_driver_rds_subnet_group;
extern const dp_driver dp_driver_rds_cluster;
extern const dp_driver dp_driver_rds_instance;
extern const dp_driver dp_driver_dms_subnet_group;
extern const dp_driver dp_driver_dms_instance;
extern const dp_driver dp_driver_dms_endpoint;
extern const dp_driver dp_driver_dms_task;

static const dp_driver *const all[] = {
    &dp_driver_s3_bucket,
    &dp_driver_iam_role,
    &dp_driver_ssm_parameter,
    &dp_driver_secret,
    &dp_driver_rotation_schedule,
    &dp_driver_rds_subnet_group,
    &dp_driver_rds_cluster,
    &dp_driver_rds_instance,
    &dp_driver_dms_subnet_group,
    &dp_driver_dms_instance,
    &dp_driver_dms_endpoint,
    &dp_driver_dms_task,
};

const dp_driver *dp_driver_find(const char *type)
{
    for (size_t i = 0; type && i < sizeof all / sizeof all[0]; i++)
        if (!strcmp(all[i]->type, type))
            return all[i];
    return NULL;
}

const dp_driver *const *dp_driver_all(size_t *n)
{
    *n = sizeof all / sizeof all[0];
    return all;
}
