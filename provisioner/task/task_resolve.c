/* task_resolve.c - TASK (logical id with --stack, identifier or ARN) -> the described task. */
#include "provisioner/task/task_resolve.h"

#include <stdio.h>
#include <string.h>

#include "drivers/resources/dms/dms.h"
#include "provisioner/state/state.h"
#include "provisioner/task/task_rules.h"

#define TASK_TYPE "AWS::DMS::ReplicationTask"

int dp_task_describe(dp_client *c, const char *arn, cJSON **task, dp_err *e)
{
    return dp_dms_describe_one(c, "DescribeReplicationTasks", "ReplicationTasks", "replication-task-arn", arn, task,
                               e);
}

/* The physical id the state records for logical_id: DP_FOUND, DP_MISSING or -1 (err.h). */
static int from_state(dp_client *c, const char *location, const char *stack, const char *logical_id, char *out,
                      size_t n, dp_err *e)
{
    dp_state_store *s = dp_state_open(location, c, e);
    if (!s)
        return -1;
    cJSON *doc = NULL;
    int rc = dp_state_read(s, stack, &doc, e) ? -1 : DP_MISSING;
    const cJSON *res = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(doc, "resources"), logical_id);
    if (rc == DP_MISSING && res) {
        const cJSON *type = cJSON_GetObjectItemCaseSensitive(res, "type");
        const cJSON *pid = cJSON_GetObjectItemCaseSensitive(res, "physical_id");
        if (cJSON_IsString(type) && strcmp(type->valuestring, TASK_TYPE)) {
            dp_err_set(e, DP_E_INPUT, "%s in stack %s is a %s, not a replication task", logical_id, stack,
                       type->valuestring);
            rc = -1;
        } else if (cJSON_IsString(pid) && pid->valuestring[0]) {
            snprintf(out, n, "%s", pid->valuestring);
            rc = DP_FOUND;
        }
    }
    cJSON_Delete(doc);
    dp_state_close(s);
    return rc;
}

struct tag_find {
    const char *logical_id;
    char *out;
    size_t n;
    int found;
};

static int on_tagged(void *ctx, const char *type, const char *logical_id, const char *physical_id, dp_err *e)
{
    (void)type;
    (void)e;
    struct tag_find *f = ctx;
    if (!strcmp(logical_id, f->logical_id)) {
        snprintf(f->out, f->n, "%s", physical_id);
        f->found++;
    }
    return 0;
}

/* DP_FOUND, DP_MISSING (e says which task) or -1. */
static int by(dp_client *c, const char *filter, const char *value, cJSON **task, dp_err *e)
{
    int rc = dp_dms_describe_one(c, "DescribeReplicationTasks", "ReplicationTasks", filter, value, task, e);
    if (rc == DP_MISSING)
        dp_err_set(e, DP_E_NOT_FOUND, "no replication task %s", value);
    return rc;
}

int dp_task_resolve(dp_client *c, const char *state_location, const char *stack, const char *name,
                    dp_task_ref *ref, cJSON **task, dp_err *e)
{
    memset(ref, 0, sizeof *ref);
    *task = NULL;
    if (stack && *stack) {
        char pid[512] = "";
        snprintf(ref->stack, sizeof ref->stack, "%s", stack);
        snprintf(ref->logical_id, sizeof ref->logical_id, "%s", name);
        int rc = from_state(c, state_location, stack, name, pid, sizeof pid, e);
        if (rc < 0)
            return -1;
        if (rc == DP_MISSING) { /* no state entry: the live resources' ownership tags are the truth */
            struct tag_find f = {name, pid, sizeof pid, 0};
            if (dp_dms_list_tagged(c, stack, "task", TASK_TYPE, on_tagged, &f, e))
                return -1;
            if (f.found > 1) {
                dp_err_set(e, DP_E_CONFLICT, "%d replication tasks are tagged as %s of stack %s", f.found, name,
                           stack);
                return -1;
            }
            if (!f.found) {
                dp_err_set(e, DP_E_NOT_FOUND, "stack %s has no replication task %s (neither in its state nor tagged)",
                           stack, name);
                return DP_MISSING;
            }
        }
        int rc2 = by(c, strncmp(pid, "arn:", 4) ? "replication-task-id" : "replication-task-arn", pid, task, e);
        if (rc2 != DP_FOUND) {
            dp_err_prefix(e, "%s of stack %s: ", name, stack);
            return rc2;
        }
    } else {
        int rc = by(c, strncmp(name, "arn:", 4) ? "replication-task-id" : "replication-task-arn", name, task, e);
        if (rc != DP_FOUND)
            return rc;
    }
    snprintf(ref->arn, sizeof ref->arn, "%s", dp_task_str(*task, "ReplicationTaskArn"));
    return DP_FOUND;
}
