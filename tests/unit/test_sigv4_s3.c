/* test_sigv4_s3.c - S3 signing rules, the non-S3 path rules, tokens and signer errors.
 *
 * Expected values were computed independently with botocore 1.43.11 (the Python SDK), at the
 * fixed time 2013-05-24T00:00:00Z, with this script (payload signing chosen through
 * client_config.s3.payload_signing_enabled; the canonical request captured during add_auth):
 *
 *   NOW = datetime.datetime(2013, 5, 24, 0, 0, 0)
 *   URL = "https://examplebucket.s3.amazonaws.com/my%20bucket/a//b/../c%2F"
 *   r = AWSRequest(method=..., url=..., data=..., headers=...)
 *   r.context["client_config"] = types.SimpleNamespace(s3={"payload_signing_enabled": signed})
 *   with mock.patch.object(botocore.auth, "get_current_datetime", return_value=NOW):
 *       auth.add_auth(r)   # auth: S3SigV4Auth / S3SigV4QueryAuth(expires=86400) / SigV4Auth
 *
 * Credentials: AKIDEXAMPLE / wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY, token (where used)
 * "FwoGZXIvYXdzEXAMPLE/TOKEN+a=". */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "check.h"
#include "drivers/base/buf.h"
#include "drivers/core/sigv4.h"

#define NOW ((time_t)1369353600) /* 2013-05-24T00:00:00Z */
#define S3_HOST "examplebucket.s3.amazonaws.com"
#define S3_PATH "/my%20bucket/a//b/../c%2F" /* key "my bucket/a//b/../c/" as sent on the wire */
#define TOKEN "FwoGZXIvYXdzEXAMPLE/TOKEN+a="
#define SHA_HELLO "b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9"
#define SHA_EMPTY "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

