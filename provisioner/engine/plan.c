/* plan.c - building a plan: live state read, resources resolved and diffed in order. */
#include "provisioner/engine/plan.h"

#include <openssl/rand.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "drivers/base/jsonutil.h"
#include "drivers/resources/driver.h"
#include "templates/value.h"

void dp_plan_init(dp_plan *p) { memset(p, 0, sizeof *p); }

static void free_strv(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

void dp_plan_cleanup(dp_plan *p)
{
    for (size_t i = 0; i < p->n; i++) {
        dp_action *a = &p->v[i];
        free(a->logical_id);
        free(a->type);
        free(a->physical_id);
        free(a->client_token);
        free(a->replace_reason);
        free(a->deletion_policy);
        free(a->update_replace_policy);
        free_strv(a->deps, a->ndeps);
        free_strv(a->old_deps, a->nold_deps);
        dp_changes_cleanup(&a->changes);
        cJSON_Delete(a->live_props);
        cJSON_Delete(a->applied_props);
        cJSON_Delete(a->live_attrs);
        free(a->note);
    }
    free(p->v);
    free(p->stack);
    free(p->template_path);
    free(p->template_hash);
    cJSON_Delete(p->parameters);
    free_strv(p->warnings, p->nwarnings);
    memset(p, 0, sizeof *p);
}

dp_action *dp_plan_add(dp_plan *p, const char *logical_id, const char *type, dp_action_kind kind)
{
    if (p->n == p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 16;
        dp_action *v = realloc(p->v, cap * sizeof *v);
        if (!v)
            return NULL;
        p->v = v;
        p->cap = cap;
    }
    dp_action *a = &p->v[p->n];
    memset(a, 0, sizeof *a);
    a->logical_id = strdup(logical_id);
    a->type = strdup(type ? type : "");
    a->kind = kind;
    if (!a->logical_id || !a->type) {
        free(a->logical_id);
        free(a->type);
        return NULL;
    }
    p->n++;
    return a;
}

dp_action *dp_plan_find(dp_plan *p, const char *logical_id)
{
    for (size_t i = 0; i < p->n; i++)
        if (!strcmp(p->v[i].logical_id, logical_id) && p->v[i].kind != DP_ACT_DELETE)
            return &p->v[i];
    return NULL;
}

int dp_plan_warn(dp_plan *p, const char *fmt, ...)
{
    dp_buf b;
    dp_buf_init(&b, 0);
    va_list ap;
    va_start(ap, fmt);
    int rc = dp_buf_vprintf(&b, fmt, ap);
    va_end(ap);
    char **v = rc ? NULL : realloc(p->warnings, (p->nwarnings + 1) * sizeof *v);
    if (!v) {
        dp_buf_cleanup(&b);
        return -1;
    }
    p->warnings = v;
    p->warnings[p->nwarnings++] = dp_buf_steal(&b);
    return 0;
}

void dp_plan_summary(const dp_plan *p, int *add, int *change, int *replace, int *destroy)
{
    *add = *change = *replace = *destroy = 0;
    for (size_t i = 0; i < p->n; i++)
        switch (p->v[i].kind) {
        case DP_ACT_CREATE: (*add)++; break;
        case DP_ACT_UPDATE: (*change)++; break;
        case DP_ACT_REPLACE: (*replace)++; break;
        case DP_ACT_DELETE: (*destroy)++; break;
        default: break;
        }
}

bool dp_plan_has_changes(const dp_plan *p)
{
    for (size_t i = 0; i < p->n; i++)
        if (p->v[i].kind != DP_ACT_NOOP)
            return true;
    return false;
}

const char *dp_action_name(dp_action_kind k)
{
    switch (k) {
    case DP_ACT_CREATE: return "create";
    case DP_ACT_UPDATE: return "update";
    case DP_ACT_REPLACE: return "replace";
    case DP_ACT_DELETE: return "delete";
    default: return "no-op";
    }
}

static char *new_token(void)
{
    unsigned char b[8];
    char *s = malloc(17);
    if (!s || RAND_bytes(b, sizeof b) != 1) {
        free(s);
        return NULL;
    }
    for (size_t i = 0; i < sizeof b; i++)
        snprintf(s + 2 * i, 3, "%02x", b[i]);
    return s;
}

static const cJSON *state_res(const cJSON *state, const char *logical_id)
{
    const cJSON *r = state ? cJSON_GetObjectItemCaseSensitive(state, "resources") : NULL;
    return r ? cJSON_GetObjectItemCaseSensitive(r, logical_id) : NULL;
}

static const char *sstr(const cJSON *o, const char *k)
{
    const cJSON *v = o ? cJSON_GetObjectItemCaseSensitive(o, k) : NULL;
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

cJSON *dp_plan_known_lookup(void *ctx, const char *logical_id, const char *attr)
{
    dp_plan_known *k = ctx;
    const dp_action *a = NULL;
    for (size_t i = 0; k->plan && i < k->plan->n; i++)
        if (!strcmp(k->plan->v[i].logical_id, logical_id) && k->plan->v[i].kind != DP_ACT_DELETE)
            a = &k->plan->v[i];
    if (a && (a->kind == DP_ACT_CREATE || a->kind == DP_ACT_REPLACE))
        return NULL; /* known after apply */
    /* An attribute mirroring a property this update changes (an SSM parameter's Value) is
     * only known once the update ran. */
    for (size_t i = 0; a && attr && a->kind == DP_ACT_UPDATE && i < a->changes.n; i++) {
        const char *p = a->changes.v[i].property;
        size_t pl = strlen(p);
        if (!strncmp(attr, p, pl) && (attr[pl] == '\0' || attr[pl] == '.'))
            return NULL;
    }
    const cJSON *s = state_res(k->state, logical_id);
    if (!attr) {
        const char *id = a && a->physical_id ? a->physical_id : sstr(s, "physical_id");
        return id ? cJSON_CreateString(id) : NULL;
    }
    const cJSON *v = a && a->live_attrs ? cJSON_GetObjectItemCaseSensitive(a->live_attrs, attr) : NULL;
    if (!v && s)
        v = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(s, "attributes"), attr);
    return v ? cJSON_Duplicate(v, true) : NULL;
}

/* The physical name a create with these properties would use when the template fixes it. */
static bool resource_id(const dp_engine *eng, const dp_desired_res *r, const cJSON *props, const char *token,
                        bool generated_ok, char *id, size_t n);

/* The physical id a create would get, when the template fixes the name. */
static bool fixed_name(const dp_engine *eng, const dp_desired_res *r, const cJSON *props, const char *token,
                       char *id, size_t n)
{
    return resource_id(eng, r, props, token, false, id, n);
}

/* The same, or the name generated from token when the driver can tell it (RDS). */
static bool next_id(const dp_engine *eng, const dp_desired_res *r, const cJSON *props, const char *token, char *id,
                    size_t n)
{
    return resource_id(eng, r, props, token, true, id, n);
}

static bool resource_id(const dp_engine *eng, const dp_desired_res *r, const cJSON *props, const char *token,
                        bool generated_ok, char *id, size_t n)
{
    const dp_driver *d = eng->find_driver(r->type);
    id[0] = 0;
    if (!props || dp_value_contains_unknown(props))
        return false;
    if (!d || !d->physical_id_for) { /* the name as the template writes it */
        const cJSON *v = d && d->name_prop ? cJSON_GetObjectItemCaseSensitive(props, d->name_prop) : NULL;
        if (!cJSON_IsString(v) || !v->valuestring[0])
            return false;
        snprintf(id, n, "%s", v->valuestring);
        return true;
    }
    cJSON *plain = dp_value_strip(props, NULL);
    if (!plain)
        return false;
    dp_resource_req req = {.client = eng->client, .stack = eng->stack, .logical_id = r->logical_id,
                           .region = eng->region, .account_id = eng->account_id, .partition = eng->partition,
                           .desired = plain, .client_token = token ? token : "plan"};
    int rc = d->physical_id_for(plain, &req, id, n);
    cJSON_Delete(plain);
    return (rc == 0 || (rc == 1 && generated_ok)) && id[0];
}

/* Replacing in place of a fixed name: the new resource would take the same name as the old
 * one, so the old one must go first. A name that changes allows create-before-delete. */
static bool must_delete_first(const dp_engine *eng, const dp_desired_res *r, const cJSON *props,
                              const cJSON *live_props, const char *physical_id, const char *token)
{
    char want[512], have[512];
    if (!fixed_name(eng, r, props, token, want, sizeof want))
        return false;
    if (live_props && fixed_name(eng, r, live_props, token, have, sizeof have))
        return !strcasecmp(want, have);
    return physical_id && !strcasecmp(want, physical_id);
}

char **dp_strv_copy(const char *const *v, size_t n)
{
    char **out = calloc(n + 1, sizeof *out);
    for (size_t i = 0; out && i < n; i++)
        if (!(out[i] = strdup(v[i]))) {
            free_strv(out, i);
            return NULL;
        }
    return out;
}

char **dp_strv_from_json(const cJSON *arr, size_t *n)
{
    *n = 0;
    char **out = calloc((size_t)cJSON_GetArraySize(arr) + 1, sizeof *out);
    const cJSON *d;
    cJSON_ArrayForEach(d, arr)
    {
        if (!out || !cJSON_IsString(d))
            continue;
        if (!(out[*n] = strdup(d->valuestring))) {
            free_strv(out, *n);
            *n = 0;
            return NULL;
        }
        (*n)++;
    }
    return out;
}

static char **state_deps(const cJSON *s, size_t *n)
{
    return dp_strv_from_json(s ? cJSON_GetObjectItemCaseSensitive(s, "depends_on") : NULL, n);
}

static int set_str(char **slot, const char *v)
{
    free(*slot);
    *slot = v ? strdup(v) : NULL;
    return v && !*slot ? -1 : 0;
}

static int add_delete(dp_plan *out, const char *logical_id, const char *type, const char *physical_id,
                      const cJSON *s, dp_err *e)
{
    dp_action *a = dp_plan_add(out, logical_id, type, DP_ACT_DELETE);
    if (!a || set_str(&a->physical_id, physical_id)) {
        dp_err_set(e, DP_E_NOMEM, "out of memory");
        return -1;
    }
    const char *pol = sstr(s, "deletion_policy");
    set_str(&a->deletion_policy, pol ? pol : "Delete");
    a->old_deps = state_deps(s, &a->nold_deps);
    if (pol && (!strcmp(pol, "Retain") || !strcmp(pol, "RetainExceptOnCreate"))) {
        a->retain = true;
        set_str(&a->note, "kept in AWS (DeletionPolicy: Retain); only removed from the stack");
    }
    return 0;
}

/* What dp_plan_build works with. Owned by dp_plan_build (plan_work_cleanup). */
typedef struct plan_work {
    const dp_engine *eng;
    const dp_desired *d;
    const cJSON *state;
    dp_plan *out;
    dp_live live;
    long *chosen;     /* the live entry that stands for each template resource, or -1 */
    bool *by_name;    /* that entry was found by the template's fixed name (ownership unknown) */
    char **adopt_ids; /* owned: the identifier a replacement's new copy will take */
} plan_work;

static void plan_work_cleanup(plan_work *w)
{
    dp_live_cleanup(&w->live);
    free(w->chosen);
    free(w->by_name);
    for (size_t i = 0; w->adopt_ids && i < w->d->n; i++)
        free(w->adopt_ids[i]);
    free(w->adopt_ids);
}

/* Lists what the stack owns, of every type the template or the state names. */
static int list_live(plan_work *w, dp_err *e)
{
    const cJSON *sres = w->state ? cJSON_GetObjectItemCaseSensitive(w->state, "resources") : NULL;
    const char **types = calloc(w->d->n + (size_t)cJSON_GetArraySize(sres) + 1, sizeof *types);
    if (!types) {
        dp_err_set(e, DP_E_NOMEM, "out of memory");
        return -1;
    }
    size_t nt = 0;
    for (size_t i = 0; i < w->d->n; i++)
        types[nt++] = w->d->res[i].type;
    const cJSON *s;
    cJSON_ArrayForEach(s, sres) if (sstr(s, "type")) types[nt++] = sstr(s, "type");
    int rc = dp_live_list(w->eng, types, nt, &w->live, e);
    free(types);
    return rc;
}

/* The live entry that stands for template resource i: the state's physical id when the
 * stack's tags list it, else the one tagged with its logical id, else the state's id (not
 * listed: the tagging API may lag), else the template's fixed name (ownership unknown). */
static dp_live_res *match(plan_work *w, size_t i, const dp_known *state_only)
{
    const dp_desired_res *r = &w->d->res[i];
    dp_live *live = &w->live;
    const cJSON *st = state_res(w->state, r->logical_id);
    const char *spid = sstr(st, "physical_id");
    dp_live_res *hit = spid ? dp_live_find(live, r->logical_id, spid) : NULL;
    if (hit && !hit->listed)
        hit = NULL;
    for (size_t k = 0; !hit && k < live->n; k++)
        if (live->v[k].listed && !strcmp(live->v[k].logical_id, r->logical_id) && !strcmp(live->v[k].type, r->type))
            hit = &live->v[k];
    if (!hit && spid && (!sstr(st, "type") || !strcmp(sstr(st, "type"), r->type)))
        hit = dp_live_add(live, r->logical_id, r->type, spid, false);
    if (!hit) {
        cJSON *props = NULL;
        char name[512] = "";
        if (!w->d->properties(w->d->ctx, r->logical_id, state_only, &props, NULL) &&
            fixed_name(w->eng, r, props, sstr(st, "client_token"), name, sizeof name)) {
            hit = dp_live_add(live, r->logical_id, r->type, name, false);
            w->by_name[i] = hit != NULL;
        }
        cJSON_Delete(props);
    }
    return hit;
}

/* Chooses the live entry of every template resource, then reads what the plan needs. */
static int read_live(plan_work *w, dp_err *e)
{
    dp_plan_known state_only = {.plan = NULL, .state = w->state};
    dp_known sk = {.ctx = &state_only, .lookup = dp_plan_known_lookup};
    for (size_t i = 0; i < w->d->n; i++) {
        dp_live_res *hit = match(w, i, &sk);
        w->chosen[i] = hit ? hit - w->live.v : -1;
        if (hit)
            hit->want_read = true;
    }
    /* Everything else the stack owns is read too before it is deleted: the tagging API may
     * still list what is already gone (eventual consistency), and a copy left by a replacement
     * that died before recording it is compared by identifier with the one the replacement
     * will use (DMS lists ARNs). In a steady stack there is nothing of the kind to read. */
    for (size_t k = 0; k < w->live.n; k++)
        if (w->live.v[k].listed)
            w->live.v[k].want_read = true;
    /* State resources gone from the template: confirm they still exist. */
    const cJSON *sres = w->state ? cJSON_GetObjectItemCaseSensitive(w->state, "resources") : NULL, *s;
    cJSON_ArrayForEach(s, sres)
    {
        bool in_tpl = false;
        for (size_t i = 0; i < w->d->n && !in_tpl; i++)
            in_tpl = !strcmp(w->d->res[i].logical_id, s->string);
        const char *spid = sstr(s, "physical_id");
        if (in_tpl || !spid || dp_live_find(&w->live, s->string, spid))
            continue;
        dp_live_res *x = dp_live_add(&w->live, s->string, sstr(s, "type"), spid, false);
        if (!x) {
            dp_err_set(e, DP_E_NOMEM, "out of memory");
            return -1;
        }
        x->want_read = true;
    }
    if (dp_live_read(w->eng, &w->live, e) || dp_live_fingerprint(&w->live, w->out->fingerprint, e))
        return -1;
    w->out->read_requests = w->live.requests;
    w->out->read_lists = w->live.lists;
    w->out->read_reads = w->live.reads;
    w->out->read_wall_s = w->live.wall_s;
    return 0;
}

/* Refuses a resource with the template's name that the stack does not own. */
static int check_ownership(const plan_work *w, dp_err *e)
{
    dp_buf errs;
    dp_buf_init(&errs, 0);
    for (size_t i = 0; i < w->d->n; i++) {
        if (!w->by_name[i] || w->chosen[i] < 0 || !w->live.v[w->chosen[i]].found)
            continue;
        const char *status = sstr(state_res(w->state, w->d->res[i].logical_id), "status");
        if (status && !strcmp(status, "creating"))
            continue; /* our own create whose answer was lost: adopt it */
        dp_buf_printf(&errs, "%s%s %s: \"%s\" already exists and is not owned by stack %s (no %s=%s tag)",
                      errs.len ? "; " : "", w->d->res[i].type, w->d->res[i].logical_id,
                      w->live.v[w->chosen[i]].physical_id, w->eng->stack, DP_TAG_STACK, w->eng->stack);
    }
    int rc = errs.len ? -1 : 0;
    if (rc)
        dp_err_set(e, DP_E_CONFLICT,
                   "%s. To manage an existing resource with this stack, tag it %s=%s and %s=<logical id> "
                   "(the next plan then shows how it differs from the template); otherwise rename or delete it",
                   dp_buf_str(&errs), DP_TAG_STACK, w->eng->stack, DP_TAG_LOGICAL_ID);
    dp_buf_cleanup(&errs);
    return rc;
}

/* A replacement of template resource i (action a, live entry lv): delete first or not, the
 * notes, and the token that names the new copy. */
static int plan_replacement(plan_work *w, size_t i, dp_action *a, const cJSON *props, const cJSON *live_props,
                            const dp_live_res *lv, const char *reason, dp_err *e)
{
    const dp_desired_res *r = &w->d->res[i];
    const cJSON *st = state_res(w->state, r->logical_id);
    const char *stok = sstr(st, "client_token");
    a->kind = DP_ACT_REPLACE;
    set_str(&a->replace_reason, reason);
    char name[512] = "";
    a->delete_first = must_delete_first(w->eng, r, props, live_props, lv->physical_id, stok);
    fixed_name(w->eng, r, props, stok, name, sizeof name);
    a->retain = !strcmp(a->update_replace_policy, "Retain");
    if (a->delete_first && a->retain) {
        dp_err_set(e, DP_E_INPUT,
                   "%s %s: %s forces a replacement, but its name \"%s\" is fixed and UpdateReplacePolicy "
                   "is Retain: the new one could not be created next to the kept one; change the name too",
                   r->type, r->logical_id, reason, name);
        return -1;
    }
    if (a->delete_first)
        set_str(&a->note, "its name is fixed, so it is deleted BEFORE the new one is created: it is "
                          "unavailable in between");
    else if (a->retain)
        set_str(&a->note, "the old one is kept in AWS (UpdateReplacePolicy: Retain), no longer managed");
    /* A replacement whose run died before recording it left its token: reusing it
     * names the new copy the same, so the create adopts what is already there. */
    const char *rtok = sstr(st, "replacement_token");
    a->client_token = rtok && !a->delete_first ? strdup(rtok) : new_token();
    char next[512] = "";
    if (!a->client_token || (!a->delete_first && next_id(w->eng, r, props, a->client_token, next, sizeof next) &&
                             !(w->adopt_ids[i] = strdup(next)))) {
        dp_err_set(e, DP_E_NOMEM, "out of memory");
        return -1;
    }
    return 0;
}

/* Resolves template resource i with what is known so far, diffs it with its live entry and
 * adds its action. */
static int plan_resource(plan_work *w, size_t i, const dp_known *known, dp_err *e)
{
    const dp_engine *eng = w->eng;
    const dp_desired_res *r = &w->d->res[i];
    const cJSON *st = state_res(w->state, r->logical_id);
    dp_live_res *lv = w->chosen[i] >= 0 ? &w->live.v[w->chosen[i]] : NULL;
    bool exists = lv && lv->found;
    cJSON *props = NULL;
    int rc = -1;
    if (w->d->properties(w->d->ctx, r->logical_id, known, &props, e)) {
        dp_err_prefix(e, "%s %s", r->type, r->logical_id);
        return -1;
    }
    dp_action *a = dp_plan_add(w->out, r->logical_id, r->type, exists ? DP_ACT_NOOP : DP_ACT_CREATE);
    if (!a || !(a->deps = dp_strv_copy(r->deps, r->ndeps))) {
        dp_err_set(e, DP_E_NOMEM, "out of memory");
        goto done;
    }
    a->ndeps = r->ndeps;
    a->old_deps = state_deps(st, &a->nold_deps);
    set_str(&a->deletion_policy, r->deletion_policy ? r->deletion_policy : "Delete");
    set_str(&a->update_replace_policy, r->update_replace_policy ? r->update_replace_policy : "Delete");
    const cJSON *live_props = exists ? cJSON_GetObjectItemCaseSensitive(lv->model, "Properties") : NULL;
    dp_diff_input in = {.schema = r->schema, .desired = props, .live = live_props,
                        .applied = exists ? cJSON_GetObjectItemCaseSensitive(st, "properties") : NULL,
                        .secret_hashes = exists ? cJSON_GetObjectItemCaseSensitive(st, "secret_hashes") : NULL,
                        .hash = eng->secret_hash, .hash_ctx = eng->secret_hash_ctx,
                        .driver = eng->find_driver(r->type)};
    if (dp_diff_resource(&in, &a->changes, e)) {
        dp_err_prefix(e, "%s %s", r->type, r->logical_id);
        goto done;
    }
    if (!exists) {
        /* A create re-run after a crash reuses its token, so the driver adopts it. */
        const char *stok = sstr(st, "client_token"), *sstatus = sstr(st, "status");
        a->client_token = stok && sstatus && !strcmp(sstatus, "creating") ? strdup(stok) : new_token();
        if (!a->client_token) {
            dp_err_set(e, DP_E_NOMEM, "out of memory");
            goto done;
        }
        rc = 0;
        goto done;
    }
    set_str(&a->physical_id, lv->physical_id);
    a->live_props = cJSON_Duplicate(live_props, true);
    a->applied_props = cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(st, "properties"), true);
    a->live_attrs = cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(lv->model, "Attributes"), true);
    const char *reason = NULL;
    if (dp_changes_replace(&a->changes, &reason)) {
        if (plan_replacement(w, i, a, props, live_props, lv, reason, e))
            goto done;
    } else if (a->changes.n) {
        a->kind = DP_ACT_UPDATE;
    }
    rc = 0;
