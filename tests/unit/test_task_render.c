/* test_task_render.c - `dmsprov task` output and plumbing: the aligned per-table statistics,
 * the status summary, the progress line, the JSON document, the state repointing and the
 * command line (mutually exclusive and misplaced flags). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "drivers/base/buf.h"
#include "provisioner/task/task_args.h"
#include "provisioner/task/task_repoint.h"
#include "provisioner/task/task_status.h"
#include "provisioner/task/task_wait.h"

static const char *tables_json =
    "[{\"SchemaName\":\"public\",\"TableName\":\"emp1\",\"TableState\":\"Table completed\",\"FullLoadRows\":5123,"
    "\"Inserts\":3,\"Updates\":2,\"Deletes\":1,\"Ddls\":0,\"ValidationState\":\"Not enabled\"},"
    "{\"SchemaName\":\"hr\",\"TableName\":\"departments_long_name\",\"TableState\":\"Table error\","
    "\"FullLoadRows\":12,\"FullLoadErrorRows\":1}]";

static void tables(void)
{
    cJSON *t = cJSON_Parse(tables_json);
    dp_buf b;
    dp_buf_init(&b, 1 << 20);
    CHECK_INT(dp_task_render_tables(t, &b), 0);
    CHECK_STR(dp_buf_str(&b),
              "TABLE                     STATE            FULL-LOAD ROWS  INSERTS  UPDATES  DELETES  DDLS  VALIDATION\n"
              "public.emp1               Table completed            5123        3        2        1     0  Not enabled\n"
              "hr.departments_long_name  Table error                  12        0        0        0     0  -\n");
    CHECK_INT(dp_task_rows(t), 5135);
    dp_buf_reset(&b);
    CHECK_INT(dp_task_render_errored(t, &b), 0);
    CHECK_STR(dp_buf_str(&b), "  hr.departments_long_name (Table error)\n");
    dp_buf_cleanup(&b);
    cJSON_Delete(t);
}

static void status(void)
{
    cJSON *task = cJSON_Parse(
        "{\"ReplicationTaskIdentifier\":\"lab\",\"ReplicationTaskArn\":\"arn:aws:dms:us-east-1:1:task:X\","
        "\"Status\":\"failed\",\"MigrationType\":\"full-load-and-cdc\",\"StopReason\":\"Stop Reason FATAL_ERROR\","
        "\"LastFailureMessage\":\"bad row\",\"RecoveryCheckpoint\":\"checkpoint:V1#27#x\","
        "\"ReplicationTaskStartDate\":1700000000,\"ReplicationTaskStats\":{\"FullLoadProgressPercent\":50,"
        "\"TablesLoaded\":1,\"TablesLoading\":0,\"TablesQueued\":0,\"TablesErrored\":1,\"ElapsedTimeMillis\":65000}}");
    cJSON *t = cJSON_Parse(tables_json);
    dp_buf b;
    dp_buf_init(&b, 1 << 20);
    CHECK_INT(dp_task_render_status(task, t, NULL, &b), 0);
    const char *s = dp_buf_str(&b);
    CHECK(strstr(s, "Task:                lab (arn:aws:dms:us-east-1:1:task:X)\n"));
    CHECK(strstr(s, "Status:              failed\n"));
    CHECK(strstr(s, "Stop reason:         Stop Reason FATAL_ERROR\n"));
    CHECK(strstr(s, "Last failure:        bad row\n"));
    CHECK(strstr(s, "Full load:           50%\n"));
    CHECK(strstr(s, "Tables:              1 loaded, 0 loading, 0 queued, 1 errored\n"));
    CHECK(strstr(s, "Elapsed:             1m05s\n"));
    CHECK(strstr(s, "Recovery checkpoint: checkpoint:V1#27#x\n"));
    CHECK(strstr(s, "hr.departments_long_name  Table error"));
    CHECK(!strstr(s, "CDC start position")); /* absent fields are left out */

    cJSON *j = dp_task_status_json(task, t, NULL);
    CHECK_STR(cJSON_GetObjectItem(j, "Status")->valuestring, "failed");
    CHECK_INT(cJSON_GetObjectItem(cJSON_GetObjectItem(j, "ReplicationTaskStats"), "TablesErrored")->valueint, 1);
    CHECK_INT(cJSON_GetArraySize(cJSON_GetObjectItem(j, "Tables")), 2);
    CHECK_STR(cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(j, "Tables"), 1), "TableState")->valuestring,
              "Table error");
    cJSON_Delete(j);

    dp_buf_reset(&b);
    cJSON *empty = cJSON_CreateArray();
    dp_task_render_status(task, empty, NULL, &b);
    CHECK(strstr(dp_buf_str(&b), "No table statistics"));
    cJSON_Delete(empty);

    dp_buf_reset(&b);
    CHECK_INT(dp_task_progress_line(task, -1, 5135, 65000, true, &b), 0);
    CHECK_STR(dp_buf_str(&b), "[##########----------]  50%  tables 1/2  rows 5135  elapsed 1m05s  failed");
    dp_buf_reset(&b);
    CHECK_INT(dp_task_progress_line(task, 7, 0, 1000, false, &b), 0);
    CHECK_STR(dp_buf_str(&b), "failed: full load 50%, tables 1/7, rows 0, elapsed 1s");
    dp_buf_cleanup(&b);
    cJSON_Delete(t);
    cJSON_Delete(task);
}

