/* query.h - the AWS Query protocol (RDS, IAM, STS) and XML reading helpers.
 *
 * POST / with a form body (Action, Version, flattened parameters such as
 * Tags.member.1.Key); answers are XML <OpResponse><OpResult>…; errors are
 * <ErrorResponse><Error><Code/><Message/></Error><RequestId/>.
 * Ownership: a dp_params owns its body; *out documents are owned by the caller (xmlFreeDoc);
 * dp_xml_text() returns owned strings (free()). */
#ifndef DP_QUERY_PROTO_H
#define DP_QUERY_PROTO_H
#include <libxml/tree.h>

#include "drivers/core/client.h"

typedef struct dp_params {
    dp_buf body; /* owned: "Action=...&Version=...&K=V" */
    int failed;  /* an append failed (out of memory): the call reports it */
} dp_params;

void dp_params_init(dp_params *p, const char *action, const char *version);
void dp_params_cleanup(dp_params *p);
void dp_params_add(dp_params *p, const char *key, const char *value);
/* Key built with printf ("Tags.member.%d.Key"), value as given. */
void dp_params_addf(dp_params *p, const char *value, const char *keyfmt, ...) __attribute__((format(printf, 3, 4)));

/* Calls the operation; *out receives the whole answer document. */
int dp_query_call(dp_client *c, const dp_service *svc, const char *op, const dp_params *p, xmlDocPtr *out, dp_err *e);
/* Same, signed with the given credentials instead of the client's chain (STS AssumeRole). */
int dp_query_call_as(dp_client *c, const dp_service *svc, const char *op, const dp_params *p, const dp_creds *creds,
                     xmlDocPtr *out, dp_err *e);
void dp_query_parse_error(const dp_response *resp, dp_err *e);
/* Parses XML safely (no network, no entity expansion); NULL with e set on failure. */
xmlDocPtr dp_xml_parse(const char *body, size_t len, dp_err *e);

/* The <OpResult> element of an answer (or the root when absent). Borrowed. */
xmlNodePtr dp_xml_result(xmlDocPtr doc, const char *op);
/* First child element with this local name (namespace ignored), or NULL. Borrowed. */
xmlNodePtr dp_xml_child(xmlNodePtr n, const char *name);
/* Element at a '/'-separated path of local names below n, or NULL. Borrowed. */
xmlNodePtr dp_xml_path(xmlNodePtr n, const char *path);
/* Text content at path (owned malloc copy), or NULL when the element is absent. */
char *dp_xml_text(xmlNodePtr n, const char *path);
/* Next sibling element with the same local name as n, or NULL (for <member> lists). */
xmlNodePtr dp_xml_next_same(xmlNodePtr n);

/* Page callback for Marker pagination; result is the <OpResult> element (borrowed). */
typedef int (*dp_query_page_fn)(void *ctx, xmlNodePtr result, dp_err *e);
/* Repeats op with Marker=<Marker of the previous answer> until there is none (RDS, IAM's
 * Marker + IsTruncated). base holds the call's parameters without Marker. */
int dp_query_paginate(dp_client *c, const dp_service *svc, const char *op, const dp_params *base,
                      dp_query_page_fn fn, void *ctx, dp_err *e);

#endif
