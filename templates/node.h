/* node.h - the positioned document tree the loader builds from YAML/JSON.
 *
 * Every node keeps the file position (1-based line:column) it came from. Nodes, strings and
 * arrays live in an arena owned by the dp_doc: dp_doc_free() releases everything at once, and
 * nodes are never freed one by one. Aliases share the anchored node (the tree is a DAG). */
#ifndef DP_TPL_NODE_H
#define DP_TPL_NODE_H
#include <stdbool.h>
#include <stddef.h>

typedef enum dp_node_kind { DP_N_SCALAR = 0, DP_N_MAP, DP_N_SEQ } dp_node_kind;

typedef struct dp_node dp_node;

typedef struct dp_pair {
    const char *key;   /* NUL-terminated, arena-owned */
    int line, col;     /* position of the key */
    dp_node *value;
} dp_pair;

struct dp_node {
    dp_node_kind kind;
    bool plain;        /* scalar written without quotes (may be a number, bool or null) */
    int line, col;
    const char *str;   /* scalar text, NUL-terminated ("" for empty) */
    size_t len;        /* scalar length in bytes */
    size_t n;          /* number of items (SEQ) or pairs (MAP) */
    dp_node **items;   /* SEQ */
    dp_pair *pairs;    /* MAP */
};

typedef struct dp_arena dp_arena;

typedef struct dp_doc {
    const char *file;  /* arena-owned copy of the file name used in diagnostics */
    dp_node *root;     /* NULL for an empty document */
    dp_arena *arena;
} dp_doc;

/* Arena: allocations are zeroed, 16-byte aligned, and freed with the arena. NULL on OOM. */
dp_arena *dp_arena_new(void);
void dp_arena_free(dp_arena *a);
void *dp_arena_alloc(dp_arena *a, size_t n);
char *dp_arena_strndup(dp_arena *a, const char *s, size_t n);
size_t dp_arena_used(const dp_arena *a);

void dp_doc_free(dp_doc *d);

/* Lookup helpers (NULL when absent / wrong kind). Linear: documents keep maps small except the
 * top-level sections, which the model indexes itself. */
const dp_node *dp_node_get(const dp_node *map, const char *key);
const dp_pair *dp_node_get_pair(const dp_node *map, const char *key);
bool dp_node_is_str(const dp_node *n); /* scalar */
/* When n is a single-key mapping whose key is "Ref", "Condition" or starts with "Fn::",
 * returns that key (the intrinsic function name) and its argument in *arg. */
const char *dp_node_intrinsic(const dp_node *n, const dp_node **arg);
/* YAML core-schema reading of a plain scalar. */
bool dp_node_is_null(const dp_node *n);
bool dp_node_is_bool(const dp_node *n, bool *value);
bool dp_node_is_number(const dp_node *n, double *value);
bool dp_node_is_integer(const dp_node *n, long long *value);
/* Human word for diagnostics: "a mapping", "a list", "a string", ... */
const char *dp_node_kind_word(const dp_node *n);

#endif
