/* endpoint.c - standard endpoints per partition and configured endpoint overrides. */
#include "drivers/core/endpoint.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const dp_partition partitions[] = {
    {"aws", "amazonaws.com"},
    {"aws-cn", "amazonaws.com.cn"},
    {"aws-us-gov", "amazonaws.com"},
};

const dp_partition *dp_partition_for_region(const char *region)
{
    if (region && !strncmp(region, "cn-", 3))
        return &partitions[1];
    if (region && !strncmp(region, "us-gov-", 7))
        return &partitions[2];
    return &partitions[0];
}

bool dp_region_valid(const char *region)
{
    if (!region || !*region || strlen(region) > 31)
        return false;
    for (const char *p = region; *p; p++)
        if (!(islower((unsigned char)*p) || isdigit((unsigned char)*p) || *p == '-'))
            return false;
    return region[0] != '-';
}

int dp_endpoint_parse_url(const char *url, dp_endpoint *out, dp_err *e)
{
    const char *sep = strstr(url, "://");
    if (!sep || (strncasecmp(url, "http://", 7) && strncasecmp(url, "https://", 8))) {
        dp_err_set(e, DP_E_CONFIG, "endpoint URL \"%s\" must start with http:// or https://", url);
        return -1;
    }
    snprintf(out->scheme, sizeof out->scheme, "%.*s", (int)(sep - url), url);
    for (char *c = out->scheme; *c; c++)
        *c = (char)tolower((unsigned char)*c);
    const char *host = sep + 3;
    size_t hl = strcspn(host, "/?#");
    if (!hl || hl >= sizeof out->host) {
        dp_err_set(e, DP_E_CONFIG, "endpoint URL \"%s\" has no valid host", url);
        return -1;
    }
    snprintf(out->host, sizeof out->host, "%.*s", (int)hl, host);
    const char *path = host + hl;
    size_t pl = strcspn(path, "?#");
    while (pl && path[pl - 1] == '/')
        pl--;
    if (pl >= sizeof out->base_path) {
        dp_err_set(e, DP_E_CONFIG, "endpoint URL \"%s\" has a path that is too long", url);
        return -1;
    }
    snprintf(out->base_path, sizeof out->base_path, "%.*s", (int)pl, path);
    return 0;
}

static bool env_true(const char *name)
{
    const char *v = getenv(name);
    return v && !strcasecmp(v, "true");
}

/* The configured URL for this service, and where it came from; NULL if none. */
static const char *configured_url(const dp_service *svc, const dp_endpoint_config *cfg, char *origin, size_t n)
{
    if (cfg && cfg->flag_url && *cfg->flag_url) {
        snprintf(origin, n, "--endpoint-url");
        return cfg->flag_url;
    }
    if (env_true("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"))
        return NULL;
    const char *ids[] = {svc->env_id, svc->env_alias};
    for (size_t i = 0; i < 2; i++) {
        if (!ids[i])
            continue;
        char name[96];
        snprintf(name, sizeof name, "AWS_ENDPOINT_URL_%s", ids[i]);
        const char *v = getenv(name);
        if (v && *v) {
            snprintf(origin, n, "%s", name);
            return v;
        }
    }
    const char *v = getenv("AWS_ENDPOINT_URL");
    if (v && *v) {
        snprintf(origin, n, "AWS_ENDPOINT_URL");
        return v;
    }
    if (cfg && cfg->profile_service_url && *cfg->profile_service_url) {
        snprintf(origin, n, "profile services section");
        return cfg->profile_service_url;
    }
    if (cfg && cfg->profile_url && *cfg->profile_url) {
        snprintf(origin, n, "profile endpoint_url");
        return cfg->profile_url;
    }
    return NULL;
}

/* Global services (IAM) have one endpoint and signing region per partition. */
static void global_endpoint(const dp_service *svc, const dp_partition *p, dp_endpoint *out)
{
    if (!strcmp(p->name, "aws-cn")) {
        snprintf(out->host, sizeof out->host, "%s.cn-north-1.%s", svc->endpoint_prefix, p->dns_suffix);
        snprintf(out->signing_region, sizeof out->signing_region, "cn-north-1");
    } else if (!strcmp(p->name, "aws-us-gov")) {
        snprintf(out->host, sizeof out->host, "%s.us-gov.%s", svc->endpoint_prefix, p->dns_suffix);
        snprintf(out->signing_region, sizeof out->signing_region, "us-gov-west-1");
    } else {
        snprintf(out->host, sizeof out->host, "%s.%s", svc->endpoint_prefix, p->dns_suffix);
        snprintf(out->signing_region, sizeof out->signing_region, "us-east-1");
    }
}

int dp_endpoint_resolve(const dp_service *svc, const char *region, const dp_endpoint_config *cfg,
                        dp_endpoint *out, dp_err *e)
{
    memset(out, 0, sizeof *out);
    if (!dp_region_valid(region)) {
        dp_err_set(e, DP_E_CONFIG,
                   region && *region ? "invalid region \"%s\": use a name like us-east-1"
                                     : "no AWS region configured%s: use --region, AWS_REGION, "
                                       "AWS_DEFAULT_REGION or the profile's region",
                   region ? region : "");
        return -1;
    }
    char origin[128] = "";
    const char *url = configured_url(svc, cfg, origin, sizeof origin);
    const dp_partition *p = dp_partition_for_region(region);
    if (url) {
        if (dp_endpoint_parse_url(url, out, e))
            return -1;
        out->custom = true;
        snprintf(out->origin, sizeof out->origin, "%s", origin);
        if (svc->global) { /* IAM signs with its partition's home region even when redirected */
            dp_endpoint std;
            memset(&std, 0, sizeof std);
            global_endpoint(svc, p, &std);
            memcpy(out->signing_region, std.signing_region, sizeof out->signing_region);
        } else {
            snprintf(out->signing_region, sizeof out->signing_region, "%s", region);
        }
        return 0;
    }
    snprintf(out->scheme, sizeof out->scheme, "https");
    snprintf(out->origin, sizeof out->origin, "standard (%s partition)", p->name);
    if (svc->global) {
        global_endpoint(svc, p, out);
        return 0;
    }
    snprintf(out->host, sizeof out->host, "%s.%s.%s", svc->endpoint_prefix, region, p->dns_suffix);
    snprintf(out->signing_region, sizeof out->signing_region, "%s", region);
    return 0;
}

bool dp_s3_bucket_dns_compatible(const char *b)
{
    size_t n = strlen(b);
    if (n < 3 || n > 63 || strchr(b, '.'))
        return false; /* dots break TLS wildcard certificates: use path style */
    for (size_t i = 0; i < n; i++) {
        char c = b[i];
        if (!(islower((unsigned char)c) || isdigit((unsigned char)c) || c == '-'))
            return false;
    }
    return b[0] != '-' && b[n - 1] != '-';
}
