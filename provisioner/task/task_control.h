/* task_control.h - the calls that change a task's run state: StartReplicationTask (with its
 * type and CDC positions), StopReplicationTask and ReloadTables.
 *
 * Ownership: arguments are borrowed; *after (when asked for) is the caller's (cJSON_Delete). */
#ifndef DP_TASK_CONTROL_H
#define DP_TASK_CONTROL_H
#include <cjson/cJSON.h>

#include "drivers/base/err.h"
#include "drivers/core/client.h"

typedef struct dp_task_start_opts {
    const char *type;               /* StartReplicationTaskType (checked by the caller) */
    const char *cdc_start_time;     /* as dp_task_parse_time accepts, or NULL */
    const char *cdc_start_position; /* or NULL (never with cdc_start_time) */
    const char *cdc_stop_position;  /* or NULL */
} dp_task_start_opts;

int dp_task_start(dp_client *c, const char *arn, const dp_task_start_opts *o, cJSON **after, dp_err *e);
int dp_task_stop(dp_client *c, const char *arn, cJSON **after, dp_err *e);
/* ReloadTables (data-reload) for "schema.table" names. */
int dp_task_reload(dp_client *c, const char *arn, char *const *tables, int ntables, dp_err *e);

#endif
