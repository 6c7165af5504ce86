/* rotate_aws.c - the AWS calls of a rotation (Secrets Manager, RDS, SSM, DMS). */
#include "provisioner/rotate/rotate_aws.h"

#include <libxml/tree.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "drivers/core/proto/json.h"
#include "drivers/core/proto/query.h"

void dp_rot_sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts))
        ;
}

/* Polling delay: quick at first (moto, fast changes), then up to 10 s. */
static long poll_delay(int polls)
{
    long ms = 250L << (polls < 6 ? polls : 6);
    return ms > 10000 ? 10000 : ms;
}

static int json_op(dp_client *c, const dp_service *svc, const char *op, cJSON *in, cJSON **out, dp_err *e)
{
    cJSON *answer = NULL;
    int rc = in ? dp_json_call(c, svc, op, in, &answer, e) : -1;
    if (!in)
        dp_err_set(e, DP_E_NOMEM, "out of memory");
    cJSON_Delete(in);
    if (out)
        *out = answer;
    else
        cJSON_Delete(answer);
    return rc;
}

/* ---------------------------------------------------------------- Secrets Manager */

int dp_rot_sm_describe(dp_client *c, const char *secret, cJSON **out, dp_err *e)
{
    cJSON *in = cJSON_CreateObject();
    cJSON_AddStringToObject(in, "SecretId", secret);
    return json_op(c, &dp_svc_secretsmanager, "DescribeSecret", in, out, e);
}

bool dp_rot_sm_version_has(const cJSON *desc, const char *version_id, const char *stage)
{
    const cJSON *stages = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(desc, "VersionIdsToStages"),
                                                           version_id);
    const cJSON *s;
    cJSON_ArrayForEach(s, stages) if (cJSON_IsString(s) && !strcmp(s->valuestring, stage)) return true;
    return false;
}

const char *dp_rot_sm_version_with(const cJSON *desc, const char *stage)
{
    const cJSON *v;
    cJSON_ArrayForEach(v, cJSON_GetObjectItemCaseSensitive(desc, "VersionIdsToStages")) if (
        dp_rot_sm_version_has(desc, v->string, stage)) return v->string;
    return NULL;
}

const char *dp_rot_sm_tag_value(const cJSON *desc, const char *key)
{
    const cJSON *t;
    cJSON_ArrayForEach(t, cJSON_GetObjectItemCaseSensitive(desc, "Tags"))
    {
        const cJSON *k = cJSON_GetObjectItemCaseSensitive(t, "Key"), *v = cJSON_GetObjectItemCaseSensitive(t, "Value");
        if (cJSON_IsString(k) && cJSON_IsString(v) && !strcmp(k->valuestring, key))
            return v->valuestring;
    }
    return NULL;
}

int dp_rot_sm_get(dp_client *c, const char *secret, const char *version_id, const char *stage, char **value,
                  dp_err *e)
{
    *value = NULL;
    cJSON *in = cJSON_CreateObject(), *out = NULL;
    cJSON_AddStringToObject(in, "SecretId", secret);
    if (version_id)
        cJSON_AddStringToObject(in, "VersionId", version_id);
    cJSON_AddStringToObject(in, "VersionStage", stage ? stage : "AWSCURRENT");
    if (json_op(c, &dp_svc_secretsmanager, "GetSecretValue", in, &out, e))
        return -1;
    const cJSON *s = cJSON_GetObjectItemCaseSensitive(out, "SecretString");
    if (cJSON_IsString(s))
        *value = strdup(s->valuestring);
    cJSON_Delete(out);
    if (!*value) {
        dp_err_set(e, DP_E_PARSE, "secret %s (%s) has no SecretString", secret, stage ? stage : "AWSCURRENT");
        return -1;
    }
    return 0;
}

int dp_rot_sm_put_pending(dp_client *c, const char *secret, const char *token, const char *value, dp_err *e)
{
    cJSON *in = cJSON_CreateObject();
    cJSON_AddStringToObject(in, "SecretId", secret);
    cJSON_AddStringToObject(in, "ClientRequestToken", token);
    cJSON_AddStringToObject(in, "SecretString", value);
    const char *stages[] = {"AWSPENDING"};
    cJSON_AddItemToObject(in, "VersionStages", cJSON_CreateStringArray(stages, 1));
    return json_op(c, &dp_svc_secretsmanager, "PutSecretValue", in, NULL, e);
}

