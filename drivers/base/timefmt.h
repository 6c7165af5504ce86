/* timefmt.h - UTC timestamps in the one text form dmsprov writes (state, locks, rotation
 * records, CloudWatch queries). */
#ifndef DP_TIMEFMT_H
#define DP_TIMEFMT_H
#include <stddef.h>
#include <time.h>

/* Parses "2024-05-01T12:00:00Z" (also with fractional seconds or "+00:00"); 0 ok. */
int dp_time_parse(const char *s, time_t *out);
/* Formats t as "2024-05-01T12:00:00Z" into out (>= 21 bytes). */
void dp_time_format(time_t t, char *out, size_t n);

#endif
