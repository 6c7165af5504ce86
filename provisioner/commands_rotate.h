/* commands_rotate.h - the `dmsprov rotate` command's entry point (registered in cli.c). */
#ifndef DP_COMMANDS_ROTATE_H
#define DP_COMMANDS_ROTATE_H
#include "provisioner/cli.h"

int dp_cmd_rotate(const dp_globals *g, int argc, char **argv);

#endif
