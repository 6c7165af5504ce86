/* rds_flow.c - table-driven RDS flows: find by name -> ownership -> adopt or create -> wait,
 * read, modify -> tags -> wait, and delete -> wait gone (botocore's RDS waiters). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "drivers/resources/common.h"
#include "drivers/resources/rds/rds_flow.h"
#include "drivers/resources/tagging.h"

cJSON *dp_rds_model(xmlNodePtr n, cJSON *props, const cJSON *tags, const char *id_field, const char *const *attrs)
{
    cJSON *t = dp_tags_template_form(tags, "Key", "Value");
    if (t)
        cJSON_AddItemToObject(props, "Tags", t);
    char *id = dp_xml_text(n, id_field);
    cJSON *m = dp_model_new(id, props);
    free(id);
    for (size_t i = 0; attrs && attrs[i] && attrs[i + 1]; i += 2) {
        char *v = dp_xml_text(n, attrs[i + 1]);
        dp_model_attr(m, attrs[i], v);
        free(v);
    }
    return m;
}

int dp_rds_taglist_tags(dp_client *c, xmlNodePtr n, const char *id, cJSON **tags, dp_err *e)
{
    (void)c;
    (void)id;
    (void)e;
    *tags = dp_rds_xml_tags(dp_xml_child(n, "TagList"));
    return 0;
}

int dp_rds_lookup(const dp_rds_kind *k, dp_client *c, const char *id, xmlDocPtr *doc, xmlNodePtr *node,
                  cJSON **tags, dp_err *e)
{
    *tags = NULL;
    int rc = dp_rds_describe(c, k->describe_op, k->id_prop, id, k->describe_path, k->not_found, doc, node, e);
    if (rc != 1) /* dp_rds_describe: 1 found, 0 not found, -1 error */
        return rc < 0 ? -1 : DP_MISSING;
    if (k->tags(c, *node, id, tags, e)) {
        cJSON_Delete(*tags);
        *tags = NULL;
        xmlFreeDoc(*doc);
        *doc = NULL;
        return -1;
    }
    return DP_FOUND;
}

static cJSON *ctx_new(const char *phase, const char *id)
{
    cJSON *c = cJSON_CreateObject();
    cJSON_AddStringToObject(c, "phase", phase);
    cJSON_AddStringToObject(c, "id", id);
    return c;
}

/* dp_progress_wait with "<what><suffix>" as the status text. */
static void wait_what(dp_progress *p, const dp_resource_req *r, const dp_rds_kind *k, cJSON *ctx, const char *suffix)
{
    char text[128];
    snprintf(text, sizeof text, "%s%s", k->what, suffix);
    dp_progress_wait(p, r, ctx, text);
}

static void read_into(const dp_rds_kind *k, const dp_resource_req *r, const char *id, dp_progress *p)
{
    dp_err e;
    dp_err_clear(&e);
    xmlDocPtr doc = NULL;
    xmlNodePtr n = NULL;
    cJSON *tags = NULL;
    int rc = dp_rds_lookup(k, r->client, id, &doc, &n, &tags, &e);
    char verb[96];
    snprintf(verb, sizeof verb, "reading %s", k->what);
    if (rc < 0)
        dp_progress_fail(p, r, verb, &e);
    else if (rc == DP_MISSING)
        dp_progress_failf(p, DP_E_NOT_FOUND, "%s %s not found", k->what, id);
    else
        dp_progress_success(p, k->model_of(n, tags));
    cJSON_Delete(tags);
    xmlFreeDoc(doc);
}

void dp_rds_read(const dp_rds_kind *k, const dp_resource_req *r, dp_progress *p)
{
    read_into(k, r, r->physical_id, p);
}

