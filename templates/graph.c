/* graph.c - the resource dependency graph: edges from DependsOn, Ref, Fn::GetAtt and Fn::Sub
 * (after conditions), cycles reported with their members in order, and a topological order
 * (dependencies first, ties in document order). */
#include <stdlib.h>
#include <string.h>

#include "templates/tpl_internal.h"

static int add_dep(tpl_res *r, size_t dep)
{
    for (size_t i = 0; i < r->ndeps; i++)
        if (r->deps[i] == dep)
            return 0;
    if (r->ndeps == r->capdeps) {
        size_t ncap = r->capdeps ? r->capdeps * 2 : 4;
        size_t *nd = realloc(r->deps, ncap * sizeof *nd);
        if (!nd)
            return -1;
        r->deps = nd;
        r->capdeps = ncap;
    }
    r->deps[r->ndeps++] = dep;
    return 0;
}

typedef struct gwalk {
    dp_template *t;
    tpl_res *r;
    const dp_node *vars;   /* Fn::Sub variables in scope */
} gwalk;

static void dep_on(gwalk *g, const char *name, size_t n)
{
    char buf[256];
    if (n >= sizeof buf)
        return;
    memcpy(buf, name, n);
    buf[n] = '\0';
    void *p = NULL;
    if (!dp_strmap_get(&g->t->res_ix, buf, &p))
        return; /* parameters, pseudo parameters; unknown names are reported by evaluation */
    tpl_res *d = p;
    if (d->cond == 0)
        return; /* reported by evaluation: cannot reference an inactive resource */
    add_dep(g->r, (size_t)(d - g->t->res));
}

static int sub_var(void *ctx, const char *name, size_t n)
{
    gwalk *g = ctx;
    const char *dot = memchr(name, '.', n);
    char buf[256];
    if (n < sizeof buf && g->vars) {
        memcpy(buf, name, n);
        buf[n] = '\0';
        if (dp_node_get(g->vars, buf))
            return 0;
    }
    dep_on(g, name, dot ? (size_t)(dot - name) : n);
    return 0;
}

static void walk(gwalk *g, const dp_node *n)
{
    if (!n)
        return;
    if (n->kind == DP_N_SEQ) {
        for (size_t i = 0; i < n->n; i++)
            walk(g, n->items[i]);
        return;
    }
    if (n->kind != DP_N_MAP)
        return;
    const dp_node *arg = NULL;
    const char *fn = dp_node_intrinsic(n, &arg);
    if (fn && !strcmp(fn, "Ref") && arg->kind == DP_N_SCALAR) {
        dep_on(g, arg->str, arg->len);
        return;
    }
    if (fn && !strcmp(fn, "Fn::GetAtt")) {
        if (arg->kind == DP_N_SCALAR) {
            const char *dot = strchr(arg->str, '.');
            dep_on(g, arg->str, dot ? (size_t)(dot - arg->str) : arg->len);
        } else if (arg->kind == DP_N_SEQ && arg->n >= 1 && arg->items[0]->kind == DP_N_SCALAR) {
            dep_on(g, arg->items[0]->str, arg->items[0]->len);
            for (size_t i = 1; i < arg->n; i++)
                walk(g, arg->items[i]);
        }
        return;
    }
    if (fn && !strcmp(fn, "Fn::Sub")) {
        const dp_node *tmpl = arg, *saved = g->vars;
        if (arg->kind == DP_N_SEQ && arg->n == 2) {
            tmpl = arg->items[0];
            walk(g, arg->items[1]);
            g->vars = arg->items[1]->kind == DP_N_MAP ? arg->items[1] : NULL;
        } else {
            g->vars = NULL;
        }
        if (tmpl->kind == DP_N_SCALAR) {
            dp_sub_cb cb = {g, NULL, sub_var};
            dp_sub_parse(tmpl->str, &cb);
        }
        g->vars = saved;
        return;
    }
    if (fn && !strcmp(fn, "Fn::If") && arg->kind == DP_N_SEQ && arg->n == 3 &&
        arg->items[0]->kind == DP_N_SCALAR) {
        void *p = NULL;
        int v = -1;
        if (dp_strmap_get(&g->t->cond_ix, arg->items[0]->str, &p))
            v = ((tpl_cond *)p)->value;
        if (v != 0)
            walk(g, arg->items[1]);
        if (v != 1)
            walk(g, arg->items[2]);
        return;
    }
    for (size_t i = 0; i < n->n; i++)
        walk(g, n->pairs[i].value);
}

