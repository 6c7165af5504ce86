/* foreach.c - the AWS::LanguageExtensions Fn::ForEach transform.
 *
 *   Fn::ForEach::LoopName: [Identifier, Collection, {OutputKey: OutputValue}]
 *
 * is replaced, in the mapping that holds it, by one copy of {OutputKey: OutputValue} per
 * element of Collection, with what CloudFormation substitutes (and only that, as cfn-lint's
 * transform does): ${Identifier} and &{Identifier} (non-alphanumerics dropped) in keys and in
 * Fn::Sub strings, and {Ref: Identifier}. Plain strings are left alone. Runs once parameters
 * are known and before Conditions, Resources and Outputs are read, so every later check and
 * error position applies to the expanded template (copies keep the positions of the loop
 * body). Copies are made in the document's arena; unchanged subtrees are shared. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "templates/tpl_internal.h"

#define MAX_LOOP_DEPTH 5          /* nesting bound: with the key bound, keeps expansion cheap */
#define MAX_NODES_COPIED 2000000  /* bounds what nested loops can multiply */
#define PLACEHOLDER "Item"         /* the element of a collection not known yet (validate) */
#define MAX_KEYS 10000            /* per mapping; CloudFormation allows 500 resources */

typedef struct binding {
    const char *id;    /* identifier (borrowed from the document) */
    const char *value; /* arena-owned */
    const struct binding *outer;
} binding;

typedef struct fe {
    dp_template *t;
    dp_arena *arena;
    size_t copied;
    bool failed;
} fe;

static dp_node *expand(fe *f, dp_node *n, const binding *b, int depth);

static bool is_loop_key(const char *k)
{
    static const char pre[] = "Fn::ForEach::";
    if (strncmp(k, pre, sizeof pre - 1) || !k[sizeof pre - 1])
        return false;
    for (const char *c = k + sizeof pre - 1; *c; c++)
        if (!isalnum((unsigned char)*c))
            return false;
    return true;
}

static const char *bound(const binding *b, const char *id, size_t n)
{
    for (; b; b = b->outer)
        if (strlen(b->id) == n && !strncmp(b->id, id, n))
            return b->value;
    return NULL;
}

static dp_node *new_node(fe *f, const dp_node *like, dp_node_kind kind)
{
    if (++f->copied > MAX_NODES_COPIED) {
        if (!f->failed)
            dp_tpl_error(f->t, like->line, like->col, "Fn::ForEach expands to more than %d nodes", MAX_NODES_COPIED);
        f->failed = true;
        return NULL;
    }
    dp_node *n = dp_arena_alloc(f->arena, sizeof *n);
    if (!n) {
        f->failed = true;
        return NULL;
    }
    n->kind = kind;
    n->line = like->line;
    n->col = like->col;
    return n;
}

/* s with ${Id} and &{Id} of every binding replaced; s itself when nothing matched. */
static const char *substitute(fe *f, const char *s, const binding *b)
{
    if (!b || !strpbrk(s, "$&"))
        return s;
    dp_buf out;
    dp_buf_init(&out, 0);
    bool changed = false;
    for (const char *p = s; *p;) {
        const char *close = (p[0] == '$' || p[0] == '&') && p[1] == '{' ? strchr(p + 2, '}') : NULL;
        const char *v = close ? bound(b, p + 2, (size_t)(close - p - 2)) : NULL;
        if (!v) {
            dp_buf_append(&out, p, 1);
            p++;
            continue;
        }
        changed = true;
        if (p[0] == '$')
            dp_buf_puts(&out, v);
        else
            for (const char *c = v; *c; c++)
                if (isalnum((unsigned char)*c))
                    dp_buf_append(&out, c, 1);
        p = close + 1;
    }
    const char *r = changed ? dp_arena_strndup(f->arena, dp_buf_str(&out), out.len) : s;
    dp_buf_cleanup(&out);
    if (!r)
        f->failed = true;
    return r ? r : s;
}

static dp_node *scalar(fe *f, const dp_node *like, const char *s)
{
    dp_node *n = new_node(f, like, DP_N_SCALAR);
    if (!n)
        return NULL;
    n->plain = false; /* a substituted value is a string, whatever it looks like */
    n->str = s;
    n->len = strlen(s);
    return n;
}

