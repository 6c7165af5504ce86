/* test_engine_exec.c - the executor: longest path first, dependents start as soon as ready,
 * waits do not hold workers, the parallelism bound, and fail-fast with in-flight completion. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check.h"
#include "provisioner/engine/exec.h"

typedef struct job {
    int steps[32];       /* IN_PROGRESS answers before the end */
    long delay_ms;
    int fail_at;         /* node that fails (-1 none) */
    pthread_mutex_t mu;
    int order[32];       /* nodes in the order they first stepped */
    int norder;
    double start[32], end[32];
    int done_calls;
} job;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void step(void *ctx, size_t i, const cJSON *context, dp_progress *p)
{
    job *j = ctx;
    int n = context ? cJSON_GetObjectItemCaseSensitive(context, "n")->valueint : 0;
    if (!context) {
        pthread_mutex_lock(&j->mu);
        j->order[j->norder++] = (int)i;
        j->start[i] = now_s();
        pthread_mutex_unlock(&j->mu);
    }
    if (n < j->steps[i]) {
        p->status = DP_OP_IN_PROGRESS;
        p->delay_ms = j->delay_ms;
        p->context = cJSON_CreateObject();
        cJSON_AddNumberToObject(p->context, "n", n + 1);
        return;
    }
    j->end[i] = now_s();
    if ((int)i == j->fail_at) {
        p->status = DP_OP_FAILED;
        dp_err_set(&p->err, DP_E_AWS, "boom");
        return;
    }
    p->status = DP_OP_SUCCESS;
}

static void done(void *ctx, size_t i, dp_progress *p)
{
    (void)i;
    (void)p;
    ((job *)ctx)->done_calls++; /* serialised by the executor */
}

static void init_job(job *j)
{
    memset(j, 0, sizeof *j);
    pthread_mutex_init(&j->mu, NULL);
    j->fail_at = -1;
    j->delay_ms = 20;
}

static void test_longest_path_first(void)
{
    /* chain 0 -> 1 -> 2 (dependencies point back), and independent 3, 4 */
    static const size_t d1[] = {0}, d2[] = {1};
    dp_exec_node n[5] = {{0}};
    n[1].deps = d1, n[1].ndeps = 1;
    n[2].deps = d2, n[2].ndeps = 1;
    double cost[5] = {3, 3, 3, 1, 1};
    dp_exec_longest_path(n, 5, cost);
    CHECK(n[0].priority == 9);
    CHECK(n[1].priority == 6);
    CHECK(n[3].priority == 1);
    job j;
    init_job(&j);
    dp_exec_ops ops = {.ctx = &j, .step = step, .done = done};
    dp_exec_opts o = {.parallelism = 1};
    CHECK_INT(dp_exec_run(n, 5, &ops, &o, NULL), 0);
    int want[5] = {0, 1, 2, 3, 4};
    for (int i = 0; i < 5; i++)
        CHECK_INT(j.order[i], want[i]);
    CHECK_INT(j.done_calls, 5);
}

static void test_dependent_starts_at_once(void)
{
    /* 0 -> 1 quick chain; 2 slow and independent: 1 must start long before 2 ends */
    static const size_t d1[] = {0};
    dp_exec_node n[3] = {{0}};
    n[1].deps = d1, n[1].ndeps = 1;
    job j;
    init_job(&j);
    j.steps[2] = 10;
    dp_exec_longest_path(n, 3, NULL);
    dp_exec_ops ops = {.ctx = &j, .step = step, .done = done};
    dp_exec_opts o = {.parallelism = 10};
    CHECK_INT(dp_exec_run(n, 3, &ops, &o, NULL), 0);
    CHECK(j.start[1] < j.end[2] - 0.1);
    CHECK(j.start[1] >= j.end[0]);
}

