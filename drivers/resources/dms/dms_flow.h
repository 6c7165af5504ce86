/* dms_flow.h - the create/adopt, wait, read and delete flows the DMS drivers share, driven by
 * a table (dp_dms_kind) naming each type's operations, fields and hooks.
 *
 * DMS has no client tokens: create looks the identifier up first, and a same-named resource
 * is adopted only when its ownership tags name this stack and logical id.
 *
 * Ownership: a dp_dms_kind and its strings are static and borrowed; cJSON * out-parameters
 * are owned by the caller (cJSON_Delete); hook arguments are borrowed. */
#ifndef DP_DMS_FLOW_H
#define DP_DMS_FLOW_H
#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>

#include "drivers/resources/dms/dms.h"

/* What one poll of an "available" waiter makes of a described resource. */
typedef enum dp_dms_state { DP_DMS_WAIT, DP_DMS_READY, DP_DMS_FAILED } dp_dms_state;

typedef struct dp_dms_kind {
    const char *type;         /* "AWS::DMS::Endpoint" */
    const char *what;         /* "endpoint", used in messages */
    const char *id_prop;      /* template property and API member naming it */
    size_t id_max;            /* longest identifier (< 256) */
    bool lower_id;            /* DMS stores the identifier lower-cased */
    const char *describe_op;  /* "DescribeEndpoints" */
    const char *list_key;     /* "Endpoints" */
    const char *id_filter;    /* "endpoint-id" */
    const char *arn_filter;   /* "endpoint-arn" */
    const char *arn_field;    /* "EndpointArn": in answers and as the delete input */
    const char *status_field; /* "Status" */
    const char *create_op;    /* "CreateEndpoint" */
    const char *created_key;  /* "Endpoint": the resource in CreateX's answer */
    const char *delete_op;    /* "DeleteEndpoint" */
    const char *const *again; /* statuses that fail the Deleted waiter; NULL-terminated */
    /* CreateX input beyond the identifier (the flow adds Tags). */
    void (*create_input)(cJSON *in, const dp_resource_req *r);
    /* A create resumed with ctx {"arn"}; NULL: dp_dms_wait_available(arn, "creating"). */
    void (*resume)(const dp_resource_req *r, dp_progress *p, const char *arn);
    /* After CreateX answered with arn ("" when it gave none) / on adopting a found arn. */
    void (*created)(const dp_resource_req *r, dp_progress *p, const char *arn);
    void (*adopt)(const dp_resource_req *r, dp_progress *p, const char *arn);
    /* Properties of a described resource in template form, tags aside (owned). */
    cJSON *(*props_of)(const dp_resource_req *r, const cJSON *item);
    /* GetAtt values beyond Id and Arn; NULL: none. */
    void (*attrs)(cJSON *model, const cJSON *item);
    /* The Available waiter's verdict on a described resource. */
    dp_dms_state (*state)(const cJSON *item);
} dp_dms_kind;

/* driver.h's physical_id_for: the identifier a create would use, 0 when the template fixes it
 * (as written), 1 when generated from the client token (as DMS stores it). The engine
 * compares it with identifiers, not ARNs. */
int dp_dms_physical_id(const dp_dms_kind *k, const cJSON *desired, const dp_resource_req *r, char *id, size_t n);

/* Describe by ARN, the lookup convention of err.h: DP_FOUND with *item (owned), DP_MISSING,
 * or -1 with e. */
int dp_dms_describe_arn(const dp_dms_kind *k, dp_client *c, const char *arn, cJSON **item, dp_err *e);
/* SUCCESS with the model of a described resource (physical id, Id and Arn = its ARN; live
 * tags as Tags), or FAILED saying verb when its tags cannot be read. */
void dp_dms_success(const dp_dms_kind *k, const dp_resource_req *r, dp_progress *p, const cJSON *item,
                    const char *verb);
/* Describes r->physical_id for verb: 0 with *item (owned); else p FAILED (not found or error)
 * and -1. */
int dp_dms_current(const dp_dms_kind *k, const dp_resource_req *r, dp_progress *p, const char *verb,
                   cJSON **item);
/* Resumes a create's wait (ctx {"arn"}); else find by name -> create, or (lost answer /
 * retry) ownership check -> adopt. */
void dp_dms_create(const dp_dms_kind *k, const dp_resource_req *r, dp_progress *p);
/* One poll of the Available waiter for arn (ctx {"arn"} while waiting). */
void dp_dms_wait_available(const dp_dms_kind *k, const dp_resource_req *r, dp_progress *p, const char *arn,
                           const char *verb);
void dp_dms_read(const dp_dms_kind *k, const dp_resource_req *r, dp_progress *p);
/* DeleteX (a retried delete of a resource already deleting is fine), then the Deleted waiter. */
void dp_dms_delete(const dp_dms_kind *k, const dp_resource_req *r, dp_progress *p);

#endif
