/* rotate_template.c - finds the RotationSchedule, its secret and the secret's dependents in
 * the raw template (the resolved form hides which values came from the secret). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drivers/base/buf.h"
#include "provisioner/rotate/rotate.h"
#include "templates/node.h"
#include "templates/yaml_loader.h"

#define UNKNOWN_MARK "\x02" /* a part of the value the template computes from something else */
#define RESOLVE_SM "{{resolve:secretsmanager:"

typedef struct secret_ref {
    const char *logical_id;
    const char *name; /* literal Name or NULL */
} secret_ref;

static char *dup_or_null(const char *s)
{
    return s ? strdup(s) : NULL;
}

static const char *scalar(const dp_node *n)
{
    return n && n->kind == DP_N_SCALAR ? n->str : NULL;
}

static int render(const dp_node *n, const secret_ref *s, dp_buf *out);

/* Fn::Sub: "${Secret}" is the secret; "${!x}" is literal "${x}"; names in vars render their
 * value; anything else is unknown. */
static int render_sub(const char *text, const dp_node *vars, const secret_ref *s, dp_buf *out)
{
    const char *p = text;
    while (*p) {
        const char *open = strstr(p, "${");
        if (!open)
            return dp_buf_puts(out, p);
        if (dp_buf_append(out, p, (size_t)(open - p)))
            return -1;
        const char *close = strchr(open, '}');
        if (!close)
            return dp_buf_puts(out, open);
        size_t n = (size_t)(close - open - 2);
        const char *name = open + 2;
        int rc;
        if (n && name[0] == '!') {
            rc = dp_buf_puts(out, "${") || dp_buf_append(out, name + 1, n - 1) || dp_buf_putc(out, '}');
        } else if (n == strlen(s->logical_id) && !strncmp(name, s->logical_id, n)) {
            rc = dp_buf_puts(out, DP_ROT_SECRET_MARK);
        } else {
            const dp_node *v = NULL;
            for (size_t i = 0; vars && vars->kind == DP_N_MAP && i < vars->n; i++)
                if (strlen(vars->pairs[i].key) == n && !strncmp(vars->pairs[i].key, name, n))
                    v = vars->pairs[i].value;
            rc = v ? render(v, s, out) : dp_buf_puts(out, UNKNOWN_MARK);
        }
        if (rc)
            return -1;
        p = close + 1;
    }
    return 0;
}

/* Appends the text a property value stands for, with references to the secret as the mark. */
static int render(const dp_node *n, const secret_ref *s, dp_buf *out)
{
    const dp_node *arg = NULL;
    const char *fn = dp_node_intrinsic(n, &arg);
    if (!fn)
        return n->kind == DP_N_SCALAR ? dp_buf_puts(out, n->str) : dp_buf_puts(out, UNKNOWN_MARK);
    if (!strcmp(fn, "Ref")) {
        const char *target = scalar(arg);
        return dp_buf_puts(out, target && !strcmp(target, s->logical_id) ? DP_ROT_SECRET_MARK : UNKNOWN_MARK);
    }
    if (!strcmp(fn, "Fn::Sub")) {
        if (scalar(arg))
            return render_sub(arg->str, NULL, s, out);
        if (arg->kind == DP_N_SEQ && arg->n == 2 && scalar(arg->items[0]))
            return render_sub(arg->items[0]->str, arg->items[1], s, out);
    }
    if (!strcmp(fn, "Fn::Join") && arg->kind == DP_N_SEQ && arg->n == 2 && scalar(arg->items[0]) &&
        arg->items[1]->kind == DP_N_SEQ) {
        for (size_t i = 0; i < arg->items[1]->n; i++)
            if ((i && dp_buf_puts(out, arg->items[0]->str)) || render(arg->items[1]->items[i], s, out))
                return -1;
        return 0;
    }
    return dp_buf_puts(out, UNKNOWN_MARK);
}

