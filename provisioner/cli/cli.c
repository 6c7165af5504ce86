/* cli.c - the global options, the command table, the general help and `dmsprov help`. */
#include "provisioner/cli/cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drivers/base/buf.h"
#include "drivers/base/log.h"
#include "drivers/core/http.h"
#include "provisioner/cli/commands.h"
#include "provisioner/cli/options.h"

static const dp_command commands[] = {
    {"validate", "check a template without calling AWS (syntax, parameters, schemas, references)", dp_cmd_validate},
    {"graph", "print the template's resource dependency graph (Graphviz DOT, svg/png via dot)", dp_cmd_graph},
    {"plan", "show what apply would change, against the live resources", dp_cmd_plan},
    {"apply", "create, update, replace and delete resources to match the template", dp_cmd_apply},
    {"destroy", "delete everything the stack owns (found by tags, no state needed)", dp_cmd_destroy},
    {"output", "print the stack's outputs from the last apply", dp_cmd_output},
    {"rotate", "rotate the database master password (Secrets Manager protocol, crash-safe)", dp_cmd_rotate},
    {"task", "start, stop, watch and recover a DMS replication task", dp_cmd_task},
    {"whoami", "show the AWS identity, region and endpoint dmsprov would use", dp_cmd_whoami},
    {"version", "print the version, git commit and build type", dp_cmd_version},
    {"help", "show a command's help: 'dmsprov help COMMAND' (same as 'dmsprov COMMAND --help')", NULL},
};
enum { NCOMMANDS = sizeof commands / sizeof commands[0] };

static const dp_command *find_command(const char *name)
{
    for (size_t k = 0; k < NCOMMANDS; k++)
        if (!strcmp(name, commands[k].name))
            return &commands[k];
    return NULL;
}

static int unknown_command(const char *name)
{
    const char *names[NCOMMANDS];
    for (size_t k = 0; k < NCOMMANDS; k++)
        names[k] = commands[k].name;
    const char *hint = dp_opt_suggest(name, names, NCOMMANDS);
    if (hint)
        return dp_cli_usage_fail(NULL, "unknown command \"%s\" (did you mean \"%s\"?)", name, hint);
    return dp_cli_usage_fail(NULL, "unknown command \"%s\"", name);
}

/* The general help's description: what dmsprov is and the command list. */
static void describe(dp_buf *d)
{
    dp_buf_puts(d, "Provision and operate AWS DMS lab stacks from a CloudFormation-compatible template.\n\n"
                   "Commands:\n");
    for (size_t i = 0; i < NCOMMANDS; i++)
        dp_buf_printf(d, "  %-10s %s\n", commands[i].name, commands[i].summary);
}

/* --version is the command `version`: what follows it is that command's (--version --json). */
static int version_cb(dp_opt_ctx *ctx, const dp_option *opt, const char *value)
{
    (void)value;
    *(int *)opt->value = ctx->i;
    ctx->i = ctx->argc;
    return 0;
}

