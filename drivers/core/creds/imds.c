/* imds.c - EC2 instance metadata credentials over IMDSv2 (session token first). */
#include <cjson/cJSON.h>
#include <ctype.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "drivers/base/buf.h"
#include "drivers/core/creds/chain.h"
#include "drivers/core/http.h"

#define IMDS_DEFAULT "http://169.254.169.254"
#define CREDS_PATH "/latest/meta-data/iam/security-credentials/"

typedef struct imds {
    dp_http *h;
    char base[512];
    char token_header[256]; /* "X-aws-ec2-metadata-token: ..." (secret) */
} imds;

/* GET base+path with the session token. Returns 0 with resp filled, -1 when unreachable. */
static int imds_get(imds *m, const char *path, dp_response *resp, dp_err *e)
{
    dp_buf url;
    dp_buf_init(&url, 0);
    int rc = -1;
    if (dp_buf_printf(&url, "%s%s", m->base, path) == 0) {
        const char *headers[] = {m->token_header, NULL};
        rc = dp_http_simple(m->h, "GET", dp_buf_str(&url), headers, NULL, resp, e);
    }
    dp_buf_cleanup(&url);
    return rc;
}

/* Role names are [A-Za-z0-9+=,.@_-]; anything else would change the URL path. */
static int valid_role(const char *r)
{
    if (!*r)
        return 0;
    for (; *r; r++)
        if (!isalnum((unsigned char)*r) && !strchr("+=,.@_-", *r))
            return 0;
    return 1;
}

static int fetch(imds *m, dp_creds *out, char *why, size_t why_n, dp_err *e)
{
    dp_response resp;
    dp_response_init(&resp);
    dp_err net;
    dp_err_clear(&net);
    cJSON *doc = NULL;
    int ret = 1;
    char role[128] = "";

    /* 1. The session token (PUT; IMDSv1 GETs without it are not used). */
    dp_buf url;
    dp_buf_init(&url, 0);
    const char *ttl[] = {"X-aws-ec2-metadata-token-ttl-seconds: 21600", NULL};
    int rc = dp_buf_printf(&url, "%s/latest/api/token", m->base) ? -1
             : dp_http_simple(m->h, "PUT", dp_buf_str(&url), ttl, NULL, &resp, &net);
    dp_buf_cleanup(&url);
    if (rc) {
        snprintf(why, why_n, "not reachable at %s", m->base);
        goto done;
    }
    if (resp.status != 200 || !resp.body.len || resp.body.len > 200 || strpbrk(dp_buf_str(&resp.body), "\r\n")) {
        snprintf(why, why_n, "no session token from %s (HTTP %ld)", m->base, resp.status);
        goto done;
    }
    snprintf(m->token_header, sizeof m->token_header, "X-aws-ec2-metadata-token: %s", dp_buf_str(&resp.body));

    /* 2. The role attached to the instance. */
    if (imds_get(m, CREDS_PATH, &resp, &net)) {
        snprintf(why, why_n, "not reachable at %s", m->base);
        goto done;
    }
    if (resp.status == 404) {
        snprintf(why, why_n, "no IAM role attached to the instance");
        goto done;
    }
    if (resp.status != 200) {
        snprintf(why, why_n, "%s%s answered HTTP %ld", m->base, CREDS_PATH, resp.status);
        goto done;
    }
    const char *body = dp_buf_str(&resp.body);
    size_t rl = strcspn(body, "\r\n");
    while (rl && isspace((unsigned char)body[rl - 1]))
        rl--;
    if (rl >= sizeof role) {
        dp_err_set(e, DP_E_CREDENTIALS, "EC2 instance metadata: the role name is too long");
        ret = -1;
        goto done;
    }
    memcpy(role, body, rl);
    role[rl] = '\0';
    if (!valid_role(role)) {
        dp_err_set(e, DP_E_CREDENTIALS, "EC2 instance metadata: unexpected role name");
        ret = -1;
        goto done;
    }

    /* 3. The role's credentials. */
    char path[256];
    snprintf(path, sizeof path, "%s%s", CREDS_PATH, role);
    if (imds_get(m, path, &resp, &net)) {
        snprintf(why, why_n, "not reachable at %s", m->base);
        goto done;
    }
    ret = -1;
    if (resp.status != 200) {
        dp_err_set(e, DP_E_CREDENTIALS, "EC2 instance metadata: credentials of role %s: HTTP %ld", role,
                   resp.status);
        goto done;
    }
    doc = cJSON_ParseWithLength(dp_buf_str(&resp.body), resp.body.len);
    if (!doc) {
        dp_err_set(e, DP_E_CREDENTIALS, "EC2 instance metadata: credentials of role %s are not JSON", role);
        goto done;
    }
    const cJSON *code = cJSON_GetObjectItemCaseSensitive(doc, "Code");
    if (cJSON_IsString(code) && strcmp(code->valuestring, "Success")) {
        dp_err_set(e, DP_E_CREDENTIALS, "EC2 instance metadata: credentials of role %s: Code %.60s", role,
                   code->valuestring);
        goto done;
    }
    char what[192];
    snprintf(what, sizeof what, "EC2 instance metadata (role %s)", role);
    if (dp_creds_from_json(doc, "Token", what, out, e))
        goto done;
    dp_creds_set_source(out, "%s", what);
    ret = 0;
done:
    if (resp.body.data)
        OPENSSL_cleanse(resp.body.data, resp.body.cap);
    dp_response_cleanup(&resp);
    cJSON_Delete(doc);
    return ret;
}

int dp_creds_from_imds(dp_creds *out, char *why, size_t why_n, dp_err *e)
{
    const char *disabled = getenv("AWS_EC2_METADATA_DISABLED");
    if (disabled && !strcasecmp(disabled, "true")) {
        snprintf(why, why_n, "disabled by AWS_EC2_METADATA_DISABLED");
        return DP_MISSING;
    }
    imds *m = calloc(1, sizeof *m);
    if (!m) {
        dp_err_set(e, DP_E_NOMEM, "out of memory");
        return -1;
    }
    const char *ep = getenv("AWS_EC2_METADATA_SERVICE_ENDPOINT");
    snprintf(m->base, sizeof m->base, "%s", ep && *ep ? ep : IMDS_DEFAULT);
    size_t bl = strlen(m->base);
    while (bl && m->base[bl - 1] == '/')
        m->base[--bl] = '\0';
    /* Short timeouts: a laptop without IMDS must fail fast. */
    dp_http_opts opts = {.connect_timeout_ms = 1000, .timeout_ms = 2000, .max_body = 65536};
    m->h = dp_http_new(&opts);
    int ret;
    if (!m->h) {
        dp_err_set(e, DP_E_NOMEM, "out of memory");
        ret = -1;
    } else {
        ret = fetch(m, out, why, why_n, e);
    }
    dp_http_free(m->h);
    OPENSSL_cleanse(m, sizeof *m);
    free(m);
    return ret;
}
