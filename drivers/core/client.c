/* client.c - configuration, signing, sending and retrying for every AWS call. */
#include "drivers/core/client.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "drivers/base/log.h"
#include "drivers/base/rand.h"
#include "drivers/core/config.h"
#include "drivers/core/creds/chain.h"
#include "drivers/core/retry.h"
#include "drivers/core/sigv4.h"

struct dp_client {
    dp_config *config;        /* owned */
    char *profile;            /* owned: the profile name in use */
    char *region;             /* owned, validated */
    char *endpoint_flag;      /* owned or NULL */
    dp_creds_chain *chain;    /* owned */
    dp_http_opts http_opts;
    char *ca_bundle;          /* owned or NULL */
    int max_attempts;
    double max_backoff;
    dp_retry_quota quota;
    atomic_long skew;         /* seconds to add to the local clock when signing */
    atomic_long requests;
    long test_clock_offset;   /* DP_TEST_CLOCK_OFFSET: a wrong local clock, for skew tests */
    pthread_mutex_t pool_lock;
    dp_http **pool;           /* owned handles not in use */
    size_t npool, cap_pool;
};

static const char *first_env(const char *a, const char *b)
{
    const char *v = getenv(a);
    if (v && *v)
        return v;
    v = b ? getenv(b) : NULL;
    return v && *v ? v : NULL;
}

static char *dup_or_null(const char *s) { return s ? strdup(s) : NULL; }

static int parse_attempts(const char *v, const char *where, int *out, dp_err *e)
{
    char *end = NULL;
    errno = 0;
    long n = v ? strtol(v, &end, 10) : 0;
    if (!v || errno || end == v || *end || n < 1 || n > 20) {
        dp_err_set(e, DP_E_CONFIG, "%s must be a whole number from 1 to 20, not \"%s\"", where, v ? v : "");
        return -1;
    }
    *out = (int)n;
    return 0;
}

dp_client *dp_client_new(const dp_client_options *opts, dp_err *e)
{
    dp_client_options none = {0};
    if (!opts)
        opts = &none;
    dp_client *c = calloc(1, sizeof *c);
    if (!c) {
        dp_err_set(e, DP_E_NOMEM, "out of memory");
        return NULL;
    }
    pthread_mutex_init(&c->pool_lock, NULL);
    dp_retry_quota_init(&c->quota);
    c->config = dp_config_load(e);
    if (!c->config)
        goto fail;
    const char *profile = dp_config_profile_name(opts->profile);
    c->profile = strdup(profile);
    if (opts->profile && !dp_config_has_profile(c->config, opts->profile)) {
        dp_err_set(e, DP_E_CONFIG, "profile \"%s\" (from --profile) is not defined in %s or %s", opts->profile,
                   dp_config_credentials_path(c->config), dp_config_file_path(c->config));
        goto fail;
    }
    const char *region = opts->region;
    if (!region)
        region = first_env("AWS_REGION", "AWS_DEFAULT_REGION");
    if (!region)
        region = dp_config_get(c->config, profile, "region");
    if (!region || !dp_region_valid(region)) {
        if (region)
            dp_err_set(e, DP_E_CONFIG, "invalid region \"%s\": use a name like us-east-1", region);
        else
            dp_err_set(e, DP_E_CONFIG, "no AWS region configured: use --region, AWS_REGION, AWS_DEFAULT_REGION "
                                       "or the region setting of profile \"%s\"", profile);
        goto fail;
    }
    c->region = strdup(region);
    c->endpoint_flag = dup_or_null(opts->endpoint_url);

    c->max_attempts = DP_RETRY_DEFAULT_ATTEMPTS;
    const char *v;
    if (opts->max_attempts > 0)
        c->max_attempts = opts->max_attempts;
    else if ((v = getenv("AWS_MAX_ATTEMPTS")) && *v) {
        if (parse_attempts(v, "AWS_MAX_ATTEMPTS", &c->max_attempts, e))
            goto fail;
    } else if ((v = dp_config_get(c->config, profile, "max_attempts"))) {
        if (parse_attempts(v, "max_attempts in the profile", &c->max_attempts, e))
            goto fail;
    }
    c->max_backoff = opts->max_backoff > 0 ? opts->max_backoff : DP_RETRY_MAX_BACKOFF;
    if ((v = getenv("DP_TEST_CLOCK_OFFSET")))
        c->test_clock_offset = strtol(v, NULL, 10);

    const char *ca = opts->ca_bundle;
    if (!ca)
        ca = first_env("AWS_CA_BUNDLE", NULL);
    if (!ca)
        ca = dp_config_get(c->config, profile, "ca_bundle");
    c->ca_bundle = dup_or_null(ca);
    c->http_opts.ca_bundle = c->ca_bundle;
    c->http_opts.insecure = opts->insecure;
    if (!c->profile || !c->region || (ca && !c->ca_bundle) || (opts->endpoint_url && !c->endpoint_flag)) {
        dp_err_set(e, DP_E_NOMEM, "out of memory");
        goto fail;
    }
    c->chain = dp_creds_chain_new(c->config, opts->profile, opts->assume_role, c);
    if (!c->chain || dp_creds_chain_set_ca_bundle(c->chain, c->ca_bundle)) {
        dp_err_set(e, DP_E_NOMEM, "out of memory");
        goto fail;
    }
    return c;
fail:
    dp_client_free(c);
    return NULL;
}

