/* test_parsers_fuzz.c - robustness of every parser of service answers: truncated, mutated,
 * random, deeply nested and huge inputs must give an answer or a clean error, never a crash,
 * a leak or a read out of bounds (run it under ASan or tests/valgrind.sh to see those).
 *
 * Inputs: every prefix of a set of real-shaped answers, random byte mutations of them
 * (OpenSSL RAND_bytes), pure random bytes, and pathological shapes. Each input goes through the
 * error parsers of the three protocols, the XML and JSON body parsers, and the drivers' readers
 * that take text or parsed documents (S3 configuration readers, RDS/IAM tag lists, policy and
 * DMS settings normalisers, rotation tag decoding, endpoint URLs, debug-log redaction). */
#include <libxml/tree.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "drivers/base/log.h"
#include "drivers/core/endpoint.h"
#include "drivers/core/proto/json.h"
#include "drivers/core/proto/query.h"
#include "drivers/core/proto/restxml.h"
#include "drivers/resources/common.h"
#include "drivers/resources/dms/dms.h"
#include "drivers/resources/iam/role_api.h"
#include "drivers/resources/rds/rds_common.h"
#include "drivers/resources/s3/bucket_api.h"
#include "drivers/resources/secretsmanager/secret_api.h"
#include "drivers/resources/tags_diff.h"

static const char *const seeds[] = {
    "{\"__type\":\"com.amazonaws.dms#ResourceNotFoundFault\",\"message\":\"Endpoint x not found\"}",
    "{\"__type\":\"ValidationException\",\"Message\":\"Value 'p' at 'value' failed\",\"x\":[1,2.5e3,true,null]}",
    "{\"Endpoints\":[{\"EndpointArn\":\"arn:aws:dms:us-east-1:1:endpoint:X\",\"Tags\":[{\"Key\":\"k\",\"Value\":\"v\"}]}],"
    "\"Marker\":\"m\\u00e9\\\"\"}",
    "{\"TargetMetadata\":{\"SupportLobs\":true,\"LobChunkSize\":64},\"Logging\":{\"EnableLogging\":true,"
    "\"LogComponents\":[{\"Id\":\"SOURCE_UNLOAD\",\"Severity\":\"LOGGER_SEVERITY_DEFAULT\"}]}}",
    "<ErrorResponse xmlns=\"http://rds.amazonaws.com/doc/2014-10-31/\"><Error><Type>Sender</Type>"
    "<Code>DBClusterNotFoundFault</Code><Message>DBCluster x not found.</Message></Error>"
    "<RequestId>abc-123</RequestId></ErrorResponse>",
    "<Error><Code>NoSuchBucket</Code><Message>The specified bucket does not exist</Message>"
    "<BucketName>b</BucketName><RequestId>R</RequestId></Error>",
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?><ListTagsForResourceResponse><ListTagsForResourceResult><TagList>"
    "<Tag><Key>dmsprov:stack</Key><Value>s</Value></Tag><Tag><Key>k</Key></Tag><Tag><Value>v</Value></Tag>"
    "</TagList></ListTagsForResourceResult></ListTagsForResourceResponse>",
    "<Tagging><TagSet><Tag><Key>a</Key><Value>1</Value></Tag></TagSet></Tagging>",
    "<ServerSideEncryptionConfiguration><Rule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>aws:kms"
    "</SSEAlgorithm><KMSMasterKeyID>k</KMSMasterKeyID></ApplyServerSideEncryptionByDefault>"
    "<BucketKeyEnabled>true</BucketKeyEnabled></Rule></ServerSideEncryptionConfiguration>",
    "<PublicAccessBlockConfiguration><BlockPublicAcls>true</BlockPublicAcls><IgnorePublicAcls>false"
    "</IgnorePublicAcls></PublicAccessBlockConfiguration>",
    "<LifecycleConfiguration><Rule><ID>r</ID><Filter><Prefix>p/</Prefix></Filter><Status>Enabled</Status>"
    "<Expiration><Days>7</Days></Expiration><NoncurrentVersionExpiration><NoncurrentDays>3</NoncurrentDays>"
    "</NoncurrentVersionExpiration><AbortIncompleteMultipartUpload><DaysAfterInitiation>1"
    "</DaysAfterInitiation></AbortIncompleteMultipartUpload></Rule></LifecycleConfiguration>",
    "<ListRoleTagsResponse><ListRoleTagsResult><Tags><member><Key>a</Key><Value>b</Value></member></Tags>"
    "<IsTruncated>false</IsTruncated></ListRoleTagsResult></ListRoleTagsResponse>",
    "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%7D%5D%7D",
    "b64:cmF0ZSg3IGRheXMp",
    "https://dms.us-east-1.amazonaws.com:443/base/path",
    "Authorization: AWS4 x\nAction=X&MasterUserPassword=p%40ss&Value=\"q\"<Password>x</Password>",
};

static long inputs;

