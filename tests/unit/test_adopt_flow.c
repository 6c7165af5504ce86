/* test_adopt_flow.c - the shared create / adopt flow (adopt.h) with a fake ops struct: which
 * ops run in which order for each branch, the messages, and the name it chooses. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "drivers/resources/adopt.h"
#include "drivers/resources/common.h"

/* What the fake answers, and what it saw. */
typedef struct fake {
    int probe_rc;           /* DP_FOUND, DP_MISSING or -1 */
    const char *probe_code; /* aws_code left in e (also on DP_MISSING: the flow must clear it) */
    const char *owner;      /* dmsprov:stack of the live tags, NULL = untagged */
    int tags_rc;
    int make_rc;
    const char *make_code; /* aws_code of make's failure */
    char log[256];         /* "probe(name) tags make adopted made", in call order */
    char make_saw_code[128];
} fake;

static void logf_(fake *f, const char *what, const char *name)
{
    size_t n = strlen(f->log);
    snprintf(f->log + n, sizeof f->log - n, "%s%s(%s)", n ? " " : "", what, name);
}

static int fake_id(const cJSON *desired, const dp_resource_req *r, char *id, size_t n)
{
    (void)r;
    const char *name = dp_prop_str(desired, "Name");
    if (!name)
        return 1;
    snprintf(id, n, "%s", name);
    return 0;
}

static int fake_probe(const dp_resource_req *r, void *self, const char *name, dp_err *e)
{
    (void)r;
    fake *f = self;
    logf_(f, "probe", name);
    if (f->probe_code) {
        snprintf(e->aws_code, sizeof e->aws_code, "%s", f->probe_code);
        dp_err_set(e, f->probe_rc < 0 ? DP_E_AWS : DP_E_NOT_FOUND, "denied");
    }
    return f->probe_rc;
}

static int fake_tags(const dp_resource_req *r, void *self, const char *name, cJSON **tags, dp_err *e)
{
    fake *f = self;
    logf_(f, "tags", name);
    if (f->tags_rc) {
        dp_err_set(e, DP_E_NETWORK, "tags unreadable");
        return -1;
    }
    *tags = f->owner ? dp_tags_with_ownership(NULL, f->owner, r->logical_id) : cJSON_CreateArray();
    return 0;
}

static int fake_make(const dp_resource_req *r, void *self, const char *name, dp_err *e)
{
    (void)r;
    fake *f = self;
    logf_(f, "make", name);
    snprintf(f->make_saw_code, sizeof f->make_saw_code, "%s", e->aws_code);
    if (f->make_rc) {
        snprintf(e->aws_code, sizeof e->aws_code, "%s", f->make_code);
        dp_err_set(e, DP_E_AWS, "make failed");
    }
    return f->make_rc;
}

static void fake_adopted(const dp_resource_req *r, void *self, const char *name, dp_progress *p)
{
    (void)r;
    logf_(self, "adopted", name);
    dp_progress_success(p, dp_model_new(name, NULL));
}

static void fake_made(const dp_resource_req *r, void *self, const char *name, dp_progress *p)
{
    (void)r;
    logf_(self, "made", name);
    dp_progress_success(p, dp_model_new(name, NULL));
}

static const char *const codes[] = {"ThingExists", "AlsoExists", NULL};

static const dp_adopt_ops ops = {
    .what = "widget",
    .physical_id_for = fake_id,
    .generated_max = 30,
    .generated_lower = true,
    .exists_codes = codes,
    .probe = fake_probe,
    .owner_tags = fake_tags,
    .make = fake_make,
    .adopted = fake_adopted,
    .made = fake_made,
};

/* Runs the flow for a template naming the resource "w1" (or generating the name when
 * named is false) in stack "s1"; returns the progress (to clean up). */
static dp_progress run(fake *f, const dp_adopt_ops *o, bool named, char *name, size_t n)
{
    cJSON *desired = named ? cJSON_Parse("{\"Name\": \"w1\"}") : cJSON_CreateObject();
    dp_resource_req r = {.stack = "s1", .logical_id = "Widget", .desired = desired, .client_token = "tok-1"};
    dp_progress p;
    dp_progress_init(&p);
    dp_create_or_adopt(o, f, &r, name, n, &p);
    cJSON_Delete(desired);
    return p;
}

static void test_found_owned_converges(void)
{
    fake f = {.probe_rc = DP_FOUND, .owner = "s1"};
    char name[64];
    dp_progress p = run(&f, &ops, true, name, sizeof name);
    CHECK_STR(f.log, "probe(w1) tags(w1) adopted(w1)");
    CHECK_INT(p.status, DP_OP_SUCCESS);
    CHECK_STR(dp_prop_str(p.model, "PhysicalId"), "w1");
    dp_progress_cleanup(&p);
}

static void test_found_not_owned_conflicts(void)
{
    const char *owners[] = {"other-stack", NULL};
    for (size_t i = 0; i < 2; i++) {
        fake f = {.probe_rc = DP_FOUND, .owner = owners[i]};
        char name[64];
        dp_progress p = run(&f, &ops, true, name, sizeof name);
        CHECK_STR(f.log, "probe(w1) tags(w1)");
        CHECK_INT(p.status, DP_OP_FAILED);
        CHECK_INT(p.err.kind, DP_E_CONFLICT);
        CHECK_STR(p.err.message, "creating Widget: widget w1 exists and is not owned by stack s1");
        CHECK(p.model == NULL);
        dp_progress_cleanup(&p);
    }
}