done:
    cJSON_Delete(props);
    return rc;
}

/* Deletes: owned resources the template no longer has, strays, and state leftovers. */
static int plan_deletes(plan_work *w, dp_err *e)
{
    for (size_t k = 0; k < w->live.n; k++) {
        dp_live_res *lv = &w->live.v[k];
        bool used = false;
        for (size_t i = 0; i < w->d->n && !used; i++)
            used = w->chosen[i] == (long)k;
        if (used || !lv->found)
            continue; /* gone already (or listed late by the tagging API) */
        /* The copy a replacement's create will adopt by name is not deleted (its physical id
         * may be an ARN: its name is compared too). */
        const dp_driver *drv = w->eng->find_driver(lv->type);
        const char *np = drv ? drv->name_prop : NULL;
        const char *lname = np ? cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(
                                     cJSON_GetObjectItemCaseSensitive(lv->model, "Properties"), np))
                               : NULL;
        bool adopted = false;
        for (size_t i = 0; i < w->d->n && !adopted; i++)
            adopted = w->adopt_ids[i] && !strcmp(w->d->res[i].logical_id, lv->logical_id) &&
                      ((lv->physical_id && dp_driver_same_id(drv, w->adopt_ids[i], lv->physical_id)) ||
                       (lname && dp_driver_same_id(drv, w->adopt_ids[i], lname)));
        if (!adopted &&
            add_delete(w->out, lv->logical_id, lv->type, lv->physical_id, state_res(w->state, lv->logical_id), e))
            return -1;
    }
    return 0;
}

