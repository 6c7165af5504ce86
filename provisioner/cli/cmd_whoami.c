/* cmd_whoami.c - `dmsprov whoami` and `dmsprov version`. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drivers/core/sts.h"
#include "provisioner/cli/commands.h"
#include "provisioner/session/session.h"

int dp_cmd_version(const dp_globals *g, int argc, char **argv)
{
    (void)g;
    if (argc > 1 && dp_cli_is_help(argv[1])) {
        puts("Usage: dmsprov version\n\nPrints dmsprov's version.");
        return DP_EXIT_OK;
    }
    printf("dmsprov %s\n", DP_VERSION);
    return DP_EXIT_OK;
}

int dp_cmd_whoami(const dp_globals *g, int argc, char **argv)
{
    bool json = false;
    for (int i = 1; i < argc; i++) {
        if (dp_cli_is_help(argv[i])) {
            puts("Usage: dmsprov whoami [--json]\n\n"
                 "Calls STS GetCallerIdentity and shows the account, the caller's ARN, the region, the\n"
                 "endpoint used and where the credentials came from.");
            return DP_EXIT_OK;
        }
        if (!strcmp(argv[i], "--json"))
            json = true;
        else
            return dp_cli_usage_fail("whoami", "unknown option \"%s\"", argv[i]);
    }
    dp_err e;
    dp_err_clear(&e);
    dp_client *c = dp_session_client(g, &e);
    if (!c)
        return dp_session_fail(&e);
    dp_identity id;
    dp_endpoint ep;
    dp_creds creds = {0};
    int rc = DP_EXIT_ERROR;
    if (dp_client_endpoint(c, &dp_svc_sts, &ep, &e) || dp_client_credentials(c, &creds, &e) ||
        dp_sts_get_caller_identity(c, &id, &e)) {
        rc = dp_session_fail(&e);
        goto done;
    }
    char url[600];
    snprintf(url, sizeof url, "%s://%s%s", ep.scheme, ep.host, ep.base_path);
    if (json) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "Account", id.account);
        cJSON_AddStringToObject(o, "Arn", id.arn);
        cJSON_AddStringToObject(o, "UserId", id.user_id ? id.user_id : "");
        cJSON_AddStringToObject(o, "Region", dp_client_region(c));
        cJSON_AddStringToObject(o, "Endpoint", url);
        cJSON_AddStringToObject(o, "EndpointSource", ep.origin);
        cJSON_AddStringToObject(o, "CredentialsSource", creds.source);
        char *s = cJSON_Print(o);
        if (s)
            puts(s);
        free(s);
        cJSON_Delete(o);
    } else {
        printf("Account:     %s\nARN:         %s\nRegion:      %s\nEndpoint:    %s (%s)\nCredentials: %s\n",
               id.account, id.arn, dp_client_region(c), url, ep.origin, creds.source);
    }
    dp_identity_cleanup(&id);
    rc = DP_EXIT_OK;
done:
    dp_creds_cleanup(&creds);
    dp_client_free(c);
    return rc;
}
