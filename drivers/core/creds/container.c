/* container.c - the container credentials endpoint (ECS task roles, EKS Pod Identity). */
#include <arpa/inet.h>
#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <errno.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "drivers/base/buf.h"
#include "drivers/core/creds/chain.h"
#include "drivers/core/http.h"

#define ECS_HOST "http://169.254.170.2"

static const char *env(const char *name)
{
    const char *v = getenv(name);
    return v && *v ? v : NULL;
}

/* Loopback, or the fixed link-local addresses of ECS and EKS Pod Identity (as the SDKs allow). */
static int allowed_http_host(const char *host)
{
    char bare[256];
    size_t len = strlen(host);
    if (len >= sizeof bare)
        return 0;
    if (host[0] == '[' && len > 2 && host[len - 1] == ']')
        snprintf(bare, sizeof bare, "%.*s", (int)(len - 2), host + 1);
    else
        snprintf(bare, sizeof bare, "%s", host);
    if (!strcasecmp(bare, "localhost"))
        return 1;
    unsigned char a[16];
    if (inet_pton(AF_INET, bare, a) == 1)
        return a[0] == 127 || !strcmp(bare, "169.254.170.2") || !strcmp(bare, "169.254.170.23");
    if (inet_pton(AF_INET6, bare, a) == 1) {
        static const unsigned char loop6[16] = {[15] = 1};
        static const unsigned char eks6[16] = {0xfd, 0x00, 0x0e, 0xc2, [15] = 0x23};
        return !memcmp(a, loop6, 16) || !memcmp(a, eks6, 16);
    }
    return 0;
}

/* FULL_URI must be https, or http to a loopback/ECS/EKS address, so credentials never travel
 * in clear text across a network. */
static int check_full_uri(const char *uri, dp_err *e)
{
    CURLU *u = curl_url();
    char *scheme = NULL, *host = NULL;
    int ok = -1;
    if (!u) {
        dp_err_set(e, DP_E_NOMEM, "out of memory");
        return -1;
    }
    if (curl_url_set(u, CURLUPART_URL, uri, 0) || curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) ||
        curl_url_get(u, CURLUPART_HOST, &host, 0)) {
        dp_err_set(e, DP_E_CONFIG, "AWS_CONTAINER_CREDENTIALS_FULL_URI is not a valid URL: %s", uri);
    } else if (!strcasecmp(scheme, "https") || (!strcasecmp(scheme, "http") && allowed_http_host(host))) {
        ok = 0;
    } else {
        dp_err_set(e, DP_E_CONFIG,
                   "AWS_CONTAINER_CREDENTIALS_FULL_URI %s must use https or a loopback host (127.0.0.0/8, ::1, "
                   "localhost)",
                   uri);
    }
    curl_free(scheme);
    curl_free(host);
    curl_url_cleanup(u);
    return ok;
}

/* The Authorization value: the token file wins over the token variable (as in the SDKs).
 * Returns an owned string, NULL when none is configured, or sets *failed. */
