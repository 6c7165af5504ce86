/* test_driver_table.c - every driver's table entry: fields set, names found in the type's
 * CloudFormation schema, references to registered types, one shared refusal path. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "drivers/resources/common.h"
#include "drivers/resources/driver.h"
#include "provisioner/engine/engine.h"
#include "templates/schema.h"
#include "templates/type_rules.h"

/* Every name in list is a top-level property of schema (what names it in a failure). */
static void check_props(const char *type, const char *what, const dp_schema_type *schema, const char *const *list)
{
    for (size_t i = 0; list && list[i]; i++) {
        bool found = schema && dp_schema_find_prop(schema->root, list[i]);
        if (!found)
            fprintf(stderr, "%s: %s %s is not in the schema\n", type, what, list[i]);
        CHECK(found);
        for (size_t k = 0; k < i; k++)
            CHECK(strcmp(list[k], list[i])); /* no duplicates */
    }
}

/* Every name in sub is in list too. */
static void check_subset(const char *type, const char *what, const char *const *sub, const char *const *list)
{
    for (size_t i = 0; sub && sub[i]; i++) {
        bool found = dp_driver_listed(list, sub[i]);
        if (!found)
            fprintf(stderr, "%s: %s %s is not in .applies\n", type, what, sub[i]);
        CHECK(found);
    }
}

static bool create_only(const dp_schema_type *schema, const char *prop)
{
    const dp_schema_prop *p = schema ? dp_schema_find_prop(schema->root, prop) : NULL;
    return p && (p->flags & DP_SP_CREATE_ONLY);
}

static void test_fields(void)
{
    size_t n;
    const dp_driver *const *all = dp_driver_all(&n);
    CHECK(n > 0);
    for (size_t i = 0; i < n; i++) {
        const dp_driver *d = all[i];
        CHECK(d->type && dp_driver_find(d->type) == d);
        const dp_schema_type *schema = dp_schema_find(d->type);
        if (!schema)
            fprintf(stderr, "%s: no schema (templates/tools/gen_schemas.py TYPES)\n", d->type);
        CHECK(schema != NULL);
        CHECK(d->create && d->read && d->update && d->del && d->list);
        CHECK(d->seconds.create > 0 && d->seconds.update > 0 && d->seconds.del > 0);
        CHECK(d->applies && d->applies[0]);
        CHECK(d->reads_back && d->reads_back[0]);
        if (d->name_prop) {
            CHECK(schema && dp_schema_find_prop(schema->root, d->name_prop));
            CHECK(dp_driver_listed(d->applies, d->name_prop));
        }
        /* physical_id_for names a resource by its name property, so one goes with the other */
        CHECK(!d->physical_id_for || d->name_prop);
        check_props(d->type, "applies", schema, d->applies);
        check_props(d->type, "reads_back", schema, d->reads_back);
        check_props(d->type, "lowercased", schema, d->lowercased);
        check_props(d->type, "update_in_place", schema, d->update_in_place);
        check_props(d->type, "replace_on_change", schema, d->replace_on_change);
        check_subset(d->type, "reads_back", d->reads_back, d->applies);
        check_subset(d->type, "lowercased", d->lowercased, d->applies);
        /* an override must override: in place only what the schema would replace, and so on */
        for (size_t k = 0; d->update_in_place && d->update_in_place[k]; k++)
            CHECK(create_only(schema, d->update_in_place[k]));
        for (size_t k = 0; d->replace_on_change && d->replace_on_change[k]; k++)
            CHECK(!create_only(schema, d->replace_on_change[k]));
        for (size_t k = 0; d->may_reference && d->may_reference[k]; k++) {
            bool known = dp_driver_find(d->may_reference[k]) != NULL;
            if (!known)
                fprintf(stderr, "%s: may_reference %s is not a registered type\n", d->type, d->may_reference[k]);
            CHECK(known && strcmp(d->may_reference[k], d->type));
        }
    }
    /* one driver per schema type, and the other way round */
    size_t ns;
    const dp_schema_type *const *schemas = dp_schema_all(&ns);
    CHECK_INT((long)ns, (long)n);
    for (size_t i = 0; i < ns; i++)
        CHECK(dp_driver_find(schemas[i]->type) != NULL);
}

