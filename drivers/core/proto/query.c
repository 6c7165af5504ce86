/* query.c - AWS Query requests, XML answers and errors. */
#include "drivers/core/proto/query.h"

#include <libxml/parser.h>
#include <libxml/xmlerror.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drivers/core/proto/pager.h"

void dp_params_init(dp_params *p, const char *action, const char *version)
{
    dp_buf_init(&p->body, 0);
    p->failed = 0;
    dp_params_add(p, "Action", action);
    dp_params_add(p, "Version", version);
}

void dp_params_cleanup(dp_params *p) { dp_buf_cleanup(&p->body); }

void dp_params_add(dp_params *p, const char *key, const char *value)
{
    if (!value)
        return;
    if (p->body.len)
        p->failed |= dp_buf_putc(&p->body, '&');
    p->failed |= dp_uri_encode(&p->body, key, strlen(key), false);
    p->failed |= dp_buf_putc(&p->body, '=');
    p->failed |= dp_uri_encode(&p->body, value, strlen(value), false);
}

void dp_params_addf(dp_params *p, const char *value, const char *keyfmt, ...)
{
    char key[256];
    va_list ap;
    va_start(ap, keyfmt);
    int n = vsnprintf(key, sizeof key, keyfmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof key) {
        p->failed = 1;
        return;
    }
    dp_params_add(p, key, value);
}

static void quiet_xml_error(void *ctx, xmlErrorPtr err)
{
    (void)ctx;
    (void)err;
}

xmlDocPtr dp_xml_parse(const char *body, size_t len, dp_err *e)
{
    if (!len || len > (size_t)INT32_MAX) {
        dp_err_set(e, DP_E_PARSE, "empty or oversized XML answer");
        return NULL;
    }
    /* XML_PARSE_NOERROR does not cover encoding and I/O errors: a per-thread no-op handler
     * keeps a garbled answer from printing libxml2's messages on stderr. */
    xmlStructuredErrorFunc old_fn = xmlStructuredError;
    void *old_ctx = xmlStructuredErrorContext;
    xmlSetStructuredErrorFunc(NULL, quiet_xml_error);
    xmlDocPtr doc = xmlReadMemory(body, (int)len, NULL, NULL,
                                  XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_NOBLANKS);
    xmlSetStructuredErrorFunc(old_ctx, old_fn);
    /* AWS answers never carry a DTD: refusing one rules out entity tricks altogether. */
    if (!doc || !xmlDocGetRootElement(doc) || doc->intSubset || doc->extSubset) {
        xmlFreeDoc(doc);
        dp_err_set(e, DP_E_PARSE, "the answer is not plain XML (%zu bytes)", len);
        return NULL;
    }
    return doc;
}

xmlNodePtr dp_xml_child(xmlNodePtr n, const char *name)
{
    for (xmlNodePtr k = n ? n->children : NULL; k; k = k->next)
        if (k->type == XML_ELEMENT_NODE && !strcmp((const char *)k->name, name))
            return k;
    return NULL;
}

xmlNodePtr dp_xml_path(xmlNodePtr n, const char *path)
{
    char part[128];
    while (n && *path) {
        size_t len = strcspn(path, "/");
        if (len >= sizeof part)
            return NULL;
        memcpy(part, path, len);
        part[len] = '\0';
        n = dp_xml_child(n, part);
        path += len;
        if (*path == '/')
            path++;
    }
    return n;
}

char *dp_xml_text(xmlNodePtr n, const char *path)
{
    xmlNodePtr t = path && *path ? dp_xml_path(n, path) : n;
    if (!t)
        return NULL;
    xmlChar *s = xmlNodeGetContent(t);
    char *copy = strdup(s ? (const char *)s : "");
    xmlFree(s);
    return copy;
}

xmlNodePtr dp_xml_next_same(xmlNodePtr n)
{
    for (xmlNodePtr k = n ? n->next : NULL; k; k = k->next)
        if (k->type == XML_ELEMENT_NODE && !strcmp((const char *)k->name, (const char *)n->name))
            return k;
    return NULL;
}

xmlNodePtr dp_xml_result(xmlDocPtr doc, const char *op)
{
    xmlNodePtr root = xmlDocGetRootElement(doc);
    char name[160];
    snprintf(name, sizeof name, "%sResult", op);
    xmlNodePtr r = dp_xml_child(root, name);
    return r ? r : root;
}

