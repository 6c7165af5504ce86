/* parameter.c - AWS::SSM::Parameter: String, StringList and (a dmsprov extension)
 * SecureString; description, allowed pattern, tier, data type, policies, tags (a {"k": "v"}
 * map in templates). Ref (and PhysicalId) is the parameter name.
 *
 * A SecureString's value is secret: it is never read back (the engine compares it by hash),
 * nor returned as the Value attribute. SSM has no client token; PutParameter without
 * Overwrite is atomic with its tags, so a retried create adopts a same-named parameter whose
 * ownership tags say it is ours. */
#include <stdio.h>
#include <string.h>

#include "drivers/core/proto/json.h"
#include "drivers/resources/adopt.h"
#include "drivers/resources/common.h"
#include "drivers/resources/tagging.h"
#include "drivers/resources/tags_diff.h"

#define TYPE "AWS::SSM::Parameter"

static int call(dp_client *c, const char *op, cJSON *in, cJSON **out, dp_err *e)
{
    cJSON *o = NULL;
    int rc = dp_json_call(c, &dp_svc_ssm, op, in, &o, e);
    cJSON_Delete(in);
    if (out)
        *out = o;
    else
        cJSON_Delete(o);
    if (rc && e && !strcmp(e->aws_code, "ParameterNotFound"))
        e->kind = DP_E_NOT_FOUND;
    return rc;
}

static int physical_id_for(const cJSON *desired, const dp_resource_req *r, char *id, size_t n)
{
    (void)r;
    const char *name = dp_prop_str(desired, "Name");
    if (!name)
        return 1;
    snprintf(id, n, "%s", name);
    return 0;
}

static int live_tags(dp_client *c, const char *name, cJSON **tags, dp_err *e)
{
    cJSON *in = cJSON_CreateObject(), *out = NULL;
    cJSON_AddStringToObject(in, "ResourceType", "Parameter");
    cJSON_AddStringToObject(in, "ResourceId", name);
    if (call(c, "ListTagsForResource", in, &out, e))
        return -1;
    *tags = cJSON_DetachItemFromObjectCaseSensitive(out, "TagList");
    cJSON_Delete(out);
    if (!*tags)
        *tags = cJSON_CreateArray();
    return 0;
}

/* GetParameter + DescribeParameters + tags -> model in template form. */
static int read_model(dp_client *c, const char *name, cJSON **model, dp_err *e)
{
    cJSON *in = cJSON_CreateObject(), *got = NULL, *desc = NULL, *tags = NULL;
    cJSON_AddStringToObject(in, "Name", name);
    cJSON_AddFalseToObject(in, "WithDecryption");
    if (call(c, "GetParameter", in, &got, e))
        return -1;
    const cJSON *param = dp_prop(got, "Parameter");
    in = cJSON_CreateObject();
    cJSON *f = cJSON_CreateObject();
    cJSON_AddStringToObject(f, "Key", "Name");
    cJSON_AddStringToObject(f, "Option", "Equals");
    cJSON_AddItemToObject(f, "Values", cJSON_CreateStringArray(&name, 1));
    cJSON_AddItemToArray(cJSON_AddArrayToObject(in, "ParameterFilters"), f);
    if (call(c, "DescribeParameters", in, &desc, e) || live_tags(c, name, &tags, e)) {
        cJSON_Delete(got);
        cJSON_Delete(desc);
        return -1;
    }
    const cJSON *meta = cJSON_GetArrayItem(dp_prop(desc, "Parameters"), 0);
    const char *type = dp_prop_str(param, "Type"), *value = dp_prop_str(param, "Value");
    const char *dtype = dp_prop_str(param, "DataType");
    bool secure = type && !strcmp(type, "SecureString");
    cJSON *props = cJSON_CreateObject();
    cJSON_AddStringToObject(props, "Name", name);
    if (type)
        cJSON_AddStringToObject(props, "Type", type);
    if (value && !secure)
        cJSON_AddStringToObject(props, "Value", value);
    if (dtype && strcmp(dtype, "text")) /* "text" is the default */
        cJSON_AddStringToObject(props, "DataType", dtype);
    const char *s;
    if ((s = dp_prop_str(meta, "Description")) && *s)
        cJSON_AddStringToObject(props, "Description", s);
    if ((s = dp_prop_str(meta, "AllowedPattern")) && *s)
        cJSON_AddStringToObject(props, "AllowedPattern", s);
    if ((s = dp_prop_str(meta, "Tier")) && strcmp(s, "Standard")) /* the default tier */
        cJSON_AddStringToObject(props, "Tier", s);
    cJSON *tl = dp_tags_template_form(tags, "Key", "Value");
    if (tl) { /* templates write SSM tags as a map */
        cJSON *map = cJSON_AddObjectToObject(props, "Tags");
        const cJSON *t;
        cJSON_ArrayForEach(t, tl) cJSON_AddStringToObject(map, dp_prop_str(t, "Key"), dp_prop_str(t, "Value"));
        cJSON_Delete(tl);
    }
    *model = dp_model_new(name, props);
    dp_model_attr(*model, "Name", name);
    dp_model_attr(*model, "Type", type);
    dp_model_attr(*model, "DataType", dtype ? dtype : "text");
    if (value && !secure)
        dp_model_attr(*model, "Value", value);
    cJSON_Delete(got);
    cJSON_Delete(desc);
    cJSON_Delete(tags);
    return 0;
}

