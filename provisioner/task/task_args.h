/* task_args.h - the parsed command line of `dmsprov task <verb>` and the verbs that run it.
 *
 * Ownership: every string is borrowed from argv; tables points into argv. */
#ifndef DP_TASK_ARGS_H
#define DP_TASK_ARGS_H
#include <stdbool.h>

#include "provisioner/session/session.h"
#include "provisioner/task/task_rules.h"

typedef enum dp_task_verb { DP_VERB_START, DP_VERB_STOP, DP_VERB_STATUS, DP_VERB_WAIT, DP_VERB_RECOVER } dp_task_verb;

typedef struct dp_task_args {
    dp_task_verb verb;
    const char *verb_name;
    const char *task;  /* TASK */
    const char *stack; /* --stack */
    bool json;
    bool wait;         /* start/stop --wait */
    long long timeout_ms;  /* -1 = the verb's default */
    long long interval_ms; /* 0 = 5 s */
    /* start */
    const char *type, *cdc_start_time, *cdc_start_position, *cdc_stop_position;
    /* wait */
    bool have_until;
    dp_task_target until;
    /* recover */
    dp_task_route route;
    char **tables;
    int ntables;
} dp_task_args;

/* Parses argv (argv[0] = "task"). 0 ok; 1 help was printed; DP_EXIT_USAGE after printing
 * the usage error. */
int dp_task_parse_args(int argc, char **argv, dp_task_args *a);
/* Runs the parsed verb; returns the exit status. */
int dp_task_run(const dp_globals *g, const dp_task_args *a);

#endif
