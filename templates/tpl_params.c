/* tpl_params.c - the Parameters section: types, constraints, NoEcho, and the values given
 * on the command line or in a parameters file (or the Default). */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "templates/tpl_internal.h"

static const char *const aws_types[] = {
    "AWS::EC2::AvailabilityZone::Name", "AWS::EC2::Image::Id", "AWS::EC2::Instance::Id",
    "AWS::EC2::KeyPair::KeyName", "AWS::EC2::SecurityGroup::GroupName",
    "AWS::EC2::SecurityGroup::Id", "AWS::EC2::Subnet::Id", "AWS::EC2::Volume::Id",
    "AWS::EC2::VPC::Id", "AWS::Route53::HostedZone::Id"};
#define N_AWS_TYPES (sizeof aws_types / sizeof aws_types[0])
/* Id prefixes CloudFormation would otherwise check against the account. */
static const char *const aws_prefix[N_AWS_TYPES] = {NULL, "ami-", "i-", NULL, NULL, "sg-", "subnet-",
                                                    "vol-", "vpc-", NULL};

static const char *const param_keys[] = {
    "AllowedPattern", "AllowedValues", "ConstraintDescription", "Default", "Description",
    "MaxLength", "MaxValue", "MinLength", "MinValue", "NoEcho", "Type"};

typedef struct ptype {
    bool list, number, ssm;
    int aws;              /* index into aws_types or -1 */
} ptype;

static int aws_index(const char *s, size_t n)
{
    for (size_t i = 0; i < N_AWS_TYPES; i++)
        if (strlen(aws_types[i]) == n && !strncmp(aws_types[i], s, n))
            return (int)i;
    return -1;
}

/* A value type: String, Number, List<Number>, CommaDelimitedList, AWS types, lists of them. */
static bool value_type(const char *s, size_t n, bool allow_number, ptype *t)
{
#define IS(lit) (n == sizeof(lit) - 1 && !strncmp(s, lit, n))
    if (IS("String"))
        return true;
    if (allow_number && IS("Number")) {
        t->number = true;
        return true;
    }
    if (allow_number && IS("List<Number>")) {
        t->list = t->number = true;
        return true;
    }
    if (IS("CommaDelimitedList") || (!allow_number && IS("List<String>"))) {
        t->list = true;
        return true;
    }
#undef IS
    if (n > 6 && !strncmp(s, "List<", 5) && s[n - 1] == '>') {
        t->aws = aws_index(s + 5, n - 6);
        t->list = true;
        return t->aws >= 0;
    }
    t->aws = aws_index(s, n);
    return t->aws >= 0;
}

static bool parse_type(const char *s, ptype *t)
{
    memset(t, 0, sizeof *t);
    t->aws = -1;
    if (!strcmp(s, "AWS::SSM::Parameter::Name"))
        return true;
    const char *pre = "AWS::SSM::Parameter::Value<";
    size_t pl = strlen(pre), n = strlen(s);
    if (n > pl + 1 && !strncmp(s, pre, pl) && s[n - 1] == '>') {
        t->ssm = true;
        return value_type(s + pl, n - pl - 1, false, t);
    }
    return value_type(s, n, true, t);
}

static const char *suggest_type(const char *s)
{
    const char *c[N_AWS_TYPES + 8];
    size_t k = 0;
    static const char *const base[] = {"String", "Number", "List<Number>", "CommaDelimitedList",
                                       "AWS::SSM::Parameter::Name", "AWS::SSM::Parameter::Value<String>"};
    for (size_t i = 0; i < sizeof base / sizeof base[0]; i++)
        c[k++] = base[i];
    for (size_t i = 0; i < N_AWS_TYPES; i++)
        c[k++] = aws_types[i];
    return dp_suggest(s, c, k);
}

typedef struct pcheck {
    dp_template *t;
    tpl_param *p;
    const dp_node *decl_node;
    ptype ty;
    bool no_echo;
    /* where to report: a file position, or the declaration with a note */
    const char *file;
    int line, col;
} pcheck;

