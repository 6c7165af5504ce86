/* service.h - what the client core needs to know about each AWS service it talks to.
 * Ownership: the dp_svc_* descriptions are static constants; nothing is allocated. */
#ifndef DP_SERVICE_H
#define DP_SERVICE_H
#include <stdbool.h>

typedef enum dp_protocol { DP_PROTO_JSON, DP_PROTO_QUERY, DP_PROTO_RESTXML } dp_protocol;

typedef struct dp_service {
    const char *name;            /* short name for messages: "dms" */
    const char *endpoint_prefix; /* host prefix: "dms", "secretsmanager" */
    const char *signing_name;    /* SigV4 service name */
    const char *env_id;          /* AWS_ENDPOINT_URL_<env_id>: from the service id ("DATABASE_MIGRATION_SERVICE") */
    const char *env_alias;       /* a shorter alias we also accept ("DMS"), or NULL */
    const char *config_key;      /* key in a [services x] config section ("database_migration_service") */
    dp_protocol protocol;
    const char *api_version;     /* "2016-01-01" */
    const char *target_prefix;   /* JSON: X-Amz-Target prefix */
    const char *json_version;    /* JSON: "1.1" */
    bool global;                 /* one endpoint per partition (IAM) */
} dp_service;

extern const dp_service dp_svc_dms;
extern const dp_service dp_svc_rds;
extern const dp_service dp_svc_ssm;
extern const dp_service dp_svc_secretsmanager;
extern const dp_service dp_svc_iam;
extern const dp_service dp_svc_sts;
extern const dp_service dp_svc_cloudwatch;
extern const dp_service dp_svc_s3;
extern const dp_service dp_svc_tagging;
/* IAM Identity Center portal (GetRoleCredentials): rest-json and unsigned, so it is called
 * directly by creds_sso.c, never through dp_client; only its endpoint fields are used. */
extern const dp_service dp_svc_sso;

#endif
