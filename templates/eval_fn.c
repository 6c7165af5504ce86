/* eval_fn.c - Fn::Join, Select, Split, FindInMap, Base64, GetAZs, Cidr, and the
 * AWS::LanguageExtensions functions Fn::ToJsonString and Fn::Length. */
#include <arpa/inet.h>
#include <limits.h>
#include <errno.h>
#include <openssl/evp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drivers/base/num.h"
#include "templates/tpl_internal.h"

/* Evaluates a function argument to a plain value. Returns 1 with *out set, 0 when the value
 * is unknown (*out then holds that marker: return it), -1 on error (reported). */
static int arg_value(dp_eval *ev, const dp_node *n, bool *secret, cJSON **out)
{
    cJSON *unk = NULL;
    *out = dp_eval_plain(ev, n, secret, &unk);
    if (unk) {
        *out = unk;
        return 0;
    }
    return *out ? 1 : -1;
}

static cJSON *result(cJSON *v, bool secret) { return secret ? dp_value_secret(v) : v; }

static bool is_list(const dp_node *arg, size_t min, size_t max)
{
    return arg->kind == DP_N_SEQ && arg->n >= min && arg->n <= max;
}

/* An unknown Join result building a secure dynamic reference is secret once known. */
static cJSON *unknown_join(const dp_node *at, cJSON *unknown)
{
    return dp_dynref_shape_secret(at) ? dp_value_secret_any(unknown) : unknown;
}

static cJSON *fn_join(dp_eval *ev, const dp_node *at, const dp_node *arg)
{
    if (!is_list(arg, 2, 2)) {
        dp_eval_error(ev, at, "Fn::Join expects [Delimiter, [Values]]");
        return NULL;
    }
    bool secret = false;
    cJSON *delim = NULL, *list = NULL;
    int a = arg_value(ev, arg->items[0], &secret, &delim);
    if (a <= 0)
        return a ? delim : unknown_join(at, delim);
    int b = arg_value(ev, arg->items[1], &secret, &list);
    if (b <= 0) {
        cJSON_Delete(delim);
        return b ? list : unknown_join(at, list);
    }
    cJSON *r = NULL;
    dp_buf out;
    dp_buf_init(&out, 0);
    if (!cJSON_IsString(delim)) {
        dp_eval_error(ev, arg->items[0], "Fn::Join: the delimiter must be a string");
    } else if (!cJSON_IsArray(list)) {
        dp_eval_error(ev, arg->items[1], "Fn::Join: the second argument must be a list");
    } else {
        bool ok = true;
        int i = 0;
        for (const cJSON *c = list->child; c && ok; c = c->next, i++) {
            if ((i && dp_buf_puts(&out, delim->valuestring)) || dp_value_scalar_string(c, &out)) {
                dp_eval_error(ev, arg->items[1], "Fn::Join: item %d is not a string", i + 1);
                ok = false;
            }
        }
        if (ok)
            r = result(cJSON_CreateString(dp_buf_str(&out)), secret);
    }
    dp_buf_cleanup(&out);
    cJSON_Delete(delim);
    cJSON_Delete(list);
    return r;
}

static bool to_index(const cJSON *v, long *out)
{
    long long n;
    if (cJSON_IsNumber(v) && v->valuedouble >= 0 && dp_double_is_integer(v->valuedouble) &&
        dp_double_to_ll(v->valuedouble, &n) && n <= LONG_MAX) {
        *out = (long)n;
        return true;
    }
    if (cJSON_IsString(v) && v->valuestring[0]) {
        errno = 0;
        char *end = NULL;
        long x = strtol(v->valuestring, &end, 10);
        if (!errno && end && !*end && x >= 0) {
            *out = x;
            return true;
        }
    }
    return false;
}

static cJSON *fn_select(dp_eval *ev, const dp_node *at, const dp_node *arg)
{
    if (!is_list(arg, 2, 2)) {
        dp_eval_error(ev, at, "Fn::Select expects [Index, [Values]]");
        return NULL;
    }
    bool secret = false;
    cJSON *idx = NULL, *list = NULL, *r = NULL;
    if (arg_value(ev, arg->items[0], &secret, &idx) <= 0)
        return idx;
    if (arg_value(ev, arg->items[1], &secret, &list) <= 0) {
        cJSON_Delete(idx);
        return list;
    }
    long i = 0;
    if (!to_index(idx, &i)) {
        dp_eval_error(ev, arg->items[0], "Fn::Select: the index must be a non-negative integer");
    } else if (!cJSON_IsArray(list)) {
        dp_eval_error(ev, arg->items[1], "Fn::Select: the second argument must be a list");
    } else if (i >= cJSON_GetArraySize(list)) {
        dp_eval_error(ev, arg->items[0], "Fn::Select: index %ld is out of range (the list has %d items)",
                      i, cJSON_GetArraySize(list));
    } else {
        r = result(cJSON_Duplicate(cJSON_GetArrayItem(list, (int)i), 1), secret);
    }
    cJSON_Delete(idx);
    cJSON_Delete(list);
    return r;
}

