/* task_verbs.c - what each `dmsprov task` verb does once its command line is parsed. */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "drivers/base/buf.h"
#include "provisioner/session/report.h"
#include "provisioner/session/session.h"
#include "provisioner/task/task_args.h"
#include "provisioner/task/task_control.h"
#include "provisioner/task/task_recover.h"
#include "provisioner/task/task_resolve.h"
#include "provisioner/task/task_status.h"
#include "provisioner/task/task_wait.h"

#define DEFAULT_TIMEOUT_MS (30 * 60 * 1000LL)

/* Everything one verb needs. */
typedef struct run {
    const dp_globals *g;
    const dp_task_args *a;
    dp_client *c;
    dp_task_ref ref;
    cJSON *task; /* owned: the task as resolved */
    dp_task_wait_opts wo;
} run;

/* The final word of a verb: the task's status as JSON with --json, else msg on stdout. */
static int finish(run *r, const char *arn, const char *msg)
{
    if (!r->a->json) {
        if (msg)
            puts(msg);
        return DP_EXIT_OK;
    }
    cJSON *task = NULL;
    dp_err e;
    dp_err_clear(&e);
    if (dp_task_describe(r->c, arn, &task, &e) < 0)
        return dp_session_fail(&e);
    dp_cli_print_json(dp_task_status_json(task, NULL, NULL));
    cJSON_Delete(task);
    return DP_EXIT_OK;
}

static int ended(int rc, const char *why)
{
    if (rc == DP_EXIT_OK)
        return DP_EXIT_OK;
    fprintf(stderr, "dmsprov: %s: %s\n", rc == DP_EXIT_TIMEOUT ? "timeout" : "error", why);
    return rc;
}

static int wait_then(run *r, dp_task_target t, const char *arn, const char *done_msg)
{
    char why[1400];
    r->wo.target = t;
    int rc = dp_task_wait(r->c, arn, &r->wo, NULL, why, sizeof why);
    if (rc)
        return ended(rc, why);
    return finish(r, arn, done_msg);
}

static int do_start(run *r)
{
    char why[600], msg[700];
    const char *type = r->a->type ? r->a->type : dp_task_default_start_type(r->task);
    if (dp_task_check_start(r->task, type, why, sizeof why))
        return dp_cli_fail("%s", why);
    dp_task_start_opts so = {type, r->a->cdc_start_time, r->a->cdc_start_position, r->a->cdc_stop_position};
    dp_err e;
    dp_err_clear(&e);
    if (dp_task_start(r->c, r->ref.arn, &so, NULL, &e))
        return dp_session_fail(&e);
    const char *id = dp_task_str(r->task, "ReplicationTaskIdentifier");
    if (!r->a->json)
        printf("Starting task %s (%s)\n", id, type);
    snprintf(msg, sizeof msg, "Task %s is running", id);
    if (r->a->wait)
        return wait_then(r, DP_TARGET_RUNNING, r->ref.arn, msg);
    return finish(r, r->ref.arn, NULL);
}

static int do_stop(run *r)
{
    char why[600], msg[700];
    const char *id = dp_task_str(r->task, "ReplicationTaskIdentifier");
    int ok = dp_task_check_stop(r->task, why, sizeof why);
    if (ok < 0)
        return dp_cli_fail("%s", why);
    if (ok == 0) {
        dp_err e;
        dp_err_clear(&e);
        if (dp_task_stop(r->c, r->ref.arn, NULL, &e))
            return dp_session_fail(&e);
        if (!r->a->json)
            printf("Stopping task %s\n", id);
    } else if (!r->a->json) {
        printf("%s\n", why);
    }
    snprintf(msg, sizeof msg, "Task %s is stopped", id);
    if (r->a->wait)
        return wait_then(r, DP_TARGET_STOPPED, r->ref.arn, msg);
    return finish(r, r->ref.arn, NULL);
}

static int do_status(run *r)
{
    cJSON *tables = NULL;
    dp_err e;
    dp_err_clear(&e);
    if (dp_task_table_stats(r->c, r->ref.arn, &tables, &e))
        return dp_session_fail(&e);
    /* Latency is read only while the task runs: a stopped task has no current figure. */
    dp_cdc_latency lat, *lp = NULL;
    if (!strcmp(dp_task_str(r->task, "Status"), "running")) {
        dp_task_cdc_latency(r->c, r->task, time(NULL), &lat);
        lp = &lat;
    }
    if (r->a->json) {
        dp_cli_print_json(dp_task_status_json(r->task, tables, lp));
    } else {
        dp_buf out;
        dp_buf_init(&out, DP_BUF_DEFAULT_MAX);
        dp_task_render_status(r->task, tables, lp, &out);
        fputs(dp_buf_str(&out), stdout);
        dp_buf_cleanup(&out);
    }
    cJSON_Delete(tables);
    return DP_EXIT_OK;
}

