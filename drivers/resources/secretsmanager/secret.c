/* secret.c - AWS::SecretsManager::Secret: SecretString or a locally generated one, KMS key,
 * description, tags. Ref (and PhysicalId) is the secret ARN.
 *
 * The value is never read back into the model (SecretString is secret and write-only: the
 * engine compares it by hash). GenerateSecretString is generated here with OpenSSL's CSPRNG
 * (password.c), never by the API, and only on create: an update keeps the stored value unless
 * SecretString itself is given. Delete: DeletionPolicy "Delete" deletes at once
 * (ForceDeleteWithoutRecovery, so a lab can be rebuilt with the same name); "Snapshot" is
 * taken as "keep it recoverable" (RecoveryWindowInDays 7). */
#include <stdio.h>
#include <string.h>

#include "drivers/core/proto/json.h"
#include "drivers/resources/adopt.h"
#include "drivers/resources/common.h"
#include "drivers/resources/password.h"
#include "drivers/resources/secretsmanager/secret_api.h"
#include "drivers/resources/tagging.h"
#include "drivers/resources/tags_diff.h"

#define TYPE "AWS::SecretsManager::Secret"

static int physical_id_for(const cJSON *desired, const dp_resource_req *r, char *id, size_t n)
{
    /* The ARN has a random suffix; the name is accepted everywhere a SecretId is. */
    (void)r;
    const char *name = dp_prop_str(desired, "Name");
    if (!name)
        return 1;
    snprintf(id, n, "%s", name);
    return 0;
}

/* Live description -> template form model. */
static cJSON *model_from(const cJSON *d)
{
    cJSON *props = cJSON_CreateObject();
    const char *name = dp_prop_str(d, "Name"), *desc = dp_prop_str(d, "Description");
    const char *kms = dp_prop_str(d, "KmsKeyId");
    if (name)
        cJSON_AddStringToObject(props, "Name", name);
    if (desc && *desc)
        cJSON_AddStringToObject(props, "Description", desc);
    if (kms && *kms)
        cJSON_AddStringToObject(props, "KmsKeyId", kms);
    cJSON *tags = dp_tags_template_form(dp_prop(d, "Tags"), "Key", "Value");
    if (tags)
        cJSON_AddItemToObject(props, "Tags", tags);
    const char *arn = dp_prop_str(d, "ARN");
    cJSON *m = dp_model_new(arn, props);
    dp_model_attr(m, "Id", arn);
    return m;
}

static void read_secret(const dp_resource_req *r, dp_progress *p)
{
    cJSON *d = NULL;
    dp_err e = {0};
    if (dp_secret_describe(r->client, r->physical_id, false, &d, &e)) {
        dp_progress_fail(p, r, "reading", &e);
        return;
    }
    dp_progress_success(p, model_from(d));
    cJSON_Delete(d);
}

/* A create needs exactly one way to the value. */
static int check_value(const cJSON *desired, dp_err *e)
{
    if (dp_prop(desired, "SecretString") && dp_prop(desired, "GenerateSecretString")) {
        dp_err_set(e, DP_E_INPUT, "give SecretString or GenerateSecretString, not both");
        return -1;
    }
    if (!dp_prop_str(desired, "SecretString") && !cJSON_IsObject(dp_prop(desired, "GenerateSecretString"))) {
        dp_err_set(e, DP_E_INPUT, "SecretString or GenerateSecretString is required");
        return -1;
    }
    return 0;
}

/* The current value (VersionStage AWSCURRENT, explicitly: without a stage some
 * implementations answer a stale version). *value: owned (dp_secret_free), NULL when the
 * secret has no current value. */
static int current_value(dp_client *c, const char *id, char **value, dp_err *e)
{
    cJSON *in = cJSON_CreateObject(), *out = NULL;
    cJSON_AddStringToObject(in, "SecretId", id);
    cJSON_AddStringToObject(in, "VersionStage", "AWSCURRENT");
    int rc = dp_json_call(c, &dp_svc_secretsmanager, "GetSecretValue", in, &out, e);
    cJSON_Delete(in);
    *value = NULL;
    if (!rc) {
        cJSON *s = cJSON_DetachItemFromObjectCaseSensitive(out, "SecretString");
        if (cJSON_IsString(s)) { /* take the string itself so only one copy remains to wipe */
            *value = s->valuestring;
            s->valuestring = NULL;
        }
        cJSON_Delete(s);
    } else if (e && !strcmp(e->aws_code, "ResourceNotFoundException")) {
        rc = 0; /* a secret without a value yet */
    }
    cJSON_Delete(out);
    return rc;
}