/* The collection's elements as arena strings; -1 after reporting. */
static int collection(fe *f, dp_node *coll, const binding *b, int depth, const char ***out, size_t *n)
{
    dp_node *c = expand(f, coll, b, depth);
    if (!c)
        return -1;
    dp_eval ev;
    dp_err e;
    dp_err_clear(&e);
    dp_eval_init(&ev, f->t, NULL, &e);
    cJSON *v = dp_eval_node(&ev, c);
    if (!v)
        return -1;
    int rc = -1;
    if (dp_value_contains_unknown(v) && !dp_value_contains_secret(v) && !f->t->require_all) {
        /* validate without the parameter's value: the body is still checked, once */
        dp_tpl_warning(f->t, coll->line, coll->col,
                       "the collection of Fn::ForEach is known only at deployment; its body is checked once "
                       "with the placeholder element \"%s\"", PLACEHOLDER);
        *n = 1;
        *out = dp_arena_alloc(f->arena, sizeof **out);
        if (*out)
            (*out)[0] = PLACEHOLDER;
        rc = *out ? 0 : -1;
    } else if (dp_value_contains_unknown(v) || dp_value_contains_secret(v)) {
        dp_tpl_error(f->t, coll->line, coll->col,
                     "the collection of Fn::ForEach must be known before deployment and not secret "
                     "(a list, a list parameter or Fn::FindInMap)");
    } else if (!cJSON_IsArray(v)) {
        dp_tpl_error(f->t, coll->line, coll->col, "the collection of Fn::ForEach must be a list");
    } else {
        *n = (size_t)cJSON_GetArraySize(v);
        *out = dp_arena_alloc(f->arena, (*n ? *n : 1) * sizeof **out);
        rc = *out ? 0 : -1;
        size_t i = 0;
        const cJSON *it;
        cJSON_ArrayForEach(it, v)
        {
            dp_buf s;
            dp_buf_init(&s, 0);
            if (dp_value_scalar_string(it, &s)) {
                dp_tpl_error(f->t, coll->line, coll->col, "the collection of Fn::ForEach must hold strings, not %s",
                             cJSON_IsObject(it) ? "a mapping" : "a list");
                rc = -1;
            } else if (!rc) {
                (*out)[i++] = dp_arena_strndup(f->arena, dp_buf_str(&s), s.len);
            }
            dp_buf_cleanup(&s);
            if (rc)
                break;
        }
    }
    cJSON_Delete(v);
    return rc;
}

/* The pairs of a mapping being rebuilt, with a hash of their keys for duplicates. */
typedef struct pairs {
    dp_pair *v; /* arena */
    size_t n, cap;
    dp_strmap seen;
} pairs;

/* Appends p, refusing a key that is already there or one key too many. */
static int add_pair(fe *f, pairs *ps, const dp_pair *p, const dp_pair *loop)
{
    const dp_pair *at = loop ? loop : p;
    if (dp_strmap_get(&ps->seen, p->key, NULL)) {
        if (loop)
            dp_tpl_error(f->t, at->line, at->col, "%s produces the key \"%s\" twice, or a key already there",
                         loop->key, p->key);
        else
            dp_tpl_error(f->t, at->line, at->col, "duplicate key \"%s\" after Fn::ForEach", p->key);
        return -1;
    }
    if (ps->n >= MAX_KEYS) {
        dp_tpl_error(f->t, at->line, at->col, "Fn::ForEach makes more than %d keys in one mapping", MAX_KEYS);
        f->failed = true;
        return -1;
    }
    if (ps->n == ps->cap) {
        size_t nc = ps->cap ? ps->cap * 2 : 8;
        dp_pair *nv = dp_arena_alloc(f->arena, nc * sizeof *nv);
        if (!nv) {
            f->failed = true;
            return -1;
        }
        if (ps->n)
            memcpy(nv, ps->v, ps->n * sizeof *nv);
        ps->v = nv;
        ps->cap = nc;
    }
    ps->v[ps->n++] = *p;
    if (dp_strmap_put(&ps->seen, p->key, NULL)) {
        f->failed = true;
        return -1;
    }
    return 0;
}

