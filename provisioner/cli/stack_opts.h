/* stack_opts.h - the command-line options of the engine commands (plan, apply, destroy,
 * output) and the confirmation prompt.
 *
 * Ownership: dp_stack_opts owns its parameter inputs (dp_stack_opts_cleanup); strings in it
 * are borrowed from argv. */
#ifndef DP_STACK_OPTS_H
#define DP_STACK_OPTS_H
#include <stdbool.h>

#include "provisioner/cli/cli.h"
#include "templates/param_inputs.h"

enum dp_stack_flag {
    DP_SO_INPUTS = 1u << 0,       /* -t, --parameter, --parameters-file */
    DP_SO_JSON = 1u << 1,
    DP_SO_DETAILED = 1u << 2,     /* --detailed-exitcode */
    DP_SO_OUT = 1u << 3,          /* --out PLAN */
    DP_SO_APPROVE = 1u << 4,      /* --auto-approve */
    DP_SO_PARALLELISM = 1u << 5,
    DP_SO_ROLLBACK = 1u << 6,     /* --rollback-on-failure */
    DP_SO_EMPTY_BUCKETS = 1u << 7,
    DP_SO_PLAN_FILE = 1u << 8,    /* a positional saved plan */
    DP_SO_BREAK_LOCK = 1u << 9,
    DP_SO_TEMPLATE_ONLY = 1u << 10 /* -t without parameters (destroy) */
};

typedef struct dp_stack_opts {
    const char *template_path;
    const char *stack;
    const char *parameters_file;
    dp_param_inputs params;       /* owned: the file's values, then --parameter ones */
    bool json, detailed_exitcode, auto_approve, rollback, empty_buckets, break_lock;
    const char *out_plan;
    const char *plan_file;
    int parallelism;              /* 0: default */
} dp_stack_opts;

/* Parses a command's arguments (argv[0] = command name). Returns 0; -1 when help was printed;
 * DP_EXIT_USAGE / DP_EXIT_ERROR after printing the problem. The stack name defaults from the
 * template file name (its directory's name for "template.yaml"), made a valid stack name. */
int dp_stack_opts_parse(dp_stack_opts *o, const char *cmd, int argc, char **argv, const char *usage, unsigned flags);
void dp_stack_opts_cleanup(dp_stack_opts *o);
/* Asks "Enter a value: " on the terminal; true when the answer is "yes". With no terminal on
 * stdin, prints why and returns false. */
bool dp_stack_confirm(const char *question, const char *cmd);

#endif
