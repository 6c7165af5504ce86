/* task_recover.h - `dmsprov task recover`: after a task failed, carry on by resuming it,
 * reloading only some tables, or replacing it with a new task whose CDC starts at the old
 * task's recovery checkpoint (started and running before the old one is deleted).
 *
 * Every function returns a CLI exit status (DP_EXIT_OK, DP_EXIT_ERROR, DP_EXIT_TIMEOUT) and
 * writes the reason for a failure into why (size n). Arguments are borrowed. */
#ifndef DP_TASK_RECOVER_H
#define DP_TASK_RECOVER_H
#include <cjson/cJSON.h>

#include "drivers/core/client.h"
#include "provisioner/task/task_resolve.h"
#include "provisioner/task/task_wait.h"

/* StartReplicationTask resume-processing, then waits until running (wo->target is ignored). */
int dp_task_recover_resume(dp_client *c, const cJSON *task, const dp_task_wait_opts *wo, char *why, size_t n);
/* A failed task is resumed (and waited for) first; then ReloadTables for just these tables
 * ("schema.table"), which must be tables of the task when it reports any. */
int dp_task_recover_reload(dp_client *c, const cJSON *task, char *const *tables, int ntables,
                           const dp_task_wait_opts *wo, char *why, size_t n);
/* The replacement: the old task is renamed "<id>-replaced-<hex>", a new task with its
 * identifier, settings, mappings, endpoints, instance, tags and CdcStartPosition = its
 * RecoveryCheckpoint is created, started and waited for until running, and only then the old
 * one is deleted. The stack (ref->stack, else the old task's dmsprov:stack tag) is locked
 * for the duration and its state (at state_location) then names the new task. new_arn gets
 * the new task's ARN (size na). */
int dp_task_recover_replace(dp_client *c, const char *state_location, const dp_task_ref *ref, const cJSON *task,
                            const dp_task_wait_opts *wo, char *new_arn, size_t na, char *why, size_t n);

#endif