/* One poll of the Available waiter; after an update also until nothing is pending. */
static void wait_available(const dp_rds_kind *k, const dp_resource_req *r, dp_progress *p, const char *id,
                           const char *phase)
{
    bool updating = !strcmp(phase, "update-wait");
    char verb[96];
    snprintf(verb, sizeof verb, "%s %s", updating ? "updating" : "creating", k->what);
    dp_err e;
    dp_err_clear(&e);
    xmlDocPtr doc = NULL;
    xmlNodePtr n = NULL;
    cJSON *tags = NULL;
    int rc = dp_rds_lookup(k, r->client, id, &doc, &n, &tags, &e);
    if (rc < 0) {
        dp_progress_fail(p, r, verb, &e);
    } else if (rc == DP_MISSING) {
        /* right after the create a describe may not see it yet */
        if (dp_poll_count(r) < 5)
            wait_what(p, r, k, ctx_new(phase, id), " not visible yet");
        else
            dp_progress_failf(p, DP_E_NOT_FOUND, "%s %s: %s %s disappeared", verb, r->logical_id, k->what, id);
    } else {
        char *status = dp_xml_text(n, k->status_field);
        dp_rds_wait st = dp_rds_available_state(status);
        bool pending = updating && dp_rds_has_children(dp_xml_child(n, "PendingModifiedValues"));
        if (st == DP_RDS_READY && !pending) {
            dp_progress_success(p, k->model_of(n, tags));
        } else if (st == DP_RDS_FAILED) {
            dp_progress_failf(p, DP_E_AWS, "%s %s: %s %s is %s (waited for available)", verb, r->logical_id, k->what,
                              id, status ? status : "?");
        } else {
            char text[96];
            snprintf(text, sizeof text, " %s%s", status ? status : "?", pending ? ", changes pending" : "");
            wait_what(p, r, k, ctx_new(phase, id), text);
        }
        free(status);
    }
    cJSON_Delete(tags);
    xmlFreeDoc(doc);
}

/* Without a waiter the resource is usable at once, but a read may lag behind. */
static void create_wait(const dp_rds_kind *k, const dp_resource_req *r, dp_progress *p, const char *name)
{
    read_into(k, r, name, p);
    if (p->status == DP_OP_FAILED && p->err.kind == DP_E_NOT_FOUND && dp_poll_count(r) < 20) {
        dp_err_clear(&p->err);
        cJSON *ctx = cJSON_CreateObject();
        cJSON_AddStringToObject(ctx, "name", name);
        wait_what(p, r, k, ctx, " becoming visible");
    }
}

/* 1 when a resource named id exists and is ours (adopted: p waits for it or holds its model),
 * 0 when there is none, -1 when p failed (error, or owned by someone else). */
static int existing(const dp_rds_kind *k, const dp_resource_req *r, const char *id, dp_progress *p)
{
    dp_err e;
    dp_err_clear(&e);
    xmlDocPtr doc = NULL;
    xmlNodePtr n = NULL;
    cJSON *tags = NULL;
    int found = dp_rds_lookup(k, r->client, id, &doc, &n, &tags, &e), rc = 0;
    char verb[96];
    snprintf(verb, sizeof verb, "creating %s", k->what);
    if (found < 0) {
        dp_progress_fail(p, r, verb, &e);
        rc = -1;
    } else if (found == DP_FOUND) {
        rc = 1;
        if (dp_rds_check_owned(p, r, k->what, id, tags) != DP_OWNED)
            rc = -1;
        else if (k->status_field) /* a retried create: adopt it */
            wait_available(k, r, p, id, "create-wait");
        else
            dp_progress_success(p, k->model_of(n, tags));
    }
    cJSON_Delete(tags);
    xmlFreeDoc(doc);
    return rc;
}

