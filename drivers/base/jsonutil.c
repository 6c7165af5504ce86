/* jsonutil.c - the small cJSON reads and the canonical JSON form every module uses (see jsonutil.h). */
#include "drivers/base/jsonutil.h"

#include <stdlib.h>
#include <string.h>

const char *dp_json_str(const cJSON *o, const char *key)
{
    const cJSON *v = o ? cJSON_GetObjectItemCaseSensitive(o, key) : NULL;
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

const char *dp_json_nonempty_str(const cJSON *o, const char *key)
{
    const char *s = dp_json_str(o, key);
    return s && s[0] ? s : NULL;
}

/* One member to sort: its name, and its place before sorting (so equal names keep it). */
typedef struct member {
    const cJSON *item;
    size_t at;
} member;

static int member_cmp(const void *a, const void *b)
{
    const member *x = a, *y = b;
    int c = strcmp(x->item->string ? x->item->string : "", y->item->string ? y->item->string : "");
    return c ? c : (x->at > y->at) - (x->at < y->at);
}

cJSON *dp_json_sorted(const cJSON *v)
{
    if (!v)
        return NULL;
    if (!cJSON_IsArray(v) && !cJSON_IsObject(v))
        return cJSON_Duplicate(v, 0);
    size_t n = 0;
    for (const cJSON *c = v->child; c; c = c->next)
        n++;
    member *kids = malloc((n ? n : 1) * sizeof *kids);
    cJSON *out = cJSON_IsArray(v) ? cJSON_CreateArray() : cJSON_CreateObject();
    if (!kids || !out) {
        free(kids);
        cJSON_Delete(out);
        return NULL;
    }
    size_t i = 0;
    for (const cJSON *c = v->child; c; c = c->next, i++)
        kids[i] = (member){c, i};
    if (cJSON_IsObject(v))
        qsort(kids, n, sizeof *kids, member_cmp);
    for (i = 0; i < n; i++) {
        cJSON *cc = dp_json_sorted(kids[i].item);
        if (!cc) {
            free(kids);
            cJSON_Delete(out);
            return NULL;
        }
        if (cJSON_IsArray(v))
            cJSON_AddItemToArray(out, cc);
        else
            cJSON_AddItemToObject(out, kids[i].item->string, cc);
    }
    free(kids);
    return out;
}

char *dp_json_canonical(const cJSON *v)
{
    cJSON *s = dp_json_sorted(v);
    char *txt = s ? cJSON_PrintUnformatted(s) : NULL;
    cJSON_Delete(s);
    return txt;
}

char *dp_json_canonical_text(const char *text)
{
    cJSON *j = text ? cJSON_Parse(text) : NULL;
    char *out = j ? dp_json_canonical(j) : NULL;
    cJSON_Delete(j);
    return out;
}
