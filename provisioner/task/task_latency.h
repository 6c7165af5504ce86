/* task_latency.h - a CDC task's replication latency, which DMS publishes only to CloudWatch
 * (AWS/DMS CDCLatencySource / CDCLatencyTarget, seconds, per instance + task).
 *
 * One DescribeReplicationInstances call (the metric's dimension is the instance's name, the
 * task only knows its ARN) and one GetMetricData call covering the last 15 minutes. The task
 * dimension is tried both as the ARN's resource id (what the console shows) and as the task
 * identifier, in the same call.
 *
 * Never fails the caller: missing permissions, no data or a non-CDC task leave available
 * false with a one-line note saying why (no secret can be in it). Ownership: all by value. */
#ifndef DP_TASK_LATENCY_H
#define DP_TASK_LATENCY_H
#include <cjson/cJSON.h>
#include <stdbool.h>
#include <time.h>

#include "drivers/core/client.h"

#define DP_CDC_LATENCY_WINDOW_S (15 * 60)

typedef struct dp_cdc_latency {
    bool applies;          /* the task has CDC (cdc or full-load-and-cdc) */
    bool available;        /* at least one of the two figures was found */
    bool has_source, has_target;
    double source_s, target_s; /* latest 1-minute averages */
    time_t at;             /* timestamp of the newest figure */
    char note[512];        /* why not available, or "" */
} dp_cdc_latency;

/* Fills *out for task (a DescribeReplicationTasks element, borrowed) as of now. */
void dp_task_cdc_latency(dp_client *c, const cJSON *task, time_t now, dp_cdc_latency *out);

/* The task's resource id: what follows the last ':' of its ARN (borrowed from arn). */
const char *dp_task_resource_id(const char *arn);

/* "source 3s, target 5s (CloudWatch, 1-minute average at 2026-11-22T05:01:00Z)", or the note.
 * Empty when the task has no CDC. */
void dp_cdc_latency_format(const dp_cdc_latency *l, char *out, size_t n);
/* {"source_seconds": …, "target_seconds": …, "at": "…"} or {"note": "…"}; NULL without CDC. */
cJSON *dp_cdc_latency_json(const dp_cdc_latency *l);

#endif
