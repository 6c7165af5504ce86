/* cli.h - the command line: the command table and the entry point (global options and exit
 * codes are in session/session.h, error and JSON printing in session/report.h). */
#ifndef DP_CLI_H
#define DP_CLI_H
#include "provisioner/session/report.h"
#include "provisioner/session/session.h"

/* One command: name, one-line summary and the function that runs it with the
 * command's own arguments (argv[0] is the command name, global options already removed). */
typedef struct dp_command {
    const char *name;
    const char *summary;
    int (*run)(const dp_globals *g, int argc, char **argv);
} dp_command;

int dp_cli_main(int argc, char **argv);

#endif