/* Owned rendering of n with literal mentions of the secret's name marked too; NULL on OOM. */
static char *render_owned(const dp_node *n, const secret_ref *s)
{
    dp_buf b;
    dp_buf_init(&b, 1 << 20);
    if (render(n, s, &b) || dp_buf_putc(&b, '\0')) {
        dp_buf_cleanup(&b);
        return NULL;
    }
    char *text = dp_buf_steal(&b);
    if (!s->name || !text)
        return text;
    /* "{{resolve:secretsmanager:lab/db:…}}" names the secret literally */
    dp_buf_init(&b, 1 << 20);
    char needle[512];
    snprintf(needle, sizeof needle, RESOLVE_SM "%s:", s->name);
    const char *p = text, *hit;
    int rc = 0;
    while (!rc && (hit = strstr(p, needle))) {
        rc = dp_buf_append(&b, p, (size_t)(hit - p)) || dp_buf_puts(&b, RESOLVE_SM DP_ROT_SECRET_MARK ":");
        p = hit + strlen(needle);
    }
    rc = rc || dp_buf_puts(&b, p) || dp_buf_putc(&b, '\0');
    free(text);
    if (rc) {
        dp_buf_cleanup(&b);
        return NULL;
    }
    return dp_buf_steal(&b);
}

static bool refers_to_secret(const char *render)
{
    return render && strstr(render, RESOLVE_SM DP_ROT_SECRET_MARK);
}

/* A settings value naming the secret: Ref, a Sub of it, or the literal name. */
static bool names_secret(const dp_node *n, const secret_ref *s)
{
    dp_buf b;
    dp_buf_init(&b, 1 << 16);
    bool yes = false;
    if (!render(n, s, &b)) {
        const char *t = dp_buf_str(&b);
        yes = !strcmp(t, DP_ROT_SECRET_MARK) || (s->name && !strcmp(t, s->name));
    }
    dp_buf_cleanup(&b);
    return yes;
}

static int add_target(dp_rot_config *c, dp_rot_kind kind, const char *logical_id, const char *name, char *render,
                      const char *prop, dp_err *e)
{
    dp_rot_target *v = realloc(c->targets, (c->ntargets + 1) * sizeof *v);
    if (!v) {
        free(render);
        dp_err_set(e, DP_E_NOMEM, "out of memory");
        return -1;
    }
    c->targets = v;
    char *lid = strdup(logical_id), *nm = dup_or_null(name);
    if (!lid || (name && !nm)) {
        free(lid);
        free(nm);
        free(render);
        dp_err_set(e, DP_E_NOMEM, "out of memory");
        return -1;
    }
    dp_rot_target *t = &v[c->ntargets++];
    t->kind = kind;
    t->logical_id = lid;
    t->name = nm;
    t->render = render;
    t->prop = prop;
    return 0;
}

/* "true"/"false" scalars (YAML or quoted). */
static bool flag(const dp_node *props, const char *key, bool fallback)
{
    const char *v = scalar(dp_node_get(props, key));
    if (!v)
        return fallback;
    return !strcmp(v, "true") || !strcmp(v, "True") || !strcmp(v, "TRUE");
}

