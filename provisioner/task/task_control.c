/* task_control.c - StartReplicationTask, StopReplicationTask and ReloadTables. */
#include "provisioner/task/task_control.h"

#include <stdio.h>

#include "drivers/core/proto/json.h"
#include "provisioner/task/task_rules.h"

static int call(dp_client *c, const char *op, cJSON *in, cJSON **after, dp_err *e)
{
    cJSON *out = NULL;
    int rc = dp_json_call(c, &dp_svc_dms, op, in, &out, e);
    cJSON_Delete(in);
    if (after)
        *after = rc ? NULL : cJSON_DetachItemFromObjectCaseSensitive(out, "ReplicationTask");
    cJSON_Delete(out);
    return rc ? -1 : 0;
}

int dp_task_start(dp_client *c, const char *arn, const dp_task_start_opts *o, cJSON **after, dp_err *e)
{
    long long t = 0;
    if (o->cdc_start_time && o->cdc_start_position) { /* StartReplicationTask refuses both: say so first */
        dp_err_set(e, DP_E_USAGE, "CdcStartTime and CdcStartPosition are mutually exclusive");
        return -1;
    }
    if (o->cdc_start_time && dp_task_parse_time(o->cdc_start_time, &t)) {
        dp_err_set(e, DP_E_USAGE, "\"%s\" is not a CDC start time", o->cdc_start_time);
        return -1;
    }
    cJSON *in = cJSON_CreateObject();
    cJSON_AddStringToObject(in, "ReplicationTaskArn", arn);
    cJSON_AddStringToObject(in, "StartReplicationTaskType", o->type);
    if (o->cdc_start_time)
        cJSON_AddNumberToObject(in, "CdcStartTime", (double)t); /* JSON protocol: epoch seconds */
    if (o->cdc_start_position)
        cJSON_AddStringToObject(in, "CdcStartPosition", o->cdc_start_position);
    if (o->cdc_stop_position)
        cJSON_AddStringToObject(in, "CdcStopPosition", o->cdc_stop_position);
    return call(c, "StartReplicationTask", in, after, e);
}

int dp_task_stop(dp_client *c, const char *arn, cJSON **after, dp_err *e)
{
    cJSON *in = cJSON_CreateObject();
    cJSON_AddStringToObject(in, "ReplicationTaskArn", arn);
    return call(c, "StopReplicationTask", in, after, e);
}

int dp_task_reload(dp_client *c, const char *arn, char *const *tables, int ntables, dp_err *e)
{
    cJSON *in = cJSON_CreateObject();
    cJSON_AddStringToObject(in, "ReplicationTaskArn", arn);
    cJSON *list = cJSON_AddArrayToObject(in, "TablesToReload");
    for (int i = 0; i < ntables; i++) {
        char schema[256], table[256];
        if (dp_task_split_table(tables[i], schema, sizeof schema, table, sizeof table)) {
            dp_err_set(e, DP_E_USAGE, "\"%s\" is not schema.table", tables[i]);
            cJSON_Delete(in);
            return -1;
        }
        cJSON *t = cJSON_CreateObject();
        cJSON_AddStringToObject(t, "SchemaName", schema);
        cJSON_AddStringToObject(t, "TableName", table);
        cJSON_AddItemToArray(list, t);
    }
    cJSON_AddStringToObject(in, "ReloadOption", "data-reload");
    return call(c, "ReloadTables", in, NULL, e);
}
