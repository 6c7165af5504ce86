/* common.c - progress events, polling, ownership tags and names shared by the drivers. */
#include "drivers/resources/common.h"

#include <openssl/evp.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <ctype.h>

#include "drivers/base/log.h"
#include "drivers/base/num.h"
#include "drivers/base/rand.h"

bool dp_refuse_unsupported(const char *type, const dp_resource_req *r, const char *verb, dp_progress *p)
{
    const char *bad = dp_driver_unsupported(dp_driver_find(type), r->desired);
    if (!bad)
        return false;
    dp_err e;
    dp_err_clear(&e);
    dp_err_set(&e, DP_E_INPUT, "%s is not supported by dmsprov for %s", bad, type);
    dp_progress_fail(p, r, verb, &e);
    return true;
}

long dp_poll_delay_ms(int polls, double rand01)
{
    double d = 250.0;
    for (int i = 0; i < polls && d < 10000.0; i++)
        d *= 1.6;
    if (d > 10000.0)
        d = 10000.0;
    d *= 0.8 + 0.4 * rand01; /* +-20% so many resources do not poll in lockstep */
    return (long)d;
}

int dp_poll_count(const dp_resource_req *r)
{
    const cJSON *n = r->context ? cJSON_GetObjectItemCaseSensitive(r->context, "dp:polls") : NULL;
    return cJSON_IsNumber(n) ? n->valueint : 0;
}

void dp_progress_wait(dp_progress *p, const dp_resource_req *r, cJSON *ctx, const char *status_text)
{
    int polls = dp_poll_count(r);
    if (!ctx)
        ctx = cJSON_CreateObject();
    cJSON_DeleteItemFromObjectCaseSensitive(ctx, "dp:polls");
    cJSON_AddNumberToObject(ctx, "dp:polls", polls + 1);
    cJSON_Delete(p->context);
    p->context = ctx;
    p->status = DP_OP_IN_PROGRESS;
    p->delay_ms = dp_poll_delay_ms(polls, dp_random_unit());
    snprintf(p->status_text, sizeof p->status_text, "%s", status_text ? status_text : "");
}

cJSON *dp_tag_new(const char *k, const char *v)
{
    cJSON *t = cJSON_CreateObject();
    if (t && (!cJSON_AddStringToObject(t, "Key", k ? k : "") || !cJSON_AddStringToObject(t, "Value", v ? v : ""))) {
        cJSON_Delete(t);
        return NULL;
    }
    return t;
}

const char *dp_tag_lookup(const cJSON *tags, const char *kf, const char *vf, const char *key)
{
    const cJSON *t;
    cJSON_ArrayForEach(t, tags)
    {
        const char *k = dp_prop_str(t, kf);
        if (k && !strcmp(k, key)) {
            const char *v = dp_prop_str(t, vf);
            return v ? v : "";
        }
    }
    return NULL;
}

cJSON *dp_tags_with_ownership(const cJSON *template_tags, const char *stack, const char *logical_id)
{
    cJSON *out = cJSON_CreateArray();
    const cJSON *t;
    cJSON_ArrayForEach(t, template_tags)
    {
        const char *k = dp_prop_str(t, "Key"), *v = dp_prop_str(t, "Value");
        if (k && strncmp(k, "dmsprov:", 8))
            cJSON_AddItemToArray(out, dp_tag_new(k, v ? v : ""));
    }
    cJSON_AddItemToArray(out, dp_tag_new(DP_TAG_STACK, stack));
    cJSON_AddItemToArray(out, dp_tag_new(DP_TAG_LOGICAL_ID, logical_id));
    return out;
}

dp_ownership dp_tags_ownership(const cJSON *tags, const char *key_field, const char *value_field,
                               const char *stack, const char *logical_id)
{
    const char *s = NULL, *l = NULL;
    const cJSON *t;
    cJSON_ArrayForEach(t, tags)
    {
        const char *k = dp_prop_str(t, key_field), *v = dp_prop_str(t, value_field);
        if (k && v && !strcmp(k, DP_TAG_STACK))
            s = v;
        if (k && v && !strcmp(k, DP_TAG_LOGICAL_ID))
            l = v;
    }
    if (!s)
        return DP_UNOWNED;
    if (!strcmp(s, stack) && (!logical_id || (l && !strcmp(l, logical_id))))
        return DP_OWNED;
    return DP_OWNED_BY_OTHER;
}

