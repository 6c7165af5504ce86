/* rds_common.c - identifiers, parameters, XML reading, tags and waiter states for RDS drivers. */
#include "drivers/resources/rds/rds_common.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drivers/resources/common.h"
#include "drivers/resources/tagging.h"
#include "drivers/resources/tags_diff.h"

void dp_rds_fix_identifier(char *s, size_t max_len)
{
    size_t w = 0;
    for (size_t i = 0; s[i]; i++) {
        char ch = (char)tolower((unsigned char)s[i]);
        if (!isalnum((unsigned char)ch))
            ch = '-';
        if (w == 0 && !isalpha((unsigned char)ch))
            continue; /* must start with a letter */
        if (ch == '-' && w > 0 && s[w - 1] == '-')
            continue; /* no double hyphen */
        s[w++] = ch;
    }
    if (w > max_len)
        w = max_len;
    while (w > 0 && s[w - 1] == '-')
        w--;
    if (w == 0 && max_len > 0)
        s[w++] = 'r';
    s[w] = '\0';
}

void dp_rds_generated_id(const dp_resource_req *r, size_t max_len, char *out, size_t n)
{
    char buf[512];
    /* the suffix is kept whole: trim the generated name to the limit first */
    dp_generated_name(r, max_len, true, buf, sizeof buf);
    dp_rds_fix_identifier(buf, max_len);
    snprintf(out, n, "%s", buf);
}

int dp_rds_identifier(const cJSON *desired, const char *prop, const dp_resource_req *r, size_t max_len,
                      char *out, size_t n)
{
    const char *name = dp_prop_str(desired, prop);
    if (name && *name) {
        snprintf(out, n, "%s", name);
        for (char *c = out; *c; c++)
            *c = (char)tolower((unsigned char)*c);
        return 0;
    }
    dp_rds_generated_id(r, max_len, out, n);
    return 1;
}

void dp_rds_arn(const dp_resource_req *r, const char *kind, const char *name, char *out, size_t n)
{
    snprintf(out, n, "arn:%s:rds:%s:%s:%s:%s", r->partition ? r->partition : "aws", r->region ? r->region : "",
             r->account_id ? r->account_id : "", kind, name);
}

char *dp_rds_scalar_text(const cJSON *v)
{
    char num[64];
    if (cJSON_IsString(v))
        return strdup(v->valuestring);
    if (cJSON_IsBool(v))
        return strdup(cJSON_IsTrue(v) ? "true" : "false");
    if (cJSON_IsNumber(v)) {
        double d = v->valuedouble;
        if (d == floor(d) && fabs(d) < 1e15)
            snprintf(num, sizeof num, "%lld", (long long)d);
        else
            snprintf(num, sizeof num, "%.17g", d);
        return strdup(num);
    }
    return NULL;
}

void dp_rds_param(dp_params *p, const char *key, const cJSON *desired, const char *prop)
{
    char *t = dp_rds_scalar_text(dp_prop(desired, prop));
    if (t)
        dp_params_add(p, key, t);
    free(t);
}

void dp_rds_param_list(dp_params *p, const char *prefix, const char *member, const cJSON *arr)
{
    int i = 0;
    const cJSON *v;
    cJSON_ArrayForEach(v, arr)
    {
        if (cJSON_IsString(v))
            dp_params_addf(p, v->valuestring, "%s.%s.%d", prefix, member, ++i);
    }
}

void dp_rds_param_tags(dp_params *p, const char *prefix, const cJSON *tags)
{
    int i = 0;
    const cJSON *t;
    cJSON_ArrayForEach(t, tags)
    {
        const char *k = dp_prop_str(t, "Key"), *v = dp_prop_str(t, "Value");
        if (!k)
            continue;
        i++;
        dp_params_addf(p, k, "%s.Tag.%d.Key", prefix, i);
        dp_params_addf(p, v ? v : "", "%s.Tag.%d.Value", prefix, i);
    }
}

