/* dms_flow.c - table-driven DMS flows: find by name -> ownership -> adopt or create, the
 * Available / Deleted waiters, read, and delete -> wait gone. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "drivers/core/proto/json.h"
#include "drivers/resources/dms/dms_flow.h"

int dp_dms_describe_arn(const dp_dms_kind *k, dp_client *c, const char *arn, cJSON **item, dp_err *e)
{
    return dp_dms_describe_one(c, k->describe_op, k->list_key, k->arn_filter, arn, item, e);
}

void dp_dms_success(const dp_dms_kind *k, const dp_resource_req *r, dp_progress *p, const cJSON *item,
                    const char *verb)
{
    const char *arn = dp_prop_str(item, k->arn_field);
    dp_err e;
    dp_err_clear(&e);
    cJSON *tags = NULL;
    if (dp_dms_tags(r->client, arn, &tags, &e)) {
        dp_progress_fail(p, r, verb, &e);
        return;
    }
    cJSON *props = k->props_of(r, item);
    dp_dms_add_tags_prop(props, tags);
    cJSON_Delete(tags);
    cJSON *model = dp_model_new(arn, props);
    dp_model_attr(model, "Id", arn);
    dp_model_attr(model, "Arn", arn);
    if (k->attrs)
        k->attrs(model, item);
    dp_progress_success(p, model);
}

int dp_dms_current(const dp_dms_kind *k, const dp_resource_req *r, dp_progress *p, const char *verb,
                   cJSON **item)
{
    dp_err e;
    dp_err_clear(&e);
    int rc = dp_dms_describe_arn(k, r->client, r->physical_id, item, &e);
    if (rc == DP_MISSING)
        dp_progress_failf(p, DP_E_NOT_FOUND, "%s %s not found", k->what, r->physical_id);
    else if (rc < 0)
        dp_progress_fail(p, r, verb, &e);
    return rc == DP_FOUND ? 0 : -1;
}

void dp_dms_read(const dp_dms_kind *k, const dp_resource_req *r, dp_progress *p)
{
    cJSON *item = NULL;
    if (dp_dms_current(k, r, p, "reading", &item) == 0)
        dp_dms_success(k, r, p, item, "reading");
    cJSON_Delete(item);
}

void dp_dms_wait_available(const dp_dms_kind *k, const dp_resource_req *r, dp_progress *p, const char *arn,
                           const char *verb)
{
    dp_err e;
    dp_err_clear(&e);
    cJSON *item = NULL;
    int rc = dp_dms_describe_arn(k, r->client, arn, &item, &e);
    if (rc != DP_FOUND) {
        if (rc == DP_MISSING)
            dp_progress_failf(p, DP_E_NOT_FOUND, "%s %s: %s %s disappeared", verb, r->logical_id, k->what, arn);
        else
            dp_progress_fail(p, r, verb, &e);
        return;
    }
    const char *status = dp_prop_str(item, k->status_field);
    status = status ? status : "";
    dp_dms_state st = k->state(item);
    if (st == DP_DMS_READY) {
        dp_dms_success(k, r, p, item, verb);
    } else if (st == DP_DMS_FAILED) {
        dp_progress_failf(p, DP_E_AWS, "%s %s: %s %s is %s", verb, r->logical_id, k->what, arn, status);
    } else {
        cJSON *ctx = cJSON_CreateObject();
        cJSON_AddStringToObject(ctx, "arn", arn);
        char text[96];
        snprintf(text, sizeof text, "%s %s", k->what, status);
        dp_progress_wait(p, r, ctx, text);
    }
    cJSON_Delete(item);
}

/* The lookup convention of err.h, as dp_dms_describe_one. */
static int find_by_name(const dp_dms_kind *k, dp_client *c, const char *id, cJSON **item, dp_err *e)
{
    return dp_dms_describe_one(c, k->describe_op, k->list_key, k->id_filter, id, item, e);
}

