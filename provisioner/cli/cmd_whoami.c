/* cmd_whoami.c - `dmsprov whoami`: the identity, region, endpoint and credential source in use. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drivers/core/sts.h"
#include "provisioner/cli/commands.h"
#include "provisioner/cli/options.h"
#include "provisioner/session/session.h"

int dp_cmd_whoami(const dp_globals *g, int argc, char **argv)
{
    bool json = false;
    const dp_option opts[] = {
        DP_OPT_FLAG(0, "json", &json,
                    "{\"Account\", \"Arn\", \"UserId\", \"Region\", \"Endpoint\", \"EndpointSource\",\n"
                    "\"CredentialsSource\"} as one JSON document"),
        DP_OPT_END(),
    };
    const dp_opt_cmd cmd = {
        .name = "whoami",
        .options = opts,
        .description = "Calls STS GetCallerIdentity and shows the account, the caller's ARN, the region, the\n"
                       "endpoint used and where the credentials came from.\n",
        .examples = "dmsprov whoami\n"
                    "dmsprov --profile lab --region eu-west-1 whoami --json",
    };
    int rc = dp_opt_parse(&cmd, argc, argv);
    if (rc)
        return rc == DP_OPT_HELP ? DP_EXIT_OK : rc;
    dp_err e;
    dp_err_clear(&e);
    dp_client *c = dp_session_client(g, &e);
    if (!c)
        return dp_session_fail(&e);
    dp_identity id;
    dp_endpoint ep;
    dp_creds creds = {0};
    rc = DP_EXIT_ERROR;
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
        dp_cli_print_json(o);
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
