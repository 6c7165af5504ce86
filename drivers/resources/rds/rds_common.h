/* rds_common.h - what the three RDS drivers share: identifiers, Query parameters, XML answers
 * in template form, tags (TagList, ListTagsForResource, Add/RemoveTagsFromResource) and the
 * states of botocore's RDS waiters.
 *
 * Ownership: functions returning cJSON * or char * return new values owned by the caller;
 * xmlDocPtr out-parameters are owned by the caller (xmlFreeDoc); xmlNodePtr results are
 * borrowed from their document. */
#ifndef DP_RDS_COMMON_H
#define DP_RDS_COMMON_H
#include <cjson/cJSON.h>
#include <libxml/tree.h>
#include <stdbool.h>
#include <stddef.h>

#include "drivers/core/proto/query.h"
#include "drivers/resources/driver.h"

#define DP_RDS_API_VERSION "2014-10-31"

/* ---- identifiers ---- */
/* Makes s a valid RDS identifier in place: lower-case letters, digits and single hyphens,
 * starting with a letter, no trailing hyphen, at most max_len characters. An empty result
 * becomes "r". */
void dp_rds_fix_identifier(char *s, size_t max_len);
/* A generated identifier "<stack>-<logical>-<suffix>" (stable per client token), fixed up. */
void dp_rds_generated_id(const dp_resource_req *r, size_t max_len, char *out, size_t n);
/* The identifier a create uses: the template's name property lower-cased (RDS stores names in
 * lower case), or a generated one. Returns 0 when the template named it, 1 when generated. */
int dp_rds_identifier(const cJSON *desired, const char *prop, const dp_resource_req *r, size_t max_len,
                      char *out, size_t n);
/* "arn:<partition>:rds:<region>:<account>:<kind>:<name>" into out. */
void dp_rds_arn(const dp_resource_req *r, const char *kind, const char *name, char *out, size_t n);

/* ---- request parameters ---- */
/* Scalar JSON (string, number, bool) as the text the Query protocol sends; owned; NULL for
 * other kinds. Numbers print as integers when whole. */
char *dp_rds_scalar_text(const cJSON *v);
/* Adds key=<scalar> when desired has prop. */
void dp_rds_param(dp_params *p, const char *key, const cJSON *desired, const char *prop);
/* Adds prefix.member.N=<string> for each string of arr (member e.g. "VpcSecurityGroupId"). */
void dp_rds_param_list(dp_params *p, const char *prefix, const char *member, const cJSON *arr);
/* Adds prefix.Tag.N.Key/Value for a [{"Key","Value"}] array. */
void dp_rds_param_tags(dp_params *p, const char *prefix, const cJSON *tags);
/* True when prop differs between desired and previous (scalars compared as text, arrays and
 * objects structurally; absent in desired = unchanged). */
bool dp_rds_changed(const cJSON *desired, const cJSON *previous, const char *prop);

/* ---- answers ---- */
/* Calls op; on success *doc is the answer and the return value the element at path below
 * <opResult> (e.g. "DBClusters/DBCluster"), or NULL when absent. Returns NULL with *doc NULL
 * on error (e filled). */
xmlNodePtr dp_rds_call(dp_client *c, const char *op, const dp_params *p, const char *path, xmlDocPtr *doc,
                       dp_err *e);
/* Describes one resource: op with idparam=id, the element at path. Returns 1 found (*doc owned,
 * *node borrowed from it), 0 not found (the answer is empty or e has notfound_code), -1 error. */
int dp_rds_describe(dp_client *c, const char *op, const char *idparam, const char *id, const char *path,
                    const char *notfound_code, xmlDocPtr *doc, xmlNodePtr *node, dp_err *e);
/* Adds props[name] as a number from the text at path below n. */
void dp_rds_put_num(cJSON *props, const char *name, xmlNodePtr n, const char *path);
/* True when e carries this AWS error code. */
bool dp_rds_is(const dp_err *e, const char *code);
/* Adds props[name] from the text at path below n: as a string, an integer or a boolean. */
void dp_rds_put_str(cJSON *props, const char *name, xmlNodePtr n, const char *path);
void dp_rds_put_int(cJSON *props, const char *name, xmlNodePtr n, const char *path);
void dp_rds_put_bool(cJSON *props, const char *name, xmlNodePtr n, const char *path);
/* The texts of path's last element for each element at list/item (e.g.
 * "VpcSecurityGroups", "VpcSecurityGroupMembership", "VpcSecurityGroupId"); an array, owned. */
cJSON *dp_rds_strings(xmlNodePtr n, const char *list, const char *item, const char *field);
/* <TagList><Tag><Key/><Value/></Tag>… as [{"Key","Value"}] (owned; empty when none). */
cJSON *dp_rds_xml_tags(xmlNodePtr taglist);
/* True when element n has child elements (e.g. a non-empty PendingModifiedValues). */
bool dp_rds_has_children(xmlNodePtr n);

/* ---- tags ---- */
/* ListTagsForResource as [{"Key","Value"}] (owned). */
int dp_rds_list_tags(dp_client *c, const char *arn, cJSON **out, dp_err *e);
/* Makes the live tags equal want (both [{"Key","Value"}]): RemoveTagsFromResource for keys
 * not wanted (aws: keys are left alone), AddTagsToResource for new or changed values. */
int dp_rds_sync_tags(dp_client *c, const char *arn, const cJSON *want, const cJSON *live, dp_err *e);

/* ---- waiter states (botocore rds waiters-2.json) ---- */
typedef enum dp_rds_wait { DP_RDS_WAITING, DP_RDS_READY, DP_RDS_FAILED } dp_rds_wait;
/* DBClusterAvailable / DBInstanceAvailable: "available" succeeds; deleted, deleting, failed,
 * incompatible-restore, incompatible-parameters fail; anything else waits. */
dp_rds_wait dp_rds_available_state(const char *status);
/* DBClusterDeleted / DBInstanceDeleted while the resource still exists: creating, modifying,
 * rebooting, resetting-master-credentials fail; anything else waits (gone = success is the
 * caller's not-found case). */
dp_rds_wait dp_rds_deleted_state(const char *status);

/* ---- ownership ---- */
/* DP_OWNED when live tags say this stack and logical id, else fails p with a clear conflict
 * naming the resource (what: "DB cluster") and its owner, and returns that ownership. */
int dp_rds_check_owned(dp_progress *p, const dp_resource_req *r, const char *what, const char *id,
                       const cJSON *tags);

/* ---- properties ---- */
/* The first property of desired outside supported (NULL-terminated), or NULL. Borrowed. The
 * drivers refuse through dp_refuse_unsupported() (common.h), which reads their .applies. */
const char *dp_rds_unsupported(const cJSON *desired, const char *const *supported);

#endif
