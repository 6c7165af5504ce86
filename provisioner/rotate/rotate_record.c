/* rotate_record.c - one rotation run's record: where its resources are, and the state
 * written after every step (so that a crashed run resumes where it stopped). */
#include "provisioner/rotate/rotate_record.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void dp_rot_test_crash(const char *step)
{
    const char *want = getenv("DMSPROV_TEST_CRASH_AFTER");
    if (want && !strcmp(want, step)) {
        fflush(stdout);
        fflush(stderr);
        _exit(137); /* as if killed: no cleanup, no unlock */
    }
}

const char *dp_rot_physical_id(const dp_rot_run *r, const char *logical_id, const char *fallback)
{
    const cJSON *res = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(r->state, "resources"),
                                                        logical_id);
    const cJSON *pid = cJSON_GetObjectItemCaseSensitive(res, "physical_id");
    if (cJSON_IsString(pid) && pid->valuestring[0])
        return pid->valuestring;
    return fallback;
}

int dp_rot_save(dp_rot_run *r, dp_err *e)
{
    return dp_state_write(r->store, r->o->stack, r->state, e);
}

int dp_rot_mark(dp_rot_run *r, const char *key, const char *value, dp_err *e)
{
    cJSON *v = cJSON_CreateString(value);
    if (!v || (cJSON_HasObjectItem(r->rec, key) ? !cJSON_ReplaceItemInObjectCaseSensitive(r->rec, key, v)
                                                : !cJSON_AddItemToObject(r->rec, key, v))) {
        dp_err_set(e, DP_E_NOMEM, "out of memory");
        return -1;
    }
    return dp_rot_save(r, e);
}
