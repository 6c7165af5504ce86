/* stack.c - AWS session, state and template of one stack, for the engine commands. */
#include "provisioner/engine/stack.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "drivers/base/buf.h"
#include "drivers/base/log.h"
#include "provisioner/engine/aws_resolver.h"
#include "templates/value.h"

extern char **environ;

bool dp_stack_name_valid(const char *name)
{
    size_t n = name ? strlen(name) : 0;
    if (n == 0 || n > 100 || !isalpha((unsigned char)name[0]))
        return false;
    for (size_t i = 0; i < n; i++)
        if (!isalnum((unsigned char)name[i]) && name[i] != '-')
            return false;
    return true;
}

int dp_stack_params_from_env(dp_param_inputs *in, dp_err *e)
{
    static const char prefix[] = "DMSPROV_PARAM_";
    for (char **ev = environ; ev && *ev; ev++) {
        if (strncmp(*ev, prefix, sizeof prefix - 1))
            continue;
        const char *kv = *ev + sizeof prefix - 1;
        const char *eq = strchr(kv, '=');
        if (!eq || eq == kv)
            continue;
        char key[256];
        snprintf(key, sizeof key, "%.*s", (int)(eq - kv), kv);
        if (dp_param_inputs_set(in, key, eq + 1, NULL, 0, 0, e))
            return -1;
    }
    return 0;
}

/* ---- session ---- */

int dp_stack_session_open(dp_stack_session *s, const dp_globals *g, const char *stack, dp_err *e)
{
    memset(s, 0, sizeof *s);
    snprintf(s->stack, sizeof s->stack, "%s", stack);
    s->client = dp_session_client(g, e);
    if (!s->client)
        return -1;
    if (dp_sts_get_caller_identity(s->client, &s->ident, e)) {
        dp_err_prefix(e, "finding the AWS account");
        return -1;
    }
    s->store = dp_state_open(g->state, s->client, e);
    if (!s->store)
        return -1;
    dp_engine_init(&s->eng, s->client, s->stack, s->store);
    s->eng.account_id = s->ident.account;
    if (g->no_color)
        s->eng.color = false;
    return 0;
}

int dp_stack_session_lock(dp_stack_session *s, const char *operation, bool break_lock, dp_err *e)
{
    if (dp_state_lock(s->store, s->stack, operation, break_lock, e))
        return -1;
    s->locked = true;
    return 0;
}

static int file_sha256(const char *path, char out[65], dp_err *e)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        dp_err_set(e, DP_E_IO, "cannot read %s: %s", path, strerror(errno));
        return -1;
    }
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    int rc = md && EVP_DigestInit_ex(md, EVP_sha256(), NULL) == 1 ? 0 : -1;
    unsigned char buf[8192];
    size_t n;
    while (!rc && (n = fread(buf, 1, sizeof buf, f)) > 0)
        if (EVP_DigestUpdate(md, buf, n) != 1)
            rc = -1;
    unsigned char d[32];
    unsigned int dl = 0;
    if (!rc && EVP_DigestFinal_ex(md, d, &dl) == 1)
        for (unsigned i = 0; i < dl; i++)
            snprintf(out + 2 * i, 3, "%02x", d[i]);
    else
        rc = -1;
    if (rc)
        dp_err_set(e, DP_E_IO, "cannot hash %s", path);
    EVP_MD_CTX_free(md);
    fclose(f);
    return rc;
}

static int tpl_properties(void *ctx, const char *logical_id, const dp_known *known, cJSON **out, dp_err *e)
{
    dp_stack_session *s = ctx;
    pthread_mutex_lock(&s->tpl_mu); /* the template caches resolutions: one caller at a time */
    int rc = dp_template_resource_properties(s->tpl, logical_id, known, out, e);
    pthread_mutex_unlock(&s->tpl_mu);
    return rc;
}

static int tpl_outputs(void *ctx, const dp_known *known, cJSON **out, dp_err *e)
{
    dp_stack_session *s = ctx;
    pthread_mutex_lock(&s->tpl_mu);
    int rc = dp_template_outputs(s->tpl, known, out, e);
    pthread_mutex_unlock(&s->tpl_mu);
    return rc;
}

/* A stable stack id in CloudFormation's form (AWS::StackId): the same stack name in the same
 * account and region always gets the same id. */
static void stack_id(const dp_stack_session *s, char *out, size_t n)
{
    unsigned char d[32];
    unsigned int dl = 0;
    char seed[512];
    snprintf(seed, sizeof seed, "%s/%s/%s", s->ident.account ? s->ident.account : "", s->eng.region, s->stack);
    EVP_Digest(seed, strlen(seed), d, &dl, EVP_sha256(), NULL);
    snprintf(out, n,
             "arn:%s:cloudformation:%s:%s:stack/%s/%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
             s->eng.partition, s->eng.region, s->ident.account ? s->ident.account : "", s->stack, d[0], d[1], d[2],
             d[3], d[4], d[5], d[6], d[7], d[8], d[9], d[10], d[11], d[12], d[13], d[14], d[15]);
}

