/* sts.c - GetCallerIdentity and AssumeRole over the Query protocol. */
#include "drivers/core/sts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drivers/core/query_proto.h"

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

time_t dp_iso8601_parse(const char *s)
{
    int y, mo, d, h, mi, sec;
    char rest[32] = "";
    if (!s || sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%31s", &y, &mo, &d, &h, &mi, &sec, rest) < 6)
        return -1;
    struct tm tm = {.tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d, .tm_hour = h, .tm_min = mi, .tm_sec = sec};
    time_t t = timegm(&tm);
    const char *z = rest;
    if (*z == '.')
        for (z++; *z >= '0' && *z <= '9'; z++) {
        }
    if ((*z == '+' || *z == '-') && strlen(z) >= 6) {
        int oh = 0, om = 0;
        if (sscanf(z + 1, "%2d:%2d", &oh, &om) == 2)
            t += (*z == '+' ? -1 : 1) * (oh * 3600 + om * 60);
    }
    return t;
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
    dp_request req;
    dp_request_init(&req);
    dp_response resp;
    dp_response_init(&resp);
    int rc = -1;
    xmlDocPtr doc = NULL;
    if (p.failed || dp_request_set(&req.method, "POST") || dp_request_set(&req.path, "/") ||
        dp_request_add_header(&req, "Content-Type", "application/x-www-form-urlencoded; charset=utf-8") ||
        dp_request_set_body(&req, p.body.data, p.body.len)) {
        dp_err_set(e, DP_E_NOMEM, "out of memory building AssumeRole");
        goto done;
    }
    dp_call call = {.svc = &dp_svc_sts, .operation = "AssumeRole", .parse_error = dp_query_parse_error};
    if (dp_client_send_with(c, &call, &req, source, &resp, e))
        goto done;
    doc = dp_xml_parse(resp.body.data, resp.body.len, e);
    if (!doc)
        goto done;
    xmlNodePtr cr = dp_xml_path(dp_xml_result(doc, "AssumeRole"), "Credentials");
    out->access_key_id = dp_xml_text(cr, "AccessKeyId");
    out->secret_access_key = dp_xml_text(cr, "SecretAccessKey");
    out->session_token = dp_xml_text(cr, "SessionToken");
    char *exp = dp_xml_text(cr, "Expiration");
    out->expiration = exp ? dp_iso8601_parse(exp) : 0;
    free(exp);
    if (!out->access_key_id || !out->secret_access_key || !out->session_token || out->expiration <= 0) {
        dp_creds_cleanup(out);
        dp_err_set(e, DP_E_PARSE, "sts AssumeRole: the answer has no complete Credentials");
        goto done;
    }
    snprintf(out->source, sizeof out->source, "assumed role %.70s", role_arn);
    rc = 0;
done:
    xmlFreeDoc(doc);
    dp_params_cleanup(&p);
    dp_request_cleanup(&req);
    dp_response_cleanup(&resp);
    return rc;
}
