/* test_template_dynref.c - dynamic references built by Fn::Sub / Fn::Join from the ARN of a
 * secret in the same template: unknown (and secret-marked) until the engine's known lookup
 * gives the ARN, then resolved through the resolver as a secret; never resolved with the
 * literal "${DbSecret}". Also Transform AWS::SecretsManager-2020-07-23. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "templates/template.h"

#define ARN "arn:aws:secretsmanager:us-east-1:123456789012:secret:lab-db-AbCdEf"

static const char tmpl[] =
    "Transform: AWS::SecretsManager-2020-07-23\n"
    "Parameters:\n"
    "  Env: {Type: String, Default: dev}\n"
    "Resources:\n"
    "  DbSecret:\n"
    "    Type: AWS::SecretsManager::Secret\n"
    "    Properties:\n"
    "      GenerateSecretString: {SecretStringTemplate: '{\"username\": \"labadmin\"}', GenerateStringKey: password}\n"
    "  Rotation:\n"
    "    Type: AWS::SecretsManager::RotationSchedule\n"
    "    Properties:\n"
    "      SecretId: !Ref DbSecret\n"
    "      HostedRotationLambda: {RotationType: PostgreSQLSingleUser}\n"
    "  Cluster:\n"
    "    Type: AWS::RDS::DBCluster\n"
    "    Properties:\n"
    "      Engine: aurora-postgresql\n"
    "      MasterUsername: !Sub '{{resolve:secretsmanager:${DbSecret}:SecretString:username}}'\n"
    "      MasterUserPassword: !Join ['', ['{{resolve:secretsmanager:', !Ref DbSecret, ':SecretString:password}}']]\n"
    "      DatabaseName: !Sub '{{resolve:ssm:/lab/${Env}/${DbSecret}}}'\n"
    "Outputs:\n"
    "  Name: {Value: !Sub 'db {{resolve:ssm:/lab/${Env}/${DbSecret}}}'}\n";

/* A fake SSM / Secrets Manager that records what it was asked. */
typedef struct fake {
    int secret_calls, ssm_calls;
    bool saw_placeholder;   /* asked with a literal "${" */
    char last_secret_id[256];
} fake;

static int fake_secret(void *ctx, const char *id, const char *stage, const char *version_id, char **value,
                       dp_err *e)
{
    fake *f = ctx;
    (void)stage;
    (void)version_id;
    f->secret_calls++;
    f->saw_placeholder |= strstr(id, "${") != NULL;
    snprintf(f->last_secret_id, sizeof f->last_secret_id, "%s", id);
    if (strcmp(id, ARN)) {
        dp_err_set(e, DP_E_NOT_FOUND, "ResourceNotFoundException: secret %s", id);
        return -1;
    }
    *value = strdup("{\"username\": \"labadmin\", \"password\": \"s3cr3t-pw\"}");
    return *value ? 0 : -1;
}

static int fake_ssm(void *ctx, const char *name, long version, bool decrypt, char **value, dp_err *e)
{
    fake *f = ctx;
    (void)version;
    f->ssm_calls++;
    f->saw_placeholder |= strstr(name, "${") != NULL;
    if (decrypt || strcmp(name, "/lab/dev/" ARN)) {
        dp_err_set(e, DP_E_NOT_FOUND, "ParameterNotFound: %s", name);
        return -1;
    }
    *value = strdup("labdb");
    return *value ? 0 : -1;
}

typedef struct known {
    const char *arn;   /* NULL: the secret does not exist yet */
} known;

static cJSON *lookup(void *ctx, const char *id, const char *attr)
{
    known *k = ctx;
    if (k->arn && !strcmp(id, "DbSecret") && !attr)
        return cJSON_CreateString(k->arn);
    return NULL;
}

static dp_template *load(const char *text, fake *f, dp_diags *d)
{
    dp_resolver res = {f, fake_ssm, fake_secret};
    dp_tpl_options o = {.resolver = f ? &res : NULL, .require_all_params = true};
    dp_diags_init(d);
    return dp_template_load_buf("dynref.yaml", text, strlen(text), &o, d);
}

static char *str(const cJSON *v) { return cJSON_PrintUnformatted(v); }

/* Plan time: the secret does not exist, so its ARN and the references built from it are
 * unknown; the secure ones are secret-marked. */
