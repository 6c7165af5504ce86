/* rotate_aws.h - the AWS calls a rotation makes: Secrets Manager versions and stages, RDS
 * master password, SSM copies, DMS endpoint passwords and pausing their tasks.
 *
 * Ownership: every char ** / cJSON ** output is owned by the caller (free / cJSON_Delete);
 * inputs are borrowed. Secret values are never logged or put into error messages. */
#ifndef DP_ROTATE_AWS_H
#define DP_ROTATE_AWS_H
#include <cjson/cJSON.h>
#include <stdbool.h>

#include "drivers/base/err.h"
#include "drivers/core/client.h"

/* ---- Secrets Manager ---- */
/* DescribeSecret answer (VersionIdsToStages, Tags, CreatedDate, …). */
int dp_rot_sm_describe(dp_client *c, const char *secret, cJSON **out, dp_err *e);
/* The version id holding stage in a DescribeSecret answer, or NULL. Borrowed. */
const char *dp_rot_sm_version_with(const cJSON *desc, const char *stage);
bool dp_rot_sm_version_has(const cJSON *desc, const char *version_id, const char *stage);
/* The value of a tag on the secret, or NULL. Borrowed. */
const char *dp_rot_sm_tag_value(const cJSON *desc, const char *key);
/* SecretString of (version_id, stage): stage is always sent (moto and AWS agree then). */
int dp_rot_sm_get(dp_client *c, const char *secret, const char *version_id, const char *stage, char **value,
                  dp_err *e);
/* PutSecretValue with ClientRequestToken token and VersionStages ["AWSPENDING"]. */
int dp_rot_sm_put_pending(dp_client *c, const char *secret, const char *token, const char *value, dp_err *e);
/* UpdateSecretVersionStage: moves stage to version to (NULL: only remove) from version from (NULL: none). */
int dp_rot_sm_stage(dp_client *c, const char *secret, const char *stage, const char *to, const char *from,
                    dp_err *e);
int dp_rot_sm_tag(dp_client *c, const char *secret, const char *key, const char *value, dp_err *e);

/* ---- RDS ---- */
/* ModifyDBCluster MasterUserPassword … ApplyImmediately. */
int dp_rot_rds_set_password(dp_client *c, const char *cluster, const char *password, dp_err *e);
/* Waits until the cluster is "available" with no PendingModifiedValues (DP_E_NETWORK-free
 * timeout: kind DP_E_CONFLICT "still <status> after N s"). */
int dp_rot_rds_wait(dp_client *c, const char *cluster, long timeout_s, dp_err *e);
/* The cluster's writer endpoint: *host (Endpoint), *port (Port, may be NULL) and *dbname
 * (DatabaseName, may be NULL); DP_E_NOT_FOUND when the cluster or its endpoint is missing. */
int dp_rot_rds_endpoint(dp_client *c, const char *cluster, char **host, char **port, char **dbname, dp_err *e);

/* ---- SSM ---- */
/* GetParameter (WithDecryption): *value owned. */
int dp_rot_ssm_get(dp_client *c, const char *name, char **value, dp_err *e);
/* PutParameter Overwrite with the parameter's own type, unless it already holds value
 * (*changed says which). */
int dp_rot_ssm_put(dp_client *c, const char *name, const char *value, bool *changed, dp_err *e);

/* ---- DMS ---- */
/* The endpoint's ARN from an ARN or an EndpointIdentifier; *arn owned. */
int dp_rot_dms_endpoint_arn(dp_client *c, const char *id, char **arn, dp_err *e);
/* Appends to arns (a cJSON array) the ARNs of replication tasks using the endpoint that are
 * running or starting. */
int dp_rot_dms_active_tasks(dp_client *c, const char *endpoint_arn, cJSON *arns, dp_err *e);
/* Stops a task (when running) and waits until it is stopped. */
int dp_rot_dms_stop_task(dp_client *c, const char *task_arn, long timeout_s, dp_err *e);
/* StartReplicationTask resume-processing (when stopped). */
int dp_rot_dms_resume_task(dp_client *c, const char *task_arn, dp_err *e);
/* ModifyEndpoint Password. */
int dp_rot_dms_set_password(dp_client *c, const char *endpoint_arn, const char *password, dp_err *e);

/* Sleeps ms milliseconds (polling). */
void dp_rot_sleep_ms(long ms);

#endif
