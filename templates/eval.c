/* eval.c - evaluating template nodes: scalars, containers, Ref, Fn::GetAtt, Fn::If and the
 * dispatch to the other intrinsic functions. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "templates/tpl_internal.h"

#define NOVALUE_KEY "dp:novalue"

void dp_eval_init(dp_eval *ev, dp_template *t, const dp_known *known, dp_err *e)
{
    memset(ev, 0, sizeof *ev);
    ev->t = t;
    ev->known = known;
    ev->e = e;
}

void dp_tpl_error(dp_template *t, int line, int col, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    dp_diags_vadd(t->d, DP_DIAG_ERROR, t->file, line, col, fmt, ap);
    va_end(ap);
}

void dp_tpl_warning(dp_template *t, int line, int col, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    dp_diags_vadd(t->d, DP_DIAG_WARNING, t->file, line, col, fmt, ap);
    va_end(ap);
}

void dp_eval_error(dp_eval *ev, const dp_node *at, const char *fmt, ...)
{
    int line = at ? at->line : 0, col = at ? at->col : 0;
    va_list ap;
    va_start(ap, fmt);
    if (ev->t->d) {
        dp_diags_vadd(ev->t->d, DP_DIAG_ERROR, ev->t->file, line, col, fmt, ap);
    } else if (!ev->failed && ev->e) {
        char msg[600];
        vsnprintf(msg, sizeof msg, fmt, ap);
        dp_err_set(ev->e, DP_E_INPUT, "%s:%d:%d: %s", ev->t->file, line, col, msg);
    }
    va_end(ap);
    ev->failed = true;
}

static cJSON *novalue(void)
{
    cJSON *o = cJSON_CreateObject();
    if (o && !cJSON_AddTrueToObject(o, NOVALUE_KEY)) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

bool dp_eval_is_novalue(const cJSON *v)
{
    return cJSON_IsObject(v) && v->child && !v->child->next && v->child->string &&
           !strcmp(v->child->string, NOVALUE_KEY);
}

static cJSON *scalar(const dp_node *n)
{
    if (!n->plain)
        return cJSON_CreateString(n->str);
    bool b;
    double d;
    if (dp_node_is_null(n))
        return cJSON_CreateNull();
    if (dp_node_is_bool(n, &b))
        return cJSON_CreateBool(b);
    if (dp_node_is_number(n, &d))
        return dp_value_number(d, n->str);
    return cJSON_CreateString(n->str);
}

static const char *const pseudo_names[] = {
    "AWS::AccountId", "AWS::NoValue", "AWS::NotificationARNs", "AWS::Partition",
    "AWS::Region", "AWS::StackId", "AWS::StackName", "AWS::URLSuffix"};

bool dp_tpl_is_pseudo(const char *name)
{
    for (size_t i = 0; i < sizeof pseudo_names / sizeof pseudo_names[0]; i++)
        if (!strcmp(name, pseudo_names[i]))
            return true;
    return false;
}

static cJSON *ctx_value(dp_template *t, int which, const char *name)
{
    const char *v = t->ctx_strs[which];
    return v ? cJSON_CreateString(v) : dp_value_unknown(name);
}

static cJSON *pseudo(dp_template *t, const char *name)
{
    if (!strcmp(name, "AWS::NoValue"))
        return novalue();
    if (!strcmp(name, "AWS::NotificationARNs"))
        return cJSON_CreateArray();
    if (!strcmp(name, "AWS::AccountId"))
        return ctx_value(t, CTX_ACCOUNT, name);
    if (!strcmp(name, "AWS::Partition"))
        return ctx_value(t, CTX_PARTITION, name);
    if (!strcmp(name, "AWS::Region"))
        return ctx_value(t, CTX_REGION, name);
    if (!strcmp(name, "AWS::StackId"))
        return ctx_value(t, CTX_STACK_ID, name);
    if (!strcmp(name, "AWS::StackName"))
        return ctx_value(t, CTX_STACK_NAME, name);
    return ctx_value(t, CTX_URL_SUFFIX, name);
}

/* Closest name among parameters, resources and pseudo parameters. */
static const char *suggest_ref(dp_template *t, const char *name, bool resources_only)
{
    size_t n = t->nres + (resources_only ? 0 : t->nparams + 8), k = 0;
    const char **c = malloc((n ? n : 1) * sizeof *c);
    if (!c)
        return NULL;
    for (size_t i = 0; i < t->nres; i++)
        c[k++] = t->res[i].pub.logical_id;
    if (!resources_only) {
        for (size_t i = 0; i < t->nparams; i++)
            c[k++] = t->params[i].pub.name;
        for (size_t i = 0; i < 8; i++)
            c[k++] = pseudo_names[i];
    }
    const char *s = dp_suggest(name, c, k);
    free(c);
    return s;
}

