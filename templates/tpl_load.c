/* tpl_load.c - dp_template_load: the document, its top-level sections, and the order in
 * which the model is built and checked. Also freeing and simple accessors. */
#include <stdlib.h>
#include <string.h>

#include "templates/tpl_internal.h"
#include "templates/yaml_loader.h"

static const char *const sections[] = {"AWSTemplateFormatVersion", "Conditions", "Description",
                                       "Mappings", "Metadata", "Outputs", "Parameters",
                                       "Resources", "Transform", "Rules", "Hooks"};

static void check_transform(dp_template *t, const dp_node *n)
{
    size_t cnt = n->kind == DP_N_SEQ ? n->n : 1;
    for (size_t i = 0; i < cnt; i++) {
        const dp_node *it = n->kind == DP_N_SEQ ? n->items[i] : n;
        if (it->kind != DP_N_SCALAR) {
            const dp_node *name = dp_node_get(it, "Name");
            dp_tpl_error(t, it->line, it->col, "transform %s is not supported (dmsprov runs no macros)",
                         name && name->kind == DP_N_SCALAR ? name->str : "(mapping)");
            continue;
        }
        if (!strcmp(it->str, "AWS::LanguageExtensions"))
            t->lang_ext = true;
        else if (!strcmp(it->str, "AWS::SecretsManager-2020-07-23"))
            continue; /* AWS builds HostedRotationLambda functions with it; dmsprov rotates itself */
        else if (!strncmp(it->str, "AWS::Serverless", 15))
            dp_tpl_error(t, it->line, it->col, "the AWS::Serverless (SAM) transform is not supported");
        else
            dp_tpl_error(t, it->line, it->col, "transform \"%s\" is not supported (dmsprov runs no macros)", it->str);
    }
}

static void check_mappings(dp_template *t, const dp_node *m)
{
    if (m->kind != DP_N_MAP) {
        dp_tpl_error(t, m->line, m->col, "Mappings must be a mapping");
        return;
    }
    for (size_t i = 0; i < m->n; i++) {
        const dp_pair *p = &m->pairs[i];
        if (!dp_tpl_valid_id(p->key))
            dp_tpl_error(t, p->line, p->col, "mapping name \"%s\" must be alphanumeric", p->key);
        if (p->value->kind != DP_N_MAP) {
            dp_tpl_error(t, p->value->line, p->value->col, "mapping \"%s\" must be a mapping of keys to mappings", p->key);
            continue;
        }
        for (size_t j = 0; j < p->value->n; j++) {
            const dp_pair *top = &p->value->pairs[j];
            if (top->value->kind != DP_N_MAP)
                dp_tpl_error(t, top->value->line, top->value->col,
                             "mapping \"%s\": key \"%s\" must hold a mapping of second-level keys", p->key, top->key);
        }
    }
}

static void copy_ctx(dp_template *t, const dp_tpl_context *c)
{
    const char *v[6] = {0};
    if (c) {
        v[CTX_STACK_NAME] = c->stack_name;
        v[CTX_STACK_ID] = c->stack_id;
        v[CTX_REGION] = c->region;
        v[CTX_ACCOUNT] = c->account_id;
        v[CTX_PARTITION] = c->partition;
        v[CTX_URL_SUFFIX] = c->url_suffix;
    }
    const char *region = v[CTX_REGION];
    if (region && !v[CTX_PARTITION])
        v[CTX_PARTITION] = !strncmp(region, "cn-", 3) ? "aws-cn" : !strncmp(region, "us-gov-", 7) ? "aws-us-gov" : "aws";
    if (region && !v[CTX_URL_SUFFIX])
        v[CTX_URL_SUFFIX] = !strncmp(region, "cn-", 3) ? "amazonaws.com.cn" : "amazonaws.com";
    bool oom = false;
    for (int i = 0; i < 6; i++)
        if (v[i] && !(t->ctx_strs[i] = strdup(v[i])))
            oom = true;
    if (c && c->azs) {
        size_t n = 0;
        while (c->azs[n])
            n++;
        t->azs = calloc(n + 1, sizeof *t->azs);
        oom |= !t->azs;
        for (size_t i = 0; t->azs && i < n && !oom; i++) /* the list ends at the first NULL */
            if (!(t->azs[i] = strdup(c->azs[i])))
                oom = true;
    }
    if (oom) /* a missing pseudo parameter would evaluate wrongly: fail the load */
        dp_diags_add(t->d, DP_DIAG_ERROR, t->file, 0, 0, "out of memory");
}

