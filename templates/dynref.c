/* dynref.c - dynamic references: {{resolve:ssm:name[:version]}},
 * {{resolve:ssm-secure:name[:version]}} and
 * {{resolve:secretsmanager:id[:SecretString[:json-key[:stage[:version-id]]]]}}, resolved
 * through the dp_resolver (cached per template). Secure kinds yield secret values. Checked
 * statically on the text as written (with holes for Fn::Sub / Fn::Join values, see
 * dynref_shape.c), resolved on evaluated values. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "templates/tpl_internal.h"

#define OPEN "{{resolve:"

typedef enum { DR_SSM, DR_SSM_SECURE, DR_SECRETS } dr_kind;

typedef struct dynref {
    dr_kind kind;
    bool opaque;       /* the service is a hole: nothing can be checked */
    char *id;          /* parameter name or secret id */
    long version;      /* ssm: 0 = latest */
    char *json_key, *stage, *version_id; /* secretsmanager, NULL when empty */
} dynref;

static void dr_free(dynref *r)
{
    free(r->id);
    free(r->json_key);
    free(r->stage);
    free(r->version_id);
    memset(r, 0, sizeof *r);
}

static char *dup_or_null(const char *s, size_t n) { return n ? strndup(s, n) : NULL; }

/* body: the text between "{{resolve:" and "}}". */
static int dr_parse(const char *body, size_t n, dynref *r, char *err, size_t errn)
{
    memset(r, 0, sizeof *r);
    const char *colon = memchr(body, ':', n);
    if (memchr(body, DP_DYNREF_HOLE, colon ? (size_t)(colon - body) : n)) {
        r->opaque = true;
        return 0;
    }
    if (!colon) {
        snprintf(err, errn, "expected {{resolve:service:reference}}");
        return -1;
    }
    size_t sl = (size_t)(colon - body);
    const char *rest = colon + 1;
    size_t rl = n - sl - 1;
    if ((sl == 3 && !strncmp(body, "ssm", 3)) || (sl == 10 && !strncmp(body, "ssm-secure", 10))) {
        r->kind = sl == 3 ? DR_SSM : DR_SSM_SECURE;
        size_t nl = rl;
        const char *last = NULL;
        for (size_t i = 0; i < rl; i++)
            if (rest[i] == ':')
                last = rest + i;
        if (last && last[1]) {
            bool digits = true;
            for (const char *p = last + 1; p < rest + rl; p++)
                digits &= *p >= '0' && *p <= '9';
            if (digits) {
                char num[24];
                size_t dl = (size_t)(rest + rl - last - 1);
                if (dl >= sizeof num) {
                    snprintf(err, errn, "invalid parameter version");
                    return -1;
                }
                memcpy(num, last + 1, dl);
                num[dl] = '\0';
                r->version = strtol(num, NULL, 10);
                nl = (size_t)(last - rest);
            }
        }
        if (!nl) {
            snprintf(err, errn, "missing parameter name");
            return -1;
        }
        r->id = strndup(rest, nl);
        return r->id ? 0 : -1;
    }
    if (sl == 14 && !strncmp(body, "secretsmanager", 14)) {
        r->kind = DR_SECRETS;
        /* Split into fields; an ARN id spans the first seven. */
        const char *f[16];
        size_t fl[16], nf = 0;
        const char *p = rest, *end = rest + rl;
        while (nf < 16) {
            const char *c = memchr(p, ':', (size_t)(end - p));
            f[nf] = p;
            fl[nf] = c ? (size_t)(c - p) : (size_t)(end - p);
            nf++;
            if (!c)
                break;
            p = c + 1;
        }
        size_t idf = (fl[0] == 3 && !strncmp(f[0], "arn", 3)) ? 7 : 1;
        if (nf < idf || !fl[0]) {
            snprintf(err, errn, "missing or incomplete secret id");
            return -1;
        }
        if (nf > idf + 4) {
            snprintf(err, errn, "too many fields (secret-id:SecretString:json-key:version-stage:version-id)");
            return -1;
        }
        r->id = strndup(f[0], (size_t)(f[idf - 1] + fl[idf - 1] - f[0]));
        if (nf > idf && fl[idf] && !(fl[idf] == 12 && !strncmp(f[idf], "SecretString", 12)) &&
            !memchr(f[idf], DP_DYNREF_HOLE, fl[idf])) {
            snprintf(err, errn, "the field after the secret id must be SecretString");
            return -1;
        }
        if (nf > idf + 1)
            r->json_key = dup_or_null(f[idf + 1], fl[idf + 1]);
        if (nf > idf + 2)
            r->stage = dup_or_null(f[idf + 2], fl[idf + 2]);
        if (nf > idf + 3)
            r->version_id = dup_or_null(f[idf + 3], fl[idf + 3]);
        if (r->stage && r->version_id) {
            snprintf(err, errn, "give a version stage or a version id, not both");
            return -1;
        }
        return r->id ? 0 : -1;
    }
    snprintf(err, errn, "unknown service \"%.*s\" (expected ssm, ssm-secure or secretsmanager)",
             (int)(sl > 40 ? 40 : sl), body);
    return -1;
}

