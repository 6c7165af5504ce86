/* test_rds_common.c - RDS identifier fix-ups, parameters, XML to template form, waiter states. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "drivers/resources/common.h"
#include "drivers/resources/rds/rds_common.h"

static void fix(const char *in, size_t max, const char *want)
{
    char buf[300];
    snprintf(buf, sizeof buf, "%s", in);
    dp_rds_fix_identifier(buf, max);
    CHECK_STR(buf, want);
}

static void test_identifiers(void)
{
    fix("My-Stack-DbCluster-ABC123", 63, "my-stack-dbcluster-abc123");
    fix("9lives--Cluster_", 63, "lives-cluster");       /* starts with a letter, no -- or _ */
    fix("a--b---c", 63, "a-b-c");
    fix("abc-def", 4, "abc");                            /* trimmed, no trailing hyphen */
    fix("123", 63, "r");
    fix("x_y.z", 63, "x-y-z");

    dp_resource_req r = {.stack = "Lab_Stack--1", .logical_id = "AuroraCluster", .client_token = "tok-1"};
    char a[64], b[64];
    dp_rds_generated_id(&r, 63, a, sizeof a);
    dp_rds_generated_id(&r, 63, b, sizeof b);
    CHECK_STR(a, b); /* stable per token */
    CHECK(strlen(a) <= 63);
    CHECK(!strstr(a, "--"));
    CHECK(!strchr(a, '_'));
    CHECK(a[0] >= 'a' && a[0] <= 'z');
    CHECK(!strncmp(a, "lab-stack-1-auroracluster-", 26));
    for (char *c = a; *c; c++)
        CHECK((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '-');

    /* a long stack name keeps the suffix and the limit */
    dp_resource_req lr = {.stack = "a-very-long-stack-name-that-goes-on-and-on-and-on-forever",
                          .logical_id = "AnEvenLongerLogicalIdForTheClusterMember", .client_token = "t"};
    dp_rds_generated_id(&lr, 63, a, sizeof a);
    CHECK(strlen(a) <= 63);
    CHECK(a[strlen(a) - 1] != '-');

    cJSON *d = cJSON_Parse("{\"DBSubnetGroupName\":\"My-Subnets\"}");
    CHECK_INT(dp_rds_identifier(d, "DBSubnetGroupName", &r, 255, a, sizeof a), 0);
    CHECK_STR(a, "my-subnets"); /* RDS lower-cases names */
    CHECK_INT(dp_rds_identifier(d, "Other", &r, 63, a, sizeof a), 1);
    CHECK_STR(a, b);
    cJSON_Delete(d);

    dp_resource_req ar = {.partition = "aws-cn", .region = "cn-north-1", .account_id = "123"};
    dp_rds_arn(&ar, "subgrp", "g1", a, sizeof a);
    CHECK_STR(a, "arn:aws-cn:rds:cn-north-1:123:subgrp:g1");
}

static void test_params(void)
{
    dp_params p;
    dp_params_init(&p, "CreateDBCluster", DP_RDS_API_VERSION);
    cJSON *d = cJSON_Parse("{\"Port\":5432,\"DeletionProtection\":true,\"Name\":\"a b\",\"Sgs\":[\"sg-1\",\"sg-2\"],"
                           "\"Tags\":[{\"Key\":\"k\",\"Value\":\"v\"}],\"Cap\":0.5}");
    dp_rds_param(&p, "Port", d, "Port");
    dp_rds_param(&p, "DeletionProtection", d, "DeletionProtection");
    dp_rds_param(&p, "Name", d, "Name");
    dp_rds_param(&p, "Missing", d, "Missing");
    dp_rds_param(&p, "Cap", d, "Cap");
    dp_rds_param_list(&p, "VpcSecurityGroupIds", "VpcSecurityGroupId", dp_prop(d, "Sgs"));
    dp_rds_param_tags(&p, "Tags", dp_prop(d, "Tags"));
    CHECK_STR(dp_buf_str(&p.body),
              "Action=CreateDBCluster&Version=2014-10-31&Port=5432&DeletionProtection=true&Name=a%20b&Cap=0.5"
              "&VpcSecurityGroupIds.VpcSecurityGroupId.1=sg-1&VpcSecurityGroupIds.VpcSecurityGroupId.2=sg-2"
              "&Tags.Tag.1.Key=k&Tags.Tag.1.Value=v");
    dp_params_cleanup(&p);

    cJSON *prev = cJSON_Parse("{\"Port\":5432,\"DeletionProtection\":false,\"Name\":\"a b\",\"Sgs\":[\"sg-1\"]}");
    cJSON *want = cJSON_Parse("{\"Port\":\"5432\",\"DeletionProtection\":true,\"Name\":\"a b\",\"Sgs\":[\"sg-1\",\"sg-2\"],"
                              "\"New\":1}");
    CHECK(!dp_rds_changed(want, prev, "Port")); /* "5432" and 5432 are the same value */
    CHECK(dp_rds_changed(want, prev, "DeletionProtection"));
    CHECK(!dp_rds_changed(want, prev, "Name"));
    CHECK(dp_rds_changed(want, prev, "Sgs"));
    CHECK(dp_rds_changed(want, prev, "New"));
    CHECK(!dp_rds_changed(want, prev, "Absent"));
    cJSON_Delete(prev);
    cJSON_Delete(want);
    cJSON_Delete(d);

    static const char *const ok[] = {"A", "B", NULL};
    cJSON *u = cJSON_Parse("{\"A\":1,\"C\":2}");
    CHECK_STR(dp_rds_unsupported(u, ok), "C");
    cJSON_DeleteItemFromObject(u, "C");
    CHECK(dp_rds_unsupported(u, ok) == NULL);
    cJSON_Delete(u);
}

