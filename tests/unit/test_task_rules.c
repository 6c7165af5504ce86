/* test_task_rules.c - `dmsprov task` decisions: durations, times, wait verdicts, what each
 * task state allows, start flags, table names and the parked identifier. */
#include <stdlib.h>

#include "check.h"
#include "provisioner/task/task_rules.h"

static cJSON *task(const char *json)
{
    cJSON *t = cJSON_Parse(json);
    if (!t) {
        fprintf(stderr, "bad fixture: %s\n", json);
        exit(2);
    }
    return t;
}

static long long dur(const char *s)
{
    long long ms = -42;
    return dp_task_parse_duration(s, &ms) ? -1 : ms;
}

static void durations(void)
{
    CHECK_INT(dur("90s"), 90000);
    CHECK_INT(dur("10m"), 600000);
    CHECK_INT(dur("1h30m"), 5400000);
    CHECK_INT(dur("2h"), 7200000);
    CHECK_INT(dur("500ms"), 500);
    CHECK_INT(dur("1d"), 86400000LL);
    CHECK_INT(dur("45"), 45000);   /* bare number: seconds */
    CHECK_INT(dur("0s"), 0);
    CHECK_INT(dur(""), -1);
    CHECK_INT(dur("-5s"), -1);
    CHECK_INT(dur("10x"), -1);
    CHECK_INT(dur("m"), -1);
    CHECK_INT(dur("1.5m"), -1);
    CHECK_INT(dur("10 m"), -1);
    CHECK_INT(dur("99999999999999999999s"), -1); /* overflow */
    CHECK_INT(dur("9223372036854776s"), -1);     /* overflow once in ms */
    char b[32];
    dp_task_format_duration(5400, b, sizeof b);
    CHECK_STR(b, "5s");
    dp_task_format_duration(65000, b, sizeof b);
    CHECK_STR(b, "1m05s");
    dp_task_format_duration(7380000, b, sizeof b);
    CHECK_STR(b, "2h03m");
    dp_task_format_duration(-3, b, sizeof b);
    CHECK_STR(b, "0s");
}

static void times(void)
{
    long long t = 0;
    CHECK_INT(dp_task_parse_time("2018-03-08T12:12:12", &t), 0);
    CHECK_INT(t, 1520511132);
    CHECK_INT(dp_task_parse_time("2018-03-08T12:12:12Z", &t), 0);
    CHECK_INT(t, 1520511132);
    CHECK_INT(dp_task_parse_time("2018-03-08 12:12:12", &t), 0);
    CHECK_INT(dp_task_parse_time("1520511132", &t), 0);
    CHECK_INT(t, 1520511132);
    CHECK_INT(dp_task_parse_time("2018-13-08T12:12:12", &t), -1);
    CHECK_INT(dp_task_parse_time("2018-03-08T12:12:12+02:00", &t), -1);
    CHECK_INT(dp_task_parse_time("yesterday", &t), -1);
    CHECK_INT(dp_task_parse_time("", &t), -1);
}

static void targets(void)
{
    dp_task_target t;
    CHECK_INT(dp_task_parse_target("running", &t), 0);
    CHECK_INT(t, DP_TARGET_RUNNING);
    CHECK_INT(dp_task_parse_target("full-load-complete", &t), 0);
    CHECK_INT(t, DP_TARGET_FULL_LOAD);
    CHECK_INT(dp_task_parse_target("ready", &t), 0);
    CHECK_INT(dp_task_parse_target("settled", &t), -1); /* internal targets are not for users */
    CHECK_INT(dp_task_parse_target("deleted", &t), -1);
    CHECK_INT(dp_task_parse_target("Running", &t), -1);
    CHECK_STR(dp_task_target_name(DP_TARGET_STOPPED), "stopped");
}

static dp_task_verdict v(const char *json, dp_task_target t, char *why)
{
    cJSON *task_ = task(json);
    dp_task_verdict r = dp_task_wait_verdict(task_, t, why, 400);
    cJSON_Delete(task_);
    return r;
}

