/* apply.c - the apply scheduler: plan actions become executor nodes; results feed state. */
#include "provisioner/engine/apply.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "drivers/base/jsonutil.h"
#include "drivers/resources/driver.h"
#include "templates/value.h"

enum op { OP_CREATE, OP_UPDATE, OP_DELETE };

typedef struct anode {
    size_t action;
    enum op op;
    bool old;            /* delete of the replaced resource */
    bool pre;            /* delete that must happen before the create (delete-then-create) */
    size_t *deps;
    size_t ndeps, capdeps;
    cJSON *desired;      /* stripped properties, prepared on the first step */
    cJSON *resolved;     /* the same with markers (for secret hashes) */
    bool prepared;
    double t0;
} anode;

/* What is known about each action's resource while the run goes on. */
typedef struct known_res {
    char *physical_id;
    cJSON *attrs;
} known_res;

typedef struct apply_run {
    const dp_engine *eng;
    const dp_plan *plan;
    const dp_desired *d;
    const dp_apply_opts *o;
    cJSON *state;
    anode *nodes;
    size_t n, cap;
    long *ready_node;    /* per action: the node after which dependents may start, or -1 */
    long *create_node, *update_node, *delete_node;
    known_res *known;
    pthread_mutex_t known_mu;
    dp_apply_result *res;
    bool *created_now;   /* per action: this run created it */
    dp_err first;
    bool failed;
    dp_err state_err;
    bool state_failed;
} apply_run;

static long new_node(apply_run *r, size_t action, enum op op)
{
    if (r->n == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 16;
        anode *v = realloc(r->nodes, cap * sizeof *v);
        if (!v)
            return -1;
        r->nodes = v;
        r->cap = cap;
    }
    anode *nd = &r->nodes[r->n];
    memset(nd, 0, sizeof *nd);
    nd->action = action;
    nd->op = op;
    return (long)r->n++;
}

static int add_dep(apply_run *r, long node, long dep)
{
    if (node < 0 || dep < 0 || node == dep)
        return 0;
    anode *nd = &r->nodes[node];
    for (size_t i = 0; i < nd->ndeps; i++)
        if (nd->deps[i] == (size_t)dep)
            return 0;
    if (nd->ndeps == nd->capdeps) {
        size_t cap = nd->capdeps ? nd->capdeps * 2 : 4;
        size_t *v = realloc(nd->deps, cap * sizeof *v);
        if (!v)
            return -1;
        nd->deps = v;
        nd->capdeps = cap;
    }
    nd->deps[nd->ndeps++] = (size_t)dep;
    return 0;
}

static long action_index(const dp_plan *p, const char *logical_id)
{
    for (size_t i = 0; i < p->n; i++)
        if (!strcmp(p->v[i].logical_id, logical_id) && p->v[i].kind != DP_ACT_DELETE)
            return (long)i;
    return -1;
}

static bool in_list(char **v, size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(v[i], s))
            return true;
    return false;
}

/* ---- state ---- */

static cJSON *state_resources(cJSON *state)
{
    cJSON *r = cJSON_GetObjectItemCaseSensitive(state, "resources");
    if (!cJSON_IsObject(r)) {
        cJSON_DeleteItemFromObjectCaseSensitive(state, "resources");
        r = cJSON_AddObjectToObject(state, "resources");
    }
    return r;
}

static void save_state(apply_run *r)
{
    if (!r->eng->store)
        return;
    dp_err e;
    dp_err_clear(&e);
    if (dp_state_write(r->eng->store, r->eng->stack, r->state, &e) && !r->state_failed) {
        r->state_failed = true;
        r->state_err = e;
    }
}

static cJSON *strv_json(char **v, size_t n)
{
    cJSON *a = cJSON_CreateArray();
    for (size_t i = 0; a && i < n; i++)
        cJSON_AddItemToArray(a, cJSON_CreateString(v[i]));
    return a;
}