int dp_plan_build(const dp_engine *eng, const dp_desired *d, const cJSON *state, dp_plan *out, dp_err *e)
{
    plan_work w = {.eng = eng, .d = d, .state = state, .out = out};
    dp_live_init(&w.live);
    w.chosen = calloc(d->n + 1, sizeof *w.chosen);
    w.by_name = calloc(d->n + 1, sizeof *w.by_name);
    w.adopt_ids = calloc(d->n + 1, sizeof *w.adopt_ids);
    int rc = -1;
    if (!w.chosen || !w.by_name || !w.adopt_ids) {
        dp_err_set(e, DP_E_NOMEM, "out of memory");
        goto done;
    }
    if ((!out->stack && set_str(&out->stack, eng->stack)) || list_live(&w, e) || read_live(&w, e) ||
        check_ownership(&w, e))
        goto done;
    /* Resolve and diff in dependency order, with what is known from resources that stay. */
    dp_plan_known pk = {.plan = out, .state = state};
    dp_known known = {.ctx = &pk, .lookup = dp_plan_known_lookup};
    for (size_t i = 0; i < d->n; i++)
        if (plan_resource(&w, i, &known, e))
            goto done;
    rc = plan_deletes(&w, e);
done:
    plan_work_cleanup(&w);
    return rc;
}