static void before_the_secret_exists(dp_template *t, fake *f)
{
    known k = {NULL};
    dp_known kn = {&k, lookup};
    cJSON *p = NULL;
    dp_err e;
    dp_err_clear(&e);
    CHECK_INT(dp_template_resource_properties(t, "Cluster", &kn, &p, &e), 0);
    const cJSON *user = cJSON_GetObjectItem(p, "MasterUsername");
    const cJSON *pw = cJSON_GetObjectItem(p, "MasterUserPassword");
    const cJSON *db = cJSON_GetObjectItem(p, "DatabaseName");
    CHECK(dp_value_is_secret(user));
    CHECK_STR(dp_value_unknown_name(dp_value_secret_inner(user)), "DbSecret");
    CHECK(dp_value_is_secret(pw));
    CHECK_STR(dp_value_unknown_name(dp_value_secret_inner(pw)), "DbSecret");
    CHECK(dp_value_contains_unknown(pw));
    /* ssm is no secret: a plain unknown. */
    CHECK(dp_value_is_unknown(db));
    CHECK_STR(dp_value_unknown_name(db), "DbSecret");
    /* Too early for a driver. */
    CHECK(dp_value_strip(p, &e) == NULL);
    /* Printable: the unknown's name, still marked secret. */
    cJSON *red = dp_value_redact(pw);
    char *s = str(red);
    CHECK_STR(s, "{\"dp:secret\":{\"dp:unknown\":\"DbSecret\"}}");
    free(s);
    cJSON_Delete(red);
    cJSON_Delete(p);
    CHECK_INT(f->secret_calls, 0);
    CHECK_INT(f->ssm_calls, 0);
}

/* Apply time (or plan once the secret exists): the ARN is known, the references resolve. */
static void once_the_secret_exists(dp_template *t, fake *f)
{
    known k = {ARN};
    dp_known kn = {&k, lookup};
    cJSON *p = NULL;
    dp_err e;
    dp_err_clear(&e);
    CHECK_INT(dp_template_resource_properties(t, "Cluster", &kn, &p, &e), 0);
    CHECK_STR(e.message, "");
    const cJSON *user = cJSON_GetObjectItem(p, "MasterUsername");
    const cJSON *pw = cJSON_GetObjectItem(p, "MasterUserPassword");
    CHECK(dp_value_is_secret(user));
    CHECK(dp_value_is_secret(pw));
    CHECK(!dp_value_contains_unknown(p));
    CHECK_STR(f->last_secret_id, ARN);
    CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(p, "DatabaseName")), "labdb");
    cJSON *plain = dp_value_strip(p, &e);
    CHECK(plain != NULL);
    CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(plain, "MasterUsername")), "labadmin");
    CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(plain, "MasterUserPassword")), "s3cr3t-pw");
    cJSON_Delete(plain);
    cJSON *red = dp_value_redact(p);
    char *s = str(red);
    CHECK(s && !strstr(s, "s3cr3t-pw") && !strstr(s, "labadmin"));
    free(s);
    cJSON_Delete(red);
    cJSON_Delete(p);
    /* One GetSecretValue for the secret (cached per reference: username, password). */
    int calls = f->secret_calls;
    CHECK_INT(calls, 2);
    CHECK_INT(dp_template_resource_properties(t, "Cluster", &kn, &p, &e), 0);
    CHECK_INT(f->secret_calls, calls);
    cJSON_Delete(p);

    /* Unresolved: the reference text with the ARN, no resolver call (a rotation changes the
     * secret's value, not this). */
    CHECK_INT(dp_template_resource_properties_unresolved(t, "Cluster", &kn, &p, &e), 0);
    CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(p, "MasterUserPassword")),
              "{{resolve:secretsmanager:" ARN ":SecretString:password}}");
    CHECK_INT(f->secret_calls, calls);
    cJSON_Delete(p);

    /* Outputs: a plain ssm reference built by Fn::Sub. */
    cJSON *outs = NULL;
    CHECK_INT(dp_template_outputs(t, &kn, &outs, &e), 0);
    CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetObjectItem(outs, "Name"), "Value")), "db labdb");
    cJSON_Delete(outs);
    dp_template_outputs(t, NULL, &outs, &e);
    CHECK(dp_value_is_unknown(cJSON_GetObjectItem(cJSON_GetObjectItem(outs, "Name"), "Value")));
    cJSON_Delete(outs);
}