/* Brings an existing secret to the desired description, KMS key, value and tags. */
static int converge(const dp_resource_req *r, const char *arn, const cJSON *live, dp_err *e)
{
    const cJSON *want = r->desired;
    const char *desc = dp_prop_str(want, "Description"), *kms = dp_prop_str(want, "KmsKeyId");
    const char *ldesc = dp_prop_str(live, "Description"), *lkms = dp_prop_str(live, "KmsKeyId");
    bool desc_changed = strcmp(desc ? desc : "", ldesc ? ldesc : "") != 0;
    bool kms_changed = kms && strcmp(kms, lkms ? lkms : "");
    if (desc_changed || kms_changed) {
        char token[65]; /* the SDKs always send one (an idempotency token); so do we */
        if (dp_secret_token(NULL, token, sizeof token, e))
            return -1;
        cJSON *in = cJSON_CreateObject(), *out = NULL;
        cJSON_AddStringToObject(in, "SecretId", arn);
        cJSON_AddStringToObject(in, "ClientRequestToken", token);
        if (desc_changed)
            cJSON_AddStringToObject(in, "Description", desc ? desc : "");
        if (kms_changed)
            cJSON_AddStringToObject(in, "KmsKeyId", kms);
        int rc = dp_json_call(r->client, &dp_svc_secretsmanager, "UpdateSecret", in, &out, e);
        cJSON_Delete(in);
        cJSON_Delete(out);
        if (rc)
            return -1;
    }
    const char *value = dp_prop_str(want, "SecretString");
    if (value) { /* put a new version only when the value really differs */
        char *cur = NULL;
        if (current_value(r->client, arn, &cur, e))
            return -1;
        bool same = cur && !strcmp(cur, value);
        dp_secret_free(cur);
        if (!same) {
            char token[65];
            if (dp_secret_token(NULL, token, sizeof token, e))
                return -1;
            cJSON *in = cJSON_CreateObject(), *out = NULL;
            cJSON_AddStringToObject(in, "SecretId", arn);
            cJSON_AddStringToObject(in, "SecretString", value);
            cJSON_AddStringToObject(in, "ClientRequestToken", token);
            int rc = dp_json_call(r->client, &dp_svc_secretsmanager, "PutSecretValue", in, &out, e);
            cJSON_Delete(in);
            cJSON_Delete(out);
            if (rc)
                return -1;
        }
    }
    cJSON *tags = dp_tags_with_ownership(dp_prop(want, "Tags"), r->stack, r->logical_id), *set, *rm;
    dp_tags_diff(tags, dp_prop(live, "Tags"), "Key", "Value", &set, &rm);
    int rc = dp_secret_tag(r->client, arn, set, e) || dp_secret_untag(r->client, arn, rm, e) ? -1 : 0;
    cJSON_Delete(tags);
    cJSON_Delete(set);
    cJSON_Delete(rm);
    return rc;
}

/* Finishes with a fresh read of arn. */
static void succeed_with_read(const dp_resource_req *r, const char *arn, dp_progress *p, const char *verb)
{
    cJSON *d = NULL;
    dp_err e = {0};
    if (dp_secret_describe(r->client, arn, false, &d, &e)) {
        dp_progress_fail(p, r, verb, &e);
        return;
    }
    dp_progress_success(p, model_from(d));
    cJSON_Delete(d);
}

/* ---- create: the shared flow of adopt.h ---- */

struct create_state {
    cJSON *d;          /* DescribeSecret of the existing secret (deleted ones included) */
    dp_err create_err; /* CreateSecret's failure, reported if the secret cannot be read after it */
    char arn[2048];    /* the created secret */
};

static int probe(const dp_resource_req *r, void *self, const char *name, dp_err *e)
{
    struct create_state *s = self;
    if (!dp_secret_describe(r->client, name, true, &s->d, e))
        return DP_FOUND;
    return e->kind == DP_E_NOT_FOUND ? DP_MISSING : -1;
}

/* The probe's answer holds the tags; after CreateSecret's ResourceExistsException the secret
 * is described again, and a failure there reports CreateSecret's own error. */
