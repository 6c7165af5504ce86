/* tpl_conditions.c - the Conditions section: Fn::Equals/And/Or/Not/Condition, evaluated once
 * each (memoised, cycles reported). Values: 1 true, 0 false, -1 undetermined. */
#include <stdlib.h>
#include <string.h>

#include "templates/tpl_internal.h"

static int cond_expr(dp_eval *ev, const dp_node *n);

/* CloudFormation compares the string forms: 1 equals "1". */
static bool same(const cJSON *a, const cJSON *b)
{
    dp_buf x, y;
    dp_buf_init(&x, 0);
    dp_buf_init(&y, 0);
    bool eq;
    if (!dp_value_scalar_string(a, &x) && !dp_value_scalar_string(b, &y))
        eq = !strcmp(dp_buf_str(&x), dp_buf_str(&y));
    else
        eq = cJSON_Compare(a, b, 1);
    dp_buf_cleanup(&x);
    dp_buf_cleanup(&y);
    return eq;
}

static int equals(dp_eval *ev, const dp_node *at, const dp_node *arg)
{
    if (arg->kind != DP_N_SEQ || arg->n != 2) {
        dp_eval_error(ev, at, "Fn::Equals expects [Value1, Value2]");
        return -2;
    }
    bool secret = false;
    cJSON *u1 = NULL, *u2 = NULL;
    cJSON *a = dp_eval_plain(ev, arg->items[0], &secret, &u1);
    cJSON *b = dp_eval_plain(ev, arg->items[1], &secret, &u2);
    int r;
    if ((!a && !u1) || (!b && !u2))
        r = -2;
    else if (u1 || u2)
        r = -1;
    else
        r = same(a, b);
    cJSON_Delete(a);
    cJSON_Delete(b);
    cJSON_Delete(u1);
    cJSON_Delete(u2);
    return r;
}

static int logic(dp_eval *ev, const char *fn, const dp_node *at, const dp_node *arg)
{
    bool is_not = !strcmp(fn, "Fn::Not");
    size_t min = is_not ? 1 : 2, max = is_not ? 1 : 10;
    if (arg->kind != DP_N_SEQ || arg->n < min || arg->n > max) {
        if (is_not)
            dp_eval_error(ev, at, "Fn::Not expects a list of one condition");
        else
            dp_eval_error(ev, at, "%s expects a list of 2 to 10 conditions", fn);
        return -2;
    }
    bool is_and = !strcmp(fn, "Fn::And");
    int vals[10], err = 0;
    for (size_t i = 0; i < arg->n; i++) {
        vals[i] = cond_expr(ev, arg->items[i]);
        err |= vals[i] == -2;
    }
    if (err)
        return -2;
    if (is_not)
        return vals[0] < 0 ? -1 : !vals[0];
    bool any_unknown = false;
    for (size_t i = 0; i < arg->n; i++) {
        if (vals[i] < 0)
            any_unknown = true;
        else if (is_and && vals[i] == 0)
            return 0;
        else if (!is_and && vals[i] == 1)
            return 1;
    }
    return any_unknown ? -1 : is_and;
}

static int cond_expr(dp_eval *ev, const dp_node *n)
{
    const dp_node *arg = NULL;
    const char *fn = dp_node_intrinsic(n, &arg);
    if (fn && !strcmp(fn, "Condition")) {
        if (arg->kind != DP_N_SCALAR) {
            dp_eval_error(ev, n, "Condition expects a condition name");
            return -2;
        }
        return dp_cond_value(ev, arg->str, arg);
    }
    if (fn && !strcmp(fn, "Fn::Equals"))
        return equals(ev, n, arg);
    if (fn && (!strcmp(fn, "Fn::And") || !strcmp(fn, "Fn::Or") || !strcmp(fn, "Fn::Not")))
        return logic(ev, fn, n, arg);
    dp_eval_error(ev, n, "a condition must be Fn::Equals, Fn::And, Fn::Or, Fn::Not or Condition, not %s",
                  fn ? fn : dp_node_kind_word(n));
    return -2;
}

int dp_cond_value(dp_eval *ev, const char *name, const dp_node *at)
{
    dp_template *t = ev->t;
    void *p = NULL;
    if (!dp_strmap_get(&t->cond_ix, name, &p)) {
        const char *s = dp_tpl_suggest_map(&t->cond_ix, name);
        if (s)
            dp_eval_error(ev, at, "unknown condition \"%s\" (did you mean \"%s\"?)", name, s);
        else
            dp_eval_error(ev, at, "unknown condition \"%s\"", name);
        return -2;
    }
    tpl_cond *c = p;
    if (c->state == 2)
        return c->value;
    if (c->state == 1) {
        dp_eval_error(ev, at, "condition \"%s\" depends on itself (circular Condition references)", name);
        c->value = -2;
        return -2;
    }
    c->state = 1;
    dp_eval sub;
    dp_eval_init(&sub, t, NULL, ev->e);
    sub.in_conditions = true;
    int v = cond_expr(&sub, c->decl->value);
    if (sub.failed)
        ev->failed = true;
    if (c->state == 1) {
        c->state = 2;
        c->value = c->value == -2 ? -2 : v;
    }
    return c->value;
}

void dp_tpl_conditions_load(dp_template *t, const dp_node *section)
{
    if (!section)
        return;
    if (section->kind != DP_N_MAP) {
        dp_tpl_error(t, section->line, section->col, "Conditions must be a mapping");
        return;
    }
    t->conds = calloc(section->n ? section->n : 1, sizeof *t->conds);
    if (!t->conds)
        return;
    for (size_t i = 0; i < section->n; i++) {
        const dp_pair *p = &section->pairs[i];
        if (!dp_tpl_valid_id(p->key)) {
            dp_tpl_error(t, p->line, p->col, "condition name \"%s\" must be alphanumeric", p->key);
            continue;
        }
        tpl_cond *c = &t->conds[t->nconds++];
        c->decl = p;
        dp_strmap_put(&t->cond_ix, p->key, c);
    }
}

void dp_tpl_conditions_eval_all(dp_template *t)
{
    for (size_t i = 0; i < t->nconds; i++) {
        dp_eval ev;
        dp_eval_init(&ev, t, NULL, NULL);
        const dp_pair *p = t->conds[i].decl;
        dp_node at = {.line = p->line, .col = p->col};
        dp_cond_value(&ev, p->key, &at);
    }
}
