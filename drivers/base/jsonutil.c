/* jsonutil.c - the small cJSON reads every module repeats (see jsonutil.h). */
#include "drivers/base/jsonutil.h"

const char *dp_json_str(const cJSON *o, const char *key)
{
    const cJSON *v = o ? cJSON_GetObjectItemCaseSensitive(o, key) : NULL;
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

const char *dp_json_nonempty_str(const cJSON *o, const char *key)
{
    const char *s = dp_json_str(o, key);
    return s && s[0] ? s : NULL;
}
