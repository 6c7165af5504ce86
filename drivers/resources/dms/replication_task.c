/* replication_task.c - AWS::DMS::ReplicationTask: create/adopt and wait ready, read, update, delete.
 *
 * PhysicalId (CloudFormation's Ref) is the task ARN. Create waits as botocore's
 * ReplicationTaskReady waiter says. Update follows Terraform: a running task is stopped
 * (ReplicationTaskStopped), moved to another replication instance with MoveReplicationTask
 * when ReplicationInstanceArn changed (instead of replacing it), modified, and resumed with
 * resume-processing only if it was running. Delete stops a running task first, then waits as
 * ReplicationTaskDeleted says. TableMappings / ReplicationTaskSettings / TaskData are read as
 * canonical JSON text; settings keep only the keys the template set (dms_settings.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "drivers/core/proto/json.h"
#include "drivers/resources/dms/dms_flow.h"

#define TYPE "AWS::DMS::ReplicationTask"
#define WHAT "replication task"

static const dp_dms_kind kind; /* defined below, after its hooks */

static bool is(const char *s, const char *v) { return s && !strcmp(s, v); }

/* A JSON-document property of the template as canonical text (owned), or NULL. */
static char *desired_json(const cJSON *d, const char *name)
{
    char *raw = dp_prop_json_text(d, name);
    char *c = raw ? dp_json_canonical_text(raw) : NULL;
    if (raw && !c)
        return raw; /* not JSON: passed as is, DMS will say what is wrong */
    free(raw);
    return c;
}

static void add_json_prop(cJSON *props, const cJSON *t, const char *name, const char *desired_settings)
{
    const char *live = dp_prop_str(t, name);
    if (!live || !*live)
        return;
    char *c = !strcmp(name, "ReplicationTaskSettings") ? dp_dms_task_settings_normalise(live, desired_settings)
                                                       : dp_json_canonical_text(live);
    cJSON_AddStringToObject(props, name, c ? c : live);
    free(c);
}

/* Properties of a described task in template form (owned). */
static cJSON *props_of(const dp_resource_req *r, const cJSON *t)
{
    cJSON *props = cJSON_CreateObject();
    static const char *const same[] = {"ReplicationTaskIdentifier", "MigrationType", "SourceEndpointArn",
                                       "TargetEndpointArn", "ReplicationInstanceArn", "CdcStartPosition",
                                       "CdcStopPosition", NULL};
    for (const char *const *k = same; *k; k++)
        dp_dms_report(props, t, *k, *k);
    dp_dms_keep_case(props, r->desired, "ReplicationTaskIdentifier");
    char *want_settings = desired_json(r->desired, "ReplicationTaskSettings");
    add_json_prop(props, t, "TableMappings", NULL);
    if (!r->desired || want_settings) /* server defaults the template did not ask for: left out */
        add_json_prop(props, t, "ReplicationTaskSettings", want_settings);
    add_json_prop(props, t, "TaskData", NULL);
    free(want_settings);
    return props;
}

static void wait_ctx(dp_progress *p, const dp_resource_req *r, const char *arn, const char *stage, bool was_running,
                     const char *status)
{
    cJSON *ctx = cJSON_CreateObject();
    cJSON_AddStringToObject(ctx, "arn", arn);
    cJSON_AddStringToObject(ctx, "stage", stage);
    cJSON_AddBoolToObject(ctx, "was_running", was_running);
    char text[96];
    snprintf(text, sizeof text, "replication task %s", status);
    /* each new wait (stopping, moving, modifying, ...) starts with short polls again */
    dp_resource_req fresh = *r;
    if (!is(dp_prop_str(r->context, "stage"), stage))
        fresh.context = NULL;
    dp_progress_wait(p, &fresh, ctx, text);
}