static int expand_loop(fe *f, const dp_pair *loop, const binding *b, int depth, pairs *ps)
{
    const dp_node *a = loop->value;
    if (!f->t->lang_ext) {
        dp_tpl_error(f->t, loop->line, loop->col, "%s needs \"Transform: AWS::LanguageExtensions\"", loop->key);
        return -1;
    }
    if (depth >= MAX_LOOP_DEPTH) {
        dp_tpl_error(f->t, loop->line, loop->col, "Fn::ForEach loops nest at most %d deep", MAX_LOOP_DEPTH);
        return -1;
    }
    if (a->kind != DP_N_SEQ || a->n != 3 || a->items[0]->kind != DP_N_SCALAR || a->items[2]->kind != DP_N_MAP) {
        dp_tpl_error(f->t, a->line, a->col, "%s expects [Identifier, Collection, {OutputKey: OutputValue}]", loop->key);
        return -1;
    }
    const char *id = a->items[0]->str;
    bool ok = *id != '\0';
    for (const char *c = id; *c; c++)
        ok = ok && isalnum((unsigned char)*c);
    if (!ok || dp_strmap_get(&f->t->param_ix, id, NULL) || bound(b, id, strlen(id))) {
        dp_tpl_error(f->t, a->items[0]->line, a->items[0]->col,
                     "Fn::ForEach identifier \"%s\" must be alphanumeric and differ from parameter names and "
                     "outer loop identifiers", id);
        return -1;
    }
    const char **vals = NULL;
    size_t nv = 0;
    if (collection(f, a->items[1], b, depth, &vals, &nv))
        return -1;
    for (size_t i = 0; i < nv; i++) {
        binding inner = {.id = id, .value = vals[i], .outer = b};
        dp_node *body = expand(f, a->items[2], &inner, depth + 1);
        if (!body)
            return -1;
        for (size_t k = 0; k < body->n; k++)
            if (add_pair(f, ps, &body->pairs[k], loop))
                return -1;
    }
    return 0;
}

/* A new list node like `like`, with its own copy of the items array (to replace some). */
static dp_node *seq_copy(fe *f, const dp_node *like)
{
    dp_node *out = new_node(f, like, DP_N_SEQ);
    dp_node **items = out ? dp_arena_alloc(f->arena, (like->n ? like->n : 1) * sizeof *items) : NULL;
    if (!items) {
        f->failed = true;
        return NULL;
    }
    memcpy(items, like->items, like->n * sizeof *items);
    out->items = items;
    out->n = like->n;
    return out;
}

/* Fn::Sub's string (scalar form, or first item of [String, Vars]) substituted. When nothing
 * is left to substitute in {Fn::Sub: …} alone, *whole receives the plain string (as cfn-lint
 * does), so that it may stand where CloudFormation wants a literal (GetAtt, DependsOn). */
static dp_node *expand_sub(fe *f, const dp_node *m, dp_node *arg, const binding *b, int depth, dp_node **whole)
{
    dp_node *str = arg->kind == DP_N_SCALAR ? arg
                   : arg->kind == DP_N_SEQ && arg->n >= 1 && arg->items[0]->kind == DP_N_SCALAR ? arg->items[0]
                                                                                             : NULL;
    if (!str)
        return expand(f, arg, b, depth);
    const char *s = substitute(f, str->str, b);
    if (s == str->str)
        return expand(f, arg, b, depth);
    if (m->n == 1 && !strstr(s, "${")) {
        *whole = scalar(f, m, s);
        return *whole;
    }
    dp_node *ns = scalar(f, str, s);
    if (!ns || arg->kind == DP_N_SCALAR)
        return ns;
    dp_node *rest = expand(f, arg, b, depth);
    dp_node *out = rest ? seq_copy(f, rest) : NULL;
    if (out)
        out->items[0] = ns;
    return out;
}

/* Fn::If: CloudFormation leaves the condition name alone inside a loop; only the two
 * branches are expanded. */
static dp_node *expand_if(fe *f, dp_node *arg, const binding *b, int depth)
{
    dp_node *yes = expand(f, arg->items[1], b, depth);
    dp_node *no = yes ? expand(f, arg->items[2], b, depth) : NULL;
    if (!no)
        return NULL;
    if (yes == arg->items[1] && no == arg->items[2])
        return arg;
    dp_node *out = seq_copy(f, arg);
    if (out) {
        out->items[1] = yes;
        out->items[2] = no;
    }
    return out;
}

