/* task_recover.c - recovering a failed task: resume, reload some tables, or replace it. */
#include "provisioner/task/task_recover.h"

#include <stdio.h>
#include <string.h>

#include "drivers/base/rand.h"
#include "drivers/core/proto/json.h"
#include "drivers/resources/common.h"
#include "drivers/resources/dms/dms.h"
#include "drivers/resources/tagging.h"
#include "provisioner/session/session.h"
#include "provisioner/state/state.h"
#include "provisioner/task/task_control.h"
#include "provisioner/task/task_repoint.h"
#include "provisioner/task/task_status.h"

static int fail_err(const dp_err *e, const char *what, char *why, size_t n)
{
    char line[1200];
    dp_err_format(e, line, sizeof line);
    snprintf(why, n, "%s: %s", what, line);
    return DP_EXIT_ERROR;
}

static int wait_for(dp_client *c, const char *arn, dp_task_target t, bool quiet, const dp_task_wait_opts *wo,
                    char *why, size_t n)
{
    dp_task_wait_opts o = *wo;
    o.target = t;
    o.quiet = o.quiet || quiet;
    return dp_task_wait(c, arn, &o, NULL, why, n);
}

int dp_task_recover_resume(dp_client *c, const cJSON *task, const dp_task_wait_opts *wo, char *why, size_t n)
{
    const char *arn = dp_task_str(task, "ReplicationTaskArn");
    dp_task_start_opts so = {.type = "resume-processing"};
    dp_err e;
    dp_err_clear(&e);
    if (dp_task_start(c, arn, &so, NULL, &e))
        return fail_err(&e, "resuming the task", why, n);
    return wait_for(c, arn, DP_TARGET_RUNNING, false, wo, why, n);
}

int dp_task_recover_reload(dp_client *c, const cJSON *task, char *const *tables, int ntables,
                           const dp_task_wait_opts *wo, char *why, size_t n)
{
    const char *arn = dp_task_str(task, "ReplicationTaskArn");
    dp_err e;
    dp_err_clear(&e);
    cJSON *known = NULL;
    if (dp_task_table_stats(c, arn, &known, &e))
        return fail_err(&e, "reading the task's tables", why, n);
    for (int i = 0; i < ntables && cJSON_GetArraySize(known); i++) {
        char schema[256], table[256];
        bool found = false;
        if (dp_task_split_table(tables[i], schema, sizeof schema, table, sizeof table)) {
            snprintf(why, n, "\"%s\" is not schema.table", tables[i]);
            cJSON_Delete(known);
            return DP_EXIT_ERROR;
        }
        const cJSON *t;
        cJSON_ArrayForEach(t, known) found |= !strcmp(dp_task_str(t, "SchemaName"), schema) &&
                                              !strcmp(dp_task_str(t, "TableName"), table);
        if (!found) {
            snprintf(why, n, "task %s has no table %s", dp_task_str(task, "ReplicationTaskIdentifier"), tables[i]);
            cJSON_Delete(known);
            return DP_EXIT_ERROR;
        }
    }
    cJSON_Delete(known);
    if (!strcmp(dp_task_str(task, "Status"), "failed")) { /* ReloadTables needs a running task */
        int rc = dp_task_recover_resume(c, task, wo, why, n);
        if (rc)
            return rc;
    }
    if (dp_task_reload(c, arn, tables, ntables, &e))
        return fail_err(&e, "reloading tables", why, n);
    return DP_EXIT_OK;
}

/* ModifyReplicationTask renaming the task, then waiting until it settles back. */
static int rename_task(dp_client *c, const char *arn, const char *id, const dp_task_wait_opts *wo, char *why,
                       size_t n)
{
    dp_err e;
    dp_err_clear(&e);
    cJSON *in = cJSON_CreateObject(), *out = NULL;
    cJSON_AddStringToObject(in, "ReplicationTaskArn", arn);
    cJSON_AddStringToObject(in, "ReplicationTaskIdentifier", id);
    int rc = dp_json_call(c, &dp_svc_dms, "ModifyReplicationTask", in, &out, &e);
    cJSON_Delete(in);
    cJSON_Delete(out);
    if (rc)
        return fail_err(&e, "renaming the old task", why, n);
    return wait_for(c, arn, DP_TARGET_SETTLED, true, wo, why, n);
}

