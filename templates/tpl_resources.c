/* tpl_resources.c - the Resources section: logical ids, Type (supported types only, with
 * clear refusals for nested stacks, SAM and custom resources), resource attributes, and
 * DeletionPolicy / UpdateReplacePolicy with CloudFormation's defaults. */
#include <stdlib.h>
#include <string.h>

#include "templates/tpl_internal.h"

static const char *const res_keys[] = {"Condition", "CreationPolicy", "DeletionPolicy", "DependsOn",
                                       "Metadata", "Properties", "Type", "UpdatePolicy",
                                       "UpdateReplacePolicy"};

/* The default when the caller passes no rules: what the RDS drivers' table entries say. */
static bool rds_snapshot_ok(void *ctx, const char *type)
{
    (void)ctx;
    return !strcmp(type, "AWS::RDS::DBCluster") || !strcmp(type, "AWS::RDS::DBInstance");
}

const dp_type_rules *dp_type_rules_default(void)
{
    static const dp_type_rules rules = {.ctx = NULL, .snapshot_ok = rds_snapshot_ok};
    return &rules;
}

static bool snapshot_ok(const dp_template *t, const char *type)
{
    return t->type_rules.snapshot_ok && t->type_rules.snapshot_ok(t->type_rules.ctx, type);
}

/* A policy value: a string, or an intrinsic (Ref to a parameter, Fn::If, ...). */
static const char *policy(dp_template *t, tpl_res *r, const char *attr, bool deletion)
{
    const dp_node *n = dp_node_get(r->decl->value, attr);
    if (!n)
        return NULL;
    const char *s = NULL;
    cJSON *v = NULL;
    if (n->kind == DP_N_SCALAR) {
        s = n->str;
    } else {
        dp_eval ev;
        dp_eval_init(&ev, t, NULL, NULL);
        v = dp_eval_node(&ev, n);
        if (!v)
            return NULL;
        if (dp_value_contains_unknown(v)) {
            cJSON_Delete(v);
            return NULL; /* undetermined at validate time */
        }
        if (!cJSON_IsString(v)) {
            dp_tpl_error(t, n->line, n->col, "%s must be a string", attr);
            cJSON_Delete(v);
            return NULL;
        }
        s = v->valuestring;
    }
    static const char *const vals[] = {"Delete", "Retain", "Snapshot", "RetainExceptOnCreate"};
    const char *found = NULL;
    size_t nvals = deletion ? 4 : 3;
    for (size_t i = 0; i < nvals; i++)
        if (!strcmp(s, vals[i]))
            found = vals[i];
    if (!found) {
        dp_tpl_error(t, n->line, n->col, "%s must be one of Delete, Retain, Snapshot%s, not \"%s\"", attr,
                     deletion ? ", RetainExceptOnCreate" : "", s);
    } else if (!strcmp(found, "Snapshot") && !snapshot_ok(t, r->pub.type)) {
        dp_tpl_error(t, n->line, n->col, "%s Snapshot is not supported for %s", attr, r->pub.type);
        found = NULL;
    }
    cJSON_Delete(v);
    return found;
}

static bool check_type(dp_template *t, tpl_res *r, const dp_node *type)
{
    if (!type) {
        dp_tpl_error(t, r->decl->line, r->decl->col, "resource \"%s\" has no Type", r->pub.logical_id);
        return false;
    }
    if (type->kind != DP_N_SCALAR) {
        dp_tpl_error(t, type->line, type->col, "Type must be a string");
        return false;
    }
    const char *s = type->str;
    r->pub.type = s;
    r->pub.schema = dp_schema_find(s);
    if (r->pub.schema)
        return true;
    if (!strcmp(s, "AWS::CloudFormation::Stack"))
        dp_tpl_error(t, type->line, type->col, "nested stacks (AWS::CloudFormation::Stack) are not supported");
    else if (!strncmp(s, "AWS::Serverless::", 17))
        dp_tpl_error(t, type->line, type->col, "%s needs the AWS::Serverless (SAM) transform, which is not supported", s);
    else if (!strncmp(s, "Custom::", 8) || !strcmp(s, "AWS::CloudFormation::CustomResource"))
        dp_tpl_error(t, type->line, type->col, "custom resources (%s) are not supported", s);
    else if (!strcmp(s, "AWS::CloudFormation::Macro"))
        dp_tpl_error(t, type->line, type->col, "macros (AWS::CloudFormation::Macro) are not supported");
    else {
        size_t n = 0;
        const dp_schema_type *const *all = dp_schema_all(&n);
        const char **names = malloc((n ? n : 1) * sizeof *names);
        const char *sug = NULL;
        if (names) {
            for (size_t i = 0; i < n; i++)
                names[i] = all[i]->type;
            sug = dp_suggest(s, names, n);
        }
        if (sug)
            dp_tpl_error(t, type->line, type->col, "unsupported resource type \"%s\" (did you mean \"%s\"?)", s, sug);
        else
            dp_tpl_error(t, type->line, type->col, "unsupported resource type \"%s\"", s);
        free(names);
    }
    return false;
}

