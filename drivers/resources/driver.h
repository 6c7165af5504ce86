/* driver.h - one driver per resource type behind one interface, after the CloudFormation
 * resource-handler contract: create / read / update / delete return a progress event
 * (in progress with a suggested delay and a context for the next call, success with the
 * resource model, or failed with an error). A handler never sleeps: long waits are a series
 * of short calls scheduled by the engine, so one worker can drive many resources.
 *
 * A type's entry (dp_driver) holds its handlers and everything else known about the type:
 * name property, case rules, what it applies and reads back, replacement overrides, typical
 * durations, the types it may refer to, capabilities. The engine includes only this header.
 *
 * Ownership: a dp_resource_req and everything it points to is borrowed for one call. A
 * dp_progress owns its context and model (dp_progress_cleanup()); the engine takes them.
 * Driver entries and their lists are static: nothing to free. */
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

/* Capabilities of a type (dp_driver.caps), after curl's "supports" bits. */
enum dp_driver_cap {
    /* AWS stores the identifier lower-cased (RDS, DMS: "stored as a lowercase string"): the
     * name property compares without case, and so do physical ids and names when the plan
     * decides whether two of them are the same resource. */
    DP_CAP_ID_LOWERCASE = 1u << 0,
    /* DeletionPolicy / UpdateReplacePolicy Snapshot is supported (the template refuses it
     * for any other type). */
    DP_CAP_SNAPSHOT = 1u << 1,
    /* create and update refuse, before any AWS call, a property outside .applies, through
     * the one shared path dp_refuse_unsupported() (common.h). Without it a driver ignores
     * such a property. */
    DP_CAP_REFUSES_OTHERS = 1u << 2,
};

/* Typical seconds an operation of a type takes (the longest-path priority in apply, and the
 * benchmark's critical path). 0: the default (dp_driver_seconds). */
typedef struct dp_durations {
    double create, update, del;
} dp_durations;

typedef enum dp_driver_op { DP_DRIVER_CREATE, DP_DRIVER_UPDATE, DP_DRIVER_DELETE } dp_driver_op;

/* One entry per type, filled with designated initializers only. Required: .type, the five
 * handlers, .applies, .reads_back and .seconds (tests/unit/test_driver_table.c checks every
 * entry); the rest may be left out (NULL / 0: "none"). Lists are NULL-terminated arrays of
 * top-level template property names (or of types), static in the driver's file. Everything
 * below the handlers is data: it answers the engine, the plan and validation without any
 * AWS call. */
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

    /* The property that names the resource ("BucketName", "ReplicationTaskIdentifier"); NULL
     * when the type has none. The plan reads it from a live model to recognise the copy a
     * replacement will adopt by name, and from the template when there is no physical_id_for. */
    const char *name_prop;
    /* Properties other than name_prop that AWS stores lower-cased (maintenance windows, names
     * of other resources): values that differ only in case are no change. */
    const char *const *lowercased;
    /* Every property create / update can apply. Anything else in a template is not applied:
     * refused (DP_CAP_REFUSES_OTHERS) or ignored. Ask with dp_driver_applies(). */
    const char *const *applies;
    /* The properties read() returns in the model (the others are compared with state). */
    const char *const *reads_back;
    /* Replacement follows the schema's createOnlyProperties (dp_schema_type, not repeated
     * here); these override it. update_in_place: create-only in the schema, but the driver
     * changes them in place (a DMS task moves to another instance). replace_on_change:
     * updatable in the schema, but a change replaces the resource (a task's MigrationType). */
    const char *const *update_in_place;
    const char *const *replace_on_change;
    /* Types a resource of this type may refer to: with no template and no state, destroy
     * deletes a referrer before what it refers to. */
    const char *const *may_reference;
    dp_durations seconds;
    unsigned caps; /* enum dp_driver_cap */
} dp_driver;

/* The driver of a type, or NULL. */
const dp_driver *dp_driver_find(const char *type);
const dp_driver *const *dp_driver_all(size_t *n);

/* Questions answered from a table entry (driver.c); d may be NULL (an unknown type: no rules,
 * nothing applies). Returned strings are borrowed from the table or from the argument. */
/* True when name is in the NULL-terminated list (list may be NULL). */
bool dp_driver_listed(const char *const *list, const char *name);
/* True when the driver of type can apply top-level property prop. */
bool dp_driver_applies(const char *type, const char *prop);
/* The first top-level property of props that d cannot apply, or NULL. */
const char *dp_driver_unsupported(const dp_driver *d, const cJSON *props);
/* True when AWS stores prop lower-cased (the name under DP_CAP_ID_LOWERCASE, or .lowercased). */
bool dp_driver_lowercased(const dp_driver *d, const char *prop);
/* True when identifiers a and b name the same resource (without case under DP_CAP_ID_LOWERCASE). */
bool dp_driver_same_id(const dp_driver *d, const char *a, const char *b);
bool dp_driver_updates_in_place(const dp_driver *d, const char *prop);
bool dp_driver_replaces_on_change(const dp_driver *d, const char *prop);
/* True when a resource of d's type may refer to one of type to. */
bool dp_driver_may_reference(const dp_driver *d, const char *to);
/* d's typical seconds for op; 2 when d is NULL or leaves it 0. */
double dp_driver_seconds(const dp_driver *d, dp_driver_op op);

/* The ownership tags every resource dmsprov creates carries: they, not the local state, decide
 * what a stack owns (list() finds a stack's resources by them). */
#define DP_TAG_STACK "dmsprov:stack"
#define DP_TAG_LOGICAL_ID "dmsprov:logical-id"

/* ---- progress events and models (progress.c) ---- */
void dp_progress_init(dp_progress *p);
void dp_progress_cleanup(dp_progress *p);
/* SUCCESS with model (taken: the progress owns it afterwards). */
void dp_progress_success(dp_progress *p, cJSON *model);
/* FAILED, copying e and prefixing "<verb> <type> <logical id>: " to the message. */
void dp_progress_fail(dp_progress *p, const dp_resource_req *r, const char *verb, const dp_err *e);
/* FAILED with a message of our own (no AWS error). */
void dp_progress_failf(dp_progress *p, enum dp_err_kind kind, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* New model {"PhysicalId": id, "Properties": props (taken), "Attributes": {}}. */
cJSON *dp_model_new(const char *physical_id, cJSON *props);
void dp_model_attr(cJSON *model, const char *name, const char *value);

#endif
