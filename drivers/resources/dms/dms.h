/* dms.h - shared pieces of the four AWS DMS drivers (subnet group, replication instance,
 * endpoint, replication task): replacement overrides, settings normalisation, tags and ownership.
 *
 * DMS has no client tokens, so a retried create is made safe by looking the wanted identifier
 * up first and adopting it only when its ownership tags name this stack and logical id.
 *
 * Ownership: functions returning cJSON * or char * return new values owned by the caller
 * (cJSON_Delete / free); arguments are borrowed. */
#ifndef DP_DMS_H
#define DP_DMS_H
#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>

#include "drivers/resources/common.h"

/* ---- replacement overrides (AWS::DMS::ReplicationTask), read from its table entry ---- */
/* True for a property the schema marks create-only but whose change the driver applies in
 * place (.update_in_place): ReplicationInstanceArn is moved with MoveReplicationTask, as
 * Terraform does. The plan treats such a property as updatable instead of replacing the task. */
bool dp_dms_task_move_instead_of_replace(const char *prop);
/* True for a property the schema lets update but whose change must replace the task
 * (.replace_on_change: MigrationType, as issue 4 says); update refuses such a change. */
bool dp_dms_task_replace_on_change(const char *prop);

/* ---- pure normalisation (unit-tested) ---- */
/* live restricted to the keys desired sets, recursively: objects keep only desired's keys;
 * arrays of objects that all carry "Id" (Logging.LogComponents) keep the live elements with
 * those ids, in desired's order; anything else is live as is. desired NULL = copy of live. */
cJSON *dp_dms_prune_to(const cJSON *live, const cJSON *desired);
/* Removes the read-only task settings (Logging.CloudWatchLogGroup / CloudWatchLogStream). */
void dp_dms_drop_readonly_task_settings(cJSON *settings);
/* Task settings as read, in template form: read-only keys dropped, then (when desired_text
 * is JSON) only the keys the template set, as canonical JSON text. NULL when live_text is
 * not JSON. So AWS's server-side defaults never show as a change on a re-plan. */
char *dp_dms_task_settings_normalise(const char *live_text, const char *desired_text);
/* Same JSON document (canonical comparison; NULL equals only NULL). */
bool dp_dms_json_text_equal(const char *a, const char *b);
/* Drops from props each of keys that desired (may be NULL: then nothing) does not set:
 * server-side defaults the template did not ask for. */
void dp_dms_drop_unset(cJSON *props, const cJSON *desired, const char *const *keys);
/* When props[key] equals desired[key] but for case, reports desired's spelling (DMS stores
 * some identifiers lower-cased). */
void dp_dms_keep_case(cJSON *props, const cJSON *desired, const char *key);
/* Same set of strings (order ignored). */
bool dp_dms_same_strings(const cJSON *a, const cJSON *b);

/* ---- AWS helpers ---- */
bool dp_dms_not_found(const dp_err *e);
/* Describe<op> with one filter name=value, the lookup convention of err.h: DP_FOUND with *item
 * (owned) = the first element of out[list_key], DP_MISSING when nothing matches
 * (ResourceNotFoundFault or an empty list), -1 on error. */
int dp_dms_describe_one(dp_client *c, const char *op, const char *list_key, const char *filter,
                        const char *value, cJSON **item, dp_err *e);
/* The resource's tags as [{"Key","Value"}] (owned). */
int dp_dms_tags(dp_client *c, const char *arn, cJSON **tags, dp_err *e);
/* Makes the resource's tags equal want ([{"Key","Value"}], ownership tags included):
 * AddTagsToResource for new/changed, RemoveTagsFromResource for the rest. */
int dp_dms_sync_tags(dp_client *c, const char *arn, const cJSON *want, dp_err *e);
/* Before adopting or changing a same-named resource: 0 when its tags say this stack and
 * logical id; otherwise p is FAILED (DP_E_CONFLICT naming it) and -1. */
int dp_dms_require_owned(const dp_resource_req *r, const char *arn, const char *what, const char *name,
                         dp_progress *p);
/* Lists the stack's resources of one kind through the tagging API (ARN resource type kind:
 * "rep", "endpoint", "task"); physical id = ARN. The type filter is applied to the ARN here
 * because moto's tagging API does not know AWS's DMS resource type names. */
int dp_dms_list_tagged(dp_client *c, const char *stack, const char *kind, const char *type, dp_list_fn fn,
                       void *ctx, dp_err *e);
/* The identifier to create: the template's prop, or a generated one (lower-cased, max_len). */
void dp_dms_name(const dp_resource_req *r, const char *prop, size_t max_len, char *out, size_t n);
/* Template Tags ++ ownership tags, from r->desired. */
cJSON *dp_dms_want_tags(const dp_resource_req *r);
/* Adds "Tags" (template form, ownership tags left out) to props when any. */
void dp_dms_add_tags_prop(cJSON *props, const cJSON *tags);
/* Copies desired[name] into in[api_name] when present (any JSON kind). */
void dp_dms_copy(cJSON *in, const cJSON *desired, const char *name, const char *api_name);
/* Copies desired[name] into in[api_name] as a JSON boolean / integer (templates may give
 * "true" or "50" as strings). */
void dp_dms_copy_bool(cJSON *in, const cJSON *desired, const char *name);
void dp_dms_copy_int(cJSON *in, const cJSON *desired, const char *name);
/* Copies live[api_name] to props[name] when present and not null / "". */
void dp_dms_report(cJSON *props, const cJSON *live, const char *api_name, const char *name);

#endif
