/* rotate_steps.h - the steps of a rotation in their order (rotate_steps.c). */
#ifndef DP_ROTATE_STEPS_H
#define DP_ROTATE_STEPS_H
#include "provisioner/rotate/rotate_record.h"

/* create -> set -> test -> finish for r->token (each step skipped when AWS shows it done). */
int dp_rot_steps(dp_rot_run *r, dp_err *e);

#endif
