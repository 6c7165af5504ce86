/* sso_portal.c - GetRoleCredentials on the IAM Identity Center portal (unsigned, bearer token). */
#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <openssl/crypto.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "drivers/base/buf.h"
#include "drivers/base/jsonutil.h"
#include "drivers/base/log.h"
#include "drivers/base/rand.h"
#include "drivers/core/creds/chain.h"
#include "drivers/core/creds/sso.h"
#include "drivers/core/endpoint.h"
#include "drivers/core/http.h"
#include "drivers/core/request.h"
#include "drivers/core/retry.h"
#include "drivers/core/service.h"

#define ATTEMPTS 3 /* botocore's standard retry mode for the SSO client */

int dp_sso_parse_role_credentials(const char *body, size_t len, dp_creds *out, dp_err *e)
{
    cJSON *doc = cJSON_ParseWithLength(body, len);
    const cJSON *rc_ = cJSON_GetObjectItemCaseSensitive(doc, "roleCredentials");
    const char *akid = dp_json_nonempty_str(rc_, "accessKeyId");
    const char *secret = dp_json_nonempty_str(rc_, "secretAccessKey");
    const char *token = dp_json_nonempty_str(rc_, "sessionToken");
    const cJSON *exp = cJSON_GetObjectItemCaseSensitive(rc_, "expiration");
    int rc = -1;
    if (!cJSON_IsObject(rc_)) {
        dp_err_set(e, DP_E_CREDENTIALS, "SSO GetRoleCredentials: the answer has no roleCredentials object");
    } else if (!akid || !secret || !token) {
        dp_err_set(e, DP_E_CREDENTIALS, "SSO GetRoleCredentials: the answer has no %s",
                   !akid ? "accessKeyId" : !secret ? "secretAccessKey" : "sessionToken");
    } else if (!cJSON_IsNumber(exp) || !isfinite(exp->valuedouble) || exp->valuedouble <= 0 ||
               exp->valuedouble / 1000.0 > (double)INT32_MAX * 4) {
        dp_err_set(e, DP_E_CREDENTIALS, "SSO GetRoleCredentials: the answer has no valid expiration");
    } else if (dp_creds_set(out, akid, secret, token, (time_t)(exp->valuedouble / 1000.0))) {
        dp_err_set(e, DP_E_NOMEM, "out of memory");
    } else {
        rc = 0;
    }
    for (cJSON *it = rc_ ? rc_->child : NULL; it; it = it->next)
        if (cJSON_IsString(it) && it->valuestring)
            OPENSSL_cleanse(it->valuestring, strlen(it->valuestring));
    cJSON_Delete(doc);
    return rc;
}

/* The portal endpoint: AWS_ENDPOINT_URL_SSO, AWS_ENDPOINT_URL, the profile's services section
 * ("sso = \n  endpoint_url = ...") and endpoint_url, else portal.sso.REGION.amazonaws.com.
 * --endpoint-url does not apply: like the CLI's, it is for the command's own service. */
static int portal_endpoint(const dp_config *cfg, const char *profile, const char *region, dp_endpoint *ep,
                           dp_err *e)
{
    const char *section = profile ? dp_config_get(cfg, profile, "services") : NULL;
    dp_endpoint_config ec = {
        .flag_url = NULL,
        .profile_url = profile ? dp_config_get(cfg, profile, "endpoint_url") : NULL,
        .profile_service_url = section ? dp_config_services_get(cfg, section, "sso.endpoint_url") : NULL,
    };
    return dp_endpoint_resolve(&dp_svc_sso, region, &ec, ep, e);
}

/* Fills e from an error answer (rest-json: x-amzn-ErrorType header, else __type/code in the
 * body; "message"). Returns 1 for UnauthorizedException. */
static int portal_error(const dp_response *resp, dp_err *e)
{
    char code[128] = "", msg[300] = "";
    const char *h = dp_response_header(resp, "x-amzn-errortype");
    cJSON *doc = cJSON_ParseWithLength(dp_buf_str(&resp->body), resp->body.len);
    const char *c = h ? h : dp_json_nonempty_str(doc, "__type") ? dp_json_nonempty_str(doc, "__type") : dp_json_nonempty_str(doc, "code");
    if (c) {
        const char *hash = strrchr(c, '#'); /* "namespace#Code" */
        if (hash)
            c = hash + 1;
        snprintf(code, sizeof code, "%.*s", (int)strcspn(c, ":"), c); /* "Code:http://..." */
    }
    const char *m = dp_json_nonempty_str(doc, "message") ? dp_json_nonempty_str(doc, "message") : dp_json_nonempty_str(doc, "Message");
    if (m)
        snprintf(msg, sizeof msg, "%s", m);
    cJSON_Delete(doc);
    if (!strcmp(code, "UnauthorizedException") || (!code[0] && resp->status == 401))
        return 1;
    if (e) {
        e->kind = DP_E_AWS;
        e->http_status = resp->status;
        snprintf(e->aws_code, sizeof e->aws_code, "%s", code[0] ? code : "");
        if (!code[0])
            snprintf(e->aws_code, sizeof e->aws_code, "HTTP%ld", resp->status);
        snprintf(e->message, sizeof e->message, "%s", msg[0] ? msg : "(no message)");
    }
    return 0;
}

