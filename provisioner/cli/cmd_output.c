/* cmd_output.c - `dmsprov output`: the stack's outputs as recorded by the last apply. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "provisioner/cli/commands.h"
#include "provisioner/cli/stack_opts.h"
#include "provisioner/engine/stack.h"
#include "provisioner/session/session.h"

int dp_cmd_output(const dp_globals *g, int argc, char **argv)
{
    dp_stack_opts o;
    dp_stack_opts_init(&o);
    const char *only = NULL; /* OUTPUT_NAME */
    const dp_option opts[] = {
        DP_OPT_STRING_REQ(0, "stack", &o.stack, "NAME", "the stack"),
        DP_OPT_FLAG(0, "json", &o.json, "{\"Name\": value, ...}; with OUTPUT_NAME, its value as JSON"),
        DP_OPT_ARG("OUTPUT_NAME", &only, "print this output's value alone"),
        DP_OPT_END(),
    };
    const dp_opt_cmd cmd = {
        .name = "output",
        .options = opts,
        .description = "Prints the outputs recorded by the last successful apply (from the state; no AWS call for a\n"
                       "local state). Sensitive outputs show as (sensitive). With OUTPUT_NAME, prints that value alone.\n",
        .examples = "dmsprov output --stack lab1\n"
                    "dmsprov output --stack lab1 TaskArn\n"
                    "dmsprov output --stack lab1 --json | jq -r .TaskArn",
    };
    int rc = dp_stack_opts_parse(&o, &cmd, argc, argv);
    if (rc)
        return rc == DP_OPT_HELP ? DP_EXIT_OK : rc;
    dp_err e;
    dp_err_clear(&e);
    rc = DP_EXIT_ERROR;
    cJSON *state = NULL;
    dp_client *c = dp_session_client(g, &e);
    dp_state_store *store = c ? dp_state_open(g->state, c, &e) : NULL;
    if (!store || dp_state_read(store, o.stack, &state, &e)) {
        dp_session_fail(&e);
        goto done;
    }
    if (!state) {
        dp_cli_fail("stack %s has no state at %s: run `dmsprov apply` first", o.stack, dp_state_describe(store, o.stack));
        goto done;
    }
    const cJSON *outs = cJSON_GetObjectItemCaseSensitive(state, "outputs");
    if (only) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(outs, only);
        if (!v) {
            dp_cli_fail("stack %s has no output %s", o.stack, only);
            goto done;
        }
        if (o.json) {
            dp_cli_print_json(cJSON_Duplicate(v, true));
        } else {
            char *s = cJSON_IsString(v) ? strdup(v->valuestring) : cJSON_PrintUnformatted(v);
            puts(s ? s : "");
            free(s);
        }
        rc = DP_EXIT_OK;
        goto done;
    }
    if (o.json) {
        dp_cli_print_json(outs ? cJSON_Duplicate(outs, true) : cJSON_CreateObject());
    } else {
        const cJSON *k;
        cJSON_ArrayForEach(k, outs)
        {
            char *s = cJSON_IsString(k) ? NULL : cJSON_PrintUnformatted(k);
            printf("%s = %s\n", k->string, cJSON_IsString(k) ? k->valuestring : s ? s : "?");
            free(s);
        }
    }
    rc = DP_EXIT_OK;
done:
    cJSON_Delete(state);
    if (store)
        dp_state_close(store);
    if (c)
        dp_client_free(c);
    dp_stack_opts_cleanup(&o);
    return rc;
}