static cJSON *fn_split(dp_eval *ev, const dp_node *at, const dp_node *arg)
{
    if (!is_list(arg, 2, 2)) {
        dp_eval_error(ev, at, "Fn::Split expects [Delimiter, String]");
        return NULL;
    }
    bool secret = false;
    cJSON *delim = NULL, *str = NULL, *r = NULL;
    if (arg_value(ev, arg->items[0], &secret, &delim) <= 0)
        return delim;
    if (arg_value(ev, arg->items[1], &secret, &str) <= 0) {
        cJSON_Delete(delim);
        return str;
    }
    if (!cJSON_IsString(delim) || !delim->valuestring[0]) {
        dp_eval_error(ev, arg->items[0], "Fn::Split: the delimiter must be a non-empty string");
    } else if (!cJSON_IsString(str)) {
        dp_eval_error(ev, arg->items[1], "Fn::Split: the second argument must be a string");
    } else {
        r = cJSON_CreateArray();
        const char *s = str->valuestring, *d = delim->valuestring;
        size_t dl = strlen(d);
        for (;;) {
            const char *hit = strstr(s, d);
            size_t n = hit ? (size_t)(hit - s) : strlen(s);
            char *piece = strndup(s, n);
            cJSON_AddItemToArray(r, cJSON_CreateString(piece ? piece : ""));
            free(piece);
            if (!hit)
                break;
            s = hit + dl;
        }
        r = result(r, secret);
    }
    cJSON_Delete(delim);
    cJSON_Delete(str);
    return r;
}

/* Mapping keys may be given as numbers: compare by CloudFormation's string form. */
static int key_text(dp_eval *ev, const dp_node *n, dp_buf *out, cJSON **unknown)
{
    bool secret = false;
    cJSON *v = NULL;
    int rc = arg_value(ev, n, &secret, &v);
    if (rc <= 0) {
        *unknown = rc == 0 ? v : NULL;
        return -1;
    }
    rc = dp_value_scalar_string(v, out);
    cJSON_Delete(v);
    if (rc)
        dp_eval_error(ev, n, "Fn::FindInMap: keys must be strings");
    return rc ? -1 : 0;
}

static void missing_key(dp_eval *ev, const dp_node *at, const char *what, const char *key,
                        const dp_node *map)
{
    const char **c = malloc((map && map->n ? map->n : 1) * sizeof *c);
    const char *s = NULL;
    /* A malformed mapping (a sequence) was already reported by the loader: no suggestions. */
    if (c && map && map->kind == DP_N_MAP) {
        for (size_t i = 0; i < map->n; i++)
            c[i] = map->pairs[i].key;
        s = dp_suggest(key, c, map->n);
    }
    if (s)
        dp_eval_error(ev, at, "Fn::FindInMap: %s \"%s\" not found (did you mean \"%s\"?)", what, key, s);
    else
        dp_eval_error(ev, at, "Fn::FindInMap: %s \"%s\" not found", what, key);
    free(c);
}

static cJSON *fn_findinmap(dp_eval *ev, const dp_node *at, const dp_node *arg)
{
    size_t max = ev->t->lang_ext ? 4 : 3;
    if (!is_list(arg, 3, max)) {
        dp_eval_error(ev, at, "Fn::FindInMap expects [MapName, TopLevelKey, SecondLevelKey]");
        return NULL;
    }
    const dp_node *deflt = NULL;
    if (arg->n == 4) {
        deflt = dp_node_get(arg->items[3], "DefaultValue");
        if (!deflt || arg->items[3]->n != 1) {
            dp_eval_error(ev, arg->items[3], "Fn::FindInMap: the fourth argument must be {DefaultValue: …}");
            return NULL;
        }
    }
    dp_buf k[3];
    cJSON *unk = NULL;
    int rc = 0;
    for (int i = 0; i < 3; i++)
        dp_buf_init(&k[i], 0);
    for (int i = 0; i < 3 && !rc; i++)
        rc = key_text(ev, arg->items[i], &k[i], &unk);
    cJSON *r = NULL;
    if (!rc) {
        const dp_node *m = dp_node_get(ev->t->mappings, dp_buf_str(&k[0]));
        const dp_node *top = m ? dp_node_get(m, dp_buf_str(&k[1])) : NULL;
        const dp_node *val = top ? dp_node_get(top, dp_buf_str(&k[2])) : NULL;
        if (val)
            r = dp_eval_node(ev, val);
        else if (deflt)
            r = dp_eval_node(ev, deflt);
        else if (!m)
            missing_key(ev, arg->items[0], "mapping", dp_buf_str(&k[0]), ev->t->mappings);
        else if (!top)
            missing_key(ev, arg->items[1], "key", dp_buf_str(&k[1]), m);
        else
            missing_key(ev, arg->items[2], "key", dp_buf_str(&k[2]), top);
    } else {
        r = unk;
    }
    for (int i = 0; i < 3; i++)
        dp_buf_cleanup(&k[i]);
    return r;
}

