/* diff.c - comparing one resource's desired properties with live and last-applied ones. */
#include "provisioner/engine/diff.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "drivers/base/jsonutil.h"
#include "drivers/resources/driver.h"
#include "templates/value.h"

void dp_changes_cleanup(dp_changes *c)
{
    for (size_t i = 0; i < c->n; i++) {
        free(c->v[i].property);
        cJSON_Delete(c->v[i].before);
        cJSON_Delete(c->v[i].after);
    }
    free(c->v);
    memset(c, 0, sizeof *c);
}

bool dp_changes_replace(const dp_changes *c, const char **reason)
{
    for (size_t i = 0; i < c->n; i++)
        if (c->v[i].forces_replacement) {
            if (reason)
                *reason = c->v[i].property;
            return true;
        }
    return false;
}

static bool is_scalar(const cJSON *v)
{
    return cJSON_IsString(v) || cJSON_IsNumber(v) || cJSON_IsBool(v);
}

static bool scalars_equal(const cJSON *a, const cJSON *b)
{
    if (cJSON_IsNumber(a) && cJSON_IsNumber(b))
        return fabs(a->valuedouble - b->valuedouble) < 1e-9;
    dp_buf x, y;
    dp_buf_init(&x, 0);
    dp_buf_init(&y, 0);
    bool eq = !dp_value_scalar_string(a, &x) && !dp_value_scalar_string(b, &y) &&
              !strcmp(dp_buf_str(&x), dp_buf_str(&y));
    /* "5.0" against 5: compare as numbers when both read as numbers */
    if (!eq && (cJSON_IsNumber(a) || cJSON_IsNumber(b))) {
        char *end1, *end2;
        const char *s1 = dp_buf_str(&x), *s2 = dp_buf_str(&y);
        double d1 = strtod(s1, &end1), d2 = strtod(s2, &end2);
        eq = *s1 && *s2 && !*end1 && !*end2 && fabs(d1 - d2) < 1e-9;
    }
    dp_buf_cleanup(&x);
    dp_buf_cleanup(&y);
    return eq;
}

/* Canonical text of a JSON document given as a string or as a structure. */
static char *json_doc_text(const cJSON *v)
{
    if (cJSON_IsString(v))
        return dp_json_canonical_text(v->valuestring);
    return dp_json_canonical(v);
}

static int tag_cmp(const void *a, const void *b)
{
    const cJSON *x = *(const cJSON *const *)a, *y = *(const cJSON *const *)b;
    const char *kx = dp_json_str(x, "Key"), *ky = dp_json_str(y, "Key");
    return strcmp(kx ? kx : "", ky ? ky : "");
}

static int scalar_cmp(const void *a, const void *b)
{
    const cJSON *x = *(const cJSON *const *)a, *y = *(const cJSON *const *)b;
    dp_buf s, t;
    dp_buf_init(&s, 0);
    dp_buf_init(&t, 0);
    dp_value_scalar_string(x, &s);
    dp_value_scalar_string(y, &t);
    int r = strcmp(dp_buf_str(&s), dp_buf_str(&t));
    dp_buf_cleanup(&s);
    dp_buf_cleanup(&t);
    return r;
}

static bool values_equal(const cJSON *a, const cJSON *b, const dp_schema_prop *prop, int depth);

/* Arrays compare element by element; lists of scalars and tag lists also as sets (services
 * return security group ids and tags in their own order). */
static bool arrays_equal(const cJSON *a, const cJSON *b, const dp_schema_prop *prop, int depth)
{
    int n = cJSON_GetArraySize(a);
    if (n != cJSON_GetArraySize(b))
        return false;
    bool same = true;
    for (int i = 0; i < n && same; i++)
        same = values_equal(cJSON_GetArrayItem(a, i), cJSON_GetArrayItem(b, i), NULL, depth + 1);
    if (same || n == 0)
        return same;
    bool tags = prop && (prop->flags & DP_SP_TAGS);
    bool scalars = true;
    for (int i = 0; i < n; i++)
        scalars = scalars && is_scalar(cJSON_GetArrayItem(a, i)) && is_scalar(cJSON_GetArrayItem(b, i));
    if (!tags && !scalars)
        return false;
    const cJSON **x = calloc((size_t)n, sizeof *x), **y = calloc((size_t)n, sizeof *y);
    if (!x || !y) {
        free(x);
        free(y);
        return false;
    }
    for (int i = 0; i < n; i++) {
        x[i] = cJSON_GetArrayItem(a, i);
        y[i] = cJSON_GetArrayItem(b, i);
    }
    qsort(x, (size_t)n, sizeof *x, tags && !scalars ? tag_cmp : scalar_cmp);
    qsort(y, (size_t)n, sizeof *y, tags && !scalars ? tag_cmp : scalar_cmp);
    same = true;
    for (int i = 0; i < n && same; i++)
        same = values_equal(x[i], y[i], NULL, depth + 1);
    free(x);
    free(y);
    return same;
}

