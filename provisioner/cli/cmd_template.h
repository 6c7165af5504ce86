/* cmd_template.h - the template commands (validate, graph) and what their options share with
 * plan/apply: -t FILE, --parameter K=V (repeatable), --parameters-file F, read into parameters. */
#ifndef DP_CMD_TEMPLATE_H
#define DP_CMD_TEMPLATE_H
#include <stdbool.h>

#include "provisioner/cli/cli.h"
#include "provisioner/cli/options.h"
#include "templates/param_inputs.h"

int dp_cmd_validate(const dp_globals *g, int argc, char **argv);
int dp_cmd_graph(const dp_globals *g, int argc, char **argv);

/* Options common to template-reading commands. Strings are borrowed from argv. */
typedef struct dp_tpl_cli {
    const char *template_path;
    const char *parameters_file;   /* last one given */
    dp_opt_list parameter;         /* --parameter KEY=VALUE as given; owned array */
    const char *format;            /* graph: dot (default), svg, png, text */
    bool resolve;                  /* validate --resolve */
    bool json;                     /* validate --json */
    dp_param_inputs params;        /* owned: the file's values, then --parameter ones */
} dp_tpl_cli;

void dp_tpl_cli_init(dp_tpl_cli *o);
/* After the options were parsed (each command's table): reads the parameters file (if any)
 * and lets the --parameter values override it. Returns 0; DP_EXIT_USAGE after printing a
 * malformed --parameter; DP_EXIT_ERROR after printing the problems of the parameters file.
 * Defined in cmd_validate.c. */
int dp_tpl_cli_finish(dp_tpl_cli *o, const char *cmd);
void dp_tpl_cli_cleanup(dp_tpl_cli *o);
/* --parameter KEY=VALUE arguments into cli (a usage error, printed, for one without '='). */
int dp_tpl_cli_param_args(dp_param_inputs *cli, const dp_opt_list *args, const char *cmd);
/* Reads parameters_file (may be NULL) into params, then lets the --parameter values in cli
 * override it. Returns 0, or DP_EXIT_ERROR after printing the problems. Used by every command
 * that takes parameters (validate, graph, plan, apply, destroy). */
int dp_tpl_cli_params(dp_param_inputs *params, const char *parameters_file, const dp_param_inputs *cli);

#endif
