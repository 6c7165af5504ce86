/* cmd_task.c - `dmsprov task <verb> TASK [options]`: one options table per verb and their help. */
#include <stdio.h>
#include <string.h>

#include "provisioner/cli/commands.h"
#include "provisioner/cli/options.h"
#include "provisioner/task/task_args.h"

/* In dp_task_verb's order. */
static const char *const verbs[] = {"start", "stop", "status", "wait", "recover"};
static const char *const verb_cmds[] = {"task start", "task stop", "task status", "task wait", "task recover"};
enum { NVERBS = sizeof verbs / sizeof verbs[0] };
/* In dp_task_target's order (the user's targets only). */
static const char *const targets[] = {"running", "stopped", "full-load-complete", "ready", NULL};
static const char *const start_types[] = {"start-replication", "resume-processing", "reload-target", NULL};

#define LLONG_MAX_MS 9223372036854775807LL
#define EXIT_STATUS "Exit status: 0 target reached, 1 failure (with the message), 3 timeout, 64 usage error.\n"

static const char task_description[] =
    "Operates a DMS replication task. TASK is a logical id of the stack's template (with --stack),\n"
    "a replication task identifier, or a task ARN.\n"
    "\n"
    "Verbs ('dmsprov task VERB --help' shows a verb's options):\n"
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
    "                               the old one is deleted once the new one runs, the state follows\n";

static const char *const verb_descriptions[] = {
    "Starts the task (StartReplicationTask). Default type: start-replication for a task that never\n"
    "ran, resume-processing otherwise (as Terraform does). --cdc-start-time and --cdc-start-position\n"
    "are refused together before any call.\n",
    "Stops the task (StopReplicationTask). A stopped or stopping task: nothing to do (exit 0).\n",
    "Shows status, failure, full load, tables, CDC latency (CloudWatch) and per-table statistics.\n",
    "Polls until the task reaches the --until state; fails (exit 1) when it is in a state from which\n"
    "the target cannot come, e.g. waiting for running on a stopped task.\n",
    "Shows the failure, the checkpoint and the tables in error; then, with one of --resume,\n"
    "--reload or --replace, recovers the task that way.\n",
};

static const char *const verb_examples[] = {
    "dmsprov task start CdcTask --stack lab1 --wait --timeout 10m\n"
    "dmsprov task start lab1-cdc --type reload-target\n"
    "dmsprov task start CdcTask --stack lab1 --cdc-start-time 2024-03-08T12:12:12",
    "dmsprov task stop CdcTask --stack lab1 --wait\n"
    "dmsprov task stop arn:aws:dms:eu-west-1:123456789012:task:ABCDEF",
    "dmsprov task status CdcTask --stack lab1\n"
    "dmsprov task status lab1-cdc --json | jq .Status",
    "dmsprov task wait CdcTask --stack lab1 --until full-load-complete --timeout 1h30m\n"
    "dmsprov task wait lab1-cdc --until running --interval 10s --json",
    "dmsprov task recover CdcTask --stack lab1\n"
    "dmsprov task recover CdcTask --stack lab1 --reload public.orders public.items\n"
    "dmsprov task recover CdcTask --stack lab1 --replace --timeout 45m",
};

static int route_cb(dp_opt_ctx *ctx, const dp_option *opt, const char *value)
{
    (void)value;
    dp_task_args *a = opt->value;
    dp_task_route r = !strcmp(opt->long_name, "resume") ? DP_ROUTE_RESUME
                      : !strcmp(opt->long_name, "replace") ? DP_ROUTE_REPLACE
                                                           : DP_ROUTE_RELOAD;
    if (a->route != DP_ROUTE_SHOW && a->route != r)
        return dp_opt_error(ctx, "--resume, --reload and --replace are mutually exclusive");
    a->route = r;
    if (r != DP_ROUTE_RELOAD)
        return 0;
    a->tables = ctx->argv + ctx->i + 1; /* the tables: every following argument up to the next option */
    a->ntables = 0;
    while (ctx->i + 1 < ctx->argc && strncmp(ctx->argv[ctx->i + 1], "--", 2)) {
        ctx->i++;
        a->ntables++;
    }
    if (!a->ntables)
        return dp_opt_error(ctx, "--reload needs at least one TABLE (schema.table)");
    return 0;
}