static void test_xml(void)
{
    static const char xml[] =
        "<DescribeDBClustersResponse xmlns=\"http://rds.amazonaws.com/doc/2014-10-31/\"><DescribeDBClustersResult>"
        "<DBClusters><DBCluster><DBClusterIdentifier>c1</DBClusterIdentifier><Port>5432</Port>"
        "<StorageEncrypted>true</StorageEncrypted><Capacity>0.5</Capacity>"
        "<VpcSecurityGroups><VpcSecurityGroupMembership><VpcSecurityGroupId>sg-1</VpcSecurityGroupId>"
        "<Status>active</Status></VpcSecurityGroupMembership><VpcSecurityGroupMembership>"
        "<VpcSecurityGroupId>sg-2</VpcSecurityGroupId></VpcSecurityGroupMembership></VpcSecurityGroups>"
        "<PendingModifiedValues/><TagList><Tag><Key>dmsprov:stack</Key><Value>s</Value></Tag>"
        "<Tag><Key>b</Key><Value>2</Value></Tag><Tag><Key>a</Key><Value></Value></Tag></TagList>"
        "</DBCluster></DBClusters></DescribeDBClustersResult></DescribeDBClustersResponse>";
    xmlDocPtr doc = dp_xml_parse(xml, sizeof xml - 1, NULL);
    CHECK(doc != NULL);
    xmlNodePtr cl = dp_xml_path(dp_xml_result(doc, "DescribeDBClusters"), "DBClusters/DBCluster");
    CHECK(cl != NULL);
    cJSON *props = cJSON_CreateObject();
    dp_rds_put_str(props, "Id", cl, "DBClusterIdentifier");
    dp_rds_put_int(props, "Port", cl, "Port");
    dp_rds_put_bool(props, "Enc", cl, "StorageEncrypted");
    dp_rds_put_num(props, "Cap", cl, "Capacity");
    dp_rds_put_str(props, "Missing", cl, "Nope");
    cJSON_AddItemToObject(props, "Sgs", dp_rds_strings(cl, "VpcSecurityGroups", "VpcSecurityGroupMembership",
                                                       "VpcSecurityGroupId"));
    char *s = cJSON_PrintUnformatted(props);
    CHECK_STR(s, "{\"Id\":\"c1\",\"Port\":5432,\"Enc\":true,\"Cap\":0.5,\"Sgs\":[\"sg-1\",\"sg-2\"]}");
    free(s);
    cJSON_Delete(props);
    CHECK(!dp_rds_has_children(dp_xml_child(cl, "PendingModifiedValues")));
    CHECK(dp_rds_has_children(dp_xml_child(cl, "TagList")));

    cJSON *tags = dp_rds_xml_tags(dp_xml_child(cl, "TagList"));
    s = cJSON_PrintUnformatted(tags);
    CHECK_STR(s, "[{\"Key\":\"dmsprov:stack\",\"Value\":\"s\"},{\"Key\":\"b\",\"Value\":\"2\"},{\"Key\":\"a\",\"Value\":\"\"}]");
    free(s);
    cJSON *tf = dp_tags_template_form(tags, "Key", "Value");
    s = cJSON_PrintUnformatted(tf);
    CHECK_STR(s, "[{\"Key\":\"a\",\"Value\":\"\"},{\"Key\":\"b\",\"Value\":\"2\"}]");
    free(s);
    cJSON_Delete(tf);
    cJSON_Delete(tags);
    xmlFreeDoc(doc);
}

static void test_waiters(void)
{
    /* DBClusterAvailable / DBInstanceAvailable */
    CHECK_INT(dp_rds_available_state("available"), DP_RDS_READY);
    CHECK_INT(dp_rds_available_state("creating"), DP_RDS_WAITING);
    CHECK_INT(dp_rds_available_state("modifying"), DP_RDS_WAITING);
    CHECK_INT(dp_rds_available_state("backing-up"), DP_RDS_WAITING);
    CHECK_INT(dp_rds_available_state("deleting"), DP_RDS_FAILED);
    CHECK_INT(dp_rds_available_state("failed"), DP_RDS_FAILED);
    CHECK_INT(dp_rds_available_state("incompatible-parameters"), DP_RDS_FAILED);
    CHECK_INT(dp_rds_available_state(NULL), DP_RDS_WAITING);
    /* DBClusterDeleted / DBInstanceDeleted, resource still there */
    CHECK_INT(dp_rds_deleted_state("deleting"), DP_RDS_WAITING);
    CHECK_INT(dp_rds_deleted_state("available"), DP_RDS_WAITING);
    CHECK_INT(dp_rds_deleted_state("creating"), DP_RDS_FAILED);
    CHECK_INT(dp_rds_deleted_state("resetting-master-credentials"), DP_RDS_FAILED);
}

int main(void)
{
    test_identifiers();
    test_params();
    test_xml();
    test_waiters();
    CHECK_DONE();
}
