/* task_status.c - task summary and per-table statistics: fetching, aligned text and JSON. */
#include "drivers/base/num.h"
#include "provisioner/task/task_status.h"

#include <stdio.h>
#include <string.h>

#include "drivers/core/proto/json.h"
#include "provisioner/task/task_rules.h"

static int on_page(void *ctx, const cJSON *page, dp_err *e)
{
    (void)e;
    cJSON *all = ctx;
    const cJSON *t;
    cJSON_ArrayForEach(t, cJSON_GetObjectItemCaseSensitive(page, "TableStatistics"))
        cJSON_AddItemToArray(all, cJSON_Duplicate(t, 1));
    return 0;
}

int dp_task_table_stats(dp_client *c, const char *arn, cJSON **tables, dp_err *e)
{
    cJSON *in = cJSON_CreateObject(), *all = cJSON_CreateArray();
    cJSON_AddStringToObject(in, "ReplicationTaskArn", arn);
    cJSON_AddNumberToObject(in, "MaxRecords", 500);
    int rc = dp_json_paginate(c, &dp_svc_dms, "DescribeTableStatistics", in, "Marker", on_page, all, e);
    cJSON_Delete(in);
    if (rc) {
        cJSON_Delete(all);
        *tables = NULL;
        return -1;
    }
    *tables = all;
    return 0;
}

long long dp_task_rows(const cJSON *tables)
{
    long long n = 0;
    const cJSON *t;
    cJSON_ArrayForEach(t, tables)
    {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(t, "FullLoadRows");
        if (cJSON_IsNumber(v))
            n += dp_double_to_ll_or(v->valuedouble, 0);
    }
    return n;
}

enum { NCOLS = 8 };
static const char *const headers[NCOLS] = {"TABLE", "STATE", "FULL-LOAD ROWS", "INSERTS",
                                           "UPDATES", "DELETES", "DDLS", "VALIDATION"};
static const char *const num_fields[] = {"FullLoadRows", "Inserts", "Updates", "Deletes", "Ddls"};

/* The cells of one table row, each at most 255 characters. */
static void row_cells(const cJSON *t, char cells[NCOLS][256])
{
    snprintf(cells[0], 256, "%s.%s", dp_task_str(t, "SchemaName"), dp_task_str(t, "TableName"));
    snprintf(cells[1], 256, "%s", dp_task_str(t, "TableState"));
    for (int i = 0; i < 5; i++) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(t, num_fields[i]);
        snprintf(cells[2 + i], 256, "%lld", cJSON_IsNumber(v) ? dp_double_to_ll_or(v->valuedouble, 0) : 0LL);
    }
    const char *val = dp_task_str(t, "ValidationState");
    snprintf(cells[7], 256, "%s", *val ? val : "-");
}

int dp_task_render_tables(const cJSON *tables, dp_buf *out)
{
    size_t w[NCOLS];
    char cells[NCOLS][256];
    for (int i = 0; i < NCOLS; i++)
        w[i] = strlen(headers[i]);
    const cJSON *t;
    cJSON_ArrayForEach(t, tables)
    {
        row_cells(t, cells);
        for (int i = 0; i < NCOLS; i++)
            if (strlen(cells[i]) > w[i])
                w[i] = strlen(cells[i]);
    }
    int rc = 0;
    for (int r = -1; r < cJSON_GetArraySize(tables); r++) {
        if (r >= 0)
            row_cells(cJSON_GetArrayItem(tables, r), cells);
        for (int i = 0; i < NCOLS; i++) {
            const char *s = r < 0 ? headers[i] : cells[i];
            bool numeric = i >= 2 && i <= 6; /* numbers right-aligned */
            if (i == NCOLS - 1)
                rc |= dp_buf_printf(out, "%s\n", s);
            else if (numeric)
                rc |= dp_buf_printf(out, "%*s  ", (int)w[i], s);
            else
                rc |= dp_buf_printf(out, "%-*s  ", (int)w[i], s);
        }
    }
    return rc ? -1 : 0;
}

int dp_task_render_errored(const cJSON *tables, dp_buf *out)
{
    int rc = 0;
    const cJSON *t;
    cJSON_ArrayForEach(t, tables)
    {
        const cJSON *err_rows = cJSON_GetObjectItemCaseSensitive(t, "FullLoadErrorRows");
        if (!strcmp(dp_task_str(t, "TableState"), "Table error") ||
            (cJSON_IsNumber(err_rows) && err_rows->valuedouble > 0))
            rc |= dp_buf_printf(out, "  %s.%s (%s)\n", dp_task_str(t, "SchemaName"), dp_task_str(t, "TableName"),
                                dp_task_str(t, "TableState"));
    }
    return rc ? -1 : 0;
}