static void verdicts(void)
{
    char why[400];
    CHECK_INT(v("{\"Status\":\"running\"}", DP_TARGET_RUNNING, why), DP_VERDICT_REACHED);
    CHECK_INT(v("{\"Status\":\"starting\"}", DP_TARGET_RUNNING, why), DP_VERDICT_PENDING);
    CHECK_INT(v("{\"ReplicationTaskIdentifier\":\"t1\",\"Status\":\"failed\",\"LastFailureMessage\":\"bad csv\"}",
                DP_TARGET_RUNNING, why), DP_VERDICT_FAILED);
    CHECK_STR(why, "task t1 failed: bad csv");
    CHECK_INT(v("{\"ReplicationTaskIdentifier\":\"t1\",\"Status\":\"stopped\",\"StopReason\":\"Stop Reason NORMAL\"}",
                DP_TARGET_RUNNING, why), DP_VERDICT_FAILED);
    CHECK_STR(why, "task t1 is stopped (Stop Reason NORMAL); it will not become running without a start");
    CHECK_INT(v("{\"Status\":\"ready\"}", DP_TARGET_RUNNING, why), DP_VERDICT_FAILED);

    CHECK_INT(v("{\"Status\":\"stopped\"}", DP_TARGET_STOPPED, why), DP_VERDICT_REACHED);
    CHECK_INT(v("{\"Status\":\"running\"}", DP_TARGET_STOPPED, why), DP_VERDICT_PENDING);
    CHECK_INT(v("{\"Status\":\"stopping\"}", DP_TARGET_STOPPED, why), DP_VERDICT_PENDING);
    CHECK_INT(v("{\"Status\":\"modifying\"}", DP_TARGET_STOPPED, why), DP_VERDICT_PENDING);
    CHECK_INT(v("{\"Status\":\"failed\"}", DP_TARGET_STOPPED, why), DP_VERDICT_FAILED);
    CHECK_STR(why, "task  failed: (no failure message)");
    CHECK_INT(v("{\"Status\":\"ready\"}", DP_TARGET_STOPPED, why), DP_VERDICT_FAILED);
    CHECK_INT(v("{\"Status\":\"deleting\"}", DP_TARGET_STOPPED, why), DP_VERDICT_FAILED);

    /* full load: finished by stop reason, by finish date, or by counts while running */
    CHECK_INT(v("{\"Status\":\"stopped\",\"MigrationType\":\"full-load\",\"StopReason\":"
                "\"Stop Reason FULL_LOAD_ONLY_FINISHED\"}", DP_TARGET_FULL_LOAD, why), DP_VERDICT_REACHED);
    CHECK_INT(v("{\"Status\":\"running\",\"MigrationType\":\"full-load-and-cdc\",\"ReplicationTaskStats\":"
                "{\"FullLoadFinishDate\":1700000000}}", DP_TARGET_FULL_LOAD, why), DP_VERDICT_REACHED);
    CHECK_INT(v("{\"Status\":\"running\",\"MigrationType\":\"full-load-and-cdc\",\"ReplicationTaskStartDate\":1,"
                "\"ReplicationTaskStats\":{\"FullLoadProgressPercent\":100,\"TablesLoaded\":3}}",
                DP_TARGET_FULL_LOAD, why), DP_VERDICT_REACHED);
    CHECK_INT(v("{\"Status\":\"running\",\"MigrationType\":\"full-load-and-cdc\",\"ReplicationTaskStartDate\":1,"
                "\"ReplicationTaskStats\":{\"FullLoadProgressPercent\":100,\"TablesLoaded\":3,\"TablesLoading\":1}}",
                DP_TARGET_FULL_LOAD, why), DP_VERDICT_PENDING);
    CHECK_INT(v("{\"Status\":\"running\",\"MigrationType\":\"full-load\",\"ReplicationTaskStats\":"
                "{\"FullLoadProgressPercent\":40}}", DP_TARGET_FULL_LOAD, why), DP_VERDICT_PENDING);
    CHECK_INT(v("{\"Status\":\"failed\",\"MigrationType\":\"full-load\",\"ReplicationTaskStats\":"
                "{\"FullLoadFinishDate\":1700000000}}", DP_TARGET_FULL_LOAD, why), DP_VERDICT_FAILED);
    CHECK_INT(v("{\"Status\":\"stopped\",\"MigrationType\":\"full-load-and-cdc\",\"StopReason\":"
                "\"Stop Reason NORMAL\"}", DP_TARGET_FULL_LOAD, why), DP_VERDICT_FAILED);
    CHECK_INT(v("{\"ReplicationTaskIdentifier\":\"c\",\"Status\":\"running\",\"MigrationType\":\"cdc\"}",
                DP_TARGET_FULL_LOAD, why), DP_VERDICT_FAILED);
    CHECK_STR(why, "task c is a cdc task: it has no full load");

    CHECK_INT(v("{\"Status\":\"ready\"}", DP_TARGET_READY, why), DP_VERDICT_REACHED);
    CHECK_INT(v("{\"Status\":\"creating\"}", DP_TARGET_READY, why), DP_VERDICT_PENDING);
    CHECK_INT(v("{\"Status\":\"moving\"}", DP_TARGET_READY, why), DP_VERDICT_PENDING);
    CHECK_INT(v("{\"Status\":\"running\"}", DP_TARGET_READY, why), DP_VERDICT_FAILED);

    CHECK_INT(v("{\"Status\":\"modifying\"}", DP_TARGET_SETTLED, why), DP_VERDICT_PENDING);
    CHECK_INT(v("{\"Status\":\"failed\"}", DP_TARGET_SETTLED, why), DP_VERDICT_REACHED);
    CHECK_INT(v("{\"Status\":\"deleting\"}", DP_TARGET_SETTLED, why), DP_VERDICT_FAILED);
    CHECK_INT(v("{\"Status\":\"deleting\"}", DP_TARGET_DELETED, why), DP_VERDICT_PENDING);
    CHECK_INT(v("{\"Status\":\"ready\"}", DP_TARGET_DELETED, why), DP_VERDICT_FAILED);
}

