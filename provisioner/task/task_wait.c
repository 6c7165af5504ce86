/* task_wait.c - polling a replication task until a target state, with a progress display. */
#include "provisioner/task/task_wait.h"

#include <string.h>
#include <time.h>

#include "provisioner/session/session.h"
#include "provisioner/task/task_resolve.h"
#include "provisioner/task/task_status.h"

#define BAR_WIDTH 20
#define PLAIN_EVERY_MS 30000LL

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(long long ms)
{
    struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) == -1)
        ; /* EINTR: sleep the rest */
}

int dp_task_progress_line(const cJSON *task, long long tables_total, long long rows, long long elapsed_ms, bool bar,
                          dp_buf *out)
{
    long long done = dp_task_stat(task, "TablesLoaded");
    if (tables_total < 0)
        tables_total = done + dp_task_stat(task, "TablesLoading") + dp_task_stat(task, "TablesQueued") +
                       dp_task_stat(task, "TablesErrored");
    long long pct = dp_task_stat(task, "FullLoadProgressPercent");
    if (pct < 0)
        pct = 0;
    if (pct > 100)
        pct = 100;
    char el[32];
    dp_task_format_duration(elapsed_ms, el, sizeof el);
    const char *st = dp_task_str(task, "Status");
    if (!bar)
        return dp_buf_printf(out, "%s: full load %lld%%, tables %lld/%lld, rows %lld, elapsed %s", st, pct, done,
                             tables_total, rows, el);
    char cells[BAR_WIDTH + 1];
    int filled = (int)(pct * BAR_WIDTH / 100);
    for (int i = 0; i < BAR_WIDTH; i++)
        cells[i] = i < filled ? '#' : '-';
    cells[BAR_WIDTH] = '\0';
    return dp_buf_printf(out, "[%s] %3lld%%  tables %lld/%lld  rows %lld  elapsed %s  %s", cells, pct, done,
                         tables_total, rows, el, st);
}

/* Progress output state between polls. */
struct display {
    const dp_task_wait_opts *o;
    FILE *out;
    char last_key[512];
    long long last_print;
    bool drawn; /* a live line is on screen */
};

static void show(struct display *d, dp_client *c, const cJSON *task, long long elapsed, long long now)
{
    if (d->o->quiet)
        return;
    cJSON *tables = NULL;
    const char *st = dp_task_str(task, "Status");
    long long total = -1, rows = 0;
    /* tables only exist once the task ran; errors here cost only the row count */
    if (dp_task_ever_ran(task) && strcmp(st, "creating") && strcmp(st, "deleting")) {
        dp_err e;
        dp_err_clear(&e);
        if (!dp_task_table_stats(c, dp_task_str(task, "ReplicationTaskArn"), &tables, &e)) {
            if (cJSON_GetArraySize(tables))
                total = cJSON_GetArraySize(tables);
            rows = dp_task_rows(tables);
        }
    }
    dp_buf line, key;
    dp_buf_init(&line, 4096);
    dp_buf_init(&key, 4096);
    dp_task_progress_line(task, total, rows, elapsed, d->o->live, &line);
    dp_task_progress_line(task, total, rows, 0, false, &key); /* what changed, elapsed aside */
    if (d->o->live) {
        fprintf(d->out, "\r\033[K%s", dp_buf_str(&line));
        fflush(d->out);
        d->drawn = true;
    } else if (strcmp(dp_buf_str(&key), d->last_key) || now - d->last_print >= PLAIN_EVERY_MS) {
        fprintf(d->out, "%s: %s\n", dp_task_str(task, "ReplicationTaskIdentifier"), dp_buf_str(&line));
        fflush(d->out);
        snprintf(d->last_key, sizeof d->last_key, "%s", dp_buf_str(&key));
        d->last_print = now;
    }
    dp_buf_cleanup(&line);
    dp_buf_cleanup(&key);
    cJSON_Delete(tables);
}

int dp_task_wait(dp_client *c, const char *arn, const dp_task_wait_opts *o, cJSON **final, char *why, size_t n)
{
    struct display d = {.o = o, .out = o->out ? o->out : stdout, .last_print = 0};
    long long start = now_ms(), interval = o->interval_ms > 0 ? o->interval_ms : 5000;
    int rc = DP_EXIT_ERROR;
    cJSON *task = NULL;
    why[0] = '\0';
    if (final)
        *final = NULL;
    for (;;) {
        dp_err e;
        dp_err_clear(&e);
        cJSON_Delete(task);
        task = NULL;
        int found = dp_task_describe(c, arn, &task, &e);
        long long t = now_ms();
        if (found < 0) {
            dp_err_format(&e, why, n);
            break;
        }
        if (found == DP_MISSING) {
            if (o->target == DP_TARGET_DELETED)
                rc = DP_EXIT_OK;
            else
                snprintf(why, n, "task %s no longer exists", arn);
            break;
        }
        show(&d, c, task, t - start, t);
        dp_task_verdict v = dp_task_wait_verdict(task, o->target, why, n);
        if (v == DP_VERDICT_REACHED) {
            rc = DP_EXIT_OK;
            break;
        }
        if (v == DP_VERDICT_FAILED)
            break;
        if (o->timeout_ms > 0 && t - start >= o->timeout_ms) {
            char el[32];
            dp_task_format_duration(t - start, el, sizeof el);
            snprintf(why, n, "timed out after %s waiting for task %s to be %s (it is %s)", el,
                     dp_task_str(task, "ReplicationTaskIdentifier"), dp_task_target_name(o->target),
                     dp_task_str(task, "Status"));
            rc = DP_EXIT_TIMEOUT;
            break;
        }
        long long nap = interval;
        if (o->timeout_ms > 0 && start + o->timeout_ms - t < nap)
            nap = start + o->timeout_ms - t;
        sleep_ms(nap > 0 ? nap : 0);
    }
    if (d.drawn)
        fputc('\n', d.out);
    if (final)
        *final = task;
    else
        cJSON_Delete(task);
    return rc;
}
