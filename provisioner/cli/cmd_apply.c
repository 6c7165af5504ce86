/* cmd_apply.c - `dmsprov apply`: plan, confirm, run the graph, record state, print outputs;
 * or apply a saved plan after checking that nothing moved since it was made. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "drivers/base/buf.h"
#include "drivers/base/log.h"
#include "provisioner/cli/commands.h"
#include "provisioner/cli/stack_opts.h"
#include "provisioner/engine/apply.h"
#include "provisioner/engine/interrupt.h"
#include "provisioner/engine/render.h"
#include "provisioner/engine/stack.h"
#include "provisioner/session/session.h"

static int read_saved_plan(const char *path, dp_plan *saved, dp_err *e)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        dp_err_set(e, DP_E_IO, "cannot read the plan %s", path);
        return -1;
    }
    dp_buf b;
    dp_buf_init(&b, 64u << 20);
    char chunk[8192];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        if (dp_buf_append(&b, chunk, n))
            break;
    fclose(f);
    cJSON *j = cJSON_Parse(dp_buf_str(&b));
    dp_buf_cleanup(&b);
    if (!j) {
        dp_err_set(e, DP_E_INPUT, "%s is not a saved plan (not JSON)", path);
        return -1;
    }
    int rc = dp_plan_from_json(j, saved, e);
    cJSON_Delete(j);
    if (rc)
        dp_err_prefix(e, "%s", path);
    else if (!saved->template_path || !saved->template_hash) {
        dp_err_set(e, DP_E_INPUT, "%s: the saved plan names no template", path);
        rc = -1;
    }
    return rc;
}

/* Saved parameters first, then the environment's NoEcho values, then the command line. */
static int saved_params(const dp_plan *saved, const dp_param_inputs *cli, dp_param_inputs *out, dp_err *e)
{
    const cJSON *p;
    cJSON_ArrayForEach(p, saved->parameters)
    {
        if (cJSON_IsString(p)) {
            if (dp_param_inputs_set(out, p->string, p->valuestring, NULL, 0, 0, e))
                return -1;
        } else if (cJSON_IsArray(p)) { /* a list parameter travels as "a,b,c" */
            dp_buf b;
            dp_buf_init(&b, 0);
            const cJSON *x;
            cJSON_ArrayForEach(x, p) dp_buf_printf(&b, "%s%s", b.len ? "," : "", cJSON_IsString(x) ? x->valuestring : "");
            int rc = dp_param_inputs_set(out, p->string, dp_buf_str(&b), NULL, 0, 0, e);
            dp_buf_cleanup(&b);
            if (rc)
                return -1;
        }
    }
    if (dp_stack_params_from_env(out, e))
        return -1;
    for (size_t i = 0; i < cli->n; i++)
        if (dp_param_inputs_set(out, cli->v[i].key, cli->v[i].value, NULL, 0, 0, e))
            return -1;
    return 0;
}

/* apply --json: the run's result as one document on stdout (outputs already public). */
static void print_json_result(const char *stack, const dp_apply_result *res, const char *error)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "stack", stack ? stack : "");
    cJSON_AddBoolToObject(o, "applied", error == NULL);
    if (error) {
        cJSON_AddStringToObject(o, "error", error);
    } else {
        cJSON *sum = cJSON_AddObjectToObject(o, "summary");
        cJSON_AddNumberToObject(sum, "added", (double)res->created);
        cJSON_AddNumberToObject(sum, "changed", (double)res->updated);
        cJSON_AddNumberToObject(sum, "replaced", (double)res->replaced);
        cJSON_AddNumberToObject(sum, "destroyed", (double)res->deleted);
        cJSON_AddNumberToObject(o, "elapsed_s", res->stats.wall_s);
        cJSON_AddItemToObject(o, "outputs", res->outputs ? cJSON_Duplicate(res->outputs, true) : cJSON_CreateObject());
    }
    dp_cli_print_json(o);
}