static int line(dp_buf *out, const char *label, const char *value)
{
    return *value ? dp_buf_printf(out, "%-21s%s\n", label, value) : 0;
}

int dp_task_render_status(const cJSON *task, const cJSON *tables, const dp_cdc_latency *lat, dp_buf *out)
{
    char buf[600], elapsed[32];
    int rc = 0;
    rc |= dp_buf_printf(out, "%-21s%s (%s)\n", "Task:", dp_task_str(task, "ReplicationTaskIdentifier"),
                        dp_task_str(task, "ReplicationTaskArn"));
    rc |= line(out, "Status:", dp_task_str(task, "Status"));
    rc |= line(out, "Migration type:", dp_task_str(task, "MigrationType"));
    rc |= line(out, "Stop reason:", dp_task_str(task, "StopReason"));
    rc |= line(out, "Last failure:", dp_task_str(task, "LastFailureMessage"));
    if (strcmp(dp_task_str(task, "MigrationType"), "cdc")) {
        snprintf(buf, sizeof buf, "%lld%%", dp_task_stat(task, "FullLoadProgressPercent"));
        rc |= line(out, "Full load:", buf);
    }
    snprintf(buf, sizeof buf, "%lld loaded, %lld loading, %lld queued, %lld errored",
             dp_task_stat(task, "TablesLoaded"), dp_task_stat(task, "TablesLoading"),
             dp_task_stat(task, "TablesQueued"), dp_task_stat(task, "TablesErrored"));
    rc |= line(out, "Tables:", buf);
    if (dp_task_ever_ran(task)) {
        dp_task_format_duration(dp_task_stat(task, "ElapsedTimeMillis"), elapsed, sizeof elapsed);
        rc |= line(out, "Elapsed:", elapsed);
    }
    if (lat) {
        dp_cdc_latency_format(lat, buf, sizeof buf);
        rc |= line(out, "CDC latency:", buf);
    }
    rc |= line(out, "CDC start position:", dp_task_str(task, "CdcStartPosition"));
    rc |= line(out, "CDC stop position:", dp_task_str(task, "CdcStopPosition"));
    rc |= line(out, "Recovery checkpoint:", dp_task_str(task, "RecoveryCheckpoint"));
    rc |= dp_buf_puts(out, "\n");
    if (cJSON_GetArraySize(tables))
        rc |= dp_task_render_tables(tables, out);
    else
        rc |= dp_buf_puts(out, "No table statistics (the task has not run yet).\n");
    return rc ? -1 : 0;
}

static void copy(cJSON *to, const cJSON *from, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(from, name);
    if (v && !cJSON_IsNull(v))
        cJSON_AddItemToObject(to, name, cJSON_Duplicate(v, 1));
}

cJSON *dp_task_status_json(const cJSON *task, const cJSON *tables, const dp_cdc_latency *lat)
{
    static const char *const task_fields[] = {
        "ReplicationTaskIdentifier", "ReplicationTaskArn", "Status", "MigrationType", "StopReason",
        "LastFailureMessage", "ReplicationTaskStartDate", "CdcStartPosition", "CdcStopPosition",
        "RecoveryCheckpoint", "ReplicationTaskStats"};
    static const char *const table_fields[] = {
        "SchemaName", "TableName", "TableState", "FullLoadRows", "FullLoadErrorRows", "FullLoadReloaded", "Inserts", "Updates",
        "Deletes", "Ddls", "ValidationState", "LastUpdateTime"};
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    for (size_t i = 0; i < sizeof task_fields / sizeof task_fields[0]; i++)
        copy(o, task, task_fields[i]);
    cJSON *l = lat ? dp_cdc_latency_json(lat) : NULL;
    if (l)
        cJSON_AddItemToObject(o, "CdcLatency", l);
    cJSON *arr = cJSON_AddArrayToObject(o, "Tables");
    const cJSON *t;
    cJSON_ArrayForEach(t, tables)
    {
        cJSON *row = cJSON_CreateObject();
        for (size_t i = 0; i < sizeof table_fields / sizeof table_fields[0]; i++)
            copy(row, t, table_fields[i]);
        cJSON_AddItemToArray(arr, row);
    }
    return o;
}
