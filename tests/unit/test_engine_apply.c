/* test_engine_apply.c - plan + apply on a fake driver table: creates in dependency order with
 * ids flowing into dependents, a no-change re-plan, update / replace orderings (create before
 * delete, delete before create for fixed names), ownership conflicts, a failure mid-apply then
 * a re-apply that carries on, rollback, and destroy ordering from recorded dependencies. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "engine_fake.h"
#include "provisioner/engine/apply.h"

static fake_res *fake_by_logical(const char *logical)
{
    for (int i = 0; i < fake.nres; i++)
        if (fake.res[i].exists && !strcmp(fake.res[i].logical, logical))
            return &fake.res[i];
    return NULL;
}

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

static void test_cycle(void)
{
    fake_reset();
    dp_engine eng;
    fake_engine(&eng);
    fake_desired fd = {0};
    fake_desired_add(&fd, "A", "{\"Name\":\"a1\",\"Size\":1}", NULL, NULL);
    fake_desired_add(&fd, "B", "{\"Target\":{\"Ref\":\"A\"}}", "A", NULL);
    fake_desired_add(&fd, "C", "{\"Pw\":{\"Secret\":\"hunter2\"},\"Other\":\"x\"}", NULL, NULL);
    cJSON *state = new_state();
    dp_plan plan;
    dp_apply_result res;
    fake.steps = 2;

    /* first plan: everything is added; B's target is known after apply */
    dp_desired d = fake_desired_view(&fd);
    dp_err e;
    dp_err_clear(&e);
    dp_plan_init(&plan);
    CHECK_INT(dp_plan_build(&eng, &d, state, &plan, &e), 0);
    int add, ch, rep, del;
    dp_plan_summary(&plan, &add, &ch, &rep, &del);
    CHECK_INT(add, 3);
    dp_action *b = dp_plan_find(&plan, "B");
    CHECK(b && b->changes.n == 1 && b->changes.v[0].known_after_apply);
    CHECK(b && b->client_token && strlen(b->client_token) == 16);
    CHECK_INT(dp_apply_run(&eng, &plan, &d, state, NULL, &res, &e), 0);
    CHECK_INT((long)res.created, 3);
    dp_plan_cleanup(&plan);
    dp_apply_result_cleanup(&res);

    /* B was created with A's id, after A ended */
    fake_res *fb = fake_by_logical("B");
    CHECK(fb && dp_prop_str(fb->props, "Target") && !strcmp(dp_prop_str(fb->props, "Target"), "a1"));
    CHECK(fake_event_at("create-end", "A") < fake_event_at("create-start", "B"));
    CHECK_STR(state_str(state, "A", "physical_id"), "a1");
    CHECK_STR(state_str(state, "B", "status"), "complete");
    /* secrets: a hash in state, never the value */
    char *txt = cJSON_PrintUnformatted(state);
    CHECK(txt && !strstr(txt, "hunter2"));
    CHECK(txt && strstr(txt, "\"secret_hashes\":{\"Pw\":\""));
    free(txt);

    /* no change: a second plan is empty */
    dp_plan_init(&plan);
    CHECK_INT(dp_plan_build(&eng, &d, state, &plan, &e), 0);
    CHECK(!dp_plan_has_changes(&plan));
    dp_plan_cleanup(&plan);

    /* a changed secret is a sensitive change, without the value */
    fd.props[2] = "{\"Pw\":{\"Secret\":\"hunter3\"},\"Other\":\"x\"}";
    dp_plan_init(&plan);
    CHECK_INT(dp_plan_build(&eng, &d, state, &plan, &e), 0);
    dp_action *c = dp_plan_find(&plan, "C");
    CHECK(c && c->kind == DP_ACT_UPDATE && c->changes.n == 1 && c->changes.v[0].sensitive);
    CHECK(c && !c->changes.v[0].before && !c->changes.v[0].after);
    dp_plan_cleanup(&plan);

    /* rename A: create-before-delete; B is updated in between */
    fd.props[0] = "{\"Name\":\"a2\",\"Size\":1}";
    fd.res[0].schema = dp_schema_find("AWS::SSM::Parameter"); /* Name is create-only */
    fake.nev = 0;
    CHECK_INT(plan_apply(&eng, &fd, state, &plan, &res, NULL), 0);
    dp_action *a = dp_plan_find(&plan, "A");
    CHECK(a && a->kind == DP_ACT_REPLACE && !a->delete_first);
    CHECK(a && a->replace_reason && !strcmp(a->replace_reason, "Name"));
    b = dp_plan_find(&plan, "B");
    CHECK(b && b->kind == DP_ACT_UPDATE);
    dp_plan_cleanup(&plan);
    dp_apply_result_cleanup(&res);
    CHECK(fake_event_at("create-end", "A") < fake_event_at("update-start", "B"));
    CHECK(fake_event_at("update-end", "B") < fake_event_at("delete-start", "A"));
    CHECK_STR(dp_prop_str(fake_by_logical("B")->props, "Target"), "a2");
    CHECK_STR(state_str(state, "A", "physical_id"), "a2");

    /* remove C: deleted */
    fd.n = 2;
    fake.nev = 0;
    CHECK_INT(plan_apply(&eng, &fd, state, &plan, &res, NULL), 0);
    CHECK_INT((long)res.deleted, 1);
    CHECK(!state_str(state, "C", "physical_id"));
    CHECK(!fake_by_logical("C"));
    dp_plan_cleanup(&plan);
    dp_apply_result_cleanup(&res);
    cJSON_Delete(state);
}

