/* cli.c - global options, the command table, help, and one-line errors. */
#include "provisioner/cli/cli.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drivers/base/log.h"
#include "drivers/core/http.h"
#include "provisioner/cli/commands.h"

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
    {"version", "print the version", dp_cmd_version},
};

static void print_help(FILE *out)
{
    fputs("Usage: dmsprov [global options] <command> [options]\n\n"
          "Provision and operate AWS DMS lab stacks from a CloudFormation-compatible template.\n\n"
          "Commands:\n",
          out);
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fputs("\nGlobal options:\n"
          "  --region REGION        AWS region (else AWS_REGION, AWS_DEFAULT_REGION, profile region)\n"
          "  --profile NAME         shared-config profile (else AWS_PROFILE, then default)\n"
          "  --endpoint-url URL     send every call to this endpoint (else AWS_ENDPOINT_URL[_<SERVICE>])\n"
          "  --state LOCATION       state directory or s3://bucket/prefix (default .dmsprov/)\n"
          "  --ca-bundle FILE       trust these CA certificates (else AWS_CA_BUNDLE)\n"
          "  --no-verify-ssl        do not verify TLS certificates (insecure; prints a warning)\n"
          "  --debug                log every request and response (secrets redacted)\n"
          "  --no-color             plain output (also NO_COLOR=1 or a non-terminal)\n"
          "  -h, --help             help; 'dmsprov <command> --help' for a command\n\n"
          "Exit status: 0 success or no changes, 1 error, 2 changes present (plan --detailed-exitcode),\n"
          "3 timeout, 64 usage error.\n",
          out);
}

/* Global options take a value either as "--opt value" or "--opt=value". Returns 1 when argv[*i]
 * was a global option (consumed), 0 when not, -1 on a missing value. */
static int take_global(dp_globals *g, int argc, char **argv, int *i)
{
    static const struct {
        const char *name;
        size_t offset;
    } valued[] = {
        {"--region", offsetof(dp_globals, region)},       {"--profile", offsetof(dp_globals, profile)},
        {"--endpoint-url", offsetof(dp_globals, endpoint_url)}, {"--state", offsetof(dp_globals, state)},
        {"--ca-bundle", offsetof(dp_globals, ca_bundle)},
    };
    const char *a = argv[*i];
    for (size_t k = 0; k < sizeof valued / sizeof valued[0]; k++) {
        size_t n = strlen(valued[k].name);
        const char **slot = (const char **)((char *)g + valued[k].offset);
        if (!strncmp(a, valued[k].name, n) && a[n] == '=') {
            *slot = a + n + 1;
            return 1;
        }
        if (!strcmp(a, valued[k].name)) {
            if (*i + 1 >= argc)
                return -1;
            *slot = argv[++*i];
            return 1;
        }
    }
    if (!strcmp(a, "--debug"))
        g->debug = true;
    else if (!strcmp(a, "--no-color"))
        g->no_color = true;
    else if (!strcmp(a, "--no-verify-ssl"))
        g->insecure = true;
    else
        return 0;
    return 1;
}

int dp_cli_main(int argc, char **argv)
{
    dp_globals g = {0};
    char **rest = calloc((size_t)argc + 1, sizeof *rest);
    int nrest = 0, rc;
    if (!rest)
        return dp_cli_fail("out of memory");
    bool after_dashdash = false;
    for (int i = 1; i < argc; i++) {
        if (!after_dashdash) {
            if (!strcmp(argv[i], "--")) {
                after_dashdash = true;
                rest[nrest++] = argv[i];
                continue;
            }
            int t = take_global(&g, argc, argv, &i);
            if (t < 0) {
                free(rest);
                return dp_cli_usage_fail("", "option %s needs a value", argv[i]);
            }
            if (t > 0)
                continue;
        }
        rest[nrest++] = argv[i];
    }
    if (!nrest || (nrest >= 1 && dp_cli_is_help(rest[0])) || !strcmp(rest[0], "help")) {
        print_help(stdout);
        free(rest);
        return nrest ? DP_EXIT_OK : DP_EXIT_USAGE;
    }
    if (!strcmp(rest[0], "--version")) {
        rest[0] = (char *)"version";
    }
    if (g.no_color || getenv("NO_COLOR"))
        g.no_color = true;
    dp_log_set_debug(g.debug);
    const dp_command *cmd = NULL;
    for (size_t k = 0; k < sizeof commands / sizeof commands[0]; k++)
        if (!strcmp(rest[0], commands[k].name))
            cmd = &commands[k];
    if (!cmd) {
        rc = dp_cli_usage_fail(NULL, "unknown command \"%s\"", rest[0]);
        free(rest);
        return rc;
    }
    if (g.insecure)
        dp_warn("TLS certificate verification is off (--no-verify-ssl): anyone on the network path can read and "
                "change these calls");
    if (dp_http_global_init()) {
        free(rest);
        return dp_cli_fail("could not initialise libcurl");
    }
    rc = cmd->run(&g, nrest, rest);
    dp_http_global_cleanup();
    free(rest);
    return rc;
}

