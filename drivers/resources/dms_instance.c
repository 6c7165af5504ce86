/* dms_instance.c - AWS::DMS::ReplicationInstance: create/adopt and wait available, read, modify, delete.
 *
 * PhysicalId (CloudFormation's Ref) is the instance ARN. Waits follow botocore's waiters
 * ReplicationInstanceAvailable (success "available"; failure "deleting",
 * "incompatible-credentials", "incompatible-network", "inaccessible-encryption-credentials")
 * and ReplicationInstanceDeleted (success ResourceNotFoundFault; failure "available"). */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "drivers/base/buf.h"
#include "drivers/core/json_proto.h"
#include "drivers/resources/dms.h"

#define TYPE "AWS::DMS::ReplicationInstance"
#define WHAT "replication instance"

static const char *const defaulted[] = {
    "AllocatedStorage", "EngineVersion", "MultiAZ", "PubliclyAccessible", "AutoMinorVersionUpgrade",
    "AvailabilityZone", "PreferredMaintenanceWindow", "KmsKeyId", "NetworkType", "DnsNameServers",
    "VpcSecurityGroupIds", "ReplicationSubnetGroupIdentifier", NULL};

static int describe_arn(dp_client *c, const char *arn, cJSON **inst, dp_err *e)
{
    return dp_dms_describe_one(c, "DescribeReplicationInstances", "ReplicationInstances", "replication-instance-arn",
                               arn, inst, e);
}

static cJSON *sg_ids(const cJSON *inst, const cJSON *desired)
{
    cJSON *ids = cJSON_CreateArray();
    const cJSON *g;
    cJSON_ArrayForEach(g, dp_prop(inst, "VpcSecurityGroups"))
    {
        const char *id = dp_prop_str(g, "VpcSecurityGroupId");
        if (id)
            cJSON_AddItemToArray(ids, cJSON_CreateString(id));
    }
    const cJSON *want = dp_prop(desired, "VpcSecurityGroupIds");
    if (want && dp_dms_same_strings(ids, want)) {
        cJSON_Delete(ids);
        return cJSON_Duplicate(want, 1);
    }
    return ids;
}

/* "a,b" from a JSON array of strings (GetAtt gives the address lists as one string). */
static void joined_attr(cJSON *model, const char *name, const cJSON *arr)
{
    dp_buf b;
    dp_buf_init(&b, 4096);
    const cJSON *el;
    cJSON_ArrayForEach(el, arr) if (cJSON_IsString(el))
    {
        if (b.len)
            dp_buf_putc(&b, ',');
        dp_buf_puts(&b, el->valuestring);
    }
    dp_model_attr(model, name, dp_buf_str(&b));
    dp_buf_cleanup(&b);
}

/* SUCCESS with the model of a described instance (props in template form). */
static void success(const dp_resource_req *r, dp_progress *p, const cJSON *inst, const char *verb)
{
    const char *arn = dp_prop_str(inst, "ReplicationInstanceArn");
    dp_err e;
    dp_err_clear(&e);
    cJSON *tags = NULL;
    if (dp_dms_tags(r->client, arn, &tags, &e)) {
        dp_progress_fail(p, r, verb, &e);
        return;
    }
    cJSON *props = cJSON_CreateObject();
    static const char *const same[] = {"ReplicationInstanceIdentifier", "ReplicationInstanceClass", "AllocatedStorage",
                                       "EngineVersion", "MultiAZ", "PubliclyAccessible", "AutoMinorVersionUpgrade",
                                       "AvailabilityZone", "PreferredMaintenanceWindow", "KmsKeyId", "NetworkType",
                                       "DnsNameServers", NULL};
    for (const char *const *k = same; *k; k++)
        dp_dms_report(props, inst, *k, *k);
    dp_dms_report(props, dp_prop(inst, "ReplicationSubnetGroup"), "ReplicationSubnetGroupIdentifier",
                  "ReplicationSubnetGroupIdentifier");
    cJSON *sgs = sg_ids(inst, r->desired);
    if (cJSON_GetArraySize(sgs))
        cJSON_AddItemToObject(props, "VpcSecurityGroupIds", sgs);
    else
        cJSON_Delete(sgs);
    dp_dms_keep_case(props, r->desired, "ReplicationInstanceIdentifier");
    dp_dms_keep_case(props, r->desired, "ReplicationSubnetGroupIdentifier");
    dp_dms_drop_unset(props, r->desired, defaulted);
    dp_dms_add_tags_prop(props, tags);
    cJSON_Delete(tags);
    cJSON *model = dp_model_new(arn, props);
    dp_model_attr(model, "Id", arn);
    dp_model_attr(model, "Arn", arn);
    joined_attr(model, "ReplicationInstancePublicIpAddresses", dp_prop(inst, "ReplicationInstancePublicIpAddresses"));
    joined_attr(model, "ReplicationInstancePrivateIpAddresses", dp_prop(inst, "ReplicationInstancePrivateIpAddresses"));
    dp_progress_success(p, model);
}

