/* rotate_internal.h - what the rotation's files share: one run's context.
 *
 * Ownership: a rot_run owns client, store, state (cJSON) and cfg; rec is borrowed from state. */
#ifndef DP_ROTATE_INTERNAL_H
#define DP_ROTATE_INTERNAL_H
#include <cjson/cJSON.h>
#include <stdbool.h>

#include "drivers/core/client.h"
#include "provisioner/rotate.h"
#include "provisioner/rotate_sql.h"
#include "provisioner/state.h"

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

/* create -> set -> test -> finish for r->token (each step skipped when AWS shows it done). */
int dp_rot_steps(dp_rot_run *r, dp_err *e);

/* The finish step: AWSCURRENT moves to the token's version, every dependent is updated,
 * tasks paused for it resumed, the secret tagged. */
int dp_rot_finish(dp_rot_run *r, dp_err *e);

/* Where to log in to the database (rotate_login.c). Owns host, port, dbname; db points at
 * them and borrows user from the secret's JSON. */
typedef struct dp_rot_login {
    dp_rot_db db;    /* db.host NULL: nowhere known */
    char *host, *port, *dbname;
    char from[600];  /* where the host came from, for messages */
} dp_rot_login;

/* The secret's host/port/dbname; when it has no host, the live endpoint of the DB cluster
 * that takes its password from the secret; then the SSM parameters marked dmsprov:login for
 * what is still missing. Port defaults to 5432. Fails only when an AWS lookup fails. */
int dp_rot_login_find(dp_rot_run *r, const cJSON *secret_doc, dp_rot_login *l, dp_err *e);
void dp_rot_login_cleanup(dp_rot_login *l);

/* Renews, in r->state (written by the caller), the secret_hashes entries the engine keeps for
 * the dependents' properties, from the new secret string (see rotate_hashes.c). */
int dp_rot_update_hashes(dp_rot_run *r, const char *secret_string, dp_err *e);

/* DMSPROV_TEST_CRASH_AFTER=<step>: the process ends (_exit 137) right after that step. */
void dp_rot_test_crash(const char *step);

#endif