int dp_rot_sm_stage(dp_client *c, const char *secret, const char *stage, const char *to, const char *from,
                    dp_err *e)
{
    cJSON *in = cJSON_CreateObject();
    cJSON_AddStringToObject(in, "SecretId", secret);
    cJSON_AddStringToObject(in, "VersionStage", stage);
    if (to)
        cJSON_AddStringToObject(in, "MoveToVersionId", to);
    if (from)
        cJSON_AddStringToObject(in, "RemoveFromVersionId", from);
    return json_op(c, &dp_svc_secretsmanager, "UpdateSecretVersionStage", in, NULL, e);
}

int dp_rot_sm_tag(dp_client *c, const char *secret, const char *key, const char *value, dp_err *e)
{
    cJSON *in = cJSON_CreateObject(), *tags = cJSON_AddArrayToObject(in, "Tags"), *t = cJSON_CreateObject();
    cJSON_AddStringToObject(in, "SecretId", secret);
    cJSON_AddStringToObject(t, "Key", key);
    cJSON_AddStringToObject(t, "Value", value);
    cJSON_AddItemToArray(tags, t);
    return json_op(c, &dp_svc_secretsmanager, "TagResource", in, NULL, e);
}

/* ---------------------------------------------------------------- RDS */

int dp_rot_rds_set_password(dp_client *c, const char *cluster, const char *password, dp_err *e)
{
    dp_params p;
    dp_params_init(&p, "ModifyDBCluster", dp_svc_rds.api_version);
    dp_params_add(&p, "DBClusterIdentifier", cluster);
    dp_params_add(&p, "MasterUserPassword", password);
    dp_params_add(&p, "ApplyImmediately", "true");
    xmlDocPtr doc = NULL;
    int rc = dp_query_call(c, &dp_svc_rds, "ModifyDBCluster", &p, &doc, e);
    dp_params_cleanup(&p);
    if (doc)
        xmlFreeDoc(doc);
    return rc;
}

/* DescribeDBClusters of one cluster: *doc (owned, xmlFreeDoc) and its DBCluster node in it,
 * *cl NULL when the answer names none. */
static int describe_cluster(dp_client *c, const char *cluster, xmlDocPtr *doc, xmlNodePtr *cl, dp_err *e)
{
    dp_params p;
    dp_params_init(&p, "DescribeDBClusters", dp_svc_rds.api_version);
    dp_params_add(&p, "DBClusterIdentifier", cluster);
    int rc = dp_query_call(c, &dp_svc_rds, "DescribeDBClusters", &p, doc, e);
    dp_params_cleanup(&p);
    if (rc)
        return -1;
    *cl = dp_xml_path(dp_xml_result(*doc, "DescribeDBClusters"), "DBClusters/DBCluster");
    return 0;
}

/* Status and whether modifications are pending. */
static int cluster_status(dp_client *c, const char *cluster, char *status, size_t n, bool *pending, dp_err *e)
{
    xmlDocPtr doc = NULL;
    xmlNodePtr cl = NULL;
    if (describe_cluster(c, cluster, &doc, &cl, e))
        return -1;
    char *s = cl ? dp_xml_text(cl, "Status") : NULL;
    xmlNodePtr pmv = cl ? dp_xml_child(cl, "PendingModifiedValues") : NULL;
    *pending = false;
    for (xmlNodePtr k = pmv ? pmv->children : NULL; k; k = k->next)
        if (k->type == XML_ELEMENT_NODE)
            *pending = true;
    snprintf(status, n, "%s", s ? s : "");
    free(s);
    xmlFreeDoc(doc);
    if (!cl) {
        dp_err_set(e, DP_E_NOT_FOUND, "DB cluster %s not found", cluster);
        return -1;
    }
    return 0;
}

int dp_rot_rds_wait(dp_client *c, const char *cluster, long timeout_s, dp_err *e)
{
    time_t start = time(NULL);
    char status[64];
    bool pending;
    for (int polls = 0;; polls++) {
        if (cluster_status(c, cluster, status, sizeof status, &pending, e))
            return -1;
        if (!strcmp(status, "available") && !pending)
            return 0;
        if (time(NULL) - start > timeout_s) {
            dp_err_set(e, DP_E_CONFLICT, "DB cluster %s is still %s%s after %ld s", cluster, status,
                       pending ? " with pending changes" : "", timeout_s);
            return -1;
        }
        dp_rot_sleep_ms(poll_delay(polls));
    }
}

