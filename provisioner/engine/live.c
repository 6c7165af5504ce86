/* live.c - listing and reading the stack's live resources in parallel. */
#include "provisioner/engine/live.h"

#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

#include "drivers/resources/driver.h"
#include "provisioner/engine/exec.h"
#include "templates/value.h"

void dp_live_init(dp_live *l) { memset(l, 0, sizeof *l); }

void dp_live_cleanup(dp_live *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->v[i].logical_id);
        free(l->v[i].type);
        free(l->v[i].physical_id);
        cJSON_Delete(l->v[i].model);
    }
    free(l->v);
    memset(l, 0, sizeof *l);
}

dp_live_res *dp_live_add(dp_live *l, const char *logical_id, const char *type, const char *physical_id, bool listed)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 16;
        dp_live_res *v = realloc(l->v, cap * sizeof *v);
        if (!v)
            return NULL;
        l->v = v;
        l->cap = cap;
    }
    dp_live_res *r = &l->v[l->n];
    memset(r, 0, sizeof *r);
    r->logical_id = strdup(logical_id ? logical_id : "");
    r->type = strdup(type ? type : "");
    r->physical_id = physical_id ? strdup(physical_id) : NULL;
    r->listed = listed;
    if (!r->logical_id || !r->type || (physical_id && !r->physical_id)) {
        free(r->logical_id);
        free(r->type);
        free(r->physical_id);
        return NULL;
    }
    l->n++;
    return r;
}

dp_live_res *dp_live_find(dp_live *l, const char *logical_id, const char *physical_id)
{
    for (size_t i = 0; i < l->n; i++)
        if (!strcmp(l->v[i].logical_id, logical_id) &&
            (!physical_id || (l->v[i].physical_id && !strcmp(l->v[i].physical_id, physical_id))))
            return &l->v[i];
    return NULL;
}

static long requests(const dp_engine *eng) { return eng->client ? dp_client_request_count(eng->client) : 0; }

/* ---- list ---- */

typedef struct found {
    char *logical, *physical;
} found;

typedef struct list_job {
    const dp_engine *eng;
    const char **types;
    size_t ntypes;
    found **hits;    /* per type */
    size_t *nhits, *caps;
    dp_err *errs;
    dp_live *l;
    bool oom;
} list_job;

typedef struct list_cb {
    list_job *job;
    size_t i;
} list_cb;

static int on_listed(void *ctx, const char *type, const char *logical_id, const char *physical_id, dp_err *e)
{
    (void)type;
    list_cb *cb = ctx;
    list_job *j = cb->job;
    size_t i = cb->i;
    if (!logical_id || !physical_id)
        return 0;
    if (j->nhits[i] == j->caps[i]) {
        size_t cap = j->caps[i] ? j->caps[i] * 2 : 8;
        found *v = realloc(j->hits[i], cap * sizeof *v);
        if (!v) {
            dp_err_set(e, DP_E_NOMEM, "out of memory");
            return -1;
        }
        j->hits[i] = v;
        j->caps[i] = cap;
    }
    found *f = &j->hits[i][j->nhits[i]];
    f->logical = strdup(logical_id);
    f->physical = strdup(physical_id);
    if (!f->logical || !f->physical) {
        free(f->logical);
        free(f->physical);
        dp_err_set(e, DP_E_NOMEM, "out of memory");
        return -1;
    }
    j->nhits[i]++;
    return 0;
}

static void list_step(void *ctx, size_t i, const cJSON *context, dp_progress *p)
{
    (void)context;
    list_job *j = ctx;
    const dp_driver *d = j->eng->find_driver(j->types[i]);
    if (!d || !d->list) {
        p->status = DP_OP_SUCCESS; /* nothing to find for a type without list() */
        return;
    }
    list_cb cb = {j, i};
    dp_err e;
    dp_err_clear(&e);
    if (d->list(j->eng->client, j->eng->stack, on_listed, &cb, &e)) {
        p->status = DP_OP_FAILED;
        p->err = e;
        dp_err_prefix(&p->err, "listing %s resources of stack %s", j->types[i], j->eng->stack);
        return;
    }
    p->status = DP_OP_SUCCESS;
}