static void read_param(const dp_resource_req *r, dp_progress *p)
{
    cJSON *m = NULL;
    dp_err e = {0};
    if (read_model(r->client, r->physical_id, &m, &e))
        dp_progress_fail(p, r, "reading", &e);
    else
        dp_progress_success(p, m);
}

/* PutParameter from the desired properties; overwrite for updates (then without tags, which
 * SSM refuses together with Overwrite). */
static int put(const dp_resource_req *r, const char *name, bool overwrite, dp_err *e)
{
    const cJSON *d = r->desired;
    const char *type = dp_prop_str(d, "Type"), *value = dp_prop_str(d, "Value");
    if (!type || !value) {
        dp_err_set(e, DP_E_INPUT, "Type and Value are required");
        return -1;
    }
    cJSON *in = cJSON_CreateObject();
    cJSON_AddStringToObject(in, "Name", name);
    cJSON_AddStringToObject(in, "Type", type);
    cJSON_AddStringToObject(in, "Value", value);
    const char *keys[] = {"AllowedPattern", "DataType", "Tier", "Policies"};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        if (dp_prop_str(d, keys[i]))
            cJSON_AddStringToObject(in, keys[i], dp_prop_str(d, keys[i]));
    const char *desc = dp_prop_str(d, "Description");
    if (desc || overwrite) /* an update that drops the description clears it */
        cJSON_AddStringToObject(in, "Description", desc ? desc : "");
    if (overwrite)
        cJSON_AddTrueToObject(in, "Overwrite");
    else {
        cJSON *map = dp_tags_from_map(dp_prop(d, "Tags"));
        cJSON_AddItemToObject(in, "Tags", dp_tags_with_ownership(map, r->stack, r->logical_id));
        cJSON_Delete(map);
    }
    return call(r->client, "PutParameter", in, NULL, e);
}

static int put_tags(const dp_resource_req *r, const char *name, dp_err *e)
{
    cJSON *live = NULL, *set = NULL, *rm = NULL;
    if (live_tags(r->client, name, &live, e))
        return -1;
    cJSON *map = dp_tags_from_map(dp_prop(r->desired, "Tags"));
    cJSON *want = dp_tags_with_ownership(map, r->stack, r->logical_id);
    cJSON_Delete(map);
    dp_tags_diff(want, live, "Key", "Value", &set, &rm);
    int rc = 0;
    if (cJSON_GetArraySize(set)) {
        cJSON *in = cJSON_CreateObject();
        cJSON_AddStringToObject(in, "ResourceType", "Parameter");
        cJSON_AddStringToObject(in, "ResourceId", name);
        cJSON_AddItemReferenceToObject(in, "Tags", set);
        rc = call(r->client, "AddTagsToResource", in, NULL, e);
    }
    if (!rc && cJSON_GetArraySize(rm)) {
        cJSON *in = cJSON_CreateObject();
        cJSON_AddStringToObject(in, "ResourceType", "Parameter");
        cJSON_AddStringToObject(in, "ResourceId", name);
        cJSON_AddItemReferenceToObject(in, "TagKeys", rm);
        rc = call(r->client, "RemoveTagsFromResource", in, NULL, e);
    }
    cJSON_Delete(live);
    cJSON_Delete(want);
    cJSON_Delete(set);
    cJSON_Delete(rm);
    return rc;
}

static void finish(const dp_resource_req *r, const char *name, dp_progress *p, const char *verb)
{
    cJSON *m = NULL;
    dp_err e = {0};
    if (read_model(r->client, name, &m, &e))
        dp_progress_fail(p, r, verb, &e);
    else
        dp_progress_success(p, m);
}

/* ---- create: the shared flow of adopt.h ---- */

