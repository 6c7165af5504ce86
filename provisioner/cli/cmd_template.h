/* cmd_template.h - the template commands (validate, graph) and the option parsing they share
 * with plan/apply: -t FILE, --parameter K=V (repeatable), --parameters-file F. */
#ifndef DP_CMD_TEMPLATE_H
#define DP_CMD_TEMPLATE_H
#include <stdbool.h>

#include "provisioner/cli/cli.h"
#include "templates/param_inputs.h"

int dp_cmd_validate(const dp_globals *g, int argc, char **argv);
int dp_cmd_graph(const dp_globals *g, int argc, char **argv);

/* Options common to template-reading commands. Strings are borrowed from argv. */
typedef struct dp_tpl_cli {
    const char *template_path;
    const char *parameters_file;   /* last one given */
    const char *format;            /* graph: dot (default), svg, png, text */
    bool resolve;                  /* validate --resolve */
    bool json;                     /* validate --json */
    dp_param_inputs params;        /* owned: dp_tpl_cli_cleanup */
} dp_tpl_cli;

/* Parses argv (argv[0] = command name); allow_resolve enables validate's --resolve and
 * --json, allow_format graph's --format. Returns 0; -1 when help was printed (exit 0); DP_EXIT_USAGE after printing a usage
 * error; DP_EXIT_ERROR after printing the problems of the parameters file. On success the
 * parameters file (if any) has been read and --parameter values override it. Defined in
 * cmd_validate.c. */
int dp_tpl_cli_parse(dp_tpl_cli *o, const char *cmd, int argc, char **argv, const char *usage,
                     bool allow_resolve, bool allow_format);
void dp_tpl_cli_cleanup(dp_tpl_cli *o);
/* argv[*i] as "--opt VALUE" (also shrt VALUE, shrt may be NULL) or "--opt=VALUE": the value
 * (borrowed; *i moves past it), or NULL when argv[*i] is another option or, with *missing set,
 * when the value is missing. */
const char *dp_tpl_cli_opt_value(int argc, char **argv, int *i, const char *lng, const char *shrt, bool *missing);
/* Reads parameters_file (may be NULL) into params, then lets the --parameter values in cli
 * override it. Returns 0, or DP_EXIT_ERROR after printing the problems. Used by every command
 * that takes parameters (validate, graph, plan, apply, destroy). */
int dp_tpl_cli_params(dp_param_inputs *params, const char *parameters_file, const dp_param_inputs *cli);

#endif