static void perr(pcheck *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void perr(pcheck *c, const char *fmt, ...)
{
    char msg[700];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    const dp_node *cd = dp_node_get(c->decl_node, "ConstraintDescription");
    const char *extra = cd && cd->kind == DP_N_SCALAR ? cd->str : NULL;
    dp_diags_add(c->t->d, DP_DIAG_ERROR, c->file, c->line, c->col, "parameter \"%s\": %s%s%s%s",
                 c->p->pub.name, msg, extra ? " (" : "", extra ? extra : "", extra ? ")" : "");
}

static bool num_of(const dp_node *n, double *out)
{
    if (!n || n->kind != DP_N_SCALAR || !n->len)
        return false;
    errno = 0;
    char *end = NULL;
    double d = strtod(n->str, &end);
    if (errno || !end || *end || !isfinite(d))
        return false;
    *out = d;
    return true;
}

static bool num_str(const char *s, double *out)
{
    dp_node n = {.kind = DP_N_SCALAR, .str = s, .len = strlen(s)};
    return num_of(&n, out);
}

/* Quotes the value unless it is NoEcho. */
static const char *shown(pcheck *c, const char *v, char *buf, size_t n)
{
    if (c->no_echo)
        return "the value";
    snprintf(buf, n, "\"%s\"", v);
    return buf;
}

static void check_item(pcheck *c, const char *v)
{
    char q[300];
    const dp_node *allowed = dp_node_get(c->decl_node, "AllowedValues");
    if (allowed && allowed->kind == DP_N_SEQ) {
        bool ok = false;
        for (size_t i = 0; i < allowed->n && !ok; i++)
            ok = allowed->items[i]->kind == DP_N_SCALAR && !strcmp(allowed->items[i]->str, v);
        if (!ok) {
            dp_buf list;
            dp_buf_init(&list, 4096);
            for (size_t i = 0; i < allowed->n; i++)
                dp_buf_printf(&list, "%s%s", i ? ", " : "", allowed->items[i]->str);
            perr(c, "%s is not one of the AllowedValues [%s]", shown(c, v, q, sizeof q), dp_buf_str(&list));
            dp_buf_cleanup(&list);
            return;
        }
    }
    const dp_node *pat = dp_node_get(c->decl_node, "AllowedPattern");
    if (pat && pat->kind == DP_N_SCALAR && !c->ty.number && dp_pattern_match(pat->str, v, true) == 0) {
        perr(c, "%s does not match AllowedPattern \"%s\"", shown(c, v, q, sizeof q), pat->str);
        return;
    }
    double d = 0, lim = 0;
    if (c->ty.number) {
        if (!num_str(v, &d)) {
            perr(c, "%s is not a number", shown(c, v, q, sizeof q));
            return;
        }
        if (num_of(dp_node_get(c->decl_node, "MinValue"), &lim) && d < lim)
            perr(c, "%s is less than MinValue %g", shown(c, v, q, sizeof q), lim);
        else if (num_of(dp_node_get(c->decl_node, "MaxValue"), &lim) && d > lim)
            perr(c, "%s is greater than MaxValue %g", shown(c, v, q, sizeof q), lim);
    }
    const char *pre = c->ty.aws >= 0 ? aws_prefix[c->ty.aws] : NULL;
    if (pre && !c->ty.ssm && strncmp(v, pre, strlen(pre)))
        perr(c, "%s is not a valid %s (expected \"%s…\")", shown(c, v, q, sizeof q), aws_types[c->ty.aws], pre);
}

static void check_value(pcheck *c, const char *v)
{
    if (!c->ty.list) {
        double lim;
        size_t len = strlen(v);
        if (!c->ty.number && num_of(dp_node_get(c->decl_node, "MinLength"), &lim) && (double)len < lim)
            perr(c, "the value is shorter than MinLength %g", lim);
        else if (!c->ty.number && num_of(dp_node_get(c->decl_node, "MaxLength"), &lim) && (double)len > lim)
            perr(c, "the value is longer than MaxLength %g", lim);
        check_item(c, v);
        return;
    }
    char *copy = strdup(v);
    if (!copy)
        return;
    /* strtok_r would merge empty items: split at each comma to keep them. */
    for (char *s = copy;; ) {
        char *comma = strchr(s, ',');
        if (comma)
            *comma = '\0';
        check_item(c, s);
        if (!comma)
            break;
        s = comma + 1;
    }
    free(copy);
}

static cJSON *split_list(const char *v)
{
    cJSON *a = cJSON_CreateArray();
    const char *s = v;
    while (a) {
        const char *comma = strchr(s, ',');
        size_t n = comma ? (size_t)(comma - s) : strlen(s);
        char *item = strndup(s, n);
        cJSON_AddItemToArray(a, cJSON_CreateString(item ? item : ""));
        free(item);
        if (!comma)
            break;
        s = comma + 1;
    }
    return a;
}

static cJSON *resolve_ssm(dp_template *t, pcheck *c, const char *name)
{
    char *val = NULL;
    dp_err e;
    dp_err_clear(&e);
    if (!t->resolver.ssm_get || t->resolver.ssm_get(t->resolver.ctx, name, 0, false, &val, &e)) {
        char msg[800];
        dp_err_format(&e, msg, sizeof msg);
        perr(c, "cannot read SSM parameter \"%s\": %s", name, t->resolver.ssm_get ? msg : "no resolver");
        free(val);
        return NULL;
    }
    cJSON *r = c->ty.list ? split_list(val) : cJSON_CreateString(val);
    free(val);
    return r;
}

static bool bool_of(const dp_node *n, bool *out)
{
    if (!n || n->kind != DP_N_SCALAR)
        return false;
    if (!strcasecmp(n->str, "true")) {
        *out = true;
        return true;
    }
    if (!strcasecmp(n->str, "false")) {
        *out = false;
        return true;
    }
    return false;
}

static void load_one(dp_template *t, tpl_param *p, const dp_param_inputs *in)
{
    const dp_pair *decl = p->decl;
    const dp_node *n = decl->value;
    pcheck c = {.t = t, .p = p, .decl_node = n, .file = t->file, .line = decl->line, .col = decl->col};
    for (size_t i = 0; i < n->n; i++) {
        const dp_pair *k = &n->pairs[i];
        bool known = false;
        for (size_t j = 0; j < sizeof param_keys / sizeof param_keys[0] && !known; j++)
            known = !strcmp(k->key, param_keys[j]);
        if (!known) {
            const char *s = dp_suggest(k->key, param_keys, sizeof param_keys / sizeof param_keys[0]);
            if (s)
                dp_tpl_error(t, k->line, k->col, "unknown parameter attribute \"%s\" (did you mean \"%s\"?)", k->key, s);
            else
                dp_tpl_error(t, k->line, k->col, "unknown parameter attribute \"%s\"", k->key);
        }
    }
    const dp_node *type = dp_node_get(n, "Type");
    if (!type) {
        dp_tpl_error(t, decl->line, decl->col, "parameter \"%s\" has no Type", decl->key);
        return;
    }
    if (type->kind != DP_N_SCALAR || !parse_type(type->str, &c.ty)) {
        const char *s = type->kind == DP_N_SCALAR ? suggest_type(type->str) : NULL;
        if (s)
            dp_tpl_error(t, type->line, type->col, "unknown parameter type \"%s\" (did you mean \"%s\"?)", type->str, s);
        else
            dp_tpl_error(t, type->line, type->col, "unknown parameter type \"%s\"", type->kind == DP_N_SCALAR ? type->str : "?");
        return;
    }
    p->pub.type = type->str;
    p->is_list = c.ty.list;
    p->is_number = c.ty.number;
    p->is_ssm = c.ty.ssm;
    const dp_node *ne = dp_node_get(n, "NoEcho");
    if (ne && !bool_of(ne, &p->pub.no_echo))
        dp_tpl_error(t, ne->line, ne->col, "NoEcho must be true or false");
    c.no_echo = p->pub.no_echo;
    const dp_node *allowed = dp_node_get(n, "AllowedValues");
    if (allowed && allowed->kind != DP_N_SEQ)
        dp_tpl_error(t, allowed->line, allowed->col, "AllowedValues must be a list");
    for (size_t i = 0; allowed && allowed->kind == DP_N_SEQ && i < allowed->n; i++)
        if (allowed->items[i]->kind != DP_N_SCALAR)
            dp_tpl_error(t, allowed->items[i]->line, allowed->items[i]->col, "AllowedValues items must be strings");
    const char *numeric[] = {"MinLength", "MaxLength", "MinValue", "MaxValue"};
    for (int i = 0; i < 4; i++) {
        const dp_node *x = dp_node_get(n, numeric[i]);
        double d;
        if (x && !num_of(x, &d))
            dp_tpl_error(t, x->line, x->col, "%s must be a number", numeric[i]);
    }
    const dp_node *pat = dp_node_get(n, "AllowedPattern");
    if (pat && pat->kind != DP_N_SCALAR)
        dp_tpl_error(t, pat->line, pat->col, "AllowedPattern must be a string");
    const dp_node *def = dp_node_get(n, "Default");
    if (def && def->kind != DP_N_SCALAR) {
        dp_tpl_error(t, def->line, def->col, "Default must be a string%s", c.ty.list ? " (comma-separated for lists)" : "");
        def = NULL;
    }
    size_t before = t->d->errors;
    if (def) {
        pcheck dc = c;
        dc.line = def->line;
        dc.col = def->col;
        check_value(&dc, def->str);
    }
    const dp_param_input *given = dp_param_inputs_find(in, decl->key);
    const char *value = NULL;
    if (given) {
        pcheck gc = c;
        if (given->file) {
            gc.file = given->file;
            gc.line = given->line;
            gc.col = given->col;
        }
        check_value(&gc, given->value);
        value = given->value;
    } else if (def) {
        value = def->str;
        p->pub.from_default = true;
    }
    if (t->d->errors > before)
        return;
    cJSON *v;
    if (!value) {
        if (t->require_all) {
            dp_tpl_error(t, decl->line, decl->col, "parameter \"%s\" has no value and no Default (pass --parameter %s=…)",
                         decl->key, decl->key);
            return;
        }
        v = dp_value_unknown(decl->key);
    } else if (c.ty.ssm) {
        v = t->has_resolver ? resolve_ssm(t, &c, value) : dp_value_unknown(decl->key);
    } else {
        v = c.ty.list ? split_list(value) : cJSON_CreateString(value);
    }
    if (v && p->pub.no_echo)
        v = dp_value_secret(v);
    p->value = v;
    p->pub.value = v;
}

void dp_tpl_params_load(dp_template *t, const dp_pair *section, const dp_param_inputs *in)
{
    const dp_node *s = section ? section->value : NULL;
    if (s && s->kind != DP_N_MAP) {
        dp_tpl_error(t, s->line, s->col, "Parameters must be a mapping");
        s = NULL;
    }
    t->params = calloc(s && s->n ? s->n : 1, sizeof *t->params);
    if (!t->params)
        return;
    for (size_t i = 0; s && i < s->n; i++) {
        const dp_pair *p = &s->pairs[i];
        if (!dp_tpl_valid_id(p->key)) {
            dp_tpl_error(t, p->line, p->col, "parameter name \"%s\" must be alphanumeric", p->key);
            continue;
        }
        if (p->value->kind != DP_N_MAP) {
            dp_tpl_error(t, p->value->line, p->value->col, "parameter \"%s\" must be a mapping with a Type", p->key);
            continue;
        }
        tpl_param *tp = &t->params[t->nparams++];
        tp->decl = p;
        tp->pub.name = p->key;
        tp->pub.type = "String";
        dp_strmap_put(&t->param_ix, p->key, tp);
        load_one(t, tp, in);
        if (!tp->value) /* keep references working after an error */
            tp->value = dp_value_unknown(p->key), tp->pub.value = tp->value;
    }
    /* Values for parameters the template does not declare. */
    for (size_t i = 0; in && i < in->n; i++) {
        const dp_param_input *g = &in->v[i];
        if (dp_strmap_get(&t->param_ix, g->key, NULL))
            continue;
        const char *sug = dp_tpl_suggest_map(&t->param_ix, g->key);
        const char *file = g->file ? g->file : t->file;
        int line = g->file ? g->line : (section ? section->line : 0);
        int col = g->file ? g->col : (section ? section->col : 0);
        if (sug)
            dp_diags_add(t->d, DP_DIAG_ERROR, file, line, col,
                         "a value was given for parameter \"%s\", which the template does not declare (did you mean \"%s\"?)",
                         g->key, sug);
        else
            dp_diags_add(t->d, DP_DIAG_ERROR, file, line, col,
                         "a value was given for parameter \"%s\", which the template does not declare", g->key);
    }
}