static void test_missing_makes(void)
{
    fake f = {.probe_rc = DP_MISSING, .probe_code = "NotThere"};
    char name[64];
    dp_progress p = run(&f, &ops, true, name, sizeof name);
    CHECK_STR(f.log, "probe(w1) make(w1) made(w1)");
    CHECK_STR(f.make_saw_code, ""); /* the probe's not-found is not carried into make */
    CHECK_INT(p.status, DP_OP_SUCCESS);
    dp_progress_cleanup(&p);
}

static void test_make_already_exists_adopts(void)
{
    for (size_t i = 0; codes[i]; i++) {
        fake f = {.probe_rc = DP_MISSING, .make_rc = -1, .make_code = codes[i], .owner = "s1"};
        char name[64];
        dp_progress p = run(&f, &ops, true, name, sizeof name);
        CHECK_STR(f.log, "probe(w1) make(w1) tags(w1) adopted(w1)");
        CHECK_INT(p.status, DP_OP_SUCCESS);
        dp_progress_cleanup(&p);
    }
    /* a race lost to another stack is refused like a found one */
    fake f = {.probe_rc = DP_MISSING, .make_rc = -1, .make_code = "ThingExists", .owner = "thief"};
    char name[64];
    dp_progress p = run(&f, &ops, true, name, sizeof name);
    CHECK_STR(f.log, "probe(w1) make(w1) tags(w1)");
    CHECK_INT(p.err.kind, DP_E_CONFLICT);
    CHECK_STR(p.err.message, "creating Widget: widget w1 exists and is not owned by stack s1");
    dp_progress_cleanup(&p);
}

static void test_make_fails(void)
{
    fake f = {.probe_rc = DP_MISSING, .make_rc = -1, .make_code = "Throttled", .owner = "s1"};
    char name[64];
    dp_progress p = run(&f, &ops, true, name, sizeof name);
    CHECK_STR(f.log, "probe(w1) make(w1)");
    CHECK_INT(p.status, DP_OP_FAILED);
    CHECK_INT(p.err.kind, DP_E_AWS);
    CHECK_STR(p.err.aws_code, "Throttled");
    CHECK_STR(p.err.message, "creating Widget: make failed");
    dp_progress_cleanup(&p);

    /* without exists codes every failure of make fails the create */
    dp_adopt_ops none = ops;
    none.exists_codes = NULL;
    fake g = {.probe_rc = DP_MISSING, .make_rc = -1, .make_code = "ThingExists", .owner = "s1"};
    p = run(&g, &none, true, name, sizeof name);
    CHECK_STR(g.log, "probe(w1) make(w1)");
    CHECK_INT(p.status, DP_OP_FAILED);
    CHECK_STR(p.err.aws_code, "ThingExists");
    dp_progress_cleanup(&p);
}

static void test_probe_error_fails(void)
{
    fake f = {.probe_rc = -1, .probe_code = "AccessDenied", .owner = "s1"};
    char name[64];
    dp_progress p = run(&f, &ops, true, name, sizeof name);
    CHECK_STR(f.log, "probe(w1)");
    CHECK_INT(p.status, DP_OP_FAILED);
    CHECK_INT(p.err.kind, DP_E_AWS);
    CHECK_STR(p.err.aws_code, "AccessDenied");
    CHECK_STR(p.err.message, "creating Widget: denied");
    dp_progress_cleanup(&p);
}

static void test_tags_error_fails(void)
{
    fake f = {.probe_rc = DP_FOUND, .tags_rc = -1, .owner = "s1"};
    char name[64];
    dp_progress p = run(&f, &ops, true, name, sizeof name);
    CHECK_STR(f.log, "probe(w1) tags(w1)");
    CHECK_INT(p.status, DP_OP_FAILED);
    CHECK_INT(p.err.kind, DP_E_NETWORK);
    CHECK_STR(p.err.message, "creating Widget: tags unreadable");
    dp_progress_cleanup(&p);
}

static void test_generated_name(void)
{
    fake f = {.probe_rc = DP_MISSING};
    char name[64], want[64];
    cJSON *desired = cJSON_CreateObject();
    dp_resource_req r = {.stack = "s1", .logical_id = "Widget", .desired = desired, .client_token = "tok-1"};
    dp_generated_name(&r, 30, true, want, sizeof want);
    cJSON_Delete(desired);
    dp_progress p = run(&f, &ops, false, name, sizeof name);
    CHECK_STR(name, want);
    CHECK_INT(strlen(name), 22);                 /* within generated_max 30: nothing trimmed */
    CHECK(strncmp(name, "s1-widget-", 10) == 0); /* generated_lower */
    char log[256];
    snprintf(log, sizeof log, "probe(%s) make(%s) made(%s)", want, want, want);
    CHECK_STR(f.log, log);
    dp_progress_cleanup(&p);
}

int main(void)
{
    test_found_owned_converges();
    test_found_not_owned_conflicts();
    test_missing_makes();
    test_make_already_exists_adopts();
    test_make_fails();
    test_probe_error_fails();
    test_tags_error_fails();
    test_generated_name();
    CHECK_DONE();
}