static void test_accessors(void)
{
    CHECK(dp_driver_applies("AWS::S3::Bucket", "BucketName"));
    CHECK(!dp_driver_applies("AWS::S3::Bucket", "WebsiteConfiguration"));
    CHECK(!dp_driver_applies("AWS::Nope::Nope", "BucketName"));
    CHECK(!dp_driver_applies(NULL, NULL));
    const dp_driver *inst = dp_driver_find("AWS::RDS::DBInstance"), *bucket = dp_driver_find("AWS::S3::Bucket");
    CHECK(dp_driver_lowercased(inst, "DBInstanceIdentifier")); /* the name, by DP_CAP_ID_LOWERCASE */
    CHECK(dp_driver_lowercased(inst, "PreferredMaintenanceWindow"));
    CHECK(!dp_driver_lowercased(inst, "DBInstanceClass"));
    CHECK(!dp_driver_lowercased(bucket, "BucketName"));
    CHECK(!dp_driver_lowercased(NULL, "BucketName"));
    CHECK(dp_driver_same_id(inst, "MyLab", "mylab"));
    CHECK(!dp_driver_same_id(bucket, "MyLab", "mylab"));
    CHECK(dp_driver_same_id(NULL, "a", "a") && !dp_driver_same_id(NULL, "A", "a"));
    const dp_driver *task = dp_driver_find("AWS::DMS::ReplicationTask");
    CHECK(dp_driver_updates_in_place(task, "ReplicationInstanceArn"));
    CHECK(dp_driver_replaces_on_change(task, "MigrationType"));
    CHECK(!dp_driver_replaces_on_change(NULL, "MigrationType"));
    CHECK(dp_driver_may_reference(task, "AWS::DMS::Endpoint"));
    CHECK(!dp_driver_may_reference(dp_driver_find("AWS::DMS::Endpoint"), "AWS::DMS::ReplicationTask"));
    CHECK(dp_driver_seconds(NULL, DP_DRIVER_CREATE) == 2);
    CHECK(dp_driver_seconds(inst, DP_DRIVER_DELETE) == inst->seconds.del);
    cJSON *props = cJSON_Parse("{\"BucketName\":\"b\",\"WebsiteConfiguration\":{}}");
    CHECK_STR(dp_driver_unsupported(bucket, props), "WebsiteConfiguration");
    cJSON_DeleteItemFromObject(props, "WebsiteConfiguration");
    CHECK(dp_driver_unsupported(bucket, props) == NULL);
    cJSON_Delete(props);
}

/* A property the driver cannot apply: the first schema property outside .applies, else one
 * no schema has. */
static const char *not_applied(const dp_driver *d)
{
    const dp_schema_type *s = dp_schema_find(d->type);
    for (size_t i = 0; s && i < s->root->nprops; i++)
        if (!dp_driver_listed(d->applies, s->root->props[i].name))
            return s->root->props[i].name;
    return "DpNotAProperty";
}

/* create / update of a driver that refuses properties fail through dp_refuse_unsupported,
 * before any AWS call (there is no client here). */
static void test_refusal(void)
{
    size_t n, strict = 0;
    const dp_driver *const *all = dp_driver_all(&n);
    for (size_t i = 0; i < n; i++) {
        const dp_driver *d = all[i];
        if (!(d->caps & DP_CAP_REFUSES_OTHERS))
            continue;
        strict++;
        const char *bad = not_applied(d);
        cJSON *desired = cJSON_CreateObject();
        cJSON_AddStringToObject(desired, bad, "x");
        dp_resource_req req = {.client = NULL, .stack = "s", .logical_id = "R", .desired = desired,
                               .previous = desired, .physical_id = "id"};
        static const char *const verbs[] = {"creating", "updating"};
        for (int v = 0; v < 2; v++) {
            dp_progress got, want;
            dp_progress_init(&got);
            dp_progress_init(&want);
            (v ? d->update : d->create)(&req, &got);
            CHECK(dp_refuse_unsupported(d->type, &req, verbs[v], &want));
            char msg[512];
            snprintf(msg, sizeof msg, "%s R: %s is not supported by dmsprov for %s", verbs[v], bad, d->type);
            CHECK_STR(want.err.message, msg);
            CHECK(got.status == DP_OP_FAILED && got.err.kind == DP_E_INPUT);
            CHECK_STR(got.err.message, want.err.message);
            dp_progress_cleanup(&got);
            dp_progress_cleanup(&want);
        }
        /* everything it applies passes the shared check */
        cJSON *ok = cJSON_CreateObject();
        for (size_t k = 0; d->applies[k]; k++)
            cJSON_AddStringToObject(ok, d->applies[k], "x");
        dp_resource_req okreq = req;
        okreq.desired = ok;
        dp_progress p;
        dp_progress_init(&p);
        CHECK(!dp_refuse_unsupported(d->type, &okreq, "creating", &p) && p.status != DP_OP_FAILED);
        dp_progress_cleanup(&p);
        cJSON_Delete(ok);
        cJSON_Delete(desired);
    }
    CHECK(strict >= 1);
}

/* The loader's default rules (unit tests, fuzzers, validate) answer as the table does. */
static void test_type_rules(void)
{
    const dp_type_rules *def = dp_type_rules_default(), *eng = dp_engine_type_rules();
    size_t n;
    const dp_driver *const *all = dp_driver_all(&n);
    for (size_t i = 0; i < n; i++) {
        bool want = (all[i]->caps & DP_CAP_SNAPSHOT) != 0;
        bool d = def->snapshot_ok(def->ctx, all[i]->type), e = eng->snapshot_ok(eng->ctx, all[i]->type);
        if (d != want || e != want)
            fprintf(stderr, "%s: Snapshot %s in the table, default rules %s, engine rules %s\n", all[i]->type,
                    want ? "yes" : "no", d ? "yes" : "no", e ? "yes" : "no");
        CHECK(d == want && e == want);
    }
    CHECK(!eng->snapshot_ok(eng->ctx, "AWS::Nope::Nope"));
}

int main(void)
{
    test_fields();
    test_accessors();
    test_refusal();
    test_type_rules();
    CHECK_DONE();
}
