/* type_rules.h - what the template checks need to know about a resource type beyond its
 * schema, answered by the caller: templates never see the driver table, so the engine fills
 * this from it (dp_engine_type_rules), the way it implements resolver.h.
 *
 * Ownership: a dp_type_rules and its ctx are the caller's, borrowed during dp_template_load
 * only (the template copies the struct). */
#ifndef DP_TEMPLATE_TYPE_RULES_H
#define DP_TEMPLATE_TYPE_RULES_H
#include <stdbool.h>

typedef struct dp_type_rules {
    void *ctx;
    /* True when DeletionPolicy / UpdateReplacePolicy Snapshot is supported for type. */
    bool (*snapshot_ok)(void *ctx, const char *type);
} dp_type_rules;

/* The rules used when the caller passes none (unit tests, fuzzers, and for now validate and
 * graph): Snapshot for AWS::RDS::DBCluster and AWS::RDS::DBInstance. tests/unit/
 * test_driver_table.c checks that they answer as the driver table does. Static. */
const dp_type_rules *dp_type_rules_default(void);

#endif