static char *auth_token(int *failed, dp_err *e)
{
    *failed = 0;
    const char *file = env("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
    char *tok = NULL;
    if (file) {
        FILE *fp = fopen(file, "r");
        if (!fp) {
            char eb[128];
            dp_err_set(e, DP_E_CREDENTIALS, "cannot read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE %s: %s", file,
                       dp_strerror(errno, eb, sizeof eb));
            *failed = 1;
            return NULL;
        }
        dp_buf b;
        dp_buf_init(&b, 16384);
        char chunk[1024];
        size_t n;
        int bad = 0;
        while (!bad && (n = fread(chunk, 1, sizeof chunk, fp)) > 0)
            bad = dp_buf_append(&b, chunk, n);
        bad = bad || ferror(fp);
        fclose(fp);
        OPENSSL_cleanse(chunk, sizeof chunk);
        if (bad) {
            if (b.data)
                OPENSSL_cleanse(b.data, b.cap);
            dp_buf_cleanup(&b);
            dp_err_set(e, DP_E_CREDENTIALS, "cannot read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE %s", file);
            *failed = 1;
            return NULL;
        }
        while (b.len && (b.data[b.len - 1] == '\n' || b.data[b.len - 1] == '\r' || b.data[b.len - 1] == ' '))
            b.data[--b.len] = '\0';
        tok = dp_buf_steal(&b);
    } else if (env("AWS_CONTAINER_AUTHORIZATION_TOKEN")) {
        tok = strdup(env("AWS_CONTAINER_AUTHORIZATION_TOKEN"));
    } else {
        return NULL;
    }
    if (!tok) {
        dp_err_set(e, DP_E_NOMEM, "out of memory");
        *failed = 1;
    } else if (strpbrk(tok, "\r\n")) {
        /* A line break would let the token inject headers. */
        dp_err_set(e, DP_E_CREDENTIALS, "the container authorization token contains a line break");
        OPENSSL_cleanse(tok, strlen(tok));
        free(tok);
        tok = NULL;
        *failed = 1;
    }
    return tok;
}

int dp_creds_from_container(const char *ca_bundle, dp_creds *out, char *why, size_t why_n, dp_err *e)
{
    const char *rel = env("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
    const char *full = env("AWS_CONTAINER_CREDENTIALS_FULL_URI");
    if (!rel && !full) {
        snprintf(why, why_n, "not configured");
        return DP_MISSING;
    }
    dp_buf url, header;
    dp_buf_init(&url, 0);
    dp_buf_init(&header, 0);
    dp_http *h = NULL;
    char *token = NULL;
    cJSON *doc = NULL;
    dp_response resp;
    dp_response_init(&resp);
    int ret = -1, failed = 0;

    if (rel) { /* RELATIVE_URI wins, as in the SDKs */
        if (dp_buf_printf(&url, "%s%s%s", ECS_HOST, rel[0] == '/' ? "" : "/", rel))
            goto nomem;
    } else {
        if (check_full_uri(full, e))
            goto done;
        if (dp_buf_puts(&url, full))
            goto nomem;
    }
    token = auth_token(&failed, e);
    if (failed)
        goto done;
    if (token && dp_buf_printf(&header, "Authorization: %s", token))
        goto nomem;
    /* The client's CA bundle, as for AWS calls; never --no-verify-ssl: these are credentials. */
    dp_http_opts opts = {.connect_timeout_ms = 2000, .timeout_ms = 5000, .max_body = 65536, .ca_bundle = ca_bundle};
    h = dp_http_new(&opts);
    if (!h)
        goto nomem;
    const char *headers[] = {token ? dp_buf_str(&header) : NULL, NULL};
    if (dp_http_simple(h, "GET", dp_buf_str(&url), headers, NULL, &resp, e)) {
        dp_err_prefix(e, "container credentials");
        if (e) {
            e->kind = DP_E_CREDENTIALS;
            size_t len = strlen(e->message);
            if (!strcmp(e->aws_code, "TLSError") && len < sizeof e->message)
                snprintf(e->message + len, sizeof e->message - len, " (%s%s)",
                         ca_bundle ? "not trusted by the CA bundle " : "set AWS_CA_BUNDLE, --ca-bundle or the "
                                                                       "profile's ca_bundle to trust its certificate",
                         ca_bundle ? ca_bundle : "");
        }
        goto done;
    }
    if (resp.status != 200) {
        dp_err_set(e, DP_E_CREDENTIALS, "container credentials endpoint %s answered HTTP %ld%s", dp_buf_str(&url),
                   resp.status,
                   resp.status == 401 || resp.status == 403 ? " (check AWS_CONTAINER_AUTHORIZATION_TOKEN)" : "");
        goto done;
    }
    doc = cJSON_ParseWithLength(dp_buf_str(&resp.body), resp.body.len);
    if (!doc) {
        dp_err_set(e, DP_E_CREDENTIALS, "container credentials endpoint %s: the response is not JSON",
                   dp_buf_str(&url));
        goto done;
    }
    if (dp_creds_from_json(doc, "Token", "container credentials", out, e))
        goto done;
    dp_creds_set_source(out, "container credentials");
    ret = 0;
    goto done;
nomem:
    dp_err_set(e, DP_E_NOMEM, "out of memory");
done:
    if (token) {
        OPENSSL_cleanse(token, strlen(token));
        free(token);
    }
    if (header.data)
        OPENSSL_cleanse(header.data, header.cap);
    if (resp.body.data)
        OPENSSL_cleanse(resp.body.data, resp.body.cap);
    dp_buf_cleanup(&header);
    dp_buf_cleanup(&url);
    dp_response_cleanup(&resp);
    cJSON_Delete(doc);
    dp_http_free(h);
    return ret;
}
