/* task_repoint.h - after `task recover --replace`: the stack's state names the new task.
 *
 * Ownership: doc is the caller's and changed in place; arguments are borrowed. */
#ifndef DP_TASK_REPOINT_H
#define DP_TASK_REPOINT_H
#include <cjson/cJSON.h>

#include "drivers/base/err.h"
#include "provisioner/state/state.h"

/* Replaces every string in doc equal to old_arn (the task's physical_id, attributes, outputs
 * and anything else that recorded it) with new_arn. Returns how many it replaced. Pure. */
int dp_task_repoint_doc(cJSON *doc, const char *old_arn, const char *new_arn);
/* Reads the stack's state (locked by the caller), repoints it and writes it back. When the
 * replacement got another identifier (old_id != new_id), strings equal to old_id inside
 * resources[logical_id] (its physical id or properties) become new_id too.
 * 0 written; 1 nothing to do (no state, or it does not name old_arn); -1 error. */
int dp_task_repoint_state(dp_state_store *s, const char *stack, const char *logical_id, const char *old_arn,
                          const char *new_arn, const char *old_id, const char *new_id, dp_err *e);

#endif
