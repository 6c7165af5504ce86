/* semantics.h - how AWS treats property values, for comparing desired with live values:
 * identifiers that the service lower-cases (a template's "MyLab" reads back as "mylab"). */
#ifndef DP_SEMANTICS_H
#define DP_SEMANTICS_H
#include <stdbool.h>

/* True when the service stores this property of this type lower-cased, so values that differ
 * only in case are the same value. */
bool dp_prop_case_insensitive(const char *type, const char *prop);

#endif
