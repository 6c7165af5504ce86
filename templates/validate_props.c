/* validate_props.c - a resource's Properties against its schema: unknown and required
 * properties, kinds, allowed values, lengths and patterns, JSON documents, and where
 * {{resolve:ssm-secure:…}} may appear. Works on the node tree so every error has its
 * position; intrinsic functions are evaluated and their results checked when known. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "drivers/base/num.h"
#include "templates/tpl_internal.h"

typedef struct vctx {
    dp_template *t;
    tpl_res *r;
    dp_eval ev;
} vctx;

static const char *kind_word(dp_schema_kind k)
{
    switch (k) {
    case DP_SK_STRING: return "a string";
    case DP_SK_INTEGER: return "an integer";
    case DP_SK_NUMBER: return "a number";
    case DP_SK_BOOLEAN: return "a boolean";
    case DP_SK_OBJECT: return "a mapping";
    case DP_SK_ARRAY: return "a list";
    case DP_SK_JSON: return "a JSON document (mapping or JSON string)";
    default: return "a value";
    }
}

static const char *json_word(const cJSON *v)
{
    if (cJSON_IsArray(v)) return "a list";
    if (cJSON_IsObject(v)) return "a mapping";
    if (cJSON_IsString(v)) return "a string";
    if (cJSON_IsBool(v)) return "a boolean";
    if (cJSON_IsNumber(v)) return "a number";
    return "null";
}

static void check_value(vctx *c, const dp_node *n, const dp_schema_prop *p, const char *path, bool secure_ok);

static bool int_text(const char *s)
{
    if (*s == '-' || *s == '+')
        s++;
    if (!*s)
        return false;
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return false;
    return true;
}

static bool num_text(const char *s)
{
    char *end = NULL;
    if (!*s)
        return false;
    (void)strtod(s, &end);
    return end && !*end;
}

static size_t utf8_len(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

/* A string value against allowed values, lengths and pattern. */
static void check_string(vctx *c, const dp_node *at, const char *s, const dp_schema_prop *p, const char *path)
{
    if (strstr(s, "{{resolve:"))
        return; /* the resolved value is checked by AWS */
    char q[300];
    if (p->flags & DP_SP_SECRET)
        snprintf(q, sizeof q, "the value");
    else
        snprintf(q, sizeof q, "\"%.280s\"", s);
    if (p->allowed) {
        size_t n = 0;
        bool ok = false;
        for (; p->allowed[n]; n++)
            ok |= !strcmp(p->allowed[n], s);
        if (!ok) {
            dp_buf list;
            dp_buf_init(&list, 8192);
            for (size_t i = 0; i < n; i++)
                dp_buf_printf(&list, "%s%s", i ? ", " : "", p->allowed[i]);
            const char *sug = (p->flags & DP_SP_SECRET) ? NULL : dp_suggest(s, p->allowed, n);
            if (sug)
                dp_eval_error(&c->ev, at, "property %s: %s is not one of [%s] (did you mean \"%s\"?)", path, q,
                              dp_buf_str(&list), sug);
            else
                dp_eval_error(&c->ev, at, "property %s: %s is not one of [%s]", path, q, dp_buf_str(&list));
            dp_buf_cleanup(&list);
            return;
        }
    }
    size_t len = utf8_len(s);
    if (p->min_length >= 0 && (long)len < p->min_length)
        dp_eval_error(&c->ev, at, "property %s: must be at least %ld characters long (got %zu)", path, p->min_length, len);
    else if (p->max_length >= 0 && (long)len > p->max_length)
        dp_eval_error(&c->ev, at, "property %s: must be at most %ld characters long (got %zu)", path, p->max_length, len);
    else if (p->pattern && dp_pattern_match(p->pattern, s, false) == 0)
        dp_eval_error(&c->ev, at, "property %s: %s does not match the pattern %s", path, q, p->pattern);
}