static cJSON *fn_base64(dp_eval *ev, const dp_node *at, const dp_node *arg)
{
    bool secret = false;
    cJSON *v = NULL;
    if (arg_value(ev, arg, &secret, &v) <= 0)
        return v;
    cJSON *r = NULL;
    if (!cJSON_IsString(v)) {
        dp_eval_error(ev, at, "Fn::Base64 expects a string");
    } else {
        size_t n = strlen(v->valuestring);
        unsigned char *out = malloc(4 * ((n + 2) / 3) + 1);
        if (out) {
            EVP_EncodeBlock(out, (const unsigned char *)v->valuestring, (int)n);
            r = result(cJSON_CreateString((const char *)out), secret);
            free(out);
        }
    }
    cJSON_Delete(v);
    return r;
}

static cJSON *fn_getazs(dp_eval *ev, const dp_node *at, const dp_node *arg)
{
    bool secret = false;
    cJSON *v = NULL;
    if (arg_value(ev, arg, &secret, &v) <= 0)
        return v;
    const char *region = ev->t->ctx_strs[CTX_REGION];
    cJSON *r = NULL;
    if (!cJSON_IsString(v) && !cJSON_IsNull(v)) {
        dp_eval_error(ev, at, "Fn::GetAZs expects a region name or \"\"");
    } else if (cJSON_IsString(v) && v->valuestring[0] && (!region || strcmp(v->valuestring, region))) {
        /* Another region's zones would need an AWS call: known only at apply. */
        r = dp_value_unknown("Fn::GetAZs");
    } else if (!region) {
        r = dp_value_unknown("Fn::GetAZs");
    } else if (ev->t->azs) {
        r = cJSON_CreateArray();
        for (char **z = ev->t->azs; *z; z++)
            cJSON_AddItemToArray(r, cJSON_CreateString(*z));
    } else {
        r = cJSON_CreateArray();
        for (char c = 'a'; c <= 'c'; c++) {
            char az[96];
            snprintf(az, sizeof az, "%s%c", region, c);
            cJSON_AddItemToArray(r, cJSON_CreateString(az));
        }
    }
    cJSON_Delete(v);
    return r;
}

static bool to_long(const cJSON *v, long *out)
{
    return to_index(v, out);
}