static int parse_long(const char *s, long lo, long hi, long *out)
{
    char *end = NULL;
    if (!s || !*s)
        return -1;
    long v = strtol(s, &end, 10);
    if (*end || v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

/* Password rules from GenerateSecretString, with what RDS refuses always excluded. */
static int load_password_rules(const dp_node *secret_props, dp_rot_config *c, dp_err *e)
{
    const dp_node *g = dp_node_get(secret_props, "GenerateSecretString");
    c->length = 32;
    c->require_each = true;
    const char *extra = NULL;
    if (g && g->kind == DP_N_MAP) {
        const char *len = scalar(dp_node_get(g, "PasswordLength"));
        if (len && parse_long(len, 8, 128, &c->length)) {
            dp_err_set(e, DP_E_INPUT, "secret %s: PasswordLength must be 8-128 for an RDS password", c->secret_id);
            return -1;
        }
        extra = scalar(dp_node_get(g, "ExcludeCharacters"));
        c->exclude_punctuation = flag(g, "ExcludePunctuation", false);
        c->exclude_numbers = flag(g, "ExcludeNumbers", false);
        c->exclude_upper = flag(g, "ExcludeUppercase", false);
        c->exclude_lower = flag(g, "ExcludeLowercase", false);
        c->require_each = flag(g, "RequireEachIncludedType", true);
    }
    c->include_space = false; /* RDS refuses spaces whatever IncludeSpace says */
    dp_buf b;
    dp_buf_init(&b, 4096);
    if (dp_buf_puts(&b, "/@\" ") || (extra && dp_buf_puts(&b, extra))) {
        dp_buf_cleanup(&b);
        dp_err_set(e, DP_E_NOMEM, "out of memory");
        return -1;
    }
    c->exclude_chars = dp_buf_steal(&b);
    return 0;
}

/* The schedule's rules and rotation kind. */
static int load_schedule(const char *lid, const dp_node *props, dp_rot_config *c, dp_err *e)
{
    if (dp_node_get(props, "RotationLambdaARN")) {
        dp_err_set(e, DP_E_INPUT,
                   "RotationSchedule %s uses a rotation Lambda (RotationLambdaARN); dmsprov performs only "
                   "HostedRotationLambda RotationType PostgreSQLSingleUser rotations",
                   lid);
        return -1;
    }
    const dp_node *h = dp_node_get(props, "HostedRotationLambda");
    const char *type = scalar(dp_node_get(h, "RotationType"));
    if (!type || strcmp(type, "PostgreSQLSingleUser")) {
        dp_err_set(e, DP_E_INPUT,
                   "RotationSchedule %s: dmsprov performs HostedRotationLambda RotationType PostgreSQLSingleUser "
                   "rotations only (found %s)",
                   lid, type ? type : "no HostedRotationLambda");
        return -1;
    }
    const dp_node *rules = dp_node_get(props, "RotationRules");
    const dp_node *days = dp_node_get(rules, "AutomaticallyAfterDays");
    const dp_node *expr = dp_node_get(rules, "ScheduleExpression");
    if ((days && (!scalar(days) || parse_long(days->str, 1, 1000, &c->after_days))) || (expr && !scalar(expr))) {
        dp_err_set(e, DP_E_INPUT, "RotationSchedule %s: RotationRules must be literal values", lid);
        return -1;
    }
    c->expression = dup_or_null(scalar(expr));
    if (!days && !expr) {
        dp_err_set(e, DP_E_INPUT, "RotationSchedule %s has no RotationRules", lid);
        return -1;
    }
    return 0;
}

static const dp_node *props_of(const dp_node *res)
{
    return dp_node_get(res, "Properties");
}

/* Dependents of the secret among all resources. */
static int find_dependents(const dp_node *resources, const secret_ref *s, dp_rot_config *c, dp_err *e)
{
    for (size_t i = 0; i < resources->n; i++) {
        const char *lid = resources->pairs[i].key;
        const dp_node *res = resources->pairs[i].value;
        const char *type = scalar(dp_node_get(res, "Type"));
        const dp_node *props = props_of(res);
        if (!type || !props)
            continue;
        if (!strcmp(type, "AWS::RDS::DBCluster")) {
            const dp_node *pw = dp_node_get(props, "MasterUserPassword");
            char *r = pw ? render_owned(pw, s) : NULL;
            if (!refers_to_secret(r)) {
                free(r);
                continue;
            }
            if (add_target(c, DP_ROT_CLUSTER, lid, scalar(dp_node_get(props, "DBClusterIdentifier")), r,
                           "MasterUserPassword", e))
                return -1;
        } else if (!strcmp(type, "AWS::SSM::Parameter")) {
            const dp_node *v = dp_node_get(props, "Value");
            const char *marked = scalar(dp_node_get(dp_node_get(res, "Metadata"), "dmsprov:password-of"));
            char *r = v ? render_owned(v, s) : NULL;
            const char *prop = "Value";
            if (marked && !strcmp(marked, s->logical_id) && (!refers_to_secret(r) || strchr(r, UNKNOWN_MARK[0]))) {
                /* the template's Value is something else: the copy is not what it resolves to */
                free(r);
                r = strdup(RESOLVE_SM DP_ROT_SECRET_MARK ":SecretString:password}}");
                prop = NULL;
            }
            if (!refers_to_secret(r)) {
                free(r);
                continue;
            }
            if (add_target(c, DP_ROT_SSM, lid, scalar(dp_node_get(props, "Name")), r, prop, e))
                return -1;
        } else if (!strcmp(type, "AWS::DMS::Endpoint")) {
            const dp_node *pw = dp_node_get(props, "Password");
            char *r = pw ? render_owned(pw, s) : NULL;
            const char *name = scalar(dp_node_get(props, "EndpointIdentifier"));
            if (refers_to_secret(r)) {
                if (add_target(c, DP_ROT_ENDPOINT, lid, name, r, "Password", e))
                    return -1;
                continue;
            }
            free(r);
            for (size_t k = 0; k < props->n; k++) {
                const dp_node *sid = props->pairs[k].value->kind == DP_N_MAP
                                         ? dp_node_get(props->pairs[k].value, "SecretsManagerSecretId")
                                         : NULL;
                if (sid && names_secret(sid, s)) {
                    if (add_target(c, DP_ROT_ENDPOINT_SM, lid, name, NULL, NULL, e))
                        return -1;
                    break;
                }
            }
        }
    }
    return 0;
}

/* SSM parameters marked Metadata {"dmsprov:login": "host"|"port"|"dbname"}: where the login
 * test and the sql method find the database when the secret does not say. */
static int find_login_params(const dp_node *resources, dp_rot_config *c, dp_err *e)
{
    static const char *const fields[] = {"host", "port", "dbname"};
    for (size_t i = 0; i < resources->n; i++) {
        const char *lid = resources->pairs[i].key;
        const dp_node *res = resources->pairs[i].value;
        const dp_node *mark = dp_node_get(dp_node_get(res, "Metadata"), "dmsprov:login");
        if (!mark)
            continue;
        const char *type = scalar(dp_node_get(res, "Type"));
        const char *what = scalar(mark);
        int f = -1;
        for (int k = 0; what && k < 3; k++)
            if (!strcmp(what, fields[k]))
                f = k;
        if (!type || strcmp(type, "AWS::SSM::Parameter") || f < 0) {
            dp_err_set(e, DP_E_INPUT,
                       "%s: Metadata dmsprov:login must be \"host\", \"port\" or \"dbname\" on an AWS::SSM::Parameter",
                       lid);
            return -1;
        }
        for (size_t k = 0; k < c->nlogin; k++)
            if ((int)c->login[k].field == f) {
                dp_err_set(e, DP_E_INPUT, "%s and %s are both marked dmsprov:login %s", c->login[k].logical_id, lid,
                           fields[f]);
                return -1;
            }
        dp_rot_login_param *v = realloc(c->login, (c->nlogin + 1) * sizeof *v);
        if (!v) {
            dp_err_set(e, DP_E_NOMEM, "out of memory");
            return -1;
        }
        c->login = v;
        dp_rot_login_param *p = &v[c->nlogin++];
        p->field = (dp_rot_login_field)f;
        p->logical_id = strdup(lid);
        p->name = dup_or_null(scalar(dp_node_get(props_of(res), "Name")));
        if (!p->logical_id) {
            dp_err_set(e, DP_E_NOMEM, "out of memory");
            return -1;
        }
    }
    return 0;
}

/* The first Fn::ForEach loop key below n, or NULL. */
static const dp_pair *find_loop(const dp_node *n, int depth)
{
    if (!n || depth > 64)
        return NULL;
    const dp_pair *hit = NULL;
    if (n->kind == DP_N_MAP)
        for (size_t i = 0; i < n->n && !hit; i++)
            hit = !strncmp(n->pairs[i].key, "Fn::ForEach::", 13) ? &n->pairs[i] : find_loop(n->pairs[i].value, depth + 1);
    else if (n->kind == DP_N_SEQ)
        for (size_t i = 0; i < n->n && !hit; i++)
            hit = find_loop(n->items[i], depth + 1);
    return hit;
}

static int load_doc(const dp_doc *doc, const char *want_secret, dp_rot_config *c, dp_err *e)
{
    const dp_node *resources = doc->root ? dp_node_get(doc->root, "Resources") : NULL;
    if (!resources || resources->kind != DP_N_MAP) {
        dp_err_set(e, DP_E_INPUT, "%s has no Resources", doc->file);
        return -1;
    }
    /* The dependents of the password are found in the template as written: a loop could make
     * one that this scan would miss, and a missed copy would keep the old password. */
    const dp_pair *loop = find_loop(resources, 0);
    if (loop) {
        dp_err_set(e, DP_E_INPUT,
                   "%s:%d:%d: rotate does not read resources made by %s yet (one could hold a copy of the "
                   "password); write them out without Fn::ForEach",
                   doc->file, loop->line, loop->col, loop->key);
        return -1;
    }
    const char *sched = NULL, *secret = NULL;
    int found = 0;
    for (size_t i = 0; i < resources->n; i++) {
        const dp_node *res = resources->pairs[i].value;
        const char *type = scalar(dp_node_get(res, "Type"));
        if (!type || strcmp(type, "AWS::SecretsManager::RotationSchedule"))
            continue;
        const dp_node *sid = dp_node_get(props_of(res), "SecretId"), *arg = NULL;
        const char *fn = sid ? dp_node_intrinsic(sid, &arg) : NULL;
        const char *target = fn && !strcmp(fn, "Ref") ? scalar(arg) : NULL;
        if (!target && scalar(sid)) /* a literal name: the secret resource with that Name */
            for (size_t k = 0; k < resources->n && !target; k++) {
                const char *nm = scalar(dp_node_get(props_of(resources->pairs[k].value), "Name"));
                if (nm && !strcmp(nm, sid->str))
                    target = resources->pairs[k].key;
            }
        if (!target || (want_secret && strcmp(want_secret, target)))
            continue;
        sched = resources->pairs[i].key;
        secret = target;
        found++;
    }
    if (found != 1) {
        if (found)
            dp_err_set(e, DP_E_INPUT, "%s has %d RotationSchedules; choose one with --secret LOGICAL_ID", doc->file,
                       found);
        else
            dp_err_set(e, DP_E_INPUT, "%s has no AWS::SecretsManager::RotationSchedule%s%s referring to a secret",
                       doc->file, want_secret ? " for " : "", want_secret ? want_secret : "");
        return -1;
    }
    const dp_node *sres = dp_node_get(resources, secret);
    const char *stype = scalar(dp_node_get(sres, "Type"));
    if (!stype || strcmp(stype, "AWS::SecretsManager::Secret")) {
        dp_err_set(e, DP_E_INPUT, "RotationSchedule %s: %s is not an AWS::SecretsManager::Secret", sched, secret);
        return -1;
    }
    c->schedule_id = strdup(sched);
    c->secret_id = strdup(secret);
    c->secret_name = dup_or_null(scalar(dp_node_get(props_of(sres), "Name")));
    if (!c->schedule_id || !c->secret_id) {
        dp_err_set(e, DP_E_NOMEM, "out of memory");
        return -1;
    }
    secret_ref s = {c->secret_id, c->secret_name};
    if (load_schedule(sched, props_of(dp_node_get(resources, sched)), c, e) ||
        load_password_rules(props_of(sres), c, e) || find_dependents(resources, &s, c, e) ||
        find_login_params(resources, c, e))
        return -1;
    return 0;
}

int dp_rot_config_load(const char *path, const char *secret_logical_id, dp_rot_config *out, dp_err *e)
{
    memset(out, 0, sizeof *out);
    dp_diags d;
    dp_diags_init(&d);
    dp_doc *doc = dp_load_file(path, &d);
    if (!doc) {
        dp_buf b;
        dp_buf_init(&b, 1 << 16);
        dp_diags_render(&d, &b);
        dp_err_set(e, DP_E_INPUT, "%s", dp_buf_str(&b));
        dp_buf_cleanup(&b);
        dp_diags_cleanup(&d);
        return -1;
    }
    int rc = load_doc(doc, secret_logical_id, out, e);
    dp_doc_free(doc);
    dp_diags_cleanup(&d);
    if (rc)
        dp_rot_config_cleanup(out);
    return rc;
}

void dp_rot_config_cleanup(dp_rot_config *c)
{
    for (size_t i = 0; i < c->ntargets; i++) {
        free(c->targets[i].logical_id);
        free(c->targets[i].name);
        free(c->targets[i].render);
    }
    free(c->targets);
    for (size_t i = 0; i < c->nlogin; i++) {
        free(c->login[i].logical_id);
        free(c->login[i].name);
    }
    free(c->login);
    free(c->schedule_id);
    free(c->secret_id);
    free(c->secret_name);
    free(c->expression);
    free(c->exclude_chars);
    memset(c, 0, sizeof *c);
}
