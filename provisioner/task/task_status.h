/* task_status.h - `dmsprov task status`: the task's summary and its per-table statistics
 * (DescribeTableStatistics, every page), as aligned text or JSON.
 *
 * Ownership: *tables and returned cJSON are the caller's (cJSON_Delete); task and tables
 * arguments are borrowed; out buffers belong to the caller. */
#ifndef DP_TASK_STATUS_H
#define DP_TASK_STATUS_H
#include <cjson/cJSON.h>

#include "drivers/base/buf.h"
#include "drivers/base/err.h"
#include "drivers/core/client.h"
#include "provisioner/task/task_latency.h"

/* Every TableStatistics element of the task (an array, empty for a task that never ran). */
int dp_task_table_stats(dp_client *c, const char *arn, cJSON **tables, dp_err *e);
/* Summary lines (status, stop reason, failure, full load, tables, CDC latency when lat is
 * given and the task has CDC, checkpoint) then the table. lat may be NULL. */
int dp_task_render_status(const cJSON *task, const cJSON *tables, const dp_cdc_latency *lat, dp_buf *out);
/* The per-table statistics as an aligned table (header + one row per table). */
int dp_task_render_tables(const cJSON *tables, dp_buf *out);
/* Only the tables in "Table error" (or with error rows), as "schema.table (state)" lines. */
int dp_task_render_errored(const cJSON *tables, dp_buf *out);
/* {"ReplicationTaskIdentifier", …, "ReplicationTaskStats", "CdcLatency": {…}, "Tables": [...]}
 * (CdcLatency only when lat is given and the task has CDC; lat may be NULL). */
cJSON *dp_task_status_json(const cJSON *task, const cJSON *tables, const dp_cdc_latency *lat);
/* Sum of FullLoadRows over tables. */
long long dp_task_rows(const cJSON *tables);

#endif
