/* service.c - the service table (names, protocols and versions from botocore's models). */
#include "drivers/core/service.h"

#include <stddef.h>

const dp_service dp_svc_dms = {"dms", "dms", "dms", "DATABASE_MIGRATION_SERVICE", "DMS",
                               "database_migration_service", DP_PROTO_JSON, "2016-01-01",
                               "AmazonDMSv20160101", "1.1", false};
const dp_service dp_svc_rds = {"rds", "rds", "rds", "RDS", NULL, "rds", DP_PROTO_QUERY,
                               "2014-10-31", NULL, NULL, false};
const dp_service dp_svc_ssm = {"ssm", "ssm", "ssm", "SSM", NULL, "ssm", DP_PROTO_JSON,
                               "2014-11-06", "AmazonSSM", "1.1", false};
const dp_service dp_svc_secretsmanager = {"secretsmanager", "secretsmanager", "secretsmanager",
                                          "SECRETS_MANAGER", "SECRETSMANAGER", "secrets_manager",
                                          DP_PROTO_JSON, "2017-10-17", "secretsmanager", "1.1", false};
const dp_service dp_svc_iam = {"iam", "iam", "iam", "IAM", NULL, "iam", DP_PROTO_QUERY,
                               "2010-05-08", NULL, NULL, true};
const dp_service dp_svc_sts = {"sts", "sts", "sts", "STS", NULL, "sts", DP_PROTO_QUERY,
                               "2011-06-15", NULL, NULL, false};
/* CloudWatch: botocore lists cbor/json first, but AWS keeps answering the Query protocol. */
const dp_service dp_svc_cloudwatch = {"cloudwatch", "monitoring", "monitoring", "CLOUDWATCH", NULL, "cloudwatch",
                                      DP_PROTO_QUERY, "2010-08-01", NULL, NULL, false};
const dp_service dp_svc_s3 = {"s3", "s3", "s3", "S3", NULL, "s3", DP_PROTO_RESTXML,
                              "2006-03-01", NULL, NULL, false};
const dp_service dp_svc_tagging = {"tagging", "tagging", "tagging", "RESOURCE_GROUPS_TAGGING_API",
                                   "TAGGING", "resource_groups_tagging_api", DP_PROTO_JSON,
                                   "2017-01-26", "ResourceGroupsTaggingAPI_20170126", "1.1", false};
/* SSO: protocol rest-json (no dp_protocol value: creds_sso.c builds its one GET itself). */
const dp_service dp_svc_sso = {"sso", "portal.sso", "awsssoportal", "SSO", NULL, "sso", DP_PROTO_JSON,
                               "2019-06-10", NULL, NULL, false};
