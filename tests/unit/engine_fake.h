/* engine_fake.h - an in-memory fake driver table and desired-state source for engine unit
 * tests: resources live in a table, operations take a configurable number of IN_PROGRESS
 * steps, and every call is logged (with a timestamp) for ordering checks. */
#ifndef DP_ENGINE_FAKE_H
#define DP_ENGINE_FAKE_H
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "drivers/resources/common.h"
#include "provisioner/engine/plan.h"
#include "templates/value.h"

#define FAKE_MAX 64

typedef struct fake_res {
    char logical[64], type[64], id[128];
    cJSON *props;
    bool exists, owned;
} fake_res;

typedef struct fake_event {
    char what[16];        /* "create-start", "create-end", "delete-start", ... */
    char logical[64];
    char id[128];
    double t;
} fake_event;

static struct {
    pthread_mutex_t mu;
    fake_res res[FAKE_MAX];
    int nres;
    fake_event ev[512];
    int nev;
    int steps;            /* IN_PROGRESS steps per operation */
    long delay_ms;
    char fail_logical[64]; /* create/update of this logical id fails */
    int seq;
    int in_flight, max_in_flight;
    long calls;
} fake = {.mu = PTHREAD_MUTEX_INITIALIZER, .steps = 0, .delay_ms = 10};

__attribute__((unused)) static double fake_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

__attribute__((unused)) static void fake_reset(void)
{
    pthread_mutex_lock(&fake.mu);
    for (int i = 0; i < fake.nres; i++)
        cJSON_Delete(fake.res[i].props);
    fake.nres = fake.nev = 0;
    fake.steps = 0;
    fake.delay_ms = 10;
    fake.fail_logical[0] = 0;
    fake.in_flight = fake.max_in_flight = 0;
    fake.calls = 0;
    pthread_mutex_unlock(&fake.mu);
}

__attribute__((unused)) static void fake_log(const char *what, const char *logical, const char *id)
{
    pthread_mutex_lock(&fake.mu);
    if (fake.nev < 512) {
        fake_event *e = &fake.ev[fake.nev++];
        snprintf(e->what, sizeof e->what, "%s", what);
        snprintf(e->logical, sizeof e->logical, "%s", logical);
        snprintf(e->id, sizeof e->id, "%s", id ? id : "");
        e->t = fake_now();
    }
    pthread_mutex_unlock(&fake.mu);
}

/* index of the first event what+logical, or -1 */
__attribute__((unused)) static int fake_event_at(const char *what, const char *logical)
{
    for (int i = 0; i < fake.nev; i++)
        if (!strcmp(fake.ev[i].what, what) && !strcmp(fake.ev[i].logical, logical))
            return i;
    return -1;
}

static fake_res *fake_find_id(const char *id)
{
    for (int i = 0; i < fake.nres; i++)
        if (fake.res[i].exists && !strcmp(fake.res[i].id, id))
            return &fake.res[i];
    return NULL;
}

static fake_res *fake_add(const char *type, const char *logical, const char *id, const char *props_json, bool owned)
{
    fake_res *r = &fake.res[fake.nres++];
    memset(r, 0, sizeof *r);
    snprintf(r->type, sizeof r->type, "%s", type);
    snprintf(r->logical, sizeof r->logical, "%s", logical);
    snprintf(r->id, sizeof r->id, "%s", id);
    r->props = cJSON_Parse(props_json ? props_json : "{}");
    r->exists = true;
    r->owned = owned;
    return r;
}

static cJSON *fake_model(const fake_res *r)
{
    cJSON *m = dp_model_new(r->id, cJSON_Duplicate(r->props, true));
    char arn[200];
    snprintf(arn, sizeof arn, "arn:fake:%s", r->id);
    dp_model_attr(m, "Arn", arn);
    return m;
}

/* Steps: the first call starts (logs "<op>-start"), then `steps` IN_PROGRESS answers. */
__attribute__((unused)) static bool fake_wait(const dp_resource_req *r, dp_progress *p, const char *op)
{
    int polls = r->context ? dp_poll_count(r) : -1;
    if (polls < 0) {
        char what[16];
        snprintf(what, sizeof what, "%s-start", op);
        fake_log(what, r->logical_id, r->physical_id);
        pthread_mutex_lock(&fake.mu);
        if (++fake.in_flight > fake.max_in_flight)
            fake.max_in_flight = fake.in_flight;
        pthread_mutex_unlock(&fake.mu);
        polls = 0;
        if (fake.steps == 0)
            return false;
    }
    if (polls < fake.steps) {
        cJSON *ctx = cJSON_CreateObject();
        cJSON_AddNumberToObject(ctx, "dp:polls", polls + 1);
        p->status = DP_OP_IN_PROGRESS;
        p->delay_ms = fake.delay_ms;
        p->context = ctx;
        snprintf(p->status_text, sizeof p->status_text, "%s", op);
        return true;
    }
    return false;
}