static void sleep_seconds(double s)
{
    struct timespec ts = {(time_t)s, (long)((s - (double)(time_t)s) * 1e9)};
    while (nanosleep(&ts, &ts) && errno == EINTR) {
    }
}

int dp_sso_get_role_credentials(const dp_sso_settings *s, const char *token, const dp_config *cfg,
                                const char *endpoint_profile, const char *ca_bundle, dp_creds *out, dp_err *e)
{
    if (strpbrk(token, "\r\n")) /* a line break would inject headers */
        return 1;
    dp_endpoint ep;
    if (portal_endpoint(cfg, endpoint_profile, s->region, &ep, e)) {
        dp_err_prefix(e, "profile \"%s\": SSO portal", s->profile);
        return -1;
    }
    dp_buf url, header;
    dp_buf_init(&url, 0);
    dp_buf_init(&header, 0);
    int bad = dp_buf_printf(&url, "%s://%s%s/federation/credentials?role_name=", ep.scheme, ep.host, ep.base_path) ||
              dp_uri_encode(&url, s->role_name, strlen(s->role_name), false) || dp_buf_puts(&url, "&account_id=") ||
              dp_uri_encode(&url, s->account_id, strlen(s->account_id), false) ||
              dp_buf_printf(&header, "x-amz-sso_bearer_token: %s", token);
    /* Unsigned (the model's auth is smithy.api#noAuth): the bearer token is the credential. */
    dp_http_opts opts = {.connect_timeout_ms = 10000, .timeout_ms = 60000, .max_body = 65536, .ca_bundle = ca_bundle};
    dp_http *h = bad ? NULL : dp_http_new(&opts);
    dp_response resp;
    dp_response_init(&resp);
    int ret = -1;
    if (!h) {
        dp_err_set(e, DP_E_NOMEM, "out of memory");
        goto done;
    }
    const char *headers[] = {dp_buf_str(&header), "User-Agent: dmsprov/" DP_VERSION, NULL};
    dp_err err;
    for (int n = 1;; n++) {
        dp_err_clear(&err);
        if (!dp_http_simple(h, "GET", dp_buf_str(&url), headers, NULL, &resp, &err)) {
            if (resp.status == 200) {
                ret = dp_sso_parse_role_credentials(dp_buf_str(&resp.body), resp.body.len, out, e);
                if (ret)
                    dp_err_prefix(e, "profile \"%s\" (%s)", s->profile, dp_buf_str(&url));
                goto done;
            }
            if (portal_error(&resp, &err)) {
                ret = 1;
                goto done;
            }
        }
        dp_retry_class cls = dp_retry_classify(&err);
        if (cls == DP_RETRY_NO || cls == DP_RETRY_CLOCK_SKEW || n >= ATTEMPTS)
            break;
        double wait = dp_retry_backoff(n, dp_random_unit(), DP_RETRY_MAX_BACKOFF);
        dp_debug("sso GetRoleCredentials failed (%s); retry %d of %d in %.2fs", err.aws_code, n, ATTEMPTS - 1, wait);
        sleep_seconds(wait);
    }
    if (err.kind == DP_E_AWS)
        dp_err_set(e, DP_E_CREDENTIALS,
                   "profile \"%s\": SSO GetRoleCredentials for role %s in account %s (%s): %s: %s (HTTP %ld)",
                   s->profile, s->role_name, s->account_id, ep.origin, err.aws_code, err.message, err.http_status);
    else
        dp_err_set(e, DP_E_CREDENTIALS, "profile \"%s\": SSO GetRoleCredentials (%s): %s", s->profile, ep.origin,
                   err.message);
done:
    if (header.data)
        OPENSSL_cleanse(header.data, header.cap);
    if (resp.body.data)
        OPENSSL_cleanse(resp.body.data, resp.body.cap);
    dp_buf_cleanup(&header);
    dp_buf_cleanup(&url);
    dp_response_cleanup(&resp);
    dp_http_free(h);
    return ret;
}