static void explicit_deps(dp_template *t, tpl_res *r)
{
    const dp_node *dep = dp_node_get(r->decl->value, "DependsOn");
    if (!dep)
        return;
    size_t n = dep->kind == DP_N_SEQ ? dep->n : 1;
    for (size_t i = 0; i < n; i++) {
        const dp_node *it = dep->kind == DP_N_SEQ ? dep->items[i] : dep;
        if (it->kind != DP_N_SCALAR)
            continue;
        void *p = NULL;
        if (!dp_strmap_get(&t->res_ix, it->str, &p)) {
            const char *s = dp_tpl_suggest_map(&t->res_ix, it->str);
            if (s)
                dp_tpl_error(t, it->line, it->col, "DependsOn: no resource named \"%s\" (did you mean \"%s\"?)", it->str, s);
            else
                dp_tpl_error(t, it->line, it->col, "DependsOn: no resource named \"%s\"", it->str);
            continue;
        }
        tpl_res *d = p;
        if (d->cond == 0) {
            dp_tpl_error(t, it->line, it->col,
                         "DependsOn: \"%s\" is not created (its condition \"%s\" is false)", it->str, d->pub.condition);
            continue;
        }
        add_dep(r, (size_t)(d - t->res));
    }
    r->nexplicit = r->ndeps;
}

/* Binary min-heap of resource indexes: document order breaks ties. */
typedef struct heap {
    size_t *v, n;
} heap;

static void heap_push(heap *h, size_t x)
{
    size_t i = h->n++;
    h->v[i] = x;
    while (i && h->v[(i - 1) / 2] > h->v[i]) {
        size_t p = (i - 1) / 2, tmp = h->v[p];
        h->v[p] = h->v[i];
        h->v[i] = tmp;
        i = p;
    }
}

static size_t heap_pop(heap *h)
{
    size_t top = h->v[0];
    h->v[0] = h->v[--h->n];
    size_t i = 0;
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        if (l < h->n && h->v[l] < h->v[m])
            m = l;
        if (r < h->n && h->v[r] < h->v[m])
            m = r;
        if (m == i)
            break;
        size_t tmp = h->v[m];
        h->v[m] = h->v[i];
        h->v[i] = tmp;
        i = m;
    }
    return top;
}

/* Reports the cycles among the resources left over by the topological sort. */
static void report_cycles(dp_template *t, const bool *done)
{
    size_t n = t->nres;
    size_t *stamp = calloc(n ? n : 1, sizeof *stamp), *path = malloc((n ? n : 1) * sizeof *path);
    bool *reported = calloc(n ? n : 1, sizeof *reported);
    if (!stamp || !path || !reported)
        goto out;
    for (size_t s = 0; s < n; s++) {
        if (done[s] || reported[s] || t->res[s].cond == 0 || stamp[s])
            continue;
        /* Every leftover resource has a leftover dependency: follow them until one repeats. */
        size_t len = 0, cur = s;
        while (!stamp[cur] && !reported[cur]) {
            stamp[cur] = s + 1;
            path[len++] = cur;
            tpl_res *r = &t->res[cur];
            size_t next = cur;
            for (size_t i = 0; i < r->ndeps; i++)
                if (!done[r->deps[i]]) {
                    next = r->deps[i];
                    break;
                }
            cur = next;
        }
        if (reported[cur] || stamp[cur] != s + 1)
            continue; /* leads into a cycle already reported */
        size_t first = 0;
        while (path[first] != cur)
            first++;
        /* Start the message at the member declared first. */
        size_t start = first;
        for (size_t i = first; i < len; i++)
            if (path[i] < path[start])
                start = i;
        dp_buf msg;
        dp_buf_init(&msg, 0);
        size_t members = len - first;
        for (size_t k = 0; k <= members; k++) {
            size_t idx = path[first + (start - first + k) % members];
            dp_buf_printf(&msg, "%s%s", k ? " -> " : "", t->res[idx].pub.logical_id);
            reported[idx] = true;
        }
        const tpl_res *head = &t->res[path[start]];
        dp_tpl_error(t, head->pub.line, head->pub.col, "circular dependency: %s", dp_buf_str(&msg));
        dp_buf_cleanup(&msg);
    }
out:
    free(stamp);
    free(path);
    free(reported);
}