static int probe(const dp_resource_req *r, void *self, const char *name, dp_err *e)
{
    (void)self;
    cJSON *in = cJSON_CreateObject();
    cJSON_AddStringToObject(in, "Name", name);
    if (!call(r->client, "GetParameter", in, NULL, e))
        return DP_FOUND;
    return e->kind == DP_E_NOT_FOUND ? DP_MISSING : -1;
}

static int owner_tags(const dp_resource_req *r, void *self, const char *name, cJSON **tags, dp_err *e)
{
    (void)self;
    return live_tags(r->client, name, tags, e);
}

/* PutParameter without Overwrite: atomic with its tags. */
static int make(const dp_resource_req *r, void *self, const char *name, dp_err *e)
{
    (void)self;
    return put(r, name, false, e);
}

/* Ours: overwritten with the template's value and settings, tags converged. */
static void adopted(const dp_resource_req *r, void *self, const char *name, dp_progress *p)
{
    (void)self;
    dp_err e = {0};
    if (put(r, name, true, &e) || put_tags(r, name, &e)) {
        dp_progress_fail(p, r, "creating", &e);
        return;
    }
    finish(r, name, p, "creating");
}

static void made(const dp_resource_req *r, void *self, const char *name, dp_progress *p)
{
    (void)self;
    finish(r, name, p, "creating");
}

static const char *const exists_codes[] = {"ParameterAlreadyExists", NULL};

static const dp_adopt_ops create_ops = {
    .what = "SSM parameter",
    .physical_id_for = physical_id_for,
    .generated_max = 2048,
    .exists_codes = exists_codes,
    .probe = probe,
    .owner_tags = owner_tags,
    .make = make,
    .adopted = adopted,
    .made = made,
};

static void create(const dp_resource_req *r, dp_progress *p)
{
    char name[2100];
    dp_create_or_adopt(&create_ops, NULL, r, name, sizeof name, p);
}

static void update(const dp_resource_req *r, dp_progress *p)
{
    dp_err e = {0};
    if (put(r, r->physical_id, true, &e) || put_tags(r, r->physical_id, &e)) {
        dp_progress_fail(p, r, "updating", &e);
        return;
    }
    finish(r, r->physical_id, p, "updating");
}

static void del(const dp_resource_req *r, dp_progress *p)
{
    dp_err e = {0};
    cJSON *in = cJSON_CreateObject();
    cJSON_AddStringToObject(in, "Name", r->physical_id);
    if (call(r->client, "DeleteParameter", in, NULL, &e) && e.kind != DP_E_NOT_FOUND)
        dp_progress_fail(p, r, "deleting", &e);
    else
        dp_progress_success(p, NULL); /* DeleteParameter is synchronous: no wait */
}

struct list_ctx {
    dp_list_fn fn;
    void *ctx;
};

static int on_tagged(void *ctx, const char *arn, const cJSON *tags, dp_err *e)
{
    struct list_ctx *l = ctx;
    const char *logical = dp_tag_value(tags, DP_TAG_LOGICAL_ID);
    const char *rest = strstr(arn, ":parameter/");
    if (!logical || !rest)
        return 0;
    rest += strlen(":parameter/");
    /* arn:...:parameter/a/b is the hierarchical name "/a/b"; parameter/x is "x". */
    char name[2100];
    snprintf(name, sizeof name, "%s%s", strchr(rest, '/') ? "/" : "", rest);
    return l->fn(l->ctx, TYPE, logical, name, e);
}

static int list(dp_client *c, const char *stack, dp_list_fn fn, void *ctx, dp_err *e)
{
    struct list_ctx l = {fn, ctx};
    return dp_tagging_find(c, stack, "ssm:parameter", on_tagged, &l, e);
}

static const char *const applies[] = {"Name", "Type", "Value", "Description", "AllowedPattern", "DataType",
                                      "Tier", "Policies", "Tags", NULL};
/* Value of a SecureString and Policies are not read back. */
static const char *const reads_back[] = {"Name", "Type", "Value", "Description", "AllowedPattern", "DataType",
                                         "Tier", "Tags", NULL};
/* A parameter's value is often an identifier, address or ARN of another resource. */
static const char *const may_reference[] = {"AWS::SecretsManager::Secret", "AWS::RDS::DBCluster", "AWS::S3::Bucket",
                                            "AWS::DMS::ReplicationInstance", "AWS::DMS::Endpoint", "AWS::IAM::Role",
                                            NULL};

const dp_driver dp_driver_ssm_parameter = {
    .type = TYPE,
    .create = create,
    .read = read_param,
    .update = update,
    .del = del,
    .list = list,
    .physical_id_for = physical_id_for,
    .name_prop = "Name",
    .applies = applies,
    .reads_back = reads_back,
    .may_reference = may_reference,
    .seconds = {.create = 2, .update = 2, .del = 2},
};
