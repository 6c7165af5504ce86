/* rotate_record.h - one rotation run's context and its record in the
 * stack's state (rotate_record.c).
 *
 * Ownership: a rot_run owns client, store, state (cJSON) and cfg; rec is borrowed from state. */
#ifndef DP_ROTATE_RECORD_H
#define DP_ROTATE_RECORD_H
#include <cjson/cJSON.h>
#include <stdbool.h>

#include "drivers/core/client.h"
#include "provisioner/rotate/rotate.h"
#include "provisioner/state/state.h"

typedef struct dp_rot_run {
    const dp_globals *g;
    const dp_rot_options *o;
    dp_client *c;
    dp_state_store *store;
    cJSON *state;      /* the stack's state document */
    cJSON *rec;        /* this rotation's entry in state.rotations (borrowed) */
    dp_rot_config cfg;
    char secret[2048]; /* the secret's physical id (ARN or name) */
    char token[40];    /* the idempotency token = the new version's id */
    bool locked;       /* this run holds the stack's lock */
} dp_rot_run;

/* The physical id of a template resource: the state's, else the template's literal name
 * (fallback may be NULL); NULL when neither. Borrowed. */
const char *dp_rot_physical_id(const dp_rot_run *r, const char *logical_id, const char *fallback);
/* Writes the state (rec changes included); 0 ok. */
int dp_rot_save(dp_rot_run *r, dp_err *e);
/* Sets rec[key] = value (string) and saves. */
int dp_rot_mark(dp_rot_run *r, const char *key, const char *value, dp_err *e);

/* DMSPROV_TEST_CRASH_AFTER=<step>: the process ends (_exit 137) right after that step. */
void dp_rot_test_crash(const char *step);

#endif