__attribute__((unused)) static void fake_end(const char *op, const char *logical, const char *id)
{
    char what[16];
    snprintf(what, sizeof what, "%s-end", op);
    fake_log(what, logical, id);
    pthread_mutex_lock(&fake.mu);
    fake.in_flight--;
    pthread_mutex_unlock(&fake.mu);
}

__attribute__((unused)) static void fake_create(const dp_resource_req *r, dp_progress *p)
{
    __atomic_add_fetch(&fake.calls, 1, __ATOMIC_SEQ_CST);
    if (fake_wait(r, p, "create"))
        return;
    pthread_mutex_lock(&fake.mu);
    bool fail = !strcmp(fake.fail_logical, r->logical_id);
    char id[128];
    const char *name = dp_prop_str(r->desired, "Name");
    if (!name)
        name = dp_prop_str(r->desired, "RoleName");
    if (name)
        snprintf(id, sizeof id, "%s", name);
    else
        snprintf(id, sizeof id, "%s-%s-%d", r->stack, r->logical_id, ++fake.seq);
    fake_res *x = NULL;
    if (!fail && fake_find_id(id))
        fail = true; /* name taken */
    if (!fail)
        x = fake_add("Fake", r->logical_id, id, NULL, true);
    if (x) {
        cJSON_Delete(x->props);
        x->props = cJSON_Duplicate(r->desired, true);
    }
    cJSON *m = x ? fake_model(x) : NULL;
    pthread_mutex_unlock(&fake.mu);
    fake_end("create", r->logical_id, id);
    if (fail) {
        dp_err e;
        dp_err_clear(&e);
        dp_err_set(&e, DP_E_AWS, "injected failure");
        snprintf(e.aws_code, sizeof e.aws_code, "InjectedFault");
        dp_progress_fail(p, r, "creating", &e);
        return;
    }
    dp_progress_success(p, m);
}

__attribute__((unused)) static void fake_read(const dp_resource_req *r, dp_progress *p)
{
    __atomic_add_fetch(&fake.calls, 1, __ATOMIC_SEQ_CST);
    pthread_mutex_lock(&fake.mu);
    fake_res *x = fake_find_id(r->physical_id);
    cJSON *m = x ? fake_model(x) : NULL;
    pthread_mutex_unlock(&fake.mu);
    if (!m) {
        dp_progress_failf(p, DP_E_NOT_FOUND, "no such resource %s", r->physical_id);
        return;
    }
    dp_progress_success(p, m);
}

__attribute__((unused)) static void fake_update(const dp_resource_req *r, dp_progress *p)
{
    __atomic_add_fetch(&fake.calls, 1, __ATOMIC_SEQ_CST);
    if (fake_wait(r, p, "update"))
        return;
    pthread_mutex_lock(&fake.mu);
    fake_res *x = fake_find_id(r->physical_id);
    if (x) {
        cJSON_Delete(x->props);
        x->props = cJSON_Duplicate(r->desired, true);
    }
    cJSON *m = x ? fake_model(x) : NULL;
    pthread_mutex_unlock(&fake.mu);
    fake_end("update", r->logical_id, r->physical_id);
    if (!m) {
        dp_progress_failf(p, DP_E_NOT_FOUND, "gone");
        return;
    }
    dp_progress_success(p, m);
}

__attribute__((unused)) static void fake_delete(const dp_resource_req *r, dp_progress *p)
{
    __atomic_add_fetch(&fake.calls, 1, __ATOMIC_SEQ_CST);
    if (fake_wait(r, p, "delete"))
        return;
    pthread_mutex_lock(&fake.mu);
    fake_res *x = fake_find_id(r->physical_id);
    if (x)
        x->exists = false;
    pthread_mutex_unlock(&fake.mu);
    fake_end("delete", r->logical_id, r->physical_id);
    p->status = DP_OP_SUCCESS;
}

__attribute__((unused)) static int fake_list(dp_client *c, const char *stack, dp_list_fn fn, void *ctx, dp_err *e)
{
    (void)c;
    (void)stack;
    __atomic_add_fetch(&fake.calls, 1, __ATOMIC_SEQ_CST);
    pthread_mutex_lock(&fake.mu);
    fake_res copy[FAKE_MAX];
    int n = 0;
    for (int i = 0; i < fake.nres; i++)
        if (fake.res[i].exists && fake.res[i].owned)
            copy[n++] = fake.res[i];
    pthread_mutex_unlock(&fake.mu);
    for (int i = 0; i < n; i++)
        if (fn(ctx, "Fake", copy[i].logical, copy[i].id, e))
            return -1;
    return 0;
}

__attribute__((unused)) static int fake_physical_id_for(const cJSON *desired, const dp_resource_req *r, char *id, size_t n)
{
    (void)r;
    const char *name = dp_prop_str(desired, "Name");
    if (!name)
        name = dp_prop_str(desired, "RoleName");
    if (!name)
        return 1;
    snprintf(id, n, "%s", name);
    return 0;
}