static void copy_str(cJSON *in, const cJSON *task, const char *name)
{
    const char *v = dp_task_str(task, name);
    if (*v)
        cJSON_AddStringToObject(in, name, v);
}

/* CreateReplicationTask with the old task's settings; new_arn gets the ARN. */
static int create_like(dp_client *c, const cJSON *old, const char *id, const cJSON *tags, char *new_arn, size_t na,
                       dp_err *e)
{
    static const char *const same[] = {"SourceEndpointArn", "TargetEndpointArn",
                                       "ReplicationInstanceArn", "MigrationType", "TableMappings", "TaskData",
                                       "CdcStopPosition"};
    cJSON *in = cJSON_CreateObject(), *out = NULL;
    cJSON_AddStringToObject(in, "ReplicationTaskIdentifier", id);
    for (size_t i = 0; i < sizeof same / sizeof same[0]; i++)
        copy_str(in, old, same[i]);
    cJSON *settings = cJSON_Parse(dp_task_str(old, "ReplicationTaskSettings"));
    if (settings) { /* the log group and stream are DMS's to choose, not settings to copy */
        dp_dms_drop_readonly_task_settings(settings);
        char *text = cJSON_PrintUnformatted(settings);
        if (text)
            cJSON_AddStringToObject(in, "ReplicationTaskSettings", text);
        cJSON_free(text);
        cJSON_Delete(settings);
    }
    cJSON_AddStringToObject(in, "CdcStartPosition", dp_task_str(old, "RecoveryCheckpoint"));
    if (cJSON_GetArraySize(tags))
        cJSON_AddItemToObject(in, "Tags", cJSON_Duplicate(tags, 1));
    int rc = dp_json_call(c, &dp_svc_dms, "CreateReplicationTask", in, &out, e);
    cJSON_Delete(in);
    if (!rc) {
        const cJSON *t = cJSON_GetObjectItemCaseSensitive(out, "ReplicationTask");
        snprintf(new_arn, na, "%s", dp_task_str(t, "ReplicationTaskArn"));
        if (!*new_arn) {
            dp_err_set(e, DP_E_PARSE, "CreateReplicationTask answered no ReplicationTaskArn");
            rc = -1;
        }
    }
    cJSON_Delete(out);
    return rc ? -1 : 0;
}

/* A replacement that did not run is deleted (it carries the stack's tags: only one task may)
 * and the old task gets its identifier back. 0 when both happened. */
static int undo_replacement(dp_client *c, const char *new_arn, const char *old_arn, const char *parked, const char *id,
                            const dp_task_wait_opts *wo)
{
    char ignore[1400];
    dp_err e;
    dp_err_clear(&e);
    cJSON *in = cJSON_CreateObject(), *out = NULL;
    cJSON_AddStringToObject(in, "ReplicationTaskArn", new_arn);
    int rc = dp_json_call(c, &dp_svc_dms, "DeleteReplicationTask", in, &out, &e);
    cJSON_Delete(in);
    cJSON_Delete(out);
    if (rc || wait_for(c, new_arn, DP_TARGET_DELETED, true, wo, ignore, sizeof ignore))
        return -1;
    if (strcmp(parked, id) && rename_task(c, old_arn, id, wo, ignore, sizeof ignore))
        return -1;
    return 0;
}

/* True when the tags carry the stack's ownership tags. */
static bool claims_stack(const cJSON *tags)
{
    return dp_tag_value(tags, DP_TAG_STACK) || dp_tag_value(tags, DP_TAG_LOGICAL_ID);
}