static void repoint(void)
{
    const char *old = "arn:aws:dms:us-east-1:1:task:OLD", *nu = "arn:aws:dms:us-east-1:1:task:NEW";
    cJSON *doc = cJSON_Parse(
        "{\"version\":1,\"stack\":\"lab\",\"resources\":{\"Task\":{\"type\":\"AWS::DMS::ReplicationTask\","
        "\"physical_id\":\"arn:aws:dms:us-east-1:1:task:OLD\",\"properties\":{\"ReplicationTaskIdentifier\":\"t\"},"
        "\"attributes\":{\"Arn\":\"arn:aws:dms:us-east-1:1:task:OLD\"}},\"Other\":{\"physical_id\":"
        "\"arn:aws:dms:us-east-1:1:task:OLDER\"}},\"outputs\":{\"TaskArn\":\"arn:aws:dms:us-east-1:1:task:OLD\"},"
        "\"rotations\":[\"arn:aws:dms:us-east-1:1:task:OLD\"]}");
    CHECK_INT(dp_task_repoint_doc(doc, old, nu), 4);
    const cJSON *task = cJSON_GetObjectItem(cJSON_GetObjectItem(doc, "resources"), "Task");
    CHECK_STR(cJSON_GetObjectItem(task, "physical_id")->valuestring, nu);
    CHECK_STR(cJSON_GetObjectItem(cJSON_GetObjectItem(task, "attributes"), "Arn")->valuestring, nu);
    CHECK_STR(cJSON_GetObjectItem(cJSON_GetObjectItem(doc, "outputs"), "TaskArn")->valuestring, nu);
    CHECK_STR(cJSON_GetObjectItem(cJSON_GetObjectItem(cJSON_GetObjectItem(doc, "resources"), "Other"),
                                  "physical_id")->valuestring,
              "arn:aws:dms:us-east-1:1:task:OLDER"); /* equal strings only */
    CHECK_INT(dp_task_repoint_doc(doc, old, nu), 0);
    cJSON_Delete(doc);
}

static int parse(dp_task_args *a, const char *line)
{
    char *copy = strdup(line), *save = NULL, *argv[32];
    int argc = 0;
    for (char *tok = strtok_r(copy, " ", &save); tok && argc < 31; tok = strtok_r(NULL, " ", &save))
        argv[argc++] = tok;
    argv[argc] = NULL;
    int rc = dp_task_parse_args(argc, argv, a);
    /* strings point into copy: keep what the checks read */
    static char task_name[64];
    snprintf(task_name, sizeof task_name, "%s", a->task ? a->task : "");
    a->task = task_name;
    a->tables = NULL;
    free(copy);
    return rc;
}

