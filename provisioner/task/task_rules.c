/* task_rules.c - pure decisions of `dmsprov task`: durations, wait verdicts, allowed operations. */
#include "drivers/base/duration.h"
#include "drivers/base/num.h"
#include "provisioner/task/task_rules.h"

#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* The shared parser (drivers/base/duration.h); kept under the task name for its callers. */
int dp_task_parse_duration(const char *s, long long *ms) { return dp_duration_parse(s, ms); }

void dp_task_format_duration(long long ms, char *out, size_t n) { dp_duration_format(ms, out, n); }

static const char *const target_names[] = {"running", "stopped", "full-load-complete", "ready", "settled", "deleted"};

int dp_task_parse_target(const char *s, dp_task_target *t)
{
    for (size_t i = 0; s && i < DP_TARGET_SETTLED; i++)
        if (!strcmp(s, target_names[i])) {
            *t = (dp_task_target)i;
            return 0;
        }
    return -1;
}

const char *dp_task_target_name(dp_task_target t) { return target_names[t]; }

const char *dp_task_str(const cJSON *task, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(task, name);
    return cJSON_IsString(v) && v->valuestring ? v->valuestring : "";
}

long long dp_task_stat(const cJSON *task, const char *name)
{
    const cJSON *stats = cJSON_GetObjectItemCaseSensitive(task, "ReplicationTaskStats");
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(stats, name);
    return cJSON_IsNumber(v) ? dp_double_to_ll_or(v->valuedouble, 0) : 0;
}

static bool has(const cJSON *obj, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);
    return v && !cJSON_IsNull(v);
}

bool dp_task_ever_ran(const cJSON *task)
{
    const cJSON *stats = cJSON_GetObjectItemCaseSensitive(task, "ReplicationTaskStats");
    return has(task, "ReplicationTaskStartDate") || has(stats, "StartDate") || has(stats, "FreshStartDate");
}

static bool is(const char *status, const char *const *set)
{
    for (; *set; set++)
        if (!strcmp(status, *set))
            return true;
    return false;
}

/* "failed: <message>" or "<status> (<stop reason>)" for messages. */
static void describe_end(const cJSON *task, const char *what, char *why, size_t n)
{
    const char *st = dp_task_str(task, "Status"), *msg = dp_task_str(task, "LastFailureMessage");
    const char *reason = dp_task_str(task, "StopReason");
    if (!strcmp(st, "failed"))
        snprintf(why, n, "task %s failed: %s", dp_task_str(task, "ReplicationTaskIdentifier"),
                 *msg ? msg : "(no failure message)");
    else
        snprintf(why, n, "task %s is %s%s%s%s; %s", dp_task_str(task, "ReplicationTaskIdentifier"), st,
                 *reason ? " (" : "", reason, *reason ? ")" : "", what);
}

static bool full_load_done(const cJSON *task)
{
    const cJSON *stats = cJSON_GetObjectItemCaseSensitive(task, "ReplicationTaskStats");
    if (strstr(dp_task_str(task, "StopReason"), "FULL_LOAD_ONLY_FINISHED"))
        return true;
    if (has(stats, "FullLoadFinishDate"))
        return true;
    return dp_task_ever_ran(task) && dp_task_stat(task, "FullLoadProgressPercent") >= 100 &&
           !dp_task_stat(task, "TablesLoading") && !dp_task_stat(task, "TablesQueued") &&
           !dp_task_stat(task, "TablesErrored");
}

