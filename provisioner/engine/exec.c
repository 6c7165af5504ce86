/* exec.c - the operation scheduler: ready queue by priority, timer queue for waits, workers. */
#include "provisioner/engine/exec.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum phase { PH_WAITING, PH_READY, PH_STEPPING, PH_SLEEPING, PH_FINISHED };

typedef struct run {
    dp_exec_node *nodes;
    size_t n;
    const dp_exec_ops *ops;
    const dp_exec_opts *o;
    pthread_mutex_t mu;
    pthread_mutex_t done_mu;
    pthread_cond_t cv;
    double t0;
    enum phase *phase;
    size_t *missing;        /* dependencies not yet done */
    size_t **dependents;    /* reverse edges */
    size_t *ndependents;
    double *due;            /* SLEEPING: when to step again */
    double *last_print;     /* progress lines */
    cJSON **context;
    char (*status_text)[96];
    size_t stepping, sleeping, ready, finished;
    bool failed;
    bool interrupted;       /* nothing new starts (interrupt level >= 1 seen) */
    size_t abandoned;
    long steps;
    int max_in_flight;
} run;

double dp_exec_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void dp_exec_format_elapsed(double s, char *out, size_t n)
{
    long t = (long)(s + 0.5);
    if (t >= 60)
        snprintf(out, n, "%ldm%02lds", t / 60, t % 60);
    else
        snprintf(out, n, "%lds", t);
}

static void wait_until(run *r, double when)
{
    if (when <= 0) {
        pthread_cond_wait(&r->cv, &r->mu);
        return;
    }
    struct timespec ts;
    double whole = (double)(long)when;
    ts.tv_sec = (time_t)whole;
    ts.tv_nsec = (long)((when - whole) * 1e9);
    if (ts.tv_nsec >= 1000000000L) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000L;
    }
    pthread_cond_timedwait(&r->cv, &r->mu, &ts);
}

/* Prints "still …" lines for long operations; returns the next time a line is due (0: none). */
static double progress_lines(run *r, double now)
{
    if (!r->o->progress || !r->ops->describe)
        return 0;
    double every = r->o->progress_every_s > 0 ? r->o->progress_every_s : 10.0;
    double after = r->o->progress_after_s > 0 ? r->o->progress_after_s : 10.0;
    double next = 0;
    for (size_t i = 0; i < r->n; i++) {
        if (r->phase[i] != PH_SLEEPING && r->phase[i] != PH_STEPPING)
            continue;
        double started = r->t0 + r->nodes[i].started_s;
        double at = r->last_print[i] > 0 ? r->last_print[i] + every : started + after;
        if (at <= now) {
            char what[256], el[32];
            r->ops->describe(r->ops->ctx, i, what, sizeof what);
            dp_exec_format_elapsed(now - started, el, sizeof el);
            if (r->status_text[i][0])
                fprintf(r->o->progress, "%s… [%s] (%s)\n", what, el, r->status_text[i]);
            else
                fprintf(r->o->progress, "%s… [%s]\n", what, el);
            fflush(r->o->progress);
            r->last_print[i] = now;
            at = now + every;
        }
        if (!next || at < next)
            next = at;
    }
    return next;
}

/* Picks the next node to step (lock held): a due timer first, then the best ready node. */
static long pick(run *r, double now, double *next_due)
{
    long best = -1;
    double best_due = 0;
    *next_due = 0;
    for (size_t i = 0; i < r->n; i++) {
        if (r->phase[i] != PH_SLEEPING)
            continue;
        if (r->due[i] <= now && (best < 0 || r->due[i] < best_due)) {
            best = (long)i;
            best_due = r->due[i];
        }
        if (r->due[i] > now && (!*next_due || r->due[i] < *next_due))
            *next_due = r->due[i];
    }
    if (best >= 0) {
        r->sleeping--;
        return best;
    }
    if (r->failed || r->interrupted || r->ready == 0 || (int)(r->stepping + r->sleeping) >= r->o->parallelism)
        return -1;
    for (size_t i = 0; i < r->n; i++)
        if (r->phase[i] == PH_READY && (best < 0 || r->nodes[i].priority > r->nodes[best].priority))
            best = (long)i;
    if (best >= 0) {
        r->ready--;
        r->nodes[best].status = DP_EXEC_RUNNING;
        r->nodes[best].started_s = now - r->t0;
    }
    return best;
}

