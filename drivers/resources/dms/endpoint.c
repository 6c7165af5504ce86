/* endpoint.c - AWS::DMS::Endpoint: create/adopt and wait active, read, modify, delete.
 *
 * PhysicalId (CloudFormation's Ref) is the endpoint ARN. The password is sent, never read
 * back. Modifying an endpoint that running tasks use stops those tasks, modifies, and resumes
 * them (resume-processing), so a task never runs against a half-changed endpoint. Deletion
 * follows botocore's EndpointDeleted waiter (success ResourceNotFoundFault). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "drivers/core/proto/json.h"
#include "drivers/resources/dms/dms_flow.h"
#include "drivers/resources/tagging.h"

#define TYPE "AWS::DMS::Endpoint"
#define WHAT "endpoint"

/* Template (CloudFormation) name -> API name of each settings structure. */
static const struct {
    const char *cfn, *api;
} settings[] = {
    {"S3Settings", "S3Settings"},
    {"PostgreSqlSettings", "PostgreSQLSettings"},
    {"MySqlSettings", "MySQLSettings"},
    {"MicrosoftSqlServerSettings", "MicrosoftSQLServerSettings"},
    {"IbmDb2Settings", "IBMDb2Settings"},
    {"OracleSettings", "OracleSettings"},
    {"SybaseSettings", "SybaseSettings"},
    {"RedshiftSettings", "RedshiftSettings"},
    {"DocDbSettings", "DocDbSettings"},
    {"DynamoDbSettings", "DynamoDbSettings"},
    {"ElasticsearchSettings", "ElasticsearchSettings"},
    {"GcpMySQLSettings", "GcpMySQLSettings"},
    {"KafkaSettings", "KafkaSettings"},
    {"KinesisSettings", "KinesisSettings"},
    {"MongoDbSettings", "MongoDbSettings"},
    {"NeptuneSettings", "NeptuneSettings"},
    {"RedisSettings", "RedisSettings"},
};
#define NSETTINGS (sizeof settings / sizeof settings[0])

/* PostgreSqlSettings keys the CloudFormation schema knows; DMS also answers DatabaseName,
 * Port, ServerName, Username copied from the endpoint, which are not template keys there. */
static const char *const pg_keys[] = {
    "AfterConnectScript", "BabelfishDatabaseName", "CaptureDdls", "DatabaseMode", "DdlArtifactsSchema",
    "ExecuteTimeout", "FailTasksOnLobTruncation", "HeartbeatEnable", "HeartbeatFrequency", "HeartbeatSchema",
    "MapBooleanAsBoolean", "MaxFileSize", "PluginName", "SecretsManagerAccessRoleArn", "SecretsManagerSecretId",
    "SlotName", NULL};
static const char *const secret_keys[] = {"Password", "AuthPassword", "SecurityDbEncryption", NULL};

static const char *const scalars[] = {"EndpointType", "EngineName", "Username", "ServerName", "DatabaseName",
                                      "ExtraConnectionAttributes", "CertificateArn", "SslMode", NULL};
static const char *const defaulted[] = {"SslMode", "ExtraConnectionAttributes", "KmsKeyId", "CertificateArn", "Port",
                                        "DatabaseName", "ServerName", "Username", NULL};

static const dp_dms_kind kind; /* defined below, after its hooks */

static bool listed(const char *const *keys, const char *k)
{
    for (; *keys; keys++)
        if (!strcmp(*keys, k))
            return true;
    return false;
}

/* A live settings structure in template form, or NULL when it should not be reported. */
static cJSON *settings_prop(const cJSON *live, const char *cfn, const cJSON *desired)
{
    if (!cJSON_IsObject(live))
        return NULL;
    if (desired && !dp_prop(desired, cfn))
        return NULL; /* server-side settings the template did not ask for */
    cJSON *out = dp_dms_prune_to(live, dp_prop(desired, cfn));
    cJSON *k = out ? out->child : NULL;
    while (k) {
        cJSON *next = k->next;
        if (listed(secret_keys, k->string) || cJSON_IsNull(k) ||
            (!strcmp(cfn, "PostgreSqlSettings") && !listed(pg_keys, k->string)))
            cJSON_Delete(cJSON_DetachItemViaPointer(out, k));
        k = next;
    }
    if (!cJSON_GetArraySize(out)) {
        cJSON_Delete(out);
        return NULL;
    }
    return out;
}

