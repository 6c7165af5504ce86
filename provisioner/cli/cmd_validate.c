/* cmd_validate.c - `dmsprov validate`: load and check a template, print every problem as
 * file:line:col, and (with --resolve) check dynamic references and SSM-typed parameters
 * against AWS. Also the option parsing shared by template commands (cmd_template.h). */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "provisioner/cli/cmd_template.h"
#include "provisioner/engine/aws_resolver.h"
#include "templates/template.h"

static const char validate_usage[] =
    "Usage: dmsprov validate -t FILE [--parameter KEY=VALUE ...] [--parameters-file FILE] [--resolve] [--json]\n"
    "\n"
    "Checks a template without calling AWS: syntax, sections, parameters and their constraints,\n"
    "conditions, intrinsic functions, resource types and properties against their schemas,\n"
    "references and dependency cycles. Every problem is printed as 'file:line:col: error: ...',\n"
    "sorted by position; the exit status is 1 when there is any error.\n"
    "\n"
    "  -t, --template FILE       the template (YAML or JSON)\n"
    "  --parameter KEY=VALUE     a parameter value (repeatable; overrides the file)\n"
    "  --parameters-file FILE    AWS CLI JSON ([{\"ParameterKey\":…,\"ParameterValue\":…}]) or a YAML/JSON map\n"
    "  --resolve                 also read {{resolve:…}} references and AWS::SSM::Parameter::Value\n"
    "                            parameters from AWS (SSM, Secrets Manager)\n"
    "  --json                    the verdict and every problem as one JSON document on stdout:\n"
    "                            {\"file\", \"valid\", \"resources\", \"parameters\", \"errors\", \"warnings\",\n"
    "                             \"diagnostics\": [{\"file\", \"line\", \"column\", \"severity\", \"message\"}]}\n";

void dp_tpl_cli_cleanup(dp_tpl_cli *o) { dp_param_inputs_cleanup(&o->params); }

const char *dp_tpl_cli_opt_value(int argc, char **argv, int *i, const char *lng, const char *shrt, bool *missing)
{
    const char *a = argv[*i];
    size_t n = strlen(lng);
    *missing = false;
    if (!strncmp(a, lng, n) && a[n] == '=')
        return a + n + 1;
    if (strcmp(a, lng) && !(shrt && !strcmp(a, shrt)))
        return NULL;
    if (*i + 1 >= argc) {
        *missing = true;
        return NULL;
    }
    return argv[++*i];
}

int dp_tpl_cli_params(dp_param_inputs *params, const char *parameters_file, const dp_param_inputs *cli)
{
    int rc = 0;
    if (parameters_file) {
        dp_diags d;
        dp_diags_init(&d);
        dp_err e;
        dp_err_clear(&e);
        if (dp_param_inputs_load_file(params, parameters_file, &d, &e)) {
            dp_diags_print(&d, stderr);
            if (!d.n)
                dp_cli_fail("%s", e.message);
            rc = DP_EXIT_ERROR;
        }
        dp_diags_cleanup(&d);
    }
    for (size_t i = 0; !rc && i < cli->n; i++) {
        dp_err e;
        dp_err_clear(&e);
        if (dp_param_inputs_set(params, cli->v[i].key, cli->v[i].value, NULL, 0, 0, &e))
            rc = dp_cli_fail("%s", e.message);
    }
    return rc;
}

int dp_tpl_cli_parse(dp_tpl_cli *o, const char *cmd, int argc, char **argv, const char *usage,
                     bool allow_resolve, bool allow_format)
{
    memset(o, 0, sizeof *o);
    dp_param_inputs_init(&o->params);
    dp_param_inputs cli;
    dp_param_inputs_init(&cli);
    int rc = 0;
    for (int i = 1; i < argc && !rc; i++) {
        bool missing = false;
        const char *v;
        if (dp_cli_is_help(argv[i])) {
            fputs(usage, stdout);
            rc = -1;
        } else if ((v = dp_tpl_cli_opt_value(argc, argv, &i, "--template", "-t", &missing)) || missing) {
            if (missing)
                rc = dp_cli_usage_fail(cmd, "%s needs a file name", argv[i]);
            o->template_path = v;
        } else if ((v = dp_tpl_cli_opt_value(argc, argv, &i, "--parameters-file", NULL, &missing)) || missing) {
            if (missing)
                rc = dp_cli_usage_fail(cmd, "--parameters-file needs a file name");
            o->parameters_file = v;
        } else if ((v = dp_tpl_cli_opt_value(argc, argv, &i, "--parameter", "-p", &missing)) || missing) {
            dp_err e;
            dp_err_clear(&e);
            if (missing)
                rc = dp_cli_usage_fail(cmd, "--parameter needs KEY=VALUE");
            else if (dp_param_inputs_add_arg(&cli, v, &e))
                rc = dp_cli_usage_fail(cmd, "%s", e.message);
        } else if (allow_format && ((v = dp_tpl_cli_opt_value(argc, argv, &i, "--format", NULL, &missing)) || missing)) {
            if (missing)
                rc = dp_cli_usage_fail(cmd, "--format needs dot, svg, png or text");
            else if (strcmp(v, "dot") && strcmp(v, "svg") && strcmp(v, "png") && strcmp(v, "text"))
                rc = dp_cli_usage_fail(cmd, "unknown format \"%s\" (dot, svg, png or text)", v);
            o->format = v;
        } else if (allow_resolve && !strcmp(argv[i], "--resolve")) {
            o->resolve = true;
        } else if (allow_resolve && !strcmp(argv[i], "--json")) {
            o->json = true;
        } else {
            rc = dp_cli_usage_fail(cmd, "unknown argument \"%s\"", argv[i]);
        }
    }
    if (!rc && !o->template_path)
        rc = dp_cli_usage_fail(cmd, "-t FILE is required");
    if (!rc)
        rc = dp_tpl_cli_params(&o->params, o->parameters_file, &cli);
    dp_param_inputs_cleanup(&cli);
    if (rc)
        dp_tpl_cli_cleanup(o);
    return rc;
}

