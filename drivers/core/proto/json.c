/* json.c - AWS JSON 1.1 requests, answers, errors and pagination. */
#include "drivers/core/proto/json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drivers/core/proto/pager.h"

cJSON *dp_json_parse_body(const char *body, size_t len, dp_err *e)
{
    if (!len)
        return cJSON_CreateObject();
    const char *end = NULL;
    cJSON *j = cJSON_ParseWithLengthOpts(body, len, &end, 0);
    if (!j || !cJSON_IsObject(j)) {
        cJSON_Delete(j);
        dp_err_set(e, DP_E_PARSE, "the answer is not a JSON object (%zu bytes)", len);
        return NULL;
    }
    return j;
}

void dp_json_parse_error(const dp_response *resp, dp_err *e)
{
    if (!e)
        return;
    const char *rid = dp_response_header(resp, "x-amzn-requestid");
    if (rid)
        snprintf(e->request_id, sizeof e->request_id, "%s", rid);
    const char *type = dp_response_header(resp, "x-amzn-errortype");
    cJSON *j = resp->body.len ? cJSON_ParseWithLength(resp->body.data, resp->body.len) : NULL;
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(j, "__type");
    if (cJSON_IsString(t))
        type = t->valuestring;
    if (type) {
        const char *hash = strrchr(type, '#'); /* "com.amazonaws.dms#ResourceNotFoundFault" */
        const char *code = hash ? hash + 1 : type;
        size_t n = strcspn(code, ":"); /* the header form may carry ":http://..." */
        snprintf(e->aws_code, sizeof e->aws_code, "%.*s", (int)n, code);
    }
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(j, "message");
    if (!cJSON_IsString(m))
        m = cJSON_GetObjectItemCaseSensitive(j, "Message");
    if (cJSON_IsString(m))
        snprintf(e->message, sizeof e->message, "%s", m->valuestring);
    else if (!j && resp->body.len)
        snprintf(e->message, sizeof e->message, "unreadable error answer (%zu bytes)", resp->body.len);
    cJSON_Delete(j);
}

int dp_json_call(dp_client *c, const dp_service *svc, const char *op, const cJSON *input, cJSON **out, dp_err *e)
{
    *out = NULL;
    dp_request req;
    dp_request_init(&req);
    dp_response resp;
    dp_response_init(&resp);
    int rc = -1;
    char *body = input ? cJSON_PrintUnformatted(input) : strdup("{}");
    char target[160], ctype[64];
    snprintf(target, sizeof target, "%s.%s", svc->target_prefix, op);
    snprintf(ctype, sizeof ctype, "application/x-amz-json-%s", svc->json_version);
    if (!body || dp_request_set(&req.method, "POST") || dp_request_set(&req.path, "/") ||
        dp_request_add_header(&req, "Content-Type", ctype) || dp_request_add_header(&req, "X-Amz-Target", target) ||
        dp_request_set_body(&req, body, strlen(body))) {
        dp_err_set(e, DP_E_NOMEM, "out of memory building %s", op);
        goto done;
    }
    dp_call call = {.svc = svc, .operation = op, .parse_error = dp_json_parse_error};
    if (dp_client_send(c, &call, &req, &resp, e))
        goto done;
    *out = dp_json_parse_body(resp.body.data, resp.body.len, e);
    if (!*out) {
        dp_err_at(e, svc->name, op);
        goto done;
    }
    rc = 0;
done:
    free(body);
    dp_request_cleanup(&req);
    dp_response_cleanup(&resp);
    return rc;
}

typedef struct json_pages {
    dp_client *c;
    const dp_service *svc;
    const char *op;
    cJSON *in; /* owned copy of the input; carries the token */
    const char *token_key;
    dp_json_page_fn fn;
    void *ctx;
} json_pages;

static int json_fetch(void *ctx, const char *token, char **next, dp_err *e)
{
    json_pages *p = ctx;
    if (token) {
        cJSON *copy = cJSON_CreateString(token);
        if (!copy || (cJSON_HasObjectItem(p->in, p->token_key)
                          ? !cJSON_ReplaceItemInObjectCaseSensitive(p->in, p->token_key, copy)
                          : !cJSON_AddItemToObject(p->in, p->token_key, copy))) {
            cJSON_Delete(copy);
            dp_err_set(e, DP_E_NOMEM, "out of memory");
            return -1;
        }
    }
    cJSON *out = NULL;
    if (dp_json_call(p->c, p->svc, p->op, p->in, &out, e))
        return -1;
    int stop = p->fn(p->ctx, out, e);
    const cJSON *tok = cJSON_GetObjectItemCaseSensitive(out, p->token_key);
    *next = !stop && cJSON_IsString(tok) ? strdup(tok->valuestring) : NULL;
    cJSON_Delete(out);
    return stop ? -1 : 0;
}

int dp_json_paginate(dp_client *c, const dp_service *svc, const char *op, const cJSON *input,
                     const char *token_key, dp_json_page_fn fn, void *ctx, dp_err *e)
{
    json_pages p = {.c = c, .svc = svc, .op = op, .token_key = token_key, .fn = fn, .ctx = ctx};
    p.in = input ? cJSON_Duplicate(input, 1) : cJSON_CreateObject();
    if (!p.in) {
        dp_err_set(e, DP_E_NOMEM, "out of memory");
        return -1;
    }
    int rc = dp_paginate(op, json_fetch, &p, e);
    cJSON_Delete(p.in);
    return rc;
}