static bool values_equal(const cJSON *a, const cJSON *b, const dp_schema_prop *prop, int depth)
{
    if (!a || !b)
        return !a && !b;
    if (depth > 64)
        return cJSON_Compare(a, b, true);
    if (prop && prop->kind == DP_SK_JSON) {
        char *x = json_doc_text(a), *y = json_doc_text(b);
        bool eq = x && y ? !strcmp(x, y) : cJSON_Compare(a, b, true);
        free(x);
        free(y);
        return eq;
    }
    if (is_scalar(a) && is_scalar(b))
        return scalars_equal(a, b);
    if (cJSON_IsArray(a) && cJSON_IsArray(b))
        return arrays_equal(a, b, prop, depth);
    if (cJSON_IsObject(a) && cJSON_IsObject(b)) {
        /* Only what the template sets counts: a default the service filled in is no change. */
        const cJSON *k;
        cJSON_ArrayForEach(k, a)
        {
            const cJSON *other = cJSON_GetObjectItemCaseSensitive(b, k->string);
            if (cJSON_IsNull(k) && !other)
                continue;
            if (!values_equal(k, other, NULL, depth + 1))
                return false;
        }
        return true;
    }
    /* A JSON document held as a string on one side and as a structure on the other. */
    if ((cJSON_IsString(a) && cJSON_IsObject(b)) || (cJSON_IsObject(a) && cJSON_IsString(b))) {
        char *x = json_doc_text(a), *y = json_doc_text(b);
        bool eq = x && y && !strcmp(x, y);
        free(x);
        free(y);
        return eq;
    }
    return cJSON_Compare(a, b, true);
}

bool dp_values_equal(const cJSON *desired, const cJSON *live, const dp_schema_prop *prop)
{
    return values_equal(desired, live, prop, 0);
}

char *dp_secret_text(const cJSON *v, dp_err *e)
{
    cJSON *plain = dp_value_strip(v, e);
    if (!plain)
        return NULL;
    char *out = NULL;
    if (cJSON_IsString(plain)) {
        out = strdup(plain->valuestring);
    } else {
        out = dp_json_canonical(plain);
    }
    cJSON_Delete(plain);
    if (!out)
        dp_err_set(e, DP_E_NOMEM, "out of memory");
    return out;
}

static const dp_schema_prop *find_prop(const dp_schema_type *schema, const char *name)
{
    return schema && schema->root ? dp_schema_find_prop(schema->root, name) : NULL;
}

bool dp_prop_is_sensitive(const dp_schema_type *schema, const char *name, const cJSON *v)
{
    const dp_schema_prop *p = find_prop(schema, name);
    return (p && (p->flags & DP_SP_SECRET)) || (v && dp_value_contains_secret(v));
}

static bool create_only(const dp_diff_input *in, const char *name)
{
    const dp_schema_prop *p = find_prop(in->schema, name);
    bool co = p && (p->flags & DP_SP_CREATE_ONLY);
    if (!co && in->schema && in->schema->create_only_paths) /* nested paths "Prop/Sub" count */
        for (const char *const *cp = in->schema->create_only_paths; *cp && !co; cp++) {
            size_t l = strlen(name);
            co = !strncmp(*cp, name, l) && ((*cp)[l] == '/' || (*cp)[l] == 0);
        }
    if (co && dp_driver_updates_in_place(in->driver, name))
        return false;
    if (!co && dp_driver_replaces_on_change(in->driver, name))
        return true;
    return co;
}

static int add_change(dp_changes *out, const char *name, dp_change_kind kind, const cJSON *before,
                      const cJSON *after, bool sensitive, bool unknown, bool forces, dp_err *e)
{
    if (out->n == out->cap) {
        size_t cap = out->cap ? out->cap * 2 : 8;
        dp_change *v = realloc(out->v, cap * sizeof *v);
        if (!v) {
            dp_err_set(e, DP_E_NOMEM, "out of memory");
            return -1;
        }
        out->v = v;
        out->cap = cap;
    }
    dp_change *c = &out->v[out->n];
    memset(c, 0, sizeof *c);
    c->property = strdup(name);
    c->kind = kind;
    c->sensitive = sensitive;
    c->known_after_apply = unknown;
    c->forces_replacement = forces;
    /* printable copies never hold a secret value */
    if (!sensitive) {
        c->before = before ? dp_value_redact(before) : NULL;
        c->after = after && !unknown ? dp_value_redact(after) : NULL;
    }
    if (!c->property) {
        dp_err_set(e, DP_E_NOMEM, "out of memory");
        return -1;
    }
    out->n++;
    return 0;
}

/* True when applied (an object value as last applied) sets a key that desired no longer sets,
 * at any depth, and live (when read) still has it: only the whole value sent again unsets it. */
static bool nested_key_dropped(const cJSON *desired, const cJSON *applied, const cJSON *live)
{
    const cJSON *k;
    if (!cJSON_IsObject(desired) || !cJSON_IsObject(applied))
        return false;
    cJSON_ArrayForEach(k, applied)
    {
        const cJSON *d = cJSON_GetObjectItemCaseSensitive(desired, k->string);
        const cJSON *l = cJSON_IsObject(live) ? cJSON_GetObjectItemCaseSensitive(live, k->string) : NULL;
        if (!live || l) {
            if (!d && !cJSON_IsNull(k) && !cJSON_IsNull(l))
                return true;
            if (nested_key_dropped(d, k, l))
                return true;
        }
    }
    return false;
}

