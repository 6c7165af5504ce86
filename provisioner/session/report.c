/* report.c - how every command reports to its user: one-line errors and usage errors on
 * stderr, --json documents on stdout. */
#include "provisioner/session/report.h"

#include <stdarg.h>
#include <stdio.h>

#include "provisioner/session/session.h"

int dp_cli_fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("dmsprov: error: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    return DP_EXIT_ERROR;
}

int dp_cli_usage_fail(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("dmsprov: usage error: ", stderr);
    vfprintf(stderr, fmt, ap);
    if (cmd && *cmd)
        fprintf(stderr, " (see 'dmsprov %s --help')\n", cmd);
    else
        fputs(" (see 'dmsprov --help')\n", stderr);
    va_end(ap);
    return DP_EXIT_USAGE;
}

void dp_cli_print_json(cJSON *doc)
{
    char *s = doc ? cJSON_Print(doc) : NULL;
    if (s)
        puts(s);
    cJSON_free(s);
    cJSON_Delete(doc);
}