/* One poll of ReplicationTaskReady; an adopted task may also have been started since. */
static void wait_ready(const dp_resource_req *r, dp_progress *p, const char *arn, bool adopted)
{
    dp_err e;
    dp_err_clear(&e);
    cJSON *t = NULL;
    int rc = dp_dms_describe_arn(&kind, r->client, arn, &t, &e);
    const char *s = rc == DP_FOUND ? dp_prop_str(t, "Status") : NULL;
    if (rc == DP_MISSING)
        dp_progress_failf(p, DP_E_NOT_FOUND, "creating %s: %s %s disappeared", r->logical_id, WHAT, arn);
    else if (rc < 0)
        dp_progress_fail(p, r, "creating", &e);
    else if (is(s, "ready") || (adopted && (is(s, "running") || is(s, "stopped"))))
        dp_dms_success(&kind, r, p, t, adopted ? "adopting" : "creating");
    else if (is(s, "creating") || (adopted && (is(s, "modifying") || is(s, "moving") || is(s, "starting") ||
                                               is(s, "stopping"))))
        wait_ctx(p, r, arn, adopted ? "adopted" : "created", false, s);
    else {
        const char *why = dp_prop_str(t, "LastFailureMessage");
        dp_progress_failf(p, DP_E_AWS, "creating %s: %s %s is %s%s%s", r->logical_id, WHAT, arn, s ? s : "?",
                          why ? ": " : "", why ? why : "");
    }
    cJSON_Delete(t);
}

static void add_cdc_start_time(cJSON *in, const cJSON *d)
{
    const cJSON *v = dp_prop(d, "CdcStartTime");
    if (cJSON_IsNumber(v))
        cJSON_AddNumberToObject(in, "CdcStartTime", v->valuedouble); /* epoch seconds */
    else if (cJSON_IsString(v)) {
        char *end;
        double n = strtod(v->valuestring, &end);
        if (end != v->valuestring && !*end)
            cJSON_AddNumberToObject(in, "CdcStartTime", n);
    }
}

static void add_json_input(cJSON *in, const cJSON *d, const char *name)
{
    char *c = desired_json(d, name);
    if (c)
        cJSON_AddStringToObject(in, name, c);
    free(c);
}

static void create_input(cJSON *in, const dp_resource_req *r)
{
    const cJSON *d = r->desired;
    static const char *const strs[] = {"SourceEndpointArn", "TargetEndpointArn", "ReplicationInstanceArn",
                                       "MigrationType", "CdcStartPosition", "CdcStopPosition",
                                       "ResourceIdentifier", NULL};
    for (const char *const *k = strs; *k; k++)
        dp_dms_copy(in, d, *k, *k);
    add_json_input(in, d, "TableMappings");
    add_json_input(in, d, "ReplicationTaskSettings");
    add_json_input(in, d, "TaskData");
    add_cdc_start_time(in, d);
}

static void created(const dp_resource_req *r, dp_progress *p, const char *arn)
{
    wait_ctx(p, r, arn, "created", false, "creating");
}

static void resume(const dp_resource_req *r, dp_progress *p, const char *arn)
{
    wait_ready(r, p, arn, is(dp_prop_str(r->context, "stage"), "adopted"));
}

static void adopt(const dp_resource_req *r, dp_progress *p, const char *arn) { wait_ready(r, p, arn, true); }

/* Waits and deletes are the task's own (ReplicationTaskReady / Stopped / Deleted): no state,
 * delete_op or again. */
static const dp_dms_kind kind = {
    .type = TYPE, .what = WHAT, .id_prop = "ReplicationTaskIdentifier", .id_max = 255, .lower_id = false,
    .describe_op = "DescribeReplicationTasks", .list_key = "ReplicationTasks", .id_filter = "replication-task-id",
    .arn_filter = "replication-task-arn", .arn_field = "ReplicationTaskArn", .status_field = "Status",
    .create_op = "CreateReplicationTask", .created_key = "ReplicationTask", .delete_op = NULL, .again = NULL,
    .resume = resume, .create_input = create_input, .created = created, .adopt = adopt, .props_of = props_of,
    .attrs = NULL, .state = NULL};

static void create(const dp_resource_req *r, dp_progress *p) { dp_dms_create(&kind, r, p); }

static void read_(const dp_resource_req *r, dp_progress *p) { dp_dms_read(&kind, r, p); }

/* ModifyReplicationTask input for what differs between desired and the live task; NULL if
 * nothing. CdcStartTime cannot be read back: it is sent when the template's value is not the
 * one the engine recorded before (r->previous). */