static void test_waits_do_not_block(void)
{
    /* 20 operations, each waiting 3 x 50 ms: together about 150 ms, not 3 s */
    dp_exec_node n[20] = {{0}};
    job j;
    init_job(&j);
    j.delay_ms = 50;
    for (int i = 0; i < 20; i++)
        j.steps[i] = 3;
    dp_exec_ops ops = {.ctx = &j, .step = step, .done = done};
    dp_exec_opts o = {.parallelism = 20};
    dp_exec_stats st;
    CHECK_INT(dp_exec_run(n, 20, &ops, &o, &st), 0);
    CHECK(st.wall_s < 1.0);
    CHECK_INT(st.max_in_flight, 20);
    CHECK_INT(st.steps, 80);
    CHECK_INT((long)st.done, 20);

    /* the bound holds, counting operations that are waiting */
    init_job(&j);
    j.delay_ms = 10;
    for (int i = 0; i < 20; i++)
        j.steps[i] = 2;
    o.parallelism = 4;
    CHECK_INT(dp_exec_run(n, 20, &ops, &o, &st), 0);
    CHECK_INT(st.max_in_flight, 4);
}

static void test_fail_fast(void)
{
    /* 0 fails after a wait; 1 depends on 0; 2 is in flight at that time and finishes; 3 and 4
     * never start (parallelism 2, lower priority) */
    static const size_t d1[] = {0};
    dp_exec_node n[5] = {{0}};
    n[1].deps = d1, n[1].ndeps = 1;
    n[0].priority = 10, n[1].priority = 5, n[2].priority = 9, n[3].priority = 1, n[4].priority = 1;
    job j;
    init_job(&j);
    j.fail_at = 0;
    j.steps[0] = 1;
    j.steps[2] = 6;
    dp_exec_ops ops = {.ctx = &j, .step = step, .done = done};
    dp_exec_opts o = {.parallelism = 2};
    dp_exec_stats st;
    CHECK_INT(dp_exec_run(n, 5, &ops, &o, &st), -1);
    CHECK_INT(n[0].status, DP_EXEC_FAILED);
    CHECK_INT(n[1].status, DP_EXEC_SKIPPED);
    CHECK_INT(n[2].status, DP_EXEC_DONE);
    CHECK_INT(n[3].status, DP_EXEC_SKIPPED);
    CHECK_INT(n[4].status, DP_EXEC_SKIPPED);
    CHECK_INT((long)st.failed, 1);
    CHECK_INT((long)st.skipped, 3);
    CHECK_INT(j.norder, 2);
}

static void describe(void *ctx, size_t i, char *out, size_t n)
{
    (void)ctx;
    snprintf(out, n, "AWS::DMS::ReplicationInstance Node%zu: still creating", i);
}

static void test_progress_lines(void)
{
    /* a long wait prints "still …" lines with the elapsed time and the driver's status */
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    dp_exec_node n[1] = {{0}};
    job j;
    init_job(&j);
    j.steps[0] = 6;
    j.delay_ms = 40;
    dp_exec_ops ops = {.ctx = &j, .step = step, .done = done, .describe = describe};
    dp_exec_opts o = {.parallelism = 2, .progress = f, .progress_every_s = 0.05, .progress_after_s = 0.05};
    CHECK_INT(dp_exec_run(n, 1, &ops, &o, NULL), 0);
    fclose(f);
    CHECK(buf && strstr(buf, "AWS::DMS::ReplicationInstance Node0: still creating… [0s]\n") != NULL);
    free(buf);
}

static void test_elapsed(void)
{
    char b[32];
    dp_exec_format_elapsed(80.2, b, sizeof b);
    CHECK_STR(b, "1m20s");
    dp_exec_format_elapsed(7, b, sizeof b);
    CHECK_STR(b, "7s");
}

int main(void)
{
    test_longest_path_first();
    test_dependent_starts_at_once();
    test_waits_do_not_block();
    test_fail_fast();
    test_progress_lines();
    test_elapsed();
    CHECK_DONE();
}
