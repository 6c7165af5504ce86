/* commands_task.h - `dmsprov task start|stop|status|wait|recover` (cmd_task.c). */
#ifndef DP_COMMANDS_TASK_H
#define DP_COMMANDS_TASK_H
#include "provisioner/cli.h"

int dp_cmd_task(const dp_globals *g, int argc, char **argv);

#endif
