/* tpl_outputs.c - the Outputs section: Value, Description, Condition; Export is accepted
 * but reported (dmsprov has no cross-stack exports by design). */
#include <stdlib.h>
#include <string.h>

#include "templates/tpl_internal.h"

static const char *const out_keys[] = {"Condition", "Description", "Export", "Value"};

void dp_tpl_outputs_load(dp_template *t, const dp_pair *section)
{
    const dp_node *s = section ? section->value : NULL;
    if (!s)
        return;
    if (s->kind != DP_N_MAP) {
        dp_tpl_error(t, s->line, s->col, "Outputs must be a mapping");
        return;
    }
    t->outs = calloc(s->n ? s->n : 1, sizeof *t->outs);
    if (!t->outs)
        return;
    for (size_t i = 0; i < s->n; i++) {
        const dp_pair *p = &s->pairs[i];
        if (!dp_tpl_valid_id(p->key)) {
            dp_tpl_error(t, p->line, p->col, "output name \"%s\" must be alphanumeric", p->key);
            continue;
        }
        const dp_node *o = p->value;
        if (o->kind != DP_N_MAP) {
            dp_tpl_error(t, o->line, o->col, "output \"%s\" must be a mapping with a Value", p->key);
            continue;
        }
        for (size_t j = 0; j < o->n; j++) {
            const dp_pair *k = &o->pairs[j];
            bool known = false;
            for (size_t x = 0; x < 4; x++)
                known |= !strcmp(k->key, out_keys[x]);
            if (known)
                continue;
            const char *sug = dp_suggest(k->key, out_keys, 4);
            if (sug)
                dp_tpl_error(t, k->line, k->col, "unknown output attribute \"%s\" (did you mean \"%s\"?)", k->key, sug);
            else
                dp_tpl_error(t, k->line, k->col, "unknown output attribute \"%s\"", k->key);
        }
        tpl_output *out = &t->outs[t->nouts++];
        out->decl = p;
        out->value = dp_node_get(o, "Value");
        out->description = dp_node_get(o, "Description");
        const dp_pair *exp = dp_node_get_pair(o, "Export");
        if (exp)
            dp_tpl_warning(t, exp->line, exp->col,
                           "Export is not supported by dmsprov (no cross-stack references): output \"%s\" is not exported",
                           p->key);
        if (!out->value) {
            dp_tpl_error(t, p->line, p->col, "output \"%s\" has no Value", p->key);
            continue;
        }
        const dp_node *cond = dp_node_get(o, "Condition");
        dp_eval ev;
        dp_eval_init(&ev, t, NULL, NULL);
        int cv = 1;
        if (cond) {
            if (cond->kind != DP_N_SCALAR) {
                dp_tpl_error(t, cond->line, cond->col, "Condition must be a condition name");
                continue;
            }
            out->condition = cond->str;
            cv = dp_cond_value(&ev, cond->str, cond);
        }
        if (out->description && out->description->kind != DP_N_SCALAR)
            dp_tpl_error(t, out->description->line, out->description->col, "Description must be a string");
        if (cv == 0 || cv == -2)
            continue; /* not created: its references may name inactive resources */
        dp_dynref_scan(t, out->value, false);
        cJSON *v = dp_eval_node(&ev, out->value);
        if (v && dp_eval_is_novalue(v))
            dp_tpl_error(t, out->value->line, out->value->col, "an output Value cannot be AWS::NoValue");
        cJSON_Delete(v);
    }
}
