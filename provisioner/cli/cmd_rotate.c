/* cmd_rotate.c - `dmsprov rotate`: options, then rotate.h does the work. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "provisioner/cli/commands.h"
#include "provisioner/rotate/rotate.h"

static const char usage[] =
    "Usage: dmsprov rotate --stack NAME [--template FILE] [--secret LOGICAL_ID] [--if-due] [--dry-run]\n"
    "                      [--method api|sql] [--wait SECONDS]\n"
    "       dmsprov rotate --stack NAME --print-cron [same options]\n\n"
    "Rotates the database master password kept in the secret that the template's\n"
    "AWS::SecretsManager::RotationSchedule (HostedRotationLambda PostgreSQLSingleUser) names,\n"
    "following Secrets Manager's rotation steps: create (new AWSPENDING version), set (the\n"
    "database), test (log in), finish (AWSCURRENT moves; SSM copies and DMS endpoints updated).\n"
    "An interrupted rotation is completed by the next run.\n\n"
    "  --stack NAME        the stack (its state gives the physical ids)\n"
    "  --template FILE     the stack's template (else the state's \"template\")\n"
    "  --secret ID         the secret's logical id when the template rotates several\n"
    "  --if-due            rotate only when the schedule says so; otherwise exit 0 quietly\n"
    "  --dry-run           show what would be rotated and updated; change nothing\n"
    "  --method api|sql    api (default): RDS ModifyDBCluster MasterUserPassword;\n"
    "                      sql: ALTER ROLE through a PostgreSQL login (host/port/dbname from the secret)\n"
    "  --wait SECONDS      api: how long to wait for the cluster (default 1800)\n"
    "  --print-cron        print a crontab line and a systemd timer + service running --if-due\n";

static int take(int argc, char **argv, int *i, const char **out)
{
    const char *a = argv[*i];
    const char *eq = strchr(a, '=');
    if (eq && !strncmp(a, "--", 2)) {
        *out = eq + 1;
        return 0;
    }
    if (*i + 1 >= argc)
        return -1;
    *out = argv[++*i];
    return 0;
}

static bool is_opt(const char *a, const char *name)
{
    size_t n = strlen(name);
    return !strncmp(a, name, n) && (a[n] == '\0' || a[n] == '=');
}

int dp_cmd_rotate(const dp_globals *g, int argc, char **argv)
{
    dp_rot_options o = {0};
    bool print_cron = false;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = NULL;
        if (dp_cli_is_help(a)) {
            fputs(usage, stdout);
            return DP_EXIT_OK;
        }
        if (!strcmp(a, "--if-due")) {
            o.if_due = true;
        } else if (!strcmp(a, "--dry-run")) {
            o.dry_run = true;
        } else if (!strcmp(a, "--print-cron")) {
            print_cron = true;
        } else if (is_opt(a, "--stack") || is_opt(a, "--template") || is_opt(a, "-t") || is_opt(a, "--secret") ||
                   is_opt(a, "--method") || is_opt(a, "--wait")) {
            if (take(argc, argv, &i, &v))
                return dp_cli_usage_fail("rotate", "option %s needs a value", a);
            if (is_opt(a, "--stack"))
                o.stack = v;
            else if (is_opt(a, "--template") || is_opt(a, "-t"))
                o.template_path = v;
            else if (is_opt(a, "--secret"))
                o.secret = v;
            else if (is_opt(a, "--method")) {
                if (!strcmp(v, "api"))
                    o.method = DP_ROT_API;
                else if (!strcmp(v, "sql"))
                    o.method = DP_ROT_SQL;
                else
                    return dp_cli_usage_fail("rotate", "--method must be api or sql, not \"%s\"", v);
            } else {
                char *end = NULL;
                errno = 0;
                long s = strtol(v, &end, 10);
                if (errno || *end || s < 1 || s > 86400)
                    return dp_cli_usage_fail("rotate", "--wait needs seconds (1-86400), not \"%s\"", v);
                o.wait_seconds = s;
            }
        } else {
            return dp_cli_usage_fail("rotate", "unknown option \"%s\"", a);
        }
    }
    if (!o.stack)
        return dp_cli_usage_fail("rotate", "--stack NAME is required");
    if (print_cron)
        return dp_rotate_print_cron(g, &o);
    return dp_rotate_run(g, &o);
}