static dp_creds plain = {.access_key_id = "AKIDEXAMPLE",
                         .secret_access_key = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"};
static dp_creds with_token = {.access_key_id = "AKIDEXAMPLE",
                              .secret_access_key = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                              .session_token = TOKEN};

static void make(dp_request *r, const char *method, const char *host, const char *path,
                 const char *query, const char *body)
{
    dp_request_init(r);
    CHECK_INT(dp_request_set(&r->method, method) || dp_request_set(&r->scheme, "https") ||
                  dp_request_set(&r->host, host) || dp_request_set(&r->path, path) ||
                  dp_request_set(&r->query, query),
              0);
    if (body)
        CHECK_INT(dp_request_set_body(r, body, strlen(body)), 0);
}

/* Runs the stages and checks the canonical request and the final Authorization header. */
static void sign_and_check(dp_request *r, const dp_sigv4_params *p, const char *canonical,
                           const char *authorization)
{
    dp_sigv4 s;
    dp_err e;
    dp_err_clear(&e);
    CHECK_INT(dp_sigv4_begin(&s, r, p, false, &e), 0);
    CHECK_INT(dp_sigv4_build_canonical_request(&s, r, &e), 0);
    CHECK_STR(dp_sigv4_canonical_request(&s), canonical);
    CHECK_INT(dp_sigv4_build_string_to_sign(&s, &e) || dp_sigv4_build_signature(&s, &e) ||
                  dp_sigv4_apply(&s, r, &e),
              0);
    dp_sigv4_cleanup(&s);
    CHECK_STR(dp_request_header(r, "authorization"), authorization);
}

static void test_s3_put_signed_payload(void)
{
    dp_request r;
    make(&r, "PUT", S3_HOST, S3_PATH, "prefix=a%2Fb&list-type=2", "hello world");
    dp_request_add_header(&r, "Content-Type", "text/plain");
    dp_sigv4_params p;
    dp_sigv4_params_init(&p, &plain, "us-east-1", "s3", NOW);
    CHECK(!p.normalize_path && !p.double_encode && p.sign_body);
    sign_and_check(&r, &p,
                   "PUT\n" S3_PATH "\nlist-type=2&prefix=a%2Fb\n"
                   "content-type:text/plain\nhost:" S3_HOST "\n"
                   "x-amz-content-sha256:" SHA_HELLO "\n"
                   "x-amz-date:20130524T000000Z\n\n"
                   "content-type;host;x-amz-content-sha256;x-amz-date\n"
                   SHA_HELLO,
                   "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20130524/us-east-1/s3/aws4_request, "
                   "SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date, "
                   "Signature=f0d131d6e15d157227ab33f221678ffa667f14b988b68bf44d1999a33eeb3152");
    CHECK_STR(dp_request_header(&r, "x-amz-content-sha256"), SHA_HELLO);
    CHECK_STR(r.path, S3_PATH); /* the wire path is never rewritten */

    /* A retry re-signed later replaces the date and Authorization instead of adding more. */
    dp_sigv4_params later = p;
    later.now = NOW + 60;
    dp_err e;
    CHECK_INT(dp_sigv4_sign_headers(&r, &later, &e), 0);
    size_t nauth = 0, ndate = 0;
    for (size_t i = 0; i < r.nheaders; i++) {
        nauth += !strcasecmp(r.headers[i].name, "authorization");
        ndate += !strcasecmp(r.headers[i].name, "x-amz-date");
    }
    CHECK_INT(nauth, 1);
    CHECK_INT(ndate, 1);
    CHECK_STR(dp_request_header(&r, "x-amz-date"), "20130524T000100Z");
    dp_request_cleanup(&r);
}

static void test_s3_unsigned_payload(void)
{
    dp_request r;
    make(&r, "PUT", S3_HOST, S3_PATH, "prefix=a%2Fb&list-type=2", "hello world");
    dp_request_add_header(&r, "Content-Type", "text/plain");
    dp_sigv4_params p;
    dp_sigv4_params_init(&p, &plain, "us-east-1", "s3", NOW);
    p.unsigned_payload = true;
    sign_and_check(&r, &p,
                   "PUT\n" S3_PATH "\nlist-type=2&prefix=a%2Fb\n"
                   "content-type:text/plain\nhost:" S3_HOST "\n"
                   "x-amz-content-sha256:UNSIGNED-PAYLOAD\nx-amz-date:20130524T000000Z\n\n"
                   "content-type;host;x-amz-content-sha256;x-amz-date\nUNSIGNED-PAYLOAD",
                   "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20130524/us-east-1/s3/aws4_request, "
                   "SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date, "
                   "Signature=766c9ce1e3537fa16b70f7e10552acb8633c0d2f50a56f3cc4ddbcee64c7a1c2");
    CHECK_STR(dp_request_header(&r, "x-amz-content-sha256"), "UNSIGNED-PAYLOAD");
    dp_request_cleanup(&r);
}

static void test_s3_session_token(void)
{
    dp_request r;
    make(&r, "GET", S3_HOST, S3_PATH, "", NULL);
    dp_sigv4_params p;
    dp_sigv4_params_init(&p, &with_token, "eu-west-1", "s3", NOW);
    sign_and_check(&r, &p,
                   "GET\n" S3_PATH "\n\nhost:" S3_HOST "\n"
                   "x-amz-content-sha256:" SHA_EMPTY "\n"
                   "x-amz-date:20130524T000000Z\nx-amz-security-token:" TOKEN "\n\n"
                   "host;x-amz-content-sha256;x-amz-date;x-amz-security-token\n"
                   SHA_EMPTY,
                   "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20130524/eu-west-1/s3/aws4_request, "
                   "SignedHeaders=host;x-amz-content-sha256;x-amz-date;x-amz-security-token, "
                   "Signature=c06a84d3f09f457ac879133e823fa35b5e994bcc3a2df6448df9aae51af8911b");
    CHECK_STR(dp_request_header(&r, "x-amz-security-token"), TOKEN);
    dp_request_cleanup(&r);

    /* omit_session_token: the token travels but is not signed, so the signature is the one
     * botocore computes for the same request without a token. */
    make(&r, "GET", S3_HOST, S3_PATH, "", NULL);
    p.omit_session_token = true;
    dp_err e;
    CHECK_INT(dp_sigv4_sign_headers(&r, &p, &e), 0);
    CHECK_STR(dp_request_header(&r, "authorization"),
              "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20130524/eu-west-1/s3/aws4_request, "
              "SignedHeaders=host;x-amz-content-sha256;x-amz-date, "
              "Signature=9b9c58448b8c5084896d46673cf3c51b694dd35194ab5e2750f80846f767f7a1");
    CHECK_STR(dp_request_header(&r, "x-amz-security-token"), TOKEN);
    dp_request_cleanup(&r);
}

static void test_s3_presign_with_token(void)
{
    dp_request r;
    make(&r, "GET", S3_HOST, S3_PATH, "", NULL);
    dp_sigv4_params p;
    dp_sigv4_params_init(&p, &with_token, "eu-west-1", "s3", NOW);
    p.unsigned_payload = true; /* a presigned URL does not know its payload */
    p.expires = 86400;
    dp_err e;
    CHECK_INT(dp_sigv4_presign(&r, &p, &e), 0);
    /* botocore orders X-Amz-Expires before X-Amz-SignedHeaders in the URL; the canonical query
     * is sorted, so the signature is the same. */
    CHECK_STR(r.query, "X-Amz-Algorithm=AWS4-HMAC-SHA256"
                       "&X-Amz-Credential=AKIDEXAMPLE%2F20130524%2Feu-west-1%2Fs3%2Faws4_request"
                       "&X-Amz-Date=20130524T000000Z&X-Amz-SignedHeaders=host&X-Amz-Expires=86400"
                       "&X-Amz-Security-Token=FwoGZXIvYXdzEXAMPLE%2FTOKEN%2Ba%3D"
                       "&X-Amz-Signature="
                       "9834adb94d45bcaeebc0db25bf8bdfab0801b3d6f516f20cee077279bb2bcac8");
    CHECK_INT(r.nheaders, 0); /* nothing is added to the headers of a presigned request */
    char *url = dp_request_url(&r);
    static const char prefix[] = "https://" S3_HOST S3_PATH "?X-Amz-Algorithm=";
    CHECK(url && !strncmp(url, prefix, sizeof prefix - 1));
    free(url);
    dp_request_cleanup(&r);
}

static void test_non_s3_path_and_unsigned_headers(void)
{
    dp_request r;
    make(&r, "POST", "dms.us-east-1.amazonaws.com", S3_PATH, "", "{}");
    dp_request_add_header(&r, "Content-Type", "application/x-amz-json-1.1");
    dp_request_add_header(&r, "X-Amz-Target", "AmazonDMSv20160101.DescribeEndpoints");
    dp_request_add_header(&r, "User-Agent", "dmsprov/0.1");
    dp_sigv4_params p;
    dp_sigv4_params_init(&p, &plain, "us-east-1", "dms", NOW);
    CHECK(p.normalize_path && p.double_encode && !p.sign_body);
    sign_and_check(&r, &p,
                   "POST\n/my%2520bucket/a/c%252F\n\n"
                   "content-type:application/x-amz-json-1.1\nhost:dms.us-east-1.amazonaws.com\n"
                   "x-amz-date:20130524T000000Z\n"
                   "x-amz-target:AmazonDMSv20160101.DescribeEndpoints\n\n"
                   "content-type;host;x-amz-date;x-amz-target\n"
                   "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a",
                   "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20130524/us-east-1/dms/aws4_request, "
                   "SignedHeaders=content-type;host;x-amz-date;x-amz-target, "
                   "Signature=a2fb85e32980ca0db5a956025728b2dfa9b0b58595572e1fd26c2c57537bfde9");
    CHECK(!dp_request_header(&r, "x-amz-content-sha256"));
    dp_request_cleanup(&r);
}

static void test_canonical_helpers(void)
{
    dp_buf b;
    dp_buf_init(&b, 0);
    /* decode then re-encode; '+' is literal; bare keys get '='; sort by key then value */
    CHECK_INT(dp_sigv4_canonical_query(&b, "b=x+y&a=%7e&c&a=%41%zz&&d="), 0);
    CHECK_STR(dp_buf_str(&b), "a=A%25zz&a=~&b=x%2By&c=&d=");
    dp_buf_reset(&b);
    CHECK_INT(dp_sigv4_canonical_uri(&b, S3_PATH, false, false), 0);
    CHECK_STR(dp_buf_str(&b), S3_PATH);
    dp_buf_reset(&b);
    CHECK_INT(dp_sigv4_canonical_uri(&b, "/a/b/../../../c/./d//", true, false), 0);
    CHECK_STR(dp_buf_str(&b), "/c/d/");
    dp_buf_reset(&b);
    CHECK_INT(dp_sigv4_canonical_uri(&b, "", true, true), 0);
    CHECK_STR(dp_buf_str(&b), "/");
    dp_buf_reset(&b);
    CHECK_INT(dp_sigv4_canonical_header_value(&b, " \t a \n  b\t\tc  "), 0);
    CHECK_STR(dp_buf_str(&b), "a b c");
    dp_buf_cleanup(&b);
}

static void test_errors(void)
{
    dp_request r;
    make(&r, "GET", S3_HOST, "/", "", NULL);
    dp_sigv4_params p;
    dp_err e;
    dp_creds none = {.access_key_id = "AKIDEXAMPLE", .secret_access_key = ""};
    dp_sigv4_params_init(&p, &none, "us-east-1", "s3", NOW);
    CHECK_INT(dp_sigv4_sign_headers(&r, &p, &e), -1);
    CHECK_INT(e.kind, DP_E_CREDENTIALS);
    CHECK_INT(r.nheaders, 0); /* a refused request is left untouched */

    dp_sigv4_params_init(&p, &plain, NULL, "s3", NOW);
    CHECK_INT(dp_sigv4_sign_headers(&r, &p, &e), -1);
    CHECK_INT(e.kind, DP_E_CONFIG);

    dp_sigv4_params_init(&p, &plain, "us-east-1", "s3", NOW);
    p.expires = DP_SIGV4_MAX_EXPIRES + 1;
    CHECK_INT(dp_sigv4_presign(&r, &p, &e), -1);
    CHECK_INT(e.kind, DP_E_INPUT);
    CHECK_STR(r.query, "");

    dp_sigv4 s;
    CHECK_INT(dp_sigv4_begin(&s, &r, &p, false, &e), 0);
    CHECK_INT(dp_sigv4_build_signature(&s, &e), -1); /* string to sign not built yet */
    CHECK_INT(e.kind, DP_E_INTERNAL);
    dp_sigv4_cleanup(&s);
    dp_request_cleanup(&r);
}

int main(void)
{
    test_s3_put_signed_payload();
    test_s3_unsigned_payload();
    test_s3_session_token();
    test_s3_presign_with_token();
    test_non_s3_path_and_unsigned_headers();
    test_canonical_helpers();
    test_errors();
    CHECK_DONE();
}
