/* value.c - secret/unknown markers, marker-aware copies and canonical JSON. */
#include "templates/value.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const cJSON *marker(const cJSON *v, const char *key)
{
    if (!cJSON_IsObject(v) || !v->child || v->child->next || !v->child->string)
        return NULL;
    return strcmp(v->child->string, key) ? NULL : v->child;
}

bool dp_value_is_secret(const cJSON *v) { return marker(v, DP_MARK_SECRET) != NULL; }

bool dp_value_is_unknown(const cJSON *v)
{
    const cJSON *m = marker(v, DP_MARK_UNKNOWN);
    return m && cJSON_IsString(m);
}

const cJSON *dp_value_secret_inner(const cJSON *v) { return marker(v, DP_MARK_SECRET); }

const char *dp_value_unknown_name(const cJSON *v)
{
    const cJSON *m = marker(v, DP_MARK_UNKNOWN);
    return m && cJSON_IsString(m) ? m->valuestring : NULL;
}

cJSON *dp_value_secret_any(cJSON *inner)
{
    if (!inner || dp_value_is_secret(inner))
        return inner;
    cJSON *o = cJSON_CreateObject();
    if (!o || !cJSON_AddItemToObject(o, DP_MARK_SECRET, inner)) {
        cJSON_Delete(o);
        cJSON_Delete(inner);
        return NULL;
    }
    return o;
}

cJSON *dp_value_secret(cJSON *inner)
{
    return dp_value_is_unknown(inner) ? inner : dp_value_secret_any(inner);
}

cJSON *dp_value_unknown(const char *what)
{
    cJSON *o = cJSON_CreateObject();
    if (o && !cJSON_AddStringToObject(o, DP_MARK_UNKNOWN, what)) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

const cJSON *dp_value_find_unknown(const cJSON *v)
{
    if (!v)
        return NULL;
    if (dp_value_is_unknown(v))
        return v;
    if (cJSON_IsArray(v) || cJSON_IsObject(v))
        for (const cJSON *c = v->child; c; c = c->next) {
            const cJSON *u = dp_value_find_unknown(c);
            if (u)
                return u;
        }
    return NULL;
}

bool dp_value_contains_unknown(const cJSON *v) { return dp_value_find_unknown(v) != NULL; }

bool dp_value_contains_secret(const cJSON *v)
{
    if (!v)
        return false;
    if (dp_value_is_secret(v))
        return true;
    if (cJSON_IsArray(v) || cJSON_IsObject(v))
        for (const cJSON *c = v->child; c; c = c->next)
            if (dp_value_contains_secret(c))
                return true;
    return false;
}

/* mode 0: strip (unwrap secrets, fail on unknown); mode 1: redact. */
static cJSON *copy(const cJSON *v, int mode, dp_err *e)
{
    if (dp_value_is_secret(v)) {
        if (mode == 1 && dp_value_is_unknown(dp_value_secret_inner(v)))
            return cJSON_Duplicate(v, 1);
        if (mode == 1)
            return dp_value_secret(cJSON_CreateString("***"));
        return copy(dp_value_secret_inner(v), mode, e);
    }
    if (mode == 0 && dp_value_is_unknown(v)) {
        dp_err_set(e, DP_E_INPUT, "value of %s is not known yet", dp_value_unknown_name(v));
        return NULL;
    }
    if (!cJSON_IsArray(v) && !cJSON_IsObject(v)) {
        cJSON *c = cJSON_Duplicate(v, 0);
        if (!c)
            dp_err_set(e, DP_E_NOMEM, "out of memory");
        return c;
    }
    cJSON *out = cJSON_IsArray(v) ? cJSON_CreateArray() : cJSON_CreateObject();
    if (!out) {
        dp_err_set(e, DP_E_NOMEM, "out of memory");
        return NULL;
    }
    for (const cJSON *c = v->child; c; c = c->next) {
        cJSON *cc = copy(c, mode, e);
        if (!cc) {
            cJSON_Delete(out);
            return NULL;
        }
        if (cJSON_IsArray(v))
            cJSON_AddItemToArray(out, cc);
        else
            cJSON_AddItemToObject(out, c->string, cc);
    }
    return out;
}

cJSON *dp_value_strip(const cJSON *v, dp_err *e)
{
    if (!v) {
        dp_err_set(e, DP_E_INTERNAL, "no value");
        return NULL;
    }
    return copy(v, 0, e);
}

cJSON *dp_value_redact(const cJSON *v) { return v ? copy(v, 1, NULL) : NULL; }

cJSON *dp_value_number(double d, const char *text)
{
    cJSON *n = cJSON_CreateNumber(d);
    if (n && text) {
        /* cJSON frees and duplicates valuestring for every item type. */
        n->valuestring = strdup(text);
        if (!n->valuestring) {
            cJSON_Delete(n);
            return NULL;
        }
    }
    return n;
}

const char *dp_value_number_text(const cJSON *v)
{
    return cJSON_IsNumber(v) ? v->valuestring : NULL;
}

int dp_value_scalar_string(const cJSON *v, dp_buf *out)
{
    if (cJSON_IsString(v))
        return dp_buf_puts(out, v->valuestring);
    if (cJSON_IsBool(v))
        return dp_buf_puts(out, cJSON_IsTrue(v) ? "true" : "false");
    if (cJSON_IsNumber(v)) {
        if (v->valuestring)
            return dp_buf_puts(out, v->valuestring);
        double d = v->valuedouble;
        if (d == floor(d) && fabs(d) < 1e15)
            return dp_buf_printf(out, "%.0f", d);
        return dp_buf_printf(out, "%.17g", d);
    }
    return -1;
}

