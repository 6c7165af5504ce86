/* test_engine_interrupt.c - Ctrl-C during apply (interrupt.h, exec.h): the first interrupt
 * lets the operation in flight finish and starts nothing new, the second abandons waits; the
 * state records what completed and a re-apply carries on; the SIGINT handler counts and
 * restores the previous handler (an inherited SIG_IGN is kept). Also: a state that cannot be
 * written stops the run. */
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "engine_fake.h"
#include "provisioner/engine/apply.h"
#include "provisioner/engine/interrupt.h"
#include "provisioner/state/state.h"

static volatile sig_atomic_t level;

static int plan_apply(dp_engine *eng, fake_desired *fd, cJSON *state, dp_plan *plan, dp_apply_result *res,
                      const dp_apply_opts *o)
{
    dp_desired d = fake_desired_view(fd);
    dp_err e;
    dp_err_clear(&e);
    dp_plan_init(plan);
    if (dp_plan_build(eng, &d, state, plan, &e)) {
        fprintf(stderr, "plan failed: %s\n", e.message);
        return -2;
    }
    return dp_apply_run(eng, plan, &d, state, o, res, &e);
}

/* Raises the interrupt level once A's create has started: to 1, then (to2) 2 after 100 ms. */
typedef struct {
    bool to2;
    bool by_signal; /* raise(SIGINT) through the armed handler instead of setting `level` */
} interrupter;

static void *interrupt_after_a_starts(void *arg)
{
    interrupter *it = arg;
    for (int i = 0; i < 2000; i++) {
        pthread_mutex_lock(&fake.mu);
        bool started = false;
        for (int k = 0; k < fake.nev && !started; k++)
            started = !strcmp(fake.ev[k].what, "create-start") && !strcmp(fake.ev[k].logical, "A");
        pthread_mutex_unlock(&fake.mu);
        if (started)
            break;
        usleep(1000);
    }
    if (it->by_signal)
        raise(SIGINT);
    else
        level = 1;
    if (it->to2) {
        usleep(100 * 1000);
        if (it->by_signal)
            raise(SIGINT);
        else
            level = 2;
    }
    return NULL;
}

/* A -> B -> C; interrupted while A is in flight: A completes, B and C never start. */
static void test_first_interrupt_finishes_in_flight(bool by_signal)
{
    fake_reset();
    dp_engine eng;
    fake_engine(&eng);
    fake.steps = 5;
    fake.delay_ms = 20;
    fake_desired fd = {0};
    fake_desired_add(&fd, "A", "{\"Size\":1}", NULL, NULL);
    fake_desired_add(&fd, "B", "{\"Target\":{\"Ref\":\"A\"}}", "A", NULL);
    fake_desired_add(&fd, "C", "{\"Target\":{\"Ref\":\"B\"}}", "B", NULL);
    cJSON *state = new_state();
    dp_plan plan;
    dp_apply_result res;
    level = 0;
    dp_apply_opts o = {.rollback_on_failure = true, .interrupt = &level};
    if (by_signal) {
        CHECK_INT(dp_interrupt_arm(), 0);
        o.interrupt = dp_interrupt_level();
    }
    interrupter it = {.by_signal = by_signal};
    pthread_t th;
    pthread_create(&th, NULL, interrupt_after_a_starts, &it);
    CHECK_INT(plan_apply(&eng, &fd, state, &plan, &res, &o), -1);
    pthread_join(th, NULL);
    if (by_signal) {
        CHECK_INT((int)*dp_interrupt_level(), 1);
        dp_interrupt_disarm();
    }
    CHECK_STR(res.error, "interrupted: 2 operations not started");
    CHECK(res.stats.interrupted);
    CHECK_INT((long)res.stats.abandoned, 0);
    CHECK_INT((long)res.created, 1);
    CHECK(fake_event_at("create-end", "A") >= 0); /* the one in flight finished */
    CHECK(fake_event_at("create-start", "B") < 0);
    CHECK(fake_event_at("create-start", "C") < 0);
    CHECK(fake_event_at("delete-start", "A") < 0); /* no rollback on an interrupt */
    CHECK_STR(state_str(state, "A", "status"), "complete");
    CHECK(state_str(state, "A", "physical_id") != NULL);
    dp_plan_cleanup(&plan);
    dp_apply_result_cleanup(&res);
    /* the next apply carries on with B and C */
    level = 0;
    o.interrupt = &level;
    fake.nev = 0;
    CHECK_INT(plan_apply(&eng, &fd, state, &plan, &res, &o), 0);
    CHECK(dp_plan_find(&plan, "A")->kind == DP_ACT_NOOP);
    CHECK_INT((long)res.created, 2);
    CHECK_STR(state_str(state, "C", "status"), "complete");
    dp_plan_cleanup(&plan);
    dp_apply_result_cleanup(&res);
    cJSON_Delete(state);
}

