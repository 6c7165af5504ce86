/* rds_flow.h - the create/adopt/wait, read, update and delete flows the RDS drivers share,
 * driven by a table (dp_rds_kind) that names each type's operations, fields and hooks.
 *
 * RDS has no client tokens: create looks the identifier up first and adopts a same-named
 * resource only when its ownership tags name this stack and logical id.
 *
 * Ownership: a dp_rds_kind and its strings are static and borrowed; hooks return new values
 * owned by the caller (cJSON_Delete); xmlNodePtr arguments are borrowed from their document. */
#ifndef DP_RDS_FLOW_H
#define DP_RDS_FLOW_H
#include <cjson/cJSON.h>
#include <libxml/tree.h>
#include <stdbool.h>
#include <stddef.h>

#include "drivers/resources/rds/rds_common.h"

typedef struct dp_rds_kind {
    const char *type;            /* "AWS::RDS::DBCluster" */
    const char *what;            /* "DB cluster", used in messages */
    const char *id_prop;         /* template property and API parameter naming it */
    size_t id_max;               /* longest identifier (< 256) */
    const char *describe_op;     /* "DescribeDBClusters" */
    const char *describe_path;   /* "DBClusters/DBCluster" */
    const char *not_found;       /* "DBClusterNotFoundFault" */
    const char *status_field;    /* "Status"; NULL: created/deleted at once (no waiter) */
    const char *arn_field;       /* "DBClusterArn" */
    const char *create_op, *modify_op, *delete_op;
    const char *busy_code;       /* state fault worth retrying modify/delete on; NULL: none */
    bool apply_immediately;      /* modify sends ApplyImmediately=true */
    const char *const *modify_scalars; /* sent on modify when changed; NULL-terminated or NULL */
    /* Live tags of a described resource n named id as [{"Key","Value"}] (*tags owned); -1 (e). */
    int (*tags)(dp_client *c, xmlNodePtr n, const char *id, cJSON **tags, dp_err *e);
    /* Model of a described resource with its live tags (owned). */
    cJSON *(*model_of)(xmlNodePtr n, const cJSON *tags);
    /* Create parameters after the identifier (tags are added by the flow). */
    void (*create_params)(dp_params *q, const dp_resource_req *r);
    /* Modify parameters beyond modify_scalars; returns how many changes it added. NULL: none. */
    int (*modify_params)(dp_params *q, const dp_resource_req *r);
    /* Delete: true when a final snapshot may be taken (DeletionPolicy Snapshot). NULL: always. */
    bool (*snapshot_ok)(xmlNodePtr n);
    /* Delete: true when busy_code means dependents remain (hint names them). NULL: never. */
    bool (*has_dependents)(xmlNodePtr n);
    const char *dependents_hint; /* "its DB instances must be deleted first" */
    const char *tag_type;        /* tagging API resource type ("rds:cluster"); NULL: not listed so */
    const char *arn_marker;      /* ":cluster:" before the identifier in its ARN */
} dp_rds_kind;

/* The model of described n (owned): props (taken) plus tags (borrowed) in template form,
 * physical id from id_field, and GetAtt values from attrs, a NULL-terminated flat list of
 * {name, path below n} pairs (NULL: none). */
cJSON *dp_rds_model(xmlNodePtr n, cJSON *props, const cJSON *tags, const char *id_field, const char *const *attrs);

/* Tags hook for answers that carry a TagList. */
int dp_rds_taglist_tags(dp_client *c, xmlNodePtr n, const char *id, cJSON **tags, dp_err *e);

/* Describes id and its tags, the lookup convention of err.h: DP_FOUND (*doc, *tags owned;
 * *node borrowed from *doc), DP_MISSING, or -1 with e. */
int dp_rds_lookup(const dp_rds_kind *k, dp_client *c, const char *id, xmlDocPtr *doc, xmlNodePtr *node,
                  cJSON **tags, dp_err *e);

/* The driver operations. */
void dp_rds_read(const dp_rds_kind *k, const dp_resource_req *r, dp_progress *p);
void dp_rds_create(const dp_rds_kind *k, const dp_resource_req *r, dp_progress *p);
void dp_rds_update(const dp_rds_kind *k, const dp_resource_req *r, dp_progress *p);
/* Delete of a resource with a status waiter (DBClusterDeleted / DBInstanceDeleted). */
void dp_rds_delete(const dp_rds_kind *k, const dp_resource_req *r, dp_progress *p);

/* The stack's resources through the tagging API (tag_type, arn_marker); physical id = identifier. */
int dp_rds_list_tagged(const dp_rds_kind *k, dp_client *c, const char *stack, dp_list_fn fn, void *ctx, dp_err *e);
/* The identifier a create uses (dp_rds_identifier with id_prop and id_max). */
int dp_rds_physical_id(const dp_rds_kind *k, const cJSON *desired, const dp_resource_req *r, char *id, size_t n);

/* Static driver operations rds_op_create / _read / _update / _physical_id_for running the
 * flows above on kind k; DP_RDS_WAITED_OPS adds rds_op_delete and rds_op_list for types with
 * a Deleted waiter that the tagging API lists. For a file's dp_driver table. */
#define DP_RDS_FLOW_OPS(k)                                                                                    \
    static void rds_op_create(const dp_resource_req *r, dp_progress *p) { dp_rds_create(&(k), r, p); }     \
    static void rds_op_read(const dp_resource_req *r, dp_progress *p) { dp_rds_read(&(k), r, p); }         \
    static void rds_op_update(const dp_resource_req *r, dp_progress *p) { dp_rds_update(&(k), r, p); }     \
    static int rds_op_physical_id_for(const cJSON *desired, const dp_resource_req *r, char *id, size_t n)  \
    {                                                                                                        \
        return dp_rds_physical_id(&(k), desired, r, id, n);                                                  \
    }
#define DP_RDS_WAITED_OPS(k)                                                                                  \
    static void rds_op_delete(const dp_resource_req *r, dp_progress *p) { dp_rds_delete(&(k), r, p); }     \
    static int rds_op_list(dp_client *c, const char *stack, dp_list_fn fn, void *ctx, dp_err *e)           \
    {                                                                                                        \
        return dp_rds_list_tagged(&(k), c, stack, fn, ctx, e);                                               \
    }

#endif