static const dp_driver fake_driver = {.type = "Fake", .create = fake_create, .read = fake_read, .update = fake_update,
                                      .del = fake_delete, .list = fake_list, .physical_id_for = fake_physical_id_for};

static const dp_driver *fake_find_driver(const char *type) { return !strcmp(type, "Fake") ? &fake_driver : NULL; }

static const dp_driver *const *fake_all_drivers(size_t *n)
{
    static const dp_driver *const all[] = {&fake_driver};
    *n = 1;
    return all;
}

/* A hash that is good enough for tests: FNV-1a spread over 64 hex digits. */
__attribute__((unused)) static int fake_hash(void *ctx, const char *value, char out[65], dp_err *e)
{
    (void)ctx;
    (void)e;
    unsigned long long h = 1469598103934665603ULL;
    for (const char *p = value; *p; p++)
        h = (h ^ (unsigned char)*p) * 1099511628211ULL;
    for (int i = 0; i < 4; i++)
        snprintf(out + 16 * i, 17, "%016llx", h ^ (unsigned long long)i);
    return 0;
}

__attribute__((unused)) static void fake_engine(dp_engine *eng)
{
    memset(eng, 0, sizeof *eng);
    eng->stack = "st";
    eng->region = "us-east-1";
    eng->account_id = "123456789012";
    eng->partition = "aws";
    eng->find_driver = fake_find_driver;
    eng->all_drivers = fake_all_drivers;
    eng->secret_hash = fake_hash;
    eng->parallelism = 10;
    eng->out = NULL;
}

/* ---- a desired source: resources with JSON properties; "${X}" strings become Ref X ---- */

typedef struct fake_desired {
    dp_desired_res res[16];
    const char *props[16];
    const char *deps[16][4];
    size_t n;
} fake_desired;

/* Replaces {"Ref": "X"} objects by the known id of X, or an unknown marker. */
static cJSON *fake_resolve(cJSON *v, const dp_known *k)
{
    if (cJSON_IsObject(v)) {
        const cJSON *ref = cJSON_GetObjectItemCaseSensitive(v, "Ref");
        const cJSON *sec = cJSON_GetObjectItemCaseSensitive(v, "Secret");
        if (cJSON_IsString(ref)) {
            cJSON *got = k && k->lookup ? k->lookup(k->ctx, ref->valuestring, NULL) : NULL;
            return got ? got : dp_value_unknown(ref->valuestring);
        }
        if (cJSON_IsString(sec))
            return dp_value_secret(cJSON_CreateString(sec->valuestring));
        cJSON *o = cJSON_CreateObject();
        cJSON *c;
        cJSON_ArrayForEach(c, v) cJSON_AddItemToObject(o, c->string, fake_resolve(c, k));
        return o;
    }
    if (cJSON_IsArray(v)) {
        cJSON *a = cJSON_CreateArray();
        cJSON *c;
        cJSON_ArrayForEach(c, v) cJSON_AddItemToArray(a, fake_resolve(c, k));
        return a;
    }
    return cJSON_Duplicate(v, true);
}

__attribute__((unused)) static int fake_props(void *ctx, const char *logical_id, const dp_known *known, cJSON **out, dp_err *e)
{
    fake_desired *d = ctx;
    for (size_t i = 0; i < d->n; i++)
        if (!strcmp(d->res[i].logical_id, logical_id)) {
            cJSON *raw = cJSON_Parse(d->props[i]);
            *out = fake_resolve(raw, known);
            cJSON_Delete(raw);
            return 0;
        }
    dp_err_set(e, DP_E_INTERNAL, "no resource %s", logical_id);
    return -1;
}

__attribute__((unused)) static void fake_desired_add(fake_desired *d, const char *logical, const char *props, const char *dep1, const char *dep2)
{
    size_t i = d->n++;
    d->res[i] = (dp_desired_res){.logical_id = logical, .type = "Fake"};
    d->props[i] = props;
    size_t k = 0;
    if (dep1)
        d->deps[i][k++] = dep1;
    if (dep2)
        d->deps[i][k++] = dep2;
    d->res[i].deps = d->deps[i];
    d->res[i].ndeps = k;
}

__attribute__((unused)) static dp_desired fake_desired_view(fake_desired *d)
{
    return (dp_desired){.ctx = d, .res = d->res, .n = d->n, .properties = fake_props, .outputs = NULL};
}

/* An empty state document (owned by the caller). */
static inline cJSON *new_state(void)
{
    cJSON *s = cJSON_CreateObject();
    cJSON_AddNumberToObject(s, "version", 1);
    cJSON_AddObjectToObject(s, "resources");
    return s;
}

/* A string field of a resource's state entry, or NULL. Borrowed. */
static inline const char *state_str(const cJSON *state, const char *logical, const char *key)
{
    const cJSON *r = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(state, "resources"), logical);
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(r, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

#endif