/* A second interrupt abandons the wait: apply returns at once, A stays "creating" with its
 * client token (the next apply adopts or re-sends it). */
static void test_second_interrupt_abandons_waits(void)
{
    fake_reset();
    dp_engine eng;
    fake_engine(&eng);
    fake.steps = 100000;
    fake.delay_ms = 20;
    fake_desired fd = {0};
    fake_desired_add(&fd, "A", "{\"Size\":1}", NULL, NULL);
    fake_desired_add(&fd, "B", "{\"Target\":{\"Ref\":\"A\"}}", "A", NULL);
    cJSON *state = new_state();
    dp_plan plan;
    dp_apply_result res;
    level = 0;
    dp_apply_opts o = {.interrupt = &level};
    interrupter it = {.to2 = true};
    pthread_t th;
    pthread_create(&th, NULL, interrupt_after_a_starts, &it);
    double t0 = fake_now();
    CHECK_INT(plan_apply(&eng, &fd, state, &plan, &res, &o), -1);
    pthread_join(th, NULL);
    CHECK(fake_now() - t0 < 5.0);
    CHECK_STR(res.error, "interrupted: 1 operation not started, 1 abandoned while in progress");
    CHECK_INT((long)res.stats.abandoned, 1);
    CHECK(fake_event_at("create-end", "A") < 0);
    CHECK_STR(state_str(state, "A", "status"), "creating");
    CHECK(state_str(state, "A", "client_token") != NULL);
    dp_plan_cleanup(&plan);
    dp_apply_result_cleanup(&res);
    cJSON_Delete(state);
}

/* An interrupt after everything completed changes nothing: the apply succeeded. */
static void test_interrupt_after_the_end(void)
{
    fake_reset();
    dp_engine eng;
    fake_engine(&eng);
    fake_desired fd = {0};
    fake_desired_add(&fd, "A", "{\"Size\":1}", NULL, NULL);
    cJSON *state = new_state();
    dp_plan plan;
    dp_apply_result res;
    level = 0;
    dp_apply_opts o = {.interrupt = &level};
    CHECK_INT(plan_apply(&eng, &fd, state, &plan, &res, &o), 0);
    CHECK(!res.stats.interrupted);
    dp_plan_cleanup(&plan);
    dp_apply_result_cleanup(&res);
    /* already interrupted before the run: nothing starts */
    fake_desired_add(&fd, "B", "{\"Size\":2}", NULL, NULL);
    level = 1;
    fake.nev = 0;
    CHECK_INT(plan_apply(&eng, &fd, state, &plan, &res, &o), -1);
    CHECK_STR(res.error, "interrupted: 1 operation not started");
    CHECK(fake_event_at("create-start", "B") < 0);
    dp_plan_cleanup(&plan);
    dp_apply_result_cleanup(&res);
    cJSON_Delete(state);
}

static volatile sig_atomic_t mine;
static void my_handler(int sig)
{
    (void)sig;
    mine++;
}

/* The handler counts to 2, then leaves SIGINT to its default; disarm restores the previous. */
static void test_handler(void)
{
    struct sigaction sa, old;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = my_handler;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &old);
    CHECK_INT(dp_interrupt_arm(), 0);
    CHECK_INT((int)*dp_interrupt_level(), 0);
    raise(SIGINT);
    CHECK_INT((int)*dp_interrupt_level(), 1);
    raise(SIGINT);
    CHECK_INT((int)*dp_interrupt_level(), 2);
    struct sigaction now;
    sigaction(SIGINT, NULL, &now);
    CHECK(now.sa_handler == SIG_DFL); /* a third Ctrl-C ends the process */
    dp_interrupt_disarm();
    CHECK_INT((int)mine, 0);
    raise(SIGINT);
    CHECK_INT((int)mine, 1);
    CHECK_INT(dp_interrupt_arm(), 0); /* re-arming starts from 0 */
    CHECK_INT((int)*dp_interrupt_level(), 0);
    dp_interrupt_disarm();
    sigaction(SIGINT, &old, NULL);
}

