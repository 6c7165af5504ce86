/* task_wait.h - waiting for a replication task to reach a state, with progress: a live line
 * redrawn in place on a terminal (percent bar, tables done/total, rows, elapsed), plain
 * lines when something changes (and at least every 30 s) otherwise.
 *
 * Ownership: *final is the caller's (cJSON_Delete); options and why are the caller's. */
#ifndef DP_TASK_WAIT_H
#define DP_TASK_WAIT_H
#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdio.h>

#include "drivers/base/buf.h"
#include "drivers/core/client.h"
#include "provisioner/task/task_rules.h"

typedef struct dp_task_wait_opts {
    dp_task_target target;
    long long timeout_ms;  /* 0 = no limit */
    long long interval_ms; /* between polls (0 = 5 s) */
    bool live;             /* redraw one line in place (a terminal) */
    bool quiet;            /* no progress output */
    FILE *out;             /* progress goes here (NULL = stdout) */
} dp_task_wait_opts;

/* Polls DescribeReplicationTasks (+ DescribeTableStatistics for the progress) until the
 * verdict is final. Returns DP_EXIT_OK (target reached), DP_EXIT_ERROR (failed, unreachable
 * target, task gone or an AWS error: why says which) or DP_EXIT_TIMEOUT (why says the
 * state it was left in). *final, when final is not NULL, gets the last description (or NULL). */
int dp_task_wait(dp_client *c, const char *arn, const dp_task_wait_opts *o, cJSON **final, char *why, size_t n);

/* One progress line (no newline): with bar "[#####-----]  50%  tables 3/6  rows 12345
 * elapsed 1m05s  running", without "running: full load 50%, tables 3/6, rows 12345,
 * elapsed 1m05s". tables_total < 0: taken from the task's statistics. */
int dp_task_progress_line(const cJSON *task, long long tables_total, long long rows, long long elapsed_ms, bool bar,
                          dp_buf *out);

#endif