void dp_dms_create(const dp_dms_kind *k, const dp_resource_req *r, dp_progress *p)
{
    const char *arn = dp_prop_str(r->context, "arn");
    if (arn && k->resume)
        k->resume(r, p, arn);
    else if (arn)
        dp_dms_wait_available(k, r, p, arn, "creating");
    if (arn)
        return;
    char id[256];
    dp_dms_name(r, k->id_prop, k->id_max, id, k->id_max + 1);
    for (char *s = id; k->lower_id && *s; s++)
        *s = (char)tolower((unsigned char)*s);
    dp_err e;
    dp_err_clear(&e);
    cJSON *item = NULL;
    int rc = find_by_name(k, r->client, id, &item, &e);
    if (rc == DP_MISSING) {
        cJSON *in = cJSON_CreateObject(), *out = NULL;
        cJSON_AddStringToObject(in, k->id_prop, id);
        k->create_input(in, r);
        cJSON_AddItemToObject(in, "Tags", dp_dms_want_tags(r));
        rc = dp_json_call(r->client, &dp_svc_dms, k->create_op, in, &out, &e);
        cJSON_Delete(in);
        if (!rc) {
            const char *new_arn = dp_prop_str(dp_prop(out, k->created_key), k->arn_field);
            k->created(r, p, new_arn ? new_arn : "");
            cJSON_Delete(out);
            return;
        }
        cJSON_Delete(out);
        if (strcmp(e.aws_code, "ResourceAlreadyExistsFault")) {
            dp_progress_fail(p, r, "creating", &e);
            return;
        }
        /* a retried call whose first attempt went through: look again */
        dp_err_clear(&e);
        rc = find_by_name(k, r->client, id, &item, &e);
    }
    if (rc != DP_FOUND) {
        dp_progress_fail(p, r, "creating", &e);
        return;
    }
    /* it exists: a create whose answer was lost (adopt), or someone else's (refuse) */
    const char *found = dp_prop_str(item, k->arn_field);
    if (found && dp_dms_require_owned(r, found, k->what, id, p) == 0)
        k->adopt(r, p, found);
    cJSON_Delete(item);
}

static bool listed(const char *const *list, const char *s)
{
    for (; s && list && *list; list++)
        if (!strcmp(*list, s))
            return true;
    return false;
}

/* One poll of the Deleted waiter (not found = success). */
static void wait_deleted(const dp_dms_kind *k, const dp_resource_req *r, dp_progress *p)
{
    dp_err e;
    dp_err_clear(&e);
    cJSON *item = NULL;
    int rc = dp_dms_describe_arn(k, r->client, r->physical_id, &item, &e);
    const char *status = rc == DP_FOUND ? dp_prop_str(item, k->status_field) : NULL;
    if (rc == DP_MISSING) {
        dp_progress_success(p, NULL);
    } else if (rc < 0) {
        dp_progress_fail(p, r, "deleting", &e);
    } else if (listed(k->again, status)) {
        dp_progress_failf(p, DP_E_AWS, "deleting %s: %s %s is %s again", r->logical_id, k->what, r->physical_id,
                          status);
    } else {
        cJSON *ctx = cJSON_CreateObject();
        cJSON_AddBoolToObject(ctx, "deleting", 1);
        char text[96];
        snprintf(text, sizeof text, "%s deleting", k->what);
        dp_progress_wait(p, r, ctx, text);
    }
    cJSON_Delete(item);
}

void dp_dms_delete(const dp_dms_kind *k, const dp_resource_req *r, dp_progress *p)
{
    if (dp_prop(r->context, "deleting")) {
        wait_deleted(k, r, p);
        return;
    }
    dp_err e;
    dp_err_clear(&e);
    cJSON *in = cJSON_CreateObject(), *out = NULL;
    cJSON_AddStringToObject(in, k->arn_field, r->physical_id);
    int rc = dp_json_call(r->client, &dp_svc_dms, k->delete_op, in, &out, &e);
    cJSON_Delete(in);
    cJSON_Delete(out);
    if (rc && dp_dms_not_found(&e)) {
        dp_progress_success(p, NULL);
        return;
    }
    if (rc && !strcmp(e.aws_code, "InvalidResourceStateFault")) {
        /* already deleting (a retried delete) is fine; anything else (tasks left) is not */
        cJSON *item = NULL;
        dp_err e2;
        dp_err_clear(&e2);
        const char *status = NULL;
        if (dp_dms_describe_arn(k, r->client, r->physical_id, &item, &e2) == DP_FOUND)
            status = dp_prop_str(item, k->status_field);
        if (status && !strcmp(status, "deleting"))
            rc = 0;
        cJSON_Delete(item);
    }
    if (rc) {
        dp_progress_fail(p, r, "deleting", &e);
        return;
    }
    wait_deleted(k, r, p);
}

int dp_dms_physical_id(const dp_dms_kind *k, const cJSON *desired, const dp_resource_req *r, char *id, size_t n)
{
    const char *given = dp_prop_str(desired, k->id_prop);
    if (given && *given) {
        snprintf(id, n, "%s", given);
        return 0;
    }
    dp_resource_req q = *r;
    q.desired = desired;
    dp_dms_name(&q, k->id_prop, k->id_max, id, n);
    for (char *s = id; k->lower_id && *s; s++)
        *s = (char)tolower((unsigned char)*s);
    return 1;
}
