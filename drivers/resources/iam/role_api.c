/* role_api.c - reading an IAM role (URL-encoded policy documents, paginated lists) and
 * converging its policies. */
#include "drivers/resources/iam/role_api.h"

#include <libxml/uri.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "drivers/core/proto/query.h"
#include "drivers/resources/common.h"
#include "drivers/resources/tags_diff.h"

static void params_for(dp_params *p, const char *op, const char *role)
{
    dp_params_init(p, op, dp_svc_iam.api_version);
    dp_params_add(p, "RoleName", role);
}

static int call(dp_client *c, const char *op, dp_params *p, xmlDocPtr *doc, dp_err *e)
{
    xmlDocPtr d = NULL;
    int rc = dp_query_call(c, &dp_svc_iam, op, p, &d, e);
    dp_params_cleanup(p);
    if (rc && e && !strcmp(e->aws_code, "NoSuchEntity"))
        e->kind = DP_E_NOT_FOUND;
    if (doc)
        *doc = d;
    else
        xmlFreeDoc(d);
    return rc;
}

int dp_iam_role_call(dp_client *c, const char *op, const char *role, ...)
{
    dp_params p;
    params_for(&p, op, role);
    va_list ap;
    va_start(ap, role);
    const char *k;
    while ((k = va_arg(ap, const char *))) {
        const char *v = va_arg(ap, const char *);
        dp_params_add(&p, k, v);
    }
    dp_err *e = va_arg(ap, dp_err *);
    va_end(ap);
    return call(c, op, &p, NULL, e);
}

char *dp_iam_policy_canonical(const char *urlencoded)
{
    if (!urlencoded)
        return NULL;
    char *raw = xmlURIUnescapeString(urlencoded, 0, NULL);
    /* An unencoded document (some endpoints) parses as is. */
    char *out = raw ? dp_json_canonical_text(raw) : NULL;
    if (!out)
        out = dp_json_canonical_text(urlencoded);
    xmlFree(raw);
    return out;
}

static int on_tags(void *ctx, xmlNodePtr result, dp_err *e)
{
    (void)e;
    dp_tags_append_xml(ctx, dp_xml_path(result, "Tags/member"));
    return 0;
}

int dp_iam_role_tags(dp_client *c, const char *role, cJSON **tags, dp_err *e)
{
    dp_params p;
    params_for(&p, "ListRoleTags", role);
    *tags = cJSON_CreateArray();
    int rc = dp_query_paginate(c, &dp_svc_iam, "ListRoleTags", &p, on_tags, *tags, e);
    dp_params_cleanup(&p);
    if (rc && e && !strcmp(e->aws_code, "NoSuchEntity"))
        e->kind = DP_E_NOT_FOUND;
    return rc;
}

struct names {
    cJSON *arr;
    const char *list_path; /* "PolicyNames/member" or "AttachedPolicies/member" */
    const char *field;     /* NULL: the member's text; else a child's text */
};

static int on_names(void *ctx, xmlNodePtr result, dp_err *e)
{
    (void)e;
    struct names *n = ctx;
    for (xmlNodePtr m = dp_xml_path(result, n->list_path); m; m = dp_xml_next_same(m)) {
        char *v = n->field ? dp_xml_text(m, n->field) : (char *)xmlNodeGetContent(m);
        if (v)
            cJSON_AddItemToArray(n->arr, cJSON_CreateString(v));
        if (n->field)
            free(v);
        else
            xmlFree(v);
    }
    return 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp((*(const cJSON *const *)a)->valuestring, (*(const cJSON *const *)b)->valuestring);
}

/* Sorts an array of strings (IAM lists come in no particular order). */
static cJSON *sorted(cJSON *arr)
{
    int n = cJSON_GetArraySize(arr);
    if (n < 2)
        return arr;
    cJSON **v = calloc((size_t)n, sizeof *v);
    if (!v)
        return arr;
    for (int i = 0; i < n; i++)
        v[i] = cJSON_DetachItemFromArray(arr, 0);
    qsort(v, (size_t)n, sizeof *v, cmp_str);
    for (int i = 0; i < n; i++)
        cJSON_AddItemToArray(arr, v[i]);
    free(v);
    return arr;
}