static int owner_tags(const dp_resource_req *r, void *self, const char *name, cJSON **tags, dp_err *e)
{
    struct create_state *s = self;
    dp_err e2 = {0};
    if (!s->d && dp_secret_describe(r->client, name, true, &s->d, &e2)) {
        *e = s->create_err;
        return -1;
    }
    *tags = cJSON_Duplicate(dp_prop(s->d, "Tags"), 1);
    return 0;
}

/* CreateSecret with the given or a generated value, a token derived from the client token
 * (a retry is the same request) and the ownership tags. */
static int make(const dp_resource_req *r, void *self, const char *name, dp_err *e)
{
    struct create_state *s = self;
    char token[65];
    char seed[1200];
    snprintf(seed, sizeof seed, "%s/%s", r->client_token ? r->client_token : r->logical_id, name);
    char *value = NULL;
    const char *given = dp_prop_str(r->desired, "SecretString");
    if (!given && !(value = dp_secret_string_generate(dp_prop(r->desired, "GenerateSecretString"), e)))
        return -1;
    if (dp_secret_token(seed, token, sizeof token, e)) {
        dp_secret_free(value);
        return -1;
    }
    cJSON *in = cJSON_CreateObject(), *out = NULL;
    cJSON_AddStringToObject(in, "Name", name);
    cJSON_AddStringToObject(in, "ClientRequestToken", token);
    const char *desc = dp_prop_str(r->desired, "Description"), *kms = dp_prop_str(r->desired, "KmsKeyId");
    if (desc)
        cJSON_AddStringToObject(in, "Description", desc);
    if (kms)
        cJSON_AddStringToObject(in, "KmsKeyId", kms);
    cJSON_AddStringToObject(in, "SecretString", given ? given : value);
    cJSON_AddItemToObject(in, "Tags", dp_tags_with_ownership(dp_prop(r->desired, "Tags"), r->stack, r->logical_id));
    int rc = dp_json_call(r->client, &dp_svc_secretsmanager, "CreateSecret", in, &out, e);
    cJSON_Delete(in); /* note: cJSON does not wipe; the request copy is short-lived */
    if (rc) {
        dp_err_scrub(e, value); /* a generated value is not in desired: dp_progress_fail cannot */
        s->create_err = *e;
    } else
        snprintf(s->arn, sizeof s->arn, "%s", dp_prop_str(out, "ARN") ? dp_prop_str(out, "ARN") : name);
    dp_secret_free(value);
    cJSON_Delete(out);
    return rc;
}

/* Ours: restored when scheduled for deletion, then converged. */
static void adopted(const dp_resource_req *r, void *self, const char *name, dp_progress *p)
{
    (void)name;
    struct create_state *s = self;
    dp_err e = {0};
    const char *arn = dp_prop_str(s->d, "ARN");
    if (dp_secret_deleted(s->d)) { /* ours, but scheduled for deletion: bring it back */
        cJSON *in = cJSON_CreateObject(), *out = NULL;
        cJSON_AddStringToObject(in, "SecretId", arn);
        int rc = dp_json_call(r->client, &dp_svc_secretsmanager, "RestoreSecret", in, &out, &e);
        cJSON_Delete(in);
        cJSON_Delete(out);
        if (rc) {
            dp_progress_fail(p, r, "restoring", &e);
            return;
        }
    }
    if (converge(r, arn, s->d, &e)) {
        dp_progress_fail(p, r, "creating", &e);
        return;
    }
    succeed_with_read(r, arn, p, "creating");
}

static void made(const dp_resource_req *r, void *self, const char *name, dp_progress *p)
{
    (void)name;
    struct create_state *s = self;
    succeed_with_read(r, s->arn, p, "creating");
}

static const char *const exists_codes[] = {"ResourceExistsException", NULL};

static const dp_adopt_ops create_ops = {
    .what = "secret",
    .physical_id_for = physical_id_for,
    .generated_max = 256,
    .exists_codes = exists_codes,
    .probe = probe,
    .owner_tags = owner_tags,
    .make = make,
    .adopted = adopted,
    .made = made,
};

static void create(const dp_resource_req *r, dp_progress *p)
{
    dp_err e = {0};
    if (dp_refuse_unsupported(TYPE, r, "creating", p))
        return;
    if (check_value(r->desired, &e)) {
        dp_progress_fail(p, r, "creating", &e);
        return;
    }
    char name[600];
    struct create_state s = {0};
    dp_create_or_adopt(&create_ops, &s, r, name, sizeof name, p);
    cJSON_Delete(s.d);
}