/* Properties of a described endpoint in template form (owned). */
static cJSON *props_of(const dp_resource_req *r, const cJSON *ep)
{
    cJSON *props = cJSON_CreateObject();
    dp_dms_report(props, ep, "EndpointIdentifier", "EndpointIdentifier");
    dp_dms_keep_case(props, r->desired, "EndpointIdentifier");
    for (const char *const *k = scalars; *k; k++)
        dp_dms_report(props, ep, *k, *k);
    dp_dms_report(props, ep, "Port", "Port");
    dp_dms_report(props, ep, "KmsKeyId", "KmsKeyId");
    /* DMS answers "SOURCE" / "TARGET"; templates say "source" / "target" */
    const char *type = dp_prop_str(props, "EndpointType");
    if (type)
        cJSON_ReplaceItemInObjectCaseSensitive(props, "EndpointType",
                                               cJSON_CreateString(!strcasecmp(type, "source") ? "source" : "target"));
    for (size_t i = 0; i < NSETTINGS; i++) {
        cJSON *s = settings_prop(dp_prop(ep, settings[i].api), settings[i].cfn, r->desired);
        if (s)
            cJSON_AddItemToObject(props, settings[i].cfn, s);
    }
    dp_dms_drop_unset(props, r->desired, defaulted);
    return props;
}

/* GetAtt values beyond Id and Arn. */
static void attrs(cJSON *model, const cJSON *ep)
{
    dp_model_attr(model, "ExternalId", dp_prop_str(ep, "ExternalId"));
}

/* Creating -> active: no status counts as active; any other status fails. */
static dp_dms_state state(const cJSON *ep)
{
    const char *status = dp_prop_str(ep, "Status");
    if (!status || !strcmp(status, "active"))
        return DP_DMS_READY;
    return !strcmp(status, "creating") ? DP_DMS_WAIT : DP_DMS_FAILED;
}

/* Endpoint parameters shared by CreateEndpoint and ModifyEndpoint, all from desired. */
static void put_all(cJSON *in, const cJSON *d)
{
    for (const char *const *k = scalars; *k; k++)
        dp_dms_copy(in, d, *k, *k);
    dp_dms_copy_int(in, d, "Port");
    dp_dms_copy(in, d, "Password", "Password");
    for (size_t i = 0; i < NSETTINGS; i++)
        dp_dms_copy(in, d, settings[i].cfn, settings[i].api);
}

static void create_input(cJSON *in, const dp_resource_req *r)
{
    put_all(in, r->desired);
    dp_dms_copy(in, r->desired, "KmsKeyId", "KmsKeyId");
    dp_dms_copy(in, r->desired, "ResourceIdentifier", "ResourceIdentifier");
}

static void created(const dp_resource_req *r, dp_progress *p, const char *arn)
{
    dp_dms_wait_available(&kind, r, p, arn, "creating");
}

static void adopt(const dp_resource_req *r, dp_progress *p, const char *arn)
{
    dp_dms_wait_available(&kind, r, p, arn, "adopting");
}

/* EndpointDeleted fails when the endpoint is back. */
static const char *const again[] = {"active", "creating", NULL};

static const dp_dms_kind kind = {
    .type = TYPE, .what = WHAT, .id_prop = "EndpointIdentifier", .id_max = 255, .lower_id = false,
    .describe_op = "DescribeEndpoints", .list_key = "Endpoints", .id_filter = "endpoint-id",
    .arn_filter = "endpoint-arn", .arn_field = "EndpointArn", .status_field = "Status",
    .create_op = "CreateEndpoint", .created_key = "Endpoint", .delete_op = "DeleteEndpoint", .again = again,
    .resume = NULL, .create_input = create_input, .created = created, .adopt = adopt, .props_of = props_of,
    .attrs = attrs, .state = state};

static void create(const dp_resource_req *r, dp_progress *p) { dp_dms_create(&kind, r, p); }

static void read_(const dp_resource_req *r, dp_progress *p) { dp_dms_read(&kind, r, p); }

/* True when applied (a settings structure as last applied) sets a key that want no longer
 * sets, at any depth. Live values cannot show this: DMS answers defaults for unset keys. */
static bool key_dropped(const cJSON *applied, const cJSON *want)
{
    const cJSON *k;
    if (!cJSON_IsObject(applied))
        return false;
    cJSON_ArrayForEach(k, applied)
    {
        const cJSON *w = cJSON_GetObjectItemCaseSensitive(want, k->string);
        if (!w || (cJSON_IsObject(k) && key_dropped(k, w)))
            return true;
    }
    return false;
}

