/* stack_opts.c - what plan, apply, destroy and output do with their options once parsed (the
 * stack name, the parameters), and the confirmation prompt. */
#include "provisioner/cli/stack_opts.h"

#include <ctype.h>
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

void dp_stack_opts_init(dp_stack_opts *o)
{
    memset(o, 0, sizeof *o);
    dp_param_inputs_init(&o->params);
}

void dp_stack_opts_cleanup(dp_stack_opts *o)
{
    dp_param_inputs_cleanup(&o->params);
    dp_opt_list_cleanup(&o->parameter);
}

int dp_stack_opts_parse(dp_stack_opts *o, const dp_opt_cmd *cmd, int argc, char **argv)
{
    static char derived[128];
    const char *name = cmd->name;
    dp_param_inputs cli;
    dp_param_inputs_init(&cli);
    int rc = dp_opt_parse(cmd, argc, argv);
    if (!rc && o->needs_template && !o->template_path && !o->plan_file)
        rc = dp_cli_usage_fail(name, "-t FILE is required");
    if (!rc && o->stack && !dp_stack_name_valid(o->stack))
        rc = dp_cli_usage_fail(name, "invalid stack name \"%s\" (a letter, then letters, digits and '-')", o->stack);
    if (!rc && !o->stack && o->template_path) {
        default_stack(o->template_path, derived, sizeof derived);
        if (!dp_stack_name_valid(derived))
            rc = dp_cli_usage_fail(name, "cannot derive a stack name from \"%s\": pass --stack", o->template_path);
        o->stack = derived;
    }
    if (!rc && !o->stack && !o->plan_file)
        rc = dp_cli_usage_fail(name, "--stack NAME is required");
    if (!rc)
        rc = dp_tpl_cli_param_args(&cli, &o->parameter, name);
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
