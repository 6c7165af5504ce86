/* driver.c - questions about a type answered from its driver's table entry, without AWS. */
#include "drivers/resources/driver.h"

#include <string.h>
#include <strings.h>

bool dp_driver_listed(const char *const *list, const char *name)
{
    for (; list && name && *list; list++)
        if (!strcmp(*list, name))
            return true;
    return false;
}

bool dp_driver_applies(const char *type, const char *prop)
{
    const dp_driver *d = dp_driver_find(type);
    return d && dp_driver_listed(d->applies, prop);
}

const char *dp_driver_unsupported(const dp_driver *d, const cJSON *props)
{
    const cJSON *k;
    cJSON_ArrayForEach(k, props)
    {
        if (!d || !dp_driver_listed(d->applies, k->string))
            return k->string;
    }
    return NULL;
}

bool dp_driver_lowercased(const dp_driver *d, const char *prop)
{
    if (!d || !prop)
        return false;
    if ((d->caps & DP_CAP_ID_LOWERCASE) && d->name_prop && !strcmp(d->name_prop, prop))
        return true;
    return dp_driver_listed(d->lowercased, prop);
}

bool dp_driver_same_id(const dp_driver *d, const char *a, const char *b)
{
    return d && (d->caps & DP_CAP_ID_LOWERCASE) ? !strcasecmp(a, b) : !strcmp(a, b);
}

bool dp_driver_updates_in_place(const dp_driver *d, const char *prop)
{
    return d && dp_driver_listed(d->update_in_place, prop);
}

bool dp_driver_replaces_on_change(const dp_driver *d, const char *prop)
{
    return d && dp_driver_listed(d->replace_on_change, prop);
}

bool dp_driver_may_reference(const dp_driver *d, const char *to)
{
    return d && dp_driver_listed(d->may_reference, to);
}

double dp_driver_seconds(const dp_driver *d, dp_driver_op op)
{
    double s = !d ? 0 : op == DP_DRIVER_DELETE ? d->seconds.del : op == DP_DRIVER_UPDATE ? d->seconds.update
                                                                                       : d->seconds.create;
    return s > 0 ? s : 2; /* a call or two */
}
