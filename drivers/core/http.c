/* http.c - libcurl transport: one easy handle per dp_http, so connections are reused. */
#include "drivers/core/http.h"

#include <ctype.h>
#include <curl/curl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "drivers/base/log.h"

struct dp_http {
    CURL *curl; /* owned */
    dp_http_opts opts;
    char *ca_bundle; /* owned copy */
};

int dp_http_global_init(void) { return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK ? 0 : -1; }
void dp_http_global_cleanup(void) { curl_global_cleanup(); }

dp_http *dp_http_new(const dp_http_opts *opts)
{
    dp_http *h = calloc(1, sizeof *h);
    if (!h)
        return NULL;
    if (opts)
        h->opts = *opts;
    if (!h->opts.connect_timeout_ms)
        h->opts.connect_timeout_ms = 10000;
    if (!h->opts.timeout_ms)
        h->opts.timeout_ms = 120000;
    if (!h->opts.max_body)
        h->opts.max_body = (size_t)64 * 1024 * 1024;
    if (h->opts.ca_bundle) {
        h->ca_bundle = strdup(h->opts.ca_bundle);
        h->opts.ca_bundle = h->ca_bundle;
    }
    h->curl = curl_easy_init();
    if (!h->curl || (opts && opts->ca_bundle && !h->ca_bundle)) {
        dp_http_free(h);
        return NULL;
    }
    return h;
}

void dp_http_free(dp_http *h)
{
    if (!h)
        return;
    if (h->curl)
        curl_easy_cleanup(h->curl);
    free(h->ca_bundle);
    free(h);
}

void dp_response_init(dp_response *resp)
{
    memset(resp, 0, sizeof *resp);
    dp_buf_init(&resp->body, 0);
}

static void clear_headers(dp_response *resp)
{
    for (size_t i = 0; i < resp->nheaders; i++) {
        free(resp->headers[i].name);
        free(resp->headers[i].value);
    }
    resp->nheaders = 0;
}

void dp_response_cleanup(dp_response *resp)
{
    clear_headers(resp);
    free(resp->headers);
    resp->headers = NULL;
    resp->cap_headers = 0;
    dp_buf_cleanup(&resp->body);
}

const char *dp_response_header(const dp_response *resp, const char *name)
{
    for (size_t i = 0; i < resp->nheaders; i++)
        if (!strcasecmp(resp->headers[i].name, name))
            return resp->headers[i].value;
    return NULL;
}

static size_t on_body(char *ptr, size_t size, size_t nmemb, void *userdata)
{
    dp_response *resp = userdata;
    size_t n = size * nmemb;
    if (dp_buf_append(&resp->body, ptr, n))
        return 0; /* over the cap: curl aborts with CURLE_WRITE_ERROR */
    return n;
}

static char *trim_dup(const char *s, size_t len)
{
    while (len && isspace((unsigned char)*s)) {
        s++;
        len--;
    }
    while (len && isspace((unsigned char)s[len - 1]))
        len--;
    char *p = malloc(len + 1);
    if (p) {
        memcpy(p, s, len);
        p[len] = '\0';
    }
    return p;
}

static size_t on_header(char *ptr, size_t size, size_t nmemb, void *userdata)
{
    dp_response *resp = userdata;
    size_t n = size * nmemb;
    if (n >= 5 && !strncmp(ptr, "HTTP/", 5)) {
        clear_headers(resp); /* a new response (after 100-continue or a redirect) */
        return n;
    }
    const char *colon = memchr(ptr, ':', n);
    if (!colon)
        return n;
    if (resp->nheaders == resp->cap_headers) {
        size_t cap = resp->cap_headers ? resp->cap_headers * 2 : 16;
        dp_header *h = realloc(resp->headers, cap * sizeof *h);
        if (!h)
            return 0;
        resp->headers = h;
        resp->cap_headers = cap;
    }
    char *name = trim_dup(ptr, (size_t)(colon - ptr));
    char *value = trim_dup(colon + 1, n - (size_t)(colon - ptr) - 1);
    if (!name || !value) {
        free(name);
        free(value);
        return 0;
    }
    for (char *c = name; *c; c++)
        *c = (char)tolower((unsigned char)*c);
    resp->headers[resp->nheaders].name = name;
    resp->headers[resp->nheaders].value = value;
    resp->nheaders++;
    return n;
}

static const char *curl_failure_code(CURLcode rc)
{
    switch (rc) {
    case CURLE_OPERATION_TIMEDOUT:
        return "Timeout";
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
        return "TLSError";
    case CURLE_WRITE_ERROR:
        return "ResponseTooLarge";
    default:
        return "ConnectionError";
    }
}