/* ModifyEndpoint input for what differs (NULL when nothing); the password is sent whenever
 * something else changes, or alone when nothing else (tags included) differs, since it cannot
 * be read back to compare. A settings structure is sent whole with ExactSettings: by default
 * ModifyEndpoint merges settings, so a key dropped from the template would stay set. */
static cJSON *modify_input(const dp_resource_req *r, const cJSON *ep, bool tags_differ)
{
    const cJSON *d = r->desired;
    cJSON *in = cJSON_CreateObject();
    int n = 0;
    for (const char *const *k = scalars; *k; k++) {
        const char *want = dp_prop_str(d, *k), *have = dp_prop_str(ep, *k);
        bool differ = !strcmp(*k, "EndpointType") ? want && (!have || strcasecmp(want, have))
                                                  : want && (!have || strcmp(want, have));
        if (differ) {
            cJSON_AddStringToObject(in, *k, want);
            n++;
        }
    }
    const char *want_id = dp_prop_str(d, "EndpointIdentifier"), *have_id = dp_prop_str(ep, "EndpointIdentifier");
    if (want_id && have_id && strcasecmp(want_id, have_id)) {
        cJSON_AddStringToObject(in, "EndpointIdentifier", want_id);
        n++;
    }
    if (dp_prop(d, "Port") && dp_prop_long(d, "Port", 0) != dp_prop_long(ep, "Port", -1)) {
        dp_dms_copy_int(in, d, "Port");
        n++;
    }
    bool exact = false;
    for (size_t i = 0; i < NSETTINGS; i++) {
        const cJSON *want = dp_prop(d, settings[i].cfn), *applied = dp_prop(r->applied, settings[i].cfn);
        if (!want) { /* dropped from the template as a whole: reset, if the endpoint still has it */
            const cJSON *live = dp_prop(ep, settings[i].api);
            if (cJSON_GetArraySize(applied) && cJSON_IsObject(live) && cJSON_GetArraySize(live)) {
                cJSON_AddItemToObject(in, settings[i].api, cJSON_CreateObject());
                exact = true;
                n++;
            }
            continue;
        }
        cJSON *have = dp_dms_prune_to(dp_prop(ep, settings[i].api), want);
        char *a = cJSON_PrintUnformatted(want), *b = have ? cJSON_PrintUnformatted(have) : NULL;
        if (!dp_dms_json_text_equal(a, b) || key_dropped(applied, want)) {
            cJSON_AddItemToObject(in, settings[i].api, cJSON_Duplicate(want, 1));
            exact = true;
            n++;
        }
        free(a);
        free(b);
        cJSON_Delete(have);
    }
    if (exact)
        cJSON_AddBoolToObject(in, "ExactSettings", 1);
    if (dp_prop(d, "Password") && (n || !tags_differ)) {
        dp_dms_copy(in, d, "Password", "Password");
        n++;
    }
    if (!n) {
        cJSON_Delete(in);
        return NULL;
    }
    cJSON_AddStringToObject(in, "EndpointArn", r->physical_id);
    return in;
}

static bool tags_differ(const dp_resource_req *r, dp_err *e, int *rc)
{
    cJSON *have = NULL, *want = dp_dms_want_tags(r);
    *rc = dp_dms_tags(r->client, r->physical_id, &have, e);
    bool differ = false;
    const cJSON *t;
    if (cJSON_GetArraySize(have) != cJSON_GetArraySize(want))
        differ = true;
    cJSON_ArrayForEach(t, want)
    {
        const char *v = dp_tag_value(have, dp_prop_str(t, "Key"));
        if (!v || strcmp(v, dp_prop_str(t, "Value")))
            differ = true;
    }
    cJSON_Delete(have);
    cJSON_Delete(want);
    return differ;
}

/* Tasks that use the endpoint, as [{"arn","status"}] (owned). */
static int tasks_using(dp_client *c, const char *arn, cJSON **tasks, dp_err *e)
{
    cJSON *in = cJSON_CreateObject(), *out = NULL;
    cJSON *f = cJSON_CreateObject();
    cJSON_AddStringToObject(f, "Name", "endpoint-arn");
    cJSON_AddItemToArray(cJSON_AddArrayToObject(f, "Values"), cJSON_CreateString(arn));
    cJSON_AddItemToArray(cJSON_AddArrayToObject(in, "Filters"), f);
    cJSON_AddBoolToObject(in, "WithoutSettings", 1);
    int rc = dp_json_call(c, &dp_svc_dms, "DescribeReplicationTasks", in, &out, e);
    cJSON_Delete(in);
    *tasks = cJSON_CreateArray();
    if (rc && dp_dms_not_found(e)) {
        dp_err_clear(e);
        rc = 0;
    }
    const cJSON *t;
    cJSON_ArrayForEach(t, dp_prop(out, "ReplicationTasks"))
    {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "arn", dp_prop_str(t, "ReplicationTaskArn"));
        cJSON_AddStringToObject(o, "status", dp_prop_str(t, "Status") ? dp_prop_str(t, "Status") : "");
        cJSON_AddItemToArray(*tasks, o);
    }
    cJSON_Delete(out);
    return rc ? -1 : 0;
}

