/* test_dms_settings.c - the pure DMS normalisation: task settings pruned to the template's keys,
 * read-only keys dropped, LogComponents matched by Id, and the engine hooks. */
#include <stdlib.h>

#include "check.h"
#include "drivers/resources/dms/dms.h"

/* What DescribeReplicationTasks answers for a task whose template set only three keys: AWS
 * fills every default and the CloudWatch log group/stream (abridged from a real answer). */
static const char *aws_settings =
    "{\"TargetMetadata\":{\"TargetSchema\":\"\",\"SupportLobs\":true,\"FullLobMode\":false,\"LobChunkSize\":64,"
    "\"LimitedSizeLobMode\":true,\"LobMaxSize\":32,\"InlineLobMaxSize\":0,\"LoadMaxFileSize\":0,"
    "\"ParallelLoadThreads\":0,\"BatchApplyEnabled\":false},"
    "\"FullLoadSettings\":{\"TargetTablePrepMode\":\"DROP_AND_CREATE\",\"CreatePkAfterFullLoad\":false,"
    "\"StopTaskCachedChangesApplied\":false,\"MaxFullLoadSubTasks\":8,\"CommitRate\":10000},"
    "\"Logging\":{\"EnableLogging\":true,\"EnableLogContext\":false,\"LogComponents\":["
    "{\"Id\":\"TRANSFORMATION\",\"Severity\":\"LOGGER_SEVERITY_DEFAULT\"},"
    "{\"Id\":\"SOURCE_UNLOAD\",\"Severity\":\"LOGGER_SEVERITY_DEFAULT\"},"
    "{\"Id\":\"TARGET_LOAD\",\"Severity\":\"LOGGER_SEVERITY_DEBUG\"}],"
    "\"CloudWatchLogGroup\":\"dms-tasks-ri1\",\"CloudWatchLogStream\":\"dms-task-ABCDEF\"},"
    "\"ControlTablesSettings\":{\"historyTimeslotInMinutes\":5,\"ControlSchema\":\"\"},"
    "\"ChangeProcessingTuning\":{\"BatchApplyTimeoutMin\":1,\"MemoryLimitTotal\":1024}}";

static void test_prune_keeps_template_keys(void)
{
    const char *tpl = "{\"Logging\":{\"EnableLogging\":true,\"LogComponents\":[{\"Id\":\"TARGET_LOAD\","
                      "\"Severity\":\"LOGGER_SEVERITY_DEBUG\"}]},\"TargetMetadata\":{\"LobChunkSize\":64,"
                      "\"SupportLobs\":true},\"FullLoadSettings\":{\"MaxFullLoadSubTasks\":8}}";
    char *canon_tpl = dp_json_canonical_text(tpl);
    char *got = dp_dms_task_settings_normalise(aws_settings, tpl);
    CHECK_STR(got, canon_tpl); /* a re-plan of the same template shows no change */
    CHECK(dp_dms_json_text_equal(got, tpl));
    free(got);
    free(canon_tpl);

    /* a value the template changed shows as a difference */
    const char *changed = "{\"TargetMetadata\":{\"LobChunkSize\":32}}";
    got = dp_dms_task_settings_normalise(aws_settings, changed);
    CHECK_STR(got, "{\"TargetMetadata\":{\"LobChunkSize\":64}}");
    CHECK(!dp_dms_json_text_equal(got, changed));
    free(got);

    /* a key the template sets that AWS lacks is missing from the read: a difference too */
    const char *extra = "{\"TargetMetadata\":{\"NoSuchKey\":1,\"SupportLobs\":true}}";
    got = dp_dms_task_settings_normalise(aws_settings, extra);
    CHECK_STR(got, "{\"TargetMetadata\":{\"SupportLobs\":true}}");
    CHECK(!dp_dms_json_text_equal(got, extra));
    free(got);

    /* a log component the template names with another severity differs */
    got = dp_dms_task_settings_normalise(
        aws_settings, "{\"Logging\":{\"LogComponents\":[{\"Id\":\"SOURCE_UNLOAD\",\"Severity\":\"LOGGER_SEVERITY_DEBUG\"}]}}");
    CHECK_STR(got, "{\"Logging\":{\"LogComponents\":[{\"Id\":\"SOURCE_UNLOAD\",\"Severity\":\"LOGGER_SEVERITY_DEFAULT\"}]}}");
    free(got);
}

