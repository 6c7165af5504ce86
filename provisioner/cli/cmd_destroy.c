/* cmd_destroy.c - `dmsprov destroy`: delete everything the stack owns, found by ownership tags
 * (no template or state needed), referrers first, in parallel, honouring DeletionPolicy. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "provisioner/cli/commands.h"
#include "provisioner/cli/stack_opts.h"
#include "provisioner/engine/apply.h"
#include "provisioner/engine/interrupt.h"
#include "provisioner/engine/stack.h"
#include "provisioner/session/session.h"

static const char *sstr(const cJSON *o, const char *k)
{
    const cJSON *v = o ? cJSON_GetObjectItemCaseSensitive(o, k) : NULL;
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* destroy --json: the result as one document on stdout. */
static void print_json_result(const char *stack, size_t deleted, size_t kept, double wall_s, const char *error)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "stack", stack ? stack : "");
    cJSON_AddBoolToObject(o, "destroyed", error == NULL);
    if (error) {
        cJSON_AddStringToObject(o, "error", error);
    } else {
        cJSON_AddNumberToObject(o, "deleted", (double)deleted);
        cJSON_AddNumberToObject(o, "kept", (double)kept);
        cJSON_AddNumberToObject(o, "elapsed_s", wall_s);
    }
    dp_cli_print_json(o);
}

/* One delete action per live (listed) resource and per state resource, deps from the template,
 * else the state, else (in apply) the types. */
static int build(dp_stack_session *s, const cJSON *state, dp_plan *plan, dp_err *e)
{
    size_t nt = 0;
    const dp_driver *const *all = s->eng.all_drivers(&nt);
    const char **types = calloc(nt + 1, sizeof *types);
    if (!types) {
        dp_err_set(e, DP_E_NOMEM, "out of memory");
        return -1;
    }
    for (size_t i = 0; i < nt; i++)
        types[i] = all[i]->type;
    dp_live live;
    dp_live_init(&live);
    int rc = dp_live_list(&s->eng, types, nt, &live, e);
    free(types);
    if (rc) {
        dp_live_cleanup(&live);
        return -1;
    }
    plan->read_requests = live.requests;
    const cJSON *sres = cJSON_GetObjectItemCaseSensitive(state, "resources");
    const cJSON *x;
    cJSON_ArrayForEach(x, sres) /* state resources the listing missed (tags not visible yet) */
    {
        const char *pid = sstr(x, "physical_id");
        if (pid && sstr(x, "type") && !dp_live_find(&live, x->string, pid))
            dp_live_add(&live, x->string, sstr(x, "type"), pid, false);
    }
    for (size_t i = 0; i < live.n; i++) {
        dp_live_res *lv = &live.v[i];
        dp_action *a = dp_plan_add(plan, lv->logical_id, lv->type, DP_ACT_DELETE);
        if (!a || !(a->physical_id = strdup(lv->physical_id))) {
            dp_err_set(e, DP_E_NOMEM, "out of memory");
            rc = -1;
            break;
        }
        const cJSON *st = sres ? cJSON_GetObjectItemCaseSensitive(sres, lv->logical_id) : NULL;
        const dp_desired_res *tr = NULL;
        for (size_t k = 0; s->tpl && k < s->desired.n && !tr; k++)
            if (!strcmp(s->desired.res[k].logical_id, lv->logical_id))
                tr = &s->desired.res[k];
        const char *pol = tr && tr->deletion_policy ? tr->deletion_policy : sstr(st, "deletion_policy");
        a->deletion_policy = strdup(pol ? pol : "Delete");
        a->retain = pol && (!strcmp(pol, "Retain") || !strcmp(pol, "RetainExceptOnCreate"));
        if (tr) {
            a->old_deps = dp_strv_copy(tr->deps, tr->ndeps);
            a->nold_deps = a->old_deps ? tr->ndeps : 0;
        } else {
            a->old_deps = dp_strv_from_json(cJSON_GetObjectItemCaseSensitive(st, "depends_on"), &a->nold_deps);
        }
        if (!a->deletion_policy || !a->old_deps) {
            dp_err_set(e, DP_E_NOMEM, "out of memory");
            rc = -1;
            break;
        }
    }
    dp_live_cleanup(&live);
    return rc;
}