/* Replaces the state entry of an action after a create or update. */
static void record_resource(apply_run *r, const dp_action *a, anode *nd, const cJSON *model, const char *status)
{
    cJSON *res = state_resources(r->state);
    cJSON *ent = cJSON_CreateObject();
    if (!ent)
        return;
    cJSON_AddStringToObject(ent, "type", a->type);
    const char *pid = model ? dp_json_str(model, "PhysicalId") : NULL;
    if (!pid)
        pid = a->physical_id;
    if (pid)
        cJSON_AddStringToObject(ent, "physical_id", pid);
    cJSON *props = NULL, *hashes = NULL;
    const dp_schema_type *schema = NULL;
    for (size_t i = 0; r->d && i < r->d->n; i++)
        if (!strcmp(r->d->res[i].logical_id, a->logical_id))
            schema = r->d->res[i].schema;
    dp_err e;
    dp_err_clear(&e);
    if (nd && nd->resolved &&
        !dp_diff_state_props(schema, nd->resolved, r->eng->secret_hash, r->eng->secret_hash_ctx, &props, &hashes, &e)) {
        cJSON_AddItemToObject(ent, "properties", props);
        cJSON_AddItemToObject(ent, "secret_hashes", hashes);
    }
    const cJSON *attrs = model ? cJSON_GetObjectItemCaseSensitive(model, "Attributes") : NULL;
    cJSON *kept = attrs ? cJSON_Duplicate(attrs, true) : cJSON_CreateObject();
    /* An attribute that mirrors a secret property (an SSM copy's Value) is a secret too: the
     * state keeps only the property's keyed hash. */
    const cJSON *h;
    cJSON_ArrayForEach(h, hashes) cJSON_DeleteItemFromObjectCaseSensitive(kept, h->string);
    cJSON_AddItemToObject(ent, "attributes", kept);
    if (a->client_token)
        cJSON_AddStringToObject(ent, "client_token", a->client_token);
    cJSON_AddStringToObject(ent, "status", status);
    cJSON_AddItemToObject(ent, "depends_on", strv_json(a->deps, a->ndeps));
    cJSON_AddStringToObject(ent, "deletion_policy", a->deletion_policy ? a->deletion_policy : "Delete");
    if (cJSON_GetObjectItemCaseSensitive(res, a->logical_id))
        cJSON_ReplaceItemInObjectCaseSensitive(res, a->logical_id, ent);
    else
        cJSON_AddItemToObject(res, a->logical_id, ent);
}

/* ---- known values for resolving at apply time ---- */

static cJSON *apply_lookup(void *ctx, const char *logical_id, const char *attr)
{
    apply_run *r = ctx;
    long i = action_index(r->plan, logical_id);
    if (i < 0)
        return NULL;
    cJSON *out = NULL;
    pthread_mutex_lock(&r->known_mu);
    known_res *k = &r->known[i];
    if (!attr && k->physical_id)
        out = cJSON_CreateString(k->physical_id);
    else if (attr && k->attrs) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(k->attrs, attr);
        out = v ? cJSON_Duplicate(v, true) : NULL;
    }
    pthread_mutex_unlock(&r->known_mu);
    return out;
}

static void set_known(apply_run *r, size_t action, const cJSON *model)
{
    pthread_mutex_lock(&r->known_mu);
    known_res *k = &r->known[action];
    const char *pid = dp_json_str(model, "PhysicalId");
    char *copy = pid ? strdup(pid) : NULL;
    if (copy) { /* on OOM the id known before stays */
        free(k->physical_id);
        k->physical_id = copy;
    }
    const cJSON *attrs = cJSON_GetObjectItemCaseSensitive(model, "Attributes");
    if (attrs) {
        cJSON_Delete(k->attrs);
        k->attrs = cJSON_Duplicate(attrs, true);
    }
    pthread_mutex_unlock(&r->known_mu);
}

/* ---- steps ---- */

static const char *verb(const anode *nd)
{
    return nd->op == OP_CREATE ? "creating" : nd->op == OP_UPDATE ? "updating" : "destroying";
}

