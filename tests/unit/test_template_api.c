/* test_template_api.c - the engine-facing API: order, resolved properties before and after
 * apply (known values), secrets through strip, outputs, parameters, policies. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "templates/template.h"

static const char tmpl[] =
    "Parameters:\n"
    "  Env: {Type: String, Default: dev}\n"
    "  DbPassword: {Type: String, NoEcho: true}\n"
    "Conditions:\n"
    "  IsProd: !Equals [!Ref Env, prod]\n"
    "Resources:\n"
    "  Task:\n"
    "    Type: AWS::DMS::ReplicationTask\n"
    "    Properties:\n"
    "      MigrationType: full-load\n"
    "      ReplicationInstanceArn: !Ref Rep\n"
    "      SourceEndpointArn: !Ref Source\n"
    "      TargetEndpointArn: !Ref Source\n"
    "      TableMappings: {rules: []}\n"
    "      ReplicationTaskSettings: !Sub '{\"TargetMetadata\": {\"TargetSchema\": \"${Rep.ReplicationInstancePrivateIpAddresses}\"}}'\n"
    "  Source:\n"
    "    Type: AWS::DMS::Endpoint\n"
    "    DeletionPolicy: Retain\n"
    "    Properties:\n"
    "      EndpointType: source\n"
    "      EngineName: postgres\n"
    "      Password: !Ref DbPassword\n"
    "      Username: !Join ['-', [admin, !Ref DbPassword]]\n"
    "      Port: '5432'\n"
    "  Rep:\n"
    "    Type: AWS::DMS::ReplicationInstance\n"
    "    Properties:\n"
    "      ReplicationInstanceClass: dms.t3.micro\n"
    "  ProdOnly:\n"
    "    Type: AWS::RDS::DBInstance\n"
    "    Condition: IsProd\n"
    "    Properties: {DBInstanceClass: db.t3.micro, Engine: postgres}\n"
    "Outputs:\n"
    "  Arn: {Value: !GetAtt Rep.Id, Description: rep}\n"
    "  Stack: {Value: !Sub '${AWS::StackName}/${AWS::AccountId}/${AWS::Partition}'}\n";

static cJSON *lookup(void *ctx, const char *id, const char *attr)
{
    (void)ctx;
    if (!strcmp(id, "Rep") && !attr)
        return cJSON_CreateString("arn:aws:dms:us-east-1:123456789012:rep:REP");
    if (!strcmp(id, "Rep") && !strcmp(attr, "ReplicationInstancePrivateIpAddresses"))
        return cJSON_CreateString("10.0.0.5");
    if (!strcmp(id, "Rep") && !strcmp(attr, "Id"))
        return cJSON_CreateString("arn:rep");
    return NULL; /* Source not created yet */
}

static dp_template *load(dp_diags *d, bool strict, const char *pw)
{
    dp_param_inputs in;
    dp_param_inputs_init(&in);
    if (pw)
        dp_param_inputs_set(&in, "DbPassword", pw, NULL, 0, 0, NULL);
    dp_tpl_context ctx = {.stack_name = "lab", .region = "cn-north-1", .account_id = "123456789012"};
    dp_tpl_options o = {.params = &in, .ctx = &ctx, .require_all_params = strict};
    dp_diags_init(d);
    dp_template *t = dp_template_load_buf("api.yaml", tmpl, strlen(tmpl), &o, d);
    dp_param_inputs_cleanup(&in);
    return t;
}

static char *str(const cJSON *v) { return cJSON_PrintUnformatted(v); }

