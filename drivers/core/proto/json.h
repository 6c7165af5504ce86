/* json.h - the AWS JSON 1.1 protocol (DMS, SSM, Secrets Manager, tagging).
 *
 * POST / with X-Amz-Target: <prefix>.<Operation> and a JSON body; errors carry "__type" (maybe
 * "namespace#Code") and "message"/"Message". Ownership: inputs are borrowed; *out is owned by
 * the caller (cJSON_Delete). */
#ifndef DP_JSON_PROTO_H
#define DP_JSON_PROTO_H
#include <cjson/cJSON.h>

#include "drivers/core/client.h"

/* Calls op with input (NULL = {}). On success *out holds the parsed answer (an object). */
int dp_json_call(dp_client *c, const dp_service *svc, const char *op, const cJSON *input, cJSON **out, dp_err *e);
/* Fills e->aws_code / message / request_id from a JSON error response. */
void dp_json_parse_error(const dp_response *resp, dp_err *e);
/* Parses a body of any size or shape: NULL (with e set) unless it is a JSON object. */
cJSON *dp_json_parse_body(const char *body, size_t len, dp_err *e);

/* Page callback: page is borrowed for the call; return non-zero to stop with that error. */
typedef int (*dp_json_page_fn)(void *ctx, const cJSON *page, dp_err *e);
/* Calls op until the answer has no token_key ("Marker", "NextToken", "PaginationToken"),
 * passing each page to fn. input is borrowed and not modified (a copy carries the token). */
int dp_json_paginate(dp_client *c, const dp_service *svc, const char *op, const cJSON *input,
                     const char *token_key, dp_json_page_fn fn, void *ctx, dp_err *e);

#endif
