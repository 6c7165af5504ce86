/* stack_opts.h - the command-line options of the engine commands (plan, apply, destroy,
 * output) and the confirmation prompt.
 *
 * Each command declares its own table over a dp_stack_opts (its help texts differ); this file
 * holds what they share after parsing.
 *
 * Ownership: dp_stack_opts owns its parameter inputs and its --parameter array
 * (dp_stack_opts_cleanup); strings in it are borrowed from argv. */
#ifndef DP_STACK_OPTS_H
#define DP_STACK_OPTS_H
#include <stdbool.h>

#include "provisioner/cli/cli.h"
#include "provisioner/cli/options.h"
#include "templates/param_inputs.h"

typedef struct dp_stack_opts {
    const char *template_path;
    const char *stack;
    const char *parameters_file;
    dp_opt_list parameter;        /* --parameter KEY=VALUE as given; owned array */
    dp_param_inputs params;       /* owned: the file's values, then --parameter ones */
    bool json, detailed_exitcode, auto_approve, rollback, empty_buckets, break_lock;
    const char *out_plan;
    const char *plan_file;        /* apply PLAN; output OUTPUT_NAME */
    bool needs_template;          /* set by apply: -t FILE or a saved PLAN is the first thing required */
    int parallelism;              /* 0: default */
} dp_stack_opts;

void dp_stack_opts_init(dp_stack_opts *o);
/* Parses a command's arguments (argv[0] = command name) with its table, whose values point
 * into o (dp_stack_opts_init first), then what the commands share: a valid --stack, else one
 * derived from the template file name (its directory's name for "template.yaml"); --stack
 * required when neither it, -t nor a PLAN is given; the parameters file and --parameter values
 * read into params. Returns 0; DP_OPT_HELP when help was printed; DP_EXIT_USAGE /
 * DP_EXIT_ERROR after printing the problem (o cleaned up on every non-zero return). */
int dp_stack_opts_parse(dp_stack_opts *o, const dp_opt_cmd *cmd, int argc, char **argv);
void dp_stack_opts_cleanup(dp_stack_opts *o);
/* Asks "Enter a value: " on the terminal; true when the answer is "yes". With no terminal on
 * stdin, prints why and returns false. */
bool dp_stack_confirm(const char *question, const char *cmd);

#endif
