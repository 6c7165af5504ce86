/* dms_settings.c - pure normalisation of DMS settings and properties to template form. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "drivers/resources/dms/dms.h"

/* True when every element of a (non-empty) array is an object with a string "Id". */
static bool keyed_by_id(const cJSON *arr)
{
    const cJSON *el;
    if (!cJSON_GetArraySize(arr))
        return false;
    cJSON_ArrayForEach(el, arr) if (!cJSON_IsObject(el) || !dp_prop_str(el, "Id")) return false;
    return true;
}

cJSON *dp_dms_prune_to(const cJSON *live, const cJSON *desired)
{
    if (!live)
        return NULL;
    if (cJSON_IsObject(live) && cJSON_IsObject(desired)) {
        cJSON *out = cJSON_CreateObject();
        const cJSON *d;
        cJSON_ArrayForEach(d, desired)
        {
            const cJSON *l = cJSON_GetObjectItemCaseSensitive(live, d->string);
            if (l)
                cJSON_AddItemToObject(out, d->string, dp_dms_prune_to(l, d));
        }
        return out;
    }
    if (cJSON_IsArray(live) && cJSON_IsArray(desired) && keyed_by_id(desired) && keyed_by_id(live)) {
        cJSON *out = cJSON_CreateArray();
        const cJSON *d, *l;
        cJSON_ArrayForEach(d, desired)
        {
            cJSON_ArrayForEach(l, live) if (!strcmp(dp_prop_str(l, "Id"), dp_prop_str(d, "Id")))
            {
                cJSON_AddItemToArray(out, dp_dms_prune_to(l, d));
                break;
            }
        }
        return out;
    }
    return cJSON_Duplicate(live, 1);
}

void dp_dms_drop_readonly_task_settings(cJSON *settings)
{
    cJSON *logging = cJSON_GetObjectItemCaseSensitive(settings, "Logging");
    if (cJSON_IsObject(logging)) {
        cJSON_DeleteItemFromObjectCaseSensitive(logging, "CloudWatchLogGroup");
        cJSON_DeleteItemFromObjectCaseSensitive(logging, "CloudWatchLogStream");
    }
}

char *dp_dms_task_settings_normalise(const char *live_text, const char *desired_text)
{
    cJSON *live = live_text ? cJSON_Parse(live_text) : NULL;
    if (!live)
        return NULL;
    dp_dms_drop_readonly_task_settings(live);
    cJSON *desired = desired_text ? cJSON_Parse(desired_text) : NULL;
    cJSON *kept = desired ? dp_dms_prune_to(live, desired) : NULL;
    char *text = cJSON_PrintUnformatted(kept ? kept : live);
    char *out = text ? dp_json_canonical_text(text) : NULL;
    free(text);
    cJSON_Delete(kept);
    cJSON_Delete(desired);
    cJSON_Delete(live);
    return out;
}

bool dp_dms_json_text_equal(const char *a, const char *b)
{
    if (!a || !b)
        return a == b;
    char *ca = dp_json_canonical_text(a), *cb = dp_json_canonical_text(b);
    bool same = ca && cb ? !strcmp(ca, cb) : !strcmp(a, b);
    free(ca);
    free(cb);
    return same;
}

void dp_dms_drop_unset(cJSON *props, const cJSON *desired, const char *const *keys)
{
    if (!desired)
        return;
    for (; *keys; keys++)
        if (!dp_prop(desired, *keys))
            cJSON_DeleteItemFromObjectCaseSensitive(props, *keys);
}

void dp_dms_keep_case(cJSON *props, const cJSON *desired, const char *key)
{
    const char *want = dp_prop_str(desired, key), *have = dp_prop_str(props, key);
    if (want && have && strcmp(want, have) && !strcasecmp(want, have))
        cJSON_ReplaceItemInObjectCaseSensitive(props, key, cJSON_CreateString(want));
}

static bool contains_str(const cJSON *arr, const char *s)
{
    const cJSON *el;
    cJSON_ArrayForEach(el, arr) if (cJSON_IsString(el) && !strcmp(el->valuestring, s)) return true;
    return false;
}

bool dp_dms_same_strings(const cJSON *a, const cJSON *b)
{
    const cJSON *el;
    if (cJSON_GetArraySize(a) != cJSON_GetArraySize(b))
        return false;
    cJSON_ArrayForEach(el, a) if (!cJSON_IsString(el) || !contains_str(b, el->valuestring)) return false;
    cJSON_ArrayForEach(el, b) if (!cJSON_IsString(el) || !contains_str(a, el->valuestring)) return false;
    return true;
}
