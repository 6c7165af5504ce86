/* eval_sub.c - Fn::Sub: "${Name}", "${Resource.Attr}", "${!Literal}" substitution. Dynamic
 * references in the result are resolved afterwards (dynref.c), once it is known. */
#include <stdlib.h>
#include <string.h>

#include "templates/tpl_internal.h"

int dp_sub_parse(const char *s, const dp_sub_cb *cb)
{
    const char *p = s;
    while (*p) {
        const char *d = strstr(p, "${");
        if (!d)
            return cb->lit ? cb->lit(cb->ctx, p, strlen(p)) : 0;
        if (d > p && cb->lit && cb->lit(cb->ctx, p, (size_t)(d - p)))
            return -1;
        if (d[2] == '!') {
            /* "${!Literal}" is written out as "${Literal}". */
            if (cb->lit && cb->lit(cb->ctx, "${", 2))
                return -1;
            p = d + 3;
            continue;
        }
        const char *end = strchr(d + 2, '}');
        if (!end)
            return -2;
        if (cb->var && cb->var(cb->ctx, d + 2, (size_t)(end - d - 2)))
            return -1;
        p = end + 1;
    }
    return 0;
}

typedef struct sub_state {
    dp_eval *ev;
    const dp_node *at;
    const dp_node *vars;   /* the variable map, or NULL */
    dp_buf out;
    bool secret, failed;
    cJSON *unknown;        /* first unknown piece */
} sub_state;

static int on_lit(void *ctx, const char *s, size_t n)
{
    sub_state *st = ctx;
    return dp_buf_append(&st->out, s, n);
}

static int on_var(void *ctx, const char *name, size_t n)
{
    sub_state *st = ctx;
    char buf[512];
    if (!n || n >= sizeof buf) {
        dp_eval_error(st->ev, st->at, "Fn::Sub: invalid variable name \"${%.*s}\"", (int)(n > 64 ? 64 : n), name);
        st->failed = true;
        return 0;
    }
    memcpy(buf, name, n);
    buf[n] = '\0';
    cJSON *v;
    const dp_node *vn = st->vars ? dp_node_get(st->vars, buf) : NULL;
    const char *dot = strchr(buf, '.');
    if (vn) {
        v = dp_eval_node(st->ev, vn);
    } else if (dot && strncmp(buf, "AWS::", 5)) {
        char res[512];
        memcpy(res, buf, (size_t)(dot - buf));
        res[dot - buf] = '\0';
        v = dp_eval_getatt_name(st->ev, st->at, res, dot + 1);
    } else {
        v = dp_eval_ref_name(st->ev, st->at, buf);
    }
    cJSON *unk = NULL;
    v = dp_eval_plain_value(st->ev, st->at, v, &st->secret, &unk);
    if (unk) {
        st->secret |= dp_value_is_secret(unk);
        if (!st->unknown)
            st->unknown = unk;
        else
            cJSON_Delete(unk);
        return 0;
    }
    if (!v) {
        st->failed = true;
        return 0;
    }
    if (dp_value_scalar_string(v, &st->out)) {
        dp_eval_error(st->ev, st->at, "Fn::Sub: ${%s} is %s, not a string (use Fn::Join for lists)", buf,
                      cJSON_IsArray(v) ? "a list" : "not a scalar");
        st->failed = true;
    }
    cJSON_Delete(v);
    return 0;
}

cJSON *dp_eval_sub(dp_eval *ev, const dp_node *at, const dp_node *arg)
{
    const dp_node *tmpl = arg, *vars = NULL;
    if (arg->kind == DP_N_SEQ) {
        if (arg->n != 2 || arg->items[0]->kind != DP_N_SCALAR || arg->items[1]->kind != DP_N_MAP) {
            dp_eval_error(ev, at, "Fn::Sub expects a string or [String, {Variables}]");
            return NULL;
        }
        tmpl = arg->items[0];
        vars = arg->items[1];
        if (dp_node_intrinsic(vars, NULL)) {
            dp_eval_error(ev, vars, "Fn::Sub: the variables must be a mapping of names to values");
            return NULL;
        }
    } else if (arg->kind != DP_N_SCALAR) {
        dp_eval_error(ev, at, "Fn::Sub expects a string or [String, {Variables}]");
        return NULL;
    }
    sub_state st;
    memset(&st, 0, sizeof st);
    st.ev = ev;
    st.at = tmpl;
    st.vars = vars;
    dp_buf_init(&st.out, 0);
    dp_sub_cb cb = {&st, on_lit, on_var};
    int rc = dp_sub_parse(tmpl->str, &cb);
    cJSON *r = NULL;
    if (rc == -2)
        dp_eval_error(ev, tmpl, "Fn::Sub: \"${\" without a closing \"}\"");
    else if (rc == 0 && !st.failed) {
        if (st.unknown) {
            /* A {{resolve:secretsmanager:${Secret}…}} is resolved (and secret) once known. */
            r = st.secret || dp_dynref_shape_secret(at) ? dp_value_secret_any(st.unknown) : st.unknown;
            st.unknown = NULL;
        } else {
            r = cJSON_CreateString(dp_buf_str(&st.out));
            if (st.secret)
                r = dp_value_secret(r);
        }
    }
    cJSON_Delete(st.unknown);
    dp_buf_cleanup(&st.out);
    return r;
}