void dp_rds_create(const dp_rds_kind *k, const dp_resource_req *r, dp_progress *p)
{
    const char *resume = dp_prop_str(r->context, k->status_field ? "id" : "name");
    if (resume) {
        if (k->status_field)
            wait_available(k, r, p, resume, "create-wait");
        else
            create_wait(k, r, p, resume);
        return;
    }
    if (dp_refuse_unsupported(k->type, r, "creating", p))
        return;
    char id[256];
    dp_rds_identifier(r->desired, k->id_prop, r, k->id_max, id, k->id_max + 1);
    if (existing(k, r, id, p))
        return;
    dp_params q;
    dp_params_init(&q, k->create_op, DP_RDS_API_VERSION);
    dp_params_add(&q, k->id_prop, id);
    k->create_params(&q, r);
    cJSON *tags = dp_tags_with_ownership(dp_prop(r->desired, "Tags"), r->stack, r->logical_id);
    dp_rds_param_tags(&q, "Tags", tags);
    cJSON_Delete(tags);
    dp_err e;
    dp_err_clear(&e);
    xmlDocPtr doc = NULL;
    dp_rds_call(r->client, k->create_op, &q, NULL, &doc, &e);
    dp_params_cleanup(&q); /* may hold a password: free it now */
    if (!doc) {
        /* the create went through, its answer was lost and the retry collided (on AWS
         * AlreadyExists; moto may answer otherwise): a same-named resource with our tags is adopted */
        if (existing(k, r, id, p))
            return;
        char verb[96];
        snprintf(verb, sizeof verb, "creating %s", k->what);
        dp_progress_fail(p, r, verb, &e);
        return;
    }
    xmlFreeDoc(doc);
    if (k->status_field)
        wait_what(p, r, k, ctx_new("create-wait", id), " creating");
    else
        create_wait(k, r, p, id);
}

/* Looks r->physical_id up for verb: 1 when found (*doc, *tags owned, *n borrowed); otherwise
 * p is settled (gone: SUCCESS when gone_ok, else NOT_FOUND; error: FAILED) and 0. */
static int current(const dp_rds_kind *k, const dp_resource_req *r, dp_progress *p, const char *verb, bool gone_ok,
                   xmlDocPtr *doc, xmlNodePtr *n, cJSON **tags)
{
    dp_err e;
    dp_err_clear(&e);
    int rc = dp_rds_lookup(k, r->client, r->physical_id, doc, n, tags, &e);
    if (rc < 0)
        dp_progress_fail(p, r, verb, &e);
    else if (rc == DP_MISSING && gone_ok)
        dp_progress_success(p, NULL); /* gone already */
    else if (rc == DP_MISSING)
        dp_progress_failf(p, DP_E_NOT_FOUND, "%s %s not found", k->what, r->physical_id);
    return rc == DP_FOUND;
}

void dp_rds_update(const dp_rds_kind *k, const dp_resource_req *r, dp_progress *p)
{
    const char *phase = dp_prop_str(r->context, "phase");
    if (k->status_field && phase && !strcmp(phase, "update-wait")) {
        wait_available(k, r, p, r->physical_id, "update-wait");
        return;
    }
    if (dp_refuse_unsupported(k->type, r, "updating", p))
        return;
    char verb[96];
    snprintf(verb, sizeof verb, "updating %s", k->what);
    xmlDocPtr doc = NULL;
    xmlNodePtr n = NULL;
    cJSON *tags = NULL;
    if (!current(k, r, p, verb, false, &doc, &n, &tags))
        return;
    dp_err e;
    dp_err_clear(&e);
    int rc;
    char *arn = dp_xml_text(n, k->arn_field);
    xmlFreeDoc(doc);
    doc = NULL;
    if (dp_rds_check_owned(p, r, k->what, r->physical_id, tags) != DP_OWNED)
        goto done;
    dp_params q;
    dp_params_init(&q, k->modify_op, DP_RDS_API_VERSION);
    dp_params_add(&q, k->id_prop, r->physical_id);
    if (k->apply_immediately)
        dp_params_add(&q, "ApplyImmediately", "true");
    int changes = 0;
    for (size_t i = 0; k->modify_scalars && k->modify_scalars[i]; i++)
        if (dp_rds_changed(r->desired, r->previous, k->modify_scalars[i])) {
            dp_rds_param(&q, k->modify_scalars[i], r->desired, k->modify_scalars[i]);
            changes++;
        }
    if (k->modify_params)
        changes += k->modify_params(&q, r);
    if (changes)
        dp_rds_call(r->client, k->modify_op, &q, NULL, &doc, &e);
    dp_params_cleanup(&q); /* may hold a password: free it now */
    if (changes && !doc) {
        /* busy (backing up, another change): try again shortly */
        if (k->busy_code && dp_rds_is(&e, k->busy_code) && dp_poll_count(r) < 60)
            wait_what(p, r, k, ctx_new("update", r->physical_id), " busy, waiting to modify");
        else
            dp_progress_fail(p, r, verb, &e);
        goto done;
    }
    xmlFreeDoc(doc);
    cJSON *want = dp_tags_with_ownership(dp_prop(r->desired, "Tags"), r->stack, r->logical_id);
    rc = arn ? dp_rds_sync_tags(r->client, arn, want, tags, &e) : 0;
    cJSON_Delete(want);
    if (rc) {
        snprintf(verb, sizeof verb, "tagging %s", k->what);
        dp_progress_fail(p, r, verb, &e);
    } else if (k->status_field) {
        wait_what(p, r, k, ctx_new("update-wait", r->physical_id), " modifying");
    } else {
        read_into(k, r, r->physical_id, p);
    }
done:
    free(arn);
    cJSON_Delete(tags);
}