/* An evaluated value (from an intrinsic function) against the property's kind. */
static void check_json_value(vctx *c, const dp_node *at, const cJSON *v, const dp_schema_prop *p, const char *path)
{
    if (!v || dp_value_contains_unknown(v) || p->kind == DP_SK_ANY)
        return;
    bool secret = dp_value_contains_secret(v);
    if (dp_value_is_secret(v))
        v = dp_value_secret_inner(v);
    bool ok = true;
    switch (p->kind) {
    case DP_SK_STRING:
        ok = cJSON_IsString(v) || cJSON_IsNumber(v) || cJSON_IsBool(v);
        if (cJSON_IsString(v) && !secret) /* never echo a secret in a message */
            check_string(c, at, v->valuestring, p, path);
        break;
    case DP_SK_INTEGER:
        ok = (cJSON_IsNumber(v) && dp_double_is_integer(v->valuedouble)) ||
             (cJSON_IsString(v) && int_text(v->valuestring));
        break;
    case DP_SK_NUMBER:
        ok = cJSON_IsNumber(v) || (cJSON_IsString(v) && num_text(v->valuestring));
        break;
    case DP_SK_BOOLEAN:
        ok = cJSON_IsBool(v) || (cJSON_IsString(v) && (!strcasecmp(v->valuestring, "true") ||
                                                        !strcasecmp(v->valuestring, "false")));
        break;
    case DP_SK_OBJECT:
        ok = cJSON_IsObject(v);
        break;
    case DP_SK_ARRAY:
        ok = cJSON_IsArray(v);
        break;
    case DP_SK_JSON:
        ok = cJSON_IsObject(v) || cJSON_IsArray(v) || cJSON_IsString(v);
        break;
    default:
        break;
    }
    if (!ok)
        dp_eval_error(&c->ev, at, "property %s: expected %s, got %s", path, kind_word(p->kind), json_word(v));
}

static void check_object(vctx *c, const dp_node *n, const dp_schema_object *obj, const char *where,
                         const char *path, bool secure_ok, const dp_node *required_at)
{
    if (!obj)
        return;
    for (size_t i = 0; i < n->n; i++) {
        const dp_pair *kv = &n->pairs[i];
        const dp_schema_prop *p = dp_schema_find_prop(obj, kv->key);
        char sub[512];
        if (path[0])
            snprintf(sub, sizeof sub, "%s.%s", path, kv->key);
        else
            snprintf(sub, sizeof sub, "%s", kv->key);
        if (!p) {
            if (obj->additional)
                continue;
            const char **names = malloc((obj->nprops ? obj->nprops : 1) * sizeof *names);
            const char *s = NULL;
            if (names) {
                for (size_t j = 0; j < obj->nprops; j++)
                    names[j] = obj->props[j].name;
                s = dp_suggest(kv->key, names, obj->nprops);
            }
            dp_node at = {.line = kv->line, .col = kv->col};
            if (s)
                dp_eval_error(&c->ev, &at, "unknown property \"%s\" in %s (did you mean \"%s\"?)", kv->key, where, s);
            else
                dp_eval_error(&c->ev, &at, "unknown property \"%s\" in %s", kv->key, where);
            free(names);
            continue;
        }
        check_value(c, kv->value, p, sub, secure_ok || (p->flags & DP_SP_SECURE_REF_OK));
    }
    for (size_t j = 0; j < obj->nprops; j++) {
        const dp_schema_prop *p = &obj->props[j];
        if ((p->flags & DP_SP_REQUIRED) && !dp_node_get(n, p->name))
            dp_eval_error(&c->ev, required_at, "%s is missing required property \"%s\"", where, p->name);
    }
}