static bool failed_status(const char *s)
{
    static const char *const bad[] = {"deleting", "incompatible-credentials", "incompatible-network",
                                      "inaccessible-encryption-credentials", NULL};
    for (const char *const *b = bad; *b; b++)
        if (!strcmp(s, *b))
            return true;
    return false;
}

/* One poll of the ReplicationInstanceAvailable waiter (plus no pending modifications). */
static void wait_available(const dp_resource_req *r, dp_progress *p, const char *arn, const char *verb)
{
    dp_err e;
    dp_err_clear(&e);
    cJSON *inst = NULL;
    int rc = describe_arn(r->client, arn, &inst, &e);
    if (rc) {
        if (rc == 1)
            dp_progress_failf(p, DP_E_NOT_FOUND, "%s %s: %s %s disappeared", verb, r->logical_id, WHAT, arn);
        else
            dp_progress_fail(p, r, verb, &e);
        return;
    }
    const char *status = dp_prop_str(inst, "ReplicationInstanceStatus");
    status = status ? status : "";
    const cJSON *pending = dp_prop(inst, "PendingModifiedValues");
    if (!strcmp(status, "available") && !cJSON_GetArraySize(pending)) {
        success(r, p, inst, verb);
    } else if (failed_status(status)) {
        dp_progress_failf(p, DP_E_AWS, "%s %s: %s %s is %s", verb, r->logical_id, WHAT, arn, status);
    } else {
        cJSON *ctx = cJSON_CreateObject();
        cJSON_AddStringToObject(ctx, "arn", arn);
        char text[96];
        snprintf(text, sizeof text, "replication instance %s", status);
        dp_progress_wait(p, r, ctx, text);
    }
    cJSON_Delete(inst);
}

static void lower(char *s)
{
    for (; *s; s++)
        *s = (char)tolower((unsigned char)*s);
}