/* Resolves one reference (text = the whole "{{resolve:…}}"), through the cache. Returns a new
 * value (string, secret-wrapped for secure kinds) or NULL with msg filled. */
static cJSON *dr_resolve(dp_template *t, const char *text, const dynref *r, char *msg, size_t msgn)
{
    void *hit = NULL;
    if (dp_strmap_get(&t->dyn_cache, text, &hit))
        return cJSON_Duplicate(hit, 1);
    char *val = NULL;
    dp_err e;
    dp_err_clear(&e);
    int rc;
    if (r->kind == DR_SECRETS)
        rc = t->resolver.secret_get ? t->resolver.secret_get(t->resolver.ctx, r->id, r->stage, r->version_id, &val, &e) : -1;
    else
        rc = t->resolver.ssm_get ? t->resolver.ssm_get(t->resolver.ctx, r->id, r->version, r->kind == DR_SSM_SECURE, &val, &e) : -1;
    if (rc) {
        if (e.kind == DP_OK && !e.message[0])
            snprintf(msg, msgn, "no resolver for this kind of reference");
        else
            dp_err_format(&e, msg, msgn);
        free(val);
        return NULL;
    }
    cJSON *v = NULL;
    if (r->kind == DR_SECRETS && r->json_key) {
        cJSON *doc = cJSON_Parse(val ? val : "");
        const cJSON *item = cJSON_GetObjectItemCaseSensitive(doc, r->json_key);
        dp_buf b;
        dp_buf_init(&b, 0);
        if (!cJSON_IsObject(doc))
            snprintf(msg, msgn, "the secret is not a JSON object, so key \"%s\" cannot be read", r->json_key);
        else if (!item || dp_value_scalar_string(item, &b))
            snprintf(msg, msgn, "the secret has no key \"%s\"", r->json_key);
        else
            v = cJSON_CreateString(dp_buf_str(&b));
        dp_buf_cleanup(&b);
        cJSON_Delete(doc);
    } else {
        v = cJSON_CreateString(val ? val : "");
    }
    if (val) {
        volatile char *p = val;
        while (*p)
            *p++ = 0;
        free(val);
    }
    if (!v)
        return NULL;
    if (r->kind != DR_SSM)
        v = dp_value_secret(v);
    char *key = strdup(text);
    cJSON *cached = cJSON_Duplicate(v, 1);
    if (key && cached && !dp_strmap_put(&t->dyn_cache, key, cached))
        return v;
    free(key);
    cJSON_Delete(cached);
    return v;
}

/* Calls each(ref) for every reference in s; stops on the first non-zero. */
typedef int (*each_fn)(void *ctx, const char *start, size_t len, const dynref *r, const char *err);

static int for_each(const char *s, each_fn each, void *ctx)
{
    const char *p = s;
    while ((p = strstr(p, OPEN))) {
        const char *end = strstr(p, "}}");
        if (!end)
            return each(ctx, p, strlen(p), NULL, "unterminated dynamic reference (missing \"}}\")");
        dynref r;
        char err[256] = "";
        size_t olen = strlen(OPEN);
        int pr = dr_parse(p + olen, (size_t)(end - p - olen), &r, err, sizeof err);
        int rc = each(ctx, p, (size_t)(end + 2 - p), pr ? NULL : &r, pr ? (err[0] ? err : "invalid") : NULL);
        dr_free(&r);
        if (rc)
            return rc;
        p = end + 2;
    }
    return 0;
}

typedef struct check_ctx {
    dp_template *t;
    const dp_node *at;
    bool secure_ok;
} check_ctx;

