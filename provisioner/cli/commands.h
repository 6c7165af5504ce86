/* commands.h - every command's entry point, one cmd_*.c file each (the table is in cli.c). */
#ifndef DP_COMMANDS_H
#define DP_COMMANDS_H
#include "provisioner/cli/cli.h"

int dp_cmd_version(const dp_globals *g, int argc, char **argv);
int dp_cmd_whoami(const dp_globals *g, int argc, char **argv);
int dp_cmd_validate(const dp_globals *g, int argc, char **argv);
int dp_cmd_graph(const dp_globals *g, int argc, char **argv);
int dp_cmd_plan(const dp_globals *g, int argc, char **argv);
int dp_cmd_apply(const dp_globals *g, int argc, char **argv);
int dp_cmd_destroy(const dp_globals *g, int argc, char **argv);
int dp_cmd_output(const dp_globals *g, int argc, char **argv);
int dp_cmd_rotate(const dp_globals *g, int argc, char **argv);
int dp_cmd_task(const dp_globals *g, int argc, char **argv);

#endif
