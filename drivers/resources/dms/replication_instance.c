/* replication_instance.c - AWS::DMS::ReplicationInstance: create/adopt and wait available, read, modify, delete.
 *
 * PhysicalId (CloudFormation's Ref) is the instance ARN. Waits follow botocore's waiters
 * ReplicationInstanceAvailable (success "available"; failure "deleting",
 * "incompatible-credentials", "incompatible-network", "inaccessible-encryption-credentials")
 * and ReplicationInstanceDeleted (success ResourceNotFoundFault; failure "available"). */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "drivers/base/buf.h"
#include "drivers/core/proto/json.h"
#include "drivers/resources/dms/dms_flow.h"

#define TYPE "AWS::DMS::ReplicationInstance"
#define WHAT "replication instance"

static const char *const defaulted[] = {
    "AllocatedStorage", "EngineVersion", "MultiAZ", "PubliclyAccessible", "AutoMinorVersionUpgrade",
    "AvailabilityZone", "PreferredMaintenanceWindow", "KmsKeyId", "NetworkType", "DnsNameServers",
    "VpcSecurityGroupIds", "ReplicationSubnetGroupIdentifier", NULL};

static const dp_dms_kind kind; /* defined below, after its hooks */

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

/* Properties of a described instance in template form (owned). */
static cJSON *props_of(const dp_resource_req *r, const cJSON *inst)
{
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
    return props;
}

/* GetAtt values beyond Id and Arn. */
static void attrs(cJSON *model, const cJSON *inst)
{
    joined_attr(model, "ReplicationInstancePublicIpAddresses", dp_prop(inst, "ReplicationInstancePublicIpAddresses"));
    joined_attr(model, "ReplicationInstancePrivateIpAddresses", dp_prop(inst, "ReplicationInstancePrivateIpAddresses"));
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

/* ReplicationInstanceAvailable, plus no pending modifications. */
static dp_dms_state state(const cJSON *inst)
{
    const char *status = dp_prop_str(inst, "ReplicationInstanceStatus");
    status = status ? status : "";
    if (!strcmp(status, "available") && !cJSON_GetArraySize(dp_prop(inst, "PendingModifiedValues")))
        return DP_DMS_READY;
    return failed_status(status) ? DP_DMS_FAILED : DP_DMS_WAIT;
}

static void create_input(cJSON *in, const dp_resource_req *r)
{
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
}

static void created(const dp_resource_req *r, dp_progress *p, const char *arn)
{
    cJSON *ctx = cJSON_CreateObject();
    cJSON_AddStringToObject(ctx, "arn", arn);
    dp_progress_wait(p, r, ctx, "replication instance creating");
}

static void adopt(const dp_resource_req *r, dp_progress *p, const char *arn)
{
    dp_dms_wait_available(&kind, r, p, arn, "adopting");
}

static const char *const again[] = {"available", NULL};

static const dp_dms_kind kind = {
    .type = TYPE, .what = WHAT, .id_prop = "ReplicationInstanceIdentifier", .id_max = 63, .lower_id = true,
    .describe_op = "DescribeReplicationInstances", .list_key = "ReplicationInstances",
    .id_filter = "replication-instance-id", .arn_filter = "replication-instance-arn",
    .arn_field = "ReplicationInstanceArn", .status_field = "ReplicationInstanceStatus",
    .create_op = "CreateReplicationInstance", .created_key = "ReplicationInstance",
    .delete_op = "DeleteReplicationInstance", .again = again, .resume = NULL, .create_input = create_input,
    .created = created, .adopt = adopt, .props_of = props_of, .attrs = attrs, .state = state};

static void create(const dp_resource_req *r, dp_progress *p) { dp_dms_create(&kind, r, p); }

static void read_(const dp_resource_req *r, dp_progress *p) { dp_dms_read(&kind, r, p); }

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
        dp_dms_wait_available(&kind, r, p, r->physical_id, "updating");
        return;
    }
    cJSON *inst = NULL;
    if (dp_dms_current(&kind, r, p, "updating", &inst))
        return;
    dp_err e;
    dp_err_clear(&e);
    int rc = 0;
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

static void del(const dp_resource_req *r, dp_progress *p) { dp_dms_delete(&kind, r, p); }

static int list(dp_client *c, const char *stack, dp_list_fn fn, void *ctx, dp_err *e)
{
    return dp_dms_list_tagged(c, stack, "rep", TYPE, fn, ctx, e);
}

static int physical_id_for(const cJSON *desired, const dp_resource_req *r, char *id, size_t n)
{
    return dp_dms_physical_id(&kind, desired, r, id, n);
}

static const char *const applies[] = {
    "ReplicationInstanceIdentifier", "ReplicationInstanceClass", "AllocatedStorage", "VpcSecurityGroupIds",
    "AvailabilityZone", "ReplicationSubnetGroupIdentifier", "PreferredMaintenanceWindow", "EngineVersion",
    "AllowMajorVersionUpgrade", "KmsKeyId", "DnsNameServers", "ResourceIdentifier", "NetworkType", "MultiAZ",
    "AutoMinorVersionUpgrade", "PubliclyAccessible", "Tags", NULL};
static const char *const reads_back[] = {
    "ReplicationInstanceIdentifier", "ReplicationInstanceClass", "AllocatedStorage", "VpcSecurityGroupIds",
    "AvailabilityZone", "ReplicationSubnetGroupIdentifier", "PreferredMaintenanceWindow", "EngineVersion",
    "KmsKeyId", "DnsNameServers", "NetworkType", "MultiAZ", "AutoMinorVersionUpgrade", "PubliclyAccessible",
    "Tags", NULL};
static const char *const lowercased[] = {"ReplicationSubnetGroupIdentifier", "PreferredMaintenanceWindow", NULL};
static const char *const may_reference[] = {"AWS::DMS::ReplicationSubnetGroup", "AWS::IAM::Role", NULL};

const dp_driver dp_driver_dms_instance = {
    .type = TYPE,
    .create = create,
    .read = read_,
    .update = update,
    .del = del,
    .list = list,
    .physical_id_for = physical_id_for,
    .name_prop = "ReplicationInstanceIdentifier",
    .lowercased = lowercased,
    .applies = applies,
    .reads_back = reads_back,
    .may_reference = may_reference,
    .seconds = {.create = 600, .update = 600, .del = 300},
    .caps = DP_CAP_ID_LOWERCASE,
};