int dp_http_send(dp_http *h, const dp_request *req, dp_response *resp, dp_err *e)
{
    CURL *c = h->curl;
    struct curl_slist *hdrs = NULL;
    char *url = dp_request_url(req);
    int ret = -1;
    dp_buf line;
    dp_buf_init(&line, 0);

    clear_headers(resp);
    dp_buf_reset(&resp->body);
    resp->body.max = h->opts.max_body;
    resp->status = 0;
    if (!url) {
        dp_err_set(e, DP_E_NOMEM, "out of memory building a request URL");
        goto done;
    }
    curl_easy_reset(c);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, h->opts.connect_timeout_ms);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, h->opts.timeout_ms);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, resp);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, resp);
    curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, ""); /* any encoding curl can decode */
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, h->opts.insecure ? 0L : 1L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, h->opts.insecure ? 0L : 2L);
    if (h->opts.ca_bundle)
        curl_easy_setopt(c, CURLOPT_CAINFO, h->opts.ca_bundle);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, req->method);
    if (!strcmp(req->method, "HEAD"))
        curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
    if (req->body_len || !strcmp(req->method, "POST") || !strcmp(req->method, "PUT")) {
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, req->body ? (const char *)req->body : "");
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)req->body_len);
    }
    /* Headers exactly as signed; suppress the ones curl would add on its own. */
    for (size_t i = 0; i < req->nheaders; i++) {
        if (!strcasecmp(req->headers[i].name, "host"))
            continue;
        dp_buf_reset(&line);
        if (req->headers[i].value[0])
            dp_buf_printf(&line, "%s: %s", req->headers[i].name, req->headers[i].value);
        else
            dp_buf_printf(&line, "%s;", req->headers[i].name);
        struct curl_slist *n = curl_slist_append(hdrs, dp_buf_str(&line));
        if (!n) {
            dp_err_set(e, DP_E_NOMEM, "out of memory building request headers");
            goto done;
        }
        hdrs = n;
    }
    if (!dp_request_header(req, "content-type"))
        hdrs = curl_slist_append(hdrs, "Content-Type:");
    hdrs = curl_slist_append(hdrs, "Expect:");
    hdrs = curl_slist_append(hdrs, "Accept:");
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);

    if (dp_log_debug_enabled()) {
        dp_debug("> %s %s", req->method, url);
        for (size_t i = 0; i < req->nheaders; i++)
            dp_debug("> %s: %s", req->headers[i].name, req->headers[i].value);
        if (req->body_len)
            dp_debug("> %.*s", (int)(req->body_len > 2000 ? 2000 : req->body_len), (const char *)req->body);
    }

    CURLcode rc = curl_easy_perform(c);
    if (rc != CURLE_OK) {
        dp_err_set(e, DP_E_NETWORK, "%s %s: %s", req->method, url, curl_easy_strerror(rc));
        if (e)
            snprintf(e->aws_code, sizeof e->aws_code, "%s", curl_failure_code(rc));
        if (rc == CURLE_WRITE_ERROR && e)
            e->kind = DP_E_PARSE;
        goto done;
    }
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &resp->status);
    if (dp_log_debug_enabled()) {
        dp_debug("< HTTP %ld (%zu bytes)", resp->status, resp->body.len);
        if (resp->body.len) {
            char shown[2001];
            snprintf(shown, sizeof shown, "%s", dp_buf_str(&resp->body));
            dp_log_scrub_echo((const char *)req->body, req->body_len, shown);
            dp_debug("< %s", shown);
        }
    }
    ret = 0;
done:
    curl_slist_free_all(hdrs);
    free(url);
    dp_buf_cleanup(&line);
    return ret;
}

int dp_http_simple(dp_http *h, const char *method, const char *url, const char *const *headers,
                   const char *body, dp_response *resp, dp_err *e)
{
    dp_request req;
    dp_request_init(&req);
    int rc = -1;
    const char *sep = strstr(url, "://");
    if (!sep) {
        dp_err_set(e, DP_E_CONFIG, "not an http(s) URL: %s", url);
        goto done;
    }
    const char *host = sep + 3;
    const char *q = strchr(host, '?');
    const char *slash = strchr(host, '/');
    if (slash && q && q < slash) /* "http://h?a=/b": the '/' belongs to the query */
        slash = NULL;
    char scheme[16] = "";
    snprintf(scheme, sizeof scheme, "%.*s", (int)(sep - url), url);
    char *hostpart = strndup(host, slash ? (size_t)(slash - host) : q ? (size_t)(q - host) : strlen(host));
    char *path = slash ? strndup(slash, q && q > slash ? (size_t)(q - slash) : strlen(slash)) : strdup("/");
    int bad = !hostpart || !path || dp_request_set(&req.method, method) || dp_request_set(&req.scheme, scheme) ||
              dp_request_set(&req.host, hostpart) || dp_request_set(&req.path, path) ||
              dp_request_set(&req.query, q ? q + 1 : "");
    free(hostpart);
    free(path);
    if (bad) {
        dp_err_set(e, DP_E_NOMEM, "out of memory");
        goto done;
    }
    for (size_t i = 0; headers && headers[i]; i++) {
        const char *colon = strchr(headers[i], ':');
        if (!colon)
            continue;
        char *name = strndup(headers[i], (size_t)(colon - headers[i]));
        const char *v = colon + 1;
        while (*v == ' ')
            v++;
        if (!name || dp_request_add_header(&req, name, v)) {
            free(name);
            goto done;
        }
        free(name);
    }
    if (body && dp_request_set_body(&req, body, strlen(body)))
        goto done;
    rc = dp_http_send(h, &req, resp, e);
done:
    dp_request_cleanup(&req);
    return rc;
}