static void list_done(void *ctx, size_t i, dp_progress *p)
{
    list_job *j = ctx;
    if (p->status != DP_OP_SUCCESS) {
        j->errs[i] = p->err;
        return;
    }
    for (size_t k = 0; k < j->nhits[i]; k++) {
        found *f = &j->hits[i][k];
        if (!dp_live_add(j->l, f->logical, j->types[i], f->physical, true))
            j->oom = true;
    }
}

int dp_live_list(const dp_engine *eng, const char *const *types, size_t ntypes, dp_live *l, dp_err *e)
{
    const char **uniq = calloc(ntypes + 1, sizeof *uniq);
    size_t n = 0;
    if (!uniq) {
        dp_err_set(e, DP_E_NOMEM, "out of memory");
        return -1;
    }
    for (size_t i = 0; i < ntypes; i++) {
        bool dup = false;
        for (size_t k = 0; k < n && !dup; k++)
            dup = !strcmp(uniq[k], types[i]);
        if (!dup)
            uniq[n++] = types[i];
    }
    list_job j = {.eng = eng, .types = uniq, .ntypes = n, .l = l};
    j.hits = calloc(n + 1, sizeof *j.hits);
    j.nhits = calloc(n + 1, sizeof *j.nhits);
    j.caps = calloc(n + 1, sizeof *j.caps);
    j.errs = calloc(n + 1, sizeof *j.errs);
    dp_exec_node *nodes = calloc(n + 1, sizeof *nodes);
    int rc = -1;
    if (!j.hits || !j.nhits || !j.caps || !j.errs || !nodes) {
        dp_err_set(e, DP_E_NOMEM, "out of memory");
        goto done;
    }
    long before = requests(eng);
    dp_exec_ops ops = {.ctx = &j, .step = list_step, .done = list_done};
    dp_exec_opts o = {.parallelism = eng->parallelism > 0 ? eng->parallelism : 10};
    dp_exec_stats st;
    dp_exec_run(nodes, n, &ops, &o, &st);
    l->requests += requests(eng) - before;
    l->wall_s += st.wall_s;
    l->lists += (long)n;
    rc = 0;
    for (size_t i = 0; i < n; i++)
        if (j.errs[i].kind) {
            if (e)
                *e = j.errs[i];
            rc = -1;
            break;
        }
    if (!rc && j.oom) {
        dp_err_set(e, DP_E_NOMEM, "out of memory");
        rc = -1;
    }
done:
    for (size_t i = 0; j.hits && i < n; i++) {
        for (size_t k = 0; k < j.nhits[i]; k++) {
            free(j.hits[i][k].logical);
            free(j.hits[i][k].physical);
        }
        free(j.hits[i]);
    }
    free(j.hits);
    free(j.nhits);
    free(j.caps);
    free(j.errs);
    free(nodes);
    free(uniq);
    return rc;
}

/* ---- read ---- */

typedef struct read_job {
    const dp_engine *eng;
    dp_live *l;
    size_t *idx;       /* node -> entry */
    dp_err err;
    bool failed;
} read_job;

static void read_step(void *ctx, size_t i, const cJSON *context, dp_progress *p)
{
    read_job *j = ctx;
    dp_live_res *r = &j->l->v[j->idx[i]];
    const dp_driver *d = j->eng->find_driver(r->type);
    if (!d || !d->read) {
        dp_progress_failf(p, DP_E_INTERNAL, "no driver for %s (resource %s)", r->type, r->logical_id);
        return;
    }
    dp_resource_req req = {.client = j->eng->client, .stack = j->eng->stack, .logical_id = r->logical_id,
                           .region = j->eng->region, .account_id = j->eng->account_id,
                           .partition = j->eng->partition, .physical_id = r->physical_id, .context = context};
    d->read(&req, p);
}

