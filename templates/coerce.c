/* coerce.c - resolved values shaped by the schema: "5" for an Integer property becomes 5,
 * 8.0 for a String property stays "8.0", JSON documents become canonical JSON strings. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "templates/tpl_internal.h"

static cJSON *coerce_json(cJSON *v)
{
    const cJSON *u = dp_value_find_unknown(v);
    if (u) {
        cJSON *r = cJSON_Duplicate(u, 1);
        if (dp_value_contains_secret(v))
            r = dp_value_secret_any(r);
        cJSON_Delete(v);
        return r;
    }
    bool secret = dp_value_contains_secret(v);
    cJSON *plain = dp_value_strip(v, NULL);
    cJSON_Delete(v);
    if (!plain)
        return NULL;
    cJSON *doc = plain;
    if (cJSON_IsString(plain)) {
        doc = cJSON_Parse(plain->valuestring);
        if (!doc) /* validation reported it; keep the text */
            return secret ? dp_value_secret(plain) : plain;
        cJSON_Delete(plain);
    }
    char *txt = dp_json_canonical(doc);
    cJSON_Delete(doc);
    if (!txt)
        return NULL;
    cJSON *s = cJSON_CreateString(txt);
    free(txt);
    return secret ? dp_value_secret(s) : s;
}

cJSON *dp_tpl_coerce(const dp_schema_prop *p, cJSON *v)
{
    if (!v || !p || dp_value_is_unknown(v))
        return v;
    if (p->kind == DP_SK_JSON)
        return coerce_json(v);
    if (dp_value_is_secret(v)) {
        cJSON *inner = cJSON_DetachItemViaPointer(v, v->child);
        cJSON_Delete(v);
        return dp_value_secret_any(dp_tpl_coerce(p, inner)); /* a secret unknown stays secret */
    }
    switch (p->kind) {
    case DP_SK_STRING:
        if (cJSON_IsNumber(v) || cJSON_IsBool(v)) {
            dp_buf b;
            dp_buf_init(&b, 0);
            cJSON *s = NULL;
            if (!dp_value_scalar_string(v, &b))
                s = cJSON_CreateString(dp_buf_str(&b));
            dp_buf_cleanup(&b);
            if (s) {
                cJSON_Delete(v);
                return s;
            }
        }
        return v;
    case DP_SK_INTEGER:
    case DP_SK_NUMBER:
        if (cJSON_IsString(v) && v->valuestring[0]) {
            errno = 0;
            char *end = NULL;
            double d = strtod(v->valuestring, &end);
            if (!errno && end && !*end) {
                cJSON *n = dp_value_number(d, v->valuestring);
                if (n) {
                    cJSON_Delete(v);
                    return n;
                }
            }
        }
        return v;
    case DP_SK_BOOLEAN:
        if (cJSON_IsString(v) && (!strcasecmp(v->valuestring, "true") || !strcasecmp(v->valuestring, "false"))) {
            cJSON *b = cJSON_CreateBool(!strcasecmp(v->valuestring, "true"));
            if (b) {
                cJSON_Delete(v);
                return b;
            }
        }
        return v;
    case DP_SK_OBJECT:
        return p->object && cJSON_IsObject(v) ? dp_tpl_coerce_object(p->object, v) : v;
    case DP_SK_ARRAY:
        if (cJSON_IsArray(v)) {
            dp_schema_prop item = {p->name, p->item_kind, DP_SK_ANY, p->object, 0, NULL, -1, -1, NULL};
            if (p->item_kind == DP_SK_ANY && p->object)
                item.kind = DP_SK_OBJECT;
            cJSON *out = cJSON_CreateArray();
            if (!out)
                return v;
            while (v->child) {
                cJSON *c = cJSON_DetachItemViaPointer(v, v->child);
                cJSON_AddItemToArray(out, dp_tpl_coerce(&item, c));
            }
            cJSON_Delete(v);
            return out;
        }
        return v;
    default:
        return v;
    }
}

cJSON *dp_tpl_coerce_object(const dp_schema_object *obj, cJSON *v)
{
    if (!obj || !cJSON_IsObject(v) || dp_value_is_unknown(v) || dp_value_is_secret(v))
        return v;
    cJSON *out = cJSON_CreateObject();
    if (!out)
        return v;
    while (v->child) {
        cJSON *c = cJSON_DetachItemViaPointer(v, v->child);
        char *key = c->string;
        const dp_schema_prop *p = dp_schema_find_prop(obj, key);
        c->string = NULL;
        cJSON *nc = p ? dp_tpl_coerce(p, c) : c;
        if (nc)
            cJSON_AddItemToObject(out, key, nc); /* copies the key */
        free(key);
    }
    cJSON_Delete(v);
    return out;
}