/* A secret the resolver does not have: an error naming the reference, no secret in it. */
static void missing_secret(dp_template *t, fake *f)
{
    known k = {"arn:aws:secretsmanager:us-east-1:123456789012:secret:gone-XyZ123"};
    dp_known kn = {&k, lookup};
    cJSON *p = NULL;
    dp_err e;
    dp_err_clear(&e);
    CHECK(dp_template_resource_properties(t, "Cluster", &kn, &p, &e) != 0);
    CHECK(p == NULL);
    CHECK(strstr(e.message, "ResourceNotFoundException") != NULL);
    CHECK(strstr(e.message, "gone-XyZ123") != NULL);
    CHECK(!f->saw_placeholder);
}

/* Without a resolver the resolved string stays unknown (secret-marked for secretsmanager). */
static void no_resolver(void)
{
    dp_diags d;
    dp_template *t = load(tmpl, NULL, &d);
    CHECK(t != NULL);
    known k = {ARN};
    dp_known kn = {&k, lookup};
    cJSON *p = NULL;
    dp_err e;
    dp_err_clear(&e);
    CHECK_INT(dp_template_resource_properties(t, "Cluster", &kn, &p, &e), 0);
    const cJSON *pw = cJSON_GetObjectItem(p, "MasterUserPassword");
    CHECK(dp_value_is_secret(pw));
    CHECK_STR(dp_value_unknown_name(dp_value_secret_inner(pw)),
              "{{resolve:secretsmanager:" ARN ":SecretString:password}}");
    CHECK_STR(dp_value_unknown_name(cJSON_GetObjectItem(p, "DatabaseName")), "{{resolve:ssm:/lab/dev/" ARN "}}");
    cJSON_Delete(p);
    dp_template_free(t);
    dp_diags_cleanup(&d);
}

static int load_errors(const char *text, const char *want)
{
    dp_diags d;
    dp_template *t = load(text, NULL, &d);
    dp_buf b;
    dp_buf_init(&b, 0);
    dp_diags_render(&d, &b);
    int n = (int)d.errors;
    if (want)
        CHECK(strstr(dp_buf_str(&b), want) != NULL);
    else
        CHECK_STR(dp_buf_str(&b), "");
    CHECK((t == NULL) == (n > 0));
    dp_buf_cleanup(&b);
    dp_template_free(t);
    dp_diags_cleanup(&d);
    return n;
}

/* The transform alone, in a list with AWS::LanguageExtensions, and what stays refused. */
static void transforms(void)
{
    static const char body[] = "Resources:\n  B: {Type: AWS::S3::Bucket}\n";
    char text[512];
    snprintf(text, sizeof text, "Transform: AWS::SecretsManager-2020-07-23\n%s", body);
    CHECK_INT(load_errors(text, NULL), 0);
    snprintf(text, sizeof text, "Transform: [AWS::SecretsManager-2020-07-23, AWS::LanguageExtensions]\n%s", body);
    CHECK_INT(load_errors(text, NULL), 0);
    snprintf(text, sizeof text, "Transform: AWS::SecretsManager-2024-01-01\n%s", body);
    CHECK_INT(load_errors(text, "transform \"AWS::SecretsManager-2024-01-01\" is not supported"), 1);
    /* The Sub / Join forms are checked as written. */
    snprintf(text, sizeof text,
             "Resources:\n  S: {Type: AWS::SecretsManager::Secret}\n"
             "  P:\n    Type: AWS::SSM::Parameter\n    Properties:\n      Type: String\n"
             "      Value: !Sub '{{resolve:secretsmanager:${S}:SecretBinary}}'\n");
    CHECK_INT(load_errors(text, "{{resolve:secretsmanager:${\xe2\x80\xa6}:SecretBinary}}: the field after the secret id "
                                "must be SecretString"), 1);
}

int main(void)
{
    fake f = {0};
    dp_diags d;
    /* Loading with a resolver never resolves "{{resolve:secretsmanager:${DbSecret}…}}". */
    dp_template *t = load(tmpl, &f, &d);
    CHECK(t != NULL);
    CHECK_INT(d.n, 0);
    CHECK(!f.saw_placeholder);
    CHECK_INT(f.secret_calls, 0);
    if (!t)
        CHECK_DONE();
    before_the_secret_exists(t, &f);
    once_the_secret_exists(t, &f);
    missing_secret(t, &f);
    dp_template_free(t);
    dp_diags_cleanup(&d);
    no_resolver();
    transforms();
    CHECK_DONE();
}