static dp_node *expand_map(fe *f, dp_node *m, const binding *b, int depth)
{
    /* {Ref: Identifier} is the element itself. */
    if (b && m->n == 1 && !strcmp(m->pairs[0].key, "Ref") && m->pairs[0].value->kind == DP_N_SCALAR) {
        const char *v = bound(b, m->pairs[0].value->str, m->pairs[0].value->len);
        return v ? scalar(f, m, v) : m;
    }
    bool loops = false;
    for (size_t i = 0; i < m->n && !loops; i++)
        loops = is_loop_key(m->pairs[i].key);
    if (!b && !loops) {
        /* Outside any loop nothing is substituted: the mapping stays, loops deeper down are
         * expanded in place (the same expansion for every alias of a shared node). */
        bool bad = false;
        for (size_t i = 0; i < m->n && !f->failed; i++) {
            dp_node *x = expand(f, m->pairs[i].value, NULL, depth);
            if (x)
                m->pairs[i].value = x;
            bad |= !x;
        }
        return bad || f->failed ? NULL : m;
    }
    pairs ps = {0};
    dp_strmap_init(&ps.seen);
    bool changed = loops, bad = false;
    /* Every loop of the mapping is tried, so that one run reports all their mistakes. */
    for (size_t i = 0; i < m->n && !f->failed; i++) {
        const dp_pair *p = &m->pairs[i];
        if (is_loop_key(p->key)) {
            bad |= expand_loop(f, p, b, depth, &ps) != 0;
            continue;
        }
        dp_pair q = *p;
        q.key = substitute(f, p->key, b);
        if (!strcmp(p->key, "Fn::Sub") && b) {
            dp_node *whole = NULL;
            q.value = expand_sub(f, m, p->value, b, depth, &whole);
            if (whole) {
                dp_strmap_cleanup(&ps.seen);
                return whole;
            }
        } else if (!strcmp(p->key, "Fn::If") && p->value->kind == DP_N_SEQ && p->value->n == 3) {
            q.value = expand_if(f, p->value, b, depth);
        } else {
            q.value = expand(f, p->value, b, depth);
        }
        if (!q.value || add_pair(f, &ps, &q, NULL)) {
            bad = true;
            continue;
        }
        changed = changed || q.key != p->key || q.value != p->value;
    }
    dp_strmap_cleanup(&ps.seen);
    if (bad || f->failed)
        return NULL;
    if (!changed)
        return m;
    dp_node *out = new_node(f, m, DP_N_MAP);
    if (!out)
        return NULL;
    out->pairs = ps.v;
    out->n = ps.n;
    return out;
}

static dp_node *expand(fe *f, dp_node *n, const binding *b, int depth)
{
    if (f->failed)
        return NULL;
    if (n->kind == DP_N_MAP)
        return expand_map(f, n, b, depth);
    if (n->kind != DP_N_SEQ)
        return n;
    dp_node *out = n; /* copied on the first item that changes */
    for (size_t i = 0; i < n->n; i++) {
        dp_node *x = expand(f, n->items[i], b, depth);
        if (!x || (x != n->items[i] && out == n && !(out = seq_copy(f, n))))
            return NULL;
        if (out != n)
            out->items[i] = x;
    }
    return out;
}

int dp_tpl_foreach_expand(dp_template *t, dp_node *root)
{
    fe f = {.t = t, .arena = t->doc->arena};
    size_t before = t->d->errors;
    for (size_t i = 0; i < root->n; i++) {
        dp_pair *p = &root->pairs[i];
        bool allowed = !strcmp(p->key, "Conditions") || !strcmp(p->key, "Resources") || !strcmp(p->key, "Outputs");
        if (!allowed || p->value->kind != DP_N_MAP)
            continue;
        dp_node *x = expand(&f, p->value, NULL, 0);
        if (!x) {
            if (t->d->errors == before) /* out of memory: nothing reported yet */
                dp_tpl_error(t, p->line, p->col, "out of memory expanding Fn::ForEach");
            return -1;
        }
        p->value = x;
    }
    return t->d->errors == before ? 0 : -1;
}