/* The replacement itself (the stack, if any, is locked by the caller). */
static int replace(dp_client *c, const cJSON *old, const cJSON *tags, const dp_task_wait_opts *wo, char *new_arn,
                   size_t na, char *new_id, size_t nid, bool *taken_over, char *why, size_t n)
{
    const char *old_arn = dp_task_str(old, "ReplicationTaskArn"), *id = dp_task_str(old, "ReplicationTaskIdentifier");
    const char *checkpoint = dp_task_str(old, "RecoveryCheckpoint");
    char suffix[8], tail[32], parked[300];
    if (dp_random_hex(suffix, 3)) {
        snprintf(why, n, "could not get random bytes for the old task's new name");
        return DP_EXIT_ERROR;
    }
    snprintf(tail, sizeof tail, "replaced-%s", suffix);
    dp_task_suffixed_id(id, tail, parked, sizeof parked);
    FILE *out = wo->out ? wo->out : stdout;
    /* the new task keeps the identifier, so a re-plan sees the template's name unchanged */
    fprintf(out, "Renaming the old task to %s\n", parked);
    int rc = rename_task(c, old_arn, parked, wo, why, n);
    if (rc)
        return rc;
    dp_err e;
    dp_err_clear(&e);
    fprintf(out, "Creating %s with CdcStartPosition %s\n", id, checkpoint);
    snprintf(new_id, nid, "%s", id);
    int crc = create_like(c, old, id, tags, new_arn, na, &e);
    if (crc && !strcmp(e.aws_code, "ResourceAlreadyExistsFault")) {
        /* a service whose task ARNs derive from the identifier (moto does) cannot reuse it while
         * the old task exists: the old task gets its name back, the new one a new name */
        if ((rc = rename_task(c, old_arn, id, wo, why, n)))
            return rc;
        snprintf(parked, sizeof parked, "%s", id);
        dp_task_suffixed_id(id, suffix, new_id, nid);
        fprintf(out, "The identifier %s cannot be reused while the old task exists here; creating %s instead\n", id,
                new_id);
        dp_err_clear(&e);
        crc = create_like(c, old, new_id, tags, new_arn, na, &e);
    }
    if (crc) {
        fail_err(&e, "creating the replacement task", why, n);
        char ignore[512];
        if (strcmp(parked, id))
            rename_task(c, old_arn, id, wo, ignore, sizeof ignore); /* best effort: as it was */
        return DP_EXIT_ERROR;
    }
    if ((rc = wait_for(c, new_arn, DP_TARGET_READY, true, wo, why, n)))
        return rc;
    dp_task_start_opts so = {.type = "start-replication", .cdc_start_position = checkpoint,
                             .cdc_stop_position = *dp_task_str(old, "CdcStopPosition") ? dp_task_str(old, "CdcStopPosition") : NULL};
    fprintf(out, "Starting %s (%s)\n", new_id, new_arn);
    rc = dp_task_start(c, new_arn, &so, NULL, &e) ? fail_err(&e, "starting the replacement task", why, n)
                                                  : wait_for(c, new_arn, DP_TARGET_RUNNING, false, wo, why, n);
    if (rc) {
        size_t len = strlen(why);
        if (rc != DP_EXIT_TIMEOUT && !undo_replacement(c, new_arn, old_arn, parked, id, wo))
            snprintf(why + len, n - len, "; the replacement was deleted and the old task kept as %s (%s)", id, old_arn);
        else
            snprintf(why + len, n - len, "; the old task was kept as %s (%s), the replacement is %s", parked, old_arn,
                     new_arn);
        return rc;
    }
    /* only now, with the replacement running from the checkpoint, the old task goes */
    *taken_over = true;
    fprintf(out, "Deleting the old task %s (%s)\n", parked, old_arn);
    cJSON *in = cJSON_CreateObject(), *ans = NULL;
    /* first it stops claiming the stack's logical id: only the new task may carry it */
    cJSON_AddStringToObject(in, "ResourceArn", old_arn);
    cJSON *keys = cJSON_AddArrayToObject(in, "TagKeys");
    cJSON_AddItemToArray(keys, cJSON_CreateString(DP_TAG_STACK));
    cJSON_AddItemToArray(keys, cJSON_CreateString(DP_TAG_LOGICAL_ID));
    int trc = claims_stack(tags) ? dp_json_call(c, &dp_svc_dms, "RemoveTagsFromResource", in, &ans, &e) : 0;
    cJSON_Delete(in);
    cJSON_Delete(ans);
    if (trc)
        return fail_err(&e, "removing the old task's ownership tags (the replacement is running)", why, n);
    in = cJSON_CreateObject();
    ans = NULL;
    cJSON_AddStringToObject(in, "ReplicationTaskArn", old_arn);
    int drc = dp_json_call(c, &dp_svc_dms, "DeleteReplicationTask", in, &ans, &e);
    cJSON_Delete(in);
    cJSON_Delete(ans);
    if (drc)
        return fail_err(&e, "deleting the old task (the replacement is running)", why, n);
    return wait_for(c, old_arn, DP_TARGET_DELETED, true, wo, why, n);
}