static void create(const dp_resource_req *r, dp_progress *p)
{
    const char *arn = dp_prop_str(r->context, "arn");
    if (arn) {
        wait_available(r, p, arn, "creating");
        return;
    }
    char id[64];
    dp_dms_name(r, "ReplicationInstanceIdentifier", 63, id, sizeof id);
    lower(id); /* DMS stores the identifier lower-cased */
    dp_err e;
    dp_err_clear(&e);
    cJSON *inst = NULL;
    int rc = dp_dms_describe_one(r->client, "DescribeReplicationInstances", "ReplicationInstances",
                                 "replication-instance-id", id, &inst, &e);
    if (rc == 1) {
        cJSON *in = cJSON_CreateObject(), *out = NULL;
        cJSON_AddStringToObject(in, "ReplicationInstanceIdentifier", id);
        dp_dms_copy(in, r->desired, "ReplicationInstanceClass", "ReplicationInstanceClass");
        dp_dms_copy_int(in, r->desired, "AllocatedStorage");
        dp_dms_copy(in, r->desired, "VpcSecurityGroupIds", "VpcSecurityGroupIds");
        static const char *const strs[] = {"AvailabilityZone", "ReplicationSubnetGroupIdentifier",
                                           "PreferredMaintenanceWindow", "EngineVersion", "KmsKeyId",
                                           "DnsNameServers", "ResourceIdentifier", "NetworkType", NULL};
        for (const char *const *k = strs; *k; k++)
            dp_dms_copy(in, r->desired, *k, *k);
        dp_dms_copy_bool(in, r->desired, "MultiAZ");
        dp_dms_copy_bool(in, r->desired, "AutoMinorVersionUpgrade");
        dp_dms_copy_bool(in, r->desired, "PubliclyAccessible");
        cJSON_AddItemToObject(in, "Tags", dp_dms_want_tags(r));
        rc = dp_json_call(r->client, &dp_svc_dms, "CreateReplicationInstance", in, &out, &e);
        cJSON_Delete(in);
        if (!rc) {
            const char *new_arn = dp_prop_str(dp_prop(out, "ReplicationInstance"), "ReplicationInstanceArn");
            cJSON *ctx = cJSON_CreateObject();
            cJSON_AddStringToObject(ctx, "arn", new_arn ? new_arn : "");
            dp_progress_wait(p, r, ctx, "replication instance creating");
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
        rc = dp_dms_describe_one(r->client, "DescribeReplicationInstances", "ReplicationInstances",
                                 "replication-instance-id", id, &inst, &e);
    }
    if (rc) {
        dp_progress_fail(p, r, "creating", &e);
        return;
    }
    /* it exists: a create whose answer was lost (adopt), or someone else's (refuse) */
    const char *found = dp_prop_str(inst, "ReplicationInstanceArn");
    if (found && dp_dms_require_owned(r, found, WHAT, id, p) == 0)
        wait_available(r, p, found, "adopting");
    cJSON_Delete(inst);
}

static void read_(const dp_resource_req *r, dp_progress *p)
{
    dp_err e;
    dp_err_clear(&e);
    cJSON *inst = NULL;
    int rc = describe_arn(r->client, r->physical_id, &inst, &e);
    if (rc == 1)
        dp_progress_failf(p, DP_E_NOT_FOUND, "%s %s not found", WHAT, r->physical_id);
    else if (rc)
        dp_progress_fail(p, r, "reading", &e);
    else
        success(r, p, inst, "reading");
    cJSON_Delete(inst);
}

/* ModifyReplicationInstance input for what differs between desired and live; NULL if nothing. */
static cJSON *modify_input(const dp_resource_req *r, const cJSON *inst)
{
    const cJSON *d = r->desired;
    cJSON *in = cJSON_CreateObject();
    int n = 0;
    static const char *const strs[] = {"ReplicationInstanceClass", "EngineVersion", "PreferredMaintenanceWindow",
                                       "NetworkType", NULL};
    for (const char *const *k = strs; *k; k++) {
        const char *want = dp_prop_str(d, *k), *have = dp_prop_str(inst, *k);
        if (want && (!have || strcmp(want, have))) {
            cJSON_AddStringToObject(in, *k, want);
            n++;
        }
    }
    const char *want_id = dp_prop_str(d, "ReplicationInstanceIdentifier");
    const char *have_id = dp_prop_str(inst, "ReplicationInstanceIdentifier");
    if (want_id && have_id && strcasecmp(want_id, have_id)) {
        cJSON_AddStringToObject(in, "ReplicationInstanceIdentifier", want_id);
        n++;
    }
    if (dp_prop(d, "AllocatedStorage") &&
        dp_prop_long(d, "AllocatedStorage", 0) != dp_prop_long(inst, "AllocatedStorage", -1)) {
        dp_dms_copy_int(in, d, "AllocatedStorage");
        n++;
    }
    static const char *const bools[] = {"MultiAZ", "AutoMinorVersionUpgrade", NULL};
    for (const char *const *k = bools; *k; k++)
        if (dp_prop(d, *k) && dp_prop_bool(d, *k, false) != dp_prop_bool(inst, *k, false)) {
            dp_dms_copy_bool(in, d, *k);
            n++;
        }
    cJSON *live_sgs = sg_ids(inst, NULL);
    if (dp_prop(d, "VpcSecurityGroupIds") && !dp_dms_same_strings(dp_prop(d, "VpcSecurityGroupIds"), live_sgs)) {
        dp_dms_copy(in, d, "VpcSecurityGroupIds", "VpcSecurityGroupIds");
        n++;
    }
    cJSON_Delete(live_sgs);
    if (!n) {
        cJSON_Delete(in);
        return NULL;
    }
    if (cJSON_GetObjectItemCaseSensitive(in, "EngineVersion"))
        dp_dms_copy_bool(in, d, "AllowMajorVersionUpgrade");
    cJSON_AddStringToObject(in, "ReplicationInstanceArn", dp_prop_str(inst, "ReplicationInstanceArn"));
    cJSON_AddBoolToObject(in, "ApplyImmediately", 1);
    return in;
}

static void update(const dp_resource_req *r, dp_progress *p)
{
    if (dp_prop_str(r->context, "arn")) {
        wait_available(r, p, r->physical_id, "updating");
        return;
    }
    dp_err e;
    dp_err_clear(&e);
    cJSON *inst = NULL;
    int rc = describe_arn(r->client, r->physical_id, &inst, &e);
    if (rc) {
        if (rc == 1)
            dp_progress_failf(p, DP_E_NOT_FOUND, "%s %s not found", WHAT, r->physical_id);
        else
            dp_progress_fail(p, r, "updating", &e);
        return;
    }
    const char *status = dp_prop_str(inst, "ReplicationInstanceStatus");
    if (status && strcmp(status, "available") && !failed_status(status)) { /* settle first */
        cJSON_Delete(inst);
        dp_progress_wait(p, r, NULL, "replication instance busy before update");
        return;
    }
    cJSON *in = modify_input(r, inst);
    cJSON_Delete(inst);
    if (in) {
        cJSON *out = NULL;
        rc = dp_json_call(r->client, &dp_svc_dms, "ModifyReplicationInstance", in, &out, &e);
        cJSON_Delete(in);
        cJSON_Delete(out);
    }
    if (!rc) {
        cJSON *want = dp_dms_want_tags(r);
        rc = dp_dms_sync_tags(r->client, r->physical_id, want, &e);
        cJSON_Delete(want);
    }
    if (rc) {
        dp_progress_fail(p, r, "updating", &e);
        return;
    }
    cJSON *ctx = cJSON_CreateObject();
    cJSON_AddStringToObject(ctx, "arn", r->physical_id);
    dp_progress_wait(p, r, ctx, "replication instance modifying");
}

/* One poll of the ReplicationInstanceDeleted waiter. */
static void wait_deleted(const dp_resource_req *r, dp_progress *p)
{
    dp_err e;
    dp_err_clear(&e);
    cJSON *inst = NULL;
    int rc = describe_arn(r->client, r->physical_id, &inst, &e);
    const char *status = rc ? NULL : dp_prop_str(inst, "ReplicationInstanceStatus");
    if (rc == 1)
        dp_progress_success(p, NULL);
    else if (rc)
        dp_progress_fail(p, r, "deleting", &e);
    else if (status && !strcmp(status, "available"))
        dp_progress_failf(p, DP_E_AWS, "deleting %s: %s %s is available again", r->logical_id, WHAT, r->physical_id);
    else {
        cJSON *ctx = cJSON_CreateObject();
        cJSON_AddBoolToObject(ctx, "deleting", 1);
        dp_progress_wait(p, r, ctx, "replication instance deleting");
    }
    cJSON_Delete(inst);
}

static void del(const dp_resource_req *r, dp_progress *p)
{
    if (dp_prop(r->context, "deleting")) {
        wait_deleted(r, p);
        return;
    }
    dp_err e;
    dp_err_clear(&e);
    cJSON *in = cJSON_CreateObject(), *out = NULL;
    cJSON_AddStringToObject(in, "ReplicationInstanceArn", r->physical_id);
    int rc = dp_json_call(r->client, &dp_svc_dms, "DeleteReplicationInstance", in, &out, &e);
    cJSON_Delete(in);
    cJSON_Delete(out);
    if (rc && dp_dms_not_found(&e)) {
        dp_progress_success(p, NULL);
        return;
    }
    if (rc && !strcmp(e.aws_code, "InvalidResourceStateFault")) {
        /* already deleting (a retried delete) is fine; anything else (tasks left) is not */
        cJSON *inst = NULL;
        dp_err e2;
        dp_err_clear(&e2);
        const char *status = NULL;
        if (describe_arn(r->client, r->physical_id, &inst, &e2) == 0)
            status = dp_prop_str(inst, "ReplicationInstanceStatus");
        if (status && !strcmp(status, "deleting"))
            rc = 0;
        cJSON_Delete(inst);
    }
    if (rc) {
        dp_progress_fail(p, r, "deleting", &e);
        return;
    }
    wait_deleted(r, p);
}

static int list(dp_client *c, const char *stack, dp_list_fn fn, void *ctx, dp_err *e)
{
    return dp_dms_list_tagged(c, stack, "rep", TYPE, fn, ctx, e);
}

const dp_driver dp_driver_dms_instance = {TYPE, create, read_, update, del, list, NULL};
