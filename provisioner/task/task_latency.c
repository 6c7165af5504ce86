/* task_latency.c - CDC latency of a task from CloudWatch (see task_latency.h). */
#include "provisioner/task/task_latency.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drivers/base/timefmt.h"
#include "drivers/core/proto/json.h"
#include "drivers/core/proto/query.h"
#include "provisioner/task/task_rules.h"

const char *dp_task_resource_id(const char *arn)
{
    const char *c = arn ? strrchr(arn, ':') : NULL;
    return c ? c + 1 : arn ? arn : "";
}

static void failed(dp_cdc_latency *l, const char *what, const dp_err *e)
{
    int k = snprintf(l->note, sizeof l->note, "not available (%s: ", what);
    if (k < 0 || (size_t)k >= sizeof l->note - 2)
        return;
    dp_err_format(e, l->note + k, sizeof l->note - (size_t)k - 1);
    size_t len = strlen(l->note);
    l->note[len] = ')';
    l->note[len + 1] = '\0';
}

/* The name of the task's replication instance (malloc'd), or NULL with e set. */
static char *instance_name(dp_client *c, const char *instance_arn, dp_err *e)
{
    cJSON *in = cJSON_CreateObject(), *out = NULL;
    cJSON *f = cJSON_CreateObject();
    cJSON_AddStringToObject(f, "Name", "replication-instance-arn");
    cJSON_AddItemToObject(f, "Values", cJSON_CreateStringArray(&instance_arn, 1));
    cJSON_AddItemToArray(cJSON_AddArrayToObject(in, "Filters"), f);
    char *name = NULL;
    if (!dp_json_call(c, &dp_svc_dms, "DescribeReplicationInstances", in, &out, e)) {
        const cJSON *ri = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(out, "ReplicationInstances"), 0);
        const char *s = dp_task_str(ri, "ReplicationInstanceIdentifier");
        if (*s)
            name = strdup(s);
        else
            dp_err_set(e, DP_E_NOT_FOUND, "replication instance %s not found", instance_arn);
    }
    cJSON_Delete(in);
    cJSON_Delete(out);
    return name;
}

/* One MetricDataQueries member: metric of the task (dimension value task_dim) on instance. */
static void add_query(dp_params *p, int n, const char *id, const char *metric, const char *instance,
                      const char *task_dim)
{
    const char *pre = "MetricDataQueries.member";
    dp_params_addf(p, id, "%s.%d.Id", pre, n);
    dp_params_addf(p, "AWS/DMS", "%s.%d.MetricStat.Metric.Namespace", pre, n);
    dp_params_addf(p, metric, "%s.%d.MetricStat.Metric.MetricName", pre, n);
    dp_params_addf(p, "ReplicationInstanceIdentifier", "%s.%d.MetricStat.Metric.Dimensions.member.1.Name", pre, n);
    dp_params_addf(p, instance, "%s.%d.MetricStat.Metric.Dimensions.member.1.Value", pre, n);
    dp_params_addf(p, "ReplicationTaskIdentifier", "%s.%d.MetricStat.Metric.Dimensions.member.2.Name", pre, n);
    dp_params_addf(p, task_dim, "%s.%d.MetricStat.Metric.Dimensions.member.2.Value", pre, n);
    dp_params_addf(p, "60", "%s.%d.MetricStat.Period", pre, n);
    dp_params_addf(p, "Average", "%s.%d.MetricStat.Stat", pre, n);
}

/* The newest value of the result with this id (answers are newest first); 0 when found. */
static int newest(xmlNodePtr results, const char *id, double *v, time_t *at)
{
    for (xmlNodePtr m = dp_xml_child(results, "member"); m; m = dp_xml_next_same(m)) {
        char *mid = dp_xml_text(m, "Id");
        bool match = mid && !strcmp(mid, id);
        free(mid);
        if (!match)
            continue;
        char *val = dp_xml_text(m, "Values/member");
        char *ts = dp_xml_text(m, "Timestamps/member");
        char *end = NULL;
        int rc = -1;
        if (val && ts) {
            double d = strtod(val, &end);
            time_t t;
            if (end != val && !dp_time_parse(ts, &t)) {
                *v = d;
                *at = t;
                rc = 0;
            }
        }
        free(val);
        free(ts);
        return rc;
    }
    return -1;
}