static const char *task_status(dp_client *c, const char *arn, char *buf, size_t n, dp_err *e)
{
    cJSON *t = NULL;
    int rc = dp_dms_describe_one(c, "DescribeReplicationTasks", "ReplicationTasks", "replication-task-arn", arn, &t, e);
    const char *s = dp_prop_str(t, "Status");
    snprintf(buf, n, "%s", rc == DP_MISSING ? "gone" : s ? s : "");
    cJSON_Delete(t);
    return rc < 0 ? NULL : buf;
}

static int task_call(dp_client *c, const char *op, const char *arn, const char *start_type, dp_err *e)
{
    cJSON *in = cJSON_CreateObject(), *out = NULL;
    cJSON_AddStringToObject(in, "ReplicationTaskArn", arn);
    if (start_type)
        cJSON_AddStringToObject(in, "StartReplicationTaskType", start_type);
    int rc = dp_json_call(c, &dp_svc_dms, op, in, &out, e);
    cJSON_Delete(in);
    cJSON_Delete(out);
    return rc;
}

static void wait_stage(dp_progress *p, const dp_resource_req *r, const char *stage, const cJSON *paused,
                       const char *text)
{
    cJSON *ctx = cJSON_CreateObject();
    cJSON_AddStringToObject(ctx, "stage", stage);
    cJSON_AddItemToObject(ctx, "paused", paused ? cJSON_Duplicate(paused, 1) : cJSON_CreateArray());
    dp_resource_req fresh = *r; /* a new wait (pausing, resuming) starts with short polls again */
    const char *prev = dp_prop_str(r->context, "stage");
    if (!prev || strcmp(prev, stage))
        fresh.context = NULL;
    dp_progress_wait(p, &fresh, ctx, text);
}

/* Update: "begin" (pause running tasks) -> "pausing" -> modify + resume -> "resuming". */
static void update(const dp_resource_req *r, dp_progress *p)
{
    const char *stage = dp_prop_str(r->context, "stage");
    const cJSON *paused = dp_prop(r->context, "paused");
    dp_err e;
    dp_err_clear(&e);
    char buf[64];
    const cJSON *t;
    if (stage && !strcmp(stage, "resuming")) {
        cJSON_ArrayForEach(t, paused)
        {
            const char *s = task_status(r->client, t->valuestring, buf, sizeof buf, &e);
            if (!s) {
                dp_progress_fail(p, r, "resuming tasks of", &e);
                return;
            }
            if (!strcmp(s, "starting")) {
                wait_stage(p, r, "resuming", paused, "replication tasks resuming");
                return;
            }
            if (!strcmp(s, "failed")) {
                dp_progress_failf(p, DP_E_AWS, "updating %s: replication task %s failed after resuming",
                                  r->logical_id, t->valuestring);
                return;
            }
        }
        read_(r, p);
        return;
    }
    if (stage && !strcmp(stage, "pausing")) {
        cJSON_ArrayForEach(t, paused)
        {
            const char *s = task_status(r->client, t->valuestring, buf, sizeof buf, &e);
            if (!s) {
                dp_progress_fail(p, r, "pausing tasks of", &e);
                return;
            }
            if (!strcmp(s, "stopping") || !strcmp(s, "running")) {
                wait_stage(p, r, "pausing", paused, "replication tasks stopping");
                return;
            }
        }
    }
    cJSON *ep = NULL;
    if (dp_dms_current(&kind, r, p, "updating", &ep))
        return;
    int rc = 0;
    bool differ = tags_differ(r, &e, &rc);
    cJSON *in = rc ? NULL : modify_input(r, ep, differ);
    cJSON_Delete(ep);
    if (!rc && in && !stage) { /* pause the tasks that run on this endpoint first */
        cJSON *tasks = NULL, *running = cJSON_CreateArray();
        bool busy = false;
        rc = tasks_using(r->client, r->physical_id, &tasks, &e);
        cJSON_ArrayForEach(t, tasks)
        {
            const char *s = dp_prop_str(t, "status");
            if (!strcmp(s, "running"))
                cJSON_AddItemToArray(running, cJSON_CreateString(dp_prop_str(t, "arn")));
            else if (!strcmp(s, "starting") || !strcmp(s, "stopping") || !strcmp(s, "modifying") ||
                     !strcmp(s, "moving"))
                busy = true;
        }
        cJSON_Delete(tasks);
        if (!rc && busy) {
            cJSON_Delete(running);
            cJSON_Delete(in);
            dp_progress_wait(p, r, NULL, "replication tasks settling before endpoint update");
            return;
        }
        cJSON_ArrayForEach(t, running) if (!rc) rc = task_call(r->client, "StopReplicationTask", t->valuestring, NULL, &e);
        if (!rc && cJSON_GetArraySize(running)) {
            wait_stage(p, r, "pausing", running, "replication tasks stopping");
            cJSON_Delete(running);
            cJSON_Delete(in);
            return;
        }
        cJSON_Delete(running);
    }
    if (!rc && in) {
        cJSON *out = NULL;
        rc = dp_json_call(r->client, &dp_svc_dms, "ModifyEndpoint", in, &out, &e);
        cJSON_Delete(out);
    }
    cJSON_Delete(in);
    if (!rc) {
        cJSON *want = dp_dms_want_tags(r);
        rc = dp_dms_sync_tags(r->client, r->physical_id, want, &e);
        cJSON_Delete(want);
    }
    cJSON_ArrayForEach(t, paused) if (!rc) rc = task_call(r->client, "StartReplicationTask", t->valuestring,
                                                          "resume-processing", &e);
    if (rc) {
        dp_progress_fail(p, r, "updating", &e);
        return;
    }
    if (cJSON_GetArraySize(paused))
        wait_stage(p, r, "resuming", paused, "replication tasks resuming");
    else
        read_(r, p);
}