static void check_value(vctx *c, const dp_node *n, const dp_schema_prop *p, const char *path, bool secure_ok)
{
    const dp_node *arg = NULL;
    const char *fn = dp_node_intrinsic(n, &arg);
    if (fn && strcmp(fn, "Condition")) {
        size_t errors = c->t->d->errors;
        dp_dynref_scan(c->t, n, secure_ok);
        bool refs_ok = c->t->d->errors == errors;
        if (!strcmp(fn, "Fn::If") && arg->kind == DP_N_SEQ && arg->n == 3 && arg->items[0]->kind == DP_N_SCALAR) {
            int cv = dp_cond_value(&c->ev, arg->items[0]->str, arg->items[0]);
            if (cv == -2)
                return;
            /* After conditions: only the branch taken counts; both when undetermined. */
            for (int b = 1; b <= 2; b++) {
                if ((cv == 1 && b == 2) || (cv == 0 && b == 1))
                    continue;
                const dp_node *br = arg->items[b], *ra = NULL;
                const char *bf = dp_node_intrinsic(br, &ra);
                if (bf && !strcmp(bf, "Ref") && ra->kind == DP_N_SCALAR && !strcmp(ra->str, "AWS::NoValue"))
                    continue;
                check_value(c, br, p, path, secure_ok);
            }
            return;
        }
        if (!strcmp(fn, "Ref") && arg->kind == DP_N_SCALAR && !strcmp(arg->str, "AWS::NoValue"))
            return;
        cJSON *v = dp_eval_node(&c->ev, n);
        /* validate --resolve: references built by functions (Fn::Sub, Fn::Join) resolve too
         * (when their inputs are known), unless they failed the check as written. */
        if (v && c->t->has_resolver && refs_ok)
            dp_dynref_apply(&c->ev, n, &v, true);
        if (v && !dp_eval_is_novalue(v))
            check_json_value(c, n, v, p, path);
        cJSON_Delete(v);
        return;
    }
    if (dp_node_is_null(n)) {
        dp_eval_error(&c->ev, n, "property %s: value is null", path);
        return;
    }
    for (size_t i = 0; n->kind == DP_N_MAP && i < n->n; i++) {
        const char *k = n->pairs[i].key;
        if (!strcmp(k, "Ref") || !strncmp(k, "Fn::", 4)) {
            cJSON_Delete(dp_eval_node(&c->ev, n)); /* reports the misplaced function */
            return;
        }
    }
    switch (p->kind) {
    case DP_SK_JSON:
        if (n->kind == DP_N_SCALAR) {
            dp_dynref_check(c->t, n, n->str, secure_ok);
            cJSON *doc = cJSON_Parse(n->str);
            if (!doc || (!cJSON_IsObject(doc) && !cJSON_IsArray(doc)))
                dp_eval_error(&c->ev, n, "property %s: not a valid JSON document", path);
            cJSON_Delete(doc);
        } else {
            dp_dynref_scan(c->t, n, secure_ok);
            cJSON *v = dp_eval_node(&c->ev, n);
            cJSON_Delete(v);
        }
        return;
    case DP_SK_ANY:
        dp_dynref_scan(c->t, n, secure_ok);
        cJSON_Delete(dp_eval_node(&c->ev, n));
        return;
    case DP_SK_OBJECT:
        if (n->kind != DP_N_MAP) {
            dp_eval_error(&c->ev, n, "property %s: expected a mapping, got %s", path, dp_node_kind_word(n));
            return;
        }
        if (!p->object) {
            dp_dynref_scan(c->t, n, secure_ok);
            cJSON_Delete(dp_eval_node(&c->ev, n));
            return;
        }
        check_object(c, n, p->object, p->object->name[0] ? p->object->name : p->name, path, secure_ok, n);
        return;
    case DP_SK_ARRAY:
        if (n->kind != DP_N_SEQ) {
            dp_eval_error(&c->ev, n, "property %s: expected a list, got %s", path, dp_node_kind_word(n));
            return;
        }
        {
            dp_schema_prop item = {p->name, p->item_kind, DP_SK_ANY, p->object, 0, NULL, -1, -1, NULL};
            if (p->item_kind == DP_SK_ANY && p->object)
                item.kind = DP_SK_OBJECT;
            for (size_t i = 0; i < n->n; i++) {
                char sub[600];
                snprintf(sub, sizeof sub, "%s[%zu]", path, i);
                check_value(c, n->items[i], &item, sub, secure_ok);
            }
        }
        return;
    default:
        break;
    }
    if (n->kind != DP_N_SCALAR) {
        dp_eval_error(&c->ev, n, "property %s: expected %s, got %s", path, kind_word(p->kind), dp_node_kind_word(n));
        return;
    }
    bool b;
    switch (p->kind) {
    case DP_SK_STRING:
        dp_dynref_check(c->t, n, n->str, secure_ok);
        check_string(c, n, n->str, p, path);
        return;
    case DP_SK_INTEGER:
        if (!int_text(n->str))
            dp_eval_error(&c->ev, n, "property %s: expected an integer, got \"%s\"", path, n->str);
        return;
    case DP_SK_NUMBER:
        if (!num_text(n->str))
            dp_eval_error(&c->ev, n, "property %s: expected a number, got \"%s\"", path, n->str);
        return;
    case DP_SK_BOOLEAN:
        if (!dp_node_is_bool(n, &b) && strcasecmp(n->str, "true") && strcasecmp(n->str, "false"))
            dp_eval_error(&c->ev, n, "property %s: expected true or false, got \"%s\"", path, n->str);
        return;
    default:
        return;
    }
}

void dp_tpl_validate_resource(dp_template *t, tpl_res *r)
{
    vctx c;
    c.t = t;
    c.r = r;
    dp_eval_init(&c.ev, t, NULL, NULL);
    const dp_schema_type *st = r->pub.schema;
    dp_node at = {.line = r->decl->line, .col = r->decl->col};
    char where[300];
    snprintf(where, sizeof where, "%s (%s)", r->pub.logical_id, r->pub.type);
    if (!r->props) {
        if (st)
            check_object(&c, &(dp_node){.kind = DP_N_MAP}, st->root, where, "", false, &at);
        return;
    }
    if (r->props->kind != DP_N_MAP || dp_node_intrinsic(r->props, NULL)) {
        cJSON *v = dp_node_intrinsic(r->props, NULL) ? dp_eval_node(&c.ev, r->props) : NULL;
        if (v || !c.ev.failed)
            dp_eval_error(&c.ev, r->props, "Properties must be a mapping of property names to values");
        cJSON_Delete(v);
        return;
    }
    if (st) {
        check_object(&c, r->props, st->root, where, "", false, &at);
        return;
    }
}