static cJSON *fn_cidr(dp_eval *ev, const dp_node *at, const dp_node *arg)
{
    if (!is_list(arg, 3, 3)) {
        dp_eval_error(ev, at, "Fn::Cidr expects [IpBlock, Count, CidrBits]");
        return NULL;
    }
    bool secret = false;
    cJSON *v[3] = {NULL, NULL, NULL};
    for (int i = 0; i < 3; i++) {
        if (arg_value(ev, arg->items[i], &secret, &v[i]) <= 0) {
            cJSON *ret = v[i];
            for (int j = 0; j < i; j++)
                cJSON_Delete(v[j]);
            return ret;
        }
    }
    cJSON *r = NULL;
    long count = 0, bits = 0;
    char ip[64] = "";
    long prefix = -1;
    if (cJSON_IsString(v[0]) && strlen(v[0]->valuestring) < sizeof ip) {
        snprintf(ip, sizeof ip, "%s", v[0]->valuestring);
        char *slash = strchr(ip, '/');
        if (slash) {
            *slash = '\0';
            errno = 0;
            char *end = NULL;
            prefix = strtol(slash + 1, &end, 10);
            if (errno || !end || *end || slash[1] == '\0')
                prefix = -1;
        }
    }
    struct in_addr a4;
    struct in6_addr a6;
    if (prefix >= 0 && inet_pton(AF_INET6, ip, &a6) == 1) {
        dp_eval_error(ev, arg->items[0], "Fn::Cidr: IPv6 blocks are not supported");
    } else if (prefix < 0 || prefix > 32 || inet_pton(AF_INET, ip, &a4) != 1) {
        dp_eval_error(ev, arg->items[0], "Fn::Cidr: \"%s\" is not an IPv4 CIDR block",
                      cJSON_IsString(v[0]) ? v[0]->valuestring : "?");
    } else if (!to_long(v[1], &count) || count < 1 || count > 256) {
        dp_eval_error(ev, arg->items[1], "Fn::Cidr: the count must be between 1 and 256");
    } else if (!to_long(v[2], &bits) || bits < 1 || bits > 32 - prefix) {
        dp_eval_error(ev, arg->items[2], "Fn::Cidr: CidrBits must be between 1 and %ld for a /%ld block",
                      32 - prefix, prefix);
    } else if ((uint64_t)count << bits > (uint64_t)1 << (32 - prefix)) {
        dp_eval_error(ev, arg->items[1], "Fn::Cidr: %ld subnets of /%ld do not fit in a /%ld block",
                      count, 32 - bits, prefix);
    } else {
        uint32_t base = ntohl(a4.s_addr);
        uint32_t mask = prefix ? (uint32_t)(0xffffffffu << (32 - prefix)) : 0;
        base &= mask;
        r = cJSON_CreateArray();
        for (long i = 0; i < count; i++) {
            struct in_addr s;
            s.s_addr = htonl(base + (uint32_t)((uint64_t)i << bits));
            char buf[INET_ADDRSTRLEN], cidr[64];
            inet_ntop(AF_INET, &s, buf, sizeof buf);
            snprintf(cidr, sizeof cidr, "%s/%ld", buf, 32 - bits);
            cJSON_AddItemToArray(r, cJSON_CreateString(cidr));
        }
        r = result(r, secret);
    }
    for (int i = 0; i < 3; i++)
        cJSON_Delete(v[i]);
    return r;
}

static bool need_lang_ext(dp_eval *ev, const dp_node *at, const char *fn)
{
    if (ev->t->lang_ext)
        return true;
    dp_eval_error(ev, at, "%s needs \"Transform: AWS::LanguageExtensions\"", fn);
    return false;
}

static cJSON *fn_tojson(dp_eval *ev, const dp_node *at, const dp_node *arg)
{
    if (!need_lang_ext(ev, at, "Fn::ToJsonString"))
        return NULL;
    bool secret = false;
    cJSON *v = NULL;
    if (arg_value(ev, arg, &secret, &v) <= 0)
        return v;
    cJSON *r = NULL;
    if (!cJSON_IsObject(v) && !cJSON_IsArray(v)) {
        dp_eval_error(ev, at, "Fn::ToJsonString expects a mapping or a list");
    } else {
        char *s = cJSON_PrintUnformatted(v);
        if (s)
            r = result(cJSON_CreateString(s), secret);
        free(s);
    }
    cJSON_Delete(v);
    return r;
}

static cJSON *fn_length(dp_eval *ev, const dp_node *at, const dp_node *arg)
{
    if (!need_lang_ext(ev, at, "Fn::Length"))
        return NULL;
    bool secret = false;
    cJSON *v = NULL;
    if (arg_value(ev, arg, &secret, &v) <= 0)
        return v;
    cJSON *r = NULL;
    if (!cJSON_IsArray(v))
        dp_eval_error(ev, at, "Fn::Length expects a list");
    else
        r = cJSON_CreateNumber(cJSON_GetArraySize(v));
    cJSON_Delete(v);
    return r;
}

cJSON *dp_eval_fn(dp_eval *ev, const char *fn, const dp_node *at, const dp_node *arg, bool *handled)
{
    static const struct {
        const char *name;
        cJSON *(*f)(dp_eval *, const dp_node *, const dp_node *);
    } fns[] = {{"Fn::Join", fn_join},       {"Fn::Select", fn_select}, {"Fn::Split", fn_split},
               {"Fn::FindInMap", fn_findinmap}, {"Fn::Base64", fn_base64}, {"Fn::GetAZs", fn_getazs},
               {"Fn::Cidr", fn_cidr},       {"Fn::ToJsonString", fn_tojson}, {"Fn::Length", fn_length},
               {"Fn::Sub", dp_eval_sub}};
    for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++) {
        if (!strcmp(fn, fns[i].name)) {
            *handled = true;
            return fns[i].f(ev, at, arg);
        }
    }
    *handled = false;
    return NULL;
}
