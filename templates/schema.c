/* schema.c - lookups over the generated resource-type tables, and "did you mean" suggestions. */
#include "templates/schema.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* Defined in the generated schema_data.c. */
extern const dp_schema_type *const dp_schema_table[];
extern const size_t dp_schema_table_len;

const dp_schema_type *dp_schema_find(const char *type) {
    if (!type)
        return NULL;
    for (size_t i = 0; i < dp_schema_table_len; i++)
        if (strcmp(dp_schema_table[i]->type, type) == 0)
            return dp_schema_table[i];
    return NULL;
}

const dp_schema_type *const *dp_schema_all(size_t *n) {
    if (n)
        *n = dp_schema_table_len;
    return dp_schema_table;
}

/* The generator sorts every object's properties by strcmp, so a binary search suffices. */
const dp_schema_prop *dp_schema_find_prop(const dp_schema_object *obj, const char *name) {
    if (!obj || !name)
        return NULL;
    size_t lo = 0, hi = obj->nprops;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(obj->props[mid].name, name);
        if (c == 0)
            return &obj->props[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

bool dp_schema_has_attribute(const dp_schema_type *t, const char *attr) {
    if (!t || !attr || !t->attributes)
        return false;
    for (const char *const *a = t->attributes; *a; a++)
        if (strcmp(*a, attr) == 0)
            return true;
    return false;
}

/* Case-insensitive optimal-string-alignment distance (Levenshtein plus adjacent swaps), kept
 * in three rolling rows. Gives up (returns limit + 1) once two consecutive rows exceed limit:
 * a swap can skip one row, never two. Returns -1 when memory runs out. */
static long edit_distance(const char *a, size_t n, const char *b, size_t m, long limit) {
    long *rows = malloc(3 * (m + 1) * sizeof *rows);
    if (!rows)
        return -1;
    long *prev2 = rows, *prev = rows + (m + 1), *cur = rows + 2 * (m + 1);
    for (size_t j = 0; j <= m; j++)
        prev[j] = (long)j;
    long prev_min = 0;
    for (size_t i = 1; i <= n; i++) {
        int ca = tolower((unsigned char)a[i - 1]);
        long row_min;
        cur[0] = (long)i;
        row_min = cur[0];
        for (size_t j = 1; j <= m; j++) {
            int cb = tolower((unsigned char)b[j - 1]);
            long best = prev[j - 1] + (ca != cb);
            if (prev[j] + 1 < best)
                best = prev[j] + 1;
            if (cur[j - 1] + 1 < best)
                best = cur[j - 1] + 1;
            if (i > 1 && j > 1 && ca == tolower((unsigned char)b[j - 2]) &&
                tolower((unsigned char)a[i - 2]) == cb && prev2[j - 2] + 1 < best)
                best = prev2[j - 2] + 1;
            cur[j] = best;
            if (best < row_min)
                row_min = best;
        }
        if (row_min > limit && prev_min > limit) {
            free(rows);
            return limit + 1;
        }
        prev_min = row_min;
        long *t = prev2;
        prev2 = prev;
        prev = cur;
        cur = t;
    }
    long d = prev[m];
    free(rows);
    return d;
}

const char *dp_suggest(const char *word, const char *const *cands, size_t n) {
    if (!word || !cands || !*word)
        return NULL;
    size_t wlen = strlen(word);
    /* A plausible typo: a couple of edits, or about a third of a long word. */
    long limit = (long)(wlen / 3) > 2 ? (long)(wlen / 3) : 2;
    const char *best = NULL;
    long best_d = limit + 1;
    for (size_t i = 0; i < n; i++) {
        if (!cands[i])
            continue;
        size_t clen = strlen(cands[i]);
        size_t diff = clen > wlen ? clen - wlen : wlen - clen;
        if ((long)diff >= best_d)
            continue; /* the length difference alone is already too far */
        long d = edit_distance(word, wlen, cands[i], clen, best_d - 1);
        if (d < 0)
            return NULL;
        if (d < best_d) {
            best_d = d;
            best = cands[i];
        }
    }
    return best;
}