/* A state that cannot be written stops the run after the operation that could not be
 * recorded, and says so (state_unsaved). The state directory is swapped for a plain file
 * while A is in flight (works as root too, unlike a chmod). */
static char state_dir[64];

static void *break_store_after_a_starts(void *arg)
{
    (void)arg;
    for (int i = 0; i < 2000 && fake_event_at("create-start", "A") < 0; i++)
        usleep(1000);
    char moved[80];
    snprintf(moved, sizeof moved, "%s.moved", state_dir);
    if (rename(state_dir, moved) == 0) {
        FILE *f = fopen(state_dir, "w");
        if (f)
            fclose(f);
    }
    return NULL;
}

static void test_state_write_failure_stops(void)
{
    fake_reset();
    snprintf(state_dir, sizeof state_dir, "/tmp/dp-interrupt-XXXXXX");
    CHECK(mkdtemp(state_dir) != NULL);
    dp_err e;
    dp_err_clear(&e);
    dp_state_store *store = dp_state_open(state_dir, NULL, &e);
    CHECK(store != NULL);
    if (!store)
        return;
    dp_engine eng;
    fake_engine(&eng);
    eng.store = store;
    fake.steps = 5;
    fake.delay_ms = 20;
    fake_desired fd = {0};
    fake_desired_add(&fd, "A", "{\"Size\":1}", NULL, NULL);
    fake_desired_add(&fd, "B", "{\"Target\":{\"Ref\":\"A\"}}", "A", NULL);
    cJSON *state = new_state();
    dp_plan plan;
    dp_apply_result res;
    pthread_t th;
    pthread_create(&th, NULL, break_store_after_a_starts, NULL);
    CHECK_INT(plan_apply(&eng, &fd, state, &plan, &res, NULL), -1);
    pthread_join(th, NULL);
    CHECK(strncmp(res.error, "writing the state: ", 19) == 0);
    CHECK(res.state_unsaved);
    CHECK(fake_event_at("create-end", "A") >= 0);
    CHECK(fake_event_at("create-start", "B") < 0); /* not recorded: nothing more starts */
    dp_plan_cleanup(&plan);
    dp_apply_result_cleanup(&res);
    dp_state_close(store);
    char moved[80];
    snprintf(moved, sizeof moved, "%s.moved", state_dir);
    CHECK_INT(unlink(state_dir), 0);
    char tmp[160];
    snprintf(tmp, sizeof tmp, "%s/st.json", moved);
    unlink(tmp);
    snprintf(tmp, sizeof tmp, "%s/.key", moved);
    unlink(tmp);
    CHECK_INT(rmdir(moved), 0);
    cJSON_Delete(state);
}

/* Started with SIGINT ignored (a script's background job): it stays ignored. */
static void test_ignored_stays_ignored(void)
{
    signal(SIGINT, SIG_IGN);
    CHECK_INT(dp_interrupt_arm(), 0);
    struct sigaction now;
    sigaction(SIGINT, NULL, &now);
    CHECK(now.sa_handler == SIG_IGN);
    raise(SIGINT);
    CHECK_INT((int)*dp_interrupt_level(), 0);
    dp_interrupt_disarm();
    sigaction(SIGINT, NULL, &now);
    CHECK(now.sa_handler == SIG_IGN);
    signal(SIGINT, SIG_DFL);
}

int main(void)
{
    /* this process may have been started with SIGINT ignored (a background job): the tests
     * below need it deliverable */
    signal(SIGINT, SIG_DFL);
    test_ignored_stays_ignored();
    test_first_interrupt_finishes_in_flight(false);
    test_first_interrupt_finishes_in_flight(true);
    test_second_interrupt_abandons_waits();
    test_interrupt_after_the_end();
    test_handler();
    test_state_write_failure_stops();
    fake_reset();
    CHECK_DONE();
}