void dp_client_free(dp_client *c)
{
    if (!c)
        return;
    dp_creds_chain_free(c->chain);
    dp_config_free(c->config);
    for (size_t i = 0; i < c->npool; i++)
        dp_http_free(c->pool[i]);
    free(c->pool);
    free(c->profile);
    free(c->region);
    free(c->endpoint_flag);
    free(c->ca_bundle);
    dp_retry_quota_cleanup(&c->quota);
    pthread_mutex_destroy(&c->pool_lock);
    free(c);
}

const char *dp_client_region(const dp_client *c) { return c->region; }
const char *dp_client_profile(const dp_client *c) { return c->profile; }
int dp_client_max_attempts(const dp_client *c) { return c->max_attempts; }
long dp_client_request_count(const dp_client *c) { return atomic_load(&c->requests); }

int dp_client_endpoint(dp_client *c, const dp_service *svc, dp_endpoint *out, dp_err *e)
{
    return dp_client_endpoint_in(c, svc, c->region, out, e);
}

int dp_client_endpoint_in(dp_client *c, const dp_service *svc, const char *region, dp_endpoint *out, dp_err *e)
{
    /* A profile's "services = NAME" points at a [services NAME] section with per-service
     * "<service>.endpoint_url" sub-settings. */
    const char *section = dp_config_get(c->config, c->profile, "services");
    const char *svc_url = NULL;
    if (section) {
        char key[96];
        snprintf(key, sizeof key, "%s.endpoint_url", svc->config_key);
        svc_url = dp_config_services_get(c->config, section, key);
        if (!svc_url) {
            snprintf(key, sizeof key, "%s.endpoint_url", svc->name);
            svc_url = dp_config_services_get(c->config, section, key);
        }
    }
    dp_endpoint_config cfg = {
        .flag_url = c->endpoint_flag,
        .profile_url = dp_config_get(c->config, c->profile, "endpoint_url"),
        .profile_service_url = svc_url,
    };
    return dp_endpoint_resolve(svc, region, &cfg, out, e);
}

/* The local clock as the client sees it (the test offset simulates a wrong clock). */
static time_t local_now(const dp_client *c) { return time(NULL) + c->test_clock_offset; }

int dp_client_credentials(dp_client *c, dp_creds *out, dp_err *e)
{
    return dp_creds_chain_get(c->chain, local_now(c) + atomic_load(&c->skew), out, e);
}

