/* tpl_api.c - what the engine asks of a loaded template: resolved properties (with values of
 * resources that exist), outputs, and a stable text dump. */
#include <stdlib.h>
#include <string.h>

#include "templates/tpl_internal.h"

static tpl_res *find(const dp_template *t, const char *id)
{
    void *p = NULL;
    return dp_strmap_get(&t->res_ix, id, &p) ? p : NULL;
}

static int properties(const dp_template *ct, const char *logical_id, const dp_known *known, bool resolve,
                      cJSON **out, dp_err *e)
{
    dp_template *t = (dp_template *)ct; /* evaluation fills caches only */
    *out = NULL;
    tpl_res *r = find(t, logical_id);
    if (!r) {
        dp_err_set(e, DP_E_NOT_FOUND, "no resource \"%s\" in %s", logical_id, t->file);
        return -1;
    }
    if (!r->pub.active) {
        dp_err_set(e, DP_E_INPUT, "resource \"%s\" is not created (condition \"%s\" is false)", logical_id,
                   r->pub.condition);
        return -1;
    }
    if (!r->props) {
        *out = cJSON_CreateObject();
        return *out ? 0 : -1;
    }
    dp_eval ev;
    dp_eval_init(&ev, t, known, e);
    cJSON *v = dp_eval_node(&ev, r->props);
    if (!v || ev.failed) {
        cJSON_Delete(v);
        if (e && !e->message[0])
            dp_err_set(e, DP_E_INPUT, "cannot resolve the properties of \"%s\"", logical_id);
        return -1;
    }
    /* Placement of ssm-secure was checked at load; here every reference resolves. */
    if (resolve && dp_dynref_apply(&ev, r->props, &v, true)) {
        cJSON_Delete(v);
        return -1;
    }
    if (r->pub.schema)
        v = dp_tpl_coerce_object(r->pub.schema->root, v);
    if (!v) {
        dp_err_set(e, DP_E_NOMEM, "out of memory");
        return -1;
    }
    *out = v;
    return 0;
}

int dp_template_resource_properties(const dp_template *t, const char *logical_id,
                                    const dp_known *known, cJSON **out, dp_err *e)
{
    return properties(t, logical_id, known, true, out, e);
}

int dp_template_resource_properties_unresolved(const dp_template *t, const char *logical_id,
                                               const dp_known *known, cJSON **out, dp_err *e)
{
    return properties(t, logical_id, known, false, out, e);
}

int dp_template_outputs(const dp_template *ct, const dp_known *known, cJSON **out, dp_err *e)
{
    dp_template *t = (dp_template *)ct;
    *out = cJSON_CreateObject();
    if (!*out) {
        dp_err_set(e, DP_E_NOMEM, "out of memory");
        return -1;
    }
    for (size_t i = 0; i < t->nouts; i++) {
        tpl_output *o = &t->outs[i];
        dp_eval ev;
        dp_eval_init(&ev, t, known, e);
        if (o->condition) {
            void *p = NULL;
            if (dp_strmap_get(&t->cond_ix, o->condition, &p) && ((tpl_cond *)p)->value == 0)
                continue;
        }
        if (!o->value)
            continue;
        cJSON *v = dp_eval_node(&ev, o->value);
        if (!v || ev.failed || dp_dynref_apply(&ev, o->value, &v, false)) {
            cJSON_Delete(v);
            cJSON_Delete(*out);
            *out = NULL;
            return -1;
        }
        cJSON *item = cJSON_CreateObject();
        cJSON_AddItemToObject(item, "Value", v);
        if (o->description && o->description->kind == DP_N_SCALAR)
            cJSON_AddStringToObject(item, "Description", o->description->str);
        cJSON_AddItemToObject(*out, o->decl->key, item);
    }
    return 0;
}

static int put_json(dp_buf *out, const cJSON *v)
{
    cJSON *r = dp_value_redact(v);
    char *s = r ? cJSON_PrintUnformatted(r) : NULL;
    int rc = s ? dp_buf_puts(out, s) : -1;
    free(s);
    cJSON_Delete(r);
    return rc;
}

int dp_template_dump(const dp_template *t, dp_buf *out)
{
    int rc = 0;
    for (size_t i = 0; i < t->nparams; i++) {
        const dp_tpl_param *p = &t->params[i].pub;
        rc |= dp_buf_printf(out, "parameter %s %s = ", p->name, p->type);
        rc |= put_json(out, p->value);
        rc |= dp_buf_puts(out, p->no_echo ? " (NoEcho)\n" : "\n");
    }
    for (size_t i = 0; i < t->nres; i++) {
        const dp_tpl_resource *r = dp_template_resource_at(t, i);
        if (!r->active) {
            rc |= dp_buf_printf(out, "resource %s %s (not created: condition %s is false)\n", r->logical_id,
                                r->type, r->condition);
            continue;
        }
        rc |= dp_buf_printf(out, "resource %s %s\n", r->logical_id, r->type);
        if (r->ndepends_on) {
            rc |= dp_buf_puts(out, "  depends_on");
            for (size_t j = 0; j < r->ndepends_on; j++)
                rc |= dp_buf_printf(out, "%s%s", j ? ", " : " ", r->depends_on[j]);
            rc |= dp_buf_puts(out, "\n");
        }
        if (r->deletion_policy_explicit || strcmp(r->deletion_policy, "Delete"))
            rc |= dp_buf_printf(out, "  deletion_policy %s\n", r->deletion_policy);
        if (r->update_replace_policy_explicit || strcmp(r->update_replace_policy, "Delete"))
            rc |= dp_buf_printf(out, "  update_replace_policy %s\n", r->update_replace_policy);
        cJSON *props = NULL;
        dp_err e;
        dp_err_clear(&e);
        if (dp_template_resource_properties(t, r->logical_id, NULL, &props, &e)) {
            rc |= dp_buf_printf(out, "  error %s\n", e.message);
        } else {
            rc |= dp_buf_puts(out, "  properties ");
            rc |= put_json(out, props);
            rc |= dp_buf_puts(out, "\n");
        }
        cJSON_Delete(props);
    }
    cJSON *outs = NULL;
    dp_err e;
    dp_err_clear(&e);
    if (dp_template_outputs(t, NULL, &outs, &e)) {
        rc |= dp_buf_printf(out, "outputs error %s\n", e.message);
    } else {
        for (const cJSON *o = outs->child; o; o = o->next) {
            rc |= dp_buf_printf(out, "output %s = ", o->string);
            rc |= put_json(out, cJSON_GetObjectItemCaseSensitive(o, "Value"));
            rc |= dp_buf_puts(out, "\n");
        }
    }
    cJSON_Delete(outs);
    return rc ? -1 : 0;
}
