/* role.c - AWS::IAM::Role: assume-role policy, inline policies, managed policy ARNs,
 * path, description, session duration, permissions boundary, tags. Ref (and PhysicalId) is
 * the role name.
 *
 * IAM has no client token: a retried create adopts a same-named role whose ownership tags
 * (set atomically by CreateRole) say it is ours. IAM is not in the tagging API, so list walks
 * ListRoles + ListRoleTags. Waits follow waiters-2.json RoleExists (GetRole 200; NoSuchEntity
 * = retry); delete waits until GetRole says NoSuchEntity. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drivers/core/proto/query.h"
#include "drivers/resources/adopt.h"
#include "drivers/resources/common.h"
#include "drivers/resources/iam/role_api.h"
#include "drivers/resources/tags_diff.h"

#define TYPE "AWS::IAM::Role"

static int physical_id_for(const cJSON *desired, const dp_resource_req *r, char *id, size_t n)
{
    (void)r;
    const char *name = dp_prop_str(desired, "RoleName");
    if (!name)
        return 1;
    snprintf(id, n, "%s", name);
    return 0;
}

static cJSON *model_from(const char *name, cJSON *role)
{
    cJSON *props = cJSON_DetachItemFromObjectCaseSensitive(role, "Properties");
    cJSON *m = dp_model_new(name, props);
    dp_model_attr(m, "Arn", dp_prop_str(role, "Arn"));
    dp_model_attr(m, "RoleId", dp_prop_str(role, "RoleId"));
    return m;
}

static void finish(const dp_resource_req *r, const char *name, const char *verb, dp_progress *p)
{
    cJSON *role = NULL;
    dp_err e = {0};
    if (dp_iam_role_read(r->client, name, &role, NULL, &e)) {
        if (e.kind == DP_E_NOT_FOUND && strcmp(verb, "reading")) { /* RoleExists: retry */
            cJSON *ctx = cJSON_CreateObject();
            cJSON_AddStringToObject(ctx, "role", name);
            dp_progress_wait(p, r, ctx, "role becoming visible");
        } else
            dp_progress_fail(p, r, verb, &e);
        return;
    }
    dp_progress_success(p, model_from(name, role));
    cJSON_Delete(role);
}

static void read_role(const dp_resource_req *r, dp_progress *p) { finish(r, r->physical_id, "reading", p); }

static char *desired_trust(const cJSON *d, dp_err *e)
{
    char *text = dp_prop_json_text(d, "AssumeRolePolicyDocument");
    char *canon = text ? dp_json_canonical_text(text) : NULL;
    free(text);
    if (!canon)
        dp_err_set(e, DP_E_INPUT, "AssumeRolePolicyDocument is required and must be a JSON policy document");
    return canon;
}

/* Brings role settings, policies and tags from live (dp_iam_role_read form) to desired. */
static int converge(const dp_resource_req *r, const char *name, const cJSON *live, const cJSON *live_tags, dp_err *e)
{
    const cJSON *d = r->desired, *lp = dp_prop(live, "Properties");
    char *trust = desired_trust(d, e);
    if (!trust)
        return -1;
    const char *ltrust = dp_prop_str(lp, "AssumeRolePolicyDocument");
    int rc = 0;
    if (!ltrust || strcmp(ltrust, trust))
        rc = dp_iam_role_call(r->client, "UpdateAssumeRolePolicy", name, "PolicyDocument", trust, NULL, e);
    free(trust);
    if (rc)
        return -1;
    const char *desc = dp_prop_str(d, "Description"), *ldesc = dp_prop_str(lp, "Description");
    long dur = dp_prop_long(d, "MaxSessionDuration", 3600), ldur = dp_prop_long(lp, "MaxSessionDuration", 3600);
    if (strcmp(desc ? desc : "", ldesc ? ldesc : "") || dur != ldur) {
        char ds[24];
        snprintf(ds, sizeof ds, "%ld", dur);
        if (dp_iam_role_call(r->client, "UpdateRole", name, "Description", desc ? desc : "", "MaxSessionDuration", ds,
                             NULL, e))
            return -1;
    }
    const char *pb = dp_prop_str(d, "PermissionsBoundary"), *lpb = dp_prop_str(lp, "PermissionsBoundary");
    if (pb && (!lpb || strcmp(pb, lpb)))
        rc = dp_iam_role_call(r->client, "PutRolePermissionsBoundary", name, "PermissionsBoundary", pb, NULL, e);
    else if (!pb && lpb)
        rc = dp_iam_role_call(r->client, "DeleteRolePermissionsBoundary", name, NULL, e);
    if (rc || dp_iam_role_converge_policies(r->client, name, live, dp_prop(d, "Policies"),
                                            dp_prop(d, "ManagedPolicyArns"), e))
        return -1;
    cJSON *want = dp_tags_with_ownership(dp_prop(d, "Tags"), r->stack, r->logical_id), *set, *rm;
    dp_tags_diff(want, live_tags, "Key", "Value", &set, &rm);
    cJSON_Delete(want);
    if (cJSON_GetArraySize(set)) {
        dp_params p;
        dp_params_init(&p, "TagRole", dp_svc_iam.api_version);
        dp_params_add(&p, "RoleName", name);
        int i = 1;
        const cJSON *t;
        cJSON_ArrayForEach(t, set)
        {
            dp_params_addf(&p, dp_prop_str(t, "Key"), "Tags.member.%d.Key", i);
            dp_params_addf(&p, dp_prop_str(t, "Value"), "Tags.member.%d.Value", i++);
        }
        xmlDocPtr doc = NULL;
        rc = dp_query_call(r->client, &dp_svc_iam, "TagRole", &p, &doc, e);
        xmlFreeDoc(doc);
        dp_params_cleanup(&p);
    }
    if (!rc && cJSON_GetArraySize(rm)) {
        dp_params p;
        dp_params_init(&p, "UntagRole", dp_svc_iam.api_version);
        dp_params_add(&p, "RoleName", name);
        int i = 1;
        const cJSON *k;
        cJSON_ArrayForEach(k, rm) dp_params_addf(&p, k->valuestring, "TagKeys.member.%d", i++);
        xmlDocPtr doc = NULL;
        rc = dp_query_call(r->client, &dp_svc_iam, "UntagRole", &p, &doc, e);
        xmlFreeDoc(doc);
        dp_params_cleanup(&p);
    }
    cJSON_Delete(set);
    cJSON_Delete(rm);
    return rc;
}