/* One poll of the Deleted waiter (gone = success). */
static void wait_deleted(const dp_rds_kind *k, const dp_resource_req *r, dp_progress *p)
{
    dp_err e;
    dp_err_clear(&e);
    xmlDocPtr doc = NULL;
    xmlNodePtr n = NULL;
    int rc = dp_rds_describe(r->client, k->describe_op, k->id_prop, r->physical_id, k->describe_path, k->not_found,
                             &doc, &n, &e);
    if (rc < 0) {
        char verb[96];
        snprintf(verb, sizeof verb, "deleting %s", k->what);
        dp_progress_fail(p, r, verb, &e);
    } else if (rc == 0) {
        dp_progress_success(p, NULL);
    } else {
        char *status = dp_xml_text(n, k->status_field);
        if (dp_rds_deleted_state(status) == DP_RDS_FAILED) {
            dp_progress_failf(p, DP_E_AWS, "deleting %s %s: %s %s is %s (waited for it to be deleted)", k->what,
                              r->logical_id, k->what, r->physical_id, status ? status : "?");
        } else {
            char text[96];
            snprintf(text, sizeof text, " %s", status ? status : "?");
            cJSON *ctx = cJSON_Duplicate(r->context, 1); /* keeps the final snapshot's name */
            wait_what(p, r, k, ctx ? ctx : ctx_new("gone", r->physical_id), text);
        }
        free(status);
    }
    xmlFreeDoc(doc);
}

/* The final snapshot's name: chosen once and kept across retries in the context. */
static void final_snapshot(const dp_resource_req *r, char *snap, size_t n)
{
    const char *kept = dp_prop_str(r->context, "snapshot");
    if (kept) {
        snprintf(snap, n, "%s", kept);
        return;
    }
    time_t now = time(NULL);
    struct tm tm;
    char ts[32];
    gmtime_r(&now, &tm);
    strftime(ts, sizeof ts, "%Y%m%d%H%M%S", &tm);
    snprintf(snap, n, "%s-final-%s", r->physical_id, ts);
}

static cJSON *delete_ctx(const char *phase, const char *id, const char *snap)
{
    cJSON *ctx = ctx_new(phase, id);
    if (*snap)
        cJSON_AddStringToObject(ctx, "snapshot", snap);
    return ctx;
}