int dp_rot_rds_endpoint(dp_client *c, const char *cluster, char **host, char **port, char **dbname, dp_err *e)
{
    *host = *port = *dbname = NULL;
    xmlDocPtr doc = NULL;
    xmlNodePtr cl = NULL;
    if (describe_cluster(c, cluster, &doc, &cl, e))
        return -1;
    if (cl) {
        *host = dp_xml_text(cl, "Endpoint");
        *port = dp_xml_text(cl, "Port");
        *dbname = dp_xml_text(cl, "DatabaseName");
    }
    xmlFreeDoc(doc);
    if (!*host || !**host) {
        free(*host);
        free(*port);
        free(*dbname);
        *host = *port = *dbname = NULL;
        dp_err_set(e, DP_E_NOT_FOUND, cl ? "DB cluster %s has no endpoint yet" : "DB cluster %s not found", cluster);
        return -1;
    }
    return 0;
}

/* ---------------------------------------------------------------- SSM */

int dp_rot_ssm_get(dp_client *c, const char *name, char **value, dp_err *e)
{
    *value = NULL;
    cJSON *in = cJSON_CreateObject(), *out = NULL;
    cJSON_AddStringToObject(in, "Name", name);
    cJSON_AddBoolToObject(in, "WithDecryption", 1);
    if (json_op(c, &dp_svc_ssm, "GetParameter", in, &out, e)) {
        dp_err_prefix(e, "SSM parameter %s", name);
        return -1;
    }
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(out, "Parameter"), "Value");
    if (cJSON_IsString(v))
        *value = strdup(v->valuestring);
    cJSON_Delete(out);
    if (!*value) {
        dp_err_set(e, DP_E_PARSE, "SSM parameter %s: no value", name);
        return -1;
    }
    return 0;
}

int dp_rot_ssm_put(dp_client *c, const char *name, const char *value, bool *changed, dp_err *e)
{
    *changed = false;
    cJSON *in = cJSON_CreateObject(), *out = NULL;
    cJSON_AddStringToObject(in, "Name", name);
    cJSON_AddBoolToObject(in, "WithDecryption", 1);
    if (json_op(c, &dp_svc_ssm, "GetParameter", in, &out, e))
        return -1;
    const cJSON *par = cJSON_GetObjectItemCaseSensitive(out, "Parameter");
    const cJSON *cur = cJSON_GetObjectItemCaseSensitive(par, "Value");
    const cJSON *type = cJSON_GetObjectItemCaseSensitive(par, "Type");
    if (cJSON_IsString(cur) && !strcmp(cur->valuestring, value)) {
        cJSON_Delete(out);
        return 0;
    }
    in = cJSON_CreateObject();
    cJSON_AddStringToObject(in, "Name", name);
    cJSON_AddStringToObject(in, "Value", value);
    cJSON_AddStringToObject(in, "Type", cJSON_IsString(type) ? type->valuestring : "String");
    cJSON_AddBoolToObject(in, "Overwrite", 1);
    cJSON_Delete(out);
    if (json_op(c, &dp_svc_ssm, "PutParameter", in, NULL, e))
        return -1;
    *changed = true;
    return 0;
}

/* ---------------------------------------------------------------- DMS */

static cJSON *filter_input(const char *name, const char *value)
{
    cJSON *in = cJSON_CreateObject(), *filters = cJSON_AddArrayToObject(in, "Filters"), *f = cJSON_CreateObject();
    cJSON_AddStringToObject(f, "Name", name);
    cJSON_AddItemToObject(f, "Values", cJSON_CreateStringArray(&value, 1));
    cJSON_AddItemToArray(filters, f);
    return in;
}

int dp_rot_dms_endpoint_arn(dp_client *c, const char *id, char **arn, dp_err *e)
{
    *arn = NULL;
    if (!strncmp(id, "arn:", 4)) {
        *arn = strdup(id);
        return *arn ? 0 : -1;
    }
    cJSON *out = NULL;
    if (json_op(c, &dp_svc_dms, "DescribeEndpoints", filter_input("endpoint-id", id), &out, e))
        return -1;
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(out, "Endpoints"), 0),
                                                      "EndpointArn");
    if (cJSON_IsString(a))
        *arn = strdup(a->valuestring);
    cJSON_Delete(out);
    if (!*arn) {
        dp_err_set(e, DP_E_NOT_FOUND, "DMS endpoint %s not found", id);
        return -1;
    }
    return 0;
}