/* ---- JSON ---- */

static cJSON *strv_json(char **v, size_t n)
{
    cJSON *a = cJSON_CreateArray();
    for (size_t i = 0; a && i < n; i++)
        cJSON_AddItemToArray(a, cJSON_CreateString(v[i]));
    return a;
}

static const char *change_kind_name(dp_change_kind k)
{
    return k == DP_CH_ADD ? "add" : k == DP_CH_REMOVE ? "remove" : "change";
}

cJSON *dp_plan_to_json(const dp_plan *p, bool for_saving)
{
    cJSON *j = cJSON_CreateObject();
    if (!j)
        return NULL;
    cJSON_AddNumberToObject(j, "format_version", 1);
    cJSON_AddStringToObject(j, "stack", p->stack ? p->stack : "");
    if (p->template_path)
        cJSON_AddStringToObject(j, "template", p->template_path);
    if (p->template_hash)
        cJSON_AddStringToObject(j, "template_hash", p->template_hash);
    cJSON_AddStringToObject(j, "live_fingerprint", p->fingerprint);
    if (for_saving && p->parameters)
        cJSON_AddItemToObject(j, "parameters", cJSON_Duplicate(p->parameters, true));
    int add, change, replace, destroy;
    dp_plan_summary(p, &add, &change, &replace, &destroy);
    cJSON *sum = cJSON_AddObjectToObject(j, "summary");
    cJSON_AddNumberToObject(sum, "add", add);
    cJSON_AddNumberToObject(sum, "change", change);
    cJSON_AddNumberToObject(sum, "replace", replace);
    cJSON_AddNumberToObject(sum, "destroy", destroy);
    cJSON_AddBoolToObject(j, "changes_present", dp_plan_has_changes(p));
    cJSON *res = cJSON_AddArrayToObject(j, "resources");
    for (size_t i = 0; i < p->n; i++) {
        const dp_action *a = &p->v[i];
        cJSON *o = cJSON_CreateObject();
        cJSON_AddItemToArray(res, o);
        cJSON_AddStringToObject(o, "logical_id", a->logical_id);
        cJSON_AddStringToObject(o, "type", a->type);
        cJSON_AddStringToObject(o, "action", dp_action_name(a->kind));
        if (a->physical_id)
            cJSON_AddStringToObject(o, "physical_id", a->physical_id);
        else
            cJSON_AddNullToObject(o, "physical_id");
        if (a->kind == DP_ACT_REPLACE) {
            cJSON *rp = cJSON_AddObjectToObject(o, "replacement");
            cJSON_AddStringToObject(rp, "reason", a->replace_reason ? a->replace_reason : "");
            cJSON_AddStringToObject(rp, "mode", a->delete_first ? "delete_then_create" : "create_then_delete");
            cJSON_AddBoolToObject(rp, "retain_old", a->retain);
        }
        if (a->kind == DP_ACT_DELETE)
            cJSON_AddBoolToObject(o, "retain", a->retain);
        if (a->note)
            cJSON_AddStringToObject(o, "warning", a->note);
        cJSON_AddItemToObject(o, "depends_on", strv_json(a->deps, a->ndeps));
        cJSON *ch = cJSON_AddArrayToObject(o, "changes");
        for (size_t k = 0; k < a->changes.n; k++) {
            const dp_change *c = &a->changes.v[k];
            cJSON *co = cJSON_CreateObject();
            cJSON_AddItemToArray(ch, co);
            cJSON_AddStringToObject(co, "property", c->property);
            cJSON_AddStringToObject(co, "action", change_kind_name(c->kind));
            cJSON_AddItemToObject(co, "before", c->before ? cJSON_Duplicate(c->before, true) : cJSON_CreateNull());
            cJSON_AddItemToObject(co, "after", c->after ? cJSON_Duplicate(c->after, true) : cJSON_CreateNull());
            cJSON_AddBoolToObject(co, "sensitive", c->sensitive);
            cJSON_AddBoolToObject(co, "known_after_apply", c->known_after_apply);
            cJSON_AddBoolToObject(co, "forces_replacement", c->forces_replacement);
        }
    }
    cJSON_AddItemToObject(j, "warnings", strv_json(p->warnings, p->nwarnings));
    if (!for_saving) {
        cJSON *lr = cJSON_AddObjectToObject(j, "live_read");
        cJSON_AddNumberToObject(lr, "lists", (double)p->read_lists);
        cJSON_AddNumberToObject(lr, "reads", (double)p->read_reads);
        cJSON_AddNumberToObject(lr, "api_requests", (double)p->read_requests);
        cJSON_AddNumberToObject(lr, "seconds", p->read_wall_s);
    }
    return j;
}

