/* strmap.h - a small open-addressing hash map from strings to pointers (indexes for the
 * template's sections, anchors and caches).
 *
 * Ownership: keys are borrowed (they must outlive the map; template keys live in the
 * document arena); values are borrowed unless the owner frees them itself. */
#ifndef DP_TPL_STRMAP_H
#define DP_TPL_STRMAP_H
#include <stdbool.h>
#include <stddef.h>

typedef struct dp_strmap {
    const char **keys;
    void **vals;
    size_t cap, count;
} dp_strmap;

void dp_strmap_init(dp_strmap *m);
void dp_strmap_cleanup(dp_strmap *m);
/* Inserts or replaces. Returns 0, -1 on OOM. */
int dp_strmap_put(dp_strmap *m, const char *key, void *val);
/* true when present (its value in *val when val is non-NULL). */
bool dp_strmap_get(const dp_strmap *m, const char *key, void **val);
/* Iteration: for (size_t i = 0; i < m->cap; i++) if (m->keys && m->keys[i]) ... */

#endif