static cJSON *modify_input(const dp_resource_req *r, const cJSON *t)
{
    const cJSON *d = r->desired;
    cJSON *in = cJSON_CreateObject();
    int n = 0;
    const char *want_id = dp_prop_str(d, "ReplicationTaskIdentifier"), *have_id = dp_prop_str(t, "ReplicationTaskIdentifier");
    if (want_id && have_id && strcasecmp(want_id, have_id)) {
        cJSON_AddStringToObject(in, "ReplicationTaskIdentifier", want_id);
        n++;
    }
    static const char *const strs[] = {"CdcStartPosition", "CdcStopPosition", NULL};
    for (const char *const *k = strs; *k; k++) {
        const char *want = dp_prop_str(d, *k), *have = dp_prop_str(t, *k);
        if (want && (!have || strcmp(want, have))) {
            cJSON_AddStringToObject(in, *k, want);
            n++;
        }
    }
    static const char *const docs[] = {"TableMappings", "TaskData", NULL};
    for (const char *const *k = docs; *k; k++) {
        char *want = desired_json(d, *k);
        if (want && !dp_dms_json_text_equal(want, dp_prop_str(t, *k))) {
            cJSON_AddStringToObject(in, *k, want);
            n++;
        }
        free(want);
    }
    char *want = desired_json(d, "ReplicationTaskSettings");
    if (want) {
        char *have = dp_dms_task_settings_normalise(dp_prop_str(t, "ReplicationTaskSettings"), want);
        if (!dp_dms_json_text_equal(want, have)) {
            cJSON_AddStringToObject(in, "ReplicationTaskSettings", want);
            n++;
        }
        free(have);
    }
    free(want);
    const cJSON *st = dp_prop(d, "CdcStartTime"), *prev = dp_prop(r->previous, "CdcStartTime");
    if (st && !(prev && dp_prop_long(d, "CdcStartTime", 0) == dp_prop_long(r->previous, "CdcStartTime", -1))) {
        add_cdc_start_time(in, d);
        n++;
    }
    if (!n) {
        cJSON_Delete(in);
        return NULL;
    }
    cJSON_AddStringToObject(in, "ReplicationTaskArn", dp_prop_str(t, "ReplicationTaskArn"));
    return in;
}

static int task_call(dp_client *c, const char *op, const char *arn, const char *key, const char *value, dp_err *e)
{
    cJSON *in = cJSON_CreateObject(), *out = NULL;
    cJSON_AddStringToObject(in, "ReplicationTaskArn", arn);
    if (key)
        cJSON_AddStringToObject(in, key, value);
    int rc = dp_json_call(c, &dp_svc_dms, op, in, &out, e);
    cJSON_Delete(in);
    cJSON_Delete(out);
    return rc;
}

static bool transitional(const char *s)
{
    return is(s, "creating") || is(s, "starting") || is(s, "stopping") || is(s, "modifying") || is(s, "moving") ||
           is(s, "testing");
}

/* Update stages (each call re-reads the task):
 *   begin -> [stop: "stopping"] -> [move: "moving"] -> [modify: "modifying"] -> tags
 *   -> [resume only if it was running: "resuming"] -> SUCCESS. */