/* ---- create: the shared flow of adopt.h ---- */

/* What the adopt step read (GetRole + ListRoleTags), kept for converge. */
struct create_state {
    cJSON *live, *tags;
};

static int probe(const dp_resource_req *r, void *self, const char *name, dp_err *e)
{
    (void)self;
    if (!dp_iam_role_call(r->client, "GetRole", name, NULL, e))
        return DP_FOUND;
    return e->kind == DP_E_NOT_FOUND ? DP_MISSING : -1;
}

static int owner_tags(const dp_resource_req *r, void *self, const char *name, cJSON **tags, dp_err *e)
{
    struct create_state *s = self;
    if (dp_iam_role_read(r->client, name, &s->live, &s->tags, e))
        return -1;
    *tags = cJSON_Duplicate(s->tags, 1);
    return 0;
}

static int make(const dp_resource_req *r, void *self, const char *name, dp_err *e)
{
    (void)self;
    char *trust = desired_trust(r->desired, e);
    if (!trust)
        return -1;
    dp_params prm;
    dp_params_init(&prm, "CreateRole", dp_svc_iam.api_version);
    dp_params_add(&prm, "RoleName", name);
    dp_params_add(&prm, "AssumeRolePolicyDocument", trust);
    free(trust);
    dp_params_add(&prm, "Path", dp_prop_str(r->desired, "Path"));
    dp_params_add(&prm, "Description", dp_prop_str(r->desired, "Description"));
    dp_params_add(&prm, "PermissionsBoundary", dp_prop_str(r->desired, "PermissionsBoundary"));
    long dur = dp_prop_long(r->desired, "MaxSessionDuration", 0);
    if (dur) {
        char ds[24];
        snprintf(ds, sizeof ds, "%ld", dur);
        dp_params_add(&prm, "MaxSessionDuration", ds);
    }
    cJSON *tags = dp_tags_with_ownership(dp_prop(r->desired, "Tags"), r->stack, r->logical_id);
    int i = 1;
    const cJSON *t;
    cJSON_ArrayForEach(t, tags)
    {
        dp_params_addf(&prm, dp_prop_str(t, "Key"), "Tags.member.%d.Key", i);
        dp_params_addf(&prm, dp_prop_str(t, "Value"), "Tags.member.%d.Value", i++);
    }
    cJSON_Delete(tags);
    xmlDocPtr doc = NULL;
    int rc = dp_query_call(r->client, &dp_svc_iam, "CreateRole", &prm, &doc, e);
    xmlFreeDoc(doc);
    dp_params_cleanup(&prm);
    return rc;
}

static void converge_finish(const dp_resource_req *r, const char *name, const cJSON *live, const cJSON *tags,
                            dp_progress *p)
{
    dp_err e = {0};
    if (converge(r, name, live, tags, &e))
        dp_progress_fail(p, r, "creating", &e);
    else
        finish(r, name, "creating", p);
}

static void adopted(const dp_resource_req *r, void *self, const char *name, dp_progress *p)
{
    struct create_state *s = self;
    converge_finish(r, name, s->live, s->tags, p);
}

/* Policies: converge from the fresh role (no policies yet). */
static void made(const dp_resource_req *r, void *self, const char *name, dp_progress *p)
{
    struct create_state *s = self;
    dp_err e = {0};
    if (dp_iam_role_read(r->client, name, &s->live, &s->tags, &e)) {
        if (e.kind == DP_E_NOT_FOUND) /* not visible yet (RoleExists: retry); the next step adopts it */
            dp_progress_wait(p, r, cJSON_CreateObject(), "role becoming visible");
        else
            dp_progress_fail(p, r, "creating", &e);
        return;
    }
    converge_finish(r, name, s->live, s->tags, p);
}

