/* commands.h - every command's entry point (one file each; see cli.c for the table). */
#ifndef DP_COMMANDS_H
#define DP_COMMANDS_H
#include "provisioner/cli.h"

int dp_cmd_version(const dp_globals *g, int argc, char **argv);
int dp_cmd_whoami(const dp_globals *g, int argc, char **argv);
int dp_cmd_validate(const dp_globals *g, int argc, char **argv);
int dp_cmd_graph(const dp_globals *g, int argc, char **argv);

#endif