static dp_http *pool_take(dp_client *c)
{
    dp_http *h = NULL;
    pthread_mutex_lock(&c->pool_lock);
    if (c->npool)
        h = c->pool[--c->npool];
    pthread_mutex_unlock(&c->pool_lock);
    return h ? h : dp_http_new(&c->http_opts);
}

static void pool_give(dp_client *c, dp_http *h)
{
    pthread_mutex_lock(&c->pool_lock);
    if (c->npool == c->cap_pool) {
        size_t cap = c->cap_pool ? c->cap_pool * 2 : 8;
        dp_http **p = realloc(c->pool, cap * sizeof *p);
        if (!p) {
            pthread_mutex_unlock(&c->pool_lock);
            dp_http_free(h);
            return;
        }
        c->pool = p;
        c->cap_pool = cap;
    }
    c->pool[c->npool++] = h;
    pthread_mutex_unlock(&c->pool_lock);
}

static void sleep_seconds(double s)
{
    struct timespec ts = {(time_t)s, (long)((s - (double)(time_t)s) * 1e9)};
    while (nanosleep(&ts, &ts) && errno == EINTR) {
    }
}

/* Copies req into out with scheme, host and path set for this endpoint and bucket. */
static int address_request(const dp_endpoint *ep, const dp_call *call, const dp_request *req, dp_request *out)
{
    dp_request_init(out);
    if (dp_request_set(&out->method, req->method) || dp_request_set(&out->scheme, ep->scheme) ||
        dp_request_set(&out->query, req->query ? req->query : ""))
        return -1;
    dp_buf path, host;
    dp_buf_init(&path, 0);
    dp_buf_init(&host, 0);
    int rc = 0;
    const char *p = req->path && req->path[0] ? req->path : "/";
    if (call->s3_bucket && !ep->custom && dp_s3_bucket_dns_compatible(call->s3_bucket)) {
        /* Virtual-hosted addressing on AWS: bucket.s3.region.amazonaws.com/key */
        rc |= dp_buf_printf(&host, "%s.%s", call->s3_bucket, ep->host);
        rc |= dp_buf_printf(&path, "%s%s", ep->base_path, p);
    } else {
        rc |= dp_buf_puts(&host, ep->host);
        rc |= dp_buf_puts(&path, ep->base_path);
        if (call->s3_bucket) {
            rc |= dp_buf_putc(&path, '/');
            rc |= dp_uri_encode(&path, call->s3_bucket, strlen(call->s3_bucket), false);
        }
        if (!(call->s3_bucket && !strcmp(p, "/") && path.len))
            rc |= dp_buf_puts(&path, p);
    }
    rc |= dp_request_set(&out->host, dp_buf_str(&host));
    rc |= dp_request_set(&out->path, dp_buf_str(&path));
    dp_buf_cleanup(&path);
    dp_buf_cleanup(&host);
    for (size_t i = 0; !rc && i < req->nheaders; i++)
        rc |= dp_request_add_header(out, req->headers[i].name, req->headers[i].value);
    if (!rc && req->body_len)
        rc |= dp_request_set_body(out, req->body, req->body_len);
    if (!rc)
        rc |= dp_request_set_header(out, "Host", out->host);
    if (!rc && !dp_request_header(out, "User-Agent"))
        rc |= dp_request_add_header(out, "User-Agent", "dmsprov/" DP_VERSION);
    return rc ? -1 : 0;
}

