/* rotate_hashes.h - the engine's secret hashes after a rotation (rotate_hashes.c). */
#ifndef DP_ROTATE_HASHES_H
#define DP_ROTATE_HASHES_H
#include "provisioner/rotate/rotate_record.h"

/* Renews, in r->state (written by the caller), the secret_hashes entries the engine keeps for
 * the dependents' properties, from the new secret string (see rotate_hashes.c). */
int dp_rot_update_hashes(dp_rot_run *r, const char *secret_string, dp_err *e);

#endif