void dp_query_parse_error(const dp_response *resp, dp_err *e)
{
    if (!e)
        return;
    const char *rid = dp_response_header(resp, "x-amzn-requestid");
    if (rid)
        snprintf(e->request_id, sizeof e->request_id, "%s", rid);
    xmlDocPtr doc = resp->body.len ? dp_xml_parse(resp->body.data, resp->body.len, NULL) : NULL;
    if (!doc) {
        if (resp->body.len)
            snprintf(e->message, sizeof e->message, "unreadable error answer (%zu bytes)", resp->body.len);
        return;
    }
    xmlNodePtr root = xmlDocGetRootElement(doc);
    /* <ErrorResponse><Error>…</Error><RequestId/></ErrorResponse>, or a bare <Error>. */
    xmlNodePtr err = strcmp((const char *)root->name, "Error") ? dp_xml_child(root, "Error") : root;
    char *code = dp_xml_text(err, "Code");
    char *msg = dp_xml_text(err, "Message");
    char *id = dp_xml_text(root, "RequestId");
    if (!id)
        id = dp_xml_text(err, "RequestId");
    if (code)
        snprintf(e->aws_code, sizeof e->aws_code, "%s", code);
    if (msg)
        snprintf(e->message, sizeof e->message, "%s", msg);
    if (id)
        snprintf(e->request_id, sizeof e->request_id, "%s", id);
    free(code);
    free(msg);
    free(id);
    xmlFreeDoc(doc);
}

int dp_query_call(dp_client *c, const dp_service *svc, const char *op, const dp_params *p, xmlDocPtr *out, dp_err *e)
{
    return dp_query_call_as(c, svc, op, p, NULL, out, e);
}

int dp_query_call_as(dp_client *c, const dp_service *svc, const char *op, const dp_params *p, const dp_creds *creds,
                     xmlDocPtr *out, dp_err *e)
{
    *out = NULL;
    if (p->failed) {
        dp_err_set(e, DP_E_NOMEM, "out of memory building %s", op);
        return -1;
    }
    dp_request req;
    dp_request_init(&req);
    dp_response resp;
    dp_response_init(&resp);
    int rc = -1;
    if (dp_request_set(&req.method, "POST") || dp_request_set(&req.path, "/") ||
        dp_request_add_header(&req, "Content-Type", "application/x-www-form-urlencoded; charset=utf-8") ||
        dp_request_set_body(&req, p->body.data, p->body.len)) {
        dp_err_set(e, DP_E_NOMEM, "out of memory building %s", op);
        goto done;
    }
    dp_call call = {.svc = svc, .operation = op, .parse_error = dp_query_parse_error};
    if (dp_client_send_with(c, &call, &req, creds, &resp, e))
        goto done;
    *out = dp_xml_parse(resp.body.data, resp.body.len, e);
    if (!*out) {
        dp_err_at(e, svc->name, op);
        goto done;
    }
    rc = 0;
done:
    dp_request_cleanup(&req);
    dp_response_cleanup(&resp);
    return rc;
}

typedef struct query_pages {
    dp_client *c;
    const dp_service *svc;
    const char *op;
    const dp_params *base;
    dp_query_page_fn fn;
    void *ctx;
} query_pages;

static int query_fetch(void *ctx, const char *marker, char **next, dp_err *e)
{
    query_pages *q = ctx;
    dp_params p;
    dp_buf_init(&p.body, 0);
    p.failed = dp_buf_append(&p.body, q->base->body.data, q->base->body.len) | q->base->failed;
    if (marker)
        dp_params_add(&p, "Marker", marker);
    xmlDocPtr doc = NULL;
    int rc = dp_query_call(q->c, q->svc, q->op, &p, &doc, e);
    dp_params_cleanup(&p);
    if (rc)
        return -1;
    xmlNodePtr result = dp_xml_result(doc, q->op);
    int stop = q->fn(q->ctx, result, e);
    char *truncated = dp_xml_text(result, "IsTruncated");
    /* IAM says IsTruncated; RDS gives a Marker only when there is more. */
    if (!stop && !(truncated && strcmp(truncated, "true")))
        *next = dp_xml_text(result, "Marker");
    free(truncated);
    xmlFreeDoc(doc);
    return stop ? -1 : 0;
}

int dp_query_paginate(dp_client *c, const dp_service *svc, const char *op, const dp_params *base,
                      dp_query_page_fn fn, void *ctx, dp_err *e)
{
    query_pages q = {.c = c, .svc = svc, .op = op, .base = base, .fn = fn, .ctx = ctx};
    return dp_paginate(op, query_fetch, &q, e);
}
