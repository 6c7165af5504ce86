/* tags_diff.c - tag differences between the wanted set and a resource's live tags. */
#include "drivers/resources/tags_diff.h"

#include <string.h>

#include "drivers/resources/common.h"

static const char *value_of(const cJSON *tags, const char *kf, const char *vf, const char *key, int *found)
{
    const cJSON *t;
    cJSON_ArrayForEach(t, tags)
    {
        const char *k = dp_prop_str(t, kf);
        if (k && !strcmp(k, key)) {
            *found = 1;
            const char *v = dp_prop_str(t, vf);
            return v ? v : "";
        }
    }
    *found = 0;
    return NULL;
}

void dp_tags_diff(const cJSON *want, const cJSON *live, const char *kf, const char *vf, cJSON **to_set,
                  cJSON **to_remove)
{
    *to_set = cJSON_CreateArray();
    *to_remove = cJSON_CreateArray();
    const cJSON *t;
    cJSON_ArrayForEach(t, want)
    {
        const char *k = dp_prop_str(t, "Key"), *v = dp_prop_str(t, "Value");
        int found;
        const char *lv = k ? value_of(live, kf, vf, k, &found) : NULL;
        if (k && (!found || strcmp(lv, v ? v : ""))) {
            cJSON *n = cJSON_CreateObject();
            cJSON_AddStringToObject(n, "Key", k);
            cJSON_AddStringToObject(n, "Value", v ? v : "");
            cJSON_AddItemToArray(*to_set, n);
        }
    }
    cJSON_ArrayForEach(t, live)
    {
        const char *k = dp_prop_str(t, kf);
        int found;
        if (k && strncmp(k, "dmsprov:", 8) && (value_of(want, "Key", "Value", k, &found), !found))
            cJSON_AddItemToArray(*to_remove, cJSON_CreateString(k));
    }
}

cJSON *dp_tags_from_map(const cJSON *map)
{
    if (!cJSON_IsObject(map))
        return NULL;
    cJSON *out = cJSON_CreateArray();
    const cJSON *t;
    cJSON_ArrayForEach(t, map)
    {
        cJSON *n = cJSON_CreateObject();
        cJSON_AddStringToObject(n, "Key", t->string);
        cJSON_AddStringToObject(n, "Value", cJSON_IsString(t) ? t->valuestring : "");
        cJSON_AddItemToArray(out, n);
    }
    return out;
}