static void finish(run *r, size_t i, bool ok, double now)
{
    r->phase[i] = PH_FINISHED;
    r->finished++;
    r->nodes[i].finished_s = now - r->t0;
    r->nodes[i].status = ok ? DP_EXEC_DONE : DP_EXEC_FAILED;
    if (!ok) {
        r->failed = true;
        return;
    }
    for (size_t k = 0; k < r->ndependents[i]; k++) {
        size_t d = r->dependents[i][k];
        if (r->phase[d] == PH_WAITING && --r->missing[d] == 0) {
            r->phase[d] = PH_READY;
            r->ready++;
        }
    }
}

/* Reads the interrupt level (lock held): level 1 stops new starts, level 2 also drops the
 * operations waiting on their timer (their nodes end up SKIPPED; the caller's state already
 * records what each one had done). */
static void check_interrupt(run *r)
{
    int level = r->o->interrupt ? (int)*r->o->interrupt : 0;
    if (level >= 1 && !r->interrupted && r->finished < r->n)
        r->interrupted = true;
    if (level < 2)
        return;
    for (size_t i = 0; i < r->n; i++)
        if (r->phase[i] == PH_SLEEPING) {
            r->phase[i] = PH_FINISHED;
            r->sleeping--;
            r->finished++;
            r->abandoned++;
        }
}

static void *worker(void *arg)
{
    run *r = arg;
    pthread_mutex_lock(&r->mu);
    for (;;) {
        check_interrupt(r);
        if (r->stepping == 0 && r->sleeping == 0 && (r->failed || r->interrupted || r->ready == 0))
            break;
        double now = dp_exec_now(), next_due;
        long i = pick(r, now, &next_due);
        double next_print = progress_lines(r, now);
        if (i < 0) {
            double when = next_due;
            if (next_print && (!when || next_print < when))
                when = next_print;
            /* a signal handler cannot signal the condition: look at the interrupt level often */
            if (r->o->interrupt && (!when || when > now + 0.2))
                when = now + 0.2;
            wait_until(r, when);
            continue;
        }
        r->phase[i] = PH_STEPPING;
        r->stepping++;
        int inflight = (int)(r->stepping + r->sleeping);
        if (inflight > r->max_in_flight)
            r->max_in_flight = inflight;
        cJSON *ctx = r->context[i];
        r->context[i] = NULL;
        r->steps++;
        r->nodes[i].steps++;
        pthread_mutex_unlock(&r->mu);

        dp_progress p;
        dp_progress_init(&p);
        r->ops->step(r->ops->ctx, (size_t)i, ctx, &p);
        cJSON_Delete(ctx);
        bool finished = p.status != DP_OP_IN_PROGRESS;
        if (finished) {
            pthread_mutex_lock(&r->done_mu);
            if (r->ops->done)
                r->ops->done(r->ops->ctx, (size_t)i, &p);
            pthread_mutex_unlock(&r->done_mu);
        }

        pthread_mutex_lock(&r->mu);
        r->stepping--;
        if (finished) {
            finish(r, (size_t)i, p.status == DP_OP_SUCCESS, dp_exec_now());
        } else {
            r->context[i] = p.context;
            p.context = NULL;
            snprintf(r->status_text[i], sizeof r->status_text[i], "%s", p.status_text);
            r->phase[i] = PH_SLEEPING;
            r->sleeping++;
            r->due[i] = dp_exec_now() + (double)(p.delay_ms > 0 ? p.delay_ms : 0) / 1000.0;
        }
        dp_progress_cleanup(&p);
        pthread_cond_broadcast(&r->cv);
    }
    pthread_cond_broadcast(&r->cv);
    pthread_mutex_unlock(&r->mu);
    return NULL;
}

void dp_exec_longest_path(dp_exec_node *nodes, size_t n, const double *cost)
{
    /* Relaxation in rounds: graphs are small and acyclic, so n rounds reach the fixpoint. */
    for (size_t i = 0; i < n; i++)
        nodes[i].priority = cost ? cost[i] : 1.0;
    for (size_t round = 0; round < n; round++) {
        bool changed = false;
        for (size_t i = 0; i < n; i++)
            for (size_t k = 0; k < nodes[i].ndeps; k++) {
                size_t d = nodes[i].deps[k];
                double via = nodes[i].priority + (cost ? cost[d] : 1.0);
                if (d < n && via > nodes[d].priority) {
                    nodes[d].priority = via;
                    changed = true;
                }
            }
        if (!changed)
            break;
    }
}