/* One attempt: address, sign with creds at the corrected time, send, classify the answer. */
static int attempt(dp_client *c, const dp_call *call, const dp_endpoint *ep, const dp_creds *creds,
                   const dp_request *req, dp_response *resp, dp_err *e)
{
    dp_request r;
    int rc = -1;
    if (address_request(ep, call, req, &r)) {
        dp_err_set(e, DP_E_NOMEM, "out of memory building the request");
        goto done;
    }
    dp_sigv4_params sp = {
        .creds = creds,
        .region = ep->signing_region,
        .service = call->svc->signing_name,
        .now = local_now(c) + atomic_load(&c->skew),
        .normalize_path = call->svc->protocol != DP_PROTO_RESTXML,
        .double_encode = call->svc->protocol != DP_PROTO_RESTXML,
        .sign_body = call->svc->protocol == DP_PROTO_RESTXML,
        .unsigned_payload = call->unsigned_payload,
    };
    if (dp_sigv4_sign_headers(&r, &sp, e))
        goto done;
    dp_http *h = pool_take(c);
    if (!h) {
        dp_err_set(e, DP_E_NOMEM, "out of memory creating an HTTP handle");
        goto done;
    }
    atomic_fetch_add(&c->requests, 1);
    rc = dp_http_send(h, &r, resp, e);
    pool_give(c, h);
    if (rc)
        goto done;
    if (resp->status >= 200 && resp->status < 300) {
        rc = 0;
        goto done;
    }
    rc = -1;
    if (e) {
        e->kind = DP_E_AWS;
        e->http_status = resp->status;
        e->aws_code[0] = e->message[0] = e->request_id[0] = '\0';
    }
    if (call->parse_error)
        call->parse_error(resp, e);
    if (e && !e->aws_code[0])
        snprintf(e->aws_code, sizeof e->aws_code, "HTTP%ld", resp->status);
done:
    dp_request_cleanup(&r);
    return rc;
}

int dp_client_send_with(dp_client *c, const dp_call *call, const dp_request *req, const dp_creds *fixed,
                        dp_response *resp, dp_err *e)
{
    dp_err local;
    if (!e)
        e = &local;
    dp_err_clear(e);
    dp_endpoint ep;
    if (dp_client_endpoint_in(c, call->svc, call->region ? call->region : c->region, &ep, e))
        return -1;
    int taken = 0;
    for (int n = 1;; n++) {
        dp_creds creds = {0};
        int rc;
        if (fixed)
            rc = dp_creds_copy(&creds, fixed);
        else
            rc = dp_client_credentials(c, &creds, e);
        if (rc) {
            dp_creds_cleanup(&creds);
            return -1;
        }
        rc = attempt(c, call, &ep, &creds, req, resp, e);
        dp_creds_cleanup(&creds);
        if (!rc) {
            dp_retry_quota_release(&c->quota, taken);
            return 0;
        }
        dp_err_at(e, call->svc->name, call->operation);
        dp_retry_class cls = dp_retry_classify(e);
        if (cls == DP_RETRY_CLOCK_SKEW) {
            long skew = dp_clock_skew(dp_http_date_parse(dp_response_header(resp, "date")), local_now(c));
            if (!skew || skew == atomic_load(&c->skew))
                return -1;
            dp_debug("correcting clock skew of %lds and retrying %s", skew, call->operation);
            atomic_store(&c->skew, skew);
        }
        if (cls == DP_RETRY_NO || n >= c->max_attempts)
            return -1;
        bool timeout = !strcmp(e->aws_code, "Timeout");
        int cost = dp_retry_quota_acquire(&c->quota, timeout);
        if (cost < 0) {
            dp_debug("retry quota exhausted: not retrying %s", call->operation);
            return -1;
        }
        taken = cost;
        double wait = cls == DP_RETRY_CLOCK_SKEW ? 0 : dp_retry_backoff(n, dp_random_unit(), c->max_backoff);
        dp_debug("%s %s failed (%s); retry %d of %d in %.2fs", call->svc->name, call->operation, e->aws_code, n,
                 c->max_attempts - 1, wait);
        sleep_seconds(wait);
    }
}

int dp_client_send(dp_client *c, const dp_call *call, const dp_request *req, dp_response *resp, dp_err *e)
{
    return dp_client_send_with(c, call, req, NULL, resp, e);
}
