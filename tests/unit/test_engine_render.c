/* test_engine_render.c - the human plan (symbols, property diffs, summary, colour) and --json. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "engine_fake.h"
#include "provisioner/engine/render.h"

static void add_change(dp_action *a, const char *prop, dp_change_kind k, const char *before, const char *after,
                       bool sensitive, bool unknown, bool forces)
{
    a->changes.v = realloc(a->changes.v, (a->changes.n + 1) * sizeof *a->changes.v);
    dp_change *c = &a->changes.v[a->changes.n++];
    memset(c, 0, sizeof *c);
    c->property = strdup(prop);
    c->kind = k;
    c->before = before ? cJSON_Parse(before) : NULL;
    c->after = after ? cJSON_Parse(after) : NULL;
    c->sensitive = sensitive;
    c->known_after_apply = unknown;
    c->forces_replacement = forces;
}

static void build(dp_plan *p)
{
    dp_plan_init(p);
    p->stack = strdup("lab");
    dp_action *a = dp_plan_add(p, "Data", "AWS::S3::Bucket", DP_ACT_CREATE);
    add_change(a, "BucketName", DP_CH_ADD, NULL, "\"lab-data\"", false, false, true);
    a = dp_plan_add(p, "Param", "AWS::SSM::Parameter", DP_ACT_UPDATE);
    a->physical_id = strdup("/lab/p");
    add_change(a, "Value", DP_CH_CHANGE, "\"old\"", "\"new\"", false, false, false);
    add_change(a, "Policies", DP_CH_CHANGE, "\"{\\\"a\\\":1,\\\"b\\\":{\\\"c\\\":2}}\"", "\"{\\\"a\\\":1,\\\"b\\\":{\\\"c\\\":3}}\"",
               false, false, false);
    a = dp_plan_add(p, "Db", "AWS::RDS::DBCluster", DP_ACT_REPLACE);
    a->physical_id = strdup("lab-db");
    a->replace_reason = strdup("Engine");
    a->delete_first = true;
    a->note = strdup("its name is fixed");
    add_change(a, "Engine", DP_CH_CHANGE, "\"aurora-mysql\"", "\"aurora-postgresql\"", false, false, true);
    add_change(a, "MasterUserPassword", DP_CH_CHANGE, NULL, NULL, true, false, false);
    add_change(a, "DBSubnetGroupName", DP_CH_CHANGE, "\"g\"", NULL, false, true, true);
    a = dp_plan_add(p, "Old", "AWS::S3::Bucket", DP_ACT_DELETE);
    a->physical_id = strdup("lab-old");
    dp_plan_add(p, "Same", "AWS::IAM::Role", DP_ACT_NOOP);
}

static void test_human(void)
{
    dp_plan p;
    build(&p);
    dp_buf b;
    dp_buf_init(&b, 0);
    dp_render_opts o = {.color = false};
    CHECK_INT(dp_render_plan(&p, &o, &b), 0);
    const char *s = dp_buf_str(&b);
    CHECK(strstr(s, "  + AWS::S3::Bucket Data\n      + BucketName: \"lab-data\"\n") != NULL);
    CHECK(strstr(s, "  ~ AWS::SSM::Parameter Param (/lab/p)\n      ~ Value: \"old\" → \"new\"\n") != NULL);
    CHECK(strstr(s, "      ~ Policies: (document)\n          ~ Policies.b.c: 2 → 3\n") != NULL);
    CHECK(strstr(s, "  -/+ AWS::RDS::DBCluster Db (lab-db) must be replaced: Engine cannot change in place; delete, then create") != NULL);
    CHECK(strstr(s, "      ~ Engine: \"aurora-mysql\" → \"aurora-postgresql\" # forces replacement\n") != NULL);
    CHECK(strstr(s, "      ~ MasterUserPassword: (sensitive) → (sensitive)\n") != NULL);
    CHECK(strstr(s, "      ~ DBSubnetGroupName: \"g\" → (known after apply) # forces replacement\n") != NULL);
    CHECK(strstr(s, "  - AWS::S3::Bucket Old (lab-old)\n") != NULL);
    CHECK(strstr(s, "Same") == NULL);
    CHECK(strstr(s, "Plan: 1 to add, 1 to change, 1 to replace, 1 to destroy.\n") != NULL);
    CHECK(strchr(s, '\033') == NULL);
    dp_buf_reset(&b);
    o.color = true;
    dp_render_plan(&p, &o, &b);
    CHECK(strstr(dp_buf_str(&b), "\033[32m+\033[0m") != NULL);
    dp_buf_cleanup(&b);
    dp_plan_cleanup(&p);

    dp_plan_init(&p);
    p.stack = strdup("lab");
    dp_plan_add(&p, "Same", "AWS::IAM::Role", DP_ACT_NOOP);
    dp_buf_init(&b, 0);
    dp_render_plan(&p, NULL, &b);
    CHECK_STR(dp_buf_str(&b), "No changes. Stack lab matches the template (1 resource).\n");
    dp_buf_cleanup(&b);
    dp_plan_cleanup(&p);
}

static void test_json(void)
{
    dp_plan p;
    build(&p);
    memset(p.fingerprint, 'a', 64);
    p.parameters = cJSON_Parse("{\"Env\":\"dev\"}");
    cJSON *j = dp_plan_to_json(&p, false);
    CHECK(cJSON_GetObjectItem(j, "parameters") == NULL);
    const cJSON *sum = cJSON_GetObjectItem(j, "summary");
    CHECK_INT(cJSON_GetObjectItem(sum, "replace")->valueint, 1);
    const cJSON *db = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "resources"), 2);
    CHECK_STR(cJSON_GetObjectItem(db, "action")->valuestring, "replace");
    CHECK_STR(cJSON_GetObjectItem(cJSON_GetObjectItem(db, "replacement"), "mode")->valuestring, "delete_then_create");
    const cJSON *pw = cJSON_GetArrayItem(cJSON_GetObjectItem(db, "changes"), 1);
    CHECK(cJSON_IsTrue(cJSON_GetObjectItem(pw, "sensitive")) && cJSON_IsNull(cJSON_GetObjectItem(pw, "after")));
    cJSON_Delete(j);
    /* the saved form carries parameters and reads back */
    j = dp_plan_to_json(&p, true);
    dp_plan back;
    dp_plan_init(&back);
    CHECK_INT(dp_plan_from_json(j, &back, NULL), 0);
    CHECK_STR(cJSON_GetObjectItem(back.parameters, "Env")->valuestring, "dev");
    char why[200];
    CHECK(dp_plan_same_actions(&p, &back, why, sizeof why));
    back.v[0].kind = DP_ACT_UPDATE;
    CHECK(!dp_plan_same_actions(&p, &back, why, sizeof why));
    dp_plan_cleanup(&back);
    cJSON_Delete(j);
    dp_plan_cleanup(&p);
}

int main(void)
{
    test_human();
    test_json();
    CHECK_DONE();
}
