/* profile.c - a profile's credentials: static keys, role_arn (AssumeRole), IAM Identity Center,
 * credential_process. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drivers/core/creds/chain.h"
#include "drivers/core/creds/sso.h"

#define MAX_DEPTH 16

typedef struct resolver {
    const dp_config *cfg;
    time_t now;
    dp_assume_role_fn fn;
    void *ctx;
    const char *ca_bundle; /* borrowed or NULL: for credential_source = EcsContainer */
    const char *visited[MAX_DEPTH]; /* the source_profile path so far, to refuse loops */
    int depth;
} resolver;

static const char *get(const resolver *r, const char *profile, const char *key, const char **from)
{
    const char *v = dp_config_get_from(r->cfg, profile, key, from);
    return v && *v ? v : NULL;
}

static int resolve(resolver *r, const char *profile, dp_creds *out, char *why, size_t why_n, dp_err *e);

static int static_keys(const resolver *r, const char *profile, dp_creds *out, dp_err *e)
{
    const char *fa = NULL, *fs = NULL;
    const char *akid = get(r, profile, "aws_access_key_id", &fa);
    const char *secret = get(r, profile, "aws_secret_access_key", &fs);
    if (!akid || !secret) {
        dp_err_set(e, DP_E_CONFIG, "profile \"%s\" in %s has %s but no %s", profile, akid ? fa : fs,
                   akid ? "aws_access_key_id" : "aws_secret_access_key",
                   akid ? "aws_secret_access_key" : "aws_access_key_id");
        return -1;
    }
    if (dp_creds_set(out, akid, secret, get(r, profile, "aws_session_token", NULL), 0)) {
        dp_err_set(e, DP_E_NOMEM, "out of memory");
        return -1;
    }
    dp_creds_set_source(out, "profile %s in %s", profile, fa);
    return 0;
}

/* Credentials of the role's source: another profile, or credential_source. */
static int role_source(resolver *r, const char *profile, dp_creds *src, dp_err *e)
{
    const char *sp = get(r, profile, "source_profile", NULL);
    const char *cs = get(r, profile, "credential_source", NULL);
    char why[160] = "";
    int rc;
    if (sp && cs) {
        dp_err_set(e, DP_E_CONFIG, "profile \"%s\" sets both source_profile and credential_source; keep one",
                   profile);
        return -1;
    }
    if (sp) {
        if (!strcmp(sp, profile)) /* a role profile may use its own static keys (as the CLI allows) */
            return static_keys(r, profile, src, e);
        if (!dp_config_has_profile(r->cfg, sp)) {
            dp_err_set(e, DP_E_CONFIG, "source_profile \"%s\" of profile \"%s\" not found in %s or %s", sp, profile,
                       dp_config_credentials_path(r->cfg), dp_config_file_path(r->cfg));
            return -1;
        }
        rc = resolve(r, sp, src, why, sizeof why, e);
        if (rc == DP_MISSING)
            dp_err_set(e, DP_E_CREDENTIALS, "source_profile \"%s\" of profile \"%s\" has no credentials", sp, profile);
        return rc ? -1 : 0;
    }
    if (!cs) {
        dp_err_set(e, DP_E_CONFIG, "profile \"%s\" has role_arn but neither source_profile nor credential_source",
                   profile);
        return -1;
    }
    if (!strcmp(cs, "Environment"))
        rc = dp_creds_from_env(src, why, sizeof why, e);
    else if (!strcmp(cs, "EcsContainer"))
        rc = dp_creds_from_container(r->ca_bundle, src, why, sizeof why, e);
    else if (!strcmp(cs, "Ec2InstanceMetadata"))
        rc = dp_creds_from_imds(src, why, sizeof why, e);
    else {
        dp_err_set(e, DP_E_CONFIG,
                   "profile \"%s\": credential_source \"%s\" is not one of Environment, EcsContainer, "
                   "Ec2InstanceMetadata",
                   profile, cs);
        return -1;
    }
    if (rc == DP_MISSING)
        dp_err_set(e, DP_E_CREDENTIALS, "profile \"%s\": credential_source %s has no credentials (%s)", profile, cs,
                   why);
    return rc ? -1 : 0;
}

