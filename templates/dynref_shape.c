/* dynref_shape.c - the text a Fn::Sub or Fn::Join builds, as far as the template writes it
 * literally: every value not written there (a ${Var}, a Ref item of a Join) becomes a hole
 * (DP_DYNREF_HOLE). Dynamic references are resolved in the final string, after the functions,
 * so this shape is what validation checks and what tells an unknown result will be secret. */
#include <stdio.h>
#include <string.h>

#include "templates/tpl_internal.h"

typedef struct shape_ctx {
    const dp_node *vars;       /* Fn::Sub variable map, or NULL */
    dp_buf *out;
    dp_shape_opaque_fn opaque;
    void *octx;
    int rc;
} shape_ctx;

static int hole(shape_ctx *c, const dp_node *n)
{
    if (n && c->opaque)
        c->opaque(c->octx, n);
    return dp_buf_putc(c->out, DP_DYNREF_HOLE);
}

/* A value inside the text: literal, nested Sub/Join, or a hole. */
static int piece(shape_ctx *c, const dp_node *n)
{
    if (n->kind == DP_N_SCALAR)
        return dp_buf_puts(c->out, n->str);
    int r = dp_dynref_shape(n, c->out, c->opaque, c->octx);
    if (r == 1)
        return 0;
    if (r < 0)
        return -1;
    return hole(c, n);
}

static int on_lit(void *vc, const char *s, size_t n)
{
    shape_ctx *c = vc;
    return dp_buf_append(c->out, s, n);
}

static int on_var(void *vc, const char *name, size_t n)
{
    shape_ctx *c = vc;
    char buf[512];
    if (!n || n >= sizeof buf)
        return hole(c, NULL);
    memcpy(buf, name, n);
    buf[n] = '\0';
    const dp_node *vn = c->vars ? dp_node_get(c->vars, buf) : NULL;
    return vn ? piece(c, vn) : hole(c, NULL);
}

static int sub_shape(shape_ctx *c, const dp_node *arg)
{
    const dp_node *tmpl = arg;
    if (arg->kind == DP_N_SEQ) {
        if (arg->n != 2 || arg->items[0]->kind != DP_N_SCALAR || arg->items[1]->kind != DP_N_MAP ||
            dp_node_intrinsic(arg->items[1], NULL))
            return -1;
        tmpl = arg->items[0];
        c->vars = arg->items[1];
        /* Variables the template does not use are values too: scan them. */
        for (size_t i = 0; c->opaque && i < c->vars->n; i++) {
            char pat[600];
            snprintf(pat, sizeof pat, "${%s}", c->vars->pairs[i].key);
            if (!strstr(tmpl->str, pat) && c->vars->pairs[i].value->kind != DP_N_SCALAR)
                c->opaque(c->octx, c->vars->pairs[i].value);
        }
    } else if (arg->kind != DP_N_SCALAR) {
        return -1;
    }
    dp_sub_cb cb = {c, on_lit, on_var};
    return dp_sub_parse(tmpl->str, &cb) ? -1 : 1;
}

static int join_shape(shape_ctx *c, const dp_node *arg)
{
    if (arg->kind != DP_N_SEQ || arg->n != 2)
        return -1;
    const dp_node *delim = arg->items[0], *list = arg->items[1];
    dp_buf d;
    dp_buf_init(&d, 0);
    shape_ctx dc = {NULL, &d, c->opaque, c->octx, 0};
    int rc = piece(&dc, delim);
    if (!rc && list->kind != DP_N_SEQ)
        rc = hole(c, list);
    for (size_t i = 0; !rc && list->kind == DP_N_SEQ && i < list->n; i++) {
        if (i)
            rc = dp_buf_append(c->out, dp_buf_str(&d), d.len);
        if (!rc)
            rc = piece(c, list->items[i]);
    }
    dp_buf_cleanup(&d);
    return rc ? -1 : 1;
}

int dp_dynref_shape(const dp_node *n, dp_buf *out, dp_shape_opaque_fn opaque, void *octx)
{
    const dp_node *arg = NULL;
    const char *fn = dp_node_intrinsic(n, &arg);
    if (!fn || (strcmp(fn, "Fn::Sub") && strcmp(fn, "Fn::Join")))
        return 0;
    shape_ctx c = {NULL, out, opaque, octx, 0};
    return !strcmp(fn, "Fn::Sub") ? sub_shape(&c, arg) : join_shape(&c, arg);
}

bool dp_dynref_shape_secret(const dp_node *n)
{
    dp_buf b;
    dp_buf_init(&b, 0);
    bool secret = dp_dynref_shape(n, &b, NULL, NULL) == 1 && dp_dynref_text_secret(dp_buf_str(&b));
    dp_buf_cleanup(&b);
    return secret;
}
