/* cmd_task.c - `dmsprov task <verb> TASK [options]`: the command line and its help. */
#include <stdio.h>
#include <string.h>

#include "provisioner/cli/commands.h"
#include "provisioner/task/task_args.h"

static const char usage[] =
    "Usage: dmsprov task <verb> TASK [--stack NAME] [--json] [options]\n"
    "\n"
    "Operates a DMS replication task. TASK is a logical id of the stack's template (with --stack),\n"
    "a replication task identifier, or a task ARN.\n"
    "\n"
    "Verbs:\n"
    "  start    [--type start-replication|resume-processing|reload-target]\n"
    "           [--cdc-start-time TIME | --cdc-start-position POS] [--cdc-stop-position POS] [--wait]\n"
    "           default type: start-replication for a task that never ran, resume-processing otherwise\n"
    "  stop     [--wait]\n"
    "  status   status, failure, full load, tables, CDC latency (CloudWatch) and per-table statistics\n"
    "  wait     --until running|stopped|full-load-complete|ready\n"
    "  recover  shows the failure and the tables in error; then one of\n"
    "           --resume            resume processing (after the offending input was removed)\n"
    "           --reload TABLE...   reload only these tables (schema.table)\n"
    "           --replace           new task whose CDC starts at the old task's recovery checkpoint;\n"
    "                               the old one is deleted once the new one runs, the state follows\n"
    "\n"
    "Options:\n"
    "  --stack NAME        TASK is a logical id of this stack (state, else ownership tags)\n"
    "  --json              machine-readable output (progress goes to stderr)\n"
    "  --timeout DURATION  give up waiting after this long (90s, 10m, 1h30m; exit 3);\n"
    "                      default: none for wait, 30m for start/stop --wait and recover\n"
    "  --interval DURATION time between polls (default 5s)\n"
    "\n"
    "Exit status: 0 target reached, 1 failure (with the message), 3 timeout, 64 usage error.\n";

enum { V_START = 1, V_STOP = 2, V_STATUS = 4, V_WAIT = 8, V_RECOVER = 16, V_ALL = 31 };

static const struct {
    const char *name;
    bool value;
    int verbs;
} options[] = {
    {"--stack", true, V_ALL},
    {"--json", false, V_ALL},
    {"--wait", false, V_START | V_STOP},
    {"--timeout", true, V_START | V_STOP | V_WAIT | V_RECOVER},
    {"--interval", true, V_START | V_STOP | V_WAIT | V_RECOVER},
    {"--type", true, V_START},
    {"--cdc-start-time", true, V_START},
    {"--cdc-start-position", true, V_START},
    {"--cdc-stop-position", true, V_START},
    {"--until", true, V_WAIT},
    {"--resume", false, V_RECOVER},
    {"--reload", false, V_RECOVER},
    {"--replace", false, V_RECOVER},
};

static const char *const verbs[] = {"start", "stop", "status", "wait", "recover"};

static int set_route(dp_task_args *a, dp_task_route r)
{
    if (a->route != DP_ROUTE_SHOW && a->route != r)
        return dp_cli_usage_fail("task recover", "--resume, --reload and --replace are mutually exclusive");
    a->route = r;
    return 0;
}

static int duration(const char *opt, const char *v, long long *ms)
{
    if (dp_task_parse_duration(v, ms))
        return dp_cli_usage_fail("task", "%s \"%s\" is not a duration (e.g. 90s, 10m, 1h30m)", opt, v);
    return 0;
}

