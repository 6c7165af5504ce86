/* test_schema_dump.c - prints the compiled schema tables as JSON for tests/schema/check_schemas.py.
 * Not a unit test by itself (test_schema_dump.cmake registers no case); run by
 * tests/integration/test_schema_faithful.sh. */
#include <cJSON.h>
#include <stdio.h>
#include <stdlib.h>

#include "templates/schema.h"

static const char *kind_name(dp_schema_kind k) {
    switch (k) {
    case DP_SK_ANY: return "any";
    case DP_SK_STRING: return "string";
    case DP_SK_INTEGER: return "integer";
    case DP_SK_NUMBER: return "number";
    case DP_SK_BOOLEAN: return "boolean";
    case DP_SK_OBJECT: return "object";
    case DP_SK_ARRAY: return "array";
    case DP_SK_JSON: return "json";
    }
    return "invalid";
}

static const struct {
    unsigned bit;
    const char *name;
} FLAGS[] = {
    {DP_SP_REQUIRED, "required"},       {DP_SP_CREATE_ONLY, "create_only"},
    {DP_SP_SECRET, "secret"},           {DP_SP_WRITE_ONLY, "write_only"},
    {DP_SP_TAGS, "tags"},               {DP_SP_SECURE_REF_OK, "secure_ref_ok"},
    {DP_SP_COND_CREATE_ONLY, "cond_create_only"},
};

/* NULL-terminated list -> JSON array (null for a NULL list). */
static cJSON *str_list(const char *const *l) {
    if (!l)
        return cJSON_CreateNull();
    cJSON *a = cJSON_CreateArray();
    for (; a && *l; l++)
        cJSON_AddItemToArray(a, cJSON_CreateString(*l));
    return a;
}

static cJSON *object_json(const dp_schema_object *o) {
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "name", o->name);
    cJSON_AddBoolToObject(j, "additional", o->additional);
    cJSON *props = cJSON_AddArrayToObject(j, "props");
    for (size_t i = 0; i < o->nprops; i++) {
        const dp_schema_prop *p = &o->props[i];
        cJSON *pj = cJSON_CreateObject();
        cJSON_AddStringToObject(pj, "name", p->name);
        cJSON_AddStringToObject(pj, "kind", kind_name(p->kind));
        cJSON_AddStringToObject(pj, "item_kind", kind_name(p->item_kind));
        cJSON *flags = cJSON_AddArrayToObject(pj, "flags");
        unsigned known = 0;
        for (size_t f = 0; f < sizeof FLAGS / sizeof FLAGS[0]; f++) {
            known |= FLAGS[f].bit;
            if (p->flags & FLAGS[f].bit)
                cJSON_AddItemToArray(flags, cJSON_CreateString(FLAGS[f].name));
        }
        if (p->flags & ~known)
            cJSON_AddItemToArray(flags, cJSON_CreateString("unknown"));
        cJSON_AddItemToObject(pj, "allowed", str_list(p->allowed));
        cJSON_AddNumberToObject(pj, "min_length", (double)p->min_length);
        cJSON_AddNumberToObject(pj, "max_length", (double)p->max_length);
        if (p->pattern)
            cJSON_AddStringToObject(pj, "pattern", p->pattern);
        else
            cJSON_AddNullToObject(pj, "pattern");
        if (p->object)
            cJSON_AddItemToObject(pj, "object", object_json(p->object));
        else
            cJSON_AddNullToObject(pj, "object");
        cJSON_AddItemToArray(props, pj);
    }
    return j;
}

int main(void) {
    size_t n = 0;
    const dp_schema_type *const *all = dp_schema_all(&n);
    cJSON *root = cJSON_CreateObject();
    cJSON *types = cJSON_AddArrayToObject(root, "types");
    for (size_t i = 0; i < n; i++) {
        const dp_schema_type *t = all[i];
        cJSON *tj = cJSON_CreateObject();
        cJSON_AddStringToObject(tj, "type", t->type);
        cJSON_AddBoolToObject(tj, "taggable", t->taggable);
        cJSON_AddItemToObject(tj, "attributes", str_list(t->attributes));
        cJSON_AddItemToObject(tj, "primary_id", str_list(t->primary_id));
        cJSON_AddItemToObject(tj, "create_only_paths", str_list(t->create_only_paths));
        cJSON_AddItemToObject(tj, "root", object_json(t->root));
        cJSON_AddItemToArray(types, tj);
    }
    char *text = cJSON_PrintUnformatted(root);
    cJSON_Delete(root);
    if (!text) {
        fprintf(stderr, "test_schema_dump: out of memory\n");
        return 1;
    }
    puts(text);
    cJSON_free(text);
    return 0;
}