int dp_diff_resource(const dp_diff_input *in, dp_changes *out, dp_err *e)
{
    memset(out, 0, sizeof *out);
    const cJSON *k;
    cJSON_ArrayForEach(k, in->desired)
    {
        const char *name = k->string;
        const dp_schema_prop *prop = find_prop(in->schema, name);
        const cJSON *live_v = in->live ? cJSON_GetObjectItemCaseSensitive(in->live, name) : NULL;
        const cJSON *applied_v = in->applied ? cJSON_GetObjectItemCaseSensitive(in->applied, name) : NULL;
        const cJSON *old = live_v ? live_v : applied_v;
        bool sensitive = dp_prop_is_sensitive(in->schema, name, k);
        bool co = create_only(in, name);
        int rc = 0;
        if (dp_value_contains_unknown(k)) {
            const cJSON *stored_hash = in->secret_hashes ? cJSON_GetObjectItemCaseSensitive(in->secret_hashes, name) : NULL;
            bool had = old || stored_hash;
            rc = add_change(out, name, had ? DP_CH_CHANGE : DP_CH_ADD, old, NULL, sensitive, true, co, e);
        } else if (sensitive) {
            const cJSON *stored = in->secret_hashes ? cJSON_GetObjectItemCaseSensitive(in->secret_hashes, name) : NULL;
            char *text = dp_secret_text(k, e);
            char h[65] = "";
            if (!text || !in->hash || in->hash(in->hash_ctx, text, h, e)) {
                free(text);
                if (!in->hash)
                    dp_err_set(e, DP_E_INTERNAL, "no secret hash function");
                return -1;
            }
            free(text);
            if (!cJSON_IsString(stored)) {
                /* No hash kept (no state): it cannot be compared, so it is (re)applied, but an
                 * unknown can never justify replacing a resource. */
                rc = add_change(out, name, in->live || in->applied ? DP_CH_CHANGE : DP_CH_ADD, NULL, NULL, true,
                                false, false, e);
            } else if (strcmp(stored->valuestring, h)) {
                rc = add_change(out, name, DP_CH_CHANGE, NULL, NULL, true, false, co, e);
            }
        } else if ((!dp_values_equal(k, old, prop) &&
                    !(cJSON_IsString(k) && cJSON_IsString(old) && dp_driver_lowercased(in->driver, name) &&
                      !strcasecmp(k->valuestring, old->valuestring))) ||
                   (!(prop && prop->kind == DP_SK_JSON) && nested_key_dropped(k, applied_v, live_v))) {
            /* (identifiers the service lower-cases are the same value in any case) */
            rc = add_change(out, name, old ? DP_CH_CHANGE : DP_CH_ADD, old, k, false, false, co, e);
        }
        if (rc)
            return -1;
    }
    /* Removals: applied before, no longer in the template. */
    cJSON_ArrayForEach(k, in->applied)
    {
        if (cJSON_GetObjectItemCaseSensitive(in->desired, k->string))
            continue;
        const cJSON *live_v = in->live ? cJSON_GetObjectItemCaseSensitive(in->live, k->string) : NULL;
        if (add_change(out, k->string, DP_CH_REMOVE, live_v ? live_v : k, NULL, false, false,
                       create_only(in, k->string), e))
            return -1;
    }
    cJSON_ArrayForEach(k, in->secret_hashes)
    {
        if (cJSON_GetObjectItemCaseSensitive(in->desired, k->string))
            continue;
        if (add_change(out, k->string, DP_CH_REMOVE, NULL, NULL, true, false, create_only(in, k->string), e))
            return -1;
    }
    return 0;
}

int dp_diff_state_props(const dp_schema_type *schema, const cJSON *desired, dp_hash_fn hash, void *hash_ctx,
                        cJSON **props, cJSON **hashes, dp_err *e)
{
    *props = cJSON_CreateObject();
    *hashes = cJSON_CreateObject();
    if (!*props || !*hashes)
        goto oom;
    const cJSON *k;
    cJSON_ArrayForEach(k, desired)
    {
        if (dp_value_contains_unknown(k))
            continue; /* not applied yet: nothing to remember */
        if (dp_prop_is_sensitive(schema, k->string, k)) {
            char *text = dp_secret_text(k, e);
            char h[65];
            if (!text || !hash || hash(hash_ctx, text, h, e)) {
                free(text);
                goto fail;
            }
            free(text);
            if (!cJSON_AddStringToObject(*hashes, k->string, h))
                goto oom;
            continue;
        }
        cJSON *copy = cJSON_Duplicate(k, true);
        if (!copy)
            goto oom;
        cJSON_AddItemToObject(*props, k->string, copy);
    }
    return 0;
oom:
    dp_err_set(e, DP_E_NOMEM, "out of memory");
fail:
    cJSON_Delete(*props);
    cJSON_Delete(*hashes);
    *props = *hashes = NULL;
    return -1;
}