static void update(const dp_resource_req *r, dp_progress *p)
{
    dp_err e = {0};
    cJSON *d = NULL;
    if (dp_refuse_unsupported(TYPE, r, "updating", p))
        return;
    if (dp_secret_describe(r->client, r->physical_id, false, &d, &e)) {
        dp_progress_fail(p, r, "updating", &e);
        return;
    }
    char arn[2048];
    snprintf(arn, sizeof arn, "%s", dp_prop_str(d, "ARN") ? dp_prop_str(d, "ARN") : r->physical_id);
    int rc = converge(r, arn, d, &e);
    cJSON_Delete(d);
    if (rc) {
        dp_progress_fail(p, r, "updating", &e);
        return;
    }
    succeed_with_read(r, arn, p, "updating");
}

static void del(const dp_resource_req *r, dp_progress *p)
{
    dp_err e = {0};
    cJSON *d = NULL;
    if (dp_secret_describe(r->client, r->physical_id, true, &d, &e)) {
        if (e.kind == DP_E_NOT_FOUND)
            dp_progress_success(p, NULL);
        else
            dp_progress_fail(p, r, "deleting", &e);
        return;
    }
    bool scheduled = dp_secret_deleted(d);
    bool keep_window = r->deletion_policy && !strcmp(r->deletion_policy, "Snapshot");
    if (dp_tags_ownership(dp_prop(d, "Tags"), "Key", "Value", r->stack, NULL) == DP_OWNED_BY_OTHER) {
        dp_progress_failf(p, DP_E_CONFLICT, "deleting %s: secret %s belongs to another stack", r->logical_id,
                          r->physical_id);
        cJSON_Delete(d);
        return;
    }
    if (scheduled && keep_window) { /* recoverable, as asked: done */
        cJSON_Delete(d);
        dp_progress_success(p, NULL);
        return;
    }
    if (r->context && scheduled) {
        cJSON_Delete(d);
        dp_progress_success(p, NULL);
        return;
    }
    cJSON *in = cJSON_CreateObject(), *out = NULL;
    cJSON_AddStringToObject(in, "SecretId", dp_prop_str(d, "ARN") ? dp_prop_str(d, "ARN") : r->physical_id);
    if (keep_window)
        cJSON_AddNumberToObject(in, "RecoveryWindowInDays", 7);
    else
        cJSON_AddTrueToObject(in, "ForceDeleteWithoutRecovery");
    cJSON_Delete(d);
    int rc = dp_json_call(r->client, &dp_svc_secretsmanager, "DeleteSecret", in, &out, &e);
    cJSON_Delete(in);
    cJSON_Delete(out);
    if (rc && strcmp(e.aws_code, "ResourceNotFoundException")) {
        dp_progress_fail(p, r, "deleting", &e);
        return;
    }
    if (keep_window) {
        dp_progress_success(p, NULL);
        return;
    }
    /* Wait until it is gone (or at least marked deleted). */
    dp_progress_wait(p, r, cJSON_CreateObject(), "secret deleting");
}

struct list_ctx {
    dp_list_fn fn;
    void *ctx;
};

static int on_tagged(void *ctx, const char *arn, const cJSON *tags, dp_err *e)
{
    struct list_ctx *l = ctx;
    const char *logical = dp_tag_value(tags, DP_TAG_LOGICAL_ID);
    return logical ? l->fn(l->ctx, TYPE, logical, arn, e) : 0;
}

static int list(dp_client *c, const char *stack, dp_list_fn fn, void *ctx, dp_err *e)
{
    struct list_ctx l = {fn, ctx};
    return dp_tagging_find(c, stack, "secretsmanager:secret", on_tagged, &l, e);
}

/* Everything but ReplicaRegions and Type. */
static const char *const applies[] = {"Name", "Description", "KmsKeyId", "SecretString", "GenerateSecretString",
                                      "Tags", NULL};
/* The value is never read back (write-only, compared by hash). */
static const char *const reads_back[] = {"Name", "Description", "KmsKeyId", "Tags", NULL};

const dp_driver dp_driver_secret = {
    .type = TYPE,
    .create = create,
    .read = read_secret,
    .update = update,
    .del = del,
    .list = list,
    .physical_id_for = physical_id_for,
    .name_prop = "Name",
    .applies = applies,
    .reads_back = reads_back,
    .seconds = {.create = 2, .update = 2, .del = 2},
    .caps = DP_CAP_REFUSES_OTHERS,
};
