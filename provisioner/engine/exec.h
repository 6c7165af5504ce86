/* exec.h - runs a graph of resource operations with bounded concurrency and no blocked waits.
 *
 * Each node is one operation driven in steps (the driver contract: a step returns IN_PROGRESS
 * with a delay, SUCCESS or FAILED). A node starts once every node it depends on succeeded;
 * among ready nodes the one with the highest priority (the longest remaining path) starts
 * first. An IN_PROGRESS node goes to a timer queue and is stepped again at now + delay_ms, so
 * worker threads only ever block on real API calls. At most `parallelism` operations are in
 * flight (running or waiting on their timer). After the first failure nothing new starts;
 * in-flight operations run to completion, and nodes that can no longer run are SKIPPED.
 * An interrupt (opts.interrupt, e.g. Ctrl-C through interrupt.h) at level 1 stops new starts
 * the same way; at level 2 operations waiting on their timer are abandoned (SKIPPED) too.
 *
 * Ownership: the caller owns the node array and everything the callbacks touch; the executor
 * allocates only internal bookkeeping, freed before dp_exec_run returns. */
#ifndef DP_EXEC_H
#define DP_EXEC_H
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "drivers/resources/driver.h"

typedef enum dp_exec_status {
    DP_EXEC_PENDING = 0,
    DP_EXEC_RUNNING,
    DP_EXEC_DONE,
    DP_EXEC_FAILED,
    DP_EXEC_SKIPPED
} dp_exec_status;

typedef struct dp_exec_node {
    const size_t *deps;   /* indices of nodes that must succeed first (borrowed) */
    size_t ndeps;
    double priority;      /* larger starts first among ready nodes */
    /* filled by the executor */
    dp_exec_status status;
    double started_s, finished_s;  /* seconds since the run began */
    int steps;
} dp_exec_node;

typedef struct dp_exec_ops {
    void *ctx;
    /* One step of node i. context is NULL on the first step, else what the previous step
     * left in p->context. Runs on a worker thread without any executor lock held. */
    void (*step)(void *ctx, size_t i, const cJSON *context, dp_progress *p);
    /* Node i finished (p->status SUCCESS or FAILED); p's model may be taken (set it to NULL).
     * Calls are serialised (one at a time), so it may update shared state without a lock. */
    void (*done)(void *ctx, size_t i, dp_progress *p);
    /* Optional: "AWS::DMS::ReplicationInstance LabInstance1" and the verb ("creating"), for
     * the progress lines of long waits. */
    void (*describe)(void *ctx, size_t i, char *out, size_t n);
} dp_exec_ops;

typedef struct dp_exec_opts {
    int parallelism;            /* >= 1 */
    FILE *progress;             /* NULL: no "still …" lines */
    double progress_every_s;    /* interval of "still …" lines per node (0: 10 s) */
    double progress_after_s;    /* first line after this long (0: 10 s) */
    const volatile sig_atomic_t *interrupt; /* borrowed, may be NULL: >= 1 no new starts,
                                               >= 2 abandon waits (read every 200 ms) */
} dp_exec_opts;

typedef struct dp_exec_stats {
    double wall_s;
    long steps;
    int max_in_flight;
    size_t failed, skipped, done;
    bool interrupted;           /* the interrupt was seen while nodes were left to run */
    size_t abandoned;           /* in flight (waiting) when abandoned at interrupt level 2 */
} dp_exec_stats;

/* Runs the graph. Returns 0 when every node succeeded, -1 otherwise (node statuses tell). */
int dp_exec_run(dp_exec_node *nodes, size_t n, const dp_exec_ops *ops, const dp_exec_opts *o,
                dp_exec_stats *st);

/* Fills priority with the longest path (sum of cost[i]) from each node to the end of the
 * graph, following reverse dependencies. cost may be NULL (1 each). */
void dp_exec_longest_path(dp_exec_node *nodes, size_t n, const double *cost);

/* Seconds on the monotonic clock (for durations). */
double dp_exec_now(void);

/* "1m20s", "7s" */
void dp_exec_format_elapsed(double s, char *out, size_t n);

#endif
