/* cmd_validate.c - `dmsprov validate`: load and check a template, print every problem as
 * file:line:col, and (with --resolve) check dynamic references and SSM-typed parameters
 * against AWS. Also the parameter options' reading shared by template commands (cmd_template.h). */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "provisioner/cli/cmd_template.h"
#include "provisioner/engine/engine.h"
#include "provisioner/engine/aws_resolver.h"
#include "templates/template.h"

void dp_tpl_cli_init(dp_tpl_cli *o)
{
    memset(o, 0, sizeof *o);
    dp_param_inputs_init(&o->params);
}

void dp_tpl_cli_cleanup(dp_tpl_cli *o)
{
    dp_param_inputs_cleanup(&o->params);
    dp_opt_list_cleanup(&o->parameter);
}

int dp_tpl_cli_param_args(dp_param_inputs *cli, const dp_opt_list *args, const char *cmd)
{
    for (size_t i = 0; i < args->n; i++) {
        dp_err e;
        dp_err_clear(&e);
        if (dp_param_inputs_add_arg(cli, args->v[i], &e))
            return dp_cli_usage_fail(cmd, "%s", e.message);
    }
    return 0;
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

int dp_tpl_cli_finish(dp_tpl_cli *o, const char *cmd)
{
    dp_param_inputs cli;
    dp_param_inputs_init(&cli);
    int rc = dp_tpl_cli_param_args(&cli, &o->parameter, cmd);
    if (!rc)
        rc = dp_tpl_cli_params(&o->params, o->parameters_file, &cli);
    dp_param_inputs_cleanup(&cli);
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
    dp_tpl_cli_init(&o);
    const dp_option opts[] = {
        DP_OPT_STRING_REQ('t', "template", &o.template_path, "FILE", "the template (YAML or JSON)"),
        DP_OPT_LIST('p', "parameter", &o.parameter, "KEY=VALUE", "a parameter value (repeatable; overrides the file)"),
        DP_OPT_STRING(0, "parameters-file", &o.parameters_file, "FILE",
                      "AWS CLI JSON ([{\"ParameterKey\":…,\"ParameterValue\":…}]) or a YAML/JSON map"),
        DP_OPT_FLAG(0, "resolve", &o.resolve,
                    "also read {{resolve:…}} references and AWS::SSM::Parameter::Value\n"
                    "parameters from AWS (SSM, Secrets Manager)"),
        DP_OPT_FLAG(0, "json", &o.json,
                    "the verdict and every problem as one JSON document on stdout:\n"
                    "{\"file\", \"valid\", \"resources\", \"parameters\", \"errors\", \"warnings\",\n"
                    " \"diagnostics\": [{\"file\", \"line\", \"column\", \"severity\", \"message\"}]}"),
        DP_OPT_END(),
    };
    const dp_opt_cmd cmd = {
        .name = "validate",
        .options = opts,
        .description = "Checks a template without calling AWS: syntax, sections, parameters and their constraints,\n"
                       "conditions, intrinsic functions, resource types and properties against their schemas,\n"
                       "references and dependency cycles. Every problem is printed as 'file:line:col: error: ...',\n"
                       "sorted by position; the exit status is 1 when there is any error.\n",
        .examples = "dmsprov validate -t examples/lab-20.1/template.yaml\n"
                    "dmsprov validate -t lab.yaml --parameter Env=prod --parameters-file params.json\n"
                    "dmsprov validate -t lab.yaml --resolve --json | jq '.diagnostics[]'",
    };
    int rc = dp_opt_parse(&cmd, argc, argv);
    if (!rc)
        rc = dp_tpl_cli_finish(&o, "validate");
    if (rc) {
        dp_tpl_cli_cleanup(&o);
        return rc == DP_OPT_HELP ? DP_EXIT_OK : rc;
    }
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
    dp_tpl_options topts = {.params = &o.params, .ctx = &ctx, .resolver = o.resolve ? &res : NULL,
                            .type_rules = dp_engine_type_rules()};
    dp_diags d;
    dp_diags_init(&d);
    dp_template *t = dp_template_load(o.template_path, &topts, &d);
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