static int start_check(const char *json, const char *type, char *why)
{
    cJSON *t = task(json);
    int rc = dp_task_check_start(t, type, why, 400);
    cJSON_Delete(t);
    return rc;
}

static void can_do(void)
{
    char why[400];
    cJSON *fresh = task("{\"Status\":\"ready\"}");
    cJSON *ran = task("{\"Status\":\"stopped\",\"ReplicationTaskStartDate\":1700000000}");
    CHECK(!dp_task_ever_ran(fresh));
    CHECK(dp_task_ever_ran(ran));
    CHECK_STR(dp_task_default_start_type(fresh), "start-replication");
    CHECK_STR(dp_task_default_start_type(ran), "resume-processing");
    cJSON_Delete(fresh);
    cJSON_Delete(ran);

    CHECK_INT(start_check("{\"Status\":\"ready\"}", NULL, why), 0);
    CHECK_INT(start_check("{\"Status\":\"failed\",\"ReplicationTaskStartDate\":1}", "resume-processing", why), 0);
    CHECK_INT(start_check("{\"ReplicationTaskIdentifier\":\"t9\",\"Status\":\"modifying\"}", NULL, why), -1);
    CHECK_STR(why, "cannot start task t9: it is modifying (a task can be started only when ready, stopped or failed)");
    CHECK_INT(start_check("{\"Status\":\"moving\"}", NULL, why), -1);
    CHECK(strstr(why, "it is moving"));
    CHECK_INT(start_check("{\"Status\":\"deleting\"}", NULL, why), -1);
    CHECK(strstr(why, "it is deleting"));
    CHECK_INT(start_check("{\"Status\":\"running\"}", NULL, why), -1);
    CHECK_INT(start_check("{\"ReplicationTaskIdentifier\":\"t\",\"Status\":\"ready\"}", "resume-processing", why), -1);
    CHECK_STR(why, "cannot resume task t: it never ran (use --type start-replication)");

    cJSON *t = task("{\"ReplicationTaskIdentifier\":\"s\",\"Status\":\"running\"}");
    CHECK_INT(dp_task_check_stop(t, why, sizeof why), 0);
    cJSON_Delete(t);
    t = task("{\"ReplicationTaskIdentifier\":\"s\",\"Status\":\"stopped\"}");
    CHECK_INT(dp_task_check_stop(t, why, sizeof why), 1);
    CHECK_STR(why, "task s is already stopped");
    cJSON_Delete(t);
    t = task("{\"ReplicationTaskIdentifier\":\"s\",\"Status\":\"modifying\"}");
    CHECK_INT(dp_task_check_stop(t, why, sizeof why), -1);
    CHECK_STR(why, "cannot stop task s: it is modifying (only a running task can be stopped)");
    cJSON_Delete(t);

    cJSON *failed = task("{\"ReplicationTaskIdentifier\":\"f\",\"Status\":\"failed\",\"MigrationType\":"
                         "\"full-load-and-cdc\",\"RecoveryCheckpoint\":\"checkpoint:V1#1\"}");
    cJSON *running = task("{\"ReplicationTaskIdentifier\":\"r\",\"Status\":\"running\",\"MigrationType\":\"cdc\","
                          "\"RecoveryCheckpoint\":\"checkpoint:V1#1\"}");
    cJSON *nockpt = task("{\"ReplicationTaskIdentifier\":\"n\",\"Status\":\"failed\",\"MigrationType\":\"cdc\"}");
    cJSON *fullload = task("{\"ReplicationTaskIdentifier\":\"l\",\"Status\":\"failed\",\"MigrationType\":"
                           "\"full-load\",\"RecoveryCheckpoint\":\"x\"}");
    CHECK_INT(dp_task_check_recover(running, DP_ROUTE_SHOW, why, sizeof why), 0);
    CHECK_INT(dp_task_check_recover(failed, DP_ROUTE_RESUME, why, sizeof why), 0);
    CHECK_INT(dp_task_check_recover(running, DP_ROUTE_RESUME, why, sizeof why), -1);
    CHECK_STR(why, "cannot resume task r: it is running, not failed");
    CHECK_INT(dp_task_check_recover(failed, DP_ROUTE_RELOAD, why, sizeof why), 0);
    CHECK_INT(dp_task_check_recover(running, DP_ROUTE_RELOAD, why, sizeof why), 0);
    CHECK_INT(dp_task_check_recover(failed, DP_ROUTE_REPLACE, why, sizeof why), 0);
    CHECK_INT(dp_task_check_recover(running, DP_ROUTE_REPLACE, why, sizeof why), -1);
    CHECK(strstr(why, "it is running"));
    CHECK_INT(dp_task_check_recover(nockpt, DP_ROUTE_REPLACE, why, sizeof why), -1);
    CHECK(strstr(why, "no recovery checkpoint"));
    CHECK_INT(dp_task_check_recover(fullload, DP_ROUTE_REPLACE, why, sizeof why), -1);
    CHECK(strstr(why, "full-load task"));
    cJSON_Delete(failed);
    cJSON_Delete(running);
    cJSON_Delete(nockpt);
    cJSON_Delete(fullload);
}

