/* rotate_sql.h - logging in to PostgreSQL and changing the master password through libpq (the
 * `sql` method and the login test). Without libpq (DP_HAVE_LIBPQ undefined) every call fails
 * with a message saying so. Passwords are borrowed and never logged; ALTER ROLE receives the
 * SCRAM verifier computed on our side (PQencryptPasswordConn), never the clear password. */
#ifndef DP_ROTATE_SQL_H
#define DP_ROTATE_SQL_H
#include <stdbool.h>

#include "drivers/base/err.h"

typedef struct dp_rot_db {
    const char *host, *port, *dbname, *user; /* borrowed, from the secret's JSON */
    int connect_timeout;                     /* seconds; 0 = 5 */
} dp_rot_db;

enum { DP_ROT_LOGIN_OK = 0, DP_ROT_LOGIN_REFUSED = 1, DP_ROT_LOGIN_UNREACHABLE = 2 };

bool dp_rot_sql_available(void);
/* Logs in with password and runs SELECT 1: DP_ROT_LOGIN_OK, _REFUSED (authentication
 * failed) or _UNREACHABLE (no answer; e says why), or -1 on another error (e filled). */
int dp_rot_sql_login(const dp_rot_db *db, const char *password, dp_err *e);
/* Logs in with login_password and sets the user's password to new_password. */
int dp_rot_sql_set_password(const dp_rot_db *db, const char *login_password, const char *new_password, dp_err *e);

#endif
