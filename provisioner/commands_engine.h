/* commands_engine.h - the engine's commands: plan, apply, destroy, output (one file each). */
#ifndef DP_COMMANDS_ENGINE_H
#define DP_COMMANDS_ENGINE_H
#include "provisioner/cli.h"

int dp_cmd_plan(const dp_globals *g, int argc, char **argv);
int dp_cmd_apply(const dp_globals *g, int argc, char **argv);
int dp_cmd_destroy(const dp_globals *g, int argc, char **argv);
int dp_cmd_output(const dp_globals *g, int argc, char **argv);

#endif