static void print_outputs(const cJSON *outs)
{
    if (!outs || !outs->child)
        return;
    printf("\nOutputs:\n");
    const cJSON *k;
    cJSON_ArrayForEach(k, outs)
    {
        if (cJSON_IsString(k)) {
            printf("  %s = %s\n", k->string, k->valuestring);
        } else {
            char *s = cJSON_PrintUnformatted(k);
            printf("  %s = %s\n", k->string, s ? s : "?");
            free(s);
        }
    }
}

/* Parses apply's options into o (initialised by the caller). 0 to go on; DP_OPT_HELP when
 * help was printed; otherwise the exit status of a usage error (printed). */
static int parse(dp_stack_opts *o, int argc, char **argv)
{
    const dp_option opts[] = {
        DP_OPT_STRING('t', "template", &o->template_path, "FILE", "the template (not with PLAN)"),
        DP_OPT_STRING(0, "stack", &o->stack, "NAME", "stack name (default: from the template's file name)"),
        DP_OPT_LIST('p', "parameter", &o->parameter, "KEY=VALUE", "a parameter value (repeatable; overrides the file)"),
        DP_OPT_STRING(0, "parameters-file", &o->parameters_file, "FILE", "AWS CLI JSON or a YAML/JSON map of parameter values"),
        DP_OPT_FLAG(0, "auto-approve", &o->auto_approve, "do not ask (required without a terminal)"),
        DP_OPT_INT(0, "parallelism", &o->parallelism, "N", 1, 100, "operations in flight at once (default 10)"),
        DP_OPT_FLAG(0, "rollback-on-failure", &o->rollback, "on a failure, delete what this run created"),
        DP_OPT_FLAG(0, "empty-buckets", &o->empty_buckets, "S3 buckets being deleted may be emptied first"),
        DP_OPT_FLAG(0, "break-lock", &o->break_lock, "take the stack's lock even if another run holds it (stale lock)"),
        DP_OPT_FLAG(0, "json", &o->json,
                    "for programs: the plan and progress go to stderr; stdout gets one\n"
                    "JSON document: {\"stack\", \"applied\", \"summary\": {\"added\", \"changed\",\n"
                    "\"replaced\", \"destroyed\"}, \"elapsed_s\", \"outputs\"}, or {\"stack\",\n"
                    "\"applied\": false, \"error\"} when an operation fails (other errors:\n"
                    "stderr and the exit status only); needs --auto-approve or PLAN"),
        DP_OPT_ARG("PLAN", &o->plan_file,
                   "a plan saved by `dmsprov plan --out PLAN`: applied as is, refused\n"
                   "if the template or the live resources changed since. NoEcho\n"
                   "parameters are not in the file: pass them with --parameter or\n"
                   "--parameters-file, or set DMSPROV_PARAM_<Name> in the environment."),
        DP_OPT_END(),
    };
    const dp_opt_cmd cmd = {
        .name = "apply",
        .options = opts,
        .usage = "dmsprov apply -t FILE [--stack NAME] [--parameter KEY=VALUE ...] [--parameters-file FILE]\n"
                 "                     [--auto-approve] [--parallelism N] [--rollback-on-failure] [--empty-buckets]\n"
                 "                     [--break-lock] [--json]\n"
                 "       dmsprov apply PLAN [--parameter KEY=VALUE ...] [--json]",
        .description = "Plans (see `dmsprov plan`), asks for 'yes' unless --auto-approve, then creates, updates,\n"
                       "replaces and deletes resources in dependency order, up to N operations at a time, the\n"
                       "longest chain first. The state is saved after every completed operation: after a failure,\n"
                       "running apply again carries on. Outputs are printed at the end.\n",
        .examples = "dmsprov apply -t examples/lab-20.1/template.yaml --stack lab1\n"
                    "dmsprov apply -t lab.yaml --auto-approve --parallelism 20 --rollback-on-failure\n"
                    "dmsprov plan -t lab.yaml --out lab.plan && dmsprov apply lab.plan\n"
                    "dmsprov apply -t lab.yaml --auto-approve --json | jq .summary",
    };
    o->needs_template = true;
    int rc = dp_stack_opts_parse(o, &cmd, argc, argv);
    if (rc)
        return rc;
    if (o->plan_file && o->template_path)
        return dp_cli_usage_fail("apply", "apply PLAN applies the saved plan's template: drop -t");
    if (o->json && !o->auto_approve && !o->plan_file)
        return dp_cli_usage_fail("apply", "--json needs --auto-approve (or a saved PLAN): a program cannot answer "
                                          "the confirmation prompt");
    return 0;
}