int main(void)
{
    dp_diags d;
    CHECK(load(&d, true, NULL) == NULL); /* strict: DbPassword needs a value */
    CHECK_INT(d.errors, 1);
    dp_diags_cleanup(&d);

    dp_template *t = load(&d, true, "pa55word");
    CHECK(t != NULL);
    CHECK_INT(d.n, 0);
    if (!t)
        CHECK_DONE();
    /* Order: Source and Rep before Task, inactive last. */
    CHECK_INT(dp_template_resource_count(t), 4);
    CHECK_STR(dp_template_resource_at(t, 0)->logical_id, "Source");
    CHECK_STR(dp_template_resource_at(t, 1)->logical_id, "Rep");
    CHECK_STR(dp_template_resource_at(t, 2)->logical_id, "Task");
    const dp_tpl_resource *last = dp_template_resource_at(t, 3);
    CHECK_STR(last->logical_id, "ProdOnly");
    CHECK(!last->active);
    CHECK_STR(last->condition, "IsProd");
    CHECK_STR(last->deletion_policy, "Snapshot");
    const dp_tpl_resource *task = dp_template_resource_find(t, "Task");
    CHECK_INT(task->ndepends_on, 2);
    CHECK_STR(task->depends_on[0], "Source");
    CHECK_STR(task->depends_on[1], "Rep");
    CHECK_INT(task->nexplicit_depends_on, 0);
    CHECK(task->schema != NULL && !strcmp(task->schema->type, "AWS::DMS::ReplicationTask"));
    const dp_tpl_resource *src = dp_template_resource_find(t, "Source");
    CHECK_STR(src->deletion_policy, "Retain");
    CHECK(src->deletion_policy_explicit);
    CHECK_STR(src->update_replace_policy, "Delete");

    /* Plan time: unknowns. */
    cJSON *p = NULL;
    dp_err e;
    dp_err_clear(&e);
    CHECK_INT(dp_template_resource_properties(t, "Task", NULL, &p, &e), 0);
    CHECK(dp_value_is_unknown(cJSON_GetObjectItem(p, "ReplicationInstanceArn")));
    CHECK_STR(dp_value_unknown_name(cJSON_GetObjectItem(p, "ReplicationTaskSettings")),
              "Rep.ReplicationInstancePrivateIpAddresses");
    CHECK_STR(cJSON_GetObjectItem(p, "TableMappings")->valuestring, "{\"rules\":[]}");
    CHECK(dp_value_contains_unknown(p));
    cJSON_Delete(p);

    /* Apply time: Rep exists, Source does not yet. */
    dp_known k = {NULL, lookup};
    CHECK_INT(dp_template_resource_properties(t, "Task", &k, &p, &e), 0);
    CHECK_STR(cJSON_GetObjectItem(p, "ReplicationInstanceArn")->valuestring, "arn:aws:dms:us-east-1:123456789012:rep:REP");
    CHECK_STR(cJSON_GetObjectItem(p, "ReplicationTaskSettings")->valuestring,
              "{\"TargetMetadata\":{\"TargetSchema\":\"10.0.0.5\"}}");
    CHECK(dp_value_is_unknown(cJSON_GetObjectItem(p, "SourceEndpointArn")));
    cJSON *stripped = dp_value_strip(p, &e);
    CHECK(stripped == NULL); /* an unknown remains */
    cJSON_Delete(p);

    /* Secrets: marked, computed values too; strip gives the driver the real value. */
    CHECK_INT(dp_template_resource_properties(t, "Source", &k, &p, &e), 0);
    CHECK(dp_value_is_secret(cJSON_GetObjectItem(p, "Password")));
    CHECK(dp_value_is_secret(cJSON_GetObjectItem(p, "Username")));
    CHECK_INT(cJSON_GetObjectItem(p, "Port")->valueint, 5432);
    stripped = dp_value_strip(p, &e);
    CHECK(stripped != NULL);
    CHECK_STR(cJSON_GetObjectItem(stripped, "Password")->valuestring, "pa55word");
    CHECK_STR(cJSON_GetObjectItem(stripped, "Username")->valuestring, "admin-pa55word");
    cJSON *red = dp_value_redact(p);
    char *rtxt = str(red);
    CHECK(strstr(rtxt, "pa55word") == NULL);
    free(rtxt);
    cJSON_Delete(red);
    cJSON_Delete(stripped);
    cJSON_Delete(p);

    /* Inactive and missing resources. */
    CHECK(dp_template_resource_properties(t, "ProdOnly", NULL, &p, &e) != 0);
    CHECK(dp_template_resource_properties(t, "Nope", NULL, &p, &e) != 0);
    CHECK_INT(e.kind, DP_E_NOT_FOUND);

    /* Outputs and pseudo parameters (partition derived from the region). */
    cJSON *outs = NULL;
    CHECK_INT(dp_template_outputs(t, &k, &outs, &e), 0);
    CHECK_STR(cJSON_GetObjectItem(cJSON_GetObjectItem(outs, "Arn"), "Value")->valuestring, "arn:rep");
    CHECK_STR(cJSON_GetObjectItem(cJSON_GetObjectItem(outs, "Arn"), "Description")->valuestring, "rep");
    CHECK_STR(cJSON_GetObjectItem(cJSON_GetObjectItem(outs, "Stack"), "Value")->valuestring, "lab/123456789012/aws-cn");
    cJSON_Delete(outs);

    /* Parameters with NoEcho flags and secret-marked values. */
    CHECK_INT(dp_template_param_count(t), 2);
    const dp_tpl_param *env = dp_template_param_at(t, 0), *pw = dp_template_param_at(t, 1);
    CHECK_STR(env->name, "Env");
    CHECK(env->from_default);
    CHECK_STR(env->value->valuestring, "dev");
    CHECK(pw->no_echo);
    CHECK(dp_value_is_secret(pw->value));
    dp_template_free(t);
    dp_diags_cleanup(&d);
    CHECK_DONE();
}
