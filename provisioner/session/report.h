/* report.h - how a command reports: one-line errors and usage errors on stderr, --json
 * documents on stdout. */
#ifndef DP_REPORT_H
#define DP_REPORT_H
#include <cjson/cJSON.h>
#include <stdbool.h>

/* Prints "dmsprov: error: <msg>" as one line on stderr; returns DP_EXIT_ERROR. */
int dp_cli_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints doc (ownership taken; NULL prints nothing) as one indented JSON document on stdout:
 * what every --json option writes. */
void dp_cli_print_json(cJSON *doc);
/* Same for usage errors; returns DP_EXIT_USAGE. */
int dp_cli_usage_fail(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
