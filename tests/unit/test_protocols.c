/* test_protocols.c - serialisation and error parsing of the JSON, Query and REST-XML
 * protocols, and redaction of secrets in debug logs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "drivers/base/log.h"
#include "drivers/core/proto/json.h"
#include "drivers/core/proto/query.h"
#include "drivers/core/proto/restxml.h"

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
    /* Any "...Password" name, the last part of a dotted query name, tab-separated JSON. */
    const char *k = "{\"KafkaSettings\":{\"SaslPassword\":\"s1\",\"SslClientKeyPassword\":\"s2\"},\"x\":\t\"y\"}";
    dp_log_redact(k, strlen(k), out, sizeof out);
    CHECK_STR(out, "{\"KafkaSettings\":{\"SaslPassword\":\"***\",\"SslClientKeyPassword\":\"***\"},\"x\":\t\"y\"}");
    const char *dq = "Action=X&Attributes.entry.1.Value=s3&Name=n";
    dp_log_redact(dq, strlen(dq), out, sizeof out);
    CHECK_STR(out, "Action=X&Attributes.entry.1.Value=***&Name=n");
    const char *tj = "{\"Password\":\t\"tabbed\"}";
    dp_log_redact(tj, strlen(tj), out, sizeof out);
    CHECK_STR(out, "{\"Password\":\t\"***\"}");
    /* An ARN with ":secret:" is not a "Name: value" header: the rest stays readable. */
    const char *arn = "{\"ARN\": \"arn:aws:secretsmanager:us-east-1:1:secret:db-AbC\", \"Name\": \"db\"}";
    dp_log_redact(arn, strlen(arn), out, sizeof out);
    CHECK_STR(out, arn);
    CHECK(dp_log_is_secret_name("MasterUserPassword", 18));
    CHECK(dp_log_is_secret_name("Tags.member.1.Value", 19));
    CHECK(!dp_log_is_secret_name("PasswordPolicy", 14));
    CHECK(!dp_log_is_secret_name("SecretId", 8));

    /* An answer echoing a value we sent is scrubbed (JSON as sent, form values decoded too). */
    char echo[256];
    const char *sent = "{\"Name\":\"/p\",\"Type\":\"SecureString\",\"Value\":\"hunter22\"}";
    snprintf(echo, sizeof echo, "{\"message\":\"Value 'hunter22' at 'value'; again hunter22\"}");
    dp_log_scrub_echo(sent, strlen(sent), echo);
    CHECK_STR(echo, "{\"message\":\"Value '***' at 'value'; again ***\"}");
    const char *form = "Action=CreateDBCluster&MasterUserPassword=p%40ss+word1&Engine=aurora";
    snprintf(echo, sizeof echo, "<Message>bad password p@ss word1</Message>");
    dp_log_scrub_echo(form, strlen(form), echo);
    CHECK_STR(echo, "<Message>bad password ***</Message>");
    snprintf(echo, sizeof echo, "short: abc");
    dp_log_scrub_echo("{\"Password\":\"abc\"}", 18, echo); /* too short to scrub safely */
    CHECK_STR(echo, "short: abc");

    /* dp_err_scrub: every copy, and a tail cut inside the secret when the message is full. */
    dp_err se;
    dp_err_clear(&se);
    dp_err_set(&se, DP_E_AWS, "Value 's3cr3t!' at 'value'; s3cr3t!");
    dp_err_scrub(&se, "s3cr3t!");
    CHECK_STR(se.message, "Value '***' at 'value'; ***");
    dp_err_scrub(&se, NULL);
    dp_err_scrub(&se, "");
    CHECK_STR(se.message, "Value '***' at 'value'; ***");
    memset(se.message, 'a', sizeof se.message - 1);
    se.message[sizeof se.message - 1] = '\0';
    memcpy(se.message + sizeof se.message - 4, "XYZ", 3);
    dp_err_scrub(&se, "XYZSECRET");
    CHECK(strstr(se.message, "XYZ") == NULL);
    CHECK(strlen(se.message) == sizeof se.message - 4 + 3 - 0);
    CHECK_DONE();
}