dp_task_verdict dp_task_wait_verdict(const cJSON *task, dp_task_target t, char *why, size_t n)
{
    const char *st = dp_task_str(task, "Status");
    static const char *const to_running[] = {"starting", NULL};
    static const char *const to_stopped[] = {"creating", "starting", "running", "stopping", "modifying", "moving", NULL};
    static const char *const to_loaded[] = {"creating", "starting", "running", "modifying", "moving", NULL};
    static const char *const to_ready[] = {"creating", "modifying", "moving", NULL};
    why[0] = '\0';
    switch (t) {
    case DP_TARGET_RUNNING:
        if (!strcmp(st, "running"))
            return DP_VERDICT_REACHED;
        if (is(st, to_running))
            return DP_VERDICT_PENDING;
        describe_end(task, "it will not become running without a start", why, n);
        return DP_VERDICT_FAILED;
    case DP_TARGET_STOPPED:
        if (!strcmp(st, "stopped"))
            return DP_VERDICT_REACHED;
        if (is(st, to_stopped))
            return DP_VERDICT_PENDING;
        describe_end(task, "it will not become stopped", why, n);
        return DP_VERDICT_FAILED;
    case DP_TARGET_FULL_LOAD:
        if (!strcmp(dp_task_str(task, "MigrationType"), "cdc")) {
            snprintf(why, n, "task %s is a cdc task: it has no full load", dp_task_str(task, "ReplicationTaskIdentifier"));
            return DP_VERDICT_FAILED;
        }
        if (strcmp(st, "failed") && full_load_done(task))
            return DP_VERDICT_REACHED;
        if (is(st, to_loaded))
            return DP_VERDICT_PENDING;
        describe_end(task, "its full load will not complete without a start", why, n);
        return DP_VERDICT_FAILED;
    case DP_TARGET_READY:
        if (!strcmp(st, "ready"))
            return DP_VERDICT_REACHED;
        if (is(st, to_ready))
            return DP_VERDICT_PENDING;
        describe_end(task, "it will not become ready", why, n);
        return DP_VERDICT_FAILED;
    case DP_TARGET_SETTLED:
        if (is(st, to_ready) || !strcmp(st, "starting") || !strcmp(st, "stopping"))
            return DP_VERDICT_PENDING;
        if (!strcmp(st, "deleting") || !strcmp(st, "failed-move")) {
            describe_end(task, "it will not settle", why, n);
            return DP_VERDICT_FAILED;
        }
        return DP_VERDICT_REACHED;
    case DP_TARGET_DELETED:
        if (!strcmp(st, "deleting"))
            return DP_VERDICT_PENDING;
        describe_end(task, "it is not being deleted", why, n);
        return DP_VERDICT_FAILED;
    }
    return DP_VERDICT_FAILED;
}

const char *dp_task_default_start_type(const cJSON *task)
{
    return dp_task_ever_ran(task) ? "resume-processing" : "start-replication";
}

int dp_task_check_start_type(const char *type, char *why, size_t n)
{
    static const char *const types[] = {"start-replication", "resume-processing", "reload-target", NULL};
    if (type && is(type, types))
        return 0;
    snprintf(why, n, "--type must be start-replication, resume-processing or reload-target, not \"%s\"",
             type ? type : "");
    return -1;
}

int dp_task_check_start(const cJSON *task, const char *type, char *why, size_t n)
{
    static const char *const startable[] = {"ready", "stopped", "failed", NULL};
    const char *st = dp_task_str(task, "Status"), *id = dp_task_str(task, "ReplicationTaskIdentifier");
    if (!is(st, startable)) {
        snprintf(why, n, "cannot start task %s: it is %s (a task can be started only when ready, stopped or failed)",
                 id, st);
        return -1;
    }
    if (type && !strcmp(type, "resume-processing") && !dp_task_ever_ran(task)) {
        snprintf(why, n, "cannot resume task %s: it never ran (use --type start-replication)", id);
        return -1;
    }
    return 0;
}

int dp_task_check_stop(const cJSON *task, char *why, size_t n)
{
    const char *st = dp_task_str(task, "Status"), *id = dp_task_str(task, "ReplicationTaskIdentifier");
    if (!strcmp(st, "running"))
        return 0;
    if (!strcmp(st, "stopped") || !strcmp(st, "stopping")) {
        snprintf(why, n, "task %s is already %s", id, st);
        return 1;
    }
    snprintf(why, n, "cannot stop task %s: it is %s (only a running task can be stopped)", id, st);
    return -1;
}

