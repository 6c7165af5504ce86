/* bucket_api.c - bucket calls with XML bodies and Content-MD5. */
#include "drivers/resources/s3/bucket_api.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>

#include "drivers/core/proto/query.h"
#include "drivers/core/proto/restxml.h"

int dp_s3b_call(dp_client *c, const char *op, const char *method, const char *bucket, const char *query,
                xmlDocPtr body, xmlDocPtr *out, dp_err *e)
{
    xmlChar *xml = NULL;
    int len = 0;
    char md5h[96] = "", *headers[3] = {NULL, NULL, NULL};
    if (out)
        *out = NULL;
    if (body) {
        xmlDocDumpMemoryEnc(body, &xml, &len, "UTF-8");
        if (!xml) {
            dp_err_set(e, DP_E_NOMEM, "out of memory building %s", op);
            return -1;
        }
        unsigned char md[EVP_MAX_MD_SIZE];
        unsigned int mdlen = 0;
        unsigned char b64[64];
        EVP_Digest(xml, (size_t)len, md, &mdlen, EVP_md5(), NULL);
        EVP_EncodeBlock(b64, md, (int)mdlen);
        snprintf(md5h, sizeof md5h, "Content-MD5: %s", (const char *)b64);
        headers[0] = md5h;
        headers[1] = "Content-Type: application/xml";
    }
    dp_response resp;
    dp_response_init(&resp);
    dp_s3_request req = {.operation = op, .method = method, .bucket = bucket, .query = query,
                         .headers = (const char *const *)headers, .body = xml, .body_len = (size_t)len};
    int rc = dp_s3_call(c, &req, &resp, e);
    xmlFree(xml);
    if (!rc && out && resp.body.len) {
        *out = dp_xml_parse(resp.body.data, resp.body.len, e);
        if (!*out)
            rc = -1;
    }
    dp_response_cleanup(&resp);
    return rc;
}