static void del(const dp_resource_req *r, dp_progress *p) { dp_dms_delete(&kind, r, p); }

static int list(dp_client *c, const char *stack, dp_list_fn fn, void *ctx, dp_err *e)
{
    return dp_dms_list_tagged(c, stack, "endpoint", TYPE, fn, ctx, e);
}

static int physical_id_for(const cJSON *desired, const dp_resource_req *r, char *id, size_t n)
{
    return dp_dms_physical_id(&kind, desired, r, id, n);
}

static const char *const applies[] = {
    "EndpointIdentifier", "EndpointType", "EngineName", "Username", "Password", "ServerName", "DatabaseName", "Port",
    "ExtraConnectionAttributes", "CertificateArn", "SslMode", "KmsKeyId", "ResourceIdentifier", "S3Settings",
    "PostgreSqlSettings", "MySqlSettings", "MicrosoftSqlServerSettings", "IbmDb2Settings", "OracleSettings",
    "SybaseSettings", "RedshiftSettings", "DocDbSettings", "DynamoDbSettings", "ElasticsearchSettings",
    "GcpMySQLSettings", "KafkaSettings", "KinesisSettings", "MongoDbSettings", "NeptuneSettings", "RedisSettings",
    "Tags", NULL};
/* The password is never read back. */
static const char *const reads_back[] = {
    "EndpointIdentifier", "EndpointType", "EngineName", "Username", "ServerName", "DatabaseName", "Port",
    "ExtraConnectionAttributes", "CertificateArn", "SslMode", "KmsKeyId", "S3Settings", "PostgreSqlSettings",
    "MySqlSettings", "MicrosoftSqlServerSettings", "IbmDb2Settings", "OracleSettings", "SybaseSettings",
    "RedshiftSettings", "DocDbSettings", "DynamoDbSettings", "ElasticsearchSettings", "GcpMySQLSettings",
    "KafkaSettings", "KinesisSettings", "MongoDbSettings", "NeptuneSettings", "RedisSettings", "Tags", NULL};
/* Its access role, bucket, secret or database. */
static const char *const may_reference[] = {"AWS::IAM::Role", "AWS::S3::Bucket", "AWS::SecretsManager::Secret",
                                            "AWS::RDS::DBCluster", "AWS::RDS::DBInstance", NULL};

const dp_driver dp_driver_dms_endpoint = {
    .type = TYPE,
    .create = create,
    .read = read_,
    .update = update,
    .del = del,
    .list = list,
    .physical_id_for = physical_id_for,
    .name_prop = "EndpointIdentifier",
    .applies = applies,
    .reads_back = reads_back,
    .may_reference = may_reference,
    .seconds = {.create = 5, .update = 5, .del = 5},
    .caps = DP_CAP_ID_LOWERCASE,
};