static void free_run(run *r)
{
    if (r->dependents)
        for (size_t i = 0; i < r->n; i++)
            free(r->dependents[i]);
    if (r->context)
        for (size_t i = 0; i < r->n; i++)
            cJSON_Delete(r->context[i]);
    free(r->dependents);
    free(r->ndependents);
    free(r->phase);
    free(r->missing);
    free(r->due);
    free(r->last_print);
    free(r->context);
    free(r->status_text);
}

int dp_exec_run(dp_exec_node *nodes, size_t n, const dp_exec_ops *ops, const dp_exec_opts *o, dp_exec_stats *st)
{
    dp_exec_opts defaults = {.parallelism = 10};
    if (!o)
        o = &defaults;
    run r = {.nodes = nodes, .n = n, .ops = ops, .o = o};
    dp_exec_stats local = {0};
    if (!st)
        st = &local;
    memset(st, 0, sizeof *st);
    if (n == 0)
        return 0;
    r.phase = calloc(n, sizeof *r.phase);
    r.missing = calloc(n, sizeof *r.missing);
    r.dependents = calloc(n, sizeof *r.dependents);
    r.ndependents = calloc(n, sizeof *r.ndependents);
    r.due = calloc(n, sizeof *r.due);
    r.last_print = calloc(n, sizeof *r.last_print);
    r.context = calloc(n, sizeof *r.context);
    r.status_text = calloc(n, sizeof *r.status_text);
    if (!r.phase || !r.missing || !r.dependents || !r.ndependents || !r.due || !r.last_print || !r.context ||
        !r.status_text) {
        free_run(&r);
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        nodes[i].status = DP_EXEC_PENDING;
        nodes[i].steps = 0;
        nodes[i].started_s = nodes[i].finished_s = 0;
        for (size_t k = 0; k < nodes[i].ndeps; k++)
            if (nodes[i].deps[k] < n && nodes[i].deps[k] != i)
                r.ndependents[nodes[i].deps[k]]++;
    }
    for (size_t i = 0; i < n; i++) {
        r.dependents[i] = calloc(r.ndependents[i] + 1, sizeof **r.dependents);
        if (!r.dependents[i]) {
            free_run(&r);
            return -1;
        }
        r.ndependents[i] = 0;
    }
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < nodes[i].ndeps; k++) {
            size_t d = nodes[i].deps[k];
            if (d < n && d != i) {
                r.dependents[d][r.ndependents[d]++] = i;
                r.missing[i]++;
            }
        }
    for (size_t i = 0; i < n; i++)
        if (!r.missing[i]) {
            r.phase[i] = PH_READY;
            r.ready++;
        }
    pthread_mutex_init(&r.mu, NULL);
    pthread_mutex_init(&r.done_mu, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&r.cv, &ca);
    pthread_condattr_destroy(&ca);
    r.t0 = dp_exec_now();

    int par = o->parallelism > 0 ? o->parallelism : 1;
    size_t nthreads = (size_t)par < n ? (size_t)par : n;
    pthread_t *th = calloc(nthreads, sizeof *th);
    size_t started = 0;
    for (size_t i = 0; th && i < nthreads; i++)
        if (!pthread_create(&th[i], NULL, worker, &r))
            started++;
    if (!started) /* no thread at all: run on this one */
        worker(&r);
    for (size_t i = 0; i < started; i++)
        pthread_join(th[i], NULL);
    free(th);

    int rc = 0;
    for (size_t i = 0; i < n; i++) {
        if (nodes[i].status == DP_EXEC_PENDING || nodes[i].status == DP_EXEC_RUNNING)
            nodes[i].status = DP_EXEC_SKIPPED;
        if (nodes[i].status == DP_EXEC_DONE)
            st->done++;
        else if (nodes[i].status == DP_EXEC_FAILED)
            st->failed++, rc = -1;
        else
            st->skipped++, rc = -1;
    }
    st->interrupted = r.interrupted;
    st->abandoned = r.abandoned;
    st->wall_s = dp_exec_now() - r.t0;
    st->steps = r.steps;
    st->max_in_flight = r.max_in_flight;
    pthread_cond_destroy(&r.cv);
    pthread_mutex_destroy(&r.mu);
    pthread_mutex_destroy(&r.done_mu);
    free_run(&r);
    return rc;
}