static void test_delete_first_for_fixed_name(void)
{
    fake_reset();
    dp_engine eng;
    fake_engine(&eng);
    fake_desired fd = {0};
    fake_desired_add(&fd, "R", "{\"RoleName\":\"r1\",\"Path\":\"/a/\"}", NULL, NULL);
    fd.res[0].schema = dp_schema_find("AWS::IAM::Role"); /* Path and RoleName are create-only */
    cJSON *state = new_state();
    dp_plan plan;
    dp_apply_result res;
    CHECK_INT(plan_apply(&eng, &fd, state, &plan, &res, NULL), 0);
    dp_plan_cleanup(&plan);
    dp_apply_result_cleanup(&res);
    fd.props[0] = "{\"RoleName\":\"r1\",\"Path\":\"/b/\"}";
    fake.nev = 0;
    CHECK_INT(plan_apply(&eng, &fd, state, &plan, &res, NULL), 0);
    dp_action *a = dp_plan_find(&plan, "R");
    CHECK(a && a->kind == DP_ACT_REPLACE && a->delete_first && a->note);
    CHECK(fake_event_at("delete-end", "R") >= 0);
    CHECK(fake_event_at("delete-end", "R") < fake_event_at("create-start", "R"));
    CHECK_STR(dp_prop_str(fake_by_logical("R")->props, "Path"), "/b/");
    dp_plan_cleanup(&plan);
    dp_apply_result_cleanup(&res);
    cJSON_Delete(state);
}

static void test_lone_replace_creates_first(void)
{
    fake_reset();
    dp_engine eng;
    fake_engine(&eng);
    fake.steps = 2;
    fake_desired fd = {0};
    fake_desired_add(&fd, "L", "{\"Name\":\"l1\"}", NULL, NULL);
    fd.res[0].schema = dp_schema_find("AWS::SSM::Parameter");
    cJSON *state = new_state();
    dp_plan plan;
    dp_apply_result res;
    CHECK_INT(plan_apply(&eng, &fd, state, &plan, &res, NULL), 0);
    dp_plan_cleanup(&plan);
    dp_apply_result_cleanup(&res);
    fd.props[0] = "{\"Name\":\"l2\"}";
    fake.nev = 0;
    CHECK_INT(plan_apply(&eng, &fd, state, &plan, &res, NULL), 0);
    CHECK(fake_event_at("create-end", "L") >= 0);
    CHECK(fake_event_at("create-end", "L") < fake_event_at("delete-start", "L"));
    dp_plan_cleanup(&plan);
    dp_apply_result_cleanup(&res);
    cJSON_Delete(state);
}