void dp_task_cdc_latency(dp_client *c, const cJSON *task, time_t now, dp_cdc_latency *out)
{
    memset(out, 0, sizeof *out);
    const char *type = dp_task_str(task, "MigrationType");
    out->applies = !strcmp(type, "cdc") || !strcmp(type, "full-load-and-cdc");
    if (!out->applies)
        return;
    dp_err e;
    dp_err_clear(&e);
    char *instance = instance_name(c, dp_task_str(task, "ReplicationInstanceArn"), &e);
    if (!instance) {
        failed(out, "replication instance", &e);
        return;
    }
    const char *rid = dp_task_resource_id(dp_task_str(task, "ReplicationTaskArn"));
    const char *name = dp_task_str(task, "ReplicationTaskIdentifier");
    bool both = strcmp(rid, name) != 0;
    char from[32], to[32];
    dp_time_format(now - DP_CDC_LATENCY_WINDOW_S, from, sizeof from);
    dp_time_format(now, to, sizeof to);
    dp_params p;
    dp_params_init(&p, "GetMetricData", dp_svc_cloudwatch.api_version);
    dp_params_add(&p, "StartTime", from);
    dp_params_add(&p, "EndTime", to);
    dp_params_add(&p, "ScanBy", "TimestampDescending");
    add_query(&p, 1, "srcid", "CDCLatencySource", instance, rid);
    add_query(&p, 2, "tgtid", "CDCLatencyTarget", instance, rid);
    if (both) {
        add_query(&p, 3, "srcname", "CDCLatencySource", instance, name);
        add_query(&p, 4, "tgtname", "CDCLatencyTarget", instance, name);
    }
    xmlDocPtr doc = NULL;
    int rc = dp_query_call(c, &dp_svc_cloudwatch, "GetMetricData", &p, &doc, &e);
    dp_params_cleanup(&p);
    free(instance);
    if (rc) {
        failed(out, "cloudwatch:GetMetricData", &e);
        return;
    }
    xmlNodePtr results = dp_xml_path(dp_xml_result(doc, "GetMetricData"), "MetricDataResults");
    time_t ts = 0, tt = 0;
    out->has_source = !newest(results, "srcid", &out->source_s, &ts) ||
                      (both && !newest(results, "srcname", &out->source_s, &ts));
    out->has_target = !newest(results, "tgtid", &out->target_s, &tt) ||
                      (both && !newest(results, "tgtname", &out->target_s, &tt));
    xmlFreeDoc(doc);
    out->available = out->has_source || out->has_target;
    out->at = ts > tt ? ts : tt;
    if (!out->available)
        snprintf(out->note, sizeof out->note, "no CloudWatch data in the last %d minutes (is CDC running?)",
                 DP_CDC_LATENCY_WINDOW_S / 60);
}

static void figure(char *out, size_t n, bool has, double v)
{
    if (has)
        snprintf(out, n, "%.0fs", v);
    else
        snprintf(out, n, "-");
}

void dp_cdc_latency_format(const dp_cdc_latency *l, char *out, size_t n)
{
    if (!l->applies) {
        snprintf(out, n, "%s", "");
        return;
    }
    if (!l->available) {
        snprintf(out, n, "%s", l->note);
        return;
    }
    char s[32], t[32], at[32];
    figure(s, sizeof s, l->has_source, l->source_s);
    figure(t, sizeof t, l->has_target, l->target_s);
    dp_time_format(l->at, at, sizeof at);
    snprintf(out, n, "source %s, target %s (CloudWatch, 1-minute average at %s)", s, t, at);
}

cJSON *dp_cdc_latency_json(const dp_cdc_latency *l)
{
    if (!l->applies)
        return NULL;
    cJSON *o = cJSON_CreateObject();
    if (!l->available) {
        cJSON_AddStringToObject(o, "note", l->note);
        return o;
    }
    char at[32];
    dp_time_format(l->at, at, sizeof at);
    if (l->has_source)
        cJSON_AddNumberToObject(o, "source_seconds", l->source_s);
    else
        cJSON_AddNullToObject(o, "source_seconds");
    if (l->has_target)
        cJSON_AddNumberToObject(o, "target_seconds", l->target_s);
    else
        cJSON_AddNullToObject(o, "target_seconds");
    cJSON_AddStringToObject(o, "at", at);
    return o;
}
