/* sts.c - GetCallerIdentity and AssumeRole over the Query protocol. */
#include "drivers/core/sts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drivers/core/proto/query.h"

void dp_identity_cleanup(dp_identity *id)
{
    free(id->account);
    free(id->arn);
    free(id->user_id);
    memset(id, 0, sizeof *id);
}

int dp_sts_get_caller_identity(dp_client *c, dp_identity *out, dp_err *e)
{
    memset(out, 0, sizeof *out);
    dp_params p;
    dp_params_init(&p, "GetCallerIdentity", dp_svc_sts.api_version);
    xmlDocPtr doc = NULL;
    int rc = dp_query_call(c, &dp_svc_sts, "GetCallerIdentity", &p, &doc, e);
    dp_params_cleanup(&p);
    if (rc)
        return -1;
    xmlNodePtr r = dp_xml_result(doc, "GetCallerIdentity");
    out->account = dp_xml_text(r, "Account");
    out->arn = dp_xml_text(r, "Arn");
    out->user_id = dp_xml_text(r, "UserId");
    xmlFreeDoc(doc);
    if (!out->account || !out->arn) {
        dp_identity_cleanup(out);
        dp_err_set(e, DP_E_PARSE, "sts GetCallerIdentity: the answer has no Account or Arn");
        return -1;
    }
    return 0;
}

int dp_sts_assume_role(void *client, const dp_creds *source, const char *role_arn, const char *session_name,
                       const char *external_id, int duration_seconds, dp_creds *out, dp_err *e)
{
    dp_client *c = client;
    memset(out, 0, sizeof *out);
    dp_params p;
    dp_params_init(&p, "AssumeRole", dp_svc_sts.api_version);
    dp_params_add(&p, "RoleArn", role_arn);
    dp_params_add(&p, "RoleSessionName", session_name && *session_name ? session_name : "dmsprov");
    if (external_id && *external_id)
        dp_params_add(&p, "ExternalId", external_id);
    if (duration_seconds > 0) {
        char d[16];
        snprintf(d, sizeof d, "%d", duration_seconds);
        dp_params_add(&p, "DurationSeconds", d);
    }
    int rc = -1;
    xmlDocPtr doc = NULL;
    if (dp_query_call_as(c, &dp_svc_sts, "AssumeRole", &p, source, &doc, e))
        goto done;
    xmlNodePtr cr = dp_xml_path(dp_xml_result(doc, "AssumeRole"), "Credentials");
    out->access_key_id = dp_xml_text(cr, "AccessKeyId");
    out->secret_access_key = dp_xml_text(cr, "SecretAccessKey");
    out->session_token = dp_xml_text(cr, "SessionToken");
    char *exp = dp_xml_text(cr, "Expiration");
    if (!exp || dp_creds_parse_time(exp, &out->expiration))
        out->expiration = 0;
    free(exp);
    if (!out->access_key_id || !out->secret_access_key || !out->session_token || out->expiration <= 0) {
        dp_creds_cleanup(out);
        dp_err_set(e, DP_E_PARSE, "sts AssumeRole: the answer has no complete Credentials");
        goto done;
    }
    snprintf(out->source, sizeof out->source, "assumed role %.200s", role_arn);
    rc = 0;
done:
    xmlFreeDoc(doc);
    dp_params_cleanup(&p);
    return rc;
}
