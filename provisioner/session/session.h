/* session.h - what every command shares: the global options, the stable exit codes, and the
 * AWS client built from the options.
 *
 * Exit codes (stable): 0 success / no changes, 1 error, 2 changes present (plan
 * --detailed-exitcode), 3 timeout (task wait), 64 usage error. */
#ifndef DP_SESSION_H
#define DP_SESSION_H
#include <stdbool.h>

#include "drivers/core/client.h"

enum { DP_EXIT_OK = 0, DP_EXIT_ERROR = 1, DP_EXIT_CHANGES = 2, DP_EXIT_TIMEOUT = 3, DP_EXIT_USAGE = 64 };

/* Global options, valid before or after the command name. All strings borrowed from argv. */
typedef struct dp_globals {
    const char *region;
    const char *profile;
    const char *endpoint_url;
    const char *state;       /* state location: directory or s3://bucket/prefix */
    const char *ca_bundle;
    bool debug;
    bool no_color;
    bool insecure;           /* --no-verify-ssl: TLS verification off (warns) */
} dp_globals;

/* Owned client (dp_client_free) or NULL with e filled. */
dp_client *dp_session_client(const dp_globals *g, dp_err *e);
/* Prints e as "dmsprov: error: <one line>" and returns DP_EXIT_ERROR. */
int dp_session_fail(const dp_err *e);

#endif
