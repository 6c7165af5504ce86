/* rotate_sql.c - PostgreSQL logins and ALTER ROLE … PASSWORD through libpq. */
#include "provisioner/rotate/rotate_sql.h"

#include <stdio.h>
#include <string.h>

#ifdef DP_HAVE_LIBPQ
#include <libpq-fe.h>

bool dp_rot_sql_available(void) { return true; }

/* libpq's message on one line, without its trailing newline. */
static void set_pq_err(dp_err *e, enum dp_err_kind kind, const char *what, const char *msg)
{
    char line[600];
    snprintf(line, sizeof line, "%s", msg ? msg : "");
    /* one line: newlines and tabs become single spaces */
    char *w = line;
    for (const char *p = line; *p; p++) {
        bool blank = *p == '\n' || *p == '\r' || *p == '\t' || *p == ' ';
        if (!blank || (w > line && w[-1] != ' '))
            *w++ = blank ? ' ' : *p;
    }
    while (w > line && w[-1] == ' ')
        w--;
    *w = '\0';
    dp_err_set(e, kind, "%s: %s", what, line);
}

static PGconn *connect_db(const dp_rot_db *db, const char *password)
{
    char timeout[16];
    snprintf(timeout, sizeof timeout, "%d", db->connect_timeout > 0 ? db->connect_timeout : 5);
    const char *keys[] = {"host", "port", "dbname", "user", "password", "connect_timeout", "application_name", NULL};
    const char *vals[] = {db->host, db->port, db->dbname ? db->dbname : "postgres", db->user, password, timeout,
                          "dmsprov-rotate", NULL};
    return PQconnectdbParams(keys, vals, 0);
}

static bool auth_refused(const char *msg)
{
    return msg && (strstr(msg, "authentication failed") || strstr(msg, "no password supplied") ||
                   strstr(msg, "password authentication"));
}

int dp_rot_sql_login(const dp_rot_db *db, const char *password, dp_err *e)
{
    PGconn *conn = connect_db(db, password);
    int rc;
    if (!conn) {
        dp_err_set(e, DP_E_NOMEM, "out of memory");
        return -1;
    }
    if (PQstatus(conn) != CONNECTION_OK) {
        const char *msg = PQerrorMessage(conn);
        rc = auth_refused(msg) ? DP_ROT_LOGIN_REFUSED : DP_ROT_LOGIN_UNREACHABLE;
        set_pq_err(e, rc == DP_ROT_LOGIN_REFUSED ? DP_E_CREDENTIALS : DP_E_NETWORK, "database login", msg);
        PQfinish(conn);
        return rc;
    }
    PGresult *r = PQexec(conn, "SELECT 1");
    rc = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1 ? DP_ROT_LOGIN_OK : -1;
    if (rc)
        set_pq_err(e, DP_E_IO, "SELECT 1", PQerrorMessage(conn));
    PQclear(r);
    PQfinish(conn);
    return rc;
}

int dp_rot_sql_set_password(const dp_rot_db *db, const char *login_password, const char *new_password, dp_err *e)
{
    PGconn *conn = connect_db(db, login_password);
    if (!conn || PQstatus(conn) != CONNECTION_OK) {
        set_pq_err(e, DP_E_CREDENTIALS, "database login", conn ? PQerrorMessage(conn) : "out of memory");
        PQfinish(conn);
        return -1;
    }
    int rc = -1;
    /* the server gets the SCRAM verifier, so the clear password reaches no server log */
    char *verifier = PQencryptPasswordConn(conn, new_password, db->user, NULL);
    char *ident = PQescapeIdentifier(conn, db->user, strlen(db->user));
    char *lit = verifier ? PQescapeLiteral(conn, verifier, strlen(verifier)) : NULL;
    if (!verifier || !ident || !lit) {
        set_pq_err(e, DP_E_IO, "preparing ALTER ROLE", PQerrorMessage(conn));
    } else {
        size_t n = strlen(ident) + strlen(lit) + 32;
        char sql[1024];
        if (n > sizeof sql) {
            dp_err_set(e, DP_E_INPUT, "user name too long");
        } else {
            snprintf(sql, sizeof sql, "ALTER ROLE %s PASSWORD %s", ident, lit);
            PGresult *r = PQexec(conn, sql);
            if (PQresultStatus(r) == PGRES_COMMAND_OK)
                rc = 0;
            else
                set_pq_err(e, DP_E_IO, "ALTER ROLE", PQerrorMessage(conn));
            PQclear(r);
            memset(sql, 0, sizeof sql);
        }
    }
    PQfreemem(verifier);
    PQfreemem(ident);
    PQfreemem(lit);
    PQfinish(conn);
    return rc;
}

#else

bool dp_rot_sql_available(void) { return false; }

int dp_rot_sql_login(const dp_rot_db *db, const char *password, dp_err *e)
{
    (void)db;
    (void)password;
    dp_err_set(e, DP_E_CONFIG, "dmsprov was built without libpq: no database login possible");
    return DP_ROT_LOGIN_UNREACHABLE;
}

int dp_rot_sql_set_password(const dp_rot_db *db, const char *login_password, const char *new_password, dp_err *e)
{
    (void)db;
    (void)login_password;
    (void)new_password;
    dp_err_set(e, DP_E_CONFIG, "dmsprov was built without libpq: --method sql is not available");
    return -1;
}

#endif
