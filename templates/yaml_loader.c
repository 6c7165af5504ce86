/* yaml_loader.c - libyaml event stream to the positioned node tree (see yaml_loader.h). */
#include "templates/yaml_loader.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <yaml.h>

#include "templates/schema.h"
#include "templates/strmap.h"

typedef struct frame {
    dp_node *node;      /* MAP or SEQ being filled */
    char *tag;          /* arena copy or NULL */
    char *anchor;       /* arena copy or NULL */
    dp_node **kids;     /* malloc'd; for maps: key, value, key, value, ... */
    size_t n, cap;
    size_t size;        /* nodes in the subtree, aliases expanded */
} frame;

typedef struct anchor_ent {
    dp_node *node;
    size_t size;
} anchor_ent;

typedef struct loader {
    dp_doc *doc;
    dp_diags *d;
    frame stack[DP_LOAD_MAX_DEPTH + 1];
    int depth;
    dp_strmap anchors;  /* name (arena) -> anchor_ent (arena) */
    size_t aliases, total;
    bool fatal;
    dp_node *root;
    size_t root_size;
} loader;

static void err_at(loader *L, int line, int col, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void err_at(loader *L, int line, int col, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    dp_diags_vadd(L->d, DP_DIAG_ERROR, L->doc->file, line, col, fmt, ap);
    va_end(ap);
}

static void *oom(loader *L)
{
    if (!L->fatal)
        err_at(L, 0, 0, "out of memory while loading the template");
    L->fatal = true;
    return NULL;
}

static dp_node *new_node(loader *L, dp_node_kind k, const yaml_mark_t *m)
{
    dp_node *n = dp_arena_alloc(L->doc->arena, sizeof *n);
    if (!n)
        return oom(L);
    n->kind = k;
    n->line = (int)m->line + 1;
    n->col = (int)m->column + 1;
    n->str = "";
    return n;
}

static dp_node *scalar_at(loader *L, int line, int col, const char *s, size_t len)
{
    dp_node *n = dp_arena_alloc(L->doc->arena, sizeof *n);
    char *copy = dp_arena_strndup(L->doc->arena, s, len);
    if (!n || !copy)
        return oom(L);
    n->kind = DP_N_SCALAR;
    n->line = line;
    n->col = col;
    n->str = copy;
    n->len = len;
    return n;
}

static dp_node *wrap(loader *L, const char *fn, dp_node *arg)
{
    dp_node *m = dp_arena_alloc(L->doc->arena, sizeof *m);
    dp_pair *p = dp_arena_alloc(L->doc->arena, sizeof *p);
    if (!m || !p)
        return oom(L);
    m->kind = DP_N_MAP;
    m->line = arg->line;
    m->col = arg->col;
    m->str = "";
    m->n = 1;
    m->pairs = p;
    p->key = fn;
    p->line = arg->line;
    p->col = arg->col;
    p->value = arg;
    return m;
}

/* Short-form tags and the long function names they stand for. */
static const char *const short_tags[][2] = {
    {"!Ref", "Ref"}, {"!Condition", "Condition"}, {"!GetAtt", "Fn::GetAtt"},
    {"!Sub", "Fn::Sub"}, {"!Join", "Fn::Join"}, {"!Select", "Fn::Select"},
    {"!Split", "Fn::Split"}, {"!If", "Fn::If"}, {"!Equals", "Fn::Equals"},
    {"!And", "Fn::And"}, {"!Or", "Fn::Or"}, {"!Not", "Fn::Not"},
    {"!FindInMap", "Fn::FindInMap"}, {"!Base64", "Fn::Base64"}, {"!GetAZs", "Fn::GetAZs"},
    {"!Cidr", "Fn::Cidr"}, {"!ImportValue", "Fn::ImportValue"}, {"!Transform", "Fn::Transform"},
    {"!ToJsonString", "Fn::ToJsonString"}, {"!Length", "Fn::Length"}, {"!ForEach", "Fn::ForEach"}};

/* Applies a tag to a finished node; returns the node to use (maybe a wrapper). After an error
 * (reported) the untagged node is kept so that mappings stay well-formed; NULL only on OOM. */
static dp_node *apply_tag(loader *L, const char *tag, dp_node *n)
{
    if (!tag || !strcmp(tag, "!") || !strcmp(tag, "?"))
        return n;
    if (!strncmp(tag, "tag:yaml.org,2002:", 18)) {
        const char *t = tag + 18;
        if (!strcmp(t, "str")) {
            n->plain = false;
            return n;
        }
        if (!strcmp(t, "int") || !strcmp(t, "float") || !strcmp(t, "bool") || !strcmp(t, "null")) {
            n->plain = n->kind == DP_N_SCALAR;
            return n;
        }
        if (!strcmp(t, "map") || !strcmp(t, "seq"))
            return n;
        err_at(L, n->line, n->col, "unsupported YAML tag !!%s", t);
        return n;
    }
    size_t ntags = sizeof short_tags / sizeof short_tags[0];
    for (size_t i = 0; i < ntags; i++) {
        if (strcmp(tag, short_tags[i][0]))
            continue;
        const char *fn = short_tags[i][1];
        if (!strcmp(fn, "Fn::GetAtt") && n->kind == DP_N_SCALAR) {
            /* "!GetAtt Db.Endpoint.Address": the logical id ends at the first dot. */
            const char *dot = memchr(n->str, '.', n->len);
            if (!dot || dot == n->str || dot + 1 == n->str + n->len) {
                err_at(L, n->line, n->col, "!GetAtt needs LogicalId.AttributeName, got \"%s\"", n->str);
                return n;
            }
            dp_node *seq = dp_arena_alloc(L->doc->arena, sizeof *seq);
            dp_node **items = dp_arena_alloc(L->doc->arena, 2 * sizeof *items);
            if (!seq || !items)
                return oom(L);
            items[0] = scalar_at(L, n->line, n->col, n->str, (size_t)(dot - n->str));
            items[1] = scalar_at(L, n->line, n->col, dot + 1, n->len - (size_t)(dot + 1 - n->str));
            if (!items[0] || !items[1])
                return NULL;
            seq->kind = DP_N_SEQ;
            seq->line = n->line;
            seq->col = n->col;
            seq->str = "";
            seq->n = 2;
            seq->items = items;
            n = seq;
        }
        return wrap(L, fn, n);
    }
    const char *cands[sizeof short_tags / sizeof short_tags[0]];
    for (size_t i = 0; i < ntags; i++)
        cands[i] = short_tags[i][0];
    const char *s = dp_suggest(tag, cands, ntags);
    if (s)
        err_at(L, n->line, n->col, "unknown tag %s (did you mean %s?)", tag, s);
    else
        err_at(L, n->line, n->col, "unknown tag %s", tag);
    return n;
}

/* Hands a finished node (and its expanded size) to the enclosing container or the root. */
static void attach(loader *L, dp_node *n, size_t size)
{
    if (L->fatal || !n)
        return;
    if (L->depth == 0) {
        L->root = n;
        L->root_size = size;
        return;
    }
    frame *f = &L->stack[L->depth - 1];
    if (f->n == f->cap) {
        size_t ncap = f->cap ? f->cap * 2 : 8;
        dp_node **nk = realloc(f->kids, ncap * sizeof *nk);
        if (!nk) {
            oom(L);
            return;
        }
        f->kids = nk;
        f->cap = ncap;
    }
    f->kids[f->n++] = n;
    f->size += size;
}

static void remember_anchor(loader *L, const char *anchor, dp_node *n, size_t size)
{
    if (!anchor || !n)
        return;
    anchor_ent *a = dp_arena_alloc(L->doc->arena, sizeof *a);
    if (!a || dp_strmap_put(&L->anchors, anchor, a)) {
        oom(L);
        return;
    }
    a->node = n;
    a->size = size;
}

static char *arena_str(loader *L, const yaml_char_t *s)
{
    if (!s)
        return NULL;
    char *c = dp_arena_strndup(L->doc->arena, (const char *)s, strlen((const char *)s));
    if (!c)
        oom(L);
    return c;
}

static bool count_nodes(loader *L, size_t add, const yaml_mark_t *m)
{
    L->total += add;
    if (L->total > DP_LOAD_MAX_NODES) {
        err_at(L, (int)m->line + 1, (int)m->column + 1,
               "too many nodes after alias expansion (limit %zu)", DP_LOAD_MAX_NODES);
        L->fatal = true;
        return false;
    }
    return true;
}

static void on_scalar(loader *L, yaml_event_t *ev)
{
    dp_node *n = new_node(L, DP_N_SCALAR, &ev->start_mark);
    if (!n)
        return;
    n->str = dp_arena_strndup(L->doc->arena, (const char *)ev->data.scalar.value, ev->data.scalar.length);
    if (!n->str) {
        oom(L);
        return;
    }
    n->len = ev->data.scalar.length;
    n->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
    if (!count_nodes(L, 1, &ev->start_mark))
        return;
    char *tag = ev->data.scalar.tag ? arena_str(L, ev->data.scalar.tag) : NULL;
    dp_node *r = apply_tag(L, tag, n);
    if (!r)
        return;
    remember_anchor(L, ev->data.scalar.anchor ? arena_str(L, ev->data.scalar.anchor) : NULL, r, 1);
    attach(L, r, 1);
}

static void on_start(loader *L, yaml_event_t *ev, dp_node_kind k)
{
    if (L->depth >= DP_LOAD_MAX_DEPTH) {
        err_at(L, (int)ev->start_mark.line + 1, (int)ev->start_mark.column + 1,
               "nesting is deeper than %d levels", DP_LOAD_MAX_DEPTH);
        L->fatal = true;
        return;
    }
    dp_node *n = new_node(L, k, &ev->start_mark);
    if (!n || !count_nodes(L, 1, &ev->start_mark))
        return;
    frame *f = &L->stack[L->depth++];
    memset(f, 0, sizeof *f);
    f->node = n;
    f->size = 1;
    if (k == DP_N_MAP) {
        f->tag = ev->data.mapping_start.tag ? arena_str(L, ev->data.mapping_start.tag) : NULL;
        f->anchor = ev->data.mapping_start.anchor ? arena_str(L, ev->data.mapping_start.anchor) : NULL;
    } else {
        f->tag = ev->data.sequence_start.tag ? arena_str(L, ev->data.sequence_start.tag) : NULL;
        f->anchor = ev->data.sequence_start.anchor ? arena_str(L, ev->data.sequence_start.anchor) : NULL;
    }
}

/* Builds the pairs of a finished mapping, reporting non-scalar and duplicate keys. */
static bool finish_map(loader *L, frame *f)
{
    dp_node *m = f->node;
    size_t npairs = f->n / 2;
    m->pairs = dp_arena_alloc(L->doc->arena, (npairs ? npairs : 1) * sizeof *m->pairs);
    if (!m->pairs) {
        oom(L);
        return false;
    }
    dp_strmap seen;
    dp_strmap_init(&seen);
    bool big = npairs > 16;
    size_t out = 0;
    for (size_t i = 0; i + 1 < f->n; i += 2) {
        dp_node *k = f->kids[i], *v = f->kids[i + 1];
        if (k->kind != DP_N_SCALAR) {
            err_at(L, k->line, k->col, "mapping keys must be strings, not %s", dp_node_kind_word(k));
            continue;
        }
        bool dup = false;
        if (big) {
            dup = dp_strmap_get(&seen, k->str, NULL);
            if (!dup && dp_strmap_put(&seen, k->str, k)) {
                oom(L);
                break;
            }
        } else {
            for (size_t j = 0; j < out && !dup; j++)
                dup = !strcmp(m->pairs[j].key, k->str);
        }
        if (dup) {
            err_at(L, k->line, k->col, "duplicate key \"%s\"", k->str);
            continue;
        }
        m->pairs[out].key = k->str;
        m->pairs[out].line = k->line;
        m->pairs[out].col = k->col;
        m->pairs[out].value = v;
        out++;
    }
    dp_strmap_cleanup(&seen);
    m->n = out;
    return !L->fatal;
}

static void on_end(loader *L)
{
    if (L->depth <= 0)
        return;
    frame *f = &L->stack[--L->depth];
    dp_node *n = f->node;
    bool ok = true;
    if (n->kind == DP_N_MAP) {
        ok = finish_map(L, f);
    } else {
        n->items = dp_arena_alloc(L->doc->arena, (f->n ? f->n : 1) * sizeof *n->items);
        if (!n->items) {
            oom(L);
            ok = false;
        } else {
            if (f->n)
                memcpy(n->items, f->kids, f->n * sizeof *n->items);
            n->n = f->n;
        }
    }
    free(f->kids);
    f->kids = NULL;
    if (!ok)
        return;
    dp_node *r = apply_tag(L, f->tag, n);
    if (!r)
        return;
    remember_anchor(L, f->anchor, r, f->size);
    attach(L, r, f->size);
}

static void on_alias(loader *L, yaml_event_t *ev)
{
    const char *name = (const char *)ev->data.alias.anchor;
    int line = (int)ev->start_mark.line + 1, col = (int)ev->start_mark.column + 1;
    void *v = NULL;
    if (!dp_strmap_get(&L->anchors, name, &v)) {
        err_at(L, line, col, "alias *%s refers to an unknown anchor", name);
        L->fatal = true;
        return;
    }
    if (++L->aliases > DP_LOAD_MAX_ALIASES) {
        err_at(L, line, col, "too many aliases (limit %d)", DP_LOAD_MAX_ALIASES);
        L->fatal = true;
        return;
    }
    anchor_ent *a = v;
    if (!count_nodes(L, a->size, &ev->start_mark))
        return;
    attach(L, a->node, a->size);
}

static void cleanup_stack(loader *L)
{
    while (L->depth > 0)
        free(L->stack[--L->depth].kids);
}

dp_doc *dp_load_buf(const char *file, const char *data, size_t len, dp_diags *d)
{
    dp_doc *doc = calloc(1, sizeof *doc);
    if (!doc || !(doc->arena = dp_arena_new())) {
        free(doc);
        dp_diags_add(d, DP_DIAG_ERROR, file, 0, 0, "out of memory");
        return NULL;
    }
    doc->file = dp_arena_strndup(doc->arena, file, strlen(file));
    if (!doc->file) {
        dp_doc_free(doc);
        dp_diags_add(d, DP_DIAG_ERROR, file, 0, 0, "out of memory");
        return NULL;
    }
    if (len > DP_LOAD_MAX_BYTES) {
        dp_diags_add(d, DP_DIAG_ERROR, file, 0, 0, "template is larger than %zu MiB (%zu bytes)",
                     DP_LOAD_MAX_BYTES >> 20, len);
        dp_doc_free(doc);
        return NULL;
    }
    loader L;
    memset(&L, 0, sizeof L);
    L.doc = doc;
    L.d = d;
    dp_strmap_init(&L.anchors);
    yaml_parser_t p;
    if (!yaml_parser_initialize(&p)) {
        dp_strmap_cleanup(&L.anchors);
        dp_doc_free(doc);
        dp_diags_add(d, DP_DIAG_ERROR, file, 0, 0, "out of memory");
        return NULL;
    }
    yaml_parser_set_input_string(&p, (const unsigned char *)data, len);
    int docs = 0;
    bool done = false;
    while (!done && !L.fatal) {
        yaml_event_t ev;
        if (!yaml_parser_parse(&p, &ev)) {
            char msg[512];
            if (p.context)
                snprintf(msg, sizeof msg, "%s %s", p.problem ? p.problem : "syntax error", p.context);
            else
                snprintf(msg, sizeof msg, "%s", p.problem ? p.problem : "syntax error");
            err_at(&L, (int)p.problem_mark.line + 1, (int)p.problem_mark.column + 1,
                   "YAML syntax error: %s", msg);
            L.fatal = true;
            break;
        }
        switch (ev.type) {
        case YAML_DOCUMENT_START_EVENT:
            if (++docs > 1) {
                err_at(&L, (int)ev.start_mark.line + 1, (int)ev.start_mark.column + 1,
                       "a template must be a single YAML document");
                L.fatal = true;
            }
            break;
        case YAML_SCALAR_EVENT:
            on_scalar(&L, &ev);
            break;
        case YAML_SEQUENCE_START_EVENT:
            on_start(&L, &ev, DP_N_SEQ);
            break;
        case YAML_MAPPING_START_EVENT:
            on_start(&L, &ev, DP_N_MAP);
            break;
        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT:
            on_end(&L);
            break;
        case YAML_ALIAS_EVENT:
            on_alias(&L, &ev);
            break;
        case YAML_STREAM_END_EVENT:
            done = true;
            break;
        default:
            break;
        }
        yaml_event_delete(&ev);
    }
    yaml_parser_delete(&p);
    cleanup_stack(&L);
    dp_strmap_cleanup(&L.anchors);
    if (L.fatal) {
        dp_doc_free(doc);
        return NULL;
    }
    doc->root = L.root;
    return doc;
}

dp_doc *dp_load_file(const char *path, dp_diags *d)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        dp_diags_add(d, DP_DIAG_ERROR, path, 0, 0, "cannot open: %s", strerror(errno));
        return NULL;
    }
    struct stat st;
    if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
        fclose(f);
        dp_diags_add(d, DP_DIAG_ERROR, path, 0, 0, "cannot read: is a directory");
        return NULL;
    }
    /* Read at most one byte past the limit: enough to know the file is too big. */
    size_t cap = DP_LOAD_MAX_BYTES + 1;
    char *buf = malloc(cap);
    if (!buf) {
        fclose(f);
        dp_diags_add(d, DP_DIAG_ERROR, path, 0, 0, "out of memory");
        return NULL;
    }
    size_t len = fread(buf, 1, cap, f);
    int rerr = ferror(f);
    fclose(f);
    if (rerr) {
        free(buf);
        dp_diags_add(d, DP_DIAG_ERROR, path, 0, 0, "cannot read: I/O error");
        return NULL;
    }
    if (len > DP_LOAD_MAX_BYTES) {
        free(buf);
        dp_diags_add(d, DP_DIAG_ERROR, path, 0, 0, "template is larger than %zu MiB",
                     DP_LOAD_MAX_BYTES >> 20);
        return NULL;
    }
    dp_doc *doc = dp_load_buf(path, buf, len, d);
    free(buf);
    return doc;
}