static void args(void)
{
    dp_task_args a;
    CHECK_INT(parse(&a, "task start lab-task --type reload-target --wait --timeout 10m"), 0);
    CHECK_INT(a.verb, DP_VERB_START);
    CHECK_STR(a.task, "lab-task");
    CHECK(a.wait);
    CHECK_INT(a.timeout_ms, 600000);
    CHECK_INT(parse(&a, "task wait X --until=full-load-complete --interval 500ms"), 0);
    CHECK_INT(a.until, DP_TARGET_FULL_LOAD);
    CHECK_INT(a.interval_ms, 500);
    CHECK_INT(a.timeout_ms, -1);
    CHECK_INT(parse(&a, "task recover X --reload public.a public.b --stack lab"), 0);
    CHECK_INT(a.route, DP_ROUTE_RELOAD);
    CHECK_INT(a.ntables, 2);
    CHECK_INT(parse(&a, "task recover X"), 0);
    CHECK_INT(a.route, DP_ROUTE_SHOW);

    /* refusals: all usage errors (64) */
    CHECK_INT(parse(&a, "task start X --cdc-start-time 2024-01-01T00:00:00 --cdc-start-position cp"), DP_EXIT_USAGE);
    CHECK_INT(parse(&a, "task recover X --resume --replace"), DP_EXIT_USAGE);
    CHECK_INT(parse(&a, "task recover X --reload public.a --resume"), DP_EXIT_USAGE);
    CHECK_INT(parse(&a, "task recover X --reload"), DP_EXIT_USAGE);
    CHECK_INT(parse(&a, "task wait X"), DP_EXIT_USAGE);
    CHECK_INT(parse(&a, "task wait X --until done"), DP_EXIT_USAGE);
    CHECK_INT(parse(&a, "task wait X --until running --timeout soon"), DP_EXIT_USAGE);
    CHECK_INT(parse(&a, "task stop X --until running"), DP_EXIT_USAGE); /* option of another verb */
    CHECK_INT(parse(&a, "task status X Y"), DP_EXIT_USAGE);
    CHECK_INT(parse(&a, "task status"), DP_EXIT_USAGE);
    CHECK_INT(parse(&a, "task restart X"), DP_EXIT_USAGE);
    CHECK_INT(parse(&a, "task start X --type sideways"), DP_EXIT_USAGE);
    CHECK_INT(parse(&a, "task status X --json=yes"), DP_EXIT_USAGE);
    CHECK_INT(parse(&a, "task status X --stack"), DP_EXIT_USAGE);
}

/* The CDC latency line and JSON, from a filled dp_cdc_latency (the CloudWatch call is tested
 * against moto in integration.task_latency). */
static void latency(void)
{
    CHECK_STR(dp_task_resource_id("arn:aws:dms:us-east-1:123456789012:task:ABCDEF123"), "ABCDEF123");
    CHECK_STR(dp_task_resource_id("plain"), "plain");
    dp_cdc_latency l = {.applies = true, .available = true, .has_source = true, .source_s = 3.4,
                        .at = 1795000000};
    char line[600];
    dp_cdc_latency_format(&l, line, sizeof line);
    CHECK_STR(line, "source 3s, target - (CloudWatch, 1-minute average at 2026-11-18T11:06:40Z)");
    cJSON *j = dp_cdc_latency_json(&l);
    CHECK(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(j, "target_seconds")));
    CHECK(cJSON_GetObjectItemCaseSensitive(j, "source_seconds")->valuedouble == 3.4);
    cJSON_Delete(j);
    dp_cdc_latency none = {.applies = true};
    snprintf(none.note, sizeof none.note, "no data");
    dp_cdc_latency_format(&none, line, sizeof line);
    CHECK_STR(line, "no data");
    dp_cdc_latency fl = {.applies = false};
    dp_cdc_latency_format(&fl, line, sizeof line);
    CHECK_STR(line, "");
    CHECK(dp_cdc_latency_json(&fl) == NULL);
    /* the status summary carries the line only when given */
    cJSON *task = cJSON_Parse("{\"ReplicationTaskIdentifier\":\"t\",\"Status\":\"running\",\"MigrationType\":\"cdc\"}");
    cJSON *empty = cJSON_CreateArray();
    dp_buf b;
    dp_buf_init(&b, 0);
    dp_task_render_status(task, empty, &l, &b);
    CHECK(strstr(dp_buf_str(&b), "CDC latency:         source 3s, target -") != NULL);
    dp_buf_cleanup(&b);
    cJSON_Delete(task);
    cJSON_Delete(empty);
}

int main(void)
{
    latency();
    tables();
    status();
    repoint();
    args();
    CHECK_DONE();
}