int dp_cmd_destroy(const dp_globals *g, int argc, char **argv)
{
    dp_stack_opts o;
    dp_stack_opts_init(&o);
    const dp_option opts[] = {
        DP_OPT_STRING(0, "stack", &o.stack, "NAME", "the stack (default: from -t's file name)"),
        DP_OPT_STRING('t', "template", &o.template_path, "FILE", "the stack's template (optional)"),
        DP_OPT_FLAG(0, "auto-approve", &o.auto_approve, "do not ask (required without a terminal)"),
        DP_OPT_FLAG(0, "empty-buckets", &o.empty_buckets, "empty S3 buckets before deleting them"),
        DP_OPT_INT(0, "parallelism", &o.parallelism, "N", 1, 100, "deletes in flight at once (default 10)"),
        DP_OPT_FLAG(0, "break-lock", &o.break_lock, "take the stack's lock even if another run holds it (stale lock)"),
        DP_OPT_FLAG(0, "json", &o.json,
                    "for programs (needs --auto-approve): the list and progress go to\n"
                    "stderr; stdout gets {\"stack\", \"destroyed\": true, \"deleted\", \"kept\",\n"
                    "\"elapsed_s\"} or, when a delete fails, {\"stack\", \"destroyed\": false,\n"
                    "\"error\"}"),
        DP_OPT_END(),
    };
    const dp_opt_cmd cmd = {
        .name = "destroy",
        .options = opts,
        .usage = "dmsprov destroy --stack NAME [-t FILE] [--auto-approve] [--empty-buckets]\n"
                 "                       [--parallelism N] [--break-lock] [--json]",
        .description = "Deletes every resource stack NAME owns, found by its ownership tags (dmsprov:stack), even\n"
                       "with no local state and no template. Referrers go first (tasks before their endpoints and\n"
                       "instances, DB instances before their cluster, rotation schedules before their secret, ...),\n"
                       "independent resources in parallel. DeletionPolicy Retain keeps a resource; Snapshot\n"
                       "snapshots it first. With -t, the template's dependencies and policies are used.\n",
        .examples = "dmsprov destroy --stack lab1\n"
                    "dmsprov destroy --stack lab1 --auto-approve --empty-buckets\n"
                    "dmsprov destroy -t examples/lab-20.1/template.yaml --auto-approve --json",
    };
    int rc = dp_stack_opts_parse(&o, &cmd, argc, argv);
    if (rc)
        return rc == DP_OPT_HELP ? DP_EXIT_OK : rc;
    if (o.json && !o.auto_approve) {
        dp_stack_opts_cleanup(&o);
        return dp_cli_usage_fail("destroy", "--json needs --auto-approve: a program cannot answer the confirmation "
                                            "prompt");
    }
    FILE *human = o.json ? stderr : stdout; /* with --json, stdout holds only the result */
    dp_err e;
    dp_err_clear(&e);
    dp_stack_session s;
    memset(&s, 0, sizeof s);
    dp_plan plan;
    dp_plan_init(&plan);
    dp_apply_result res;
    memset(&res, 0, sizeof res);
    cJSON *state = NULL;
    bool had_state = false;
    rc = DP_EXIT_ERROR;
    if (dp_stack_session_open(&s, g, o.stack, &e) || dp_stack_session_lock(&s, "destroy", o.break_lock, &e) ||
        (o.template_path && dp_stack_load_template(&s, o.template_path, &o.params, true, &e))) {
        dp_session_fail(&e);
        goto done;
    }
    if (o.parallelism)
        s.eng.parallelism = o.parallelism;
    s.eng.out = human;
    if (!(plan.stack = strdup(s.stack)))
        dp_err_set(&e, DP_E_NOMEM, "out of memory");
    if (!plan.stack || !(state = dp_stack_state_read(&s, &had_state, &e)) || build(&s, state, &plan, &e)) {
        dp_session_fail(&e);
        goto done;
    }
    if (!plan.n) {
        fprintf(human, "Nothing to destroy: stack %s owns no resources.\n", s.stack);
        if (had_state && dp_state_delete(s.store, s.stack, &e)) {
            dp_session_fail(&e);
            goto done;
        }
        if (o.json)
            print_json_result(s.stack, 0, 0, 0, NULL);
        rc = DP_EXIT_OK;
        goto done;
    }
    fprintf(human, "Stack %s: these resources will be destroyed:\n", s.stack);
    size_t kept = 0;
    for (size_t i = 0; i < plan.n; i++) {
        const dp_action *a = &plan.v[i];
        fprintf(human, "  - %s %s (%s)%s\n", a->type, a->logical_id, a->physical_id,
                a->retain ? " - kept: DeletionPolicy Retain" : "");
        kept += a->retain;
    }
    fprintf(human, "\nDestroy: %zu to destroy, %zu kept.\n", plan.n - kept, kept);
    if (!o.auto_approve) {
        putchar('\n');
        if (!dp_stack_confirm("Do you really want to destroy these resources? There is no undo.", "destroy")) {
            if (isatty(0))
                dp_cli_fail("destroy cancelled");
            goto done;
        }
    }
    fputc('\n', human);
    dp_apply_opts ao = {.empty_buckets = o.empty_buckets, .interrupt = dp_interrupt_level()};
    if (dp_interrupt_arm())
        ao.interrupt = NULL;
    int arc = dp_apply_run(&s.eng, &plan, NULL, state, &ao, &res, &e);
    dp_interrupt_disarm();
    if (arc) {
        char line[1400];
        dp_err_format(&e, line, sizeof line);
        if (res.error[0])
            dp_cli_fail("%s; run destroy again to finish", res.error);
        else
            dp_session_fail(&e);
        if (o.json)
            print_json_result(s.stack, 0, 0, 0, res.error[0] ? res.error : line);
        goto done;
    }
    if (dp_state_delete(s.store, s.stack, &e)) {
        dp_session_fail(&e);
        goto done;
    }
    char el[32];
    dp_exec_format_elapsed(res.stats.wall_s, el, sizeof el);
    fprintf(human, "\nDestroy complete! Resources: %zu destroyed, %zu kept (%s).\n", res.deleted, kept, el);
    if (o.json)
        print_json_result(s.stack, res.deleted, kept, res.stats.wall_s, NULL);
    rc = DP_EXIT_OK;
done:
    dp_apply_result_cleanup(&res);
    cJSON_Delete(state);
    dp_plan_cleanup(&plan);
    dp_stack_session_close(&s);
    dp_stack_opts_cleanup(&o);
    return rc;
}
