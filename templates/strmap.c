/* strmap.c - open-addressing (linear probing) string hash map. */
#include "templates/strmap.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

void dp_strmap_init(dp_strmap *m) { memset(m, 0, sizeof *m); }

void dp_strmap_cleanup(dp_strmap *m)
{
    free(m->keys);
    free(m->vals);
    memset(m, 0, sizeof *m);
}

/* FNV-1a: fast, and these keys are logical ids, not attacker-chosen collisions that matter. */
static size_t hash(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ull;
    }
    return (size_t)h;
}

static int grow(dp_strmap *m)
{
    size_t ncap = m->cap ? m->cap * 2 : 16;
    const char **nk = calloc(ncap, sizeof *nk);
    void **nv = calloc(ncap, sizeof *nv);
    if (!nk || !nv) {
        free(nk);
        free(nv);
        return -1;
    }
    for (size_t i = 0; i < m->cap; i++) {
        if (!m->keys[i])
            continue;
        size_t j = hash(m->keys[i]) & (ncap - 1);
        while (nk[j])
            j = (j + 1) & (ncap - 1);
        nk[j] = m->keys[i];
        nv[j] = m->vals[i];
    }
    free(m->keys);
    free(m->vals);
    m->keys = nk;
    m->vals = nv;
    m->cap = ncap;
    return 0;
}

int dp_strmap_put(dp_strmap *m, const char *key, void *val)
{
    if ((m->count + 1) * 4 > m->cap * 3 && grow(m))
        return -1;
    size_t j = hash(key) & (m->cap - 1);
    while (m->keys[j]) {
        if (!strcmp(m->keys[j], key)) {
            m->vals[j] = val;
            return 0;
        }
        j = (j + 1) & (m->cap - 1);
    }
    m->keys[j] = key;
    m->vals[j] = val;
    m->count++;
    return 0;
}

bool dp_strmap_get(const dp_strmap *m, const char *key, void **val)
{
    if (!m->cap)
        return false;
    size_t j = hash(key) & (m->cap - 1);
    while (m->keys[j]) {
        if (!strcmp(m->keys[j], key)) {
            if (val)
                *val = m->vals[j];
            return true;
        }
        j = (j + 1) & (m->cap - 1);
    }
    return false;
}