static int list_names(dp_client *c, const char *op, const char *role, const char *path, const char *field,
                      cJSON **out, dp_err *e)
{
    dp_params p;
    params_for(&p, op, role);
    struct names n = {cJSON_CreateArray(), path, field};
    int rc = dp_query_paginate(c, &dp_svc_iam, op, &p, on_names, &n, e);
    dp_params_cleanup(&p);
    if (rc && e && !strcmp(e->aws_code, "NoSuchEntity"))
        e->kind = DP_E_NOT_FOUND;
    *out = sorted(n.arr);
    return rc;
}

static int inline_policies(dp_client *c, const char *role, cJSON **out, dp_err *e)
{
    cJSON *names = NULL;
    *out = cJSON_CreateArray();
    if (list_names(c, "ListRolePolicies", role, "PolicyNames/member", NULL, &names, e)) {
        cJSON_Delete(names);
        return -1;
    }
    const cJSON *n;
    cJSON_ArrayForEach(n, names)
    {
        dp_params p;
        params_for(&p, "GetRolePolicy", role);
        dp_params_add(&p, "PolicyName", n->valuestring);
        xmlDocPtr doc = NULL;
        if (call(c, "GetRolePolicy", &p, &doc, e)) {
            cJSON_Delete(names);
            return -1;
        }
        char *text = dp_xml_text(dp_xml_result(doc, "GetRolePolicy"), "PolicyDocument");
        char *canon = dp_iam_policy_canonical(text);
        cJSON *pol = cJSON_CreateObject();
        cJSON_AddStringToObject(pol, "PolicyName", n->valuestring);
        cJSON_AddStringToObject(pol, "PolicyDocument", canon ? canon : (text ? text : ""));
        cJSON_AddItemToArray(*out, pol);
        free(text);
        free(canon);
        xmlFreeDoc(doc);
    }
    cJSON_Delete(names);
    return 0;
}

int dp_iam_role_read(dp_client *c, const char *role, cJSON **out, cJSON **live_tags, dp_err *e)
{
    *out = NULL;
    dp_params p;
    params_for(&p, "GetRole", role);
    xmlDocPtr doc = NULL;
    if (call(c, "GetRole", &p, &doc, e))
        return -1;
    xmlNodePtr r = dp_xml_path(dp_xml_result(doc, "GetRole"), "Role");
    cJSON *o = cJSON_CreateObject(), *props = cJSON_AddObjectToObject(o, "Properties");
    char *s;
    if ((s = dp_xml_text(r, "Arn")))
        cJSON_AddStringToObject(o, "Arn", s);
    free(s);
    if ((s = dp_xml_text(r, "RoleId")))
        cJSON_AddStringToObject(o, "RoleId", s);
    free(s);
    if ((s = dp_xml_text(r, "RoleName")))
        cJSON_AddStringToObject(props, "RoleName", s);
    free(s);
    if ((s = dp_xml_text(r, "Path")) && strcmp(s, "/")) /* "/" is the default */
        cJSON_AddStringToObject(props, "Path", s);
    free(s);
    if ((s = dp_xml_text(r, "Description")) && *s)
        cJSON_AddStringToObject(props, "Description", s);
    free(s);
    if ((s = dp_xml_text(r, "AssumeRolePolicyDocument"))) {
        char *canon = dp_iam_policy_canonical(s);
        cJSON_AddStringToObject(props, "AssumeRolePolicyDocument", canon ? canon : s);
        free(canon);
    }
    free(s);
    if ((s = dp_xml_text(r, "MaxSessionDuration"))) {
        long v = strtol(s, NULL, 10);
        if (v && v != 3600) /* one hour is the default */
            cJSON_AddNumberToObject(props, "MaxSessionDuration", (double)v);
    }
    free(s);
    if ((s = dp_xml_text(r, "PermissionsBoundary/PermissionsBoundaryArn")))
        cJSON_AddStringToObject(props, "PermissionsBoundary", s);
    free(s);
    xmlFreeDoc(doc);
    cJSON *pols = NULL, *arns = NULL, *tags = NULL;
    if (inline_policies(c, role, &pols, e) ||
        list_names(c, "ListAttachedRolePolicies", role, "AttachedPolicies/member", "PolicyArn", &arns, e) ||
        dp_iam_role_tags(c, role, &tags, e)) {
        cJSON_Delete(pols);
        cJSON_Delete(arns);
        cJSON_Delete(tags);
        cJSON_Delete(o);
        return -1;
    }
    if (cJSON_GetArraySize(pols))
        cJSON_AddItemToObject(props, "Policies", pols);
    else
        cJSON_Delete(pols);
    if (cJSON_GetArraySize(arns))
        cJSON_AddItemToObject(props, "ManagedPolicyArns", arns);
    else
        cJSON_Delete(arns);
    cJSON *tf = dp_tags_template_form(tags, "Key", "Value");
    if (tf)
        cJSON_AddItemToObject(props, "Tags", tf);
    if (live_tags)
        *live_tags = tags;
    else
        cJSON_Delete(tags);
    *out = o;
    return 0;
}

