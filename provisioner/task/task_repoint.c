/* task_repoint.c - rewriting the stack's state to name a replacement task. */
#include "provisioner/task/task_repoint.h"

#include <string.h>

int dp_task_repoint_doc(cJSON *doc, const char *old_arn, const char *new_arn)
{
    int n = 0;
    cJSON *child = doc ? doc->child : NULL;
    for (; child; child = child->next) {
        if (cJSON_IsString(child) && child->valuestring && !strcmp(child->valuestring, old_arn)) {
            if (cJSON_SetValuestring(child, new_arn))
                n++;
        } else if (cJSON_IsObject(child) || cJSON_IsArray(child)) {
            n += dp_task_repoint_doc(child, old_arn, new_arn);
        }
    }
    return n;
}

int dp_task_repoint_state(dp_state_store *s, const char *stack, const char *logical_id, const char *old_arn,
                          const char *new_arn, const char *old_id, const char *new_id, dp_err *e)
{
    cJSON *doc = NULL;
    if (dp_state_read(s, stack, &doc, e))
        return -1;
    if (!doc)
        return 1;
    int rc = 1;
    int n = dp_task_repoint_doc(doc, old_arn, new_arn);
    cJSON *res = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(doc, "resources"), logical_id);
    if (n > 0 && res && old_id && new_id && *new_id && strcmp(old_id, new_id))
        n += dp_task_repoint_doc(res, old_id, new_id);
    if (n > 0)
        rc = dp_state_write(s, stack, doc, e) ? -1 : 0;
    cJSON_Delete(doc);
    return rc;
}