static void read_done(void *ctx, size_t i, dp_progress *p)
{
    read_job *j = ctx;
    dp_live_res *r = &j->l->v[j->idx[i]];
    r->read_done = true;
    if (p->status == DP_OP_SUCCESS && p->model) {
        r->found = true;
        r->model = p->model;
        p->model = NULL;
        return;
    }
    if (p->status == DP_OP_SUCCESS || p->err.kind == DP_E_NOT_FOUND)
        return; /* gone */
    if (!j->failed) {
        j->err = p->err;
        dp_err_prefix(&j->err, "reading %s %s", r->type, r->logical_id);
        j->failed = true;
    }
}

int dp_live_read(const dp_engine *eng, dp_live *l, dp_err *e)
{
    size_t n = 0;
    size_t *idx = calloc(l->n + 1, sizeof *idx);
    dp_exec_node *nodes = calloc(l->n + 1, sizeof *nodes);
    if (!idx || !nodes) {
        free(idx);
        free(nodes);
        dp_err_set(e, DP_E_NOMEM, "out of memory");
        return -1;
    }
    for (size_t i = 0; i < l->n; i++)
        if (l->v[i].want_read && !l->v[i].read_done && l->v[i].physical_id)
            idx[n++] = i;
    read_job j = {.eng = eng, .l = l, .idx = idx};
    long before = requests(eng);
    dp_exec_ops ops = {.ctx = &j, .step = read_step, .done = read_done};
    dp_exec_opts o = {.parallelism = eng->parallelism > 0 ? eng->parallelism : 10};
    dp_exec_stats st;
    dp_exec_run(nodes, n, &ops, &o, &st);
    l->requests += requests(eng) - before;
    l->wall_s += st.wall_s;
    l->reads += (long)n;
    free(idx);
    free(nodes);
    if (j.failed) {
        if (e)
            *e = j.err;
        return -1;
    }
    return 0;
}

static int res_cmp(const void *a, const void *b)
{
    const dp_live_res *x = *(const dp_live_res *const *)a, *y = *(const dp_live_res *const *)b;
    int c = strcmp(x->logical_id, y->logical_id);
    return c ? c : strcmp(x->physical_id ? x->physical_id : "", y->physical_id ? y->physical_id : "");
}

int dp_live_fingerprint(const dp_live *l, char out[65], dp_err *e)
{
    const dp_live_res **v = calloc(l->n + 1, sizeof *v);
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    if (!v || !md || EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1) {
        free(v);
        EVP_MD_CTX_free(md);
        dp_err_set(e, DP_E_NOMEM, "out of memory");
        return -1;
    }
    size_t n = 0;
    for (size_t i = 0; i < l->n; i++)
        if (l->v[i].found || l->v[i].listed)
            v[n++] = &l->v[i];
    qsort(v, n, sizeof *v, res_cmp);
    int rc = 0;
    for (size_t i = 0; i < n && !rc; i++) {
        const cJSON *props = v[i]->model ? cJSON_GetObjectItemCaseSensitive(v[i]->model, "Properties") : NULL;
        const cJSON *attrs = v[i]->model ? cJSON_GetObjectItemCaseSensitive(v[i]->model, "Attributes") : NULL;
        char *p = props ? dp_json_canonical(props) : NULL, *a = attrs ? dp_json_canonical(attrs) : NULL;
        const char *parts[] = {v[i]->logical_id, v[i]->type, v[i]->physical_id ? v[i]->physical_id : "",
                               p ? p : "", a ? a : ""};
        for (size_t k = 0; k < 5; k++)
            if (EVP_DigestUpdate(md, parts[k], strlen(parts[k]) + 1) != 1) /* the NUL separates */
                rc = -1;
        free(p);
        free(a);
    }
    unsigned char d[32];
    unsigned int dl = 0;
    if (!rc && EVP_DigestFinal_ex(md, d, &dl) == 1) {
        for (unsigned k = 0; k < dl; k++)
            snprintf(out + 2 * k, 3, "%02x", d[k]);
    } else {
        dp_err_set(e, DP_E_INTERNAL, "SHA-256 failed");
        rc = -1;
    }
    EVP_MD_CTX_free(md);
    free(v);
    return rc;
}