static void update(const dp_resource_req *r, dp_progress *p)
{
    const char *arn = r->physical_id;
    const char *stage = dp_prop_str(r->context, "stage");
    bool was_running = dp_prop_bool(r->context, "was_running", false);
    dp_err e;
    dp_err_clear(&e);
    const char *want_type = dp_prop_str(r->desired, "MigrationType");
    cJSON *t = NULL;
    if (dp_dms_current(&kind, r, p, "updating", &t))
        return;
    int rc = 0;
    const char *s = dp_prop_str(t, "Status");
    if (!stage) {
        const char *have_type = dp_prop_str(t, "MigrationType");
        if (want_type && have_type && strcmp(want_type, have_type) && dp_dms_task_replace_on_change("MigrationType")) {
            dp_progress_failf(p, DP_E_INPUT, "updating %s: changing MigrationType (%s -> %s) replaces the task",
                              r->logical_id, have_type, want_type);
            goto out;
        }
        if (transitional(s)) { /* let it settle first */
            wait_ctx(p, r, arn, "settling", false, s);
            goto out;
        }
        if (is(s, "running")) {
            if ((rc = task_call(r->client, "StopReplicationTask", arn, NULL, NULL, &e)))
                goto fail;
            wait_ctx(p, r, arn, "stopping", true, "stopping");
            goto out;
        }
        stage = "move";
    } else if (is(stage, "settling")) {
        if (transitional(s)) {
            wait_ctx(p, r, arn, "settling", false, s);
            goto out;
        }
        cJSON_Delete(t);
        dp_resource_req again = *r;
        again.context = NULL; /* start over from a settled state */
        update(&again, p);
        return;
    } else if (is(stage, "stopping") || is(stage, "moving") || is(stage, "modifying")) {
        /* ReplicationTaskStopped fails on ready/creating/starting/failed/...: stopped is the
         * only success; after a move or modify the task returns to its settled state */
        if (is(stage, "stopping") && !is(s, "stopped")) {
            if (is(s, "stopping") || is(s, "running")) {
                wait_ctx(p, r, arn, stage, was_running, s);
                goto out;
            }
            dp_progress_failf(p, DP_E_AWS, "updating %s: %s %s is %s while stopping", r->logical_id, WHAT, arn,
                              s ? s : "?");
            goto out;
        }
        if (transitional(s)) {
            wait_ctx(p, r, arn, stage, was_running, s);
            goto out;
        }
        stage = is(stage, "modifying") ? "tags" : "move";
    } else if (is(stage, "resuming")) {
        if (is(s, "starting")) {
            wait_ctx(p, r, arn, stage, was_running, s);
            goto out;
        }
        if (is(s, "failed")) {
            const char *why = dp_prop_str(t, "LastFailureMessage");
            dp_progress_failf(p, DP_E_AWS, "updating %s: %s %s failed after resuming%s%s", r->logical_id, WHAT, arn,
                              why ? ": " : "", why ? why : "");
            goto out;
        }
        dp_dms_success(&kind, r, p, t, "updating"); /* running, or stopped when a full load finished */
        goto out;
    }
    if (is(stage, "move")) {
        const char *want = dp_prop_str(r->desired, "ReplicationInstanceArn");
        const char *have = dp_prop_str(t, "ReplicationInstanceArn");
        if (want && have && strcmp(want, have)) {
            cJSON *in = cJSON_CreateObject(), *o = NULL;
            cJSON_AddStringToObject(in, "ReplicationTaskArn", arn);
            cJSON_AddStringToObject(in, "TargetReplicationInstanceArn", want);
            rc = dp_json_call(r->client, &dp_svc_dms, "MoveReplicationTask", in, &o, &e);
            cJSON_Delete(in);
            cJSON_Delete(o);
            if (rc)
                goto fail;
            wait_ctx(p, r, arn, "moving", was_running, "moving");
            goto out;
        }
        cJSON *in = modify_input(r, t);
        if (in) {
            cJSON *o = NULL;
            rc = dp_json_call(r->client, &dp_svc_dms, "ModifyReplicationTask", in, &o, &e);
            cJSON_Delete(in);
            cJSON_Delete(o);
            if (rc)
                goto fail;
            wait_ctx(p, r, arn, "modifying", was_running, "modifying");
            goto out;
        }
        stage = "tags";
    }
    /* stage "tags": the last change, then resume if the task was running */
    {
        cJSON *want = dp_dms_want_tags(r);
        rc = dp_dms_sync_tags(r->client, arn, want, &e);
        cJSON_Delete(want);
        if (rc)
            goto fail;
        if (was_running) {
            if ((rc = task_call(r->client, "StartReplicationTask", arn, "StartReplicationTaskType", "resume-processing",
                                &e)))
                goto fail;
            wait_ctx(p, r, arn, "resuming", true, "starting");
            goto out;
        }
        dp_dms_success(&kind, r, p, t, "updating");
    }
    goto out;
fail:
    dp_progress_fail(p, r, "updating", &e);
out:
    cJSON_Delete(t);
}