static const cJSON *find_policy(const cJSON *pols, const char *name)
{
    const cJSON *p;
    cJSON_ArrayForEach(p, pols)
    {
        const char *n = dp_prop_str(p, "PolicyName");
        if (n && !strcmp(n, name))
            return p;
    }
    return NULL;
}

static bool has_string(const cJSON *arr, const char *s)
{
    const cJSON *v;
    cJSON_ArrayForEach(v, arr) if (cJSON_IsString(v) && !strcmp(v->valuestring, s)) return true;
    return false;
}

int dp_iam_role_converge_policies(dp_client *c, const char *role, const cJSON *live, const cJSON *policies,
                                  const cJSON *arns, dp_err *e)
{
    const cJSON *lprops = dp_prop(live, "Properties");
    const cJSON *lpols = dp_prop(lprops, "Policies"), *larns = dp_prop(lprops, "ManagedPolicyArns");
    const cJSON *p;
    cJSON_ArrayForEach(p, policies)
    {
        const char *name = dp_prop_str(p, "PolicyName");
        char *text = dp_prop_json_text(p, "PolicyDocument");
        char *canon = text ? dp_json_canonical_text(text) : NULL;
        if (!name || !canon) {
            free(text);
            free(canon);
            dp_err_set(e, DP_E_INPUT, "each of Policies needs PolicyName and a JSON PolicyDocument");
            return -1;
        }
        const char *have = dp_prop_str(find_policy(lpols, name), "PolicyDocument");
        int rc = 0;
        if (!have || strcmp(have, canon))
            rc = dp_iam_role_call(c, "PutRolePolicy", role, "PolicyName", name, "PolicyDocument", text, NULL, e);
        free(text);
        free(canon);
        if (rc)
            return -1;
    }
    cJSON_ArrayForEach(p, lpols)
    {
        const char *name = dp_prop_str(p, "PolicyName");
        if (name && !find_policy(policies, name) &&
            dp_iam_role_call(c, "DeleteRolePolicy", role, "PolicyName", name, NULL, e) && e->kind != DP_E_NOT_FOUND)
            return -1;
    }
    cJSON_ArrayForEach(p, arns)
    {
        if (!cJSON_IsString(p)) {
            dp_err_set(e, DP_E_INPUT, "ManagedPolicyArns must be a list of ARNs");
            return -1;
        }
        if (!has_string(larns, p->valuestring) &&
            dp_iam_role_call(c, "AttachRolePolicy", role, "PolicyArn", p->valuestring, NULL, e)) {
            e->kind = DP_E_AWS; /* a missing policy is an error of the template, not a missing role */
            return -1;
        }
    }
    cJSON_ArrayForEach(p, larns)
    {
        if (cJSON_IsString(p) && !has_string(arns, p->valuestring) &&
            dp_iam_role_call(c, "DetachRolePolicy", role, "PolicyArn", p->valuestring, NULL, e) &&
            e->kind != DP_E_NOT_FOUND)
            return -1;
    }
    return 0;
}