/* Applies one option (value NULL for flags); argv/i for --reload's table list. */
static int apply(dp_task_args *a, const char *name, const char *v, int argc, char **argv, int *i)
{
    if (!strcmp(name, "--stack"))
        a->stack = v;
    else if (!strcmp(name, "--json"))
        a->json = true;
    else if (!strcmp(name, "--wait"))
        a->wait = true;
    else if (!strcmp(name, "--timeout"))
        return duration(name, v, &a->timeout_ms);
    else if (!strcmp(name, "--interval"))
        return duration(name, v, &a->interval_ms);
    else if (!strcmp(name, "--type"))
        a->type = v;
    else if (!strcmp(name, "--cdc-start-time"))
        a->cdc_start_time = v;
    else if (!strcmp(name, "--cdc-start-position"))
        a->cdc_start_position = v;
    else if (!strcmp(name, "--cdc-stop-position"))
        a->cdc_stop_position = v;
    else if (!strcmp(name, "--until")) {
        if (dp_task_parse_target(v, &a->until))
            return dp_cli_usage_fail("task wait", "--until must be running, stopped, full-load-complete or ready, not \"%s\"", v);
        a->have_until = true;
    } else if (!strcmp(name, "--resume") || !strcmp(name, "--replace")) {
        return set_route(a, !strcmp(name, "--resume") ? DP_ROUTE_RESUME : DP_ROUTE_REPLACE);
    } else if (!strcmp(name, "--reload")) {
        if (set_route(a, DP_ROUTE_RELOAD))
            return DP_EXIT_USAGE;
        a->tables = argv + *i + 1; /* the tables: every following argument up to the next option */
        while (*i + 1 < argc && strncmp(argv[*i + 1], "--", 2)) {
            (*i)++;
            a->ntables++;
        }
        if (!a->ntables)
            return dp_cli_usage_fail("task recover", "--reload needs at least one TABLE (schema.table)");
    }
    return 0;
}

int dp_task_parse_args(int argc, char **argv, dp_task_args *a)
{
    memset(a, 0, sizeof *a);
    a->timeout_ms = -1;
    if (argc < 2 || dp_cli_is_help(argv[1])) {
        fputs(usage, argc < 2 ? stderr : stdout);
        return argc < 2 ? DP_EXIT_USAGE : 1;
    }
    int verb = -1;
    for (int k = 0; k < 5; k++)
        if (!strcmp(argv[1], verbs[k]))
            verb = k;
    if (verb < 0)
        return dp_cli_usage_fail("task", "unknown task verb \"%s\" (start, stop, status, wait or recover)", argv[1]);
    a->verb = (dp_task_verb)verb;
    a->verb_name = verbs[verb];
    for (int i = 2; i < argc; i++) {
        const char *arg = argv[i];
        if (dp_cli_is_help(arg)) {
            fputs(usage, stdout);
            return 1;
        }
        if (strncmp(arg, "--", 2)) {
            if (a->task)
                return dp_cli_usage_fail("task", "unexpected argument \"%s\" (one TASK only)", arg);
            a->task = arg;
            continue;
        }
        size_t k, n = sizeof options / sizeof options[0];
        const char *eq = strchr(arg, '=');
        size_t len = eq ? (size_t)(eq - arg) : strlen(arg);
        for (k = 0; k < n; k++)
            if (strlen(options[k].name) == len && !strncmp(arg, options[k].name, len))
                break;
        if (k == n)
            return dp_cli_usage_fail("task", "unknown option \"%s\"", arg);
        if (!(options[k].verbs & (1 << verb)))
            return dp_cli_usage_fail("task", "%s does not apply to task %s", options[k].name, verbs[verb]);
        const char *v = NULL;
        if (options[k].value) {
            if (eq)
                v = eq + 1;
            else if (i + 1 < argc)
                v = argv[++i];
            else
                return dp_cli_usage_fail("task", "%s needs a value", options[k].name);
        } else if (eq) {
            return dp_cli_usage_fail("task", "%s takes no value", options[k].name);
        }
        int rc = apply(a, options[k].name, v, argc, argv, &i);
        if (rc)
            return rc;
    }
    if (!a->task)
        return dp_cli_usage_fail("task", "task %s needs TASK (logical id with --stack, identifier or ARN)", verbs[verb]);
    if (a->verb == DP_VERB_WAIT && !a->have_until)
        return dp_cli_usage_fail("task wait", "--until running|stopped|full-load-complete|ready is required");
    char why[300];
    if (a->verb == DP_VERB_START &&
        dp_task_check_start_flags(a->type, a->cdc_start_time, a->cdc_start_position, why, sizeof why))
        return dp_cli_usage_fail("task start", "%s", why);
    return 0;
}

int dp_cmd_task(const dp_globals *g, int argc, char **argv)
{
    dp_task_args a;
    int rc = dp_task_parse_args(argc, argv, &a);
    if (rc == 1)
        return DP_EXIT_OK;
    if (rc)
        return rc;
    return dp_task_run(g, &a);
}