static int event_of_id(const char *what, const char *id)
{
    for (int i = 0; i < fake.nev; i++)
        if (!strcmp(fake.ev[i].what, what) && !strcmp(fake.ev[i].id, id))
            return i;
    return -1;
}

/* A stray copy of L (left by a crashed create: owned, another physical id) is deleted before
 * a create under L starts, and its delete leaves L's state entry alone. */
static void test_stray_deleted_before_create(void)
{
    fake_reset();
    dp_engine eng;
    fake_engine(&eng);
    fake_desired fd = {0};
    fake_desired_add(&fd, "L", "{\"Name\":\"l1\"}", NULL, NULL);
    fd.res[0].schema = dp_schema_find("AWS::SSM::Parameter");
    cJSON *state = new_state();
    dp_plan plan;
    dp_apply_result res;
    CHECK_INT(plan_apply(&eng, &fd, state, &plan, &res, NULL), 0);
    dp_plan_cleanup(&plan);
    dp_apply_result_cleanup(&res);
    fake_add("Fake", "L", "stray-1", "{\"Name\":\"stray-1\"}", true);
    fd.props[0] = "{\"Name\":\"l2\"}";
    fake.nev = 0;
    CHECK_INT(plan_apply(&eng, &fd, state, &plan, &res, NULL), 0);
    int stray_gone = event_of_id("delete-end", "stray-1");
    CHECK(stray_gone >= 0);
    CHECK(stray_gone < fake_event_at("create-start", "L"));
    CHECK(fake_find_id("stray-1") == NULL && fake_find_id("l1") == NULL && fake_find_id("l2") != NULL);
    CHECK_STR(state_str(state, "L", "physical_id"), "l2");
    dp_plan_cleanup(&plan);
    dp_apply_result_cleanup(&res);
    /* a stray deleted while nothing else happens to L keeps L recorded */
    fake_add("Fake", "L", "stray-2", "{\"Name\":\"stray-2\"}", true);
    CHECK_INT(plan_apply(&eng, &fd, state, &plan, &res, NULL), 0);
    CHECK(fake_find_id("stray-2") == NULL);
    CHECK_STR(state_str(state, "L", "physical_id"), "l2");
    dp_plan_cleanup(&plan);
    dp_apply_result_cleanup(&res);
    cJSON_Delete(state);
}

static void test_ownership_conflict(void)
{
    fake_reset();
    dp_engine eng;
    fake_engine(&eng);
    fake_add("Fake", "Other", "taken", "{\"Name\":\"taken\"}", false); /* not ours */
    fake_desired fd = {0};
    fake_desired_add(&fd, "A", "{\"Name\":\"taken\"}", NULL, NULL);
    dp_desired d = fake_desired_view(&fd);
    dp_plan plan;
    dp_plan_init(&plan);
    dp_err e;
    dp_err_clear(&e);
    CHECK_INT(dp_plan_build(&eng, &d, NULL, &plan, &e), -1);
    CHECK_INT(e.kind, DP_E_CONFLICT);
    CHECK(strstr(e.message, "A: \"taken\" already exists and is not owned by stack st") != NULL);
    dp_plan_cleanup(&plan);
}