/* The reference for a message: at most 120 bytes, holes written "${…}". */
static const char *shown(const char *start, size_t len, char *buf, size_t n)
{
    size_t o = 0;
    for (size_t i = 0; i < len && i < 120 && o + 6 < n; i++) {
        if (start[i] == DP_DYNREF_HOLE) {
            memcpy(buf + o, "${\xe2\x80\xa6}", 6);
            o += 6;
        } else {
            buf[o++] = start[i];
        }
    }
    buf[o] = '\0';
    return buf;
}

static int check_one(void *vc, const char *start, size_t len, const dynref *r, const char *err)
{
    check_ctx *c = vc;
    char sh[800];
    if (!r) {
        dp_tpl_error(c->t, c->at->line, c->at->col, "dynamic reference %s: %s", shown(start, len, sh, sizeof sh), err);
        return 0;
    }
    if (r->opaque)
        return 0;
    if (r->kind == DR_SSM_SECURE && !c->secure_ok) {
        dp_tpl_error(c->t, c->at->line, c->at->col,
                     "{{resolve:ssm-secure:…}} is not allowed here (only in properties that accept "
                     "secure references, such as AWS::DMS::Endpoint Password)");
        return 0;
    }
    /* With holes it is resolved once evaluated (validate_props.c, tpl_api.c). */
    if (c->t->has_resolver && !memchr(start, DP_DYNREF_HOLE, len)) {
        char text[1024], msg[800] = "";
        snprintf(text, sizeof text, "%.*s", (int)len, start);
        cJSON *v = dr_resolve(c->t, text, r, msg, sizeof msg);
        if (!v)
            dp_tpl_error(c->t, c->at->line, c->at->col, "dynamic reference %s: %s", shown(start, len, sh, sizeof sh), msg);
        cJSON_Delete(v);
    }
    return 0;
}

void dp_dynref_check(dp_template *t, const dp_node *at, const char *s, bool secure_ok)
{
    if (!strstr(s, OPEN))
        return;
    check_ctx c = {t, at, secure_ok};
    for_each(s, check_one, &c);
}

bool dp_dynref_text_secret(const char *s)
{
    /* By the service name alone, so a reference that cannot be parsed yet still counts. */
    for (const char *p = s; (p = strstr(p, OPEN)); p += strlen(OPEN))
        if (strncmp(p + strlen(OPEN), "ssm:", 4))
            return true;
    return false;
}

typedef struct scan_ctx {
    dp_template *t;
    bool secure_ok;
} scan_ctx;

static void scan_opaque(void *vc, const dp_node *n)
{
    scan_ctx *c = vc;
    dp_dynref_scan(c->t, n, c->secure_ok);
}

void dp_dynref_scan(dp_template *t, const dp_node *n, bool secure_ok)
{
    if (!n)
        return;
    if (n->kind == DP_N_SCALAR) {
        dp_dynref_check(t, n, n->str, secure_ok);
        return;
    }
    scan_ctx c = {t, secure_ok};
    dp_buf b;
    dp_buf_init(&b, 0);
    int r = dp_dynref_shape(n, &b, scan_opaque, &c);
    if (r == 1) {
        /* Report at the Fn::Sub template string when there is one. */
        const dp_node *arg = NULL, *at = n;
        const char *fn = dp_node_intrinsic(n, &arg);
        if (!strcmp(fn, "Fn::Sub"))
            at = arg->kind == DP_N_SEQ ? arg->items[0] : arg;
        dp_dynref_check(t, at, dp_buf_str(&b), secure_ok);
    }
    dp_buf_cleanup(&b);
    if (r)
        return;
    for (size_t i = 0; n->kind == DP_N_SEQ && i < n->n; i++)
        dp_dynref_scan(t, n->items[i], secure_ok);
    for (size_t i = 0; n->kind == DP_N_MAP && i < n->n; i++)
        dp_dynref_scan(t, n->pairs[i].value, secure_ok);
}

typedef struct apply_ctx {
    dp_eval *ev;
    const dp_node *at;
    bool secure_ok;
    dp_buf out;
    const char *prev;   /* end of the previous reference */
    bool secret;
    cJSON *unknown;
    bool failed;
} apply_ctx;

