/* test_protocols.c - serialisation and error parsing of the JSON, Query and REST-XML
 * protocols, and redaction of secrets in debug logs. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "drivers/base/log.h"
#include "drivers/core/json_proto.h"
#include "drivers/core/query_proto.h"
#include "drivers/core/restxml_proto.h"

static void response(dp_response *r, long status, const char *body, const char *hname, const char *hval)
{
    dp_response_init(r);
    r->status = status;
    dp_buf_puts(&r->body, body);
    if (hname) {
        r->headers = calloc(1, sizeof *r->headers);
        r->headers[0].name = strdup(hname);
        r->headers[0].value = strdup(hval);
        r->nheaders = r->cap_headers = 1;
    }
}

int main(void)
{
    dp_response r;
    dp_err e;

    /* JSON: "__type" with a namespace, "message" in either case, request id from the header. */
    response(&r, 400, "{\"__type\":\"com.amazonaws.dms#ResourceNotFoundFault\",\"message\":\"Endpoint not found\"}",
             "x-amzn-requestid", "req-1");
    dp_err_clear(&e);
    dp_json_parse_error(&r, &e);
    CHECK_STR(e.aws_code, "ResourceNotFoundFault");
    CHECK_STR(e.message, "Endpoint not found");
    CHECK_STR(e.request_id, "req-1");
    dp_response_cleanup(&r);
    response(&r, 400, "{\"Message\":\"Secrets Manager can't find the specified secret.\"}", "x-amzn-ErrorType",
             "ResourceNotFoundException:http://internal.amazon.com/coral/");
    dp_err_clear(&e);
    dp_json_parse_error(&r, &e);
    CHECK_STR(e.aws_code, "ResourceNotFoundException");
    CHECK_STR(e.message, "Secrets Manager can't find the specified secret.");
    dp_response_cleanup(&r);
    /* Garbage never crashes and still says something. */
    response(&r, 500, "<html>oops", NULL, NULL);
    dp_err_clear(&e);
    dp_json_parse_error(&r, &e);
    CHECK_STR(e.aws_code, "");
    CHECK(strstr(e.message, "unreadable") != NULL);
    dp_response_cleanup(&r);
    CHECK(dp_json_parse_body("[1,2]", 5, &e) == NULL);
    CHECK(dp_json_parse_body("{\"a\":", 5, &e) == NULL);
    cJSON *ok = dp_json_parse_body("{\"a\":1}", 7, &e);
    CHECK(ok != NULL);
    cJSON_Delete(ok);

    /* Query: form encoding of parameters. */
    dp_params p;
    dp_params_init(&p, "CreateDBCluster", "2014-10-31");
    dp_params_add(&p, "DBClusterIdentifier", "lab cluster/1");
    dp_params_addf(&p, "v&=~", "Tags.member.%d.Value", 1);
    CHECK_STR(dp_buf_str(&p.body), "Action=CreateDBCluster&Version=2014-10-31&DBClusterIdentifier=lab%20cluster%2F1"
                                   "&Tags.member.1.Value=v%26%3D~");
    dp_params_cleanup(&p);

    /* Query: ErrorResponse. */
    response(&r, 404,
             "<ErrorResponse xmlns=\"http://rds.amazonaws.com/doc/2014-10-31/\"><Error><Type>Sender</Type>"
             "<Code>DBClusterNotFoundFault</Code><Message>DBCluster lab not found.</Message></Error>"
             "<RequestId>abc-123</RequestId></ErrorResponse>",
             NULL, NULL);
    dp_err_clear(&e);
    dp_query_parse_error(&r, &e);
    CHECK_STR(e.aws_code, "DBClusterNotFoundFault");
    CHECK_STR(e.message, "DBCluster lab not found.");
    CHECK_STR(e.request_id, "abc-123");
    dp_response_cleanup(&r);

    /* Query: answers, with namespaces, member lists and paths. */
    const char *xml = "<DescribeDBClustersResponse xmlns=\"http://rds.amazonaws.com/doc/2014-10-31/\">"
                      "<DescribeDBClustersResult><Marker>m2</Marker><DBClusters>"
                      "<DBCluster><DBClusterIdentifier>a</DBClusterIdentifier></DBCluster>"
                      "<DBCluster><DBClusterIdentifier>b</DBClusterIdentifier></DBCluster>"
                      "</DBClusters></DescribeDBClustersResult></DescribeDBClustersResponse>";
    xmlDocPtr doc = dp_xml_parse(xml, strlen(xml), &e);
    CHECK(doc != NULL);
    xmlNodePtr res = dp_xml_result(doc, "DescribeDBClusters");
    char *marker = dp_xml_text(res, "Marker");
    CHECK_STR(marker, "m2");
    free(marker);
    xmlNodePtr first = dp_xml_path(res, "DBClusters/DBCluster");
    char *id = dp_xml_text(first, "DBClusterIdentifier");
    CHECK_STR(id, "a");
    free(id);
    xmlNodePtr second = dp_xml_next_same(first);
    id = dp_xml_text(second, "DBClusterIdentifier");
    CHECK_STR(id, "b");
    free(id);
    CHECK(dp_xml_next_same(second) == NULL);
    CHECK(dp_xml_text(res, "Nope") == NULL);
    xmlFreeDoc(doc);
    /* Entities are not expanded and bad XML is refused. */
    const char *bomb = "<!DOCTYPE x [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;\">]><x>&b;&b;</x>";
    CHECK(dp_xml_parse(bomb, strlen(bomb), &e) == NULL);
    CHECK(dp_xml_parse("<a><b></a>", 10, &e) == NULL);
    CHECK(dp_xml_parse("", 0, &e) == NULL);

    /* REST-XML: S3 error body, and bodiless HEAD errors get a code from the status. */
    response(&r, 409,
             "<?xml version=\"1.0\"?><Error><Code>BucketNotEmpty</Code><Message>The bucket you tried to delete is not "
             "empty</Message><RequestId>r9</RequestId></Error>",
             "x-amz-request-id", "r9");
    dp_err_clear(&e);
    dp_restxml_parse_error(&r, &e);
    CHECK_STR(e.aws_code, "BucketNotEmpty");
    CHECK_STR(e.request_id, "r9");
    dp_response_cleanup(&r);
    response(&r, 404, "", NULL, NULL);
    dp_err_clear(&e);
    dp_restxml_parse_error(&r, &e);
    CHECK_STR(e.aws_code, "NotFound");
    dp_response_cleanup(&r);

    /* The one-line rendering of an AWS error. */
    dp_err_clear(&e);
    snprintf(e.service, sizeof e.service, "dms");
    snprintf(e.operation, sizeof e.operation, "DescribeEndpoints");
    snprintf(e.aws_code, sizeof e.aws_code, "ResourceNotFoundFault");
    e.http_status = 400;
    snprintf(e.request_id, sizeof e.request_id, "r1");
    dp_err_set(&e, DP_E_AWS, "Endpoint x not found");
    char line[512];
    dp_err_format(&e, line, sizeof line);
    CHECK_STR(line, "dms DescribeEndpoints: ResourceNotFoundFault: Endpoint x not found (HTTP 400, request id r1)");
    dp_err_prefix(&e, "reading endpoint %s", "Target");
    CHECK_STR(e.message, "reading endpoint Target: Endpoint x not found");

    /* Redaction in debug logs: headers, form fields, JSON and XML. */
    char out[512];
    const char *h = "Authorization: AWS4-HMAC-SHA256 Credential=AKID/2026, Signature=abc";
    dp_log_redact(h, strlen(h), out, sizeof out);
    CHECK_STR(out, "Authorization: ***");
    const char *t = "X-Amz-Security-Token: FQoGZXIvYXdz";
    dp_log_redact(t, strlen(t), out, sizeof out);
    CHECK_STR(out, "X-Amz-Security-Token: ***");
    const char *f = "Action=ModifyDBCluster&MasterUserPassword=hunter2&ApplyImmediately=true";
    dp_log_redact(f, strlen(f), out, sizeof out);
    CHECK_STR(out, "Action=ModifyDBCluster&MasterUserPassword=***&ApplyImmediately=true");
    const char *j = "{\"SecretId\":\"lab\",\"SecretString\":\"{\\\"password\\\":\\\"x\\\"}\",\"Password\": \"p\"}";
    dp_log_redact(j, strlen(j), out, sizeof out);
    CHECK_STR(out, "{\"SecretId\":\"lab\",\"SecretString\":\"***\",\"Password\": \"***\"}");
    const char *x = "<Credentials><SecretAccessKey>wJalr</SecretAccessKey><SessionToken>tok</SessionToken></Credentials>";
    dp_log_redact(x, strlen(x), out, sizeof out);
    CHECK_STR(out, "<Credentials><SecretAccessKey>***</SecretAccessKey><SessionToken>***</SessionToken></Credentials>");
    CHECK_DONE();
}