static void flags(void)
{
    char why[400];
    CHECK_INT(dp_task_check_start_flags(NULL, NULL, NULL, why, sizeof why), 0);
    CHECK_INT(dp_task_check_start_flags("reload-target", "2024-01-01T00:00:00", NULL, why, sizeof why), 0);
    CHECK_INT(dp_task_check_start_flags("restart", NULL, NULL, why, sizeof why), -1);
    CHECK(strstr(why, "--type must be"));
    CHECK_INT(dp_task_check_start_flags(NULL, "2024-01-01T00:00:00", "checkpoint:V1#1", why, sizeof why), -1);
    CHECK(strstr(why, "mutually exclusive"));
    CHECK_INT(dp_task_check_start_flags(NULL, "soon", NULL, why, sizeof why), -1);
    CHECK(strstr(why, "is not a time"));
}

static void names(void)
{
    char s[64], t[64], out[300];
    CHECK_INT(dp_task_split_table("public.emp1", s, sizeof s, t, sizeof t), 0);
    CHECK_STR(s, "public");
    CHECK_STR(t, "emp1");
    CHECK_INT(dp_task_split_table("a.b.c", s, sizeof s, t, sizeof t), 0);
    CHECK_STR(t, "b.c");
    CHECK_INT(dp_task_split_table("emp1", s, sizeof s, t, sizeof t), -1);
    CHECK_INT(dp_task_split_table(".emp1", s, sizeof s, t, sizeof t), -1);
    CHECK_INT(dp_task_split_table("public.", s, sizeof s, t, sizeof t), -1);

    dp_task_suffixed_id("lab-task", "replaced-a1b2c3", out, sizeof out);
    CHECK_STR(out, "lab-task-replaced-a1b2c3");
    dp_task_suffixed_id("lab-task", "a1b2c3", out, sizeof out);
    CHECK_STR(out, "lab-task-a1b2c3");
    char longid[256];
    memset(longid, 'x', 255);
    longid[255] = '\0';
    longid[238] = '-'; /* the cut would end in a hyphen: it must not */
    dp_task_suffixed_id(longid, "replaced-a1b2c3", out, sizeof out);
    CHECK(strlen(out) <= 255);
    CHECK(!strstr(out, "--"));
    CHECK(strstr(out, "-replaced-a1b2c3"));
}

int main(void)
{
    durations();
    times();
    targets();
    verdicts();
    can_do();
    flags();
    names();
    CHECK_DONE();
}