void dp_rds_delete(const dp_rds_kind *k, const dp_resource_req *r, dp_progress *p)
{
    const char *phase = dp_prop_str(r->context, "phase");
    if (phase && !strcmp(phase, "gone")) {
        wait_deleted(k, r, p);
        return;
    }
    char verb[160];
    snprintf(verb, sizeof verb, "deleting %s", k->what);
    xmlDocPtr doc = NULL;
    xmlNodePtr n = NULL;
    cJSON *tags = NULL;
    if (!current(k, r, p, verb, true, &doc, &n, &tags))
        return;
    dp_err e;
    dp_err_clear(&e);
    char *status = dp_xml_text(n, k->status_field), *protect = dp_xml_text(n, "DeletionProtection");
    bool deps = k->has_dependents && k->has_dependents(n);
    bool snapshot_ok = !k->snapshot_ok || k->snapshot_ok(n);
    xmlFreeDoc(doc);
    doc = NULL;
    if (dp_rds_check_owned(p, r, k->what, r->physical_id, tags) != DP_OWNED)
        goto done;
    if (status && !strcmp(status, "deleting")) {
        wait_what(p, r, k, ctx_new("gone", r->physical_id), " deleting");
        goto done;
    }
    if (protect && !strcmp(protect, "true")) {
        dp_progress_failf(p, DP_E_CONFLICT,
                          "deleting %s %s: %s has DeletionProtection enabled; set DeletionProtection: "
                          "false in the template and update the stack first",
                          k->what, r->logical_id, r->physical_id);
        goto done;
    }
    char snap[128] = "";
    if (snapshot_ok && r->deletion_policy && !strcmp(r->deletion_policy, "Snapshot"))
        final_snapshot(r, snap, sizeof snap);
    dp_params q;
    dp_params_init(&q, k->delete_op, DP_RDS_API_VERSION);
    dp_params_add(&q, k->id_prop, r->physical_id);
    if (*snap)
        dp_params_add(&q, "FinalDBSnapshotIdentifier", snap);
    else
        dp_params_add(&q, "SkipFinalSnapshot", "true");
    dp_rds_call(r->client, k->delete_op, &q, NULL, &doc, &e);
    dp_params_cleanup(&q);
    bool busy = k->busy_code && dp_rds_is(&e, k->busy_code);
    if (doc) {
        xmlFreeDoc(doc);
        wait_what(p, r, k, delete_ctx("gone", r->physical_id, snap), " deleting");
    } else if (dp_rds_is(&e, k->not_found)) {
        dp_progress_success(p, NULL);
    } else if (busy && deps) {
        snprintf(verb, sizeof verb, "deleting %s (%s)", k->what, k->dependents_hint);
        dp_progress_fail(p, r, verb, &e);
    } else if (busy && dp_poll_count(r) < 60) {
        /* modifying, backing up, or already being deleted: look again shortly */
        wait_what(p, r, k, delete_ctx("delete", r->physical_id, snap), " busy, waiting to delete");
    } else {
        dp_progress_fail(p, r, verb, &e);
    }
done:
    free(status);
    free(protect);
    cJSON_Delete(tags);
}

struct list_ctx {
    const dp_rds_kind *k;
    dp_list_fn fn;
    void *ctx;
};

static int on_tagged(void *ctx, const char *arn, const cJSON *tags, dp_err *e)
{
    struct list_ctx *l = ctx;
    const char *name = strstr(arn, l->k->arn_marker);
    const char *lg = dp_tag_value(tags, DP_TAG_LOGICAL_ID);
    if (!name)
        return 0;
    return l->fn(l->ctx, l->k->type, lg ? lg : "", name + strlen(l->k->arn_marker), e);
}

int dp_rds_list_tagged(const dp_rds_kind *k, dp_client *c, const char *stack, dp_list_fn fn, void *ctx, dp_err *e)
{
    struct list_ctx l = {k, fn, ctx};
    return dp_tagging_find(c, stack, k->tag_type, on_tagged, &l, e);
}

int dp_rds_physical_id(const dp_rds_kind *k, const cJSON *desired, const dp_resource_req *r, char *id, size_t n)
{
    return dp_rds_identifier(desired, k->id_prop, r, k->id_max, id, n);
}