static int assume_role(resolver *r, const char *profile, const char *role_arn, dp_creds *out, dp_err *e)
{
    if (get(r, profile, "mfa_serial", NULL)) {
        dp_err_set(e, DP_E_CONFIG,
                   "profile \"%s\" needs an MFA code (mfa_serial), which dmsprov cannot prompt for; use "
                   "temporary credentials in the environment instead",
                   profile);
        return -1;
    }
    int duration = 0;
    const char *ds = get(r, profile, "duration_seconds", NULL);
    if (ds) {
        char *end;
        errno = 0;
        long v = strtol(ds, &end, 10);
        if (errno || end == ds || *end || v < 900 || v > 43200) {
            dp_err_set(e, DP_E_CONFIG, "profile \"%s\": duration_seconds \"%s\" is not a number from 900 to 43200",
                       profile, ds);
            return -1;
        }
        duration = (int)v;
    }
    if (!r->fn) {
        dp_err_set(e, DP_E_CREDENTIALS, "profile \"%s\" assumes role %s, but role assumption is not available here",
                   profile, role_arn);
        return -1;
    }
    dp_creds src = {0};
    if (role_source(r, profile, &src, e))
        return -1;
    char session[64];
    const char *name = get(r, profile, "role_session_name", NULL);
    if (!name) {
        snprintf(session, sizeof session, "dmsprov-%lld", (long long)r->now);
        name = session;
    }
    dp_creds got = {0};
    int rc = r->fn(r->ctx, &src, role_arn, name, get(r, profile, "external_id", NULL), duration, &got, e);
    dp_creds_cleanup(&src);
    if (rc) {
        dp_creds_cleanup(&got);
        dp_err_prefix(e, "assuming role %s for profile \"%s\"", role_arn, profile);
        return -1;
    }
    *out = got;
    dp_creds_set_source(out, "assumed role %s via profile %s", role_arn, profile);
    return 0;
}

static int resolve(resolver *r, const char *profile, dp_creds *out, char *why, size_t why_n, dp_err *e)
{
    for (int i = 0; i < r->depth; i++) {
        if (strcmp(r->visited[i], profile))
            continue;
        char path[512] = "";
        size_t used = 0;
        for (int j = i; j < r->depth && used < sizeof path; j++) {
            int w = snprintf(path + used, sizeof path - used, "%s -> ", r->visited[j]);
            used += w > 0 ? (size_t)w : 0;
        }
        dp_err_set(e, DP_E_CONFIG, "source_profile loop: %s%s", path, profile);
        return -1;
    }
    if (r->depth == MAX_DEPTH) {
        dp_err_set(e, DP_E_CONFIG, "source_profile chain of profile \"%s\" is longer than %d profiles",
                   r->visited[0], MAX_DEPTH);
        return -1;
    }
    r->visited[r->depth++] = profile;
    int rc;
    const char *from = NULL;
    const char *role_arn = get(r, profile, "role_arn", NULL);
    const char *process = get(r, profile, "credential_process", NULL);
    bool has_keys = get(r, profile, "aws_access_key_id", &from) || get(r, profile, "aws_secret_access_key", &from);
    bool keys_in_credentials = has_keys && !strcmp(from, dp_config_credentials_path(r->cfg));
    /* The CLI's order: role_arn, SSO (sso_account_id / sso_role_name), keys in the credentials
     * file, credential_process, keys in config. The profile in use (visited[0]) decides the
     * SSO portal's endpoint overrides, as the CLI's session does. */
    if (role_arn)
        rc = assume_role(r, profile, role_arn, out, e);
    else if (dp_sso_profile_selected(r->cfg, profile))
        rc = dp_creds_from_sso(r->cfg, profile, r->visited[0], r->ca_bundle, r->now, out, e);
    else if (keys_in_credentials || (has_keys && !process))
        rc = static_keys(r, profile, out, e);
    else if (process)
        rc = dp_creds_from_process(process, profile, out, e);
    else if (dp_sso_profile_mentions(r->cfg, profile)) /* sso_session alone: say what is missing */
        rc = dp_creds_from_sso(r->cfg, profile, r->visited[0], r->ca_bundle, r->now, out, e);
    else {
        snprintf(why, why_n, "no credentials");
        rc = DP_MISSING;
    }
    r->depth--;
    return rc;
}

int dp_creds_from_profile(const dp_config *cfg, const char *profile, time_t now, dp_assume_role_fn fn,
                          void *fn_ctx, const char *ca_bundle, dp_creds *out, char *why, size_t why_n, dp_err *e)
{
    resolver r = {.cfg = cfg, .now = now, .fn = fn, .ctx = fn_ctx, .ca_bundle = ca_bundle, .depth = 0};
    return resolve(&r, profile, out, why, why_n, e);
}