int dp_stack_load_template(dp_stack_session *s, const char *path, const dp_param_inputs *params, bool for_destroy,
                           dp_err *e)
{
    if (file_sha256(path, s->template_hash, e))
        return -1;
    /* destroy only needs the graph and the policies: no parameters required, no AWS reads */
    if (!for_destroy) {
        if (dp_aws_resolver_with_client(s->client, &s->resolver, e))
            return -1;
        s->have_resolver = true;
    }
    char sid[400];
    stack_id(s, sid, sizeof sid);
    dp_tpl_context ctx = {.stack_name = s->stack, .stack_id = sid, .region = s->eng.region,
                          .account_id = s->ident.account, .partition = s->eng.partition};
    dp_tpl_options to = {.params = params, .ctx = &ctx, .resolver = for_destroy ? NULL : &s->resolver,
                         .type_rules = dp_engine_type_rules(), .require_all_params = !for_destroy};
    dp_diags d;
    dp_diags_init(&d);
    s->tpl = dp_template_load(path, &to, &d);
    if (d.n)
        dp_diags_print(&d, stderr);
    size_t nerr = d.errors;
    dp_diags_cleanup(&d);
    if (!s->tpl) {
        dp_err_set(e, DP_E_INPUT, "%s: %zu error%s in the template", path, nerr, nerr == 1 ? "" : "s");
        return -1;
    }
    s->template_path = strdup(path);
    pthread_mutex_init(&s->tpl_mu, NULL);
    s->mu_init = true;
    size_t n = dp_template_resource_count(s->tpl);
    s->res = calloc(n + 1, sizeof *s->res);
    s->params_public = cJSON_CreateObject();
    if (!s->res || !s->template_path || !s->params_public) {
        dp_err_set(e, DP_E_NOMEM, "out of memory");
        return -1;
    }
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        const dp_tpl_resource *r = dp_template_resource_at(s->tpl, i);
        if (!r->active)
            continue;
        s->res[k++] = (dp_desired_res){.logical_id = r->logical_id, .type = r->type, .schema = r->schema,
                                      .deps = r->depends_on, .ndeps = r->ndepends_on,
                                      .deletion_policy = r->deletion_policy,
                                      .update_replace_policy = r->update_replace_policy};
        if (!s->eng.find_driver(r->type)) {
            dp_err_set(e, DP_E_INPUT, "%s: resource %s: type %s is not supported by dmsprov", path, r->logical_id, r->type);
            return -1;
        }
    }
    s->desired = (dp_desired){.ctx = s, .res = s->res, .n = k, .properties = tpl_properties, .outputs = tpl_outputs};
    for (size_t i = 0; i < dp_template_param_count(s->tpl); i++) {
        const dp_tpl_param *p = dp_template_param_at(s->tpl, i);
        if (p->no_echo || !p->value || dp_value_contains_secret(p->value) || dp_value_contains_unknown(p->value))
            continue;
        cJSON_AddItemToObject(s->params_public, p->name, cJSON_Duplicate(p->value, true));
    }
    return 0;
}

void dp_stack_session_close(dp_stack_session *s)
{
    if (s->locked) {
        dp_err e;
        dp_err_clear(&e);
        if (dp_state_unlock(s->store, s->stack, &e))
            dp_warn("could not release the lock of stack %s: %s", s->stack, e.message);
    }
    if (s->tpl)
        dp_template_free(s->tpl);
    if (s->have_resolver)
        dp_aws_resolver_close(&s->resolver);
    if (s->mu_init)
        pthread_mutex_destroy(&s->tpl_mu);
    free(s->res);
    free(s->template_path);
    cJSON_Delete(s->params_public);
    if (s->store)
        dp_state_close(s->store);
    dp_identity_cleanup(&s->ident);
    if (s->client)
        dp_client_free(s->client);
    memset(s, 0, sizeof *s);
}

cJSON *dp_stack_state_read(dp_stack_session *s, bool *existed, dp_err *e)
{
    cJSON *st = NULL;
    if (dp_state_read(s->store, s->stack, &st, e))
        return NULL;
    if (existed)
        *existed = st != NULL;
    if (!st) {
        st = cJSON_CreateObject();
        cJSON_AddNumberToObject(st, "version", 1);
        cJSON_AddStringToObject(st, "stack", s->stack);
        cJSON_AddObjectToObject(st, "resources");
    }
    return st;
}

int dp_write_file_atomic(const char *path, const char *data, size_t len, dp_err *e)
{
    char tmp[PATH_MAX];
    int n = snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid());
    if (n < 0 || (size_t)n >= sizeof tmp) {
        dp_err_set(e, DP_E_IO, "path too long: %s", path);
        return -1;
    }
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0) {
        dp_err_set(e, DP_E_IO, "cannot write %s: %s", tmp, strerror(errno));
        return -1;
    }
    size_t off = 0;
    while (off < len) {
        ssize_t w = write(fd, data + off, len - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            dp_err_set(e, DP_E_IO, "cannot write %s: %s", tmp, strerror(errno));
            close(fd);
            unlink(tmp);
            return -1;
        }
        off += (size_t)w;
    }
    if (fsync(fd) || close(fd) || rename(tmp, path)) {
        dp_err_set(e, DP_E_IO, "cannot write %s: %s", path, strerror(errno));
        unlink(tmp);
        return -1;
    }
    return 0;
}

int dp_stack_plan(dp_stack_session *s, const cJSON *state, dp_plan *plan, dp_err *e)
{
    dp_plan_init(plan);
    plan->stack = strdup(s->stack);
    plan->template_path = s->template_path ? strdup(s->template_path) : NULL;
    plan->template_hash = strdup(s->template_hash);
    plan->parameters = s->params_public ? cJSON_Duplicate(s->params_public, true) : NULL;
    if (!plan->stack || !plan->template_hash) {
        dp_err_set(e, DP_E_NOMEM, "out of memory");
        return -1;
    }
    return dp_plan_build(&s->eng, &s->desired, state, plan, e);
}