static int do_wait(run *r)
{
    char msg[700];
    snprintf(msg, sizeof msg, "Task %s is %s", dp_task_str(r->task, "ReplicationTaskIdentifier"),
             dp_task_target_name(r->a->until));
    return wait_then(r, r->a->until, r->ref.arn, msg);
}

/* The failure, the checkpoint and the tables in error. */
static int show_failure(run *r)
{
    cJSON *tables = NULL;
    dp_err e;
    dp_err_clear(&e);
    if (dp_task_table_stats(r->c, r->ref.arn, &tables, &e))
        return dp_session_fail(&e);
    FILE *out = r->a->json ? stderr : stdout;
    const cJSON *t = r->task;
    fprintf(out, "Task %s is %s\n", dp_task_str(t, "ReplicationTaskIdentifier"), dp_task_str(t, "Status"));
    if (*dp_task_str(t, "LastFailureMessage"))
        fprintf(out, "Last failure: %s\n", dp_task_str(t, "LastFailureMessage"));
    if (*dp_task_str(t, "StopReason"))
        fprintf(out, "Stop reason: %s\n", dp_task_str(t, "StopReason"));
    if (*dp_task_str(t, "RecoveryCheckpoint"))
        fprintf(out, "Recovery checkpoint: %s\n", dp_task_str(t, "RecoveryCheckpoint"));
    dp_buf errs;
    dp_buf_init(&errs, DP_BUF_DEFAULT_MAX);
    dp_task_render_errored(tables, &errs);
    if (errs.len)
        fprintf(out, "Tables in error:\n%s", dp_buf_str(&errs));
    dp_buf_cleanup(&errs);
    cJSON_Delete(tables);
    return DP_EXIT_OK;
}

static int do_recover(run *r)
{
    char why[1400], new_arn[512] = "";
    if (dp_task_check_recover(r->task, r->a->route, why, sizeof why))
        return dp_cli_fail("%s", why);
    int rc = show_failure(r);
    if (rc)
        return rc;
    const char *id = dp_task_str(r->task, "ReplicationTaskIdentifier");
    switch (r->a->route) {
    case DP_ROUTE_SHOW:
        if (!r->a->json)
            puts("\nRecover with one of: --resume (after removing the offending input), --reload TABLE..., "
                 "--replace");
        return finish(r, r->ref.arn, NULL);
    case DP_ROUTE_RESUME:
        rc = dp_task_recover_resume(r->c, r->task, &r->wo, why, sizeof why);
        if (rc)
            return ended(rc, why);
        snprintf(why, sizeof why, "Task %s resumed and running", id);
        return finish(r, r->ref.arn, why);
    case DP_ROUTE_RELOAD:
        rc = dp_task_recover_reload(r->c, r->task, r->a->tables, r->a->ntables, &r->wo, why, sizeof why);
        if (rc)
            return ended(rc, why);
        snprintf(why, sizeof why, "Task %s is reloading %d table%s", id, r->a->ntables, r->a->ntables == 1 ? "" : "s");
        return finish(r, r->ref.arn, why);
    case DP_ROUTE_REPLACE:
        rc = dp_task_recover_replace(r->c, r->g->state, &r->ref, r->task, &r->wo, new_arn, sizeof new_arn, why,
                                     sizeof why);
        if (rc)
            return ended(rc, why);
        snprintf(why, sizeof why, "Task %s replaced: %s is running from the recovery checkpoint", id, new_arn);
        return finish(r, new_arn, why);
    }
    return DP_EXIT_ERROR;
}

int dp_task_run(const dp_globals *g, const dp_task_args *a)
{
    run r = {.g = g, .a = a};
    dp_err e;
    dp_err_clear(&e);
    if (!(r.c = dp_session_client(g, &e)))
        return dp_session_fail(&e);
    int rc;
    if (dp_task_resolve(r.c, g->state, a->stack, a->task, &r.ref, &r.task, &e)) {
        rc = dp_session_fail(&e);
        goto done;
    }
    r.wo.out = a->json ? stderr : stdout; /* --json keeps stdout for the document */
    r.wo.live = isatty(fileno(r.wo.out));
    r.wo.interval_ms = a->interval_ms;
    r.wo.timeout_ms = a->timeout_ms >= 0 ? a->timeout_ms : a->verb == DP_VERB_WAIT ? 0 : DEFAULT_TIMEOUT_MS;
    switch (a->verb) {
    case DP_VERB_START: rc = do_start(&r); break;
    case DP_VERB_STOP: rc = do_stop(&r); break;
    case DP_VERB_STATUS: rc = do_status(&r); break;
    case DP_VERB_WAIT: rc = do_wait(&r); break;
    default: rc = do_recover(&r); break;
    }
done:
    cJSON_Delete(r.task);
    dp_client_free(r.c);
    return rc;
}