int dp_cli_main(int argc, char **argv)
{
    dp_globals g = {0};
    int version_at = 0; /* where --version was: argv after it belongs to `version` */
    /* --version first: the global options after the command name are this table minus it */
    const dp_option opts[] = {
        DP_OPT_CALLBACK(0, "version", &version_at, NULL, DP_OPT_NOARG, version_cb,
                        "print the version (same as 'dmsprov version')"),
        DP_OPT_STRING(0, "region", &g.region, "REGION", "AWS region (else AWS_REGION, AWS_DEFAULT_REGION, profile region)"),
        DP_OPT_STRING(0, "profile", &g.profile, "NAME", "shared-config profile (else AWS_PROFILE, then default)"),
        DP_OPT_STRING(0, "endpoint-url", &g.endpoint_url, "URL",
                      "send every call to this endpoint (else AWS_ENDPOINT_URL[_<SERVICE>])"),
        DP_OPT_STRING(0, "state", &g.state, "LOCATION", "state directory or s3://bucket/prefix (default .dmsprov/)"),
        DP_OPT_STRING(0, "ca-bundle", &g.ca_bundle, "FILE", "trust these CA certificates (else AWS_CA_BUNDLE)"),
        DP_OPT_FLAG(0, "no-verify-ssl", &g.insecure, "do not verify TLS certificates (insecure; prints a warning)"),
        DP_OPT_FLAG(0, "debug", &g.debug, "log every request and response (secrets redacted)"),
        DP_OPT_FLAG(0, "no-color", &g.no_color, "plain output (also NO_COLOR=1 or a non-terminal)"),
        DP_OPT_END(),
    };
    dp_buf desc;
    dp_buf_init(&desc, 0);
    describe(&desc);
    const dp_opt_cmd global = {
        .name = "",
        .description = dp_buf_str(&desc),
        .options = opts,
        .usage = "dmsprov [global options] <command> [options]",
        .options_title = "Global options (before or after the command)",
        .footer = "'dmsprov help COMMAND' or 'dmsprov COMMAND --help' shows a command's options and examples.\n\n"
                  "Exit status: 0 success or no changes, 1 error, 2 changes present (plan --detailed-exitcode),\n"
                  "3 timeout, 64 usage error.\n",
        .examples = "dmsprov validate -t examples/lab-20.1/template.yaml\n"
                    "dmsprov --region eu-west-1 plan -t lab.yaml --stack lab1\n"
                    "dmsprov apply -t lab.yaml --stack lab1 --auto-approve --state s3://my-bucket/dmsprov",
    };
    const dp_opt_cmd after = {.name = "", .options = opts + 1};
    char **rest = calloc((size_t)argc + 2, sizeof *rest), **cmd_argv = calloc((size_t)argc + 3, sizeof *cmd_argv);
    int nrest = 0, ncmd = 0, rc;
    if (!rest || !cmd_argv) {
        free(rest);
        free(cmd_argv);
        dp_buf_cleanup(&desc);
        return dp_cli_fail("out of memory");
    }
    dp_opt_suggest_also(opts + 1);
    /* Before the command name: only global options (a typo is an unknown option, not a command). */
    rc = dp_opt_parse_ex(&global, argc, argv, DP_OPT_STOP_AT_ARG, rest, &nrest);
    if (rc) {
        rc = rc == DP_OPT_HELP ? DP_EXIT_OK : rc;
        goto done;
    }
    if (version_at) {
        rest[0] = (char *)"version";
        nrest = 1;
        for (int k = version_at + 1; k < argc; k++)
            rest[nrest++] = argv[k];
    }
    if (!nrest) {
        dp_opt_print_help(&global, stdout);
        rc = DP_EXIT_USAGE;
        goto done;
    }
    if (!strcmp(rest[0], "help")) { /* help COMMAND [VERB] is COMMAND [VERB] --help */
        if (nrest == 1 || rest[1][0] == '-' || !strcmp(rest[1], "help")) {
            dp_opt_print_help(&global, stdout);
            rc = DP_EXIT_OK;
            goto done;
        }
        memmove(rest, rest + 1, (size_t)(nrest - 1) * sizeof *rest);
        rest[nrest - 1] = (char *)"--help";
    }
    const dp_command *cmd = find_command(rest[0]);
    if (!cmd || !cmd->run) {
        rc = unknown_command(rest[0]);
        goto done;
    }
    /* After the command name: the global options are taken out, the rest is the command's. */
    cmd_argv[0] = rest[0];
    rc = dp_opt_parse_ex(&after, nrest, rest, DP_OPT_KEEP_UNKNOWN, cmd_argv + 1, &ncmd);
    if (rc)
        goto done;
    if (g.no_color || getenv("NO_COLOR"))
        g.no_color = true;
    dp_log_set_debug(g.debug);
    if (g.insecure)
        dp_warn("TLS certificate verification is off (--no-verify-ssl): anyone on the network path can read and "
                "change these calls");
    if (dp_http_global_init()) {
        rc = dp_cli_fail("could not initialise libcurl");
        goto done;
    }
    rc = cmd->run(&g, ncmd + 1, cmd_argv);
    dp_http_global_cleanup();
done:
    dp_opt_suggest_also(NULL);
    dp_buf_cleanup(&desc);
    free(rest);
    free(cmd_argv);
    return rc;
}
