/* rotate_login.h - where to log in to the database (rotate_login.c). */
#ifndef DP_ROTATE_LOGIN_H
#define DP_ROTATE_LOGIN_H
#include <cjson/cJSON.h>

#include "provisioner/rotate/rotate_record.h"
#include "provisioner/rotate/rotate_sql.h"

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

#endif
