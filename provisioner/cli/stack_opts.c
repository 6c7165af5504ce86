/* stack_opts.c - the command-line options plan, apply, destroy and output share, and the
 * confirmation prompt. */
#include "provisioner/cli/stack_opts.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "provisioner/cli/cmd_template.h"
#include "provisioner/engine/stack.h"

/* "examples/lab-20.1/template.yaml" -> "lab-20-1"; "stacks/demo.yaml" -> "demo". */
static void default_stack(const char *path, char *out, size_t n)
{
    char tmp[PATH_MAX];
    snprintf(tmp, sizeof tmp, "%s", path);
    char *base = strrchr(tmp, '/');
    char *name = base ? base + 1 : tmp;
    char *dot = strrchr(name, '.');
    if (dot && dot != name)
        *dot = 0;
    if (!strcmp(name, "template") && base) {
        *base = 0;
        char *dir = strrchr(tmp, '/');
        name = dir ? dir + 1 : tmp;
        if (!*name || !strcmp(name, "."))
            name = (char *)"template";
    }
    size_t k = 0;
    if (!isalpha((unsigned char)name[0]) && n > 2)
        out[k++] = 's';
    for (size_t i = 0; name[i] && k + 1 < n && k < 100; i++)
        out[k++] = isalnum((unsigned char)name[i]) ? name[i] : '-';
    out[k] = 0;
}

void dp_stack_opts_cleanup(dp_stack_opts *o) { dp_param_inputs_cleanup(&o->params); }

int dp_stack_opts_parse(dp_stack_opts *o, const char *cmd, int argc, char **argv, const char *usage, unsigned flags)
{
    static char derived[128];
    memset(o, 0, sizeof *o);
    dp_param_inputs_init(&o->params);
    dp_param_inputs cli;
    dp_param_inputs_init(&cli);
    int rc = 0;
    bool inputs = flags & DP_SO_INPUTS, tonly = flags & DP_SO_TEMPLATE_ONLY;
    for (int i = 1; i < argc && !rc; i++) {
        bool missing = false;
        const char *v;
        const char *a = argv[i];
        if (dp_cli_is_help(a)) {
            fputs(usage, stdout);
            rc = -1;
        } else if ((inputs || tonly) && ((v = dp_tpl_cli_opt_value(argc, argv, &i, "--template", "-t", &missing)) || missing)) {
            if (missing)
                rc = dp_cli_usage_fail(cmd, "-t needs a file name");
            o->template_path = v;
        } else if ((v = dp_tpl_cli_opt_value(argc, argv, &i, "--stack", NULL, &missing)) || missing) {
            if (missing)
                rc = dp_cli_usage_fail(cmd, "--stack needs a name");
            else if (!dp_stack_name_valid(v))
                rc = dp_cli_usage_fail(cmd, "invalid stack name \"%s\" (a letter, then letters, digits and '-')", v);
            o->stack = v;
        } else if (inputs && ((v = dp_tpl_cli_opt_value(argc, argv, &i, "--parameters-file", NULL, &missing)) || missing)) {
            if (missing)
                rc = dp_cli_usage_fail(cmd, "--parameters-file needs a file name");
            o->parameters_file = v;
        } else if (inputs && ((v = dp_tpl_cli_opt_value(argc, argv, &i, "--parameter", "-p", &missing)) || missing)) {
            dp_err e;
            dp_err_clear(&e);
            if (missing)
                rc = dp_cli_usage_fail(cmd, "--parameter needs KEY=VALUE");
            else if (dp_param_inputs_add_arg(&cli, v, &e))
                rc = dp_cli_usage_fail(cmd, "%s", e.message);
        } else if ((flags & DP_SO_OUT) && ((v = dp_tpl_cli_opt_value(argc, argv, &i, "--out", NULL, &missing)) || missing)) {
            if (missing)
                rc = dp_cli_usage_fail(cmd, "--out needs a file name");
            o->out_plan = v;
        } else if ((flags & DP_SO_PARALLELISM) &&
                   ((v = dp_tpl_cli_opt_value(argc, argv, &i, "--parallelism", NULL, &missing)) || missing)) {
            char *end = NULL;
            errno = 0;
            long n = missing ? 0 : strtol(v, &end, 10);
            if (missing || errno || !end || *end || n < 1 || n > 100)
                rc = dp_cli_usage_fail(cmd, "--parallelism needs a number from 1 to 100");
            else
                o->parallelism = (int)n;
        } else if ((flags & DP_SO_JSON) && !strcmp(a, "--json")) {
            o->json = true;
        } else if ((flags & DP_SO_DETAILED) && !strcmp(a, "--detailed-exitcode")) {
            o->detailed_exitcode = true;
        } else if ((flags & DP_SO_APPROVE) && !strcmp(a, "--auto-approve")) {
            o->auto_approve = true;
        } else if ((flags & DP_SO_ROLLBACK) && !strcmp(a, "--rollback-on-failure")) {
            o->rollback = true;
        } else if ((flags & DP_SO_EMPTY_BUCKETS) && !strcmp(a, "--empty-buckets")) {
            o->empty_buckets = true;
        } else if ((flags & DP_SO_BREAK_LOCK) && !strcmp(a, "--break-lock")) {
            o->break_lock = true;
        } else if ((flags & DP_SO_PLAN_FILE) && a[0] != '-' && !o->plan_file) {
            o->plan_file = a;
        } else {
            rc = dp_cli_usage_fail(cmd, "unknown argument \"%s\"", a);
        }
    }
    if (!rc && o->plan_file && (o->template_path || cli.n || o->parameters_file) && !(flags & DP_SO_INPUTS))
        rc = dp_cli_usage_fail(cmd, "a saved plan takes no -t");
    if (!rc && o->plan_file && o->template_path)
        rc = dp_cli_usage_fail(cmd, "apply PLAN applies the saved plan's template: drop -t");
    if (!rc && inputs && !o->template_path && !o->plan_file)
        rc = dp_cli_usage_fail(cmd, "-t FILE is required");
    if (!rc && !o->stack && o->template_path) {
        default_stack(o->template_path, derived, sizeof derived);
        if (!dp_stack_name_valid(derived))
            rc = dp_cli_usage_fail(cmd, "cannot derive a stack name from \"%s\": pass --stack", o->template_path);
        o->stack = derived;
    }
    if (!rc && !o->stack && !o->plan_file)
        rc = dp_cli_usage_fail(cmd, "--stack NAME is required");
    if (!rc)
        rc = dp_tpl_cli_params(&o->params, o->parameters_file, &cli);
    dp_param_inputs_cleanup(&cli);
    if (rc)
        dp_stack_opts_cleanup(o);
    return rc;
}

bool dp_stack_confirm(const char *question, const char *cmd)
{
    if (!isatty(STDIN_FILENO)) {
        dp_cli_fail("%s needs a confirmation and there is no terminal: pass --auto-approve", cmd);
        return false;
    }
    printf("%s\n  Only 'yes' will be accepted to approve.\n\n  Enter a value: ", question);
    fflush(stdout);
    char line[64];
    if (!fgets(line, sizeof line, stdin))
        return false;
    line[strcspn(line, "\r\n")] = 0;
    return !strcmp(line, "yes");
}