static void load_one(dp_template *t, tpl_res *r)
{
    const dp_node *n = r->decl->value;
    for (size_t i = 0; i < n->n; i++) {
        const dp_pair *k = &n->pairs[i];
        bool known = false;
        for (size_t j = 0; j < sizeof res_keys / sizeof res_keys[0] && !known; j++)
            known = !strcmp(k->key, res_keys[j]);
        if (!known) {
            const char *s = dp_suggest(k->key, res_keys, sizeof res_keys / sizeof res_keys[0]);
            if (s)
                dp_tpl_error(t, k->line, k->col, "unknown resource attribute \"%s\" (did you mean \"%s\"?)", k->key, s);
            else
                dp_tpl_error(t, k->line, k->col, "unknown resource attribute \"%s\"", k->key);
        } else if (!strcmp(k->key, "CreationPolicy") || !strcmp(k->key, "UpdatePolicy")) {
            dp_tpl_error(t, k->line, k->col, "%s is not supported (no supported resource type uses it)", k->key);
        }
    }
    check_type(t, r, dp_node_get(n, "Type"));
    r->props = dp_node_get(n, "Properties");
    if (r->props && dp_node_is_null(r->props))
        r->props = NULL;
    const dp_node *cond = dp_node_get(n, "Condition");
    if (cond) {
        if (cond->kind != DP_N_SCALAR)
            dp_tpl_error(t, cond->line, cond->col, "Condition must be a condition name");
        else
            r->pub.condition = cond->str;
    }
    const dp_node *dep = dp_node_get(n, "DependsOn");
    if (dep && dep->kind != DP_N_SCALAR && dep->kind != DP_N_SEQ)
        dp_tpl_error(t, dep->line, dep->col, "DependsOn must be a resource name or a list of them");
    for (size_t i = 0; dep && dep->kind == DP_N_SEQ && i < dep->n; i++)
        if (dep->items[i]->kind != DP_N_SCALAR)
            dp_tpl_error(t, dep->items[i]->line, dep->items[i]->col, "DependsOn items must be resource names");
}

void dp_tpl_resources_load(dp_template *t, const dp_pair *section)
{
    const dp_node *s = section ? section->value : NULL;
    if (!s) {
        dp_tpl_error(t, t->doc->root->line, t->doc->root->col, "the template has no Resources section");
        return;
    }
    if (s->kind != DP_N_MAP) {
        dp_tpl_error(t, s->line, s->col, "Resources must be a mapping");
        return;
    }
    if (!s->n) {
        dp_tpl_error(t, section->line, section->col, "Resources must declare at least one resource");
        return;
    }
    t->res = calloc(s->n, sizeof *t->res);
    if (!t->res)
        return;
    for (size_t i = 0; i < s->n; i++) {
        const dp_pair *p = &s->pairs[i];
        if (!dp_tpl_valid_id(p->key)) {
            dp_tpl_error(t, p->line, p->col, "logical id \"%s\" must be alphanumeric (A-Z, a-z, 0-9)", p->key);
            continue;
        }
        if (dp_strmap_get(&t->param_ix, p->key, NULL)) {
            dp_tpl_error(t, p->line, p->col, "logical id \"%s\" is already used by a parameter", p->key);
            continue;
        }
        if (p->value->kind != DP_N_MAP) {
            dp_tpl_error(t, p->value->line, p->value->col, "resource \"%s\" must be a mapping with a Type", p->key);
            continue;
        }
        tpl_res *r = &t->res[t->nres++];
        r->decl = p;
        r->pub.logical_id = p->key;
        r->pub.type = "";
        r->pub.line = p->line;
        r->pub.col = p->col;
        r->cond = 1;
        dp_strmap_put(&t->res_ix, p->key, r);
        load_one(t, r);
    }
}

void dp_tpl_resources_finish(dp_template *t)
{
    for (size_t i = 0; i < t->nres; i++) {
        tpl_res *r = &t->res[i];
        if (r->pub.condition) {
            dp_eval ev;
            dp_eval_init(&ev, t, NULL, NULL);
            const dp_node *cn = dp_node_get(r->decl->value, "Condition");
            int v = dp_cond_value(&ev, r->pub.condition, cn);
            r->cond = v == -2 ? -1 : v;
        }
        r->pub.active = r->cond != 0;
        bool rds_default = !strcmp(r->pub.type, "AWS::RDS::DBCluster") ||
                           (!strcmp(r->pub.type, "AWS::RDS::DBInstance") &&
                            !dp_node_get(r->props, "DBClusterIdentifier"));
        const char *dflt = rds_default ? "Snapshot" : "Delete";
        const char *dp = policy(t, r, "DeletionPolicy", true);
        const char *up = policy(t, r, "UpdateReplacePolicy", false);
        r->pub.deletion_policy = dp ? dp : dflt;
        r->pub.deletion_policy_explicit = dp != NULL;
        r->pub.update_replace_policy = up ? up : dflt;
        r->pub.update_replace_policy_explicit = up != NULL;
    }
    for (size_t i = 0; i < t->nres; i++)
        if (t->res[i].cond != 0)
            dp_tpl_validate_resource(t, &t->res[i]);
}