static int apply_one(void *vc, const char *start, size_t len, const dynref *r, const char *err)
{
    apply_ctx *c = vc;
    dp_template *t = c->ev->t;
    char text[1024], sh[800];
    snprintf(text, sizeof text, "%.*s", (int)len, start);
    if (!r || r->opaque || (r->kind == DR_SSM_SECURE && !c->secure_ok)) {
        dp_eval_error(c->ev, c->at, "dynamic reference %s: %s", shown(start, len, sh, sizeof sh),
                      !r ? err : r->opaque ? "invalid service name" : "ssm-secure is not allowed here");
        c->failed = true;
        return 1;
    }
    dp_buf_append(&c->out, c->prev, (size_t)(start - c->prev));
    c->prev = start + len;
    if (!t->has_resolver) {
        /* Unknown until resolved, and secret then when the kind is. */
        if (!c->unknown)
            c->unknown = dp_value_unknown(text);
        c->secret |= r->kind != DR_SSM;
        return 0;
    }
    char msg[800] = "";
    cJSON *v = dr_resolve(t, text, r, msg, sizeof msg);
    if (!v) {
        dp_eval_error(c->ev, c->at, "dynamic reference %s: %s", shown(start, len, sh, sizeof sh), msg);
        c->failed = true;
        return 1;
    }
    if (dp_value_is_secret(v))
        c->secret = true;
    const cJSON *plain = dp_value_is_secret(v) ? dp_value_secret_inner(v) : v;
    dp_buf_puts(&c->out, cJSON_IsString(plain) ? plain->valuestring : "");
    cJSON_Delete(v);
    return 0;
}

static int apply_str(dp_eval *ev, const dp_node *at, cJSON **v, bool secure_ok)
{
    const char *s = (*v)->valuestring;
    apply_ctx c;
    memset(&c, 0, sizeof c);
    c.ev = ev;
    c.at = at;
    c.secure_ok = secure_ok;
    c.prev = s;
    dp_buf_init(&c.out, 0);
    for_each(s, apply_one, &c);
    int rc = 0;
    cJSON *nv = NULL;
    if (c.failed) {
        rc = -1;
    } else if (c.unknown) {
        nv = c.secret ? dp_value_secret_any(c.unknown) : c.unknown;
        c.unknown = NULL;
    } else {
        dp_buf_puts(&c.out, c.prev);
        nv = cJSON_CreateString(dp_buf_str(&c.out));
        if (c.secret)
            nv = dp_value_secret(nv);
    }
    if (nv) {
        cJSON_Delete(*v);
        *v = nv;
    }
    cJSON_Delete(c.unknown);
    dp_buf_cleanup(&c.out);
    return rc;
}

/* cJSON_ReplaceItemViaPointer keeps no key: give the replacement its member name. */
static int set_key(cJSON *item, const char *key)
{
    if (!key)
        return 0;
    char *k = strdup(key);
    if (!k)
        return -1;
    if (!(item->type & cJSON_StringIsConst))
        free(item->string);
    item->type &= ~cJSON_StringIsConst;
    item->string = k;
    return 0;
}

int dp_dynref_apply(dp_eval *ev, const dp_node *at, cJSON **v, bool secure_ok)
{
    if (!*v)
        return 0;
    if (cJSON_IsString(*v))
        return strstr((*v)->valuestring, OPEN) ? apply_str(ev, at, v, secure_ok) : 0;
    if (!cJSON_IsArray(*v) && !cJSON_IsObject(*v))
        return 0;
    if (dp_value_is_unknown(*v))
        return 0;
    bool was_secret = dp_value_is_secret(*v);
    int rc = 0;
    for (cJSON *c = (*v)->child; c; ) {
        cJSON *next = c->next, *nc = c;
        /* Detach-free replacement: work on a duplicate only when it changes. */
        if ((cJSON_IsString(c) && strstr(c->valuestring, OPEN)) || cJSON_IsArray(c) || cJSON_IsObject(c)) {
            nc = cJSON_Duplicate(c, 1);
            if (!nc)
                return -1;
            if (dp_dynref_apply(ev, at, &nc, secure_ok))
                rc = -1;
            if (was_secret && dp_value_is_secret(nc)) {
                cJSON *inner = cJSON_DetachItemViaPointer(nc, nc->child);
                cJSON_Delete(nc);
                nc = inner;
            }
            if (set_key(nc, c->string)) {
                cJSON_Delete(nc);
                return -1;
            }
            cJSON_ReplaceItemViaPointer(*v, c, nc);
        }
        c = next;
    }
    return rc;
}