/* The benchmark's view of the run (bench/README.md): per-operation timings, written to
 * DMSPROV_APPLY_TRACE when it is set. */
static void write_trace(const dp_apply_result *res, const dp_plan *plan)
{
    const char *trace_path = getenv("DMSPROV_APPLY_TRACE");
    if (!trace_path || !*trace_path || !res->trace)
        return;
    cJSON *tr = cJSON_CreateObject();
    cJSON_AddNumberToObject(tr, "wall_s", res->stats.wall_s);
    cJSON_AddNumberToObject(tr, "api_requests", (double)res->requests);
    cJSON_AddNumberToObject(tr, "plan_api_requests", (double)plan->read_requests);
    cJSON_AddNumberToObject(tr, "max_in_flight", res->stats.max_in_flight);
    cJSON_AddItemToObject(tr, "operations", cJSON_Duplicate(res->trace, true));
    char *txt = cJSON_Print(tr);
    cJSON_Delete(tr);
    dp_err e;
    dp_err_clear(&e);
    if (!txt || dp_write_file_atomic(trace_path, txt, strlen(txt), &e))
        dp_warn("could not write the apply trace to %s", trace_path);
    free(txt);
}

/* A failed apply: one line on stderr (what was done is kept; how to carry on), and the
 * --json result. */
static void report_failure(const dp_stack_session *s, const dp_apply_result *res, const dp_err *e, bool json)
{
    char line[1400];
    dp_err_format(e, line, sizeof line);
    dp_buf failure;
    dp_buf_init(&failure, 0);
    if (res->state_unsaved)
        dp_buf_printf(&failure,
                      "%s; operations completed since are not in the state: once it can be written, run "
                      "apply again (it finds them by their ownership tags)",
                      res->error);
    else
        dp_buf_printf(&failure, "%s; what was completed is recorded in %s: run apply again to continue",
                      res->error[0] ? res->error : line, dp_state_describe(s->store, s->stack));
    dp_cli_fail("%s", dp_buf_str(&failure));
    if (json)
        print_json_result(s->stack, res, dp_buf_str(&failure));
    dp_buf_cleanup(&failure);
}

/* What the state records of the template this apply used. */
static void record_template(cJSON *state, const dp_stack_session *s)
{
    cJSON_DeleteItemFromObjectCaseSensitive(state, "template_hash");
    cJSON_AddStringToObject(state, "template_hash", s->template_hash);
    cJSON_DeleteItemFromObjectCaseSensitive(state, "template");
    cJSON_AddStringToObject(state, "template", s->template_path);
    cJSON_DeleteItemFromObjectCaseSensitive(state, "parameters");
    cJSON_AddItemToObject(state, "parameters", cJSON_Duplicate(s->params_public, true));
}

