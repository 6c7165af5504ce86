/* test_engine_diff.c - the property diff: what counts as a change and what does not. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "engine_fake.h"
#include "provisioner/engine/diff.h"

static dp_changes run(const char *type, const char *desired, const char *live, const char *applied,
                      const char *hashes)
{
    cJSON *d = cJSON_Parse(desired), *l = live ? cJSON_Parse(live) : NULL, *a = applied ? cJSON_Parse(applied) : NULL;
    cJSON *h = hashes ? cJSON_Parse(hashes) : NULL;
    dp_diff_input in = {.driver = dp_driver_find(type), .schema = dp_schema_find(type), .desired = d, .live = l,
                        .applied = a, .secret_hashes = h, .hash = fake_hash};
    dp_changes c;
    dp_err e;
    dp_err_clear(&e);
    if (dp_diff_resource(&in, &c, &e))
        fprintf(stderr, "diff failed: %s\n", e.message);
    cJSON_Delete(d);
    cJSON_Delete(l);
    cJSON_Delete(a);
    cJSON_Delete(h);
    return c;
}

static void test_equalities(void)
{
    /* numbers vs their text, tag order, server defaults, JSON documents canonically */
    dp_changes c = run("AWS::S3::Bucket", "{\"BucketName\":\"b\",\"Tags\":[{\"Key\":\"b\",\"Value\":\"2\"},{\"Key\":\"a\",\"Value\":\"1\"}]}",
                       "{\"BucketName\":\"b\",\"Tags\":[{\"Key\":\"a\",\"Value\":\"1\"},{\"Key\":\"b\",\"Value\":\"2\"}],"
                       "\"VersioningConfiguration\":{\"Status\":\"Suspended\"}}",
                       NULL, NULL);
    CHECK_INT((long)c.n, 0);
    dp_changes_cleanup(&c);
    c = run("AWS::IAM::Role", "{\"AssumeRolePolicyDocument\":\"{\\\"b\\\":1, \\\"a\\\":[1,2]}\",\"MaxSessionDuration\":\"3600\"}",
            "{\"AssumeRolePolicyDocument\":\"{\\\"a\\\":[1,2],\\\"b\\\":1}\",\"MaxSessionDuration\":3600}", NULL, NULL);
    CHECK_INT((long)c.n, 0);
    dp_changes_cleanup(&c);
    /* nested objects: a key the service added is no change, a changed one is */
    c = run("AWS::S3::Bucket", "{\"VersioningConfiguration\":{\"Status\":\"Enabled\"}}",
            "{\"VersioningConfiguration\":{\"Status\":\"Enabled\",\"MfaDelete\":\"Disabled\"}}", NULL, NULL);
    CHECK_INT((long)c.n, 0);
    dp_changes_cleanup(&c);
    c = run("AWS::S3::Bucket", "{\"VersioningConfiguration\":{\"Status\":\"Enabled\"}}",
            "{\"VersioningConfiguration\":{\"Status\":\"Suspended\"}}", NULL, NULL);
    CHECK_INT((long)c.n, 1);
    CHECK(c.n == 1 && c.v[0].kind == DP_CH_CHANGE && !c.v[0].forces_replacement);
    dp_changes_cleanup(&c);
    /* identifiers RDS and DMS store lower-cased: the template's case is no change; a real
     * rename still is (and replaces) */
    c = run("AWS::RDS::DBSubnetGroup", "{\"DBSubnetGroupName\":\"MyLab\"}", "{\"DBSubnetGroupName\":\"mylab\"}",
            NULL, NULL);
    CHECK_INT((long)c.n, 0);
    dp_changes_cleanup(&c);
    c = run("AWS::DMS::ReplicationSubnetGroup", "{\"ReplicationSubnetGroupIdentifier\":\"Lab-Dms\"}",
            "{\"ReplicationSubnetGroupIdentifier\":\"lab-dms\"}", NULL, NULL);
    CHECK_INT((long)c.n, 0);
    dp_changes_cleanup(&c);
    c = run("AWS::RDS::DBSubnetGroup", "{\"DBSubnetGroupName\":\"MyLab2\"}", "{\"DBSubnetGroupName\":\"mylab\"}",
            NULL, NULL);
    CHECK(c.n == 1 && c.v[0].forces_replacement);
    dp_changes_cleanup(&c);
    /* ...but other properties keep their case */
    c = run("AWS::S3::Bucket", "{\"Tags\":[{\"Key\":\"a\",\"Value\":\"X\"}]}",
            "{\"Tags\":[{\"Key\":\"a\",\"Value\":\"x\"}]}", NULL, NULL);
    CHECK_INT((long)c.n, 1);
    dp_changes_cleanup(&c);
}

