/* task_rules.h - pure decisions of `dmsprov task`: durations, wait targets and verdicts, and
 * which operation a replication task's state allows (no AWS calls; unit-tested).
 *
 * Every function takes a task as DescribeReplicationTasks returns it (borrowed cJSON) and
 * writes a one-line reason into why (size n) when it refuses or fails. */
#ifndef DP_TASK_RULES_H
#define DP_TASK_RULES_H
#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>

/* dp_duration_parse / dp_duration_format (drivers/base/duration.h) under their task names:
 * "90s", "10m", "1h30m", "500ms", "2h" or a bare number of seconds -> milliseconds. */
int dp_task_parse_duration(const char *s, long long *ms);
/* "45s", "1m05s", "2h03m" (whole seconds, rounded down); "0s" for <1 s. */
void dp_task_format_duration(long long ms, char *out, size_t n);

typedef enum dp_task_target {
    DP_TARGET_RUNNING,
    DP_TARGET_STOPPED,
    DP_TARGET_FULL_LOAD,  /* "full-load-complete" */
    DP_TARGET_READY,
    DP_TARGET_SETTLED,    /* internal: done with creating/modifying/moving/starting/stopping */
    DP_TARGET_DELETED     /* internal: gone (dp_task_wait sees it no longer exists) */
} dp_task_target;

/* 0 and *t for "running", "stopped", "full-load-complete", "ready" (the user's targets);
 * -1 otherwise. */
int dp_task_parse_target(const char *s, dp_task_target *t);
const char *dp_task_target_name(dp_task_target t);

typedef enum dp_task_verdict {
    DP_VERDICT_PENDING,  /* keep waiting */
    DP_VERDICT_REACHED,  /* the target state */
    DP_VERDICT_FAILED    /* failed, or in a state from which the target cannot come */
} dp_task_verdict;

dp_task_verdict dp_task_wait_verdict(const cJSON *task, dp_task_target t, char *why, size_t n);

/* String fields of a task ("" when absent) and its statistics (0 when absent). */
const char *dp_task_str(const cJSON *task, const char *name);
long long dp_task_stat(const cJSON *task, const char *name);
/* True once the task was started at least once (it has a start date). */
bool dp_task_ever_ran(const cJSON *task);

/* StartReplicationTaskType when the user gave none: start-replication for a task that never
 * ran, resume-processing otherwise (as Terraform does). */
const char *dp_task_default_start_type(const cJSON *task);
/* 0 when the type is one of the three StartReplicationTaskType values; -1 otherwise. */
int dp_task_check_start_type(const char *type, char *why, size_t n);
/* 0 when the task can be started with type (NULL = the default); -1 with why naming the state. */
int dp_task_check_start(const cJSON *task, const char *type, char *why, size_t n);
/* 0 when the task can be stopped; 1 when it is already stopped or stopping (nothing to do);
 * -1 refused with why naming the state. */
int dp_task_check_stop(const cJSON *task, char *why, size_t n);

typedef enum dp_task_route { DP_ROUTE_SHOW, DP_ROUTE_RESUME, DP_ROUTE_RELOAD, DP_ROUTE_REPLACE } dp_task_route;
/* 0 when the recovery route fits the task (failed; replace also needs a recovery checkpoint
 * and a task with CDC); -1 with why. DP_ROUTE_SHOW accepts every state. */
int dp_task_check_recover(const cJSON *task, dp_task_route route, char *why, size_t n);

/* CdcStartTime as given on the command line: "2024-03-08T12:12:12" (UTC; "Z" allowed; a
 * space for the "T" too) or epoch seconds -> epoch seconds. 0 ok, -1 bad. */
int dp_task_parse_time(const char *s, long long *epoch);
/* The start flags checked before any call: a valid type (NULL = default), --cdc-start-time
 * and --cdc-start-position not both (StartReplicationTask refuses both), a valid time.
 * 0 ok; -1 with why. */
int dp_task_check_start_flags(const char *type, const char *cdc_start_time, const char *cdc_start_position,
                              char *why, size_t n);

/* "schema.table" -> schema and table (split at the first dot; both non-empty). 0 ok, -1 bad. */
int dp_task_split_table(const char *spec, char *schema, size_t sn, char *table, size_t tn);

/* "<id>-<suffix>" with id shortened so the whole fits DMS's 255 characters, never doubling a
 * hyphen where the two meet: the old task's name while its replacement takes over its
 * identifier (suffix "replaced-<hex>"), or a replacement's own name. */
void dp_task_suffixed_id(const char *id, const char *suffix, char *out, size_t n);

#endif