int dp_task_recover_replace(dp_client *c, const char *state_location, const dp_task_ref *ref, const cJSON *task,
                            const dp_task_wait_opts *wo, char *new_arn, size_t na, char *why, size_t n)
{
    const char *old_arn = dp_task_str(task, "ReplicationTaskArn"), *old_id = dp_task_str(task, "ReplicationTaskIdentifier");
    FILE *out = wo->out ? wo->out : stdout;
    dp_err e;
    dp_err_clear(&e);
    cJSON *tags = NULL;
    if (dp_dms_tags(c, old_arn, &tags, &e))
        return fail_err(&e, "reading the task's tags", why, n);
    char stack[128], logical[256], new_id[300] = "";
    const char *tag_stack = dp_tag_value(tags, DP_TAG_STACK), *tag_logical = dp_tag_value(tags, DP_TAG_LOGICAL_ID);
    snprintf(stack, sizeof stack, "%s", ref->stack[0] ? ref->stack : tag_stack ? tag_stack : "");
    snprintf(logical, sizeof logical, "%s", ref->logical_id[0] ? ref->logical_id : tag_logical ? tag_logical : "");
    dp_state_store *store = NULL;
    int rc = DP_EXIT_ERROR;
    bool taken_over = false;
    if (stack[0]) { /* no apply may run while the stack's task changes under it */
        if (!(store = dp_state_open(state_location, c, &e)) ||
            dp_state_lock(store, stack, "task recover", false, &e)) {
            fail_err(&e, "locking the stack", why, n);
            goto done;
        }
    }
    rc = replace(c, task, tags, wo, new_arn, na, new_id, sizeof new_id, &taken_over, why, n);
    if (store && taken_over) { /* the new task runs: the state must name it, even if the old one lingers */
        int r = dp_task_repoint_state(store, stack, logical, old_arn, new_arn, old_id, new_id, &e);
        if (r < 0) {
            char msg[1400];
            fail_err(&e, "updating the stack's state (the replacement is running)", msg, sizeof msg);
            if (!rc)
                snprintf(why, n, "%s", msg);
            rc = DP_EXIT_ERROR;
        } else if (r == 0) {
            fprintf(out, "State of stack %s now names %s\n", stack, new_arn);
        } else {
            fprintf(out, "Stack %s has no state naming the old task: nothing to update\n", stack);
        }
    }
done:
    if (store) {
        dp_err ue;
        dp_err_clear(&ue);
        dp_state_unlock(store, stack, &ue);
        dp_state_close(store);
    }
    cJSON_Delete(tags);
    return rc;
}