static void test_create_only_and_removal(void)
{
    dp_changes c = run("AWS::S3::Bucket", "{\"BucketName\":\"new\"}", "{\"BucketName\":\"old\",\"Tags\":[]}",
                       "{\"BucketName\":\"old\",\"Tags\":[{\"Key\":\"a\",\"Value\":\"1\"}]}", NULL);
    const char *why = NULL;
    CHECK(dp_changes_replace(&c, &why));
    CHECK_STR(why, "BucketName");
    CHECK_INT((long)c.n, 2);
    CHECK(c.n == 2 && c.v[1].kind == DP_CH_REMOVE && !strcmp(c.v[1].property, "Tags"));
    dp_changes_cleanup(&c);
    /* a property the read does not return is compared with what was applied */
    c = run("AWS::SSM::Parameter", "{\"Name\":\"/p\",\"Value\":\"v\"}", "{\"Name\":\"/p\"}", "{\"Name\":\"/p\",\"Value\":\"v\"}",
            NULL);
    CHECK_INT((long)c.n, 0);
    dp_changes_cleanup(&c);
}

static void test_secrets_and_unknowns(void)
{
    char h[65];
    fake_hash(NULL, "s3cret", h, NULL);
    char hashes[200];
    snprintf(hashes, sizeof hashes, "{\"MasterUserPassword\":\"%s\"}", h);
    dp_changes c = run("AWS::RDS::DBCluster", "{\"MasterUserPassword\":{\"dp:secret\":\"s3cret\"}}", "{}", "{}", hashes);
    CHECK_INT((long)c.n, 0);
    dp_changes_cleanup(&c);
    c = run("AWS::RDS::DBCluster", "{\"MasterUserPassword\":{\"dp:secret\":\"other\"}}", "{}", "{}", hashes);
    CHECK_INT((long)c.n, 1);
    CHECK(c.n == 1 && c.v[0].sensitive && !c.v[0].before && !c.v[0].after);
    dp_changes_cleanup(&c);
    /* a secret nested in a document: the whole property is sensitive */
    c = run("AWS::S3::Bucket", "{\"Tags\":[{\"Key\":\"k\",\"Value\":{\"dp:secret\":\"zz\"}}]}", "{}", NULL, NULL);
    CHECK(c.n == 1 && c.v[0].sensitive && !c.v[0].after);
    dp_changes_cleanup(&c);
    /* unknowns are "known after apply"; create-only ones force replacement */
    c = run("AWS::SSM::Parameter", "{\"Name\":{\"dp:unknown\":\"X\"},\"Value\":\"v\"}", "{\"Name\":\"/p\",\"Value\":\"v\"}", NULL,
            NULL);
    CHECK(c.n == 1 && c.v[0].known_after_apply && c.v[0].forces_replacement && !c.v[0].after);
    dp_changes_cleanup(&c);
    /* state keeps non-secret properties and hashes */
    cJSON *d = cJSON_Parse("{\"MasterUsername\":\"admin\",\"MasterUserPassword\":{\"dp:secret\":\"s3cret\"}}");
    cJSON *props = NULL, *hs = NULL;
    CHECK_INT(dp_diff_state_props(dp_schema_find("AWS::RDS::DBCluster"), d, fake_hash, NULL, &props, &hs, NULL), 0);
    char *pt = cJSON_PrintUnformatted(props), *ht = cJSON_PrintUnformatted(hs);
    CHECK_STR(pt, "{\"MasterUsername\":\"admin\"}");
    CHECK(ht && strstr(ht, h) && !strstr(ht, "s3cret"));
    free(pt);
    free(ht);
    cJSON_Delete(props);
    cJSON_Delete(hs);
    cJSON_Delete(d);
}

int main(void)
{
    test_equalities();
    test_create_only_and_removal();
    test_secrets_and_unknowns();
    CHECK_DONE();
}