/* Everything that reads a document the XML parser accepted. */
static void xml_readers(xmlDocPtr doc)
{
    cJSON *j;
    j = dp_s3x_tags_from(doc);
    cJSON_Delete(j);
    j = dp_s3x_encryption_from(doc);
    cJSON_Delete(j);
    j = dp_s3x_public_access_block_from(doc);
    cJSON_Delete(j);
    j = dp_s3x_lifecycle_from(doc);
    cJSON_Delete(j);
    xmlNodePtr root = xmlDocGetRootElement(doc);
    xmlNodePtr result = dp_xml_result(doc, "ListTagsForResource");
    j = dp_rds_xml_tags(dp_xml_path(result, "TagList"));
    cJSON_Delete(j);
    j = cJSON_CreateArray();
    dp_tags_append_xml(j, dp_xml_path(root, "ListRoleTagsResult/Tags/member"));
    dp_tags_append_xml(j, root);
    cJSON_Delete(j);
    char *t = dp_xml_text(root, "Error/Message");
    free(t);
    t = dp_xml_text(root, NULL);
    free(t);
}

/* Feeds one input (len bytes, not NUL-terminated in general) to every parser. */
static void feed(const char *data, size_t len)
{
    inputs++;
    char *s = malloc(len + 1); /* a NUL-terminated copy for the text-based readers */
    if (!s)
        return;
    memcpy(s, data, len);
    s[len] = '\0';
    static const long statuses[] = {400, 403, 404, 500, 301, 200};
    dp_response resp;
    dp_response_init(&resp);
    resp.status = statuses[inputs % 6];
    dp_buf_append(&resp.body, data, len);
    dp_err e;
    dp_err_clear(&e);
    dp_json_parse_error(&resp, &e);
    dp_err_clear(&e);
    dp_query_parse_error(&resp, &e);
    dp_err_clear(&e);
    dp_restxml_parse_error(&resp, &e);
    dp_response_cleanup(&resp);

    dp_err_clear(&e);
    cJSON *j = dp_json_parse_body(data, len, &e);
    cJSON_Delete(j);
    dp_err_clear(&e);
    xmlDocPtr doc = dp_xml_parse(data, len, &e);
    if (doc) {
        xml_readers(doc);
        xmlFreeDoc(doc);
    }

    char *t = dp_json_canonical_text(s);
    free(t);
    t = dp_dms_task_settings_normalise(s, seeds[3]);
    free(t);
    t = dp_dms_task_settings_normalise(seeds[3], s);
    free(t);
    t = dp_dms_task_settings_normalise(s, s);
    free(t);
    (void)dp_dms_json_text_equal(s, seeds[3]);
    t = dp_iam_policy_canonical(s);
    free(t);
    char out[600];
    (void)dp_rotation_tag_decode(s, out, sizeof out);
    dp_endpoint ep;
    dp_err_clear(&e);
    (void)dp_endpoint_parse_url(s, &ep, &e);
    dp_log_redact(data, len, out, sizeof out);
    char *echo = strdup(s);
    if (echo)
        dp_log_scrub_echo(data, len, echo);
    free(echo);
    free(s);
}

static unsigned rnd(unsigned n)
{
    unsigned r = 0;
    if (RAND_bytes((unsigned char *)&r, sizeof r) != 1)
        abort();
    return n ? r % n : r;
}

/* A string of n copies of unit, then n copies of close (deep nesting). */
static char *repeat(const char *unit, const char *close, size_t n)
{
    dp_buf b;
    dp_buf_init(&b, 0);
    for (size_t i = 0; i < n; i++)
        dp_buf_puts(&b, unit);
    for (size_t i = 0; close && i < n; i++)
        dp_buf_puts(&b, close);
    return dp_buf_steal(&b);
}