static const char *const exists_codes[] = {"EntityAlreadyExists", NULL};

static const dp_adopt_ops create_ops = {
    .what = "IAM role",
    .physical_id_for = physical_id_for,
    .generated_max = 64,
    .exists_codes = exists_codes,
    .probe = probe,
    .owner_tags = owner_tags,
    .make = make,
    .adopted = adopted,
    .made = made,
};

static void create(const dp_resource_req *r, dp_progress *p)
{
    const char *waiting = dp_prop_str(r->context, "role");
    if (waiting) { /* RoleExists wait */
        finish(r, waiting, "creating", p);
        return;
    }
    char name[80];
    struct create_state s = {0};
    dp_create_or_adopt(&create_ops, &s, r, name, sizeof name, p);
    cJSON_Delete(s.live);
    cJSON_Delete(s.tags);
}

static void update(const dp_resource_req *r, dp_progress *p)
{
    cJSON *live = NULL, *tags = NULL;
    dp_err e = {0};
    if (dp_iam_role_read(r->client, r->physical_id, &live, &tags, &e) ||
        converge(r, r->physical_id, live, tags, &e))
        dp_progress_fail(p, r, "updating", &e);
    else
        finish(r, r->physical_id, "updating", p);
    cJSON_Delete(live);
    cJSON_Delete(tags);
}

static void del(const dp_resource_req *r, dp_progress *p)
{
    cJSON *live = NULL, *tags = NULL;
    dp_err e = {0};
    const char *name = r->physical_id;
    if (dp_iam_role_read(r->client, name, &live, &tags, &e)) {
        if (e.kind == DP_E_NOT_FOUND)
            dp_progress_success(p, NULL);
        else
            dp_progress_fail(p, r, "deleting", &e);
        return;
    }
    if (dp_tags_ownership(tags, "Key", "Value", r->stack, NULL) == DP_OWNED_BY_OTHER) {
        dp_progress_failf(p, DP_E_CONFLICT, "deleting %s: IAM role %s belongs to another stack", r->logical_id, name);
    } else if (!r->context) { /* policies must go before the role can */
        if (dp_iam_role_converge_policies(r->client, name, live, NULL, NULL, &e) ||
            (dp_iam_role_call(r->client, "DeleteRole", name, NULL, &e) && e.kind != DP_E_NOT_FOUND))
            dp_progress_fail(p, r, "deleting", &e);
        else
            dp_progress_wait(p, r, cJSON_CreateObject(), "role deleting");
    } else /* still visible: wait until GetRole says NoSuchEntity */
        dp_progress_wait(p, r, cJSON_CreateObject(), "role deleting");
    cJSON_Delete(live);
    cJSON_Delete(tags);
}

struct list_ctx {
    dp_client *c;
    const char *stack;
    dp_list_fn fn;
    void *ctx;
};

static int on_roles(void *ctx, xmlNodePtr result, dp_err *e)
{
    struct list_ctx *l = ctx;
    for (xmlNodePtr m = dp_xml_path(result, "Roles/member"); m; m = dp_xml_next_same(m)) {
        char *name = dp_xml_text(m, "RoleName");
        cJSON *tags = NULL;
        int rc = 0;
        if (name && !dp_iam_role_tags(l->c, name, &tags, e)) {
            const char *s = NULL, *lg = NULL;
            const cJSON *t;
            cJSON_ArrayForEach(t, tags)
            {
                const char *k = dp_prop_str(t, "Key");
                if (k && !strcmp(k, DP_TAG_STACK))
                    s = dp_prop_str(t, "Value");
                if (k && !strcmp(k, DP_TAG_LOGICAL_ID))
                    lg = dp_prop_str(t, "Value");
            }
            if (s && lg && !strcmp(s, l->stack))
                rc = l->fn(l->ctx, TYPE, lg, name, e);
        } else if (name && e->kind != DP_E_NOT_FOUND) /* a role deleted meanwhile is fine */
            rc = -1;
        cJSON_Delete(tags);
        free(name);
        if (rc)
            return -1;
    }
    return 0;
}

static int list(dp_client *c, const char *stack, dp_list_fn fn, void *ctx, dp_err *e)
{
    dp_params p;
    dp_params_init(&p, "ListRoles", dp_svc_iam.api_version);
    struct list_ctx l = {c, stack, fn, ctx};
    int rc = dp_query_paginate(c, &dp_svc_iam, "ListRoles", &p, on_roles, &l, e);
    dp_params_cleanup(&p);
    return rc;
}

static const char *const applies[] = {"RoleName", "AssumeRolePolicyDocument", "Path", "Description",
                                      "MaxSessionDuration", "PermissionsBoundary", "Policies", "ManagedPolicyArns",
                                      "Tags", NULL};

const dp_driver dp_driver_iam_role = {
    .type = TYPE,
    .create = create,
    .read = read_role,
    .update = update,
    .del = del,
    .list = list,
    .physical_id_for = physical_id_for,
    .name_prop = "RoleName",
    .applies = applies,
    .reads_back = applies,
    .seconds = {.create = 2, .update = 2, .del = 2},
};