static const char *region_of(const dp_globals *g)
{
    if (g && g->region)
        return g->region;
    const char *r = getenv("AWS_REGION");
    if (!r || !*r)
        r = getenv("AWS_DEFAULT_REGION");
    return r && *r ? r : NULL;
}

/* The --json document: the verdict, the counts, every diagnostic sorted by position. */
static void print_json(const char *path, const dp_template *t, dp_diags *d)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "file", path);
    cJSON_AddBoolToObject(o, "valid", t != NULL);
    if (t) {
        cJSON_AddNumberToObject(o, "resources", (double)dp_template_resource_count(t));
        cJSON_AddNumberToObject(o, "parameters", (double)dp_template_param_count(t));
    }
    cJSON_AddNumberToObject(o, "errors", (double)d->errors);
    cJSON_AddNumberToObject(o, "warnings", (double)d->warnings);
    cJSON *arr = cJSON_AddArrayToObject(o, "diagnostics");
    dp_diags_sort(d);
    for (size_t i = 0; i < d->n; i++) {
        const dp_diag *x = &d->v[i];
        cJSON *j = cJSON_CreateObject();
        cJSON_AddStringToObject(j, "file", x->file ? x->file : "");
        if (x->line > 0) {
            cJSON_AddNumberToObject(j, "line", x->line);
            cJSON_AddNumberToObject(j, "column", x->col);
        }
        cJSON_AddStringToObject(j, "severity", x->level == DP_DIAG_ERROR ? "error" : "warning");
        cJSON_AddStringToObject(j, "message", x->msg ? x->msg : "");
        cJSON_AddItemToArray(arr, j);
    }
    dp_cli_print_json(o);
}

int dp_cmd_validate(const dp_globals *g, int argc, char **argv)
{
    dp_tpl_cli o;
    int rc = dp_tpl_cli_parse(&o, "validate", argc, argv, validate_usage, true, false);
    if (rc)
        return rc < 0 ? DP_EXIT_OK : rc;
    dp_resolver res;
    memset(&res, 0, sizeof res);
    if (o.resolve) {
        dp_err e;
        dp_err_clear(&e);
        if (dp_aws_resolver_open(g, &res, &e)) {
            char msg[1024];
            dp_err_format(&e, msg, sizeof msg);
            dp_tpl_cli_cleanup(&o);
            return dp_cli_fail("--resolve: %s", msg);
        }
    }
    dp_tpl_context ctx = {.region = region_of(g)};
    dp_tpl_options opts = {.params = &o.params, .ctx = &ctx, .resolver = o.resolve ? &res : NULL};
    dp_diags d;
    dp_diags_init(&d);
    dp_template *t = dp_template_load(o.template_path, &opts, &d);
    if (o.json) {
        print_json(o.template_path, t, &d);
        rc = t ? DP_EXIT_OK : DP_EXIT_ERROR;
    } else {
        dp_diags_print(&d, stderr);
        if (t)
            printf("%s: valid (%zu resources, %zu parameters%s)\n", o.template_path,
                   dp_template_resource_count(t), dp_template_param_count(t),
                   d.warnings ? ", with warnings" : "");
        else
            fprintf(stderr, "%s: %zu error%s\n", o.template_path, d.errors, d.errors == 1 ? "" : "s");
        rc = t ? DP_EXIT_OK : DP_EXIT_ERROR;
    }
    dp_template_free(t);
    dp_diags_cleanup(&d);
    if (o.resolve)
        dp_aws_resolver_close(&res);
    dp_tpl_cli_cleanup(&o);
    return rc;
}
