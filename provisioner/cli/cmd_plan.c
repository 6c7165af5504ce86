/* cmd_plan.c - `dmsprov plan`: what apply would do, against live state, without changing it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "provisioner/cli/commands.h"
#include "provisioner/cli/stack_opts.h"
#include "provisioner/engine/render.h"
#include "provisioner/engine/stack.h"
#include "provisioner/session/session.h"

int dp_cmd_plan(const dp_globals *g, int argc, char **argv)
{
    dp_stack_opts o;
    dp_stack_opts_init(&o);
    const dp_option opts[] = {
        DP_OPT_STRING_REQ('t', "template", &o.template_path, "FILE", "the template"),
        DP_OPT_STRING(0, "stack", &o.stack, "NAME", "stack name (default: from the template's file name)"),
        DP_OPT_LIST('p', "parameter", &o.parameter, "KEY=VALUE", "a parameter value (repeatable; overrides the file)"),
        DP_OPT_STRING(0, "parameters-file", &o.parameters_file, "FILE", "AWS CLI JSON or a YAML/JSON map of parameter values"),
        DP_OPT_FLAG(0, "json", &o.json,
                    "machine-readable plan (format_version 1: summary, resources with\n"
                    "action and property changes; secrets never included; docs/PLAN_JSON.md)"),
        DP_OPT_FLAG(0, "detailed-exitcode", &o.detailed_exitcode, "exit 2 when there are changes, 0 when none, 1 on error"),
        DP_OPT_STRING(0, "out", &o.out_plan, "PLAN",
                      "save the plan for `dmsprov apply PLAN` (NoEcho values are not\n"
                      "saved: give them again to apply, or as DMSPROV_PARAM_<Name>)"),
        DP_OPT_INT(0, "parallelism", &o.parallelism, "N", 1, 100, "live reads in flight at once (default 10)"),
        DP_OPT_END(),
    };
    const dp_opt_cmd cmd = {
        .name = "plan",
        .options = opts,
        .description = "Reads the stack's live resources (by their ownership tags and by name), compares them with\n"
                       "the template and shows, per resource, what apply would do: + create, ~ update in place,\n"
                       "-/+ replace (naming the property that forces it), - delete. Nothing is changed.\n",
        .examples = "dmsprov plan -t examples/lab-20.1/template.yaml --stack lab1\n"
                    "dmsprov plan -t lab.yaml --parameter DbPassword=secret --out lab.plan\n"
                    "dmsprov plan -t lab.yaml --json | jq -r '.resources[] | select(.action != \"no-op\") | .logical_id'\n"
                    "dmsprov plan -t lab.yaml --detailed-exitcode >/dev/null; echo $?   # 2: changes pending",
    };
    int rc = dp_stack_opts_parse(&o, &cmd, argc, argv);
    if (rc)
        return rc == DP_OPT_HELP ? DP_EXIT_OK : rc;
    dp_err e;
    dp_err_clear(&e);
    dp_stack_session s;
    dp_plan plan;
    dp_plan_init(&plan);
    cJSON *state = NULL;
    rc = DP_EXIT_ERROR;
    if (dp_stack_session_open(&s, g, o.stack, &e) ||
        dp_stack_load_template(&s, o.template_path, &o.params, false, &e)) {
        dp_session_fail(&e);
        goto done;
    }
    if (o.parallelism)
        s.eng.parallelism = o.parallelism;
    if (!(state = dp_stack_state_read(&s, NULL, &e)) || dp_stack_plan(&s, state, &plan, &e)) {
        dp_session_fail(&e);
        goto done;
    }
    if (o.json) {
        dp_cli_print_json(dp_plan_to_json(&plan, false)); /* docs/PLAN_JSON.md */
    } else {
        dp_buf out;
        dp_buf_init(&out, 0);
        dp_render_opts ro = {.color = s.eng.color};
        dp_render_plan(&plan, &ro, &out);
        fputs(dp_buf_str(&out), stdout);
        dp_buf_cleanup(&out);
    }
    if (o.out_plan) {
        cJSON *j = dp_plan_to_json(&plan, true);
        char *txt = j ? cJSON_Print(j) : NULL;
        cJSON_Delete(j);
        int wrc = txt ? dp_write_file_atomic(o.out_plan, txt, strlen(txt), &e) : -1;
        free(txt);
        if (wrc) {
            dp_session_fail(&e);
            goto done;
        }
        if (!o.json)
            printf("\nSaved the plan to %s: run `dmsprov apply %s` to apply exactly these actions.\n", o.out_plan,
                   o.out_plan);
    }
    rc = o.detailed_exitcode && dp_plan_has_changes(&plan) ? DP_EXIT_CHANGES : DP_EXIT_OK;
done:
    cJSON_Delete(state);
    dp_plan_cleanup(&plan);
    dp_stack_session_close(&s);
    dp_stack_opts_cleanup(&o);
    return rc;
}
