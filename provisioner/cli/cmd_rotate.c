/* cmd_rotate.c - `dmsprov rotate`: its options table, then rotate.h does the work. */
#include <stdio.h>

#include "provisioner/cli/commands.h"
#include "provisioner/cli/options.h"
#include "provisioner/rotate/rotate.h"

int dp_cmd_rotate(const dp_globals *g, int argc, char **argv)
{
    static const char *const methods[] = {"api", "sql", NULL}; /* in dp_rot_method's order */
    dp_rot_options o = {0};
    bool print_cron = false;
    int method = DP_ROT_API;
    long long wait_ms = 0;
    const dp_option opts[] = {
        DP_OPT_STRING_REQ(0, "stack", &o.stack, "NAME", "the stack (its state gives the physical ids)"),
        DP_OPT_STRING('t', "template", &o.template_path, "FILE", "the stack's template (else the state's \"template\")"),
        DP_OPT_STRING(0, "secret", &o.secret, "LOGICAL_ID", "the secret's logical id when the template rotates several"),
        DP_OPT_FLAG(0, "if-due", &o.if_due, "rotate only when the schedule says so; otherwise exit 0 quietly"),
        DP_OPT_FLAG(0, "dry-run", &o.dry_run, "show what would be rotated and updated; change nothing"),
        DP_OPT_CHOICE(0, "method", &method, methods,
                      "api (default): RDS ModifyDBCluster MasterUserPassword;\n"
                      "sql: ALTER ROLE through a PostgreSQL login (host/port/dbname from the secret)"),
        DP_OPT_DURATION(0, "wait", &wait_ms, 1000, 86400000LL,
                        "api: how long to wait for the cluster (90s, 10m, 1h30m; a bare\n"
                        "number is seconds; 1s to 24h; default 30m)"),
        DP_OPT_FLAG(0, "print-cron", &print_cron, "print a crontab line and a systemd timer + service running --if-due"),
        DP_OPT_END(),
    };
    const dp_opt_cmd cmd = {
        .name = "rotate",
        .options = opts,
        .usage = "dmsprov rotate --stack NAME [--template FILE] [--secret LOGICAL_ID] [--if-due] [--dry-run]\n"
                 "                      [--method api|sql] [--wait DURATION]\n"
                 "       dmsprov rotate --stack NAME --print-cron [same options]",
        .description = "Rotates the database master password kept in the secret that the template's\n"
                       "AWS::SecretsManager::RotationSchedule (HostedRotationLambda PostgreSQLSingleUser) names,\n"
                       "following Secrets Manager's rotation steps: create (new AWSPENDING version), set (the\n"
                       "database), test (log in), finish (AWSCURRENT moves; SSM copies and DMS endpoints updated).\n"
                       "An interrupted rotation is completed by the next run.\n",
        .examples = "dmsprov rotate --stack lab1 --dry-run\n"
                    "dmsprov rotate --stack lab1 --template lab.yaml --wait 10m\n"
                    "dmsprov rotate --stack lab1 --method sql --if-due\n"
                    "dmsprov rotate --stack lab1 --print-cron",
    };
    int rc = dp_opt_parse(&cmd, argc, argv);
    if (rc)
        return rc == DP_OPT_HELP ? DP_EXIT_OK : rc;
    o.method = (dp_rot_method)method;
    o.wait_seconds = (long)((wait_ms + 999) / 1000); /* rounded up: never shorter than asked */
    if (print_cron)
        return dp_rotate_print_cron(g, &o);
    return dp_rotate_run(g, &o);
}
