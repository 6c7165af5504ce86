/* test_rotate_config.c - what `dmsprov rotate` finds in a template (schedule, secret, password
 * rules, dependents) and how it recomputes a dependent's value from the new secret. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "provisioner/rotate/rotate.h"

static const char *write_tpl(const char *name, const char *text)
{
    static char paths[8][256]; /* one per template: all are removed at the end */
    static int next;
    char *path = paths[next++ % 8];
    snprintf(path, 256, "/tmp/dp-rotcfg-%d-%s.yaml", (int)getpid(), name);
    FILE *f = fopen(path, "w");
    fputs(text, f);
    fclose(f);
    return path;
}

static const dp_rot_target *target(const dp_rot_config *c, const char *lid)
{
    for (size_t i = 0; i < c->ntargets; i++)
        if (!strcmp(c->targets[i].logical_id, lid))
            return &c->targets[i];
    return NULL;
}

static const char *SECRET_JSON = "{\"username\":\"u\",\"password\":\"N3w-pass\",\"port\":5432}";

int main(void)
{
    dp_rot_config c;
    dp_err e;
    dp_err_clear(&e);
    /* the test stack */
    CHECK_INT(dp_rot_config_load("tests/rotate/stack.yaml", NULL, &c, &e), 0);
    CHECK_STR(c.schedule_id, "DbSecretRotation");
    CHECK_STR(c.secret_id, "DbSecret");
    CHECK_STR(c.secret_name, "rotate-test/db-master");
    CHECK_STR(c.expression, "rate(7 days)");
    CHECK_INT(c.length, 24);
    CHECK(strchr(c.exclude_chars, '/') && strchr(c.exclude_chars, '@') && strchr(c.exclude_chars, '"') &&
          strchr(c.exclude_chars, ' '));
    CHECK_INT(c.ntargets, 4);
    const dp_rot_target *t = target(&c, "DbCluster");
    CHECK(t && t->kind == DP_ROT_CLUSTER && t->name && !strcmp(t->name, "rotate-test-db"));
    char *v = NULL;
    /* the cluster's value is recomputed too: its state hash is renewed on finish */
    CHECK(t && t->prop && !strcmp(t->prop, "MasterUserPassword"));
    CHECK_INT(t && t->render ? dp_rot_render_value(t->render, SECRET_JSON, &v, &e) : -1, 0);
    CHECK_STR(v, "N3w-pass");
    free(v);
    v = NULL;
    CHECK_INT(c.nlogin, 0);
    t = target(&c, "PasswordCopy");
    CHECK(t && t->kind == DP_ROT_SSM && t->prop && !strcmp(t->prop, "Value"));
    CHECK_INT(t ? dp_rot_render_value(t->render, SECRET_JSON, &v, &e) : -1, 0);
    CHECK_STR(v, "N3w-pass");
    free(v);
    t = target(&c, "SourceEndpoint");
    CHECK(t && t->kind == DP_ROT_ENDPOINT && !strcmp(t->name, "rotate-test-source"));
    CHECK(t && t->prop && !strcmp(t->prop, "Password"));
    t = target(&c, "SecretEndpoint");
    CHECK(t && t->kind == DP_ROT_ENDPOINT_SM && t->render == NULL && t->prop == NULL);
    dp_rot_config_cleanup(&c);

    /* --secret picks one of several schedules; literal names, Join, marked copies, whole string */
    const char *two = write_tpl("two",
        "Resources:\n"
        "  A:\n    Type: AWS::SecretsManager::Secret\n    Properties:\n      Name: lab/a\n"
        "  B:\n    Type: AWS::SecretsManager::Secret\n"
        "  RA:\n    Type: AWS::SecretsManager::RotationSchedule\n    Properties:\n      SecretId: lab/a\n"
        "      HostedRotationLambda: {RotationType: PostgreSQLSingleUser}\n"
        "      RotationRules: {AutomaticallyAfterDays: 7}\n"
        "  RB:\n    Type: AWS::SecretsManager::RotationSchedule\n    Properties:\n      SecretId: !Ref B\n"
        "      HostedRotationLambda: {RotationType: PostgreSQLSingleUser}\n"
        "      RotationRules: {ScheduleExpression: 'cron(0 3 ? * SUN *)'}\n"
        "  Lit:\n    Type: AWS::SSM::Parameter\n    Properties:\n      Type: String\n"
        "      Value: 'pw={{resolve:secretsmanager:lab/a:SecretString:password}};'\n"
        "  Joined:\n    Type: AWS::SSM::Parameter\n    Properties:\n      Type: String\n"
        "      Value: !Join ['', ['{{resolve:secretsmanager:', !Ref B, '}}']]\n"
        "  Marked:\n    Type: AWS::SSM::Parameter\n    Metadata: {'dmsprov:password-of': B}\n"
        "    Properties:\n      Type: String\n      Value: !Ref Other\n"
        "  Other:\n    Type: AWS::SSM::Parameter\n    Properties:\n      Type: String\n      Value: x\n"
        "  Computed:\n    Type: AWS::DMS::Endpoint\n    Properties:\n"
        "      Password: !Sub '{{resolve:secretsmanager:${B}::password}}${AWS::Region}'\n");
    CHECK(dp_rot_config_load(two, NULL, &c, &e) != 0);
    CHECK(strstr(e.message, "--secret") != NULL);
    CHECK_INT(dp_rot_config_load(two, "A", &c, &e), 0);
    CHECK_STR(c.schedule_id, "RA");
    CHECK_INT(c.after_days, 7);
    CHECK_INT(c.length, 32);
    CHECK_INT(c.ntargets, 1);
    t = target(&c, "Lit");
    CHECK_INT(t ? dp_rot_render_value(t->render, SECRET_JSON, &v, &e) : -1, 0);
    CHECK_STR(v, "pw=N3w-pass;");
    free(v);
    dp_rot_config_cleanup(&c);
    CHECK_INT(dp_rot_config_load(two, "B", &c, &e), 0);
    CHECK_STR(c.expression, "cron(0 3 ? * SUN *)");
    CHECK_INT(c.ntargets, 3);
    t = target(&c, "Joined");
    CHECK_INT(t ? dp_rot_render_value(t->render, SECRET_JSON, &v, &e) : -1, 0);
    CHECK_STR(v, SECRET_JSON); /* no key: the whole SecretString */
    free(v);
    t = target(&c, "Marked");
    CHECK_INT(t ? dp_rot_render_value(t->render, SECRET_JSON, &v, &e) : -1, 0);
    CHECK_STR(v, "N3w-pass");
    free(v);
    /* its template Value is something else: no state hash to renew */
    CHECK(t && t->prop == NULL);
    t = target(&c, "Joined");
    CHECK(t && t->prop && !strcmp(t->prop, "Value"));
    t = target(&c, "Computed");
    CHECK(t && dp_rot_render_value(t->render, SECRET_JSON, &v, &e) != 0);
    CHECK(strstr(e.message, "computed from other template values") != NULL);
    CHECK(target(&c, "Other") == NULL);
    dp_rot_config_cleanup(&c);

    /* values that cannot follow a rotation */
    char mark[256];
    snprintf(mark, sizeof mark, "{{resolve:secretsmanager:%s:SecretString:password::v1}}", DP_ROT_SECRET_MARK);
    CHECK(dp_rot_render_value(mark, SECRET_JSON, &v, &e) != 0);
    snprintf(mark, sizeof mark, "{{resolve:secretsmanager:%s:SecretString:nokey}}", DP_ROT_SECRET_MARK);
    CHECK(dp_rot_render_value(mark, SECRET_JSON, &v, &e) != 0);
    snprintf(mark, sizeof mark, "{{resolve:ssm:/x}}{{resolve:secretsmanager:%s::password}}", DP_ROT_SECRET_MARK);
    CHECK(dp_rot_render_value(mark, SECRET_JSON, &v, &e) != 0);
    snprintf(mark, sizeof mark, "{{resolve:secretsmanager:%s::port}}", DP_ROT_SECRET_MARK);
    CHECK_INT(dp_rot_render_value(mark, SECRET_JSON, &v, &e), 0);
    CHECK_STR(v, "5432");
    free(v);

    /* schedules dmsprov does not perform */
    const char *lambda = write_tpl("lambda",
        "Resources:\n  S:\n    Type: AWS::SecretsManager::Secret\n"
        "  R:\n    Type: AWS::SecretsManager::RotationSchedule\n    Properties:\n      SecretId: !Ref S\n"
        "      RotationLambdaARN: arn:aws:lambda:us-east-1:1:function:f\n"
        "      RotationRules: {AutomaticallyAfterDays: 7}\n");
    CHECK(dp_rot_config_load(lambda, NULL, &c, &e) != 0);
    CHECK(strstr(e.message, "RotationLambdaARN") != NULL);
    const char *mysql = write_tpl("mysql",
        "Resources:\n  S:\n    Type: AWS::SecretsManager::Secret\n"
        "  R:\n    Type: AWS::SecretsManager::RotationSchedule\n    Properties:\n      SecretId: !Ref S\n"
        "      HostedRotationLambda: {RotationType: MySQLSingleUser}\n"
        "      RotationRules: {AutomaticallyAfterDays: 7}\n");
    CHECK(dp_rot_config_load(mysql, NULL, &c, &e) != 0);
    CHECK(strstr(e.message, "MySQLSingleUser") != NULL);
    /* resources made by a loop could hide a copy of the password: refused, with the position */
    const char *loop = write_tpl("loop",
        "Transform: AWS::LanguageExtensions\nResources:\n  S:\n    Type: AWS::SecretsManager::Secret\n"
        "  R:\n    Type: AWS::SecretsManager::RotationSchedule\n    Properties:\n      SecretId: !Ref S\n"
        "      HostedRotationLambda: {RotationType: PostgreSQLSingleUser}\n"
        "      RotationRules: {AutomaticallyAfterDays: 7}\n"
        "  Fn::ForEach::Copies:\n    - X\n    - [a, b]\n    - P${X}:\n        Type: AWS::SSM::Parameter\n"
        "        Properties: {Type: String, Value: '{{resolve:secretsmanager:S::password}}'}\n");
    CHECK(dp_rot_config_load(loop, NULL, &c, &e) != 0);
    CHECK(strstr(e.message, ":11:3: rotate does not read resources made by Fn::ForEach::Copies") != NULL);
    const char *none = write_tpl("none", "Resources:\n  S:\n    Type: AWS::SecretsManager::Secret\n");
    CHECK(dp_rot_config_load(none, NULL, &c, &e) != 0);
    CHECK(strstr(e.message, "no AWS::SecretsManager::RotationSchedule") != NULL);
    /* SSM parameters marked dmsprov:login: where to log in when the secret has no host */
    const char *login = write_tpl("login",
        "Resources:\n  S:\n    Type: AWS::SecretsManager::Secret\n"
        "  R:\n    Type: AWS::SecretsManager::RotationSchedule\n    Properties:\n      SecretId: !Ref S\n"
        "      HostedRotationLambda: {RotationType: PostgreSQLSingleUser}\n"
        "      RotationRules: {AutomaticallyAfterDays: 7}\n"
        "  H:\n    Type: AWS::SSM::Parameter\n    Metadata: {'dmsprov:login': host}\n"
        "    Properties: {Name: /lab/host, Type: String, Value: db.example}\n"
        "  D:\n    Type: AWS::SSM::Parameter\n    Metadata: {'dmsprov:login': dbname}\n"
        "    Properties: {Type: String, Value: labdb}\n");
    CHECK_INT(dp_rot_config_load(login, NULL, &c, &e), 0);
    CHECK_INT(c.nlogin, 2);
    CHECK(c.nlogin == 2 && c.login[0].field == DP_ROT_LOGIN_HOST && !strcmp(c.login[0].logical_id, "H") &&
          c.login[0].name && !strcmp(c.login[0].name, "/lab/host"));
    CHECK(c.nlogin == 2 && c.login[1].field == DP_ROT_LOGIN_DBNAME && c.login[1].name == NULL);
    CHECK_INT(c.ntargets, 0);
    dp_rot_config_cleanup(&c);
    const char *badlogin = write_tpl("badlogin",
        "Resources:\n  S:\n    Type: AWS::SecretsManager::Secret\n"
        "  R:\n    Type: AWS::SecretsManager::RotationSchedule\n    Properties:\n      SecretId: !Ref S\n"
        "      HostedRotationLambda: {RotationType: PostgreSQLSingleUser}\n"
        "      RotationRules: {AutomaticallyAfterDays: 7}\n"
        "  H:\n    Type: AWS::SSM::Parameter\n    Metadata: {'dmsprov:login': hostname}\n"
        "    Properties: {Type: String, Value: db.example}\n");
    CHECK(dp_rot_config_load(badlogin, NULL, &c, &e) != 0);
    CHECK(strstr(e.message, "dmsprov:login must be") != NULL);
    const char *twice = write_tpl("twice",
        "Resources:\n  S:\n    Type: AWS::SecretsManager::Secret\n"
        "  R:\n    Type: AWS::SecretsManager::RotationSchedule\n    Properties:\n      SecretId: !Ref S\n"
        "      HostedRotationLambda: {RotationType: PostgreSQLSingleUser}\n"
        "      RotationRules: {AutomaticallyAfterDays: 7}\n"
        "  H:\n    Type: AWS::SSM::Parameter\n    Metadata: {'dmsprov:login': port}\n"
        "    Properties: {Type: String, Value: '5432'}\n"
        "  I:\n    Type: AWS::SSM::Parameter\n    Metadata: {'dmsprov:login': port}\n"
        "    Properties: {Type: String, Value: '5433'}\n");
    CHECK(dp_rot_config_load(twice, NULL, &c, &e) != 0);
    CHECK(strstr(e.message, "both marked dmsprov:login port") != NULL);
    remove(login);
    remove(badlogin);
    remove(twice);
    remove(two);
    remove(lambda);
    remove(mysql);
    remove(none);
    CHECK_DONE();
}
