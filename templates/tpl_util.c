/* tpl_util.c - small helpers shared by the template files: logical-id rules, suggestions. */
#include <stdlib.h>
#include <string.h>

#include "templates/tpl_internal.h"

bool dp_tpl_valid_id(const char *s)
{
    size_t n = 0;
    for (; s[n]; n++) {
        char c = s[n];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')))
            return false;
    }
    return n > 0 && n <= 255;
}

const char *dp_tpl_suggest_map(const dp_strmap *m, const char *word)
{
    if (!m->count)
        return NULL;
    const char **c = malloc(m->count * sizeof *c);
    if (!c)
        return NULL;
    size_t k = 0;
    for (size_t i = 0; i < m->cap; i++)
        if (m->keys[i])
            c[k++] = m->keys[i];
    const char *s = dp_suggest(word, c, k);
    free(c);
    return s;
}