int dp_cmd_apply(const dp_globals *g, int argc, char **argv)
{
    dp_stack_opts o;
    dp_stack_opts_init(&o);
    int rc = parse(&o, argc, argv);
    if (rc) {
        dp_stack_opts_cleanup(&o);
        return rc == DP_OPT_HELP ? DP_EXIT_OK : rc;
    }
    FILE *human = o.json ? stderr : stdout; /* with --json, stdout holds only the result */
    dp_err e;
    dp_err_clear(&e);
    dp_stack_session s;
    memset(&s, 0, sizeof s);
    dp_plan plan, saved;
    dp_plan_init(&plan);
    dp_plan_init(&saved);
    dp_param_inputs params;
    dp_param_inputs_init(&params);
    dp_apply_result res;
    memset(&res, 0, sizeof res);
    cJSON *state = NULL;
    const char *template_path = o.template_path, *stack = o.stack;
    const dp_param_inputs *use_params = &o.params;
    rc = DP_EXIT_ERROR;
    if (o.plan_file) {
        if (read_saved_plan(o.plan_file, &saved, &e) || saved_params(&saved, &o.params, &params, &e)) {
            dp_session_fail(&e);
            goto done;
        }
        if (o.stack && strcmp(o.stack, saved.stack)) {
            dp_cli_fail("the saved plan is for stack %s, not %s", saved.stack, o.stack);
            goto done;
        }
        template_path = saved.template_path;
        stack = saved.stack;
        use_params = &params;
    }
    if (dp_stack_session_open(&s, g, stack, &e) || dp_stack_session_lock(&s, "apply", o.break_lock, &e) ||
        dp_stack_load_template(&s, template_path, use_params, false, &e)) {
        dp_session_fail(&e);
        goto done;
    }
    if (o.parallelism)
        s.eng.parallelism = o.parallelism;
    s.eng.out = human;
    if (o.plan_file && strcmp(saved.template_hash, s.template_hash)) {
        dp_cli_fail("the template %s changed since the plan was made: run `dmsprov plan` again", template_path);
        goto done;
    }
    if (!(state = dp_stack_state_read(&s, NULL, &e)) || dp_stack_plan(&s, state, &plan, &e)) {
        dp_session_fail(&e);
        goto done;
    }
    char why[512];
    if (o.plan_file && (strcmp(saved.fingerprint, plan.fingerprint) || !dp_plan_same_actions(&saved, &plan, why, sizeof why))) {
        if (strcmp(saved.fingerprint, plan.fingerprint))
            snprintf(why, sizeof why, "a resource of stack %s was created, changed or deleted outside this plan",
                     plan.stack);
        dp_cli_fail("the live state changed since the plan was made: %s; run `dmsprov plan` again", why);
        goto done;
    }
    dp_buf out;
    dp_buf_init(&out, 0);
    dp_render_opts ro = {.color = s.eng.color};
    dp_render_plan(&plan, &ro, &out);
    fputs(dp_buf_str(&out), human);
    dp_buf_cleanup(&out);
    bool changes = dp_plan_has_changes(&plan);
    if (changes && !o.auto_approve && !o.plan_file) {
        fputc('\n', human);
        if (!dp_stack_confirm("Do you want to perform these actions?", "apply")) {
            if (isatty(0))
                dp_cli_fail("apply cancelled");
            goto done;
        }
    }
    if (changes)
        fputc('\n', human);
    record_template(state, &s);
    dp_apply_opts ao = {.rollback_on_failure = o.rollback, .empty_buckets = o.empty_buckets,
                        .interrupt = dp_interrupt_level()};
    if (dp_interrupt_arm())
        ao.interrupt = NULL; /* Ctrl-C then ends the process: the state has every completed step */
    int arc = dp_apply_run(&s.eng, &plan, &s.desired, state, &ao, &res, &e);
    dp_interrupt_disarm();
    if (arc) {
        report_failure(&s, &res, &e, o.json);
        goto done;
    }
    write_trace(&res, &plan);
    char el[32];
    dp_exec_format_elapsed(res.stats.wall_s, el, sizeof el);
    if (o.json) {
        fprintf(human, "%sApply complete! Resources: %zu added, %zu changed, %zu replaced, %zu destroyed (%s).\n",
                changes ? "\n" : "", res.created, res.updated, res.replaced, res.deleted, el);
        print_json_result(s.stack, &res, NULL);
    } else {
        printf("%sApply complete! Resources: %zu added, %zu changed, %zu replaced, %zu destroyed (%s).\n",
               changes ? "\n" : "", res.created, res.updated, res.replaced, res.deleted, el);
        print_outputs(res.outputs);
    }
    rc = DP_EXIT_OK;
done:
    dp_apply_result_cleanup(&res);
    cJSON_Delete(state);
    dp_plan_cleanup(&plan);
    dp_plan_cleanup(&saved);
    dp_param_inputs_cleanup(&params);
    dp_stack_session_close(&s);
    dp_stack_opts_cleanup(&o);
    return rc;
}