bool dp_rds_changed(const cJSON *desired, const cJSON *previous, const char *prop)
{
    const cJSON *d = dp_prop(desired, prop), *o = dp_prop(previous, prop);
    if (!d)
        return false;
    if (!o)
        return true;
    char *a = dp_rds_scalar_text(d), *b = dp_rds_scalar_text(o);
    bool diff;
    if (a && b)
        diff = strcmp(a, b) != 0;
    else
        diff = !cJSON_Compare(d, o, true);
    free(a);
    free(b);
    return diff;
}

xmlNodePtr dp_rds_call(dp_client *c, const char *op, const dp_params *p, const char *path, xmlDocPtr *doc,
                       dp_err *e)
{
    *doc = NULL;
    if (dp_query_call(c, &dp_svc_rds, op, p, doc, e))
        return NULL;
    xmlNodePtr res = dp_xml_result(*doc, op);
    return path && *path ? dp_xml_path(res, path) : res;
}

int dp_rds_describe(dp_client *c, const char *op, const char *idparam, const char *id, const char *path,
                    const char *notfound_code, xmlDocPtr *doc, xmlNodePtr *node, dp_err *e)
{
    dp_params p;
    dp_params_init(&p, op, DP_RDS_API_VERSION);
    dp_params_add(&p, idparam, id);
    *node = dp_rds_call(c, op, &p, path, doc, e);
    dp_params_cleanup(&p);
    if (!*doc)
        return dp_rds_is(e, notfound_code) ? 0 : -1;
    if (!*node) {
        xmlFreeDoc(*doc);
        *doc = NULL;
        return 0;
    }
    return 1;
}

void dp_rds_put_num(cJSON *props, const char *name, xmlNodePtr n, const char *path)
{
    char *t = dp_xml_text(n, path), *end = NULL;
    if (t && *t) {
        double v = strtod(t, &end);
        if (end && !*end)
            cJSON_AddNumberToObject(props, name, v);
    }
    free(t);
}

bool dp_rds_is(const dp_err *e, const char *code) { return e && !strcmp(e->aws_code, code); }

void dp_rds_put_str(cJSON *props, const char *name, xmlNodePtr n, const char *path)
{
    char *t = dp_xml_text(n, path);
    if (t && *t)
        cJSON_AddStringToObject(props, name, t);
    free(t);
}

void dp_rds_put_int(cJSON *props, const char *name, xmlNodePtr n, const char *path)
{
    char *t = dp_xml_text(n, path), *end = NULL;
    if (t && *t) {
        long v = strtol(t, &end, 10);
        if (end && !*end)
            cJSON_AddNumberToObject(props, name, (double)v);
    }
    free(t);
}

void dp_rds_put_bool(cJSON *props, const char *name, xmlNodePtr n, const char *path)
{
    char *t = dp_xml_text(n, path);
    if (t && (!strcmp(t, "true") || !strcmp(t, "false")))
        cJSON_AddBoolToObject(props, name, !strcmp(t, "true"));
    free(t);
}

cJSON *dp_rds_strings(xmlNodePtr n, const char *list, const char *item, const char *field)
{
    cJSON *out = cJSON_CreateArray();
    for (xmlNodePtr k = dp_xml_child(dp_xml_path(n, list), item); k; k = dp_xml_next_same(k)) {
        char *t = dp_xml_text(k, field);
        if (t)
            cJSON_AddItemToArray(out, cJSON_CreateString(t));
        free(t);
    }
    return out;
}

cJSON *dp_rds_xml_tags(xmlNodePtr taglist)
{
    cJSON *out = cJSON_CreateArray();
    dp_tags_append_xml(out, dp_xml_child(taglist, "Tag"));
    return out;
}

bool dp_rds_has_children(xmlNodePtr n)
{
    for (xmlNodePtr k = n ? n->children : NULL; k; k = k->next)
        if (k->type == XML_ELEMENT_NODE)
            return true;
    return false;
}

int dp_rds_list_tags(dp_client *c, const char *arn, cJSON **out, dp_err *e)
{
    *out = NULL;
    dp_params p;
    dp_params_init(&p, "ListTagsForResource", DP_RDS_API_VERSION);
    dp_params_add(&p, "ResourceName", arn);
    xmlDocPtr doc = NULL;
    xmlNodePtr list = dp_rds_call(c, "ListTagsForResource", &p, "TagList", &doc, e);
    dp_params_cleanup(&p);
    if (!doc)
        return -1;
    *out = dp_rds_xml_tags(list);
    xmlFreeDoc(doc);
    return 0;
}

