/* duration.h - time spans as the command line writes them: "90s", "10m", "1h30m", "500ms",
 * "1d", or a bare number of seconds (the form `rotate --wait` always took). One parser for
 * every option that takes a time span. */
#ifndef DP_DURATION_H
#define DP_DURATION_H
#include <stddef.h>

/* s -> milliseconds in *ms. Units d, h, m, s, ms, each at most once and largest first
 * ("1h30m", not "30m1h"); a bare number is seconds. 0 ok; -1 for anything else (empty, sign,
 * space, fraction, unknown or repeated unit, overflow), *ms untouched. */
int dp_duration_parse(const char *s, long long *ms);
/* "45s", "1m05s", "2h03m" (whole seconds, rounded down); "0s" below a second. */
void dp_duration_format(long long ms, char *out, size_t n);

#endif