static cJSON *resource_value(dp_eval *ev, const dp_node *at, tpl_res *r, const char *attr)
{
    if (ev->in_conditions) {
        dp_eval_error(ev, at, "conditions cannot refer to resources (\"%s\")", r->pub.logical_id);
        return NULL;
    }
    if (r->cond == 0) {
        dp_eval_error(ev, at, "\"%s\" is not created (its condition \"%s\" is false), so it cannot be referenced here",
                      r->pub.logical_id, r->pub.condition);
        return NULL;
    }
    if (ev->known && ev->known->lookup) {
        cJSON *v = ev->known->lookup(ev->known->ctx, r->pub.logical_id, attr);
        if (v)
            return v;
    }
    if (!attr)
        return dp_value_unknown(r->pub.logical_id);
    dp_buf b;
    dp_buf_init(&b, 0);
    cJSON *u = NULL;
    if (!dp_buf_printf(&b, "%s.%s", r->pub.logical_id, attr))
        u = dp_value_unknown(dp_buf_str(&b));
    dp_buf_cleanup(&b);
    return u;
}

cJSON *dp_eval_ref_name(dp_eval *ev, const dp_node *at, const char *name)
{
    dp_template *t = ev->t;
    void *p = NULL;
    if (!strncmp(name, "AWS::", 5)) {
        if (dp_tpl_is_pseudo(name))
            return pseudo(t, name);
        const char *s = dp_suggest(name, pseudo_names, sizeof pseudo_names / sizeof pseudo_names[0]);
        if (s)
            dp_eval_error(ev, at, "unknown pseudo parameter \"%s\" (did you mean \"%s\"?)", name, s);
        else
            dp_eval_error(ev, at, "unknown pseudo parameter \"%s\"", name);
        return NULL;
    }
    if (dp_strmap_get(&t->param_ix, name, &p))
        return cJSON_Duplicate(((tpl_param *)p)->value, 1);
    if (dp_strmap_get(&t->res_ix, name, &p))
        return resource_value(ev, at, p, NULL);
    const char *s = suggest_ref(t, name, ev->in_conditions);
    if (s)
        dp_eval_error(ev, at, "unresolved reference \"%s\": no parameter or resource of that name (did you mean \"%s\"?)", name, s);
    else
        dp_eval_error(ev, at, "unresolved reference \"%s\": no parameter or resource of that name", name);
    return NULL;
}

cJSON *dp_eval_getatt_name(dp_eval *ev, const dp_node *at, const char *res, const char *attr)
{
    dp_template *t = ev->t;
    void *p = NULL;
    if (!dp_strmap_get(&t->res_ix, res, &p)) {
        const char *s = suggest_ref(t, res, true);
        if (dp_strmap_get(&t->param_ix, res, NULL))
            dp_eval_error(ev, at, "Fn::GetAtt: \"%s\" is a parameter, not a resource", res);
        else if (s)
            dp_eval_error(ev, at, "Fn::GetAtt: no resource named \"%s\" (did you mean \"%s\"?)", res, s);
        else
            dp_eval_error(ev, at, "Fn::GetAtt: no resource named \"%s\"", res);
        return NULL;
    }
    tpl_res *r = p;
    const dp_schema_type *st = r->pub.schema;
    if (st && !dp_schema_has_attribute(st, attr)) {
        size_t n = 0;
        while (st->attributes && st->attributes[n])
            n++;
        const char *s = n ? dp_suggest(attr, st->attributes, n) : NULL;
        if (s)
            dp_eval_error(ev, at, "Fn::GetAtt: %s has no attribute \"%s\" (did you mean \"%s\"?)", st->type, attr, s);
        else
            dp_eval_error(ev, at, "Fn::GetAtt: %s has no attribute \"%s\"", st->type, attr);
        return NULL;
    }
    return resource_value(ev, at, r, attr);
}