static void test_readonly_keys_dropped(void)
{
    char *got = dp_dms_task_settings_normalise(aws_settings, NULL);
    CHECK(got != NULL);
    CHECK(got && !strstr(got, "CloudWatchLogGroup"));
    CHECK(got && !strstr(got, "CloudWatchLogStream"));
    CHECK(got && strstr(got, "\"MaxFullLoadSubTasks\":8")); /* no template: everything else kept */
    CHECK(got && strstr(got, "{\"BatchApplyTimeoutMin\":1,\"MemoryLimitTotal\":1024}")); /* canonical: sorted */
    free(got);
    /* even when a template names them, read-only keys never come back */
    got = dp_dms_task_settings_normalise(aws_settings, "{\"Logging\":{\"CloudWatchLogGroup\":\"x\",\"EnableLogging\":true}}");
    CHECK_STR(got, "{\"Logging\":{\"EnableLogging\":true}}");
    free(got);
    CHECK(dp_dms_task_settings_normalise("not json", NULL) == NULL);
    CHECK(dp_dms_task_settings_normalise(NULL, "{}") == NULL);
}

static void test_prune_shapes(void)
{
    cJSON *live = cJSON_Parse("{\"a\":{\"b\":1,\"c\":[1,2],\"d\":\"x\"},\"e\":[{\"Id\":\"p\",\"v\":1,\"w\":2},"
                              "{\"Id\":\"q\",\"v\":3}],\"f\":[1,2,3]}");
    cJSON *want = cJSON_Parse("{\"a\":{\"c\":[9],\"d\":\"y\"},\"e\":[{\"Id\":\"q\",\"v\":0}],\"f\":[1],\"g\":1}");
    cJSON *got = dp_dms_prune_to(live, want);
    char *s = cJSON_PrintUnformatted(got);
    /* scalars and plain arrays come from live as they are; missing keys stay missing */
    CHECK_STR(s, "{\"a\":{\"c\":[1,2],\"d\":\"x\"},\"e\":[{\"Id\":\"q\",\"v\":3}],\"f\":[1,2,3]}");
    free(s);
    cJSON_Delete(got);
    got = dp_dms_prune_to(live, NULL);
    CHECK(cJSON_Compare(got, live, 1));
    cJSON_Delete(got);
    CHECK(dp_dms_prune_to(NULL, want) == NULL);
    cJSON_Delete(live);
    cJSON_Delete(want);
}

static void test_props_helpers(void)
{
    cJSON *props = cJSON_Parse("{\"Id\":\"grp-a\",\"SslMode\":\"none\",\"Port\":5432,\"ServerName\":\"h\"}");
    cJSON *desired = cJSON_Parse("{\"Id\":\"Grp-A\",\"ServerName\":\"h\"}");
    static const char *const defaulted[] = {"SslMode", "Port", "ServerName", NULL};
    dp_dms_drop_unset(props, desired, defaulted);
    dp_dms_keep_case(props, desired, "Id");
    char *s = cJSON_PrintUnformatted(props);
    CHECK_STR(s, "{\"Id\":\"Grp-A\",\"ServerName\":\"h\"}");
    free(s);
    dp_dms_drop_unset(props, NULL, defaulted); /* no template at hand: nothing dropped */
    CHECK(cJSON_GetObjectItem(props, "ServerName") != NULL);
    cJSON *other = cJSON_Parse("{\"Id\":\"other\"}");
    dp_dms_keep_case(props, other, "Id"); /* a real difference is kept */
    CHECK_STR(cJSON_GetObjectItem(props, "Id")->valuestring, "Grp-A");
    cJSON_Delete(other);
    cJSON_Delete(props);
    cJSON_Delete(desired);

    cJSON *a = cJSON_Parse("[\"x\",\"y\"]"), *b = cJSON_Parse("[\"y\",\"x\"]"), *c = cJSON_Parse("[\"x\"]");
    CHECK(dp_dms_same_strings(a, b));
    CHECK(!dp_dms_same_strings(a, c));
    cJSON_Delete(a);
    cJSON_Delete(b);
    cJSON_Delete(c);

    CHECK(dp_dms_json_text_equal("{\"b\":1,\"a\":[1,{\"d\":2,\"c\":3}]}", "{\"a\":[1,{\"c\":3,\"d\":2}],\"b\":1}"));
    CHECK(!dp_dms_json_text_equal("{\"a\":[1,2]}", "{\"a\":[2,1]}"));
    CHECK(dp_dms_json_text_equal(NULL, NULL));
    CHECK(!dp_dms_json_text_equal("{}", NULL));
}

static void test_engine_hooks(void)
{
    CHECK(dp_dms_task_move_instead_of_replace("ReplicationInstanceArn"));
    CHECK(!dp_dms_task_move_instead_of_replace("SourceEndpointArn"));
    CHECK(!dp_dms_task_move_instead_of_replace("TargetEndpointArn"));
    CHECK(!dp_dms_task_move_instead_of_replace(NULL));
    CHECK(dp_dms_task_replace_on_change("MigrationType"));
    CHECK(!dp_dms_task_replace_on_change("TableMappings"));
}

int main(void)
{
    test_prune_keeps_template_keys();
    test_readonly_keys_dropped();
    test_prune_shapes();
    test_props_helpers();
    test_engine_hooks();
    CHECK_DONE();
}
