/* cli.h - the command line: global options, the command table, exit codes.
 *
 * Exit codes (stable): 0 success / no changes, 1 error, 2 changes present (plan
 * --detailed-exitcode), 3 timeout (task wait), 64 usage error. */
#ifndef DP_CLI_H
#define DP_CLI_H
#include <cjson/cJSON.h>
#include <stdbool.h>

enum { DP_EXIT_OK = 0, DP_EXIT_ERROR = 1, DP_EXIT_CHANGES = 2, DP_EXIT_TIMEOUT = 3, DP_EXIT_USAGE = 64 };

/* Global options, valid before or after the command name. All strings borrowed from argv. */
typedef struct dp_globals {
    const char *region;
    const char *profile;
    const char *endpoint_url;
    const char *state;       /* state location: directory or s3://bucket/prefix */
    const char *ca_bundle;
    bool debug;
    bool no_color;
    bool insecure;           /* --no-verify-ssl: TLS verification off (warns) */
} dp_globals;

/* One command: name, one-line summary, usage text and the function that runs it with the
 * command's own arguments (argv[0] is the command name, global options already removed). */
typedef struct dp_command {
    const char *name;
    const char *summary;
    int (*run)(const dp_globals *g, int argc, char **argv);
} dp_command;

int dp_cli_main(int argc, char **argv);
/* Prints "dmsprov: error: <msg>" as one line on stderr; returns DP_EXIT_ERROR. */
int dp_cli_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints doc (ownership taken; NULL prints nothing) as one indented JSON document on stdout:
 * what every --json option writes. */
void dp_cli_print_json(cJSON *doc);
/* Same for usage errors; returns DP_EXIT_USAGE. */
int dp_cli_usage_fail(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* True when argv[i] is -h/--help. */
bool dp_cli_is_help(const char *arg);

#endif