int dp_rds_sync_tags(dp_client *c, const char *arn, const cJSON *want, const cJSON *live, dp_err *e)
{
    dp_params rm, add;
    dp_params_init(&rm, "RemoveTagsFromResource", DP_RDS_API_VERSION);
    dp_params_add(&rm, "ResourceName", arn);
    dp_params_init(&add, "AddTagsToResource", DP_RDS_API_VERSION);
    dp_params_add(&add, "ResourceName", arn);
    int nrm = 0, nadd = 0, rc = 0;
    const cJSON *t;
    cJSON_ArrayForEach(t, live)
    {
        const char *k = dp_prop_str(t, "Key");
        if (k && strncmp(k, "aws:", 4) && !dp_tag_value(want, k))
            dp_params_addf(&rm, k, "TagKeys.member.%d", ++nrm);
    }
    cJSON_ArrayForEach(t, want)
    {
        const char *k = dp_prop_str(t, "Key"), *v = dp_prop_str(t, "Value");
        const char *old = k ? dp_tag_value(live, k) : NULL;
        if (!k || (old && v && !strcmp(old, v)))
            continue;
        nadd++;
        dp_params_addf(&add, k, "Tags.Tag.%d.Key", nadd);
        dp_params_addf(&add, v ? v : "", "Tags.Tag.%d.Value", nadd);
    }
    xmlDocPtr doc = NULL;
    if (nrm) {
        dp_rds_call(c, "RemoveTagsFromResource", &rm, NULL, &doc, e);
        if (!doc)
            rc = -1;
        xmlFreeDoc(doc);
        doc = NULL;
    }
    if (!rc && nadd) {
        dp_rds_call(c, "AddTagsToResource", &add, NULL, &doc, e);
        if (!doc)
            rc = -1;
        xmlFreeDoc(doc);
    }
    dp_params_cleanup(&rm);
    dp_params_cleanup(&add);
    return rc;
}

static bool in_list(const char *s, const char *const *list)
{
    for (size_t i = 0; s && list[i]; i++)
        if (!strcmp(s, list[i]))
            return true;
    return false;
}

dp_rds_wait dp_rds_available_state(const char *status)
{
    static const char *const failure[] = {"deleted", "deleting", "failed", "incompatible-restore",
                                          "incompatible-parameters", NULL};
    if (status && !strcmp(status, "available"))
        return DP_RDS_READY;
    return in_list(status, failure) ? DP_RDS_FAILED : DP_RDS_WAITING;
}

dp_rds_wait dp_rds_deleted_state(const char *status)
{
    static const char *const failure[] = {"creating", "modifying", "rebooting", "resetting-master-credentials",
                                          NULL};
    return in_list(status, failure) ? DP_RDS_FAILED : DP_RDS_WAITING;
}

const char *dp_rds_unsupported(const cJSON *desired, const char *const *supported)
{
    const cJSON *k;
    cJSON_ArrayForEach(k, desired)
    {
        if (!dp_driver_listed(supported, k->string))
            return k->string;
    }
    return NULL;
}

int dp_rds_check_owned(dp_progress *p, const dp_resource_req *r, const char *what, const char *id,
                       const cJSON *tags)
{
    dp_ownership o = dp_tags_ownership(tags, "Key", "Value", r->stack, r->logical_id);
    if (o == DP_OWNED)
        return DP_OWNED;
    const char *st = dp_tag_value(tags, DP_TAG_STACK), *lg = dp_tag_value(tags, DP_TAG_LOGICAL_ID);
    if (o == DP_OWNED_BY_OTHER)
        dp_progress_failf(p, DP_E_CONFLICT,
                          "%s %s exists and is not owned by stack %s resource %s (it belongs to stack %s, "
                          "resource %s); it was left untouched",
                          what, id, r->stack, r->logical_id, st ? st : "?", lg ? lg : "?");
    else
        dp_progress_failf(p, DP_E_CONFLICT,
                          "%s %s exists and is not owned by stack %s (no dmsprov ownership tags); it was "
                          "left untouched",
                          what, id, r->stack);
    return o;
}
