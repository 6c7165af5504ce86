/* restxml.c - S3 requests, errors, region redirects and ListObjectsV2 paging. */
#include "drivers/core/proto/restxml.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drivers/base/log.h"
#include "drivers/core/proto/pager.h"
#include "drivers/core/proto/query.h"

void dp_restxml_parse_error(const dp_response *resp, dp_err *e)
{
    if (!e)
        return;
    const char *rid = dp_response_header(resp, "x-amz-request-id");
    if (rid)
        snprintf(e->request_id, sizeof e->request_id, "%s", rid);
    dp_query_parse_error(resp, e); /* same <Error><Code/><Message/> shape */
    if (!e->aws_code[0]) {
        const char *code = resp->status == 404 ? "NotFound" : resp->status == 403 ? "Forbidden"
                         : resp->status == 301 ? "PermanentRedirect" : resp->status == 503 ? "SlowDown"
                         : resp->status >= 500 ? "InternalError" : NULL;
        if (code)
            snprintf(e->aws_code, sizeof e->aws_code, "%s", code);
    }
}

static int build(const dp_s3_request *r, dp_request *req)
{
    dp_request_init(req);
    dp_buf path;
    dp_buf_init(&path, 0);
    int rc = dp_buf_putc(&path, '/');
    if (r->key)
        rc |= dp_uri_encode(&path, r->key, strlen(r->key), true);
    rc |= dp_request_set(&req->method, r->method) | dp_request_set(&req->path, dp_buf_str(&path)) |
          dp_request_set(&req->query, r->query ? r->query : "");
    dp_buf_cleanup(&path);
    for (size_t i = 0; !rc && r->headers && r->headers[i]; i++) {
        const char *colon = strchr(r->headers[i], ':');
        if (!colon)
            continue;
        char name[128];
        snprintf(name, sizeof name, "%.*s", (int)(colon - r->headers[i]), r->headers[i]);
        const char *v = colon + 1;
        while (*v == ' ')
            v++;
        rc |= dp_request_add_header(req, name, v);
    }
    if (!rc && r->body_len)
        rc |= dp_request_set_body(req, r->body, r->body_len);
    return rc ? -1 : 0;
}

int dp_s3_call(dp_client *c, const dp_s3_request *r, dp_response *resp, dp_err *e)
{
    dp_request req;
    if (build(r, &req)) {
        dp_request_cleanup(&req);
        dp_err_set(e, DP_E_NOMEM, "out of memory building %s", r->operation);
        return -1;
    }
    dp_call call = {.svc = &dp_svc_s3, .operation = r->operation, .parse_error = dp_restxml_parse_error,
                    .s3_bucket = r->bucket, .unsigned_payload = r->unsigned_payload};
    int rc = dp_client_send(c, &call, &req, resp, e);
    const char *region = dp_response_header(resp, "x-amz-bucket-region");
    if (rc && region && r->bucket && dp_region_valid(region) && strcmp(region, dp_client_region(c)) &&
        (resp->status == 301 || resp->status == 307 || resp->status == 400)) {
        char target[32];
        snprintf(target, sizeof target, "%s", region);
        dp_debug("bucket %s lives in %s: following the redirect", r->bucket, target);
        call.region = target;
        rc = dp_client_send(c, &call, &req, resp, e);
    }
    dp_request_cleanup(&req);
    return rc;
}

typedef struct s3_pages {
    dp_client *c;
    const char *bucket, *prefix;
    int max_keys;
    dp_s3_page_fn fn;
    void *ctx;
} s3_pages;

static int s3_fetch(void *ctx, const char *token, char **next, dp_err *e)
{
    s3_pages *s = ctx;
    dp_buf q;
    dp_buf_init(&q, 0);
    int bad = 0;
    if (token) {
        bad |= dp_buf_puts(&q, "continuation-token=");
        bad |= dp_uri_encode(&q, token, strlen(token), false);
        bad |= dp_buf_putc(&q, '&');
    }
    bad |= dp_buf_puts(&q, "list-type=2");
    if (s->max_keys > 0)
        bad |= dp_buf_printf(&q, "&max-keys=%d", s->max_keys);
    if (s->prefix) {
        bad |= dp_buf_puts(&q, "&prefix=");
        bad |= dp_uri_encode(&q, s->prefix, strlen(s->prefix), false);
    }
    if (bad)
        dp_err_set(e, DP_E_NOMEM, "out of memory building ListObjectsV2");
    dp_response resp;
    dp_response_init(&resp);
    dp_s3_request r = {.operation = "ListObjectsV2", .method = "GET", .bucket = s->bucket, .query = dp_buf_str(&q)};
    int call_rc = bad ? -1 : dp_s3_call(s->c, &r, &resp, e);
    dp_buf_cleanup(&q);
    xmlDocPtr doc = call_rc ? NULL : dp_xml_parse(resp.body.data, resp.body.len, e);
    dp_response_cleanup(&resp);
    if (!doc)
        return -1;
    int stop = s->fn(s->ctx, doc, e);
    xmlNodePtr root = xmlDocGetRootElement(doc);
    char *truncated = dp_xml_text(root, "IsTruncated");
    if (!stop && truncated && !strcmp(truncated, "true"))
        *next = dp_xml_text(root, "NextContinuationToken");
    free(truncated);
    xmlFreeDoc(doc);
    return stop ? -1 : 0;
}

int dp_s3_list_objects(dp_client *c, const char *bucket, const char *prefix, int max_keys,
                       dp_s3_page_fn fn, void *ctx, dp_err *e)
{
    s3_pages s = {.c = c, .bucket = bucket, .prefix = prefix, .max_keys = max_keys, .fn = fn, .ctx = ctx};
    return dp_paginate("ListObjectsV2", s3_fetch, &s, e);
}
