/* rotate_finish.h - the finish step (rotate_finish.c). */
#ifndef DP_ROTATE_FINISH_H
#define DP_ROTATE_FINISH_H
#include "provisioner/rotate/rotate_record.h"

/* The finish step: AWSCURRENT moves to the token's version, every dependent is updated,
 * tasks paused for it resumed, the secret tagged. */
int dp_rot_finish(dp_rot_run *r, dp_err *e);

#endif