int main(int argc, char **argv)
{
    /* Mutation rounds per seed; more with an argument (e.g. a long run by hand). */
    long rounds = argc > 1 ? strtol(argv[1], NULL, 10) : 300;
    if (rounds < 1)
        rounds = 300;
    size_t nseeds = sizeof seeds / sizeof seeds[0];

    /* 1. every prefix of every seed (truncated answers) */
    for (size_t i = 0; i < nseeds; i++)
        for (size_t n = 0; n <= strlen(seeds[i]); n++)
            feed(seeds[i], n);

    /* 2. random mutations: flip, insert or delete a few bytes, sometimes a NUL */
    for (size_t i = 0; i < nseeds; i++) {
        size_t len = strlen(seeds[i]);
        char *m = malloc(len + 16);
        CHECK(m != NULL);
        for (long r = 0; m && r < rounds; r++) {
            memcpy(m, seeds[i], len);
            size_t ml = len;
            for (unsigned k = 1 + rnd(4); k; k--) {
                unsigned pos = rnd((unsigned)ml + 1), op = rnd(3);
                if (op == 0 && pos < ml)
                    m[pos] = (char)rnd(256);
                else if (op == 1 && ml < len + 15) {
                    memmove(m + pos + 1, m + pos, ml - pos);
                    m[pos] = "<>\"\\{}[]&;:/%\0"[rnd(14)];
                    ml++;
                } else if (pos < ml) {
                    memmove(m + pos, m + pos + 1, ml - pos - 1);
                    ml--;
                }
            }
            feed(m, ml);
        }
        free(m);
    }

    /* 3. pure random bytes of random lengths */
    for (long r = 0; r < rounds; r++) {
        unsigned char buf[512];
        size_t n = rnd(sizeof buf);
        if (n && RAND_bytes(buf, (int)n) != 1)
            abort();
        feed((const char *)buf, n);
    }

    /* 4. pathological shapes: deep nesting, huge strings, entity expansion, bad UTF-8 */
    char *deep_json = repeat("[", "]", 100000);
    char *deep_obj = repeat("{\"a\":", "}", 20000);
    char *deep_xml = repeat("<a>", "</a>", 50000);
    char *many_tags = repeat("<Tag><Key>k</Key><Value>v</Value></Tag>", NULL, 20000);
    char *big_msg = repeat("x", NULL, 1 << 20);
    const char *pathological[] = {
        deep_json, deep_obj, deep_xml, big_msg,
        "<!DOCTYPE r [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">"
        "<!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\"><!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;\">]>"
        "<Error><Code>&d;</Code><Message>&d;&d;&d;</Message></Error>",
        "<!DOCTYPE r SYSTEM \"file:///etc/passwd\"><Error><Code>x</Code></Error>",
        "{\"__type\":\"\xff\xfe\xc0\x80\",\"message\":\"\xed\xa0\x80\"}",
        "{\"__type\":\"#\",\"message\":null}",
        "{\"__type\":123,\"message\":{}}",
        "<Error><Code></Code><Message/></Error>",
        "\xef\xbb\xbf<Error><Code>A</Code></Error>",
    };
    for (size_t i = 0; i < sizeof pathological / sizeof pathological[0]; i++)
        CHECK(pathological[i] != NULL);
    for (size_t i = 0; i < sizeof pathological / sizeof pathological[0]; i++)
        if (pathological[i])
            feed(pathological[i], strlen(pathological[i]));
    /* a JSON error whose message is 1 MiB long: kept, cut to the message buffer */
    dp_buf b;
    dp_buf_init(&b, 0);
    dp_buf_printf(&b, "{\"__type\":\"Big\",\"message\":\"%s\"}", big_msg ? big_msg : "");
    dp_response resp;
    dp_response_init(&resp);
    resp.status = 400;
    dp_buf_append(&resp.body, b.data, b.len);
    dp_err e;
    dp_err_clear(&e);
    dp_json_parse_error(&resp, &e);
    CHECK_STR(e.aws_code, "Big");
    CHECK_INT((long)strlen(e.message), (long)sizeof e.message - 1);
    dp_response_cleanup(&resp);
    dp_buf_cleanup(&b);
    /* 20000 tags in one answer are all read */
    dp_buf_init(&b, 0);
    dp_buf_printf(&b, "<R><TagList>%s</TagList></R>", many_tags ? many_tags : "");
    dp_err_clear(&e);
    xmlDocPtr doc = dp_xml_parse(b.data, b.len, &e);
    CHECK(doc != NULL);
    if (doc) {
        cJSON *tags = dp_rds_xml_tags(dp_xml_path(xmlDocGetRootElement(doc), "TagList"));
        CHECK_INT(cJSON_GetArraySize(tags), 20000);
        cJSON_Delete(tags);
        xmlFreeDoc(doc);
    }
    dp_buf_cleanup(&b);
    /* the entity bomb and the external DTD are refused, not expanded */
    dp_err_clear(&e);
    doc = dp_xml_parse(pathological[4], strlen(pathological[4]), &e);
    CHECK(doc == NULL);
    CHECK_INT(e.kind, DP_E_PARSE);
    xmlFreeDoc(doc);
    dp_err_clear(&e);
    doc = dp_xml_parse(pathological[5], strlen(pathological[5]), &e);
    CHECK(doc == NULL);
    xmlFreeDoc(doc);
    free(deep_json);
    free(deep_obj);
    free(deep_xml);
    free(many_tags);
    free(big_msg);

    /* The parsers still work after all that: a well-formed error is read as before. */
    dp_response_init(&resp);
    resp.status = 400;
    dp_buf_puts(&resp.body, seeds[4]);
    dp_err_clear(&e);
    dp_query_parse_error(&resp, &e);
    CHECK_STR(e.aws_code, "DBClusterNotFoundFault");
    CHECK_STR(e.message, "DBCluster x not found.");
    CHECK_STR(e.request_id, "abc-123");
    dp_response_cleanup(&resp);
    CHECK(inputs > 1000);
    printf("%ld inputs\n", inputs);
    xmlCleanupParser();
    CHECK_DONE();
}