cJSON *dp_eval_plain_value(dp_eval *ev, const dp_node *at, cJSON *v, bool *secret, cJSON **unknown)
{
    *unknown = NULL;
    if (!v)
        return NULL;
    if (dp_eval_is_novalue(v)) {
        cJSON_Delete(v);
        dp_eval_error(ev, at, "AWS::NoValue cannot be used as a function argument");
        return NULL;
    }
    const cJSON *u = dp_value_find_unknown(v);
    if (u) {
        /* Whatever is computed from it will be secret if any part of it is. */
        *unknown = cJSON_Duplicate(u, 1);
        if (dp_value_contains_secret(v))
            *unknown = dp_value_secret_any(*unknown);
        cJSON_Delete(v);
        return NULL;
    }
    if (dp_value_contains_secret(v)) {
        *secret = true;
        cJSON *s = dp_value_strip(v, NULL);
        cJSON_Delete(v);
        return s;
    }
    return v;
}

cJSON *dp_eval_plain(dp_eval *ev, const dp_node *n, bool *secret, cJSON **unknown)
{
    *unknown = NULL;
    return dp_eval_plain_value(ev, n, dp_eval_node(ev, n), secret, unknown);
}

static cJSON *eval_getatt(dp_eval *ev, const dp_node *at, const dp_node *arg)
{
    if (arg->kind == DP_N_SCALAR) {
        const char *dot = strchr(arg->str, '.');
        if (!dot || dot == arg->str || !dot[1]) {
            dp_eval_error(ev, at, "Fn::GetAtt expects [LogicalId, AttributeName]");
            return NULL;
        }
        char res[256];
        size_t n = (size_t)(dot - arg->str);
        if (n >= sizeof res)
            n = sizeof res - 1;
        memcpy(res, arg->str, n);
        res[n] = '\0';
        return dp_eval_getatt_name(ev, arg, res, dot + 1);
    }
    if (arg->kind != DP_N_SEQ || arg->n != 2 || arg->items[0]->kind != DP_N_SCALAR) {
        dp_eval_error(ev, at, "Fn::GetAtt expects [LogicalId, AttributeName]");
        return NULL;
    }
    const dp_node *an = arg->items[1];
    if (an->kind == DP_N_SCALAR)
        return dp_eval_getatt_name(ev, arg->items[0], arg->items[0]->str, an->str);
    /* The attribute name may be computed (Ref to a parameter). */
    bool secret = false;
    cJSON *unk = NULL;
    cJSON *a = dp_eval_plain(ev, an, &secret, &unk);
    if (unk)
        return unk;
    if (!a)
        return NULL;
    cJSON *r = NULL;
    if (!cJSON_IsString(a))
        dp_eval_error(ev, an, "Fn::GetAtt: the attribute name must be a string");
    else
        r = dp_eval_getatt_name(ev, arg->items[0], arg->items[0]->str, a->valuestring);
    cJSON_Delete(a);
    return r;
}

static cJSON *eval_if(dp_eval *ev, const dp_node *at, const dp_node *arg)
{
    if (arg->kind != DP_N_SEQ || arg->n != 3 || arg->items[0]->kind != DP_N_SCALAR) {
        dp_eval_error(ev, at, "Fn::If expects [ConditionName, ValueIfTrue, ValueIfFalse]");
        return NULL;
    }
    int c = dp_cond_value(ev, arg->items[0]->str, arg->items[0]);
    if (c == -2)
        return NULL;
    if (c == 1)
        return dp_eval_node(ev, arg->items[1]);
    if (c == 0)
        return dp_eval_node(ev, arg->items[2]);
    /* Undetermined (validate without values): check both branches, result unknown. */
    cJSON *a = dp_eval_node(ev, arg->items[1]);
    cJSON *b = dp_eval_node(ev, arg->items[2]);
    bool ok = a && b;
    cJSON_Delete(a);
    cJSON_Delete(b);
    if (!ok)
        return NULL;
    dp_buf nm;
    dp_buf_init(&nm, 0);
    cJSON *u = NULL;
    if (!dp_buf_printf(&nm, "Fn::If %s", arg->items[0]->str))
        u = dp_value_unknown(dp_buf_str(&nm));
    dp_buf_cleanup(&nm);
    return u;
}

static const char *const known_fns[] = {
    "Fn::Base64", "Fn::Cidr", "Fn::FindInMap", "Fn::GetAZs", "Fn::GetAtt", "Fn::If",
    "Fn::Join", "Fn::Length", "Fn::Select", "Fn::Split", "Fn::Sub", "Fn::ToJsonString",
    "Fn::Equals", "Fn::And", "Fn::Or", "Fn::Not", "Fn::ImportValue", "Fn::Transform"};