/* Delete: stop a running task, DeleteReplicationTask, then ReplicationTaskDeleted. */
static void del(const dp_resource_req *r, dp_progress *p)
{
    const char *arn = r->physical_id;
    dp_err e;
    dp_err_clear(&e);
    cJSON *t = NULL;
    int rc = dp_dms_describe_arn(&kind, r->client, arn, &t, &e);
    const char *s = rc == DP_FOUND ? dp_prop_str(t, "Status") : NULL;
    bool deleting = dp_prop_bool(r->context, "deleting", false);
    if (rc == DP_MISSING) {
        dp_progress_success(p, NULL);
    } else if (rc < 0) {
        dp_progress_fail(p, r, "deleting", &e);
    } else if (is(s, "deleting")) {
        wait_ctx(p, r, arn, "deleting", false, s);
        cJSON_AddBoolToObject(p->context, "deleting", 1);
    } else if (deleting && (is(s, "ready") || is(s, "stopped") || is(s, "failed") || is(s, "running"))) {
        dp_progress_failf(p, DP_E_AWS, "deleting %s: %s %s is %s again", r->logical_id, WHAT, arn, s);
    } else if (is(s, "running")) {
        if (task_call(r->client, "StopReplicationTask", arn, NULL, NULL, &e))
            dp_progress_fail(p, r, "deleting", &e);
        else
            wait_ctx(p, r, arn, "stopping", true, "stopping");
    } else if (transitional(s)) {
        wait_ctx(p, r, arn, "settling", false, s);
    } else if (task_call(r->client, "DeleteReplicationTask", arn, NULL, NULL, &e) && !dp_dms_not_found(&e)) {
        if (!strcmp(e.aws_code, "InvalidResourceStateFault")) /* a retried delete, or it moved on: look again */
            wait_ctx(p, r, arn, "settling", false, "settling");
        else
            dp_progress_fail(p, r, "deleting", &e);
    } else {
        wait_ctx(p, r, arn, "deleting", false, "deleting");
        cJSON_AddBoolToObject(p->context, "deleting", 1);
    }
    cJSON_Delete(t);
}

static int list(dp_client *c, const char *stack, dp_list_fn fn, void *ctx, dp_err *e)
{
    return dp_dms_list_tagged(c, stack, "task", TYPE, fn, ctx, e);
}

static int physical_id_for(const cJSON *desired, const dp_resource_req *r, char *id, size_t n)
{
    return dp_dms_physical_id(&kind, desired, r, id, n);
}

static const char *const applies[] = {
    "ReplicationTaskIdentifier", "SourceEndpointArn", "TargetEndpointArn", "ReplicationInstanceArn", "MigrationType",
    "TableMappings", "ReplicationTaskSettings", "TaskData", "CdcStartPosition", "CdcStartTime", "CdcStopPosition",
    "ResourceIdentifier", "Tags", NULL};
/* CdcStartTime cannot be read back. */
static const char *const reads_back[] = {
    "ReplicationTaskIdentifier", "SourceEndpointArn", "TargetEndpointArn", "ReplicationInstanceArn", "MigrationType",
    "TableMappings", "ReplicationTaskSettings", "TaskData", "CdcStartPosition", "CdcStopPosition", "Tags", NULL};
/* Create-only in the schema, but update moves the task with MoveReplicationTask, as Terraform does. */
static const char *const update_in_place[] = {"ReplicationInstanceArn", NULL};
/* Updatable in the schema, but a change must replace the task (issue 4); update refuses it. */
static const char *const replace_on_change[] = {"MigrationType", NULL};
/* Its endpoints and instance, and what its endpoints point at. */
static const char *const may_reference[] = {"AWS::DMS::Endpoint", "AWS::DMS::ReplicationInstance", "AWS::S3::Bucket",
                                            "AWS::RDS::DBCluster", "AWS::RDS::DBInstance", NULL};

const dp_driver dp_driver_dms_task = {
    .type = TYPE,
    .create = create,
    .read = read_,
    .update = update,
    .del = del,
    .list = list,
    .physical_id_for = physical_id_for,
    .name_prop = "ReplicationTaskIdentifier",
    .applies = applies,
    .reads_back = reads_back,
    .update_in_place = update_in_place,
    .replace_on_change = replace_on_change,
    .may_reference = may_reference,
    .seconds = {.create = 30, .update = 30, .del = 30},
    .caps = DP_CAP_ID_LOWERCASE,
};

bool dp_dms_task_move_instead_of_replace(const char *prop)
{
    return dp_driver_updates_in_place(&dp_driver_dms_task, prop);
}

bool dp_dms_task_replace_on_change(const char *prop) { return dp_driver_replaces_on_change(&dp_driver_dms_task, prop); }