static int cmp_tag(const void *a, const void *b)
{
    const cJSON *x = *(const cJSON *const *)a, *y = *(const cJSON *const *)b;
    return strcmp(dp_prop_str(x, "Key"), dp_prop_str(y, "Key"));
}

cJSON *dp_tags_template_form(const cJSON *tags, const char *key_field, const char *value_field)
{
    size_t n = 0, cap = (size_t)cJSON_GetArraySize(tags);
    cJSON **v = cap ? calloc(cap, sizeof *v) : NULL;
    const cJSON *t;
    cJSON_ArrayForEach(t, tags)
    {
        const char *k = dp_prop_str(t, key_field), *val = dp_prop_str(t, value_field);
        if (v && k && strncmp(k, "dmsprov:", 8) && n < cap && (v[n] = dp_tag_new(k, val)))
            n++;
    }
    if (!n) {
        free(v);
        return NULL;
    }
    qsort(v, n, sizeof *v, cmp_tag);
    cJSON *out = cJSON_CreateArray();
    for (size_t i = 0; i < n; i++)
        cJSON_AddItemToArray(out, v[i]);
    free(v);
    return out;
}

void dp_generated_name(const dp_resource_req *r, size_t max_len, bool lower, char *out, size_t n)
{
    /* Suffix: 12 characters derived from the client token, so the name is stable across
     * retries and re-runs of the same create. */
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    const char *tok = r->client_token ? r->client_token : r->logical_id;
    EVP_Digest(tok, strlen(tok), md, &mdlen, EVP_sha256(), NULL);
    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    char suffix[13];
    for (int i = 0; i < 12; i++)
        suffix[i] = alphabet[md[i] % 36];
    suffix[12] = '\0';
    char full[512];
    size_t room = max_len > 14 ? max_len - 14 : 0; /* "-" + suffix + "-" */
    size_t sl = strlen(r->stack), ll = strlen(r->logical_id);
    if (sl + ll > room) { /* trim both parts like CloudFormation, keeping the suffix */
        size_t half = room / 2;
        if (sl > half && ll > half)
            sl = ll = half;
        else if (sl > half)
            sl = room - ll;
        else
            ll = room - sl;
    }
    snprintf(full, sizeof full, "%.*s-%.*s-%s", (int)sl, r->stack, (int)ll, r->logical_id, suffix);
    if (lower)
        for (char *c = full; *c; c++)
            *c = (char)tolower((unsigned char)*c);
    snprintf(out, n, "%s", full);
}

const cJSON *dp_prop(const cJSON *obj, const char *name)
{
    return obj ? cJSON_GetObjectItemCaseSensitive(obj, name) : NULL;
}

const char *dp_prop_str(const cJSON *obj, const char *name)
{
    const cJSON *v = dp_prop(obj, name);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

bool dp_prop_bool(const cJSON *obj, const char *name, bool fallback)
{
    const cJSON *v = dp_prop(obj, name);
    if (cJSON_IsBool(v))
        return cJSON_IsTrue(v);
    if (cJSON_IsString(v))
        return !strcmp(v->valuestring, "true");
    return fallback;
}

long dp_prop_long(const cJSON *obj, const char *name, long fallback)
{
    const cJSON *v = dp_prop(obj, name);
    long long n;
    if (cJSON_IsNumber(v))
        return dp_double_to_ll(v->valuedouble, &n) && n >= LONG_MIN && n <= LONG_MAX ? (long)n : fallback;
    if (cJSON_IsString(v)) {
        char *end;
        long n = strtol(v->valuestring, &end, 10);
        if (end != v->valuestring && !*end)
            return n;
    }
    return fallback;
}

char *dp_prop_json_text(const cJSON *obj, const char *name)
{
    const cJSON *v = dp_prop(obj, name);
    if (cJSON_IsString(v))
        return strdup(v->valuestring);
    return v ? cJSON_PrintUnformatted(v) : NULL;
}

