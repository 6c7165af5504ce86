/* chain.c - trying the credential providers in the AWS CLI's order, and caching the result. */
#include "drivers/core/creds/chain.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REFRESH_BEFORE 300 /* refresh 5 minutes before expiry, as the SDKs do */
#define STILL_USABLE 60    /* if a refresh fails, keep using credentials valid this much longer */

struct dp_creds_chain {
    const dp_config *cfg; /* borrowed; may be NULL */
    char *profile_flag;   /* owned or NULL */
    dp_assume_role_fn fn;
    void *fn_ctx;
    char *ca_bundle;    /* owned or NULL: trusted by the container provider */
    pthread_mutex_t mu; /* guards cached/have, and serialises refreshes */
    dp_creds cached;    /* owned */
    bool have;
};

dp_creds_chain *dp_creds_chain_new(const dp_config *cfg, const char *profile_flag, dp_assume_role_fn fn,
                                   void *fn_ctx)
{
    dp_creds_chain *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->cfg = cfg;
    c->fn = fn;
    c->fn_ctx = fn_ctx;
    if (profile_flag && *profile_flag && !(c->profile_flag = strdup(profile_flag))) {
        free(c);
        return NULL;
    }
    if (pthread_mutex_init(&c->mu, NULL)) {
        free(c->profile_flag);
        free(c);
        return NULL;
    }
    return c;
}

void dp_creds_chain_free(dp_creds_chain *c)
{
    if (!c)
        return;
    pthread_mutex_destroy(&c->mu);
    dp_creds_cleanup(&c->cached);
    free(c->profile_flag);
    free(c->ca_bundle);
    free(c);
}

int dp_creds_chain_set_ca_bundle(dp_creds_chain *c, const char *ca_bundle)
{
    char *copy = ca_bundle ? strdup(ca_bundle) : NULL;
    if (ca_bundle && !copy)
        return -1;
    free(c->ca_bundle);
    c->ca_bundle = copy;
    return 0;
}

static const char *cred_path(const dp_creds_chain *c)
{
    return c->cfg ? dp_config_credentials_path(c->cfg) : "~/.aws/credentials";
}

static const char *conf_path(const dp_creds_chain *c)
{
    return c->cfg ? dp_config_file_path(c->cfg) : "~/.aws/config";
}

static bool has_profile(const dp_creds_chain *c, const char *name)
{
    return c->cfg && dp_config_has_profile(c->cfg, name);
}

/* A named profile must exist and must yield credentials: no falling back to something else. */
static int named_profile(dp_creds_chain *c, const char *name, const char *named_by, time_t now, dp_creds *out,
                         dp_err *e)
{
    char why[160] = "";
    if (!has_profile(c, name)) {
        dp_err_set(e, DP_E_CONFIG, "profile \"%s\" (from %s) not found in %s or %s", name, named_by, cred_path(c),
                   conf_path(c));
        return -1;
    }
    int rc = dp_creds_from_profile(c->cfg, name, now, c->fn, c->fn_ctx, c->ca_bundle, out, why, sizeof why, e);
    if (rc == DP_MISSING)
        dp_err_set(e, DP_E_CREDENTIALS,
                   "profile \"%s\" (from %s) has no credentials in %s or %s: it sets none of "
                   "aws_access_key_id, role_arn, sso_session/sso_start_url, credential_process",
                   name, named_by, cred_path(c), conf_path(c));
    return rc ? -1 : 0;
}

static int resolve(dp_creds_chain *c, time_t now, dp_creds *out, dp_err *e)
{
    if (c->profile_flag)
        return named_profile(c, c->profile_flag, "--profile", now, out, e);

    char why_env[96] = "", why_prof[96] = "not found", why_cont[160] = "", why_imds[200] = "";
    int rc = dp_creds_from_env(out, why_env, sizeof why_env, e);
    if (rc != DP_MISSING) /* found, or an error */
        return rc;

    const char *name = dp_config_profile_name(NULL);
    const char *env_profile = getenv("AWS_PROFILE");
    const char *named_by = env_profile && *env_profile ? "AWS_PROFILE" : "AWS_DEFAULT_PROFILE";
    if (strcmp(name, "default") || (env_profile && *env_profile)) /* chosen explicitly: must exist */
        return named_profile(c, name, named_by, now, out, e);
    if (has_profile(c, name)) {
        rc = dp_creds_from_profile(c->cfg, name, now, c->fn, c->fn_ctx, c->ca_bundle, out, why_prof, sizeof why_prof,
                                   e);
        if (rc != DP_MISSING)
            return rc;
    }

    rc = dp_creds_from_container(c->ca_bundle, out, why_cont, sizeof why_cont, e);
    if (rc != DP_MISSING)
        return rc;
    rc = dp_creds_from_imds(out, why_imds, sizeof why_imds, e);
    if (rc != DP_MISSING)
        return rc;

    dp_err_set(e, DP_E_CREDENTIALS,
               "no AWS credentials found: looked in the environment (%s), profile \"%s\" (%s) in %s and %s, "
               "container credentials (%s), EC2 instance metadata (%s); set "
               "AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or configure a profile",
               why_env, name, why_prof, cred_path(c), conf_path(c), why_cont, why_imds);
    return -1;
}

int dp_creds_chain_get(dp_creds_chain *c, time_t now, dp_creds *out, dp_err *e)
{
    memset(out, 0, sizeof *out);
    pthread_mutex_lock(&c->mu);
    int rc = 0;
    if (c->have && (!c->cached.expiration || now < c->cached.expiration - REFRESH_BEFORE))
        goto hand_out;

    dp_creds fresh = {0};
    dp_err err;
    dp_err_clear(&err);
    if (resolve(c, now, &fresh, &err)) {
        dp_creds_cleanup(&fresh);
        if (c->have && c->cached.expiration && now < c->cached.expiration - STILL_USABLE)
            goto hand_out; /* the refresh was advisory: the old credentials still work */
        if (e)
            *e = err;
        rc = -1;
        goto unlock;
    }
    dp_creds_cleanup(&c->cached);
    c->cached = fresh;
    c->have = true;
hand_out:
    if (dp_creds_copy(out, &c->cached)) {
        dp_err_set(e, DP_E_NOMEM, "out of memory");
        rc = -1;
    }
unlock:
    pthread_mutex_unlock(&c->mu);
    return rc;
}
