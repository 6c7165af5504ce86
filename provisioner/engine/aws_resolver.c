/* aws_resolver.c - dynamic references resolved against AWS: SSM GetParameter (WithDecryption)
 * and Secrets Manager GetSecretValue (with an explicit VersionStage). Values are secrets to
 * the caller: nothing here logs them. */
#include "provisioner/engine/aws_resolver.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drivers/core/proto/json.h"
#include "provisioner/engine/stack.h"
#include "provisioner/session/session.h"

typedef struct resolver_ctx {
    dp_client *c;
    bool owned;
} resolver_ctx;

/* *value = an owned copy of v's string; out (which holds v) is freed either way. */
static int take_string(cJSON *out, const cJSON *v, char **value, dp_err *e)
{
    *value = strdup(v->valuestring);
    cJSON_Delete(out);
    if (!*value) {
        dp_err_set(e, DP_E_NOMEM, "out of memory");
        return -1;
    }
    return 0;
}

static int ssm_get(void *ctx, const char *name, long version, bool decrypt, char **value, dp_err *e)
{
    resolver_ctx *r = ctx;
    char full[2100];
    if (version > 0)
        snprintf(full, sizeof full, "%s:%ld", name, version);
    else
        snprintf(full, sizeof full, "%s", name);
    cJSON *in = cJSON_CreateObject(), *out = NULL;
    if (!in || !cJSON_AddStringToObject(in, "Name", full) || !cJSON_AddBoolToObject(in, "WithDecryption", decrypt)) {
        cJSON_Delete(in);
        dp_err_set(e, DP_E_NOMEM, "out of memory");
        return -1;
    }
    int rc = dp_json_call(r->c, &dp_svc_ssm, "GetParameter", in, &out, e);
    cJSON_Delete(in);
    if (rc) {
        dp_err_prefix(e, "SSM parameter %s", full);
        return -1;
    }
    const cJSON *p = cJSON_GetObjectItemCaseSensitive(out, "Parameter");
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(p, "Value");
    if (!cJSON_IsString(v)) {
        cJSON_Delete(out);
        dp_err_set(e, DP_E_PARSE, "SSM parameter %s: GetParameter answered without a value", full);
        return -1;
    }
    return take_string(out, v, value, e);
}

static int secret_get(void *ctx, const char *secret_id, const char *stage, const char *version_id, char **value,
                      dp_err *e)
{
    resolver_ctx *r = ctx;
    /* The stage is always explicit; only a bare version id goes without one (a stage would
     * have to name that same version). */
    if (!stage && !version_id)
        stage = "AWSCURRENT";
    cJSON *in = cJSON_CreateObject(), *out = NULL;
    if (!in || !cJSON_AddStringToObject(in, "SecretId", secret_id) ||
        (stage && !cJSON_AddStringToObject(in, "VersionStage", stage)) ||
        (version_id && !cJSON_AddStringToObject(in, "VersionId", version_id))) {
        cJSON_Delete(in);
        dp_err_set(e, DP_E_NOMEM, "out of memory");
        return -1;
    }
    int rc = dp_json_call(r->c, &dp_svc_secretsmanager, "GetSecretValue", in, &out, e);
    cJSON_Delete(in);
    if (rc) {
        dp_err_prefix(e, "secret %s", secret_id);
        return -1;
    }
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(out, "SecretString");
    if (!cJSON_IsString(v)) {
        cJSON_Delete(out);
        dp_err_set(e, DP_E_INPUT, "secret %s has no SecretString (binary secrets cannot be referenced)", secret_id);
        return -1;
    }
    return take_string(out, v, value, e);
}

static int fill(dp_client *c, bool owned, dp_resolver *out, dp_err *e)
{
    resolver_ctx *r = calloc(1, sizeof *r);
    if (!r) {
        if (owned)
            dp_client_free(c);
        dp_err_set(e, DP_E_NOMEM, "out of memory");
        return -1;
    }
    r->c = c;
    r->owned = owned;
    out->ctx = r;
    out->ssm_get = ssm_get;
    out->secret_get = secret_get;
    return 0;
}

int dp_aws_resolver_open(const dp_globals *g, dp_resolver *out, dp_err *e)
{
    memset(out, 0, sizeof *out);
    dp_client *c = dp_session_client(g, e);
    if (!c)
        return -1;
    return fill(c, true, out, e);
}

int dp_aws_resolver_with_client(dp_client *c, dp_resolver *out, dp_err *e)
{
    memset(out, 0, sizeof *out);
    return fill(c, false, out, e);
}

void dp_aws_resolver_close(dp_resolver *r)
{
    resolver_ctx *x = r ? r->ctx : NULL;
    if (x && x->owned)
        dp_client_free(x->c);
    free(x);
    if (r)
        memset(r, 0, sizeof *r);
}
