/* tags_diff.c - tag differences between the wanted set and a resource's live tags, and tag
 * lists read from maps and XML answers. */
#include "drivers/resources/tags_diff.h"

#include <stdlib.h>
#include <string.h>

#include "drivers/core/proto/query.h"
#include "drivers/resources/common.h"

void dp_tags_diff(const cJSON *want, const cJSON *live, const char *kf, const char *vf, cJSON **to_set,
                  cJSON **to_remove)
{
    *to_set = cJSON_CreateArray();
    *to_remove = cJSON_CreateArray();
    const cJSON *t;
    cJSON_ArrayForEach(t, want)
    {
        const char *k = dp_prop_str(t, "Key"), *v = dp_prop_str(t, "Value");
        const char *lv = k ? dp_tag_lookup(live, kf, vf, k) : NULL;
        if (k && (!lv || strcmp(lv, v ? v : "")))
            cJSON_AddItemToArray(*to_set, dp_tag_new(k, v));
    }
    cJSON_ArrayForEach(t, live)
    {
        const char *k = dp_prop_str(t, kf);
        if (k && strncmp(k, "dmsprov:", 8) && !dp_tag_lookup(want, "Key", "Value", k))
            cJSON_AddItemToArray(*to_remove, cJSON_CreateString(k));
    }
}

cJSON *dp_tags_from_map(const cJSON *map)
{
    if (!cJSON_IsObject(map))
        return NULL;
    cJSON *out = cJSON_CreateArray();
    const cJSON *t;
    cJSON_ArrayForEach(t, map) cJSON_AddItemToArray(out, dp_tag_new(t->string, cJSON_IsString(t) ? t->valuestring : ""));
    return out;
}

void dp_tags_append_xml(cJSON *tags, xmlNodePtr first)
{
    for (xmlNodePtr m = first; m; m = dp_xml_next_same(m)) {
        char *k = dp_xml_text(m, "Key"), *v = dp_xml_text(m, "Value");
        if (k)
            cJSON_AddItemToArray(tags, dp_tag_new(k, v));
        free(k);
        free(v);
    }
}
