/* task_resolve.h - finding the replication task a `dmsprov task` command names: a logical id
 * of a stack (--stack: the state's physical id, else the ownership tags), a replication task
 * identifier, or a task ARN.
 *
 * Ownership: *task is the caller's (cJSON_Delete); ref is filled in place. */
#ifndef DP_TASK_RESOLVE_H
#define DP_TASK_RESOLVE_H
#include <cjson/cJSON.h>

#include "drivers/base/err.h"
#include "drivers/core/client.h"

typedef struct dp_task_ref {
    char arn[512];
    char stack[128];      /* "" unless --stack was given */
    char logical_id[256]; /* "" unless TASK was a logical id */
} dp_task_ref;

/* The lookup convention of err.h: DP_FOUND with *task = the task as DescribeReplicationTasks
 * answers it, DP_MISSING when nothing matches (e says what was looked for, DP_E_NOT_FOUND), -1
 * on an error. state_location as for dp_state_open (used only with stack). */
int dp_task_resolve(dp_client *c, const char *state_location, const char *stack, const char *name,
                    dp_task_ref *ref, cJSON **task, dp_err *e);
/* The task with this ARN: DP_FOUND with *task (owned), DP_MISSING when it no longer exists,
 * -1 on error. */
int dp_task_describe(dp_client *c, const char *arn, cJSON **task, dp_err *e);

#endif
