/* node.c - arena allocation and lookups for the positioned document tree. */
#include "templates/node.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define ARENA_CHUNK ((size_t)64 * 1024)

typedef struct chunk {
    struct chunk *next;
    size_t used, cap;
    _Alignas(16) unsigned char data[];
} chunk;

struct dp_arena {
    chunk *head;
    size_t total;
};

dp_arena *dp_arena_new(void) { return calloc(1, sizeof(dp_arena)); }

void dp_arena_free(dp_arena *a)
{
    if (!a)
        return;
    chunk *c = a->head;
    while (c) {
        chunk *next = c->next;
        free(c);
        c = next;
    }
    free(a);
}

void *dp_arena_alloc(dp_arena *a, size_t n)
{
    n = (n + 15) & ~(size_t)15;
    if (!n)
        n = 16;
    chunk *c = a->head;
    if (!c || c->cap - c->used < n) {
        /* Big requests get their own chunk so the current one keeps serving small ones. */
        size_t cap = n > ARENA_CHUNK / 4 ? n : ARENA_CHUNK;
        chunk *nc = malloc(sizeof(chunk) + cap);
        if (!nc)
            return NULL;
        nc->used = 0;
        nc->cap = cap;
        if (c && cap != ARENA_CHUNK) {
            nc->next = c->next;
            c->next = nc;
        } else {
            nc->next = c;
            a->head = nc;
        }
        c = nc;
    }
    void *p = c->data + c->used;
    c->used += n;
    a->total += n;
    memset(p, 0, n);
    return p;
}

char *dp_arena_strndup(dp_arena *a, const char *s, size_t n)
{
    char *p = dp_arena_alloc(a, n + 1);
    if (p && n)
        memcpy(p, s, n);
    return p;
}

size_t dp_arena_used(const dp_arena *a) { return a ? a->total : 0; }

void dp_doc_free(dp_doc *d)
{
    if (!d)
        return;
    dp_arena_free(d->arena);
    free(d);
}

const dp_pair *dp_node_get_pair(const dp_node *map, const char *key)
{
    if (!map || map->kind != DP_N_MAP)
        return NULL;
    for (size_t i = 0; i < map->n; i++)
        if (!strcmp(map->pairs[i].key, key))
            return &map->pairs[i];
    return NULL;
}

const dp_node *dp_node_get(const dp_node *map, const char *key)
{
    const dp_pair *p = dp_node_get_pair(map, key);
    return p ? p->value : NULL;
}

bool dp_node_is_str(const dp_node *n) { return n && n->kind == DP_N_SCALAR; }

const char *dp_node_intrinsic(const dp_node *n, const dp_node **arg)
{
    if (!n || n->kind != DP_N_MAP || n->n != 1)
        return NULL;
    const char *k = n->pairs[0].key;
    if (!strcmp(k, "Ref") || !strcmp(k, "Condition") || !strncmp(k, "Fn::", 4)) {
        if (arg)
            *arg = n->pairs[0].value;
        return k;
    }
    return NULL;
}

bool dp_node_is_null(const dp_node *n)
{
    if (!n || n->kind != DP_N_SCALAR || !n->plain)
        return false;
    return !n->len || !strcmp(n->str, "~") || !strcmp(n->str, "null") ||
           !strcmp(n->str, "Null") || !strcmp(n->str, "NULL");
}

bool dp_node_is_bool(const dp_node *n, bool *value)
{
    if (!n || n->kind != DP_N_SCALAR || !n->plain)
        return false;
    static const char *const t[] = {"true", "True", "TRUE"}, *const f[] = {"false", "False", "FALSE"};
    for (int i = 0; i < 3; i++) {
        if (!strcmp(n->str, t[i])) {
            if (value)
                *value = true;
            return true;
        }
        if (!strcmp(n->str, f[i])) {
            if (value)
                *value = false;
            return true;
        }
    }
    return false;
}

/* JSON-style numbers only: a leading zero makes "0123" a string (account ids keep their
 * zeros), and hex/octal/inf/nan stay strings too. */
static bool number_syntax(const char *s, bool *is_int)
{
    const char *p = s;
    *is_int = true;
    if (*p == '-' || *p == '+')
        p++;
    if (!(*p >= '0' && *p <= '9'))
        return false;
    if (*p == '0' && p[1] >= '0' && p[1] <= '9')
        return false;
    while (*p >= '0' && *p <= '9')
        p++;
    if (*p == '.') {
        *is_int = false;
        p++;
        while (*p >= '0' && *p <= '9')
            p++;
    }
    if (*p == 'e' || *p == 'E') {
        *is_int = false;
        p++;
        if (*p == '-' || *p == '+')
            p++;
        if (!(*p >= '0' && *p <= '9'))
            return false;
        while (*p >= '0' && *p <= '9')
            p++;
    }
    return *p == '\0';
}

bool dp_node_is_number(const dp_node *n, double *value)
{
    bool is_int;
    if (!n || n->kind != DP_N_SCALAR || !n->plain || !number_syntax(n->str, &is_int))
        return false;
    errno = 0;
    char *end = NULL;
    double d = strtod(n->str, &end);
    if (errno || !end || *end || !isfinite(d))
        return false;
    if (value)
        *value = d;
    return true;
}

bool dp_node_is_integer(const dp_node *n, long long *value)
{
    bool is_int;
    if (!n || n->kind != DP_N_SCALAR || !n->plain || !number_syntax(n->str, &is_int) || !is_int)
        return false;
    errno = 0;
    char *end = NULL;
    long long v = strtoll(n->str, &end, 10);
    if (errno || !end || *end)
        return false;
    if (value)
        *value = v;
    return true;
}

const char *dp_node_kind_word(const dp_node *n)
{
    if (!n)
        return "nothing";
    switch (n->kind) {
    case DP_N_MAP:
        return "a mapping";
    case DP_N_SEQ:
        return "a list";
    default:
        break;
    }
    if (dp_node_is_null(n))
        return "null";
    if (dp_node_is_bool(n, NULL))
        return "a boolean";
    if (dp_node_is_number(n, NULL))
        return "a number";
    return "a string";
}
