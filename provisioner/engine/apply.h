/* apply.h - carrying out a plan: creates, updates, replacements and deletes as a dependency
 * graph on the executor (exec.h), longest remaining path first, a dependent starting as soon
 * as what it needs is ready. Each resource's properties are resolved again when it starts,
 * with the ids and attributes of what was just created. The state is written after every
 * completed operation (a failure loses nothing; re-running apply continues), and each create's
 * client token is written before the create is sent.
 *
 * Ownership: the caller owns the plan, the desired source and the state document, which apply
 * updates in place; a dp_apply_result owns its outputs (dp_apply_result_cleanup). */
#ifndef DP_APPLY_H
#define DP_APPLY_H
#include <cjson/cJSON.h>
#include <stdbool.h>

#include "provisioner/engine/exec.h"
#include "provisioner/engine/plan.h"

typedef struct dp_apply_opts {
    bool rollback_on_failure;  /* delete what this run created when something fails */
    bool empty_buckets;        /* deletes may empty S3 buckets first */
    bool quiet;                /* no per-resource lines (tests, benchmarks) */
    /* borrowed, may be NULL: Ctrl-C (interrupt.h); when it stops the run, nothing is rolled
     * back, the state records what completed and res->error starts with "interrupted" */
    const volatile sig_atomic_t *interrupt;
} dp_apply_opts;

typedef struct dp_apply_result {
    dp_exec_stats stats;
    long requests;             /* API requests made by the run */
    cJSON *outputs;            /* owned: {"Name": value} (sensitive ones as "(sensitive)") */
    char error[1600];          /* the first failure, one line, or "" */
    bool state_unsaved;        /* the failure was writing the state: the last steps are not in it */
    size_t created, updated, replaced, deleted;
    /* owned: per operation {"node", "logical_id", "type", "op", "start_s", "end_s", "steps",
     * "deps": [node, ...]} - for the benchmark's critical path (bench/) */
    cJSON *trace;
} dp_apply_result;

/* Applies plan; state (an object, possibly empty: {"version":1,...}) is updated and written
 * through eng->store after every completed operation. Returns 0 or -1 (res->error says what
 * failed; e too). */
int dp_apply_run(const dp_engine *eng, const dp_plan *plan, const dp_desired *d, cJSON *state,
                 const dp_apply_opts *o, dp_apply_result *res, dp_err *e);
void dp_apply_result_cleanup(dp_apply_result *r);

/* Outputs with secrets replaced by "(sensitive)": what state and `output` may show. */
cJSON *dp_outputs_public(const cJSON *outputs);

#endif