int dp_task_check_recover(const cJSON *task, dp_task_route route, char *why, size_t n)
{
    const char *st = dp_task_str(task, "Status"), *id = dp_task_str(task, "ReplicationTaskIdentifier");
    switch (route) {
    case DP_ROUTE_SHOW:
        return 0;
    case DP_ROUTE_RESUME:
        if (!strcmp(st, "failed"))
            return 0;
        snprintf(why, n, "cannot resume task %s: it is %s, not failed%s", id, st,
                 !strcmp(st, "stopped") ? " (use 'dmsprov task start')" : "");
        return -1;
    case DP_ROUTE_RELOAD:
        if (!strcmp(st, "failed") || !strcmp(st, "running"))
            return 0;
        snprintf(why, n, "cannot reload tables of task %s: it is %s (it must be failed or running)", id, st);
        return -1;
    case DP_ROUTE_REPLACE:
        if (strcmp(st, "failed") && strcmp(st, "stopped")) {
            snprintf(why, n, "cannot replace task %s: it is %s (only a failed or stopped task can be replaced)", id, st);
            return -1;
        }
        if (!strcmp(dp_task_str(task, "MigrationType"), "full-load")) {
            snprintf(why, n, "cannot replace task %s: a full-load task has no change data capture to carry on "
                     "(start it again with --type reload-target)", id);
            return -1;
        }
        if (!*dp_task_str(task, "RecoveryCheckpoint")) {
            snprintf(why, n, "cannot replace task %s: it has no recovery checkpoint to start from", id);
            return -1;
        }
        return 0;
    }
    return -1;
}

int dp_task_split_table(const char *spec, char *schema, size_t sn, char *table, size_t tn)
{
    const char *dot = spec ? strchr(spec, '.') : NULL;
    if (!dot || dot == spec || !dot[1] || (size_t)(dot - spec) >= sn || strlen(dot + 1) >= tn)
        return -1;
    snprintf(schema, sn, "%.*s", (int)(dot - spec), spec);
    snprintf(table, tn, "%s", dot + 1);
    return 0;
}

void dp_task_suffixed_id(const char *id, const char *suffix, char *out, size_t n)
{
    char tail[80];
    snprintf(tail, sizeof tail, "-%s", suffix);
    size_t keep = strlen(id), room = 255 - strlen(tail);
    if (keep > room)
        keep = room;
    while (keep && id[keep - 1] == '-') /* no "--" where the two meet */
        keep--;
    snprintf(out, n, "%.*s%s", (int)keep, id, tail);
}

int dp_task_parse_time(const char *s, long long *epoch)
{
    if (!s || !*s)
        return -1;
    bool digits = true;
    for (const char *p = s; *p; p++)
        if (!isdigit((unsigned char)*p))
            digits = false;
    if (digits) {
        if (strlen(s) > 12)
            return -1;
        long long v = 0;
        for (const char *p = s; *p; p++)
            v = v * 10 + (*p - '0');
        *epoch = v;
        return 0;
    }
    struct tm tm = {0};
    int used = 0;
    char sep = 0;
    if (sscanf(s, "%4d-%2d-%2d%c%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &sep, &tm.tm_hour,
               &tm.tm_min, &tm.tm_sec, &used) != 7 ||
        (sep != 'T' && sep != ' '))
        return -1;
    const char *rest = s + used;
    if (!strcmp(rest, "Z") || !strcmp(rest, "+00:00"))
        rest = "";
    if (*rest || tm.tm_mon < 1 || tm.tm_mon > 12 || tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour > 23 ||
        tm.tm_min > 59 || tm.tm_sec > 60 || tm.tm_year < 1970)
        return -1;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    time_t t = timegm(&tm);
    if (t == (time_t)-1)
        return -1;
    *epoch = (long long)t;
    return 0;
}

int dp_task_check_start_flags(const char *type, const char *cdc_start_time, const char *cdc_start_position,
                              char *why, size_t n)
{
    if (type && dp_task_check_start_type(type, why, n))
        return -1;
    if (cdc_start_time && cdc_start_position) {
        snprintf(why, n, "--cdc-start-time and --cdc-start-position are mutually exclusive "
                 "(StartReplicationTask accepts only one of CdcStartTime and CdcStartPosition)");
        return -1;
    }
    long long t;
    if (cdc_start_time && dp_task_parse_time(cdc_start_time, &t)) {
        snprintf(why, n, "--cdc-start-time \"%s\" is not a time: use 2024-03-08T12:12:12 (UTC) or epoch seconds",
                 cdc_start_time);
        return -1;
    }
    return 0;
}
