/* engine.c - the driver table's facts as the template loader asks for them. */
#include "provisioner/engine/engine.h"

static bool snapshot_ok(void *ctx, const char *type)
{
    (void)ctx;
    const dp_driver *d = dp_driver_find(type);
    return d && (d->caps & DP_CAP_SNAPSHOT);
}

const dp_type_rules *dp_engine_type_rules(void)
{
    static const dp_type_rules rules = {.ctx = NULL, .snapshot_ok = snapshot_ok};
    return &rules;
}
