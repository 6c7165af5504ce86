/* env.c - credentials from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN. */
#include <stdio.h>
#include <stdlib.h>

#include "drivers/core/creds/chain.h"

static const char *env(const char *name)
{
    const char *v = getenv(name);
    return v && *v ? v : NULL;
}

int dp_creds_from_env(dp_creds *out, char *why, size_t why_n, dp_err *e)
{
    const char *akid = env("AWS_ACCESS_KEY_ID");
    const char *secret = env("AWS_SECRET_ACCESS_KEY");
    if (!akid && !secret) {
        snprintf(why, why_n, "AWS_ACCESS_KEY_ID not set");
        return DP_MISSING;
    }
    if (!akid || !secret) {
        /* Half a key pair is a mistake, not a reason to try something else silently. */
        dp_err_set(e, DP_E_CREDENTIALS, "%s is set in the environment but %s is not; set both or neither",
                   akid ? "AWS_ACCESS_KEY_ID" : "AWS_SECRET_ACCESS_KEY",
                   akid ? "AWS_SECRET_ACCESS_KEY" : "AWS_ACCESS_KEY_ID");
        return -1;
    }
    /* AWS_SECURITY_TOKEN is the older name some tools still set. */
    const char *token = env("AWS_SESSION_TOKEN");
    if (!token)
        token = env("AWS_SECURITY_TOKEN");
    if (dp_creds_set(out, akid, secret, token, 0)) {
        dp_err_set(e, DP_E_NOMEM, "out of memory");
        return -1;
    }
    dp_creds_set_source(out, "environment");
    return 0;
}
