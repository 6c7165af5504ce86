/* role_api.h - IAM calls the role driver needs: reading a role in template form and
 * converging its inline and managed policies and tags.
 *
 * Ownership: *out cJSON values are owned by the caller (cJSON_Delete). */
#ifndef DP_IAM_ROLE_API_H
#define DP_IAM_ROLE_API_H
#include <cjson/cJSON.h>

#include "drivers/core/client.h"

/* One IAM call with RoleName=role plus extra "K=V"-style pairs (key, value, key, value, ...,
 * NULL). NoSuchEntity fails with e->kind DP_E_NOT_FOUND. */
int dp_iam_role_call(dp_client *c, const char *op, const char *role, ...);
/* The role in template form: {"Properties": {...}, "Arn": ..., "RoleId": ...} with the tags
 * as live tags (*live_tags, [{"Key","Value"}], including ownership tags) when asked. */
int dp_iam_role_read(dp_client *c, const char *role, cJSON **out, cJSON **live_tags, dp_err *e);
/* Live tags of a role, [{"Key","Value"}] (paginated). */
int dp_iam_role_tags(dp_client *c, const char *role, cJSON **tags, dp_err *e);
/* Canonical JSON text of a policy document IAM returned URL-encoded; owned or NULL. */
char *dp_iam_policy_canonical(const char *urlencoded);
/* Makes the inline policies ([{"PolicyName","PolicyDocument"}]) and managed policy ARNs
 * exactly the desired ones (NULL = none). live is the role as dp_iam_role_read gave it. */
int dp_iam_role_converge_policies(dp_client *c, const char *role, const cJSON *live, const cJSON *policies,
                                  const cJSON *arns, dp_err *e);

#endif
