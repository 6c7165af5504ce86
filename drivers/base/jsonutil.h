/* jsonutil.h - the small cJSON reads every module repeats, and the canonical JSON form. */
#ifndef DP_JSONUTIL_H
#define DP_JSONUTIL_H
#include <cjson/cJSON.h>

/* o[key] when it is a string (borrowed from o), else NULL; o may be NULL. */
const char *dp_json_str(const cJSON *o, const char *key);
/* The same, but NULL for an empty string too (optional settings where "" means unset). */
const char *dp_json_nonempty_str(const cJSON *o, const char *key);
/* A deep copy of v with every object's members sorted by name (equal names keep their
 * order); owned, NULL when v is NULL or out of memory. */
cJSON *dp_json_sorted(const cJSON *v);
/* Canonical JSON text of v: sorted (dp_json_sorted) and compact; owned, NULL on failure.
 * Documents that mean the same compare equal as text. */
char *dp_json_canonical(const cJSON *v);
/* The same for a JSON document given as text; NULL when it is not JSON. Drivers normalise
 * policy documents and DMS settings with it. */
char *dp_json_canonical_text(const char *text);

#endif
