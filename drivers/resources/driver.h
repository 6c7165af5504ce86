/* driver.h - one driver per resource type behind one interface, after the CloudFormation
 * resource-handler contract: create / read / update / delete return a progress event
 * (in progress with a suggested delay and a context for the next call, success with the
 * resource model, or failed with an error). A handler never sleeps: long waits are a series
 * of short calls scheduled by the engine, so one worker can drive many resources.
 *
 * Ownership: a dp_resource_req and everything it points to is borrowed for one call. A
 * dp_progress owns its context and model (dp_progress_cleanup()); the engine takes them. */
#ifndef DP_DRIVER_H
#define DP_DRIVER_H
#include <cjson/cJSON.h>
#include <stdbool.h>

#include "drivers/base/err.h"
#include "drivers/core/client.h"

typedef enum dp_op_status { DP_OP_IN_PROGRESS, DP_OP_SUCCESS, DP_OP_FAILED } dp_op_status;

typedef struct dp_progress {
    dp_op_status status;
    long delay_ms;       /* IN_PROGRESS: call again after this long (see dp_poll_delay_ms) */
    cJSON *context;      /* IN_PROGRESS: owned; passed back as req->context on the next call */
    /* SUCCESS of create / read / update: owned
     *   {"PhysicalId": "...", "Properties": {template form}, "Attributes": {"Arn": ..., ...}}
     * Properties hold what the driver manages, normalised to template form (JSON documents as
     * canonical strings, server defaults the template did not set left out where known);
     * write-only and secret properties are left out (the engine compares them by hash). */
    cJSON *model;
    dp_err err;          /* FAILED: kind, AWS code and message; read of a missing resource
                          * fails with kind DP_E_NOT_FOUND */
    char status_text[96]; /* IN_PROGRESS: what it waits for ("replication instance creating") */
} dp_progress;

typedef struct dp_resource_req {
    dp_client *client;
    const char *stack;        /* stack name: the dmsprov:stack ownership tag */
    const char *logical_id;   /* the dmsprov:logical-id ownership tag */
    const char *region;
    const char *account_id;
    const char *partition;    /* "aws", "aws-cn", "aws-us-gov" */
    const char *physical_id;  /* read / update / delete; NULL for create */
    /* create / update: the resolved properties, markers stripped, secrets in clear. */
    const cJSON *desired;
    /* update: the live properties as read just before (template form). */
    const cJSON *previous;
    /* update: the properties of the last apply as the engine recorded them (state, template
     * form, secrets left out); NULL when not known. Lets a driver see a key the template
     * dropped inside a structure, which live values cannot tell from a service default. */
    const cJSON *applied;
    const cJSON *context;     /* NULL on the first call of an operation */
    /* create: stable for one resource's create across retries and re-runs (idempotency token
     * and the suffix of generated names). */
    const char *client_token;
    const char *deletion_policy; /* delete: "Delete" or "Snapshot" (Retain never reaches drivers) */
    bool empty_buckets;       /* delete: S3 buckets may be emptied first */
} dp_resource_req;

/* Called by list() for each resource that carries the stack's ownership tags. */
typedef int (*dp_list_fn)(void *ctx, const char *type, const char *logical_id, const char *physical_id,
                          dp_err *e);

typedef struct dp_driver {
    const char *type; /* "AWS::S3::Bucket" */
    void (*create)(const dp_resource_req *r, dp_progress *p);
    void (*read)(const dp_resource_req *r, dp_progress *p);
    void (*update)(const dp_resource_req *r, dp_progress *p);
    void (*del)(const dp_resource_req *r, dp_progress *p);
    /* Every resource of this type owned by stack (found by ownership tags). */
    int (*list)(dp_client *c, const char *stack, dp_list_fn fn, void *ctx, dp_err *e);
    /* Optional: the physical id a create with these properties would get when the name is
     * chosen by the template (BucketName, RoleName, ...), written to id; 0 when known, 1 when
     * the name is generated. Lets the engine find and adopt a resource after a lost answer. */
    int (*physical_id_for)(const cJSON *desired, const dp_resource_req *r, char *id, size_t n);
} dp_driver;

/* The driver of a type, or NULL. */
const dp_driver *dp_driver_find(const char *type);
const dp_driver *const *dp_driver_all(size_t *n);

void dp_progress_init(dp_progress *p);
void dp_progress_cleanup(dp_progress *p);

#endif