static void say(apply_run *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(apply_run *r, const char *fmt, ...)
{
    if (r->o->quiet || !r->eng->out)
        return;
    char line[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    fprintf(r->eng->out, "%s\n", line);
    fflush(r->eng->out);
}

static int prepare(apply_run *r, anode *nd, const dp_action *a, dp_err *e)
{
    dp_known k = {.ctx = r, .lookup = apply_lookup};
    cJSON *props = NULL;
    if (!r->d || r->d->properties(r->d->ctx, a->logical_id, &k, &props, e))
        return -1;
    const cJSON *unknown = dp_value_find_unknown(props);
    if (unknown) {
        dp_err_set(e, DP_E_INTERNAL, "%s is still unknown when %s starts (a missing dependency?)",
                   dp_value_unknown_name(unknown), a->logical_id);
        cJSON_Delete(props);
        return -1;
    }
    nd->desired = dp_value_strip(props, e);
    nd->resolved = props;
    if (!nd->desired)
        return -1;
    nd->prepared = true;
    return 0;
}

static void step(void *ctx, size_t i, const cJSON *context, dp_progress *p)
{
    apply_run *r = ctx;
    anode *nd = &r->nodes[i];
    const dp_action *a = &r->plan->v[nd->action];
    const dp_driver *drv = r->eng->find_driver(a->type);
    if (!drv) {
        dp_progress_failf(p, DP_E_INTERNAL, "%s %s: no driver for this type", a->type, a->logical_id);
        return;
    }
    if (!context) {
        nd->t0 = dp_exec_now();
        if (nd->op != OP_DELETE)
            say(r, "%s %s: %s…", a->type, a->logical_id, verb(nd));
        else
            say(r, "%s %s: %s%s…", a->type, a->logical_id, verb(nd), nd->old ? " the replaced resource" : "");
    }
    if (nd->op != OP_DELETE && !nd->prepared) {
        dp_err e;
        dp_err_clear(&e);
        if (prepare(r, nd, a, &e)) {
            p->status = DP_OP_FAILED;
            p->err = e;
            dp_err_prefix(&p->err, "%s %s", a->type, a->logical_id);
            return;
        }
    }
    const char *pol = "Delete";
    if (nd->op == OP_DELETE) {
        const char *src = nd->old ? a->update_replace_policy : a->deletion_policy;
        if (src && !strcmp(src, "Snapshot"))
            pol = "Snapshot";
    }
    dp_resource_req req = {.client = r->eng->client, .stack = r->eng->stack, .logical_id = a->logical_id,
                           .region = r->eng->region, .account_id = r->eng->account_id,
                           .partition = r->eng->partition,
                           .physical_id = nd->op == OP_CREATE ? NULL : a->physical_id,
                           .desired = nd->desired, .previous = a->live_props, .applied = a->applied_props,
                           .context = context,
                           .client_token = a->client_token ? a->client_token : a->logical_id,
                           .deletion_policy = pol, .empty_buckets = r->o->empty_buckets};
    if (nd->op == OP_CREATE)
        drv->create(&req, p);
    else if (nd->op == OP_UPDATE)
        drv->update(&req, p);
    else
        drv->del(&req, p);
    /* Poll again within a fraction of the time spent so far (engine.h poll_slack). */
    if (p->status == DP_OP_IN_PROGRESS && r->eng->poll_slack > 0) {
        double cap_ms = (dp_exec_now() - nd->t0) * 1000.0 * r->eng->poll_slack;
        if (cap_ms < 200)
            cap_ms = 200;
        if ((double)p->delay_ms > cap_ms)
            p->delay_ms = (long)cap_ms;
    }
    /* A resource already gone is deleted. */
    if (nd->op == OP_DELETE && p->status == DP_OP_FAILED && p->err.kind == DP_E_NOT_FOUND) {
        dp_progress_cleanup(p);
        dp_progress_init(p);
        p->status = DP_OP_SUCCESS;
    }
}

static void done(void *ctx, size_t i, dp_progress *p)
{
    apply_run *r = ctx;
    anode *nd = &r->nodes[i];
    const dp_action *a = &r->plan->v[nd->action];
    char el[32];
    dp_exec_format_elapsed(dp_exec_now() - nd->t0, el, sizeof el);
    if (p->status != DP_OP_SUCCESS) {
        char line[1400];
        dp_err_format(&p->err, line, sizeof line);
        say(r, "%s %s: %s failed after %s: %s", a->type, a->logical_id,
            nd->op == OP_CREATE ? "create" : nd->op == OP_UPDATE ? "update" : "delete", el, line);
        if (!r->failed) {
            r->failed = true;
            r->first = p->err;
            snprintf(r->res->error, sizeof r->res->error, "%s %s: %s", a->type, a->logical_id, line);
        }
        if (nd->op == OP_CREATE && a->kind == DP_ACT_CREATE) {
            cJSON *ent = cJSON_GetObjectItemCaseSensitive(state_resources(r->state), a->logical_id);
            if (ent && cJSON_GetObjectItemCaseSensitive(ent, "status"))
                cJSON_ReplaceItemInObjectCaseSensitive(ent, "status", cJSON_CreateString("creating"));
            save_state(r);
        }
        return;
    }
    cJSON *res = state_resources(r->state);
    switch (nd->op) {
    case OP_CREATE:
    case OP_UPDATE:
        if (!p->model) {
            /* A driver that answers success without a model: keep the id we had. */
            p->model = dp_model_new(a->physical_id ? a->physical_id : "", cJSON_CreateObject());
        }
        set_known(r, nd->action, p->model);
        record_resource(r, a, nd, p->model, "complete");
        if (nd->op == OP_CREATE)
            r->created_now[nd->action] = true;
        say(r, "%s %s: %s complete after %s [id=%s]", a->type, a->logical_id,
            nd->op == OP_CREATE ? (a->kind == DP_ACT_REPLACE ? "replacement" : "creation") : "update", el,
            dp_json_str(p->model, "PhysicalId") ? dp_json_str(p->model, "PhysicalId") : "");
        if (nd->op == OP_CREATE && a->kind == DP_ACT_CREATE)
            r->res->created++;
        else if (nd->op == OP_UPDATE)
            r->res->updated++;
        else
            r->res->replaced++;
        break;
    case OP_DELETE:
        if (a->kind == DP_ACT_DELETE) {
            /* A stray copy (same logical id, another physical id) is not what the entry records. */
            cJSON *ent = cJSON_GetObjectItemCaseSensitive(res, a->logical_id);
            const char *rec = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(ent, "physical_id"));
            if (!rec || !a->physical_id || !strcmp(rec, a->physical_id))
                cJSON_DeleteItemFromObjectCaseSensitive(res, a->logical_id);
            r->res->deleted++;
        } else if (nd->pre) {
            /* delete-then-create: the old one is gone, the new one not there yet */
            cJSON *ent = cJSON_GetObjectItemCaseSensitive(res, a->logical_id);
            if (ent) {
                cJSON_DeleteItemFromObjectCaseSensitive(ent, "physical_id");
                cJSON_DeleteItemFromObjectCaseSensitive(ent, "status");
                cJSON_AddStringToObject(ent, "status", "creating");
                cJSON_DeleteItemFromObjectCaseSensitive(ent, "client_token");
                if (a->client_token)
                    cJSON_AddStringToObject(ent, "client_token", a->client_token);
            }
        }
        say(r, "%s %s: %sdestruction complete after %s", a->type, a->logical_id, nd->old ? "old resource " : "", el);
        break;
    }
    save_state(r);
    /* What cannot be recorded must not go on: nothing new starts (the executor stops on a
     * failed node); the error reported is the state's. */
    if (r->state_failed)
        p->status = DP_OP_FAILED;
}

static void describe(void *ctx, size_t i, char *out, size_t n)
{
    apply_run *r = ctx;
    const anode *nd = &r->nodes[i];
    const dp_action *a = &r->plan->v[nd->action];
    snprintf(out, n, "%s %s: still %s", a->type, a->logical_id, verb(nd));
}

/* ---- graph ---- */

static int build_graph(apply_run *r)
{
    const dp_plan *p = r->plan;
    for (size_t i = 0; i < p->n; i++) {
        const dp_action *a = &p->v[i];
        r->ready_node[i] = r->create_node[i] = r->update_node[i] = r->delete_node[i] = -1;
        long c = -1, u = -1, d = -1;
        switch (a->kind) {
        case DP_ACT_CREATE: c = new_node(r, i, OP_CREATE); break;
        case DP_ACT_UPDATE: u = new_node(r, i, OP_UPDATE); break;
        case DP_ACT_REPLACE:
            if (a->delete_first) {
                d = new_node(r, i, OP_DELETE);
                if (d >= 0)
                    r->nodes[d].pre = r->nodes[d].old = true;
            }
            c = new_node(r, i, OP_CREATE);
            if (!a->delete_first && !a->retain) {
                d = new_node(r, i, OP_DELETE);
                if (d >= 0)
                    r->nodes[d].old = true;
            }
            break;
        case DP_ACT_DELETE:
            if (!a->retain)
                d = new_node(r, i, OP_DELETE);
            break;
        default: break;
        }
        if ((a->kind == DP_ACT_CREATE || a->kind == DP_ACT_REPLACE) && c < 0)
            return -1;
        r->create_node[i] = c;
        r->update_node[i] = u;
        r->delete_node[i] = d;
        r->ready_node[i] = c >= 0 ? c : u;
    }
    for (size_t i = 0; i < p->n; i++) {
        const dp_action *a = &p->v[i];
        long start = r->create_node[i] >= 0 ? r->create_node[i] : r->update_node[i];
        /* creates and updates wait for what they refer to */
        for (size_t k = 0; start >= 0 && k < a->ndeps; k++) {
            long j = action_index(p, a->deps[k]);
            if (j >= 0 && add_dep(r, start, r->ready_node[j]))
                return -1;
        }
        if (a->kind == DP_ACT_REPLACE && a->delete_first && add_dep(r, r->create_node[i], r->delete_node[i]))
            return -1;
        long del = r->delete_node[i];
        if (del < 0)
            continue;
        /* A stray: a copy the stack owns of a resource the template still has (left by a
         * crashed create). Nothing refers to it; a create under its logical id waits for it to
         * be gone, so a copy with the same name is never deleted after being made again. */
        long same = a->kind == DP_ACT_DELETE ? action_index(p, a->logical_id) : -1;
        if (same >= 0) {
            if (r->create_node[same] >= 0 && add_dep(r, r->create_node[same], del))
                return -1;
            continue;
        }
        bool pre = r->nodes[del].pre;
        /* create-before-delete: the old one goes once the new one exists */
        if (!pre && a->kind == DP_ACT_REPLACE && add_dep(r, del, r->create_node[i]))
            return -1;
        /* a delete waits for whatever referred to the resource */
        for (size_t j = 0; j < p->n; j++) {
            if (j == i)
                continue;
            const dp_action *b = &p->v[j];
            bool refers = (b->kind != DP_ACT_DELETE && in_list(b->deps, b->ndeps, a->logical_id)) ||
                          in_list(b->old_deps, b->nold_deps, a->logical_id);
            bool by_type = !refers && !a->nold_deps && !b->nold_deps && b->kind == DP_ACT_DELETE &&
                           a->kind == DP_ACT_DELETE && dp_driver_may_reference(r->eng->find_driver(b->type), a->type);
            if (!refers && !by_type)
                continue;
            if (pre) {
                long bd = r->delete_node[j];
                if (bd >= 0 && (r->nodes[bd].pre || b->kind == DP_ACT_DELETE) && add_dep(r, del, bd))
                    return -1;
                continue;
            }
            if (add_dep(r, del, r->create_node[j]) || add_dep(r, del, r->update_node[j]) ||
                add_dep(r, del, r->delete_node[j]))
                return -1;
        }
    }
    return 0;
}

static void free_nodes(apply_run *r)
{
    for (size_t i = 0; i < r->n; i++) {
        free(r->nodes[i].deps);
        cJSON_Delete(r->nodes[i].desired);
        cJSON_Delete(r->nodes[i].resolved);
    }
    free(r->nodes);
    r->nodes = NULL;
    r->n = r->cap = 0;
}

cJSON *dp_outputs_public(const cJSON *outputs)
{
    cJSON *o = cJSON_CreateObject();
    const cJSON *k;
    cJSON_ArrayForEach(k, outputs)
    {
        const cJSON *v = cJSON_IsObject(k) && cJSON_GetObjectItemCaseSensitive(k, "Value")
                             ? cJSON_GetObjectItemCaseSensitive(k, "Value")
                             : k;
        if (dp_value_contains_secret(v))
            cJSON_AddStringToObject(o, k->string, "(sensitive)");
        else if (dp_value_contains_unknown(v))
            cJSON_AddStringToObject(o, k->string, "(known after apply)");
        else
            cJSON_AddItemToObject(o, k->string, cJSON_Duplicate(v, true));
    }
    return o;
}

void dp_apply_result_cleanup(dp_apply_result *r)
{
    cJSON_Delete(r->outputs);
    cJSON_Delete(r->trace);
    r->outputs = r->trace = NULL;
}

static cJSON *make_trace(const apply_run *r, const dp_exec_node *en)
{
    cJSON *t = cJSON_CreateArray();
    for (size_t i = 0; t && i < r->n; i++) {
        const anode *nd = &r->nodes[i];
        const dp_action *a = &r->plan->v[nd->action];
        cJSON *o = cJSON_CreateObject();
        cJSON_AddItemToArray(t, o);
        cJSON_AddNumberToObject(o, "node", (double)i);
        cJSON_AddStringToObject(o, "logical_id", a->logical_id);
        cJSON_AddStringToObject(o, "type", a->type);
        cJSON_AddStringToObject(o, "op", nd->op == OP_CREATE ? "create" : nd->op == OP_UPDATE ? "update" : "delete");
        cJSON_AddNumberToObject(o, "start_s", en[i].started_s);
        cJSON_AddNumberToObject(o, "end_s", en[i].finished_s);
        cJSON_AddNumberToObject(o, "steps", en[i].steps);
        cJSON *deps = cJSON_AddArrayToObject(o, "deps");
        for (size_t k = 0; k < nd->ndeps; k++)
            cJSON_AddItemToArray(deps, cJSON_CreateNumber((double)nd->deps[k]));
    }
    return t;
}

/* Deletes what this run created, dependents first (--rollback-on-failure). */
static void rollback(apply_run *r)
{
    dp_plan rb;
    dp_plan_init(&rb);
    for (size_t i = 0; i < r->plan->n; i++) {
        const dp_action *a = &r->plan->v[i];
        if (!r->created_now[i] || a->kind != DP_ACT_CREATE)
            continue;
        dp_action *x = dp_plan_add(&rb, a->logical_id, a->type, DP_ACT_DELETE);
        if (!x)
            break;
        pthread_mutex_lock(&r->known_mu);
        x->physical_id = r->known[i].physical_id ? strdup(r->known[i].physical_id) : NULL;
        pthread_mutex_unlock(&r->known_mu);
        x->deletion_policy = strdup("Delete");
        x->old_deps = dp_strv_copy((const char *const *)a->deps, a->ndeps);
        x->nold_deps = x->old_deps ? a->ndeps : 0;
        if ((r->known[i].physical_id && !x->physical_id) || !x->deletion_policy || !x->old_deps) {
            say(r, "Rollback not possible: out of memory");
            dp_plan_cleanup(&rb);
            return;
        }
    }
    if (rb.n) {
        say(r, "Rolling back: deleting the %zu resource%s this run created…", rb.n, rb.n == 1 ? "" : "s");
        dp_apply_opts o = *r->o;
        o.rollback_on_failure = false;
        dp_apply_result res2;
        memset(&res2, 0, sizeof res2);
        dp_err e;
        dp_err_clear(&e);
        if (dp_apply_run(r->eng, &rb, NULL, r->state, &o, &res2, &e))
            say(r, "Rollback incomplete: %s", res2.error);
        else
            say(r, "Rollback complete.");
        dp_apply_result_cleanup(&res2);
    }
    dp_plan_cleanup(&rb);
}

/* The state before anything runs: leftovers dropped, retained resources forgotten, and every
 * create's client token written before the create is sent. */
static void prepare_state(apply_run *r)
{
    const dp_plan *plan = r->plan;
    cJSON *sres = state_resources(r->state);
    for (size_t i = 0; i < plan->n; i++) {
        const dp_action *a = &plan->v[i];
        if (a->kind == DP_ACT_DELETE && a->retain) {
            cJSON_DeleteItemFromObjectCaseSensitive(sres, a->logical_id);
            say(r, "%s %s: kept in AWS (DeletionPolicy: Retain), removed from the stack", a->type, a->logical_id);
        }
        if (a->kind == DP_ACT_CREATE) {
            cJSON *ent = cJSON_CreateObject();
            cJSON_AddStringToObject(ent, "type", a->type);
            cJSON_AddStringToObject(ent, "client_token", a->client_token ? a->client_token : a->logical_id);
            cJSON_AddStringToObject(ent, "status", "creating");
            cJSON_AddItemToObject(ent, "depends_on", strv_json(a->deps, a->ndeps));
            cJSON_AddStringToObject(ent, "deletion_policy", a->deletion_policy ? a->deletion_policy : "Delete");
            if (cJSON_GetObjectItemCaseSensitive(sres, a->logical_id))
                cJSON_ReplaceItemInObjectCaseSensitive(sres, a->logical_id, ent);
            else
                cJSON_AddItemToObject(sres, a->logical_id, ent);
        }
        /* A replacement made next to the old one keeps its token in the old one's entry: if the
         * run dies before recording it, the next plan reuses the token and the create adopts
         * the copy instead of deleting it and making another. */
        cJSON *old = a->kind == DP_ACT_REPLACE ? cJSON_GetObjectItemCaseSensitive(sres, a->logical_id) : NULL;
        if (old && !a->delete_first && a->client_token) {
            cJSON_DeleteItemFromObjectCaseSensitive(old, "replacement_token");
            cJSON_AddStringToObject(old, "replacement_token", a->client_token);
        }
        if (a->kind == DP_ACT_REPLACE && a->retain)
            say(r, "%s %s: the replaced resource %s is kept in AWS (UpdateReplacePolicy: Retain)", a->type,
                a->logical_id, a->physical_id ? a->physical_id : "");
    }
    if (r->d) { /* entries of resources neither planned nor live any more */
        cJSON *ent = sres->child;
        while (ent) {
            cJSON *next = ent->next;
            bool planned = false;
            for (size_t i = 0; i < plan->n && !planned; i++)
                planned = !strcmp(plan->v[i].logical_id, ent->string);
            if (!planned)
                cJSON_DeleteItemFromObjectCaseSensitive(sres, ent->string);
            ent = next;
        }
    }
    save_state(r);
}

/* After a state write failed: the error, in e and in the result. Returns -1. */
static int state_write_failed(apply_run *r, bool unsaved, dp_err *e)
{
    if (e)
        *e = r->state_err;
    snprintf(r->res->error, sizeof r->res->error, "writing the state: %s", r->state_err.message);
    r->res->state_unsaved = unsaved;
    return -1;
}

/* Runs the graph's operations, longest remaining path first. *en (owned by the caller) is
 * the scheduler's view, kept for the trace. Returns dp_exec_run's status, or -1 with *en
 * NULL and e filled when out of memory. */
static int run_operations(apply_run *r, dp_exec_node **en, dp_err *e)
{
    const dp_engine *eng = r->eng;
    *en = calloc(r->n + 1, sizeof **en);
    double *cost = calloc(r->n + 1, sizeof *cost);
    if (!*en || !cost) {
        free(*en);
        *en = NULL;
        free(cost);
        dp_err_set(e, DP_E_NOMEM, "out of memory");
        return -1;
    }
    for (size_t i = 0; i < r->n; i++) {
        (*en)[i].deps = r->nodes[i].deps;
        (*en)[i].ndeps = r->nodes[i].ndeps;
        const dp_action *a = &r->plan->v[r->nodes[i].action];
        dp_driver_op op = r->nodes[i].op == OP_DELETE   ? DP_DRIVER_DELETE
                          : r->nodes[i].op == OP_UPDATE ? DP_DRIVER_UPDATE
                                                        : DP_DRIVER_CREATE;
        cost[i] = dp_driver_seconds(eng->find_driver(a->type), op);
    }
    dp_exec_longest_path(*en, r->n, cost);
    free(cost);
    dp_exec_ops ops = {.ctx = r, .step = step, .done = done, .describe = describe};
    double every = eng->progress_every_s > 0 ? eng->progress_every_s : eng->tty ? 10.0 : 30.0;
    dp_exec_opts xo = {.parallelism = eng->parallelism > 0 ? eng->parallelism : 10,
                       .progress = r->o->quiet ? NULL : eng->out,
                       .progress_every_s = every,
                       .progress_after_s = every,
                       .interrupt = r->o->interrupt};
    return dp_exec_run(*en, r->n, &ops, &xo, &r->res->stats);
}

/* After the operations: an interruption or a failure as the run's error (rolled back when
 * asked). Returns 0 when every operation succeeded. */
static int check_operations(apply_run *r, int xrc, dp_err *e)
{
    dp_apply_result *res = r->res;
    if (res->stats.interrupted && !r->failed) {
        size_t left = res->stats.skipped - res->stats.abandoned;
        if (res->stats.abandoned)
            snprintf(res->error, sizeof res->error,
                     "interrupted: %zu operation%s not started, %zu abandoned while in progress",
                     left, left == 1 ? "" : "s", res->stats.abandoned);
        else
            snprintf(res->error, sizeof res->error, "interrupted: %zu operation%s not started", left,
                     left == 1 ? "" : "s");
        dp_err_set(e, DP_E_INPUT, "%s", res->error);
        return -1; /* no rollback: the user asked to stop, not to undo */
    }
    if (!xrc && !r->failed)
        return 0;
    if (!r->failed)
        snprintf(res->error, sizeof res->error, "some operations could not run (a dependency cycle?)");
    if (e) {
        *e = r->first;
        if (!e->kind)
            dp_err_set(e, DP_E_INTERNAL, "%s", res->error);
    }
    if (r->o->rollback_on_failure)
        rollback(r);
    return -1;
}

/* Outputs, with what is known now, into the result and the state. */
static int write_outputs(apply_run *r, dp_err *e)
{
    const dp_desired *d = r->d;
    if (!d || !d->outputs)
        return 0;
    cJSON *outs = NULL;
    dp_known k = {.ctx = r, .lookup = apply_lookup};
    if (d->outputs(d->ctx, &k, &outs, e)) {
        snprintf(r->res->error, sizeof r->res->error, "evaluating outputs: %s", e ? e->message : "");
        return -1;
    }
    r->res->outputs = dp_outputs_public(outs);
    cJSON_Delete(outs);
    cJSON_DeleteItemFromObjectCaseSensitive(r->state, "outputs");
    cJSON_AddItemToObject(r->state, "outputs", cJSON_Duplicate(r->res->outputs, true));
    save_state(r);
    return 0;
}

static void apply_run_cleanup(apply_run *r)
{
    free_nodes(r);
    for (size_t i = 0; r->known && i < r->plan->n; i++) {
        free(r->known[i].physical_id);
        cJSON_Delete(r->known[i].attrs);
    }
    free(r->known);
    free(r->ready_node);
    free(r->create_node);
    free(r->update_node);
    free(r->delete_node);
    free(r->created_now);
    pthread_mutex_destroy(&r->known_mu);
}

int dp_apply_run(const dp_engine *eng, const dp_plan *plan, const dp_desired *d, cJSON *state,
                 const dp_apply_opts *o, dp_apply_result *res, dp_err *e)
{
    dp_apply_opts defaults = {0};
    apply_run r = {.eng = eng, .plan = plan, .d = d, .o = o ? o : &defaults, .state = state, .res = res};
    memset(res, 0, sizeof *res);
    size_t na = plan->n + 1;
    r.ready_node = calloc(na, sizeof *r.ready_node);
    r.create_node = calloc(na, sizeof *r.create_node);
    r.update_node = calloc(na, sizeof *r.update_node);
    r.delete_node = calloc(na, sizeof *r.delete_node);
    r.known = calloc(na, sizeof *r.known);
    r.created_now = calloc(na, sizeof *r.created_now);
    pthread_mutex_init(&r.known_mu, NULL);
    int rc = -1;
    dp_exec_node *en = NULL;
    long before = eng->client ? dp_client_request_count(eng->client) : 0;
    if (!r.ready_node || !r.create_node || !r.update_node || !r.delete_node || !r.known || !r.created_now ||
        build_graph(&r)) {
        dp_err_set(e, DP_E_NOMEM, "out of memory");
        goto done;
    }
    /* What is known before anything runs: every existing resource. */
    for (size_t i = 0; i < plan->n; i++) {
        const dp_action *a = &plan->v[i];
        if (a->kind == DP_ACT_DELETE)
            continue;
        r.known[i].physical_id = a->physical_id ? strdup(a->physical_id) : NULL;
        r.known[i].attrs = a->live_attrs ? cJSON_Duplicate(a->live_attrs, true) : NULL;
    }
    prepare_state(&r);
    if (r.state_failed) {
        state_write_failed(&r, false, e);
        goto done;
    }
    int xrc = run_operations(&r, &en, e);
    if (!en)
        goto done;
    res->requests = (eng->client ? dp_client_request_count(eng->client) : 0) - before;
    res->trace = make_trace(&r, en);
    if (r.state_failed) {
        state_write_failed(&r, true, e);
        goto done;
    }
    if (check_operations(&r, xrc, e) || write_outputs(&r, e))
        goto done;
    rc = r.state_failed ? state_write_failed(&r, true, e) : 0;
done:
    free(en);
    apply_run_cleanup(&r);
    return rc;
}
