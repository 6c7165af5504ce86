/* cmd_plan.c - `dmsprov plan`: what apply would do, against live state, without changing it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "provisioner/cli/commands.h"
#include "provisioner/cli/stack_opts.h"
#include "provisioner/engine/render.h"
#include "provisioner/engine/stack.h"
#include "provisioner/session/session.h"

static const char plan_usage[] =
    "Usage: dmsprov plan -t FILE [--stack NAME] [--parameter KEY=VALUE ...] [--parameters-file FILE]\n"
    "                    [--json] [--detailed-exitcode] [--out PLAN]\n"
    "\n"
    "Reads the stack's live resources (by their ownership tags and by name), compares them with\n"
    "the template and shows, per resource, what apply would do: + create, ~ update in place,\n"
    "-/+ replace (naming the property that forces it), - delete. Nothing is changed.\n"
    "\n"
    "  -t, --template FILE       the template\n"
    "  --stack NAME              stack name (default: from the template's file name)\n"
    "  --parameter KEY=VALUE     a parameter value (repeatable; overrides the file)\n"
    "  --parameters-file FILE    AWS CLI JSON or a YAML/JSON map of parameter values\n"
    "  --json                    machine-readable plan (format_version 1: summary, resources with\n"
    "                            action and property changes; secrets never included)\n"
    "  --detailed-exitcode       exit 2 when there are changes, 0 when none, 1 on error\n"
    "  --out PLAN                save the plan for `dmsprov apply PLAN` (NoEcho values are not\n"
    "                            saved: give them again to apply, or as DMSPROV_PARAM_<Name>)\n";

int dp_cmd_plan(const dp_globals *g, int argc, char **argv)
{
    dp_stack_opts o;
    int rc = dp_stack_opts_parse(&o, "plan", argc, argv, plan_usage,
                                 DP_SO_INPUTS | DP_SO_JSON | DP_SO_DETAILED | DP_SO_OUT | DP_SO_PARALLELISM);
    if (rc)
        return rc < 0 ? DP_EXIT_OK : rc;
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
    dp_buf out;
    dp_buf_init(&out, 0);
    if (o.json) {
        dp_render_plan_json(&plan, &out);
    } else {
        dp_render_opts ro = {.color = s.eng.color};
        dp_render_plan(&plan, &ro, &out);
    }
    fputs(dp_buf_str(&out), stdout);
    dp_buf_cleanup(&out);
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
