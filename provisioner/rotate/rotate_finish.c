/* rotate_finish.c - the finish step: AWSCURRENT moves to the new version, then every
 * dependent the template declares gets the new value (SSM copies, DMS endpoint passwords with
 * their running tasks paused and resumed), and the state's hashes of those values are renewed.
 * Each part is idempotent, so a re-run completes it. */
#include "provisioner/rotate/rotate_finish.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "drivers/base/timefmt.h"
#include "drivers/resources/password.h"
#include "provisioner/rotate/rotate_aws.h"
#include "provisioner/rotate/rotate_hashes.h"
#include "provisioner/rotate/rotate_record.h"
#include "provisioner/rotate/rotate_schedule.h"

#define TASK_STOP_TIMEOUT_S 900

/* Moves AWSCURRENT to the token's version (the old one becomes AWSPREVIOUS) and drops its
 * AWSPENDING label. */
static int move_current(dp_rot_run *r, dp_err *e)
{
    cJSON *desc = NULL;
    if (dp_rot_sm_describe(r->c, r->secret, &desc, e))
        return -1;
    int rc = 0;
    const char *cur = dp_rot_sm_version_with(desc, "AWSCURRENT");
    if (!cur || strcmp(cur, r->token)) {
        rc = dp_rot_sm_stage(r->c, r->secret, "AWSCURRENT", r->token, cur, e);
        if (!rc)
            printf("  finish: AWSCURRENT -> version %s (previous version %s is AWSPREVIOUS)\n", r->token,
                   cur ? cur : "none");
    } else {
        printf("  finish: version %s already holds AWSCURRENT\n", r->token);
    }
    if (!rc && dp_rot_sm_version_has(desc, r->token, "AWSPENDING"))
        rc = dp_rot_sm_stage(r->c, r->secret, "AWSPENDING", NULL, r->token, e);
    cJSON_Delete(desc);
    return rc;
}

/* Adds arn to rec.paused_tasks (kept until resumed, so a re-run resumes them). */
static int remember_paused(dp_rot_run *r, const char *arn, dp_err *e)
{
    cJSON *list = cJSON_GetObjectItemCaseSensitive(r->rec, "paused_tasks");
    if (!list)
        list = cJSON_AddArrayToObject(r->rec, "paused_tasks");
    const cJSON *it;
    cJSON_ArrayForEach(it, list) if (cJSON_IsString(it) && !strcmp(it->valuestring, arn)) return 0;
    cJSON_AddItemToArray(list, cJSON_CreateString(arn));
    return dp_rot_save(r, e);
}

static int resume_paused(dp_rot_run *r, dp_err *e)
{
    cJSON *list = cJSON_GetObjectItemCaseSensitive(r->rec, "paused_tasks");
    const cJSON *it;
    int n = 0;
    cJSON_ArrayForEach(it, list)
    {
        if (!cJSON_IsString(it))
            continue;
        if (dp_rot_dms_resume_task(r->c, it->valuestring, e))
            return -1;
        n++;
    }
    if (!list)
        return 0;
    cJSON_DeleteItemFromObjectCaseSensitive(r->rec, "paused_tasks");
    if (n)
        printf("  finish: resumed %d replication task%s (resume-processing)\n", n, n == 1 ? "" : "s");
    return dp_rot_save(r, e);
}

static int update_endpoint(dp_rot_run *r, const dp_rot_target *t, const char *id, const char *value, dp_err *e)
{
    char *arn = NULL;
    cJSON *tasks = cJSON_CreateArray();
    int rc = -1;
    if (!tasks || dp_rot_dms_endpoint_arn(r->c, id, &arn, e) || dp_rot_dms_active_tasks(r->c, arn, tasks, e))
        goto done;
    const cJSON *it;
    cJSON_ArrayForEach(it, tasks)
    {
        if (remember_paused(r, it->valuestring, e) || dp_rot_dms_stop_task(r->c, it->valuestring, TASK_STOP_TIMEOUT_S, e))
            goto done;
    }
    if (cJSON_GetArraySize(tasks))
        printf("  finish: paused %d replication task%s using DMS endpoint %s\n", cJSON_GetArraySize(tasks),
               cJSON_GetArraySize(tasks) == 1 ? "" : "s", t->logical_id);
    if (dp_rot_dms_set_password(r->c, arn, value, e))
        goto done;
    printf("  finish: DMS endpoint %s (%s): password updated\n", t->logical_id, id);
    rc = 0;
done:
    free(arn);
    cJSON_Delete(tasks);
    return rc;
}

/* Every dependent of the secret, from the new AWSCURRENT value. */
static int update_dependents(dp_rot_run *r, const char *secret_string, dp_err *e)
{
    for (size_t i = 0; i < r->cfg.ntargets; i++) {
        const dp_rot_target *t = &r->cfg.targets[i];
        if (t->kind == DP_ROT_CLUSTER)
            continue; /* changed by the set step */
        if (t->kind == DP_ROT_ENDPOINT_SM) {
            printf("  finish: DMS endpoint %s reads the secret itself (SecretsManagerSecretId): nothing to do\n",
                   t->logical_id);
            continue;
        }
        const char *id = dp_rot_physical_id(r, t->logical_id, t->name);
        if (!id) {
            dp_err_set(e, DP_E_NOT_FOUND, "%s: no physical id in the state and no name in the template", t->logical_id);
            return -1;
        }
        char *value = NULL;
        if (dp_rot_render_value(t->render, secret_string, &value, e)) {
            dp_err_prefix(e, "%s", t->logical_id);
            return -1;
        }
        int rc;
        if (t->kind == DP_ROT_SSM) {
            bool changed = false;
            rc = dp_rot_ssm_put(r->c, id, value, &changed, e);
            if (!rc)
                printf("  finish: SSM parameter %s (%s): %s\n", t->logical_id, id,
                       changed ? "updated" : "already holds the new value");
        } else {
            rc = update_endpoint(r, t, id, value, e);
        }
        dp_secret_free(value);
        if (rc) {
            dp_err_prefix(e, "updating %s", t->logical_id);
            return -1;
        }
    }
    return 0;
}

int dp_rot_finish(dp_rot_run *r, dp_err *e)
{
    if (move_current(r, e))
        return -1;
    char *secret_string = NULL;
    if (dp_rot_sm_get(r->c, r->secret, r->token, "AWSCURRENT", &secret_string, e))
        return -1;
    int rc = update_dependents(r, secret_string, e);
    if (!rc)
        rc = resume_paused(r, e);
    char now[32];
    dp_time_format(time(NULL), now, sizeof now);
    if (!rc)
        rc = dp_rot_sm_tag(r->c, r->secret, "dmsprov:last-rotated", now, e);
    /* in memory only: the state write that marks the rotation complete carries them */
    if (!rc)
        rc = dp_rot_update_hashes(r, secret_string, e);
    dp_secret_free(secret_string);
    return rc ? -1 : 0;
}