/* DescribeReplicationTasks by filter; a filter matching nothing is an empty answer. */
static int tasks_where(dp_client *c, const char *filter, const char *value, cJSON **out, dp_err *e)
{
    cJSON *in = filter_input(filter, value);
    cJSON_AddBoolToObject(in, "WithoutSettings", 1);
    dp_err mine;
    dp_err_clear(&mine);
    if (json_op(c, &dp_svc_dms, "DescribeReplicationTasks", in, out, &mine)) {
        if (!strcmp(mine.aws_code, "ResourceNotFoundFault")) {
            *out = cJSON_CreateObject();
            return 0;
        }
        if (e)
            *e = mine;
        return -1;
    }
    return 0;
}

static const char *task_field(const cJSON *t, const char *k)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(t, k);
    return cJSON_IsString(v) ? v->valuestring : "";
}

int dp_rot_dms_active_tasks(dp_client *c, const char *endpoint_arn, cJSON *arns, dp_err *e)
{
    cJSON *out = NULL;
    if (tasks_where(c, "endpoint-arn", endpoint_arn, &out, e))
        return -1;
    const cJSON *t;
    cJSON_ArrayForEach(t, cJSON_GetObjectItemCaseSensitive(out, "ReplicationTasks"))
    {
        const char *st = task_field(t, "Status");
        if (!strcmp(st, "running") || !strcmp(st, "starting"))
            cJSON_AddItemToArray(arns, cJSON_CreateString(task_field(t, "ReplicationTaskArn")));
    }
    cJSON_Delete(out);
    return 0;
}

static int task_status(dp_client *c, const char *arn, char *status, size_t n, dp_err *e)
{
    cJSON *out = NULL;
    if (tasks_where(c, "replication-task-arn", arn, &out, e))
        return -1;
    const cJSON *t = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(out, "ReplicationTasks"), 0);
    snprintf(status, n, "%s", t ? task_field(t, "Status") : "deleted");
    cJSON_Delete(out);
    return 0;
}

int dp_rot_dms_stop_task(dp_client *c, const char *task_arn, long timeout_s, dp_err *e)
{
    time_t start = time(NULL);
    char st[64];
    for (int polls = 0;; polls++) {
        if (task_status(c, task_arn, st, sizeof st, e))
            return -1;
        if (!strcmp(st, "stopped") || !strcmp(st, "failed") || !strcmp(st, "ready") || !strcmp(st, "deleted"))
            return 0;
        if (!strcmp(st, "running")) {
            cJSON *in = cJSON_CreateObject();
            cJSON_AddStringToObject(in, "ReplicationTaskArn", task_arn);
            if (json_op(c, &dp_svc_dms, "StopReplicationTask", in, NULL, e))
                return -1;
        }
        if (time(NULL) - start > timeout_s) {
            dp_err_set(e, DP_E_CONFLICT, "replication task %s is still %s after %ld s", task_arn, st, timeout_s);
            return -1;
        }
        dp_rot_sleep_ms(poll_delay(polls));
    }
}

int dp_rot_dms_resume_task(dp_client *c, const char *task_arn, dp_err *e)
{
    char st[64];
    if (task_status(c, task_arn, st, sizeof st, e))
        return -1;
    if (strcmp(st, "stopped"))
        return 0; /* running again, or gone: nothing to resume */
    cJSON *in = cJSON_CreateObject();
    cJSON_AddStringToObject(in, "ReplicationTaskArn", task_arn);
    cJSON_AddStringToObject(in, "StartReplicationTaskType", "resume-processing");
    return json_op(c, &dp_svc_dms, "StartReplicationTask", in, NULL, e);
}

int dp_rot_dms_set_password(dp_client *c, const char *endpoint_arn, const char *password, dp_err *e)
{
    cJSON *in = cJSON_CreateObject();
    cJSON_AddStringToObject(in, "EndpointArn", endpoint_arn);
    cJSON_AddStringToObject(in, "Password", password);
    return json_op(c, &dp_svc_dms, "ModifyEndpoint", in, NULL, e);
}
