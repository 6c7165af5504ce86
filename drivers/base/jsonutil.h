/* jsonutil.h - the small cJSON reads every module repeats. */
#ifndef DP_JSONUTIL_H
#define DP_JSONUTIL_H
#include <cjson/cJSON.h>

/* o[key] when it is a string (borrowed from o), else NULL; o may be NULL. */
const char *dp_json_str(const cJSON *o, const char *key);
/* The same, but NULL for an empty string too (optional settings where "" means unset). */
const char *dp_json_nonempty_str(const cJSON *o, const char *key);

#endif
