/* session.c - the AWS client for a command, and rendering its errors. */
#include "drivers/core/sts.h"
#include "provisioner/session/session.h"

#include <stdio.h>

#include "provisioner/session/report.h"

dp_client *dp_session_client(const dp_globals *g, dp_err *e)
{
    dp_client_options o = {
        .assume_role = dp_sts_assume_role,
        .region = g->region,
        .profile = g->profile,
        .endpoint_url = g->endpoint_url,
        .ca_bundle = g->ca_bundle,
        .insecure = g->insecure,
    };
    return dp_client_new(&o, e);
}

int dp_session_fail(const dp_err *e)
{
    char line[1400];
    dp_err_format(e, line, sizeof line);
    return dp_cli_fail("%s", line);
}