void dp_tpl_graph_build(dp_template *t)
{
    size_t n = t->nres;
    for (size_t i = 0; i < n; i++) {
        tpl_res *r = &t->res[i];
        if (r->cond == 0)
            continue;
        explicit_deps(t, r);
        gwalk g = {t, r, NULL};
        walk(&g, r->props);
    }
    /* Kahn's algorithm over active resources. */
    size_t *indeg = calloc(n ? n : 1, sizeof *indeg), *rank = calloc(n ? n : 1, sizeof *rank);
    size_t *nrev = calloc(n ? n : 1, sizeof *nrev), **rev = calloc(n ? n : 1, sizeof *rev);
    bool *done = calloc(n ? n : 1, sizeof *done);
    heap h = {malloc((n ? n : 1) * sizeof(size_t)), 0};
    t->order = malloc((n ? n : 1) * sizeof *t->order);
    if (!indeg || !rank || !nrev || !rev || !done || !h.v || !t->order)
        goto oom;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < t->res[i].ndeps; j++)
            nrev[t->res[i].deps[j]]++;
    for (size_t i = 0; i < n; i++) {
        rev[i] = malloc((nrev[i] ? nrev[i] : 1) * sizeof **rev);
        if (!rev[i])
            goto oom;
        nrev[i] = 0;
    }
    for (size_t i = 0; i < n; i++) {
        tpl_res *r = &t->res[i];
        indeg[i] = r->ndeps;
        for (size_t j = 0; j < r->ndeps; j++)
            rev[r->deps[j]][nrev[r->deps[j]]++] = i;
        if (r->cond != 0 && !indeg[i])
            heap_push(&h, i);
    }
    size_t k = 0;
    while (h.n) {
        size_t i = heap_pop(&h);
        done[i] = true;
        rank[i] = k;
        t->order[k++] = i;
        for (size_t j = 0; j < nrev[i]; j++)
            if (!--indeg[rev[i][j]])
                heap_push(&h, rev[i][j]);
    }
    size_t active = 0;
    for (size_t i = 0; i < n; i++)
        active += t->res[i].cond != 0;
    if (k < active)
        report_cycles(t, done);
    for (size_t i = 0; i < n; i++)
        if (!done[i])
            t->order[k++] = i, rank[i] = k;
    /* Public dependency lists, in dependency order. */
    for (size_t i = 0; i < n; i++) {
        tpl_res *r = &t->res[i];
        r->dep_names = calloc(r->ndeps + 1, sizeof *r->dep_names);
        r->explicit_names = calloc(r->nexplicit + 1, sizeof *r->explicit_names);
        size_t *sorted = malloc((r->ndeps ? r->ndeps : 1) * sizeof *sorted);
        if (!r->dep_names || !r->explicit_names || !sorted) {
            free(sorted);
            goto oom; /* a resource without its dependencies would be applied out of order */
        }
        for (size_t j = 0; j < r->nexplicit; j++)
            r->explicit_names[j] = t->res[r->deps[j]].pub.logical_id;
        if (r->ndeps)
            memcpy(sorted, r->deps, r->ndeps * sizeof *sorted);
        for (size_t a = 1; a < r->ndeps; a++) /* insertion sort: lists are short */
            for (size_t b = a; b > 0 && rank[sorted[b - 1]] > rank[sorted[b]]; b--) {
                size_t tmp = sorted[b];
                sorted[b] = sorted[b - 1];
                sorted[b - 1] = tmp;
            }
        for (size_t j = 0; j < r->ndeps; j++)
            r->dep_names[j] = t->res[sorted[j]].pub.logical_id;
        free(sorted);
        r->pub.depends_on = r->dep_names;
        r->pub.ndepends_on = r->ndeps;
        r->pub.explicit_depends_on = r->explicit_names;
        r->pub.nexplicit_depends_on = r->nexplicit;
    }
    goto out;
oom:
    dp_diags_add(t->d, DP_DIAG_ERROR, t->file, 0, 0, "out of memory ordering the resources");
out:
    for (size_t i = 0; rev && i < n; i++)
        free(rev[i]);
    free(rev);
    free(nrev);
    free(indeg);
    free(rank);
    free(done);
    free(h.v);
}