static void test_failure_then_reapply(void)
{
    fake_reset();
    dp_engine eng;
    fake_engine(&eng);
    fake_desired fd = {0};
    fake_desired_add(&fd, "A", "{\"Size\":1}", NULL, NULL);
    fake_desired_add(&fd, "B", "{\"Target\":{\"Ref\":\"A\"}}", "A", NULL);
    fake_desired_add(&fd, "C", "{\"Target\":{\"Ref\":\"B\"}}", "B", NULL);
    cJSON *state = new_state();
    dp_plan plan;
    dp_apply_result res;
    snprintf(fake.fail_logical, sizeof fake.fail_logical, "B");
    CHECK_INT(plan_apply(&eng, &fd, state, &plan, &res, NULL), -1);
    CHECK(strstr(res.error, "Fake B") && strstr(res.error, "InjectedFault"));
    CHECK_STR(state_str(state, "A", "status"), "complete");
    CHECK_STR(state_str(state, "B", "status"), "creating");
    CHECK(state_str(state, "B", "client_token") != NULL);
    CHECK(fake_event_at("create-start", "C") < 0);
    dp_plan_cleanup(&plan);
    dp_apply_result_cleanup(&res);
    /* fixed: the next apply only creates B and C */
    fake.fail_logical[0] = 0;
    CHECK_INT(plan_apply(&eng, &fd, state, &plan, &res, NULL), 0);
    CHECK(dp_plan_find(&plan, "A")->kind == DP_ACT_NOOP);
    CHECK_INT((long)res.created, 2);
    CHECK_STR(dp_prop_str(fake_by_logical("C")->props, "Target"), state_str(state, "B", "physical_id"));
    dp_plan_cleanup(&plan);
    dp_apply_result_cleanup(&res);
    cJSON_Delete(state);
}

static void test_rollback(void)
{
    fake_reset();
    dp_engine eng;
    fake_engine(&eng);
    fake_desired fd = {0};
    fake_desired_add(&fd, "A", "{\"Size\":1}", NULL, NULL);
    fake_desired_add(&fd, "B", "{\"Target\":{\"Ref\":\"A\"}}", "A", NULL);
    cJSON *state = new_state();
    dp_plan plan;
    dp_apply_result res;
    snprintf(fake.fail_logical, sizeof fake.fail_logical, "B");
    dp_apply_opts o = {.rollback_on_failure = true};
    CHECK_INT(plan_apply(&eng, &fd, state, &plan, &res, &o), -1);
    CHECK(!fake_by_logical("A"));
    CHECK(!state_str(state, "A", "physical_id"));
    dp_plan_cleanup(&plan);
    dp_apply_result_cleanup(&res);
    cJSON_Delete(state);
}

static void test_delete_order(void)
{
    fake_reset();
    dp_engine eng;
    fake_engine(&eng);
    fake.steps = 1;
    fake_desired fd = {0};
    fake_desired_add(&fd, "Base", "{\"Size\":1}", NULL, NULL);
    fake_desired_add(&fd, "Mid", "{\"T\":{\"Ref\":\"Base\"}}", "Base", NULL);
    fake_desired_add(&fd, "Top", "{\"T\":{\"Ref\":\"Mid\"}}", "Mid", NULL);
    fake_desired_add(&fd, "Solo", "{\"Size\":2}", NULL, NULL);
    cJSON *state = new_state();
    dp_plan plan;
    dp_apply_result res;
    CHECK_INT(plan_apply(&eng, &fd, state, &plan, &res, NULL), 0);
    dp_plan_cleanup(&plan);
    dp_apply_result_cleanup(&res);
    /* everything gone from the template: deletes follow the recorded dependencies */
    fd.n = 0;
    fake.nev = 0;
    CHECK_INT(plan_apply(&eng, &fd, state, &plan, &res, NULL), 0);
    CHECK_INT((long)res.deleted, 4);
    CHECK(fake_event_at("delete-end", "Top") < fake_event_at("delete-start", "Mid"));
    CHECK(fake_event_at("delete-end", "Mid") < fake_event_at("delete-start", "Base"));
    CHECK(fake_event_at("delete-start", "Solo") < fake_event_at("delete-end", "Top")); /* in parallel */
    dp_plan_cleanup(&plan);
    dp_apply_result_cleanup(&res);
    cJSON_Delete(state);
}

int main(void)
{
    test_cycle();
    test_delete_first_for_fixed_name();
    test_lone_replace_creates_first();
    test_stray_deleted_before_create();
    test_ownership_conflict();
    test_failure_then_reapply();
    test_rollback();
    test_delete_order();
    fake_reset();
    CHECK_DONE();
}
