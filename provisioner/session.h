/* session.h - building the AWS client a command needs from the global options. */
#ifndef DP_SESSION_H
#define DP_SESSION_H
#include "drivers/core/client.h"
#include "provisioner/cli.h"

/* Owned client (dp_client_free) or NULL with e filled. */
dp_client *dp_session_client(const dp_globals *g, dp_err *e);
/* Prints e as "dmsprov: error: <one line>" and returns DP_EXIT_ERROR. */
int dp_session_fail(const dp_err *e);

#endif