int dp_task_parse_args(int argc, char **argv, dp_task_args *a)
{
    memset(a, 0, sizeof *a);
    a->timeout_ms = -1;
    int until = -1, type = -1;
    bool unused_json = false;
    const char *unused_stack = NULL;
    long long unused_ms = 0;
#define OPT_TASK DP_OPT_ARG_REQ("TASK", &a->task, "logical id (with --stack), replication task identifier or ARN")
#define OPT_STACK DP_OPT_STRING(0, "stack", &a->stack, "NAME", "TASK is a logical id of this stack (state, else ownership tags)")
#define OPT_JSON DP_OPT_FLAG(0, "json", &a->json, "machine-readable output (progress goes to stderr)")
#define OPT_TIMEOUT(dflt)                                                                   \
    DP_OPT_DURATION(0, "timeout", &a->timeout_ms, 0, LLONG_MAX_MS,                          \
                    "give up waiting after this long (90s, 10m, 1h30m; exit 3);\n" dflt)
#define OPT_INTERVAL DP_OPT_DURATION(0, "interval", &a->interval_ms, 0, LLONG_MAX_MS, "time between polls (default 5s)")
    const dp_option start_opts[] = {
        OPT_TASK,
        OPT_STACK,
        OPT_JSON,
        DP_OPT_CHOICE(0, "type", &type, start_types,
                      "StartReplicationTaskType (default: start-replication for a task that\n"
                      "never ran, resume-processing otherwise)"),
        DP_OPT_STRING(0, "cdc-start-time", &a->cdc_start_time, "TIME",
                      "CDC from this time: 2024-03-08T12:12:12 (UTC) or epoch seconds"),
        DP_OPT_STRING(0, "cdc-start-position", &a->cdc_start_position, "POS",
                      "CDC from this position or checkpoint (not with --cdc-start-time)"),
        DP_OPT_STRING(0, "cdc-stop-position", &a->cdc_stop_position, "POS", "CDC stops at this position or server time"),
        DP_OPT_FLAG(0, "wait", &a->wait, "wait until the task runs"),
        OPT_TIMEOUT("default 30m with --wait"),
        OPT_INTERVAL,
        DP_OPT_END(),
    };
    const dp_option stop_opts[] = {
        OPT_TASK, OPT_STACK, OPT_JSON,
        DP_OPT_FLAG(0, "wait", &a->wait, "wait until the task is stopped"),
        OPT_TIMEOUT("default 30m with --wait"),
        OPT_INTERVAL,
        DP_OPT_END(),
    };
    const dp_option status_opts[] = {OPT_TASK, OPT_STACK, OPT_JSON, DP_OPT_END()};
    const dp_option wait_opts[] = {
        OPT_TASK, OPT_STACK, OPT_JSON,
        DP_OPT_CHOICE_REQ(0, "until", &until, targets, "the state to wait for"),
        OPT_TIMEOUT("default: none"),
        OPT_INTERVAL,
        DP_OPT_END(),
    };
    const dp_option recover_opts[] = {
        OPT_TASK, OPT_STACK, OPT_JSON,
        DP_OPT_CALLBACK(0, "resume", a, NULL, DP_OPT_NOARG, route_cb,
                        "resume processing (after the offending input was removed)"),
        DP_OPT_CALLBACK(0, "reload", a, "TABLE...", DP_OPT_NOARG, route_cb,
                        "reload only these tables (schema.table); a failed task is resumed first"),
        DP_OPT_CALLBACK(0, "replace", a, NULL, DP_OPT_NOARG, route_cb,
                        "new task whose CDC starts at the old task's recovery checkpoint;\n"
                        "the old one is deleted once the new one runs, the state follows"),
        OPT_TIMEOUT("default 30m"),
        OPT_INTERVAL,
        DP_OPT_END(),
    };
    /* `task --help`: the options every verb has, for the overview */
    const dp_option common_opts[] = {
        DP_OPT_STRING(0, "stack", &unused_stack, "NAME", "TASK is a logical id of this stack (state, else ownership tags)"),
        DP_OPT_FLAG(0, "json", &unused_json, "machine-readable output (progress goes to stderr)"),
        DP_OPT_DURATION(0, "timeout", &unused_ms, 0, LLONG_MAX_MS,
                        "give up waiting after this long (90s, 10m, 1h30m; exit 3);\n"
                        "default: none for wait, 30m for start/stop --wait and recover"),
        DP_OPT_DURATION(0, "interval", &unused_ms, 0, LLONG_MAX_MS, "time between polls (default 5s)"),
        DP_OPT_END(),
    };
#undef OPT_TASK
#undef OPT_STACK
#undef OPT_JSON
#undef OPT_TIMEOUT
#undef OPT_INTERVAL
    const dp_option *const tables[] = {start_opts, stop_opts, status_opts, wait_opts, recover_opts, NULL};
    const dp_opt_cmd overview = {
        .name = "task",
        .options = common_opts,
        .usage = "dmsprov task <verb> TASK [--stack NAME] [--json] [options]",
        .description = task_description,
        .options_title = "Options (every verb; --timeout and --interval: start, stop, wait, recover)",
        .footer = EXIT_STATUS,
        .examples = "dmsprov task start CdcTask --stack lab1 --wait --timeout 10m\n"
                    "dmsprov task wait CdcTask --stack lab1 --until full-load-complete\n"
                    "dmsprov task recover CdcTask --stack lab1 --resume",
    };
    if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
        dp_opt_print_help(&overview, argc < 2 ? stderr : stdout);
        return argc < 2 ? DP_EXIT_USAGE : 1;
    }
    int verb = -1;
    for (int k = 0; k < NVERBS; k++)
        if (!strcmp(argv[1], verbs[k]))
            verb = k;
    if (verb < 0) {
        const char *hint = dp_opt_suggest(argv[1], verbs, NVERBS);
        if (hint)
            return dp_cli_usage_fail("task", "unknown task verb \"%s\" (did you mean \"%s\"?)", argv[1], hint);
        return dp_cli_usage_fail("task", "unknown task verb \"%s\" (start, stop, status, wait or recover)", argv[1]);
    }
    a->verb = (dp_task_verb)verb;
    a->verb_name = verbs[verb];
    const dp_opt_cmd cmd = {
        .name = verb_cmds[verb],
        .options = tables[verb],
        .description = verb_descriptions[verb],
        .footer = EXIT_STATUS,
        .examples = verb_examples[verb],
        .related = tables,
    };
    int rc = dp_opt_parse(&cmd, argc - 1, argv + 1); /* the verb is the command's argv[0] */
    if (rc)
        return rc;
    if (until >= 0) {
        a->until = (dp_task_target)until;
        a->have_until = true;
    }
    if (type >= 0)
        a->type = start_types[type];
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