static cJSON *eval_intrinsic(dp_eval *ev, const dp_node *n, const char *fn, const dp_node *arg)
{
    if (!strcmp(fn, "Ref")) {
        if (arg->kind != DP_N_SCALAR || !arg->len) {
            dp_eval_error(ev, n, "Ref expects the name of a parameter or resource");
            return NULL;
        }
        return dp_eval_ref_name(ev, arg, arg->str);
    }
    if (!strcmp(fn, "Fn::GetAtt"))
        return eval_getatt(ev, n, arg);
    if (!strcmp(fn, "Fn::If"))
        return eval_if(ev, n, arg);
    if (!strcmp(fn, "Fn::Equals") || !strcmp(fn, "Fn::And") || !strcmp(fn, "Fn::Or") ||
        !strcmp(fn, "Fn::Not") || !strcmp(fn, "Condition")) {
        dp_eval_error(ev, n, "%s can only be used in the Conditions section (use Fn::If with a condition name)", fn);
        return NULL;
    }
    if (!strcmp(fn, "Fn::ImportValue")) {
        dp_eval_error(ev, n, "Fn::ImportValue is not supported: dmsprov stacks have no cross-stack exports");
        return NULL;
    }
    if (!strcmp(fn, "Fn::Transform")) {
        dp_eval_error(ev, n, "Fn::Transform is not supported: dmsprov does not run macros");
        return NULL;
    }
    if (!strcmp(fn, "Fn::ForEach")) {
        dp_eval_error(ev, n, "Fn::ForEach must be written as a key \"Fn::ForEach::LoopName\" in Conditions, "
                             "Resources or Outputs");
        return NULL;
    }
    bool handled = false;
    cJSON *v = dp_eval_fn(ev, fn, n, arg, &handled);
    if (handled)
        return v;
    const char *s = dp_suggest(fn, known_fns, sizeof known_fns / sizeof known_fns[0]);
    if (s)
        dp_eval_error(ev, n, "unknown function \"%s\" (did you mean \"%s\"?)", fn, s);
    else
        dp_eval_error(ev, n, "unknown function \"%s\"", fn);
    return NULL;
}

static cJSON *eval_map(dp_eval *ev, const dp_node *n)
{
    for (size_t i = 0; i < n->n && n->n > 1; i++) {
        const char *k = n->pairs[i].key;
        if (!strcmp(k, "Ref") || !strncmp(k, "Fn::", 4)) {
            dp_eval_error(ev, n, "%s must be the only key of its mapping", k);
            return NULL;
        }
    }
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    bool ok = true;
    for (size_t i = 0; i < n->n; i++) {
        cJSON *v = dp_eval_node(ev, n->pairs[i].value);
        if (!v) {
            ok = false;
            continue;
        }
        if (dp_eval_is_novalue(v))
            cJSON_Delete(v);
        else
            cJSON_AddItemToObject(o, n->pairs[i].key, v);
    }
    if (!ok) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

cJSON *dp_eval_node(dp_eval *ev, const dp_node *n)
{
    if (!n)
        return NULL;
    if (n->kind == DP_N_SCALAR)
        return scalar(n);
    if (n->kind == DP_N_SEQ) {
        cJSON *a = cJSON_CreateArray();
        bool ok = a != NULL;
        for (size_t i = 0; a && i < n->n; i++) {
            cJSON *v = dp_eval_node(ev, n->items[i]);
            if (!v) {
                ok = false;
                continue;
            }
            if (dp_eval_is_novalue(v))
                cJSON_Delete(v);
            else
                cJSON_AddItemToArray(a, v);
        }
        if (!ok) {
            cJSON_Delete(a);
            return NULL;
        }
        return a;
    }
    const dp_node *arg = NULL;
    const char *fn = dp_node_intrinsic(n, &arg);
    if (fn && !(!strcmp(fn, "Condition") && !ev->in_conditions)) {
        if (++ev->depth > 100) {
            ev->depth--;
            dp_eval_error(ev, n, "functions are nested too deeply");
            return NULL;
        }
        cJSON *v = eval_intrinsic(ev, n, fn, arg);
        ev->depth--;
        return v;
    }
    return eval_map(ev, n);
}