static dp_action_kind kind_from(const char *s)
{
    if (!s)
        return DP_ACT_NOOP;
    if (!strcmp(s, "create"))
        return DP_ACT_CREATE;
    if (!strcmp(s, "update"))
        return DP_ACT_UPDATE;
    if (!strcmp(s, "replace"))
        return DP_ACT_REPLACE;
    if (!strcmp(s, "delete"))
        return DP_ACT_DELETE;
    return DP_ACT_NOOP;
}

/* Saved parameters are what `plan --out` wrote: named strings, or lists of strings (a list
 * parameter). Anything else would reach the parameter inputs without a name or a value. */
static bool params_ok(const cJSON *params)
{
    if (!params || cJSON_IsNull(params))
        return true;
    if (!cJSON_IsObject(params))
        return false;
    const cJSON *p, *x;
    cJSON_ArrayForEach(p, params)
    {
        if (!p->string || !(cJSON_IsString(p) || cJSON_IsArray(p)))
            return false;
        cJSON_ArrayForEach(x, p)
        {
            if (!cJSON_IsString(x))
                return false;
        }
    }
    return true;
}

int dp_plan_from_json(const cJSON *j, dp_plan *out, dp_err *e)
{
    const cJSON *fv = cJSON_GetObjectItemCaseSensitive(j, "format_version");
    const char *fp = sstr(j, "live_fingerprint");
    if (!cJSON_IsObject(j) || !cJSON_IsNumber(fv) || fv->valueint != 1 || !fp || strlen(fp) != 64 || !sstr(j, "stack")) {
        dp_err_set(e, DP_E_INPUT, "not a dmsprov saved plan (format_version 1)");
        return -1;
    }
    const cJSON *res = cJSON_GetObjectItemCaseSensitive(j, "resources");
    if (!params_ok(cJSON_GetObjectItemCaseSensitive(j, "parameters")) || (res && !cJSON_IsArray(res))) {
        dp_err_set(e, DP_E_INPUT, "damaged saved plan: \"parameters\" must map names to strings or lists of strings "
                                  "and \"resources\" must be a list");
        return -1;
    }
    set_str(&out->stack, sstr(j, "stack"));
    set_str(&out->template_path, sstr(j, "template"));
    set_str(&out->template_hash, sstr(j, "template_hash"));
    snprintf(out->fingerprint, sizeof out->fingerprint, "%s", fp);
    const cJSON *params = cJSON_GetObjectItemCaseSensitive(j, "parameters");
    if (params)
        out->parameters = cJSON_Duplicate(params, true);
    const cJSON *r;
    cJSON_ArrayForEach(r, res)
    {
        const char *id = sstr(r, "logical_id");
        if (!id)
            continue;
        dp_action *a = dp_plan_add(out, id, sstr(r, "type"), kind_from(sstr(r, "action")));
        if (!a || set_str(&a->physical_id, sstr(r, "physical_id"))) {
            dp_err_set(e, DP_E_NOMEM, "out of memory");
            return -1;
        }
    }
    return 0;
}

bool dp_plan_same_actions(const dp_plan *a, const dp_plan *b, char *why, size_t n)
{
    for (size_t i = 0; i < a->n; i++) {
        const dp_action *x = &a->v[i], *y = NULL;
        for (size_t k = 0; k < b->n && !y; k++)
            if (!strcmp(b->v[k].logical_id, x->logical_id) && b->v[k].kind == x->kind)
                y = &b->v[k];
        if (!y) {
            snprintf(why, n, "%s would now be \"%s\" no more", x->logical_id, dp_action_name(x->kind));
            return false;
        }
    }
    for (size_t k = 0; k < b->n; k++) {
        bool seen = false;
        for (size_t i = 0; i < a->n && !seen; i++)
            seen = !strcmp(a->v[i].logical_id, b->v[k].logical_id) && a->v[i].kind == b->v[k].kind;
        if (!seen) {
            snprintf(why, n, "%s would now be %s", b->v[k].logical_id, dp_action_name(b->v[k].kind));
            return false;
        }
    }
    return true;
}