static void build(dp_template *t, const dp_tpl_options *o)
{
    const dp_node *root = t->doc->root;
    if (!root) {
        dp_tpl_error(t, 0, 0, "the template is empty");
        return;
    }
    if (root->kind != DP_N_MAP) {
        dp_tpl_error(t, root->line, root->col, "a template must be a mapping of sections, not %s", dp_node_kind_word(root));
        return;
    }
    for (size_t i = 0; i < root->n; i++) {
        const dp_pair *p = &root->pairs[i];
        bool known = false;
        for (size_t j = 0; j < sizeof sections / sizeof sections[0] && !known; j++)
            known = !strcmp(p->key, sections[j]);
        if (!known) {
            const char *s = dp_suggest(p->key, sections, 9);
            if (s)
                dp_tpl_error(t, p->line, p->col, "unknown section \"%s\" (did you mean \"%s\"?)", p->key, s);
            else
                dp_tpl_error(t, p->line, p->col, "unknown section \"%s\"", p->key);
        } else if (!strcmp(p->key, "Rules") || !strcmp(p->key, "Hooks")) {
            dp_tpl_error(t, p->line, p->col, "the %s section is not supported", p->key);
        }
    }
    const dp_node *ver = dp_node_get(root, "AWSTemplateFormatVersion");
    if (ver && (ver->kind != DP_N_SCALAR || strcmp(ver->str, "2010-09-09")))
        dp_tpl_error(t, ver->line, ver->col, "AWSTemplateFormatVersion must be \"2010-09-09\"");
    const dp_node *desc = dp_node_get(root, "Description");
    if (desc && desc->kind != DP_N_SCALAR)
        dp_tpl_error(t, desc->line, desc->col, "Description must be a string");
    else if (desc && desc->len > 1024)
        dp_tpl_error(t, desc->line, desc->col, "Description is longer than 1024 bytes");
    else if (desc)
        t->description = desc->str;
    const dp_node *tr = dp_node_get(root, "Transform");
    if (tr)
        check_transform(t, tr);
    t->mappings = dp_node_get(root, "Mappings");
    if (t->mappings)
        check_mappings(t, t->mappings);
    dp_tpl_params_load(t, dp_node_get_pair(root, "Parameters"), o ? o->params : NULL);
    if (dp_tpl_foreach_expand(t, t->doc->root))
        return; /* the sections would only repeat the loop's error in other words */
    dp_tpl_conditions_load(t, dp_node_get(root, "Conditions"));
    dp_tpl_resources_load(t, dp_node_get_pair(root, "Resources"));
    dp_tpl_conditions_eval_all(t);
    dp_tpl_resources_finish(t);
    dp_tpl_graph_build(t);
    dp_tpl_outputs_load(t, dp_node_get_pair(root, "Outputs"));
}

static dp_template *finish_load(dp_doc *doc, const dp_tpl_options *o, dp_diags *d, size_t before)
{
    if (!doc)
        return NULL;
    dp_template *t = calloc(1, sizeof *t);
    if (!t) {
        dp_doc_free(doc);
        dp_diags_add(d, DP_DIAG_ERROR, "", 0, 0, "out of memory");
        return NULL;
    }
    t->doc = doc;
    t->file = doc->file;
    t->d = d;
    dp_strmap_init(&t->param_ix);
    dp_strmap_init(&t->cond_ix);
    dp_strmap_init(&t->res_ix);
    dp_strmap_init(&t->dyn_cache);
    t->type_rules = o && o->type_rules ? *o->type_rules : *dp_type_rules_default();
    if (o && o->resolver) {
        t->resolver = *o->resolver;
        t->has_resolver = true;
    }
    t->require_all = o && o->require_all_params;
    copy_ctx(t, o ? o->ctx : NULL);
    build(t, o);
    t->d = NULL;
    if (d->errors > before) {
        dp_template_free(t);
        return NULL;
    }
    return t;
}

dp_template *dp_template_load(const char *path, const dp_tpl_options *o, dp_diags *d)
{
    size_t before = d->errors;
    return finish_load(dp_load_file(path, d), o, d, before);
}

dp_template *dp_template_load_buf(const char *file, const char *data, size_t len,
                                  const dp_tpl_options *o, dp_diags *d)
{
    size_t before = d->errors;
    return finish_load(dp_load_buf(file, data, len, d), o, d, before);
}

void dp_template_free(dp_template *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->nparams; i++)
        cJSON_Delete(t->params[i].value);
    free(t->params);
    free(t->conds);
    for (size_t i = 0; i < t->nres; i++) {
        free(t->res[i].deps);
        free(t->res[i].dep_names);
        free(t->res[i].explicit_names);
    }
    free(t->res);
    free(t->order);
    free(t->outs);
    for (size_t i = 0; i < t->dyn_cache.cap; i++) {
        if (t->dyn_cache.keys && t->dyn_cache.keys[i]) {
            free((char *)t->dyn_cache.keys[i]);
            cJSON_Delete(t->dyn_cache.vals[i]);
        }
    }
    dp_strmap_cleanup(&t->dyn_cache);
    dp_strmap_cleanup(&t->param_ix);
    dp_strmap_cleanup(&t->cond_ix);
    dp_strmap_cleanup(&t->res_ix);
    for (int i = 0; i < 6; i++)
        free(t->ctx_strs[i]);
    for (size_t i = 0; t->azs && t->azs[i]; i++)
        free(t->azs[i]);
    free(t->azs);
    dp_doc_free(t->doc);
    free(t);
}

const char *dp_template_file(const dp_template *t) { return t->file; }
const char *dp_template_description(const dp_template *t) { return t->description; }

size_t dp_template_resource_count(const dp_template *t) { return t->nres; }

const dp_tpl_resource *dp_template_resource_at(const dp_template *t, size_t i)
{
    return i < t->nres && t->order ? &t->res[t->order[i]].pub : NULL;
}

const dp_tpl_resource *dp_template_resource_find(const dp_template *t, const char *logical_id)
{
    void *p = NULL;
    return dp_strmap_get(&t->res_ix, logical_id, &p) ? &((tpl_res *)p)->pub : NULL;
}

size_t dp_template_param_count(const dp_template *t) { return t->nparams; }

const dp_tpl_param *dp_template_param_at(const dp_template *t, size_t i)
{
    return i < t->nparams ? &t->params[i].pub : NULL;
}
